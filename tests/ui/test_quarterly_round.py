"""The quarterly round: a unit's open tasks, one at a time, keyboard only."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from cdsdesk.domain.enums import StatusClass, StoredStatus
from cdsdesk.services.queries import get_task
from cdsdesk.services.units import find_unit, list_units
from cdsdesk.storage.db import Register
from ui.dialogs.quarterly_round import QuarterlyRoundDialog, UnitCombo, matching_units
from ui.operations import Operations

AS_OF = date(2024, 3, 31)
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def round_dialog(qtbot: Any, demo: Register) -> QuarterlyRoundDialog:
    unit = find_unit(demo, "Sở Khoa học và Công nghệ")
    dialog = QuarterlyRoundDialog(Operations(demo), unit.id, AS_OF)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def press(dialog: QuarterlyRoundDialog, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
    QTest.keyClick(dialog.note_edit, key, mods)


def test_loads_open_leaf_tasks_overdue_first(round_dialog: QuarterlyRoundDialog) -> None:
    rows = round_dialog.rows()
    assert len(rows) == 4
    assert all(
        r.status_class
        in (StatusClass.OPEN_IN_TIME, StatusClass.OPEN_OVERDUE, StatusClass.NO_DEADLINE)
        and not r.has_children
        for r in rows
    )
    classes = [r.status_class for r in rows]
    assert classes[:2] == [StatusClass.OPEN_OVERDUE] * 2
    assert round_dialog.position_label.text() == "Nhiệm vụ 1/4"
    assert round_dialog.focusWidget() is round_dialog.note_edit
    assert round_dialog.note_date() == AS_OF
    round_dialog.subunits_check.setChecked(True)
    assert len(round_dialog.rows()) == 12
    assert round_dialog.position_label.text() == "Nhiệm vụ 1/12"


def test_note_and_status_by_keyboard(round_dialog: QuarterlyRoundDialog, demo: Register) -> None:
    press(round_dialog, Qt.Key.Key_Right, CTRL)  # the first task is skipped
    target = round_dialog.current_row()
    assert target is not None and target.status is StoredStatus.PAUSED
    QTest.keyClicks(round_dialog.note_edit, "Da nghiem thu, dua vao van hanh")
    press(round_dialog, Qt.Key.Key_3, ALT)
    assert round_dialog.chosen_status() is StoredStatus.DONE
    press(round_dialog, Qt.Key.Key_Return, CTRL)

    detail = get_task(demo, target.id, AS_OF)
    [note] = [n for n in detail.notes if n.text == "Da nghiem thu, dua vao van hanh"]
    assert note.noted_on == AS_OF and note.status_set is StoredStatus.DONE
    assert detail.row.status is StoredStatus.DONE and detail.row.completed_on == AS_OF
    assert round_dialog.current_index() == 2
    assert round_dialog.position_label.text() == "Nhiệm vụ 3/4"
    assert round_dialog.note_edit.toPlainText() == ""
    assert round_dialog.updated_count() == 1 and round_dialog.ops.stack.count() == 1

    press(round_dialog, Qt.Key.Key_Left, CTRL)  # back: the task shows what was saved
    assert round_dialog.current_row() == detail.row
    assert round_dialog.chosen_status() is StoredStatus.DONE


def test_skip_and_back_save_nothing(round_dialog: QuarterlyRoundDialog, demo: Register) -> None:
    first = round_dialog.current_row()
    assert first is not None
    notes = len(get_task(demo, first.id).notes)
    QTest.keyClicks(round_dialog.note_edit, "khong luu")
    press(round_dialog, Qt.Key.Key_Right, CTRL)
    press(round_dialog, Qt.Key.Key_Right, CTRL)
    assert round_dialog.current_index() == 2
    press(round_dialog, Qt.Key.Key_Left, CTRL)
    press(round_dialog, Qt.Key.Key_Left, CTRL)
    press(round_dialog, Qt.Key.Key_Left, CTRL)  # already at the first
    assert round_dialog.current_index() == 0 and round_dialog.note_edit.toPlainText() == ""
    assert len(get_task(demo, first.id).notes) == notes
    assert round_dialog.ops.stack.count() == 0 and round_dialog.updated_count() == 0


def test_summary_at_the_end(
    round_dialog: QuarterlyRoundDialog, demo: Register, no_blocking_dialogs: list[Any]
) -> None:
    QTest.keyClicks(round_dialog.note_edit, "Dang trien khai")
    press(round_dialog, Qt.Key.Key_Return, CTRL)  # a note, status unchanged
    press(round_dialog, Qt.Key.Key_Return, CTRL)  # nothing typed, nothing changed: not saved
    press(round_dialog, Qt.Key.Key_Right, CTRL)
    last = round_dialog.current_row()
    assert last is not None and round_dialog.current_index() == 3
    press(round_dialog, Qt.Key.Key_4, ALT)  # a status alone gets a note written for it
    assert round_dialog.progress_label.text() == "Đã cập nhật 1/4 nhiệm vụ"
    press(round_dialog, Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier)

    assert no_blocking_dialogs == ["Đã cập nhật 2/4 nhiệm vụ"]
    assert round_dialog.result() == QDialog.DialogCode.Accepted
    detail = get_task(demo, last.id, AS_OF)
    assert detail.row.status is StoredStatus.PAUSED
    assert [n.noted_on for n in detail.notes if n.text == "Cập nhật tình trạng: Tạm dừng."] == [
        AS_OF
    ]
    assert round_dialog.ops.stack.count() == 2


def test_refused_note_stays_with_an_inline_error(round_dialog: QuarterlyRoundDialog) -> None:
    round_dialog.note_date_edit.setDate(QDate(2000, 1, 1))
    round_dialog.note_edit.setPlainText("Ghi sớm quá")
    round_dialog.save_and_next()
    assert round_dialog.current_index() == 0
    assert round_dialog.error_label.text() == (
        "Ngày ghi tiến độ không thể trước ngày giao nhiệm vụ."
    )
    assert not round_dialog.error_label.isHidden()
    assert round_dialog.note_edit.toPlainText() == "Ghi sớm quá"


def test_without_a_unit_nothing_to_do(qtbot: Any, demo: Register) -> None:
    dialog = QuarterlyRoundDialog(Operations(demo), as_of=AS_OF)
    qtbot.addWidget(dialog)
    assert dialog.rows() == [] and dialog.position_label.text() == "Chọn đơn vị để bắt đầu"
    assert not dialog.note_edit.isEnabled()
    dialog.save_and_next()
    dialog.skip()
    assert dialog.result() == 0 and dialog.ops.stack.count() == 0
    dialog.unit_combo.set_unit_id(find_unit(demo, "Sở Tài chính").id)
    assert len(dialog.rows()) == 1 and dialog.note_edit.isEnabled()


def test_unit_type_ahead_ignores_diacritics(qtbot: Any, demo: Register) -> None:
    units = list_units(demo)
    names = [u.name for u in matching_units(units, "so tai chinh")]
    assert names == ["Sở Tài chính"]
    combo = UnitCombo(units)
    qtbot.addWidget(combo)
    line = combo.lineEdit()
    assert line is not None
    line.setText("phong hanh chinh")
    line.editingFinished.emit()
    assert combo.currentText() == "Phòng Hành chính - Tổng hợp"
    assert combo.unit_id() == find_unit(demo, "Phòng Hành chính - Tổng hợp").id
    line.setText("so")  # many matches: back to the chosen unit
    line.editingFinished.emit()
    assert combo.currentText() == "Phòng Hành chính - Tổng hợp"
