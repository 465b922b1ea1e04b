"""Undo and redo through row snapshots: every edit can be put back exactly."""

from __future__ import annotations

from datetime import date

from cdsdesk.domain.enums import DeadlineKind, StoredStatus
from cdsdesk.services import documents as docs
from cdsdesk.services import history
from cdsdesk.services import tasks as ts
from cdsdesk.services import units as us
from cdsdesk.services.queries import get_task, query_tasks
from cdsdesk.storage.db import Register


def test_delete_task_with_subtasks_and_notes_then_restore(demo: Register) -> None:
    parent = next(r for r in query_tasks(demo) if r.has_children)
    before = history.snapshot_tasks(demo, [parent.id])
    detail = get_task(demo, parent.id)
    child_notes = {c: len(get_task(demo, c).notes) for c in detail.children}
    ts.delete_task(demo, parent.id, with_subtasks=True)
    assert all(r.id != parent.id for r in query_tasks(demo))
    history.restore(demo, before)
    again = get_task(demo, parent.id)
    assert again.row.content == parent.content
    assert again.children == detail.children
    assert {c: len(get_task(demo, c).notes) for c in again.children} == child_notes
    assert again.version > detail.version  # an open editor must reload


def test_undo_create_and_edit(register: Register) -> None:
    unit = us.create_unit(register, "Phòng Hành chính - Tổng hợp")
    data = ts.TaskInput(content="Ban hành Kế hoạch CĐS năm 2024", lead_ids=[unit.id],
                        assigned_on=date(2024, 3, 25), deadline_kind=DeadlineKind.DATE,
                        deadline=date(2024, 4, 30))
    tid = ts.create_task(register, data)
    created = history.snapshot_tasks(register, [tid])
    before_create = history.Snapshot("tasks", frozenset({tid}))
    before_edit = history.snapshot_tasks(register, [tid])
    data.content = "Ban hành Kế hoạch Chuyển đổi số năm 2024 của Sở"
    data.status = StoredStatus.DONE
    data.completed_on = date(2024, 4, 2)
    ts.update_task(register, tid, data)
    history.restore(register, before_edit)
    restored = get_task(register, tid)
    assert restored.row.content == "Ban hành Kế hoạch CĐS năm 2024"
    assert restored.row.status is StoredStatus.NOT_STARTED
    assert restored.lead_ids == (unit.id,)
    history.restore(register, before_create)
    assert query_tasks(register) == []
    history.restore(register, created)
    assert get_task(register, tid).row.content == "Ban hành Kế hoạch CĐS năm 2024"


def test_undo_merge_and_delete_unit(demo: Register) -> None:
    units = {u.name: u for u in us.list_units(demo)}
    source = units["Sở Tài chính"]
    target = units["Văn phòng Ủy ban nhân dân tỉnh"]
    tasks_before = {r.id: r.lead_units for r in query_tasks(demo)}
    snap = history.snapshot_units(demo, [source.id, target.id])
    us.delete_unit(demo, source.id, reassign_to=target.id)
    assert {u.id for u in us.list_units(demo)} == {u.id for u in units.values()} - {source.id}
    history.restore(demo, snap)
    assert us.get_unit(demo, source.id).name == "Sở Tài chính"
    assert {r.id: r.lead_units for r in query_tasks(demo)} == tasks_before


def test_undo_document_edit(register: Register) -> None:
    doc = docs.create_document(register, docs.DocumentInput(number="36", issuer_code="UBND",
                                                            title="Kết luận"))
    snap = history.snapshot_documents(register, [doc.id])
    docs.update_document(register, doc.id, docs.DocumentInput(number="37", issuer_code="UBND",
                                                             title="Kết luận mới"))
    history.restore(register, snap)
    assert docs.get_document(register, doc.id).label == "36/TB-UBND"
    history.restore(register, history.Snapshot("documents", frozenset({doc.id})))
    assert docs.list_documents(register) == []
