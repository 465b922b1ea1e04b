"""Print preview and printing of an administrative document: a third renderer.

The Word and PDF renderers draw an ``AdminDocument`` with python-docx and
reportlab; printing from the window draws the same document through Qt:
:func:`admin_document_html` turns it into the HTML subset ``QTextDocument``
understands, and :func:`paint_document` lays it out on A4 with the margins of
Nghị định 30/2020 and draws the page numbers centred in the top margin, from
page 2 on (``QTextDocument.print_`` would put them bottom right on every page).
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPen,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from cdsdesk.exporting.chart import chart_size_mm
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
from ui.dialogs import common

log = logging.getLogger(__name__)

SERIF_FAMILIES = ("Times New Roman", "Liberation Serif", "Tinos")
TEXT_WIDTH_MM = LAYOUT.page_width_mm - LAYOUT.margin_left_mm - LAYOUT.margin_right_mm
MASTHEAD_LEFT_MM = 65.0  # agency and number column, as in the Word file
FOOT_LEFT_MM = 80.0  # "Nơi nhận:" column, as in the Word file
RULE_ANCHOR = "cdsdesk-rule-"  # an anchor named this plus a length in mm marks a rule
RULE_LINE_PT = 9.0  # the height of the line that holds a rule: the rule sits in its middle
RULE_PEN_PT = 0.6
SIGNATURE_SPACE_LINES = 4
LETTER_SUBJECT_PT = 12.0


def tr(text: str) -> str:
    return QCoreApplication.translate("Printing", text)


def serif_family() -> str:
    """Times New Roman if installed, else a metric-compatible serif, else Qt's serif."""
    for family in SERIF_FAMILIES:
        if QFontDatabase.hasFamily(family):
            return family
    return "serif"


# -- HTML -------------------------------------------------------------------
#
# QTextDocument reads a subset of HTML: lengths only in px (Qt's 96 dpi, scaled
# to the printer for margins, paddings and images, but NOT for text-indent,
# which is in the paint device's own pixels), alignment only as an attribute.


_SPACE_AFTER_SPACE = re.compile(r"(?<= ) ")


def _esc(text: str) -> str:
    """Escaped text keeping runs of spaces ("Số:      /BC-...") and line breaks."""
    escaped = _SPACE_AFTER_SPACE.sub("&nbsp;", html.escape(text, quote=True))
    return escaped.replace("\n", "<br/>")


def _px(points: float) -> int:
    return round(points * 96 / 72)


def _size(points: float) -> str:
    return f"font-size:{points:g}pt;"


def text_width_mm(text: str, points: float, *, bold: bool = False) -> float:
    """How wide ``text`` prints in the serif at ``points`` (for the short rules)."""
    font = QFont(serif_family())
    font.setPixelSize(100)
    font.setBold(bold)
    em_fraction = QFontMetricsF(font).horizontalAdvance(text) / 100
    return em_fraction * points * 25.4 / 72


def _rule(length_mm: float) -> str:
    """A marker for a solid line ``length_mm`` long, centred where it stands.

    :func:`paint_document` draws it: Qt prints ``<hr>`` as a grey hairline, and
    a cell border cannot be given a length.
    """
    return (
        f'<p align="center" style="margin:0; font-size:{RULE_LINE_PT:g}pt;">'
        f'<a name="{RULE_ANCHOR}{length_mm:.1f}">&nbsp;</a></p>'
    )


def _spacer(points: float) -> str:
    return f'<p style="margin:0; font-size:{points:g}pt;">&nbsp;</p>'


def chart_resource_name(index: int) -> str:
    return f"chart-{index}.png"


class _HtmlWriter:
    """Writes one document's HTML; numbers the charts through the whole document."""

    def __init__(self, device_dpi: float) -> None:
        self.indent_px = round(LAYOUT.first_line_indent_mm * device_dpi / 25.4)
        self.charts: list[Chart] = []

    def blocks(self, blocks: Iterable[Block]) -> list[str]:
        parts = []
        for block in blocks:
            if isinstance(block, Paragraph):
                parts.append(self.paragraph(block))
            elif isinstance(block, Table):
                parts.append(self.table(block))
            elif isinstance(block, Chart):
                parts.append(self.chart(block))
            elif isinstance(block, PageBreak):
                parts.append('<p style="page-break-after:always; margin:0;"></p>')
        return parts

    def paragraph(self, block: Paragraph) -> str:
        runs = []
        for run in block.runs:
            text = _esc(run.text)
            if run.bold:
                text = f"<b>{text}</b>"
            if run.italic:
                text = f"<i>{text}</i>"
            runs.append(text)
        align = {"centered": "center", "plain": "left"}.get(block.style, "justify")
        style = (
            f"{_size(LAYOUT.body_pt)} margin-top:0;"
            f" margin-bottom:{_px(LAYOUT.paragraph_space_after_pt)}px;"
            f" line-height:{round(LAYOUT.line_spacing * 100)}%;"
        )
        if align == "justify":
            style += f" text-indent:{self.indent_px}px;"
        if block.style == "heading":
            style += " font-weight:bold;"
        elif block.style == "note":
            style += " font-style:italic;"
        return f'<p align="{align}" style="{style}">{"".join(runs)}</p>'

    def table(self, block: Table) -> str:
        total_width = sum(c.width_mm for c in block.columns) or 1.0
        parts = []
        if block.caption:
            parts.append(
                f'<p align="center" style="{_size(LAYOUT.body_pt)} font-weight:bold;'
                f' margin-top:{_px(6)}px; margin-bottom:{_px(3)}px;">{_esc(block.caption)}</p>'
            )
        parts.append(
            '<table width="100%" border="1" cellspacing="0" cellpadding="3"'
            f' style="border-collapse:collapse; border-color:#000000; {_size(block.font_pt)}">'
            "<thead><tr>"
        )
        for column in block.columns:
            width = round(100 * column.width_mm / total_width)
            parts.append(
                f'<th width="{width}%" align="center" valign="middle">{_esc(column.title)}</th>'
            )
        parts.append("</tr></thead>")
        for index, row in enumerate(block.rows):
            bold = block.total_row and index == len(block.rows) - 1
            parts.append("<tr>")
            for column, cell in zip(block.columns, row, strict=False):
                text = f"<b>{_esc(cell)}</b>" if bold else _esc(cell)
                parts.append(f'<td align="{column.align}" valign="top">{text}</td>')
            parts.append("</tr>")
        parts.append("</table>")
        parts.append(_spacer(LAYOUT.paragraph_space_after_pt))
        return "".join(parts)

    def chart(self, block: Chart) -> str:
        self.charts.append(block)
        # Image sizes are 96-dpi pixels; Qt scales them to the printer.
        width_mm, height_mm = chart_size_mm(block)
        width = round(width_mm * 96 / 25.4)
        height = round(height_mm * 96 / 25.4)
        return (
            f'<p align="center" style="margin-top:{_px(6)}px; margin-bottom:{_px(6)}px;">'
            f'<img src="{chart_resource_name(len(self.charts))}"'
            f' width="{width}" height="{height}"/></p>'
        )

    def masthead(self, doc: AdminDocument) -> str:
        """Row 1: agency | national title and motto. Row 2: number (and V/v) | place, date."""
        left_mm = MASTHEAD_LEFT_MM
        left = []
        if doc.parent_agency:
            left.append(
                f'<span style="{_size(LAYOUT.agency_pt)}">{_esc(doc.parent_agency.upper())}</span>'
            )
        agency = doc.agency.upper()
        left.append(f'<b style="{_size(LAYOUT.agency_pt)}">{_esc(agency)}</b>')
        agency_mm = min(text_width_mm(agency, LAYOUT.agency_pt, bold=True), left_mm)
        right = (
            f'<b style="{_size(LAYOUT.national_title_pt)}">{_esc(NATIONAL_TITLE)}</b><br/>'
            f'<b style="{_size(LAYOUT.motto_pt)}">{_esc(MOTTO)}</b>'
        )
        motto_mm = text_width_mm(MOTTO, LAYOUT.motto_pt, bold=True)
        number = f'<span style="{_size(LAYOUT.number_pt)}">{_esc(doc.number)}</span>'
        if doc.is_letter and doc.title:
            subject = doc.title.strip()
            subject = subject if subject.startswith("V/v") else f"V/v {subject}"
            number += f'<br/><span style="{_size(LETTER_SUBJECT_PT)}">{_esc(subject)}</span>'
        place_date = f'<i style="{_size(LAYOUT.place_date_pt)}">{_esc(doc.place_date)}</i>'
        percent = round(100 * MASTHEAD_LEFT_MM / TEXT_WIDTH_MM)
        return (
            '<table width="100%" border="0" cellspacing="0" cellpadding="0">'
            f'<tr><td width="{percent}%" align="center" valign="top">{"<br/>".join(left)}'
            f"{_rule(max(agency_mm * 0.4, 15.0))}</td>"
            f'<td width="{100 - percent}%" align="center" valign="top">{right}'
            f"{_rule(motto_mm)}</td></tr>"
            f'<tr><td align="center" valign="top" style="padding-top:{_px(6)}px;">{number}</td>'
            f'<td align="center" valign="top" style="padding-top:{_px(6)}px;">{place_date}</td>'
            "</tr></table>"
        )

    def heading(self, doc: AdminDocument) -> str:
        parts = []
        if doc.doc_type:
            parts.append(
                f'<p align="center" style="margin-top:{_px(18)}px; margin-bottom:0;">'
                f'<b style="{_size(LAYOUT.doc_type_pt)}">{_esc(doc.doc_type.upper())}</b></p>'
            )
            if doc.title:
                parts.append(
                    f'<p align="center" style="margin:0;"><b style="{_size(LAYOUT.title_pt)}">'
                    f"{_esc(doc.title)}</b></p>"
                )
                title_mm = min(text_width_mm(doc.title, LAYOUT.title_pt, bold=True), TEXT_WIDTH_MM)
                parts.append(_rule(max(title_mm * 0.4, 25.0)))
        if len(doc.addressees) == 1:
            name = doc.addressees[0].strip().rstrip(";.")
            parts.append(
                f'<p align="center" style="margin-top:{_px(12)}px; margin-bottom:{_px(6)}px;'
                f' {_size(LAYOUT.body_pt)}">{_esc(ADDRESSEE_LABEL)} {_esc(name)}.</p>'
            )
        elif doc.addressees:
            lines = "<br/>".join(_esc(line) for line in recipient_lines(doc.addressees))
            parts.append(
                '<table align="center" border="0" cellspacing="0" cellpadding="0"'
                f' style="margin-top:{_px(12)}px; margin-bottom:{_px(6)}px;'
                f' {_size(LAYOUT.body_pt)}"><tr>'
                f'<td valign="top">{_esc(ADDRESSEE_LABEL)}&nbsp;</td>'
                f'<td valign="top">{lines}</td></tr></table>'
            )
        parts.append(_spacer(LAYOUT.body_pt))
        return "".join(parts)

    def foot(self, doc: AdminDocument) -> str:
        """``Nơi nhận:`` and its list on the left; the signature block on the right."""
        left = ""
        if doc.recipients:
            lines = "<br/>".join(_esc(line) for line in recipient_lines(doc.recipients))
            left = (
                f'<b><i style="{_size(LAYOUT.recipients_label_pt)}">'
                f"{_esc(RECIPIENTS_LABEL)}</i></b>"
                f'<br/><span style="{_size(LAYOUT.recipients_pt)}">{lines}</span>'
            )
        signature = "<br/>".join(
            f'<b style="{_size(LAYOUT.signature_pt)}">{_esc(line.upper())}</b>'
            for line in doc.signature.lines
        )
        space = "<br/>" * SIGNATURE_SPACE_LINES
        name = f'<b style="{_size(LAYOUT.signature_pt)}">{_esc(doc.signature.name)}</b>'
        return (
            f'<table width="100%" border="0" cellspacing="0" cellpadding="0"'
            f' style="margin-top:{_px(6)}px;"><tr>'
            f'<td width="{round(100 * FOOT_LEFT_MM / TEXT_WIDTH_MM)}%" valign="top">{left}</td>'
            f'<td align="center" valign="top">{signature}{space}{name}</td></tr></table>'
        )

    def appendix(self, appendix: Appendix) -> list[str]:
        label = f"{APPENDIX_LABEL} {appendix.number}".strip()
        parts = [
            f'<p align="center" style="margin:0;"><b style="{_size(LAYOUT.title_pt)}">'
            f"{_esc(label)}</b></p>"
            f'<p align="center" style="margin:0;"><b style="{_size(LAYOUT.title_pt)}">'
            f"{_esc(appendix.title.upper())}</b></p>"
        ]
        if appendix.reference:
            parts.append(
                f'<p align="center" style="margin-top:0; margin-bottom:{_px(12)}px;">'
                f'<i style="{_size(LAYOUT.body_pt)}">{_esc(appendix.reference)}</i></p>'
            )
        return parts + self.blocks(appendix.blocks)


def admin_document_parts(doc: AdminDocument, *, device_dpi: float = 96.0) -> list[str]:
    """The document, then each appendix, as ``QTextDocument`` HTML (pages numbered apart).

    Charts refer to :func:`chart_resource_name`, numbered through the whole
    document. ``device_dpi`` is the paint device's resolution (for indents).
    """
    writer = _HtmlWriter(device_dpi)
    main = [writer.masthead(doc), writer.heading(doc), *writer.blocks(doc.body), writer.foot(doc)]
    parts = [main] + [writer.appendix(appendix) for appendix in doc.appendices]
    return ["<html><body>" + "".join(part) + "</body></html>" for part in parts]


def admin_document_html(doc: AdminDocument, *, device_dpi: float = 96.0) -> str:
    """The whole document as one HTML page, each appendix on a new page."""
    bodies = [
        part.removeprefix("<html><body>").removesuffix("</body></html>")
        for part in admin_document_parts(doc, device_dpi=device_dpi)
    ]
    page_break = '<p style="page-break-before:always; margin:0;"></p>'
    return "<html><body>" + page_break.join(bodies) + "</body></html>"


def document_charts(doc: AdminDocument) -> list[Chart]:
    """The charts in the order :func:`admin_document_parts` numbers them."""
    charts: list[Chart] = []
    for blocks in (doc.body, *(a.blocks for a in doc.appendices)):
        charts += [b for b in blocks if isinstance(b, Chart)]
    return charts


# -- layout and painting ----------------------------------------------------


def _chart_image(chart: Chart) -> QImage | None:
    """The chart drawn by the core (the same drawing as in the Word file), or None."""
    try:
        from cdsdesk.exporting.chart import chart_png

        data = chart_png(chart)
    except Exception:  # a missing chart must not stop the printout
        log.exception("chart for printing failed")
        return None
    image = QImage()
    return image if image.loadFromData(data, "PNG") else None


def build_text_documents(doc: AdminDocument, device: QPaintDevice) -> list[QTextDocument]:
    """``doc`` then each appendix, laid out for ``device``: its fonts, its pixels, its charts."""
    font = QFont(serif_family())
    font.setPointSizeF(LAYOUT.body_pt)
    images = [_chart_image(chart) for chart in document_charts(doc)]
    texts = []
    for html_text in admin_document_parts(doc, device_dpi=device.logicalDpiX()):
        text = QTextDocument()
        text.documentLayout().setPaintDevice(device)
        text.setDefaultFont(font)
        text.setDocumentMargin(0)
        for index, image in enumerate(images, start=1):
            if image is not None:
                text.addResource(
                    QTextDocument.ResourceType.ImageResource,
                    QUrl(chart_resource_name(index)),
                    image,
                )
        text.setHtml(html_text)
        texts.append(text)
    return texts


def rule_positions(text: QTextDocument) -> list[tuple[float, float, float]]:
    """Each rule marker laid out: (centre x, y, length) in the document's pixels."""
    dpi = text.documentLayout().paintDevice()
    to_px = (dpi.logicalDpiX() if dpi is not None else 96) / 25.4
    rules = []
    block = text.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            for name in it.fragment().charFormat().anchorNames():
                if name.startswith(RULE_ANCHOR):
                    rect = text.documentLayout().blockBoundingRect(block)
                    length = float(name.removeprefix(RULE_ANCHOR)) * to_px
                    rules.append((rect.center().x(), rect.center().y(), length))
            it += 1
        block = block.next()
    return rules


def a4_printer() -> QPrinter:
    """A4 portrait with the ND30 margins (top 20, bottom 20, left 30, right 15 mm)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(
                LAYOUT.margin_left_mm,
                LAYOUT.margin_top_mm,
                LAYOUT.margin_right_mm,
                LAYOUT.margin_bottom_mm,
            ),
            QPageLayout.Unit.Millimeter,
        )
    )
    printer.setFullPage(True)  # we place the margins ourselves, to draw page numbers in one
    return printer


def paint_document(doc: AdminDocument, printer: QPrinter) -> int:
    """Lay ``doc`` out on the printer's pages and draw them; returns the page count.

    The document and each appendix start on a new page and number their pages
    apart, as in the Word file: centred in the top margin, none on a first page.
    """
    texts = build_text_documents(doc, printer)
    pen = QPen(QColor("black"))
    pen.setWidthF(RULE_PEN_PT * printer.resolution() / 72)
    layout = printer.pageLayout()
    dpi = printer.resolution()
    to_px = dpi / 25.4
    paper = layout.fullRectPixels(dpi)
    margins = layout.margins(QPageLayout.Unit.Millimeter)
    left, top = margins.left() * to_px, margins.top() * to_px
    width = paper.width() - left - margins.right() * to_px
    height = paper.height() - top - margins.bottom() * to_px
    number_font = QFont(serif_family())
    number_font.setPointSizeF(LAYOUT.page_number_pt)

    painter = QPainter()
    if not painter.begin(printer):
        return 0
    printed = 0
    try:
        for text in texts:
            text.setPageSize(QSizeF(width, height))
            rules = rule_positions(text)
            for page in range(max(1, text.pageCount())):
                if printed:
                    printer.newPage()
                printed += 1
                if page:
                    painter.setFont(number_font)
                    painter.drawText(
                        QRectF(left, 0, width, top),
                        int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter),
                        str(page + 1),
                    )
                painter.save()
                painter.translate(left, top - page * height)
                text.drawContents(painter, QRectF(0, page * height, width, height))
                painter.setPen(pen)
                for x, y, length in rules:
                    if page * height <= y < (page + 1) * height:
                        painter.drawLine(QPointF(x - length / 2, y), QPointF(x + length / 2, y))
                painter.restore()
    finally:
        painter.end()
    return printed


def print_preview(parent: QWidget | None, doc: AdminDocument) -> QPrintPreviewDialog:
    """Show the print preview (its toolbar prints); returns the dialog once it is closed."""
    printer = a4_printer()
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("printPreview")
    title = doc.file_title or doc.title
    dialog.setWindowTitle(tr("Xem trước khi in – {title}").format(title=title))
    dialog.paintRequested.connect(lambda target: paint_document(doc, target))
    dialog.resize(900, 1000)
    dialog._printer = printer  # type: ignore[attr-defined]  # the dialog does not own it
    common.exec_dialog(dialog)
    return dialog
