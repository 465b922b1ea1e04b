"""Importing a notice from the window: the menu actions, drops and pastes, the reading off
the GUI thread, and the review dialog.

:class:`ImportFlow` is the main window's single entry point. It owns two
actions (``Nhập từ văn bản…`` Ctrl+I and ``Nhập từ văn bản đã sao chép``
Ctrl+Shift+V) and answers the window's drag-and-drop events. A file is read
and parsed on Qt's thread pool behind a busy progress dialog (a 20 MB file or
a slow PDF never freezes the window, and the officer may cancel the wait);
the result opens :class:`~ui.dialogs.import_review.ImportReviewDialog`, which
writes through ``Operations.import_plan`` only when the officer confirms.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QMimeData, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QProgressDialog, QWidget

from cdsdesk.errors import CdsError
from ui.dialogs import common
from ui.operations import Operations

if TYPE_CHECKING:
    from cdsdesk.importing.parser import ParsedNotice
    from cdsdesk.importing.reading import SourceText
    from cdsdesk.importing.service import ImportResult
    from cdsdesk.services.units import UnitInfo

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".docx", ".pdf")
PROGRESS_DELAY_MS = 400  # a quick read shows no flashing dialog
STATUS_MESSAGE_MS = 15_000


def tr(text: str) -> str:
    return QCoreApplication.translate("ImportFlow", text)


def ask_open_path(parent: QWidget | None, folder: Path | None) -> Path | None:
    """The file the officer picks (tests replace this function)."""
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        tr("Nhập từ văn bản"),
        str(folder or ""),
        tr("Văn bản (*.txt *.docx *.pdf);;Tất cả các tệp (*)"),
    )
    return Path(chosen) if chosen else None


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local .txt, .docx and .pdf files among dropped or copied URLs."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in SUFFIXES]


# -- the work off the GUI thread ------------------------------------------------
# The importer is loaded on first use: the window starts without its weight.


def read_text(path: Path) -> SourceText:
    from cdsdesk.importing import reading

    return reading.read_text(path)


def text_from_paste(text: str) -> SourceText:
    from cdsdesk.importing import reading

    return reading.text_from_paste(text)


@dataclass(frozen=True)
class ReadOutcome:
    source: SourceText
    parsed: ParsedNotice


def read_and_parse(read: Callable[[], SourceText], units: list[UnitInfo]) -> ReadOutcome:
    """Runs on a worker thread: touches no widget and no register."""
    from cdsdesk.importing.parser import parse_notice

    source = read()
    return ReadOutcome(source, parse_notice(source.text, units=units))


def failure_message(exc: BaseException) -> str:
    if isinstance(exc, CdsError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return tr("Văn bản quá lớn, máy không đủ bộ nhớ để đọc; hãy dán phần cần nhập.")
    if isinstance(exc, OSError):
        return tr("Không đọc được tệp: {reason}.").format(reason=exc.strerror or exc)
    return tr(
        "Không đọc được văn bản do một lỗi ngoài dự kiến ({name}). Hãy thử lại, hoặc dán "
        "nội dung vào; nếu vẫn lỗi, báo cho người hỗ trợ kỹ thuật."
    ).format(name=type(exc).__name__)


class _JobSignals(QObject):
    """Lives in the GUI thread; emitted from the worker, delivered queued."""

    finished = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, token: int, work: Callable[[], ReadOutcome], signals: _JobSignals) -> None:
        super().__init__()
        self._token = token
        self._work = work
        self._signals = signals
        self.setAutoDelete(False)  # the flow keeps it until its signal arrives

    def run(self) -> None:
        try:
            outcome = self._work()
        except Exception as exc:  # every failure must reach the officer, in Vietnamese
            if not isinstance(exc, CdsError):
                log.exception("reading a notice failed")
            self._signals.failed.emit(self._token, failure_message(exc))
        else:
            self._signals.finished.emit(self._token, outcome)


# -- the window's entry point ------------------------------------------------------


class ImportFlow(QObject):
    """Import from a file, a drop or the clipboard, for the main window.

    The window adds :attr:`import_action` to its File menu, :attr:`paste_action`
    next to it, and forwards ``dragEnterEvent``/``dropEvent`` to
    :meth:`accepts_drop`/:meth:`handle_drop`. ``imported`` carries the
    :class:`ImportResult` after the officer confirmed an import.
    """

    imported = Signal(object)  # ImportResult
    busyChanged = Signal(bool)

    def __init__(self, window: QWidget, ops: Operations) -> None:
        super().__init__(window)
        self.window = window
        self.ops = ops
        self._folder: Path | None = None
        self._token = 0
        self._jobs: dict[int, tuple[_Job, _JobSignals]] = {}
        self._progress: QProgressDialog | None = None
        self.dialog: QDialog | None = None  # the review dialog while it is open

        self.import_action = QAction(tr("Nhập từ văn bản…"), window)
        self.import_action.setObjectName("importAction")
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        tip = tr("Đọc một thông báo kết luận (.txt, .docx, .pdf) và đề xuất các nhiệm vụ của nó")
        self.import_action.setStatusTip(tip)
        self.import_action.setToolTip(tip)
        self.import_action.triggered.connect(self.choose_file)
        self.paste_action = QAction(tr("Nhập từ văn bản đã sao chép"), window)
        self.paste_action.setObjectName("pasteImportAction")
        self.paste_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        tip = tr("Đọc nội dung văn bản vừa sao chép (Ctrl+C) và đề xuất các nhiệm vụ của nó")
        self.paste_action.setStatusTip(tip)
        self.paste_action.setToolTip(tip)
        self.paste_action.triggered.connect(self.paste)

    def actions(self) -> list[QAction]:
        return [self.import_action, self.paste_action]

    @property
    def running(self) -> bool:
        """A file is being read for the officer (a cancelled read does not count)."""
        return self._token in self._jobs

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until reads end (call before closing the register)."""
        return QThreadPool.globalInstance().waitForDone(msecs) if self._jobs else True

    # -- where the text comes from --------------------------------------------------

    def choose_file(self) -> None:
        path = ask_open_path(self.window, self._folder)
        if path is not None:
            self.import_file(path)

    def paste(self) -> None:
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData() if clipboard is not None else None
        if mime is None or not self.handle_drop(mime):
            common.show_info(
                self.window,
                tr(
                    "Chưa có nội dung văn bản nào được sao chép. Hãy mở văn bản, chọn phần "
                    "cần nhập (Ctrl+A), sao chép (Ctrl+C) rồi chọn lại lệnh này."
                ),
            )

    def accepts_drop(self, mime: QMimeData) -> bool:
        """True for a dropped .txt/.docx/.pdf file or dropped text."""
        if self.running:
            return False
        if mime.hasUrls():  # Qt also offers dropped files as text: their addresses
            return bool(dropped_files(mime))
        return mime.hasText() and bool(mime.text().strip())

    def handle_drop(self, mime: QMimeData) -> bool:
        """Start importing what was dropped (or pasted); False when it is nothing we read."""
        files = dropped_files(mime)
        if files:
            return self.import_file(files[0])
        if mime.hasUrls():
            common.show_error(
                self.window,
                tr("Chỉ nhập được tệp .txt, .docx hoặc .pdf."),
                tr("Không nhập được"),
            )
            return True
        if mime.hasText() and mime.text().strip():
            return self.import_text(mime.text())
        return False

    def import_file(self, path: Path) -> bool:
        """Read and parse ``path`` off the GUI thread, then open the review."""
        self._folder = path.parent
        return self._start(lambda: read_text(path), tr("Đang đọc {name}…").format(name=path.name))

    def import_text(self, text: str) -> bool:
        return self._start(lambda: text_from_paste(text), tr("Đang đọc nội dung đã dán…"))

    # -- the read -----------------------------------------------------------------

    def _start(self, read: Callable[[], SourceText], busy_text: str) -> bool:
        if self.running or self.dialog is not None:
            return False
        try:
            from cdsdesk.services.units import list_units

            units = list_units(self.ops.register)
        except CdsError as exc:
            common.show_error(self.window, str(exc), tr("Không nhập được"))
            return False
        self._token += 1
        signals = _JobSignals()
        signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        # The readers are looked up when the job runs (tests replace them to watch the thread).
        job = _Job(self._token, lambda: read_and_parse(read, units), signals)
        self._jobs[self._token] = (job, signals)
        self._show_progress(busy_text)
        self._set_busy(True)
        QThreadPool.globalInstance().start(job)
        return True

    def _show_progress(self, text: str) -> None:
        progress = QProgressDialog(text, tr("Hủy"), 0, 0, self.window)
        progress.setObjectName("importProgress")
        progress.setWindowTitle(tr("Nhập từ văn bản"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(PROGRESS_DELAY_MS)
        progress.setMinimumWidth(360)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        progress.canceled.connect(self.cancel)
        progress.setValue(0)
        self._progress = progress

    def cancel(self) -> None:
        """Stop waiting: the read finishes in the background and is thrown away."""
        self._token += 1
        self._end_progress()
        self._set_busy(False)

    def _end_progress(self) -> None:
        if self._progress is not None:
            self._progress.canceled.disconnect(self.cancel)
            self._progress.reset()
            self._progress.hide()
            self._progress.deleteLater()
            self._progress = None

    def _set_busy(self, busy: bool) -> None:
        for action in self.actions():
            action.setEnabled(not busy)
        self.busyChanged.emit(busy)

    def _release(self, token: int) -> bool:
        """Forget the job; True when its result is still wanted."""
        _job, signals = self._jobs.pop(token, (None, None))
        if signals is not None:
            signals.deleteLater()
        if token != self._token:
            return False
        self._end_progress()
        self._set_busy(False)
        return True

    def _failed(self, token: int, message: str) -> None:
        if self._release(token):
            common.show_error(self.window, message, tr("Không nhập được"))

    def _finished(self, token: int, outcome: ReadOutcome) -> None:
        if not self._release(token):
            return
        if not outcome.parsed.tasks:
            name = outcome.source.path.name if outcome.source.path else tr("nội dung đã dán")
            common.show_error(
                self.window,
                tr(
                    "Không tìm thấy nhiệm vụ nào trong {name}: văn bản không có mục nào giao "
                    "việc cho đơn vị. Chưa có gì được ghi vào sổ."
                ).format(name=name),
                tr("Không nhập được"),
            )
            return
        self.review(outcome.source, outcome.parsed)

    # -- the review ------------------------------------------------------------------

    def review(self, source: SourceText, parsed: ParsedNotice) -> ImportResult | None:
        """Open the review dialog; the import is written only if the officer confirms."""
        from ui.dialogs.import_review import ImportReviewDialog

        try:
            dialog = ImportReviewDialog(self.ops, source, parsed, self.window)
        except CdsError as exc:
            common.show_error(self.window, str(exc), tr("Không nhập được"))
            return None
        self.dialog = dialog
        self._set_busy(True)
        try:
            accepted = common.exec_dialog(dialog) == QDialog.DialogCode.Accepted
            result = dialog.import_result if accepted else None
        finally:
            self.dialog = None
            self._set_busy(False)
            dialog.deleteLater()
        if result is not None:
            self._done(result)
        return result

    def _done(self, result: ImportResult) -> None:
        if result.updated:
            message = tr(
                "Đã cập nhật văn bản {label}: {new} nhiệm vụ mới, {changed} nhiệm vụ sửa "
                "(Ctrl+Z để hoàn tác)."
            ).format(
                label=result.document_label,
                new=len(result.created_task_ids),
                changed=len(result.updated_task_ids),
            )
        else:
            message = tr("Đã nhập văn bản {label}: {n} nhiệm vụ (Ctrl+Z để hoàn tác).").format(
                label=result.document_label, n=len(result.created_task_ids)
            )
        if result.unassigned_units:
            message += " " + tr("{n} tên đơn vị để trống, cần gán sau.").format(
                n=len(result.unassigned_units)
            )
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(message, STATUS_MESSAGE_MS)
        if result.missing_tasks:
            listed = "\n".join(
                f"• {m.ref or '#' + str(m.id)}: {' '.join(m.content.split())[:90]}"
                for m in result.missing_tasks[:20]
            )
            more = len(result.missing_tasks) - 20
            if more > 0:
                listed += "\n" + tr("… và {n} nhiệm vụ khác").format(n=more)
            common.show_info(
                self.window,
                tr(
                    "Các nhiệm vụ sau có trong sổ nhưng không còn trong văn bản mới; chúng vẫn "
                    "được giữ nguyên, hãy xem lại:\n{tasks}"
                ).format(tasks=listed),
                tr("Đã cập nhật văn bản {label}").format(label=result.document_label),
            )
        self.imported.emit(result)
