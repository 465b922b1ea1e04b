"""The shown status of a task as of a day: the five classes of every report.

Pure functions over plain facts, so the rules can be tested day by day and
the same code serves the table, the statistics and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StatusClass, StoredStatus
from cdsdesk.periods import period_containing


@dataclass(frozen=True, slots=True)
class ExtensionFact:
    decided_on: date
    new_deadline: date


@dataclass(slots=True)
class TaskFacts:
    """What the status rules need to know about one task (built 100,000 times at start-up)."""

    status: StoredStatus
    deadline_kind: DeadlineKind
    deadline: date | None = None
    original_deadline: date | None = None
    recurrence: Recurrence | None = None
    assigned_on: date | None = None
    completed_on: date | None = None
    cancelled_on: date | None = None
    extensions: tuple[ExtensionFact, ...] = ()
    # For recurring tasks: period start -> the day that period's work was done.
    occurrences: Mapping[date, date | None] | None = None


class ShownStatus(NamedTuple):
    """A task's state as of a day. ``status_class`` is None when it is not counted.

    A named tuple rather than a frozen dataclass: 100,000 are made at each start-up,
    and a tuple is built in C about four times as fast.
    """

    status_class: StatusClass | None
    due_on: date | None = None
    due_soon: bool = False
    days_overdue: int = 0
    cancelled: bool = False
    not_yet_assigned: bool = False
    extended: bool = False

    @property
    def counted(self) -> bool:
        return self.status_class is not None


def deadline_in_force(facts: TaskFacts, as_of: date) -> date | None:
    """The due date that applied on ``as_of``: extensions decided later do not count yet."""
    due = facts.original_deadline or facts.deadline
    if not facts.extensions:
        return due
    for ext in sorted(facts.extensions, key=lambda e: e.decided_on):
        if ext.decided_on <= as_of:
            due = ext.new_deadline
    return due


def _done_by(facts: TaskFacts, as_of: date) -> bool:
    if facts.status is not StoredStatus.DONE:
        return False
    return facts.completed_on is None or facts.completed_on <= as_of


def shown_status(facts: TaskFacts, as_of: date, due_soon_days: int = 7) -> ShownStatus:
    if facts.status is StoredStatus.CANCELLED and (
        facts.cancelled_on is None or facts.cancelled_on <= as_of
    ):
        return ShownStatus(None, cancelled=True)
    if facts.assigned_on is not None and facts.assigned_on > as_of:
        return ShownStatus(None, not_yet_assigned=True)

    kind = facts.deadline_kind
    if kind in (DeadlineKind.NONE, DeadlineKind.ONGOING):
        if _done_by(facts, as_of):
            return ShownStatus(StatusClass.DONE_ON_TIME)
        return ShownStatus(StatusClass.NO_DEADLINE)

    if kind is DeadlineKind.RECURRING and facts.recurrence is not None:
        return _recurring_status(facts, as_of, due_soon_days)

    due = deadline_in_force(facts, as_of)
    extended = bool(facts.extensions) and any(e.decided_on <= as_of for e in facts.extensions)
    if due is None:
        if _done_by(facts, as_of):
            return ShownStatus(StatusClass.DONE_ON_TIME, extended=extended)
        return ShownStatus(StatusClass.NO_DEADLINE, extended=extended)
    if _done_by(facts, as_of):
        done_on = facts.completed_on
        on_time = done_on is None or done_on <= due
        cls = StatusClass.DONE_ON_TIME if on_time else StatusClass.DONE_LATE
        return ShownStatus(cls, due_on=due, extended=extended)
    return _open_status(due, as_of, due_soon_days, extended)


def _open_status(due: date, as_of: date, due_soon_days: int, extended: bool) -> ShownStatus:
    if due >= as_of:
        soon = (due - as_of).days <= due_soon_days
        return ShownStatus(StatusClass.OPEN_IN_TIME, due_on=due, due_soon=soon, extended=extended)
    return ShownStatus(
        StatusClass.OPEN_OVERDUE, due_on=due, days_overdue=(as_of - due).days, extended=extended
    )


def _recurring_status(facts: TaskFacts, as_of: date, due_soon_days: int) -> ShownStatus:
    """A recurring task is judged by the period that contains ``as_of``.

    Its due date is that period's last day, so on a quarter's last day a
    quarterly task is still in time unless that quarter's work is recorded.
    Stopping the recurrence for good (stored status done) counts as done.
    """
    assert facts.recurrence is not None
    if _done_by(facts, as_of):
        return ShownStatus(StatusClass.DONE_ON_TIME)
    period = period_containing(as_of, facts.recurrence)
    done_on = (facts.occurrences or {}).get(period.start)
    if done_on is not None and done_on <= as_of:
        cls = StatusClass.DONE_ON_TIME if done_on <= period.end else StatusClass.DONE_LATE
        return ShownStatus(cls, due_on=period.end)
    return _open_status(period.end, as_of, due_soon_days, extended=False)


def combine_children(children: Iterable[ShownStatus]) -> ShownStatus:
    """The status of a parent task, derived from its sub-tasks."""
    counted = [c for c in children if c.counted]
    if not counted:
        return ShownStatus(None, cancelled=True)
    classes = {c.status_class for c in counted}
    if all(c is not None and c.is_done for c in classes):
        cls = (
            StatusClass.DONE_LATE if StatusClass.DONE_LATE in classes else StatusClass.DONE_ON_TIME
        )
        return ShownStatus(cls)
    overdue = [c for c in counted if c.status_class is StatusClass.OPEN_OVERDUE]
    if overdue:
        worst = max(overdue, key=lambda c: c.days_overdue)
        return ShownStatus(
            StatusClass.OPEN_OVERDUE, due_on=worst.due_on, days_overdue=worst.days_overdue
        )
    open_ = [c for c in counted if c.status_class is StatusClass.OPEN_IN_TIME and c.due_on]
    if open_:
        first = min(open_, key=lambda c: c.due_on or date.max)
        return ShownStatus(StatusClass.OPEN_IN_TIME, due_on=first.due_on, due_soon=first.due_soon)
    return ShownStatus(StatusClass.NO_DEADLINE)
