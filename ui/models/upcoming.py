"""What falls due in the next N days: a short list beside the deadline calendar."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from cdsdesk.domain.enums import StatusClass
from cdsdesk.services.queries import TaskRow
from cdsdesk.textvi import format_date
from ui.models.base import RowsTableModel

COL_DEADLINE = 0
COL_DAYS_LEFT = 1
COL_CONTENT = 2
COL_LEAD = 3
COLUMN_COUNT = 4

TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DEADLINE_ROLE = Qt.ItemDataRole.UserRole + 2  # the deadline as a datetime.date

CONTENT_CHARS = 90  # the list is narrow: the full text is in the tooltip
TODAY_COLOUR = QColor("#c62828")
SOON_COLOUR = QColor("#b26a00")

_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("UpcomingModel", text)


def headers() -> list[str]:
    return [tr("Hạn"), tr("Còn"), tr("Nội dung"), tr("Chủ trì")]


def _counted(rows: Iterable[TaskRow]) -> list[TaskRow]:
    # Sub-tasks rather than their parents, as the calendar and the statistics count.
    return [r for r in rows if not r.has_children and not r.cancelled]


def upcoming_rows(rows: Iterable[TaskRow], as_of: date, days: int) -> list[TaskRow]:
    """Open tasks whose deadline falls in [as_of, as_of + days], earliest first."""
    last = as_of + timedelta(days=days)
    found = [
        r
        for r in _counted(rows)
        if r.status_class is StatusClass.OPEN_IN_TIME
        and r.deadline is not None
        and as_of <= r.deadline <= last
    ]
    return sorted(found, key=lambda r: (r.deadline, r.id))


def overdue_rows(rows: Iterable[TaskRow]) -> list[TaskRow]:
    """Open tasks already past their deadline, the longest overdue first."""
    found = [r for r in _counted(rows) if r.status_class is StatusClass.OPEN_OVERDUE]
    return sorted(found, key=lambda r: (-r.days_overdue, r.id))


def overdue_count(rows: Iterable[TaskRow]) -> int:
    """``len(overdue_rows(rows))`` without sorting them: the label shows only the number,
    and a sort key per row costs up to a quarter of a second at 100,000 tasks."""
    late = StatusClass.OPEN_OVERDUE
    return sum(1 for r in _counted(rows) if r.status_class is late)


def days_left_text(days: int) -> str:
    if days == 0:
        return tr("Hôm nay")
    if days == 1:
        return tr("Mai")
    return tr("{n} ngày").format(n=days)


def short_content(text: str, limit: int = CONTENT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class UpcomingModel(RowsTableModel[TaskRow]):
    """Plain TaskRow values already chosen by :func:`upcoming_rows`; no database access."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(headers(), parent)
        self._as_of = date.today()
        self._short_names: Mapping[int, str] = {}

    def set_rows(
        self,
        rows: list[TaskRow],
        as_of: date | None = None,
        short_names: Mapping[int, str] | None = None,
    ) -> None:
        """Show ``rows`` (in the given order); ``short_names`` maps unit id to a short name."""
        self._as_of = as_of or date.today()
        self._short_names = dict(short_names or {})
        super().set_rows(rows)

    def task_ids(self) -> list[int]:
        return [r.id for r in self._rows]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_DEADLINE, COL_DAYS_LEFT):
            return QBrush(TODAY_COLOUR if self._days_left(row) == 0 else SOON_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_DAYS_LEFT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TASK_ID_ROLE:
            return row.id
        if role == DEADLINE_ROLE:
            return row.deadline
        return None

    def _days_left(self, row: TaskRow) -> int:
        return (row.deadline - self._as_of).days if row.deadline else 0

    def _leads(self, row: TaskRow) -> str:
        names = [
            self._short_names.get(uid) or full
            for uid, full in zip(row.lead_ids, row.lead_units, strict=False)
        ]
        return "; ".join(names or row.lead_units)

    def _display(self, row: TaskRow, col: int) -> str:
        if col == COL_DEADLINE:
            return format_date(row.deadline) if row.deadline else ""
        if col == COL_DAYS_LEFT:
            return days_left_text(self._days_left(row))
        if col == COL_CONTENT:
            return short_content(row.content)
        if col == COL_LEAD:
            return self._leads(row)
        return ""

    def _tooltip(self, row: TaskRow) -> str:
        lines = [f"{row.ref} {row.content}".strip()]
        if row.lead_units:
            lines.append(tr("Chủ trì: {units}").format(units="; ".join(row.lead_units)))
        if row.deadline:
            due = tr("Hạn: {day}").format(day=format_date(row.deadline))
            if row.recurrence is not None:
                due += f" ({row.recurrence.label})"
            lines.append(due)
        if row.document:
            lines.append(row.document)
        return "\n".join(lines)
