"""The choices before an export: what to export, in which format, to which file.

One dialog class for the five kinds (notice, quarterly report, urging letter,
the task list to Excel, the report to print); each shows only its own fields.
:meth:`ExportDialog.request` hands the choices over as a plain
:class:`ExportRequest`, which ``ui.export_runner`` carries out off the GUI thread.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QStandardPaths, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.exporting.api import Format
from cdsdesk.periods import Quarter, parse_quarter
from cdsdesk.services.documents import list_documents
from cdsdesk.services.reports import ReportInfo, list_reports
from cdsdesk.services.units import list_units
from cdsdesk.storage.db import Register
from cdsdesk.textvi import format_date, quarter_roman
from ui.dialogs import common
from ui.dialogs._form_helpers import error_label
from ui.dialogs.export_request import (  # noqa: F401  (re-exported)
    ExportDefaults,
    ExportKind,
    ExportRequest,
    TableSnapshot,
)
from ui.dialogs.quarterly_round import UnitCombo
from ui.i18n import setup_date_edit
from ui.models.base import Index, RowsTableModel

COL_NUMBER, COL_PERIOD, COL_SCOPE, COL_AS_OF, COL_ISSUED = range(5)
REPORT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    return QCoreApplication.translate("ExportDialog", text)


# -- hooks tests replace --------------------------------------------------------


def default_folder() -> Path:
    """The user's Documents folder (or home when there is none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location and Path(location).is_dir() else Path.home()


def choose_save_path(parent: QWidget | None, title: str, start: Path, filters: str) -> Path | None:
    """Ask where to save (asks before overwriting); None when cancelled."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    return Path(chosen) if chosen else None


# -- names ----------------------------------------------------------------------


def ascii_name(text: str) -> str:
    """``Báo cáo quý I/2024`` -> ``Bao-cao-quy-I-2024``: safe on any disk, any e-mail."""
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return re.sub(r"[^A-Za-z0-9]+", "-", stripped).strip("-")


def previous_quarter(day: date) -> Quarter:
    """The last quarter that has ended by ``day``."""
    current = Quarter.of(day)
    return Quarter(current.year - 1, 4) if current.number == 1 else Quarter(
        current.year, current.number - 1
    )


def quarter_choices(first_year: int, today: date) -> list[Quarter]:
    """Every quarter from ``first_year`` to the current one, the newest first."""
    last = Quarter.of(today)
    quarters = []
    quarter = Quarter(min(first_year, last.year), 1)
    while (quarter.year, quarter.number) <= (last.year, last.number):
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters[::-1]


def default_file_name(
    kind: ExportKind,
    *,
    quarter: Quarter | None = None,
    unit_name: str = "",
    document_label: str = "",
    report_number: str = "",
    as_of: date | None = None,
) -> str:
    """The file name offered, without extension, in Vietnamese without diacritics."""
    if kind in (ExportKind.REPORT, ExportKind.PRINT_REPORT):
        parts = ["Bao cao"]
        if quarter is not None:
            parts.append(f"quy {quarter_roman(quarter.number)} {quarter.year}")
        if unit_name:
            parts.append(unit_name)
        if report_number:
            parts.append(f"so {report_number}")
    elif kind is ExportKind.NOTICE:
        parts = ["Thong bao ket luan", document_label]
    elif kind is ExportKind.LETTER:
        parts = ["Cong van don doc", unit_name]
    else:
        parts = ["Danh sach nhiem vu"]
        if as_of is not None:
            parts.append(as_of.strftime("%d-%m-%Y"))
    return ascii_name(" ".join(p for p in parts if p)) or "Xuat"


class IssuedReportModel(RowsTableModel[ReportInfo]):
    """The reports already issued, newest first: which one to export again."""

    def __init__(self, reports: list[ReportInfo], parent: QWidget | None = None) -> None:
        super().__init__(
            [tr("Số"), tr("Kỳ báo cáo"), tr("Phạm vi"), tr("Tính đến ngày"), tr("Phát hành lúc")],
            parent,
        )
        self.set_rows(reports)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        report = self.row_at(index.row())
        if role == REPORT_ID_ROLE:
            return report.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return report.title
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == COL_NUMBER:
            return report.number or tr("(chưa ghi số)")
        if column == COL_PERIOD:
            return report.period_label
        if column == COL_SCOPE:
            return report.unit_name or tr("Toàn bộ sổ")
        if column == COL_AS_OF:
            return format_date(report.as_of)
        return report.issued_at.strftime("%d/%m/%Y %H:%M")


class ExportDialog(QDialog):
    """The choices for one export. ``request()`` after it is accepted."""

    def __init__(
        self,
        kind: ExportKind,
        register: Register,
        defaults: ExportDefaults | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.kind = kind
        self.register = register
        self.defaults = defaults or ExportDefaults()
        self._path_edited = False
        self._today = date.today()
        self.setWindowTitle(
            {
                ExportKind.NOTICE: tr("Xuất thông báo kết luận"),
                ExportKind.REPORT: tr("Xuất báo cáo quý"),
                ExportKind.LETTER: tr("Xuất công văn đôn đốc"),
                ExportKind.TASKS_XLSX: tr("Xuất danh sách nhiệm vụ ra Excel"),
                ExportKind.PRINT_REPORT: tr("In báo cáo quý"),
            }[kind]
        )
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        builder = {
            ExportKind.NOTICE: self._build_notice,
            ExportKind.REPORT: self._build_report,
            ExportKind.PRINT_REPORT: self._build_report,
            ExportKind.LETTER: self._build_letter,
            ExportKind.TASKS_XLSX: self._build_tasks,
        }[kind]
        builder()
        if kind is not ExportKind.PRINT_REPORT:
            self._build_output()
        self.error = error_label("exportError")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("exportOk")
        self.ok_button.setText(
            tr("Xem trước để in") if kind is ExportKind.PRINT_REPORT else tr("Xuất")
        )
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Hủy bỏ"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._refresh()
        self.setMinimumWidth(560)

    # -- per kind -------------------------------------------------------------

    def _build_notice(self) -> None:
        self._document_labels: dict[int, str] = {}
        self.document_combo = QComboBox(objectName="documentCombo")
        self.document_combo.setMinimumContentsLength(40)
        self.document_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        for doc in list_documents(self.register):
            day = tr(" ngày {day}").format(day=format_date(doc.issued_on)) if doc.issued_on else ""
            text = f"{doc.label or doc.type_name}{day} – {doc.title}"
            self._document_labels[doc.id] = doc.label or doc.type_name
            self.document_combo.addItem(text, doc.id)
            self.document_combo.setItemData(
                self.document_combo.count() - 1, doc.title, Qt.ItemDataRole.ToolTipRole
            )
        index = self.document_combo.findData(self.defaults.document_id)
        self.document_combo.setCurrentIndex(max(index, 0))
        self.document_combo.currentIndexChanged.connect(self._refresh)
        self._add_row(tr("&Văn bản nguồn:"), self.document_combo)

    def _add_row(
        self, text: str, field: QWidget | QHBoxLayout, buddy: QWidget | None = None
    ) -> None:
        """A labelled row whose Alt+letter goes to ``buddy`` (the field itself by default)."""
        label = QLabel(text)
        target = buddy or field
        assert isinstance(target, QWidget)
        label.setBuddy(target)
        self.form.addRow(label, field)

    def _units(self, *, retired_too: bool = False) -> UnitCombo:
        """Letters go to units that still exist; a report may look back at a merged one."""
        units = [
            u
            for u in list_units(self.register)
            if u.active or retired_too or u.id == self.defaults.unit_id
        ]
        combo = UnitCombo(units)
        combo.set_unit_id(self.defaults.unit_id)
        combo.currentIndexChanged.connect(self._refresh)
        return combo

    def _as_of_edit(self, day: date) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName("asOfEdit")
        setup_date_edit(edit)
        edit.setDate(QDate(day.year, day.month, day.day))
        edit.dateChanged.connect(self._refresh)
        return edit

    def _build_letter(self) -> None:
        self.unit_combo = self._units()
        self._add_row(tr("Gửi đơn &vị:"), self.unit_combo)
        self.as_of_edit = self._as_of_edit(self.defaults.as_of)
        self._add_row(tr("Tính đến &ngày:"), self.as_of_edit)

    def _build_report(self) -> None:
        reports = list_reports(self.register)
        self.new_radio = QRadioButton(tr("Tính số liệu &mới từ sổ"), objectName="newReport")
        self.issued_radio = QRadioButton(
            tr("Báo cáo đã phát &hành (số liệu đã chốt)"), objectName="issuedReport"
        )
        if not reports:
            self.issued_radio.setText(tr("Báo cáo đã phát hành (chưa có báo cáo nào)"))
        self.new_radio.setChecked(True)
        self.issued_radio.setEnabled(bool(reports))
        source = QButtonGroup(self)
        source.addButton(self.new_radio)
        source.addButton(self.issued_radio)
        source.buttonToggled.connect(self._refresh)
        self.form.addRow(tr("Nguồn số liệu:"), self.new_radio)

        self.quarter_combo = QComboBox(objectName="quarterCombo")
        years = [d.issued_on.year for d in list_documents(self.register) if d.issued_on]
        for quarter in quarter_choices(min(years, default=self._today.year - 1), self._today):
            label = quarter.label
            self.quarter_combo.addItem(label[:1].upper() + label[1:], quarter.code)
        # The quarter the window is looking at: the one ending on its as-of day, else
        # the last one finished by then.
        seen = min(self.defaults.as_of, self._today)
        last = Quarter.of(seen) if seen == Quarter.of(seen).end else previous_quarter(seen)
        self.quarter_combo.setCurrentIndex(max(self.quarter_combo.findData(last.code), 0))
        self.quarter_combo.currentIndexChanged.connect(self._quarter_changed)
        self._add_row(tr("&Quý:"), self.quarter_combo)
        self.as_of_edit = self._as_of_edit(self.quarter().end)
        self._add_row(tr("Tính đến &ngày:"), self.as_of_edit)

        self.whole_radio = QRadioButton(tr("&Toàn bộ sổ"), objectName="wholeRegister")
        self.unit_radio = QRadioButton(
            tr("Một đơn &vị, kể cả đơn vị cấp dưới:"), objectName="oneUnit"
        )
        self.whole_radio.setChecked(True)
        scope = QButtonGroup(self)
        scope.addButton(self.whole_radio)
        scope.addButton(self.unit_radio)
        scope.buttonToggled.connect(self._refresh)
        row = QHBoxLayout()
        row.addWidget(self.whole_radio)
        row.addWidget(self.unit_radio)
        row.addStretch(1)
        self.form.addRow(tr("Phạm vi:"), row)
        self.unit_combo = self._units(retired_too=True)  # the unit in the tree, if any
        self.form.addRow("", self.unit_combo)

        if self.kind is ExportKind.REPORT:
            self.issue_check = QCheckBox(
                tr("&Phát hành báo cáo (chốt số liệu), số:"), objectName="issueCheck"
            )
            self.issue_check.setToolTip(
                tr("Lưu số liệu của báo cáo vào sổ: xuất lại về sau vẫn đúng các con số này.")
            )
            self.issue_check.toggled.connect(self._refresh)
            self.number_edit = QLineEdit(objectName="issueNumber")
            self.number_edit.setPlaceholderText(tr("để trống nếu ghi tay sau"))
            self.number_edit.setMinimumWidth(190)
            issue_row = QHBoxLayout()
            issue_row.addWidget(self.issue_check)
            issue_row.addWidget(self.number_edit)
            issue_row.addStretch(1)
            self.form.addRow("", issue_row)

        self.form.addRow("", self.issued_radio)
        self.issued_model = IssuedReportModel(reports, self)
        self.issued_view = QTableView(objectName="issuedReports")
        self.issued_view.setModel(self.issued_model)
        self.issued_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.issued_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.issued_view.verticalHeader().hide()
        header = self.issued_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.issued_view.setMinimumHeight(120)
        self.issued_view.setAccessibleName(tr("Báo cáo đã phát hành"))
        if reports:
            self.issued_view.selectRow(0)
        self.issued_view.selectionModel().selectionChanged.connect(self._refresh)
        self.issued_view.doubleClicked.connect(self._issued_activated)
        self.issued_view.setVisible(bool(reports))
        self.form.addRow(self.issued_view)

    def _build_tasks(self) -> None:
        table = self.defaults.table
        count = len(table.rows) if table else 0
        summary = QLabel(
            tr("{count} nhiệm vụ đang hiển thị trong bảng, với các cột đang hiện.").format(
                count=count
            ),
            objectName="tableSummary",
        )
        self.form.addRow(tr("Nội dung:"), summary)
        if table and table.filter_summary:
            label = QLabel(table.filter_summary, objectName="filterSummary")
            label.setWordWrap(True)
            self.form.addRow(tr("Bộ lọc:"), label)
        if table:
            self.form.addRow(tr("Tính đến ngày:"), QLabel(format_date(table.as_of)))

    def _build_output(self) -> None:
        if self.kind is not ExportKind.TASKS_XLSX:
            self.word_radio = QRadioButton(tr("&Word (.docx) – để sửa"), objectName="formatDocx")
            self.pdf_radio = QRadioButton(tr("&PDF (.pdf) – để in"), objectName="formatPdf")
            (self.pdf_radio if self.defaults.fmt is Format.PDF else self.word_radio).setChecked(
                True
            )
            group = QButtonGroup(self)
            group.addButton(self.word_radio)
            group.addButton(self.pdf_radio)
            group.buttonToggled.connect(self._format_changed)
            row = QHBoxLayout()
            row.addWidget(self.word_radio)
            row.addWidget(self.pdf_radio)
            row.addStretch(1)
            self.form.addRow(tr("Định dạng:"), row)
        self.path_edit = QLineEdit(objectName="outputPath")
        self.path_edit.textEdited.connect(self._path_typed)
        self.browse_button = QPushButton(tr("&Chọn…"), objectName="browseButton")
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        self._add_row(tr("&Lưu vào tệp:"), row, self.path_edit)
        self.open_check = QCheckBox(tr("&Mở tệp khi xong"), objectName="openWhenDone")
        self.open_check.setChecked(True)
        self.form.addRow("", self.open_check)

    # -- state ------------------------------------------------------------------

    def quarter(self) -> Quarter:
        return parse_quarter(str(self.quarter_combo.currentData()))

    def set_quarter(self, quarter: Quarter) -> None:
        self.quarter_combo.setCurrentIndex(self.quarter_combo.findData(quarter.code))

    def as_of(self) -> date:
        day = self.as_of_edit.date()
        return date(day.year(), day.month(), day.day())

    def fmt(self) -> Format | None:
        if self.kind in (ExportKind.TASKS_XLSX, ExportKind.PRINT_REPORT):
            return None
        return Format.PDF if self.pdf_radio.isChecked() else Format.DOCX

    def suffix(self) -> str:
        fmt = self.fmt()
        return ".xlsx" if self.kind is ExportKind.TASKS_XLSX else f".{fmt.value if fmt else 'pdf'}"

    def selected_report(self) -> ReportInfo | None:
        rows = self.issued_view.selectionModel().selectedRows()
        return self.issued_model.row_at(rows[0].row()) if rows else None

    def _uses_issued(self) -> bool:
        return hasattr(self, "issued_radio") and self.issued_radio.isChecked()

    def _quarter_changed(self) -> None:
        end = self.quarter().end
        self.as_of_edit.setDate(QDate(end.year, end.month, end.day))
        self._refresh()

    def _format_changed(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(self.suffix())))
        self._refresh()

    def _path_typed(self) -> None:
        self._path_edited = True

    def _issued_activated(self) -> None:
        self.issued_radio.setChecked(True)

    def _refresh(self) -> None:
        """Enable what applies and offer a file name that says what the file holds."""
        if self.kind in (ExportKind.REPORT, ExportKind.PRINT_REPORT):
            issued = self._uses_issued()
            for widget in (self.quarter_combo, self.as_of_edit, self.whole_radio, self.unit_radio):
                widget.setEnabled(not issued)
            self.unit_combo.setEnabled(not issued and self.unit_radio.isChecked())
            self.issued_view.setEnabled(issued)
            if self.kind is ExportKind.REPORT:
                self.issue_check.setEnabled(not issued)
                self.number_edit.setEnabled(not issued and self.issue_check.isChecked())
        if self.kind is ExportKind.PRINT_REPORT or self._path_edited:
            return
        folder = self.defaults.folder or default_folder()
        self.path_edit.setText(str(folder / (self._file_stem() + self.suffix())))

    def _file_stem(self) -> str:
        if self.kind is ExportKind.NOTICE:
            label = self._document_labels.get(self.document_combo.currentData(), "")
            return default_file_name(self.kind, document_label=label)
        if self.kind is ExportKind.LETTER:
            unit = self.unit_combo.currentText() if self.unit_combo.unit_id() else ""
            return default_file_name(self.kind, unit_name=unit)
        if self.kind is ExportKind.TASKS_XLSX:
            table = self.defaults.table
            return default_file_name(self.kind, as_of=table.as_of if table else None)
        if self._uses_issued():
            report = self.selected_report()
            if report is None:
                return default_file_name(self.kind)
            quarter = _quarter_from_label(report.period_label)
            return default_file_name(
                self.kind, quarter=quarter, unit_name=report.unit_name,
                report_number=report.number,
            )
        unit = self.unit_combo.currentText() if self._unit_id() else ""
        return default_file_name(self.kind, quarter=self.quarter(), unit_name=unit)

    def _unit_id(self) -> int | None:
        if self.kind in (ExportKind.REPORT, ExportKind.PRINT_REPORT):
            return self.unit_combo.unit_id() if self.unit_radio.isChecked() else None
        return self.unit_combo.unit_id()

    def _browse(self) -> None:
        current = Path(self.path_edit.text().strip() or str(default_folder()))
        filters = (
            tr("Bảng tính Excel (*.xlsx)")
            if self.kind is ExportKind.TASKS_XLSX
            else tr("Tài liệu Word (*.docx)")
            if self.fmt() is Format.DOCX
            else tr("Tài liệu PDF (*.pdf)")
        )
        chosen = choose_save_path(self, tr("Lưu vào tệp"), current, filters)
        if chosen is not None:
            if chosen.suffix.lower() != self.suffix():
                chosen = chosen.with_name(chosen.name + self.suffix())
            self.path_edit.setText(str(chosen))
            self._path_edited = True

    # -- result -----------------------------------------------------------------

    def validate(self) -> str:
        """The first problem with the choices, in Vietnamese; "" when they are fine."""
        if self.kind is ExportKind.NOTICE and self.document_combo.currentData() is None:
            return tr("Sổ chưa có văn bản nào để làm thông báo.")
        if self.kind is ExportKind.LETTER and self.unit_combo.unit_id() is None:
            return tr("Hãy chọn đơn vị nhận công văn.")
        if self.kind in (ExportKind.REPORT, ExportKind.PRINT_REPORT):
            problem = self._validate_report()
            if problem:
                return problem
        if self.kind is ExportKind.PRINT_REPORT:
            return ""
        text = self.path_edit.text().strip()
        if not text:
            return tr("Hãy chọn tệp để lưu.")
        path = Path(text).expanduser()
        if path.is_dir():
            return tr("“{path}” là một thư mục; hãy ghi rõ tên tệp.").format(path=path)
        if not path.parent.is_dir():
            return tr("Thư mục “{path}” không tồn tại.").format(path=path.parent)
        return ""

    def _validate_report(self) -> str:
        if self._uses_issued():
            return "" if self.selected_report() else tr("Hãy chọn một báo cáo đã phát hành.")
        if self.unit_radio.isChecked() and self.unit_combo.unit_id() is None:
            return tr("Hãy chọn đơn vị, hoặc chọn “Toàn bộ sổ”.")
        quarter, as_of = self.quarter(), self.as_of()
        if as_of < quarter.start:
            return tr("Ngày chốt số liệu {day} trước ngày bắt đầu {quarter}.").format(
                day=format_date(as_of), quarter=quarter.label
            )
        issuing = self.kind is ExportKind.REPORT and self.issue_check.isChecked()
        if issuing and as_of > date.today():
            return tr(
                "Không thể chốt số liệu tính đến ngày {day}: ngày này chưa đến."
            ).format(day=format_date(as_of))
        return ""

    def accept(self) -> None:
        problem = self.validate()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        if self.kind is not ExportKind.PRINT_REPORT:
            path = self.output_path()
            self.path_edit.setText(str(path))
            if path.exists() and not common.confirm(
                self,
                tr("Ghi đè tệp"),
                tr("Tệp “{name}” đã có. Ghi đè lên tệp này?").format(name=path.name),
            ):
                return
        super().accept()

    def output_path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix.lower() == self.suffix() else path.with_name(
            path.name + self.suffix()
        )

    def request(self) -> ExportRequest:
        kind = self.kind
        out = None if kind is ExportKind.PRINT_REPORT else self.output_path()
        open_when_done = kind is not ExportKind.PRINT_REPORT and self.open_check.isChecked()
        base = ExportRequest(kind, out, self.fmt(), open_when_done)
        if kind is ExportKind.NOTICE:
            return _with(base, document_id=self.document_combo.currentData())
        if kind is ExportKind.LETTER:
            return _with(base, unit_id=self.unit_combo.unit_id(), as_of=self.as_of())
        if kind is ExportKind.TASKS_XLSX:
            return _with(base, table=self.defaults.table)
        if self._uses_issued():
            report = self.selected_report()
            return _with(base, report_id=report.id if report else None)
        issuing = kind is ExportKind.REPORT and self.issue_check.isChecked()
        return _with(
            base,
            quarter=self.quarter(),
            as_of=self.as_of(),
            unit_id=self._unit_id(),
            issue=issuing,
            issue_number=self.number_edit.text().strip() if issuing else "",
        )


def _with(request: ExportRequest, **changes: Any) -> ExportRequest:
    return replace(request, **changes)


_QUARTER_LABEL = re.compile(r"qu[ýy]\s+([IV]+)\s+n[ăa]m\s+(\d{4})", re.IGNORECASE)


def _quarter_from_label(label: str) -> Quarter | None:
    """``quý I năm 2024`` -> Quarter(2024, 1), for an issued report's file name."""
    match = _QUARTER_LABEL.search(label)
    if not match:
        return None
    roman = ("I", "II", "III", "IV")
    number = match.group(1).upper()
    return Quarter(int(match.group(2)), roman.index(number) + 1) if number in roman else None
