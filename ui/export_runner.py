"""Exports from the window: the menu entries, their dialogs, and the work off the GUI thread.

:class:`ExportRunner` runs one job on Qt's thread pool behind a busy progress
dialog and reports back through queued signals; the window keeps painting
and never calls ``processEvents()``. :class:`ExportController` is the main
window's single entry point: five ``QAction`` objects (four exports and the
print of the quarterly report, Ctrl+P), their menu, the dialogs, and what
happens when a job ends (a status bar message, the file opened, the preview).

The worker reads and writes the register through the same ``Register``: each
call opens its own session and SQLAlchemy's pool gives the worker thread its
own SQLite connection (WAL mode lets the window read meanwhile).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QProgressDialog, QWidget

from cdsdesk.errors import CdsError
from cdsdesk.exporting import api
from cdsdesk.exporting.model import AdminDocument
from cdsdesk.services.queries import TaskQuery, TaskRow
from cdsdesk.storage.db import Register
from ui.dialogs import common
from ui.dialogs.export_request import ExportDefaults, ExportKind, ExportRequest, TableSnapshot

log = logging.getLogger(__name__)

STATUS_MESSAGE_MS = 10_000
PROGRESS_DELAY_MS = 300  # a quick export shows no flashing dialog


def tr(text: str) -> str:
    return QCoreApplication.translate("ExportRunner", text)


def open_file(path: Path) -> bool:
    """Open ``path`` in the program the system chooses (Word, a PDF reader, Excel)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# -- the work -----------------------------------------------------------------


@dataclass(frozen=True)
class ExportOutcome:
    path: Path | None = None  # the file written
    document: AdminDocument | None = None  # the document to print
    issued_report_id: int | None = None


def run_request(register: Register, request: ExportRequest) -> ExportOutcome:
    """Carry out ``request``; runs on a worker thread, so it touches no widget."""
    kind = request.kind
    if kind is ExportKind.PRINT_REPORT:
        return ExportOutcome(document=_report_document(register, request))
    out = request.out
    assert out is not None
    if kind is ExportKind.TASKS_XLSX:
        assert request.table is not None
        return ExportOutcome(path=_write_xlsx(request.table, out))
    fmt = request.fmt or api.Format.parse(out.suffix)
    if kind is ExportKind.NOTICE:
        assert request.document_id is not None
        return ExportOutcome(path=api.export_notice(register, request.document_id, fmt, out))
    if kind is ExportKind.LETTER:
        assert request.unit_id is not None
        return ExportOutcome(
            path=api.export_letter(register, request.unit_id, fmt, out, as_of=request.as_of)
        )
    report_id = request.report_id
    if request.issue:
        from cdsdesk.exporting.report_data import compute_report_data
        from cdsdesk.services.reports import issue_report

        assert request.quarter is not None
        data = compute_report_data(
            register, request.quarter, as_of=request.as_of, unit_id=request.unit_id
        )
        report_id = issue_report(register, data, request.issue_number)
    if report_id is not None:
        path = api.export_issued_report(register, report_id, fmt, out)
        return ExportOutcome(path=path, issued_report_id=report_id if request.issue else None)
    assert request.quarter is not None
    path = api.export_report(
        register, request.quarter, fmt, out, as_of=request.as_of, unit_id=request.unit_id
    )
    return ExportOutcome(path=path)


def _report_document(register: Register, request: ExportRequest) -> AdminDocument:
    from cdsdesk.exporting.report import build_report

    if request.report_id is not None:
        from cdsdesk.services.reports import get_report

        return build_report(get_report(register, request.report_id))
    from cdsdesk.exporting.report_data import compute_report_data

    assert request.quarter is not None
    data = compute_report_data(
        register, request.quarter, as_of=request.as_of, unit_id=request.unit_id
    )
    return build_report(data)


def _write_xlsx(table: TableSnapshot, out: Path) -> Path:
    """The workbook beside the target, then renamed: no half file if it fails."""
    from cdsdesk.exporting.xlsx import default_title, export_tasks_xlsx

    return api.write_atomically(
        out,
        lambda tmp: export_tasks_xlsx(
            list(table.rows),
            tmp,
            columns=list(table.columns),
            title=default_title(),
            filter_summary=table.filter_summary,
            as_of=table.as_of,
        ),
    )


def error_message(exc: BaseException) -> str:
    """What the user reads when a job fails: Vietnamese, never a traceback."""
    if isinstance(exc, CdsError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return tr(
            "Không ghi được tệp “{path}”: tệp đang mở trong chương trình khác, hoặc "
            "thư mục không cho phép ghi. Hãy đóng tệp hoặc chọn nơi lưu khác rồi xuất lại."
        ).format(path=exc.filename or "")
    if isinstance(exc, OSError):
        return tr("Không ghi được tệp “{path}”: {reason}.").format(
            path=exc.filename or "", reason=exc.strerror or tr("lỗi hệ thống")
        )
    return tr(
        "Không xuất được do một lỗi ngoài dự kiến ({name}). Hãy thử lại; nếu vẫn lỗi, "
        "báo cho người hỗ trợ kỹ thuật."
    ).format(name=type(exc).__name__)


# -- the thread -----------------------------------------------------------------


class _JobSignals(QObject):
    """Lives in the GUI thread; emitted from the worker, delivered queued."""

    finished = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _JobSignals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals
        self.setAutoDelete(False)  # the runner keeps it until its signal arrives

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # every failure must reach the user, in Vietnamese
            if not isinstance(exc, CdsError):
                log.exception("export failed")
            self._signals.failed.emit(error_message(exc))
        else:
            self._signals.finished.emit(result)


class ExportRunner(QObject):
    """One export at a time on the thread pool, with a busy progress dialog."""

    started = Signal()
    finished = Signal(object)  # the job's result
    failed = Signal(str)  # a Vietnamese message
    busyChanged = Signal(bool)

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self._job: _Job | None = None
        self._signals: _JobSignals | None = None
        self._progress: QProgressDialog | None = None
        self._on_done: Callable[[Any], None] | None = None

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(
        self,
        work: Callable[[], Any],
        busy_text: str,
        on_done: Callable[[Any], None] | None = None,
    ) -> bool:
        """Run ``work()`` off the GUI thread; False when a job is already running."""
        if self._job is not None:
            return False
        self._signals = _JobSignals()
        self._signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._on_done = on_done
        self._job = _Job(work, self._signals)
        self._show_progress(busy_text)
        self.busyChanged.emit(True)
        self.started.emit()
        QThreadPool.globalInstance().start(self._job)
        return True

    def _show_progress(self, text: str) -> None:
        # Busy mode (0..0); no cancel button: a renderer cannot be interrupted halfway.
        progress = QProgressDialog(text, "", 0, 0, self._parent_widget)
        progress.setObjectName("exportProgress")
        progress.setWindowTitle(tr("Đang xuất"))
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.setMinimumWidth(340)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        progress.setValue(0)
        self._progress = progress

    def _end(self) -> Callable[[Any], None] | None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.hide()
            self._progress.deleteLater()
            self._progress = None
        on_done = self._on_done
        self._job = None
        if self._signals is not None:
            self._signals.deleteLater()
        self._signals = None
        self._on_done = None
        self.busyChanged.emit(False)
        return on_done

    def _finished(self, result: object) -> None:
        on_done = self._end()
        if on_done is not None:
            on_done(result)
        self.finished.emit(result)

    def _failed(self, message: str) -> None:
        self._end()
        common.show_error(self._parent_widget, message, tr("Không xuất được"))
        self.failed.emit(message)


# -- the window's entry point -----------------------------------------------------


class TaskTableSource(Protocol):
    """What the controller reads from the window's task panel (``ui.views.task_panel``)."""

    @property
    def model(self) -> Any: ...  # .rows() -> list[TaskRow]: the rows the table shows

    def hidden_columns(self) -> list[str]: ...

    def current_query(self) -> TaskQuery: ...

    def current_row(self) -> TaskRow | None: ...


UnitFilter = tuple[int | None, bool, bool]  # ui.views.unit_panel.UnitPanel.unit_filter()


def busy_text(request: ExportRequest) -> str:
    if request.issue:
        return tr("Đang chốt số liệu và xuất báo cáo…")
    return {
        ExportKind.NOTICE: tr("Đang xuất thông báo…"),
        ExportKind.REPORT: tr("Đang xuất báo cáo…"),
        ExportKind.LETTER: tr("Đang xuất công văn…"),
        ExportKind.TASKS_XLSX: tr("Đang xuất danh sách nhiệm vụ…"),
        ExportKind.PRINT_REPORT: tr("Đang chuẩn bị bản in báo cáo…"),
    }[request.kind]


class ExportController(QObject):
    """Exports and printing for the main window.

    The window adds :meth:`menu` to its menu bar and :meth:`actions` to its
    toolbar; nothing else. ``task_panel`` is the window's ``TaskPanel`` (or a
    function returning it); ``unit_filter`` is ``UnitPanel.unit_filter``,
    which names the unit the table is filtered by.
    """

    def __init__(
        self,
        window: QWidget,
        register: Register,
        task_panel: TaskTableSource | Callable[[], TaskTableSource | None] | None = None,
        *,
        unit_filter: Callable[[], UnitFilter] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.register = register
        self._task_panel = task_panel
        self._unit_filter = unit_filter
        self.runner = ExportRunner(window)
        self.runner.busyChanged.connect(self._busy)
        self._folder: Path | None = None
        self._fmt = api.Format.DOCX
        self._menu: QMenu | None = None

        self.notice_action = self._action(
            tr("&Thông báo kết luận…"),
            "exportNoticeAction",
            tr("Xuất thông báo kết luận của một văn bản ra Word hoặc PDF"),
            self.export_notice,
        )
        self.report_action = self._action(
            tr("&Báo cáo quý…"),
            "exportReportAction",
            tr("Xuất báo cáo kết quả thực hiện nhiệm vụ của một quý ra Word hoặc PDF"),
            self.export_report,
        )
        self.letter_action = self._action(
            tr("&Công văn đôn đốc…"),
            "exportLetterAction",
            tr("Xuất công văn đôn đốc một đơn vị về các nhiệm vụ quá hạn, sắp đến hạn"),
            self.export_letter,
        )
        self.tasks_xlsx_action = self._action(
            tr("&Danh sách nhiệm vụ ra Excel…"),
            "exportTasksAction",
            tr("Xuất các nhiệm vụ đang hiển thị trong bảng, với các cột đang hiện, ra Excel"),
            self.export_tasks_xlsx,
        )
        self.print_report_action = self._action(
            tr("&In báo cáo quý…"),
            "printReportAction",
            tr("Xem trước và in báo cáo quý"),
            self.print_report,
        )
        self.print_report_action.setShortcut(QKeySequence.StandardKey.Print)

    def _action(self, text: str, name: str, tip: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def actions(self) -> list[QAction]:
        return [
            self.notice_action,
            self.report_action,
            self.letter_action,
            self.tasks_xlsx_action,
            self.print_report_action,
        ]

    def menu(self) -> QMenu:
        """The "Xuất" menu: the four exports, then printing."""
        if self._menu is None:
            menu = QMenu(tr("X&uất"), self.window)  # Alt+X is "Xem"
            menu.setObjectName("exportMenu")
            for action in self.actions()[:4]:
                menu.addAction(action)
            menu.addSeparator()
            menu.addAction(self.print_report_action)
            self._menu = menu
        return self._menu

    def wait_for_export(self, msecs: int = 60_000) -> bool:
        """Block until a running export ends (call before closing the register)."""
        return QThreadPool.globalInstance().waitForDone(msecs) if self.runner.running else True

    def _busy(self, busy: bool) -> None:
        for action in self.actions():
            action.setEnabled(not busy)

    # -- what the window shows ----------------------------------------------------

    def task_panel(self) -> TaskTableSource | None:
        source = self._task_panel
        return source() if callable(source) else source

    def _filter_unit(self) -> UnitFilter:
        return self._unit_filter() if self._unit_filter is not None else (None, False, False)

    def table_snapshot(self) -> TableSnapshot | None:
        """The rows the table shows, its visible columns in view order, its filter in words."""
        from cdsdesk.exporting.xlsx import XLSX_COLUMNS, describe_filter
        from ui.views.task_panel import COLUMN_KEYS

        panel = self.task_panel()
        if panel is None:
            return None
        hidden = set(panel.hidden_columns())
        order = list(range(len(COLUMN_KEYS)))
        table = getattr(panel, "table", None)
        if table is not None:  # columns the user dragged stay where they were put
            header = table.horizontalHeader()
            order.sort(key=header.visualIndex)
        columns = [COLUMN_KEYS[c] for c in order if COLUMN_KEYS[c] not in hidden]
        columns = [key for key in columns if key in XLSX_COLUMNS]
        query = panel.current_query()
        unit_id, _cooperating, subunits = self._filter_unit()
        described = replace(query, unit_id=unit_id, include_subunits=subunits)
        try:
            summary = describe_filter(self.register, described)
        except CdsError:
            summary = describe_filter(self.register, query)
        if query.task_ids is not None and query.due_on is None:
            summary = " · ".join(filter(None, [summary, tr("Đến hạn theo ngày đã chọn")]))
        as_of = query.as_of or getattr(panel, "as_of", None)
        return TableSnapshot(
            tuple(panel.model.rows()), tuple(columns), summary, as_of or date.today()
        )

    def defaults(self, *, table: TableSnapshot | None = None) -> ExportDefaults:
        panel = self.task_panel()
        document_id = None
        as_of = None
        if panel is not None:
            row = panel.current_row()
            document_id = row.document_id if row is not None else None
            document_id = document_id or panel.current_query().document_id
            as_of = panel.current_query().as_of
        return ExportDefaults(
            document_id=document_id,
            unit_id=self._filter_unit()[0],
            as_of=as_of or date.today(),
            folder=self._folder,
            fmt=self._fmt,
            table=table,
        )

    # -- the actions ------------------------------------------------------------

    def export_notice(self) -> None:
        self._ask(ExportKind.NOTICE)

    def export_report(self) -> None:
        self._ask(ExportKind.REPORT)

    def export_letter(self) -> None:
        self._ask(ExportKind.LETTER)

    def export_tasks_xlsx(self) -> None:
        table = self.table_snapshot()
        if table is None:
            return
        if not table.rows:
            common.show_info(self.window, tr("Bảng không có nhiệm vụ nào để xuất."))
            return
        self._ask(ExportKind.TASKS_XLSX, table)

    def print_report(self) -> None:
        self._ask(ExportKind.PRINT_REPORT)

    def _ask(self, kind: ExportKind, table: TableSnapshot | None = None) -> None:
        if self.runner.running:
            return
        # The dialog and the report services behind it load when first asked for.
        from ui.dialogs.export_dialog import ExportDialog

        dialog = ExportDialog(kind, self.register, self.defaults(table=table), self.window)
        accepted = common.exec_dialog(dialog) == ExportDialog.DialogCode.Accepted
        request = dialog.request() if accepted else None
        dialog.deleteLater()
        if request is not None:
            self.start(request)

    def start(self, request: ExportRequest) -> bool:
        """Run ``request`` off the GUI thread; False if another export is running."""
        if request.out is not None:
            self._folder = request.out.parent
        if request.fmt is not None:
            self._fmt = request.fmt
        register = self.register
        return self.runner.start(
            lambda: run_request(register, request),
            busy_text(request),
            lambda outcome: self._done(request, outcome),
        )

    def _done(self, request: ExportRequest, outcome: ExportOutcome) -> None:
        if outcome.document is not None:
            from ui import printing

            printing.print_preview(self.window, outcome.document).deleteLater()
            return
        if outcome.path is None:
            return
        message = tr("Đã xuất {path}").format(path=outcome.path)
        if outcome.issued_report_id is not None:
            message = tr("Đã phát hành báo cáo (chốt số liệu) và xuất {path}").format(
                path=outcome.path
            )
        self._status(message)
        if request.open_when_done and not open_file(outcome.path):
            self._status(
                tr(
                    "Đã xuất {path}, nhưng không mở được tệp: máy chưa có chương trình đọc tệp này."
                ).format(path=outcome.path)
            )

    def _status(self, message: str) -> None:
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(message, STATUS_MESSAGE_MS)
