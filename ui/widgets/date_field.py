"""An optional date: a dd/MM/yyyy QDateEdit that can also be empty.

QDateEdit has no empty state, so the field keeps a sentinel date (its minimum)
and shows a special text instead of it. Typing a digit, stepping or opening the
calendar from the empty state starts from today, not from the sentinel year.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from ui.i18n import setup_date_edit, vietnamese_locale

EMPTY = QDate(1900, 1, 1)  # the sentinel: never a real date in this register
_SEPARATORS = "/.-"
_STEP_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


def tr(text: str) -> str:
    return QCoreApplication.translate("DateField", text)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class DateField(QWidget):
    """A date or nothing. ``changed`` fires whenever :meth:`date` changes."""

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        empty_text: str | None = None,
        clearable: bool = True,
    ) -> None:
        super().__init__(parent)
        self.edit = QDateEdit(objectName="dateEdit")
        self.edit.setLocale(vietnamese_locale())
        setup_date_edit(self.edit)  # dd/MM/yyyy, calendar popup, Monday first
        self.edit.setMinimumDate(EMPTY)
        self.edit.setSpecialValueText(empty_text or tr("(trống)"))
        self.edit.setDate(EMPTY)
        self.edit.setKeyboardTracking(True)
        calendar = self.edit.calendarWidget()
        calendar.setLocale(vietnamese_locale())
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        calendar.setGridVisible(True)
        calendar.installEventFilter(self)
        self.edit.installEventFilter(self)
        self.edit.dateChanged.connect(self._date_changed)

        self.clear_button = QToolButton(objectName="clearDateButton")
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton)
        self.clear_button.setIcon(icon)
        self.clear_button.setAutoRaise(True)
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.setToolTip(tr("Xóa ngày (Ctrl+A rồi Delete)"))
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setVisible(clearable)
        self.clear_button.setEnabled(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    # -- value ------------------------------------------------------------

    def date(self) -> date | None:
        value = self.edit.date()
        return None if value == EMPTY else value.toPython()  # type: ignore[no-any-return]

    def set_date(self, value: date | None) -> None:
        self.edit.setDate(EMPTY if value is None else to_qdate(value))

    def clear(self) -> None:
        self.edit.setDate(EMPTY)

    def is_empty(self) -> bool:
        return self.edit.date() == EMPTY

    def _date_changed(self) -> None:
        self.clear_button.setEnabled(not self.is_empty())
        self.changed.emit()

    # -- keyboard and calendar from the empty state -----------------------

    def _start_from_today(self) -> None:
        self.edit.setDate(QDate.currentDate())
        self.edit.setSelectedSection(QDateTimeEdit.Section.DaySection)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit.calendarWidget():
            if event.type() == QEvent.Type.Show and self.is_empty():
                today = QDate.currentDate()
                self.edit.calendarWidget().setCurrentPage(today.year(), today.month())
            return False
        if watched is not self.edit:
            return False
        if event.type() == QEvent.Type.Wheel and self.is_empty():
            return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        return False

    def _key(self, event: QKeyEvent) -> bool:
        """Return True when the key is handled here and must not reach the QDateEdit."""
        line = self.edit.lineEdit()
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            # QDateEdit walks its sections on Tab; officers move between
            # sections with "/" and expect Tab to go to the next field.
            forward = event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            self.focusNextPrevChild(forward)
            return True
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.is_empty() or line.selectedText() == line.text()
        ):
            self.clear()
            return True
        if event.matches(QKeySequence.StandardKey.SelectAll):
            line.selectAll()
            return True
        if self.is_empty():
            if event.text().isdigit():
                self._start_from_today()
                return False  # the digit now overwrites today's day
            alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
            if event.key() in _STEP_KEYS and not alt:
                self._start_from_today()
                return True
            return False
        if event.text().isdigit() and line.hasSelectedText() and line.selectedText() == line.text():
            # Typing over a fully selected date starts again from the day.
            self.edit.setSelectedSection(QDateTimeEdit.Section.DaySection)
            return False
        # QDateEdit jumps to the next section after two digits; a "/" typed
        # right after that would otherwise be read as the next section's text.
        text = event.text()
        if text and text in _SEPARATORS:
            pos = line.selectionStart() if line.hasSelectedText() else line.cursorPosition()
            if pos > 0 and line.text()[pos - 1] in _SEPARATORS:
                return True
        return False
