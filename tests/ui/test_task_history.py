"""The "Lịch sử" tab of the task editor: the rows, and putting one change back."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from cdsdesk.domain.enums import DeadlineKind
from cdsdesk.services.audit import current_user
from cdsdesk.services.queries import get_task, query_tasks
from cdsdesk.storage.db import Register
from ui.dialogs.task_editor import TaskEditor
from ui.dialogs.task_history import (
    AUDIT_ID_ROLE,
    COL_AT,
    COL_CHANGE,
    COL_USER,
    HistoryModel,
    HistoryTab,
)
from ui.operations import Operations

NEW_DEADLINE = date(2031, 12, 31)


def _dated_task(register: Register) -> int:
    return next(
        r.id
        for r in query_tasks(register)
        if r.deadline_kind is DeadlineKind.DATE and not r.has_children and not r.extended
    )


def _editor(qtbot: QtBot, ops: Operations, task_id: int) -> TaskEditor:
    editor = TaskEditor(ops, task_id)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def _select(tab: HistoryTab, row: int) -> None:
    tab.view.selectionModel().select(
        tab.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def _change_deadline(qtbot: QtBot, ops: Operations, task_id: int) -> date:
    editor = _editor(qtbot, ops, task_id)
    old = editor.form.deadline.date()
    assert old is not None and old != NEW_DEADLINE
    editor.form.deadline.set_date(NEW_DEADLINE)
    editor.save()
    assert editor.result() == QDialog.DialogCode.Accepted
    return old


def test_history_tab_lists_changes_newest_first(qtbot: QtBot, demo: Register) -> None:
    ops = Operations(demo)
    task_id = _dated_task(demo)
    old = _change_deadline(qtbot, ops, task_id)
    editor = _editor(qtbot, ops, task_id)
    assert editor.tabs.tabText(2) == "Lịch sử"
    editor.tabs.setCurrentWidget(editor.history)

    model = editor.history.model
    assert model.rowCount() >= 1
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Thời gian",
        "Người sửa",
        "Nội dung thay đổi",
    ]
    top = model.index(0, COL_CHANGE).data()
    assert top == f"Đổi hạn hoàn thành từ {old:%d/%m/%Y} thành 31/12/2031"
    assert model.index(0, COL_USER).data() == current_user()
    assert model.index(0, COL_AT).data().startswith(date.today().strftime("%d/%m/%Y"))
    ids = [model.index(r, 0).data(AUDIT_ID_ROLE) for r in range(model.rowCount())]
    assert ids == sorted(ids, reverse=True)
    assert not editor.history.revert_button.isEnabled()  # nothing chosen yet


def test_new_task_has_no_history_tab(qtbot: QtBot, demo: Register) -> None:
    editor = TaskEditor(Operations(demo))
    qtbot.addWidget(editor)
    assert not editor.tabs.isTabVisible(2)


def test_revert_button_puts_the_old_deadline_back_and_is_undoable(
    qtbot: QtBot, demo: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = Operations(demo)
    task_id = _dated_task(demo)
    old = _change_deadline(qtbot, ops, task_id)
    editor = _editor(qtbot, ops, task_id)
    tab = editor.history
    editor.tabs.setCurrentWidget(tab)
    _select(tab, 0)
    assert tab.revert_button.isEnabled()

    # Refused at the question (the fixture answers no): nothing changes.
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert get_task(demo, task_id).row.deadline == NEW_DEADLINE

    asked: list[str] = []

    def yes(_parent: Any, _title: str, text: str) -> bool:
        asked.append(text)
        return True

    monkeypatch.setattr("ui.dialogs.common.confirm", yes)
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)

    assert "Đổi hạn hoàn thành từ" in asked[0]
    assert tab.error_label.text() == ""
    assert get_task(demo, task_id).row.deadline == old
    assert editor.form.deadline.date() == old  # the editor read the task again
    assert editor.version == get_task(demo, task_id).version
    assert tab.model.index(0, COL_CHANGE).data().startswith("Hoàn lại thay đổi lúc")
    assert ops.stack.undoText() == "Hoàn lại thay đổi trong lịch sử nhiệm vụ"

    # The change reverted once cannot be reverted again: its deadline changed since.
    _select(tab, 1)
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert "đã được sửa lại" in tab.error_label.text()
    assert get_task(demo, task_id).row.deadline == old

    ops.stack.undo()
    assert get_task(demo, task_id).row.deadline == NEW_DEADLINE
    tab.refresh()
    assert (
        tab.model.index(0, COL_CHANGE)
        .data()
        .startswith("Hoàn tác: Hoàn lại thay đổi trong lịch sử nhiệm vụ")
    )


def test_model_without_a_view() -> None:
    model = HistoryModel()
    assert model.rowCount() == 0 and model.columnCount() == 3
