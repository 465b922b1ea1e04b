"""Reading tasks: the filtered list and one task's full detail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StatusClass, StoredStatus, TaskGroup
from cdsdesk.domain.models import ProgressNote, Task, TaskExtension, TaskLink, TaskOccurrence
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.periods import Quarter
from cdsdesk.services.register_view import RegisterView, TaskEntry, get_view
from cdsdesk.services.units import units_answering_for
from cdsdesk.settings import load_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

# Status filters beyond the five classes.
DUE_SOON = "due_soon"
CANCELLED = "cancelled"
STATUS_FILTERS = [c.value for c in StatusClass] + [DUE_SOON, CANCELLED]


@dataclass
class TaskQuery:
    as_of: date | None = None
    status: str | None = None  # a StatusClass value, "due_soon" or "cancelled"
    unit_id: int | None = None
    include_cooperating: bool = False
    include_subunits: bool = False
    search: str = ""
    document_id: int | None = None
    task_group: TaskGroup | None = None
    due_in: Quarter | None = None  # deadline falls in this quarter
    due_on: date | None = None
    task_ids: frozenset[int] | None = None  # only these (a calendar day's tasks)


@dataclass(slots=True)
class TaskRow:
    """One line of the task list, plain data for tables and exports."""

    id: int
    parent_id: int | None
    depth: int
    ref: str
    content: str
    lead_units: tuple[str, ...]
    cooperating_units: tuple[str, ...]
    deadline: date | None
    deadline_text: str
    deadline_kind: DeadlineKind
    recurrence: Recurrence | None
    status: StoredStatus
    status_class: StatusClass | None
    due_soon: bool
    days_overdue: int
    cancelled: bool
    extended: bool
    urgent: bool
    last_note_on: date | None
    last_note: str
    document_id: int | None
    document: str
    task_group: TaskGroup | None
    assigned_on: date | None
    completed_on: date | None
    has_children: bool
    flags: tuple[str, ...] = ()
    lead_ids: tuple[int, ...] = ()
    cooperating_ids: tuple[int, ...] = ()
    lead_short_units: tuple[str, ...] = ()
    cooperating_short_units: tuple[str, ...] = ()
    # Folded ref, content and lead unit names: what the search box looks in.
    search_text: str = ""

    @property
    def status_label(self) -> str:
        if self.cancelled:
            return StoredStatus.CANCELLED.label
        if self.status_class is None:
            return tr("Chưa giao")
        if self.due_soon:
            return tr("Sắp đến hạn")
        return self.status_class.label

    @property
    def status_short_label(self) -> str:
        if self.cancelled:
            return tr("Đã hủy")
        if self.status_class is None:
            return tr("Chưa giao")
        if self.due_soon:
            return tr("Sắp đến hạn")
        return self.status_class.short_label


def query_tasks(register: Register, query: TaskQuery | None = None) -> list[TaskRow]:
    """Tasks matching every given filter, parents before their sub-tasks."""
    query = query or TaskQuery()
    as_of = query.as_of or date.today()
    if query.status is not None and query.status not in STATUS_FILTERS:
        raise ValidationError(
            tr("Trạng thái “{status}” không hợp lệ (dùng: {names}).").format(
                status=query.status, names=", ".join(STATUS_FILTERS)
            )
        )
    units = (
        units_answering_for(register, query.unit_id, query.include_subunits)
        if query.unit_id is not None
        else None
    )
    view = get_view(register, as_of, load_settings(register).due_soon_days)
    return filter_rows(view_rows(view), query, units)


def view_rows(view: RegisterView) -> list[TaskRow]:
    """Every task of the view as a row, in register order (built once per view)."""
    if view.rows_cache is None:
        from cdsdesk.services.register_view import _no_gc

        with _no_gc():
            view.rows_cache = [to_row(view, entry) for entry in view.ordered()]
    return view.rows_cache


def filter_rows(
    rows: list[TaskRow], query: TaskQuery, units: set[int] | None = None
) -> list[TaskRow]:
    """The rows that pass every filter of ``query`` (``units``: the unit filter's ids).

    Pure and in memory, so the window can filter 100,000 rows on each keystroke
    without going back to the database. Each filter in use is one pass of a
    list comprehension; filters not in use cost nothing.
    """
    out = rows
    if query.task_ids is not None:
        ids = query.task_ids
        out = [r for r in out if r.id in ids]
    if query.status == CANCELLED:
        out = [r for r in out if r.cancelled]
    elif query.status == DUE_SOON:
        out = [r for r in out if r.due_soon]
    elif query.status is not None:
        wanted = StatusClass(query.status)
        out = [r for r in out if r.status_class is wanted]
    if units is not None:
        if query.include_cooperating:
            out = [r for r in out if not units.isdisjoint(r.lead_ids)
                   or not units.isdisjoint(r.cooperating_ids)]
        else:
            out = [r for r in out if not units.isdisjoint(r.lead_ids)]
    if query.document_id is not None:
        doc = query.document_id
        out = [r for r in out if r.document_id == doc]
    if query.task_group is not None:
        group = query.task_group
        out = [r for r in out if r.task_group is group]
    if query.due_in is not None:
        start, end = query.due_in.start, query.due_in.end
        out = [r for r in out if r.deadline and start <= r.deadline <= end]
    if query.due_on is not None:
        due = query.due_on
        out = [r for r in out if r.deadline == due]
    for word in fold(query.search).split():
        out = [r for r in out if word in r.search_text]
    return out if out is not rows else list(rows)


def _depth(view: RegisterView, entry: TaskEntry) -> int:
    depth = 0
    parent = entry.parent_id
    while parent is not None and parent in view.tasks and depth < 20:
        depth += 1
        parent = view.tasks[parent].parent_id
    return depth


def review_flags(entry: TaskEntry) -> tuple[str, ...]:
    """What needs a human look, in Vietnamese."""
    flags = []
    facts = entry.facts
    due = facts.original_deadline or facts.deadline
    if due and facts.assigned_on and due < facts.assigned_on:
        flags.append(tr("Hạn hoàn thành trước ngày giao"))
    if not entry.lead_ids:
        flags.append(tr("Chưa có đơn vị chủ trì"))
    return tuple(flags)


_GROUPS: dict[str | None, TaskGroup | None] = {g.value: g for g in TaskGroup}
_GROUPS[None] = None


def _names(view: RegisterView, ids: list[int], names: dict[int, str]) -> tuple[str, ...]:
    if not ids:
        return ()
    return tuple([names.get(u, "?") for u in ids])


def to_row(view: RegisterView, entry: TaskEntry) -> TaskRow:
    shown = entry.shown
    facts = entry.facts
    lead_ids = entry.lead_ids
    coop_ids = entry.cooperating_ids
    unit_names = view.unit_names
    short_names = view.unit_short_names
    folded = view.unit_names_folded
    flags: tuple[str, ...] = ()
    due = facts.original_deadline or facts.deadline
    if (due and facts.assigned_on and due < facts.assigned_on) or not lead_ids:
        flags = review_flags(entry)
    return TaskRow(
        entry.id,
        entry.parent_id,
        _depth(view, entry) if entry.parent_id is not None else 0,
        entry.ref,
        entry.content,
        _names(view, lead_ids, unit_names),
        _names(view, coop_ids, unit_names),
        shown.due_on or facts.deadline,
        entry.deadline_text,
        facts.deadline_kind,
        facts.recurrence,
        facts.status,
        shown.status_class,
        shown.due_soon,
        shown.days_overdue,
        shown.cancelled,
        shown.extended,
        entry.urgent,
        entry.last_note_on,
        entry.last_note,
        entry.document_id,
        view.document_labels.get(entry.document_id, "") if entry.document_id else "",
        _GROUPS.get(entry.task_group),
        facts.assigned_on,
        facts.completed_on,
        bool(entry.children),
        flags,
        tuple(lead_ids),
        tuple(coop_ids),
        _names(view, lead_ids, short_names),
        _names(view, coop_ids, short_names),
        " ".join([entry.search_text, *[folded.get(u, "") for u in lead_ids]]),
    )


@dataclass(frozen=True)
class NoteInfo:
    id: int
    noted_on: date
    text: str
    status_set: StoredStatus | None


@dataclass(frozen=True)
class ExtensionInfo:
    decided_on: date
    old_deadline: date | None
    new_deadline: date
    reason: str
    decision: str


@dataclass(frozen=True)
class OccurrenceInfo:
    period_start: date
    due_on: date
    completed_on: date | None
    note: str


@dataclass(frozen=True)
class TaskDetail:
    """Everything about one task, for the editor."""

    row: TaskRow
    version: int
    period_start: date | None
    original_deadline: date | None
    # The stored due date (after every extension), whatever day ``row`` is judged on.
    deadline: date | None
    lead_ids: tuple[int, ...]
    cooperating_ids: tuple[int, ...]
    informed_ids: tuple[int, ...]
    status_reason: str
    result: str
    evidence: str
    cancelled_on: date | None
    notes: tuple[NoteInfo, ...]
    extensions: tuple[ExtensionInfo, ...]
    occurrences: tuple[OccurrenceInfo, ...]
    children: tuple[int, ...]
    links_from: tuple[tuple[int, str], ...]  # (earlier task id, kind)
    links_to: tuple[tuple[int, str], ...]  # (later task id, kind)
    parent_ref: str = ""
    parent_content: str = ""


def get_task(register: Register, task_id: int, as_of: date | None = None) -> TaskDetail:
    due_soon_days = load_settings(register).due_soon_days
    with register.transaction() as session:
        task = session.get(Task, task_id)
        if task is None:
            raise NotFoundError(tr("Không có nhiệm vụ mã {id}.").format(id=task_id))
        view = get_view(register, as_of or date.today(), due_soon_days)
        entry = view.tasks[task_id]
        notes = session.scalars(
            select(ProgressNote)
            .where(ProgressNote.task_id == task_id)
            .order_by(ProgressNote.noted_on, ProgressNote.id)
        )
        extensions = session.scalars(
            select(TaskExtension)
            .where(TaskExtension.task_id == task_id)
            .order_by(TaskExtension.decided_on, TaskExtension.id)
        )
        occurrences = session.scalars(
            select(TaskOccurrence)
            .where(TaskOccurrence.task_id == task_id)
            .order_by(TaskOccurrence.period_start)
        )
        links = session.execute(
            select(TaskLink.from_task_id, TaskLink.to_task_id, TaskLink.kind).where(
                (TaskLink.from_task_id == task_id) | (TaskLink.to_task_id == task_id)
            )
        ).all()
        own_roles = [(tu.unit_id, tu.role) for tu in task.units]
        return TaskDetail(
            row=to_row(view, entry),
            version=task.version,
            period_start=task.period_start,
            original_deadline=task.original_deadline,
            deadline=task.deadline,
            lead_ids=tuple(u for u, r in own_roles if r == "lead"),
            cooperating_ids=tuple(u for u, r in own_roles if r == "cooperating"),
            informed_ids=tuple(u for u, r in own_roles if r == "informed"),
            status_reason=task.status_reason,
            result=task.result,
            evidence=task.evidence,
            cancelled_on=task.cancelled_on,
            notes=tuple(
                NoteInfo(
                    n.id, n.noted_on, n.text, StoredStatus(n.status_set) if n.status_set else None
                )
                for n in notes
            ),
            extensions=tuple(
                ExtensionInfo(e.decided_on, e.old_deadline, e.new_deadline, e.reason, e.decision)
                for e in extensions
            ),
            occurrences=tuple(
                OccurrenceInfo(o.period_start, o.due_on, o.completed_on, o.note)
                for o in occurrences
            ),
            children=tuple(entry.children),
            links_from=tuple((f, k) for f, t, k in links if t == task_id),
            links_to=tuple((t, k) for f, t, k in links if f == task_id),
            parent_ref=task.parent.ref if task.parent else "",
            parent_content=task.parent.content if task.parent else "",
        )
