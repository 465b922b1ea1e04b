"""A read-only picture of the register as of a day, loaded in a few bulk queries.

The task list, the statistics and the reports all start from this: every task's
facts, roles and shown status, with sub-tasks judged through their children.

It holds 100,000 tasks at the sizes we test, so it is read through the plain
database driver (no SQLAlchemy result objects) and kept small: repeated values
(refs, deadline texts, groups, notes, unit lists, judged statuses) are stored
once and shared by every task that has them.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, UnitRole
from cdsdesk.domain.labels import document_label
from cdsdesk.services.status import (
    ExtensionFact,
    ShownStatus,
    TaskFacts,
    combine_children,
    shown_status,
)
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

UNJUDGED = ShownStatus(None)


@dataclass(slots=True)
class TaskEntry:
    """One task as the register view sees it.

    The unit and sub-task lists are tuples, shared between tasks wherever they are
    equal (most are empty): the view must stay small at 100,000 tasks.
    """

    id: int
    parent_id: int | None
    document_id: int | None
    ref: str
    content: str
    search_text: str  # folded ref and content, as stored
    task_group: str | None
    facts: TaskFacts
    deadline_text: str
    urgent: bool
    sort_order: int
    version: int
    lead_ids: tuple[int, ...] = ()
    cooperating_ids: tuple[int, ...] = ()
    informed_ids: tuple[int, ...] = ()
    children: tuple[int, ...] = ()
    shown: ShownStatus = UNJUDGED
    last_note_on: date | None = None
    last_note: str = ""


@dataclass(frozen=True, slots=True)
class ViewTables:
    """What a table row reads besides its own task: the view's names and labels by id,
    and its tasks (for a row's depth).

    The rows hold this, not the view: the view caches its rows, and rows pointing
    back at it would make a cycle that only a full garbage collection frees, keeping
    the last view and its 100,000 rows alive after every reload.
    """

    tasks: dict[int, TaskEntry]
    unit_names: dict[int, str]
    unit_short_names: dict[int, str]
    document_labels: dict[int, str]
    unit_names_folded: dict[int, str]


@dataclass
class RegisterView:
    as_of: date
    due_soon_days: int
    tasks: dict[int, TaskEntry]
    unit_names: dict[int, str]
    unit_short_names: dict[int, str]
    document_labels: dict[int, str]
    # Folded full and short name of each unit: the search box finds a task by its lead units.
    unit_names_folded: dict[int, str] = field(default_factory=dict)
    rows_cache: list[Any] | None = None  # the table rows, built on first use
    tables: ViewTables = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tables = ViewTables(
            self.tasks,
            self.unit_names,
            self.unit_short_names,
            self.document_labels,
            self.unit_names_folded,
        )

    def leaves(self) -> list[TaskEntry]:
        """Tasks without sub-tasks: the ones counted in statistics."""
        return [t for t in self.tasks.values() if not t.children]

    def ordered(self) -> list[TaskEntry]:
        """Parents before their children, siblings in their stored order."""
        tasks = self.tasks
        top = sorted(
            (t for t in tasks.values() if t.parent_id is None or t.parent_id not in tasks),
            key=lambda t: (t.document_id is None, t.document_id or 0, t.sort_order, t.id),
        )
        out: list[TaskEntry] = []
        stack = top[::-1]
        while stack:
            entry = stack.pop()
            out.append(entry)
            if entry.children:
                kids = [tasks[c] for c in entry.children]
                kids.sort(key=lambda t: (t.sort_order, t.id), reverse=True)
                stack.extend(kids)
        return out


def get_view(register: Register, as_of: date, due_soon_days: int) -> RegisterView:
    """The register as of ``as_of``, loaded once and reused until the next write.

    The window asks for the same view several times after each change (table,
    unit counts, calendar, attention panel): one load serves them all.
    """
    key = ("view", as_of, due_soon_days)
    view = register.cache.get(key)
    if not isinstance(view, RegisterView):
        view = load_view(register, as_of, due_soon_days)
        if len(register.cache) > 8:
            register.cache.clear()
        register.cache[key] = view
    return view


_STATUS = {s.value: s for s in StoredStatus}
_KIND = {k.value: k for k in DeadlineKind}
_RECURRENCE = {r.value: r for r in Recurrence}


def _day(value: object) -> date | None:
    """SQLite hands dates back as text through the raw driver; other databases as dates."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class _Days(dict):  # type: ignore[type-arg]
    """Text dates parsed once each: a register has a few thousand distinct days, not 100,000."""

    def __missing__(self, key: object) -> date | None:
        value = _day(key)
        self[key] = value
        return value


@contextmanager
def without_gc() -> Iterator[None]:
    """Bulk loads create 100,000s of objects that all live on: the cyclic collector would
    rescan them again and again (about a third of the load time) and find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_view(register: Register, as_of: date, due_soon_days: int) -> RegisterView:
    """Read the whole register as of ``as_of`` (uncached: :func:`get_view` keeps it)."""
    with register.reading() as conn, without_gc():
        return _load_view(conn, as_of, due_soon_days)


_TASKS_SQL = (
    "SELECT id, parent_id, document_id, ref, content, search_text, task_group, status,"
    " deadline_kind, deadline, original_deadline, recurrence, assigned_on, completed_on,"
    " cancelled_on, deadline_text, urgent, sort_order, version FROM tasks"
)


def _load_view(conn: Any, as_of: date, due_soon_days: int) -> RegisterView:
    """Every task's facts from a few plain queries on a DB-API connection."""
    day = _Days()
    day[None] = None
    # One copy of each repeated value (refs, deadline texts, groups, notes, document ids):
    # the driver hands back a new object for every row.
    shared: dict[Any, Any] = {None: None}
    share = shared.setdefault
    extensions = _extensions(conn, day)
    occurrences: dict[int, dict[date, date | None]] = {}
    for task_id, start, done in conn.execute(
        "SELECT task_id, period_start, completed_on FROM task_occurrences"
    ):
        occurrences.setdefault(task_id, {})[day[start]] = day[done]
    tasks: dict[int, TaskEntry] = {}
    status_of, kind_of, rec_of = _STATUS, _KIND, _RECURRENCE
    no_extensions: tuple[ExtensionFact, ...] = ()
    for (
        tid, parent_id, document_id, ref, content, search_text, group, status, kind, deadline,
        original, recurrence, assigned, completed, cancelled, deadline_text, urgent, order,
        version,
    ) in conn.execute(_TASKS_SQL):
        facts = TaskFacts(
            status_of[status], kind_of[kind], day[deadline], day[original],
            rec_of[recurrence] if recurrence else None, day[assigned], day[completed],
            day[cancelled], extensions.get(tid, no_extensions), occurrences.get(tid),
        )
        tasks[tid] = TaskEntry(
            tid, parent_id, share(document_id, document_id), share(ref, ref), content,
            search_text, share(group, group), facts, share(deadline_text, deadline_text),
            bool(urgent), order, version,
        )
    children: dict[int, list[int]] = {}
    for entry in tasks.values():
        if entry.parent_id is not None and entry.parent_id in tasks:
            children.setdefault(entry.parent_id, []).append(entry.id)
    for parent_id, kids in children.items():
        tasks[parent_id].children = tuple(kids)
    top_down = _top_down(tasks)
    _load_roles(conn, tasks, top_down)
    _load_last_notes(conn, tasks, as_of, day, share)
    _judge(tasks, top_down, as_of, due_soon_days)
    units = list(conn.execute("SELECT id, name, short_name FROM units"))
    docs = list(conn.execute("SELECT id, number, doc_type, issuer_code FROM documents"))
    return RegisterView(
        as_of,
        due_soon_days,
        tasks,
        {u[0]: u[1] for u in units},
        {u[0]: u[2] or u[1] for u in units},
        {d[0]: document_label(d[1], d[2], d[3]) for d in docs},
        {u[0]: fold(f"{u[1]} {u[2]}") for u in units},
    )


def _extensions(conn: Any, day: _Days) -> dict[int, tuple[ExtensionFact, ...]]:
    found: dict[int, list[ExtensionFact]] = {}
    for task_id, decided, new in conn.execute(
        "SELECT task_id, decided_on, new_deadline FROM task_extensions"
    ):
        found.setdefault(task_id, []).append(ExtensionFact(day[decided], day[new]))
    return {task_id: tuple(facts) for task_id, facts in found.items()}


def _load_roles(conn: Any, tasks: dict[int, TaskEntry], top_down: list[TaskEntry]) -> None:
    lead, cooperating = UnitRole.LEAD.value, UnitRole.COOPERATING.value
    roles: dict[int, tuple[list[int], list[int], list[int]]] = {}
    for task_id, unit_id, role in conn.execute(
        "SELECT task_id, unit_id, role FROM task_units ORDER BY task_id, position"
    ):
        lists = roles.get(task_id)
        if lists is None:
            lists = roles[task_id] = ([], [], [])
        lists[0 if role == lead else 1 if role == cooperating else 2].append(unit_id)
    # A few hundred distinct unit lists serve 100,000 tasks.
    shared: dict[tuple[int, ...], tuple[int, ...]] = {(): ()}

    def one(ids: list[int]) -> tuple[int, ...]:
        key = tuple(ids)
        return shared.setdefault(key, key)

    for task_id, (leads, cooperating_ids, informed) in roles.items():
        entry = tasks.get(task_id)
        if entry is not None:
            entry.lead_ids = one(leads)
            entry.cooperating_ids = one(cooperating_ids)
            entry.informed_ids = one(informed)
    # A sub-task with no unit of its own answers through its parent's units.
    for entry in top_down:
        if entry.parent_id is None:
            continue
        parent = tasks.get(entry.parent_id)
        if parent and not (entry.lead_ids or entry.cooperating_ids or entry.informed_ids):
            entry.lead_ids = parent.lead_ids
            entry.cooperating_ids = parent.cooperating_ids
            entry.informed_ids = parent.informed_ids


def _top_down(tasks: dict[int, TaskEntry]) -> list[TaskEntry]:
    order: list[TaskEntry] = []
    stack = [t for t in tasks.values() if t.parent_id not in tasks]
    while stack:
        entry = stack.pop()
        order.append(entry)
        stack.extend(tasks[c] for c in entry.children)
    return order


def _last_notes_sql(conn: Any, as_of: date) -> str:
    """The newest note of each task written by ``as_of`` (the later id on the same day)."""
    if not isinstance(as_of, date):  # written into the SQL: never anything but a date
        raise TypeError(f"as_of must be a date, not {type(as_of).__name__}")
    day = as_of.isoformat()
    if isinstance(conn, sqlite3.Connection):
        # SQLite takes the other columns from the row holding the max(): one pass over the
        # notes instead of numbering them all (documented for a lone min() or max()).
        return (
            "SELECT task_id, noted_on, text, max(noted_on || printf('%012d', id))"
            f" FROM progress_notes WHERE noted_on <= '{day}' GROUP BY task_id"
        )
    return (
        "SELECT task_id, noted_on, text FROM ("
        " SELECT task_id, noted_on, text, ROW_NUMBER() OVER ("
        "  PARTITION BY task_id ORDER BY noted_on DESC, id DESC) AS rank"
        f" FROM progress_notes WHERE noted_on <= '{day}') AS ranked WHERE rank = 1"
    )


def _load_last_notes(
    conn: Any, tasks: dict[int, TaskEntry], as_of: date, day: _Days, share: Any
) -> None:
    """Only the newest note of each task written by ``as_of``: a report as of a quarter's
    end quotes the progress known then, and start-up must not carry every note."""
    for task_id, noted_on, note, *_ in conn.execute(_last_notes_sql(conn, as_of)):
        entry = tasks.get(task_id)
        if entry is not None:
            entry.last_note_on = day[noted_on]
            entry.last_note = share(note, note)


def _judge(
    tasks: dict[int, TaskEntry], top_down: list[TaskEntry], as_of: date, due_soon_days: int
) -> None:
    # A few thousand distinct statuses serve 100,000 tasks: keep one of each.
    seen: dict[ShownStatus, ShownStatus] = {}
    one = seen.setdefault
    for entry in reversed(top_down):
        if entry.children and entry.facts.status is not StoredStatus.CANCELLED:
            shown = combine_children(tasks[c].shown for c in entry.children)
        else:
            shown = shown_status(entry.facts, as_of, due_soon_days)
        entry.shown = one(shown, shown)
