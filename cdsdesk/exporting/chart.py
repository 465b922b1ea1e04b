"""One chart definition for both formats: a reportlab Drawing.

The PDF places the Drawing as vectors; Word gets a PNG of the very same Drawing
(renderPM with the rlPyCairo backend), so the two formats cannot drift apart.

The bars are horizontal: unit names are long ("Trung tâm Thông tin và Ứng dụng
khoa học và công nghệ") and read best as wrapped labels on the left, one row
per unit, in the order the builder gives them.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from cdsdesk.exporting.fonts import PdfFontNames, balanced_lines, pdf_font_names
from cdsdesk.exporting.model import Chart
from cdsdesk.i18n import tr

TITLE_PT = 12.0
LABEL_PT = 10.0
VALUE_PT = 9.0
LEGEND_PT = 10.0
PAD = 4.0
LABEL_GAP = 6.0  # between a unit name and its bar
ROW_MIN = 18.0  # the pitch of one unit's row, at least
ROW_MAX = 30.0  # and at most, so a chart of three units does not get fat bars
SWATCH = 9.0
MAX_LABEL_SHARE = 0.38  # of the drawing's width, for the unit names


def nice_axis(largest: float) -> tuple[float, float]:
    """(axis maximum, tick step) for values up to ``largest``: steps of 1, 2 or 5 x 10^n."""
    if largest <= 0:
        return 1.0, 1.0
    raw = largest / 6
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)  # counts of tasks: no fractional ticks
    return step * math.ceil(largest / step), step


def format_value(value: float) -> str:
    """``12`` for whole numbers, ``12,5`` (Vietnamese decimal comma) otherwise."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def _text_colour(hex_colour: str) -> colors.Color:
    colour = colors.HexColor(hex_colour)
    luminance = 0.299 * colour.red + 0.587 * colour.green + 0.114 * colour.blue
    return colors.white if luminance < 0.55 else colors.black


def chart_drawing(chart: Chart) -> Drawing:
    """A stacked horizontal bar chart: one bar per category, one segment per series.

    ``chart.width_mm`` is the width; ``chart.height_mm`` is the preferred height,
    grown when many categories need their rows and shrunk when few would make
    fat bars. Segments carry their value where it fits; each bar ends with its total.
    """
    fonts = pdf_font_names()
    title = nfc_text(chart.title)
    categories = [nfc_text(name) for name in chart.categories]
    width = chart.width_mm * mm

    title_lines = balanced_lines(title, fonts.bold, TITLE_PT, width - 2 * PAD) if title else []
    title_h = len(title_lines) * TITLE_PT * 1.2
    legend = _legend_layout(chart, fonts, width)
    legend_h = legend.rows * LEGEND_PT * 1.5
    axis_h = LABEL_PT * 1.6  # the tick labels under the plot
    fixed_h = PAD + title_h + PAD * 2 + axis_h + PAD * 2 + legend_h + PAD

    label_w = min(
        max((stringWidth(name, fonts.regular, LABEL_PT) for name in categories), default=0.0),
        width * MAX_LABEL_SHARE,
    )
    wrapped = [balanced_lines(name, fonts.regular, LABEL_PT, label_w) for name in categories]
    row_need = max([ROW_MIN] + [len(lines) * LABEL_PT * 1.15 + 6 for lines in wrapped])
    n = max(len(categories), 1)
    height = min(max(chart.height_mm * mm, fixed_h + n * row_need), fixed_h + n * ROW_MAX)

    drawing = Drawing(width, height)
    # Not reportlab's default Helvetica, which would sit in the PDF page's font list.
    drawing.initialFontName = fonts.regular
    drawing.initialFontSize = LABEL_PT
    y = height - PAD
    for line in title_lines:
        y -= TITLE_PT
        drawing.add(
            String(width / 2, y, line, fontName=fonts.bold, fontSize=TITLE_PT, textAnchor="middle")
        )
        y -= TITLE_PT * 0.2
    plot_top = y - PAD * 2
    plot_bottom = PAD + legend_h + PAD * 2 + axis_h

    totals = [
        sum(s.values[i] if i < len(s.values) else 0.0 for s in chart.series)
        for i in range(len(categories))
    ]
    if not categories or not chart.series or max(totals, default=0.0) <= 0:
        drawing.add(
            String(
                width / 2,
                (plot_top + plot_bottom) / 2,
                tr("Không có số liệu"),
                fontName=fonts.italic,
                fontSize=LABEL_PT,
                textAnchor="middle",
            )
        )
        _draw_legend(drawing, chart, fonts, legend)
        return drawing

    total_w = max(stringWidth(format_value(t), fonts.bold, VALUE_PT) for t in totals) + 4
    plot_x = PAD + label_w + LABEL_GAP
    plot_w = width - plot_x - PAD - total_w
    value_max, step = nice_axis(max(totals))

    bars = HorizontalBarChart()
    bars.x, bars.y = plot_x, plot_bottom
    bars.width, bars.height = plot_w, plot_top - plot_bottom
    bars.data = [
        [s.values[i] if i < len(s.values) else 0.0 for i in range(len(categories))]
        for s in chart.series
    ]
    bars.categoryAxis.style = "stacked"
    bars.categoryAxis.categoryNames = ["\n".join(lines) for lines in wrapped]
    bars.categoryAxis.reverseDirection = 1  # first category at the top, as in a table
    bars.categoryAxis.labels.fontName = fonts.regular
    bars.categoryAxis.labels.fontSize = LABEL_PT
    bars.categoryAxis.labels.leading = LABEL_PT * 1.15
    bars.categoryAxis.labels.textAnchor = "end"
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.categoryAxis.labels.dx = -LABEL_GAP + 2
    bars.categoryAxis.tickLeft = 0
    bars.categoryAxis.strokeColor = colors.black
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = value_max
    bars.valueAxis.valueStep = step
    bars.valueAxis.labels.fontName = fonts.regular
    bars.valueAxis.labels.fontSize = VALUE_PT
    bars.valueAxis.labelTextFormat = format_value
    bars.valueAxis.visibleGrid = 1
    bars.valueAxis.gridStrokeColor = colors.HexColor("#c8c8c8")
    bars.valueAxis.gridStrokeWidth = 0.4
    bars.valueAxis.strokeColor = colors.black
    bars.barWidth = 6
    bars.groupSpacing = 3.5  # bar : gap = 6 : 3.5, the bar about 60 % of its row
    bars.barSpacing = 0
    bars.bars.strokeColor = colors.white
    bars.bars.strokeWidth = 0.4

    scale = plot_w / value_max
    labels: list[list[str]] = []
    for row, series in enumerate(chart.series):
        bars.bars[row].fillColor = colors.HexColor(series.colour)
        texts = []
        for col, value in enumerate(bars.data[row]):
            text = format_value(value) if value > 0 else ""
            if text and stringWidth(text, fonts.regular, VALUE_PT) + 4 > value * scale:
                text = ""  # no room inside this segment
            texts.append(text)
            label = bars.barLabels[(row, col)]
            label.fontName = fonts.regular
            label.fontSize = VALUE_PT
            label.fillColor = _text_colour(series.colour)
            label.boxTarget = "mid"
        labels.append(texts)
    bars.barLabelArray = labels
    bars.barLabelFormat = "values"
    drawing.add(bars)

    row_h = bars.height / len(categories)
    for i, total in enumerate(totals):
        drawing.add(
            String(
                plot_x + total * scale + 3,
                plot_top - (i + 0.5) * row_h - VALUE_PT * 0.35,
                format_value(total),
                fontName=fonts.bold,
                fontSize=VALUE_PT,
            )
        )
    _draw_legend(drawing, chart, fonts, legend)
    return drawing


LEGEND_GAP = 12.0  # between one legend entry and the next


@dataclass(frozen=True)
class _Legend:
    """Where each legend entry goes: (x, row) of its swatch, by series."""

    places: list[tuple[float, int]]
    rows: int


def _legend_layout(chart: Chart, fonts: PdfFontNames, width: float) -> _Legend:
    """One centred row when the entries fit; else equal columns, the block centred."""
    if not chart.series:
        return _Legend([], 0)
    entries = [
        SWATCH + 4 + stringWidth(nfc_text(s.name), fonts.regular, LEGEND_PT) for s in chart.series
    ]
    room = width - 2 * PAD
    one_row = sum(entries) + LEGEND_GAP * (len(entries) - 1)
    if one_row <= room:
        x = (width - one_row) / 2
        places = []
        for entry in entries:
            places.append((x, 0))
            x += entry + LEGEND_GAP
        return _Legend(places, 1)
    column_w = max(entries) + LEGEND_GAP
    columns = max(1, min(len(entries), int((room + LEGEND_GAP) // column_w)))
    left = (width - (columns * column_w - LEGEND_GAP)) / 2
    places = [(left + (i % columns) * column_w, i // columns) for i in range(len(entries))]
    return _Legend(places, math.ceil(len(entries) / columns))


def _draw_legend(drawing: Drawing, chart: Chart, fonts: PdfFontNames, legend: _Legend) -> None:
    for series, (x, row) in zip(chart.series, legend.places, strict=True):
        y = PAD + (legend.rows - 1 - row) * LEGEND_PT * 1.5
        drawing.add(
            Rect(
                x,
                y,
                SWATCH,
                SWATCH,
                fillColor=colors.HexColor(series.colour),
                strokeColor=colors.HexColor("#404040"),
                strokeWidth=0.3,
            )
        )
        drawing.add(
            String(
                x + SWATCH + 4,
                y + 1,
                nfc_text(series.name),
                fontName=fonts.regular,
                fontSize=LEGEND_PT,
            )
        )


def nfc_text(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def chart_size_mm(chart: Chart) -> tuple[float, float]:
    """The drawing's real (width, height) in millimetres; the height may differ from
    ``chart.height_mm`` (see :func:`chart_drawing`), so place pictures by this size."""
    drawing = chart_drawing(chart)
    return drawing.width / mm, drawing.height / mm


def chart_png(chart: Chart, dpi: int = 200) -> bytes:
    """The same Drawing as a PNG, for the Word document; insert it at ``chart.width_mm``."""
    from reportlab.graphics import renderPM

    png: bytes = renderPM.drawToString(
        chart_drawing(chart), fmt="PNG", dpi=dpi, backend="rlPyCairo"
    )
    return png
