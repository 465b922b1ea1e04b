"""A read-only picture of the register as of a day, loaded in a few bulk queries.

The task list, the statistics and the reports all start from this: every task's
facts, roles and shown status, with sub-tasks judged through their children.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

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
    """One task as the register view sees it."""

    id: int
    parent_id: int | None
    document_id: int | None
    ref: str
    content: str
    search_text: str
    task_group: str | None
    facts: TaskFacts
    deadline_text: str
    urgent: bool
    sort_order: int
    version: int
    lead_ids: list[int]
    cooperating_ids: list[int]
    informed_ids: list[int]
    children: list[int]
    shown: ShownStatus = UNJUDGED
    last_note_on: date | None = None
    last_note: str = ""


@dataclass
class RegisterView:
    as_of: date
    due_soon_days: int
    tasks: dict[int, TaskEntry]
    unit_names: dict[int, str]
    unit_short_names: dict[int, str]
    document_labels: dict[int, str]
    unit_names_folded: dict[int, str] = field(default_factory=dict)
    rows_cache: list[Any] | None = None  # the table rows, built on first use

    def leaves(self) -> list[TaskEntry]:
        """Tasks without sub-tasks: the ones counted in statistics."""
        return [t for t in self.tasks.values() if not t.children]

    def ordered(self) -> list[TaskEntry]:
        """Parents before their children, siblings in their stored order."""
        top = sorted(
            (
                t
                for t in self.tasks.values()
                if t.parent_id is None or t.parent_id not in self.tasks
            ),
            key=lambda t: (t.document_id is None, t.document_id or 0, t.sort_order, t.id),
        )
        out: list[TaskEntry] = []
        stack = list(reversed(top))
        while stack:
            entry = stack.pop()
            out.append(entry)
            kids = sorted(
                (self.tasks[c] for c in entry.children), key=lambda t: (t.sort_order, t.id)
            )
            stack.extend(reversed(kids))
        return out


def get_view(register: Register, as_of: date, due_soon_days: int) -> RegisterView:
    """The register as of ``as_of``, loaded once and reused until the next write.

    The window asks for the same view several times after each change (table,
    unit counts, calendar, attention panel): one load serves them all.
    """
    key = ("view", as_of, due_soon_days)
    view = register.cache.get(key)
    if not isinstance(view, RegisterView):
        with register.transaction() as session:
            view = load_view(session, as_of, due_soon_days)
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
def _no_gc() -> Iterator[None]:
    """Bulk loads create 100,000s of objects that all live on: the cyclic collector would
    rescan them again and again (about a third of the load time) and find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_view(session: Session, as_of: date, due_soon_days: int) -> RegisterView:
    with _no_gc():
        return _load_view(session, as_of, due_soon_days)


def _load_view(session: Session, as_of: date, due_soon_days: int) -> RegisterView:
    """Read every task's facts in a few plain queries (no ORM objects: this is the hot path)."""
    conn = session.connection()
    day = _Days()
    day[None] = None
    extensions: dict[int, list[ExtensionFact]] = defaultdict(list)
    for task_id, decided, new in conn.exec_driver_sql(
        "SELECT task_id, decided_on, new_deadline FROM task_extensions"
    ):
        extensions[task_id].append(ExtensionFact(day[decided], day[new]))
    occurrences: dict[int, dict[date, date | None]] = defaultdict(dict)
    for task_id, start, done in conn.exec_driver_sql(
        "SELECT task_id, period_start, completed_on FROM task_occurrences"
    ):
        occurrences[task_id][day[start]] = day[done]
    tasks: dict[int, TaskEntry] = {}
    status_of, kind_of, rec_of = _STATUS, _KIND, _RECURRENCE
    for (
        tid, parent_id, document_id, ref, content, search_text, group, status, kind, deadline,
        original, recurrence, assigned, completed, cancelled, deadline_text, urgent, order,
        version,
    ) in conn.exec_driver_sql(
        "SELECT id, parent_id, document_id, ref, content, search_text, task_group, status,"
        " deadline_kind, deadline, original_deadline, recurrence, assigned_on, completed_on,"
        " cancelled_on, deadline_text, urgent, sort_order, version FROM tasks"
    ):
        facts = TaskFacts(
            status_of[status], kind_of[kind], day[deadline], day[original],
            rec_of[recurrence] if recurrence else None, day[assigned], day[completed],
            day[cancelled], tuple(extensions[tid]) if tid in extensions else (),
            occurrences.get(tid),
        )
        tasks[tid] = TaskEntry(
            tid, parent_id, document_id, ref, content, search_text, group, facts,
            deadline_text, bool(urgent), order, version, [], [], [], [],
        )
    for entry in tasks.values():
        if entry.parent_id is not None and entry.parent_id in tasks:
            tasks[entry.parent_id].children.append(entry.id)
    top_down = _top_down(tasks)
    _load_roles(conn, tasks, top_down)
    _load_last_notes(conn, tasks, as_of, day)
    _judge(tasks, top_down, as_of, due_soon_days)
    units = conn.exec_driver_sql("SELECT id, name, short_name FROM units").all()
    docs = conn.exec_driver_sql("SELECT id, number, doc_type, issuer_code FROM documents").all()
    return RegisterView(
        as_of,
        due_soon_days,
        tasks,
        {u[0]: u[1] for u in units},
        {u[0]: u[2] or u[1] for u in units},
        {d[0]: document_label(d[1], d[2], d[3]) for d in docs},
        {u[0]: fold(f"{u[1]} {u[2]}") for u in units},
    )


def _load_roles(conn: Connection, tasks: dict[int, TaskEntry], top_down: list[TaskEntry]) -> None:
    lead, cooperating = UnitRole.LEAD.value, UnitRole.COOPERATING.value
    for task_id, unit_id, role in conn.exec_driver_sql(
        "SELECT task_id, unit_id, role FROM task_units ORDER BY task_id, position"
    ):
        entry = tasks.get(task_id)
        if entry is None:
            continue
        if role == lead:
            entry.lead_ids.append(unit_id)
        elif role == cooperating:
            entry.cooperating_ids.append(unit_id)
        else:
            entry.informed_ids.append(unit_id)
    # A sub-task with no unit of its own answers through its parent's units.
    for entry in top_down:
        if entry.parent_id is None:
            continue
        parent = tasks.get(entry.parent_id)
        if parent and not (entry.lead_ids or entry.cooperating_ids or entry.informed_ids):
            entry.lead_ids = list(parent.lead_ids)
            entry.cooperating_ids = list(parent.cooperating_ids)
            entry.informed_ids = list(parent.informed_ids)


def _top_down(tasks: dict[int, TaskEntry]) -> list[TaskEntry]:
    order: list[TaskEntry] = []
    stack = [t for t in tasks.values() if t.parent_id not in tasks]
    while stack:
        entry = stack.pop()
        order.append(entry)
        stack.extend(tasks[c] for c in entry.children)
    return order


def _load_last_notes(
    conn: Connection, tasks: dict[int, TaskEntry], as_of: date, day: _Days
) -> None:
    """Only the newest note of each task written by ``as_of``: a report as of a quarter's
    end quotes the progress known then, and start-up must not carry every note."""
    for task_id, noted_on, note in conn.execute(
        text(
            "SELECT task_id, noted_on, text FROM ("
            " SELECT task_id, noted_on, text, ROW_NUMBER() OVER ("
            "  PARTITION BY task_id ORDER BY noted_on DESC, id DESC) AS rank"
            " FROM progress_notes WHERE noted_on <= :as_of) AS ranked WHERE rank = 1"
        ),
        {"as_of": as_of.isoformat()},
    ):
        entry = tasks.get(task_id)
        if entry is not None:
            entry.last_note_on = day[noted_on]
            entry.last_note = note


def _judge(
    tasks: dict[int, TaskEntry], top_down: list[TaskEntry], as_of: date, due_soon_days: int
) -> None:
    for entry in reversed(top_down):
        if entry.children:
            entry.shown = combine_children(tasks[c].shown for c in entry.children)
            if entry.facts.status is StoredStatus.CANCELLED:
                entry.shown = shown_status(entry.facts, as_of, due_soon_days)
        else:
            entry.shown = shown_status(entry.facts, as_of, due_soon_days)
