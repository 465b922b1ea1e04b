"""The task table: plain TaskRow data from the core, shown with status colours."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from cdsdesk.domain.enums import DeadlineKind, StatusClass
from cdsdesk.services.queries import TaskRow
from cdsdesk.textvi import format_date, sort_key

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
        tr("Quá hạn (ngày)"),
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


class TaskTableModel(QAbstractTableModel):
    """Rows are immutable TaskRow values; the model never touches the database."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TaskRow] = []
        self._headers = headers()

    def set_rows(self, rows: list[TaskRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> TaskRow:
        return self._rows[row]

    def rows(self) -> list[TaskRow]:
        return list(self._rows)

    def row_of_task(self, task_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if row.id == task_id:
                return i
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

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
            return None
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

    def _display(self, row: TaskRow, col: int) -> str:
        if col == COL_REF:
            return row.ref
        if col == COL_CONTENT:
            indent = "    " * row.depth
            return indent + ("⚠ " if row.flags else "") + row.content.replace("\n", " ")
        if col == COL_LEAD:
            return "; ".join(row.lead_units)
        if col == COL_COOPERATING:
            return "; ".join(row.cooperating_units)
        if col == COL_DEADLINE:
            return deadline_text(row)
        if col == COL_STATUS:
            return row.status_label
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
        if col == COL_DEADLINE:
            return row.deadline.isoformat() if row.deadline else "9999"
        if col == COL_DAYS_OVERDUE:
            return row.days_overdue
        if col == COL_LAST_NOTE:
            return row.last_note_on.isoformat() if row.last_note_on else ""
        return sort_key(self._display(row, col).strip())
