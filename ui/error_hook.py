"""What the window does with an error nobody caught: say it in Vietnamese, log the rest.

A windowed program has no console: without this, an exception raised in a slot
(a panel filled after the first paint, a button) would print a traceback nobody
sees and leave the user wondering why nothing happened.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from cdsdesk.errorlog import log_unexpected
from cdsdesk.errors import CdsError
from ui.dialogs import common


def tr(text: str) -> str:
    return QCoreApplication.translate("ErrorHook", text)


class ErrorHook:
    """``sys.excepthook`` for the window: a known error (``CdsError``) is shown as it is
    worded; anything else is logged with its traceback and shown in one line."""

    def __init__(self) -> None:
        self._showing = False
        self._previous: Callable[..., object] | None = None

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self and self._previous is not None:
            sys.excepthook = self._previous

    def __call__(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        if isinstance(error, CdsError):
            message = str(error)
        else:
            log = log_unexpected(kind, error, trace)
            message = tr(
                "Đã có lỗi ngoài dự kiến ({kind}). Chương trình vẫn chạy tiếp; dữ liệu đã lưu "
                "không bị ảnh hưởng. Chi tiết đã ghi vào {log}."
            ).format(kind=kind.__name__, log=log)
        if self._showing:  # an error while the message box is open: logged, not stacked
            return
        self._showing = True
        try:
            common.show_error(QApplication.activeWindow(), message, tr("Có lỗi"))
        finally:
            self._showing = False
