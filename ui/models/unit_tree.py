"""The unit tree with each unit's count of open and overdue tasks it leads.

The model holds plain :class:`UnitInfo` data and the counts from
``stats.unit_open_counts``; it never reads the register. Row 0 at the top is a
pseudo-unit "(Tất cả đơn vị)" (id ``None``): choosing it shows every task, and
dropping a unit on it moves that unit to the top level.

Drag and drop does not move rows itself: it hands (unit, new parent, position)
to the ``mover`` callback, which runs the undoable operation; the register's
change then reloads the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from cdsdesk.textvi import fold, format_date
from ui.lazy import lazy_module

if TYPE_CHECKING:
    from cdsdesk.services.units import UnitInfo

unit_service = lazy_module("cdsdesk.services.units")  # loads after the first paint

COL_NAME = 0
COL_OPEN = 1
COL_OVERDUE = 2
COLUMN_COUNT = 3

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OPEN_COUNT_ROLE = Qt.ItemDataRole.UserRole + 2  # the count shown (rolled up or own)
OVERDUE_COUNT_ROLE = Qt.ItemDataRole.UserRole + 3
ACTIVE_ROLE = Qt.ItemDataRole.UserRole + 4
FOLDED_NAME_ROLE = Qt.ItemDataRole.UserRole + 5  # folded name and short name, for filtering

UNIT_MIME = "application/x-cdsdesk-unit-id"

OVERDUE_COLOR = QColor("#c62828")
RETIRED_COLOR = QColor("#8a8a8a")

Counts = tuple[int, int]  # (open, of which overdue)
Mover = Callable[[int, int | None, int | None], None]
_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("UnitTreeModel", text)


def headers() -> list[str]:
    return [tr("Đơn vị"), tr("Còn"), tr("Quá hạn")]


def header_tips() -> list[str]:
    return [
        tr("Đơn vị (rê thả để chuyển sang đơn vị khác)"),
        tr("Còn lại: số nhiệm vụ đơn vị chủ trì chưa hoàn thành"),
        tr("Trong đó, số nhiệm vụ đã quá hạn"),
    ]


def answering_units(units: Sequence[UnitInfo], include_subunits: bool) -> dict[int, set[int]]:
    """For every unit, the units whose tasks count as its own.

    The same rule as ``units.units_answering_for`` (itself, optionally its
    sub-units, and every unit merged into any of those), computed for all units
    at once from plain data instead of one query per unit.
    """
    pairs = [(u.id, u.parent_id) for u in units]
    merged: dict[int, list[int]] = defaultdict(list)
    for unit in units:
        if unit.merged_into_id is not None:
            merged[unit.merged_into_id].append(unit.id)
    subtree = unit_service.subtree
    result: dict[int, set[int]] = {}
    for unit in units:
        found = subtree(unit.id, pairs) if include_subunits else {unit.id}
        stack = list(found)
        while stack:
            for source in merged[stack.pop()]:
                if source in found:
                    continue
                added = subtree(source, pairs) - found if include_subunits else {source}
                found |= added
                stack.extend(added)
        result[unit.id] = found
    return result


@dataclass(eq=False)
class UnitNode:
    """One row of the tree; ``info`` is None for the "all units" row."""

    info: UnitInfo | None
    parent: UnitNode | None
    children: list[UnitNode] = field(default_factory=list)
    own: Counts = (0, 0)
    with_merged: Counts = (0, 0)
    with_subunits: Counts = (0, 0)
    successor: str = ""  # the name of the unit it was merged into
    folded: str = ""

    @property
    def unit_id(self) -> int | None:
        return self.info.id if self.info else None

    def row(self) -> int:
        siblings = self.parent.children if self.parent else []
        return siblings.index(self)


class UnitTreeModel(QAbstractItemModel):
    """A few hundred units at most: the whole tree is rebuilt on each reload."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = UnitNode(None, None)
        self._all = UnitNode(None, self._root)
        self._root.children.append(self._all)
        self._by_id: dict[int, UnitNode] = {}
        self._include_subunits = True
        self._as_of: date | None = None
        self.mover: Mover | None = None

    # -- loading ------------------------------------------------------------

    def set_units(
        self, units: Sequence[UnitInfo], counts: dict[int, Counts], as_of: date | None = None
    ) -> None:
        """Rebuild from ``units`` (tree order, parents first) and ``{unit_id: (open, overdue)}``
        counted as of ``as_of``."""
        self.beginResetModel()
        self._as_of = as_of
        self._root = UnitNode(None, None)
        self._all = UnitNode(None, self._root, folded=fold(tr("(Tất cả đơn vị)")))
        self._root.children.append(self._all)
        self._by_id = {}
        names = {u.id: u.short_name or u.name for u in units}
        merged = answering_units(units, include_subunits=False)
        rolled = answering_units(units, include_subunits=True)
        for unit in units:
            parent = self._by_id.get(unit.parent_id or 0, self._root)
            node = UnitNode(
                unit,
                parent,
                own=counts.get(unit.id, (0, 0)),
                with_merged=_sum(counts, merged[unit.id]),
                with_subunits=_sum(counts, rolled[unit.id]),
                successor=names.get(unit.merged_into_id or 0, ""),
                folded=fold(f"{unit.name} {unit.short_name}"),
            )
            parent.children.append(node)
            self._by_id[unit.id] = node
        self.endResetModel()

    def set_include_subunits(self, include: bool) -> None:
        """Show counts with or without sub-units, as the task filter counts them."""
        if include == self._include_subunits:
            return
        self._include_subunits = include
        self._all_counts_changed(self._root)

    def _all_counts_changed(self, node: UnitNode) -> None:
        if node.children:
            parent = self._index_of_node(node)
            last = len(node.children) - 1
            self.dataChanged.emit(
                self.index(0, COL_NAME, parent), self.index(last, COL_OVERDUE, parent)
            )
            for child in node.children:
                self._all_counts_changed(child)

    # -- lookup -------------------------------------------------------------

    def node(self, index: _Index) -> UnitNode:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, UnitNode)
        return node

    def all_units_index(self) -> QModelIndex:
        return self.index(0, COL_NAME)

    def index_of(self, unit_id: int | None) -> QModelIndex:
        """The name cell of a unit, the "all units" row for ``None``, invalid if unknown."""
        if unit_id is None:
            return self.all_units_index()
        node = self._by_id.get(unit_id)
        return self._index_of_node(node) if node else QModelIndex()

    def _index_of_node(self, node: UnitNode) -> QModelIndex:
        if node is self._root:
            return QModelIndex()
        return self.createIndex(node.row(), COL_NAME, node)

    def units(self) -> list[UnitInfo]:
        return [n.info for n in self.nodes() if n.info]

    def nodes(self, start: UnitNode | None = None) -> Iterator[UnitNode]:
        """Every unit node below ``start`` (default: all), parents first."""
        for child in (start or self._root).children:
            if child.info is not None:
                yield child
                yield from self.nodes(child)

    def shown_counts(self, node: UnitNode) -> Counts:
        return node.with_subunits if self._include_subunits else node.with_merged

    # -- QAbstractItemModel -------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent)
        if 0 <= row < len(node.children) and 0 <= column < COLUMN_COUNT:
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self._index_of_node(parent)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != COL_NAME:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return headers()[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_tips()[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section != COL_NAME:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        column = index.column()
        info = node.info
        if role == UNIT_ID_ROLE:
            return node.unit_id
        if role == FOLDED_NAME_ROLE:
            return node.folded
        if info is None:
            return self._all_data(column, role)
        open_, overdue = self.shown_counts(node)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return info.short_name or info.name
            if column == COL_OPEN:
                return str(open_) if open_ else ""
            return str(overdue) if overdue else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_OVERDUE and overdue:
                return OVERDUE_COLOR
            return None if info.active else RETIRED_COLOR
        if role == Qt.ItemDataRole.FontRole:
            if column == COL_OVERDUE and overdue:
                font = QFont()
                font.setBold(True)
                return font
            if not info.active:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column != COL_NAME:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == OPEN_COUNT_ROLE:
            return open_
        if role == OVERDUE_COUNT_ROLE:
            return overdue
        if role == ACTIVE_ROLE:
            return info.active
        return None

    def _all_data(self, column: int, role: int) -> Any:
        if column != COL_NAME:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr("(Tất cả đơn vị)")
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr(
                "Hiện nhiệm vụ của mọi đơn vị.\nThả một đơn vị vào đây để đưa nó lên cấp cao nhất."
            )
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == ACTIVE_ROLE:
            return True
        return None

    def _tooltip(self, node: UnitNode) -> str:
        info = node.info
        assert info is not None
        lines = [info.name if not info.short_name else f"{info.name} ({info.short_name})"]
        lines.append(
            tr("Chủ trì: {open} nhiệm vụ chưa hoàn thành, {overdue} quá hạn").format(
                open=node.own[0], overdue=node.own[1]
            )
        )
        shown = self.shown_counts(node)
        if shown != node.own:
            what = (
                tr("Tính cả đơn vị cấp dưới và đơn vị đã sáp nhập vào")
                if self._include_subunits
                else tr("Tính cả đơn vị đã sáp nhập vào")
            )
            lines.append(
                tr("{what}: {open} chưa hoàn thành, {overdue} quá hạn").format(
                    what=what, open=shown[0], overdue=shown[1]
                )
            )
            lines.append(tr("(nhiệm vụ có nhiều đơn vị cùng chủ trì được đếm ở từng đơn vị)"))
        if not info.active:
            retired = tr("(ngừng hoạt động)")
            if info.retired_on:
                retired = tr("(ngừng hoạt động từ {day})").format(day=format_date(info.retired_on))
            if node.successor:
                retired += " " + tr("– đã sáp nhập vào {name}").format(name=node.successor)
            lines.append(retired)
        if self._as_of is not None:
            lines.append(tr("Số liệu tính đến ngày {day}").format(day=format_date(self._as_of)))
        return "\n".join(lines)

    # -- drag and drop ------------------------------------------------------

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        if self.node(index).info is None:
            return base | Qt.ItemFlag.ItemIsDropEnabled
        return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [UNIT_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = [self.node(i).unit_id for i in indexes if i.isValid() and i.column() == COL_NAME]
        data = QMimeData()
        data.setData(UNIT_MIME, QByteArray(" ".join(str(i) for i in ids if i).encode()))
        return data

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index
    ) -> bool:
        """Ask the mover to put the dragged unit under ``parent`` at ``row``.

        Always answers False: the view must not remove any row itself, the
        reload after the operation redraws the tree.
        """
        if action != Qt.DropAction.MoveAction or not data.hasFormat(UNIT_MIME):
            return False
        words = bytes(data.data(UNIT_MIME).data()).decode().split()
        if len(words) != 1 or self.mover is None:
            return False
        unit_id = int(words[0])
        target = self.node(parent)
        if target is self._all:  # dropped on "(Tất cả đơn vị)": to the top level, last
            target, row = self._root, -1
        position = None if row < 0 else self._position(unit_id, target, row)
        new_parent = target.unit_id if target is not self._root else None
        self.mover(unit_id, new_parent, position)
        return False

    def _position(self, unit_id: int, target: UnitNode, row: int) -> int:
        """Turn a view row among ``target``'s children into the service's position
        among the siblings other than the moved unit."""
        units = [c.unit_id for c in target.children[:row] if c.info is not None]
        return len([u for u in units if u != unit_id])


def _sum(counts: dict[int, Counts], ids: set[int]) -> Counts:
    open_ = overdue = 0
    for unit_id in ids:
        o, d = counts.get(unit_id, (0, 0))
        open_ += o
        overdue += d
    return open_, overdue
