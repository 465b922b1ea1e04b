"""The task table: plain TaskRow data from the core, shown with status colours."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from cdsdesk.domain.enums import DeadlineKind, StatusClass
from cdsdesk.services.queries import TaskQuery, TaskRow, filter_rows
from cdsdesk.textvi import fold, format_date, parse_roman, sort_key
from ui.models.base import RowsTableModel

COL_REF = 0
COL_CONTENT = 1
COL_LEAD = 2
COL_COOPERATING = 3
COL_DEADLINE = 4
COL_STATUS = 5
COL_DAYS_OVERDUE = 6
COL_LAST_NOTE = 7
COL_DOCUMENT = 8
COLUMN_COUNT = 9

TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_CLASS_ROLE = Qt.ItemDataRole.UserRole + 3

OVERDUE = QColor("#c62828")
DUE_SOON = QColor("#b26a00")
DONE = QColor("#2e7d32")
NO_DEADLINE = QColor("#616161")

_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("TaskTableModel", text)


def headers() -> list[str]:
    return [
        tr("Số TT"),
        tr("Nội dung nhiệm vụ"),
        tr("Chủ trì"),
        tr("Phối hợp"),
        tr("Thời hạn"),
        tr("Tình trạng"),
        tr("Trễ"),
        tr("Tiến độ gần nhất"),
        tr("Văn bản"),
    ]


def deadline_text(row: TaskRow) -> str:
    if row.deadline_kind is DeadlineKind.RECURRING and row.recurrence is not None:
        due = f" ({format_date(row.deadline)})" if row.deadline else ""
        return row.recurrence.label + due
    if row.deadline_kind is DeadlineKind.ONGOING:
        return DeadlineKind.ONGOING.label
    if row.deadline is None:
        return "" if row.deadline_kind is DeadlineKind.NONE else row.deadline_text
    text = format_date(row.deadline)
    return text + (tr(" (gia hạn)") if row.extended else "")


STATUS_ORDER = {
    StatusClass.OPEN_OVERDUE: 0,
    StatusClass.OPEN_IN_TIME: 1,
    StatusClass.NO_DEADLINE: 2,
    StatusClass.DONE_LATE: 3,
    StatusClass.DONE_ON_TIME: 4,
}


@functools.lru_cache(maxsize=4096)
def natural_key(ref: str) -> tuple[tuple[int, int, str], ...]:
    """ "II.2.10" after "II.2.9": numbers compare as numbers, Roman numerals too."""
    parts = []
    for part in re.split(r"[.\s]+", ref.strip()):
        if not part:
            continue
        if part.isdigit():
            parts.append((0, int(part), ""))
        else:
            try:
                parts.append((0, parse_roman(part), ""))
            except ValueError:
                parts.append((1, 0, sort_key(part)))
    return tuple(parts)


def status_colour(row: TaskRow) -> QColor | None:
    if row.cancelled or row.status_class is None:
        return NO_DEADLINE
    if row.status_class is StatusClass.OPEN_OVERDUE:
        return OVERDUE
    if row.due_soon:
        return DUE_SOON
    if row.status_class.is_done:
        return DONE
    if row.status_class is StatusClass.NO_DEADLINE:
        return NO_DEADLINE
    return None


class TaskTableModel(RowsTableModel[TaskRow]):
    """All rows of the register as of a day, filtered and sorted in memory.

    The rows are immutable TaskRow values from the core; filtering uses the
    core's ``filter_rows`` over precomputed folded text, so a keystroke in the
    search box never goes back to the database. Sorting keeps sub-tasks under
    their parent: siblings are sorted, then the tree is flattened.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(headers(), parent)
        self._all: list[TaskRow] = []
        self._query = TaskQuery()
        self._units: set[int] | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._sort_cache: dict[int, dict[int, Any]] = {}
        self._search_key: object = None
        self._found: dict[tuple[str, ...], list[TaskRow]] = {}

    # -- data in ------------------------------------------------------------

    def set_all_rows(self, rows: list[TaskRow], refilter: bool = True) -> None:
        """New data from the register (after an edit, F5 or a new as-of day)."""
        self._all = rows
        self._sort_cache.clear()
        if refilter:
            self._refilter()

    def set_filter(self, query: TaskQuery, units: set[int] | None) -> None:
        self._query = query
        self._units = units
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._rows = self._arrange(self._filtered())
        self.endResetModel()

    def _filtered(self) -> list[TaskRow]:
        """Typing narrows what the previous keystroke found; Backspace finds it again.

        Results are remembered per search text while every other filter stays the
        same; any other change (data, unit, status...) starts afresh.
        """
        query, units = self._query, self._units
        rest = (
            replace(query, search=""),
            frozenset(units) if units is not None else None,
            id(self._all),
        )
        words = tuple(fold(query.search).split())
        if rest != self._search_key:
            self._search_key = rest
            self._found = {(): filter_rows(self._all, replace(query, search=""), units)}
        found = self._found.get(words)
        if found is None:
            base, done = self._found[()], ()
            for old, rows in self._found.items():
                if len(rows) < len(base) and all(any(o in w for w in words) for o in old):
                    base, done = rows, old  # each old word is inside a new one: a subset
            todo = " ".join(w for w in words if w not in done)
            found = filter_rows(base, TaskQuery(search=todo))
            if len(self._found) > 64:
                self._found = {(): self._found[()]}
            self._found[words] = found
        return found

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._sort_order = order
        self.layoutAboutToBeChanged.emit()
        # Only the indexes someone holds (selection, current) move: usually a handful.
        old = self.persistentIndexList()
        held = [(index, self._rows[index.row()].id) for index in old]
        self._rows = self._arrange(self._rows)
        if held:
            where = {row.id: i for i, row in enumerate(self._rows)}
            self.changePersistentIndexList(
                [index for index, _ in held],
                [self.index(where[tid], index.column()) for index, tid in held],
            )
        self.layoutChanged.emit()

    def _arrange(self, rows: list[TaskRow]) -> list[TaskRow]:
        """Tree order; with a sort column, siblings sorted by it."""
        if self._sort_column < 0:
            return rows  # filtering keeps the register's tree order: nothing to do
        present = {row.id for row in rows}
        children: dict[int | None, list[TaskRow]] = {}
        for row in rows:
            parent = row.parent_id if row.parent_id in present else None
            children.setdefault(parent, []).append(row)
        if self._sort_column >= 0:
            keys = self._keys(self._sort_column)
            reverse = self._sort_order == Qt.SortOrder.DescendingOrder
            for siblings in children.values():
                siblings.sort(key=lambda r: keys[r.id], reverse=reverse)
        ordered: list[TaskRow] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            row = stack.pop()
            ordered.append(row)
            stack.extend(reversed(children.get(row.id, [])))
        return ordered

    def _keys(self, column: int) -> dict[int, Any]:
        cached = self._sort_cache.get(column)
        if cached is None:
            cached = {row.id: self._sort_value(row, column) for row in self._all}
            self._sort_cache[column] = cached
        return cached

    # -- data out -----------------------------------------------------------

    def all_rows(self) -> list[TaskRow]:
        return list(self._all)

    def row_of_task(self, task_id: int) -> int | None:
        return self.row_of_id(task_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (COL_CONTENT, COL_LAST_NOTE):
                text = row.content if col == COL_CONTENT else row.last_note
                flags = "\n⚠ " + "; ".join(row.flags) if row.flags and col == COL_CONTENT else ""
                return text + flags
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.ForegroundRole and col in (
            COL_STATUS,
            COL_DEADLINE,
            COL_DAYS_OVERDUE,
        ):
            colour = status_colour(row)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_DAYS_OVERDUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TASK_ID_ROLE:
            return row.id
        if role == STATUS_CLASS_ROLE:
            return row.status_class.value if row.status_class else None
        if role == SORT_ROLE:
            return self._sort_value(row, col)
        return None

    def _tooltip(self, row: TaskRow, col: int) -> str | None:
        if col == COL_LEAD:
            return "\n".join(row.lead_units) or None
        if col == COL_COOPERATING:
            return "\n".join(row.cooperating_units) or None
        if col == COL_STATUS:
            return row.status_label
        if col == COL_DEADLINE:
            return row.deadline_text or None
        return None

    def _display(self, row: TaskRow, col: int) -> str:
        if col == COL_REF:
            return row.ref
        if col == COL_CONTENT:
            indent = "    " * row.depth
            return indent + ("⚠ " if row.flags else "") + row.content.replace("\n", " ")
        if col == COL_LEAD:
            return "; ".join(row.lead_short_units or row.lead_units)
        if col == COL_COOPERATING:
            return "; ".join(row.cooperating_short_units or row.cooperating_units)
        if col == COL_DEADLINE:
            return deadline_text(row)
        if col == COL_STATUS:
            return row.status_short_label
        if col == COL_DAYS_OVERDUE:
            return str(row.days_overdue) if row.days_overdue else ""
        if col == COL_LAST_NOTE:
            if not row.last_note:
                return ""
            day = format_date(row.last_note_on) if row.last_note_on else ""
            return f"{day}: {row.last_note}".replace("\n", " ")
        if col == COL_DOCUMENT:
            return row.document
        return ""

    def _sort_value(self, row: TaskRow, col: int) -> Any:
        if col == COL_REF:
            return natural_key(row.ref)
        if col == COL_STATUS:
            return (STATUS_ORDER.get(row.status_class, 9), -row.days_overdue)
        if col == COL_CONTENT:
            return sort_key(row.content)
        if col == COL_DEADLINE:
            return row.deadline.isoformat() if row.deadline else "9999"
        if col == COL_DAYS_OVERDUE:
            return row.days_overdue
        if col == COL_LAST_NOTE:
            return row.last_note_on.isoformat() if row.last_note_on else ""
        return sort_key(self._display(row, col).strip())
