"""The Word renderer: read the .docx back and check it against the document and ND30."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import subprocess
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.paragraph import Paragraph as DocxParagraph
from export_samples import LETTER, NOTICE, REPORT, SAMPLES, VIETNAMESE_LETTERS, all_text

from cdsdesk.exporting.docx_render import (
    STYLE_BODY,
    STYLE_HEADING,
    STYLE_NOTE,
    STYLE_PLAIN,
    render_docx,
)
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

CHART_MODULE = importlib.util.find_spec("cdsdesk.exporting.chart") is not None
NEEDS_CHART = pytest.mark.skipif(
    not CHART_MODULE, reason="cdsdesk/exporting/chart.py (chart_png) is not written yet"
)
TNR = "Times New Roman"


def _without_charts(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    return tuple(b for b in blocks if not isinstance(b, Chart))


def _renderable(doc: AdminDocument) -> AdminDocument:
    """The sample as given; without its charts only while the chart module is missing."""
    if CHART_MODULE:
        return doc
    return dataclasses.replace(doc, body=_without_charts(doc.body))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    paths = {}
    for name, doc in SAMPLES.items():
        paths[name] = folder / f"{name}.docx"
        render_docx(_renderable(doc), paths[name])
    return paths


def mm(length: Length | None) -> float:
    assert length is not None
    return float(length.mm)


def is_data_table(tbl: Any) -> bool:
    return tbl.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def body_texts(document: Any) -> list[str]:
    """Non-empty paragraph texts in order, masthead and foot cells included, data tables
    left out; a line break inside a paragraph reads as a space."""
    texts = []
    for p in document.element.body.iter(qn("w:p")):
        tables = list(p.iterancestors(qn("w:tbl")))
        if tables and is_data_table(tables[0]):
            continue
        text = DocxParagraph(p, None).text
        if text.strip():
            texts.append(text.replace("\n", " "))
    return texts


def data_tables(document: Any) -> list[Any]:
    return [t for t in document.tables if is_data_table(t._tbl)]


def model_tables(doc: AdminDocument) -> list[Table]:
    blocks = [*doc.body, *(b for a in doc.appendices for b in a.blocks)]
    return [b for b in blocks if isinstance(b, Table)]


def expected_texts(doc: AdminDocument) -> list[str]:
    """What a reader sees outside data tables, in order, as ND30 prints it."""
    out = [doc.parent_agency.upper()] if doc.parent_agency else []
    out += [doc.agency.upper(), NATIONAL_TITLE, MOTTO, doc.number]
    if doc.is_letter:
        out += [doc.title, doc.place_date]
        if len(doc.addressees) == 1:
            out.append(f"{ADDRESSEE_LABEL} {doc.addressees[0]}.")
        elif doc.addressees:
            out += [ADDRESSEE_LABEL, *recipient_lines(doc.addressees)]
    else:
        out += [doc.place_date, doc.doc_type, doc.title]

    def blocks(items: tuple[Block, ...]) -> list[str]:
        texts = []
        for block in items:
            if isinstance(block, Paragraph):
                texts.append(block.text)
            elif isinstance(block, Table) and block.caption:
                texts.append(block.caption)
        return texts

    out += blocks(doc.body)
    out += [RECIPIENTS_LABEL, *recipient_lines(doc.recipients)]
    out += [*doc.signature.lines, doc.signature.name]
    for appendix in doc.appendices:
        out += [f"{APPENDIX_LABEL} {appendix.number}".strip(), appendix.title.upper()]
        out += [appendix.reference, *blocks(appendix.blocks)]
    return out


# ---------------------------------------------------------------------------
# The samples themselves
# ---------------------------------------------------------------------------


def test_samples_carry_every_vietnamese_letter_and_mark() -> None:
    text = "".join(all_text(doc) for doc in SAMPLES.values())
    assert [c for c in VIETNAMESE_LETTERS if c not in text] == []
    capitals = {m for c in text if c.isupper() for m in unicodedata.normalize("NFD", c)}
    # grave, acute, circumflex, tilde, breve, hook above, horn, dot below, and Đ
    for mark in ("\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309", "\u031b", "\u0323"):
        assert mark in capitals
    assert "Đ" in capitals


# ---------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_page_is_a4_portrait_with_nd30_margins(rendered: dict[str, Path], name: str) -> None:
    document = Document(str(rendered[name]))
    for section in document.sections:
        assert mm(section.page_width) == pytest.approx(210, abs=0.5)
        assert mm(section.page_height) == pytest.approx(297, abs=0.5)
        assert 20 <= round(mm(section.top_margin), 1) <= 25
        assert 20 <= round(mm(section.bottom_margin), 1) <= 25
        assert 30 <= round(mm(section.left_margin), 1) <= 35
        assert 15 <= round(mm(section.right_margin), 1) <= 20
        # The header (page number) sits inside the top margin.
        assert mm(section.header_distance) + LAYOUT.page_number_pt * 0.353 < mm(section.top_margin)


@pytest.mark.parametrize("name", SAMPLES)
def test_page_number_in_header_not_on_first_page(rendered: dict[str, Path], name: str) -> None:
    document = Document(str(rendered[name]))
    first = document.sections[0]
    assert first.different_first_page_header_footer
    header_xml = first.header._element.xml
    assert " PAGE " in "".join(t.text for t in first.header._element.iter(qn("w:instrText")))
    assert 'w:fldCharType="begin"' in header_xml and 'w:fldCharType="end"' in header_xml
    number = first.header.paragraphs[0]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER or (
        number.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    )
    assert 13 <= number.style.font.size.pt <= 14
    assert "PAGE" not in first.first_page_header._element.xml


def test_each_appendix_starts_a_new_page_numbered_from_one(rendered: dict[str, Path]) -> None:
    document = Document(str(rendered["report"]))
    assert len(document.sections) == 1 + len(REPORT.appendices)
    appendix = document.sections[1]
    assert appendix.start_type == 2  # WD_SECTION.NEW_PAGE
    assert appendix.different_first_page_header_footer
    assert appendix._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert appendix.header.is_linked_to_previous  # same PAGE field


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_every_paragraph_reads_back_exactly_in_order(rendered: dict[str, Path], name: str) -> None:
    document = Document(str(rendered[name]))
    actual = body_texts(document)
    assert actual == expected_texts(SAMPLES[name])
    assert all(unicodedata.is_normalized("NFC", text) for text in actual)


@pytest.mark.parametrize("name", SAMPLES)
def test_every_table_cell_reads_back_exactly(rendered: dict[str, Path], name: str) -> None:
    document = Document(str(rendered[name]))
    tables = data_tables(document)
    expected = model_tables(SAMPLES[name])
    assert len(tables) == len(expected)
    for table, model in zip(tables, expected, strict=True):
        cells = [[cell.text for cell in row.cells] for row in table.rows]
        assert cells == [[c.title for c in model.columns], *map(list, model.rows)]


def test_masthead_lines_as_nd30_writes_them(rendered: dict[str, Path]) -> None:
    document = Document(str(rendered["notice"]))
    masthead = document.tables[0]
    left, right = (cell.text for cell in masthead.rows[0].cells)
    assert NATIONAL_TITLE in right.split("\n")
    assert MOTTO in right.split("\n")
    number, place_date = (cell.paragraphs[0] for cell in masthead.rows[1].cells)
    assert number.text == "Số: 36/TB-SKHCN"
    assert place_date.text == "Quảng Ngãi, ngày 03 tháng 02 năm 2023"
    assert all(run.italic for run in place_date.runs)
    assert all(run.font.size.pt == 14 for run in place_date.runs)
    assert all(run.font.size.pt == 13 for run in number.runs)
    # Issuing body bold, parent body not; both in capitals.
    parent, agency = (p for p in masthead.rows[0].cells[0].paragraphs if p.text)
    assert parent.text == "UBND TỈNH QUẢNG NGÃI" and not any(r.bold for r in parent.runs)
    assert agency.text.replace("\n", " ") == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert all(r.bold for r in agency.runs)
    assert "\n" in agency.text and not agency.text.split("\n")[0].endswith("VÀ")
    # Column widths near 6.5 / 10 cm of the 16.5 cm text width.
    widths = [mm(cell.width) for cell in masthead.rows[0].cells]
    assert widths == pytest.approx([65, 100], abs=0.5)
    assert left.startswith("UBND")


def test_rules_under_agency_motto_and_title(rendered: dict[str, Path]) -> None:
    """Short solid lines: a third to half the agency's length, the motto's full length."""
    document = Document(str(rendered["notice"]))

    def rules(paragraphs: list[DocxParagraph], width_mm: float) -> list[float]:
        lengths = []
        for p in paragraphs:
            if p.style.name == "CDS Rule":
                fmt = p.paragraph_format
                lengths.append(width_mm - mm(fmt.left_indent) - mm(fmt.right_indent))
        return lengths

    left, right = document.tables[0].rows[0].cells
    (agency_rule,) = rules(left.paragraphs, 65 - 2.0)
    # "SỞ KHOA HỌC" / "VÀ CÔNG NGHỆ" are each about 35 mm at 13 pt bold
    assert 35 / 3 <= agency_rule <= 35 / 2 + 1
    (motto_rule,) = rules(right.paragraphs, 100 - 2.0)
    assert motto_rule == pytest.approx(60.2, abs=1.0)  # the motto at 14 pt bold
    (title_rule,) = rules(document.paragraphs, 165)
    assert 20 <= title_rule <= 60


def test_letter_has_subject_under_number_and_addressee(rendered: dict[str, Path]) -> None:
    document = Document(str(rendered["letter"]))
    number_cell = document.tables[0].rows[1].cells[0]
    number, subject = number_cell.paragraphs
    assert number.text == LETTER.number
    assert subject.text == LETTER.title
    assert all(12 <= run.font.size.pt <= 13 for run in subject.runs)
    assert "THÔNG BÁO" not in body_texts(document)
    kinh_gui = next(p for p in document.paragraphs if p.text.startswith(ADDRESSEE_LABEL))
    assert kinh_gui.text == "Kính gửi: Ủy ban nhân dân huyện Sơn Tịnh."


def test_letter_to_several_addressees_lines_them_up_under_the_colon(tmp_path: Path) -> None:
    doc = dataclasses.replace(
        LETTER, addressees=("Sở Tài chính;", "Sở Nội vụ", "Kho bạc Nhà nước tỉnh")
    )
    render_docx(doc, tmp_path / "letter.docx")
    document = Document(str(tmp_path / "letter.docx"))
    assert body_texts(document) == expected_texts(doc)
    texts = [p.text for p in document.paragraphs]
    start = texts.index(ADDRESSEE_LABEL)
    label, *lines = document.paragraphs[start : start + 4]
    assert [p.text for p in lines] == [
        "- Sở Tài chính;",
        "- Sở Nội vụ;",
        "- Kho bạc Nhà nước tỉnh.",
    ]
    indents = {round(mm(p.paragraph_format.left_indent), 2) for p in lines}
    assert len(indents) == 1
    # The dashes stand under the colon: "Kính gửi:" is about 18 mm at 14 pt.
    assert indents.pop() - mm(label.paragraph_format.left_indent) == pytest.approx(18.2, abs=1.5)


def test_text_comes_out_nfc_even_from_decomposed_input(tmp_path: Path) -> None:
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    doc = dataclasses.replace(
        NOTICE,
        agency=nfd(NOTICE.agency),
        place_date=nfd(NOTICE.place_date),
        body=(Paragraph((Run(nfd("Nghị định số 30/2020 về công tác văn thư")),)),),
    )
    render_docx(doc, tmp_path / "nfd.docx")
    texts = body_texts(Document(str(tmp_path / "nfd.docx")))
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in texts
    assert NOTICE.place_date in texts
    assert "Nghị định số 30/2020 về công tác văn thư" in texts


def test_control_characters_in_notes_do_not_break_the_file(tmp_path: Path) -> None:
    table = Table((Column("Ghi chú", 80),), (("Đã\x0b xong\x00",), ("Cột\tthứ hai",)))
    doc = dataclasses.replace(NOTICE, body=(Paragraph.of("Dòng\x0c lạ\x07"), table), appendices=())
    render_docx(doc, tmp_path / "odd.docx")
    document = Document(str(tmp_path / "odd.docx"))
    assert "Dòng lạ" in body_texts(document)
    (read,) = data_tables(document)
    assert [row.cells[0].text for row in read.rows] == ["Ghi chú", "Đã xong", "Cột thứ hai"]


# ---------------------------------------------------------------------------
# Styles and fonts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_fonts_are_times_new_roman_everywhere(rendered: dict[str, Path], name: str) -> None:
    document = Document(str(rendered[name]))
    styles = document.styles.element
    rfonts = list(styles.iter(qn("w:rFonts")))
    assert rfonts, "no fonts named at all"
    for element in rfonts:
        assert not [a for a in element.attrib if a.lower().endswith("theme")], element.attrib
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert element.get(qn(f"w:{attr}")) == TNR
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:ascii")) == TNR
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    assert document.styles["Normal"].font.name == TNR
    parts = [document.element, *(s.header._element for s in document.sections)]
    for part in parts:
        for element in part.iter(qn("w:rFonts")):
            assert element.get(qn("w:ascii")) == TNR
        for colour in part.iter(qn("w:color")):
            assert colour.get(qn("w:val")) in ("000000", "auto")


def test_named_styles_follow_layout(rendered: dict[str, Path]) -> None:
    document = Document(str(rendered["notice"]))
    body = document.styles[STYLE_BODY]
    fmt = body.paragraph_format
    assert body.font.size.pt == LAYOUT.body_pt
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert mm(fmt.first_line_indent) == pytest.approx(LAYOUT.first_line_indent_mm, abs=0.05)
    assert fmt.space_after.pt == LAYOUT.paragraph_space_after_pt
    assert fmt.line_spacing == pytest.approx(LAYOUT.line_spacing)
    assert document.styles[STYLE_HEADING].font.bold
    assert document.styles[STYLE_NOTE].font.italic
    assert mm(document.styles[STYLE_PLAIN].paragraph_format.first_line_indent) == 0
    used = {p.style.name for p in document.paragraphs if p.text}
    assert {STYLE_BODY, STYLE_HEADING, STYLE_NOTE, STYLE_PLAIN} <= used
    bold_run = next(
        r for p in document.paragraphs for r in p.runs if r.text == "hoàn thành 18/21 nhiệm vụ"
    )
    assert bold_run.bold
    assert document.core_properties.title == NOTICE.file_title
    assert document.core_properties.language == "vi-VN"


def test_no_text_boxes_or_drawn_shapes(rendered: dict[str, Path]) -> None:
    for path in rendered.values():
        xml = Document(str(path)).element.xml
        assert "txbxContent" not in xml and "<v:shape" not in xml and "wps:wsp" not in xml


# ---------------------------------------------------------------------------
# Tables, chart, foot
# ---------------------------------------------------------------------------


def test_tables_repeat_header_set_widths_align_and_bold_totals(rendered: dict[str, Path]) -> None:
    document = Document(str(rendered["report"]))
    status, units, appendix = data_tables(document)
    for table in (status, units, appendix):
        rows = table.rows
        assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
        assert all(run.bold for cell in rows[0].cells for p in cell.paragraphs for run in p.runs)
    widths = [mm(cell.width) for cell in status.rows[0].cells]
    assert widths == pytest.approx([12, 83, 35, 35], abs=0.1)
    body_row, total = status.rows[1], status.rows[-1]
    assert body_row.cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert body_row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert all(run.bold for cell in total.cells for run in cell.paragraphs[0].runs)
    assert not any(run.bold for cell in body_row.cells for run in cell.paragraphs[0].runs)
    cell_style = body_row.cells[1].paragraphs[0].style
    assert cell_style.name == "CDS Table" and cell_style.font.size.pt == 12


def test_a_table_wider_than_the_page_is_shrunk_to_fit(tmp_path: Path) -> None:
    wide = Table(tuple(Column(f"Cột {i}", 50) for i in range(5)), (tuple("abcde"),))
    render_docx(dataclasses.replace(NOTICE, body=(wide,)), tmp_path / "wide.docx")
    (table,) = data_tables(Document(str(tmp_path / "wide.docx")))
    widths = [mm(cell.width) for cell in table.rows[0].cells]
    assert sum(widths) == pytest.approx(165, abs=0.2)
    assert widths == pytest.approx([33] * 5, abs=0.1)


def test_a_thousand_row_table_reads_back(tmp_path: Path) -> None:
    rows = tuple((str(i), f"Nhiệm vụ số {i} của đơn vị", "31/03/2024") for i in range(1, 1001))
    table = Table((Column("TT", 15, "center"), Column("Nhiệm vụ", 110), Column("Hạn", 30)), rows)
    render_docx(dataclasses.replace(NOTICE, body=(table,)), tmp_path / "big.docx")
    (read,) = data_tables(Document(str(tmp_path / "big.docx")))
    assert len(read.rows) == 1001
    assert read.rows[1000].cells[1].text == "Nhiệm vụ số 1000 của đơn vị"


@NEEDS_CHART
def test_chart_is_a_picture_at_its_width(rendered: dict[str, Path]) -> None:
    document = Document(str(rendered["report"]))
    (shape,) = document.inline_shapes
    chart = next(b for b in REPORT.body if isinstance(b, Chart))
    assert mm(shape.width) == pytest.approx(chart.width_mm, abs=0.1)
    assert 40 < mm(shape.height) < 200
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == chart.title
    blob = document.part.related_parts[
        shape._inline.graphic.graphicData.pic.blipFill.blip.embed
    ].blob
    assert blob.startswith(b"\x89PNG")


def test_foot_has_recipients_left_and_signature_right(rendered: dict[str, Path]) -> None:
    document = Document(str(rendered["report"]))
    foot = next(t for t in document.tables if RECIPIENTS_LABEL in t.rows[0].cells[0].text)
    left, right = foot.rows[0].cells
    label, *lines = left.paragraphs
    assert label.text == RECIPIENTS_LABEL
    assert all(r.bold and r.italic and r.font.size.pt == 12 for r in label.runs)
    assert [p.text for p in lines] == recipient_lines(REPORT.recipients)
    assert lines[-1].text == "- Lưu: VT, CĐS."
    assert all(p.style.font.size.pt == 11 for p in lines)
    signature = right.paragraphs
    assert [p.text for p in signature] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Hùng"]
    assert all(p.style.font.bold and p.style.font.size.pt == 14 for p in signature)
    assert all(
        p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        or p.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
        for p in signature
    )
    assert signature[-1].paragraph_format.space_before.pt >= 56  # room to sign and seal


# ---------------------------------------------------------------------------
# LibreOffice opens what we write
# ---------------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_converts_every_sample_to_pdf(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    profile = tmp_path / f"lo-profile-{uuid.uuid4().hex}"
    out = tmp_path / "pdf"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *(str(path) for path in rendered.values()),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name, doc in SAMPLES.items():
        pdf = out / f"{name}.pdf"
        assert pdf.exists(), f"{name}: {result.stdout} {result.stderr}"
        reader = PdfReader(pdf)
        box = reader.pages[0].mediabox
        assert float(box.width) * 25.4 / 72 == pytest.approx(210, abs=0.5)
        assert float(box.height) * 25.4 / 72 == pytest.approx(297, abs=0.5)
        first = unicodedata.normalize("NFC", reader.pages[0].extract_text())
        assert NATIONAL_TITLE in first
        assert MOTTO in first
        assert doc.number in first and doc.place_date in first
        assert not first.lstrip().startswith("1")  # no page number on page 1
        if len(reader.pages) > 1:
            assert reader.pages[1].extract_text().lstrip().startswith("2")
        fonts = {
            str(font.get_object()["/BaseFont"]).split("+")[-1]
            for page in reader.pages
            for font in page["/Resources"].get("/Font", {}).values()
        }
        # Times New Roman, or its metric twin where it is not installed; never a fallback.
        assert fonts and all(f.startswith(("TimesNewRoman", "LiberationSerif")) for f in fonts), (
            fonts
        )
