"""Building the application: the register to open, the window, the screenshot mode."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from cdsdesk.errors import CdsError
from cdsdesk.storage.db import Register, default_register_path

SCREENSHOT_SIZE = (1366, 768)


def tr(text: str) -> str:
    return QCoreApplication.translate("app", text)


def ensure_register(path: Path | None) -> Path:
    """The register to open; a new user's first start gets the demo register."""
    if path is not None:
        return path
    default = default_register_path()
    if not default.exists():
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
    return app


def run(path: Path | None, screenshot: str | None = None) -> int:
    app = make_app()
    try:
        register_path = ensure_register(path)
        from ui.main_window import MainWindow

        # A screenshot shows the default layout and leaves the user's settings alone.
        window = MainWindow(register_path, settings=_scratch_settings() if screenshot else None)
    except CdsError as exc:
        if screenshot:
            print(str(exc), file=sys.stderr)
            return 2
        QMessageBox.critical(None, tr("Không mở được sổ đăng ký"), str(exc))
        return 2
    if screenshot:
        return save_screenshot(window, screenshot)
    window.show()
    return app.exec()


def _scratch_settings() -> QSettings:
    path = Path(tempfile.mkdtemp(prefix="cdsdesk-")) / "screenshot.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def save_screenshot(window: object, target: str) -> int:
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    QApplication.processEvents()  # one layout pass before rendering, not a loop
    ok = window.grab().save(target, "PNG")
    window.close()
    return 0 if ok else 1
