"""Work a window does once it has painted: what start-up need not wait for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Runs ``steps`` one per event-loop turn, from the first time ``widget`` paints.

    Input and repaints are handled between two steps. :meth:`run_now` runs what is
    left at once; :meth:`cancel` drops it. ``finished`` is emitted once, when no step
    is left (not after :meth:`cancel`).
    """

    finished = Signal()

    def __init__(self, widget: QWidget, steps: list[Callable[[], None]], parent: QObject) -> None:
        super().__init__(parent)
        self._widget = widget
        self._steps = list(steps)
        self._done = False
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._next)
        widget.installEventFilter(self)

    def is_done(self) -> bool:
        return self._done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._timer.start()  # after this paint has completed
        return False

    def _next(self) -> None:
        try:
            if self._steps:
                self._steps.pop(0)()
        finally:  # a step that failed (and says so) does not keep the others from running
            if self._steps:
                self._timer.start()
            else:
                self._finish()

    def run_now(self) -> None:
        self._widget.removeEventFilter(self)
        self._timer.stop()
        while self._steps:
            self._steps.pop(0)()
        self._finish()

    def cancel(self) -> None:
        self._widget.removeEventFilter(self)
        self._timer.stop()
        self._steps.clear()

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            self.finished.emit()
