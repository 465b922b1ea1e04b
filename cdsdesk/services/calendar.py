"""Deadlines by day, for the calendar: one-off dates and every period of recurring tasks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from cdsdesk.domain.enums import DeadlineKind, StoredStatus
from cdsdesk.periods import periods_between
from cdsdesk.services.register_view import TaskEntry, get_view
from cdsdesk.services.status import deadline_in_force
from cdsdesk.settings import load_settings
from cdsdesk.storage.db import Register


@dataclass(frozen=True)
class DayMark:
    count: int
    overdue: int


def _closed_on(entry: TaskEntry) -> date | None:
    facts = entry.facts
    if facts.status is StoredStatus.DONE:
        return facts.completed_on or date.min
    if facts.status is StoredStatus.CANCELLED:
        return facts.cancelled_on or date.min
    return None


def due_dates(entry: TaskEntry, start: date, end: date, as_of: date) -> list[tuple[date, bool]]:
    """Each day in [start, end] this task falls due, with whether it was missed by ``as_of``."""
    facts = entry.facts
    closed = _closed_on(entry)
    if facts.deadline_kind is DeadlineKind.RECURRING and facts.recurrence is not None:
        found = []
        for period in periods_between(start, end, facts.recurrence):
            if not start <= period.end <= end:
                continue
            if facts.assigned_on and period.end < facts.assigned_on:
                continue
            if closed is not None and closed < period.start:
                continue  # the recurrence had stopped
            done_on = (facts.occurrences or {}).get(period.start)
            missed = period.end < as_of and (done_on is None or done_on > period.end)
            found.append((period.end, missed))
        return found
    if facts.deadline_kind not in (DeadlineKind.DATE, DeadlineKind.PERIOD):
        return []
    due = deadline_in_force(facts, as_of)
    if due is None or not start <= due <= end:
        return []
    if facts.status is StoredStatus.CANCELLED:
        return []
    missed = due < as_of and (closed is None or closed > as_of)
    return [(due, missed)]


def deadline_marks(register: Register, start: date, end: date, as_of: date) -> dict[date, DayMark]:
    """For each day with deadlines in [start, end]: how many, and how many of them are overdue."""
    view = get_view(register, as_of, load_settings(register).due_soon_days)
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for entry in view.leaves():
        for day, missed in due_dates(entry, start, end, as_of):
            counts[day][0] += 1
            counts[day][1] += missed
    return {day: DayMark(c[0], c[1]) for day, c in counts.items()}


def tasks_due_on(register: Register, day: date, as_of: date) -> frozenset[int]:
    """The tasks (sub-tasks rather than their parents) that fall due on ``day``."""
    view = get_view(register, as_of, load_settings(register).due_soon_days)
    return frozenset(e.id for e in view.leaves() if due_dates(e, day, day, as_of))
