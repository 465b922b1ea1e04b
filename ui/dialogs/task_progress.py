"""The "Tiến độ" tab of the task editor: progress notes, extensions and periods.

It writes at once through ``Operations``: a progress note or an extension is a
decision already taken, not a draft of the task form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus
from cdsdesk.errors import CdsError
from cdsdesk.periods import periods_between
from cdsdesk.services.queries import ExtensionInfo, NoteInfo, TaskDetail
from cdsdesk.textvi import quarter_roman
from ui.dialogs._form_helpers import DATED, date_field, day_text, error_label
from ui.models.base import RowsTableModel
from ui.operations import Operations

OVERDUE = "#c62828"
MAX_PERIODS = 240  # twenty years of a monthly task

_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("TaskProgress", text)


# ---------------------------------------------------------------------------
# Tables of the progress tab
# ---------------------------------------------------------------------------


class _RowsModel(RowsTableModel[Any]):
    """A read-only table of plain rows; subclasses say what each cell shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.headers(), parent)

    def headers(self) -> list[str]:
        raise NotImplementedError

    def cell(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def colour(self, row: Any) -> str | None:
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and (colour := self.colour(row)):
            return QBrush(QColor(colour))
        return None


COL_NOTE_DATE, COL_NOTE_TEXT, COL_NOTE_STATUS = range(3)


class NotesModel(_RowsModel):
    """The dated progress notes of a task, oldest first."""

    def headers(self) -> list[str]:
        return [tr("Ngày"), tr("Nội dung"), tr("Trạng thái đặt")]

    def cell(self, row: NoteInfo, column: int) -> str:
        if column == COL_NOTE_DATE:
            return day_text(row.noted_on)
        if column == COL_NOTE_TEXT:
            return row.text
        return row.status_set.label if row.status_set else ""


COL_EXT_DECIDED, COL_EXT_OLD, COL_EXT_NEW, COL_EXT_REASON, COL_EXT_DECISION = range(5)


class ExtensionsModel(_RowsModel):
    """Each extension of the deadline: when it was decided, from which date to which."""

    def headers(self) -> list[str]:
        return [tr("Ngày quyết định"), tr("Hạn cũ"), tr("Hạn mới"), tr("Lý do"), tr("Văn bản")]

    def cell(self, row: ExtensionInfo, column: int) -> str:
        return [
            day_text(row.decided_on),
            day_text(row.old_deadline),
            day_text(row.new_deadline),
            row.reason,
            row.decision,
        ][column]


@dataclass(frozen=True)
class PeriodRow:
    start: date
    end: date
    completed_on: date | None
    note: str
    recurrence: Recurrence

    @property
    def label(self) -> str:
        """``Quý II/2024``, ``Tháng 3/2024``, ``6 tháng đầu năm 2024``, ``Năm 2024``."""
        year, month = self.start.year, self.start.month
        if self.recurrence is Recurrence.MONTHLY:
            return tr("Tháng {m}/{y}").format(m=month, y=year)
        if self.recurrence is Recurrence.QUARTERLY:
            return tr("Quý {q}/{y}").format(q=quarter_roman((month - 1) // 3 + 1), y=year)
        if self.recurrence is Recurrence.HALF_YEARLY:
            text = tr("6 tháng đầu năm {y}") if month <= 6 else tr("6 tháng cuối năm {y}")
            return text.format(y=year)
        return tr("Năm {y}").format(y=year)


def period_rows(detail: TaskDetail, today: date) -> list[PeriodRow]:
    """Every period of a recurring task from its assigned date to today, with its work."""
    recurrence = detail.row.recurrence
    if recurrence is None:
        return []
    done = {o.period_start: o for o in detail.occurrences}
    first = min([d for d in (detail.row.assigned_on, *done) if d] or [today])
    last = max([today, *(o.due_on for o in detail.occurrences)])
    rows = []
    for period in periods_between(first, last, recurrence)[-MAX_PERIODS:]:
        occurrence = done.get(period.start)
        rows.append(
            PeriodRow(
                period.start,
                period.end,
                occurrence.completed_on if occurrence else None,
                occurrence.note if occurrence else "",
                recurrence,
            )
        )
    return list(reversed(rows))  # the current period first


COL_PERIOD, COL_PERIOD_DUE, COL_PERIOD_DONE, COL_PERIOD_NOTE = range(4)


class PeriodsModel(_RowsModel):
    """The periods of a recurring task, newest first; a past period not done is red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = date.today()

    def headers(self) -> list[str]:
        return [tr("Kỳ"), tr("Hạn của kỳ"), tr("Ngày hoàn thành"), tr("Ghi chú")]

    def cell(self, row: PeriodRow, column: int) -> str:
        return [
            row.label,
            day_text(row.end),
            day_text(row.completed_on) if row.completed_on else tr("Chưa hoàn thành"),
            row.note,
        ][column]

    def colour(self, row: PeriodRow) -> str | None:
        late = row.completed_on is None and row.end < self.today
        return OVERDUE if late or (row.completed_on and row.completed_on > row.end) else None


def _table(
    model: QAbstractTableModel, name: str, stretch: int, *, wrap: bool = False
) -> QTableView:
    """A read-only table; ``wrap``: rows grow to show long text whole."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(wrap)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    if not wrap:
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    else:
        header.sectionResized.connect(view.resizeRowsToContents)
        model.modelReset.connect(view.resizeRowsToContents)
    return view


# ---------------------------------------------------------------------------
# The tab: notes, extensions, periods (written at once)
# ---------------------------------------------------------------------------


class ProgressTab(QWidget):
    """Adds notes and extensions through ``ops`` at once; ``written`` fires after each."""

    written = Signal()

    def __init__(self, ops: Operations) -> None:
        super().__init__(objectName="progressTab")
        self.ops = ops
        self.task_id: int | None = None

        self.notes = NotesModel(self)
        self.notes_view = _table(self.notes, "notesTable", COL_NOTE_TEXT, wrap=True)
        self.note_text = QPlainTextEdit(objectName="noteText")
        self.note_text.setTabChangesFocus(True)
        self.note_text.setPlaceholderText(tr("Nội dung tiến độ, kết quả đạt được, khó khăn…"))
        self.note_text.setFixedHeight(52)
        self.note_date = date_field("noteDate", clearable=False)
        self.note_status = QComboBox(objectName="noteStatus")
        self.note_status.addItem(tr("(Giữ nguyên)"), None)
        for status in StoredStatus:
            self.note_status.addItem(status.label, status.value)
        self.add_note_button = QPushButton(tr("Ghi tiến độ"), objectName="addNoteButton")
        self.add_note_button.clicked.connect(self.add_note)
        self.note_text.textChanged.connect(self._update_buttons)

        self.extensions = ExtensionsModel(self)
        self.extensions_view = _table(self.extensions, "extensionsTable", COL_EXT_REASON)
        self.new_deadline = date_field("newDeadlineDate")
        self.decided_on = date_field("decidedOnDate", clearable=False)
        self.extension_reason = QLineEdit(objectName="extensionReason")
        self.extension_decision = QLineEdit(objectName="extensionDecision")
        self.extension_decision.setPlaceholderText(
            tr("ví dụ: Công văn số 6250/UBND-KGVX ngày 26/12/2023")
        )
        self.extend_button = QPushButton(tr("Gia hạn"), objectName="extendButton")
        self.extend_button.clicked.connect(self.extend)
        self.new_deadline.changed.connect(self._update_buttons)
        self.extension_reason.textChanged.connect(self._update_buttons)

        self.periods = PeriodsModel(self)
        self.periods_view = _table(self.periods, "periodsTable", COL_PERIOD_NOTE)
        self.error_label = error_label("progressError")
        self._build_layout()
        self._reset_inputs()

    def _build_layout(self) -> None:
        self.notes_box = QGroupBox(tr("Tiến độ thực hiện"))
        grid = QGridLayout(self.notes_box)
        grid.addWidget(self.notes_view, 0, 0, 1, 6)
        grid.addWidget(self.note_text, 1, 0, 1, 6)
        grid.addWidget(QLabel(tr("Ngày")), 2, 0)
        grid.addWidget(self.note_date, 2, 1)
        grid.addWidget(QLabel(tr("Đặt tình trạng")), 2, 2)
        grid.addWidget(self.note_status, 2, 3)
        grid.setColumnStretch(4, 1)
        grid.addWidget(self.add_note_button, 2, 5)

        self.extension_box = QGroupBox(tr("Gia hạn"))
        grid = QGridLayout(self.extension_box)
        grid.addWidget(self.extensions_view, 0, 0, 1, 6)
        grid.addWidget(QLabel(tr("Hạn mới")), 1, 0)
        grid.addWidget(self.new_deadline, 1, 1)
        grid.addWidget(QLabel(tr("Lý do")), 1, 2)
        grid.addWidget(self.extension_reason, 1, 3, 1, 3)
        grid.addWidget(QLabel(tr("Ngày quyết định")), 2, 0)
        grid.addWidget(self.decided_on, 2, 1)
        grid.addWidget(QLabel(tr("Văn bản")), 2, 2)
        grid.addWidget(self.extension_decision, 2, 3, 1, 2)
        grid.addWidget(self.extend_button, 2, 5)
        grid.setColumnStretch(3, 1)

        self.periods_box = QGroupBox(tr("Các kỳ thực hiện"))
        box = QVBoxLayout(self.periods_box)
        box.addWidget(self.periods_view)

        layout = QVBoxLayout(self)
        layout.addWidget(self.notes_box, 3)
        layout.addWidget(self.extension_box, 2)
        layout.addWidget(self.periods_box, 2)
        layout.addWidget(self.error_label)

    def show_detail(self, detail: TaskDetail) -> None:
        self.task_id = detail.row.id
        kind = detail.row.deadline_kind
        self.notes.set_rows(list(detail.notes))
        self.notes_view.scrollToBottom()
        self.extensions.set_rows(list(detail.extensions))
        self.extension_box.setVisible(kind in DATED)
        current = detail.deadline
        self.extension_box.setTitle(
            tr("Gia hạn (hạn hiện tại: {day})").format(day=day_text(current))
            if current
            else tr("Gia hạn")
        )
        self.note_status.setToolTip(
            tr("Với nhiệm vụ định kỳ, “Đã hoàn thành” đánh dấu xong kỳ chứa ngày ghi.")
            if kind is DeadlineKind.RECURRING
            else ""
        )
        self.periods.today = date.today()
        self.periods.set_rows(period_rows(detail, date.today()))
        self.periods_box.setVisible(kind is DeadlineKind.RECURRING)

    def _reset_inputs(self) -> None:
        self.note_text.clear()
        self.note_date.set_date(date.today())
        self.note_status.setCurrentIndex(0)
        self.new_deadline.clear()
        self.decided_on.set_date(date.today())
        self.extension_reason.clear()
        self.extension_decision.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.add_note_button.setEnabled(bool(self.note_text.toPlainText().strip()))
        self.extend_button.setEnabled(
            self.new_deadline.date() is not None and bool(self.extension_reason.text().strip())
        )

    def add_note(self) -> None:
        if self.task_id is None:
            return
        day = self.note_date.date()
        if day is None:
            self.error_label.setText(tr("Chưa nhập ngày ghi tiến độ."))
            return
        status = self.note_status.currentData()
        self._write(
            lambda task_id: self.ops.add_note(
                task_id,
                self.note_text.toPlainText(),
                noted_on=day,
                status=StoredStatus(status) if status else None,
            )
        )

    def extend(self) -> None:
        new_deadline = self.new_deadline.date()
        if self.task_id is None or new_deadline is None:
            return
        self._write(
            lambda task_id: self.ops.extend_deadline(
                task_id,
                new_deadline,
                reason=self.extension_reason.text(),
                decided_on=self.decided_on.date(),
                decision=self.extension_decision.text(),
            )
        )

    def _write(self, action: Callable[[int], object]) -> None:
        assert self.task_id is not None
        try:
            action(self.task_id)
        except CdsError as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.clear()
        self._reset_inputs()
        self.written.emit()
