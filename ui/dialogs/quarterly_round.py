"""The quarterly round: before a briefing, walk one unit's open tasks with the keyboard.

For each task the officer types a progress note, picks a status (Alt+1..Alt+5)
and presses Ctrl+Enter to save and move on; Ctrl+→ skips, Ctrl+← goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import StatusClass, StoredStatus
from cdsdesk.errors import CdsError
from cdsdesk.services.queries import TaskQuery, TaskRow, get_task, query_tasks
from cdsdesk.services.units import UnitInfo, list_units
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold, format_date
from ui.dialogs import common
from ui.models.task_table import deadline_text, status_colour
from ui.operations import Operations

OPEN_CLASSES = frozenset(
    {StatusClass.OPEN_IN_TIME, StatusClass.OPEN_OVERDUE, StatusClass.NO_DEADLINE}
)
STATUSES = list(StoredStatus)  # Alt+1..Alt+5, in this order
RELOAD_DELAY_MS = 300
ERROR_STYLE = "color: #c62828;"

_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
_STATUS_KEYS = {
    int(key): status
    for key, status in zip(
        (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5),
        STATUSES,
        strict=True,
    )
}


def tr(text: str) -> str:
    return QCoreApplication.translate("QuarterlyRoundDialog", text)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def round_tasks(
    register: Register, unit_id: int, include_subunits: bool, as_of: date
) -> list[TaskRow]:
    """A unit's open leaf tasks as of a day: overdue first, then by deadline."""
    rows = query_tasks(
        register, TaskQuery(as_of=as_of, unit_id=unit_id, include_subunits=include_subunits)
    )
    keep = [
        row
        for row in rows
        if row.status_class in OPEN_CLASSES and not row.has_children and not row.cancelled
    ]
    order = {row.id: i for i, row in enumerate(keep)}
    return sorted(
        keep,
        key=lambda r: (
            r.status_class is not StatusClass.OPEN_OVERDUE,
            r.deadline or date.max,
            order[r.id],
        ),
    )


def matching_units(units: list[UnitInfo], text: str) -> list[UnitInfo]:
    """Units whose folded name or short name holds every folded word of ``text``."""
    words = fold(text).split()
    return [u for u in units if all(w in fold(f"{u.name} {u.short_name}") for w in words)]


class UnitCombo(QComboBox):
    """Pick a unit by typing part of its name, with or without diacritics."""

    def __init__(self, units: list[UnitInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unitCombo")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(40)
        self._units = units
        for unit in units:
            self.addItem(unit.name, unit.id)
        self.setCurrentIndex(-1)
        line = self.lineEdit()
        assert line is not None  # an editable combo always has one
        line.setPlaceholderText(tr("Gõ tên đơn vị (không dấu cũng được)…"))
        self._matches = QStringListModel(self)
        self._completer = QCompleter(self._matches, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCompleter(self._completer)
        line.textEdited.connect(self._suggest)
        line.editingFinished.connect(self._settle)

    def unit_id(self) -> int | None:
        value = self.currentData()
        return int(value) if value is not None else None

    def set_unit_id(self, unit_id: int | None) -> None:
        self.setCurrentIndex(self.findData(unit_id) if unit_id is not None else -1)

    def _suggest(self, text: str) -> None:
        names = [u.name for u in matching_units(self._units, text)]
        self._matches.setStringList(names)
        if names and text.strip():
            self._completer.complete()
        else:
            popup = self._completer.popup()
            if popup is not None:
                popup.hide()

    def _settle(self) -> None:
        """Leaving the box: a single match is taken, anything else falls back."""
        text = self.currentText()
        if self.findText(text) >= 0:
            self.setCurrentIndex(self.findText(text))
            return
        found = matching_units(self._units, text)
        if len(found) == 1:
            self.set_unit_id(found[0].id)
        else:
            self.setEditText(self.itemText(self.currentIndex()) if self.currentIndex() >= 0 else "")


class QuarterlyRoundDialog(QDialog):
    """Step through one unit's open tasks and record progress, keyboard only."""

    def __init__(
        self,
        ops: Operations,
        unit_id: int | None = None,
        as_of: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quarterlyRoundDialog")
        self.setWindowTitle(tr("Cập nhật tiến độ trước giao ban"))
        self.ops = ops
        self._rows: list[TaskRow] = []
        self._index = 0
        self._updated: set[int] = set()
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)

        units = [u for u in list_units(ops.register) if u.active or u.id == unit_id]
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_top(units, as_of or date.today()))
        layout.addWidget(self._line())
        layout.addWidget(self._build_task_view(), 1)
        layout.addWidget(self._line())
        layout.addLayout(self._build_entry())

        self.unit_combo.set_unit_id(unit_id)
        self.unit_combo.currentIndexChanged.connect(self.reload)
        self.subunits_check.toggled.connect(self.reload)
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        for child in self.findChildren(QWidget):
            if child.focusPolicy() != Qt.FocusPolicy.NoFocus:
                child.installEventFilter(self)
        self.resize(820, 560)
        self.reload()
        if unit_id is None:
            self.unit_combo.setFocus()

    # -- building ---------------------------------------------------------

    @staticmethod
    def _line() -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    def _build_top(self, units: list[UnitInfo], as_of: date) -> QHBoxLayout:
        self.unit_combo = UnitCombo(units)
        unit_label = QLabel(tr("Đơn &vị:"))
        unit_label.setBuddy(self.unit_combo)
        self.subunits_check = QCheckBox(tr("Gồm đơn vị &trực thuộc"), objectName="subunitsCheck")
        self.as_of_edit = QDateEdit(_qdate(as_of), objectName="asOfEdit")
        self.as_of_edit.setDisplayFormat("dd/MM/yyyy")
        self.as_of_edit.setCalendarPopup(True)
        as_of_label = QLabel(tr("Tính đến &ngày:"))
        as_of_label.setBuddy(self.as_of_edit)
        top = QHBoxLayout()
        top.addWidget(unit_label)
        top.addWidget(self.unit_combo, 1)
        top.addWidget(self.subunits_check)
        top.addSpacing(12)
        top.addWidget(as_of_label)
        top.addWidget(self.as_of_edit)
        return top

    def _build_task_view(self) -> QWidget:
        self.position_label = QLabel(objectName="positionLabel")
        self.position_label.setStyleSheet("font-weight: bold; font-size: 13pt;")
        self.content_label = QLabel(objectName="contentLabel")
        self.content_label.setWordWrap(True)
        self.content_label.setStyleSheet("font-size: 11pt;")
        self.content_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.content_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.units_label = QLabel(objectName="unitsLabel")
        self.units_label.setWordWrap(True)
        self.deadline_label = QLabel(objectName="deadlineLabel")
        self.status_label = QLabel(objectName="statusLabel")
        self.last_note_label = QLabel(objectName="lastNoteLabel")
        self.last_note_label.setWordWrap(True)
        self.last_note_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recorded_label = QLabel(objectName="recordedLabel")
        self.facts = QWidget(objectName="taskFacts")
        facts = QFormLayout(self.facts)
        facts.setContentsMargins(0, 6, 0, 0)
        facts.addRow(tr("Chủ trì:"), self.units_label)
        facts.addRow(tr("Thời hạn:"), self.deadline_label)
        facts.addRow(tr("Tình trạng:"), self.status_label)
        facts.addRow(tr("Trong sổ:"), self.recorded_label)
        facts.addRow(tr("Tiến độ gần nhất:"), self.last_note_label)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.position_label)
        box.addWidget(self.content_label)
        box.addWidget(self.facts)
        box.addStretch(1)
        return page

    def _build_entry(self) -> QVBoxLayout:
        self.note_edit = QPlainTextEdit(objectName="noteEdit")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(tr("Kết quả, tiến độ đến nay…"))
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 14)
        note_label = QLabel(tr("Tiến độ &mới:"))
        note_label.setBuddy(self.note_edit)

        self.status_group = QButtonGroup(self)
        radios = QHBoxLayout()
        for i, status in enumerate(STATUSES):
            radio = QRadioButton(f"&{i + 1} {status.label}", objectName=f"status_{status.value}")
            self.status_group.addButton(radio, i)
            radios.addWidget(radio)
        radios.addStretch(1)

        self.note_date_edit = QDateEdit(self.as_of_edit.date(), objectName="noteDateEdit")
        self.note_date_edit.setDisplayFormat("dd/MM/yyyy")
        self.note_date_edit.setCalendarPopup(True)
        date_row = QHBoxLayout()
        date_row.addWidget(self.note_date_edit)
        date_row.addStretch(1)

        form = QFormLayout()
        form.addRow(note_label, self.note_edit)
        form.addRow(tr("Tình trạng mới:"), radios)
        date_label = QLabel(tr("Ngày &ghi:"))
        date_label.setBuddy(self.note_date_edit)
        form.addRow(date_label, date_row)

        self.error_label = QLabel(objectName="errorLabel")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        keys = QLabel(
            tr(
                "Ctrl+Enter: lưu và sang nhiệm vụ tiếp; Ctrl+→ / Ctrl+← : bỏ qua / "
                "quay lại; Alt+1…Alt+5: chọn tình trạng; Esc: đóng"
            ),
            objectName="keysLabel",
        )
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #616161;")

        self.progress_label = QLabel(objectName="progressLabel")
        self.back_button = self._button(tr("← Quay lại"), "backButton", self.back)
        self.skip_button = self._button(tr("Bỏ qua →"), "skipButton", self.skip)
        self.save_button = self._button(tr("Lưu và tiếp"), "saveNextButton", self.save_and_next)
        close = self._button(tr("Đóng"), "closeButton", self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress_label, 1)
        for button in (self.back_button, self.skip_button, self.save_button, close):
            buttons.addWidget(button)

        entry = QVBoxLayout()
        entry.addLayout(form)
        entry.addWidget(self.error_label)
        entry.addWidget(keys)
        entry.addLayout(buttons)
        return entry

    @staticmethod
    def _button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, objectName=name)
        # Enter belongs to the note box; only Ctrl+Enter saves.
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- keyboard ---------------------------------------------------------

    def _command_for(self, event: QKeyEvent) -> Callable[[], None] | None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if mods == _CTRL:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                return self.save_and_next
            if key == Qt.Key.Key_Right:
                return self.skip
            if key == Qt.Key.Key_Left:
                return self.back
        status = _STATUS_KEYS.get(int(key))
        if mods == _ALT and status is not None:
            return lambda: self.choose_status(status)
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Text boxes claim Ctrl+←/→ (word moves) and Enter; the round's keys win here.
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and isinstance(
            event, QKeyEvent
        ):
            command = self._command_for(event)
            if command is not None:
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    command()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        command = self._command_for(event)
        if command is not None:
            command()
            return
        super().keyPressEvent(event)

    # -- the list ---------------------------------------------------------

    def as_of(self) -> date:
        return _pydate(self.as_of_edit.date())

    def note_date(self) -> date:
        return _pydate(self.note_date_edit.date())

    def _as_of_changed(self) -> None:
        self.note_date_edit.setDate(self.as_of_edit.date())
        self._reload_timer.start()

    def reload(self) -> None:
        """Load the chosen unit's open tasks and start at the first."""
        self._reload_timer.stop()
        unit_id = self.unit_combo.unit_id()
        self._rows = (
            round_tasks(self.ops.register, unit_id, self.subunits_check.isChecked(), self.as_of())
            if unit_id is not None
            else []
        )
        self._updated.clear()
        self.go_to(0)

    def rows(self) -> list[TaskRow]:
        return list(self._rows)

    def current_index(self) -> int:
        return self._index

    def current_row(self) -> TaskRow | None:
        return self._rows[self._index] if 0 <= self._index < len(self._rows) else None

    def updated_count(self) -> int:
        return len(self._updated)

    def summary_text(self) -> str:
        return tr("Đã cập nhật {done}/{total} nhiệm vụ").format(
            done=len(self._updated), total=len(self._rows)
        )

    # -- moving -----------------------------------------------------------

    def go_to(self, index: int) -> None:
        if index >= len(self._rows) and self._rows:
            self.finish()
            return
        self._index = max(0, index)
        self.show_error("")
        self.note_edit.clear()
        self._show_current()

    def skip(self) -> None:
        if self._rows:
            self.go_to(self._index + 1)

    def back(self) -> None:
        if self._rows and self._index > 0:
            self.go_to(self._index - 1)

    def choose_status(self, status: StoredStatus) -> None:
        button = self.status_group.button(STATUSES.index(status))
        if button is not None and button.isEnabled():
            button.setChecked(True)

    def chosen_status(self) -> StoredStatus | None:
        index = self.status_group.checkedId()
        return STATUSES[index] if index >= 0 else None

    def save_and_next(self) -> None:
        """Save the note (if there is anything to save) and move to the next task."""
        row = self.current_row()
        if row is None:
            return
        text = self.note_edit.toPlainText().strip()
        status = self.chosen_status()
        changed = status is not None and status is not row.status
        if text or changed:
            if not text and status is not None:
                text = tr("Cập nhật tình trạng: {status}.").format(status=status.label)
            try:
                self.ops.add_note(
                    row.id, text, noted_on=self.note_date(), status=status if changed else None
                )
            except CdsError as exc:
                self.show_error(str(exc))
                return
            self._updated.add(row.id)
            self._rows[self._index] = get_task(self.ops.register, row.id, self.as_of()).row
        self.go_to(self._index + 1)

    def finish(self) -> None:
        common.show_info(self, self.summary_text(), tr("Cập nhật tiến độ"))
        self.accept()

    # -- showing ----------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _show_current(self) -> None:
        row = self.current_row()
        has = row is not None
        for widget in (
            self.note_edit,
            self.note_date_edit,
            self.save_button,
            self.skip_button,
            *self.status_group.buttons(),
        ):
            widget.setEnabled(has)
        self.back_button.setEnabled(has and self._index > 0)
        self.progress_label.setText(self.summary_text() if self._rows else "")
        self.facts.setVisible(has)
        if row is None:
            self._show_empty()
            return
        self.position_label.setText(
            tr("Nhiệm vụ {n}/{total}").format(n=self._index + 1, total=len(self._rows))
        )
        ref = f"{row.ref}. " if row.ref else ""
        self.content_label.setText(ref + row.content)
        lead = "; ".join(row.lead_units)
        self.units_label.setText(lead + (f"  ·  {row.document}" if row.document else ""))
        self.deadline_label.setText(deadline_text(row) or tr("Không thời hạn"))
        status = tr("{label}, tính đến {day}").format(
            label=row.status_label, day=format_date(self.as_of())
        )
        if row.days_overdue:
            status += tr(" (quá {n} ngày)").format(n=row.days_overdue)
        self.status_label.setText(status)
        recorded = row.status.label
        if row.completed_on:
            recorded += tr(" ngày {day}").format(day=format_date(row.completed_on))
        self.recorded_label.setText(recorded)
        colour = status_colour(row)
        self.status_label.setStyleSheet(f"color: {colour.name()};" if colour is not None else "")
        if row.last_note:
            day = format_date(row.last_note_on) if row.last_note_on else ""
            self.last_note_label.setText(f"{day}: {row.last_note}" if day else row.last_note)
        else:
            self.last_note_label.setText(tr("(chưa có)"))
        self.status_group.button(STATUSES.index(row.status)).setChecked(True)
        self.note_edit.setFocus()

    def _show_empty(self) -> None:
        if self.unit_combo.unit_id() is None:
            self.position_label.setText(tr("Chọn đơn vị để bắt đầu"))
        else:
            self.position_label.setText(
                tr("Đơn vị không có nhiệm vụ đang thực hiện tính đến {day}").format(
                    day=format_date(self.as_of())
                )
            )
        self.content_label.clear()
        checked = self.status_group.checkedButton()
        if checked is not None:
            self.status_group.setExclusive(False)
            checked.setChecked(False)
            self.status_group.setExclusive(True)
