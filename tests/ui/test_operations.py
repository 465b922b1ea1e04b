"""The undo stack: readable names, refused edits push nothing, undo/redo round-trip."""

from __future__ import annotations

from datetime import date

import pytest

from cdsdesk.errors import ValidationError
from cdsdesk.services import tasks as ts
from cdsdesk.services.queries import get_task, query_tasks
from cdsdesk.services.units import list_units
from cdsdesk.storage.db import Register
from ui.operations import Change, Operations


def test_create_edit_delete_undo_redo(qtbot: object, register: Register) -> None:
    ops = Operations(register)
    changes: list[Change] = []
    ops.changed.connect(changes.append)
    unit = ops.create_unit("Phòng Hành chính - Tổng hợp")
    assert ops.stack.undoText() == "Thêm đơn vị “Phòng Hành chính - Tổng hợp”"
    data = ts.TaskInput(content="Tham mưu ban hành Kế hoạch CĐS năm 2024", lead_ids=[unit.id],
                        assigned_on=date(2024, 3, 25))
    tid = ops.create_task(data)
    data.content = "Tham mưu ban hành Kế hoạch Chuyển đổi số năm 2024"
    ops.update_task(tid, data)
    assert ops.stack.undoText().startswith("Sửa nhiệm vụ “Tham mưu ban hành")
    ops.delete_task(tid, data.content)
    assert query_tasks(register) == []
    ops.stack.undo()
    assert get_task(register, tid).row.content == "Tham mưu ban hành Kế hoạch Chuyển đổi số năm 2024"
    ops.stack.undo()
    assert get_task(register, tid).row.content == "Tham mưu ban hành Kế hoạch CĐS năm 2024"
    ops.stack.undo()
    assert query_tasks(register) == []
    ops.stack.undo()
    assert list_units(register) == []
    for _ in range(4):
        ops.stack.redo()
    assert query_tasks(register) == []  # the delete was redone last
    ops.stack.undo()
    assert get_task(register, tid).row.lead_units == ("Phòng Hành chính - Tổng hợp",)
    assert all(c.tasks or c.units for c in changes)


def test_refused_edit_pushes_nothing(qtbot: object, register: Register) -> None:
    ops = Operations(register)
    with pytest.raises(ValidationError):
        ops.create_task(ts.TaskInput(content="   "))
    assert ops.stack.count() == 0
    with pytest.raises(ValidationError):
        ops.create_unit("")
    assert ops.stack.count() == 0 and not ops.stack.canUndo()


def test_note_and_extension_undo(qtbot: object, demo: Register) -> None:
    ops = Operations(demo)
    row = next(r for r in query_tasks(demo, None) if r.deadline_kind.value == "date"
               and not r.has_children and r.status.value != "done")
    before = get_task(demo, row.id)
    ops.add_note(row.id, "Đang phối hợp hoàn thiện dự thảo", noted_on=date(2025, 11, 5))
    ops.extend_deadline(row.id, date(2027, 6, 30), reason="Chờ kinh phí", decided_on=date(2025, 11, 6))
    after = get_task(demo, row.id)
    assert len(after.notes) == len(before.notes) + 1 and after.row.deadline == date(2027, 6, 30)
    ops.stack.undo()
    ops.stack.undo()
    again = get_task(demo, row.id)
    assert len(again.notes) == len(before.notes)
    assert again.extensions == before.extensions and again.original_deadline == before.original_deadline


def test_undo_refused_after_someone_else_saved(qtbot: object, register: Register) -> None:
    """A shared register: undo must not overwrite another officer's later save."""
    ops = Operations(register)
    refused: list[str] = []
    ops.failed.connect(refused.append)
    unit = ops.create_unit("Phòng Hành chính - Tổng hợp")
    data = ts.TaskInput(content="Bản của cán bộ A", lead_ids=[unit.id], assigned_on=date(2024, 3, 25))
    tid = ops.create_task(data)
    data.content = "Bản sửa của cán bộ A"
    ops.update_task(tid, data)
    other = Register(register.url)  # a second window, another officer
    try:
        theirs = ts.TaskInput(content="Bản của cán bộ B", lead_ids=[unit.id],
                              assigned_on=date(2024, 3, 25))
        ts.update_task(other, tid, theirs, expected_version=get_task(other, tid).version)
    finally:
        other.dispose()
    ops.stack.undo()
    assert refused and "người khác sửa" in refused[0]
    assert get_task(register, tid).row.content == "Bản của cán bộ B"
