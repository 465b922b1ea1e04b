"""The "Lịch sử" tab of the task editor: who changed what and when, and undoing one change.

Rows come from ``cdsdesk.services.audit.task_history`` (the task, its notes,
extensions and units), newest first. "Hoàn lại thay đổi này" puts back what
the chosen change replaced, through ``Operations`` so that it can be undone
too; the register refuses when the field was edited again since.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.errors import CdsError
from cdsdesk.services.audit import AuditEntry, task_history
from ui.dialogs import common
from ui.dialogs._form_helpers import error_label
from ui.models.base import RowsTableModel
from ui.operations import Operations

COL_AT, COL_USER, COL_CHANGE = range(3)
AUDIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RESTORE_COLOUR = "#616161"  # undo and redo rows: put back, not typed

_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("TaskHistory", text)


def when_text(entry: AuditEntry) -> str:
    return entry.at.strftime("%d/%m/%Y %H:%M")


class HistoryModel(RowsTableModel[AuditEntry]):
    """The changes of one task, newest first: when, who, what (one line per change)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([tr("Thời gian"), tr("Người sửa"), tr("Nội dung thay đổi")], parent)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_AT:
                return when_text(entry)
            if column == COL_USER:
                return entry.user
            return "\n".join(entry.lines)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_USER and entry.host:
                return tr("{user} trên máy {host}").format(user=entry.user, host=entry.host)
            if column == COL_CHANGE:
                return "\n".join(entry.lines)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and entry.origin == "restore":
            return QBrush(QColor(RESTORE_COLOUR))
        if role == AUDIT_ID_ROLE:
            return entry.id
        return None


class HistoryTab(QWidget):
    """Reads the history when shown; ``reverted`` fires after a change was put back."""

    reverted = Signal()

    def __init__(self, ops: Operations) -> None:
        super().__init__(objectName="historyTab")
        self.ops = ops
        self.task_id: int | None = None
        self._stale = False

        self.model = HistoryModel(self)
        self.view = QTableView(objectName="historyTable")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(True)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CHANGE, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self.view.resizeRowsToContents)
        self.model.modelReset.connect(self.view.resizeRowsToContents)

        self.hint = QLabel(
            tr(
                "Mỗi lần sửa nhiệm vụ, ghi tiến độ, gia hạn hay đổi đơn vị đều được ghi lại "
                "kèm tên người dùng máy tính. Chọn một dòng để hoàn lại thay đổi đó."
            ),
            objectName="historyHint",
        )
        self.hint.setWordWrap(True)
        self.revert_button = QPushButton(tr("Hoàn lại thay đổi này"), objectName="revertButton")
        self.revert_button.setToolTip(
            tr("Đặt lại giá trị trước lần thay đổi đã chọn (có thể hoàn tác bằng Ctrl+Z)")
        )
        self.revert_button.clicked.connect(self.revert_selected)
        self.error_label = error_label("historyError")

        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.revert_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)

        self.view.selectionModel().selectionChanged.connect(self._update_button)
        self._update_button()

    # -- loading ----------------------------------------------------------

    def set_task(self, task_id: int) -> None:
        """Show this task's history (read now if the tab is on screen, else when shown)."""
        self.task_id = task_id
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        if self.task_id is None:
            return
        try:
            entries = task_history(self.ops.register, self.task_id)
        except CdsError as exc:
            self.error_label.setText(str(exc))
            return
        self.model.set_rows(entries)
        self._update_button()

    # -- reverting --------------------------------------------------------

    def selected_entry(self) -> AuditEntry | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_button(self) -> None:
        entry = self.selected_entry()
        self.revert_button.setEnabled(entry is not None and entry.can_revert)

    def revert_selected(self) -> None:
        entry = self.selected_entry()
        if self.task_id is None or entry is None or not entry.can_revert:
            return
        question = tr(
            "Hoàn lại thay đổi lúc {at} của {user}?\n\n{change}\n\n"
            "Thẻ Nhiệm vụ sẽ được đọc lại; các sửa đổi chưa lưu trên đó bị bỏ."
        ).format(at=when_text(entry), user=entry.user, change="\n".join(entry.lines))
        if not common.confirm(self, tr("Hoàn lại thay đổi"), question):
            return
        try:
            self.ops.revert_change(self.task_id, entry.id)
        except CdsError as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.clear()
        self.reverted.emit()
