"""The main window: a table of contents that wires the parts together.

Left the unit tree, centre the filter bar and the task table (with the
attention panel above it on start), right the deadline calendar. Every edit
goes through ``Operations``; its ``changed`` signal reloads what is shown.

The program builds it with ``deferred=True``: the task table is filled first
and the side panels (unit counts, calendar marks and lists, the attention
panel, the document filter's list) one per event-loop turn once the table has
painted, so that start-up waits for the table alone. ``panelsLoaded`` says
when they are all filled. Without ``deferred`` (tests) everything is filled
before the constructor returns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from cdsdesk.domain.enums import StatusClass
from cdsdesk.errors import CdsError
from cdsdesk.services.calendar import tasks_due_on
from cdsdesk.services.queries import TaskRow
from cdsdesk.storage.db import Register
from ui import settings as S
from ui.after_first_paint import AfterFirstPaint
from ui.dialogs import common
from ui.dialogs.attention import AttentionPanel
from ui.export_runner import ExportController
from ui.import_flow import ImportFlow
from ui.lazy import lazy_module
from ui.operations import Change, Operations
from ui.views.calendar_panel import CalendarPanel
from ui.views.task_panel import TaskPanel
from ui.views.unit_panel import UnitPanel

# SQLAlchemy and the ORM: loaded with the side panels, after the table has painted.
unit_service = lazy_module("cdsdesk.services.units")

MIN_POINT_SIZE = 7.0
MAX_POINT_SIZE = 24.0


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    panelsLoaded = Signal()  # every side panel filled: once, after the first paint if deferred

    def __init__(
        self, db_path: Path | str, settings: QSettings | None = None, *, deferred: bool = False
    ) -> None:
        super().__init__()
        self.register = Register(db_path)
        self.db_path = Path(db_path)
        self.store = settings or QSettings()
        self.ops = Operations(self.register, self)
        self.setWindowTitle(tr("CĐS Desk – {name}").format(name=self.db_path.name))
        self.setAcceptDrops(True)

        # The side panels are filled by the loader: now, or after the table's first paint.
        self.unit_panel = UnitPanel(self.ops, self, load=False)
        self.task_panel = TaskPanel(self.register, self)
        self.calendar_panel = CalendarPanel(self.register, self, load=False)
        self.attention = AttentionPanel(self.register, parent=self, load=False)
        self._loader = AfterFirstPaint(
            self.task_panel.table.viewport(), self._side_panel_steps(), self
        )
        self._loader.finished.connect(self.panelsLoaded)
        if not deferred:
            self._loader.run_now()  # before the layout caches the panels' size hints

        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.attention)
        layout.addWidget(self.task_panel)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.splitter.addWidget(self.unit_panel)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.calendar_panel)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([235, 821, 300])
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel(objectName="countLabel")
        self.statusBar().addPermanentWidget(self.count_label)

        self._build_actions()
        self._connect()
        self._restore_settings()
        if self._saved_document and not self.task_panel.documents_loaded():
            self.task_panel.reload_documents()  # the saved filter needs it now
        self.task_panel.reload(documents=False)
        self._restore_document_and_quarter()

    # -- wiring ---------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | str | None = None,
        tip: str = "",
        *,
        window_wide: bool = True,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        if window_wide:
            self.addAction(action)
        return action

    def _build_actions(self) -> None:
        stack = self.ops.stack
        self.undo_action = stack.createUndoAction(self, tr("Hoàn tác"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, tr("Làm lại"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence.StandardKey.Redo])
        self.new_task_action = self._action(tr("Thêm nhiệm vụ…"), self.new_task, "Ctrl+N")
        self.new_subtask_action = self._action(
            tr("Thêm nhiệm vụ con…"), self.new_subtask, "Ctrl+Shift+N"
        )
        # Del and F2 belong to the table: the unit tree has its own.
        self.edit_task_action = self._action(
            tr("Sửa nhiệm vụ…"), self.edit_current_task, window_wide=False
        )
        self.delete_task_action = self._action(
            tr("Xóa nhiệm vụ"), self.delete_current_task, window_wide=False
        )
        self.delete_task_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_task_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.task_panel.table.addAction(self.delete_task_action)
        self.edit_task_action.setShortcut(QKeySequence("F2"))
        self.edit_task_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.task_panel.table.addAction(self.edit_task_action)
        self.find_action = self._action(tr("Tìm"), self.focus_search, QKeySequence.StandardKey.Find)
        self.refresh_action = self._action(tr("Làm mới"), self.reload_all, "F5")
        self.zoom_in_action = self._action(tr("Chữ to hơn"), lambda: self.zoom(1))
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self.zoom_out_action = self._action(tr("Chữ nhỏ hơn"), lambda: self.zoom(-1), "Ctrl+-")
        self.zoom_reset_action = self._action(tr("Cỡ chữ mặc định"), lambda: self.zoom(0), "Ctrl+0")
        self.documents_action = self._action(
            tr("Danh sách văn bản…"), self.show_documents, "Ctrl+D"
        )
        self.new_document_action = self._action(tr("Thêm văn bản…"), self.new_document)
        self.round_action = self._action(
            tr("Cập nhật tiến độ theo đơn vị (giao ban quý)…"), self.quarterly_round, "Ctrl+R"
        )
        self.round_action.setIconText(tr("Giao ban quý"))
        self.attention_action = self._action(tr("Việc cần chú ý hôm nay"), self.show_attention)
        self.quit_action = self._action(tr("Thoát"), self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self._action(tr("Giới thiệu CĐS Desk"), self.about)

        self.imports = ImportFlow(self, self.ops)
        self.addActions(self.imports.actions())
        menu = self.menuBar()
        file_menu = menu.addMenu(tr("&Tệp"))
        file_menu.addAction(self.imports.import_action)
        file_menu.addAction(self.imports.paste_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit = menu.addMenu(tr("&Sửa"))
        for action in (self.undo_action, self.redo_action):
            edit.addAction(action)
        edit.addSeparator()
        for action in (
            self.new_task_action,
            self.new_subtask_action,
            self.edit_task_action,
            self.delete_task_action,
        ):
            edit.addAction(action)
        view = menu.addMenu(tr("&Xem"))
        for action in (self.find_action, self.refresh_action, self.attention_action):
            view.addAction(action)
        view.addSeparator()
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            view.addAction(action)
        self.columns_menu = view.addMenu(tr("Cột hiển thị"))
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        units = menu.addMenu(tr("Đơn &vị"))
        for action in self.unit_panel.actions_for_menu():
            units.addAction(action)
        docs = menu.addMenu(tr("Văn &bản"))
        docs.addAction(self.documents_action)
        docs.addAction(self.new_document_action)
        self.exports = ExportController(
            self, self.register, self.task_panel, unit_filter=self.unit_panel.unit_filter
        )
        menu.addMenu(self.exports.menu())
        tools = menu.addMenu(tr("&Công cụ"))
        tools.addAction(self.round_action)
        help_menu = menu.addMenu(tr("Trợ &giúp"))
        help_menu.addAction(self.about_action)

        toolbar = self.addToolBar(tr("Thanh công cụ"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_task_action, self.edit_task_action, self.delete_task_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.undo_action, self.redo_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.documents_action)
        toolbar.addAction(self.round_action)
        toolbar.addSeparator()
        toolbar.addAction(self.exports.report_action)
        toolbar.addAction(self.exports.print_report_action)

    def _connect(self) -> None:
        self.ops.changed.connect(self._on_change)
        self.ops.failed.connect(lambda text: common.show_error(self, text))
        self.unit_panel.unitFilterChanged.connect(self._unit_filter_changed)
        self.task_panel.taskActivated.connect(self.edit_task)
        self.task_panel.countsChanged.connect(self._show_counts)
        self.task_panel.asOfChanged.connect(self._as_of_changed)
        self.calendar_panel.dayClicked.connect(self._day_clicked)
        self.calendar_panel.taskActivated.connect(self._open_from_elsewhere)
        self.calendar_panel.dayCleared.connect(self.task_panel.clear_day)
        self.calendar_panel.overdueRequested.connect(lambda: self._show_status("open_overdue"))
        self.attention.taskActivated.connect(self._open_from_elsewhere)
        self.attention.showStatus.connect(self._show_status)
        self.imports.imported.connect(lambda result: self._show_document_tasks(result.document_id))

    # -- loading --------------------------------------------------------------

    @property
    def panels_loaded(self) -> bool:
        """Whether every side panel has been filled (see ``panelsLoaded``)."""
        return self._loader.is_done()

    def _side_panel_steps(self) -> list[Callable[[], None]]:
        """Fill each side panel not filled yet: an edit, F5 or a new "as of" day before
        its turn has filled it already, as of the right day."""
        units, tasks, calendar, attention = (
            self.unit_panel,
            self.task_panel,
            self.calendar_panel,
            self.attention,
        )

        def unless(done: Callable[[], bool], fill: Callable[[], object]) -> Callable[[], None]:
            return lambda: None if done() else fill()

        return [
            unless(units.is_loaded, lambda: units.reload(tasks.as_of)),
            unless(calendar.is_loaded, lambda: calendar.reload(tasks.as_of)),
            # Always today ("what needs attention today"); not at all once dismissed.
            unless(lambda: attention.isHidden() or attention.is_loaded(), attention.reload),
            unless(tasks.documents_loaded, tasks.reload_documents),
        ]

    def reload_all(self) -> None:
        as_of = self.task_panel.as_of
        self.task_panel.reload()
        self.unit_panel.reload(as_of)
        self.calendar_panel.reload(as_of)
        if not self.attention.isHidden():
            self.attention.reload()  # always today: "what needs attention today"
        self._loader.run_now()  # nothing is left to fill

    def _on_change(self, change: Change) -> None:
        # The unit panel reloads itself on ops.changed.
        as_of = self.task_panel.as_of
        if change.tasks or change.documents:
            documents = change.documents and self.task_panel.documents_loaded()
            self.task_panel.reload(documents=documents)
            self.calendar_panel.reload(as_of)
            if not self.attention.isHidden():
                self.attention.reload()  # always today: "what needs attention today"
        if change.task_ids:
            self.task_panel.select_task(min(change.task_ids))

    def _as_of_changed(self, as_of: date) -> None:
        self.unit_panel.reload(as_of)
        self.calendar_panel.reload(as_of)

    def _unit_filter_changed(self, choice: tuple[int | None, bool, bool]) -> None:
        unit_id, cooperating, subunits = choice
        units = (
            unit_service.units_answering_for(self.register, unit_id, subunits)
            if unit_id is not None
            else None
        )
        self.task_panel.set_unit_filter(units, cooperating)

    def _day_clicked(self, day: date) -> None:
        self.task_panel.set_day_filter(day, tasks_due_on(self.register, day, self.task_panel.as_of))

    def _show_status(self, status: str) -> None:
        self.task_panel.show_status(status)

    def _show_counts(self, counts: tuple[list[TaskRow], list[TaskRow]]) -> None:
        shown, every = counts
        late = StatusClass.OPEN_OVERDUE
        # Counted like the statistics, the attention panel and the calendar: a task with
        # sub-tasks is judged through them, so only tasks without sub-tasks count.
        overdue = sum([r.status_class is late and not r.has_children for r in shown])
        soon = sum([r.due_soon and not r.has_children for r in shown])
        self.count_label.setText(
            tr("Hiển thị {shown}/{total} nhiệm vụ · {overdue} quá hạn · {soon} sắp đến hạn").format(
                shown=len(shown), total=len(every), overdue=overdue, soon=soon
            )
        )

    # -- tasks ----------------------------------------------------------------

    def _open_editor(self, task_id: int | None, parent_task_id: int | None = None) -> None:
        from ui.dialogs.task_editor import TaskEditor

        current = self.task_panel.current_row()
        editor = TaskEditor(
            self.ops,
            task_id,
            parent_task_id=parent_task_id,
            document_id=current.document_id if current and task_id is None else None,
            parent=self,
        )
        if common.exec_dialog(editor) and getattr(editor, "saved_task_id", None):
            self.task_panel.select_task(editor.saved_task_id)

    def new_task(self) -> None:
        self._open_editor(None)

    def new_subtask(self) -> None:
        current = self.task_panel.current_task_id()
        if current is None:
            common.show_info(self, tr("Hãy chọn nhiệm vụ cha trong bảng trước."))
            return
        self._open_editor(None, parent_task_id=current)

    def edit_task(self, task_id: int) -> None:
        self._open_editor(task_id)

    def edit_current_task(self) -> None:
        current = self.task_panel.current_task_id()
        if current is not None:
            self.edit_task(current)

    def _open_from_elsewhere(self, task_id: int) -> None:
        if not self.task_panel.select_task(task_id):
            self.task_panel.clear_day()
        self.edit_task(task_id)

    def delete_current_task(self) -> None:
        row = self.task_panel.current_row()
        if row is None:
            return
        text = tr("Xóa nhiệm vụ {ref} “{content}”?").format(ref=row.ref, content=row.content[:120])
        if row.has_children:
            text += "\n" + tr("Các nhiệm vụ con của nó cũng sẽ bị xóa.")
        text += "\n" + tr("Có thể hoàn tác bằng Ctrl+Z.")
        if not common.confirm(self, tr("Xóa nhiệm vụ"), text):
            return
        try:
            self.ops.delete_task(row.id, row.content, with_subtasks=row.has_children)
        except CdsError as exc:
            common.show_error(self, str(exc))

    def focus_search(self) -> None:
        self.task_panel.search_box.setFocus()
        self.task_panel.search_box.selectAll()

    # -- documents, round, attention -------------------------------------------

    def show_documents(self) -> None:
        from ui.dialogs.documents import DocumentListDialog

        dialog = DocumentListDialog(self.ops, self)
        dialog.showTasksRequested.connect(self._show_document_tasks)
        common.exec_dialog(dialog)

    def _show_document_tasks(self, document_id: int) -> None:
        combo = self.task_panel.document_combo
        combo.setCurrentIndex(max(combo.findData(document_id), 0))

    def new_document(self) -> None:
        from ui.dialogs.documents import DocumentDialog

        common.exec_dialog(DocumentDialog(self.ops, None, self))

    def quarterly_round(self) -> None:
        from ui.dialogs.quarterly_round import QuarterlyRoundDialog

        dialog = QuarterlyRoundDialog(
            self.ops, self.unit_panel.current_unit_id(), self.task_panel.as_of, self
        )
        common.exec_dialog(dialog)

    def show_attention(self) -> None:
        self.attention.reload()
        self.attention.show()

    def about(self) -> None:
        from cdsdesk import __version__

        common.show_info(
            self,
            tr(
                "CĐS Desk {version}\nSổ theo dõi nhiệm vụ chuyển đổi số.\n\nSổ đăng ký: {path}"
            ).format(version=__version__, path=self.db_path.resolve()),
            tr("Giới thiệu"),
        )

    # -- view -----------------------------------------------------------------

    def zoom(self, step: int) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        font = app.font()
        if step == 0:
            size = self._default_point_size
        else:
            size = min(MAX_POINT_SIZE, max(MIN_POINT_SIZE, font.pointSizeF() + step))
        font.setPointSizeF(size)
        app.setFont(font)
        S.FONT_POINT_SIZE.write(self.store, 0.0 if step == 0 else size)

    def _fill_columns_menu(self) -> None:
        self.columns_menu.clear()
        for action in self.task_panel.column_actions():
            self.columns_menu.addAction(action)

    # -- settings -------------------------------------------------------------

    def _restore_settings(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._default_point_size = app.font().pointSizeF()
        size = S.FONT_POINT_SIZE.read(self.store)
        if size:
            font = app.font()
            font.setPointSizeF(size)
            app.setFont(font)
        geometry = S.GEOMETRY.read(self.store)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)
        state = S.WINDOW_STATE.read(self.store)
        if not state.isEmpty():
            self.restoreState(state)
        splitter = S.SPLITTER.read(self.store)
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        header = S.TABLE_HEADER.read(self.store)
        if not header.isEmpty():
            self.task_panel.table.horizontalHeader().restoreState(header)
        hidden = S.HIDDEN_COLUMNS.read(self.store)
        if hidden:
            self.task_panel.set_hidden_columns(hidden)
        panel = self.task_panel
        for combo, setting in (
            (panel.status_combo, S.FILTER_STATUS),
            (panel.group_combo, S.FILTER_GROUP),
        ):
            index = combo.findData(setting.read(self.store))
            combo.setCurrentIndex(max(index, 0))
        panel.search_box.setText(S.FILTER_SEARCH.read(self.store))
        self._saved_document = S.FILTER_DOCUMENT.read(self.store)
        self._saved_quarter = S.FILTER_QUARTER.read(self.store)

    def _restore_document_and_quarter(self) -> None:
        panel = self.task_panel
        for combo, value in (
            (panel.document_combo, self._saved_document),
            (panel.quarter_combo, self._saved_quarter),
        ):
            index = combo.findData(value)
            if index > 0:
                combo.setCurrentIndex(index)

    def save_settings(self) -> None:
        S.GEOMETRY.write(self.store, self.saveGeometry())
        S.WINDOW_STATE.write(self.store, self.saveState())
        S.SPLITTER.write(self.store, self.splitter.saveState())
        S.TABLE_HEADER.write(self.store, self.task_panel.table.horizontalHeader().saveState())
        S.HIDDEN_COLUMNS.write(self.store, self.task_panel.hidden_columns())
        panel = self.task_panel
        S.FILTER_STATUS.write(self.store, panel.status_combo.currentData() or "")
        S.FILTER_GROUP.write(self.store, panel.group_combo.currentData() or "")
        S.FILTER_DOCUMENT.write(self.store, panel.document_combo.currentData() or 0)
        S.FILTER_QUARTER.write(self.store, panel.quarter_combo.currentData() or "")
        S.FILTER_SEARCH.write(self.store, panel.search_box.text())
        self.store.sync()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.imports.accepts_drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        """A notice dropped on the window (file or text) is read and offered for review."""
        if self.imports.handle_drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._loader.cancel()  # a panel left to fill would open the register again
        self.imports.wait()
        self.exports.wait_for_export()
        self.save_settings()
        self.register.dispose()
        super().closeEvent(event)
