"""The PDF renderer, read back with pypdf: page, margins, ND30 lines, text, fonts."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pytest
from export_samples import LETTER, NOTICE, REPORT, SAMPLES, all_text, block_texts
from pypdf import PdfReader

from cdsdesk.exporting.model import (
    ADDRESSEE_LABEL,
    APPENDIX_LABEL,
    LAYOUT,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_LABEL,
    AdminDocument,
    Block,
    Chart,
    Column,
    Paragraph,
    Run,
    Table,
    recipient_lines,
)
from cdsdesk.exporting.pdf_render import render_pdf

MM = 72 / 25.4
A4 = (595.27, 841.89)


def norm(text: str) -> str:
    """NFC with every run of whitespace (no-break spaces too) made one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclasses.dataclass(frozen=True)
class Glyphs:
    """A piece of text as pypdf's visitor saw it, in page coordinates."""

    text: str
    x: float
    y: float
    size: float


def positioned_text(page: object) -> list[Glyphs]:
    found: list[Glyphs] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if not text.strip():
            return
        # The text matrix is relative to the current transformation matrix.
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append(Glyphs(text, x, y, size * abs(tm[3] or 1) * abs(cm[3] or 1)))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for name, doc in SAMPLES.items():
        paths[name] = folder / f"{name}.pdf"
        render_pdf(doc, paths[name])
    return paths


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def printed_texts(doc: AdminDocument) -> list[str]:
    """Every line of text the renderer is asked to print, as ND30 prints it."""
    texts = [NATIONAL_TITLE, MOTTO, doc.number, doc.place_date, doc.agency.upper()]
    if doc.parent_agency:
        texts.append(doc.parent_agency.upper())
    texts += [doc.doc_type.upper(), doc.title] if doc.doc_type else [doc.title]
    texts += block_texts(doc.body)
    texts += _chart_texts(doc.body)
    if doc.recipients:
        texts += [RECIPIENTS_LABEL, *recipient_lines(doc.recipients)]
    texts += [line.upper() for line in doc.signature.lines] + [doc.signature.name]
    if doc.addressees:
        texts.append(ADDRESSEE_LABEL)
        texts += list(doc.addressees)
    for appendix in doc.appendices:
        texts += [APPENDIX_LABEL, appendix.title.upper(), appendix.reference]
        texts += block_texts(appendix.blocks) + _chart_texts(appendix.blocks)
    return [text for text in texts if text.strip()]


def _chart_texts(blocks: tuple[Block, ...]) -> list[str]:
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, Chart):
            texts += list(block.categories) + [series.name for series in block.series]
    return texts


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_page_is_a4_portrait(pdfs: dict[str, Path], name: str) -> None:
    reader = PdfReader(pdfs[name])
    assert len(reader.pages) >= 1
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(A4[0], abs=1.0)
        assert height == pytest.approx(A4[1], abs=1.0)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_all_text_is_real_and_intact(pdfs: dict[str, Path], name: str) -> None:
    doc = SAMPLES[name]
    text = norm("\n".join(page_texts(pdfs[name])))
    missing = [line for line in printed_texts(doc) if norm(line) not in text]
    assert missing == []
    # Every Vietnamese letter of the document came back as the same code point.
    letters = {ch for ch in all_text(doc) if ch.isalpha() and not ch.isascii()}
    assert letters - set(text) == set()


def test_the_samples_carry_every_vietnamese_letter() -> None:
    from cdsdesk.exporting.fonts import VIETNAMESE_LETTERS

    text = "".join(all_text(doc) for doc in SAMPLES.values())
    assert set(VIETNAMESE_LETTERS) - set(text) - set(text.upper()) == set()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_national_title_number_and_date_as_nd30_writes_them(
    pdfs: dict[str, Path], name: str
) -> None:
    doc = SAMPLES[name]
    first = PdfReader(pdfs[name]).pages[0]
    lines = [norm(line) for line in first.extract_text().splitlines()]
    assert NATIONAL_TITLE in lines
    assert MOTTO in lines
    assert norm(doc.number) in lines
    assert norm(doc.place_date) in lines
    # The place and date stand on the line of the number, in the right column.
    glyphs = positioned_text(first)
    number = next(g for g in glyphs if norm(g.text).startswith("Số:"))
    date = next(g for g in glyphs if norm(g.text) == norm(doc.place_date))
    assert abs(number.y - date.y) < 3
    assert date.x > number.x + 40 * MM


def test_an_unnumbered_report_keeps_the_blank_for_the_number(pdfs: dict[str, Path]) -> None:
    assert REPORT.number.startswith("Số:      /")
    first = page_texts(pdfs["report"])[0]
    number = next(line for line in first.splitlines() if "/BC-" in line and "Số:" in line)
    gap = number.split("Số:")[1].split("/")[0]
    assert len(gap) >= 4 and not gap.strip()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_fonts_are_embedded_truetype(pdfs: dict[str, Path], name: str) -> None:
    reader = PdfReader(pdfs[name])
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        assert len(fonts) >= 1
        for ref in fonts.values():
            font = ref.get_object()
            if font["/Subtype"] == "/Type0":
                font = font["/DescendantFonts"][0].get_object()
            assert font["/Subtype"] in ("/TrueType", "/CIDFontType2"), font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
            # A subset ("AAAAAA+...") of the serif, never a standard 14 font such as Helvetica.
            base = str(font["/BaseFont"])
            assert "+" in base and ("TimesNewRoman" in base or "LiberationSerif" in base)


def top_margin_texts(page: object) -> list[Glyphs]:
    top = A4[1] - LAYOUT.margin_top_mm * MM
    return [g for g in positioned_text(page) if g.y > top]


def test_page_numbers_in_the_top_margin_not_on_page_one(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(pdfs["notice"])
    assert len(reader.pages) >= 2
    assert top_margin_texts(reader.pages[0]) == []
    for index, page in enumerate(reader.pages[1:], start=2):
        numbers = top_margin_texts(page)
        assert [norm(g.text) for g in numbers] == [str(index)]
        number = numbers[0]
        assert number.size == pytest.approx(LAYOUT.page_number_pt)
        # Centred over the text block: the middle of the digit at the middle of the line.
        centre = LAYOUT.margin_left_mm + (210 - LAYOUT.margin_left_mm - LAYOUT.margin_right_mm) / 2
        digit_w = 0.5 * LAYOUT.page_number_pt * len(number.text.strip())
        assert number.x + digit_w / 2 == pytest.approx(centre * MM, abs=2)
        # In the top margin: above the text block, below the paper's edge.
        assert A4[1] - LAYOUT.margin_top_mm * MM < number.y < A4[1] - 5 * MM


def test_appendix_pages_are_numbered_anew(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(pdfs["report"])
    texts = [page.extract_text() for page in reader.pages]
    start = next(
        i for i, text in enumerate(texts) if APPENDIX_LABEL in map(norm, text.splitlines())
    )
    assert start >= 1
    assert len(reader.pages) > start + 1, "the sample appendix should run over a page"
    assert top_margin_texts(reader.pages[start]) == []
    for offset, page in enumerate(reader.pages[start + 1 :], start=2):
        assert [norm(g.text) for g in top_margin_texts(page)] == [str(offset)]
    # The body's own pages are numbered 2, 3, ... up to the appendix.
    for index in range(1, start):
        assert [norm(g.text) for g in top_margin_texts(reader.pages[index])] == [str(index + 1)]


def test_a_long_table_repeats_its_header_row(pdfs: dict[str, Path]) -> None:
    reader = PdfReader(pdfs["report"])
    appendix_table = REPORT.appendices[0].blocks[0]
    pages = [norm(p.extract_text()) for p in reader.pages]
    with_rows = [t for t in pages if "Xây dựng kho dữ liệu mở của tỉnh" in t]
    assert len(with_rows) >= 2
    for text in with_rows:
        assert all(norm(c.title) in text for c in appendix_table.columns)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_text_stays_inside_the_nd30_margins(pdfs: dict[str, Path], name: str) -> None:
    left = LAYOUT.margin_left_mm * MM
    bottom = LAYOUT.margin_bottom_mm * MM
    top = A4[1] - LAYOUT.margin_top_mm * MM
    for page in PdfReader(pdfs[name]).pages:
        glyphs = positioned_text(page)
        assert glyphs
        body = [g for g in glyphs if g.y <= top]
        assert min(g.x for g in glyphs) >= left - 0.5
        assert min(g.y for g in body) >= bottom - 0.5
        # Only the page number lives in the top margin.
        assert all(norm(g.text).isdigit() for g in glyphs if g.y > top)
        # Text starts at the left margin itself (justified body, table rules aside).
        assert min(g.x for g in glyphs) < left + 5 * MM


def test_metadata_title_and_author(pdfs: dict[str, Path]) -> None:
    meta = PdfReader(pdfs["report"]).metadata
    assert meta is not None
    assert meta.title == REPORT.file_title
    assert meta.author == REPORT.agency


def test_letter_has_subject_and_addressee_not_a_type(pdfs: dict[str, Path]) -> None:
    text = norm("\n".join(page_texts(pdfs["letter"])))
    assert norm(LETTER.title) in text
    assert f"{ADDRESSEE_LABEL} {LETTER.addressees[0]}." in text
    assert "THÔNG BÁO" not in text and "BÁO CÁO" not in text


def test_letter_to_several_addressees_lists_them(tmp_path: Path) -> None:
    doc = dataclasses.replace(
        LETTER, addressees=("Ủy ban nhân dân huyện Sơn Tịnh", "- Sở Tài chính;")
    )
    render_pdf(doc, tmp_path / "l.pdf")
    lines = [norm(line) for line in page_texts(tmp_path / "l.pdf")[0].splitlines()]
    at = lines.index(ADDRESSEE_LABEL)
    assert lines[at + 1 : at + 3] == ["- Ủy ban nhân dân huyện Sơn Tịnh;", "- Sở Tài chính."]


def test_decomposed_input_and_markup_characters_come_out_right(tmp_path: Path) -> None:
    nfd_title = unicodedata.normalize("NFD", "Kết quả thực hiện nhiệm vụ")
    assert nfd_title != unicodedata.normalize("NFC", nfd_title)
    odd = 'Ghi chú: A & B <chưa xong> 5 > 3; "trích dẫn"'
    doc = dataclasses.replace(
        NOTICE,
        title=nfd_title,
        body=(Paragraph((Run(odd), Run(" đậm", bold=True))),),
    )
    render_pdf(doc, tmp_path / "odd.pdf")
    text = "\n".join(page_texts(tmp_path / "odd.pdf"))
    assert unicodedata.normalize("NFC", nfd_title) in text
    assert norm(odd + " đậm") in norm(text)


def test_writes_to_a_binary_stream() -> None:
    import io

    buffer = io.BytesIO()
    render_pdf(LETTER, buffer)
    assert buffer.getvalue().startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(buffer.getvalue())).pages) >= 1


def _rows_table(rows: tuple[tuple[str, ...], ...]) -> Table:
    return Table(
        columns=(Column("TT", 12, "center"), Column("Nhiệm vụ", 100), Column("Ghi chú", 53)),
        rows=rows,
    )


def test_rows_move_whole_to_the_next_page(tmp_path: Path) -> None:
    note = "Đã triển khai; chờ ý kiến chỉ đạo của Ủy ban nhân dân tỉnh về kinh phí năm sau."
    rows = tuple((str(i), f"Nhiệm vụ số {i}: {note} {note}", note) for i in range(1, 4))
    table = _rows_table(rows)
    crossed = 0
    # The table starts lower and lower on page 1 until it no longer fits there, so
    # some start leaves room for the header and part of a row, never for a whole row.
    for lines in range(20, 34):
        filler = tuple(Paragraph.of(f"Dòng {i}.", "plain") for i in range(lines))
        render_pdf(dataclasses.replace(LETTER, body=(*filler, table)), tmp_path / "rows.pdf")
        pages = [norm(text) for text in page_texts(tmp_path / "rows.pdf")]
        for _number, task, _note in rows:
            # Each row's text whole on one page: never half a row at a page's foot.
            assert sum(norm(task) in page for page in pages) == 1, (lines, task)
        crossed += "Nhiệm vụ số 1:" in pages[0] and "Nhiệm vụ số 3:" not in pages[0]
    assert crossed >= 1, "no start put the table across a page break"


def test_a_row_taller_than_a_page_is_split_not_an_error(tmp_path: Path) -> None:
    huge = " ".join(f"Lần cập nhật thứ {i}: đã họp, thống nhất phương án." for i in range(300))
    table = _rows_table((("1", "Nhiệm vụ ngắn", huge), ("2", "Nhiệm vụ khác", "")))
    doc = dataclasses.replace(LETTER, body=(table,))
    render_pdf(doc, tmp_path / "huge.pdf")
    pages = page_texts(tmp_path / "huge.pdf")
    assert len(pages) >= 3
    parts = [norm(pages[0])]
    for number, page in enumerate(pages[1:-1], start=2):  # the last holds the foot
        # Each later page: its number, the repeated header row, then the row goes on.
        head = f"{number} TT Nhiệm vụ Ghi chú "
        assert norm(page).startswith(head)
        parts.append(norm(page).removeprefix(head))
    text = " ".join([*parts, norm(pages[-1])])
    assert all(f"Lần cập nhật thứ {i}: đã họp, thống nhất phương án." in text for i in range(300))
    assert "Nhiệm vụ khác" in text


def test_empty_and_ragged_tables_render(tmp_path: Path) -> None:
    empty = Table(columns=(Column("TT", 12, "center"), Column("Nhiệm vụ", 100)), rows=())
    ragged = Table(
        columns=(Column("TT", 12), Column("Nhiệm vụ", 100), Column("Ghi chú", 40)),
        rows=(("1", "Một ô thiếu"), ("2", "Đủ", "ô"), ("Tổng cộng",)),
        total_row=True,
    )
    render_pdf(dataclasses.replace(LETTER, body=(empty, ragged)), tmp_path / "t.pdf")
    text = norm(page_texts(tmp_path / "t.pdf")[0])
    assert "TT Nhiệm vụ TT Nhiệm vụ Ghi chú 1 Một ô thiếu 2 Đủ ô Tổng cộng" in text
