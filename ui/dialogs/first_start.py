"""The first start on a PC, and the agency's details printed on every document.

``FirstStartDialog`` runs when the program starts without ``--db`` and the
register in the user's data folder does not exist yet: create the agency's own
register (its name, parent body, place name, signer), open the demo register,
or bring a register over from another PC (a backup file). Nothing is written
until the user chooses; a new register is built beside its final name and
moved into place whole, so a failure or a closed dialog leaves no half-made file.

``AgencySettingsDialog`` changes the same details later (Tệp → Thông tin cơ quan…).
Both show a live preview of the document's masthead and signature block as the
exports print them (capitals where Nghị định 30 wants capitals).
"""

from __future__ import annotations

import contextlib
import html
import itertools
import os
from collections.abc import Callable
from datetime import date
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.errors import CdsError, RegisterError
from cdsdesk.exporting.report_data import initials
from cdsdesk.settings import RegisterSettings, load_settings, save_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import normalize_spaces, place_and_date
from ui.dialogs import backup_dialog, common
from ui.dialogs._form_helpers import ERROR_STYLE

# The settings this form edits, in the order of the form.
FIELDS = (
    "agency_name",
    "parent_agency",
    "place_name",
    "signer_name",
    "signer_title",
    "signer_authority",
    "drafting_unit",
)
REQUIRED = ("agency_name", "place_name")
# Printed in capitals on every document (the renderers capitalise them anyway;
# stored the same way, the register reads as the documents do).
CAPITALS = ("agency_name", "parent_agency", "signer_title", "signer_authority")
AUTHORITY_CHOICES = ("", "KT. GIÁM ĐỐC", "TL. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN")
HINT_STYLE = "color: #5f6368;"
SUGGEST_STYLE = "color: #8a5300;"
PREVIEW_WIDTH = 470


def tr(text: str) -> str:
    return QCoreApplication.translate("FirstStart", text)


class Choice(Enum):
    NEW = "new"
    DEMO = "demo"
    RESTORE = "restore"


# -- the unit's name as sentences write it ----------------------------------------

_FIXED = (
    ("ủy", "ban", "nhân", "dân"),
    ("uỷ", "ban", "nhân", "dân"),
    ("hội", "đồng", "nhân", "dân"),
)
_ORGANS = (
    ("văn", "phòng"),
    ("trung", "tâm"),
    ("chi", "cục"),
    ("tổng", "cục"),
    ("ban",),
    ("bộ",),
    ("cục",),
    ("đài",),
    ("phòng",),
    ("sở",),
    ("trường",),
    ("viện",),
    ("vụ",),
)
_PLACES = (
    ("thành", "phố"),
    ("thị", "xã"),
    ("thị", "trấn"),
    ("tỉnh",),
    ("huyện",),
    ("quận",),
    ("phường",),
    ("xã",),
)
_KEPT_CAPITALS = {"UBND", "HĐND", "MTTQ", "BCĐ", "CĐS", "CNTT", "KH&CN", "TT&TT", "VH-TT"}


def unit_name_from_agency(agency: str) -> str:
    """``SỞ KHOA HỌC VÀ CÔNG NGHỆ`` -> ``Sở Khoa học và Công nghệ``: a name for the unit tree.

    Names typed in mixed case are kept as typed. Capitals are turned into the
    usual spelling of Vietnamese bodies: the first word of each part capitalised
    (after the kind of body, ``và``, ``-`` and ``,``), place names in full,
    ``Ủy ban nhân dân`` as one part, abbreviations kept. A suggestion to edit.
    """
    text = normalize_spaces(agency)
    if text != text.upper():
        return text
    words = text.split(" ")
    low = [w.lower() for w in words]
    out: list[str] = []
    start_part, in_place = True, False
    i = 0
    while i < len(words):
        if words[i] in _KEPT_CAPITALS:
            out.append(words[i])
            start_part = False
            i += 1
            continue
        if in_place:
            out.append(low[i].capitalize())
            i += 1
            continue
        fixed = next((f for f in _FIXED if tuple(low[i : i + len(f)]) == f), None)
        if fixed:
            part = list(low[i : i + len(fixed)])
            part[0] = part[0].capitalize() if start_part or not out else part[0]
            out.extend(part)
            start_part = False
            i += len(fixed)
            continue
        place = next((p for p in _PLACES if tuple(low[i : i + len(p)]) == p), None)
        if place and out and not (place == ("xã",) and low[i + 1 : i + 2] == ["hội"]):
            out.extend(low[i : i + len(place)])
            in_place = True
            i += len(place)
            continue
        organ = next((o for o in _ORGANS if tuple(low[i : i + len(o)]) == o), None)
        word = low[i].capitalize() if start_part or not out else low[i]
        if organ and (start_part or not out):
            out.append(word)
            out.extend(low[i + 1 : i + len(organ)])
            i += len(organ)
            continue  # the part after the kind of body starts with a capital
        out.append(word)
        start_part = low[i] in ("và", "-") or low[i].endswith(",")
        i += 1
    return " ".join(out)


# -- the preview ---------------------------------------------------------------------


def masthead_html(values: dict[str, str], today: date) -> str:
    """The masthead and the signature block of a report, as the exports lay them out."""

    def shown(text: str, missing: str) -> str:
        text = normalize_spaces(text)
        if not text:
            return f"<span style='color:#9aa0a6'>{html.escape(missing)}</span>"
        return html.escape(text.upper())

    agency = values.get("agency_name", "")
    code = initials(agency) if agency.strip() else "…"
    keep = "VT" + (
        f", {normalize_spaces(values['drafting_unit'])}"
        if values.get("drafting_unit", "").strip()
        else ""
    )
    parent = normalize_spaces(values.get("parent_agency", ""))
    parent_line = f"{html.escape(parent.upper())}<br>" if parent else ""
    place = normalize_spaces(values.get("place_name", ""))
    when = html.escape(place_and_date(place or tr("Địa danh"), today))
    sign_lines = [
        shown(values.get(name, ""), missing)
        for name, missing in (("signer_authority", ""), ("signer_title", tr("CHỨC VỤ")))
        if values.get(name, "").strip() or missing
    ]
    signer = normalize_spaces(values.get("signer_name", ""))
    signer_html = (
        html.escape(signer)
        if signer
        else (f"<span style='color:#9aa0a6'>{html.escape(tr('Họ và tên người ký'))}</span>")
    )
    nation = html.escape(tr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    motto = html.escape(tr("Độc lập - Tự do - Hạnh phúc"))
    return f"""
<div style="font-family:'Times New Roman','Liberation Serif',serif; color:#000;">
<table width="100%" cellspacing="0" cellpadding="0">
<tr>
 <td width="42%" align="center" valign="top">{parent_line}<b>{shown(agency, tr("TÊN CƠ QUAN"))}</b>
  <hr width="35%" style="color:#000">Số: &nbsp;&nbsp;&nbsp;&nbsp;/BC-{html.escape(code)}</td>
 <td width="58%" align="center" valign="top"><b>{nation}</b>
  <br><b><u>{motto}</u></b>
  <br><br><i>{when}</i></td>
</tr>
</table>
<p align="center" style="margin-top:10px"><b>{html.escape(tr("BÁO CÁO"))}</b><br>
<b>{html.escape(tr("Kết quả thực hiện nhiệm vụ chuyển đổi số quý …"))}</b></p>
<p align="center" style="color:#9aa0a6">{html.escape(tr("(nội dung văn bản)"))}</p>
<table width="100%" cellspacing="0" cellpadding="0">
<tr>
 <td width="50%" valign="top"><b><i>{html.escape(tr("Nơi nhận:"))}</i></b><br>- …;<br>
  - {html.escape(tr("Lưu"))}: {html.escape(keep)}.</td>
 <td width="50%" align="center" valign="top"><b>{"<br>".join(sign_lines)}</b><br><br><br>
  <b>{signer_html}</b></td>
</tr>
</table>
</div>"""


class MastheadPreview(QLabel):
    """A small white page showing how the documents will be headed and signed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mastheadPreview")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWordWrap(True)
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet(
            "QLabel#mastheadPreview { background: white; color: black;"
            " border: 1px solid #c4c7c5; padding: 10px; }"
        )
        font = self.font()
        font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
        self.setFont(font)
        self.setFixedWidth(PREVIEW_WIDTH)
        self.setToolTip(tr("Phần đầu và phần cuối văn bản (thông báo, báo cáo, công văn) khi in"))

    def show_values(self, values: dict[str, str], today: date | None = None) -> None:
        self.setText(masthead_html(values, today or date.today()))


# -- the form --------------------------------------------------------------------------


class AgencyForm(QWidget):
    """The agency's details: name, parent body, place name, signer, drafting unit.

    ``changed`` fires on every edit; ``missing()`` lists the required fields
    left empty, ``lowercase()`` the fields printed in capitals but typed otherwise.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits: dict[str, QLineEdit] = {}
        specs = {
            "agency_name": ("agencyEdit", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
            "parent_agency": ("parentAgencyEdit", "UBND TỈNH QUẢNG NGÃI"),
            "place_name": ("placeEdit", "Quảng Ngãi"),
            "signer_name": ("signerNameEdit", "Nguyễn Văn A"),
            "signer_title": ("signerTitleEdit", "GIÁM ĐỐC"),
            "drafting_unit": ("draftingUnitEdit", "VP"),
        }
        for name, (object_name, example) in specs.items():
            edit = QLineEdit(objectName=object_name)
            edit.setPlaceholderText(tr("Ví dụ: {example}").format(example=example))
            edit.setMinimumWidth(300)
            edit.textChanged.connect(self.changed)
            self.edits[name] = edit
        self.edits["drafting_unit"].setPlaceholderText(tr("Ví dụ: VP (in ở dòng “Lưu: VT, VP.”)"))
        self.authority_combo = QComboBox(objectName="authorityCombo")
        self.authority_combo.setEditable(True)
        self.authority_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.authority_combo.addItems(list(AUTHORITY_CHOICES))
        self.authority_combo.setItemText(0, "")
        authority_edit = self.authority_combo.lineEdit()
        authority_edit.setPlaceholderText(tr("Để trống khi người đứng đầu ký"))
        authority_edit.textChanged.connect(self.changed)
        self.authority_combo.setToolTip(
            tr(
                "KT. (ký thay) khi cấp phó ký thay người đứng đầu; TL. (thừa lệnh) khi "
                "chánh văn phòng, trưởng phòng ký; TM. (thay mặt) khi ký thay tập thể."
            )
        )
        self.edits["signer_title"].textChanged.connect(self._suggest_authorities)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(tr("Tên &cơ quan (*):"), self.edits["agency_name"])
        form.addRow(tr("Cơ quan cấp &trên:"), self.edits["parent_agency"])
        form.addRow(tr("Đị&a danh (*):"), self.edits["place_name"])
        form.addRow(tr("&Người ký:"), self.edits["signer_name"])
        form.addRow(tr("Chức &vụ người ký:"), self.edits["signer_title"])
        form.addRow(tr("Thẩm &quyền ký:"), self.authority_combo)
        form.addRow(tr("Đơn vị &soạn thảo:"), self.edits["drafting_unit"])
        self.form = form

    def focus_chain(self) -> list[QWidget]:
        edits = self.edits
        return [
            edits["agency_name"],
            edits["parent_agency"],
            edits["place_name"],
            edits["signer_name"],
            edits["signer_title"],
            self.authority_combo,
            edits["drafting_unit"],
        ]

    def values(self) -> dict[str, str]:
        found = {name: normalize_spaces(edit.text()) for name, edit in self.edits.items()}
        found["signer_authority"] = normalize_spaces(self.authority_combo.currentText())
        return {name: found[name] for name in FIELDS}

    def set_values(self, settings: RegisterSettings) -> None:
        for name, edit in self.edits.items():
            edit.setText(getattr(settings, name))
        self.authority_combo.setEditText(settings.signer_authority)

    def missing(self) -> list[str]:
        values = self.values()
        return [name for name in REQUIRED if not values[name]]

    def lowercase(self) -> list[str]:
        values = self.values()
        return [name for name in CAPITALS if values[name] != values[name].upper()]

    def to_capitals(self) -> None:
        for name in self.lowercase():
            if name == "signer_authority":
                self.authority_combo.setEditText(self.authority_combo.currentText().upper())
            else:
                self.edits[name].setText(self.edits[name].text().upper())

    def _suggest_authorities(self) -> None:
        """``PHÓ GIÁM ĐỐC`` signs ``KT. GIÁM ĐỐC``: offer the head's title after KT. and TL."""
        title = normalize_spaces(self.edits["signer_title"].text()).upper()
        head = title[4:] if title.startswith("PHÓ ") else title
        wanted = list(AUTHORITY_CHOICES)
        if head and head != "GIÁM ĐỐC":
            wanted[1:1] = [f"KT. {head}", f"TL. {head}"]
        current = self.authority_combo.currentText()
        items = [self.authority_combo.itemText(i) for i in range(self.authority_combo.count())]
        if items == wanted:
            return
        self.authority_combo.blockSignals(True)
        self.authority_combo.clear()
        self.authority_combo.addItems(wanted)
        self.authority_combo.setEditText(current)
        self.authority_combo.blockSignals(False)


LABELS = {
    "agency_name": lambda: tr("tên cơ quan"),
    "parent_agency": lambda: tr("cơ quan cấp trên"),
    "place_name": lambda: tr("địa danh"),
    "signer_title": lambda: tr("chức vụ"),
    "signer_authority": lambda: tr("thẩm quyền ký"),
}


def _names(fields: list[str]) -> str:
    return ", ".join(LABELS[name]() for name in fields)


class _AdviceRow(QWidget):
    """One line under the form: what is missing, or the offer to write capitals."""

    def __init__(self, form: AgencyForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.label = QLabel(objectName="adviceLabel")
        self.label.setWordWrap(True)
        self.capitals_button = QPushButton(tr("Chuyển thành chữ &in hoa"))
        self.capitals_button.setObjectName("capitalsButton")
        self.capitals_button.setAutoDefault(False)
        self.capitals_button.clicked.connect(form.to_capitals)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.capitals_button)

    def refresh(self) -> None:
        missing, lower = self.form.missing(), self.form.lowercase()
        self.capitals_button.setVisible(bool(lower) and not missing)
        if missing:
            self.label.setStyleSheet(HINT_STYLE)
            self.label.setText(tr("Cần ghi {names}.").format(names=_names(missing)))
        elif lower:
            self.label.setStyleSheet(SUGGEST_STYLE)
            self.label.setText(
                tr("Trên văn bản, {names} được in hoa; nên ghi in hoa cho thống nhất.").format(
                    names=_names(lower)
                )
            )
        else:
            self.label.setText("")


def _titled_preview(preview: MastheadPreview) -> QWidget:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    title = QLabel(tr("Xem trước phần đầu và phần cuối văn bản:"))
    title.setStyleSheet(HINT_STYLE)
    column.addWidget(title)
    column.addWidget(preview, 1)
    return box


def _ok_cancel(ok_text: str, cancel_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("okButton")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    return buttons


def _error_label() -> QLabel:
    label = QLabel(objectName="errorLabel")
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


# -- first start -----------------------------------------------------------------------


def create_register(path: Path, values: dict[str, str], root_unit: str = "") -> None:
    """A new register at ``path`` with the agency's settings (and its root unit).

    Built under a temporary name and moved into place whole.
    """
    from cdsdesk.services.units import create_unit

    def fill(register: Register) -> None:
        save_settings(register, **values)
        if normalize_spaces(root_unit):
            create_unit(register, root_unit)

    _build_then_move(path, fill)


def create_demo_register(path: Path) -> None:
    from cdsdesk.demo import write_demo

    _build_then_move(path, write_demo)


def _build_then_move(path: Path, fill: Callable[[Register], object]) -> None:
    if path.exists():  # another window made it a moment ago: never write over a register
        raise RegisterError(tr("Đã có sổ đăng ký “{path}”.").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tao-moi.tmp")
    try:
        with Register(temp) as register:
            fill(register)
        os.replace(temp, path)
    except OSError as exc:
        raise RegisterError(
            tr("Không tạo được sổ đăng ký tại “{path}”: {reason}.").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


class FirstStartDialog(QDialog):
    """Welcome: a new register for the agency, the demo register, or one from another PC.

    Accepting writes the register at ``register_path``; a refusal (a disk
    error, a bad backup) is shown inside the dialog, which stays open.
    """

    def __init__(self, register_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstStartDialog")
        self.setWindowTitle(tr("Chào mừng đến với CĐS Desk"))
        self.register_path = register_path
        self.backup_file: Path | None = None
        self._unit_name_typed = False
        self._mixed_agency = ""  # the agency as typed before the change to capitals

        title = QLabel(tr("Chào mừng đến với CĐS Desk"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        welcome = QLabel(
            tr(
                "CĐS Desk giúp theo dõi các nhiệm vụ chuyển đổi số được giao trong các thông "
                "báo kết luận: đơn vị chủ trì, phối hợp, thời hạn, tiến độ; và in thông báo, "
                "báo cáo giao ban, công văn đôn đốc. Đây là lần đầu chương trình chạy trên "
                "máy này. Hãy chọn cách bắt đầu:"
            )
        )
        welcome.setWordWrap(True)

        self.new_radio = QRadioButton(tr("Tạo &sổ đăng ký mới cho cơ quan"))
        self.new_radio.setObjectName("newRadio")
        self.demo_radio = QRadioButton(tr("Mở sổ &mẫu (dữ liệu minh họa)"))
        self.demo_radio.setObjectName("demoRadio")
        self.restore_radio = QRadioButton(tr("Chuyển sổ từ máy khác (&khôi phục từ tệp sao lưu)"))
        self.restore_radio.setObjectName("restoreRadio")
        self.choices = QButtonGroup(self)
        for radio in (self.new_radio, self.demo_radio, self.restore_radio):
            self.choices.addButton(radio)
            face = radio.font()
            face.setBold(True)
            radio.setFont(face)
        self.new_radio.setChecked(True)

        self.form = AgencyForm()
        self.preview = MastheadPreview()
        self.advice = _AdviceRow(self.form)
        self.root_check = QCheckBox(tr("Tạo đơn vị &gốc:"))
        self.root_check.setObjectName("rootUnitCheck")
        self.root_check.setChecked(True)
        self.root_edit = QLineEdit(objectName="rootUnitEdit")
        self.root_edit.setPlaceholderText(tr("Ví dụ: Sở Khoa học và Công nghệ"))
        tip = tr(
            "Tạo đơn vị gốc là cơ quan này trong cây đơn vị, với tên viết như trong câu văn "
            "(“Sở Khoa học và Công nghệ báo cáo…”); các phòng, đơn vị thêm vào dưới nó."
        )
        self.root_edit.setToolTip(tip)
        self.root_check.setToolTip(tip)
        self.root_edit.textEdited.connect(self._root_edited)
        self.root_check.toggled.connect(self.root_edit.setEnabled)

        self.form.form.addRow(self.root_check, self.root_edit)

        self.new_box = QWidget(objectName="newBox")
        new_layout = QHBoxLayout(self.new_box)
        new_layout.setContentsMargins(24, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(self.form)
        left.addWidget(self.advice)
        left.addStretch(1)
        new_layout.addLayout(left, 1)
        new_layout.addSpacing(8)
        new_layout.addWidget(_titled_preview(self.preview))

        self.demo_note = self._note(
            tr(
                "Sổ mẫu có sẵn đơn vị, văn bản và nhiệm vụ của các thông báo kết luận thật, "
                "để dùng thử. Khi dùng thật, ghi thông tin cơ quan ở Tệp → Thông tin cơ quan…"
            )
        )
        self.restore_note = self._note(
            tr(
                "Chọn tệp sao lưu (.cdsdb) đã chép từ máy cũ, ví dụ trên USB "
                "(Tệp → Sao lưu và khôi phục… → Sao lưu ngay vào thư mục…)."
            )
        )
        self.restore_note.setObjectName("restoreNote")

        where = QLabel(tr("Sổ đăng ký sẽ được lưu tại: {path}").format(path=register_path))
        where.setObjectName("whereLabel")
        where.setStyleSheet(HINT_STYLE)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = _error_label()
        self.buttons = _ok_cancel(tr("Tạo sổ đăng ký"), tr("Thoát"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(welcome)
        layout.addSpacing(4)
        layout.addWidget(self.new_radio)
        layout.addWidget(self.new_box)
        layout.addWidget(self.demo_radio)
        layout.addWidget(self.demo_note)
        layout.addWidget(self.restore_radio)
        layout.addWidget(self.restore_note)
        layout.addSpacing(6)
        layout.addWidget(where)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.form.changed.connect(self._refresh)
        self.choices.buttonToggled.connect(lambda *_: self._refresh())
        # Tab follows the page: the form, its root unit, the advice, the other choices.
        chain = [
            self.new_radio,
            *self.form.focus_chain(),
            self.root_check,
            self.root_edit,
            self.advice.capitals_button,
            self.demo_radio,
            self.restore_radio,
            self.ok_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.form.edits["agency_name"].setFocus()
        self._refresh()

    @staticmethod
    def _note(text: str) -> QLabel:
        note = QLabel(text)
        note.setWordWrap(True)
        note.setStyleSheet(HINT_STYLE)
        note.setContentsMargins(24, 0, 0, 0)
        return note

    def choice(self) -> Choice:
        if self.demo_radio.isChecked():
            return Choice.DEMO
        if self.restore_radio.isChecked():
            return Choice.RESTORE
        return Choice.NEW

    def root_unit_name(self) -> str:
        return normalize_spaces(self.root_edit.text()) if self.root_check.isChecked() else ""

    def _root_edited(self) -> None:
        self._unit_name_typed = bool(self.root_edit.text().strip())

    def _refresh(self) -> None:
        choice = self.choice()
        self.new_box.setEnabled(choice is Choice.NEW)
        values = self.form.values()
        self.preview.show_values(values)
        self.advice.refresh()
        if not self._unit_name_typed:
            self.root_edit.setText(unit_name_from_agency(self._typed_agency()))
        self.ok_button.setEnabled(choice is not Choice.NEW or not self.form.missing())
        self.ok_button.setText(
            {
                Choice.NEW: tr("Tạo sổ đăng ký"),
                Choice.DEMO: tr("Mở sổ mẫu"),
                Choice.RESTORE: tr("Chọn tệp sao lưu…"),
            }[choice]
        )
        self.error_label.hide()

    def _typed_agency(self) -> str:
        """The agency as first typed: a mixed-case name survives the change to capitals."""
        text = self.form.edits["agency_name"].text()
        if text != text.upper():
            self._mixed_agency = text
        elif self._mixed_agency.upper() == text:
            return self._mixed_agency
        return text

    def accept(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            done = self._create()
        except CdsError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        if done:
            super().accept()

    def _create(self) -> bool:
        choice = self.choice()
        if choice is Choice.NEW:
            if self.form.missing():
                return False
            create_register(self.register_path, self.form.values(), self.root_unit_name())
        elif choice is Choice.DEMO:
            create_demo_register(self.register_path)
        else:
            from cdsdesk.storage.backup import backup_folder, restore_register

            # Backups left beside a register that was lost are the likely choice.
            folder = backup_folder(self.register_path)
            start = folder if folder.is_dir() else Path.home()
            chosen = backup_dialog.choose_backup_file(self, start)
            if chosen is None:
                return False

            restore_register(self.register_path, chosen)
            self.backup_file = chosen
        return True


def first_start(register_path: Path, parent: QWidget | None = None) -> bool:
    """Ask a new user how to begin and write the register; False when they closed it."""
    dialog = FirstStartDialog(register_path, parent)
    accepted = common.exec_dialog(dialog) == QDialog.DialogCode.Accepted
    return accepted and register_path.exists()


# -- later: Tệp → Thông tin cơ quan… ----------------------------------------------------


class AgencySettingsDialog(QDialog):
    """The agency's details printed on every document, read from and saved to the register."""

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agencySettingsDialog")
        self.setWindowTitle(tr("Thông tin cơ quan"))
        self.register = register
        self.saved: RegisterSettings | None = None
        self.form = AgencyForm()
        self.stored = load_settings(register)
        self.form.set_values(self.stored)
        self.preview = MastheadPreview()
        self.advice = _AdviceRow(self.form)
        self.error_label = _error_label()
        intro = QLabel(
            tr(
                "Thông tin này in trên mọi thông báo, báo cáo, công văn xuất từ sổ đăng ký "
                "và đi theo sổ khi chép sang máy khác."
            )
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(HINT_STYLE)
        self.buttons = _ok_cancel(tr("Lưu"), tr("Hủy"))
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.form)
        left.addWidget(self.advice)
        left.addStretch(1)
        body.addLayout(left, 1)
        body.addSpacing(8)
        body.addWidget(_titled_preview(self.preview))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.form.changed.connect(self._refresh)
        self._refresh()

    def changes(self) -> dict[str, str]:
        values = self.form.values()
        return {k: v for k, v in values.items() if getattr(self.stored, k) != v}

    def _refresh(self) -> None:
        self.preview.show_values(self.form.values())
        self.advice.refresh()
        self.ok_button.setEnabled(not self.form.missing())
        self.error_label.hide()

    def accept(self) -> None:
        if self.form.missing():
            return
        try:
            changes = self.changes()
            self.saved = save_settings(self.register, **changes) if changes else self.stored
        except CdsError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        super().accept()


def agency_settings_action(parent: QWidget, register: Register) -> QAction:
    """Tệp → Thông tin cơ quan…: opens :class:`AgencySettingsDialog` on ``register``."""
    action = QAction(tr("Thông tin &cơ quan…"), parent)
    action.setObjectName("agencySettingsAction")
    action.setStatusTip(tr("Tên cơ quan, cơ quan cấp trên, địa danh, người ký in trên văn bản"))
    action.triggered.connect(lambda: common.exec_dialog(AgencySettingsDialog(register, parent)))
    return action
