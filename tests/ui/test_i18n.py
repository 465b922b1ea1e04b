"""Vietnamese locale and Vietnamese for Qt's own widgets."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import PySide6
import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTextEdit,
    QWizard,
    QWizardPage,
)

from cdsdesk.resources import resource_path
from ui.i18n import (
    DATE_FORMAT,
    install_vietnamese,
    setup_date_edit,
    uninstall_vietnamese,
    vietnamese_locale,
)


@pytest.fixture
def vietnamese(qapp: QApplication) -> Iterator[QApplication]:
    install_vietnamese(qapp)
    yield qapp
    uninstall_vietnamese(qapp)


def plain(text: str) -> str:
    """A widget text without its mnemonic marker and shortcut."""
    return text.split("\t")[0].replace("&", "")


def test_standard_buttons_are_vietnamese(vietnamese: QApplication) -> None:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok
        | QDialogButtonBox.StandardButton.Cancel
        | QDialogButtonBox.StandardButton.Apply
        | QDialogButtonBox.StandardButton.Close
    )
    texts = {plain(b.text()) for b in box.buttons()}
    assert texts == {"Đồng ý", "Hủy", "Áp dụng", "Đóng"}


def test_message_box_yes_no(vietnamese: QApplication) -> None:
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    yes = box.button(QMessageBox.StandardButton.Yes)
    no = box.button(QMessageBox.StandardButton.No)
    assert plain(yes.text()) == "Có"
    assert plain(no.text()) == "Không"


def test_locale_dates_month_names_monday_first(vietnamese: QApplication) -> None:
    locale = QLocale()
    assert locale.language() == QLocale.Language.Vietnamese
    assert locale.toString(QDate(2024, 3, 5), DATE_FORMAT) == "05/03/2024"
    assert locale.monthName(3).lower() == "tháng 3"
    assert locale.monthName(3) != QLocale(QLocale.Language.English).monthName(3)
    assert locale.firstDayOfWeek() == Qt.DayOfWeek.Monday
    assert vietnamese_locale().name() == "vi_VN"


def test_date_edit_shows_dd_mm_yyyy(vietnamese: QApplication) -> None:
    edit = QDateEdit(QDate(2024, 3, 5))
    setup_date_edit(edit)
    assert edit.text() == "05/03/2024"
    assert edit.calendarWidget().firstDayOfWeek() == Qt.DayOfWeek.Monday


def test_text_context_menus(vietnamese: QApplication) -> None:
    line = QLineEdit()
    menu = line.createStandardContextMenu()
    texts = [plain(a.text()) for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"]
    editor = QTextEdit()
    menu = editor.createStandardContextMenu()
    assert "Sao chép" in [plain(a.text()) for a in menu.actions()]


def test_progress_wizard_undo_and_print_texts(vietnamese: QApplication) -> None:
    progress = QProgressDialog()
    assert [b.text() for b in progress.findChildren(QPushButton)] == ["Hủy"]
    wizard = QWizard()
    wizard.addPage(QWizardPage())
    assert plain(wizard.button(QWizard.WizardButton.NextButton).text()) == "Tiếp >"
    stack = QUndoStack()
    assert stack.createUndoAction(stack).text() == "Hoàn tác"

    def translate(context: str, text: str) -> str:
        return QCoreApplication.translate(context, text)

    assert translate("QPrintPreviewDialog", "Print Preview") == "Xem trước khi in"
    assert translate("QPrintPreviewDialog", "Zoom in") == "Phóng to"
    assert translate("QFileDialog", "File &name:") == "Tê&n tệp:"
    # A caller's disambiguation still finds the plain entry.
    assert QCoreApplication.translate("QFileSystemModel", "Type", "All other platforms") == "Kiểu"


def test_uninstall_leaves_no_trace(qapp: QApplication) -> None:
    before = QLocale().name()
    install_vietnamese(qapp)
    uninstall_vietnamese(qapp)
    assert QLocale().name() == before
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    assert box.buttons()[0].text() == "OK"


def _lrelease() -> str | None:
    found = shutil.which("pyside6-lrelease")
    if found:
        return found
    bundled = Path(PySide6.__file__).parent / "lrelease"
    return str(bundled) if bundled.exists() else None


def test_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    """The committed .qm is what lrelease makes of the committed .ts."""
    lrelease = _lrelease()
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed")
    source = resource_path("i18n", "qtbase_vi.ts")
    built = tmp_path / "qtbase_vi.qm"
    subprocess.run([lrelease, "-silent", str(source), "-qm", str(built)], check=True)
    assert built.read_bytes() == resource_path("i18n", "qtbase_vi.qm").read_bytes(), (
        "run: pyside6-lrelease resources/i18n/qtbase_vi.ts -qm resources/i18n/qtbase_vi.qm"
    )
