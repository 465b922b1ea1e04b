"""Draw the pictures of the user guide (``resources/help/images/*.png``) from the demo register.

Run from the repository root after a change to the window or a dialog::

    python resources/help/make_images.py

Everything runs offscreen on a scratch copy of the demo register with scratch
window settings; nothing of the user's is read or written. The windows are
opened through their real menus and flows (``common.exec_dialog`` is replaced
by a function that photographs the dialog instead of waiting for the user).
Pictures wider than ``MAX_WIDTH`` are scaled down; all are reduced to 256
colours and written as optimised PNG (Pillow).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QDate, QIODevice, QPoint, QRect, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen  # noqa: E402
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QWidget  # noqa: E402

from cdsdesk.demo import write_demo  # noqa: E402
from cdsdesk.importing.parser import parse_notice  # noqa: E402
from cdsdesk.importing.reading import read_text  # noqa: E402
from cdsdesk.services.documents import list_documents  # noqa: E402
from cdsdesk.services.queries import query_tasks  # noqa: E402
from cdsdesk.services.tasks import delete_task  # noqa: E402
from cdsdesk.services.units import find_unit, list_units  # noqa: E402
from cdsdesk.storage import backup  # noqa: E402
from cdsdesk.storage.db import Register  # noqa: E402

OUT = Path(__file__).resolve().parent / "images"
MAX_WIDTH = 860
AS_OF = date(2024, 3, 31)
SAMPLE = ROOT / "resources" / "samples" / "quang-ngai-tb-36-ubnd-2023.txt"
CALLOUT = QColor("#d93025")


def settle() -> None:
    """Let pending layouts and timers run before a picture is taken (a script, not the app)."""
    for _ in range(3):
        QApplication.processEvents()


def save(image: QImage, name: str) -> Path:
    """Scale ``image`` down to ``MAX_WIDTH``, frame it and write it as a small PNG."""
    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setPen(QPen(QColor("#9aa0a6"), 1))
    painter.drawRect(0, 0, image.width() - 1, image.height() - 1)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    from io import BytesIO

    picture = Image.open(BytesIO(bytes(buffer.data()))).convert("RGB")
    small = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    target = OUT / name
    small.save(target, "PNG", optimize=True)
    print(f"{name}: {image.width()}×{image.height()}, {target.stat().st_size // 1024} KB")
    return target


def grab(widget: QWidget) -> QImage:
    settle()
    return widget.grab().toImage()


def callouts(image: QImage, marks: list[tuple[int, QPoint]]) -> QImage:
    """Numbered red circles at ``marks`` (window coordinates), as the guide's text refers to."""
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(22)
    painter.setFont(font)
    radius = 17
    for number, centre in marks:
        box = QRect(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        painter.setPen(QPen(QColor("white"), 3))
        painter.setBrush(CALLOUT)
        painter.drawEllipse(box)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(number))
    painter.end()
    return image


def at(widget: QWidget, window: QWidget, x: int, y: int) -> QPoint:
    """``(x, y)`` inside ``widget``, in ``window`` coordinates."""
    return widget.mapTo(window, QPoint(x, y))


def centre_left(widget: QWidget, window: QWidget, dx: int = 22, dy: int = 0) -> QPoint:
    """A point inside ``widget``'s left edge, in ``window`` coordinates."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    return QPoint(top_left.x() + dx, top_left.y() + widget.height() // 2 + dy)


class Photographer:
    """Stands in for ``common.exec_dialog``: prepares the dialog, photographs it, closes it."""

    def __init__(self) -> None:
        self.prepare: Callable[[QDialog], None] = lambda _d: None
        self.name = ""
        self.size: tuple[int, int] | None = None

    def __call__(self, dialog: QDialog) -> int:
        if self.size:
            dialog.resize(*self.size)
        dialog.show()
        settle()
        self.prepare(dialog)
        save(grab(dialog), self.name)
        dialog.reject()
        return QDialog.DialogCode.Rejected.value

    def expect(
        self,
        name: str,
        prepare: Callable[[QDialog], None] = lambda _d: None,
        size: tuple[int, int] | None = None,
    ) -> None:
        self.name, self.prepare, self.size = name, prepare, size


def first_start(folder: Path) -> None:
    from ui.dialogs.first_start import FirstStartDialog

    dialog = FirstStartDialog(folder / "CDSDesk" / "so-nhiem-vu.cdsdb")
    form = dialog.form
    form.edits["agency_name"].setText("SỞ KHOA HỌC VÀ CÔNG NGHỆ")
    form.edits["parent_agency"].setText("UBND TỈNH QUẢNG NGÃI")
    form.edits["place_name"].setText("Quảng Ngãi")
    form.edits["signer_name"].setText("Nguyễn Văn Dũng")
    form.edits["signer_title"].setText("PHÓ GIÁM ĐỐC")
    form.authority_combo.setEditText("KT. GIÁM ĐỐC")
    form.edits["drafting_unit"].setText("VP")
    where = dialog.findChild(QWidget, "whereLabel")
    where.setText(  # type: ignore[union-attr]
        "Sổ đăng ký sẽ được lưu tại: C:\\Users\\canbo\\AppData\\Roaming\\CDSDesk\\so-nhiem-vu.cdsdb"
    )
    dialog.show()
    settle()
    form.edits["agency_name"].deselect()  # focus selects it all: not what a reader should see
    save(grab(dialog), "first-start.png")
    dialog.close()


def main_window_pictures(window: QWidget, photo: Photographer, register: Register) -> None:
    from ui.dialogs.documents import DocumentDialog
    from ui.dialogs.export_dialog import ExportDialog, ExportKind
    from ui.dialogs.quarterly_round import QuarterlyRoundDialog
    from ui.dialogs.task_editor import TaskEditor
    from ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    window.resize(1280, 720)
    window.show()
    window.task_panel.as_of_edit.setDate(QDate(AS_OF.year, AS_OF.month, AS_OF.day))
    settle()
    image = grab(window)
    panel = window.task_panel
    attention, calendar = window.attention, window.calendar_panel
    marks = [
        (1, at(window.menuBar(), window, window.menuBar().width() // 2 + 60, 14)),
        (2, at(window.unit_panel.tree, window, 150, window.unit_panel.tree.height() // 2 + 60)),
        (3, at(attention, window, attention.width() * 2 // 3, 18)),
        (4, at(panel.search_box, window, panel.search_box.width() - 20, 12)),
        (5, at(panel.table, window, panel.table.width() - 40, panel.table.height() // 2 + 40)),
        (6, at(calendar, window, calendar.width() - 60, 12)),
    ]
    save(callouts(image, marks), "main-window.png")

    # Find and filter: one unit, searched without diacritics, overdue only.
    unit = find_unit(register, "Sở Thông tin và Truyền thông")
    window.attention.hide()
    window.unit_panel.select_unit(unit.id)
    panel.search_box.setText("du lieu")
    panel.apply_filters()  # now, not after the typing pause
    image = grab(window)
    top_left = panel.search_box.mapTo(window, QPoint(0, 0))
    table = panel.table
    last_row = table.model().rowCount() - 1
    bottom = table.viewport().mapTo(
        window, QPoint(0, table.rowViewportPosition(last_row) + table.rowHeight(last_row))
    )
    right = panel.mapTo(window, QPoint(panel.width(), 0)).x() + 6
    area = QRect(0, top_left.y() - 8, right, bottom.y() - top_left.y() + 20)
    crop = image.copy(area)
    left_marks = [
        (1, QPoint(185, 160)),  # beside the chosen unit, over counts left empty
        (2, centre_left(panel.search_box, window, dx=180) - area.topLeft()),
        (3, centre_left(panel.status_combo, window, dx=150) - area.topLeft()),
    ]
    save(callouts(crop, left_marks), "search-filter.png")
    panel.search_box.clear()
    window.unit_panel.select_unit(None)

    # A document and a task.
    doc = next(d for d in list_documents(register) if d.number.startswith("185"))
    dialog = DocumentDialog(window.ops, doc.id, window)
    dialog.resize(820, 600)
    dialog.show()
    save(grab(dialog), "document.png")
    dialog.close()
    row = next(
        r for r in query_tasks(register) if r.ref == "II.2.1" and r.document.startswith("418")
    )
    editor = TaskEditor(window.ops, row.id, parent=window)
    editor.resize(820, 640)
    editor.show()
    save(grab(editor), "task-editor.png")
    editor.tabs.setCurrentIndex(1)
    save(grab(editor), "task-progress.png")
    editor.close()

    # The quarterly round for one unit.
    dialog = QuarterlyRoundDialog(window.ops, unit.id, AS_OF, window)
    dialog.resize(820, 500)
    dialog.show()
    save(grab(dialog), "quarterly-round.png")
    dialog.close()

    # The quarterly report's export dialog, through the Xuất menu.
    def choose_quarter(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox, "quarterCombo")
        assert combo is not None
        combo.setCurrentIndex(max(combo.findText("Quý I năm 2024"), 0))
        path = dialog.findChild(QLineEdit, "outputPath")
        assert path is not None
        path.setText("C:\\Users\\canbo\\Documents\\Bao-cao-quy-I-2024.docx")
        settle()

    photo.expect("export-report.png", choose_quarter)
    window.exports.report_action.trigger()
    assert ExportDialog and ExportKind  # opened by the action above


def import_picture(folder: Path) -> None:
    """The review of a notice read from a file, on a register without that notice yet."""
    from ui.dialogs.import_review import ImportReviewDialog
    from ui.operations import Operations

    path = folder / "nhap.cdsdb"
    with Register(path) as register:
        write_demo(register)
    register = Register(path)
    doc = next(d for d in list_documents(register) if d.number.startswith("36"))
    for row in query_tasks(register):
        if row.document_id == doc.id and row.parent_id is None:
            delete_task(register, row.id, with_subtasks=True)
    from cdsdesk.services.documents import delete_document

    delete_document(register, doc.id)
    ops = Operations(register)
    source = read_text(SAMPLE)
    parsed = parse_notice(source.text, units=list_units(register))
    dialog = ImportReviewDialog(ops, source, parsed)
    dialog.resize(1180, 700)
    dialog.show()
    save(grab(dialog), "import-review.png")
    dialog.close()
    register.dispose()


def backup_picture(register_path: Path) -> None:
    from ui.dialogs.backup_dialog import BackupDialog

    folder = backup.backup_folder(register_path)
    folder.mkdir(parents=True, exist_ok=True)
    for when, reason in (
        (datetime(2024, 3, 20, 16, 45), backup.Reason.BEFORE_IMPORT),
        (datetime(2024, 3, 25, 17, 2), backup.Reason.MANUAL),
        (datetime(2024, 3, 28, 8, 1), backup.Reason.DAILY),
        (datetime(2024, 3, 29, 7, 58), backup.Reason.STARTUP),
    ):
        backup.backup_register(
            register_path, folder / backup.backup_name(register_path, reason, when)
        )
    found = [
        replace(info, tasks=backup.count_tasks(info.path))
        for info in backup.scan_backups(register_path)
    ]
    shown_folder = Path("C:\\Users\\canbo\\AppData\\Roaming\\CDSDesk\\sao-luu")
    dialog = BackupDialog(found, shown_folder, None)
    dialog.resize(820, 420)
    dialog.show()
    save(grab(dialog), "backup.png")
    dialog.close()


def main() -> int:
    from ui.app import make_app
    from ui.dialogs import common
    from ui.main_window import MainWindow

    app = make_app()
    font = app.font()
    font.setPointSizeF(9.5)
    app.setFont(font)
    OUT.mkdir(parents=True, exist_ok=True)
    photo = Photographer()
    common.exec_dialog = photo  # type: ignore[assignment]
    common.show_info = lambda *_a, **_k: None  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="cdsdesk-help-") as scratch:
        folder = Path(scratch)
        first_start(folder)
        register_path = folder / "so-nhiem-vu.cdsdb"
        with Register(register_path) as register:
            write_demo(register)
        settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(register_path, settings=settings)
        main_window_pictures(window, photo, window.register)
        window.close()
        import_picture(folder)
        backup_picture(register_path)
    total = sum(p.stat().st_size for p in OUT.glob("*.png"))
    print(f"total: {total // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
