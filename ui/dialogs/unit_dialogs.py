"""Dialogs for editing the unit tree: name a unit, pick a unit, pick a retirement day.

Each dialog takes a ``submit`` callback that runs the operation. When the
register refuses (a ``CdsError``), the Vietnamese message appears inside the
dialog and the dialog stays open, so the user can correct the input.
Open them through ``common.exec_dialog``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.errors import CdsError
from cdsdesk.textvi import fold
from ui.i18n import setup_date_edit

if TYPE_CHECKING:
    from cdsdesk.services.units import UnitInfo

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 2


def tr(text: str) -> str:
    return QCoreApplication.translate("UnitDialogs", text)


class _SubmitDialog(QDialog):
    """OK runs ``_submit``; a ``CdsError`` is shown inline and the dialog stays open."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Đồng ý"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Hủy"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def accept(self) -> None:
        try:
            self._submit()
        except CdsError as exc:
            self.show_error(str(exc))
            return
        super().accept()

    def _submit(self) -> None:
        raise NotImplementedError


def _date_edit(initial: date | None) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName("dateEdit")
    setup_date_edit(edit)
    day = initial or date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def _to_date(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class UnitDialog(_SubmitDialog):
    """A unit's full name and short name, for adding or renaming."""

    def __init__(
        self,
        title: str,
        submit: Callable[[str, str], object],
        *,
        name: str = "",
        short_name: str = "",
        where: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._submit_values = submit
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText(tr("Ví dụ: Phòng Hành chính - Tổng hợp"))
        self.name_edit.setMinimumWidth(380)
        self.short_edit = QLineEdit(short_name)
        self.short_edit.setObjectName("shortNameEdit")
        self.short_edit.setPlaceholderText(tr("Ví dụ: Phòng HC-TH (có thể để trống)"))
        form = QFormLayout()
        if where:
            form.addRow(tr("Thuộc:"), QLabel(where))
        form.addRow(tr("&Tên đơn vị:"), self.name_edit)
        form.addRow(tr("Tên &viết tắt:"), self.short_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.name_edit.selectAll()
        self.name_edit.setFocus()

    def values(self) -> tuple[str, str]:
        return self.name_edit.text(), self.short_edit.text()

    def _submit(self) -> None:
        self._submit_values(*self.values())


class RetireDialog(_SubmitDialog):
    """The day a unit stops working (its history stays)."""

    def __init__(
        self, unit_name: str, submit: Callable[[date], object], *, parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("Ngừng hoạt động đơn vị"), parent)
        self._submit_day = submit
        text = QLabel(
            tr(
                "Đơn vị “{name}” sẽ ngừng hoạt động. Các nhiệm vụ đã giao "
                "cho đơn vị vẫn được giữ nguyên."
            ).format(name=unit_name)
        )
        text.setWordWrap(True)
        text.setMinimumWidth(380)
        self.date_edit = _date_edit(None)
        form = QFormLayout()
        form.addRow(tr("Ngừng hoạt động từ &ngày:"), self.date_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def day(self) -> date:
        return _to_date(self.date_edit)

    def _submit(self) -> None:
        self._submit_day(self.day())


class ListFilterEdit(QLineEdit):
    """A filter box that hands Up/Down/PageUp/PageDown to the list or tree under it."""

    def __init__(self, target: QAbstractItemView, object_name: str = "unitFilter") -> None:
        super().__init__()
        self.setObjectName(object_name)
        self._target = target

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self._target.setFocus()
            QCoreApplication.sendEvent(self._target, event)
            return
        super().keyPressEvent(event)


class ChooseUnitDialog(_SubmitDialog):
    """Pick one active unit from a filterable list (merge target, new owner of tasks).

    ``exclude`` leaves units out (the source and its sub-units for a merge);
    ``with_date`` adds a day (the merge day, default today).
    """

    def __init__(
        self,
        title: str,
        prompt: str,
        units: Sequence[UnitInfo],
        submit: Callable[[int, date | None], object],
        *,
        exclude: set[int] | frozenset[int] = frozenset(),
        with_date: bool = False,
        date_label: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._submit_choice = submit
        self.items = QStandardItemModel(self)
        for unit in units:
            if unit.id in exclude or not unit.active:
                continue
            text = "\u2003" * unit.depth + unit.name
            if unit.short_name and unit.short_name != unit.name:
                text += f" ({unit.short_name})"
            item = QStandardItem(text)
            item.setEditable(False)
            item.setToolTip(unit.name)
            item.setData(unit.id, UNIT_ID_ROLE)
            item.setData(fold(f"{unit.name} {unit.short_name}"), FOLDED_ROLE)
            self.items.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.items)
        self.proxy.setFilterRole(FOLDED_ROLE)
        self.list_view = QListView()
        self.list_view.setObjectName("unitList")
        self.list_view.setModel(self.proxy)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setMinimumSize(520, 320)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setUniformItemSizes(True)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list_view.doubleClicked.connect(lambda _index: self.accept())
        self.filter_edit = ListFilterEdit(self.list_view)
        self.filter_edit.setPlaceholderText(tr("Gõ để lọc (không dấu cũng được)…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.set_filter)
        prompt_label = QLabel(prompt)
        prompt_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt_label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list_view)
        self.date_edit: QDateEdit | None = None
        if with_date:
            self.date_edit = _date_edit(None)
            form = QFormLayout()
            form.addRow(date_label or tr("Từ &ngày:"), self.date_edit)
            layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.filter_edit.setFocus()

    def set_filter(self, text: str) -> None:
        """Keep the units whose name or short name contains ``text`` (folded)."""
        self.proxy.setFilterFixedString(fold(text))
        if self.proxy.rowCount() and not self.list_view.currentIndex().isValid():
            self.list_view.setCurrentIndex(self.proxy.index(0, 0))

    def choose(self, unit_id: int) -> bool:
        """Make ``unit_id`` the current row if it is offered; False if it is not."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(UNIT_ID_ROLE) == unit_id:
                self.list_view.setCurrentIndex(index)
                return True
        return False

    def offered_ids(self) -> list[int]:
        return [self.items.item(row).data(UNIT_ID_ROLE) for row in range(self.items.rowCount())]

    def chosen_id(self) -> int | None:
        index: QModelIndex = self.list_view.currentIndex()
        return index.data(UNIT_ID_ROLE) if index.isValid() else None

    def day(self) -> date | None:
        return _to_date(self.date_edit) if self.date_edit else None

    def _submit(self) -> None:
        chosen = self.chosen_id()
        if chosen is None:
            raise CdsError(tr("Hãy chọn một đơn vị trong danh sách."))
        self._submit_choice(chosen, self.day())
