"""Exports in the window: dialogs, the worker thread, opening the result, printing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QMainWindow
from pytestqt.qtbot import QtBot

from cdsdesk.exporting import api
from cdsdesk.exporting.model import LAYOUT, NATIONAL_TITLE, AdminDocument
from cdsdesk.exporting.report import build_report
from cdsdesk.exporting.report_data import compute_report_data
from cdsdesk.exporting.xlsx import XLSX_COLUMNS
from cdsdesk.periods import Quarter
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.services.reports import list_reports
from cdsdesk.services.tasks import delete_task
from cdsdesk.services.units import list_units
from cdsdesk.storage.db import Register
from ui import export_runner, printing
from ui.dialogs import export_dialog
from ui.dialogs.export_dialog import (
    ExportDialog,
    ExportKind,
    ExportRequest,
    ascii_name,
    default_file_name,
)
from ui.export_runner import ExportController, ExportOutcome
from ui.views.task_panel import TaskPanel

Q1 = Quarter(2024, 1)
AS_OF = date(2024, 3, 31)
WAIT_MS = 30_000


class Window:
    """A main window holding a task panel as of 2024-03-31, with an export controller."""

    def __init__(self, register: Register) -> None:
        self.main = QMainWindow()
        self.panel = TaskPanel(register)
        self.panel.as_of_edit.setDate(QDate(2024, 3, 31))
        self.panel.reload()
        self.main.setCentralWidget(self.panel)
        self.controller = ExportController(self.main, register, self.panel)
        self.opened: list[Path] = []
        self.done: list[object] = []
        self.controller.runner.finished.connect(self.done.append)


@pytest.fixture
def window(
    qtbot: QtBot, demo: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Window]:
    win = Window(demo)
    qtbot.addWidget(win.main)
    monkeypatch.setattr(export_dialog, "default_folder", lambda: tmp_path)
    monkeypatch.setattr(export_runner, "open_file", lambda path: win.opened.append(path) or True)
    yield win
    qtbot.waitUntil(lambda: not win.controller.runner.running, timeout=WAIT_MS)


def answer_dialogs(
    monkeypatch: pytest.MonkeyPatch, fill: Callable[[ExportDialog], None]
) -> list[object]:
    """Make ``common.exec_dialog`` fill in an export dialog and press Xuất.

    Returns what was shown: the request an export dialog gave (the controller
    deletes the dialog afterwards), or the other dialog itself.
    """
    seen: list[object] = []

    def exec_dialog(dialog: QDialog) -> int:
        if isinstance(dialog, ExportDialog):
            fill(dialog)
            dialog.accept()
            seen.append(dialog.request())
        else:
            seen.append(dialog)
        return dialog.result()

    monkeypatch.setattr("ui.dialogs.common.exec_dialog", exec_dialog)
    return seen


def q1_report(fmt: str) -> Callable[[ExportDialog], None]:
    def fill(dialog: ExportDialog) -> None:
        dialog.set_quarter(Q1)  # the as-of day follows: the quarter's last day
        (dialog.pdf_radio if fmt == "pdf" else dialog.word_radio).setChecked(True)

    return fill


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


# -- exports through the controller -------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_report_exports_off_the_gui_thread(
    qtbot: QtBot, window: Window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    threads: list[int] = []
    real_export = api.export_report

    def spy(*args: Any, **kwargs: Any) -> Path:
        threads.append(threading.get_ident())
        return real_export(*args, **kwargs)

    monkeypatch.setattr(api, "export_report", spy)
    dialogs = answer_dialogs(monkeypatch, q1_report(fmt))
    target = tmp_path / f"Bao-cao-quy-I-2024.{fmt}"

    window.controller.report_action.trigger()

    # The click returns at once: the job runs on the pool, its result comes through the loop.
    assert isinstance(dialogs[0], ExportRequest) and dialogs[0].out == target
    assert window.controller.runner.running and window.done == []
    assert not window.controller.report_action.isEnabled()
    with qtbot.waitSignal(window.controller.runner.finished, timeout=WAIT_MS):
        pass
    assert threads and threads[0] != threading.get_ident()
    assert window.opened == [target]
    assert window.controller.report_action.isEnabled()
    assert str(target) in window.main.statusBar().currentMessage()
    if fmt == "pdf":
        reader = PdfReader(target)
        width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
        assert (round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72)) == (210, 297)
        assert "BÁO CÁO" in pdf_text(target)
    else:
        text = "\n".join(p.text for p in Document(str(target)).paragraphs)
        assert "BÁO CÁO" in text and "quý I năm 2024" in text


def test_issuing_stores_a_snapshot_that_exports_again(
    qtbot: QtBot, window: Window, demo: Register, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def issue(dialog: ExportDialog) -> None:
        q1_report("pdf")(dialog)
        dialog.issue_check.setChecked(True)
        dialog.number_edit.setText("7")

    answer_dialogs(monkeypatch, issue)
    with qtbot.waitSignal(window.controller.runner.finished, timeout=WAIT_MS) as blocker:
        window.controller.report_action.trigger()
    outcome = blocker.args[0]
    assert isinstance(outcome, ExportOutcome) and outcome.issued_report_id is not None
    [report] = list_reports(demo)
    assert (report.id, report.number, report.as_of) == (outcome.issued_report_id, "7", AS_OF)
    assert report.period_label == Q1.label
    first = pdf_text(tmp_path / "Bao-cao-quy-I-2024.pdf")

    # Tasks deleted after the report was issued do not change the issued figures.
    overdue = query_tasks(demo, TaskQuery(as_of=AS_OF, status="open_overdue"))
    delete_task(demo, overdue[0].id, with_subtasks=True)

    def again(dialog: ExportDialog) -> None:
        assert dialog.issued_radio.isEnabled()
        dialog.issued_radio.setChecked(True)
        dialog.pdf_radio.setChecked(True)

    dialogs = answer_dialogs(monkeypatch, again)
    with qtbot.waitSignal(window.controller.runner.finished, timeout=WAIT_MS):
        window.controller.report_action.trigger()
    request = dialogs[0]
    assert isinstance(request, ExportRequest) and request.out is not None
    assert request.report_id == report.id
    again_path = request.out
    assert again_path.name == "Bao-cao-quy-I-2024-so-7.pdf"
    assert pdf_text(again_path) == first


def test_excel_gets_exactly_the_rows_and_columns_the_table_shows(
    qtbot: QtBot, window: Window, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    panel = window.panel
    panel.show_status("open_overdue")
    panel.set_hidden_columns(["cooperating", "document", "last_note"])
    shown = panel.model.rows()
    assert 0 < len(shown) < len(panel.model.all_rows())
    answer_dialogs(monkeypatch, lambda dialog: None)

    with qtbot.waitSignal(window.controller.runner.finished, timeout=WAIT_MS):
        window.controller.tasks_xlsx_action.trigger()

    [path] = window.opened
    assert path == tmp_path / "Danh-sach-nhiem-vu-31-03-2024.xlsx"
    sheet = load_workbook(path).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    headers = [XLSX_COLUMNS[k].header for k in ("ref", "content", "lead", "deadline", "status",
                                                 "days_overdue")]
    header_at = next(i for i, row in enumerate(values) if list(row) == headers)
    data = values[header_at + 1 :]
    assert [(r[0], r[1]) for r in data] == [(row.ref, row.content) for row in shown]
    assert "Tình trạng: Chưa hoàn thành, quá hạn" in str(values[1][0])  # the filter, in words


def test_notice_defaults_to_the_selected_tasks_document(
    qtbot: QtBot, window: Window, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    row = next(r for r in window.panel.model.rows() if r.document_id is not None)
    window.panel.select_task(row.id)
    dialogs = answer_dialogs(monkeypatch, lambda dialog: None)
    with qtbot.waitSignal(window.controller.runner.finished, timeout=WAIT_MS):
        window.controller.notice_action.trigger()
    request = dialogs[0]
    assert isinstance(request, ExportRequest)
    assert request.document_id == row.document_id
    [path] = window.opened
    assert path.parent == tmp_path and path.name.startswith("Thong-bao-ket-luan-")
    assert "THÔNG BÁO" in "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_letter_goes_to_the_chosen_unit_as_pdf(
    qtbot: QtBot, window: Window, demo: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    active = {u.id for u in list_units(demo) if u.active}
    overdue = next(
        r for r in window.panel.model.rows() if r.days_overdue and set(r.lead_ids) & active
    )

    def fill(dialog: ExportDialog) -> None:
        dialog.unit_combo.set_unit_id(min(set(overdue.lead_ids) & active))
        dialog.as_of_edit.setDate(QDate(2024, 3, 31))
        dialog.pdf_radio.setChecked(True)

    answer_dialogs(monkeypatch, fill)
    with qtbot.waitSignal(window.controller.runner.finished, timeout=WAIT_MS):
        window.controller.letter_action.trigger()
    [path] = window.opened
    assert path.suffix == ".pdf" and path.name.startswith("Cong-van-don-doc-")
    assert overdue.content.split()[0] in pdf_text(path)


def test_output_into_a_missing_folder_is_a_vietnamese_message(
    qtbot: QtBot, window: Window, tmp_path: Path, no_blocking_dialogs: list[Any]
) -> None:
    request = ExportRequest(
        ExportKind.REPORT, tmp_path / "khong-co" / "bao-cao.pdf", api.Format.PDF,
        quarter=Q1, as_of=AS_OF,
    )
    with qtbot.waitSignal(window.controller.runner.failed, timeout=WAIT_MS) as blocker:
        assert window.controller.start(request)
    [message] = no_blocking_dialogs
    assert message == blocker.args[0]
    assert "không tồn tại" in message and "khong-co" in message
    assert "Traceback" not in message
    assert window.opened == [] and window.controller.report_action.isEnabled()


def test_an_unexpected_failure_is_reported_without_a_traceback(
    qtbot: QtBot,
    window: Window,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_blocking_dialogs: list[Any],
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Path:
        raise RuntimeError("internal detail")

    monkeypatch.setattr(api, "export_report", broken)
    request = ExportRequest(
        ExportKind.REPORT, tmp_path / "x.docx", api.Format.DOCX, quarter=Q1, as_of=AS_OF
    )
    with qtbot.waitSignal(window.controller.runner.failed, timeout=WAIT_MS):
        window.controller.start(request)
    [message] = no_blocking_dialogs
    assert "lỗi ngoài dự kiến" in message
    assert "internal detail" not in message and "Traceback" not in message


# -- the dialog -----------------------------------------------------------------------


def test_dialog_names_the_file_and_keeps_a_bad_folder_inline(
    qtbot: QtBot, window: Window, demo: Register, tmp_path: Path, no_blocking_dialogs: list[Any]
) -> None:
    defaults = window.controller.defaults()
    dialog = ExportDialog(ExportKind.REPORT, demo, defaults, window.main)
    qtbot.addWidget(dialog)
    # The quarter the window is looking at: ending on its as-of day, else the last finished.
    seen = min(defaults.as_of, date.today())
    expected = Quarter.of(seen) if seen == Quarter.of(seen).end else (
        export_dialog.previous_quarter(seen))
    assert dialog.quarter() == expected
    dialog.set_quarter(Q1)
    assert dialog.as_of() == AS_OF
    assert Path(dialog.path_edit.text()) == tmp_path / "Bao-cao-quy-I-2024.docx"
    dialog.pdf_radio.setChecked(True)
    assert dialog.path_edit.text().endswith("Bao-cao-quy-I-2024.pdf")
    dialog.unit_radio.setChecked(True)
    assert dialog.validate().startswith("Hãy chọn đơn vị")

    dialog.whole_radio.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "khong-co" / "a.pdf"))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "không tồn tại" in dialog.error.text() and not dialog.error.isHidden()
    assert no_blocking_dialogs == []


def test_choose_button_uses_the_file_dialog_hook(
    qtbot: QtBot, window: Window, demo: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Path] = []

    def choose(_parent: object, _title: str, start: Path, _filters: str) -> Path:
        asked.append(start)
        return tmp_path / "Bao cao gui So"

    monkeypatch.setattr(export_dialog, "choose_save_path", choose)
    dialog = ExportDialog(ExportKind.LETTER, demo, window.controller.defaults(), window.main)
    qtbot.addWidget(dialog)
    dialog.browse_button.click()
    assert asked and dialog.path_edit.text() == str(tmp_path / "Bao cao gui So.docx")
    assert dialog.validate() == "Hãy chọn đơn vị nhận công văn."


def test_file_names_are_vietnamese_without_diacritics() -> None:
    assert ascii_name("Báo cáo quý I/2024 – Sở Khoa học và Công nghệ") == (
        "Bao-cao-quy-I-2024-So-Khoa-hoc-va-Cong-nghe"
    )
    assert default_file_name(ExportKind.REPORT, quarter=Q1) == "Bao-cao-quy-I-2024"
    assert default_file_name(ExportKind.NOTICE, document_label="36/TB-UBND") == (
        "Thong-bao-ket-luan-36-TB-UBND"
    )
    assert default_file_name(ExportKind.LETTER, unit_name="Phòng Quản lý Đô thị") == (
        "Cong-van-don-doc-Phong-Quan-ly-Do-thi"
    )


def test_controller_offers_five_actions_and_a_menu(window: Window) -> None:
    controller = window.controller
    assert len(controller.actions()) == 5
    assert controller.print_report_action.shortcut().toString() == "Ctrl+P"
    menu_actions = [a for a in controller.menu().actions() if not a.isSeparator()]
    assert menu_actions == controller.actions()
    assert all(a.text() and a.statusTip() for a in controller.actions())


# -- printing -----------------------------------------------------------------------------


@pytest.fixture
def q1_document(demo: Register) -> AdminDocument:
    return build_report(compute_report_data(demo, Q1, as_of=AS_OF))


def test_admin_document_html_carries_the_document(qtbot: QtBot, q1_document: AdminDocument) -> None:
    html = printing.admin_document_html(q1_document)
    assert "<table" in html and "<th " in html
    text = QTextDocument()
    text.setHtml(html)
    plain = text.toPlainText()
    assert NATIONAL_TITLE in plain
    assert q1_document.number in plain  # "Số:      /BC-..." with its spaces kept
    assert q1_document.place_date in plain
    assert q1_document.title in plain


def test_print_preview_is_a4_with_the_decree_margins(
    qtbot: QtBot, q1_document: AdminDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[QDialog] = []
    monkeypatch.setattr("ui.dialogs.common.exec_dialog", lambda d: shown.append(d) or 0)
    dialog = printing.print_preview(None, q1_document)
    assert shown == [dialog] and isinstance(dialog, QPrintPreviewDialog)
    layout = dialog.printer().pageLayout()
    assert layout.pageSize().id() == QPageSize.PageSizeId.A4
    margins = layout.margins(QPageLayout.Unit.Millimeter)
    assert (margins.top(), margins.bottom(), margins.left(), margins.right()) == (
        LAYOUT.margin_top_mm, LAYOUT.margin_bottom_mm, LAYOUT.margin_left_mm,
        LAYOUT.margin_right_mm,
    )
    dialog.deleteLater()


def test_printed_pages_carry_the_text_and_number_from_page_two(
    qtbot: QtBot, q1_document: AdminDocument, tmp_path: Path
) -> None:
    printer = printing.a4_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "in.pdf"))
    pages = printing.paint_document(q1_document, printer)
    reader = PdfReader(tmp_path / "in.pdf")
    assert pages == len(reader.pages) >= 2
    # Qt's PDF writer separates words with tabs for pypdf: compare word by word.
    first, second = (" ".join(page.extract_text().split()) for page in reader.pages[:2])
    assert NATIONAL_TITLE in first and "BÁO CÁO" in first
    assert second.startswith("2 ")
    assert not first.startswith("1 ")


def test_ctrl_p_builds_the_report_off_the_thread_then_previews(
    qtbot: QtBot, window: Window, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialogs = answer_dialogs(monkeypatch, lambda dialog: dialog.set_quarter(Q1))
    with qtbot.waitSignal(window.controller.runner.finished, timeout=WAIT_MS) as blocker:
        window.controller.print_report_action.trigger()
    outcome = blocker.args[0]
    assert isinstance(outcome, ExportOutcome) and outcome.document is not None
    assert "quý I năm 2024" in outcome.document.title
    assert isinstance(dialogs[-1], QPrintPreviewDialog)
    assert window.opened == []
