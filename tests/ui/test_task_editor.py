"""The task editor dialog, its unit picker and its date field."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from cdsdesk.domain.enums import DeadlineKind, StoredStatus
from cdsdesk.services.queries import TaskQuery, TaskRow, get_task, query_tasks
from cdsdesk.services.tasks import TaskInput
from cdsdesk.services.units import list_units
from cdsdesk.storage.db import Register
from ui.dialogs.task_editor import TaskEditor
from ui.operations import Operations
from ui.widgets.date_field import DateField
from ui.widgets.unit_picker import UnitPicker

QLCN = "Phòng Quản lý Công nghệ và Chuyên ngành"


def _row(register: Register, ref: str, kind: DeadlineKind | None = None) -> TaskRow:
    return next(
        r
        for r in query_tasks(register)
        if r.ref == ref and (kind is None or r.deadline_kind is kind)
    )


def _editor(qtbot: QtBot, ops: Operations, task_id: int | None = None, **kwargs: int) -> TaskEditor:
    editor = TaskEditor(ops, task_id, **kwargs)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _choose_unit(qtbot: QtBot, picker: UnitPicker, text: str) -> None:
    picker.search.setFocus()
    picker.search.insert(text)  # as typed (QTest cannot type Vietnamese letters)
    popup = picker.completer.popup()
    qtbot.keyClick(popup if popup.isVisible() else picker.search, Qt.Key.Key_Return)


def _input_like(detail_register: Register, task_id: int, **changes: object) -> TaskInput:
    detail = get_task(detail_register, task_id)
    row = detail.row
    data = TaskInput(
        content=row.content,
        ref=row.ref,
        parent_id=row.parent_id,
        document_id=row.document_id,
        task_group=row.task_group,
        assigned_on=row.assigned_on,
        deadline_kind=row.deadline_kind,
        deadline=detail.extensions[-1].new_deadline if detail.extensions else row.deadline,
        period_start=detail.period_start,
        recurrence=row.recurrence,
        deadline_text=row.deadline_text,
        urgent=row.urgent,
        lead_ids=list(detail.lead_ids),
        cooperating_ids=list(detail.cooperating_ids),
        informed_ids=list(detail.informed_ids),
        status=row.status,
        completed_on=row.completed_on,
        status_reason=detail.status_reason,
        result=detail.result,
        evidence=detail.evidence,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_create_task_with_lead_unit(qtbot: QtBot, demo: Register) -> None:
    ops = Operations(demo)
    editor = _editor(qtbot, ops)
    assert editor.windowTitle() == "Thêm nhiệm vụ"
    assert not editor.tabs.isTabVisible(1)  # no progress before the task exists
    assert editor.form.assigned.date() == date.today()
    editor.form.ref.setText("9.1")
    editor.form.content.setPlainText("Xây dựng kho dữ liệu dùng chung của Sở")
    _choose_unit(qtbot, editor.form.lead, "qlcn")
    editor.form.kind.setCurrentIndex(editor.form.kind.findData(DeadlineKind.DATE.value))
    editor.form.deadline.set_date(date(2031, 6, 30))

    assert editor.ok_button.isEnabled(), editor.problem_label.text()
    qtbot.mouseClick(editor.ok_button, Qt.MouseButton.LeftButton)

    assert editor.result() == QDialog.DialogCode.Accepted
    assert editor.saved_task_id is not None
    (row,) = query_tasks(demo, TaskQuery(task_ids=frozenset({editor.saved_task_id})))
    assert row.content == "Xây dựng kho dữ liệu dùng chung của Sở"
    assert row.lead_units == (QLCN,)
    assert row.deadline == date(2031, 6, 30)
    assert row.status is StoredStatus.NOT_STARTED


def test_empty_content_is_shown_and_blocks_saving(qtbot: QtBot, demo: Register) -> None:
    editor = _editor(qtbot, Operations(demo))
    assert "Nội dung nhiệm vụ không được để trống." in editor.problem_label.text()
    assert editor.problem_label.isVisible()
    assert not editor.ok_button.isEnabled()
    editor.form.content.setPlainText("   ")
    assert not editor.ok_button.isEnabled()
    editor.form.content.setPlainText("Nội dung")
    assert editor.ok_button.isEnabled()
    assert not editor.problem_label.isVisible()
    editor.form.cooperating.search.insert("so kh")  # typed, not chosen: would be lost
    assert "Chưa chọn đơn vị “so kh”" in editor.problem_label.text()
    assert not editor.ok_button.isEnabled()


def test_deadline_before_assigned_date_needs_keep_as_written(qtbot: QtBot, demo: Register) -> None:
    editor = _editor(qtbot, Operations(demo))
    form = editor.form
    form.content.setPlainText("Rà soát hạ tầng")
    form.assigned.set_date(date(2023, 2, 3))
    form.kind.setCurrentIndex(form.kind.findData(DeadlineKind.DATE.value))
    form.deadline.set_date(date(2022, 2, 4))

    assert "trước ngày giao nhiệm vụ (03/02/2023)" in editor.problem_label.text()
    assert not editor.ok_button.isEnabled()
    assert form.keep_as_written.isVisible()

    form.keep_as_written.setChecked(True)
    assert editor.ok_button.isEnabled()
    editor.save()
    assert get_task(demo, editor.saved_task_id or 0).row.deadline == date(2022, 2, 4)


def test_other_inline_problems(qtbot: QtBot, demo: Register) -> None:
    editor = _editor(qtbot, Operations(demo))
    form = editor.form
    form.content.setPlainText("Nội dung")
    form.status.setCurrentIndex(form.status.findData(StoredStatus.DONE.value))
    assert "cần có ngày hoàn thành" in editor.problem_label.text()
    assert form.completed.isEnabled() and not form.reason.isEnabled()
    form.status.setCurrentIndex(form.status.findData(StoredStatus.CANCELLED.value))
    assert "lý do hủy" in editor.problem_label.text()
    form.reason.setText("Đã có nhiệm vụ khác thay thế")
    form.kind.setCurrentIndex(form.kind.findData(DeadlineKind.PERIOD.value))
    form.period_start.set_date(date(2024, 12, 1))
    form.deadline.set_date(date(2024, 6, 30))
    assert "Ngày đầu của khoảng thời hạn phải trước ngày cuối." in editor.problem_label.text()
    form.kind.setCurrentIndex(form.kind.findData(DeadlineKind.RECURRING.value))
    assert editor.problem_label.text() == "• Chưa chọn chu kỳ cho nhiệm vụ định kỳ."
    form.recurrence.setCurrentIndex(1)
    assert editor.ok_button.isEnabled()


def test_edit_existing_task_keeps_its_extension_history(qtbot: QtBot, demo: Register) -> None:
    row = _row(demo, "II.3.3", DeadlineKind.PERIOD)
    before = get_task(demo, row.id)
    assert before.extensions  # extended once in the demo
    editor = _editor(qtbot, Operations(demo), row.id)
    assert editor.windowTitle() == "Sửa nhiệm vụ II.3.3"
    assert editor.form.content.toPlainText() == row.content
    assert editor.form.deadline.date() == date(2024, 6, 30)
    assert editor.form.extension_hint.isVisible()

    editor.form.content.setPlainText(row.content + " (đã rà soát)")
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=1000)
    qtbot.keyClick(editor.form.ref, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert editor.result() == QDialog.DialogCode.Accepted
    after = get_task(demo, row.id)
    assert after.row.content.endswith("(đã rà soát)")
    assert after.original_deadline == before.original_deadline
    assert after.extensions == before.extensions
    assert after.lead_ids == before.lead_ids


def test_add_progress_note_that_sets_done(qtbot: QtBot, demo: Register) -> None:
    ops = Operations(demo)
    row = _row(demo, "4.1", DeadlineKind.DATE)
    editor = _editor(qtbot, ops, row.id)
    progress = editor.progress
    editor.tabs.setCurrentWidget(progress)
    notes_before = progress.notes.rowCount()
    assert not progress.add_note_button.isEnabled()

    progress.note_text.setPlainText("Đã hoàn thành, Báo cáo số 15/BC-SNNMT")
    progress.note_date.set_date(date(2025, 12, 15))
    progress.note_status.setCurrentIndex(progress.note_status.findData(StoredStatus.DONE.value))
    qtbot.mouseClick(progress.add_note_button, Qt.MouseButton.LeftButton)

    assert progress.error_label.text() == ""
    assert progress.notes.rowCount() == notes_before + 1
    assert progress.note_text.toPlainText() == ""
    detail = get_task(demo, row.id)
    assert detail.row.status is StoredStatus.DONE
    assert detail.notes[-1].status_set is StoredStatus.DONE
    assert editor.form.stored_status() is StoredStatus.DONE
    assert editor.form.completed.date() == date(2025, 12, 15)
    assert editor.version == detail.version
    # Saving after the note is not a conflict with oneself.
    editor.save()
    assert editor.result() == QDialog.DialogCode.Accepted


def test_progress_errors_are_shown_in_the_tab(qtbot: QtBot, demo: Register) -> None:
    row = _row(demo, "4.1", DeadlineKind.DATE)
    editor = _editor(qtbot, Operations(demo), row.id)
    editor.progress.note_text.setPlainText("Ghi trước ngày giao")
    editor.progress.note_date.set_date(date(2020, 1, 1))
    editor.progress.add_note()
    assert "trước ngày giao" in editor.progress.error_label.text()
    assert editor.progress.note_text.toPlainText() == "Ghi trước ngày giao"


def test_extend_deadline_shows_history(qtbot: QtBot, demo: Register) -> None:
    ops = Operations(demo)
    row = _row(demo, "4.1", DeadlineKind.DATE)
    editor = _editor(qtbot, ops, row.id)
    progress = editor.progress
    assert not progress.extension_box.isHidden()
    assert progress.periods_box.isHidden()  # only recurring tasks have periods
    assert progress.extensions.rowCount() == 0

    progress.new_deadline.set_date(date(2027, 6, 30))
    progress.extension_reason.setText("Chờ bố trí kinh phí")
    progress.extension_decision.setText("Công văn số 120/UBND-KT ngày 10/12/2026")
    progress.decided_on.set_date(date(2026, 12, 10))
    qtbot.mouseClick(progress.extend_button, Qt.MouseButton.LeftButton)

    assert progress.error_label.text() == ""
    assert progress.extensions.rowCount() == 1
    texts = [progress.extensions.index(0, c).data() for c in range(5)]
    assert texts == [
        "10/12/2026",
        "31/12/2026",
        "30/06/2027",
        "Chờ bố trí kinh phí",
        "Công văn số 120/UBND-KT ngày 10/12/2026",
    ]
    assert editor.form.deadline.date() == date(2027, 6, 30)
    editor.save()
    assert editor.result() == QDialog.DialogCode.Accepted
    detail = get_task(demo, row.id)
    assert len(detail.extensions) == 1
    assert detail.original_deadline == date(2026, 12, 31)  # the save kept the history


def test_conflict_is_shown_and_nothing_is_overwritten(qtbot: QtBot, demo: Register) -> None:
    ops = Operations(demo)
    row = _row(demo, "4.1", DeadlineKind.DATE)
    editor = _editor(qtbot, ops, row.id)
    ops.update_task(row.id, _input_like(demo, row.id, content="Sửa ở cửa sổ khác"))

    editor.form.content.setPlainText("Sửa trong hộp thoại")
    editor.save()

    assert editor.result() != QDialog.DialogCode.Accepted
    assert "người khác sửa" in editor.problem_label.text()
    assert editor.reload_button.isVisible()
    assert not editor.ok_button.isEnabled()
    assert get_task(demo, row.id).row.content == "Sửa ở cửa sổ khác"

    qtbot.mouseClick(editor.reload_button, Qt.MouseButton.LeftButton)
    assert editor.form.content.toPlainText() == "Sửa ở cửa sổ khác"
    assert not editor.reload_button.isVisible()
    assert editor.ok_button.isEnabled()


def test_undo_after_save_restores_old_content(qtbot: QtBot, demo: Register) -> None:
    ops = Operations(demo)
    row = _row(demo, "4.1", DeadlineKind.DATE)
    editor = _editor(qtbot, ops, row.id)
    editor.form.content.setPlainText("Nội dung mới")
    editor.save()
    assert get_task(demo, row.id).row.content == "Nội dung mới"
    ops.stack.undo()
    assert get_task(demo, row.id).row.content == row.content


def test_new_sub_task_takes_parent_and_document(qtbot: QtBot, demo: Register) -> None:
    parent = _row(demo, "II.2.4")
    detail = get_task(demo, parent.id)
    editor = _editor(qtbot, Operations(demo), parent_task_id=parent.id)
    assert editor.form.parent_label.text().startswith("II.2.4 – ")
    assert editor.form.document.currentData() == parent.document_id
    assert editor.form.assigned.date() == detail.row.assigned_on
    editor.form.content.setPlainText("Nhiệm vụ con")
    editor.save()
    assert get_task(demo, editor.saved_task_id or 0).row.parent_id == parent.id


def test_keyboard_enter_escape(qtbot: QtBot, demo: Register) -> None:
    editor = _editor(qtbot, Operations(demo))
    editor.form.content.setPlainText("Nội dung")
    qtbot.keyClick(editor.form.ref, Qt.Key.Key_Return)
    assert editor.isVisible() and editor.saved_task_id is None
    qtbot.keyClick(editor.form.ref, Qt.Key.Key_Escape)
    assert editor.result() == QDialog.DialogCode.Rejected
    assert editor.saved_task_id is None


@pytest.mark.parametrize("typed", ["qlcn", "quan ly cong nghe", "QUẢN LÝ công"])
def test_unit_picker_type_ahead(qtbot: QtBot, demo: Register, typed: str) -> None:
    picker = UnitPicker()
    qtbot.addWidget(picker)
    units = list_units(demo)
    picker.set_units(units)
    picker.show()
    changes: list[None] = []
    picker.changed.connect(lambda: changes.append(None))

    _choose_unit(qtbot, picker, typed)

    (chosen,) = picker.selected_ids()
    assert next(u for u in units if u.id == chosen).name == QLCN
    assert picker.search.text() == ""
    assert changes
    qtbot.keyClick(picker.search, Qt.Key.Key_Backspace)  # on an empty box: drop the chip
    assert picker.selected_ids() == []


def test_unit_picker_marks_retired_units(qtbot: QtBot, demo: Register) -> None:
    picker = UnitPicker()
    qtbot.addWidget(picker)
    picker.set_units(list_units(demo))
    picker.search.insert("thong tin va truyen thong")
    labels = [picker.matches.index(r, 0).data() for r in range(picker.matches.rowCount())]
    assert "Sở Thông tin và Truyền thông — UBND tỉnh (ngừng hoạt động)" in labels
    picker.set_selected_ids([picker.current_matches()[0].id])
    assert len(picker.selected_ids()) == 1


def test_date_field_empty_typed_and_cleared(qtbot: QtBot) -> None:
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    assert field.date() is None
    assert field.edit.calendarWidget().firstDayOfWeek() == Qt.DayOfWeek.Monday
    qtbot.keyClicks(field.edit, "15/03/2024")
    assert field.date() == date(2024, 3, 15)
    assert field.edit.text() == "15/03/2024"
    qtbot.mouseClick(field.clear_button, Qt.MouseButton.LeftButton)
    assert field.date() is None
    qtbot.keyClicks(field.edit, "1/2/2023")
    assert field.date() == date(2023, 2, 1)


def test_tab_leaves_the_date_field(qtbot: QtBot, demo: Register) -> None:
    editor = _editor(qtbot, Operations(demo))
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=1000)
    editor.form.assigned.setFocus()
    qtbot.keyClick(editor.form.assigned.edit, Qt.Key.Key_Tab)
    assert editor.form.kind.hasFocus()
