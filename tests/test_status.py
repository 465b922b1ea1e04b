"""Shown status as of a day, on the edge days that reports hit."""

from __future__ import annotations

from datetime import date

import pytest

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StatusClass, StoredStatus
from cdsdesk.services.status import (
    ExtensionFact,
    ShownStatus,
    TaskFacts,
    combine_children,
    deadline_in_force,
    shown_status,
)

D = date


def dated(
    deadline: date, status: StoredStatus = StoredStatus.IN_PROGRESS, **kw: object
) -> TaskFacts:
    return TaskFacts(status=status, deadline_kind=DeadlineKind.DATE, deadline=deadline, **kw)  # type: ignore[arg-type]


def test_deadline_day_itself_is_still_in_time() -> None:
    shown = shown_status(dated(D(2024, 3, 31)), D(2024, 3, 31))
    assert shown.status_class is StatusClass.OPEN_IN_TIME
    assert shown.due_soon
    assert shown.days_overdue == 0


def test_day_after_deadline_is_overdue_by_one() -> None:
    shown = shown_status(dated(D(2024, 3, 31)), D(2024, 4, 1))
    assert shown.status_class is StatusClass.OPEN_OVERDUE
    assert shown.days_overdue == 1


def test_year_boundary_31_12_to_1_1() -> None:
    facts = dated(D(2023, 12, 31))
    assert shown_status(facts, D(2023, 12, 31)).status_class is StatusClass.OPEN_IN_TIME
    after = shown_status(facts, D(2024, 1, 1))
    assert after.status_class is StatusClass.OPEN_OVERDUE
    assert after.days_overdue == 1


def test_29_february_leap_year() -> None:
    facts = dated(D(2024, 2, 29))
    assert shown_status(facts, D(2024, 2, 29)).status_class is StatusClass.OPEN_IN_TIME
    assert shown_status(facts, D(2024, 3, 1)).days_overdue == 1
    done = dated(D(2024, 2, 29), StoredStatus.DONE, completed_on=D(2024, 2, 29))
    assert shown_status(done, D(2024, 3, 31)).status_class is StatusClass.DONE_ON_TIME
    late = dated(D(2024, 2, 29), StoredStatus.DONE, completed_on=D(2024, 3, 1))
    assert shown_status(late, D(2024, 3, 31)).status_class is StatusClass.DONE_LATE


@pytest.mark.parametrize(
    "quarter_end", [D(2024, 3, 31), D(2024, 6, 30), D(2024, 9, 30), D(2024, 12, 31)]
)
def test_quarter_end_due_soon_window(quarter_end: date) -> None:
    facts = dated(quarter_end.replace(day=quarter_end.day))
    seven_before = date.fromordinal(quarter_end.toordinal() - 7)
    eight_before = date.fromordinal(quarter_end.toordinal() - 8)
    assert shown_status(facts, seven_before, due_soon_days=7).due_soon
    assert not shown_status(facts, eight_before, due_soon_days=7).due_soon


def test_done_after_as_of_day_was_still_open_then() -> None:
    facts = dated(D(2024, 3, 15), StoredStatus.DONE, completed_on=D(2024, 4, 10))
    assert shown_status(facts, D(2024, 3, 31)).status_class is StatusClass.OPEN_OVERDUE
    assert shown_status(facts, D(2024, 4, 30)).status_class is StatusClass.DONE_LATE


def test_done_without_deadline_counts_on_time() -> None:
    facts = TaskFacts(StoredStatus.DONE, DeadlineKind.NONE, completed_on=D(2024, 1, 5))
    assert shown_status(facts, D(2024, 3, 31)).status_class is StatusClass.DONE_ON_TIME
    ongoing = TaskFacts(StoredStatus.IN_PROGRESS, DeadlineKind.ONGOING)
    shown = shown_status(ongoing, D(2030, 1, 1))
    assert shown.status_class is StatusClass.NO_DEADLINE
    assert shown.days_overdue == 0


def test_cancelled_and_not_yet_assigned_are_not_counted() -> None:
    cancelled = dated(D(2024, 1, 1), StoredStatus.CANCELLED, cancelled_on=D(2024, 2, 1))
    assert not shown_status(cancelled, D(2024, 3, 31)).counted
    assert shown_status(cancelled, D(2024, 3, 31)).cancelled
    # Before it was cancelled, it was an ordinary overdue task.
    assert shown_status(cancelled, D(2024, 1, 15)).status_class is StatusClass.OPEN_OVERDUE
    future = dated(D(2024, 9, 1), assigned_on=D(2024, 5, 1))
    assert shown_status(future, D(2024, 3, 31)).not_yet_assigned


def test_extension_applies_from_its_decision_day() -> None:
    facts = dated(
        D(2024, 6, 30),
        original_deadline=D(2024, 3, 15),
        extensions=(ExtensionFact(D(2024, 4, 10), D(2024, 6, 30)),),
    )
    assert deadline_in_force(facts, D(2024, 3, 31)) == D(2024, 3, 15)
    before = shown_status(facts, D(2024, 3, 31))
    assert before.status_class is StatusClass.OPEN_OVERDUE and not before.extended
    after = shown_status(facts, D(2024, 4, 30))
    assert after.status_class is StatusClass.OPEN_IN_TIME and after.extended
    assert after.due_on == D(2024, 6, 30)


def test_done_within_extended_deadline_is_on_time() -> None:
    facts = dated(
        D(2024, 6, 30),
        StoredStatus.DONE,
        completed_on=D(2024, 5, 20),
        original_deadline=D(2024, 3, 15),
        extensions=(ExtensionFact(D(2024, 3, 10), D(2024, 6, 30)),),
    )
    assert shown_status(facts, D(2024, 6, 30)).status_class is StatusClass.DONE_ON_TIME


def test_recurring_quarterly_has_its_own_state_per_quarter() -> None:
    facts = TaskFacts(
        StoredStatus.IN_PROGRESS,
        DeadlineKind.RECURRING,
        recurrence=Recurrence.QUARTERLY,
        assigned_on=D(2024, 1, 10),
        occurrences={D(2024, 1, 1): D(2024, 3, 28), D(2024, 4, 1): None},
    )
    q1 = shown_status(facts, D(2024, 3, 31))
    assert q1.status_class is StatusClass.DONE_ON_TIME and q1.due_on == D(2024, 3, 31)
    q2 = shown_status(facts, D(2024, 6, 30))
    assert q2.status_class is StatusClass.OPEN_IN_TIME and q2.due_on == D(2024, 6, 30)
    # Mid-quarter, Q3's period is due at its end, more than 7 days away.
    q3 = shown_status(facts, D(2024, 8, 15))
    assert q3.due_on == D(2024, 9, 30) and not q3.due_soon
    # Before the Q1 report was recorded (on 28/3) the quarter was still open.
    assert shown_status(facts, D(2024, 3, 20)).status_class is StatusClass.OPEN_IN_TIME


def test_recurring_across_year_end() -> None:
    facts = TaskFacts(
        StoredStatus.IN_PROGRESS,
        DeadlineKind.RECURRING,
        recurrence=Recurrence.HALF_YEARLY,
        occurrences={D(2024, 7, 1): D(2024, 12, 20)},
    )
    assert shown_status(facts, D(2024, 12, 31)).status_class is StatusClass.DONE_ON_TIME
    jan = shown_status(facts, D(2025, 1, 1))
    assert jan.status_class is StatusClass.OPEN_IN_TIME and jan.due_on == D(2025, 6, 30)


def test_parent_is_judged_through_children() -> None:
    done = ShownStatus(StatusClass.DONE_ON_TIME)
    late = ShownStatus(StatusClass.DONE_LATE)
    overdue = ShownStatus(StatusClass.OPEN_OVERDUE, due_on=D(2024, 1, 1), days_overdue=90)
    assert combine_children([done, done]).status_class is StatusClass.DONE_ON_TIME
    assert combine_children([done, late]).status_class is StatusClass.DONE_LATE
    worst = combine_children([done, overdue, ShownStatus(None, cancelled=True)])
    assert worst.status_class is StatusClass.OPEN_OVERDUE and worst.days_overdue == 90
