"""The task editor: every field of one task, and its progress notes, extensions and periods.

The "Nhiệm vụ" tab edits the fields and saves them all at once (checked inline
first, then against the version loaded, so a concurrent edit is never
overwritten). The "Tiến độ" tab (task_progress.py) writes immediately: a
progress note or an extension is a decision already taken, not a draft of the
form. The "Lịch sử" tab (task_history.py) shows who changed what, and puts back
one change.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, TaskGroup
from cdsdesk.errors import CdsError
from cdsdesk.services.documents import DocumentInfo, list_documents
from cdsdesk.services.queries import TaskDetail, get_task
from cdsdesk.services.tasks import MAX_CONTENT, ConflictError, TaskInput
from cdsdesk.services.units import UnitInfo, list_units
from ui.dialogs._form_helpers import DATED, date_field, day_text, error_label
from ui.dialogs.task_history import HistoryTab
from ui.dialogs.task_progress import ProgressTab
from ui.operations import Operations
from ui.widgets.unit_picker import UnitPicker

HINT_STYLE = "color: #616161;"


def tr(text: str) -> str:
    return QCoreApplication.translate("TaskEditor", text)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parent_label(parent_id: int, ref: str, content: str) -> str:
    """``2.1 – Xây dựng…``; a parent without a number is shown by its id."""
    return f"{ref or f'#{parent_id}'} – {_short(content)}"


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
            ).format(deadline=day_text(data.deadline), assigned=day_text(data.assigned_on))
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

        self.assigned = date_field("assignedDate")
        self.kind = QComboBox(objectName="deadlineKindCombo")
        for kind in DeadlineKind:
            self.kind.addItem(kind.label, kind.value)
        # Wide enough for its longest choice ("Trong một khoảng thời gian").
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period_start = date_field("periodStartDate")
        self.deadline = date_field("deadlineDate")
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
        self.completed = date_field("completedDate")
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
        left.addRow(self._label(tr("&Số TT"), self.ref), top)
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
        right.addRow(self._label(tr("Hạn gh&i trong VB"), self.deadline_text), self.deadline_text)
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
            picker.search.textChanged.connect(self._edited)
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
        problems = form_problems(self.data())
        for picker in (self.lead, self.cooperating, self.informed):
            if text := picker.pending_text():
                problems.append(
                    tr("Chưa chọn đơn vị “{text}”: nhấn Enter để chọn, hoặc xóa chữ đã gõ.").format(
                        text=text
                    )
                )
        return problems

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
        self.deadline.set_date(detail.deadline)
        self._select(self.status, row.status.value)
        self.completed.set_date(row.completed_on)
        self._set_line(self.reason, detail.status_reason)
        self._cancelled_on = detail.cancelled_on
        extensions = detail.extensions
        if extensions:
            self.extension_hint.setText(
                tr("Đã gia hạn {n} lần; hạn ban đầu {day}. Gia hạn thêm ở thẻ Tiến độ.").format(
                    n=len(extensions), day=day_text(extensions[0].old_deadline)
                )
            )
        self._right.setRowVisible(self.extension_hint, bool(extensions))


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
        self.history = HistoryTab(ops)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs = QTabWidget(objectName="editorTabs")
        self.tabs.addTab(scroll, tr("Nhiệm vụ"))
        self.tabs.addTab(self.progress, tr("Tiến độ"))
        self.tabs.addTab(self.history, tr("Lịch sử"))

        self.problem_label = error_label("problemLabel")
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
        self.history.reverted.connect(self.reload)

        if task_id is None:
            self._start_new(parent_task_id, document_id)
        else:
            self.reload()
        self.resize(880, 660)
        self.form.content.setFocus()

    # -- loading ----------------------------------------------------------

    def _start_new(self, parent_id: int | None, document_id: int | None) -> None:
        self.setWindowTitle(tr("Thêm nhiệm vụ"))
        self.tabs.setTabVisible(1, False)
        self.tabs.setTabVisible(2, False)
        parent: TaskDetail | None = None
        if parent_id is not None:  # a new sub-task takes its parent's document and group
            try:
                parent = get_task(self.ops.register, parent_id)
            except CdsError as exc:
                self._service_error = str(exc)
                parent_id = None
        if document_id is None and parent is not None:
            document_id = parent.row.document_id
        doc = self._documents.get(document_id) if document_id is not None else None
        self.form.load_new(
            assigned_on=(doc.issued_on if doc and doc.issued_on else date.today()),
            document_id=document_id,
            parent_id=parent_id,
            parent_text=(
                _parent_label(parent.row.id, parent.row.ref, parent.row.content) if parent else ""
            ),
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
        except CdsError as exc:
            self._service_error = str(exc)
            self._conflict = True  # nothing loaded: nothing may be saved
            self._revalidate()
            return
        self.version = detail.version
        self.setWindowTitle(
            tr("Sửa nhiệm vụ {ref}").format(ref=detail.row.ref or f"#{detail.row.id}")
        )
        parent_id = detail.row.parent_id
        parent_text = (
            _parent_label(parent_id, detail.parent_ref, detail.parent_content)
            if parent_id is not None
            else ""
        )
        self.form.load(detail, parent_text)
        self.progress.show_detail(detail)
        self.history.set_task(self.task_id)
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
        self.history.set_task(self.task_id)
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
