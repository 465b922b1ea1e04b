"""Building the application: the register to open, the window, the screenshot mode."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu

from cdsdesk.errors import CdsError
from cdsdesk.resources import resource_path
from cdsdesk.storage import backup, migrate
from cdsdesk.storage.db import Register, default_register_location, default_register_path
from cdsdesk.storage.integrity import Finding, check_register
from cdsdesk.storage.lock import acquire_or_explain
from ui.dialogs import common
from ui.dialogs.backup_dialog import BackupController, recover_damaged
from ui.error_hook import ErrorHook
from ui.main_window import MainWindow
from ui.single_instance import SingleInstance, bring_to_front, server_name

SCREENSHOT_SIZE = (1366, 768)
PANELS_TIMEOUT_MS = 120_000  # a screenshot never waits forever (a window that never paints)


def tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def already_open_text() -> str:
    return tr(
        "Sổ đăng ký này đang được mở trong một cửa sổ CĐS Desk khác; đã chuyển sang cửa sổ đó."
    )


class StartCancelled(Exception):
    """The new user closed the first-start dialog: nothing was created; exit quietly."""


def _is_url(location: str | Path | None) -> bool:
    return isinstance(location, str) and "://" in location


def _chosen(path: str | Path | None) -> str | Path | None:
    """``--db`` as given, else a shared register this PC is set up for, else None."""
    if path is not None:
        return path if _is_url(path) else Path(path)
    location = default_register_location()  # a str only when this PC names a register
    if isinstance(location, Path):
        return None
    return location if _is_url(location) else Path(location)


def ensure_register(path: str | Path | None, *, ask: bool = True) -> str | Path:
    """The register to open.

    Without ``--db`` and without a register in the data folder yet, a new user
    chooses: a register for their agency, the demo register, or one from another
    PC (:mod:`ui.dialogs.first_start`); closing that dialog raises
    :class:`StartCancelled`. Without ``ask`` (the screenshot mode) the demo is written.
    """
    chosen = _chosen(path)
    if chosen is not None:
        return chosen
    default = default_register_path()
    if default.exists():
        return default
    if ask:
        from ui.dialogs.first_start import first_start

        if not first_start(default):
            raise StartCancelled
        return default
    from cdsdesk.demo import write_demo

    with Register(default) as register:
        write_demo(register)
    return default


def make_app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Sharp text on high-DPI screens: no rounding of fractional scale factors.
    QApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(sys.argv)
    app.setApplicationName("CDSDesk")
    app.setApplicationDisplayName("CĐS Desk")
    app.setOrganizationName("CDSDesk")
    from ui.i18n import install_vietnamese

    install_vietnamese(app)
    # Qt on Windows does not take the title-bar icon from the .exe.
    app.setWindowIcon(QIcon(str(resource_path("icons", "cdsdesk.png"))))
    return app


def run(path: str | Path | None, screenshot: str | None = None) -> int:
    app = make_app()
    if screenshot:
        return _run_screenshot(path, screenshot)
    hook = ErrorHook()
    hook.install()
    try:
        return _run_window(app, path)
    finally:
        hook.uninstall()


def _run_window(app: QApplication, path: str | Path | None) -> int:
    location = _chosen(path) or default_register_path()
    instance = SingleInstance(server_name(location))
    if instance.notify_running():
        common.show_info(None, already_open_text(), tr("CĐS Desk"))
        return 0
    try:
        lock = acquire_or_explain(location)
    except CdsError as exc:
        if instance.notify_running():  # a window that started a moment before this one
            common.show_info(None, already_open_text(), tr("CĐS Desk"))
            return 0
        common.show_error(None, str(exc), tr("Không mở được sổ đăng ký"))
        return 2
    with lock:
        try:
            window = open_window(path)
        except StartCancelled:
            return 0
        if window is None:
            return 2
        instance.listen()
        instance.showRequested.connect(lambda: bring_to_front(window))
        backups = BackupController(window, MainWindowHost(window))
        add_to_file_menu(window, backups.action)
        window.show()
        # The start-up backup reads the whole file: after the side panels, not beside them.
        if window.panels_loaded:
            backups.start_automatic()
        else:
            once = Qt.ConnectionType.SingleShotConnection
            window.panelsLoaded.connect(backups.start_automatic, once)
        code = app.exec()
        instance.close()
    return code


def open_window(path: str | Path | None) -> MainWindow | None:
    """The window on a checked register, or None after telling the user why not.

    The caller holds the register's lock.
    """
    try:
        register_path = ensure_register(path)
        # A server register is checked by its server; a file is checked here.
        if isinstance(register_path, Path) and not check_at_start(register_path):
            return None
        # The table first, the side panels right after its first paint.
        return MainWindow(register_path, deferred=True)
    except CdsError as exc:
        common.show_error(None, str(exc), tr("Không mở được sổ đăng ký"))
        return None


def check_at_start(register_path: Path) -> bool:
    """The start-up check; a damaged register is offered its backups, never opened.

    True when the register may be opened (sound, or restored from a backup).
    """
    report = check_register(register_path)
    if report.ok:
        return True
    known = bool(backup.scan_backups(register_path))
    recoverable = report.finding is Finding.DAMAGED or (
        report.finding is Finding.NOT_DATABASE and known  # it was a register once
    )
    if not recoverable:
        common.show_error(None, report.message, tr("Không mở được sổ đăng ký"))
        return False
    if not recover_damaged(register_path, report):
        return False
    again = check_register(register_path)
    if not again.ok:
        common.show_error(None, again.message, tr("Không mở được sổ đăng ký"))
    return again.ok


class MainWindowHost:
    """Lends the window's register to a restore: close every connection, then reopen.

    To become ``MainWindow.release_register()`` and ``MainWindow.reopen_register()``;
    the restore then takes the window itself as its host.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    @property
    def register(self) -> Register:
        return self.window.register

    def release_register(self) -> None:
        self.window.exports.wait_for_export()
        self.window.register.dispose()  # SQLAlchemy reconnects on the next use

    def reopen_register(self) -> None:
        register = self.window.register
        # An older backup is brought to the newest schema (a copy is saved first).
        register.backup_before_migration = migrate.upgrade(register)
        register.changed()
        self.window.ops.stack.clear()  # undo steps describe the register before the restore
        self.window.reload_all()


def add_to_file_menu(window: MainWindow, action: QAction) -> None:
    """Put ``action`` in the Tệp menu, above Thoát."""
    for entry in window.menuBar().actions():
        menu = entry.menu()
        if isinstance(menu, QMenu) and window.quit_action in menu.actions():
            menu.insertAction(window.quit_action, action)
            menu.insertSeparator(window.quit_action)
            return


def _run_screenshot(path: str | Path | None, screenshot: str) -> int:
    try:
        register_path = ensure_register(path, ask=False)
        # A screenshot shows the default layout and leaves the user's settings alone; it
        # starts the way the program does and waits for the side panels.
        window = MainWindow(register_path, settings=_scratch_settings(), deferred=True)
    except CdsError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    return save_screenshot(window, screenshot)


def wait_for_panels(window: MainWindow, timeout_ms: int = PANELS_TIMEOUT_MS) -> bool:
    """Run the event loop until the window's side panels are filled; whether they are."""
    if not window.panels_loaded:
        loop = QEventLoop()
        window.panelsLoaded.connect(loop.quit)
        timer = QTimer(singleShot=True, interval=timeout_ms)
        timer.timeout.connect(loop.quit)
        timer.start()
        loop.exec()
        timer.stop()
        window.panelsLoaded.disconnect(loop.quit)
    return window.panels_loaded


def _scratch_settings() -> QSettings:
    path = Path(tempfile.mkdtemp(prefix="cdsdesk-")) / "screenshot.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def save_screenshot(window: object, target: str) -> int:
    assert isinstance(window, MainWindow)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    wait_for_panels(window)
    QApplication.processEvents()  # one layout pass before rendering, not a loop
    ok = window.grab().save(target, "PNG")
    window.close()
    return 0 if ok else 1
