"""The deadline calendar panel: marks per page, day clicks, the due-soon list."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from cdsdesk.domain.enums import StatusClass
from cdsdesk.services.calendar import DayMark, deadline_marks
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.settings import save_settings
from cdsdesk.storage.db import Register
from ui.models.upcoming import (
    COL_CONTENT,
    COL_DAYS_LEFT,
    COL_DEADLINE,
    COL_LEAD,
    TASK_ID_ROLE,
    UpcomingModel,
    upcoming_rows,
)
from ui.views import calendar_panel
from ui.views.calendar_panel import CalendarPanel, visible_range

AS_OF = date(2024, 3, 31)


@pytest.fixture
def panel(qtbot: QtBot, demo: Register) -> CalendarPanel:
    widget = CalendarPanel(demo, today=lambda: AS_OF)
    qtbot.addWidget(widget)
    return widget


def grid_viewport(panel: CalendarPanel) -> QWidget:
    grid = panel.calendar.grid()
    assert grid is not None
    return grid.viewport()


def cell_centre(panel: CalendarPanel, day: date) -> QPoint:
    rect = panel.calendar.cell_rect(day)
    assert rect is not None
    return rect.center()


def test_marks_of_the_page_come_from_the_service(panel: CalendarPanel, demo: Register) -> None:
    calendar = panel.calendar
    assert (calendar.yearShown(), calendar.monthShown()) == (2024, 3)
    assert calendar.objectName() == "deadlineCalendar"
    assert calendar.locale().language() == calendar_panel.VIETNAMESE.language()
    assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Monday
    assert calendar.marks() == deadline_marks(demo, *visible_range(2024, 3), AS_OF)
    assert calendar.mark_on(date(2024, 3, 31)) == DayMark(1, 0)
    assert calendar.mark_on(date(2024, 4, 5)) == DayMark(2, 0)  # a trailing day of the page


def test_visible_range_covers_every_painted_cell(qtbot: QtBot, panel: CalendarPanel) -> None:
    panel.resize(330, 700)
    panel.show()
    # April 2024 starts on a Monday (Qt then shows the whole week before it).
    for year, month in [(2024, 4), (2024, 2), (2023, 12)]:
        panel.calendar.setCurrentPage(year, month)
        panel.calendar.grab()
        painted = panel.calendar.painted_days()
        start, end = visible_range(year, month)
        assert len(painted) == 42
        assert start <= min(painted) and max(painted) <= end


def test_page_change_reloads_marks_once(
    panel: CalendarPanel, demo: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[date, date]] = []

    def counting(register: Register, start: date, end: date, as_of: date) -> Any:
        calls.append((start, end))
        return deadline_marks(register, start, end, as_of)

    monkeypatch.setattr(calendar_panel, "deadline_marks", counting)
    assert panel.calendar.mark_on(date(2023, 12, 31)) is None
    panel.calendar.setCurrentPage(2023, 12)
    assert calls == [visible_range(2023, 12)]
    assert panel.calendar.mark_on(date(2023, 12, 31)) == DayMark(6, 3)
    assert panel.calendar.tooltip_for(date(2023, 12, 31)) == "6 nhiệm vụ đến hạn, 3 quá hạn"
    assert panel.calendar.tooltip_for(date(2023, 12, 30)) == ""


def test_tooltip_over_a_marked_day(qtbot: QtBot, panel: CalendarPanel) -> None:
    panel.resize(330, 700)
    panel.show()
    panel.calendar.setCurrentPage(2024, 4)
    panel.calendar.grab()
    viewport = grid_viewport(panel)
    centre = cell_centre(panel, date(2024, 4, 5))
    assert panel.calendar.day_at(centre) == date(2024, 4, 5)
    event = QHelpEvent(QEvent.Type.ToolTip, centre, viewport.mapToGlobal(centre))
    QApplication.sendEvent(viewport, event)
    assert QToolTip.text() == "2 nhiệm vụ đến hạn"
    QToolTip.hideText()


def test_clicking_a_day_filters_and_clearing_stops(qtbot: QtBot, panel: CalendarPanel) -> None:
    with qtbot.waitSignal(panel.dayClicked) as blocker:
        panel.calendar.clicked.emit(QDate(2024, 4, 5))
    assert blocker.args == [date(2024, 4, 5)]
    assert panel.selected_day() == date(2024, 4, 5)
    assert panel.clear_button.isEnabled()

    # The activation that follows a double click does not filter a second time.
    with qtbot.assertNotEmitted(panel.dayClicked):
        panel.calendar.activated.emit(QDate(2024, 4, 5))

    with qtbot.waitSignal(panel.dayCleared):
        panel.clear_button.click()
    assert panel.selected_day() is None
    assert not panel.clear_button.isEnabled()


def test_mouse_click_and_enter_on_a_day(qtbot: QtBot, panel: CalendarPanel) -> None:
    panel.resize(330, 700)
    panel.show()
    panel.calendar.grab()
    viewport = grid_viewport(panel)
    centre = cell_centre(panel, date(2024, 3, 15))
    with qtbot.waitSignal(panel.dayClicked) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == [date(2024, 3, 15)]

    panel.calendar.setSelectedDate(QDate(2024, 3, 20))
    with qtbot.waitSignal(panel.dayClicked) as blocker:
        qtbot.keyClick(grid_viewport(panel).parentWidget(), Qt.Key.Key_Return)
    assert blocker.args == [date(2024, 3, 20)]


def test_upcoming_lists_open_tasks_due_within_n_days(panel: CalendarPanel, demo: Register) -> None:
    model = panel.model
    assert panel.days_spin.value() == 7  # the register's default
    ids = [model.index(r, 0).data(TASK_ID_ROLE) for r in range(model.rowCount())]
    expected = [
        row
        for row in query_tasks(demo, TaskQuery(as_of=AS_OF))
        if row.status_class is StatusClass.OPEN_IN_TIME
        and not row.has_children
        and row.deadline is not None
        and 0 <= (row.deadline - AS_OF).days <= 7
    ]
    expected.sort(key=lambda r: (r.deadline, r.id))
    assert ids == [r.id for r in expected] == [22, 19, 30]
    assert model.index(0, COL_DEADLINE).data() == "31/03/2024"
    assert model.index(0, COL_DAYS_LEFT).data() == "Hôm nay"
    assert model.index(1, COL_DAYS_LEFT).data() == "5 ngày"
    assert model.index(1, COL_LEAD).data() == "Sở Tài chính"
    assert model.index(0, COL_LEAD).data() == "Phòng HC-TH; Tổ CĐS"  # short names
    assert model.index(0, COL_CONTENT).data().startswith("Phòng Hành chính")
    assert panel.count_label.text() == "3 nhiệm vụ"
    assert "3" in panel.overdue_label.text() and not panel.overdue_label.isHidden()


def test_changing_n_updates_the_list(panel: CalendarPanel, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_query(*_args: Any) -> Any:
        raise AssertionError("changing N must not read the register again")

    monkeypatch.setattr(calendar_panel, "query_tasks", no_query)
    panel.days_spin.setValue(3)
    assert panel.model.task_ids() == [22]
    panel.days_spin.setValue(90)  # 30/06 is 91 days away
    assert panel.model.task_ids() == [22, 19, 30]
    assert panel.days_spin.maximum() == 90 and panel.days_spin.minimum() == 1


def test_reload_as_of_another_day_turns_the_page(panel: CalendarPanel) -> None:
    panel.days_spin.setValue(90)
    panel.reload(date(2024, 4, 1))
    assert (panel.calendar.yearShown(), panel.calendar.monthShown()) == (2024, 4)
    assert panel.calendar.as_of() == date(2024, 4, 1)
    # 22 is quarterly: as of 01/04 its open period is the second quarter.
    assert panel.model.task_ids() == [19, 30, 18, 22]
    assert panel.model.row_at(3).deadline == date(2024, 6, 30)
    # ... and its first-quarter report, never recorded, is now missed.
    assert panel.calendar.mark_on(date(2024, 3, 31)) == DayMark(1, 1)


def test_activating_an_upcoming_row_emits_its_task(qtbot: QtBot, panel: CalendarPanel) -> None:
    panel.show()
    panel.table.setCurrentIndex(panel.model.index(1, COL_CONTENT))
    with qtbot.waitSignal(panel.taskActivated) as blocker:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert blocker.args == [19]


def test_overdue_link_asks_for_overdue_tasks(qtbot: QtBot, panel: CalendarPanel) -> None:
    with qtbot.waitSignal(panel.overdueRequested):
        panel.overdue_label.linkActivated.emit("overdue")


def test_settings_give_the_default_n(qtbot: QtBot, demo: Register) -> None:
    save_settings(demo, due_soon_days=0)
    widget = CalendarPanel(demo, today=lambda: AS_OF)
    qtbot.addWidget(widget)
    assert widget.days_spin.value() == 1
    assert widget.model.task_ids() == [22]


def test_empty_register(qtbot: QtBot, register: Register) -> None:
    widget = CalendarPanel(register, today=lambda: AS_OF)
    qtbot.addWidget(widget)
    assert widget.calendar.marks() == {}
    assert widget.model.rowCount() == 0
    assert widget.table.isHidden() and not widget.empty_label.isHidden()
    assert widget.overdue_label.isHidden()


def test_upcoming_model_alone(demo: Register) -> None:
    rows = query_tasks(demo, TaskQuery(as_of=date(2024, 4, 1)))
    chosen = upcoming_rows(rows, date(2024, 4, 1), 4)
    model = UpcomingModel()
    model.set_rows(chosen, date(2024, 4, 1))
    assert model.task_ids() == [19, 30]
    assert model.index(0, COL_DAYS_LEFT).data() == "4 ngày"
    assert model.index(0, COL_LEAD).data() == "Sở Tài chính"  # full name without short names
    assert "Chủ trì: Sở Tài chính" in model.index(0, COL_CONTENT).data(Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(COL_DEADLINE, Qt.Orientation.Horizontal) == "Hạn"


def test_the_overdue_count_is_the_overdue_list_counted(demo: Register) -> None:
    from ui.models.upcoming import overdue_count, overdue_rows

    for day in (AS_OF, date(2023, 6, 30), date(2026, 1, 1)):
        rows = query_tasks(demo, TaskQuery(as_of=day))
        assert overdue_count(rows) == len(overdue_rows(rows))
    assert overdue_count(query_tasks(demo, TaskQuery(as_of=AS_OF))) > 0


def test_a_panel_built_without_loading_reads_nothing_until_reloaded(
    qtbot: QtBot, demo: Register
) -> None:
    widget = CalendarPanel(demo, today=lambda: AS_OF, load=False)
    qtbot.addWidget(widget)
    assert not widget.is_loaded() and widget.model.rowCount() == 0
    assert not widget.calendar.marks()
    widget.reload()
    assert widget.is_loaded() and widget.calendar.marks()
    assert widget.model.task_ids() == [r.id for r in upcoming_rows(
        query_tasks(demo, TaskQuery(as_of=AS_OF)), AS_OF, widget.days_spin.value())]
