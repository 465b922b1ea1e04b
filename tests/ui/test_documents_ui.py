"""Source documents: the list model, the list dialog and the document dialog."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from cdsdesk.services.documents import DocumentInput, get_document, list_documents
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.storage.db import Register
from ui.dialogs import common
from ui.dialogs.documents import DocumentDialog, DocumentListDialog
from ui.models.document_table import (
    COL_ISSUED,
    COL_LABEL,
    COL_TASKS,
    COL_TITLE,
    COL_TYPE,
    DOCUMENT_ID_ROLE,
    SORT_ROLE,
    TASK_COL_REF,
    DocumentTableModel,
)
from ui.operations import Operations


def doc_id(register: Register, label: str) -> int:
    return next(d.id for d in list_documents(register) if d.label == label)


def fill_new(dialog: DocumentDialog) -> None:
    dialog.number_edit.setText("7")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("KH"))
    dialog.issuer_code_edit.setText("SKHCN")
    dialog.issuer_edit.setText("Sở Khoa học và Công nghệ")
    dialog.place_edit.setText("Quảng Ngãi")
    dialog.issued_edit.setText("5/4/2024")
    dialog.title_edit.setPlainText("Kế hoạch chuyển đổi số\nnăm 2024")
    dialog.signer_edit.setText("Võ Thị Thu Hằng")
    dialog.signer_title_edit.setPlainText("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    dialog.recipients_edit.setPlainText("Các phòng thuộc Sở\n\nLưu: VT, VP")


def test_model_shows_documents(demo: Register) -> None:
    model = DocumentTableModel()
    model.reload(demo)
    assert model.rowCount() == 4 and model.columnCount() == 5
    row = model.row_of_document(doc_id(demo, "36/TB-UBND"))
    assert row is not None
    cell = model.index(row, COL_LABEL)
    assert cell.data() == "36/TB-UBND"
    assert cell.data(DOCUMENT_ID_ROLE) == doc_id(demo, "36/TB-UBND")
    assert model.index(row, COL_TYPE).data() == "Thông báo"
    assert model.index(row, COL_ISSUED).data() == "03/02/2023"
    assert model.index(row, COL_ISSUED).data(SORT_ROLE) == "2023-02-03"
    assert model.index(row, COL_TASKS).data() == "19"
    assert model.index(row, COL_TITLE).data().startswith("Kết luận của Chủ tịch")
    keys = {
        model.index(r, COL_LABEL).data(): model.index(r, COL_LABEL).data(SORT_ROLE)
        for r in range(model.rowCount())
    }
    assert keys["15/TB-BCĐ"] < keys["36/TB-UBND"] < keys["185/TB-UBND"] < keys["418/TB-SKHCN"]


def test_create_document_through_dialog(
    qtbot: Any, demo: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = Operations(demo)
    listing = DocumentListDialog(ops)
    qtbot.addWidget(listing)
    results: list[int] = []

    def run(dialog: QDialog) -> int:
        assert isinstance(dialog, DocumentDialog)
        assert not dialog.task_table.isEnabled()  # tasks come after the first save
        fill_new(dialog)
        dialog.accept()
        results.append(dialog.result())
        return dialog.result()

    monkeypatch.setattr(common, "exec_dialog", run)
    listing.add_button.click()
    assert results == [QDialog.DialogCode.Accepted]
    labels = [d.label for d in listing.model.documents()]
    assert "07/KH-SKHCN" in labels and listing.model.rowCount() == 5
    new_id = listing.selected_document_id()
    info = get_document(demo, new_id or -1)
    assert info.label == "07/KH-SKHCN" and info.issued_on == date(2024, 4, 5)
    assert info.title == "Kế hoạch chuyển đổi số năm 2024"
    assert info.recipients == ("Các phòng thuộc Sở", "Lưu: VT, VP")
    assert info.signer_title == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert ops.stack.count() == 1


def test_errors_are_inline(qtbot: Any, register: Register) -> None:
    ops = Operations(register)
    dialog = DocumentDialog(ops)
    qtbot.addWidget(dialog)
    dialog.issued_edit.setText("31/02/2024")
    dialog.title_edit.setPlainText("Trích yếu")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.text().startswith("Ngày ban hành: Ngày không hợp lệ")
    assert not dialog.error_label.isHidden()
    dialog.issued_edit.clear()
    dialog.title_edit.clear()
    assert not dialog.save()  # the service refuses: no number and no title
    assert dialog.error_label.text() == "Văn bản cần có số hiệu hoặc trích yếu."
    assert list_documents(register) == []
    dialog.number_edit.setText("12")
    assert dialog.save() and dialog.error_label.isHidden()


def test_edit_fields_saves(qtbot: Any, demo: Register) -> None:
    ops = Operations(demo)
    ident = doc_id(demo, "418/TB-SKHCN")
    dialog = DocumentDialog(ops, ident)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Văn bản 418/TB-SKHCN"
    assert dialog.issued_edit.text() == "22/03/2024"
    assert dialog.original_view.isReadOnly() and dialog.original_view.toPlainText()
    before = get_document(demo, ident)
    dialog.accept()  # nothing changed: nothing written, nothing to undo
    assert dialog.result() == QDialog.DialogCode.Accepted and ops.stack.count() == 0

    dialog = DocumentDialog(ops, ident)
    qtbot.addWidget(dialog)
    dialog.chair_edit.setText("Phó Giám đốc Sở")
    dialog.meeting_edit.setText("21/03/2024")
    dialog.accept()
    after = get_document(demo, ident)
    assert after.chair == "Phó Giám đốc Sở" and after.meeting_on == date(2024, 3, 21)
    assert after.original_text == before.original_text and after.title == before.title
    assert ops.stack.count() == 1


def test_escape_asks_before_dropping_changes(
    qtbot: Any, demo: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = DocumentDialog(Operations(demo), doc_id(demo, "36/TB-UBND"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.signer_edit.setText("Người khác")
    dialog.reject()  # the fixture answers "no"
    assert dialog.isVisible()
    monkeypatch.setattr(common, "confirm", lambda *_a: True)
    dialog.reject()
    assert not dialog.isVisible() and get_document(demo, dialog.document_id or -1).signer != (
        "Người khác"
    )


def test_ctrl_enter_saves_and_closes(qtbot: Any, register: Register) -> None:
    dialog = DocumentDialog(Operations(register))
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.number_edit.setText("3")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [d.label for d in list_documents(register)] == ["03/TB"]


def test_delete_refused_when_document_has_tasks(
    qtbot: Any, demo: Register, monkeypatch: pytest.MonkeyPatch, no_blocking_dialogs: list[Any]
) -> None:
    listing = DocumentListDialog(Operations(demo))
    qtbot.addWidget(listing)
    ident = doc_id(demo, "185/TB-UBND")
    listing.select_document(ident)
    listing.delete_button.click()  # confirm answers "no": nothing happens
    assert no_blocking_dialogs == [] and listing.model.rowCount() == 4
    monkeypatch.setattr(common, "confirm", lambda *_a: True)
    listing.delete_button.click()
    assert len(no_blocking_dialogs) == 1 and "còn 5 nhiệm vụ" in no_blocking_dialogs[0]
    assert listing.model.row_of_document(ident) is not None


def test_delete_allowed_without_tasks(
    qtbot: Any, demo: Register, monkeypatch: pytest.MonkeyPatch, no_blocking_dialogs: list[Any]
) -> None:
    ops = Operations(demo)
    info = ops.create_document(DocumentInput(number="9", doc_type="BC", issuer_code="VP"))
    listing = DocumentListDialog(ops)
    qtbot.addWidget(listing)
    listing.select_document(info.id)
    monkeypatch.setattr(common, "confirm", lambda *_a: True)
    listing.delete_selected()
    assert no_blocking_dialogs == []
    assert listing.model.row_of_document(info.id) is None and listing.model.rowCount() == 4
    ops.stack.undo()  # the list follows undo through ops.changed
    assert listing.model.row_of_document(info.id) is not None


def test_tasks_tab_lists_the_documents_tasks(
    qtbot: Any, demo: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = doc_id(demo, "418/TB-SKHCN")
    dialog = DocumentDialog(Operations(demo), ident)
    qtbot.addWidget(dialog)
    expected = query_tasks(demo, TaskQuery(document_id=ident))
    model = dialog.task_model
    assert model.rowCount() == len(expected) == 10
    assert [model.index(r, TASK_COL_REF).data() for r in range(model.rowCount())] == [
        r.ref for r in expected
    ]
    assert dialog.task_table.isEnabled() and not dialog.edit_task_button.isEnabled()

    opened: list[tuple[int | None, int]] = []
    monkeypatch.setattr(dialog, "open_task_editor", lambda t, d: opened.append((t, d)))
    dialog.task_table.selectRow(2)
    assert dialog.edit_task_button.isEnabled()
    dialog.edit_task_button.click()
    dialog.add_task_button.click()
    assert opened == [(expected[2].id, ident), (None, ident)]


def test_add_task_saves_a_new_document_first(
    qtbot: Any, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = DocumentDialog(Operations(register))
    qtbot.addWidget(dialog)
    opened: list[tuple[int | None, int]] = []
    monkeypatch.setattr(dialog, "open_task_editor", lambda t, d: opened.append((t, d)))
    dialog.add_task_button.click()  # empty document: refused, editor not opened
    assert opened == [] and dialog.error_label.text()
    fill_new(dialog)
    dialog.add_task_button.click()
    assert dialog.document_id is not None and opened == [(None, dialog.document_id)]
    assert dialog.windowTitle() == "Văn bản 07/KH-SKHCN" and dialog.task_table.isEnabled()


def test_missing_task_editor_is_explained(
    qtbot: Any, demo: Register, monkeypatch: pytest.MonkeyPatch, no_blocking_dialogs: list[Any]
) -> None:
    monkeypatch.setitem(sys.modules, "ui.dialogs.task_editor", None)
    dialog = DocumentDialog(Operations(demo), doc_id(demo, "36/TB-UBND"))
    qtbot.addWidget(dialog)
    dialog.add_task_button.click()
    assert no_blocking_dialogs == ["Chưa có màn hình sửa nhiệm vụ trong bản này."]


def test_show_tasks_signal(qtbot: Any, demo: Register) -> None:
    listing = DocumentListDialog(Operations(demo))
    qtbot.addWidget(listing)
    ident = doc_id(demo, "36/TB-UBND")
    listing.select_document(ident)
    with qtbot.waitSignal(listing.showTasksRequested) as signal:
        listing.tasks_button.click()
    assert signal.args == [ident]
    assert listing.result() == QDialog.DialogCode.Accepted
