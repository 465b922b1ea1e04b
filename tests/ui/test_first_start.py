"""The first start of a new user, and the agency's details changed later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from cdsdesk.demo import DEMO_MARKER
from cdsdesk.services.documents import list_documents
from cdsdesk.services.units import list_units
from cdsdesk.settings import load_settings
from cdsdesk.storage import backup
from cdsdesk.storage.db import Register
from ui import app as app_module
from ui.dialogs import first_start as fs
from ui.dialogs.first_start import (
    AgencySettingsDialog,
    Choice,
    FirstStartDialog,
    agency_settings_action,
    masthead_html,
    unit_name_from_agency,
)
from ui.main_window import MainWindow

AGENCY = {
    "agency_name": "Sở Khoa học và Công nghệ",  # typed as in a sentence: offered capitals
    "parent_agency": "UBND tỉnh Quảng Ngãi",
    "place_name": "Quảng Ngãi",
    "signer_name": "Nguyễn Văn Dũng",
    "signer_title": "PHÓ GIÁM ĐỐC",
    "signer_authority": "KT. GIÁM ĐỐC",
    "drafting_unit": "VP",
}


@pytest.fixture
def default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The register in a fresh user's data folder (which does not exist yet)."""
    path = tmp_path / "AppData" / "CDSDesk" / "so-nhiem-vu.cdsdb"
    monkeypatch.setattr(app_module, "default_register_path", lambda: path)
    return path


def fill(dialog: FirstStartDialog | AgencySettingsDialog, values: dict[str, str]) -> None:
    form = dialog.form
    for name, value in values.items():
        if name == "signer_authority":
            form.authority_combo.setEditText(value)
        else:
            form.edits[name].setText(value)


def drive(monkeypatch: pytest.MonkeyPatch, act: Callable[[Any], None]) -> list[QDialog]:
    """Replace ``common.exec_dialog``: ``act`` plays the user, then the dialog's result."""
    seen: list[QDialog] = []

    def run(dialog: QDialog) -> int:
        seen.append(dialog)
        act(dialog)
        return dialog.result()

    monkeypatch.setattr("ui.dialogs.common.exec_dialog", run)
    return seen


def create_new(dialog: FirstStartDialog) -> None:
    fill(dialog, AGENCY)
    dialog.advice.capitals_button.click()
    dialog.ok_button.click()


def test_a_new_register_gets_the_agency_and_its_root_unit(
    qtbot: Any, default_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = drive(monkeypatch, create_new)
    assert app_module.ensure_register(None) == default_path
    assert isinstance(seen[0], FirstStartDialog)
    with Register(default_path) as register:
        settings = load_settings(register)
        units = list_units(register)
    assert settings.agency_name == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert settings.parent_agency == "UBND TỈNH QUẢNG NGÃI"
    assert (settings.place_name, settings.signer_name) == ("Quảng Ngãi", "Nguyễn Văn Dũng")
    assert (settings.signer_title, settings.signer_authority) == ("PHÓ GIÁM ĐỐC", "KT. GIÁM ĐỐC")
    assert settings.drafting_unit == "VP"
    # The unit keeps the name as a sentence writes it, though the settings hold capitals.
    assert [(u.name, u.parent_id) for u in units] == [("Sở Khoa học và Công nghệ", None)]
    # Built aside and moved into place: no temporary file is left beside it.
    assert sorted(p.name for p in default_path.parent.iterdir()) == [default_path.name]


def test_without_the_root_unit_the_unit_tree_starts_empty(
    qtbot: Any, default_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def act(dialog: FirstStartDialog) -> None:
        fill(dialog, {"agency_name": "UBND HUYỆN SƠN TỊNH", "place_name": "Sơn Tịnh"})
        dialog.root_check.setChecked(False)
        dialog.ok_button.click()

    drive(monkeypatch, act)
    app_module.ensure_register(None)
    with Register(default_path) as register:
        assert list_units(register) == []
        assert load_settings(register).agency_name == "UBND HUYỆN SƠN TỊNH"


def test_the_demo_choice_writes_the_demo_register(
    qtbot: Any, default_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def act(dialog: FirstStartDialog) -> None:
        dialog.demo_radio.setChecked(True)
        assert dialog.ok_button.isEnabled() and dialog.ok_button.text() == "Mở sổ mẫu"
        dialog.ok_button.click()

    drive(monkeypatch, act)
    app_module.ensure_register(None)
    with Register(default_path) as register:
        assert len(list_documents(register)) == 4
        assert load_settings(register).agency_name == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
        with register.transaction() as session:
            from cdsdesk.domain.models import Setting

            assert session.get(Setting, DEMO_MARKER) is not None


def test_a_register_from_another_pc_is_restored_from_its_backup(
    qtbot: Any,
    default_path: Path,
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usb = tmp_path / "usb" / "so-nhiem-vu-20240315-081500-thu-cong.cdsdb"
    usb.parent.mkdir()
    usb.write_bytes(demo_file.read_bytes())
    answers: list[Path | None] = [None, usb]  # first the user closes the file dialog
    monkeypatch.setattr(
        "ui.dialogs.backup_dialog.choose_backup_file", lambda _parent, _start: answers.pop(0)
    )

    def act(dialog: FirstStartDialog) -> None:
        dialog.restore_radio.setChecked(True)
        dialog.ok_button.click()
        assert dialog.result() != QDialog.DialogCode.Accepted and not default_path.exists()
        dialog.ok_button.click()

    drive(monkeypatch, act)
    app_module.ensure_register(None)
    with Register(default_path) as register:
        assert len(list_documents(register)) == 4


def test_closing_the_dialog_creates_nothing_and_exits_without_error(
    qtbot: Any, default_path: Path, monkeypatch: pytest.MonkeyPatch, no_blocking_dialogs: list[Any]
) -> None:
    seen = drive(monkeypatch, lambda dialog: dialog.reject())
    with pytest.raises(app_module.StartCancelled):
        app_module.ensure_register(None)
    assert app_module.run(None) == 0
    assert len(seen) == 2 and no_blocking_dialogs == []
    assert not default_path.exists()


def test_the_first_start_leads_to_the_window_on_the_new_register(
    qtbot: Any, default_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drive(monkeypatch, create_new)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    opened: list[MainWindow] = []

    def make_window(path: Path, **options: Any) -> MainWindow:  # as app.run builds it
        opened.append(MainWindow(path, settings=settings, **options))
        return opened[-1]

    monkeypatch.setattr(app_module, "MainWindow", make_window)

    def close_when_shown() -> None:
        if not opened or not opened[0].isVisible() or not backup.scan_backups(default_path):
            QTimer.singleShot(50, close_when_shown)  # the start-up backup runs off-thread
            return
        opened[0].close()

    QTimer.singleShot(0, close_when_shown)
    guard = QTimer(singleShot=True, interval=20_000)  # never hang the suite
    guard.timeout.connect(QApplication.closeAllWindows)
    guard.start()
    try:
        assert app_module.run(None) == 0
    finally:
        guard.stop()
    assert opened[0].db_path == default_path


def test_ok_waits_for_the_agency_and_the_place(qtbot: Any, tmp_path: Path) -> None:
    dialog = FirstStartDialog(tmp_path / "so.cdsdb")
    qtbot.addWidget(dialog)
    assert dialog.choice() is Choice.NEW
    assert not dialog.ok_button.isEnabled()
    assert dialog.advice.label.text() == "Cần ghi tên cơ quan, địa danh."
    fill(dialog, {"agency_name": "SỞ NỘI VỤ"})
    assert not dialog.ok_button.isEnabled()
    assert dialog.advice.label.text() == "Cần ghi địa danh."
    fill(dialog, {"place_name": "  "})
    assert not dialog.ok_button.isEnabled()
    fill(dialog, {"place_name": "Quảng Trị"})
    assert dialog.ok_button.isEnabled() and dialog.advice.label.text() == ""
    fill(dialog, {"agency_name": ""})
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # Enter with the button disabled does nothing
    assert dialog.result() != QDialog.DialogCode.Accepted and not (tmp_path / "so.cdsdb").exists()
    dialog.demo_radio.setChecked(True)
    assert dialog.ok_button.isEnabled() and not dialog.new_box.isEnabled()


def test_capitals_are_offered_for_what_documents_print_in_capitals(
    qtbot: Any, tmp_path: Path
) -> None:
    dialog = FirstStartDialog(tmp_path / "so.cdsdb")
    qtbot.addWidget(dialog)
    fill(dialog, AGENCY)
    assert not dialog.advice.capitals_button.isHidden()
    assert "tên cơ quan, cơ quan cấp trên" in dialog.advice.label.text()
    assert dialog.root_edit.text() == "Sở Khoa học và Công nghệ"
    dialog.advice.capitals_button.click()
    assert dialog.form.values()["agency_name"] == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    assert dialog.advice.capitals_button.isHidden()
    assert dialog.root_edit.text() == "Sở Khoa học và Công nghệ"  # kept as first typed
    dialog.root_edit.setText("Sở KH&CN")
    dialog.root_edit.textEdited.emit("Sở KH&CN")
    fill(dialog, {"agency_name": "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH"})
    assert dialog.root_unit_name() == "Sở KH&CN"  # the user's own name is never replaced


def test_the_preview_shows_the_masthead_as_it_will_print(qtbot: Any, tmp_path: Path) -> None:
    dialog = FirstStartDialog(tmp_path / "so.cdsdb")
    qtbot.addWidget(dialog)
    fill(dialog, AGENCY)
    shown = dialog.preview.text()
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in shown and "UBND TỈNH QUẢNG NGÃI" in shown
    assert "/BC-SKHCN" in shown and "KT. GIÁM ĐỐC<br>PHÓ GIÁM ĐỐC" in shown
    html = masthead_html(fs.FirstStartDialog(tmp_path / "x").form.values(), date(2024, 3, 1))
    assert "TÊN CƠ QUAN" in html  # a placeholder shows what is missing
    html = masthead_html(
        {**{k: "" for k in fs.FIELDS}, "place_name": "Quảng Ngãi", "drafting_unit": "VP"},
        date(2024, 2, 3),
    )
    assert "Quảng Ngãi, ngày 03 tháng 02 năm 2024" in html and "Lưu: VT, VP." in html


def test_a_refused_write_is_shown_in_the_dialog_which_stays_open(
    qtbot: Any, tmp_path: Path
) -> None:
    path = tmp_path / "so.cdsdb"
    dialog = FirstStartDialog(path)
    qtbot.addWidget(dialog)
    fill(dialog, {"agency_name": "SỞ NỘI VỤ", "place_name": "Quảng Trị"})
    path.write_bytes(b"")  # another window made it a moment ago
    dialog.ok_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.error_label.isHidden() and str(path) in dialog.error_label.text()
    assert path.read_bytes() == b""  # never written over


@pytest.mark.parametrize(
    ("agency", "unit"),
    [
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ"),
        ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
        ("UBND THÀNH PHỐ QUẢNG NGÃI", "UBND thành phố Quảng Ngãi"),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),
        ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
        ("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("PHÒNG HÀNH CHÍNH - TỔNG HỢP", "Phòng Hành chính - Tổng hợp"),
        ("Sở Tài chính", "Sở Tài chính"),  # typed in mixed case: kept
    ],
)
def test_the_root_unit_is_named_as_sentences_write_it(agency: str, unit: str) -> None:
    assert unit_name_from_agency(agency) == unit


def test_the_agency_details_are_changed_later_and_saved_in_the_register(
    qtbot: Any, demo: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    def act(dialog: AgencySettingsDialog) -> None:
        assert dialog.form.values()["agency_name"] == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
        fill(dialog, {"place_name": ""})
        assert not dialog.ok_button.isEnabled()
        fill(dialog, {"place_name": "Quảng Ngãi", "signer_name": "Trần Thị Hoa"})
        fill(dialog, {"signer_title": "PHÓ GIÁM ĐỐC", "signer_authority": "KT. GIÁM ĐỐC"})
        assert dialog.changes() == {
            "signer_name": "Trần Thị Hoa",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_authority": "KT. GIÁM ĐỐC",
        }
        dialog.ok_button.click()

    seen = drive(monkeypatch, act)
    parent = QDialog()
    qtbot.addWidget(parent)
    action = agency_settings_action(parent, demo)
    assert action.objectName() == "agencySettingsAction"
    action.trigger()
    assert isinstance(seen[0], AgencySettingsDialog)
    assert seen[0].result() == QDialog.DialogCode.Accepted
    settings = load_settings(demo)
    assert (settings.signer_name, settings.signer_authority) == ("Trần Thị Hoa", "KT. GIÁM ĐỐC")
    assert settings.place_name == "Quảng Ngãi" and settings.due_soon_days == 7


def test_cancelling_the_agency_details_changes_nothing(qtbot: Any, demo: Register) -> None:
    before = load_settings(demo)
    dialog = AgencySettingsDialog(demo)
    qtbot.addWidget(dialog)
    fill(dialog, {"agency_name": "SỞ NỘI VỤ"})
    dialog.reject()
    assert load_settings(demo) == before
