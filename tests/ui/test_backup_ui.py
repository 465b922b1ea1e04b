"""Backups from the window: the dialog, restore in three clicks, automatic backups,
a damaged register at start-up, and one window per register."""

from __future__ import annotations

import hashlib
import random
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction

from cdsdesk.services.queries import query_tasks
from cdsdesk.storage import backup
from cdsdesk.storage.backup import Reason
from cdsdesk.storage.integrity import Finding, check_register
from cdsdesk.storage.lock import RegisterLock
from ui import app as app_module
from ui.app import MainWindowHost, add_to_file_menu, check_at_start
from ui.dialogs import backup_dialog
from ui.dialogs.backup_dialog import BackupController, BackupDialog, BackupTableModel, Recovery
from ui.main_window import MainWindow
from ui.single_instance import SingleInstance, server_name


@pytest.fixture
def db_path(demo_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data" / "so-nhiem-vu.cdsdb"
    target.parent.mkdir()
    shutil.copy(demo_file, target)
    return target


@pytest.fixture
def window(qtbot: Any, db_path: Path, tmp_path: Path) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(db_path, settings=settings)
    qtbot.addWidget(win)
    win.show()
    yield win


@pytest.fixture
def controller(window: MainWindow) -> BackupController:
    backups = BackupController(window, MainWindowHost(window))
    add_to_file_menu(window, backups.action)
    return backups


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corrupt_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    start = len(data) // 4096 // 2
    rnd = random.Random(3)
    for page in range(start, start + 3):
        data[page * 4096 : (page + 1) * 4096] = rnd.randbytes(4096)
    path.write_bytes(bytes(data))


def test_the_action_sits_in_the_file_menu(window: MainWindow, controller: BackupController) -> None:
    file_menu = window.menuBar().actions()[0].menu()
    actions = file_menu.actions()
    assert actions.index(controller.action) < actions.index(window.quit_action)
    assert controller.action.text().replace("&", "") == "Sao lưu và khôi phục…"


def test_dialog_lists_backups_newest_first_and_preselected(qtbot: Any, db_path: Path) -> None:
    backup.automatic_backup(db_path, Reason.STARTUP, now=datetime(2024, 3, 1, 8, 5))
    backup.automatic_backup(db_path, Reason.BEFORE_IMPORT, now=datetime(2024, 3, 2, 14, 30))
    dialog = BackupDialog(backup.list_backups(db_path), db_path.parent / "sao-luu", None)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.rowCount() == 2
    cells = [
        model.data(model.index(0, column))
        for column in (BackupTableModel.COL_TAKEN, BackupTableModel.COL_REASON)
    ]
    assert cells == ["02/03/2024 14:30", "Trước khi nhập văn bản"]
    tasks = model.data(model.index(0, BackupTableModel.COL_TASKS))
    assert int(tasks) == len(query_tasks_of(db_path))
    assert model.data(model.index(0, BackupTableModel.COL_SIZE)).endswith("KB")
    chosen = dialog.selected()
    assert chosen is not None and chosen.taken_at == datetime(2024, 3, 2, 14, 30)
    assert dialog.restore_button.isEnabled()


def query_tasks_of(path: Path) -> list[Any]:
    from cdsdesk.storage.db import Register

    with Register(path) as reg:
        return query_tasks(reg)


def test_restore_in_three_clicks_brings_the_backup_back_into_the_window(
    qtbot: Any,
    window: MainWindow,
    controller: BackupController,
    monkeypatch: pytest.MonkeyPatch,
    no_blocking_dialogs: list[Any],
) -> None:
    saved = backup.automatic_backup(window.register, Reason.STARTUP)
    assert saved is not None
    every = window.task_panel.model.rowCount()
    row = next(r for r in window.task_panel.model.rows() if not r.has_children)
    window.ops.delete_task(row.id, row.content, with_subtasks=False)
    assert window.task_panel.model.rowCount() == every - 1
    assert window.ops.stack.count() == 1

    clicks: list[str] = []

    def open_dialog(dialog: Any) -> int:
        assert isinstance(dialog, BackupDialog)
        assert dialog.selected() is not None and dialog.selected().path == saved  # preselected
        clicks.append("restore button")
        dialog.restore_button.click()
        return 1

    def confirm(_parent: Any, _title: str, text: str) -> bool:
        clicks.append("confirm")
        assert "Trước khi khôi phục" in text
        return True

    monkeypatch.setattr("ui.dialogs.common.exec_dialog", open_dialog)
    monkeypatch.setattr("ui.dialogs.common.confirm", confirm)
    with qtbot.waitSignal(controller.restored, timeout=10_000) as restored:
        clicks.append("menu item")
        controller.action.trigger()
    assert sorted(clicks) == ["confirm", "menu item", "restore button"]
    aside = restored.args[0]
    assert isinstance(aside, Path) and "truoc-khoi-phuc" in aside.name
    assert window.task_panel.model.rowCount() == every  # the deleted task is back
    assert any(r.id == row.id for r in window.task_panel.model.rows())
    assert window.ops.stack.count() == 0  # undo steps described the register before
    assert any("Đã khôi phục" in text for text in no_blocking_dialogs)
    assert backup.count_tasks(aside) == backup.count_tasks(saved) - 1  # the edit kept aside
    assert check_register(window.register.path).finding is Finding.OK  # type: ignore[arg-type]


def test_a_failed_restore_leaves_the_window_working(
    qtbot: Any,
    window: MainWindow,
    controller: BackupController,
    tmp_path: Path,
    no_blocking_dialogs: list[Any],
) -> None:
    newer = backup.backup_register(window.register, tmp_path / "moi.cdsdb")
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(newer)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    every = window.task_panel.model.rowCount()
    controller.restore(newer)
    qtbot.waitUntil(lambda: not controller.runner.running)
    assert any("mới hơn" in text for text in no_blocking_dialogs)
    window.reload_all()
    assert window.task_panel.model.rowCount() == every
    assert len(query_tasks(window.register)) == every


def test_backup_now_to_a_chosen_folder_runs_off_the_gui_thread(
    qtbot: Any,
    controller: BackupController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_blocking_dialogs: list[Any],
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(backup_dialog, "choose_folder", lambda _p, _t, _s: usb)
    with qtbot.waitSignal(controller.backedUp, timeout=10_000) as done:
        assert controller.backup_to_folder()
        assert controller.runner.running  # the work is on the runner's thread
    written = done.args[0]
    assert written.parent == usb.resolve() and "thu-cong" in written.name
    assert check_register(written, full=True).finding is Finding.OK
    assert any(str(written) in text for text in no_blocking_dialogs)


def test_start_up_backup_then_an_hourly_check_for_today(
    qtbot: Any, controller: BackupController, db_path: Path
) -> None:
    with qtbot.waitSignal(controller.backedUp, timeout=10_000) as first:
        controller.start_automatic()
    assert "khoi-dong" in first.args[0].name
    assert controller._timer.isActive()
    assert controller._timer.interval() == backup_dialog.DAILY_CHECK_MS
    controller.daily_check()  # today's backup exists: nothing to do
    assert not controller.runner.running
    assert len(backup.scan_backups(db_path)) == 1


def test_an_automatic_backup_that_fails_is_reported_once(
    qtbot: Any, window: MainWindow, db_path: Path, no_blocking_dialogs: list[Any]
) -> None:
    blocked = db_path.parent / "khong-ghi-duoc"
    blocked.write_text("a file where the folder should be")
    controller = BackupController(window, MainWindowHost(window), folder=blocked)
    for _ in range(2):
        controller.automatic(Reason.DAILY)
        qtbot.waitUntil(lambda: not controller.runner.running)
    errors = [text for text in no_blocking_dialogs if "Không sao lưu tự động được" in text]
    assert len(errors) == 1
    assert "Không sao lưu tự động được" in window.statusBar().currentMessage()


# -- a damaged register at start-up -------------------------------------------------------


def test_a_damaged_register_is_restored_from_the_newest_good_backup(
    qtbot: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch, no_blocking_dialogs: list[Any]
) -> None:
    backup.automatic_backup(db_path, Reason.STARTUP, now=datetime(2024, 3, 1, 8))
    newest = backup.automatic_backup(db_path, Reason.DAILY, now=datetime(2024, 3, 2, 8))
    assert newest is not None
    corrupt_middle(newest)  # the newest backup is bad too: the one before is offered
    corrupt_middle(db_path)
    damaged = digest(db_path)
    offered: list[Any] = []

    def ask(report: Any, candidate: Any) -> Recovery:
        offered.append((report, candidate))
        return Recovery.NEWEST

    monkeypatch.setattr(backup_dialog, "ask_recovery", ask)
    assert check_at_start(db_path)
    report, candidate = offered[0]
    assert report.finding is Finding.DAMAGED and "bị hỏng" in report.message
    assert candidate.taken_at == datetime(2024, 3, 1, 8)
    assert check_register(db_path).finding is Finding.OK
    kept = [p for p in (db_path.parent / "sao-luu").iterdir() if backup.DAMAGED_MARK in p.name]
    assert len(kept) == 1 and digest(kept[0]) == damaged  # never overwritten, kept aside
    assert any("Tệp hỏng được giữ lại" in text for text in no_blocking_dialogs)


def test_quitting_on_a_damaged_register_changes_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup.automatic_backup(db_path, Reason.STARTUP)
    corrupt_middle(db_path)
    damaged = digest(db_path)
    monkeypatch.setattr(backup_dialog, "ask_recovery", lambda _r, _n: Recovery.QUIT)
    assert not check_at_start(db_path)
    assert digest(db_path) == damaged


def test_a_damaged_register_without_backups_can_take_one_from_a_usb_drive(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usb_copy = backup.backup_register(db_path, tmp_path / "usb" / "so.cdsdb")
    corrupt_middle(db_path)
    answers = iter([Recovery.OTHER])
    monkeypatch.setattr(backup_dialog, "ask_recovery", lambda _r, newest: next(answers))
    monkeypatch.setattr(backup_dialog, "choose_backup_file", lambda _p, _s: usb_copy)
    assert check_at_start(db_path)
    assert check_register(db_path).finding is Finding.OK


def test_the_recovery_box_offers_the_three_choices(
    qtbot: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newest = backup.list_backups(db_path)
    backup.automatic_backup(db_path, Reason.STARTUP, now=datetime(2024, 3, 1, 8, 0))
    newest = backup.list_backups(db_path)[0]
    corrupt_middle(db_path)
    seen: list[str] = []

    def look(box: Any) -> int:
        seen.extend(button.text() for button in box.buttons())
        return 0

    monkeypatch.setattr("ui.dialogs.common.exec_dialog", look)
    choice = backup_dialog.ask_recovery(check_register(db_path), newest)
    assert choice is Recovery.QUIT  # closed without a choice: nothing is touched
    assert "Khôi phục từ bản sao lưu ngày 01/03/2024 08:00" in seen
    assert "Chọn bản sao lưu khác…" in seen and "Thoát" in seen


# -- one window per register ---------------------------------------------------------------


def test_a_second_instance_finds_the_first_and_asks_it_to_show(qtbot: Any, tmp_path: Path) -> None:
    name = server_name(tmp_path / "so.cdsdb")
    first = SingleInstance(name)
    second = SingleInstance(name)
    assert not second.notify_running(200)  # nobody listens yet
    assert first.listen()
    try:
        with qtbot.waitSignal(first.showRequested, timeout=5000):
            assert second.notify_running()
    finally:
        first.close()
    assert server_name(tmp_path / "so.cdsdb") == name
    assert server_name(tmp_path / "khac.cdsdb") != name


def test_starting_again_on_an_open_register_switches_to_the_first_window(
    qtbot: Any, db_path: Path, no_blocking_dialogs: list[Any]
) -> None:
    first = SingleInstance(server_name(db_path))
    assert first.listen()
    try:
        with qtbot.waitSignal(first.showRequested, timeout=5000):
            assert app_module.run(db_path) == 0
    finally:
        first.close()
    assert no_blocking_dialogs == [
        "Sổ đăng ký này đang được mở trong một cửa sổ CĐS Desk khác; đã chuyển sang cửa sổ đó."
    ]


def test_a_register_locked_by_another_program_is_refused_with_who_has_it(
    db_path: Path, no_blocking_dialogs: list[Any]
) -> None:
    untouched = digest(db_path)
    with RegisterLock(db_path.resolve()) as lock:
        assert lock.acquire()
        assert app_module.run(db_path) == 2
    assert len(no_blocking_dialogs) == 1 and "đang được mở bởi người dùng" in no_blocking_dialogs[0]
    assert digest(db_path) == untouched


def test_run_holds_the_lock_answers_a_second_start_and_backs_up_at_start(
    qtbot: Any, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole start-up, through app.run, until the window is closed."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    opened: list[MainWindow] = []

    def make_window(path: Path, **options: Any) -> MainWindow:  # as app.run builds it
        assert options == {"deferred": True}  # the table first, the side panels after
        opened.append(MainWindow(path, settings=settings, **options))
        return opened[-1]

    monkeypatch.setattr(app_module, "MainWindow", make_window)
    seen: dict[str, bool] = {}
    real_start = BackupController.start_automatic

    def start_automatic(self: BackupController) -> None:
        # The backup reads the whole file: it waits until the side panels are filled.
        seen["backup after panels"] = bool(opened) and opened[0].panels_loaded
        real_start(self)

    monkeypatch.setattr(BackupController, "start_automatic", start_automatic)

    def look_then_close() -> None:
        if not opened or not opened[0].isVisible() or not backup.scan_backups(db_path):
            QTimer.singleShot(50, look_then_close)  # the start-up backup runs off-thread
            return
        window = opened[0]
        if not window.panels_loaded:  # the program fills the side panels after the table
            QTimer.singleShot(50, look_then_close)
            return
        seen["panels"] = bool(window.unit_panel.model.units() and window.attention.lines())
        seen["locked"] = not RegisterLock(db_path.resolve()).acquire()
        seen["answers"] = SingleInstance(server_name(db_path)).notify_running()
        seen["menu"] = any(a.objectName() == "backupAction" for a in window.findChildren(QAction))
        window.close()

    QTimer.singleShot(0, look_then_close)
    guard = QTimer(singleShot=True, interval=20_000)  # never hang the suite
    guard.timeout.connect(QApplication.closeAllWindows)
    guard.start()
    try:
        assert app_module.run(db_path) == 0
    finally:
        guard.stop()
    assert seen == {
        "panels": True, "locked": True, "answers": True, "menu": True, "backup after panels": True
    }
    assert backup.scan_backups(db_path)[0].reason is Reason.STARTUP
    with RegisterLock(db_path.resolve()) as lock:
        assert lock.acquire()  # released when the window closed
