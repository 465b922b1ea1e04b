"""A read-only picture of the register as of a day, loaded in a few bulk queries.

The task list, the statistics and the reports all start from this: every task's
facts, roles and shown status, with sub-tasks judged through their children.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, UnitRole
from cdsdesk.domain.models import (
    Document,
    ProgressNote,
    Task,
    TaskExtension,
    TaskOccurrence,
    TaskUnit,
    Unit,
)
from cdsdesk.services.documents import document_label
from cdsdesk.services.status import (
    ExtensionFact,
    ShownStatus,
    TaskFacts,
    combine_children,
    shown_status,
)
from cdsdesk.textvi import fold


@dataclass
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
    lead_ids: list[int] = field(default_factory=list)
    cooperating_ids: list[int] = field(default_factory=list)
    informed_ids: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    shown: ShownStatus = field(default_factory=lambda: ShownStatus(None))
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


def load_view(session: Session, as_of: date, due_soon_days: int) -> RegisterView:
    tasks: dict[int, TaskEntry] = {}
    rows = session.execute(
        select(
            Task.id,
            Task.parent_id,
            Task.document_id,
            Task.ref,
            Task.content,
            Task.search_text,
            Task.task_group,
            Task.status,
            Task.deadline_kind,
            Task.deadline,
            Task.original_deadline,
            Task.recurrence,
            Task.assigned_on,
            Task.completed_on,
            Task.cancelled_on,
            Task.deadline_text,
            Task.urgent,
            Task.sort_order,
            Task.version,
        )
    ).all()
    extensions: dict[int, list[ExtensionFact]] = defaultdict(list)
    for task_id, decided, new in session.execute(
        select(TaskExtension.task_id, TaskExtension.decided_on, TaskExtension.new_deadline)
    ):
        extensions[task_id].append(ExtensionFact(decided, new))
    occurrences: dict[int, dict[date, date | None]] = defaultdict(dict)
    for task_id, start, done in session.execute(
        select(TaskOccurrence.task_id, TaskOccurrence.period_start, TaskOccurrence.completed_on)
    ):
        occurrences[task_id][start] = done
    for r in rows:
        facts = TaskFacts(
            status=StoredStatus(r.status),
            deadline_kind=DeadlineKind(r.deadline_kind),
            deadline=r.deadline,
            original_deadline=r.original_deadline,
            recurrence=Recurrence(r.recurrence) if r.recurrence else None,
            assigned_on=r.assigned_on,
            completed_on=r.completed_on,
            cancelled_on=r.cancelled_on,
            extensions=tuple(extensions.get(r.id, ())),
            occurrences=occurrences.get(r.id, {}),
        )
        tasks[r.id] = TaskEntry(
            r.id,
            r.parent_id,
            r.document_id,
            r.ref,
            r.content,
            r.search_text,
            r.task_group,
            facts,
            r.deadline_text,
            r.urgent,
            r.sort_order,
            r.version,
        )
    for entry in tasks.values():
        if entry.parent_id in tasks:
            tasks[entry.parent_id].children.append(entry.id)
    _load_roles(session, tasks)
    _load_last_notes(session, tasks)
    _judge(tasks, as_of, due_soon_days)
    units = session.execute(select(Unit.id, Unit.name, Unit.short_name)).all()
    docs = session.execute(
        select(Document.id, Document.number, Document.doc_type, Document.issuer_code)
    ).all()
    return RegisterView(
        as_of,
        due_soon_days,
        tasks,
        {u.id: u.name for u in units},
        {u.id: u.short_name or u.name for u in units},
        {d.id: document_label(d.number, d.doc_type, d.issuer_code) for d in docs},
        {u.id: fold(f"{u.name} {u.short_name}") for u in units},
    )


def _load_roles(session: Session, tasks: dict[int, TaskEntry]) -> None:
    for task_id, unit_id, role in session.execute(
        select(TaskUnit.task_id, TaskUnit.unit_id, TaskUnit.role).order_by(
            TaskUnit.task_id, TaskUnit.position
        )
    ):
        entry = tasks.get(task_id)
        if entry is None:
            continue
        if role == UnitRole.LEAD.value:
            entry.lead_ids.append(unit_id)
        elif role == UnitRole.COOPERATING.value:
            entry.cooperating_ids.append(unit_id)
        else:
            entry.informed_ids.append(unit_id)
    # A sub-task with no unit of its own answers through its parent's units.
    for entry in _top_down(tasks):
        parent = tasks.get(entry.parent_id) if entry.parent_id is not None else None
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


def _load_last_notes(session: Session, tasks: dict[int, TaskEntry]) -> None:
    ranked = select(
        ProgressNote.task_id,
        ProgressNote.noted_on,
        ProgressNote.text,
        func.row_number()
        .over(
            partition_by=ProgressNote.task_id,
            order_by=(ProgressNote.noted_on.desc(), ProgressNote.id.desc()),
        )
        .label("rank"),
    ).subquery()
    for task_id, noted_on, text in session.execute(
        select(ranked.c.task_id, ranked.c.noted_on, ranked.c.text).where(ranked.c.rank == 1)
    ):
        if task_id in tasks:
            tasks[task_id].last_note_on = noted_on
            tasks[task_id].last_note = text


def _judge(tasks: dict[int, TaskEntry], as_of: date, due_soon_days: int) -> None:
    for entry in reversed(_top_down(tasks)):
        if entry.children:
            entry.shown = combine_children(tasks[c].shown for c in entry.children)
            if entry.facts.status is StoredStatus.CANCELLED:
                entry.shown = shown_status(entry.facts, as_of, due_soon_days)
        else:
            entry.shown = shown_status(entry.facts, as_of, due_soon_days)
