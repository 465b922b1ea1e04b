"""The deadline calendar (a month marked with each day's deadlines) and what falls due next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeySequence,
    QPainter,
    QPen,
    QShortcut,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.services.calendar import DayMark, deadline_marks
from cdsdesk.services.queries import TaskQuery, TaskRow, query_tasks
from cdsdesk.settings import load_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import format_date
from ui.lazy import lazy_module
from ui.models.upcoming import (
    COL_CONTENT,
    COL_DAYS_LEFT,
    COL_DEADLINE,
    COL_LEAD,
    TASK_ID_ROLE,
    UpcomingModel,
    overdue_count,
    upcoming_rows,
)

# SQLAlchemy and the ORM: loaded when the panel is first filled, after the table has painted.
unit_service = lazy_module("cdsdesk.services.units")

VIETNAMESE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)
OVERDUE_COLOUR = QColor("#c62828")
DUE_COLOUR = QColor("#1565c0")
TODAY_COLOUR = QColor("#ef6c00")
WEEKEND_COLOUR = QColor("#757575")
MIN_DAYS, MAX_DAYS = 1, 90

_Index = QModelIndex | QPersistentModelIndex
W = TypeVar("W", bound=QWidget)


def tr(text: str) -> str:
    return QCoreApplication.translate("CalendarPanel", text)


def named(widget: W, name: str) -> W:
    """``widget`` with an object name, for tests and style sheets."""
    widget.setObjectName(name)
    return widget


def visible_range(year: int, month: int) -> tuple[date, date]:
    """Every day a month page can show, with the leading and trailing weeks.

    A page is six weeks starting at most seven days before the 1st, so it
    never reaches further than 13 days past the month's end.
    """
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first - timedelta(days=7), following + timedelta(days=12)


def mark_tooltip(mark: DayMark) -> str:
    text = tr("{n} nhiệm vụ đến hạn").format(n=mark.count)
    if mark.overdue:
        text += tr(", {n} quá hạn").format(n=mark.overdue)
    return text


class DeadlineCalendar(QCalendarWidget):
    """A Vietnamese month view; each day with deadlines carries a count badge.

    The badge is red when any of that day's deadlines was missed as of
    :meth:`as_of`, blue otherwise. Marks are read once per page shown.
    """

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deadlineCalendar")
        self._register = register
        self._as_of = date.today()
        self._marks: dict[date, DayMark] = {}
        self._cells: dict[date, QRect] = {}  # where each day was last painted, for tooltips
        self.setLocale(VIETNAMESE)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.setHorizontalHeaderFormat(QCalendarWidget.HorizontalHeaderFormat.ShortDayNames)
        weekend = QTextCharFormat()
        weekend.setForeground(WEEKEND_COLOUR)  # not Qt's red: red means overdue here
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.setWeekdayTextFormat(day, weekend)
        self.setGridVisible(False)
        self.currentPageChanged.connect(self.reload_marks)
        self._view = self.findChild(QTableView, "qt_calendar_calendarview")
        if self._view is not None:
            self._view.viewport().installEventFilter(self)

    # -- data --------------------------------------------------------------

    def as_of(self) -> date:
        return self._as_of

    def set_as_of(self, as_of: date, *, show: bool = False) -> None:
        """Judge overdue as of ``as_of`` (also the day ringed as today); ``show`` turns to it."""
        self._as_of = as_of
        page = (self.yearShown(), self.monthShown())
        if show:
            self.setSelectedDate(QDate(as_of))
        if not show or page == (self.yearShown(), self.monthShown()):
            self.reload_marks()  # otherwise the page change has reloaded them

    def reload_marks(self) -> None:
        start, end = visible_range(self.yearShown(), self.monthShown())
        self._marks = deadline_marks(self._register, start, end, self._as_of)
        self._cells.clear()  # the old page's days sit in the same rectangles
        self.updateCells()

    def marks(self) -> dict[date, DayMark]:
        return dict(self._marks)

    def mark_on(self, day: date) -> DayMark | None:
        return self._marks.get(day)

    # -- drawing -----------------------------------------------------------

    def paintCell(self, painter: QPainter, rect: QRect, qdate: QDate) -> None:
        day: date = qdate.toPython()  # type: ignore[assignment]
        self._cells[day] = QRect(rect)
        mark = self._marks.get(day)
        in_month = qdate.month() == self.monthShown()
        selected = qdate == self.selectedDate()
        palette = self.palette()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        cell = QRectF(rect).adjusted(1.5, 1.5, -1.5, -1.5)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.highlight())
            painter.drawRoundedRect(cell, 4, 4)
        if day == self._as_of:
            painter.setPen(QPen(TODAY_COLOUR, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(cell.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)

        font = QFont(self.font())
        font.setBold(day == self._as_of or (mark is not None and in_month))
        metrics = QFontMetricsF(font)
        number = str(qdate.day())
        if selected:
            colour = palette.highlightedText().color()
        elif not in_month:
            colour = palette.placeholderText().color()
        else:
            colour = palette.text().color()
        number_rect = QRectF(cell)
        badge_rect: QRectF | None = None
        badge_font = QFont(font)
        badge_font.setBold(True)
        badge_font.setPointSizeF(max(6.5, font.pointSizeF() * 0.72))
        badge_metrics = QFontMetricsF(badge_font)
        badge_text = ""
        if mark is not None:
            badge_text = str(mark.count) if mark.count < 100 else "99+"
            height = badge_metrics.height() + 1
            width = max(height, badge_metrics.horizontalAdvance(badge_text) + height * 0.6)
            if cell.height() >= metrics.height() + height + 1:
                # Stacked: the number keeps its place, the badge sits under it.
                top = cell.top() + (cell.height() - metrics.height() - height) / 2
                number_rect = QRectF(cell.left(), top, cell.width(), metrics.height())
                badge_rect = QRectF(
                    cell.center().x() - width / 2, number_rect.bottom(), width, height
                )
            else:
                # Too short: number and badge side by side, centred together.
                gap = 2.0
                total = metrics.horizontalAdvance(number) + gap + width
                left = cell.center().x() - total / 2
                number_rect = QRectF(left, cell.top(), total - width - gap, cell.height())
                badge_rect = QRectF(
                    number_rect.right() + gap, cell.center().y() - height / 2, width, height
                )
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(number_rect, Qt.AlignmentFlag.AlignCenter, number)
        if mark is not None and badge_rect is not None:
            fill = QColor(OVERDUE_COLOUR if mark.overdue else DUE_COLOUR)
            if not in_month:
                fill.setAlphaF(0.45)
            painter.setPen(QPen(QColor("white"), 1) if selected else Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            radius = badge_rect.height() / 2
            painter.drawRoundedRect(badge_rect, radius, radius)
            painter.setFont(badge_font)
            painter.setPen(QColor("white"))
            painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge_text)
        painter.restore()

    # -- tooltips ----------------------------------------------------------

    def grid(self) -> QTableView | None:
        """Qt's own view of the days (cells are painted and clicked in its viewport)."""
        return self._view

    def cell_rect(self, day: date) -> QRect | None:
        """Where ``day`` was last painted, in the grid's viewport."""
        return self._cells.get(day)

    def painted_days(self) -> set[date]:
        return set(self._cells)

    def day_at(self, pos: QPoint) -> date | None:
        """The day painted at ``pos`` in the calendar view's viewport."""
        for day, rect in self._cells.items():
            if rect.contains(pos):
                return day
        return None

    def tooltip_for(self, day: date) -> str:
        mark = self._marks.get(day)
        return mark_tooltip(mark) if mark is not None else ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            day = self.day_at(event.pos())
            text = self.tooltip_for(day) if day is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self._view)
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)


class CalendarPanel(QWidget):
    """The calendar over the list of what falls due in the next N days.

    ``today`` gives the day deadlines are judged by when :meth:`reload` is
    called without one (tests pass a fixed day: the demo data is 2023–2025).
    ``load=False`` leaves the marks and lists empty until :meth:`reload` (the
    window fills them after its first paint).
    """

    dayClicked = Signal(object)  # datetime.date: show this day's tasks
    dayCleared = Signal()  # stop filtering the task table by day
    taskActivated = Signal(int)  # task id
    overdueRequested = Signal()  # show the overdue tasks

    def __init__(
        self,
        register: Register,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
        load: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPanel")
        self._register = register
        self._today = today
        self._as_of: date | None = None
        self._rows: list[TaskRow] = []
        self._short_names: dict[int, str] = {}
        self._day: date | None = None

        self.calendar = DeadlineCalendar(register, self)
        self.calendar.clicked.connect(self._day_clicked)
        self.calendar.activated.connect(self._day_activated)

        self.today_button = named(QToolButton(), "calendarTodayButton")
        self.today_button.setText(tr("Hôm nay"))
        self.today_button.setToolTip(tr("Về tháng có ngày hôm nay"))
        self.today_button.clicked.connect(self._show_today)
        self.clear_button = named(QToolButton(), "clearDayButton")
        self.clear_button.setText(tr("Bỏ lọc ngày"))
        self.clear_button.setToolTip(tr("Hiện lại mọi nhiệm vụ (Esc)"))
        self.clear_button.setEnabled(False)
        self.clear_button.clicked.connect(self.clear_day)
        legend = QLabel(
            tr(
                "<span style='color:{red}'>●</span> quá hạn&nbsp;&nbsp;"
                "<span style='color:{blue}'>●</span> đến hạn"
            ).format(red=OVERDUE_COLOUR.name(), blue=DUE_COLOUR.name()),
        )
        legend.setObjectName("calendarLegend")
        legend.setToolTip(
            tr("Số trên mỗi ngày: số nhiệm vụ đến hạn; màu đỏ khi có nhiệm vụ đã quá hạn.")
        )
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        tools.addWidget(self.today_button)
        tools.addWidget(legend, 1, Qt.AlignmentFlag.AlignCenter)
        tools.addWidget(self.clear_button)

        self.overdue_label = named(QLabel(), "overdueLabel")
        self.overdue_label.setTextFormat(Qt.TextFormat.RichText)
        self.overdue_label.linkActivated.connect(lambda _link: self.overdueRequested.emit())
        self.overdue_label.setToolTip(tr("Bấm để xem các nhiệm vụ quá hạn"))

        self.days_spin = named(QSpinBox(), "dueSoonDays")
        self.days_spin.setRange(MIN_DAYS, MAX_DAYS)
        self.days_spin.setSuffix(tr(" ngày"))
        self.days_spin.setValue(self._default_days())
        self.days_spin.valueChanged.connect(self._show_upcoming)
        heading = QLabel(tr("<b>Sắp đến hạn</b> trong"))
        heading.setBuddy(self.days_spin)
        self.count_label = named(QLabel(), "upcomingCount")
        due_row = QHBoxLayout()
        due_row.setContentsMargins(0, 0, 0, 0)
        due_row.addWidget(heading)
        due_row.addWidget(self.days_spin)
        due_row.addStretch(1)
        due_row.addWidget(self.count_label)

        self.model = UpcomingModel(self)
        self.table = named(QTableView(), "upcomingTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # Two lines a row: the panel is narrow and the content is what identifies a task.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_DEADLINE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DAYS_LEFT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CONTENT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_LEAD, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_LEAD, self.fontMetrics().horizontalAdvance("Phòng HC-TH") + 14)
        header.setHighlightSections(False)
        # Sized to the rows in sight: a deadline or "N ngày" is as wide in every row, and
        # measuring the whole list (1,300 rows at 100,000 tasks) cost 0.2 s a reload.
        header.setResizeContentsPrecision(0)
        self.table.activated.connect(self._row_activated)
        self.empty_label = named(QLabel(), "upcomingEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(placeholder-text); padding: 12px;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        layout.addWidget(self.calendar, 5)
        layout.addLayout(tools)
        layout.addWidget(self.overdue_label)
        layout.addLayout(due_row)
        layout.addWidget(self.table, 4)
        layout.addWidget(self.empty_label, 4)
        self.calendar.setMinimumHeight(230)

        # Escape only while the panel has focus: elsewhere it belongs to other widgets.
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.clear_day)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setTabOrder(self.calendar, self.today_button)
        self.setTabOrder(self.today_button, self.clear_button)
        self.setTabOrder(self.clear_button, self.days_spin)
        self.setTabOrder(self.days_spin, self.table)
        if load:
            self.reload()

    # -- public ------------------------------------------------------------

    def as_of(self) -> date:
        return self._as_of or self._today()

    def is_loaded(self) -> bool:
        return self._as_of is not None

    def selected_day(self) -> date | None:
        """The day the task table is filtered by, if any."""
        return self._day

    def reload(self, as_of: date | None = None) -> None:
        """Read marks and the upcoming list again, as of ``as_of`` (default: today)."""
        day = as_of or self._today()
        first = self._as_of is None
        moved = day != self._as_of
        self._as_of = day
        self.calendar.set_as_of(day, show=first or moved)
        self._rows = query_tasks(self._register, TaskQuery(as_of=day))
        units = unit_service.list_units(self._register)
        self._short_names = {u.id: u.short_name for u in units if u.short_name}
        self._show_upcoming()

    def clear_day(self) -> None:
        if self._day is None:
            return
        self._day = None
        self._update_clear_button()
        self.dayCleared.emit()

    # -- private -----------------------------------------------------------

    def _default_days(self) -> int:
        days = load_settings(self._register).due_soon_days
        return min(max(days, MIN_DAYS), MAX_DAYS)

    def _show_upcoming(self) -> None:
        as_of = self.as_of()
        days = self.days_spin.value()
        rows = upcoming_rows(self._rows, as_of, days)
        self.model.set_rows(rows, as_of, self._short_names)
        self.count_label.setText(tr("{n} nhiệm vụ").format(n=len(rows)))
        self.empty_label.setText(
            tr("Không có nhiệm vụ nào đến hạn trong {n} ngày tới.").format(n=days)
        )
        self.table.setVisible(bool(rows))
        self.empty_label.setVisible(not rows)
        overdue = overdue_count(self._rows)
        self.overdue_label.setText(
            tr("<a href='overdue' style='color:{colour}'>⚠ Quá hạn: {n} nhiệm vụ</a>").format(
                colour=OVERDUE_COLOUR.name(), n=overdue
            )
        )
        self.overdue_label.setVisible(overdue > 0)

    def _day_clicked(self, qdate: QDate) -> None:
        self._choose(qdate.toPython())  # type: ignore[arg-type]

    def _day_activated(self, qdate: QDate) -> None:
        day: date = qdate.toPython()  # type: ignore[assignment]
        if day != self._day:  # a double click has already chosen it
            self._choose(day)

    def _choose(self, day: date) -> None:
        self._day = day
        self._update_clear_button()
        self.dayClicked.emit(day)

    def _update_clear_button(self) -> None:
        self.clear_button.setEnabled(self._day is not None)
        self.clear_button.setToolTip(
            tr("Đang lọc theo ngày {day}. Bấm để hiện lại mọi nhiệm vụ (Esc)").format(
                day=format_date(self._day)
            )
            if self._day is not None
            else tr("Hiện lại mọi nhiệm vụ (Esc)")
        )

    def _show_today(self) -> None:
        self.calendar.setSelectedDate(QDate(self.as_of()))
        self.calendar.setFocus()

    def _row_activated(self, index: _Index) -> None:
        task_id = index.data(TASK_ID_ROLE)
        if task_id is not None:
            self.taskActivated.emit(int(task_id))
