"""The calendar's marks: one-off deadlines, extensions and recurring periods."""

from __future__ import annotations

from datetime import date

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus
from cdsdesk.services import tasks as ts
from cdsdesk.services.calendar import DayMark, deadline_marks, tasks_due_on
from cdsdesk.storage.db import Register

D = date


def test_marks_count_overdue_and_recurring(register: Register) -> None:
    base = {"assigned_on": D(2024, 1, 2)}
    late = ts.create_task(register, ts.TaskInput(content="Quá hạn", deadline_kind=DeadlineKind.DATE,
                                                 deadline=D(2024, 3, 15), **base))  # type: ignore[arg-type]
    ts.create_task(register, ts.TaskInput(content="Đã xong", deadline_kind=DeadlineKind.DATE,
                                          deadline=D(2024, 3, 15), status=StoredStatus.DONE,
                                          completed_on=D(2024, 3, 10), **base))  # type: ignore[arg-type]
    rec = ts.create_task(register, ts.TaskInput(content="Báo cáo hằng quý",
                                                deadline_kind=DeadlineKind.RECURRING,
                                                recurrence=Recurrence.QUARTERLY, **base))  # type: ignore[arg-type]
    ts.add_note(register, rec, "Đã báo cáo quý I", noted_on=D(2024, 3, 29), status=StoredStatus.DONE)
    marks = deadline_marks(register, D(2024, 1, 1), D(2024, 12, 31), as_of=D(2024, 7, 10))
    assert marks[D(2024, 3, 15)] == DayMark(2, 1)
    assert marks[D(2024, 3, 31)] == DayMark(1, 0)  # Q1 report recorded in time
    assert marks[D(2024, 6, 30)] == DayMark(1, 1)  # Q2 report never recorded
    assert marks[D(2024, 9, 30)] == DayMark(1, 0) and marks[D(2024, 12, 31)] == DayMark(1, 0)
    assert len(marks) == 5
    assert tasks_due_on(register, D(2024, 3, 15), D(2024, 7, 10)) == {late, late + 1}
    assert tasks_due_on(register, D(2024, 9, 30), D(2024, 7, 10)) == {rec}

    ts.extend_deadline(register, late, D(2024, 8, 30), reason="Chờ kinh phí", decided_on=D(2024, 3, 1))
    moved = deadline_marks(register, D(2024, 1, 1), D(2024, 12, 31), as_of=D(2024, 7, 10))
    assert moved[D(2024, 3, 15)] == DayMark(1, 0)
    assert moved[D(2024, 8, 30)] == DayMark(1, 0)
