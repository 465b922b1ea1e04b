"""Finding the serif at run time, and the one chart drawn for both formats."""

from __future__ import annotations

import dataclasses
import io
import shutil
import struct
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from cdsdesk.errors import CdsError
from cdsdesk.exporting.chart import chart_drawing, chart_png, chart_size_mm, nice_axis
from cdsdesk.exporting.fonts import (
    FONT_DIR_ENV,
    VIETNAMESE_LETTERS,
    FontFamily,
    FontNotFoundError,
    balanced_lines,
    find_serif_family,
    missing_letters,
    pdf_font_names,
    register_pdf_fonts,
)
from cdsdesk.exporting.model import Chart, ChartSeries

TIMES_NAMES = ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf")
LIBERATION_NAMES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)


@pytest.fixture(scope="module")
def system_family() -> FontFamily:
    """Whatever this computer has; the fake folders below are copies of its faces."""
    return find_serif_family()


def copy_faces(family: FontFamily, folder: Path, names: tuple[str, ...]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for face, name in zip(family.faces, names, strict=True):
        shutil.copy(face, folder / name)
    return folder


# -- the Vietnamese letters ------------------------------------------------------------


def test_vietnamese_letters_are_all_134_precomposed() -> None:
    assert len(VIETNAMESE_LETTERS) == 134
    assert len(set(VIETNAMESE_LETTERS)) == 134
    assert "đ" in VIETNAMESE_LETTERS and "Đ" in VIETNAMESE_LETTERS
    for letter in "ắẳẵặỳỷỹỵữựỮỰ":
        assert letter in VIETNAMESE_LETTERS
    assert unicodedata.normalize("NFC", VIETNAMESE_LETTERS) == VIETNAMESE_LETTERS
    assert not any(ch.isascii() for ch in VIETNAMESE_LETTERS)


def test_every_face_found_has_a_glyph_for_every_vietnamese_letter(
    system_family: FontFamily,
) -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    assert system_family.name in ("Times New Roman", "Liberation Serif")
    for face in system_family.faces:
        covered = TTFontFile(str(face)).charToGlyph
        assert [ch for ch in VIETNAMESE_LETTERS if ord(ch) not in covered] == []
        assert missing_letters(face) == ""


def test_registered_fonts_carry_vietnamese() -> None:
    from reportlab.pdfbase import pdfmetrics

    family = register_pdf_fonts()
    assert register_pdf_fonts() == family  # registered once, same name
    names = pdf_font_names()
    for face in (names.regular, names.bold, names.italic, names.bold_italic):
        font = pdfmetrics.getFont(face)
        assert all(ord(ch) in font.face.charToGlyph for ch in VIETNAMESE_LETTERS)
    assert names.face(bold=True, italic=True) == names.bold_italic


# -- the finder ------------------------------------------------------------------------


def test_prefers_times_new_roman_when_its_files_exist(
    system_family: FontFamily, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_faces(system_family, tmp_path / "liberation", LIBERATION_NAMES)
    times = copy_faces(system_family, tmp_path / "windows" / "Fonts", TIMES_NAMES)
    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path))
    family = find_serif_family(system=False)
    assert family.name == "Times New Roman"
    assert family.faces == tuple(times / name for name in TIMES_NAMES)


def test_file_names_match_whatever_their_case(system_family: FontFamily, tmp_path: Path) -> None:
    upper = tuple(name.upper() for name in TIMES_NAMES)  # TIMES.TTF, as old Windows wrote it
    copy_faces(system_family, tmp_path, upper)
    family = find_serif_family([tmp_path], system=False)
    assert family.name == "Times New Roman"
    assert family.regular.name == "TIMES.TTF"


def test_falls_back_to_liberation_serif(
    system_family: FontFamily, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_faces(system_family, tmp_path / "liberation2", LIBERATION_NAMES)
    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path))
    family = find_serif_family(system=False)
    assert family.name == "Liberation Serif"
    assert family.bold_italic == folder / "LiberationSerif-BoldItalic.ttf"


def test_times_with_a_face_missing_is_not_used(system_family: FontFamily, tmp_path: Path) -> None:
    copy_faces(system_family, tmp_path, LIBERATION_NAMES)
    shutil.copy(system_family.regular, tmp_path / "times.ttf")
    shutil.copy(system_family.bold, tmp_path / "timesbd.ttf")
    assert find_serif_family([tmp_path], system=False).name == "Liberation Serif"


def test_a_font_file_without_vietnamese_glyphs_is_skipped(
    system_family: FontFamily, tmp_path: Path
) -> None:
    copy_faces(system_family, tmp_path, LIBERATION_NAMES)
    for name in TIMES_NAMES:  # broken files: no glyphs at all would print boxes
        (tmp_path / name).write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 200)
    assert missing_letters(tmp_path / "times.ttf") == VIETNAMESE_LETTERS
    assert find_serif_family([tmp_path], system=False).name == "Liberation Serif"


def test_clear_vietnamese_message_when_no_serif_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv(FONT_DIR_ENV, str(empty))
    with pytest.raises(FontNotFoundError) as caught:
        find_serif_family(system=False)
    assert isinstance(caught.value, CdsError)
    message = str(caught.value)
    assert message.startswith("Không tìm thấy phông chữ Times New Roman hoặc Liberation Serif")
    assert "hãy cài" in message
    assert "\n" not in message


def test_a_missing_override_folder_is_not_an_error(
    system_family: FontFamily, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path / "no such folder"))
    assert find_serif_family().name == system_family.name


@pytest.mark.parametrize(
    ("styles", "index"),
    [
        ("Regular,Normal,obyčejné", 0),
        ("Bold,Negreta,tučné", 1),
        ("Italic,Cursiva", 2),
        ("Bold Italic,Negreta cursiva", 3),
        ("Medium", None),
    ],
)
def test_fontconfig_style_names(styles: str, index: int | None) -> None:
    from cdsdesk.exporting.fonts import _style_index

    assert _style_index(styles) == index


def test_balanced_lines_break_evenly_and_fit() -> None:
    names = pdf_font_names()
    width = 66 * 72 / 25.4
    lines = balanced_lines("SỞ KHOA HỌC VÀ CÔNG NGHỆ", names.bold, 13, width)
    assert lines == ["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]
    assert balanced_lines("SỞ TÀI CHÍNH", names.bold, 13, width) == ["SỞ TÀI CHÍNH"]


# -- the chart -------------------------------------------------------------------------

UNITS = (
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Trung tâm Thông tin và Ứng dụng khoa học và công nghệ",
    "Sở Tài chính",
)
CHART = Chart(
    title="Tình trạng nhiệm vụ theo đơn vị chủ trì",
    categories=UNITS,
    series=(
        ChartSeries("Đã hoàn thành đúng hạn", (3.0, 8.0, 0.0), "#2e7d32"),
        ChartSeries("Chưa hoàn thành, quá hạn", (1.0, 2.0, 5.0), "#c62828"),
        ChartSeries("Không thời hạn / thường xuyên", (0.0, 1.0, 2.0), "#9e9e9e"),
    ),
    width_mm=160,
    height_mm=90,
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def drawing_text(chart: Chart) -> str:
    """The chart drawn on its own PDF page, read back as text."""
    from reportlab.graphics import renderPDF

    pdf = renderPDF.drawToString(chart_drawing(chart))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return " ".join(unicodedata.normalize("NFC", page.extract_text()).split())


def test_chart_png_is_a_picture_of_the_drawing() -> None:
    data = chart_png(CHART, dpi=200)
    width_px, height_px = png_size(data)
    width_mm, height_mm = chart_size_mm(CHART)
    assert width_mm == pytest.approx(160)
    assert width_px == pytest.approx(160 / 25.4 * 200, abs=2)
    assert height_px == pytest.approx(height_mm / 25.4 * 200, abs=2)
    assert 20_000 < len(data) < 2_000_000
    assert png_size(chart_png(CHART, dpi=100))[0] == pytest.approx(160 / 25.4 * 100, abs=2)


def test_chart_draws_title_units_legend_and_totals_in_vietnamese() -> None:
    text = drawing_text(CHART)
    assert CHART.title in text
    for unit in UNITS:  # long names wrap onto two lines, in order
        assert unit in text
    for series in CHART.series:
        assert series.name in text
    for total in ("4", "11", "7"):
        assert total in text.split()


def test_chart_labels_a_segment_only_where_its_value_fits() -> None:
    chart = Chart(
        title="",
        categories=("Sở Tài chính",),
        series=(
            ChartSeries("Nhỏ", (1.0,), "#2e7d32"),
            ChartSeries("Lớn", (500.0,), "#c62828"),
        ),
    )
    words = drawing_text(chart).split()
    assert "500" in words and "501" in words  # the wide segment and the total
    assert "1" not in words  # a sliver of 1 in 501 has no room for its figure


def test_chart_grows_for_many_units_and_shrinks_for_few() -> None:
    many = Chart(
        title="Nhiều đơn vị",
        categories=tuple(f"Ủy ban nhân dân xã số {i}" for i in range(40)),
        series=(ChartSeries("Đã hoàn thành", tuple(float(i % 5) for i in range(40)), "#2e7d32"),),
    )
    width, height = chart_size_mm(many)
    assert width == pytest.approx(many.width_mm)
    assert height > many.height_mm
    assert height / 40 >= 6  # each unit's row at least 18 pt (6.35 mm) minus the fixed parts
    one_unit = dataclasses.replace(
        CHART,
        categories=UNITS[:1],
        series=tuple(dataclasses.replace(s, values=s.values[:1]) for s in CHART.series),
    )
    _, few = chart_size_mm(one_unit)
    assert few < CHART.height_mm  # no fat bar filling 90 mm


def test_chart_without_figures_says_so() -> None:
    empty = Chart(title="Không có gì", categories=(), series=())
    text = drawing_text(empty)
    assert "Không có số liệu" in text
    assert png_size(chart_png(empty))[0] > 0


@pytest.mark.parametrize(
    ("largest", "expected"),
    [(0, (1, 1)), (3, (3, 1)), (12, (12, 2)), (7, (8, 2)), (44, (50, 10)), (1000, (1000, 200))],
)
def test_nice_axis(largest: float, expected: tuple[float, float]) -> None:
    assert nice_axis(largest) == expected
