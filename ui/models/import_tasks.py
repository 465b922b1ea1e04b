"""The import review's task table: proposed tasks with confidence marks and flags."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
)
from PySide6.QtWidgets import (
    QWidget,
)

from cdsdesk.domain.enums import DeadlineKind
from cdsdesk.importing.service import (
    ImportPlan,
    PlanTask,
    PlanUnit,
    UnitAction,
)
from cdsdesk.services.units import UnitInfo
from cdsdesk.textvi import format_date

COL_INCLUDE = 0
COL_REF = 1
COL_CONTENT = 2
COL_LEAD = 3
COL_COOP = 4
COL_DEADLINE = 5
COL_FLAGS = 6
COLUMN_COUNT = 7

TASK_ROLE = Qt.ItemDataRole.UserRole + 1  # the PlanTask of the row
CONFIDENCE_ROLE = Qt.ItemDataRole.UserRole + 2  # "sure", "new", "check" or "unknown"

SURE, NEW, CHECK, UNKNOWN = "sure", "new", "check", "unknown"
_CONFIDENCE_ORDER = (SURE, NEW, CHECK, UNKNOWN)
CONFIDENCE_COLOURS = {
    SURE: QColor("#2e7d32"),
    NEW: QColor("#1565c0"),
    CHECK: QColor("#e65100"),
    UNKNOWN: QColor("#c62828"),
}
EXCLUDED = QColor("#9e9e9e")
FLAG_TEXT = QColor("#e65100")
FLAG_BACKGROUND = QColor("#fff3e0")
BANNER_STYLE = "background: #fff8e1; border: 1px solid #ffb300; border-radius: 4px; padding: 6px;"
ERROR_STYLE = "color: #c62828;"

_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("ImportReviewDialog", text)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unit_label(unit: UnitInfo | None, fallback: str) -> str:
    if unit is None:
        return fallback
    return unit.short_name or unit.name


# ---------------------------------------------------------------------------
# How a task's units and deadline read in the table
# ---------------------------------------------------------------------------


def unit_mark(unit: PlanUnit, plan: ImportPlan, units: dict[int, UnitInfo]) -> tuple[str, str, str]:
    """(confidence, cell text, tooltip line) of one unit of a task."""
    if unit.unit_id is not None:
        info = units.get(unit.unit_id)
        text = "✓ " + _unit_label(info, unit.name)
        return (
            SURE,
            text,
            tr("✓ {name}: khớp với đơn vị trong sổ").format(name=info.name if info else unit.name),
        )
    decision = plan.decision(unit.name)
    if decision is not None and decision.action is UnitAction.MAP and decision.unit_id is not None:
        info = units.get(decision.unit_id)
        return (
            SURE,
            "✓ " + _unit_label(info, unit.name),
            tr("“{name}” gán cho {unit}").format(
                name=unit.name, unit=info.name if info else decision.unit_id
            ),
        )
    if decision is not None and decision.action is UnitAction.CREATE:
        new_name = decision.new_name or decision.name
        return NEW, "+ " + new_name, tr("+ {name}: sẽ tạo đơn vị mới").format(name=new_name)
    if decision is not None and decision.suggestion_id is not None:
        return (
            CHECK,
            "? " + unit.name,
            tr("? {name}: gần giống “{unit}” ({score}%), cần kiểm tra").format(
                name=unit.name, unit=decision.suggestion_name, score=decision.score
            ),
        )
    return UNKNOWN, "✗ " + unit.name, tr("✗ {name}: không có trong sổ").format(name=unit.name)


def deadline_label(task: PlanTask) -> str:
    kind = task.deadline_kind
    if kind is DeadlineKind.RECURRING and task.recurrence is not None:
        text = task.recurrence.label
    elif kind is DeadlineKind.ONGOING:
        text = DeadlineKind.ONGOING.label
    elif kind in (DeadlineKind.DATE, DeadlineKind.PERIOD) and task.deadline is not None:
        text = format_date(task.deadline)
    else:
        text = ""
    if task.urgent:
        text = tr("Khẩn") + (" · " + text if text else "")
    return text


# ---------------------------------------------------------------------------
# The task table
# ---------------------------------------------------------------------------


class ImportTaskModel(QAbstractTableModel):
    """The plan's tasks; the include box is the only cell edited in the table."""

    includeChanged = Signal()

    def __init__(
        self, plan: ImportPlan, units: dict[int, UnitInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.units = units

    def task(self, row: int) -> PlanTask:
        return self.plan.tasks[row]

    def refresh(self, row: int | None = None) -> None:
        """Repaint one row (its task was edited) or every row (a unit decision changed)."""
        first, last = (0, self.rowCount() - 1) if row is None else (row, row)
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, COLUMN_COUNT - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.plan.tasks)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [
            tr("Nhập"),
            tr("Mục"),
            tr("Nội dung"),
            tr("Chủ trì"),
            tr("Phối hợp"),
            tr("Thời hạn"),
            tr("Cần xem"),
        ][section]

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == COL_INCLUDE:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def _marks(self, units: list[PlanUnit]) -> list[tuple[str, str, str]]:
        return [unit_mark(u, self.plan, self.units) for u in units]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        task = self.plan.tasks[index.row()]
        column = index.column()
        if role == TASK_ROLE:
            return task
        if column == COL_INCLUDE:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if task.include else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr("Bỏ dấu để không nhập nhiệm vụ này (phím cách)")
            return None
        if column in (COL_LEAD, COL_COOP):
            return self._unit_data(
                task.leads if column == COL_LEAD else task.cooperating, role, task
            )
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_REF:
                return task.ref
            if column == COL_CONTENT:
                return _short(task.content)
            if column == COL_DEADLINE:
                return deadline_label(task)
            if column == COL_FLAGS:
                return ("⚠ " + _short(task.flags[0], 40)) if task.flags else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_CONTENT:
                return task.content[:2000]
            if column == COL_DEADLINE and task.deadline_text:
                return tr("Theo văn bản: “{text}”").format(text=task.deadline_text)
            if column == COL_FLAGS and task.flags:
                return "\n".join("⚠ " + f for f in task.flags)
            if column == COL_REF:
                return tr("Dòng {first}–{last} của văn bản").format(
                    first=task.first_line, last=task.last_line
                )
        if role == Qt.ItemDataRole.ForegroundRole:
            if not task.include:
                return EXCLUDED
            if column == COL_FLAGS:
                return FLAG_TEXT
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_FLAGS and task.flags:
            return FLAG_BACKGROUND
        return None

    def _unit_data(self, units: list[PlanUnit], role: int, task: PlanTask) -> Any:
        marks = self._marks(units)
        if role == Qt.ItemDataRole.DisplayRole:
            return "; ".join(text for _c, text, _t in marks)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(tip for _c, _text, tip in marks) or None
        worst = max((c for c, _t, _x in marks), key=_CONFIDENCE_ORDER.index, default="")
        if role == CONFIDENCE_ROLE:
            return worst
        if role == Qt.ItemDataRole.ForegroundRole:
            if not task.include:
                return EXCLUDED
            return CONFIDENCE_COLOURS.get(worst) if worst and worst != SURE else None
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != COL_INCLUDE or role != Qt.ItemDataRole.CheckStateRole:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        self.plan.tasks[index.row()].include = bool(checked)
        self.refresh(index.row())
        self.includeChanged.emit()
        return True


# ---------------------------------------------------------------------------
# The source text, with line numbers and the chosen task's lines highlighted
# ---------------------------------------------------------------------------
