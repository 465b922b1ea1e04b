"""Reading tasks: the filtered list and one task's full detail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StatusClass, StoredStatus, TaskGroup
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.periods import Quarter
from cdsdesk.services.register_view import (
    RegisterView,
    TaskEntry,
    ViewTables,
    get_view,
    without_gc,
)
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


_GROUPS: dict[str | None, TaskGroup | None] = {g.value: g for g in TaskGroup}
_GROUPS[None] = None


class TaskRow:
    """One line of the task list: plain, read-only data for tables and exports.

    A row is a window on one task of a register view: the window holds 100,000 of
    them, so a row keeps the task's entry, the view's tables and copies of the four
    fields read for every row on each keystroke or click (tree order, the counts of
    overdue and due-soon rows). Every other field is read from the entry, or worked
    out when asked (unit names, document label, depth, review flags).
    :meth:`changed` makes a copy with fields replaced.
    """

    __slots__ = ("_entry", "_tables", "due_soon", "id", "parent_id", "status_class")

    FIELDS: ClassVar[tuple[str, ...]] = (
        "id", "parent_id", "depth", "ref", "content", "lead_units", "cooperating_units",
        "deadline", "deadline_text", "deadline_kind", "recurrence", "status", "status_class",
        "due_soon", "days_overdue", "cancelled", "extended", "urgent", "last_note_on",
        "last_note", "document_id", "document", "task_group", "assigned_on", "completed_on",
        "has_children", "flags", "lead_ids", "cooperating_ids", "lead_short_units",
        "cooperating_short_units", "search_text",
    )

    id: int
    parent_id: int | None
    status_class: StatusClass | None
    due_soon: bool

    def __init__(self, tables: ViewTables, entry: TaskEntry) -> None:
        self.id = entry.id
        self.parent_id = entry.parent_id
        self.status_class = entry.shown.status_class
        self.due_soon = entry.shown.due_soon
        self._tables = tables
        self._entry = entry

    # -- the task's own values ------------------------------------------------

    @property
    def ref(self) -> str:
        return self._entry.ref

    @property
    def content(self) -> str:
        return self._entry.content

    @property
    def deadline_text(self) -> str:
        return self._entry.deadline_text

    @property
    def urgent(self) -> bool:
        return self._entry.urgent

    @property
    def last_note_on(self) -> date | None:
        return self._entry.last_note_on

    @property
    def last_note(self) -> str:
        return self._entry.last_note

    @property
    def document_id(self) -> int | None:
        return self._entry.document_id

    @property
    def task_group(self) -> TaskGroup | None:
        return _GROUPS.get(self._entry.task_group)

    @property
    def has_children(self) -> bool:
        return bool(self._entry.children)

    @property
    def lead_ids(self) -> tuple[int, ...]:
        return self._entry.lead_ids

    @property
    def cooperating_ids(self) -> tuple[int, ...]:
        return self._entry.cooperating_ids

    # -- its stored facts -----------------------------------------------------

    @property
    def deadline_kind(self) -> DeadlineKind:
        return self._entry.facts.deadline_kind

    @property
    def recurrence(self) -> Recurrence | None:
        return self._entry.facts.recurrence

    @property
    def status(self) -> StoredStatus:
        return self._entry.facts.status

    @property
    def assigned_on(self) -> date | None:
        return self._entry.facts.assigned_on

    @property
    def completed_on(self) -> date | None:
        return self._entry.facts.completed_on

    # -- as judged on the view's day --------------------------------------------

    @property
    def deadline(self) -> date | None:
        """The due date in force on the view's day (the current period's end if recurring)."""
        entry = self._entry
        return entry.shown.due_on or entry.facts.deadline

    @property
    def days_overdue(self) -> int:
        return self._entry.shown.days_overdue

    @property
    def cancelled(self) -> bool:
        return self._entry.shown.cancelled

    @property
    def extended(self) -> bool:
        return self._entry.shown.extended

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

    # -- worked out from the view ---------------------------------------------------

    @property
    def depth(self) -> int:
        """How many parents the task has (0 for a top-level task)."""
        tasks = self._tables.tasks
        depth = 0
        parent = self._entry.parent_id
        while parent is not None and parent in tasks and depth < 20:
            depth += 1
            parent = tasks[parent].parent_id
        return depth

    @property
    def lead_units(self) -> tuple[str, ...]:
        return _names(self._entry.lead_ids, self._tables.unit_names)

    @property
    def cooperating_units(self) -> tuple[str, ...]:
        return _names(self._entry.cooperating_ids, self._tables.unit_names)

    @property
    def lead_short_units(self) -> tuple[str, ...]:
        return _names(self._entry.lead_ids, self._tables.unit_short_names)

    @property
    def cooperating_short_units(self) -> tuple[str, ...]:
        return _names(self._entry.cooperating_ids, self._tables.unit_short_names)

    @property
    def document(self) -> str:
        """The label of the document that assigned the task (``36/TB-UBND``), or ""."""
        document_id = self._entry.document_id
        return self._tables.document_labels.get(document_id, "") if document_id else ""

    @property
    def flags(self) -> tuple[str, ...]:
        return review_flags(self._entry)

    @property
    def search_text(self) -> str:
        """Folded ref, content and lead unit names: what the search box looks in.

        Made on each call: :func:`filter_rows` searches the parts without joining them.
        """
        folded = self._tables.unit_names_folded
        entry = self._entry
        return " ".join([entry.search_text, *[folded.get(u, "") for u in entry.lead_ids]])

    # -- as a value -------------------------------------------------------------

    def changed(self, **changes: Any) -> TaskRow:
        """A copy with some fields replaced (for tests and previews).

        Only what the copy shows changes: :func:`filter_rows` may still see the
        task's own values.
        """
        unknown = sorted(set(changes) - set(self.FIELDS))
        if unknown:
            raise TypeError(f"TaskRow has no field {', '.join(unknown)}")
        return _ChangedRow(self, changes)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TaskRow):
            return NotImplemented
        return self is other or self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # equal by value, as the dataclass it was

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(
            self.FIELDS, self._values(), strict=True
        ))
        return f"TaskRow({fields})"


class _ChangedRow(TaskRow):
    """A row with some fields replaced: see :meth:`TaskRow.changed`."""

    __slots__ = ("_changes",)

    _changes: dict[str, Any]

    def __init__(self, row: TaskRow, changes: dict[str, Any]) -> None:
        super().__init__(row._tables, row._entry)
        before = row._changes if isinstance(row, _ChangedRow) else {}
        self._changes = {**before, **changes}

    def __getattribute__(self, name: str) -> Any:
        changes = object.__getattribute__(self, "_changes")
        if name in changes:
            return changes[name]
        return object.__getattribute__(self, name)


def _search_words(text: str) -> list[str]:
    """The folded words of a search, longest (most telling) first, each once; a word
    inside another one is dropped: every row holding the longer one holds it too."""
    words: list[str] = []
    for word in sorted(set(fold(text).split()), key=len, reverse=True):
        if not any(word in longer for longer in words):
            words.append(word)
    return words


def _names(ids: tuple[int, ...], names: dict[int, str]) -> tuple[str, ...]:
    if not ids:
        return ()
    return tuple([names.get(u, "?") for u in ids])


def review_flags(entry: TaskEntry) -> tuple[str, ...]:
    """What needs a human look, in Vietnamese."""
    facts = entry.facts
    due = facts.original_deadline or facts.deadline
    late_start = bool(due and facts.assigned_on and due < facts.assigned_on)
    if entry.lead_ids and not late_start:
        return ()  # almost every task: no words to translate
    flags = []
    if late_start:
        flags.append(tr("Hạn hoàn thành trước ngày giao"))
    if not entry.lead_ids:
        flags.append(tr("Chưa có đơn vị chủ trì"))
    return tuple(flags)


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
    units = None
    if query.unit_id is not None:
        from cdsdesk.services.units import units_answering_for  # SQLAlchemy: not at start-up

        units = units_answering_for(register, query.unit_id, query.include_subunits)
    view = get_view(register, as_of, load_settings(register).due_soon_days)
    return filter_rows(view_rows(view), query, units)


def view_rows(view: RegisterView) -> list[TaskRow]:
    """Every task of the view as a row, in register order (built once per view)."""
    if view.rows_cache is None:
        with without_gc():
            tables = view.tables
            view.rows_cache = [TaskRow(tables, entry) for entry in view.ordered()]
    return view.rows_cache


def filter_rows(
    rows: list[TaskRow],
    query: TaskQuery,
    units: set[int] | None = None,
    *,
    unit_names: Mapping[int, str] | None = None,
) -> list[TaskRow]:
    """The rows that pass every filter of ``query`` (``units``: the unit filter's ids).

    Pure and in memory, so the window can filter 100,000 rows on each keystroke
    without going back to the database. Each filter in use is one pass of a
    list comprehension over the tasks' stored values; filters not in use cost nothing.

    A search word is found in a task's folded ref and content or in the folded
    names of its lead units: ``unit_names`` (unit id to folded name), by default
    those of the view the rows come from (``rows`` are rows of one view). No text
    is joined per row: each word is looked for in the task's stored text, then the
    units whose name holds it are matched against the task's lead units.
    """
    out = rows
    if query.task_ids is not None:
        ids = query.task_ids
        out = [r for r in out if r.id in ids]
    if query.status == CANCELLED:
        out = [r for r in out if r._entry.shown.cancelled]
    elif query.status == DUE_SOON:
        out = [r for r in out if r.due_soon]
    elif query.status is not None:
        wanted = StatusClass(query.status)
        out = [r for r in out if r.status_class is wanted]
    if units is not None:
        if query.include_cooperating:
            out = [r for r in out if not units.isdisjoint(r._entry.lead_ids)
                   or not units.isdisjoint(r._entry.cooperating_ids)]
        else:
            out = [r for r in out if not units.isdisjoint(r._entry.lead_ids)]
    if query.document_id is not None:
        doc = query.document_id
        out = [r for r in out if r._entry.document_id == doc]
    if query.task_group is not None:
        group = query.task_group.value
        out = [r for r in out if r._entry.task_group == group]
    if query.due_in is not None:
        start, end = query.due_in.start, query.due_in.end
        out = [r for r in out if (due := r.deadline) and start <= due <= end]
    if query.due_on is not None:
        due_on = query.due_on
        out = [r for r in out if r.deadline == due_on]
    words = _search_words(query.search)
    names: Mapping[int, str] = {}
    if unit_names is not None:
        names = unit_names
    elif words and rows:
        names = rows[0]._tables.unit_names_folded
    for word in words:
        # The units whose name holds the word, then the tasks they lead.
        leads = {unit for unit, name in names.items() if word in name}
        if leads:
            out = [r for r in out if word in r._entry.search_text
                   or not leads.isdisjoint(r._entry.lead_ids)]
        else:
            out = [r for r in out if word in r._entry.search_text]
    return out if out is not rows else list(rows)


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
    from sqlalchemy import select  # the ORM is not needed to show the table: not at start-up

    from cdsdesk.domain.models import (
        ProgressNote,
        Task,
        TaskExtension,
        TaskLink,
        TaskOccurrence,
    )

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
            row=TaskRow(view.tables, entry),
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
