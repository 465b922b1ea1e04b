"""The one place modal dialogs are opened, so tests can replace it.

Tests monkeypatch :func:`exec_dialog`, :func:`confirm` and :func:`show_error`
(``monkeypatch.setattr("ui.dialogs.common.exec_dialog", ...)``); widgets must
call them through the module (``common.exec_dialog(dlg)``), never
``dlg.exec()`` directly.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


def tr(text: str) -> str:
    return QCoreApplication.translate("dialogs", text)


def exec_dialog(dialog: QDialog) -> int:
    """Run a modal dialog; returns ``QDialog.DialogCode`` as int."""
    return dialog.exec()


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question (delete asks first). Default answer: no."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget | None, text: str, title: str | None = None) -> None:
    QMessageBox.warning(parent, title or tr("Không thực hiện được"), text)


def show_info(parent: QWidget | None, text: str, title: str | None = None) -> None:
    QMessageBox.information(parent, title or tr("Thông báo"), text)
