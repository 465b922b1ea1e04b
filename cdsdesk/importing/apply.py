"""Writing a reviewed import plan into the register in one transaction (see service.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsdesk.domain.enums import DeadlineKind, Recurrence
from cdsdesk.domain.labels import document_label
from cdsdesk.domain.models import Document, Task, Unit
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.importing.service import (
    MAX_DEADLINE_TEXT,
    MAX_REF,
    MAX_UNIT_NAME,
    ImportPlan,
    ImportResult,
    MissingTask,
    PlanTask,
    PlanUnit,
    UnitAction,
    cut_text,
    unit_key,
)
from cdsdesk.services import documents as docs
from cdsdesk.services import tasks as ts
from cdsdesk.services import units as us
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _backup(register: Register) -> Path | None:
    """A backup before the first imported row, when the backup module is there."""
    try:
        from cdsdesk.storage import backup
    except ImportError:  # pragma: no cover - the module ships with the program
        return None
    take = getattr(backup, "backup_before_import", None)
    if take is None:  # pragma: no cover
        return None
    result = take(register)
    return Path(result) if result is not None else None


def _check(plan: ImportPlan) -> None:
    """Refusals that need no register, before the backup and the write."""
    if not plan.included():
        raise ValidationError(tr("Chưa có nhiệm vụ nào được chọn để nhập vào sổ."))
    for decision in plan.decisions:
        if decision.action == UnitAction.MAP and decision.unit_id is None:
            raise ValidationError(
                tr("Chưa chọn đơn vị có sẵn để gán cho “{name}”.").format(name=decision.name)
            )
        if (
            decision.action == UnitAction.CREATE
            and not (decision.new_name or decision.name).strip()
        ):
            raise ValidationError(
                tr("Chưa nhập tên đơn vị mới thay cho “{name}”.").format(name=decision.name)
            )


def _add_unit(session: Session, name: str, parent_id: int | None) -> Unit:
    """A new unit inside the import's transaction, with the units service's rules."""
    # The units service's own rules (private there: it has no session-level create yet).
    name = us._clean_name(name)
    if parent_id is not None and session.get(Unit, parent_id) is None:
        raise NotFoundError(tr("Không có đơn vị mã {id}.").format(id=parent_id))
    us._check_sibling_name(session, name, parent_id)
    siblings = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    last = session.scalar(select(func.max(Unit.sort_order)).where(siblings))
    unit = Unit(
        name=name,
        short_name="",
        parent_id=parent_id,
        sort_order=(last or 0) + 1,
        active=True,
        name_folded=fold(name),
    )
    session.add(unit)
    session.flush()
    return unit


def _decided_units(session: Session, plan: ImportPlan) -> tuple[dict[str, int], list[int]]:
    """The unit id each decided name stands for, creating the new units; and the new ids."""
    resolved: dict[str, int] = {}
    created: list[int] = []
    made: dict[tuple[int | None, str], int] = {}
    for decision in plan.decisions:
        if decision.action == UnitAction.MAP and decision.unit_id is not None:
            if session.get(Unit, decision.unit_id) is None:
                raise NotFoundError(tr("Không có đơn vị mã {id}.").format(id=decision.unit_id))
            resolved[decision.key] = decision.unit_id
        elif decision.action == UnitAction.CREATE:
            name = cut_text(decision.new_name or decision.name, MAX_UNIT_NAME)
            # Two names the officer turns into the same new unit make one unit.
            where = (decision.parent_id, unit_key(name))
            if where not in made:
                made[where] = _add_unit(session, name, decision.parent_id).id
                created.append(made[where])
            resolved[decision.key] = made[where]
    return resolved, created


def _ids(units: Iterable[PlanUnit], resolved: dict[str, int]) -> list[int]:
    ids: list[int] = []
    for unit in units:
        uid = unit.unit_id if unit.unit_id is not None else resolved.get(unit.key)
        if uid is not None and uid not in ids:
            ids.append(uid)
    return ids


def _parents(plan: ImportPlan) -> dict[int, PlanTask | None]:
    """Each included task's parent: the nearest included task up its chain of refs."""
    by_ref: dict[str, PlanTask] = {}
    for task in plan.tasks:
        by_ref.setdefault(task.ref, task)
    parents: dict[int, PlanTask | None] = {}
    for task in plan.included():
        parent_ref, seen = task.parent_ref, {task.ref}
        parent: PlanTask | None = None
        while parent_ref and parent_ref not in seen:
            seen.add(parent_ref)
            candidate = by_ref.get(parent_ref)
            if candidate is None or candidate is task:
                break
            if candidate.include:
                parent = candidate
                break
            parent_ref = candidate.parent_ref
        parents[id(task)] = parent
    return parents


def _parents_first(tasks: list[PlanTask], parents: dict[int, PlanTask | None]) -> list[PlanTask]:
    placed: set[int] = set()
    ordered: list[PlanTask] = []

    def place(task: PlanTask, depth: int = 0) -> None:
        if id(task) in placed or depth > len(tasks):
            return
        parent = parents.get(id(task))
        if parent is not None:
            place(parent, depth + 1)
        placed.add(id(task))
        ordered.append(task)

    for task in tasks:
        place(task)
    return ordered


def _task_input(
    task: PlanTask,
    plan: ImportPlan,
    resolved: dict[str, int],
    document_id: int,
    parent_id: int | None,
) -> ts.TaskInput:
    assigned_on = plan.document.issued_on or plan.document.meeting_on
    early = bool(task.deadline and assigned_on and task.deadline < assigned_on)
    return ts.TaskInput(
        content=task.content,
        ref=cut_text(task.ref, MAX_REF),
        parent_id=parent_id,
        document_id=document_id,
        task_group=task.task_group,
        assigned_on=assigned_on,
        deadline_kind=DeadlineKind(task.deadline_kind),
        deadline=task.deadline,
        period_start=task.period_start,
        recurrence=Recurrence(task.recurrence) if task.recurrence else None,
        deadline_text=cut_text(task.deadline_text, MAX_DEADLINE_TEXT),
        urgent=task.urgent,
        lead_ids=_ids(task.leads, resolved),
        cooperating_ids=_ids(task.cooperating, resolved),
        keep_deadline_as_written=task.keep_deadline_as_written or early,
    )


def _write_document(session: Session, plan: ImportPlan, update_id: int | None) -> Document:
    # The documents service's own rules (private there: it has no session-level write yet).
    clean = docs._validate(plan.document)
    if update_id is None:
        doc = Document(**asdict(clean))
        session.add(doc)
        session.flush()
        return doc
    existing = session.get(Document, update_id)
    if existing is None:
        raise NotFoundError(tr("Không có văn bản mã {id}.").format(id=update_id))
    for name, value in asdict(clean).items():
        if getattr(existing, name) != value:
            setattr(existing, name, value)
    return existing


def _merged_input(task: Task, new: ts.TaskInput) -> ts.TaskInput:
    """What the text now says, on top of what the officer recorded.

    Progress (status, dates, result, evidence) and the task's place in the tree
    stay; units the text no longer names surely are kept rather than emptied;
    an extended deadline (gia hạn) is not put back to the notice's.
    """
    current = ts.stored_input(task)
    merged = replace(
        current,
        content=new.content,
        ref=new.ref or current.ref,
        task_group=new.task_group or current.task_group,
        assigned_on=current.assigned_on or new.assigned_on,
        urgent=new.urgent,
        lead_ids=new.lead_ids or current.lead_ids,
        cooperating_ids=new.cooperating_ids or current.cooperating_ids,
    )
    if not task.extensions:
        merged = replace(
            merged,
            deadline_kind=new.deadline_kind,
            deadline=new.deadline,
            period_start=new.period_start,
            recurrence=new.recurrence,
            deadline_text=new.deadline_text,
            keep_deadline_as_written=True,
        )
    return merged


def _same(a: ts.TaskInput, b: ts.TaskInput) -> bool:
    def key(data: ts.TaskInput) -> dict[str, object]:
        values = asdict(data)
        values.pop("keep_deadline_as_written")
        values["content"] = data.content.strip()
        return values

    return key(a) == key(b)


def apply_plan(
    register: Register, plan: ImportPlan, *, update_document_id: int | None = None
) -> ImportResult:
    """Write ``plan`` in one transaction: all of it, or nothing.

    With ``update_document_id`` the plan updates that document and its tasks
    (matched by item number) instead of adding a new one.
    """
    _check(plan)
    backup_path = _backup(register)
    from cdsdesk.services import audit

    with register.transaction() as session:
        session.info[audit.LABEL_KEY] = tr("Nhập từ văn bản {label}").format(label=plan.label)
        doc = _write_document(session, plan, update_document_id)
        resolved, created_units = _decided_units(session, plan)
        existing: dict[str, list[Task]] = {}
        if update_document_id is not None:
            stored = session.scalars(
                select(Task).where(Task.document_id == doc.id).order_by(Task.sort_order, Task.id)
            )
            for stored_task in stored:
                existing.setdefault(stored_task.ref.strip(), []).append(stored_task)
        parents = _parents(plan)
        written: dict[int, int] = {}  # id(PlanTask) -> task id
        created: list[int] = []
        updated: list[int] = []
        unchanged: list[int] = []
        matched: set[int] = set()
        for task in _parents_first(plan.included(), parents):
            parent = parents.get(id(task))
            parent_id = written.get(id(parent)) if parent is not None else None
            data = _task_input(task, plan, resolved, doc.id, parent_id)
            candidates = existing.get(data.ref.strip(), []) if data.ref.strip() else []
            old = next((t for t in candidates if t.id not in matched), None)
            if old is None:
                new_task = ts.add_task(session, data)
                created.append(new_task.id)
                written[id(task)] = new_task.id
                continue
            matched.add(old.id)
            written[id(task)] = old.id
            merged = _merged_input(old, data)
            if _same(merged, ts.stored_input(old)):
                unchanged.append(old.id)
                continue
            # update_task() opens its own transaction; these are its two steps.
            ts._validate(session, merged, old.id)
            ts._apply(session, old, merged)
            session.flush()
            updated.append(old.id)
        missing = tuple(
            MissingTask(t.id, t.ref, t.content)
            for tasks in existing.values()
            for t in tasks
            if t.id not in matched
        )
        label = document_label(doc.number, doc.doc_type, doc.issuer_code) or cut_text(doc.title, 60)
        document_id = doc.id
    unassigned = tuple(
        d.name
        for d in plan.decisions
        if d.action == UnitAction.LEAVE and _named_by_included(plan, d.key)
    )
    return ImportResult(
        document_id=document_id,
        document_label=label,
        updated=update_document_id is not None,
        created_task_ids=tuple(created),
        updated_task_ids=tuple(updated),
        unchanged_task_ids=tuple(unchanged),
        missing_tasks=missing,
        created_unit_ids=tuple(created_units),
        unassigned_units=unassigned,
        backup=backup_path,
    )


def _named_by_included(plan: ImportPlan, key: str) -> bool:
    return any(
        u.pending and u.key == key for t in plan.included() for u in (*t.leads, *t.cooperating)
    )
