"""The task editor: every field of one task, and its progress notes, extensions and periods.

The "Nhiệm vụ" tab edits the fields and saves them all at once (checked inline
first, then against the version loaded, so a concurrent edit is never
overwritten). The "Tiến độ" tab writes immediately: a progress note or an
extension is a decision already taken, not a draft of the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, TaskGroup
from cdsdesk.errors import CdsError
from cdsdesk.periods import periods_between
from cdsdesk.services.documents import DocumentInfo, list_documents
from cdsdesk.services.queries import ExtensionInfo, NoteInfo, TaskDetail, get_task
from cdsdesk.services.tasks import MAX_CONTENT, ConflictError, TaskInput
from cdsdesk.services.units import UnitInfo, list_units
from cdsdesk.textvi import format_date, quarter_roman
from ui.operations import Operations
from ui.widgets.date_field import DateField
from ui.widgets.unit_picker import UnitPicker

ERROR_STYLE = "color: #c62828;"
HINT_STYLE = "color: #616161;"
OVERDUE = "#c62828"
DATED = (DeadlineKind.DATE, DeadlineKind.PERIOD)
MAX_PERIODS = 240  # twenty years of a monthly task

_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("TaskEditor", text)


def _day(value: date | None) -> str:
    return format_date(value) if value else ""


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------
# What is wrong with the form, before the register is asked
# ---------------------------------------------------------------------------


def form_problems(data: TaskInput) -> list[str]:
    """Every rule the register would refuse, all at once, in Vietnamese."""
    problems: list[str] = []
    content = data.content.strip()
    if not content:
        problems.append(tr("Nội dung nhiệm vụ không được để trống."))
    elif len(content) > MAX_CONTENT:
        problems.append(tr("Nội dung nhiệm vụ dài quá {n} ký tự.").format(n=f"{MAX_CONTENT:,}"))
    kind = data.deadline_kind
    if kind in DATED and data.deadline is None:
        problems.append(tr("Chưa nhập hạn hoàn thành."))
    if (
        kind is DeadlineKind.PERIOD
        and data.period_start
        and data.deadline
        and data.period_start > data.deadline
    ):
        problems.append(tr("Ngày đầu của khoảng thời hạn phải trước ngày cuối."))
    if kind is DeadlineKind.RECURRING and data.recurrence is None:
        problems.append(tr("Chưa chọn chu kỳ cho nhiệm vụ định kỳ."))
    if deadline_before_assigned(data) and not data.keep_deadline_as_written:
        assert data.deadline and data.assigned_on
        problems.append(
            tr(
                "Hạn hoàn thành ({deadline}) trước ngày giao nhiệm vụ ({assigned}); nếu văn bản "
                "ghi đúng như vậy, hãy đánh dấu “Giữ nguyên như văn bản”."
            ).format(deadline=_day(data.deadline), assigned=_day(data.assigned_on))
        )
    if data.status is StoredStatus.DONE:
        if data.completed_on is None:
            problems.append(tr("Nhiệm vụ đã hoàn thành cần có ngày hoàn thành."))
        elif data.assigned_on and data.completed_on < data.assigned_on:
            problems.append(tr("Ngày hoàn thành không thể trước ngày giao nhiệm vụ."))
    if data.status is StoredStatus.CANCELLED and not data.status_reason.strip():
        problems.append(tr("Hãy ghi lý do hủy nhiệm vụ."))
    return problems


def deadline_before_assigned(data: TaskInput) -> bool:
    return bool(
        data.deadline_kind in DATED
        and data.deadline
        and data.assigned_on
        and data.deadline < data.assigned_on
    )


def stored_deadline(detail: TaskDetail) -> date | None:
    """The deadline as stored (after the last extension), not as shown on a day.

    ``detail.row.deadline`` is the deadline in force today (or a sub-task's),
    and saving any other date than the stored one would count as a correction
    that resets the extension history.
    """
    if detail.row.deadline_kind not in DATED:
        return None
    if detail.extensions:
        return detail.extensions[-1].new_deadline
    return detail.original_deadline or detail.row.deadline


# ---------------------------------------------------------------------------
# Tables of the progress tab
# ---------------------------------------------------------------------------


class _RowsModel(QAbstractTableModel):
    """A read-only table of plain rows; subclasses say what each cell shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def headers(self) -> list[str]:
        raise NotImplementedError

    def cell(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def colour(self, row: Any) -> str | None:
        return None

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and (colour := self.colour(row)):
            return QBrush(QColor(colour))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None


COL_NOTE_DATE, COL_NOTE_TEXT, COL_NOTE_STATUS = range(3)


class NotesModel(_RowsModel):
    """The dated progress notes of a task, oldest first."""

    def headers(self) -> list[str]:
        return [tr("Ngày"), tr("Nội dung"), tr("Trạng thái đặt")]

    def cell(self, row: NoteInfo, column: int) -> str:
        if column == COL_NOTE_DATE:
            return _day(row.noted_on)
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
            _day(row.decided_on),
            _day(row.old_deadline),
            _day(row.new_deadline),
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
            _day(row.end),
            _day(row.completed_on) if row.completed_on else tr("Chưa hoàn thành"),
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


def _date_field(name: str, **kwargs: Any) -> DateField:
    field = DateField(**kwargs)
    field.setObjectName(name)
    return field


def _error_label(name: str) -> QLabel:
    label = QLabel(objectName=name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


# ---------------------------------------------------------------------------
# The "Nhiệm vụ" tab: every field
# ---------------------------------------------------------------------------


class TaskForm(QWidget):
    """The fields of a task; ``edited`` fires on any change."""

    edited = Signal()

    def __init__(self, units: list[UnitInfo], documents: list[DocumentInfo]) -> None:
        super().__init__(objectName="taskForm")
        self._documents = {d.id: d for d in documents}
        self._parent_id: int | None = None
        self._cancelled_on: date | None = None
        self._loading = False
        self._assigned_follows_document = False

        self.ref = QLineEdit(objectName="refEdit")
        self.ref.setMaximumWidth(110)
        self.group = QComboBox(objectName="groupCombo")
        self.group.addItem(tr("(Chưa phân nhóm)"), None)
        for group in TaskGroup:
            self.group.addItem(group.label, group.value)
        self.content = QPlainTextEdit(objectName="contentEdit")
        self.content.setTabChangesFocus(True)
        self.content.setPlaceholderText(tr("Nội dung nhiệm vụ như văn bản giao"))
        self.document = QComboBox(objectName="documentCombo")
        self.document.addItem(tr("(Không có)"), None)
        for doc in documents:
            text = f"{doc.label} – {_short(doc.title, 70)}" if doc.title else doc.label
            self.document.addItem(text, doc.id)
            self.document.setItemData(
                self.document.count() - 1, doc.title, Qt.ItemDataRole.ToolTipRole
            )
        self.document.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.document.setMinimumContentsLength(20)
        self.document.view().setMinimumWidth(520)
        self.parent_label = QLabel(objectName="parentLabel")
        self.parent_label.setWordWrap(True)
        self.lead = self._picker(units, "leadPicker")
        self.cooperating = self._picker(units, "cooperatingPicker")
        self.informed = self._picker(units, "informedPicker")

        self.assigned = _date_field("assignedDate")
        self.kind = QComboBox(objectName="deadlineKindCombo")
        for kind in DeadlineKind:
            self.kind.addItem(kind.label, kind.value)
        self.period_start = _date_field("periodStartDate")
        self.deadline = _date_field("deadlineDate")
        self.recurrence = QComboBox(objectName="recurrenceCombo")
        for recurrence in Recurrence:
            self.recurrence.addItem(recurrence.label, recurrence.value)
        self.recurrence.setPlaceholderText(tr("(Chọn chu kỳ)"))
        self.recurrence.setCurrentIndex(-1)
        self.keep_as_written = QCheckBox(tr("Giữ nguyên như văn bản"), objectName="keepAsWritten")
        self.keep_as_written.setToolTip(
            tr("Văn bản giao ghi hạn trước ngày giao: giữ nguyên, không tự sửa.")
        )
        self.extension_hint = QLabel(objectName="extensionHint")
        self.extension_hint.setStyleSheet(HINT_STYLE)
        self.extension_hint.setWordWrap(True)
        self.deadline_text = QLineEdit(objectName="deadlineTextEdit")
        self.deadline_text.setPlaceholderText(tr("ví dụ: trước ngày 30/6/2024"))
        self.urgent = QCheckBox(tr("Khẩn trương, ưu tiên"), objectName="urgentCheck")
        self.status = QComboBox(objectName="statusCombo")
        for status in StoredStatus:
            self.status.addItem(status.label, status.value)
        self.completed = _date_field("completedDate")
        self.reason = QLineEdit(objectName="reasonEdit")
        self.reason.setPlaceholderText(tr("Khi tạm dừng hoặc hủy"))
        self.result = QPlainTextEdit(objectName="resultEdit")
        self.result.setTabChangesFocus(True)
        self.result.setMinimumHeight(60)
        self.evidence = QLineEdit(objectName="evidenceEdit")
        self.evidence.setPlaceholderText(tr("Số, ký hiệu báo cáo chứng minh"))

        self._build_layout()
        self._connect()
        self._kind_changed()
        self._status_changed()

    @staticmethod
    def _picker(units: list[UnitInfo], name: str) -> UnitPicker:
        picker = UnitPicker()
        picker.setObjectName(name)
        picker.set_units(units)
        return picker

    def _build_layout(self) -> None:
        left = QFormLayout()
        top = QHBoxLayout()
        top.addWidget(self.ref)
        group_label = QLabel(tr("&Nhóm"))
        group_label.setBuddy(self.group)
        top.addSpacing(8)
        top.addWidget(group_label)
        top.addWidget(self.group, 1)
        left.addRow(self._label(tr("Số &TT"), self.ref), top)
        left.addRow(self._label(tr("Nội &dung"), self.content), self.content)
        left.addRow(self._label(tr("&Văn bản giao"), self.document), self.document)
        left.addRow(tr("Nhiệm vụ cha"), self.parent_label)
        left.addRow(self._label(tr("&Chủ trì"), self.lead), self.lead)
        left.addRow(self._label(tr("&Phối hợp"), self.cooperating), self.cooperating)
        left.addRow(self._label(tr("Nhận để &biết"), self.informed), self.informed)

        right = QFormLayout()
        self.deadline_label = self._label(tr("Hạn &hoàn thành"), self.deadline)
        right.addRow(self._label(tr("Ngày &giao"), self.assigned), self.assigned)
        right.addRow(self._label(tr("&Thời hạn"), self.kind), self.kind)
        right.addRow(tr("Từ ngày"), self.period_start)
        right.addRow(self.deadline_label, self.deadline)
        right.addRow(tr("Chu kỳ"), self.recurrence)
        right.addRow("", self.keep_as_written)
        right.addRow("", self.extension_hint)
        right.addRow(self._label(tr("Hạn ghi trong &VB"), self.deadline_text), self.deadline_text)
        right.addRow("", self.urgent)
        right.addRow(self._label(tr("Tình t&rạng"), self.status), self.status)
        right.addRow(tr("Ngày hoàn thành"), self.completed)
        right.addRow(tr("Lý do"), self.reason)
        right.addRow(self._label(tr("&Kết quả"), self.result), self.result)
        right.addRow(self._label(tr("&Minh chứng"), self.evidence), self.evidence)
        self._left, self._right = left, right
        right.setRowVisible(self.extension_hint, False)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 11)
        layout.addWidget(line)
        layout.addLayout(right, 8)
        order: list[QWidget] = [
            self.ref, self.group, self.content, self.document, self.lead, self.cooperating,
            self.informed, self.assigned, self.kind, self.period_start, self.deadline,
            self.recurrence, self.keep_as_written, self.deadline_text, self.urgent, self.status,
            self.completed, self.reason, self.result, self.evidence,
        ]  # fmt: skip
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _connect(self) -> None:
        for line in (self.ref, self.reason, self.deadline_text, self.evidence):
            line.textChanged.connect(self._edited)
        for text in (self.content, self.result):
            text.textChanged.connect(self._edited)
        for combo in (self.group, self.recurrence):
            combo.currentIndexChanged.connect(self._edited)
        for field in (self.period_start, self.deadline, self.completed):
            field.changed.connect(self._edited)
        for picker in (self.lead, self.cooperating, self.informed):
            picker.changed.connect(self._edited)
        for check in (self.keep_as_written, self.urgent):
            check.toggled.connect(self._edited)
        self.assigned.changed.connect(self._assigned_changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.document.currentIndexChanged.connect(self._document_changed)

    # -- reactions --------------------------------------------------------

    def _edited(self) -> None:
        self._update_keep_row()
        self.edited.emit()

    def _assigned_changed(self) -> None:
        if not self._loading:
            self._assigned_follows_document = False
        self._edited()

    def _document_changed(self) -> None:
        """A new task's assigned date follows its document until typed by hand."""
        doc = self._documents.get(self.document.currentData())
        self.document.setToolTip(doc.title if doc else "")
        if self._assigned_follows_document and doc is not None and doc.issued_on:
            self._loading = True
            self.assigned.set_date(doc.issued_on)
            self._loading = False
        self._edited()

    def _kind_changed(self) -> None:
        kind = self.deadline_kind()
        self._right.setRowVisible(self.period_start, kind is DeadlineKind.PERIOD)
        self._right.setRowVisible(self.deadline, kind in DATED)
        self._right.setRowVisible(self.recurrence, kind is DeadlineKind.RECURRING)
        self.deadline_label.setText(
            tr("Đến ngày") if kind is DeadlineKind.PERIOD else tr("Hạn &hoàn thành")
        )
        self._edited()

    def _status_changed(self) -> None:
        status = self.stored_status()
        self.completed.setEnabled(status is StoredStatus.DONE)
        self.reason.setEnabled(status in (StoredStatus.PAUSED, StoredStatus.CANCELLED))
        self._edited()

    def _update_keep_row(self) -> None:
        show = deadline_before_assigned(self._deadline_input()) or self.keep_as_written.isChecked()
        self._right.setRowVisible(self.keep_as_written, show)

    # -- reading and writing the fields -----------------------------------

    def deadline_kind(self) -> DeadlineKind:
        return DeadlineKind(self.kind.currentData())

    def stored_status(self) -> StoredStatus:
        return StoredStatus(self.status.currentData())

    def _deadline_input(self) -> TaskInput:
        return TaskInput(
            content="",
            assigned_on=self.assigned.date(),
            deadline_kind=self.deadline_kind(),
            deadline=self.deadline.date(),
        )

    def data(self) -> TaskInput:
        kind = self.deadline_kind()
        status = self.stored_status()
        group = self.group.currentData()
        recurrence = self.recurrence.currentData()
        return TaskInput(
            content=self.content.toPlainText(),
            ref=self.ref.text(),
            parent_id=self._parent_id,
            document_id=self.document.currentData(),
            task_group=TaskGroup(group) if group else None,
            assigned_on=self.assigned.date(),
            deadline_kind=kind,
            deadline=self.deadline.date() if kind in DATED else None,
            period_start=self.period_start.date() if kind is DeadlineKind.PERIOD else None,
            recurrence=(
                Recurrence(recurrence) if kind is DeadlineKind.RECURRING and recurrence else None
            ),
            deadline_text=self.deadline_text.text(),
            urgent=self.urgent.isChecked(),
            lead_ids=self.lead.selected_ids(),
            cooperating_ids=self.cooperating.selected_ids(),
            informed_ids=self.informed.selected_ids(),
            status=status,
            completed_on=self.completed.date() if status is StoredStatus.DONE else None,
            cancelled_on=self._cancelled_on if status is StoredStatus.CANCELLED else None,
            status_reason=self.reason.text(),
            result=self.result.toPlainText(),
            evidence=self.evidence.text(),
            keep_deadline_as_written=self.keep_as_written.isChecked(),
        )

    def problems(self) -> list[str]:
        return form_problems(self.data())

    @staticmethod
    def _set_line(line: QLineEdit, text: str) -> None:
        line.setText(text)
        line.setCursorPosition(0)  # show the start of a long text, not its end

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(combo.findData(value))

    def _set_parent(self, parent_id: int | None, parent_text: str) -> None:
        self._parent_id = parent_id
        self.parent_label.setText(parent_text)
        self._left.setRowVisible(self.parent_label, parent_id is not None)

    def load_new(
        self,
        *,
        assigned_on: date,
        document_id: int | None,
        parent_id: int | None,
        parent_text: str,
        task_group: TaskGroup | None,
    ) -> None:
        self._loading = True
        self._set_parent(parent_id, parent_text)
        self._select(self.document, document_id)
        self._select(self.group, task_group.value if task_group else None)
        self.assigned.set_date(assigned_on)
        self._select(self.kind, DeadlineKind.NONE.value)
        self._select(self.status, StoredStatus.NOT_STARTED.value)
        self._assigned_follows_document = True
        self._loading = False
        self._edited()

    def load(self, detail: TaskDetail, parent_text: str) -> None:
        row = detail.row
        self._loading = True
        self._set_parent(row.parent_id, parent_text)
        self._cancelled_on = detail.cancelled_on
        self._set_line(self.ref, row.ref)
        self._select(self.group, row.task_group.value if row.task_group else None)
        self.content.setPlainText(row.content)
        self._select(self.document, row.document_id)
        self.lead.set_selected_ids(detail.lead_ids)
        self.cooperating.set_selected_ids(detail.cooperating_ids)
        self.informed.set_selected_ids(detail.informed_ids)
        self.assigned.set_date(row.assigned_on)
        self._select(self.kind, row.deadline_kind.value)
        self.period_start.set_date(detail.period_start)
        self._select(self.recurrence, row.recurrence.value if row.recurrence else None)
        self._set_line(self.deadline_text, row.deadline_text)
        self.urgent.setChecked(row.urgent)
        self.result.setPlainText(detail.result)
        self._set_line(self.evidence, detail.evidence)
        self.take_progress(detail)
        # A deadline already kept as written stays so; the importer flagged it.
        self.keep_as_written.setChecked(deadline_before_assigned(self._deadline_input()))
        self._assigned_follows_document = False
        self._loading = False
        self._edited()

    def take_progress(self, detail: TaskDetail) -> None:
        """Take what a note or an extension changed; leave the officer's other edits."""
        row = detail.row
        self.deadline.set_date(stored_deadline(detail))
        self._select(self.status, row.status.value)
        self.completed.set_date(row.completed_on)
        self._set_line(self.reason, detail.status_reason)
        self._cancelled_on = detail.cancelled_on
        extensions = detail.extensions
        if extensions:
            self.extension_hint.setText(
                tr("Đã gia hạn {n} lần; hạn ban đầu {day}. Gia hạn thêm ở thẻ Tiến độ.").format(
                    n=len(extensions), day=_day(extensions[0].old_deadline)
                )
            )
        self._right.setRowVisible(self.extension_hint, bool(extensions))


# ---------------------------------------------------------------------------
# The "Tiến độ" tab: notes, extensions, periods (written at once)
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
        self.note_date = _date_field("noteDate", clearable=False)
        self.note_status = QComboBox(objectName="noteStatus")
        self.note_status.addItem(tr("(Giữ nguyên)"), None)
        for status in StoredStatus:
            self.note_status.addItem(status.label, status.value)
        self.add_note_button = QPushButton(tr("Ghi tiến độ"), objectName="addNoteButton")
        self.add_note_button.clicked.connect(self.add_note)
        self.note_text.textChanged.connect(self._update_buttons)

        self.extensions = ExtensionsModel(self)
        self.extensions_view = _table(self.extensions, "extensionsTable", COL_EXT_REASON)
        self.new_deadline = _date_field("newDeadlineDate")
        self.decided_on = _date_field("decidedOnDate", clearable=False)
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
        self.error_label = _error_label("progressError")
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
        current = stored_deadline(detail)
        self.extension_box.setTitle(
            tr("Gia hạn (hạn hiện tại: {day})").format(day=_day(current))
            if current
            else tr("Gia hạn")
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


# ---------------------------------------------------------------------------
# The dialog
# ---------------------------------------------------------------------------


class TaskEditor(QDialog):
    """Add or edit one task. After ``accept()``, ``saved_task_id`` is the task saved."""

    def __init__(
        self,
        ops: Operations,
        task_id: int | None = None,
        *,
        parent_task_id: int | None = None,
        document_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("taskEditor")
        self.ops = ops
        self.task_id = task_id
        self.saved_task_id: int | None = None
        self.version: int | None = None
        self._service_error = ""
        self._conflict = False

        register = ops.register
        self._documents = {d.id: d for d in list_documents(register)}
        self.form = TaskForm(list_units(register), list(self._documents.values()))
        self.progress = ProgressTab(ops)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.tabs = QTabWidget(objectName="editorTabs")
        self.tabs.addTab(scroll, tr("Nhiệm vụ"))
        self.tabs.addTab(self.progress, tr("Tiến độ"))

        self.problem_label = _error_label("problemLabel")
        self.reload_button = QPushButton(tr("Tải lại"), objectName="reloadButton")
        self.reload_button.setToolTip(tr("Đọc lại nhiệm vụ đã lưu; các sửa đổi chưa lưu bị bỏ."))
        self.reload_button.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("Lưu"))
        self.ok_button.setObjectName("saveButton")
        self.ok_button.setToolTip(tr("Lưu nhiệm vụ (Ctrl+Enter)"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Hủy"))
        cancel.setToolTip(tr("Đóng, không lưu (Esc)"))

        bottom = QHBoxLayout()
        bottom.addWidget(self.reload_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addLayout(bottom)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.reload_button.clicked.connect(self.reload)
        self.form.edited.connect(self._form_edited)
        self.progress.written.connect(self._progress_written)

        if task_id is None:
            self._start_new(parent_task_id, document_id)
        else:
            self.reload()
        self.resize(880, 660)
        self.form.content.setFocus()

    # -- loading ----------------------------------------------------------

    def _parent_text(self, parent_id: int | None) -> tuple[str, TaskDetail | None]:
        if parent_id is None:
            return "", None
        parent = get_task(self.ops.register, parent_id)
        ref = parent.row.ref or f"#{parent.row.id}"
        return f"{ref} – {_short(parent.row.content)}", parent

    def _start_new(self, parent_id: int | None, document_id: int | None) -> None:
        self.setWindowTitle(tr("Thêm nhiệm vụ"))
        self.tabs.setTabVisible(1, False)
        try:
            parent_text, parent = self._parent_text(parent_id)
        except CdsError as exc:
            self._service_error = str(exc)
            parent_text, parent, parent_id = "", None, None
        if document_id is None and parent is not None:
            document_id = parent.row.document_id
        doc = self._documents.get(document_id) if document_id is not None else None
        self.form.load_new(
            assigned_on=(doc.issued_on if doc and doc.issued_on else date.today()),
            document_id=document_id,
            parent_id=parent_id,
            parent_text=parent_text,
            task_group=parent.row.task_group if parent else None,
        )

    def reload(self) -> None:
        """Read the task as saved, dropping unsaved edits (after a conflict)."""
        assert self.task_id is not None
        self._conflict = False
        self._service_error = ""
        self.reload_button.hide()
        try:
            detail = get_task(self.ops.register, self.task_id)
            parent_text, _parent = self._parent_text(detail.row.parent_id)
        except CdsError as exc:
            self._service_error = str(exc)
            self._conflict = True  # nothing loaded: nothing may be saved
            self._revalidate()
            return
        self.version = detail.version
        self.setWindowTitle(
            tr("Sửa nhiệm vụ {ref}").format(ref=detail.row.ref or f"#{detail.row.id}")
        )
        self.form.load(detail, parent_text)
        self.progress.show_detail(detail)
        self._revalidate()

    def _progress_written(self) -> None:
        """A note or an extension was saved: take its changes and the new version."""
        assert self.task_id is not None
        try:
            detail = get_task(self.ops.register, self.task_id)
        except CdsError as exc:
            self.progress.error_label.setText(str(exc))
            return
        if not self._conflict:  # a pending conflict must still stop the save
            self.version = detail.version
        self.form.take_progress(detail)
        self.progress.show_detail(detail)
        self._revalidate()

    # -- checking and saving ----------------------------------------------

    def _form_edited(self) -> None:
        if not self._conflict:
            self._service_error = ""
        self._revalidate()

    def _revalidate(self) -> None:
        problems = self.form.problems()
        lines = [*problems, self._service_error] if self._service_error else problems
        self.problem_label.setText("\n".join(f"• {line}" for line in lines))
        self.problem_label.setVisible(bool(lines))
        self.ok_button.setEnabled(not problems and not self._conflict)

    def save(self) -> None:
        self._revalidate()
        if not self.ok_button.isEnabled():
            return
        data = self.form.data()
        try:
            if self.task_id is None:
                self.saved_task_id = self.ops.create_task(data)
            else:
                self.version = self.ops.update_task(
                    self.task_id, data, expected_version=self.version
                )
                self.saved_task_id = self.task_id
        except ConflictError as exc:
            self._conflict = True
            self._service_error = str(exc)
            self.reload_button.show()
            self._revalidate()
            return
        except CdsError as exc:
            self._service_error = str(exc)
            self._revalidate()
            return
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Plain Enter never closes the editor (it is typed in many fields);
        # Ctrl+Enter saves, Escape cancels.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)
