"""Source documents: the list of them and the dialog with their fields, tasks and text.

A new document is saved first (``Lưu``), then its tasks are added from the
"Nhiệm vụ" tab: a task needs the document's id to point at.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import DOCUMENT_TYPES
from cdsdesk.errors import CdsError
from cdsdesk.services.documents import DocumentInfo, DocumentInput, document_label, get_document
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.textvi import format_date, parse_date
from ui.dialogs import common
from ui.models import document_table as dt
from ui.operations import Change, Operations

ERROR_STYLE = "color: #c62828;"
TASK_EDITOR_MODULE = "ui.dialogs.task_editor"


def tr(text: str) -> str:
    return QCoreApplication.translate("documents", text)


def _plain_edit(name: str, lines: int) -> QPlainTextEdit:
    """A multi-line box that Tab leaves (the form is walked with the keyboard)."""
    edit = QPlainTextEdit(objectName=name)
    edit.setTabChangesFocus(True)
    height = edit.fontMetrics().lineSpacing() * lines + 14
    edit.setFixedHeight(height)
    return edit


class DateField(QLineEdit):
    """An optional date typed as dd/mm/yyyy; empty means no date."""

    def __init__(self, name: str) -> None:
        super().__init__(objectName=name)
        self.setPlaceholderText(tr("dd/mm/yyyy"))
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 24)

    def set_value(self, day: date | None) -> None:
        self.setText(format_date(day) if day else "")

    def value(self) -> date | None:
        """The date typed; raises ValueError with a Vietnamese message."""
        text = self.text().strip()
        return parse_date(text) if text else None


class DocumentDialog(QDialog):
    """One document: its fields, its tasks and its original text."""

    saved = Signal(int)  # the document id, after each successful save

    def __init__(
        self, ops: Operations, document_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("documentDialog")
        self.ops = ops
        self.document_id = document_id
        self._info: DocumentInfo | None = None
        self._dirty = False

        self.tabs = QTabWidget(objectName="documentTabs")
        self.tabs.addTab(self._build_fields(), tr("&Thông tin"))
        self.tabs.addTab(self._build_tasks(), tr("&Nhiệm vụ"))
        self.tabs.addTab(self._build_original(), tr("&Văn bản gốc"))

        self.error_label = QLabel(objectName="errorLabel")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(objectName="buttonBox")
        ok = self.buttons.addButton(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("Lưu và đóng"))
        ok.setToolTip(tr("Ctrl+Enter"))
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Apply)
        self.save_button.setText(tr("&Lưu"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip(tr("Ctrl+S: lưu, để tiếp tục thêm nhiệm vụ"))
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Hủy"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        if document_id is not None:
            self._load(get_document(ops.register, document_id))
        self._watch_edits()
        ops.changed.connect(self._on_changed)
        self._update_state()
        self.resize(800, 580)
        self.number_edit.setFocus()

    # -- building ---------------------------------------------------------

    def _build_fields(self) -> QWidget:
        self.number_edit = QLineEdit(objectName="numberEdit")
        self.number_edit.setMaximumWidth(90)
        self.type_combo = QComboBox(objectName="typeCombo")
        for code, name in DOCUMENT_TYPES.items():
            self.type_combo.addItem(f"{name} ({code})", code)
        self.issuer_code_edit = QLineEdit(objectName="issuerCodeEdit")
        self.issuer_code_edit.setPlaceholderText(tr("UBND, SKHCN…"))
        self.label_preview = QLabel(objectName="labelPreview")
        self.label_preview.setStyleSheet("font-weight: bold;")
        number_row = QHBoxLayout()
        number_row.addWidget(self.number_edit)
        number_row.addWidget(self.type_combo)
        number_row.addWidget(QLabel(tr("Mã cơ quan:")))
        number_row.addWidget(self.issuer_code_edit, 1)
        number_row.addWidget(self.label_preview)

        self.issuer_edit = QLineEdit(objectName="issuerEdit")
        self.place_edit = QLineEdit(objectName="placeEdit")
        self.issued_edit = DateField("issuedOnEdit")
        place_row = QHBoxLayout()
        place_row.addWidget(self.place_edit, 1)
        issued_label = QLabel(tr("Ngày &ban hành:"))
        issued_label.setBuddy(self.issued_edit)
        place_row.addWidget(issued_label)
        place_row.addWidget(self.issued_edit)

        self.title_edit = _plain_edit("titleEdit", 3)
        self.meeting_edit = DateField("meetingOnEdit")
        self.chair_edit = QLineEdit(objectName="chairEdit")
        meeting_row = QHBoxLayout()
        meeting_row.addWidget(self.meeting_edit)
        chair_label = QLabel(tr("Người &chủ trì:"))
        chair_label.setBuddy(self.chair_edit)
        meeting_row.addWidget(chair_label)
        meeting_row.addWidget(self.chair_edit, 1)

        self.signer_edit = QLineEdit(objectName="signerEdit")
        self.signer_title_edit = _plain_edit("signerTitleEdit", 2)
        self.signer_title_edit.setPlaceholderText(tr("TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG"))
        self.recipients_edit = QPlainTextEdit(objectName="recipientsEdit")
        self.recipients_edit.setTabChangesFocus(True)
        self.recipients_edit.setPlaceholderText(tr("Mỗi dòng một nơi nhận"))

        page = QWidget()
        form = QFormLayout(page)
        for text, buddy, field in (
            (tr("&Số, ký hiệu:"), self.number_edit, number_row),
            (tr("Cơ &quan ban hành:"), self.issuer_edit, self.issuer_edit),
            (tr("&Địa danh:"), self.place_edit, place_row),
            (tr("&Trích yếu:"), self.title_edit, self.title_edit),
            (tr("Ngày &họp:"), self.meeting_edit, meeting_row),
            (tr("Người &ký:"), self.signer_edit, self.signer_edit),
            (tr("Chức &vụ ký:"), self.signer_title_edit, self.signer_title_edit),
            (tr("&Nơi nhận:"), self.recipients_edit, self.recipients_edit),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)
        for widget in (self.number_edit, self.type_combo, self.issuer_code_edit):
            signal = (
                widget.currentIndexChanged if isinstance(widget, QComboBox) else widget.textChanged
            )
            signal.connect(self._update_label_preview)
        self._update_label_preview()
        return page

    def _build_tasks(self) -> QWidget:
        self.tasks_hint = QLabel(objectName="tasksHint")
        self.tasks_hint.setWordWrap(True)
        self.task_model = dt.DocumentTaskModel(self)
        self.task_table = QTableView(objectName="documentTaskTable")
        self.task_table.setModel(self.task_model)
        self.task_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.task_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.task_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.task_table.setAlternatingRowColors(True)
        self.task_table.setWordWrap(False)
        self.task_table.verticalHeader().hide()
        header = self.task_table.horizontalHeader()
        header.setSectionResizeMode(dt.TASK_COL_CONTENT, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(dt.TASK_COL_REF, 60)
        header.resizeSection(dt.TASK_COL_LEAD, 160)
        header.resizeSection(dt.TASK_COL_DEADLINE, 110)
        header.resizeSection(dt.TASK_COL_STATUS, 200)
        self.task_table.activated.connect(lambda _index: self._edit_task())
        self.task_table.selectionModel().selectionChanged.connect(self._update_task_buttons)

        self.add_task_button = QPushButton(tr("Thêm nhiệ&m vụ"), objectName="addTaskButton")
        self.add_task_button.setAutoDefault(False)
        self.add_task_button.clicked.connect(self._add_task)
        self.edit_task_button = QPushButton(tr("Sửa nhiệm v&ụ"), objectName="editTaskButton")
        self.edit_task_button.setAutoDefault(False)
        self.edit_task_button.clicked.connect(self._edit_task)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_task_button)
        buttons.addWidget(self.edit_task_button)
        buttons.addStretch(1)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.tasks_hint)
        layout.addWidget(self.task_table, 1)
        layout.addLayout(buttons)
        return page

    def _build_original(self) -> QWidget:
        self.source_label = QLabel(objectName="sourceFileLabel")
        self.source_label.setWordWrap(True)
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.original_view = QPlainTextEdit(objectName="originalTextView")
        self.original_view.setReadOnly(True)
        self.original_view.setPlaceholderText(
            tr("Chưa có văn bản gốc (có khi đọc văn bản từ tệp).")
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.source_label)
        layout.addWidget(self.original_view, 1)
        return page

    def _watch_edits(self) -> None:
        for line in (
            self.number_edit,
            self.issuer_code_edit,
            self.issuer_edit,
            self.place_edit,
            self.issued_edit,
            self.meeting_edit,
            self.chair_edit,
            self.signer_edit,
        ):
            line.textChanged.connect(self._mark_dirty)
        for box in (self.title_edit, self.signer_title_edit, self.recipients_edit):
            box.textChanged.connect(self._mark_dirty)
        self.type_combo.currentIndexChanged.connect(self._mark_dirty)

    # -- state ------------------------------------------------------------

    def _load(self, info: DocumentInfo) -> None:
        self._info = info
        self.number_edit.setText(info.number)
        index = self.type_combo.findData(info.doc_type)
        self.type_combo.setCurrentIndex(max(index, 0))
        self.issuer_code_edit.setText(info.issuer_code)
        self.issuer_edit.setText(info.issuer)
        self.place_edit.setText(info.place)
        self.issued_edit.set_value(info.issued_on)
        self.title_edit.setPlainText(info.title)
        self.meeting_edit.set_value(info.meeting_on)
        self.chair_edit.setText(info.chair)
        self.chair_edit.setCursorPosition(0)  # a long name reads from its start
        self.signer_edit.setText(info.signer)
        self.signer_edit.setCursorPosition(0)
        self.signer_title_edit.setPlainText(info.signer_title)
        self.recipients_edit.setPlainText("\n".join(info.recipients))
        self.original_view.setPlainText(info.original_text)
        self.source_label.setText(
            tr("Tệp gốc: {path}").format(path=info.source_file) if info.source_file else ""
        )
        self.source_label.setVisible(bool(info.source_file))

    def is_dirty(self) -> bool:
        return self._dirty

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _update_label_preview(self) -> None:
        label = document_label(
            self.number_edit.text(),
            self.type_combo.currentData() or "",
            self.issuer_code_edit.text(),
        )
        self.label_preview.setText(f"→ {label}" if label else "")

    def _update_state(self) -> None:
        saved = self.document_id is not None
        if saved and self._info is not None:
            self.setWindowTitle(tr("Văn bản {label}").format(label=self._info.label))
        else:
            self.setWindowTitle(tr("Thêm văn bản"))
        self.task_table.setEnabled(saved)
        self.tasks_hint.setText(
            tr("Các nhiệm vụ giao trong văn bản này. Enter hoặc nháy đúp để sửa.")
            if saved
            else tr(
                "Văn bản chưa được lưu. Bấm “Thêm nhiệm vụ” sẽ lưu văn bản trước, "
                "rồi thêm nhiệm vụ đầu tiên của nó."
            )
        )
        self.reload_tasks()

    def _update_task_buttons(self) -> None:
        self.edit_task_button.setEnabled(self.selected_task_id() is not None)

    def _on_changed(self, change: Change) -> None:
        if change.tasks and self.document_id is not None:
            self.reload_tasks()

    def reload_tasks(self) -> None:
        selected = self.selected_task_id()
        rows = (
            query_tasks(self.ops.register, TaskQuery(document_id=self.document_id))
            if self.document_id is not None
            else []
        )
        self.task_model.set_rows(rows)
        if selected is not None:
            row = self.task_model.row_of_task(selected)
            if row is not None:
                self.task_table.selectRow(row)
        self._update_task_buttons()

    def selected_task_id(self) -> int | None:
        index = self.task_table.currentIndex()
        rows = self.task_table.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        if not index.isValid():
            return None
        return self.task_model.row_at(index.row()).id

    # -- saving -----------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def document_input(self) -> DocumentInput:
        """The fields as typed; raises ValueError (a Vietnamese message) for a bad date."""
        dates: dict[str, date | None] = {}
        for key, name, field in (
            ("issued_on", tr("Ngày ban hành"), self.issued_edit),
            ("meeting_on", tr("Ngày họp"), self.meeting_edit),
        ):
            try:
                dates[key] = field.value()
            except ValueError as exc:
                field.setFocus()
                raise ValueError(f"{name}: {exc}") from None
        recipients = [r.strip() for r in self.recipients_edit.toPlainText().splitlines()]
        return DocumentInput(
            number=self.number_edit.text(),
            doc_type=self.type_combo.currentData() or "TB",
            issuer_code=self.issuer_code_edit.text(),
            issuer=self.issuer_edit.text(),
            place=self.place_edit.text(),
            issued_on=dates["issued_on"],
            title=self.title_edit.toPlainText(),
            meeting_on=dates["meeting_on"],
            chair=self.chair_edit.text(),
            signer=self.signer_edit.text(),
            signer_title=self.signer_title_edit.toPlainText().strip(),
            recipients=[r for r in recipients if r],
            original_text=self._info.original_text if self._info else "",
            source_file=self._info.source_file if self._info else "",
        )

    def save(self) -> bool:
        """Save the fields; True when the register holds them (nothing to save counts)."""
        if self.document_id is not None and not self._dirty:
            return True
        try:
            data = self.document_input()
            if self.document_id is None:
                info = self.ops.create_document(data)
            else:
                info = self.ops.update_document(self.document_id, data)
        except (CdsError, ValueError) as exc:
            self.show_error(str(exc))
            return False
        self.show_error("")
        self.document_id = info.id
        self._info = info
        self._dirty = False
        self._update_state()
        self.saved.emit(info.id)
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()

    def reject(self) -> None:
        if self._dirty and not common.confirm(
            self, tr("Bỏ thay đổi"), tr("Văn bản có thay đổi chưa lưu. Đóng và bỏ các thay đổi?")
        ):
            return
        super().reject()

    # -- tasks ------------------------------------------------------------

    def _add_task(self) -> None:
        if not self.save() or self.document_id is None:
            return
        self.open_task_editor(None, self.document_id)
        self.reload_tasks()

    def _edit_task(self) -> None:
        task_id = self.selected_task_id()
        if task_id is None or self.document_id is None:
            return
        self.open_task_editor(task_id, self.document_id)
        self.reload_tasks()

    def open_task_editor(self, task_id: int | None, document_id: int) -> None:
        """Open the task editor on a task of this document (replaceable in tests)."""
        try:
            from ui.dialogs.task_editor import TaskEditor
        except ModuleNotFoundError as exc:
            if exc.name != TASK_EDITOR_MODULE:
                raise
            common.show_error(self, tr("Chưa có màn hình sửa nhiệm vụ trong bản này."))
            return
        editor = TaskEditor(self.ops, task_id, document_id=document_id, parent=self)
        common.exec_dialog(editor)


class DocumentListDialog(QDialog):
    """All source documents; add, edit, delete, or show one's tasks in the main window."""

    showTasksRequested = Signal(int)  # the document id

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentListDialog")
        self.setWindowTitle(tr("Văn bản nguồn"))
        self.ops = ops

        self.model = dt.DocumentTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(dt.SORT_ROLE)
        self.table = QTableView(objectName="documentTable")
        self.table.setModel(self.proxy)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(dt.COL_ISSUED, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(dt.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(dt.COL_LABEL, 120)
        header.resizeSection(dt.COL_TYPE, 90)
        header.resizeSection(dt.COL_ISSUED, 125)
        header.resizeSection(dt.COL_TASKS, 95)
        self.table.activated.connect(lambda _index: self.edit_selected())

        self.add_button = self._button(tr("&Thêm văn bản"), "addDocumentButton", self.add_document)
        self.add_button.setToolTip(tr("Ctrl+N"))
        self.edit_button = self._button(tr("&Sửa"), "editDocumentButton", self.edit_selected)
        self.edit_button.setToolTip(tr("Enter hoặc nháy đúp"))
        self.tasks_button = self._button(tr("Xem &nhiệm vụ"), "showTasksButton", self.show_tasks)
        self.tasks_button.setToolTip(tr("Lọc danh sách nhiệm vụ theo văn bản này"))
        self.delete_button = self._button(tr("&Xóa"), "deleteDocumentButton", self.delete_selected)
        self.delete_button.setToolTip(tr("Del"))
        close = self._button(tr("Đóng"), "closeButton", self.reject)

        buttons = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.tasks_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        QShortcut(QKeySequence.StandardKey.New, self, self.add_document)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.table, self.delete_selected)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)

        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        ops.changed.connect(self._on_changed)
        self.reload()
        if self.proxy.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()
        self.resize(900, 420)

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text, objectName=name)
        # Enter in the table edits the document; it must not press a dialog button too.
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def reload(self) -> None:
        selected = self.selected_document_id()
        self.model.reload(self.ops.register)
        if selected is not None:
            self.select_document(selected)
        self._update_buttons()

    def _on_changed(self, change: Change) -> None:
        if change.documents or change.tasks:
            self.reload()

    def _update_buttons(self, *_args: QItemSelection) -> None:
        has = self.selected_document_id() is not None
        for button in (self.edit_button, self.tasks_button, self.delete_button):
            button.setEnabled(has)

    def selected_document_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        index: QModelIndex = rows[0] if rows else self.table.currentIndex()
        if not index.isValid():
            return None
        value = index.data(dt.DOCUMENT_ID_ROLE)
        return int(value) if value is not None else None

    def select_document(self, document_id: int) -> None:
        row = self.model.row_of_document(document_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)

    def add_document(self) -> None:
        dialog = DocumentDialog(self.ops, None, self)
        common.exec_dialog(dialog)
        self.reload()
        if dialog.document_id is not None:
            self.select_document(dialog.document_id)

    def edit_selected(self) -> None:
        document_id = self.selected_document_id()
        if document_id is None:
            return
        common.exec_dialog(DocumentDialog(self.ops, document_id, self))
        self.reload()

    def delete_selected(self) -> None:
        document_id = self.selected_document_id()
        if document_id is None:
            return
        info = self.model.document_at(self.model.row_of_document(document_id) or 0)
        if not common.confirm(
            self, tr("Xóa văn bản"), tr("Xóa văn bản {label}?").format(label=info.label)
        ):
            return
        try:
            self.ops.delete_document(document_id)
        except CdsError as exc:
            common.show_error(self, str(exc))
        self.reload()

    def show_tasks(self) -> None:
        document_id = self.selected_document_id()
        if document_id is None:
            return
        self.showTasksRequested.emit(document_id)
        self.accept()
