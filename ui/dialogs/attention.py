"""What needs attention today: a short, dismissible panel shown on start.

Overdue tasks (worst first, with how many are over 90 days late) and tasks
due within the register's "due soon" window (soonest first), five of each;
a line opens its task, a link shows the whole list in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import StatusClass
from cdsdesk.services.queries import DUE_SOON, TaskQuery, TaskRow, query_tasks
from cdsdesk.settings import load_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import format_date
from ui.models.task_table import DUE_SOON as DUE_SOON_COLOUR
from ui.models.task_table import OVERDUE as OVERDUE_COLOUR
from ui.models.task_table import natural_key

TOP = 5
LONG_OVERDUE_DAYS = 90
SHOW_OVERDUE = StatusClass.OPEN_OVERDUE.value
SHOW_DUE_SOON = DUE_SOON
_UNIT_COLUMN_MAX = 240
UNIT_COLUMN_MIN = 80

_STYLE = """
QFrame#attentionPanel {
    background: #fffbf2;
    border: 1px solid #e6d5a8;
    border-radius: 4px;
}
QFrame#attentionLine { border-radius: 3px; }
QFrame#attentionLine:hover { background: #f6ead0; }
QFrame#attentionLine:focus { background: #f0e0b8; }
QPushButton#showOverdueButton, QPushButton#showDueSoonButton {
    border: none; color: palette(link); text-decoration: underline; padding: 0 4px;
}
QPushButton#showOverdueButton:focus, QPushButton#showDueSoonButton:focus {
    background: #f0e0b8;
}
QToolButton#dismissButton { border: none; padding: 2px 6px; }
QToolButton#dismissButton:hover { background: #f0e0b8; border-radius: 3px; }
"""


def tr(text: str) -> str:
    return QCoreApplication.translate("AttentionPanel", text)


@dataclass(frozen=True)
class Attention:
    """Leaf tasks that need attention as of a day."""

    as_of: date
    due_soon_days: int
    overdue: tuple[TaskRow, ...]  # worst first
    due_soon: tuple[TaskRow, ...]  # soonest first

    @property
    def long_overdue(self) -> int:
        return sum(row.days_overdue > LONG_OVERDUE_DAYS for row in self.overdue)

    @property
    def is_empty(self) -> bool:
        return not self.overdue and not self.due_soon


def attention_from_rows(rows: list[TaskRow], as_of: date, due_soon_days: int) -> Attention:
    """Pick and order the tasks to show from rows judged as of ``as_of``."""
    # The same rows as the table's "overdue" and "due soon" filters, tasks without
    # sub-tasks only, in one pass each (31,000 overdue rows at 100,000 tasks).
    late = StatusClass.OPEN_OVERDUE
    overdue = [r for r in rows if r.status_class is late and not r.has_children]
    due_soon = [r for r in rows if r.due_soon and not r.has_children]
    overdue.sort(key=lambda r: (-r.days_overdue, natural_key(r.ref), r.id))
    due_soon.sort(key=lambda r: (r.deadline or date.max, natural_key(r.ref), r.id))
    return Attention(as_of, due_soon_days, tuple(overdue), tuple(due_soon))


def load_attention(register: Register, as_of: date) -> Attention:
    rows = query_tasks(register, TaskQuery(as_of=as_of))
    return attention_from_rows(rows, as_of, load_settings(register).due_soon_days)


def when_text(row: TaskRow, as_of: date) -> str:
    """How late, or how soon: the last column of a line."""
    if row.status_class is StatusClass.OPEN_OVERDUE:
        return tr("quá hạn {n} ngày").format(n=row.days_overdue)
    if row.deadline is None:
        return ""
    left = (row.deadline - as_of).days
    if left <= 0:
        if as_of == date.today():
            return tr("hạn hôm nay")
        return tr("hạn {date}").format(date=format_date(row.deadline))
    return tr("còn {n} ngày ({date})").format(n=left, date=format_date(row.deadline))


@dataclass(frozen=True)
class _Section:
    name: str  # object names: "<name>Header"
    header: str
    colour: str
    link: str
    link_name: str
    status: str  # what showStatus emits
    rows: tuple[TaskRow, ...]


def _sections(attention: Attention) -> list[_Section]:
    sections = []
    if attention.overdue:
        header = tr("{n} nhiệm vụ quá hạn").format(n=len(attention.overdue))
        if attention.long_overdue:
            header += tr(", trong đó {n} nhiệm vụ quá hạn hơn {days} ngày").format(
                n=attention.long_overdue, days=LONG_OVERDUE_DAYS
            )
        sections.append(
            _Section(
                "overdue",
                header,
                OVERDUE_COLOUR.name(),
                tr("Xem tất cả việc quá hạn"),
                "showOverdueButton",
                SHOW_OVERDUE,
                attention.overdue,
            )
        )
    if attention.due_soon:
        header = tr("{n} nhiệm vụ sắp đến hạn (trong {days} ngày tới)").format(
            n=len(attention.due_soon), days=attention.due_soon_days
        )
        sections.append(
            _Section(
                "dueSoon",
                header,
                DUE_SOON_COLOUR.name(),
                tr("Xem việc sắp đến hạn"),
                "showDueSoonButton",
                SHOW_DUE_SOON,
                attention.due_soon,
            )
        )
    return sections


class ElidedLabel(QLabel):
    """One line of plain text cut with "…" to the width it is given."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = text
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        elided = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideRight, self.width()
        )
        if elided != self.text():
            self.setText(elided)
        super().resizeEvent(event)


class AttentionLine(QFrame):
    """One task: ref, content, lead units, how late. Click, Enter or Space opens it."""

    activated = Signal(int)

    def __init__(self, row: TaskRow, when: str, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="attentionLine")
        self.task_id = row.id
        self.setProperty("taskId", row.id)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        units = "; ".join(row.lead_units) or tr("(chưa giao đơn vị chủ trì)")
        self.ref_label = QLabel(row.ref, textFormat=Qt.TextFormat.PlainText)
        self.content_label = ElidedLabel(row.content)
        self.unit_label = ElidedLabel(units)
        self.unit_label.setStyleSheet("color: #555;")
        self.when_label = QLabel(when, textFormat=Qt.TextFormat.PlainText)
        self.when_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.when_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(18, 3, 6, 3)
        layout.setSpacing(10)
        layout.addWidget(self.ref_label)
        layout.addWidget(self.content_label, 1)
        layout.addWidget(self.unit_label)
        layout.addWidget(self.when_label)
        deadline = format_date(row.deadline) if row.deadline else row.deadline_text
        self.setToolTip(
            f"{row.ref} {row.content}\n"
            + tr("Chủ trì: {units}").format(units=units)
            + "\n"
            + tr("Thời hạn: {deadline}").format(deadline=deadline)
            + "\n"
            + tr("Nhấn để mở nhiệm vụ.")
        )
        self.setAccessibleName(f"{row.ref} {row.content}, {units}, {when}")

    def set_column_widths(self, ref: int, unit: int, when: int) -> None:
        self.ref_label.setFixedWidth(ref)
        self.unit_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.unit_label.setFixedWidth(unit)
        # The unit column narrows with the panel (_apply_widths): it must not hold the
        # window at its current width.
        self.unit_label.setMinimumWidth(min(unit, UNIT_COLUMN_MIN))
        self.when_label.setFixedWidth(when)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.activated.emit(self.task_id)
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.task_id)
            return
        super().keyPressEvent(event)


class AttentionPanel(QFrame):
    """The start-of-day panel over the task table; ✕ or Escape closes it."""

    taskActivated = Signal(int)
    showStatus = Signal(str)  # SHOW_OVERDUE ("open_overdue") or SHOW_DUE_SOON ("due_soon")
    dismissed = Signal()

    def __init__(
        self,
        register: Register,
        as_of: date | None = None,
        parent: QWidget | None = None,
        *,
        load: bool = True,
    ) -> None:
        """``load=False`` shows only the title until :meth:`reload` (the window fills
        the panel after its first paint)."""
        super().__init__(parent, objectName="attentionPanel")
        self.register = register
        self.attention = Attention(as_of or date.today(), 0, (), ())
        self.setStyleSheet(_STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.title = QLabel(objectName="attentionTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.dismiss_button = QToolButton(objectName="dismissButton", text="✕")
        self.dismiss_button.setToolTip(tr("Ẩn bảng này (Esc)"))
        self.dismiss_button.setAccessibleName(tr("Ẩn bảng cần chú ý"))
        self.dismiss_button.clicked.connect(self.dismiss)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)

        self._body: QWidget | None = None
        self._lines: list[AttentionLine] = []
        self._widths = (0, 0, 0)  # natural ref, unit and "how late" widths
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 6, 8)
        self._layout.setSpacing(2)
        self._layout.addLayout(top)
        self._loaded = False
        if load:
            self.reload(as_of)
        else:
            self._show_title(self.attention.as_of)

    def is_loaded(self) -> bool:
        return self._loaded

    def reload(self, as_of: date | None = None) -> None:
        """Read the register again, as of ``as_of`` (today if not given)."""
        self.show_attention(load_attention(self.register, as_of or date.today()))

    def show_attention(self, attention: Attention) -> None:
        self.attention = attention
        self._loaded = True
        self._show_title(attention.as_of)
        if self._body is not None:
            self._layout.removeWidget(self._body)
            self._body.hide()  # deleteLater waits for the event loop; do not show it meanwhile
            self._body.deleteLater()
        self._lines = []
        self._body = self._build_body(attention)
        self._layout.addWidget(self._body)
        self._widths = self._natural_widths()
        self._apply_widths()

    def _show_title(self, as_of: date) -> None:
        if as_of == date.today():
            title = tr("Cần chú ý hôm nay ({date})")
        else:
            title = tr("Cần chú ý tính đến ngày {date}")
        self.title.setText(title.format(date=format_date(as_of)))

    def lines(self) -> list[AttentionLine]:
        return list(self._lines)

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_widths()

    def _build_body(self, attention: Attention) -> QWidget:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        if attention.is_empty:
            empty = QLabel(tr("Không có nhiệm vụ quá hạn hay sắp đến hạn."))
            empty.setObjectName("attentionEmpty")
            empty.setStyleSheet("color: #2e7d32;")
            layout.addWidget(empty)
            return body
        for section in _sections(attention):
            self._add_section(layout, section)
        return body

    def _add_section(self, layout: QVBoxLayout, section: _Section) -> None:
        header = QLabel(section.header, objectName=section.name + "Header")
        header.setStyleSheet(f"color: {section.colour}; font-weight: bold;")
        header.setWordWrap(True)  # on two lines rather than widen the window
        button = QPushButton(section.link, objectName=section.link_name)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(lambda: self.showStatus.emit(section.status))
        top = QHBoxLayout()
        top.setContentsMargins(0, 4, 0, 0)
        top.addWidget(header, 1)  # takes the free width: wraps only when there is none
        top.addWidget(button)
        layout.addLayout(top)
        for row in section.rows[:TOP]:
            line = AttentionLine(row, when_text(row, self.attention.as_of), section.colour)
            line.activated.connect(self.taskActivated)
            layout.addWidget(line)
            self._lines.append(line)
        if len(section.rows) > TOP:
            more = QLabel(tr("… và {n} nhiệm vụ khác").format(n=len(section.rows) - TOP))
            more.setObjectName("attentionMore")
            more.setStyleSheet("color: #666; padding-left: 18px;")
            layout.addWidget(more)

    def _natural_widths(self) -> tuple[int, int, int]:
        if not self._lines:
            return (0, 0, 0)
        metrics = QFontMetrics(self._lines[0].font())
        bold_font = QFont(self._lines[0].font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        refs = [line.ref_label.text() for line in self._lines]
        units = [line.unit_label.full_text() for line in self._lines]
        whens = [line.when_label.text() for line in self._lines]
        return (
            max(map(metrics.horizontalAdvance, refs)) + 4,
            max(map(metrics.horizontalAdvance, units)) + 4,
            max(map(bold.horizontalAdvance, whens)) + 8,
        )

    def _apply_widths(self) -> None:
        """Same column widths on every line, so they line up; units give way when narrow."""
        ref, unit, when = self._widths
        unit = min(unit, _UNIT_COLUMN_MAX, max(self.width() // 4, UNIT_COLUMN_MIN))
        for line in self._lines:
            line.set_column_widths(ref, unit, when)
