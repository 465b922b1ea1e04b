"""Draw an :class:`AdminDocument` as a PDF laid out by Nghị định 30/2020/NĐ-CP.

reportlab's platypus flows the body over A4 pages; the text is real text in the
embedded TrueType serif (a subset of the faces, with a ToUnicode map), so
Vietnamese can be searched and copied. Measurements come from :data:`LAYOUT`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from cdsdesk.exporting.chart import chart_drawing
from cdsdesk.exporting.fonts import PdfFontNames, balanced_lines, pdf_font_names
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
    Table,
    recipient_lines,
)

SINGLE_LINE = 1.15  # Times New Roman's (and Liberation Serif's) line height, in ems
HEADER_RIGHT_MAX = 0.62  # of the text width, for the national title's column
HEADER_GAP_MM = 3.0  # beside the national title, so it never wraps
SHORT_RULE = 0.4  # the line under the agency and the title: a third to half of the text
RULE_WIDTH = 0.6  # pt
SIGNATURE_SPACE_PT = 80.0  # for the signature and the seal (about four lines)
FOOT_LEFT_MM = 80.0  # the "Nơi nhận:" list; the rest holds the signature
LETTER_TITLE_PT = 12.0  # a letter's "V/v ..." line: 12 to 13 pt
MIN_RULE_MM = 15.0
TABLE_GRID = 0.5  # pt
CELL_PADDING = 3.0  # pt, left and right in a table cell


def render_pdf(doc: AdminDocument, path: Path | BinaryIO) -> None:
    """Write ``doc`` as a PDF to ``path`` (a file name or a binary file object)."""
    fonts = pdf_font_names()
    target = str(path) if isinstance(path, Path) else path
    template = _Template(
        target,
        fonts,
        title=_nfc(doc.file_title or " ".join(p for p in (doc.doc_type, doc.title) if p)),
        author=_nfc(doc.agency),
        subject=_nfc(doc.title),
        creator="CĐS Desk",
        lang="vi-VN",
        # Not reportlab's default Helvetica, which would sit in the page's font list.
        initialFontName=fonts.regular,
        initialFontSize=LAYOUT.body_pt,
    )
    template.build(_Story(doc, fonts, template.width, template.height).flowables())


class _SectionStart(Flowable):  # type: ignore[misc]
    """Marks that the next page starts an appendix, whose pages are numbered anew."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        pass


class _Template(BaseDocTemplate):  # type: ignore[misc]
    """A4 with ND30 margins; the page number centred in the top margin, not on page 1."""

    def __init__(self, target: str | BinaryIO, fonts: PdfFontNames, **meta: Any) -> None:
        page_size = (LAYOUT.page_width_mm * mm, LAYOUT.page_height_mm * mm)
        super().__init__(
            target,
            pagesize=page_size,
            leftMargin=LAYOUT.margin_left_mm * mm,
            rightMargin=LAYOUT.margin_right_mm * mm,
            topMargin=LAYOUT.margin_top_mm * mm,
            bottomMargin=LAYOUT.margin_bottom_mm * mm,
            **meta,
        )
        self._fonts = fonts
        self._section_first_page = 1
        self._section_pending = False
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._on_page)])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _SectionStart):
            self._section_pending = True

    def _on_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        page = canvas.getPageNumber()
        if self._section_pending:
            self._section_first_page = page
            self._section_pending = False
        number = page - self._section_first_page + 1
        if number > 1:
            size = LAYOUT.page_number_pt
            canvas.saveState()
            canvas.setFont(self._fonts.regular, size)
            baseline = self.pagesize[1] - self.topMargin / 2 - size * 0.35
            canvas.drawCentredString(self.leftMargin + self.width / 2, baseline, str(number))
            canvas.restoreState()


class _CellParagraph(RLParagraph):  # type: ignore[misc]
    """A paragraph in a table cell: laid out once per width, not at every try.

    A long table asks each cell its height when it measures, when it splits at the
    foot of a page and when it draws; the lines are the same each time.
    """

    _wrapped: tuple[float, tuple[float, float], object] | None = None

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        # The memo holds only while the lines it measured are still this paragraph's:
        # a row split across pages makes new paragraphs from the old one's parts.
        memo = self._wrapped
        if memo is not None and memo[0] == aw and self.__dict__.get("blPara") is memo[2]:
            return memo[1]
        size: tuple[float, float] = super().wrap(aw, ah)
        self._wrapped = (aw, size, self.__dict__.get("blPara"))
        return size


FRAME_HEIGHT = (LAYOUT.page_height_mm - LAYOUT.margin_top_mm - LAYOUT.margin_bottom_mm) * mm


class _DataTable(LongTable):  # type: ignore[misc]
    """A long table that splits between rows, and inside a row only when it must.

    A row taller than a whole page (a progress note pasted from a long report)
    would stop reportlab with a layout error; such a row, and only such a row,
    is split across pages. Other rows move whole to the next page.
    """

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self.splitInRow = 0
        parts: list[Flowable] = super().split(aw, ah)
        heights = getattr(self, "_rowHeights", None) or []
        repeat = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        if parts or len(heights) <= repeat or heights[repeat] is None:
            return parts
        if sum(heights[: repeat + 1]) <= FRAME_HEIGHT:
            return parts  # the row fits on a page of its own: move it there
        self.splitInRow = round(2 * LAYOUT.table_pt)  # a line or so on either side
        parts = super().split(aw, ah)
        self.splitInRow = 0
        return parts


class _Rule(Flowable):  # type: ignore[misc]
    """A solid horizontal line of a given length, centred in the space it gets."""

    def __init__(self, length: float, above: float = 3.5, below: float = 3.0) -> None:
        super().__init__()
        self.length = length
        self.above = above
        self.below = below
        self._avail = length

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self._avail = aw
        return aw, self.above + RULE_WIDTH + self.below

    def draw(self) -> None:
        length = min(self.length, self._avail)
        x = (self._avail - length) / 2
        y = self.below + RULE_WIDTH / 2
        self.canv.setLineWidth(RULE_WIDTH)
        self.canv.line(x, y, x + length, y)


@dataclass(frozen=True)
class _Font:
    size: float
    bold: bool = False
    italic: bool = False


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_SPACES = re.compile(r" {2,}")


def _markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, NFC, runs of spaces kept, newlines kept."""
    text = escape(_nfc(text))
    text = _SPACES.sub(lambda m: "\u00a0" * len(m.group()), text)
    return text.replace("\n", "<br/>")


def _widest(lines: list[str], font: str, size: float) -> float:
    return max(float(stringWidth(line, font, size)) for line in lines)


class _Story:
    """Turns the document into platypus flowables."""

    def __init__(self, doc: AdminDocument, fonts: PdfFontNames, width: float, height: float):
        self.doc = doc
        self.fonts = fonts
        self.width = width
        self.height = height
        self._styles: dict[tuple[Any, ...], ParagraphStyle] = {}

    # -- styles --------------------------------------------------------------------------

    def style(
        self,
        font: _Font,
        align: int = TA_CENTER,
        *,
        indent: float = 0.0,
        before: float = 0.0,
        after: float = 0.0,
        spacing: float = 1.0,
        keep_with_next: bool = False,
    ) -> ParagraphStyle:
        key = (font, align, indent, before, after, spacing, keep_with_next)
        style = self._styles.get(key)
        if style is None:
            style = ParagraphStyle(
                f"s{len(self._styles)}",
                fontName=self.fonts.face(bold=font.bold, italic=font.italic),
                fontSize=font.size,
                leading=font.size * SINGLE_LINE * spacing,
                alignment=align,
                firstLineIndent=indent,
                spaceBefore=before,
                spaceAfter=after,
                keepWithNext=int(keep_with_next),
                splitLongWords=True,
            )
            self._styles[key] = style
        return style

    def para(self, text: str, font: _Font, align: int = TA_CENTER, **kw: Any) -> RLParagraph:
        return RLParagraph(_markup(text), self.style(font, align, **kw))

    def layout_style(self) -> TableStyle:
        """A borderless table for laying out the header and foot."""
        return TableStyle(
            [
                # Not the default Helvetica, which would sit in the page's font list.
                ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )

    # -- the document --------------------------------------------------------------------

    def flowables(self) -> list[Flowable]:
        story: list[Flowable] = [self.header(), Spacer(1, 10)]
        story += self.type_and_title()
        body = self.blocks(self.doc.body)
        # The signature never stands alone on a page: it keeps the last paragraph with it.
        last = [body.pop()] if body and isinstance(body[-1], RLParagraph) else []
        story += body
        story.append(KeepTogether([*last, Spacer(1, 12), self.foot()]))
        for appendix in self.doc.appendices:
            story += self.appendix(appendix)
        return story

    def lines(self, text: str, font: _Font, width: float) -> list[str]:
        face = self.fonts.face(bold=font.bold, italic=font.italic)
        return balanced_lines(_nfc(text), face, font.size, width)

    def centred_lines(self, lines: list[str], font: _Font, **kw: Any) -> RLParagraph:
        """Centred lines broken where we chose, not where the paragraph would."""
        return RLParagraph("<br/>".join(_markup(line) for line in lines), self.style(font, **kw))

    def column_widths(self) -> tuple[float, float]:
        """The header's columns: the right one just wide enough for its lines."""
        doc = self.doc
        right = max(
            stringWidth(_nfc(NATIONAL_TITLE), self.fonts.bold, LAYOUT.national_title_pt),
            stringWidth(_nfc(MOTTO), self.fonts.bold, LAYOUT.motto_pt),
            stringWidth(_nfc(doc.place_date), self.fonts.italic, LAYOUT.place_date_pt),
        )
        right = min(right + HEADER_GAP_MM * mm, self.width * HEADER_RIGHT_MAX)
        return self.width - right, right

    def header(self) -> RLTable:
        doc = self.doc
        left_w, right_w = self.column_widths()
        left: list[Flowable] = []
        if doc.parent_agency:
            parent_font = _Font(LAYOUT.agency_pt)
            parent = self.lines(doc.parent_agency.upper(), parent_font, left_w)
            left.append(self.centred_lines(parent, parent_font))
        agency_font = _Font(LAYOUT.agency_pt, bold=True)
        agency = self.lines(doc.agency.upper(), agency_font, left_w)
        left.append(self.centred_lines(agency, agency_font))
        agency_w = _widest(agency, self.fonts.bold, agency_font.size)
        left.append(_Rule(max(agency_w * SHORT_RULE, MIN_RULE_MM * mm)))
        motto_font = _Font(LAYOUT.motto_pt, bold=True)
        right: list[Flowable] = [
            self.para(NATIONAL_TITLE, _Font(LAYOUT.national_title_pt, bold=True)),
            self.para(MOTTO, motto_font),
            _Rule(stringWidth(_nfc(MOTTO), self.fonts.bold, motto_font.size)),
        ]
        rows: list[list[Any]] = [
            [left, right],
            [
                self.para(doc.number, _Font(LAYOUT.number_pt)),
                self.para(doc.place_date, _Font(LAYOUT.place_date_pt, italic=True)),
            ],
        ]
        if doc.is_letter and doc.title:
            title = doc.title.strip()
            subject = title if title.startswith("V/v") else f"V/v {title}"
            font = _Font(LETTER_TITLE_PT)
            rows.append([self.centred_lines(self.lines(subject, font, left_w), font), ""])
        table = RLTable(rows, colWidths=[left_w, right_w])
        table.setStyle(self.layout_style())
        table.setStyle([("TOPPADDING", (0, 1), (-1, 1), 3), ("TOPPADDING", (0, 2), (-1, -1), 4)])
        return table

    def type_and_title(self) -> list[Flowable]:
        doc = self.doc
        if doc.is_letter:
            return self.addressees()
        out: list[Flowable] = [Spacer(1, 8)]
        size = LAYOUT.doc_type_pt
        out.append(self.para(doc.doc_type.upper(), _Font(size, bold=True), keep_with_next=True))
        if doc.title:
            title_font = _Font(LAYOUT.title_pt, bold=True)
            title = self.lines(doc.title, title_font, self.width)
            out.append(self.centred_lines(title, title_font, keep_with_next=True))
            widest = _widest(title, self.fonts.bold, title_font.size)
            out.append(_Rule(max(widest * SHORT_RULE, MIN_RULE_MM * mm), below=0.0))
        out.append(Spacer(1, 14))
        return out

    def addressees(self) -> list[Flowable]:
        """``Kính gửi: X.`` centred, or ``Kính gửi:`` beside a list of ``- X;`` lines."""
        names = [name.strip().removeprefix("-").strip() for name in self.doc.addressees]
        names = [name for name in names if name]
        if not names:
            return [Spacer(1, 12)]
        font = _Font(LAYOUT.body_pt)
        out: list[Flowable] = [Spacer(1, 12)]
        if len(names) == 1:
            text = f"{ADDRESSEE_LABEL} {names[0].rstrip(';.')}."
            out.append(self.para(text, font))
        else:
            label_w = stringWidth(_nfc(ADDRESSEE_LABEL), self.fonts.regular, font.size) + 6
            lines = recipient_lines(tuple(names))
            lines_w = min(
                max(stringWidth(_nfc(line), self.fonts.regular, font.size) for line in lines) + 2,
                self.width * 0.8 - label_w,
            )
            cells = [self.para(line, font, TA_LEFT) for line in lines]
            table = RLTable(
                [[self.para(ADDRESSEE_LABEL, font, TA_LEFT), cells]],
                colWidths=[label_w, lines_w],
                hAlign="CENTER",
            )
            table.setStyle(self.layout_style())
            out.append(table)
        out.append(Spacer(1, 12))
        return out

    def blocks(self, blocks: Iterable[Block]) -> list[Flowable]:
        out: list[Flowable] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                out.append(self.body_paragraph(block))
            elif isinstance(block, Table):
                out += self.table(block)
            elif isinstance(block, Chart):
                out.append(self.chart(block))
            elif isinstance(block, PageBreak):
                out.append(RLPageBreak())
        return out

    def body_paragraph(self, block: Paragraph) -> RLParagraph:
        """Justified body text; "heading" bold, "centered" centred, "note" italic,
        "plain" without the first-line indent (as the Word renderer's styles)."""
        indent = LAYOUT.first_line_indent_mm * mm
        font = _Font(LAYOUT.body_pt, bold=block.style == "heading", italic=block.style == "note")
        style = self.style(
            font,
            TA_CENTER if block.style == "centered" else TA_JUSTIFY,
            indent=indent if block.style in ("body", "note") else 0.0,
            after=LAYOUT.paragraph_space_after_pt,
            spacing=LAYOUT.line_spacing,
            keep_with_next=block.style == "heading",
        )
        parts = []
        for run in block.runs:
            text = _markup(run.text)
            if run.bold:
                text = f"<b>{text}</b>"
            if run.italic:
                text = f"<i>{text}</i>"
            parts.append(text)
        return RLParagraph("".join(parts), style)

    def table(self, block: Table) -> list[Flowable]:
        out: list[Flowable] = []
        if block.caption:
            out.append(
                self.para(
                    block.caption,
                    _Font(LAYOUT.body_pt, bold=True),
                    before=6,
                    after=4,
                    keep_with_next=True,
                )
            )
        widths = [column.width_mm * mm for column in block.columns]
        total = sum(widths)
        if total > self.width:
            widths = [w * self.width / total for w in widths]
        size = block.font_pt
        aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
        header: list[Any] = [
            _CellParagraph(_markup(c.title), self.style(_Font(size, bold=True)))
            for c in block.columns
        ]
        data: list[list[Any]] = [header]
        last = len(block.rows) - 1
        for index, row in enumerate(block.rows):
            font = _Font(size, bold=block.total_row and index == last)
            texts = (*row, *[""] * (len(block.columns) - len(row)))  # a short row gets blanks
            data.append(
                [
                    self.cell(text, font, aligns[column.align], width - 2 * CELL_PADDING)
                    for text, column, width in zip(texts, block.columns, widths, strict=False)
                ]
            )
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular),
            ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), size * SINGLE_LINE),
            ("GRID", (0, 0), (-1, -1), TABLE_GRID, colors.black),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
            ("VALIGN", (0, 1), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        # For the cells drawn as plain strings (see cell()).
        commands += [
            ("ALIGN", (col, 1), (col, -1), column.align.upper())
            for col, column in enumerate(block.columns)
        ]
        if block.total_row and block.rows:
            commands.append(("FONTNAME", (0, -1), (-1, -1), self.fonts.bold))
        table = _DataTable(data, colWidths=widths, repeatRows=1, hAlign="CENTER")
        table.setStyle(TableStyle(commands))
        out += [table, Spacer(1, LAYOUT.paragraph_space_after_pt * 2)]
        return out

    def cell(self, text: str, font: _Font, align: int, width: float) -> str | RLParagraph:
        """A cell's content: a plain string when it fits on its lines, else a paragraph.

        A plain string costs a fraction of a paragraph to lay out; in a report of a
        thousand tasks most cells (numbers, dates, states) are short.
        """
        text = _nfc(text)
        face = self.fonts.face(bold=font.bold, italic=font.italic)
        if all(stringWidth(line, face, font.size) <= width for line in text.split("\n")):
            return text
        return _CellParagraph(_markup(text), self.style(font, align))

    def chart(self, block: Chart) -> Flowable:
        drawing = chart_drawing(block)
        factor = min(1.0, self.width / drawing.width, self.height * 0.95 / drawing.height)
        if factor < 1.0:
            drawing.scale(factor, factor)
            drawing.width *= factor
            drawing.height *= factor
        drawing.hAlign = "CENTER"
        return KeepTogether([drawing, Spacer(1, LAYOUT.paragraph_space_after_pt * 2)])

    def foot(self) -> Flowable:
        doc = self.doc
        left_w = FOOT_LEFT_MM * mm
        right_w = self.width - left_w
        left: list[Flowable] = []
        if doc.recipients:
            left.append(
                self.para(
                    RECIPIENTS_LABEL,
                    _Font(LAYOUT.recipients_label_pt, bold=True, italic=True),
                    TA_LEFT,
                )
            )
            # A wrapped recipient continues under its text, not under the dash.
            hang = stringWidth("- ", self.fonts.regular, LAYOUT.recipients_pt)
            style = ParagraphStyle(
                "recipient",
                parent=self.style(_Font(LAYOUT.recipients_pt), TA_LEFT),
                leftIndent=hang,
                firstLineIndent=-hang,
            )
            left += [RLParagraph(_markup(line), style) for line in recipient_lines(doc.recipients)]
        sign_font = _Font(LAYOUT.signature_pt, bold=True)
        right: list[Flowable] = [self.para(line.upper(), sign_font) for line in doc.signature.lines]
        right.append(Spacer(1, SIGNATURE_SPACE_PT))
        if doc.signature.name:
            right.append(self.para(doc.signature.name, sign_font))
        table = RLTable([[left, right]], colWidths=[left_w, right_w])
        table.setStyle(self.layout_style())
        return table

    def appendix(self, appendix: Appendix) -> list[Flowable]:
        size = LAYOUT.body_pt
        label = f"{APPENDIX_LABEL} {appendix.number}".strip()
        out: list[Flowable] = [
            _SectionStart(),
            RLPageBreak(),
            self.para(label, _Font(size, bold=True), keep_with_next=True),
        ]
        title = self.lines(appendix.title.upper(), _Font(size, bold=True), self.width)
        out.append(self.centred_lines(title, _Font(size, bold=True), keep_with_next=True))
        if appendix.reference:
            out.append(self.para(appendix.reference, _Font(size, italic=True), keep_with_next=True))
        out.append(Spacer(1, 12))
        out += self.blocks(appendix.blocks)
        return out
