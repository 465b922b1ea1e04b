"""Writing an imported notice: the plan, the one transaction, re-imports as updates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cdsdesk.domain.enums import DeadlineKind, StoredStatus
from cdsdesk.domain.models import Document, Task, Unit
from cdsdesk.errors import CdsError, ValidationError
from cdsdesk.importing.apply import apply_plan
from cdsdesk.importing.parser import parse_notice
from cdsdesk.importing.reading import read_text, text_from_paste
from cdsdesk.importing.service import (
    ImportPlan,
    PlanTask,
    PlanUnit,
    UnitAction,
    fill_from_existing,
    find_existing,
    plan_from_parsed,
    preview_update,
)
from cdsdesk.services.documents import get_document
from cdsdesk.services.queries import TaskQuery, TaskRow, query_tasks
from cdsdesk.services.tasks import add_note
from cdsdesk.services.units import create_unit, list_units
from cdsdesk.storage.db import Register

SAMPLES = Path(__file__).parent / "data" / "samples"
TB36 = SAMPLES / "quang-ngai-tb-36-ubnd-2023.txt"
PRESS = SAMPLES / "quang-tri-hop-bcd-cds-2024.txt"


def make_plan(register: Register, path: Path = TB36) -> ImportPlan:
    source = read_text(path)
    return plan_from_parsed(register, parse_notice(source.text, units=list_units(register)), source)


def counts(register: Register) -> tuple[int, int, int]:
    with register.transaction() as session:
        return (
            session.scalar(select(func.count()).select_from(Document)) or 0,
            session.scalar(select(func.count()).select_from(Task)) or 0,
            session.scalar(select(func.count()).select_from(Unit)) or 0,
        )


def rows_by_ref(register: Register, document_id: int) -> dict[str, TaskRow]:
    rows = query_tasks(register, TaskQuery(document_id=document_id))
    return {row.ref: row for row in rows}


def task(plan: ImportPlan, ref: str) -> PlanTask:
    return next(t for t in plan.tasks if t.ref == ref)


def create_everything(plan: ImportPlan) -> None:
    for decision in plan.decisions:
        decision.action = UnitAction.CREATE


# -- the plan ------------------------------------------------------------------------


def test_plan_into_an_empty_register_decides_nothing_by_itself(register: Register) -> None:
    plan = make_plan(register)
    assert plan.document.number == "36"
    assert plan.document.doc_type == "TB"
    assert plan.document.issued_on == date(2023, 2, 3)
    assert plan.document.original_text.lstrip().startswith("Số: 36")
    assert plan.document.source_file == TB36.name
    assert len(plan.tasks) == 19
    assert all(not t.lead_ids for t in plan.tasks)  # no unit to match: nothing guessed
    names = {d.name for d in plan.decisions}
    assert {"Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh", "Sở Tài chính"} <= names
    assert all(d.action is UnitAction.LEAVE for d in plan.decisions)
    assert find_existing(register, plan) is None
    early = task(plan, "II.3.1")
    assert early.deadline == date(2022, 2, 4)
    assert early.keep_deadline_as_written
    assert any("trước ngày ban hành" in flag for flag in early.flags)
    assert counts(register) == (0, 0, 0)  # planning writes nothing


def test_plan_into_the_demo_register_matches_its_units(demo: Register) -> None:
    plan = make_plan(demo)
    units = {u.name: u.id for u in list_units(demo)}
    assert task(plan, "II.2.1").lead_ids == [units["Sở Thông tin và Truyền thông"]]
    assert task(plan, "II.3.2").lead_ids == [units["Văn phòng Ủy ban nhân dân tỉnh"]]
    assert task(plan, "II.4").lead_ids == [units["Sở Tài chính"]]
    # What is not surely a register unit stays a decision, never a guess.
    pending = [u.name for t in plan.tasks for u in (*t.leads, *t.cooperating) if u.pending]
    assert pending and all(plan.decision(name) is not None for name in pending)
    existing = find_existing(demo, plan)
    assert existing is not None and existing.label == "36/TB-UBND"


# -- writing a new import ---------------------------------------------------------------


def test_apply_writes_the_document_and_tasks_with_leads_parents_and_deadlines(
    register: Register,
) -> None:
    plan = make_plan(register)
    create_everything(plan)
    result = apply_plan(register, plan)
    assert not result.updated
    assert len(result.created_task_ids) == 19
    assert len(result.created_unit_ids) == len(plan.decisions)
    doc = get_document(register, result.document_id)
    assert doc.label == "36/TB-UBND" and doc.task_count == 19
    assert doc.original_text == read_text(TB36).text
    assert doc.source_file == TB36.name
    rows = rows_by_ref(register, result.document_id)
    assert rows["II.2.1"].lead_units == ("Sở Thông tin và Truyền thông",)
    assert rows["II.2.1"].deadline == date(2023, 2, 4)
    assert rows["II.2.1"].deadline_kind is DeadlineKind.DATE
    assert rows["II.2.1"].deadline_text == "trước ngày 04/02/2023"
    assert rows["II.2.1"].urgent
    assert rows["II.2.3.1"].parent_id == rows["II.2.3"].id
    assert rows["II.2.4.4"].parent_id == rows["II.2.4"].id
    assert rows["II.2.3"].cooperating_units == (
        "Văn phòng UBND tỉnh",
        "UBND các huyện, thị xã, thành phố",
    )
    assert rows["II.3.1"].deadline == date(2022, 2, 4)  # kept as written, flagged
    assert rows["II.1.2"].deadline_kind is DeadlineKind.ONGOING
    if register.path is not None:
        assert result.backup is not None and result.backup.exists()


def test_an_excluded_task_is_not_written_and_its_children_move_up(register: Register) -> None:
    plan = make_plan(register)
    task(plan, "II.2.3").include = False
    result = apply_plan(register, plan)
    rows = rows_by_ref(register, result.document_id)
    assert "II.2.3" not in rows
    assert rows["II.2.3.1"].parent_id is None
    assert len(rows) == 18


def test_nothing_chosen_is_refused_and_nothing_written(register: Register) -> None:
    plan = make_plan(register)
    for t in plan.tasks:
        t.include = False
    with pytest.raises(ValidationError, match="Chưa có nhiệm vụ nào"):
        apply_plan(register, plan)
    assert counts(register) == (0, 0, 0)


def test_a_failure_midway_writes_nothing(register: Register) -> None:
    plan = make_plan(register)
    create_everything(plan)  # units would be created first...
    task(plan, "II.3.3").leads.append(PlanUnit("Đơn vị ma", 987_654))  # ...then this fails
    with pytest.raises(CdsError, match="987654"):
        apply_plan(register, plan)
    assert counts(register) == (0, 0, 0)


def test_unit_decisions_create_map_and_leave(register: Register) -> None:
    plan = make_plan(register)
    province = create_unit(register, "Ủy ban nhân dân tỉnh Quảng Ngãi")
    office = create_unit(register, "VP UBND", parent_id=province.id)
    for decision in plan.decisions:
        if decision.name == "Sở Thông tin và Truyền thông":
            decision.action = UnitAction.CREATE
            decision.parent_id = province.id
            decision.new_name = "Sở Thông tin và Truyền thông tỉnh Quảng Ngãi"
        elif decision.name == "Văn phòng UBND tỉnh":
            decision.action = UnitAction.MAP
            decision.unit_id = office.id
    result = apply_plan(register, plan)
    units = {u.name: u for u in list_units(register)}
    created = units["Sở Thông tin và Truyền thông tỉnh Quảng Ngãi"]
    assert created.parent_id == province.id
    assert result.created_unit_ids == (created.id,)
    rows = rows_by_ref(register, result.document_id)
    assert rows["II.2.1"].lead_ids == (created.id,)
    assert rows["II.3.1"].lead_ids == (office.id,)
    assert office.id in rows["II.2.3"].cooperating_ids
    assert rows["II.1.1"].lead_ids == ()  # left empty, for the officer
    assert "Các sở, ban, ngành" in result.unassigned_units


def test_two_names_made_into_one_new_unit_make_one_unit(register: Register) -> None:
    plan = make_plan(register)
    for decision in plan.decisions:
        if decision.name in ("Sở Tài chính", "Sở Kế hoạch và Đầu tư"):
            decision.action = UnitAction.CREATE
            decision.new_name = "Sở Tài chính"
    result = apply_plan(register, plan)
    assert len(result.created_unit_ids) == 1
    assert rows_by_ref(register, result.document_id)["II.4"].lead_units == ("Sở Tài chính",)


def test_a_map_decision_without_a_unit_is_refused_before_writing(register: Register) -> None:
    plan = make_plan(register)
    plan.decisions[0].action = UnitAction.MAP
    with pytest.raises(ValidationError, match="Chưa chọn đơn vị"):
        apply_plan(register, plan)
    assert counts(register) == (0, 0, 0)


# -- the same notice twice ----------------------------------------------------------------


def test_importing_twice_is_noticed_and_updates_without_duplicates(register: Register) -> None:
    plan = make_plan(register)
    create_everything(plan)
    first = apply_plan(register, plan)
    before = counts(register)
    rows = rows_by_ref(register, first.document_id)
    add_note(register, rows["II.2.2"].id, "Đã trình dự thảo", status=StoredStatus.IN_PROGRESS)

    again = make_plan(register)  # the units now exist: matched surely
    existing = find_existing(register, again)
    assert existing is not None and existing.id == first.document_id
    result = apply_plan(register, again, update_document_id=existing.id)
    assert result.updated and result.created_task_ids == () and result.created_unit_ids == ()
    assert set(result.unchanged_task_ids) == set(first.created_task_ids)
    assert counts(register) == before
    after = rows_by_ref(register, first.document_id)
    assert after["II.2.2"].status is StoredStatus.IN_PROGRESS  # the officer's progress stays


def test_an_update_changes_matched_tasks_adds_new_ones_and_lists_missing(
    register: Register,
) -> None:
    first = apply_plan(register, make_plan(register))
    again = make_plan(register)
    task(again, "II.3.2").content = "Tham mưu Chủ tịch UBND tỉnh dự họp chuyên đề tại các huyện."
    task(again, "II.3.3").include = False
    again.tasks.append(
        PlanTask(
            ref="II.5",
            parent_ref="II",
            content="Báo cáo kết quả chuyển đổi số quý I",
            deadline_kind=DeadlineKind.DATE,
            deadline=date(2023, 3, 31),
            deadline_text="trước ngày 31/3/2023",
        )
    )
    preview = preview_update(register, again, first.document_id)
    assert (preview.matched, preview.new, preview.missing) == (18, 1, ("II.3.3",))
    result = apply_plan(register, again, update_document_id=first.document_id)
    rows = rows_by_ref(register, first.document_id)
    assert rows["II.3.2"].content.startswith("Tham mưu Chủ tịch UBND tỉnh dự họp chuyên đề")
    assert result.updated_task_ids == (rows["II.3.2"].id,)
    assert result.created_task_ids == (rows["II.5"].id,)
    assert rows["II.5"].deadline == date(2023, 3, 31)
    assert [m.ref for m in result.missing_tasks] == ["II.3.3"]
    assert "II.3.3" in rows  # listed, never deleted
    assert len(rows) == 20


def test_a_press_report_reimported_keeps_the_number_the_officer_typed(
    register: Register,
) -> None:
    plan = make_plan(register, PRESS)
    assert plan.title_guessed and not plan.document.number
    first = apply_plan(register, plan)
    with register.transaction() as session:
        doc = session.get(Document, first.document_id)
        assert doc is not None
        doc.number, doc.title = "185", "Kết luận của Chủ tịch UBND tỉnh"
    again = make_plan(register, PRESS)
    existing = find_existing(register, again)  # found by its text: it has no number
    assert existing is not None and existing.id == first.document_id
    fill_from_existing(again, existing)
    apply_plan(register, again, update_document_id=existing.id)
    stored = get_document(register, first.document_id)
    assert (stored.number, stored.title) == ("185", "Kết luận của Chủ tịch UBND tỉnh")


def test_pasted_text_is_planned_without_a_file_name(register: Register) -> None:
    source = text_from_paste(TB36.read_text(encoding="utf-8"))
    plan = plan_from_parsed(register, parse_notice(source.text), source)
    assert plan.document.source_file == ""
    assert len(plan.tasks) == 19
