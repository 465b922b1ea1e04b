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
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
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
    tables: ViewTables  # the tasks and the names and labels by id (shared with the rows)
    rows_cache: list[Any] | None = None  # the table rows, built on first use
    # Set on a view patched where no task moved, came or went: the ids in the order of
    # the view it was patched from, so that ordered() need not sort again (used once).
    order_hint: list[int] | None = field(default=None, repr=False, compare=False)

    @property
    def tasks(self) -> dict[int, TaskEntry]:
        return self.tables.tasks

    @property
    def unit_names(self) -> dict[int, str]:
        return self.tables.unit_names

    @property
    def unit_short_names(self) -> dict[int, str]:
        return self.tables.unit_short_names

    @property
    def document_labels(self) -> dict[int, str]:
        return self.tables.document_labels

    @property
    def unit_names_folded(self) -> dict[int, str]:
        """Folded full and short name of each unit: the search finds tasks by lead unit."""
        return self.tables.unit_names_folded

    def leaves(self) -> list[TaskEntry]:
        """Tasks without sub-tasks: the ones counted in statistics."""
        return [t for t in self.tasks.values() if not t.children]

    def ordered(self) -> list[TaskEntry]:
        """Parents before their children, siblings in their stored order."""
        tasks = self.tasks
        hint, self.order_hint = self.order_hint, None
        if hint is not None:
            return [tasks[i] for i in hint]
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
    unit counts, calendar, attention panel): one load serves them all. After a
    write that touched only some tasks, the previous view is patched with just
    those tasks (and the parents and sub-tasks they bear on) read again.
    """
    key = ("view", as_of, due_soon_days)
    view = register.cache.get(key)
    if not isinstance(view, RegisterView):
        view = _patched(register, key)
        if view is None:
            view = load_view(register, as_of, due_soon_days)
        if len(register.cache) > 8:
            register.cache.clear()
        register.cache[key] = view
    return view


def _patched(register: Register, key: object) -> RegisterView | None:
    stale = register.stale(key)
    if stale is None or not isinstance(stale[0], RegisterView):
        return None
    view = patch_view(register, stale[0], stale[1])
    if view is not None and register.written_elsewhere():
        return None  # someone else's save may be half in what was read: read it all
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
    tasks = _read_tasks(conn, None, as_of, day, shared.setdefault)
    children: dict[int, list[int]] = {}
    for entry in tasks.values():
        if entry.parent_id is not None and entry.parent_id in tasks:
            children.setdefault(entry.parent_id, []).append(entry.id)
    for parent_id, kids in children.items():
        tasks[parent_id].children = tuple(sorted(kids))  # in id order on any database
    top_down = _top_down(tasks)
    _inherit_roles(tasks, top_down)
    _judge(tasks, top_down, as_of, due_soon_days)
    units = list(conn.execute("SELECT id, name, short_name FROM units"))
    docs = list(conn.execute("SELECT id, number, doc_type, issuer_code FROM documents"))
    return RegisterView(
        as_of,
        due_soon_days,
        ViewTables(
            tasks,
            {u[0]: u[1] for u in units},
            {u[0]: u[2] or u[1] for u in units},
            {d[0]: document_label(d[1], d[2], d[3]) for d in docs},
            {u[0]: fold(f"{u[1]} {u[2]}") for u in units},
        ),
    )


# A patch re-reads at most one task in 20 (or this many in a small register): past
# that a full load, which reads each table in one pass, is about as quick.
PATCH_SHARE = 20
PATCH_AT_LEAST = 500
_CHUNK = 900  # ids written into one IN (...) list


def patch_view(
    register: Register, old: RegisterView, written: frozenset[int]
) -> RegisterView | None:
    """``old`` brought up to date after writes that touched only the tasks ``written``
    (created, edited, moved or deleted since ``old`` was read), or None when so many
    tasks are concerned that a full load is as quick.

    Besides the written tasks, their parents and every ancestor (a parent's shown
    status combines its sub-tasks', before and after a move) and their sub-tasks (a
    sub-task without units answers through its parent's) are read again. The result
    is a new view sharing the untouched entries and the unit and document names:
    ``old`` and the table rows made from it stay as they were.
    """
    limit = max(PATCH_AT_LEAST, len(old.tasks) // PATCH_SHARE)
    if len(written) > limit:
        return None
    with register.reading() as conn:
        return _patch(conn, old, written, limit)


def _patch(
    conn: Any, old: RegisterView, written: frozenset[int], limit: int
) -> RegisterView | None:
    day = _Days()
    day[None] = None
    shared: dict[Any, Any] = {None: None}
    as_of, before = old.as_of, old.tasks
    fresh = _read_tasks(conn, written, as_of, day, shared.setdefault)
    gone = written - fresh.keys()
    concerned = _concerned(before, fresh, written, gone, limit)
    if concerned is None:
        return None
    more = concerned - fresh.keys()
    fresh.update(_read_tasks(conn, more, as_of, day, shared.setdefault))
    if not more <= fresh.keys():
        return None  # a task vanished without being written: read everything
    tasks = dict(before)
    for task_id in gone:
        tasks.pop(task_id, None)
    tasks.update(fresh)
    kids = _children_of(fresh)
    for entry in fresh.values():
        entry.children = tuple(sorted(_kids(entry.id, before, fresh, gone, kids)))
        parent = entry.parent_id
        if parent is not None and parent in tasks and parent not in fresh:
            return None  # cannot happen: every re-read task's parent is re-read too
    top_down = _in_tree_order(tasks, fresh)
    if top_down is None:
        return None
    _inherit_roles(tasks, top_down)
    _judge(tasks, top_down, as_of, old.due_soon_days)
    # The same names and labels: a write that changed any of them is never patched.
    view = RegisterView(as_of, old.due_soon_days, replace(old.tables, tasks=tasks))
    if old.rows_cache is not None and _same_places(before, fresh, gone):
        view.order_hint = [row.id for row in old.rows_cache]
    return view


def _same_places(
    before: dict[int, TaskEntry], fresh: dict[int, TaskEntry], gone: frozenset[int]
) -> bool:
    """Whether every task is where it was in the register's order (what ordered() sorts by)."""
    if gone:
        return False
    for entry in fresh.values():
        was = before.get(entry.id)
        if was is None or (was.parent_id, was.document_id, was.sort_order) != (
            entry.parent_id, entry.document_id, entry.sort_order
        ):
            return False
    return True


def _concerned(
    before: dict[int, TaskEntry],
    fresh: dict[int, TaskEntry],
    written: frozenset[int],
    gone: frozenset[int],
    limit: int,
) -> set[int] | None:
    """The written tasks still there, their ancestors before and after the writes, and their
    sub-tasks now; None past ``limit``."""
    found = set(fresh)
    up = [
        entry.parent_id
        for task_id in written
        for entry in (before.get(task_id), fresh.get(task_id))
        if entry is not None and entry.parent_id is not None
    ]
    while up:
        task_id = up.pop()
        entry = before.get(task_id)
        if task_id in found or task_id in written or entry is None:
            continue  # a written task's own parents are in ``up`` already
        found.add(task_id)
        if entry.parent_id is not None:
            up.append(entry.parent_id)
    kids = _children_of(fresh)
    down = list(fresh)
    while down:
        for child in _kids(down.pop(), before, fresh, gone, kids):
            if child not in found:
                found.add(child)
                down.append(child)
        if len(found) > limit:
            return None
    return found if len(found) <= limit else None


def _children_of(fresh: dict[int, TaskEntry]) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in fresh.values():
        if entry.parent_id is not None:
            kids.setdefault(entry.parent_id, []).append(entry.id)
    return kids


def _kids(
    task_id: int,
    before: dict[int, TaskEntry],
    fresh: dict[int, TaskEntry],
    gone: frozenset[int],
    fresh_kids: dict[int, list[int]],
) -> list[int]:
    """A task's sub-tasks now: those it had that were not read again (nor deleted), and
    the re-read tasks that name it."""
    entry = before.get(task_id)
    kept = [c for c in entry.children if c not in fresh and c not in gone] if entry else []
    return kept + fresh_kids.get(task_id, [])


def _in_tree_order(
    tasks: dict[int, TaskEntry], fresh: dict[int, TaskEntry]
) -> list[TaskEntry] | None:
    """The re-read tasks, parents before their sub-tasks; None for a task in a loop of
    parents (a full load leaves such tasks unjudged: let it)."""
    depth: dict[int, int] = {}
    for entry in fresh.values():
        steps, parent = 0, entry.parent_id
        while parent is not None and parent in tasks:
            steps += 1
            if steps > len(tasks):
                return None
            parent = tasks[parent].parent_id
        depth[entry.id] = steps
    return sorted(fresh.values(), key=lambda e: depth[e.id])


def _id_lists(ids: Collection[int] | None) -> list[str | None]:
    """``ids`` written out for ``IN (...)`` a chunk at a time (None: every task)."""
    if ids is None:
        return [None]
    ordered = sorted(int(i) for i in ids)  # int(): only numbers are ever written into SQL
    return [",".join(map(str, ordered[i : i + _CHUNK])) for i in range(0, len(ordered), _CHUNK)]


def _only(column: str, ids: str | None, joiner: str = " WHERE ") -> str:
    return "" if ids is None else f"{joiner}{column} IN ({ids})"


def _read_tasks(
    conn: Any, ids: Collection[int] | None, as_of: date, day: _Days, share: Any
) -> dict[int, TaskEntry]:
    """Tasks with their own facts, units and last note by ``as_of`` (sub-tasks not linked,
    units not inherited, not judged): every task, or those of ``ids``."""
    tasks: dict[int, TaskEntry] = {}
    status_of, kind_of, rec_of = _STATUS, _KIND, _RECURRENCE
    no_extensions: tuple[ExtensionFact, ...] = ()
    for only in _id_lists(ids):
        extensions = _extensions(conn, day, only)
        occurrences = _occurrences(conn, day, only)
        found: dict[int, TaskEntry] = {}
        for (
            tid, parent_id, document_id, ref, content, search_text, group, status, kind,
            deadline, original, recurrence, assigned, completed, cancelled, deadline_text,
            urgent, order, version,
        ) in conn.execute(_TASKS_SQL + _only("id", only)):
            facts = TaskFacts(
                status_of[status], kind_of[kind], day[deadline], day[original],
                rec_of[recurrence] if recurrence else None, day[assigned], day[completed],
                day[cancelled], extensions.get(tid, no_extensions), occurrences.get(tid),
            )
            found[tid] = TaskEntry(
                tid, parent_id, share(document_id, document_id), share(ref, ref), content,
                search_text, share(group, group), facts, share(deadline_text, deadline_text),
                bool(urgent), order, version,
            )
        _read_roles(conn, found, only)
        _read_last_notes(conn, found, as_of, day, share, only)
        tasks.update(found)
    return tasks


def _extensions(conn: Any, day: _Days, only: str | None) -> dict[int, tuple[ExtensionFact, ...]]:
    found: dict[int, list[ExtensionFact]] = {}
    for task_id, decided, new in conn.execute(
        "SELECT task_id, decided_on, new_deadline FROM task_extensions"
        f"{_only('task_id', only)} ORDER BY id"  # two on one day: the later one counts
    ):
        found.setdefault(task_id, []).append(ExtensionFact(day[decided], day[new]))
    return {task_id: tuple(facts) for task_id, facts in found.items()}


def _occurrences(conn: Any, day: _Days, only: str | None) -> dict[int, dict[date, date | None]]:
    found: dict[int, dict[date, date | None]] = {}
    for task_id, start, done in conn.execute(
        f"SELECT task_id, period_start, completed_on FROM task_occurrences{_only('task_id', only)}"
    ):
        found.setdefault(task_id, {})[day[start]] = day[done]
    return found


def _read_roles(conn: Any, tasks: dict[int, TaskEntry], only: str | None) -> None:
    lead, cooperating = UnitRole.LEAD.value, UnitRole.COOPERATING.value
    roles: dict[int, tuple[list[int], list[int], list[int]]] = {}
    for task_id, unit_id, role in conn.execute(
        f"SELECT task_id, unit_id, role FROM task_units{_only('task_id', only)}"
        " ORDER BY task_id, position, id"
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


def _inherit_roles(tasks: dict[int, TaskEntry], top_down: list[TaskEntry]) -> None:
    """A sub-task with no unit of its own answers through its parent's units."""
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


def _last_notes_sql(conn: Any, as_of: date, only: str | None = None) -> str:
    """The newest note of each task written by ``as_of`` (the later id on the same day)."""
    if not isinstance(as_of, date):  # written into the SQL: never anything but a date
        raise TypeError(f"as_of must be a date, not {type(as_of).__name__}")
    day = as_of.isoformat()
    which = f"noted_on <= '{day}'{_only('task_id', only, ' AND ')}"
    if isinstance(conn, sqlite3.Connection):
        # SQLite takes the other columns from the row holding the max(): one pass over the
        # notes instead of numbering them all (documented for a lone min() or max()).
        return (
            "SELECT task_id, noted_on, text, max(noted_on || printf('%012d', id))"
            f" FROM progress_notes WHERE {which} GROUP BY task_id"
        )
    return (
        "SELECT task_id, noted_on, text FROM ("
        " SELECT task_id, noted_on, text, ROW_NUMBER() OVER ("
        "  PARTITION BY task_id ORDER BY noted_on DESC, id DESC) AS rank"
        f" FROM progress_notes WHERE {which}) AS ranked WHERE rank = 1"
    )


def _read_last_notes(
    conn: Any, tasks: dict[int, TaskEntry], as_of: date, day: _Days, share: Any, only: str | None
) -> None:
    """Only the newest note of each task written by ``as_of``: a report as of a quarter's
    end quotes the progress known then, and start-up must not carry every note."""
    for task_id, noted_on, note, *_ in conn.execute(_last_notes_sql(conn, as_of, only)):
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
