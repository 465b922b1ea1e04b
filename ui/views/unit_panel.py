"""The unit panel on the left: the organisation tree, its filter toggles and unit edits.

Choosing a unit filters the task table to the tasks it leads (optionally also
those it cooperates on, optionally counting its sub-units); the panel says so
through :attr:`UnitPanel.unitFilterChanged`. Every edit goes through
``Operations``, so it is undoable and reloads the tree through ``ops.changed``.

Each edit has two halves: an ``ask_*`` method that opens a dialog, and a
method taking the values the dialog collected (``add_unit``, ``rename_unit``,
...), which raises ``CdsError`` for the dialog to show inline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QKeyCombination,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.errors import CdsError
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.services.stats import unit_open_counts
from cdsdesk.textvi import fold
from ui.dialogs import common
from ui.dialogs.unit_dialogs import ChooseUnitDialog, ListFilterEdit, RetireDialog, UnitDialog
from ui.lazy import lazy_module
from ui.models.unit_tree import COL_NAME, COL_OPEN, COL_OVERDUE, UnitNode, UnitTreeModel
from ui.operations import Change, Operations

if TYPE_CHECKING:
    from cdsdesk.services.units import UnitInfo

# SQLAlchemy and the ORM: loaded when the tree is first filled, after the table has painted.
us = lazy_module("cdsdesk.services.units")

MIN_WIDTH = 190
PREFERRED_WIDTH = 270

UnitFilter = tuple[int | None, bool, bool]  # (unit id or None, cooperating, sub-units)


def tr(text: str) -> str:
    return QCoreApplication.translate("UnitPanel", text)


class UnitPanel(QWidget):
    unitFilterChanged = Signal(object)  # a UnitFilter tuple

    def __init__(
        self, ops: Operations, parent: QWidget | None = None, *, load: bool = True
    ) -> None:
        """``load=False`` leaves the tree empty until :meth:`reload` (the window fills it
        after its first paint)."""
        super().__init__(parent)
        self.ops = ops
        self._as_of = date.today()
        self._loaded = False
        self._expanded_before_filter: set[int] | None = None

        self.model = UnitTreeModel(self)
        self.model.mover = self._move_later
        self.tree = QTreeView()
        self.tree.setObjectName("unitTree")
        self.tree.setModel(self.model)
        self._setup_tree()
        self.filter_edit = ListFilterEdit(self.tree)
        self.filter_edit.setPlaceholderText(tr("Lọc đơn vị…"))
        self.filter_edit.setToolTip(tr("Gõ một phần tên đơn vị, không dấu cũng được"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.filter_edit.returnPressed.connect(self._focus_first_match)
        self.cooperating_box = QCheckBox(tr("Cả nhiệm vụ &phối hợp"))
        self.cooperating_box.setObjectName("includeCooperating")
        self.cooperating_box.setToolTip(
            tr("Hiện cả nhiệm vụ đơn vị phối hợp, không chỉ nhiệm vụ đơn vị chủ trì")
        )
        self.subunits_box = QCheckBox(tr("Gồm đơn vị cấp &dưới"))
        self.subunits_box.setObjectName("includeSubunits")
        self.subunits_box.setToolTip(tr("Hiện và đếm cả nhiệm vụ của các đơn vị cấp dưới"))
        self.subunits_box.setChecked(True)
        self._last_filter: UnitFilter = self.unit_filter()

        self._make_actions()
        self.menu_button = QToolButton()
        self.menu_button.setObjectName("unitMenuButton")
        self.menu_button.setDefaultAction(self.action_add)
        self.menu_button.setMenu(self._menu())
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.menu_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.menu_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.cooperating_box)
        layout.addWidget(self.subunits_box)
        QWidget.setTabOrder(self.filter_edit, self.tree)
        QWidget.setTabOrder(self.tree, self.cooperating_box)
        QWidget.setTabOrder(self.cooperating_box, self.subunits_box)

        # Short unit names stay readable next to the two count columns.
        self.setMinimumWidth(MIN_WIDTH)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.cooperating_box.toggled.connect(self._emit_filter)
        self.subunits_box.toggled.connect(self._subunits_toggled)
        ops.changed.connect(self._register_changed)
        if load:
            self.reload(self._as_of)

    def sizeHint(self) -> QSize:
        return QSize(PREFERRED_WIDTH, super().sizeHint().height())

    def _setup_tree(self) -> None:
        tree = self.tree
        tree.setUniformRowHeights(True)
        tree.setAllColumnsShowFocus(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        tree.setDropIndicatorShown(True)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._context_menu)
        tree.setIndentation(14)
        tree.installEventFilter(self)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_OPEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_OVERDUE, QHeaderView.ResizeMode.ResizeToContents)

    def _make_actions(self) -> None:
        def action(
            text: str,
            slot: Callable[[], object],
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            tip: str = "",
        ) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                # Active only while the tree (or this panel) has the focus.
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if tip:
                act.setToolTip(tip)
                act.setStatusTip(tip)
            act.triggered.connect(slot)
            self.tree.addAction(act)
            return act

        self.action_add = action(
            tr("Thêm đơn vị…"),
            lambda: self.ask_add_unit(sibling=False),
            "Ins",
            tr("Thêm đơn vị cấp dưới của đơn vị đang chọn"),
        )
        self.action_add.setIconText(tr("+ Thêm"))  # the short text of the panel's button
        self.action_add_sibling = action(
            tr("Thêm đơn vị cùng cấp…"),
            lambda: self.ask_add_unit(sibling=True),
            tip=tr("Thêm đơn vị ngay sau đơn vị đang chọn"),
        )
        self.action_rename = action(tr("Đổi tên…"), self.ask_rename_unit, "F2")
        self.action_retire = action(tr("Ngừng hoạt động…"), self.ask_retire_or_reactivate)
        self.action_merge = action(tr("Sáp nhập vào đơn vị khác…"), self.ask_merge_unit)
        self.action_delete = action(
            tr("Xóa đơn vị…"), self.ask_delete_unit, QKeySequence.StandardKey.Delete
        )
        self.action_show_all = action(
            tr("Xem nhiệm vụ của tất cả đơn vị"), lambda: self.select_unit(None), "Esc"
        )
        self.action_show_retired = QAction(tr("Hiện đơn vị ngừng hoạt động"), self)
        self.action_show_retired.setCheckable(True)
        self.action_show_retired.setChecked(True)
        self.action_show_retired.toggled.connect(lambda _on: self._apply_visibility())
        self.edit_actions = [
            self.action_add,
            self.action_add_sibling,
            self.action_rename,
            self.action_retire,
            self.action_merge,
            self.action_delete,
        ]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The tree's own keys win: Del or F2 in the tree act on units even when
        the window has actions with the same keys (which would make them ambiguous)."""
        if watched is self.tree and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            assert isinstance(event, QKeyEvent)
            action = self._action_for_key(event)
            if action is not None:
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()  # deliver it as a key press, not as a shortcut
                elif action.isEnabled():
                    action.trigger()
                return True
        return super().eventFilter(watched, event)

    def _action_for_key(self, event: QKeyEvent) -> QAction | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        pressed = QKeySequence(QKeyCombination(modifiers, Qt.Key(event.key())))
        for action in self.tree.actions():
            if not action.shortcut().isEmpty() and action.shortcut() == pressed:
                return action
        return None

    def actions_for_menu(self) -> list[QAction]:
        """The panel's actions with separators, for the window's "Đơn vị" menu."""

        def separator() -> QAction:
            sep = QAction(self)
            sep.setSeparator(True)
            return sep

        return [
            *self.edit_actions[:2],
            separator(),
            *self.edit_actions[2:],
            separator(),
            self.action_show_all,
            self.action_show_retired,
        ]

    def _menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addActions(self.actions_for_menu())
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        self._menu().exec(self.tree.viewport().mapToGlobal(pos))

    # -- state --------------------------------------------------------------

    def current_unit_id(self) -> int | None:
        index = self.tree.currentIndex()
        return self.model.node(index).unit_id if index.isValid() else None

    def current_unit(self) -> UnitInfo | None:
        index = self.tree.currentIndex()
        return self.model.node(index).info if index.isValid() else None

    def unit_filter(self) -> UnitFilter:
        return (
            self.current_unit_id(),
            self.cooperating_box.isChecked(),
            self.subunits_box.isChecked(),
        )

    def select_unit(self, unit_id: int | None) -> None:
        """Make ``unit_id`` (``None``: all units) current, expanding its ancestors."""
        index = self.model.index_of(unit_id)
        if not index.isValid():
            index = self.model.all_units_index()
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)

    def is_loaded(self) -> bool:
        return self._loaded

    def reload(self, as_of: date) -> None:
        """Reread units and counts as of ``as_of``, keeping what is expanded and chosen."""
        self._as_of = as_of
        current = self.current_unit_id()
        expanded = self._expanded_ids() if self._loaded else None
        register = self.ops.register
        self.model.set_units(us.list_units(register), unit_open_counts(register, as_of), as_of)
        if expanded is None:
            self.tree.expandToDepth(0)
            self._loaded = True
        else:
            self._expand(expanded)
        self._apply_visibility()
        self.select_unit(current)
        self._update_actions()

    def _expanded_ids(self) -> set[int]:
        return {
            n.info.id
            for n in self.model.nodes()
            if n.info and self.tree.isExpanded(self.model.index_of(n.info.id))
        }

    def _expand(self, unit_ids: set[int]) -> None:
        for unit_id in unit_ids:
            index = self.model.index_of(unit_id)
            if index.isValid():
                self.tree.expand(index)

    def _register_changed(self, change: Change) -> None:
        if change.units or change.tasks:
            self.reload(self._as_of)

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()
        self._emit_filter()

    def _subunits_toggled(self, on: bool) -> None:
        self.model.set_include_subunits(on)
        self._emit_filter()

    def _emit_filter(self) -> None:
        state = self.unit_filter()
        if state != self._last_filter:
            self._last_filter = state
            self.unitFilterChanged.emit(state)

    def _update_actions(self) -> None:
        unit = self.current_unit()
        for act in self.edit_actions[1:]:
            act.setEnabled(unit is not None)
        self.action_add.setText(tr("Thêm đơn vị cấp dưới…") if unit else tr("Thêm đơn vị…"))
        self.action_retire.setText(
            tr("Khôi phục hoạt động") if unit and not unit.active else tr("Ngừng hoạt động…")
        )
        self.action_merge.setEnabled(unit is not None and unit.active)

    # -- filtering the tree ----------------------------------------------------

    def _filter_changed(self, text: str) -> None:
        if text and self._expanded_before_filter is None:
            self._expanded_before_filter = self._expanded_ids()
        self._apply_visibility()
        if text:
            self.tree.expandAll()
        elif self._expanded_before_filter is not None:
            self.tree.collapseAll()
            self._expand(self._expanded_before_filter)
            self._expanded_before_filter = None
            self.tree.scrollTo(self.tree.currentIndex())

    def _apply_visibility(self) -> None:
        """Hide units that do not match the filter text, and retired ones if asked;
        a hidden unit with a shown sub-unit stays, so the sub-unit keeps its place."""
        words = fold(self.filter_edit.text()).split()
        show_retired = self.action_show_retired.isChecked()

        def visit(node: UnitNode, parent: QModelIndex) -> bool:
            shown_children = False
            index = self.model.index_of(node.unit_id)
            for child in node.children:
                shown_children |= visit(child, index)
            info = node.info
            assert info is not None
            wanted = (show_retired or info.active) and all(w in node.folded for w in words)
            shown = wanted or shown_children
            self.tree.setRowHidden(index.row(), parent, not shown)
            return shown

        for node in self.model.node(QModelIndex()).children:
            if node.info is not None:
                visit(node, QModelIndex())

    def is_shown(self, unit_id: int) -> bool:
        """Whether the unit's row is neither hidden nor under a hidden row."""
        index = self.model.index_of(unit_id)
        while index.isValid():
            if self.tree.isRowHidden(index.row(), index.parent()):
                return False
            index = index.parent()
        return True

    def _focus_first_match(self) -> None:
        words = fold(self.filter_edit.text()).split()
        for node in self.model.nodes():
            if node.info and all(w in node.folded for w in words) and self.is_shown(node.info.id):
                self.select_unit(node.info.id)
                break
        self.tree.setFocus()

    # -- edits with the values already collected ------------------------------

    def add_unit(
        self,
        name: str,
        short_name: str = "",
        parent_id: int | None = None,
        after_id: int | None = None,
    ) -> int:
        """Create a unit under ``parent_id`` (last, or right after ``after_id``) and choose it."""
        if after_id is None:
            info = self.ops.create_unit(name, short_name=short_name, parent_id=parent_id)
        else:
            siblings = [u.id for u in self.model.units() if u.parent_id == parent_id]
            position = siblings.index(after_id) + 1 if after_id in siblings else None
            # One undo step for "create, then put it after its sibling".
            stack = self.ops.stack
            stack.beginMacro(tr("Thêm đơn vị “{name}”").format(name=name.strip()))
            try:
                info = self.ops.create_unit(name, short_name=short_name, parent_id=parent_id)
            except CdsError:
                stack.endMacro()
                _drop_empty_macro(stack)
                raise
            try:
                if position is not None:
                    self.ops.move_unit(info.id, parent_id, position)
            finally:
                stack.endMacro()
        self.select_unit(info.id)
        return info.id

    def rename_unit(self, unit_id: int, name: str, short_name: str) -> None:
        self.ops.rename_unit(unit_id, name, short_name)

    def retire_unit(self, unit_id: int, on: date | None = None) -> None:
        self.ops.retire_unit(unit_id, on)

    def reactivate_unit(self, unit_id: int) -> None:
        self.ops.reactivate_unit(unit_id)

    def merge_unit(self, source_id: int, target_id: int, on: date | None = None) -> None:
        self.ops.merge_unit(source_id, target_id, on)

    def delete_unit(self, unit_id: int, reassign_to: int | None = None) -> None:
        self.ops.delete_unit(unit_id, reassign_to)

    def move_unit(
        self, unit_id: int, new_parent_id: int | None, position: int | None = None
    ) -> bool:
        """Move a unit (drag and drop); a refusal is shown, not raised."""
        try:
            self.ops.move_unit(unit_id, new_parent_id, position)
        except CdsError as exc:
            common.show_error(self, str(exc))
            return False
        self.select_unit(unit_id)
        return True

    def _move_later(self, unit_id: int, new_parent_id: int | None, position: int | None) -> None:
        # Let the drag finish before the tree is rebuilt under it.
        QTimer.singleShot(0, partial(self.move_unit, unit_id, new_parent_id, position))

    def task_count(self, unit_id: int) -> int:
        """Tasks naming the unit itself as lead or cooperating unit (not its sub-units)."""
        rows = query_tasks(self.ops.register, TaskQuery(unit_id=unit_id, include_cooperating=True))
        return sum(1 for r in rows if unit_id in r.lead_ids or unit_id in r.cooperating_ids)

    # -- edits through dialogs -------------------------------------------------

    def ask_add_unit(self, sibling: bool = False) -> None:
        current = self.current_unit()
        if sibling and current is not None:
            parent_id, after_id = current.parent_id, current.id
        else:
            parent_id, after_id = (current.id if current else None), None
        where = self._name(parent_id) if parent_id else tr("(cấp cao nhất)")
        dialog = UnitDialog(
            tr("Thêm đơn vị"),
            lambda name, short: self.add_unit(name, short, parent_id, after_id),
            where=where,
            parent=self,
        )
        self._run(dialog)

    def ask_rename_unit(self) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        dialog = UnitDialog(
            tr("Đổi tên đơn vị"),
            lambda name, short: self.rename_unit(unit.id, name, short),
            name=unit.name,
            short_name=unit.short_name,
            parent=self,
        )
        self._run(dialog)

    def ask_retire_or_reactivate(self) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        if not unit.active:
            try:
                self.reactivate_unit(unit.id)
            except CdsError as exc:
                common.show_error(self, str(exc))
            return
        dialog = RetireDialog(unit.name, lambda day: self.retire_unit(unit.id, day), parent=self)
        self._run(dialog)

    def ask_merge_unit(self) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        units = self.model.units()
        below = us.subtree(unit.id, [(u.id, u.parent_id) for u in units])
        dialog = ChooseUnitDialog(
            tr("Sáp nhập đơn vị"),
            tr(
                "Sáp nhập “{name}” vào đơn vị nào? Đơn vị này sẽ ngừng hoạt động; nhiệm vụ "
                "của nó được tính cho đơn vị nhận sáp nhập, các đơn vị cấp dưới chuyển sang "
                "đơn vị đó."
            ).format(name=unit.name),
            units,
            lambda target, day: self.merge_unit(unit.id, target, day),
            exclude=below,
            with_date=True,
            date_label=tr("Sáp nhập từ &ngày:"),
            parent=self,
        )
        self._run(dialog)

    def ask_delete_unit(self) -> None:
        unit = self.current_unit()
        if unit is None:
            return
        if not common.confirm(
            self,
            tr("Xóa đơn vị"),
            tr(
                "Xóa đơn vị “{name}”?\nNếu đơn vị đã có lịch sử, nên cho ngừng hoạt động "
                "hoặc sáp nhập thay vì xóa."
            ).format(name=unit.name),
        ):
            return
        has_subunits = any(u.parent_id == unit.id for u in self.model.units())
        count = 0 if has_subunits else self.task_count(unit.id)
        if count == 0:
            try:
                self.delete_unit(unit.id)
            except CdsError as exc:
                common.show_error(self, str(exc))
            return
        dialog = ChooseUnitDialog(
            tr("Chuyển nhiệm vụ trước khi xóa"),
            tr(
                "Đơn vị “{name}” còn {count} nhiệm vụ (chủ trì hoặc phối hợp). Chọn đơn vị "
                "nhận lại các nhiệm vụ này rồi xóa:"
            ).format(name=unit.name, count=count),
            self.model.units(),
            lambda target, _day: self.delete_unit(unit.id, target),
            exclude={unit.id},
            parent=self,
        )
        self._run(dialog)

    def _run(self, dialog: QDialog) -> None:
        common.exec_dialog(dialog)
        dialog.deleteLater()

    def _name(self, unit_id: int) -> str:
        node = self.model.node(self.model.index_of(unit_id))
        return node.info.name if node.info else ""


def _drop_empty_macro(stack: QUndoStack) -> None:
    """Remove the macro just closed if nothing ran in it (the first step was refused)."""
    last = stack.command(stack.index() - 1)
    if last is not None and last.childCount() == 0:
        last.setObsolete(True)
        stack.undo()  # an obsolete command is removed, not undone
