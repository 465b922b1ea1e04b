"""Deadlines by day, for the calendar: one-off dates and every period of recurring tasks."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus
from cdsdesk.periods import Period, periods_between
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


def due_dates(
    entry: TaskEntry,
    start: date,
    end: date,
    as_of: date,
    periods: dict[Recurrence, list[Period]] | None = None,
) -> list[tuple[date, bool]]:
    """Each day in [start, end] this task falls due, with whether it was missed by ``as_of``.

    ``periods``: a cache of ``periods_between(start, end, recurrence)`` shared by the calls
    for one range (the periods are the same for every task that recurs alike)."""
    facts = entry.facts
    closed = _closed_on(entry)
    if facts.deadline_kind is DeadlineKind.RECURRING and facts.recurrence is not None:
        found = []
        if periods is None:
            periods = {}
        if facts.recurrence not in periods:
            periods[facts.recurrence] = periods_between(start, end, facts.recurrence)
        for period in periods[facts.recurrence]:
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


@dataclass(frozen=True)
class _DueIndex:
    """One-off deadlines by day (built once per register view), and the recurring tasks,
    whose due days depend on the page asked for."""

    days: list[date]  # sorted
    marks: list[tuple[int, int]]  # (count, overdue) of each day in ``days``
    recurring: list[TaskEntry]


def _due_index(register: Register, as_of: date) -> _DueIndex:
    days_setting = load_settings(register).due_soon_days
    key = ("due-index", as_of, days_setting)
    index = register.cache.get(key)
    if isinstance(index, _DueIndex):
        return index
    view = get_view(register, as_of, days_setting)
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    recurring = []
    dated = (DeadlineKind.DATE, DeadlineKind.PERIOD)
    for entry in view.leaves():
        facts = entry.facts
        if facts.deadline_kind is DeadlineKind.RECURRING and facts.recurrence is not None:
            recurring.append(entry)
            continue
        if facts.deadline_kind not in dated:
            continue  # no day to fall due on
        for day, missed in due_dates(entry, date.min, date.max, as_of):
            counts[day][0] += 1
            counts[day][1] += missed
    days = sorted(counts)
    index = _DueIndex(days, [(counts[d][0], counts[d][1]) for d in days], recurring)
    register.cache[key] = index
    return index


def deadline_marks(register: Register, start: date, end: date, as_of: date) -> dict[date, DayMark]:
    """For each day with deadlines in [start, end]: how many, and how many of them are overdue.

    A month page reads the one-off deadlines of its six weeks from an index built once
    per register view, and walks only the recurring tasks.
    """
    index = _due_index(register, as_of)
    counts: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    lo, hi = bisect_left(index.days, start), bisect_right(index.days, end)
    for day, (count, overdue) in zip(index.days[lo:hi], index.marks[lo:hi], strict=True):
        counts[day] = [count, overdue]
    periods: dict[Recurrence, list[Period]] = {}
    for entry in index.recurring:
        for day, missed in due_dates(entry, start, end, as_of, periods):
            counts[day][0] += 1
            counts[day][1] += missed
    return {day: DayMark(c[0], c[1]) for day, c in counts.items()}


def tasks_due_on(register: Register, day: date, as_of: date) -> frozenset[int]:
    """The tasks (sub-tasks rather than their parents) that fall due on ``day``."""
    view = get_view(register, as_of, load_settings(register).due_soon_days)
    return frozenset(e.id for e in view.leaves() if due_dates(e, day, day, as_of))
