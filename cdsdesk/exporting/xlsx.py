"""The task list as an Excel workbook (.xlsx): the table's rows, filter and columns.

One sheet, "Nhiệm vụ": a title and the as-of day with the filter above a
header row that stays frozen, real dates formatted ``dd/mm/yyyy``, sub-tasks
indented, status coloured as in the window, an autofilter, and a page setup
that prints on A4 landscape with the header row repeated on every page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.properties import PageSetupProperties

from cdsdesk.domain.enums import DeadlineKind, StatusClass
from cdsdesk.errors import ValidationError
from cdsdesk.i18n import tr
from cdsdesk.services.documents import get_document
from cdsdesk.services.queries import CANCELLED, DUE_SOON, TaskQuery, TaskRow, query_tasks
from cdsdesk.services.units import get_unit
from cdsdesk.storage.db import Register
from cdsdesk.textvi import format_date

CellValue = str | int | date | None

DATE_FORMAT = "dd/mm/yyyy"
FONT_NAME = "Times New Roman"
FONT_SIZE = 12
# Excel keeps at most this many characters in a cell.
MAX_CELL_CHARS = 32_767

# The window's status colours (ui/models/task_table.py), as RGB hex.
OVERDUE_RGB = "C62828"
DUE_SOON_RGB = "B26A00"
DONE_RGB = "2E7D32"
NO_DEADLINE_RGB = "616161"
HEADER_FILL_RGB = "DCE6F1"

# Neither LibreOffice nor Excel sizes rows to wrapped text in a file they did not
# write, so heights are estimated. A width unit is one digit of the default font
# (made Times New Roman 12 pt). Measured in it, Vietnamese prose averages 0.84
# digits a character, a capital or a digit about 0.4 more; lines are taken to fill
# a little less than the column so that text is never cut off.
CHAR_WIDTH = 0.84
WIDE_EXTRA = 0.4
LINE_FILL = 0.92
INDENT_WIDTH = 2.0  # per indent level
LINE_POINTS = 14.4  # Excel's line of 12 pt Times (LibreOffice's is a little less)

PROGRESS_EVERY = 500  # rows

# Characters XML 1.0 cannot carry; openpyxl raises IllegalCharacterError for the
# C0 controls, and the rest would make a file Excel refuses to open.
_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Capitals and digits, Vietnamese ones included: wider than the average letter.
_WIDE_RE = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0x2000) if chr(c).isupper() or chr(c).isdigit())
    + "]"
)


@dataclass(frozen=True)
class XlsxColumn:
    """One column the workbook can carry: its header, width and what goes in it."""

    key: str
    header_text: str  # Vietnamese source text; ``header`` translates it
    width: float  # in Excel character units
    value: Callable[[TaskRow], CellValue]
    number_format: str = "General"
    wrap: bool = False
    horizontal: str = "left"
    coloured: bool = False  # takes the status colour, like the window
    indented: bool = False  # indented by the task's depth

    @property
    def header(self) -> str:
        return tr(self.header_text)


def _joined(names: tuple[str, ...]) -> str:
    return "; ".join(names)


def _deadline(row: TaskRow) -> CellValue:
    """The due date as a date; a recurrence, "ongoing" or the phrase as words otherwise."""
    if row.deadline is not None:
        return row.deadline
    if row.deadline_kind is DeadlineKind.RECURRING and row.recurrence is not None:
        return row.recurrence.label
    if row.deadline_kind is DeadlineKind.ONGOING:
        return DeadlineKind.ONGOING.label
    return row.deadline_text or None


def _last_note(row: TaskRow) -> str:
    if not row.last_note:
        return ""
    day = format_date(row.last_note_on) + ": " if row.last_note_on else ""
    return day + row.last_note


def _date_column(key: str, header: str, value: Callable[[TaskRow], date | None]) -> XlsxColumn:
    return XlsxColumn(key, header, 12, value, number_format=DATE_FORMAT, horizontal="center")


def _column_list(*columns: XlsxColumn) -> dict[str, XlsxColumn]:
    return {column.key: column for column in columns}


XLSX_COLUMNS: dict[str, XlsxColumn] = _column_list(
    XlsxColumn("ref", "Số TT", 9, lambda r: r.ref, horizontal="center"),
    XlsxColumn("content", "Nội dung nhiệm vụ", 60, lambda r: r.content, wrap=True, indented=True),
    XlsxColumn("lead", "Đơn vị chủ trì", 26, lambda r: _joined(r.lead_units), wrap=True),
    XlsxColumn(
        "cooperating", "Đơn vị phối hợp", 26, lambda r: _joined(r.cooperating_units), wrap=True
    ),
    XlsxColumn(
        "deadline",
        "Thời hạn",
        13,
        _deadline,
        number_format=DATE_FORMAT,
        wrap=True,
        horizontal="center",
        coloured=True,
    ),
    XlsxColumn("status", "Tình trạng", 24, lambda r: r.status_label, wrap=True, coloured=True),
    XlsxColumn(
        "days_overdue",
        "Số ngày quá hạn",
        10,
        lambda r: r.days_overdue or None,
        number_format="0",
        horizontal="right",
        coloured=True,
    ),
    XlsxColumn("last_note", "Tiến độ gần nhất", 40, _last_note, wrap=True),
    XlsxColumn("document", "Văn bản giao", 22, lambda r: r.document, wrap=True),
    XlsxColumn(
        "group",
        "Nhóm nhiệm vụ",
        18,
        lambda r: r.task_group.label if r.task_group else "",
        wrap=True,
    ),
    _date_column("assigned_on", "Ngày giao", lambda r: r.assigned_on),
    _date_column("completed_on", "Ngày hoàn thành", lambda r: r.completed_on),
    XlsxColumn("deadline_text", "Thời hạn theo văn bản", 22, lambda r: r.deadline_text, wrap=True),
    _date_column("last_note_on", "Ngày cập nhật tiến độ", lambda r: r.last_note_on),
    XlsxColumn("flags", "Cần xem lại", 22, lambda r: _joined(r.flags), wrap=True),
)

# What the window's task table shows before the user hides or shows columns.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "ref",
    "content",
    "lead",
    "deadline",
    "status",
    "days_overdue",
    "last_note",
)


def default_title() -> str:
    return tr("DANH SÁCH NHIỆM VỤ CHUYỂN ĐỔI SỐ")


def clean_text(text: str) -> str:
    """Text Excel accepts: no control characters, Windows line ends made plain, not too long."""
    cleaned = _ILLEGAL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(cleaned) > MAX_CELL_CHARS:
        cleaned = cleaned[: MAX_CELL_CHARS - 1] + "…"
    return cleaned


def status_rgb(row: TaskRow) -> str | None:
    """The window's colour for a row's status cells, or None for the plain text colour."""
    if row.cancelled or row.status_class is None:
        return NO_DEADLINE_RGB
    if row.status_class is StatusClass.OPEN_OVERDUE:
        return OVERDUE_RGB
    if row.due_soon:
        return DUE_SOON_RGB
    if row.status_class.is_done:
        return DONE_RGB
    if row.status_class is StatusClass.NO_DEADLINE:
        return NO_DEADLINE_RGB
    return None


def resolve_columns(keys: Sequence[str] | None) -> list[XlsxColumn]:
    """The columns for ``keys`` in that order; ``None`` means the window's default ones."""
    wanted = list(dict.fromkeys(DEFAULT_COLUMNS if keys is None else keys))
    unknown = [key for key in wanted if key not in XLSX_COLUMNS]
    if unknown:
        raise ValidationError(
            tr("Cột không hợp lệ: {keys} (dùng: {names}).").format(
                keys=", ".join(unknown), names=", ".join(XLSX_COLUMNS)
            )
        )
    if not wanted:
        raise ValidationError(tr("Chưa chọn cột nào để xuất."))
    return [XLSX_COLUMNS[key] for key in wanted]


class _Styles:
    """Style objects made once and shared by every cell."""

    def __init__(self) -> None:
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=FONT_NAME, size=FONT_SIZE)
        self.header_font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
        self.title_font = Font(name=FONT_NAME, size=14, bold=True)
        self.subtitle_font = Font(name=FONT_NAME, size=FONT_SIZE, italic=True)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL_RGB)
        self.header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.coloured_fonts = {
            rgb: Font(name=FONT_NAME, size=FONT_SIZE, color=rgb)
            for rgb in (OVERDUE_RGB, DUE_SOON_RGB, DONE_RGB, NO_DEADLINE_RGB)
        }
        self._templates: dict[tuple[str, int, str | None], Any] = {}

    def style_data_cell(
        self, cell: Any, column: XlsxColumn, indent: int, colour: str | None
    ) -> None:
        """Give a data cell its column's look.

        Assigning a font or border makes openpyxl hash the style object, which
        is most of an export's time; the first cell of each look is styled that
        way and later ones copy its style indices (a private but stable array).
        """
        colour = colour if column.coloured else None
        key = (column.key, indent, colour)
        template = self._templates.get(key)
        if template is not None:
            cell._style = copy(template)
            return
        cell.number_format = column.number_format
        cell.border = self.border
        cell.alignment = Alignment(
            horizontal=column.horizontal, vertical="top", wrap_text=column.wrap, indent=indent
        )
        cell.font = self.coloured_fonts[colour] if colour else self.font
        self._templates[key] = copy(cell._style)


def wrapped_lines(text: str, width: float, *, bold: bool = False) -> int:
    """About how many lines ``text`` takes in a column ``width`` digits wide."""
    lines = 0
    for paragraph in text.split("\n"):
        wide = len(_WIDE_RE.findall(paragraph))
        char_width = CHAR_WIDTH + WIDE_EXTRA * wide / max(len(paragraph), 1)
        if bold:
            char_width *= 1.08
        lines += _greedy_lines(paragraph.split(), max(int(width * LINE_FILL / char_width), 1))
    return lines


def _greedy_lines(words: list[str], chars: int) -> int:
    """Lines taken by ``words`` wrapped at word ends into lines of ``chars`` characters."""
    lines = 1
    used = 0
    for word in words:
        if used and used + 1 + len(word) <= chars:
            used += 1 + len(word)
            continue
        if used:
            lines += 1
        # A word longer than a line breaks inside it.
        full, used = divmod(len(word), chars)
        if used == 0:
            full, used = full - 1, chars
        lines += full
    return lines


def _row_height(cells: list[tuple[XlsxColumn, str, int]], bold: bool = False) -> float | None:
    """Points for a row whose wrapped cells are (column, text, indent); None for one line."""
    lines = 1
    for column, text, indent in cells:
        width = column.width - indent * INDENT_WIDTH
        lines = max(lines, wrapped_lines(text, width, bold=bold))
    return None if lines == 1 else round(lines * LINE_POINTS + 3, 2)


def _set_value(cell: Any, value: CellValue) -> None:
    if isinstance(value, str):
        # Empty text stays a blank cell, which the autofilter lists as "(Blanks)".
        cell.value = clean_text(value) or None
        # openpyxl reads a leading "=" as a formula; task text never is one.
        cell.data_type = "s"
    else:
        cell.value = value


def export_tasks_xlsx(
    rows: list[TaskRow],
    path: Path,
    *,
    columns: list[str] | None = None,
    title: str = "",
    filter_summary: str = "",
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write ``rows`` (in their order) to an .xlsx file at ``path``.

    ``columns`` are keys of :data:`XLSX_COLUMNS` in the order wanted; ``None``
    means the window's default columns. ``title``, ``as_of`` and
    ``filter_summary``, when given, make the lines above the header row.
    ``progress(done, total)`` is called now and then (10,000 rows take about 2 s).
    """
    chosen = resolve_columns(columns)
    styles = _Styles()
    workbook = Workbook()
    _set_default_font(workbook, styles.font)
    sheet = workbook.active
    sheet.title = tr("Nhiệm vụ")
    last_letter = get_column_letter(len(chosen))

    header_row = _write_title(sheet, styles, len(chosen), title, filter_summary, as_of)
    for index, column in enumerate(chosen, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font = styles.header_font
        cell.fill = styles.header_fill
        cell.alignment = styles.header_alignment
        cell.border = styles.border
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[header_row].height = _row_height(
        [(column, column.header, 0) for column in chosen], bold=True
    )

    for offset, row in enumerate(rows, start=1):
        if progress is not None and offset % PROGRESS_EVERY == 0:
            progress(offset, len(rows))
        colour = status_rgb(row)
        wrapped: list[tuple[XlsxColumn, str, int]] = []
        for index, column in enumerate(chosen, start=1):
            cell = sheet.cell(row=header_row + offset, column=index)
            indent = row.depth if column.indented else 0
            _set_value(cell, column.value(row))
            if column.wrap and isinstance(cell.value, str):
                wrapped.append((column, cell.value, indent))
            styles.style_data_cell(cell, column, indent, colour)
        sheet.row_dimensions[header_row + offset].height = _row_height(wrapped)

    last_row = header_row + len(rows)
    sheet.auto_filter.ref = f"A{header_row}:{last_letter}{last_row}"
    first_data_column = 2 if chosen[0].key == "ref" else 1
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=first_data_column).coordinate
    _page_setup(sheet, header_row)

    properties = workbook.properties
    properties.title = clean_text(title or default_title())
    properties.subject = clean_text(filter_summary) or None
    properties.creator = "CĐS Desk"
    properties.lastModifiedBy = "CĐS Desk"
    workbook.save(path)
    if progress is not None:
        progress(len(rows), len(rows))


def _set_default_font(workbook: Any, font: Font) -> None:
    """Make ``font`` the workbook's default (openpyxl has no public way to do it).

    Column widths are counted in digits of the default font; with Calibri, a
    program that lacks it (LibreOffice on Linux) substitutes a wider font and
    every column grows. With the cells' own font both programs agree.
    """
    workbook._fonts = IndexedList([font])
    workbook._named_styles["Normal"].font = font


def _write_title(
    sheet: Any, styles: _Styles, width: int, title: str, filter_summary: str, as_of: date | None
) -> int:
    """The lines above the table; returns the header row's number."""
    lines: list[tuple[str, Font]] = []
    if title:
        lines.append((title, styles.title_font))
    parts = []
    if as_of is not None:
        parts.append(tr("Tính đến ngày {day}").format(day=format_date(as_of)))
    if filter_summary:
        parts.append(filter_summary)
    if parts:
        lines.append((" · ".join(parts), styles.subtitle_font))
    for number, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=clean_text(text))
        cell.data_type = "s"
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center")
        if width > 1:
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
    # A blank line between the title lines and the table.
    return len(lines) + 2 if lines else 1


def _page_setup(sheet: Any, header_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    # Inches; the footer needs room under the table or it is cut off.
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = 0.6
    sheet.page_margins.bottom = 0.8
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.oddFooter.center.text = tr("Trang &P/&N")


def describe_filter(register: Register, query: TaskQuery) -> str:
    """The filter in words for the line under the title ("" when nothing is filtered)."""
    parts = []
    if query.status == DUE_SOON:
        parts.append(tr("Tình trạng: Sắp đến hạn"))
    elif query.status == CANCELLED:
        parts.append(tr("Tình trạng: Đã hủy"))
    elif query.status is not None:
        parts.append(tr("Tình trạng: {label}").format(label=StatusClass(query.status).label))
    if query.unit_id is not None:
        name = get_unit(register, query.unit_id).name
        template = (
            tr("Đơn vị: {name} (kể cả đơn vị cấp dưới)")
            if query.include_subunits
            else tr("Đơn vị: {name}")
        )
        parts.append(template.format(name=name))
        if query.include_cooperating:
            parts.append(tr("kể cả nhiệm vụ phối hợp"))
    if query.document_id is not None:
        label = get_document(register, query.document_id).label
        parts.append(tr("Văn bản: {label}").format(label=label))
    if query.task_group is not None:
        parts.append(tr("Nhóm: {label}").format(label=query.task_group.label))
    if query.due_in is not None:
        parts.append(tr("Hạn trong {quarter}").format(quarter=query.due_in.label))
    if query.due_on is not None:
        parts.append(tr("Hạn ngày {day}").format(day=format_date(query.due_on)))
    if query.search.strip():
        parts.append(tr("Tìm: “{text}”").format(text=query.search.strip()))
    return " · ".join(parts)


def export_register_tasks(
    register: Register,
    path: Path,
    query: TaskQuery,
    columns: list[str] | None = None,
) -> int:
    """Export the register's tasks that pass ``query`` (as the command line does).

    The unit filter is ``query_tasks``'s: ``units_answering_for`` the unit,
    with sub-units when ``query.include_subunits``. Returns the number of rows.
    """
    as_of = query.as_of or date.today()
    query = replace(query, as_of=as_of)
    rows = query_tasks(register, query)
    export_tasks_xlsx(
        rows,
        path,
        columns=columns,
        title=default_title(),
        filter_summary=describe_filter(register, query),
        as_of=as_of,
    )
    return len(rows)
