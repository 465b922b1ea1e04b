"""Trợ giúp: the guide with its pictures, kept true to the window, and the About box."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QTextDocument
from PySide6.QtWidgets import QDialog, QMainWindow

from cdsdesk import __version__
from ui.dialogs import help_dialogs
from ui.dialogs.help_dialogs import AboutDialog, GuideDialog, HelpController, guide_path
from ui.main_window import MainWindow

SECTIONS = [
    "1. Bắt đầu",
    "2. Ghi một thông báo kết luận và các nhiệm vụ",
    "3. Nhập từ văn bản",
    "4. Tìm và lọc nhiệm vụ",
    "5. Cập nhật tiến độ trước giao ban",
    "6. Xuất thông báo, báo cáo, công văn, Excel",
    "7. Sao lưu và khôi phục",
    "8. Phím tắt",
]
IMAGES = guide_path().parent / "images"


@pytest.fixture
def host(qtbot: Any) -> QMainWindow:
    window = QMainWindow()
    qtbot.addWidget(window)
    return window


def test_f1_opens_the_guide_beside_the_work_with_its_sections(
    qtbot: Any, host: QMainWindow, tmp_path: Path
) -> None:
    help_ = HelpController(host, tmp_path / "so.cdsdb")
    assert help_.guide_action.shortcut() == QKeySequence("F1")
    assert help_.guide_action in host.actions()  # F1 needs no open menu
    help_.guide_action.trigger()
    guide = help_.guide
    assert isinstance(guide, GuideDialog) and guide.isVisible() and not guide.isModal()
    assert [s.title for s in guide.sections] == SECTIONS
    assert guide.model.rowCount() == len(SECTIONS)
    assert help_.show_guide() is guide  # a second F1 brings the same window forward


def test_choosing_a_section_scrolls_the_page_to_it(qtbot: Any, host: QMainWindow) -> None:
    guide = HelpController(host, "so.cdsdb").show_guide()
    bar = guide.browser.verticalScrollBar()
    assert bar.value() == 0
    guide.contents.setCurrentIndex(guide.model.index(6, 0))
    backups_at = bar.value()
    assert backups_at > 0
    guide.contents.setCurrentIndex(guide.model.index(1, 0))
    assert 0 < bar.value() < backups_at
    bar.setValue(bar.maximum())  # reading the end: the contents follow
    assert guide.contents.currentIndex().row() == len(SECTIONS) - 1


def test_every_picture_of_the_guide_exists_loads_and_is_small() -> None:
    html = guide_path().read_text(encoding="utf-8")
    names = re.findall(r'<img src="([^"]+)"', html)
    assert len(names) >= 8
    for name in names:
        image = QImage(str(guide_path().parent / name))
        assert not image.isNull(), name
        assert image.width() <= 900, name
    assert {f"images/{p.name}" for p in IMAGES.glob("*.png")} == set(names)  # none unused
    assert sum(p.stat().st_size for p in IMAGES.glob("*.png")) < 1_500_000


def test_the_guide_names_the_menus_and_keys_the_window_has(
    qtbot: Any, demo_file: Path, tmp_path: Path
) -> None:
    """Renaming a command or changing its key must update the guide too."""
    path = tmp_path / "so.cdsdb"
    path.write_bytes(demo_file.read_bytes())
    window = MainWindow(
        path, settings=QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    document = QTextDocument()
    document.setHtml(guide_path().read_text(encoding="utf-8"))
    text = document.toPlainText()
    actions = [
        window.new_task_action,
        window.new_subtask_action,
        window.documents_action,
        window.new_document_action,
        window.round_action,
        window.find_action,
        window.refresh_action,
        window.imports.import_action,
        window.imports.paste_action,
        *window.exports.actions(),
    ]
    for action in actions:
        name = action.text().replace("&", "")
        assert name in text, name
        key = action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        if key:
            assert key in text, (name, key)
    for menu in window.menuBar().actions():
        assert menu.text().replace("&", "") in text, menu.text()


def test_a_narrow_guide_shrinks_its_pictures_to_the_page(qtbot: Any, host: QMainWindow) -> None:
    guide = HelpController(host, "so.cdsdb").show_guide()
    guide.resize(640, 500)
    browser = guide.browser
    room = browser.room()
    url = QUrl.fromLocalFile(str(IMAGES / "main-window.png"))
    shown = browser.loadResource(QTextDocument.ResourceType.ImageResource.value, url)
    assert isinstance(shown, QImage) and 200 < shown.width() <= room < 860


def test_about_tells_the_version_and_where_the_data_lives(
    qtbot: Any, host: QMainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[QDialog] = []
    monkeypatch.setattr("ui.dialogs.common.exec_dialog", lambda dialog: shown.append(dialog) or 0)
    opened: list[Path] = []
    monkeypatch.setattr(help_dialogs, "open_folder", lambda folder: opened.append(folder) or True)
    register = tmp_path / "CDSDesk" / "so-nhiem-vu.cdsdb"
    help_ = HelpController(host, register)
    help_.about_action.trigger()
    about = shown[0]
    assert isinstance(about, AboutDialog)
    assert about.version_label.text() == f"Phiên bản {__version__}"
    assert about.register_label.text() == str(register.resolve())
    assert about.backups_label.text() == str(register.resolve().parent / "sao-luu")
    about.open_button.click()
    assert opened == [register.resolve().parent]
    about.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert __version__ in copied and str(register.resolve()) in copied
    licences = about.findChild(type(about.register_label), "licencesLabel")
    assert licences is not None
    for library in ("Qt", "SQLAlchemy", "ReportLab", "python-docx", "openpyxl", "RapidFuzz"):
        assert library in licences.text()
    assert "LGPL" in licences.text() and "MIT" in licences.text()


def test_about_a_shared_register_hides_the_password(qtbot: Any) -> None:
    about = AboutDialog("postgresql://cds_desk:bi-mat@10.0.0.5:5432/so_nhiem_vu")
    qtbot.addWidget(about)
    assert "bi-mat" not in about.register_label.text()
    assert "10.0.0.5" in about.register_label.text()
    assert not about.open_button.isEnabled()
