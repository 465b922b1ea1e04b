"""The main window end to end, offscreen, on a copy of the demo register."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QCalendarWidget, QLineEdit, QTableView, QTreeView

from cdsdesk.domain.enums import StatusClass
from cdsdesk.services.calendar import tasks_due_on
from cdsdesk.services.queries import TaskQuery, get_task, query_tasks
from cdsdesk.services.units import find_unit, units_answering_for
from cdsdesk.storage.db import Register
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2024, 3, 31)


@pytest.fixture
def db_path(demo_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.cdsdb"
    target.write_bytes(demo_file.read_bytes())
    return target


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: Any, db_path: Path, settings: QSettings) -> Iterator[MainWindow]:
    win = MainWindow(db_path, settings=settings)
    qtbot.addWidget(win)
    win.task_panel.as_of_edit.setDate(QDate(2024, 3, 31))
    win.show()
    yield win


def shown_ids(win: MainWindow) -> list[int]:
    return [row.id for row in win.task_panel.model.rows()]


def test_widgets_carry_the_acceptance_names(window: MainWindow) -> None:
    assert isinstance(window.findChild(QTreeView, "unitTree"), QTreeView)
    assert isinstance(window.findChild(QTableView, "taskTable"), QTableView)
    assert isinstance(window.findChild(QCalendarWidget, "deadlineCalendar"), QCalendarWidget)
    assert isinstance(window.findChild(QLineEdit, "searchBox"), QLineEdit)
    assert window.task_panel.model.rowCount() == len(query_tasks(window.register))


def test_search_without_diacritics(qtbot: Any, window: MainWindow) -> None:
    every = window.task_panel.model.rowCount()
    qtbot.keyClicks(window.task_panel.search_box, "co so du lieu")

    def only_matches() -> bool:
        rows = window.task_panel.model.rows()
        words = ("co", "so", "du", "lieu")
        return bool(rows) and all(all(w in r.search_text for w in words) for r in rows)

    qtbot.waitUntil(only_matches)
    rows = window.task_panel.model.rows()
    assert len(rows) < every
    assert any("cơ sở dữ liệu" in r.content for r in rows)
    assert f"Hiển thị {len(rows)}/{every}" in window.count_label.text()


def test_status_bar_counts_tasks_like_the_statistics(window: MainWindow) -> None:
    """A task with sub-tasks is judged through them: the status bar counts overdue tasks
    as the attention panel does (tasks without sub-tasks), not a parent on top of them."""
    rows = window.task_panel.model.rows()
    late = [r for r in rows if r.status_class is StatusClass.OPEN_OVERDUE]
    assert any(r.has_children for r in late)  # the demo has such a parent
    overdue = len([r for r in late if not r.has_children])
    assert f"· {overdue} quá hạn ·" in window.count_label.text()
    today = [r for r in query_tasks(window.register) if r.status_class is StatusClass.OPEN_OVERDUE]
    assert len(window.attention.attention.overdue) == len([r for r in today if not r.has_children])


def test_the_window_fits_a_1024_pixel_screen(qtbot: Any, window: MainWindow) -> None:
    """Old office PCs: no panel may hold the window wider than 1024 px (the attention
    header wraps, the unit column and the filters narrow)."""
    window.show()
    qtbot.waitExposed(window)
    assert window.minimumSizeHint().width() <= 1024
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    assert window.task_panel.table.isVisible() and window.attention.isVisible()


def test_every_overdue_task_of_one_unit(qtbot: Any, window: MainWindow) -> None:
    unit = find_unit(window.register, "Sở Thông tin và Truyền thông")
    window.unit_panel.select_unit(unit.id)
    window.task_panel.show_status(StatusClass.OPEN_OVERDUE.value)
    expected = query_tasks(window.register, TaskQuery(
        as_of=AS_OF, status="open_overdue", unit_id=unit.id, include_subunits=True))
    assert expected
    assert shown_ids(window) == [r.id for r in expected]
    assert set(shown_ids(window)) <= {r.id for r in query_tasks(window.register, TaskQuery(
        as_of=AS_OF, unit_id=unit.id, include_subunits=True))}
    window.unit_panel.select_unit(None)
    assert len(shown_ids(window)) > len(expected)


def test_click_a_calendar_day_filters_the_table(qtbot: Any, window: MainWindow) -> None:
    day = date(2023, 12, 31)
    expected = tasks_due_on(window.register, day, AS_OF)
    assert expected
    window.calendar_panel.findChild(QCalendarWidget, "deadlineCalendar").clicked.emit(
        QDate(2023, 12, 31))
    assert set(shown_ids(window)) == set(expected)
    assert window.task_panel.day_label.isVisibleTo(window)
    window.task_panel.clear_day()
    assert len(shown_ids(window)) > len(expected)


def test_delete_asks_first_and_undo_brings_it_back(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = next(r for r in window.task_panel.model.rows() if not r.has_children)
    window.task_panel.select_task(row.id)
    window.delete_current_task()  # the conftest answers "no"
    assert row.id in shown_ids(window)
    monkeypatch.setattr("ui.dialogs.common.confirm", lambda *_a: True)
    window.delete_current_task()
    assert row.id not in shown_ids(window)
    assert window.undo_action.text().startswith("Hoàn tác")
    window.undo_action.trigger()
    assert row.id in shown_ids(window)
    assert get_task(window.register, row.id).row.content == row.content
    window.redo_action.trigger()
    assert row.id not in shown_ids(window)


def test_undo_an_edit_with_ctrl_z(qtbot: Any, window: MainWindow) -> None:
    from cdsdesk.services.tasks import TaskInput

    row = next(r for r in window.task_panel.model.rows() if r.ref == "II.2.1")
    detail = get_task(window.register, row.id)
    data = TaskInput(content="Nội dung đã sửa", ref=row.ref, document_id=row.document_id,
                     assigned_on=row.assigned_on, deadline_kind=row.deadline_kind,
                     deadline=detail.original_deadline or row.deadline, lead_ids=list(detail.lead_ids),
                     status=row.status, completed_on=row.completed_on)
    window.ops.update_task(row.id, data, detail.version)
    assert get_task(window.register, row.id).row.content == "Nội dung đã sửa"
    window.task_panel.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert get_task(window.register, row.id).row.content == row.content
    shown = next(r for r in window.task_panel.model.rows() if r.id == row.id)
    assert shown.content == row.content


def test_layout_columns_and_filters_are_remembered(
    qtbot: Any, db_path: Path, settings: QSettings
) -> None:
    first = MainWindow(db_path, settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(790, 700)  # within the offscreen screen (800 x 800)
    first.splitter.setSizes([150, 500, 140])
    sizes = first.splitter.sizes()
    first.task_panel.set_hidden_columns(["last_note", "lead"])
    first.task_panel.show_status("open_overdue")
    first.close()
    second = MainWindow(db_path, settings=settings)
    qtbot.addWidget(second)
    second.show()
    assert second.size() == first.size()
    assert second.splitter.sizes() == sizes
    assert set(second.task_panel.hidden_columns()) >= {"last_note", "lead"}
    assert second.task_panel.status_combo.currentData() == "open_overdue"
    second.close()


def test_text_size_zoom(qtbot: Any, window: MainWindow, settings: QSettings) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font().pointSizeF()
    try:
        window.zoom_in_action.trigger()
        assert app.font().pointSizeF() == before + 1
        assert float(settings.value("view/fontPointSize")) == before + 1
        window.zoom_out_action.trigger()
        window.zoom_out_action.trigger()
        assert app.font().pointSizeF() == before - 1
    finally:
        window.zoom_reset_action.trigger()
    assert app.font().pointSizeF() == before


def test_shortcuts_are_bound(window: MainWindow) -> None:
    keys = {a.shortcut().toString() for a in window.findChildren(type(window.new_task_action))}
    assert {"Ctrl+N", "Ctrl+F", "F5", "Ctrl+Z", "Ctrl+Y", "Del", "F2"} <= keys


def test_screenshot_command(tmp_path: Path, db_path: Path) -> None:
    target = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "main.py", "--db", str(db_path), "--screenshot", str(target)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1366, 768)


def test_unit_filter_matches_service(window: MainWindow) -> None:
    unit = find_unit(window.register, "Sở Khoa học và Công nghệ")
    window.unit_panel.select_unit(unit.id)
    ids = units_answering_for(window.register, unit.id, True)
    assert shown_ids(window)
    assert all(set(r.lead_ids) & ids for r in window.task_panel.model.rows())


def test_open_register_keeps_register_closed_on_exit(db_path: Path, qtbot: Any,
                                                     settings: QSettings) -> None:
    win = MainWindow(db_path, settings=settings)
    qtbot.addWidget(win)
    win.close()
    with Register(db_path) as again:  # nothing left locked
        assert query_tasks(again)


# -- deferred loading (what the program does: ui.app builds the window with deferred=True) --


def panels(win: MainWindow) -> dict[str, object]:
    """What the side panels and the table show, to compare two windows."""
    combo = win.task_panel.document_combo
    return {
        "table": shown_ids(win),
        "units": [(n.unit_id, n.own, n.with_subunits) for n in win.unit_panel.model.nodes()],
        "marks": win.calendar_panel.calendar.marks(),
        "upcoming": win.calendar_panel.model.task_ids(),
        "overdue": win.calendar_panel.overdue_label.text(),
        "attention": [line.task_id for line in win.attention.lines()],
        "documents": [combo.itemData(i) for i in range(combo.count())],
    }


def filled_at_once(qtbot: Any, db_path: Path, settings: QSettings, as_of: QDate | None = None
                   ) -> dict[str, object]:
    """The panels of a window that fills everything in its constructor."""
    win = MainWindow(db_path, settings=settings)
    qtbot.addWidget(win)
    if as_of is not None:
        win.task_panel.as_of_edit.setDate(as_of)
    state = panels(win)
    win.close()
    return state


def test_deferred_window_fills_the_table_first_then_every_panel(
    qtbot: Any, db_path: Path, settings: QSettings
) -> None:
    win = MainWindow(db_path, settings=settings, deferred=True)
    qtbot.addWidget(win)
    assert win.task_panel.model.rowCount() == len(query_tasks(win.register))
    assert not win.panels_loaded
    assert not win.unit_panel.model.units()
    assert not win.calendar_panel.is_loaded() and not win.calendar_panel.calendar.marks()
    assert not win.attention.lines()
    assert win.task_panel.document_combo.count() == 1  # "every document" only
    with qtbot.waitSignal(win.panelsLoaded, timeout=10_000):
        win.show()
    assert win.panels_loaded
    state = panels(win)
    assert state["units"] and state["attention"] and len(state["documents"]) > 1  # type: ignore[arg-type]
    assert state == filled_at_once(qtbot, db_path, settings)


def test_closing_before_the_panels_are_filled_reads_nothing_more(
    qtbot: Any, db_path: Path, settings: QSettings
) -> None:
    win = MainWindow(db_path, settings=settings, deferred=True)
    qtbot.addWidget(win)

    class CloseAfterFirstPaint(QObject):
        """Closes the window right after the table's first paint, before the panels' turn
        (installed after the window's own watcher, so its timer fires first)."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, win.close)
            return False

    closer = CloseAfterFirstPaint()
    win.task_panel.table.viewport().installEventFilter(closer)
    win.show()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=10_000)
    qtbot.wait(200)
    assert not win.panels_loaded
    assert not win.unit_panel.is_loaded() and not win.calendar_panel.is_loaded()
    assert not win.attention.is_loaded() and not win.task_panel.documents_loaded()


def test_an_edit_or_a_new_day_before_the_panels_are_filled(
    qtbot: Any, db_path: Path, settings: QSettings
) -> None:
    from cdsdesk.services.tasks import TaskInput

    win = MainWindow(db_path, settings=settings, deferred=True)
    qtbot.addWidget(win)
    row = next(r for r in win.task_panel.model.rows() if r.ref == "II.2.1")
    detail = get_task(win.register, row.id)
    data = TaskInput(content="Sửa trước khi các bảng bên được nạp", ref=row.ref,
                     document_id=row.document_id, assigned_on=row.assigned_on,
                     deadline_kind=row.deadline_kind,
                     deadline=detail.original_deadline or row.deadline,
                     lead_ids=list(detail.lead_ids), status=row.status,
                     completed_on=row.completed_on)
    win.ops.update_task(row.id, data, detail.version)
    day = QDate(2024, 3, 31)
    win.task_panel.as_of_edit.setDate(day)
    with qtbot.waitSignal(win.panelsLoaded, timeout=10_000):
        win.show()
    assert panels(win) == filled_at_once(qtbot, db_path, settings, as_of=day)


def test_choosing_a_unit_while_the_panels_are_filled(
    qtbot: Any, db_path: Path, settings: QSettings
) -> None:
    win = MainWindow(db_path, settings=settings, deferred=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.unit_panel.is_loaded, timeout=10_000)
    unit = find_unit(win.register, "Sở Khoa học và Công nghệ")
    win.unit_panel.select_unit(unit.id)
    qtbot.waitUntil(lambda: win.panels_loaded, timeout=10_000)
    assert win.unit_panel.current_unit_id() == unit.id
    ids = units_answering_for(win.register, unit.id, True)
    assert shown_ids(win)
    assert all(set(r.lead_ids) & ids for r in win.task_panel.model.rows())


def test_f5_before_the_panels_are_filled_fills_them(
    qtbot: Any, db_path: Path, settings: QSettings
) -> None:
    win = MainWindow(db_path, settings=settings, deferred=True)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.panelsLoaded, timeout=1_000):
        win.refresh_action.trigger()  # not shown yet: nothing painted
    assert panels(win) == filled_at_once(qtbot, db_path, settings)


def test_a_task_edit_does_not_reread_the_document_list(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.views.task_panel as task_panel
    from cdsdesk.services.tasks import TaskInput

    reads: list[int] = []
    real = task_panel.document_service.document_choices
    monkeypatch.setattr(
        task_panel.document_service, "document_choices", lambda r: reads.append(1) or real(r)
    )
    row = next(r for r in window.task_panel.model.rows() if r.ref == "II.2.1")
    detail = get_task(window.register, row.id)
    data = TaskInput(content="Nội dung đã sửa", ref=row.ref, document_id=row.document_id,
                     assigned_on=row.assigned_on, deadline_kind=row.deadline_kind,
                     deadline=detail.original_deadline or row.deadline,
                     lead_ids=list(detail.lead_ids), status=row.status,
                     completed_on=row.completed_on)
    window.ops.update_task(row.id, data, detail.version)
    assert reads == []
    window.refresh_action.trigger()  # F5 reads everything again
    assert reads == [1]


def test_the_screenshot_waits_for_the_panels(
    qtbot: Any, db_path: Path, settings: QSettings, tmp_path: Path
) -> None:
    from ui.app import save_screenshot

    win = MainWindow(db_path, settings=settings, deferred=True)
    qtbot.addWidget(win)
    assert save_screenshot(win, str(tmp_path / "shot.png")) == 0
    assert win.panels_loaded and win.attention.lines() and win.unit_panel.model.units()


def test_the_table_is_shown_before_the_orm_is_imported(db_path: Path) -> None:
    """SQLAlchemy (a third of a second to import on an old PC) is for the side panels and
    edits: a fresh process paints the table without it."""
    code = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from ui.app import make_app\n"
        "from ui.main_window import MainWindow\n"
        "app = make_app()\n"
        "win = MainWindow(sys.argv[1], QSettings(sys.argv[2], QSettings.Format.IniFormat),"
        " deferred=True)\n"
        "print(win.task_panel.model.rowCount(), 'sqlalchemy' in sys.modules)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(db_path), str(db_path.with_suffix(".ini"))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    rows, orm = done.stdout.split()
    assert int(rows) > 0 and orm == "False"
