"""Backups from the window: the "Sao lưu và khôi phục" dialog, automatic backups, recovery.

:class:`BackupController` is the window's single entry point: its action opens
the dialog (the backups, newest first and preselected; "Khôi phục bản đã
chọn" then one confirmation: three clicks from the menu), it makes the
start-up and daily backups, and it carries out a restore. Every backup and
restore runs on a worker thread behind a busy progress dialog.

A restore needs the register closed. The window lends it through
:class:`RegisterHost`: ``release_register()`` ends background work and closes
every connection; ``reopen_register()`` brings the restored file to the newest
schema, forgets caches and undo history, and reloads the views.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEventLoop,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.errors import CdsError
from cdsdesk.storage import backup
from cdsdesk.storage.backup import BackupInfo, Reason
from cdsdesk.storage.db import Register
from cdsdesk.storage.integrity import IntegrityReport
from ui.dialogs import common

log = logging.getLogger(__name__)

DAILY_CHECK_MS = 60 * 60 * 1000  # once an hour: is there a backup from today?
STATUS_MESSAGE_MS = 10_000
PROGRESS_DELAY_MS = 300

ModelIndex = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("BackupDialog", text)


def format_taken(when: datetime) -> str:
    return when.strftime("%d/%m/%Y %H:%M")


def format_size(size: int) -> str:
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def choose_folder(parent: QWidget | None, title: str, start: Path) -> Path | None:
    """Ask for a folder (a USB drive); tests replace this function."""
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(chosen) if chosen else None


def choose_backup_file(parent: QWidget | None, start: Path) -> Path | None:
    """Ask for a backup file anywhere (a USB drive); tests replace this function."""
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        tr("Chọn tệp sao lưu"),
        str(start),
        tr("Sổ đăng ký CĐS Desk (*.cdsdb *.bak);;Mọi tệp (*)"),
    )
    return Path(chosen) if chosen else None


def open_folder(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class RegisterHost(Protocol):
    """What a restore needs from the window (``MainWindow`` provides these)."""

    @property
    def register(self) -> Register: ...

    def release_register(self) -> None: ...

    def reopen_register(self) -> None: ...


# -- the work off the GUI thread -------------------------------------------------


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # every failure reaches the user, in Vietnamese
            if not isinstance(exc, CdsError):
                log.exception("backup job failed")
            self._signals.failed.emit(_message(exc))
        else:
            self._signals.finished.emit(result)


def _message(exc: BaseException) -> str:
    if isinstance(exc, CdsError):
        return str(exc)
    if isinstance(exc, OSError):
        return tr("Không đọc/ghi được “{path}”: {reason}.").format(
            path=exc.filename or "", reason=exc.strerror or tr("lỗi hệ thống")
        )
    return tr("Lỗi ngoài dự kiến ({name}); hãy báo cho người hỗ trợ kỹ thuật.").format(
        name=type(exc).__name__
    )


class BackupRunner(QObject):
    """One backup or restore at a time, on its own thread pool (so a restore can wait for it)."""

    busyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._job: _Job | None = None
        self._signals: _Signals | None = None
        self._progress: QProgressDialog | None = None
        self._on_done: Callable[[Any], None] | None = None
        self._on_failed: Callable[[str], None] | None = None

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        *,
        busy_text: str | None = None,
        parent_widget: QWidget | None = None,
    ) -> bool:
        """Run ``work()``; a ``busy_text`` shows a window-modal busy dialog meanwhile."""
        if self._job is not None:
            return False
        signals = _Signals()
        queued = Qt.ConnectionType.QueuedConnection
        signals.finished.connect(self._finished, queued)
        signals.failed.connect(self._failed, queued)
        self._signals = signals
        self._on_done, self._on_failed = on_done, on_failed
        self._job = _Job(work, signals)
        if busy_text is not None:
            self._progress = _busy_dialog(busy_text, parent_widget)
        self.busyChanged.emit(True)
        self.pool.start(self._job)
        return True

    def _finished(self, result: object) -> None:
        on_done = self._on_done
        self._end()
        if on_done is not None:
            on_done(result)

    def _failed(self, message: str) -> None:
        on_failed = self._on_failed
        self._end()
        if on_failed is not None:
            on_failed(message)

    def _end(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.hide()
            self._progress.deleteLater()
            self._progress = None
        self._job = None
        self._on_done = self._on_failed = None
        if self._signals is not None:
            self._signals.deleteLater()
        self._signals = None
        self.busyChanged.emit(False)


def _busy_dialog(text: str, parent: QWidget | None) -> QProgressDialog:
    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setObjectName("backupProgress")
    progress.setWindowTitle(tr("Sao lưu và khôi phục"))
    progress.setCancelButton(None)  # SQLite's backup and a file rename cannot stop halfway
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
    progress.setMinimumDuration(PROGRESS_DELAY_MS)
    progress.setMinimumWidth(340)
    progress.setAutoReset(False)
    progress.setAutoClose(False)
    progress.setValue(0)
    return progress


def run_and_wait(work: Callable[[], Any], busy_text: str, parent: QWidget | None = None) -> Any:
    """Run ``work`` off the GUI thread behind a busy dialog and return its result.

    For start-up, before any window exists: the local event loop is what a modal
    dialog's ``exec()`` runs. Raises :class:`CdsError` with the job's message.
    """
    runner = BackupRunner()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(text: str) -> None:
        outcome["error"] = text
        loop.quit()

    runner.start(work, done, failed, busy_text=busy_text, parent_widget=parent)
    if runner.running:
        loop.exec()
    runner.deleteLater()
    if "error" in outcome:
        raise CdsError(outcome["error"])
    return outcome.get("result")


# -- the list of backups ---------------------------------------------------------------


class BackupTableModel(QAbstractTableModel):
    COL_TAKEN, COL_REASON, COL_TASKS, COL_SIZE = range(4)
    BACKUP_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's BackupInfo

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BackupInfo] = []
        self._headers = [tr("Ngày giờ sao lưu"), tr("Lý do"), tr("Số nhiệm vụ"), tr("Dung lượng")]

    def set_backups(self, rows: list[BackupInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def backup(self, row: int) -> BackupInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.backup(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role == self.BACKUP_ROLE:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_TAKEN:
                return format_taken(item.taken_at)
            if column == self.COL_REASON:
                return item.label
            if column == self.COL_TASKS:
                return "?" if item.tasks is None else str(item.tasks)
            return format_size(item.size)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(item.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.COL_TASKS, self.COL_SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    return button


class BackupDialog(QDialog):
    """The backups of the register; the controller does the work the buttons ask for."""

    restoreRequested = Signal(object)  # Path of the backup to restore
    backupRequested = Signal()

    def __init__(self, backups: list[BackupInfo], folder: Path, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("backupDialog")
        self.setWindowTitle(tr("Sao lưu và khôi phục"))
        self.folder = folder
        self.model = BackupTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("backupTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the reason, not the size
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())

        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setObjectName("backupInfo")
        self.restore_button = _button(tr("&Khôi phục bản đã chọn…"), "restoreButton")
        self.restore_button.clicked.connect(self.restore_selected)
        self.other_button = _button(tr("Chọn tệp sao lưu &khác…"), "otherButton")
        self.other_button.clicked.connect(self.restore_other)
        self.backup_button = _button(tr("&Sao lưu ngay vào thư mục…"), "backupNowButton")
        self.backup_button.clicked.connect(self.backupRequested)
        self.open_button = _button(tr("&Mở thư mục sao lưu"), "openFolderButton")
        self.open_button.clicked.connect(lambda: open_folder(self.folder))
        close_button = _button(tr("Đón&g"), "closeButton")
        close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        for button in (self.restore_button, self.other_button, self.backup_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.resize(720, 420)
        self.set_backups(backups)

    def set_backups(self, backups: list[BackupInfo]) -> None:
        self.model.set_backups(backups)
        if backups:
            self.table.selectRow(0)  # the newest
            self.info.setText(
                tr(
                    "Chương trình tự sao lưu khi mở, mỗi ngày và trước khi nhập văn bản, vào "
                    "thư mục {folder}. Chọn một bản rồi bấm “Khôi phục bản đã chọn”: sổ hiện "
                    "tại được lưu lại trước khi bị thay."
                ).format(folder=self.folder)
            )
        else:
            self.info.setText(
                tr("Chưa có bản sao lưu nào trong thư mục {folder}.").format(folder=self.folder)
            )
        self.restore_button.setEnabled(bool(backups))
        self.restore_button.setDefault(bool(backups))

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup(rows[0].row()) if rows else None

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        text = tr(
            "Khôi phục sổ đăng ký về bản sao lưu ngày {when} ({reason}, {tasks} nhiệm vụ)?\n\n"
            "Sổ hiện tại được lưu lại thành một bản sao lưu “Trước khi khôi phục”, "
            "có thể khôi phục lại bất cứ lúc nào."
        ).format(
            when=format_taken(chosen.taken_at),
            reason=chosen.label.lower(),
            tasks="?" if chosen.tasks is None else chosen.tasks,
        )
        if common.confirm(self, tr("Khôi phục sổ đăng ký"), text):
            self.accept()
            self.restoreRequested.emit(chosen.path)

    def restore_other(self) -> None:
        path = choose_backup_file(self, self.folder)
        if path is None:
            return
        text = tr(
            "Khôi phục sổ đăng ký từ tệp {path}?\n\nSổ hiện tại được lưu lại thành một bản "
            "sao lưu “Trước khi khôi phục”."
        ).format(path=path)
        if common.confirm(self, tr("Khôi phục sổ đăng ký"), text):
            self.accept()
            self.restoreRequested.emit(path)


# -- the window's entry point ------------------------------------------------------


class BackupController(QObject):
    """Backups for the main window: its menu action, the automatic backups, restores."""

    backedUp = Signal(object)  # Path of a finished backup
    restored = Signal(object)  # Path of the copy of the register as it was before

    def __init__(self, window: QWidget, host: RegisterHost, *, folder: Path | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.host = host
        self._folder = folder
        self.runner = BackupRunner(self)
        self.runner.busyChanged.connect(self._runner_busy)
        self._restoring = False
        self._pending: Path | None = None
        self._warned = False
        self._last_folder: Path | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(DAILY_CHECK_MS)
        self._timer.timeout.connect(self.daily_check)
        self.action = QAction(tr("&Sao lưu và khôi phục…"), window)
        self.action.setObjectName("backupAction")
        self.action.setStatusTip(
            tr("Xem các bản sao lưu, sao lưu vào thư mục khác (USB), khôi phục sổ đăng ký")
        )
        self.action.triggered.connect(self.open_dialog)

    @property
    def register(self) -> Register:
        return self.host.register

    @property
    def available(self) -> bool:
        """False for a register on a database server: its server keeps the backups."""
        return self.register.path is not None

    def folder(self) -> Path:
        assert self.register.path is not None
        return backup.backup_folder(self.register.path, self._folder)

    # -- automatic --------------------------------------------------------------

    def start_automatic(self) -> None:
        """The start-up backup now, then a check every hour for today's backup."""
        if not self.available:
            return
        self.automatic(Reason.STARTUP)
        self._timer.start()

    def daily_check(self) -> None:
        if self.available and backup.backup_due(self.register, folder=self._folder):
            self.automatic(Reason.DAILY)

    def automatic(self, reason: Reason) -> bool:
        if self._restoring or self.runner.running:
            return False
        register, folder = self.register, self._folder
        return self.runner.start(
            lambda: backup.automatic_backup(register, reason, folder=folder),
            self._auto_done,
            self._auto_failed,
        )

    def _auto_done(self, path: object) -> None:
        if isinstance(path, Path):
            self._status(tr("Đã tự động sao lưu sổ đăng ký ({name}).").format(name=path.name))
            self.backedUp.emit(path)

    def _auto_failed(self, message: str) -> None:
        self._status(tr("Không sao lưu tự động được: {message}").format(message=message))
        if not self._warned:  # once per session: a dialog every hour would be noise
            self._warned = True
            common.show_error(
                self.window,
                tr(
                    "Không sao lưu tự động được sổ đăng ký: {message}\n\nHãy kiểm tra ổ đĩa "
                    "còn chỗ trống, rồi sao lưu bằng Tệp → Sao lưu và khôi phục."
                ).format(message=message),
                tr("Sao lưu tự động"),
            )

    # -- the dialog ---------------------------------------------------------------

    def open_dialog(self) -> None:
        if not self.available:
            common.show_info(
                self.window,
                tr(
                    "Sổ đăng ký này nằm trên máy chủ cơ sở dữ liệu; việc sao lưu do người "
                    "quản trị máy chủ thực hiện."
                ),
            )
            return
        dialog = BackupDialog(self.backups(), self.folder(), self.window)
        dialog.backupRequested.connect(lambda: self.backup_to_folder(dialog))
        dialog.restoreRequested.connect(self.restore)
        refresh = self.backedUp.connect(lambda _path: dialog.set_backups(self.backups()))
        try:
            common.exec_dialog(dialog)
        finally:
            self.backedUp.disconnect(refresh)
            dialog.deleteLater()

    def backups(self) -> list[BackupInfo]:
        return backup.list_backups(self.register, self._folder)

    def backup_to_folder(self, parent: QWidget | None = None) -> bool:
        """Ask for a folder (a USB drive) and write a backup there.

        Once the folder is chosen, everything reports to the window, not to ``parent``
        (the dialog), which the user may close while the copy is made.
        """
        start = self._last_folder or self.folder()
        folder = choose_folder(parent or self.window, tr("Chọn thư mục để sao lưu"), start)
        if folder is None:
            return False
        if self.runner.running:
            common.show_info(parent or self.window, tr("Đang sao lưu, xin đợi giây lát."))
            return False
        self._last_folder = folder
        register = self.register
        assert register.path is not None
        target = backup.new_backup_path(register.path, Reason.MANUAL, folder=folder)
        return self.runner.start(
            lambda: backup.backup_register(register, target),
            self._manual_done,
            lambda text: common.show_error(self.window, text, tr("Không sao lưu được")),
            busy_text=tr("Đang sao lưu sổ đăng ký…"),
            parent_widget=self.window,
        )

    def _manual_done(self, path: Path) -> None:
        self._status(tr("Đã sao lưu vào {path}").format(path=path))
        self.backedUp.emit(path)
        common.show_info(
            self.window, tr("Đã sao lưu sổ đăng ký vào {path}.").format(path=path), tr("Sao lưu")
        )

    # -- restore ------------------------------------------------------------------

    def restore(self, backup_path: Path) -> bool:
        """Close the register, restore ``backup_path`` over it (current file kept), reopen.

        An automatic backup still running holds the file open: the restore starts
        when it ends. Returns False when there is nothing to restore into.
        """
        if self.register.path is None or self._restoring:
            return False
        self._restoring = True
        self._pending = Path(backup_path)
        if self.runner.running:
            self._status(tr("Đang chờ bản sao lưu tự động xong để khôi phục…"))
        else:
            self._start_restore()
        return True

    def _runner_busy(self, busy: bool) -> None:
        if not busy and self._pending is not None:
            QTimer.singleShot(0, self._start_restore)  # after the ending job's own callback

    def _start_restore(self) -> None:
        backup_path, self._pending = self._pending, None
        register_path = self.register.path
        if backup_path is None or register_path is None:
            return
        self.host.release_register()
        folder = self._folder
        self.runner.start(
            lambda: backup.restore_register(register_path, backup_path, folder=folder),
            self._restore_done,
            self._restore_failed,
            busy_text=tr("Đang khôi phục sổ đăng ký…"),
            parent_widget=self.window,
        )

    def _restore_done(self, aside: Path | None) -> None:
        error = self._reopen()
        if error:
            common.show_error(self.window, error, tr("Khôi phục"))
            return
        self.restored.emit(aside)
        text = tr("Đã khôi phục sổ đăng ký.")
        if aside is not None:
            text += "\n" + tr("Sổ trước khi khôi phục được lưu tại {path}.").format(path=aside)
        self._status(tr("Đã khôi phục sổ đăng ký."))
        common.show_info(self.window, text, tr("Khôi phục"))

    def _restore_failed(self, message: str) -> None:
        self._reopen()  # the register file was left as it was
        common.show_error(self.window, message, tr("Không khôi phục được"))

    def _reopen(self) -> str:
        self._restoring = False
        try:
            self.host.reopen_register()
        except CdsError as exc:
            return str(exc)
        return ""

    def _status(self, message: str) -> None:
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(message, STATUS_MESSAGE_MS)


# -- a damaged register at start-up -------------------------------------------------


class Recovery(Enum):
    NEWEST = "newest"  # restore the newest sound backup
    OTHER = "other"  # choose another backup file
    QUIT = "quit"


def ask_recovery(report: IntegrityReport, newest: BackupInfo | None) -> Recovery:
    """Tell the user the register is damaged and what can be done; tests replace this."""
    box = QMessageBox(QMessageBox.Icon.Critical, tr("Sổ đăng ký bị hỏng"), report.message)
    box.setObjectName("recoveryBox")
    if newest is not None:
        box.setInformativeText(
            tr("Bản sao lưu gần nhất còn tốt: ngày {when} ({tasks} nhiệm vụ).").format(
                when=format_taken(newest.taken_at),
                tasks="?" if newest.tasks is None else newest.tasks,
            )
        )
    else:
        box.setInformativeText(tr("Không tìm thấy bản sao lưu nào còn tốt bên cạnh sổ đăng ký."))
    if report.details:
        box.setDetailedText("\n".join(report.details))
    buttons: dict[object, Recovery] = {}
    if newest is not None:
        label = tr("Khôi phục từ bản sao lưu ngày {when}").format(
            when=format_taken(newest.taken_at)
        )
        buttons[box.addButton(label, QMessageBox.ButtonRole.AcceptRole)] = Recovery.NEWEST
    other = box.addButton(tr("Chọn bản sao lưu khác…"), QMessageBox.ButtonRole.ActionRole)
    buttons[other] = Recovery.OTHER
    quit_button = box.addButton(tr("Thoát"), QMessageBox.ButtonRole.RejectRole)
    buttons[quit_button] = Recovery.QUIT
    box.setEscapeButton(quit_button)
    common.exec_dialog(box)
    return buttons.get(box.clickedButton(), Recovery.QUIT)


def recover_damaged(
    register_path: Path, report: IntegrityReport, folder: Path | None = None
) -> bool:
    """Offer the backups of a register that failed its start-up check; True once restored.

    The damaged file is never written to: a restore keeps its bytes aside
    (``<name>-<stamp>-tep-hong.cdsdb`` in the backup folder) before replacing it.
    The caller holds the register's lock.
    """
    backups = backup.list_backups(register_path, folder)
    newest = backup.newest_sound_backup(backups)
    while True:
        choice = ask_recovery(report, newest)
        if choice is Recovery.QUIT:
            return False
        chosen: Path | None
        if choice is Recovery.NEWEST and newest is not None:
            chosen = newest.path
        else:
            chosen = choose_backup_file(None, backup.backup_folder(register_path, folder))
            if chosen is None:
                continue
        try:
            aside = run_and_wait(
                partial(backup.restore_register, register_path, chosen, folder=folder),
                tr("Đang khôi phục sổ đăng ký…"),
            )
        except CdsError as exc:
            common.show_error(None, str(exc), tr("Không khôi phục được"))
            continue
        text = tr("Đã khôi phục sổ đăng ký từ {backup}.").format(backup=chosen.name)
        if aside is not None:
            text += "\n" + tr("Tệp hỏng được giữ lại tại {path}.").format(path=aside)
        common.show_info(None, text, tr("Khôi phục"))
        return True
