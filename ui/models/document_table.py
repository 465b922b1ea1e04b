"""The list of source documents: plain DocumentInfo values from the core."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush

from cdsdesk.services.documents import DocumentInfo, list_documents
from cdsdesk.services.queries import TaskRow
from cdsdesk.storage.db import Register
from cdsdesk.textvi import format_date, sort_key
from ui.models.base import RowsTableModel
from ui.models.task_table import deadline_text, status_colour

COL_LABEL = 0
COL_TYPE = 1
COL_ISSUED = 2
COL_TITLE = 3
COL_TASKS = 4
COLUMN_COUNT = 5

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("DocumentTableModel", text)


def headers() -> list[str]:
    return [tr("Số, ký hiệu"), tr("Loại"), tr("Ngày ban hành"), tr("Trích yếu"), tr("Số nhiệm vụ")]


def label_sort_key(doc: DocumentInfo) -> str:
    """``9/TB`` before ``36/TB``: the number compared as a number, the rest in Vietnamese order."""
    number = doc.number.strip()
    padded = number.zfill(10) if number.isdigit() else number
    return sort_key(f"{padded} {doc.label}")


class DocumentTableModel(RowsTableModel[DocumentInfo]):
    """Rows are immutable DocumentInfo values; :meth:`reload` reads them from the register."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(headers(), parent)

    def reload(self, register: Register) -> None:
        self.set_documents(list_documents(register))

    def set_documents(self, docs: list[DocumentInfo]) -> None:
        self.set_rows(docs)

    def document_at(self, row: int) -> DocumentInfo:
        return self.row_at(row)

    def documents(self) -> list[DocumentInfo]:
        return self.rows()

    def row_of_document(self, document_id: int) -> int | None:
        return self.row_of_id(document_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        doc = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(doc, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TITLE:
            return doc.title
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_TASKS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == DOCUMENT_ID_ROLE:
            return doc.id
        if role == SORT_ROLE:
            return self._sort_value(doc, col)
        return None

    def _display(self, doc: DocumentInfo, col: int) -> str:
        if col == COL_LABEL:
            return doc.label
        if col == COL_TYPE:
            return doc.type_name
        if col == COL_ISSUED:
            return format_date(doc.issued_on) if doc.issued_on else ""
        if col == COL_TITLE:
            return " ".join(doc.title.split())
        if col == COL_TASKS:
            return str(doc.task_count)
        return ""

    def _sort_value(self, doc: DocumentInfo, col: int) -> Any:
        if col == COL_LABEL:
            return label_sort_key(doc)
        if col == COL_ISSUED:
            return doc.issued_on.isoformat() if doc.issued_on else ""
        if col == COL_TASKS:
            return doc.task_count
        return sort_key(self._display(doc, col))


# -- one document's tasks (the "Nhiệm vụ" tab of the document dialog) -----

TASK_COL_REF = 0
TASK_COL_CONTENT = 1
TASK_COL_LEAD = 2
TASK_COL_DEADLINE = 3
TASK_COL_STATUS = 4
TASK_COLUMN_COUNT = 5

TASK_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class DocumentTaskModel(RowsTableModel[TaskRow]):
    """A document's tasks in register order (sub-tasks under their parent), read-only."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            [
                tr("Số TT"),
                tr("Nội dung nhiệm vụ"),
                tr("Chủ trì"),
                tr("Thời hạn"),
                tr("Tình trạng"),
            ],
            parent,
        )

    def row_of_task(self, task_id: int) -> int | None:
        return self.row_of_id(task_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == TASK_COL_CONTENT:
            return row.content
        if role == Qt.ItemDataRole.ForegroundRole and col in (TASK_COL_DEADLINE, TASK_COL_STATUS):
            colour = status_colour(row)
            return QBrush(colour) if colour is not None else None
        if role == TASK_ID_ROLE:
            return row.id
        return None

    def _display(self, row: TaskRow, col: int) -> str:
        if col == TASK_COL_REF:
            return row.ref
        if col == TASK_COL_CONTENT:
            return "    " * row.depth + " ".join(row.content.split())
        if col == TASK_COL_LEAD:
            return "; ".join(row.lead_units)
        if col == TASK_COL_DEADLINE:
            return deadline_text(row)
        if col == TASK_COL_STATUS:
            return row.status_label
        return ""
