"""The import review dialog and the flow that reads a notice off the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMainWindow

from cdsdesk.importing.parser import parse_notice
from cdsdesk.importing.reading import SourceText, read_text
from cdsdesk.importing.service import UnitAction
from cdsdesk.services.documents import list_documents
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.services.units import list_units
from cdsdesk.storage.db import Register
from ui import import_flow
from ui.dialogs import common
from ui.dialogs.import_review import (
    COL_INCLUDE,
    COL_LEAD,
    CONFIDENCE_ROLE,
    HIGHLIGHT,
    ImportReviewDialog,
)
from ui.import_flow import ImportFlow
from ui.operations import Operations

TB36 = Path(__file__).parent.parent / "data" / "samples" / "quang-ngai-tb-36-ubnd-2023.txt"


@pytest.fixture(autouse=True)
def no_backup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backups before an import are the service's business (tested there); skipped here."""
    monkeypatch.setattr("cdsdesk.storage.backup.backup_before_import", lambda _register: None)


def open_dialog(qtbot: Any, register: Register) -> tuple[ImportReviewDialog, Operations]:
    ops = Operations(register)
    source = read_text(TB36)
    parsed = parse_notice(source.text, units=list_units(register))
    dialog = ImportReviewDialog(ops, source, parsed)
    qtbot.addWidget(dialog)
    return dialog, ops


def row_of(dialog: ImportReviewDialog, ref: str) -> int:
    return next(i for i, t in enumerate(dialog.plan.tasks) if t.ref == ref)


def snapshot(register: Register) -> tuple[int, int, int]:
    return len(list_documents(register)), len(query_tasks(register)), len(list_units(register))


def test_the_dialog_shows_the_tasks_with_confidence_marks(qtbot: Any, demo: Register) -> None:
    counts = snapshot(demo)
    dialog, ops = open_dialog(qtbot, demo)
    model = dialog.model
    assert model.rowCount() == 19
    sure = model.index(row_of(dialog, "II.2.1"), COL_LEAD)
    assert model.data(sure).startswith("✓ ")
    assert model.data(sure, CONFIDENCE_ROLE) == "sure"
    unknown = model.index(row_of(dialog, "II.4"), COL_LEAD + 1)  # cooperating units
    assert "✗ các cơ quan, đơn vị, địa phương liên quan" in model.data(unknown)
    assert model.data(unknown, CONFIDENCE_ROLE) == "unknown"
    assert not dialog.banner.isHidden()  # 36/TB-UBND is already in the demo register
    assert "đã có trong sổ" in dialog.banner.text() and "36/TB-UBND" in dialog.banner.text()
    assert "19 nhiệm vụ cùng số mục được cập nhật, 0 nhiệm vụ được thêm" in dialog.banner.text()
    dialog.reject()  # "Hủy" writes nothing
    assert snapshot(demo) == counts and ops.stack.count() == 0


def test_choosing_a_task_highlights_its_lines(qtbot: Any, register: Register) -> None:
    dialog, _ops = open_dialog(qtbot, register)
    task = dialog.plan.tasks[row_of(dialog, "II.2.4.4")]
    assert task.last_line > task.first_line  # this item was broken over two lines
    dialog.select_task(row_of(dialog, "II.2.4.4"))
    selections = dialog.source_view.extraSelections()
    doc = dialog.source_view.document()
    assert [s.cursor.blockNumber() for s in selections] == list(
        range(task.first_line - 1, task.last_line)
    )
    first = doc.findBlockByNumber(task.first_line - 1)
    assert selections[0].cursor.selectionStart() == first.position()
    assert selections[0].cursor.selectionEnd() == first.position() + first.length() - 1
    assert selections[0].format.background().color() == HIGHLIGHT
    assert dialog.source_view.textCursor().blockNumber() == task.first_line - 1
    assert dialog.task_form.content.toPlainText() == task.content


def test_unchecking_a_task_leaves_it_out(qtbot: Any, register: Register) -> None:
    dialog, _ops = open_dialog(qtbot, register)
    dialog.show()
    dialog.select_task(0)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # Space toggles the chosen task
    assert not dialog.plan.tasks[0].include
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.plan.tasks[0].include
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # plain Enter never imports
    assert dialog.isVisible() and snapshot(register) == (0, 0, 0)
    row = row_of(dialog, "II.3.2")
    index = dialog.model.index(row, COL_INCLUDE)
    assert dialog.model.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert dialog.model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert "18/19" in dialog.summary.text()
    title = dialog.document_form.title.toPlainText()
    dialog.document_form.number.setText("")
    dialog.document_form.title.setPlainText("")
    dialog.accept()  # refused: the message shows, the dialog stays open
    assert dialog.import_result is None and snapshot(register) == (0, 0, 0)
    assert "số hiệu hoặc trích yếu" in dialog.error.text() and not dialog.error.isHidden()
    dialog.document_form.title.setPlainText(title)
    dialog.accept()
    assert dialog.import_result is not None
    refs = {r.ref for r in query_tasks(register)}
    assert len(refs) == 18 and "II.3.2" not in refs


def test_accept_writes_through_ops_and_undo_removes_the_import(
    qtbot: Any, register: Register
) -> None:
    dialog, ops = open_dialog(qtbot, register)
    row = next(r for r in dialog.decisions.rows if r.decision.name == "Văn phòng UBND tỉnh")
    row.action.setCurrentIndex(row.action.findData(UnitAction.CREATE))
    assert row.decision.action is UnitAction.CREATE
    lead = dialog.model.index(row_of(dialog, "II.3.2"), COL_LEAD)
    assert dialog.model.data(lead) == "+ Văn phòng UBND tỉnh"
    dialog.select_task(row_of(dialog, "II.2.3"))
    qtbot.keyClicks(dialog.task_form.ref, "a")  # renumbered: its sub-tasks follow it
    dialog.accept()
    result = dialog.import_result
    assert result is not None and dialog.result() == QDialog.DialogCode.Accepted
    assert snapshot(register) == (1, 19, 1)
    assert ops.stack.undoText() == "Nhập văn bản 36/TB-UBND (19 nhiệm vụ)"
    ops.stack.undo()
    assert snapshot(register) == (0, 0, 0)
    ops.stack.redo()
    assert snapshot(register) == (1, 19, 1)
    rows = {r.ref: r for r in query_tasks(register)}
    assert rows["II.3.2"].lead_units == ("Văn phòng UBND tỉnh",)
    assert rows["II.2.3.1"].parent_id == rows["II.2.3a"].id


def test_an_update_is_undone_to_the_tasks_as_they_were(qtbot: Any, demo: Register) -> None:
    before = {r.id: (r.ref, r.content) for r in query_tasks(demo, TaskQuery(document_id=1))}
    counts = snapshot(demo)
    dialog, ops = open_dialog(qtbot, demo)
    assert dialog.existing is not None and dialog.existing.id == 1
    dialog.select_task(row_of(dialog, "II.3.2"))
    dialog.task_form.content.setPlainText("Tham mưu Chủ tịch UBND tỉnh dự họp tại các huyện.")
    assert dialog.plan.tasks[row_of(dialog, "II.3.2")].content.endswith("tại các huyện.")
    dialog.accept()
    assert dialog.import_result is not None and dialog.import_result.updated
    assert snapshot(demo) == counts  # updated in place, nothing duplicated
    ops.stack.undo()
    after = {r.id: (r.ref, r.content) for r in query_tasks(demo, TaskQuery(document_id=1))}
    assert after == before


# -- the flow ------------------------------------------------------------------------------


@pytest.fixture
def flow(qtbot: Any, register: Register) -> ImportFlow:
    window = QMainWindow()
    qtbot.addWidget(window)
    return ImportFlow(window, Operations(register))


def watch_dialogs(monkeypatch: pytest.MonkeyPatch, accept: bool = False) -> list[Any]:
    opened: list[Any] = []

    def run(dialog: QDialog) -> int:
        opened.append(dialog)
        if accept:
            dialog.accept()
            return int(dialog.result())
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(common, "exec_dialog", run)
    return opened


def test_the_flow_reads_off_the_gui_thread_then_opens_the_review(
    qtbot: Any, flow: ImportFlow, monkeypatch: pytest.MonkeyPatch, register: Register
) -> None:
    threads: list[threading.Thread] = []

    def read(path: Path) -> SourceText:
        threads.append(threading.current_thread())
        return read_text(path)

    monkeypatch.setattr(import_flow, "read_text", read)
    opened = watch_dialogs(monkeypatch, accept=True)
    results: list[Any] = []
    flow.imported.connect(results.append)
    assert flow.import_file(TB36)
    assert flow.running and not flow.import_action.isEnabled()
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    assert isinstance(opened[0], ImportReviewDialog)
    assert results[0].document_label == "36/TB-UBND"
    assert snapshot(register)[1] == 19
    assert flow.import_action.isEnabled() and not flow.running
    assert "36/TB-UBND" in flow.window.statusBar().currentMessage()


def test_drops_and_pastes(
    qtbot: Any, flow: ImportFlow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opened = watch_dialogs(monkeypatch)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(TB36))])
    assert flow.accepts_drop(mime)
    image = QMimeData()
    image.setUrls([QUrl.fromLocalFile(str(tmp_path / "anh.png"))])
    assert not flow.accepts_drop(image)
    assert flow.handle_drop(mime)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)

    QGuiApplication.clipboard().setText(TB36.read_text(encoding="utf-8"))
    flow.paste_action.trigger()
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=10_000)
    assert opened[1].source.kind == "paste"

    monkeypatch.setattr(import_flow, "ask_open_path", lambda _parent, _folder: TB36)
    flow.import_action.trigger()  # Ctrl+I: the file dialog (replaced here), then the review
    qtbot.waitUntil(lambda: len(opened) == 3, timeout=10_000)


def test_bad_input_is_a_message_and_nothing_written(
    qtbot: Any,
    flow: ImportFlow,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    register: Register,
    no_blocking_dialogs: list[Any],
) -> None:
    opened = watch_dialogs(monkeypatch)
    binary = tmp_path / "rac.txt"
    binary.write_bytes(bytes(range(256)) * 50)
    assert flow.import_file(binary)
    qtbot.waitUntil(lambda: len(no_blocking_dialogs) == 1, timeout=10_000)
    assert "nhị phân" in no_blocking_dialogs[0]
    assert flow.import_text("Kính gửi các đồng chí.\nXin cảm ơn.")
    qtbot.waitUntil(lambda: len(no_blocking_dialogs) == 2, timeout=10_000)
    assert "Không tìm thấy nhiệm vụ nào" in no_blocking_dialogs[1]
    assert opened == [] and snapshot(register) == (0, 0, 0)


def test_a_cancelled_read_is_thrown_away(
    qtbot: Any, flow: ImportFlow, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = watch_dialogs(monkeypatch)
    release = threading.Event()

    def slow_read(path: Path) -> SourceText:
        release.wait(5)
        return read_text(path)

    monkeypatch.setattr(import_flow, "read_text", slow_read)
    assert flow.import_file(TB36)  # returns at once: the read waits on its own thread
    qtbot.wait(20)  # the window keeps handling events meanwhile
    flow.cancel()
    assert not flow.running and flow.import_action.isEnabled()
    release.set()
    assert flow.wait(5_000)
    qtbot.wait(50)  # the finished signal arrives, and is dropped
    assert opened == []
