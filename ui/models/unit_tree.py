"""The unit tree with each unit's count of open and overdue tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel

from cdsdesk.services.stats import unit_open_counts
from cdsdesk.services.units import list_units
from cdsdesk.storage.db import Register

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    return QCoreApplication.translate("UnitTreeModel", text)


class UnitTreeModel(QStandardItemModel):
    """A few hundred units at most: a standard item model is enough here."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)

    def reload(self, register: Register, as_of: date) -> None:
        self.clear()
        counts = unit_open_counts(register, as_of)
        items: dict[int, QStandardItem] = {}
        for unit in list_units(register):
            open_, overdue = counts.get(unit.id, (0, 0))
            text = unit.short_name or unit.name
            if open_:
                text += f"  ({open_})"
            item = QStandardItem(text)
            item.setEditable(False)
            item.setData(unit.id, UNIT_ID_ROLE)
            tip = unit.name
            if overdue:
                item.setForeground(QBrush(QColor("#c62828")))
                tip += "\n" + tr("{n} nhiệm vụ quá hạn").format(n=overdue)
            if not unit.active:
                item.setForeground(QBrush(QColor("#9e9e9e")))
                tip += "\n" + tr("Đã ngừng hoạt động")
            item.setToolTip(tip)
            parent = items.get(unit.parent_id) if unit.parent_id else None
            (parent or self.invisibleRootItem()).appendRow(item)
            items[unit.id] = item
