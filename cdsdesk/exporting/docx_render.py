"""Render an :class:`AdminDocument` as a Word file laid out per Nghị định 30/2020/NĐ-CP.

The file is made to be edited before signing: real paragraphs and tables in
named styles ("CDS Body", "CDS Heading", ...), the masthead and the foot as
borderless two-column tables as Vietnamese offices lay them out by hand, page
numbers as a PAGE field in the header (not on page 1).

Short rules (under the issuing body, the motto and the title) are bottom
borders of small empty paragraphs whose indents set the length; Word and
LibreOffice both draw those, unlike drawn shapes, and the officer can delete
them like any paragraph. Their lengths come from Times metrics, which Times New
Roman and Liberation Serif share.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from cdsdesk.exporting.model import (
    ADDRESSEE_LABEL,
    APPENDIX_LABEL,
    LAYOUT,
    MOTTO,
    NATIONAL_TITLE,
    RECIPIENTS_LABEL,
    AdminDocument,
    Appendix,
    Block,
    Chart,
    PageBreak,
    Paragraph,
    Run,
    Table,
    recipient_lines,
)

FONT = "Times New Roman"
LANGUAGE = "vi-VN"

STYLE_BODY = "CDS Body"
STYLE_HEADING = "CDS Heading"
STYLE_CENTERED = "CDS Centered"
STYLE_NOTE = "CDS Note"
STYLE_PLAIN = "CDS Plain"
STYLE_MASTHEAD = "CDS Masthead"
STYLE_DOC_TYPE = "CDS Document Type"
STYLE_TITLE = "CDS Title"
STYLE_RULE = "CDS Rule"
STYLE_CAPTION = "CDS Caption"
STYLE_FIGURE = "CDS Figure"
STYLE_TABLE = "CDS Table"
STYLE_TABLE_HEADER = "CDS Table Header"
STYLE_RECIPIENTS = "CDS Recipients"
STYLE_SIGNATURE = "CDS Signature"
STYLE_PAGE_NUMBER = "CDS Page Number"

_PARAGRAPH_STYLES = {
    "body": STYLE_BODY,
    "heading": STYLE_HEADING,
    "centered": STYLE_CENTERED,
    "note": STYLE_NOTE,
    "plain": STYLE_PLAIN,
}

TEXT_WIDTH_MM = LAYOUT.page_width_mm - LAYOUT.margin_left_mm - LAYOUT.margin_right_mm
MASTHEAD_LEFT_MM = 65.0  # issuing body and number; the rest holds the national title
FOOT_LEFT_MM = 80.0  # "Nơi nhận:" list; the rest holds the signature
LAYOUT_CELL_PADDING_MM = 1.0  # left/right cell margin of the masthead and foot tables
TABLE_CELL_PADDING_MM = 1.2  # and of data tables (Word's default 1.9 mm wastes width)
LETTER_TITLE_PT = 12.0  # a letter's "V/v ..." line: 12 to 13 pt
SIGNING_SPACE_PT = 80.0  # room for the signature and the seal (about four lines)
RULE_WIDTH_EIGHTHS = 6  # rule thickness in eighths of a point (0.75 pt)

_TWIPS_PER_MM = 1440 / 25.4
# Characters XML 1.0 cannot carry; a stray one in a task note must not break the file.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_docx(doc: AdminDocument, path: Path) -> None:
    """Write ``doc`` to ``path`` as a .docx laid out per Nghị định 30/2020."""
    document = Document()
    _set_up_styles(document)
    section = document.sections[0]
    _set_up_section(section)
    _add_page_number_header(section)
    # The template starts with no paragraphs; everything below appends to the body.
    _add_masthead(document, doc)
    if doc.is_letter:
        _add_addressees(document, doc.addressees)
    else:
        _add_doc_type_and_title(document, doc)
    _add_blocks(document, doc.body)
    _add_foot(document, doc)
    for appendix in doc.appendices:
        _add_appendix(document, appendix)
    _end_with_paragraph(document)
    _set_properties(document, doc)
    document.save(str(path))


# ---------------------------------------------------------------------------
# Styles and page
# ---------------------------------------------------------------------------


def _set_up_styles(document: Any) -> None:
    styles = document.styles
    _set_defaults(document)
    normal = styles["Normal"]
    _set_font(normal, LAYOUT.body_pt)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _normalize_template_styles(document)

    def add(name: str, *, size: float = LAYOUT.body_pt, base: str = "Normal") -> Any:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
        style.next_paragraph_style = style
        style.font.size = Pt(size)
        return style

    body = add(STYLE_BODY)
    fmt = body.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Mm(LAYOUT.first_line_indent_mm)
    fmt.space_after = Pt(LAYOUT.paragraph_space_after_pt)
    fmt.line_spacing = LAYOUT.line_spacing
    fmt.widow_control = True

    heading = add(STYLE_HEADING, base=STYLE_BODY)
    heading.font.bold = True
    heading.paragraph_format.first_line_indent = Mm(0)
    heading.paragraph_format.keep_with_next = True
    heading.next_paragraph_style = body

    centered = add(STYLE_CENTERED, base=STYLE_BODY)
    centered.paragraph_format.first_line_indent = Mm(0)
    centered.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    note = add(STYLE_NOTE, base=STYLE_BODY)
    note.font.italic = True

    plain = add(STYLE_PLAIN, base=STYLE_BODY)
    plain.paragraph_format.first_line_indent = Mm(0)

    masthead = add(STYLE_MASTHEAD, size=LAYOUT.agency_pt)
    masthead.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc_type = add(STYLE_DOC_TYPE, size=LAYOUT.doc_type_pt)
    doc_type.font.bold = True
    doc_type.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc_type.paragraph_format.space_before = Pt(18)
    doc_type.paragraph_format.keep_with_next = True

    title = add(STYLE_TITLE, size=LAYOUT.title_pt)
    title.font.bold = True
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True

    rule = add(STYLE_RULE, size=2)
    rule.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    rule.paragraph_format.line_spacing = Pt(2)
    rule.paragraph_format.keep_with_next = True
    _add_bottom_border(rule.element.get_or_add_pPr())

    caption = add(STYLE_CAPTION, base=STYLE_CENTERED)
    caption.font.bold = True
    caption.paragraph_format.keep_with_next = True

    figure = add(STYLE_FIGURE, base=STYLE_CENTERED)
    figure.paragraph_format.line_spacing = 1.0
    figure.paragraph_format.space_before = Pt(6)

    table = add(STYLE_TABLE, size=LAYOUT.table_pt)
    table.paragraph_format.space_before = Pt(2)
    table.paragraph_format.space_after = Pt(2)

    table_header = add(STYLE_TABLE_HEADER, size=LAYOUT.table_pt, base=STYLE_TABLE)
    table_header.font.bold = True
    table_header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    add(STYLE_RECIPIENTS, size=LAYOUT.recipients_pt)

    signature = add(STYLE_SIGNATURE, size=LAYOUT.signature_pt)
    signature.font.bold = True
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    signature.paragraph_format.keep_with_next = True

    page_number = add(STYLE_PAGE_NUMBER, size=LAYOUT.page_number_pt)
    page_number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _set_font(style: Any, size: float) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    _set_rfonts(rpr.get_or_add_rFonts())
    _set_lang(rpr)


def _set_rfonts(rfonts: Any) -> None:
    """Name Times New Roman for every script, and drop theme fonts that would win over it."""
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del rfonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), FONT)


def _set_lang(rpr: Any) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(lang)
    for attr in ("val", "eastAsia", "bidi"):
        lang.set(qn(f"w:{attr}"), LANGUAGE)


def _set_defaults(document: Any) -> None:
    """Document defaults: Times New Roman, Vietnamese, 14 pt, no spacing after."""
    styles_el = document.styles.element
    rpr = styles_el.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_rfonts(rpr.find(qn("w:rFonts")))
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(round(LAYOUT.body_pt * 2)))
    _set_lang(rpr)
    spacing = styles_el.find(
        f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}"
    )
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _normalize_template_styles(document: Any) -> None:
    """The template's own styles (Heading 1, Title...) in Times New Roman and black, so
    whatever style the officer picks while editing still follows the decree."""
    styles_el = document.styles.element
    for rfonts in styles_el.iter(qn("w:rFonts")):
        _set_rfonts(rfonts)
    for color in styles_el.iter(qn("w:color")):
        for attr in list(color.attrib):
            if attr != qn("w:val"):
                del color.attrib[attr]
        color.set(qn("w:val"), "000000")


def _set_up_section(section: Any) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(LAYOUT.page_width_mm)
    section.page_height = Mm(LAYOUT.page_height_mm)
    section.top_margin = Mm(LAYOUT.margin_top_mm)
    section.bottom_margin = Mm(LAYOUT.margin_bottom_mm)
    section.left_margin = Mm(LAYOUT.margin_left_mm)
    section.right_margin = Mm(LAYOUT.margin_right_mm)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    section.gutter = Mm(0)


def _add_page_number_header(section: Any) -> None:
    """A centred PAGE field in the header of every page but the first."""
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = STYLE_PAGE_NUMBER
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.style = STYLE_PAGE_NUMBER
    field = (
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>2</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
    )
    for run in field:
        paragraph._p.append(parse_xml(f"<w:r {nsdecls('w')}>{run}</w:r>"))


# ---------------------------------------------------------------------------
# Masthead, type and title, addressees
# ---------------------------------------------------------------------------


def _add_masthead(document: Any, doc: AdminDocument) -> None:
    """Row 1: issuing body | national title and motto. Row 2: number (and V/v) | place, date.

    Two rows keep the number and the place and date on one line, as the decree asks.
    """
    right_mm = TEXT_WIDTH_MM - MASTHEAD_LEFT_MM
    table = _layout_table(document, rows=2, widths_mm=(MASTHEAD_LEFT_MM, right_mm))
    left, right = table.rows[0].cells
    inner_left = MASTHEAD_LEFT_MM - 2 * LAYOUT_CELL_PADDING_MM
    first = True
    if doc.parent_agency:
        lines = _balanced_lines(doc.parent_agency.upper(), LAYOUT.agency_pt, False, inner_left)
        _cell_lines(left, lines, STYLE_MASTHEAD, first=first)
        first = False
    lines = _balanced_lines(doc.agency.upper(), LAYOUT.agency_pt, True, inner_left)
    _cell_lines(left, lines, STYLE_MASTHEAD, first=first, bold=True)
    agency_mm = max(_text_width_mm(line, LAYOUT.agency_pt, bold=True) for line in lines)
    _add_rule(left, MASTHEAD_LEFT_MM, max(min(agency_mm, inner_left) * 0.4, 15.0))

    _cell_paragraph(
        right, NATIONAL_TITLE, STYLE_MASTHEAD, first=True, bold=True, size=LAYOUT.national_title_pt
    )
    _cell_paragraph(right, MOTTO, STYLE_MASTHEAD, bold=True, size=LAYOUT.motto_pt)
    _add_rule(right, right_mm, _text_width_mm(MOTTO, LAYOUT.motto_pt, bold=True) + 0.5)

    left, right = table.rows[1].cells
    number = _cell_paragraph(left, doc.number, STYLE_MASTHEAD, first=True, size=LAYOUT.number_pt)
    number.paragraph_format.space_before = Pt(6)
    if doc.is_letter and doc.title:
        _cell_paragraph(left, _letter_subject(doc.title), STYLE_MASTHEAD, size=LETTER_TITLE_PT)
    place = _cell_paragraph(
        right, doc.place_date, STYLE_MASTHEAD, first=True, italic=True, size=LAYOUT.place_date_pt
    )
    place.paragraph_format.space_before = Pt(6)


def _letter_subject(title: str) -> str:
    """A letter's title as printed under its number: ``V/v ...``."""
    text = title.strip()
    return text if text.startswith("V/v") else f"V/v {text}"


def _add_doc_type_and_title(document: Any, doc: AdminDocument) -> None:
    _paragraph(document, doc.doc_type.upper(), STYLE_DOC_TYPE)
    if doc.title:
        lines = _balanced_lines(doc.title, LAYOUT.title_pt, True, TEXT_WIDTH_MM)
        title = document.add_paragraph(style=STYLE_TITLE)
        _add_lines(title, lines)
        title_mm = max(_text_width_mm(line, LAYOUT.title_pt, bold=True) for line in lines)
        _add_rule(
            document, TEXT_WIDTH_MM, max(min(title_mm, TEXT_WIDTH_MM) * 0.4, 25.0), padding_mm=0.0
        )
    _spacer(document)


def _add_addressees(document: Any, addressees: tuple[str, ...]) -> None:
    """``Kính gửi: X.`` centred for one; for several, each ``- X;`` under the colon."""
    if not addressees:
        return
    spacer = _spacer(document)
    spacer.paragraph_format.space_before = Pt(12)
    if len(addressees) == 1:
        name = addressees[0].strip().rstrip(";.")
        line = _paragraph(document, f"{ADDRESSEE_LABEL} {name}.", STYLE_CENTERED)
        line.paragraph_format.space_after = Pt(12)
        return
    label_mm = 40.0
    label = _paragraph(document, ADDRESSEE_LABEL, STYLE_PLAIN)
    label.paragraph_format.left_indent = Mm(label_mm)
    label.paragraph_format.space_after = Pt(0)
    under_colon = label_mm + _text_width_mm(ADDRESSEE_LABEL, LAYOUT.body_pt, bold=False)
    for line in recipient_lines(addressees):
        p = _paragraph(document, line, STYLE_PLAIN)
        p.paragraph_format.left_indent = Mm(under_colon)
        p.paragraph_format.space_after = Pt(0)
    _spacer(document)


# ---------------------------------------------------------------------------
# Body blocks
# ---------------------------------------------------------------------------


def _add_blocks(document: Any, blocks: tuple[Block, ...]) -> None:
    for block in blocks:
        if isinstance(block, Paragraph):
            paragraph = document.add_paragraph(style=_PARAGRAPH_STYLES[block.style])
            for run in block.runs:
                _add_run(paragraph, run)
        elif isinstance(block, Table):
            _add_table(document, block)
        elif isinstance(block, Chart):
            _add_chart(document, block)
        elif isinstance(block, PageBreak):
            document.add_paragraph(style=STYLE_PLAIN).add_run().add_break(WD_BREAK.PAGE)


def _add_run(paragraph: Any, run: Run) -> None:
    added = paragraph.add_run(_clean(run.text))
    if run.bold:
        added.bold = True
    if run.italic:
        added.italic = True


def _add_table(document: Any, table: Table) -> None:
    """A bordered table written as XML in one go: a thousand rows in a fraction of a second.

    The header row repeats on every page; rows do not split across pages.
    """
    if table.caption:
        _paragraph(document, table.caption, STYLE_CAPTION)
    widths = [column.width_mm for column in table.columns]
    total = sum(widths)
    if total > TEXT_WIDTH_MM:  # too wide for the page: shrink every column alike
        widths = [w * TEXT_WIDTH_MM / total for w in widths]
    twips = [round(w * _TWIPS_PER_MM) for w in widths]
    styles = document.styles
    body_style = styles[STYLE_TABLE].style_id
    header_style = styles[STYLE_TABLE_HEADER].style_id
    size = round(table.font_pt * 2)
    size_xml = (
        ""
        if table.font_pt == LAYOUT.table_pt
        else f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    )
    aligns = [_JC[column.align] for column in table.columns]

    def row_xml(cells: tuple[str, ...], *, header: bool, bold: bool) -> str:
        tr_pr = f"<w:trPr><w:cantSplit/>{'<w:tblHeader/>' if header else ''}</w:trPr>"
        style = header_style if header else body_style
        r_pr = f"<w:rPr>{'<w:b/><w:bCs/>' if bold else ''}{size_xml}</w:rPr>"
        parts = [f"<w:tr>{tr_pr}"]
        for i, width in enumerate(twips):
            text = cells[i] if i < len(cells) else ""
            jc = "center" if header else aligns[i]
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                f'<w:vAlign w:val="center"/></w:tcPr>'
            )
            for line in str(text).split("\n"):
                parts.append(
                    f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{jc}"/>{r_pr}</w:pPr>'
                )
                if line:
                    parts.append(
                        f'<w:r>{r_pr}<w:t xml:space="preserve">{_xml_text(line)}</w:t></w:r>'
                    )
                parts.append("</w:p>")
            parts.append("</w:tc>")
        parts.append("</w:tr>")
        return "".join(parts)

    cell_margins = _cell_margins_xml(TABLE_CELL_PADDING_MM).replace(f" {nsdecls('w')}", "")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    rows = [row_xml(tuple(c.title for c in table.columns), header=True, bold=True)]
    last = len(table.rows) - 1
    rows += [
        row_xml(row, header=False, bold=table.total_row and i == last)
        for i, row in enumerate(table.rows)
    ]
    xml = (
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{styles["Table Grid"].style_id}"/>'
        f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblLayout w:type="fixed"/>{cell_margins}'
        f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        f'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    document.element.body._insert_tbl(parse_xml(xml))
    _spacer(document)


_JC = {"left": "left", "center": "center", "right": "right"}


def _add_chart(document: Any, chart: Chart) -> None:
    """The chart as a picture of the same drawing the PDF places as vectors.

    The picture carries its own title, so no caption is added; the title goes in the
    picture's alternative text for screen readers and search.
    """
    from cdsdesk.exporting.chart import chart_png  # lazy: reportlab graphics are heavy

    picture = document.add_paragraph(style=STYLE_FIGURE)
    picture.paragraph_format.keep_with_next = False
    width = min(chart.width_mm, TEXT_WIDTH_MM)
    inline = (
        picture.add_run()
        .add_picture(io.BytesIO(chart_png(chart, dpi=200)), width=Mm(width))
        ._inline
    )
    doc_pr = inline.docPr
    doc_pr.set("descr", _clean(chart.title))
    doc_pr.set("title", _clean(chart.title))


# ---------------------------------------------------------------------------
# Foot and appendices
# ---------------------------------------------------------------------------


def _add_foot(document: Any, doc: AdminDocument) -> None:
    """``Nơi nhận:`` and its list on the left; the signature block on the right.

    The last body paragraph keeps with the foot, so the signature never stands alone
    on a page.
    """
    last = document.element.body[-2] if len(document.element.body) > 1 else None
    if last is not None and last.tag == qn("w:p"):
        DocxParagraph(last, document._body).paragraph_format.keep_with_next = True
    _spacer(document).paragraph_format.keep_with_next = True
    right_mm = TEXT_WIDTH_MM - FOOT_LEFT_MM
    table = _layout_table(document, rows=1, widths_mm=(FOOT_LEFT_MM, right_mm))
    row = table.rows[0]
    # Keep the signature with its recipients: the row moves to the next page whole.
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    left, right = row.cells
    if doc.recipients:
        size = LAYOUT.recipients_label_pt
        label = _cell_paragraph(
            left, RECIPIENTS_LABEL, STYLE_RECIPIENTS, first=True, bold=True, italic=True, size=size
        )
        label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for line in recipient_lines(doc.recipients):
            _cell_paragraph(left, line, STYLE_RECIPIENTS)
    first = True
    for line in doc.signature.lines:
        _cell_paragraph(right, line.upper(), STYLE_SIGNATURE, first=first)
        first = False
    name = _cell_paragraph(right, doc.signature.name, STYLE_SIGNATURE, first=first)
    name.paragraph_format.space_before = Pt(SIGNING_SPACE_PT)


def _add_appendix(document: Any, appendix: Appendix) -> None:
    """A new section: new page, page numbers restart, none on the appendix's first page."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = True
    restart = parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>')
    _insert_in_order(section._sectPr, restart, _SECTPR_AFTER_PGNUMTYPE)
    label = f"{APPENDIX_LABEL} {appendix.number}".strip()
    heading = _paragraph(document, label, STYLE_TITLE)
    heading.paragraph_format.keep_with_next = True
    _paragraph(document, appendix.title.upper(), STYLE_TITLE)
    if appendix.reference:
        reference = _paragraph(document, appendix.reference, STYLE_CENTERED)
        reference.runs[0].italic = True
        reference.paragraph_format.space_after = Pt(12)
    _add_blocks(document, appendix.blocks)


def _set_properties(document: Any, doc: AdminDocument) -> None:
    props = document.core_properties
    props.title = doc.file_title or doc.title
    props.subject = doc.doc_type or doc.title
    props.author = doc.agency
    props.last_modified_by = doc.agency
    props.language = LANGUAGE
    props.comments = props.keywords = props.category = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = datetime.now().replace(microsecond=0)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _paragraph(document: Any, text: str, style: str) -> Any:
    paragraph = document.add_paragraph(style=style)
    _add_run(paragraph, Run(text))
    return paragraph


def _spacer(document: Any) -> Any:
    """An empty plain paragraph: room after a table or the title, and what keeps two
    consecutive tables apart (Word would merge them)."""
    paragraph = document.add_paragraph(style=STYLE_PLAIN)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _end_with_paragraph(document: Any) -> None:
    """Word wants a paragraph after a closing table; make it a hair thin so it never
    pushes a blank page."""
    body = document.element.body
    if len(body) > 1 and body[-2].tag == qn("w:tbl"):
        paragraph = document.add_paragraph(style=STYLE_PLAIN)
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(1)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>')
        )


def _layout_table(document: Any, *, rows: int, widths_mm: tuple[float, float]) -> Any:
    """A borderless table used only to place text side by side."""
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths_mm) * _TWIPS_PER_MM)))
    table._tbl.tblPr.find(qn("w:tblLook")).addprevious(
        parse_xml(_cell_margins_xml(LAYOUT_CELL_PADDING_MM))
    )
    return table


def _cell_margins_xml(padding_mm: float) -> str:
    twips = round(padding_mm * _TWIPS_PER_MM)
    return (
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="{twips}" w:type="dxa"/>'
        f'<w:right w:w="{twips}" w:type="dxa"/></w:tblCellMar>'
    )


def _cell_lines(
    cell: Any, lines: list[str], style: str, *, first: bool = False, bold: bool = False
) -> Any:
    """One paragraph holding ``lines`` separated by line breaks (Shift+Enter in Word)."""
    paragraph = _cell_start(cell, style, first=first)
    _add_lines(paragraph, lines, bold=bold)
    return paragraph


def _cell_start(cell: Any, style: str, *, first: bool) -> Any:
    """An empty paragraph in ``cell``; ``first`` reuses the one every cell starts with."""
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.style = style
    return paragraph


def _add_lines(paragraph: Any, lines: list[str], *, bold: bool = False) -> None:
    run = paragraph.add_run()
    if bold:
        run.bold = True
    for i, line in enumerate(lines):
        if i:
            run.add_break()
        run.add_text(_clean(line))


def _balanced_lines(text: str, size_pt: float, bold: bool, width_mm: float) -> list[str]:
    """``text`` in as few lines as fit ``width_mm``, broken where the lines come out most
    even and no line ends on a little word: "SỞ THÔNG TIN / VÀ TRUYỀN THÔNG"."""
    words = text.split()
    room = width_mm * 0.98  # leave a hair for rounding in the word processor
    if len(words) < 2 or _text_width_mm(text, size_pt, bold=bold) <= room:
        return [text]
    for count in range(2, min(len(words), 4) + 1):
        best: list[str] | None = None
        best_score = (len(words), 0, room)
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
            widest = max(_text_width_mm(line, size_pt, bold=bold) for line in lines)
            dangling = sum(words[cut - 1].lower() in _NO_LINE_END for cut in cuts)
            # Breaking before "và" is how offices split names: "SỞ KHOA HỌC / VÀ CÔNG NGHỆ".
            before_and = sum(words[cut].lower() == "và" for cut in cuts)
            score = (dangling, -before_and, widest)
            if widest <= room and score <= best_score:
                best, best_score = lines, score
        if best is not None:
            return best
    return [text]  # too long to balance: let the word processor wrap it


# Conjunctions and prepositions a line should not end on.
_NO_LINE_END = frozenset(
    "và của về cho với tại các những trong theo đến từ để ở là hoặc thuộc -".split()  # noqa: SIM905
)


def _cell_paragraph(
    cell: Any,
    text: str,
    style: str,
    *,
    first: bool = False,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
) -> Any:
    """Add a paragraph to a cell."""
    paragraph = _cell_start(cell, style, first=first)
    run = paragraph.add_run(_clean(text))
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


def _add_rule(
    container: Any, width_mm: float, length_mm: float, *, padding_mm: float = LAYOUT_CELL_PADDING_MM
) -> None:
    """A centred solid line ``length_mm`` long, as the bottom border of an empty paragraph
    whose indents leave exactly that length in a container ``width_mm`` wide."""
    inner = width_mm - 2 * padding_mm
    length = min(length_mm, inner)
    indent = (inner - length) / 2
    paragraph = container.add_paragraph(style=STYLE_RULE)
    paragraph.paragraph_format.left_indent = Mm(indent)
    paragraph.paragraph_format.right_indent = Mm(indent)


def _add_bottom_border(ppr: Any) -> None:
    border = parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="{RULE_WIDTH_EIGHTHS}" '
        f'w:space="1" w:color="000000"/></w:pBdr>'
    )
    _insert_in_order(ppr, border, _PPR_AFTER_PBDR)


# Elements the schema puts after the one inserted (Word rejects files out of order);
# only those that can be present when we insert.
_PPR_AFTER_PBDR = ("shd", "tabs", "spacing", "ind", "jc", "outlineLvl", "rPr", "sectPr")
_SECTPR_AFTER_PGNUMTYPE = ("cols", "formProt", "vAlign", "titlePg", "docGrid")


def _insert_in_order(parent: Any, child: Any, successors: tuple[str, ...]) -> None:
    tags = {qn(f"w:{name}") for name in successors}
    for existing in parent:
        if existing.tag in tags:
            existing.addprevious(child)
            return
    parent.append(child)


def _text_width_mm(text: str, size_pt: float, *, bold: bool) -> float:
    """The printed width of ``text`` in Times: Vietnamese letters are as wide as their
    base letters, so marks are dropped and the standard Times metrics measure the rest."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    base = (
        "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
        .replace("Đ", "D")
        .replace("đ", "d")
    )
    base = base.encode("latin-1", "replace").decode("latin-1")
    width_pt = float(stringWidth(base, "Times-Bold" if bold else "Times-Roman", size_pt))
    return width_pt * 25.4 / 72


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", unicodedata.normalize("NFC", text))


def _xml_text(text: str) -> str:
    return escape(_clean(text).replace("\t", " "))
