"""Reviewing an import: the notice's text beside the document and tasks read from it.

Left, the source text with line numbers; choosing a task highlights the lines
it came from. Right, three tabs: the tasks (a table with an include box, the
units with a confidence mark, the deadline with its phrase, the flags; under it
the chosen task's fields), the document's fields, and the unit names the
register does not surely know (create, map to an existing unit, or leave
empty). Nothing is written until "Nhập vào sổ", which goes through
``Operations.import_plan`` (one undoable step); "Hủy" writes nothing.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import DOCUMENT_TYPES, DeadlineKind, Recurrence
from cdsdesk.errors import CdsError
from cdsdesk.importing.parser import MAX_CHARS, ParsedNotice
from cdsdesk.importing.reading import SourceText
from cdsdesk.importing.service import (
    ImportPlan,
    ImportResult,
    PlanTask,
    PlanUnit,
    UnitAction,
    UnitDecision,
    fill_from_existing,
    find_existing,
    plan_from_parsed,
    preview_update,
)
from cdsdesk.services.documents import DocumentInfo
from cdsdesk.services.units import UnitInfo, list_units
from cdsdesk.textvi import format_date
from ui.models.import_tasks import (  # noqa: F401 - also the dialog's public names
    _CONFIDENCE_ORDER,
    BANNER_STYLE,
    CHECK,
    COL_CONTENT,
    COL_COOP,
    COL_DEADLINE,
    COL_FLAGS,
    COL_INCLUDE,
    COL_LEAD,
    COL_REF,
    COLUMN_COUNT,
    CONFIDENCE_COLOURS,
    CONFIDENCE_ROLE,
    ERROR_STYLE,
    EXCLUDED,
    FLAG_BACKGROUND,
    FLAG_TEXT,
    NEW,
    SURE,
    TASK_ROLE,
    UNKNOWN,
    ImportTaskModel,
    _Index,
    _short,
    _unit_label,
    deadline_label,
    tr,
    unit_mark,
)
from ui.operations import Operations
from ui.widgets.date_field import DateField
from ui.widgets.source_view import HIGHLIGHT, SourceView, _LineNumbers  # noqa: F401
from ui.widgets.unit_picker import UnitPicker


class _TaskForm(QWidget):
    """Edits one PlanTask in place; ``edited`` tells the table to repaint its row."""

    edited = Signal()

    def __init__(self, units: list[UnitInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task: PlanTask | None = None
        self._plan: ImportPlan | None = None
        self._loading = False
        self._names = {u.id: u for u in units}

        self.ref = QLineEdit(objectName="importTaskRef")
        self.ref.setMaximumWidth(120)
        self.content = QPlainTextEdit(objectName="importTaskContent")
        self.content.setTabChangesFocus(True)
        self.content.setFixedHeight(self.content.fontMetrics().lineSpacing() * 4 + 14)
        self.leads = UnitPicker(placeholder=tr("Thêm đơn vị chủ trì…"))
        self.leads.setObjectName("importTaskLeads")
        self.leads.set_units(units)
        self.lead_pending = self._pending_label("importLeadPending")
        self.cooperating = UnitPicker(placeholder=tr("Thêm đơn vị phối hợp…"))
        self.cooperating.setObjectName("importTaskCooperating")
        self.cooperating.set_units(units)
        self.coop_pending = self._pending_label("importCoopPending")

        self.kind = QComboBox(objectName="importDeadlineKind")
        for kind in DeadlineKind:
            self.kind.addItem(kind.label, kind)
        self.period_start = DateField(empty_text=tr("(từ ngày)"))
        self.period_start.setObjectName("importPeriodStart")
        self.deadline = DateField()
        self.deadline.setObjectName("importDeadline")
        self.recurrence = QComboBox(objectName="importRecurrence")
        for recurrence in Recurrence:
            self.recurrence.addItem(recurrence.label, recurrence)
        self.urgent = QCheckBox(tr("Khẩn"), objectName="importUrgent")
        deadline_row = QHBoxLayout()
        deadline_row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.kind, self.period_start, self.deadline, self.recurrence, self.urgent):
            deadline_row.addWidget(widget)
        deadline_row.addStretch(1)
        self.phrase = QLabel(objectName="importDeadlinePhrase")
        self.phrase.setWordWrap(True)
        self.phrase.setStyleSheet("color: #616161;")
        self.flags = QLabel(objectName="importTaskFlags")
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(f"color: {FLAG_TEXT.name()};")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow(tr("Mục:"), self.ref)
        form.addRow(tr("Nội dung:"), self.content)
        form.addRow(tr("Chủ trì:"), self._stack(self.leads, self.lead_pending))
        form.addRow(tr("Phối hợp:"), self._stack(self.cooperating, self.coop_pending))
        form.addRow(tr("Thời hạn:"), deadline_row)
        form.addRow("", self.phrase)
        form.addRow("", self.flags)

        self.ref.textEdited.connect(self._save)
        self.content.textChanged.connect(self._save)
        self.leads.changed.connect(self._save)
        self.cooperating.changed.connect(self._save)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for field in (self.deadline, self.period_start):
            field.changed.connect(self._save)
        self.recurrence.currentIndexChanged.connect(self._save)
        self.urgent.toggled.connect(self._save)
        self.setEnabled(False)

    @staticmethod
    def _pending_label(name: str) -> QLabel:
        label = QLabel(objectName=name)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {CONFIDENCE_COLOURS[CHECK].name()};")
        return label

    @staticmethod
    def _stack(picker: QWidget, label: QLabel) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(picker)
        layout.addWidget(label)
        return box

    def set_task(self, plan: ImportPlan, task: PlanTask | None) -> None:
        self._plan, self._task = plan, task
        self.setEnabled(task is not None)
        if task is None:
            return
        self._loading = True
        try:
            self.ref.setText(task.ref)
            self.content.setPlainText(task.content)
            self.leads.set_selected_ids(task.lead_ids)
            self.cooperating.set_selected_ids(task.cooperating_ids)
            self.kind.setCurrentIndex(max(0, self.kind.findData(task.deadline_kind)))
            self.deadline.set_date(task.deadline)
            self.period_start.set_date(task.period_start)
            if task.recurrence is not None:
                self.recurrence.setCurrentIndex(self.recurrence.findData(task.recurrence))
            self.urgent.setChecked(task.urgent)
            phrase = task.deadline_text
            self.phrase.setText(tr("Theo văn bản: “{text}”").format(text=phrase) if phrase else "")
            self.phrase.setVisible(bool(phrase))
            self.flags.setText("\n".join("⚠ " + f for f in task.flags))
            self.flags.setVisible(bool(task.flags))
            self._show_kind()
            self.show_pending()
        finally:
            self._loading = False

    def show_pending(self) -> None:
        """The names of the task still waiting for a unit decision (or decided)."""
        if self._task is None or self._plan is None:
            return
        for units, label in (
            (self._task.leads, self.lead_pending),
            (self._task.cooperating, self.coop_pending),
        ):
            marks = [unit_mark(u, self._plan, self._names)[2] for u in units if u.pending]
            label.setText("\n".join(marks))
            label.setVisible(bool(marks))

    def _show_kind(self) -> None:
        kind = DeadlineKind(self.kind.currentData())
        self.deadline.setVisible(kind in (DeadlineKind.DATE, DeadlineKind.PERIOD))
        self.period_start.setVisible(kind is DeadlineKind.PERIOD)
        self.recurrence.setVisible(kind is DeadlineKind.RECURRING)

    def _kind_changed(self) -> None:
        self._show_kind()
        self._save()

    def _units(self, old: list[PlanUnit], ids: list[int]) -> list[PlanUnit]:
        chosen = [
            next((u for u in old if u.unit_id == uid), None)
            or PlanUnit(self._names[uid].name if uid in self._names else str(uid), uid, 100)
            for uid in ids
        ]
        return chosen + [u for u in old if u.pending]

    def _rename(self, task: PlanTask, ref: str) -> None:
        """A new item number for the task; its sub-tasks follow it."""
        plan = self._plan
        unique = plan is not None and sum(1 for t in plan.tasks if t.ref == task.ref) == 1
        if plan is not None and unique and ref != task.ref:
            for child in plan.tasks:
                if child.parent_ref == task.ref:
                    child.parent_ref = ref
        task.ref = ref

    def _save(self) -> None:
        task = self._task
        if self._loading or task is None:
            return
        self._rename(task, self.ref.text().strip())
        task.content = self.content.toPlainText().strip()
        task.leads = self._units(task.leads, self.leads.selected_ids())
        task.cooperating = self._units(task.cooperating, self.cooperating.selected_ids())
        task.deadline_kind = DeadlineKind(self.kind.currentData())
        task.deadline = self.deadline.date()
        task.period_start = self.period_start.date()
        task.recurrence = Recurrence(self.recurrence.currentData())
        task.urgent = self.urgent.isChecked()
        self.edited.emit()


# ---------------------------------------------------------------------------
# Unit names the register does not surely know
# ---------------------------------------------------------------------------


def _unit_combo(units: list[UnitInfo], first: str, name: str) -> QComboBox:
    combo = QComboBox(objectName=name)
    combo.addItem(first, None)
    for unit in units:
        retired = "" if unit.active else tr(" (ngừng hoạt động)")
        combo.addItem("   " * unit.depth + unit.name + retired, unit.id)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    if completer is not None:
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setMinimumContentsLength(28)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


class _DecisionRow:
    """The widgets of one decision: what to do, which unit, the new unit's name."""

    def __init__(self, decision: UnitDecision, units: list[UnitInfo], uses: int) -> None:
        self.decision = decision
        hint = ""
        if decision.suggestion_name:
            hint = tr("gần giống “{unit}” ({score}%)").format(
                unit=decision.suggestion_name, score=decision.score
            )
        self.name = QLabel(
            tr("<b>{name}</b><br><small>{uses} nhiệm vụ{hint}</small>").format(
                name=decision.name, uses=uses, hint=(" · " + hint) if hint else ""
            )
        )
        self.name.setWordWrap(True)
        self.action = QComboBox(objectName="decisionAction")
        self.action.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.action.addItem(tr("Để trống"), UnitAction.LEAVE)
        self.action.addItem(tr("Gán cho đơn vị có sẵn…"), UnitAction.MAP)
        self.action.addItem(tr("Tạo mới dưới…"), UnitAction.CREATE)
        self.unit = _unit_combo(units, tr("(chọn đơn vị)"), "decisionUnit")
        self.parent = _unit_combo(units, tr("(cấp cao nhất)"), "decisionParent")
        self.new_name = QLineEdit(decision.new_name or decision.name, objectName="decisionNewName")
        self.new_name.setPlaceholderText(tr("Tên đơn vị mới"))
        self.new_name.setMinimumWidth(220)
        self.new_name.setCursorPosition(0)
        self.parent.setMinimumContentsLength(16)
        self.action.setCurrentIndex(self.action.findData(decision.action))
        chosen = decision.unit_id if decision.unit_id is not None else decision.suggestion_id
        self.unit.setCurrentIndex(max(0, self.unit.findData(chosen)))
        self.parent.setCurrentIndex(max(0, self.parent.findData(decision.parent_id)))
        self.show_action()

    def show_action(self) -> None:
        action = UnitAction(self.action.currentData())
        self.unit.setVisible(action is UnitAction.MAP)
        self.parent.setVisible(action is UnitAction.CREATE)
        self.new_name.setVisible(action is UnitAction.CREATE)

    def save(self) -> None:
        decision = self.decision
        decision.action = UnitAction(self.action.currentData())
        decision.unit_id = self.unit.currentData() if decision.action is UnitAction.MAP else None
        decision.parent_id = self.parent.currentData()
        decision.new_name = self.new_name.text().strip()


class _DecisionPanel(QScrollArea):
    """One row per unit name to decide; ``changed`` repaints the task table."""

    changed = Signal()

    def __init__(self, plan: ImportPlan, units: list[UnitInfo], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importDecisions")
        self.setWidgetResizable(True)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(2, 3)
        intro = QLabel(
            tr(
                "Các tên đơn vị dưới đây chưa khớp chắc chắn với đơn vị nào trong sổ. Chọn tạo "
                "đơn vị mới, gán cho đơn vị có sẵn, hoặc để trống (nhiệm vụ chưa có đơn vị đó)."
            )
        )
        intro.setWordWrap(True)
        grid.addWidget(intro, 0, 0, 1, 3)
        self.rows: list[_DecisionRow] = []
        for number, decision in enumerate(plan.decisions, start=1):
            uses = sum(
                1
                for t in plan.tasks
                if any(u.pending and u.key == decision.key for u in (*t.leads, *t.cooperating))
            )
            row = _DecisionRow(decision, units, uses)
            target = QWidget()
            line = QHBoxLayout(target)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(row.unit, 1)
            line.addWidget(row.parent, 2)
            line.addWidget(row.new_name, 3)
            grid.addWidget(row.name, number, 0)
            grid.addWidget(row.action, number, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(target, number, 2, Qt.AlignmentFlag.AlignTop)
            row.action.currentIndexChanged.connect(lambda _i, r=row: self._changed(r))
            row.unit.currentIndexChanged.connect(lambda _i, r=row: self._changed(r))
            row.parent.currentIndexChanged.connect(lambda _i, r=row: self._changed(r))
            row.new_name.textEdited.connect(lambda _t, r=row: self._changed(r))
            self.rows.append(row)
        if not plan.decisions:
            done = QLabel(tr("Mọi đơn vị nêu trong văn bản đều đã khớp với đơn vị trong sổ."))
            grid.addWidget(done, 1, 0, 1, 3)
        grid.setRowStretch(len(plan.decisions) + 1, 1)
        self.setWidget(body)

    def _changed(self, row: _DecisionRow) -> None:
        row.show_action()
        row.save()
        self.changed.emit()


# ---------------------------------------------------------------------------
# The document's fields
# ---------------------------------------------------------------------------


class _DocumentForm(QWidget):
    """The proposed document; read back into the plan when the officer confirms."""

    keyChanged = Signal()  # number, type, issuer code or date: the duplicate check may change

    def __init__(self, plan: ImportPlan, source: SourceText, parent: QWidget | None = None):
        super().__init__(parent)
        doc = plan.document
        self.number = QLineEdit(doc.number, objectName="importDocNumber")
        self.doc_type = QComboBox(objectName="importDocType")
        for code, label in DOCUMENT_TYPES.items():
            self.doc_type.addItem(f"{code} – {label}", code)
        self.doc_type.setCurrentIndex(max(0, self.doc_type.findData(doc.doc_type)))
        self.issuer_code = QLineEdit(doc.issuer_code, objectName="importDocIssuerCode")
        self.issuer = QLineEdit(doc.issuer, objectName="importDocIssuer")
        self.place = QLineEdit(doc.place, objectName="importDocPlace")
        self.issued_on = DateField()
        self.issued_on.setObjectName("importDocIssuedOn")
        self.issued_on.set_date(doc.issued_on)
        self.title = QPlainTextEdit(doc.title, objectName="importDocTitle")
        self.title.setTabChangesFocus(True)
        self.title.setFixedHeight(self.title.fontMetrics().lineSpacing() * 3 + 14)
        self.meeting_on = DateField()
        self.meeting_on.setObjectName("importDocMeetingOn")
        self.meeting_on.set_date(doc.meeting_on)
        self.chair = QLineEdit(doc.chair, objectName="importDocChair")
        self.signer = QLineEdit(doc.signer, objectName="importDocSigner")
        self.signer_title = QPlainTextEdit(doc.signer_title, objectName="importDocSignerTitle")
        self.signer_title.setTabChangesFocus(True)
        self.signer_title.setFixedHeight(self.signer_title.fontMetrics().lineSpacing() * 3 + 14)
        self.recipients = QPlainTextEdit(
            "\n".join(doc.recipients), objectName="importDocRecipients"
        )
        self.recipients.setTabChangesFocus(True)
        self.recipients.setFixedHeight(self.recipients.fontMetrics().lineSpacing() * 5 + 14)
        source_name = source.path.name if source.path is not None else tr("(nội dung dán vào)")

        self.number.setMaximumWidth(110)
        self.issuer_code.setMaximumWidth(180)
        symbol = QHBoxLayout()
        for widget in (self.number, QLabel("/"), self.doc_type, QLabel("–"), self.issuer_code):
            symbol.addWidget(widget)
        symbol.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("Số, ký hiệu:"), symbol)
        form.addRow(tr("Ngày ban hành:"), self.issued_on)
        form.addRow(tr("Cơ quan ban hành:"), self.issuer)
        form.addRow(tr("Nơi ban hành:"), self.place)
        form.addRow(tr("Trích yếu:"), self.title)
        form.addRow(tr("Ngày họp:"), self.meeting_on)
        form.addRow(tr("Người chủ trì họp:"), self.chair)
        form.addRow(tr("Người ký:"), self.signer)
        form.addRow(tr("Chức vụ người ký:"), self.signer_title)
        form.addRow(tr("Nơi nhận (mỗi dòng một nơi):"), self.recipients)
        form.addRow(tr("Tệp nguồn:"), QLabel(source_name))
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addStretch(1)

        self.number.editingFinished.connect(self.keyChanged)
        self.issuer_code.editingFinished.connect(self.keyChanged)
        self.doc_type.currentIndexChanged.connect(self.keyChanged)
        self.issued_on.changed.connect(self.keyChanged)

    def write_to(self, plan: ImportPlan) -> None:
        doc = plan.document
        doc.number = self.number.text().strip()
        doc.doc_type = str(self.doc_type.currentData())
        doc.issuer_code = self.issuer_code.text().strip()
        doc.issuer = self.issuer.text().strip()
        doc.place = self.place.text().strip()
        doc.issued_on = self.issued_on.date()
        doc.title = " ".join(self.title.toPlainText().split())
        doc.meeting_on = self.meeting_on.date()
        doc.chair = self.chair.text().strip()
        doc.signer = self.signer.text().strip()
        doc.signer_title = self.signer_title.toPlainText().strip()
        doc.recipients = [
            line.strip() for line in self.recipients.toPlainText().splitlines() if line.strip()
        ]


# ---------------------------------------------------------------------------
# The dialog
# ---------------------------------------------------------------------------


class ImportReviewDialog(QDialog):
    """Check and correct what was read from a notice, then write it in one step.

    After ``accept()`` :attr:`import_result` holds the :class:`ImportResult`; a
    refused write shows its message in the dialog, which stays open.
    """

    def __init__(
        self,
        ops: Operations,
        source: SourceText,
        parsed: ParsedNotice,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importReviewDialog")
        self.ops = ops
        self.source = source
        self.import_result: ImportResult | None = None
        register = ops.register
        self.plan: ImportPlan = plan_from_parsed(register, parsed, source)
        self.existing: DocumentInfo | None = find_existing(register, self.plan)
        if self.existing is not None:
            fill_from_existing(self.plan, self.existing)
        units = list_units(register)
        by_id = {u.id: u for u in units}
        name = source.path.name if source.path is not None else tr("nội dung dán vào")
        self.setWindowTitle(tr("Nhập từ văn bản – {name}").format(name=name))

        self.banner = QLabel(objectName="importDuplicateBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.warnings = QLabel("\n".join("⚠ " + w for w in self.plan.warnings))
        self.warnings.setObjectName("importWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(f"color: {FLAG_TEXT.name()};")
        self.warnings.setVisible(bool(self.plan.warnings))

        # The part the parser read: a 20 MB file would hold the window for seconds.
        self.source_view = SourceView(source.text[:MAX_CHARS])
        self.model = ImportTaskModel(self.plan, by_id, self)
        self.table = QTableView(objectName="importTaskTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_CONTENT, QHeaderView.ResizeMode.Stretch)
        widths = {COL_INCLUDE: 44, COL_REF: 64, COL_LEAD: 150, COL_COOP: 120}
        widths |= {COL_DEADLINE: 110, COL_FLAGS: 110}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.task_form = _TaskForm(units)
        self.decisions = _DecisionPanel(self.plan, units)
        self.document_form = _DocumentForm(self.plan, source)

        task_split = QSplitter(Qt.Orientation.Vertical)
        task_split.addWidget(self.table)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.task_form)
        task_split.addWidget(form_scroll)
        task_split.setSizes([380, 300])
        self.tabs = QTabWidget(objectName="importTabs")
        self.tabs.addTab(task_split, tr("Nhiệm vụ ({n})").format(n=len(self.plan.tasks)))
        self.tabs.addTab(self.document_form, tr("Văn bản"))
        self.tabs.addTab(
            self.decisions, tr("Đơn vị chưa rõ ({n})").format(n=len(self.plan.decisions))
        )

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(tr("Văn bản gốc: {name}").format(name=name)))
        left_layout.addWidget(self.source_view)
        split = QSplitter(Qt.Orientation.Horizontal, objectName="importSplitter")
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        split.setSizes([400, 840])

        self.summary = QLabel(objectName="importSummary")
        self.error = QLabel(objectName="importError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName("importOkButton")
        ok.setAutoDefault(False)
        ok.setToolTip(tr("Ghi văn bản và các nhiệm vụ đã chọn vào sổ (Ctrl+Enter)"))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        toggle = QShortcut(
            QKeySequence(Qt.Key.Key_Space), self.table, activated=self.toggle_current
        )
        toggle.setContext(Qt.ShortcutContext.WidgetShortcut)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Hủy"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.warnings)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self.table.selectionModel().currentRowChanged.connect(self._task_chosen)
        self.task_form.edited.connect(self._task_edited)
        self.model.includeChanged.connect(self._includes_changed)
        self.decisions.changed.connect(self._decisions_changed)
        self.document_form.keyChanged.connect(self._recheck_existing)
        self._show_existing()
        self._update_summary()
        self.resize(1240, 780)
        if self.plan.tasks:
            self.table.selectRow(0)
        self.table.setFocus()

    # -- what the officer does ------------------------------------------------

    def select_task(self, row: int) -> None:
        self.table.selectRow(row)

    def toggle_current(self) -> None:
        """Space in the table: include or leave out the chosen task."""
        row = self.table.currentIndex().row()
        if row >= 0:
            include = not self.model.task(row).include
            state = Qt.CheckState.Checked if include else Qt.CheckState.Unchecked
            self.model.setData(
                self.model.index(row, COL_INCLUDE), state, Qt.ItemDataRole.CheckStateRole
            )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Plain Enter never imports (it is typed in many fields): Ctrl+Enter does.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def _task_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        task = self.model.task(current.row()) if current.isValid() else None
        self.task_form.set_task(self.plan, task)
        if task is not None:
            self.source_view.highlight_lines(task.first_line, task.last_line)

    def _task_edited(self) -> None:
        row = self.table.currentIndex().row()
        if row >= 0:
            self.model.refresh(row)

    def _includes_changed(self) -> None:
        self._show_existing()
        self._update_summary()

    def _decisions_changed(self) -> None:
        self.model.refresh()
        self.task_form.show_pending()
        self._update_summary()

    def _update_summary(self) -> None:
        included = len(self.plan.included())
        pending = sum(1 for d in self.plan.decisions if d.action is UnitAction.LEAVE)
        flagged = sum(1 for t in self.plan.included() if t.flags)
        text = tr("Sẽ nhập {n}/{total} nhiệm vụ").format(n=included, total=len(self.plan.tasks))
        if pending:
            text += tr(" · {n} tên đơn vị để trống").format(n=pending)
        if flagged:
            text += tr(" · {n} nhiệm vụ cần xem lại").format(n=flagged)
        self.summary.setText(text)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("Cập nhật vào sổ") if self.existing else tr("Nhập vào sổ"))
        ok.setEnabled(included > 0)

    def _recheck_existing(self) -> None:
        self.document_form.write_to(self.plan)
        self.existing = find_existing(self.ops.register, self.plan)
        self._show_existing()
        self._update_summary()

    def _show_existing(self) -> None:
        existing = self.existing
        if existing is None:
            self.banner.hide()
            return
        day = format_date(existing.issued_on) if existing.issued_on else ""
        what = ", ".join(
            part
            for part in (
                existing.label,
                tr("ngày {day}").format(day=day) if day else "",
                tr("{n} nhiệm vụ").format(n=existing.task_count),
            )
            if part
        )
        preview = preview_update(self.ops.register, self.plan, existing.id)
        self.banner.setText(
            tr(
                "Văn bản này đã có trong sổ ({what}); nhập sẽ cập nhật văn bản đó: {matched} "
                "nhiệm vụ cùng số mục được cập nhật, {new} nhiệm vụ được thêm, {missing} nhiệm "
                "vụ không còn trong văn bản vẫn được giữ nguyên."
            ).format(
                what=what, matched=preview.matched, new=preview.new, missing=len(preview.missing)
            )
        )
        self.banner.show()

    def accept(self) -> None:
        self.document_form.write_to(self.plan)
        for row in self.decisions.rows:
            row.save()
        update_id = self.existing.id if self.existing is not None else None
        try:
            self.import_result = self.ops.import_plan(self.plan, update_document_id=update_id)
        except CdsError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()
