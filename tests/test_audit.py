"""The audit trail: who changed what and when, read per task, and one change put back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cdsdesk.domain.audit import AuditLog
from cdsdesk.domain.enums import DeadlineKind, StoredStatus
from cdsdesk.domain.models import Unit
from cdsdesk.errors import ValidationError
from cdsdesk.exporting.report_data import compute_report_data
from cdsdesk.periods import Quarter
from cdsdesk.services import audit, history
from cdsdesk.services import tasks as ts
from cdsdesk.services import units as us
from cdsdesk.services.audit import recent_changes, task_history
from cdsdesk.services.audit_revert import revert_change
from cdsdesk.services.queries import get_task, query_tasks
from cdsdesk.services.reports import issue_report
from cdsdesk.settings import save_settings
from cdsdesk.storage import migrate
from cdsdesk.storage.db import Register

ME = audit.current_user()


def _units(register: Register) -> tuple[int, int, int]:
    return (
        us.create_unit(register, "Sở Tài chính").id,
        us.create_unit(register, "Sở Nội vụ").id,
        us.create_unit(register, "Văn phòng UBND tỉnh").id,
    )


def _task(register: Register, lead: int) -> tuple[int, ts.TaskInput]:
    data = ts.TaskInput(
        content="Ban hành Kế hoạch chuyển đổi số năm 2024",
        ref="II.2",
        lead_ids=[lead],
        assigned_on=date(2023, 2, 3),
        deadline_kind=DeadlineKind.DATE,
        deadline=date(2023, 12, 31),
    )
    return ts.create_task(register, data), data


def _lines(register: Register, task_id: int) -> list[str]:
    return [line for e in task_history(register, task_id) for line in e.lines]


def test_every_kind_of_edit_leaves_a_readable_row_with_the_user(register: Register) -> None:
    finance, home, office = _units(register)
    tid, data = _task(register, finance)
    data.deadline = date(2024, 6, 30)
    data.status = StoredStatus.IN_PROGRESS
    data.content = "Ban hành Kế hoạch chuyển đổi số năm 2024 của tỉnh"
    data.lead_ids = [finance, office]
    data.cooperating_ids = [home]
    ts.update_task(register, tid, data)
    ts.add_note(register, tid, "Đã trình UBND tỉnh dự thảo", noted_on=date(2024, 3, 5))
    ts.extend_deadline(
        register, tid, date(2024, 9, 30), reason="Chờ hướng dẫn của Bộ", decided_on=date(2024, 6, 1)
    )
    ts.add_note(register, tid, "Đã ban hành", noted_on=date(2024, 9, 2), status=StoredStatus.DONE)

    entries = task_history(register, tid)
    assert [e.id for e in entries] == sorted((e.id for e in entries), reverse=True)
    assert {e.user for e in entries} == {ME} and ME
    assert all(e.at.date() == date.today() for e in entries)
    lines = [line for e in entries for line in e.lines]
    # Newest first, each as the officer would say it.
    assert lines.index("Đổi tình trạng: Đang thực hiện → Đã hoàn thành") < lines.index(
        "Đổi tình trạng: Chưa triển khai → Đang thực hiện"
    )
    for expected in (
        "Thêm nhiệm vụ II.2 “Ban hành Kế hoạch chuyển đổi số năm 2024”",
        "Thêm đơn vị chủ trì: Sở Tài chính",
        "Đổi hạn hoàn thành từ 31/12/2023 thành 30/06/2024",
        "Thêm đơn vị chủ trì: Văn phòng UBND tỉnh",
        "Thêm đơn vị phối hợp: Sở Nội vụ",
        "Ghi tiến độ ngày 05/03/2024: Đã trình UBND tỉnh dự thảo",
        "Gia hạn từ 30/06/2024 đến 30/09/2024: Chờ hướng dẫn của Bộ",
        "Ghi tiến độ ngày 02/09/2024: Đã ban hành (đặt tình trạng: Đã hoàn thành)",
        "Đặt ngày hoàn thành: 02/09/2024",
    ):
        assert expected in lines, expected
    assert any(line.startswith("Sửa nội dung: “Ban hành") for line in lines)
    # The extension says itself once: the task's row does not repeat the new deadline.
    assert not any("thành 30/09/2024" in line for line in lines)
    update = next(e for e in entries if "Đổi hạn hoàn thành từ 31/12/2023" in e.summary)
    assert update.changes["deadline"] == ["2023-12-31", "2024-06-30"]  # JSON-safe, ISO dates
    assert update.entity == "task" and update.action == "update" and update.origin == "edit"


def test_removing_a_unit_and_deleting_a_task(register: Register) -> None:
    finance, home, _office = _units(register)
    tid, data = _task(register, finance)
    data.cooperating_ids = [home]
    ts.update_task(register, tid, data)
    data.cooperating_ids = []
    ts.update_task(register, tid, data)
    ts.add_note(register, tid, "Đang soạn", noted_on=date(2023, 5, 1))
    assert _lines(register, tid)[1] == "Bỏ đơn vị phối hợp: Sở Nội vụ"

    ts.delete_task(register, tid)
    newest = recent_changes(register, 1)[0]
    assert newest.lines == ("Xóa nhiệm vụ II.2 “Ban hành Kế hoạch chuyển đổi số năm 2024”",)
    assert (newest.entity, newest.action, newest.task_id, newest.user) == (
        "task",
        "delete",
        tid,
        ME,
    )
    # Its roles and notes went with it: one row says so, not one per note.
    assert newest.changes["content"][0].startswith("Ban hành Kế hoạch")
    # 3 units, the task, its lead, a unit added and removed, a note, the deletion.
    assert len(recent_changes(register, 100)) == 9
    assert task_history(register, tid)[0].id == newest.id  # the history outlives the task


def test_undo_and_redo_are_in_the_history(register: Register) -> None:
    finance, home, _office = _units(register)
    tid, data = _task(register, finance)
    before = history.snapshot_tasks(register, [tid])
    data.deadline = date(2024, 6, 30)
    data.cooperating_ids = [home]
    ts.update_task(register, tid, data)
    after = history.snapshot_tasks(register, [tid])
    ts.add_note(register, tid, "Đã trình ký", noted_on=date(2024, 1, 5))
    history.restore(register, before, "Hoàn tác: Sửa nhiệm vụ “Ban hành”")
    history.restore(register, after, "Làm lại: Sửa nhiệm vụ “Ban hành”")

    redo, undo = task_history(register, tid)[:2]
    assert (undo.origin, redo.origin) == ("restore", "restore")
    assert undo.lines == (
        "Hoàn tác: Sửa nhiệm vụ “Ban hành”",
        "Đổi hạn hoàn thành từ 30/06/2024 thành 31/12/2023",
        "Bỏ đơn vị phối hợp: Sở Nội vụ",
        "Xóa ghi tiến độ ngày 05/01/2024: Đã trình ký",
    )
    assert redo.lines == (
        "Làm lại: Sửa nhiệm vụ “Ban hành”",
        "Đổi hạn hoàn thành từ 31/12/2023 thành 30/06/2024",
        "Thêm đơn vị phối hợp: Sở Nội vụ",
    )
    assert undo.user == ME and undo.changes["deadline"] == ["2024-06-30", "2023-12-31"]


def test_undoing_a_creation_and_a_deletion(register: Register) -> None:
    finance, _home, _office = _units(register)
    tid, _data = _task(register, finance)
    created = history.snapshot_tasks(register, [tid])
    ts.delete_task(register, tid)
    history.restore(register, created, "Hoàn tác: Xóa nhiệm vụ")
    entries = task_history(register, tid)
    assert [(e.action, e.origin) for e in entries[:3]] == [
        ("create", "restore"),
        ("delete", "edit"),
        ("create", "edit"),  # a restored task keeps its history from its first creation
    ]
    assert entries[0].lines[1] == "Thêm nhiệm vụ II.2 “Ban hành Kế hoạch chuyển đổi số năm 2024”"
    history.restore(register, history.Snapshot("tasks", frozenset({tid})), "Hoàn tác: Thêm")
    assert recent_changes(register, 1)[0].action == "delete"
    # Nothing differs: still one row, so that the undo is in the trail.
    history.restore(register, history.Snapshot("tasks", frozenset({tid})), "Làm lại: Xóa")
    assert recent_changes(register, 1)[0].lines == ("Làm lại: Xóa",)


def test_a_new_task_with_a_reused_id_has_its_own_history(register: Register) -> None:
    finance, _home, _office = _units(register)
    old, data = _task(register, finance)
    ts.add_note(register, old, "Ghi của nhiệm vụ cũ", noted_on=date(2023, 3, 1))
    ts.delete_task(register, old)
    data.content = "Một nhiệm vụ khác"
    new = ts.create_task(register, data)
    if register.path is not None:
        assert new == old  # SQLite gives the next task the highest free id again
    lines = _lines(register, new)
    assert lines == ["Thêm đơn vị chủ trì: Sở Tài chính", "Thêm nhiệm vụ II.2 “Một nhiệm vụ khác”"]


def test_revert_puts_the_old_values_back(register: Register) -> None:
    finance, _home, _office = _units(register)
    tid, data = _task(register, finance)
    data.deadline = date(2024, 6, 30)
    data.status = StoredStatus.DONE
    data.completed_on = date(2024, 6, 1)
    ts.update_task(register, tid, data)
    wrong = task_history(register, tid)[0]
    assert wrong.can_revert
    version = get_task(register, tid).version

    assert revert_change(register, wrong.id) == tid
    detail = get_task(register, tid)
    assert detail.row.deadline == date(2023, 12, 31)
    assert detail.row.status is StoredStatus.NOT_STARTED
    assert detail.row.completed_on is None
    assert detail.version > version  # an editor holding the old version must reload
    reverted = task_history(register, tid)[0]
    assert reverted.lines[0].startswith("Hoàn lại thay đổi lúc ")
    assert "Đổi hạn hoàn thành từ 30/06/2024 thành 31/12/2023" in reverted.lines
    assert reverted.user == ME


def test_revert_is_refused_when_the_field_changed_since(register: Register) -> None:
    finance, _home, _office = _units(register)
    tid, data = _task(register, finance)
    data.deadline = date(2024, 6, 30)
    ts.update_task(register, tid, data)
    wrong = task_history(register, tid)[0]
    data.deadline = date(2024, 8, 31)
    ts.update_task(register, tid, data)
    with pytest.raises(ValidationError, match="hạn hoàn thành đã được sửa lại"):
        revert_change(register, wrong.id)
    assert get_task(register, tid).row.deadline == date(2024, 8, 31)
    creation = task_history(register, tid)[-1]
    assert not creation.can_revert
    with pytest.raises(ValidationError, match="Chỉ hoàn lại được"):
        revert_change(register, creation.id)


def test_revert_a_unit_added_or_removed_and_an_extension(register: Register) -> None:
    finance, home, _office = _units(register)
    tid, data = _task(register, finance)
    data.cooperating_ids = [home]
    ts.update_task(register, tid, data)
    added = task_history(register, tid)[0]
    assert added.lines == ("Thêm đơn vị phối hợp: Sở Nội vụ",)
    revert_change(register, added.id)
    assert get_task(register, tid).cooperating_ids == ()
    with pytest.raises(ValidationError, match="đã được bỏ"):
        revert_change(register, added.id)
    removed = task_history(register, tid)[0]
    assert removed.lines[1] == "Bỏ đơn vị phối hợp: Sở Nội vụ"
    revert_change(register, removed.id)
    assert get_task(register, tid).cooperating_ids == (home,)

    ts.extend_deadline(
        register, tid, date(2024, 3, 31), reason="Chờ ý kiến", decided_on=date(2023, 12, 20)
    )
    extension = task_history(register, tid)[0]
    assert extension.entity == "extension" and extension.can_revert
    revert_change(register, extension.id)
    detail = get_task(register, tid)
    assert detail.row.deadline == date(2023, 12, 31) and detail.extensions == ()
    assert "Bỏ lần gia hạn đến 31/03/2024" in task_history(register, tid)[0].lines


def test_failed_edits_and_rolled_back_savepoints_leave_no_rows(register: Register) -> None:
    finance, _home, _office = _units(register)
    tid, _data = _task(register, finance)
    count = len(recent_changes(register, 1000))
    with pytest.raises(ValidationError):
        ts.add_note(register, tid, "Ghi trước ngày giao", noted_on=date(2020, 1, 1))
    with pytest.raises(RuntimeError), register.transaction() as session:
        session.add(Unit(name="Phòng không lưu", name_folded="phong khong luu"))
        session.flush()  # written, then rolled back with its row of the trail
        raise RuntimeError
    assert len(recent_changes(register, 1000)) == count

    with register.transaction() as session:
        session.add(Unit(name="Phòng giữ lại", name_folded="phong giu lai"))
        session.flush()
        savepoint = session.begin_nested()
        session.add(Unit(name="Phòng bỏ đi", name_folded="phong bo di"))
        session.flush()
        savepoint.rollback()
        session.add(Unit(name="Phòng sau cùng", name_folded="phong sau cung"))
    newest = [e.lines[0] for e in recent_changes(register, 3)]
    assert newest == ["Thêm đơn vị Phòng sau cùng", "Thêm đơn vị Phòng giữ lại", newest[2]]
    assert "Phòng bỏ đi" not in newest[2]


def test_units_settings_and_reports_are_recorded(demo: Register) -> None:
    source = us.find_unit(demo, "Sở Tài chính")
    us.rename_unit(demo, source.id, "Sở Tài chính tỉnh Quảng Ngãi")
    assert recent_changes(demo, 1)[0].lines == (
        "Sửa đơn vị Sở Tài chính tỉnh Quảng Ngãi",
        "Đổi tên: Sở Tài chính → Sở Tài chính tỉnh Quảng Ngãi",
    )
    save_settings(demo, due_soon_days=10)
    assert recent_changes(demo, 1)[0].lines[0].startswith("Đổi thiết lập số ngày “sắp đến hạn”:")
    issue_report(demo, compute_report_data(demo, Quarter(2024, 1)), "12")
    newest = recent_changes(demo, 1)[0]
    assert newest.entity == "report" and newest.lines[0].startswith("Chốt số liệu báo cáo")
    assert "payload" not in newest.changes  # the frozen figures are not copied into the trail


def test_the_user_name_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_login() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(audit.getpass, "getuser", no_login)
    monkeypatch.setenv("USERNAME", "nguyenvana")
    audit.current_user.cache_clear()
    try:
        assert audit.current_user() == "nguyenvana"
        monkeypatch.delenv("USERNAME")
        monkeypatch.delenv("USER", raising=False)
        audit.current_user.cache_clear()
        assert audit.current_user() == "?"
    finally:
        audit.current_user.cache_clear()


def test_register_at_0002_upgrades_keeping_data_and_starts_its_trail(tmp_path: Path) -> None:
    path = tmp_path / "old.cdsdb"
    old = Register(path, upgrade=False)
    migrate.upgrade(old, "0002")
    # Written through the services before the table exists: nothing recorded, nothing broken.
    unit = us.create_unit(old, "Sở Khoa học và Công nghệ")
    tid, _data = _task(old, unit.id)
    old.dispose()

    with Register(path) as reg:
        assert migrate.current_revision(reg) == migrate.head_revision() == "0003"
        assert reg.backup_before_migration is not None
        assert get_task(reg, tid).row.content.startswith("Ban hành Kế hoạch")
        assert [r.id for r in query_tasks(reg)] == [tid]
        assert recent_changes(reg) == []
        ts.add_note(reg, tid, "Đã trình", noted_on=date(2023, 4, 1))
        assert _lines(reg, tid) == ["Ghi tiến độ ngày 01/04/2023: Đã trình"]


def test_loading_the_demo_register_is_recorded(demo: Register) -> None:
    with demo.transaction() as session:
        rows = session.scalar(select(func.count()).select_from(AuditLog))
        created = session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.entity == "task", AuditLog.action == "create")
        )
    assert rows is not None and rows > 200
    assert created == len(query_tasks(demo))
