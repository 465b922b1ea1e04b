"""Tasks: create, edit, move, delete; progress notes, status and extensions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, TaskGroup, UnitRole
from cdsdesk.domain.models import (
    Document,
    ProgressNote,
    Task,
    TaskExtension,
    TaskOccurrence,
    TaskUnit,
    Unit,
)
from cdsdesk.errors import CdsError, NotFoundError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.periods import period_containing
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold, format_date

MAX_CONTENT = 20_000


@dataclass
class TaskInput:
    """Every field the officer edits on a task."""

    content: str
    ref: str = ""
    parent_id: int | None = None
    document_id: int | None = None
    task_group: TaskGroup | None = None
    assigned_on: date | None = None
    deadline_kind: DeadlineKind = DeadlineKind.NONE
    deadline: date | None = None
    period_start: date | None = None
    recurrence: Recurrence | None = None
    deadline_text: str = ""
    urgent: bool = False
    lead_ids: list[int] = field(default_factory=list)
    cooperating_ids: list[int] = field(default_factory=list)
    informed_ids: list[int] = field(default_factory=list)
    status: StoredStatus = StoredStatus.NOT_STARTED
    completed_on: date | None = None
    cancelled_on: date | None = None
    status_reason: str = ""
    result: str = ""
    evidence: str = ""
    # A deadline before the assigned date is refused unless it is kept as
    # written in the source (the importer flags it for the officer instead).
    keep_deadline_as_written: bool = False


class ConflictError(CdsError):
    """Somebody else saved the task first."""


def _validate(session: Session, data: TaskInput, task_id: int | None) -> None:
    content = data.content.strip()
    if not content:
        raise ValidationError(tr("Nội dung nhiệm vụ không được để trống."))
    if len(content) > MAX_CONTENT:
        raise ValidationError(
            tr("Nội dung nhiệm vụ dài quá {n} ký tự.").format(
                n=f"{MAX_CONTENT:,}".replace(",", ".")
            )
        )
    _validate_deadline(data)
    _validate_status(data)
    unit_ids = set(data.lead_ids) | set(data.cooperating_ids) | set(data.informed_ids)
    if unit_ids:
        known = set(session.scalars(select(Unit.id).where(Unit.id.in_(unit_ids))))
        missing = unit_ids - known
        if missing:
            raise ValidationError(
                tr("Không có đơn vị mã {ids}.").format(ids=", ".join(map(str, sorted(missing))))
            )
    if data.document_id is not None and session.get(Document, data.document_id) is None:
        raise ValidationError(tr("Không có văn bản mã {id}.").format(id=data.document_id))
    if data.parent_id is not None:
        _validate_parent(session, data.parent_id, task_id)


def _validate_deadline(data: TaskInput) -> None:
    kind = data.deadline_kind
    if kind in (DeadlineKind.DATE, DeadlineKind.PERIOD) and data.deadline is None:
        raise ValidationError(tr("Chưa nhập hạn hoàn thành."))
    start, end = data.period_start, data.deadline
    if kind is DeadlineKind.PERIOD and start and end and start > end:
        raise ValidationError(tr("Ngày đầu của khoảng thời hạn phải trước ngày cuối."))
    if kind is DeadlineKind.RECURRING and data.recurrence is None:
        raise ValidationError(tr("Chưa chọn chu kỳ cho nhiệm vụ định kỳ."))
    if (
        kind in (DeadlineKind.DATE, DeadlineKind.PERIOD)
        and data.deadline
        and data.assigned_on
        and data.deadline < data.assigned_on
        and not data.keep_deadline_as_written
    ):
        raise ValidationError(
            tr("Hạn hoàn thành ({deadline}) trước ngày giao nhiệm vụ ({assigned}).").format(
                deadline=format_date(data.deadline), assigned=format_date(data.assigned_on)
            )
        )


def _validate_status(data: TaskInput) -> None:
    if data.status is StoredStatus.DONE:
        if data.completed_on is None:
            raise ValidationError(tr("Nhiệm vụ đã hoàn thành cần có ngày hoàn thành."))
        if data.assigned_on and data.completed_on < data.assigned_on:
            raise ValidationError(tr("Ngày hoàn thành không thể trước ngày giao nhiệm vụ."))
    if data.status is StoredStatus.CANCELLED and not data.status_reason.strip():
        raise ValidationError(tr("Hãy ghi lý do hủy nhiệm vụ."))


def _validate_parent(session: Session, parent_id: int, task_id: int | None) -> None:
    parent = session.get(Task, parent_id)
    if parent is None:
        raise ValidationError(tr("Không có nhiệm vụ cha mã {id}.").format(id=parent_id))
    ancestor: Task | None = parent
    while ancestor is not None:
        if task_id is not None and ancestor.id == task_id:
            raise ValidationError(
                tr(
                    "Không thể đặt nhiệm vụ làm nhiệm vụ con của chính nó "
                    "hoặc của nhiệm vụ con của nó."
                )
            )
        ancestor = ancestor.parent


def _apply(session: Session, task: Task, data: TaskInput) -> None:
    task.content = data.content.strip()
    task.ref = data.ref.strip()
    task.parent_id = data.parent_id
    task.document_id = data.document_id
    task.task_group = data.task_group.value if data.task_group else None
    task.assigned_on = data.assigned_on
    task.deadline_kind = data.deadline_kind.value
    dated = data.deadline_kind in (DeadlineKind.DATE, DeadlineKind.PERIOD)
    if dated and task.deadline != data.deadline:
        # Typing a new date is a correction, not an extension: it resets history.
        task.original_deadline = data.deadline
    task.deadline = data.deadline if dated else None
    if not dated:
        task.original_deadline = None
    task.period_start = data.period_start if data.deadline_kind is DeadlineKind.PERIOD else None
    task.recurrence = (
        data.recurrence.value
        if data.deadline_kind is DeadlineKind.RECURRING and data.recurrence
        else None
    )
    task.deadline_text = data.deadline_text.strip()
    task.urgent = data.urgent
    task.status = data.status.value
    task.completed_on = data.completed_on if data.status is StoredStatus.DONE else None
    task.cancelled_on = (
        (data.cancelled_on or date.today()) if data.status is StoredStatus.CANCELLED else None
    )
    task.status_reason = data.status_reason.strip()
    task.result = data.result.strip()
    task.evidence = data.evidence.strip()
    task.search_text = fold(f"{task.ref} {task.content}")
    _apply_roles(task, data)


def _apply_roles(task: Task, data: TaskInput) -> None:
    wanted: list[tuple[int, str]] = []
    for role, ids in (
        (UnitRole.LEAD, data.lead_ids),
        (UnitRole.COOPERATING, data.cooperating_ids),
        (UnitRole.INFORMED, data.informed_ids),
    ):
        for uid in dict.fromkeys(ids):
            if role is not UnitRole.LEAD and uid in data.lead_ids:
                continue
            wanted.append((uid, role.value))
    current = {(tu.unit_id, tu.role): tu for tu in task.units}
    task.units = [current.get(key) or TaskUnit(unit_id=key[0], role=key[1]) for key in wanted]
    for position, tu in enumerate(task.units):
        tu.position = position


def create_task(register: Register, data: TaskInput) -> int:
    """Create a task; return its id."""
    with register.transaction() as session:
        return add_task(session, data).id


def add_task(session: Session, data: TaskInput) -> Task:
    """Create a task inside an open transaction (for importers that write many at once)."""
    _validate(session, data, None)
    task = Task(content="")
    _apply(session, task, data)
    parent_filter = (
        Task.parent_id.is_(None) if data.parent_id is None else Task.parent_id == data.parent_id
    )
    last = session.scalar(select(func.max(Task.sort_order)).where(parent_filter))
    task.sort_order = (last or 0) + 1
    session.add(task)
    session.flush()
    return task


def update_task(
    register: Register, task_id: int, data: TaskInput, expected_version: int | None = None
) -> int:
    """Save every field; refuse when ``expected_version`` is stale. Return the new version."""
    try:
        with register.transaction() as session:
            task = _get(session, task_id)
            if expected_version is not None and task.version != expected_version:
                raise ConflictError(_conflict_message())
            _validate(session, data, task_id)
            _apply(session, task, data)
            session.flush()
            return task.version
    except StaleDataError as exc:
        raise ConflictError(_conflict_message()) from exc


def stored_input(task: Task) -> TaskInput:
    """A stored task as this service's input: saving it unchanged changes nothing, so a
    caller changes only what it means to (the importer keeps what a notice does not set)."""
    roles: dict[str, list[int]] = {"lead": [], "cooperating": [], "informed": []}
    for role in task.units:
        roles.setdefault(role.role, []).append(role.unit_id)
    return TaskInput(
        content=task.content,
        ref=task.ref,
        parent_id=task.parent_id,
        document_id=task.document_id,
        task_group=TaskGroup(task.task_group) if task.task_group else None,
        assigned_on=task.assigned_on,
        deadline_kind=DeadlineKind(task.deadline_kind),
        deadline=task.deadline,
        period_start=task.period_start,
        recurrence=Recurrence(task.recurrence) if task.recurrence else None,
        deadline_text=task.deadline_text,
        urgent=task.urgent,
        lead_ids=roles["lead"],
        cooperating_ids=roles["cooperating"],
        informed_ids=roles["informed"],
        status=StoredStatus(task.status),
        completed_on=task.completed_on,
        cancelled_on=task.cancelled_on,
        status_reason=task.status_reason,
        result=task.result,
        evidence=task.evidence,
        keep_deadline_as_written=True,  # stored as it is: never refused for being early
    )


def current_input(register: Register, task_id: int) -> TaskInput:
    """Task ``task_id`` as it is stored, as this service's input."""
    with register.transaction() as session:
        return stored_input(_get(session, task_id))


def _conflict_message() -> str:
    return tr("Nhiệm vụ vừa được người khác sửa và lưu trước; hãy tải lại rồi sửa lại.")


def _get(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(tr("Không có nhiệm vụ mã {id}.").format(id=task_id))
    return task


def delete_task(register: Register, task_id: int, *, with_subtasks: bool = False) -> list[int]:
    """Delete a task (and its sub-tasks only when asked); return the ids deleted."""
    with register.transaction() as session:
        task = _get(session, task_id)
        doomed = _descendants(task)
        if doomed and not with_subtasks:
            raise ValidationError(
                tr(
                    "Nhiệm vụ {ref} còn {count} nhiệm vụ con; hãy xác nhận xóa cả các nhiệm vụ con."
                ).format(ref=task.ref or f"#{task.id}", count=len(doomed))
            )
        ids = [t.id for t in doomed] + [task.id]
        for victim in [*reversed(doomed), task]:
            session.delete(victim)
            session.flush()
        return ids


def _descendants(task: Task) -> list[Task]:
    found: list[Task] = []
    stack = list(task.children)
    while stack:
        child = stack.pop(0)
        found.append(child)
        stack.extend(child.children)
    return found


def move_task(
    register: Register, task_id: int, new_parent_id: int | None, position: int | None = None
) -> None:
    """Make a task a sub-task of another (or top-level), at ``position`` among siblings."""
    with register.transaction() as session:
        task = _get(session, task_id)
        if new_parent_id is not None:
            _validate_parent(session, new_parent_id, task_id)
        parent_filter = (
            Task.parent_id.is_(None) if new_parent_id is None else Task.parent_id == new_parent_id
        )
        siblings = list(
            session.scalars(
                select(Task).where(parent_filter, Task.id != task_id).order_by(Task.sort_order)
            )
        )
        index = len(siblings) if position is None else max(0, min(position, len(siblings)))
        siblings.insert(index, task)
        task.parent_id = new_parent_id
        for order, sibling in enumerate(siblings, start=1):
            sibling.sort_order = order


def add_note(
    register: Register,
    task_id: int,
    text: str,
    *,
    noted_on: date | None = None,
    status: StoredStatus | None = None,
) -> int:
    """Record dated progress; optionally set the status. Return the note id.

    On a recurring task, "done" closes the period the note falls in, not the task.
    """
    day = noted_on or date.today()
    with register.transaction() as session:
        return add_note_in(session, _get(session, task_id), text, day, status).id


def add_note_in(
    session: Session, task: Task, text: str, day: date, status: StoredStatus | None = None
) -> ProgressNote:
    """Record a progress note inside an open transaction."""
    text = text.strip()
    if not text:
        raise ValidationError(tr("Nội dung tiến độ không được để trống."))
    if task.assigned_on and day < task.assigned_on:
        raise ValidationError(tr("Ngày ghi tiến độ không thể trước ngày giao nhiệm vụ."))
    note = ProgressNote(
        task_id=task.id, noted_on=day, text=text, status_set=status.value if status else None
    )
    session.add(note)
    if status is not None:
        _set_status_from_note(session, task, status, day, text)
    session.flush()
    return note


def _set_status_from_note(
    session: Session, task: Task, status: StoredStatus, day: date, text: str
) -> None:
    if status is StoredStatus.DONE and task.deadline_kind == DeadlineKind.RECURRING.value:
        assert task.recurrence is not None
        period = period_containing(day, Recurrence(task.recurrence))
        occurrence = session.scalar(
            select(TaskOccurrence).where(
                TaskOccurrence.task_id == task.id, TaskOccurrence.period_start == period.start
            )
        )
        if occurrence is None:
            occurrence = TaskOccurrence(
                task_id=task.id, period_start=period.start, due_on=period.end, note=""
            )
            session.add(occurrence)
        occurrence.completed_on = day
        occurrence.note = text
        task.status = StoredStatus.IN_PROGRESS.value
        return
    task.status = status.value
    task.completed_on = day if status is StoredStatus.DONE else None
    if status is StoredStatus.CANCELLED:
        task.cancelled_on = day
        task.status_reason = text
    else:
        task.cancelled_on = None


def extend_deadline(
    register: Register,
    task_id: int,
    new_deadline: date,
    *,
    reason: str,
    decided_on: date | None = None,
    decision: str = "",
) -> None:
    """Extend (gia hạn) a dated deadline, keeping the original and the history."""
    with register.transaction() as session:
        extend_in(
            session,
            _get(session, task_id),
            new_deadline,
            reason,
            decided_on or date.today(),
            decision,
        )


def extend_in(
    session: Session,
    task: Task,
    new_deadline: date,
    reason: str,
    decided_on: date,
    decision: str = "",
) -> TaskExtension:
    """Record an extension inside an open transaction."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(tr("Hãy ghi lý do gia hạn."))
    if task.deadline_kind not in (DeadlineKind.DATE.value, DeadlineKind.PERIOD.value):
        raise ValidationError(tr("Chỉ gia hạn được nhiệm vụ có hạn hoàn thành cụ thể."))
    if task.deadline == new_deadline:
        raise ValidationError(tr("Hạn mới trùng với hạn hiện tại."))
    if task.assigned_on and new_deadline < task.assigned_on:
        raise ValidationError(tr("Hạn mới không thể trước ngày giao nhiệm vụ."))
    if task.original_deadline is None:
        task.original_deadline = task.deadline
    extension = TaskExtension(
        task_id=task.id,
        decided_on=decided_on,
        old_deadline=task.deadline,
        new_deadline=new_deadline,
        reason=reason,
        decision=decision.strip(),
    )
    session.add(extension)
    task.deadline = new_deadline
    session.flush()
    return extension
