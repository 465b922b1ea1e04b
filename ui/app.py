"""Building the application: the register to open, the window, the screenshot mode."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
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


def run(path: Path | None, screenshot: str | None = None) -> int:
    QApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("CĐS Desk")
    app.setOrganizationName("CDSDesk")
    try:
        register_path = ensure_register(path)
        from ui.main_window import MainWindow

        window = MainWindow(register_path)
    except CdsError as exc:
        if screenshot:
            print(str(exc), file=sys.stderr)
            return 2
        QMessageBox.critical(None, tr("Không mở được sổ đăng ký"), str(exc))
        return 2
    if screenshot:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        app.processEvents()
        ok = window.grab().save(screenshot, "PNG")
        window.close()
        return 0 if ok else 1
    window.show()
    return app.exec()
