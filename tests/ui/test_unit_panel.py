"""The unit panel: counts, the filter it announces, and unit edits through Operations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cdsdesk.errors import CdsError
from cdsdesk.services import units as us
from cdsdesk.services.stats import unit_open_counts
from cdsdesk.storage.db import Register
from ui.dialogs.unit_dialogs import ChooseUnitDialog, RetireDialog, UnitDialog
from ui.models.unit_tree import (
    COL_NAME,
    COL_OPEN,
    COL_OVERDUE,
    OPEN_COUNT_ROLE,
    OVERDUE_COLOR,
    UNIT_ID_ROLE,
    answering_units,
)
from ui.operations import Operations
from ui.views.unit_panel import UnitPanel

TODAY = date(2025, 10, 1)


@pytest.fixture
def ops(demo: Register) -> Operations:
    return Operations(demo)


@pytest.fixture
def panel(qtbot: Any, ops: Operations) -> Iterator[UnitPanel]:
    widget = UnitPanel(ops)
    qtbot.addWidget(widget)
    widget.reload(TODAY)
    yield widget


def uid(register: Register, name: str) -> int:
    return us.find_unit(register, name).id


def cell(panel: UnitPanel, unit_id: int | None, column: int = COL_NAME) -> QModelIndex:
    index = panel.model.index_of(unit_id)
    return index.siblingAtColumn(column)


def dialog_runner(monkeypatch: pytest.MonkeyPatch,
                  fill: Callable[[Any], None]) -> list[Any]:
    """Make ``common.exec_dialog`` fill the dialog and press OK; returns the dialogs seen."""
    seen: list[Any] = []

    def run(dialog: Any) -> int:
        seen.append(dialog)
        fill(dialog)
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr("ui.dialogs.common.exec_dialog", run)
    return seen


def test_counts_come_from_unit_open_counts(panel: UnitPanel, demo: Register) -> None:
    counts = unit_open_counts(demo, TODAY)
    assert [u.id for u in panel.model.units()] == [u.id for u in us.list_units(demo)]
    hcth = uid(demo, "Phòng HC-TH")  # a leaf with no merged predecessor
    assert cell(panel, hcth, COL_OPEN).data() == str(counts[hcth][0])
    assert cell(panel, hcth).data(OPEN_COUNT_ROLE) == counts[hcth][0]
    late = next(u for u, (_o, d) in counts.items() if d and not any(
        x.parent_id == u or x.merged_into_id == u for x in us.list_units(demo)))
    overdue_cell = cell(panel, late, COL_OVERDUE)
    assert overdue_cell.data() == str(counts[late][1])
    assert overdue_cell.data(Qt.ItemDataRole.ForegroundRole) == OVERDUE_COLOR


def test_parent_rows_add_up_like_the_task_filter(panel: UnitPanel, demo: Register) -> None:
    units = us.list_units(demo)
    for include in (True, False):
        mine = answering_units(units, include)
        assert all(mine[u.id] == us.units_answering_for(demo, u.id, include) for u in units)
    counts = unit_open_counts(demo, TODAY)
    science = uid(demo, "Sở KH&CN")
    expected = sum(counts.get(u, (0, 0))[0] for u in us.units_answering_for(demo, science, True))
    assert cell(panel, science).data(OPEN_COUNT_ROLE) == expected
    assert "cấp dưới" in cell(panel, science).data(Qt.ItemDataRole.ToolTipRole)
    panel.subunits_box.setChecked(False)
    alone = sum(counts.get(u, (0, 0))[0] for u in us.units_answering_for(demo, science, False))
    assert cell(panel, science).data(OPEN_COUNT_ROLE) == alone


def test_choosing_a_unit_and_toggles_emit_the_filter(qtbot: Any, panel: UnitPanel,
                                                     demo: Register) -> None:
    hcth = uid(demo, "Phòng HC-TH")
    with qtbot.waitSignal(panel.unitFilterChanged) as blocker:
        panel.select_unit(hcth)
    assert blocker.args == [(hcth, False, True)]
    with qtbot.waitSignal(panel.unitFilterChanged) as blocker:
        panel.cooperating_box.setChecked(True)
    assert blocker.args == [(hcth, True, True)]
    with qtbot.waitSignal(panel.unitFilterChanged) as blocker:
        panel.subunits_box.setChecked(False)
    assert blocker.args == [(hcth, True, False)]
    with qtbot.waitSignal(panel.unitFilterChanged) as blocker:
        panel.action_show_all.trigger()
    assert blocker.args == [(None, True, False)]
    assert panel.current_unit_id() is None


def test_add_unit_through_the_dialog_and_undo(monkeypatch: pytest.MonkeyPatch, panel: UnitPanel,
                                              ops: Operations, demo: Register) -> None:
    science = uid(demo, "Sở KH&CN")
    panel.select_unit(science)

    def fill(dialog: UnitDialog) -> None:
        dialog.name_edit.setText("Phòng Chuyển đổi số")
        dialog.short_edit.setText("Phòng CĐS")

    seen = dialog_runner(monkeypatch, fill)
    panel.action_add.trigger()
    assert isinstance(seen[0], UnitDialog)
    new = us.find_unit(demo, "Phòng CĐS")
    assert new.parent_id == science
    assert panel.current_unit_id() == new.id
    assert cell(panel, new.id).data() == "Phòng CĐS"
    ops.stack.undo()
    assert not panel.model.index_of(new.id).isValid()
    assert panel.current_unit_id() is None


def test_duplicate_name_is_shown_inside_the_dialog(monkeypatch: pytest.MonkeyPatch,
                                                   panel: UnitPanel, demo: Register) -> None:
    panel.select_unit(uid(demo, "Sở KH&CN"))
    seen = dialog_runner(monkeypatch, lambda d: d.name_edit.setText("phong quan ly khoa hoc"))
    before = len(panel.model.units())
    panel.action_add.trigger()
    dialog = seen[0]
    assert dialog.result() == 0  # still open: OK was refused
    assert "Đã có đơn vị" in dialog.error_label.text()
    assert not dialog.error_label.isHidden()
    assert len(panel.model.units()) == before


def test_add_sibling_goes_right_after_and_undoes_at_once(panel: UnitPanel, ops: Operations,
                                                         demo: Register) -> None:
    hcth = us.get_unit(demo, uid(demo, "Phòng HC-TH"))
    new_id = panel.add_unit("Phòng Kế hoạch - Tài chính", "Phòng KH-TC", hcth.parent_id, hcth.id)
    siblings = [u.id for u in us.list_units(demo) if u.parent_id == hcth.parent_id]
    assert siblings[siblings.index(hcth.id) + 1] == new_id
    with pytest.raises(CdsError):  # a refused sibling leaves no empty undo step behind
        panel.add_unit("Phòng Quản lý Khoa học", "", hcth.parent_id, hcth.id)
    assert (ops.stack.count(), ops.stack.index()) == (1, 1)
    assert "Phòng Kế hoạch" in ops.stack.undoText()
    ops.stack.undo()
    assert new_id not in {u.id for u in us.list_units(demo)}


def test_rename_then_undo_restores_the_name(monkeypatch: pytest.MonkeyPatch, panel: UnitPanel,
                                            ops: Operations, demo: Register) -> None:
    hcth = uid(demo, "Phòng HC-TH")
    panel.select_unit(hcth)

    def fill(dialog: UnitDialog) -> None:
        assert dialog.name_edit.text() == "Phòng Hành chính - Tổng hợp"
        dialog.name_edit.setText("Văn phòng Sở")
        dialog.short_edit.setText("VP Sở")

    dialog_runner(monkeypatch, fill)
    panel.action_rename.trigger()
    assert cell(panel, hcth).data() == "VP Sở"
    assert panel.current_unit_id() == hcth  # the choice survives the reload
    ops.stack.undo()
    assert cell(panel, hcth).data() == "Phòng HC-TH"
    assert us.get_unit(demo, hcth).name == "Phòng Hành chính - Tổng hợp"


def test_retire_hides_the_unit_when_retired_are_hidden(monkeypatch: pytest.MonkeyPatch,
                                                       panel: UnitPanel, demo: Register) -> None:
    qlkh = uid(demo, "Phòng QLKH")
    panel.select_unit(qlkh)

    def fill(dialog: RetireDialog) -> None:
        dialog.date_edit.setDate(dialog.date_edit.date().fromString("01/07/2025", "dd/MM/yyyy"))

    dialog_runner(monkeypatch, fill)
    panel.action_retire.trigger()
    info = us.get_unit(demo, qlkh)
    assert not info.active and info.retired_on == date(2025, 7, 1)
    assert "ngừng hoạt động" in cell(panel, qlkh).data(Qt.ItemDataRole.ToolTipRole)
    assert panel.is_shown(qlkh)
    panel.action_show_retired.setChecked(False)
    assert not panel.is_shown(qlkh)
    assert panel.is_shown(uid(demo, "Phòng HC-TH"))
    panel.action_show_retired.setChecked(True)
    panel.select_unit(qlkh)
    assert panel.action_retire.text() == "Khôi phục hoạt động"
    panel.action_retire.trigger()
    assert us.get_unit(demo, qlkh).active


def test_merge_offers_no_sub_units_and_rolls_counts_up(monkeypatch: pytest.MonkeyPatch,
                                                       panel: UnitPanel, demo: Register) -> None:
    counts = unit_open_counts(demo, TODAY)
    hcth, qlcn = uid(demo, "Phòng HC-TH"), uid(demo, "Phòng QLCN&CN")
    panel.select_unit(hcth)

    def fill(dialog: ChooseUnitDialog) -> None:
        assert hcth not in dialog.offered_ids()
        dialog.filter_edit.setText("quan ly cong nghe")
        assert dialog.chosen_id() == qlcn  # the first match is chosen while typing

    seen = dialog_runner(monkeypatch, fill)
    panel.action_merge.trigger()
    assert isinstance(seen[0], ChooseUnitDialog)
    info = us.get_unit(demo, hcth)
    assert info.merged_into_id == qlcn and not info.active
    merged = counts.get(hcth, (0, 0))[0] + counts.get(qlcn, (0, 0))[0]
    assert cell(panel, qlcn).data(OPEN_COUNT_ROLE) == merged


def test_merge_dialog_excludes_the_subtree(monkeypatch: pytest.MonkeyPatch, panel: UnitPanel,
                                           demo: Register) -> None:
    science = uid(demo, "Sở KH&CN")
    panel.select_unit(science)
    offered: list[int] = []
    monkeypatch.setattr("ui.dialogs.common.exec_dialog",
                        lambda d: offered.extend(d.offered_ids()) or 0)
    panel.action_merge.trigger()
    below = us.units_answering_for(demo, science, True)
    assert offered and not below & set(offered)


def test_delete_unit_with_tasks_reassigns_them(monkeypatch: pytest.MonkeyPatch, panel: UnitPanel,
                                               demo: Register) -> None:
    counts = unit_open_counts(demo, TODAY)
    hcth, qlkh = uid(demo, "Phòng HC-TH"), uid(demo, "Phòng QLKH")
    panel.select_unit(hcth)
    monkeypatch.setattr("ui.dialogs.common.confirm", lambda *_a: True)

    def fill(dialog: ChooseUnitDialog) -> None:
        assert "nhiệm vụ" in dialog.windowTitle()
        assert dialog.choose(qlkh)

    seen = dialog_runner(monkeypatch, fill)
    panel.action_delete.trigger()
    assert len(seen) == 1
    assert hcth not in {u.id for u in us.list_units(demo)}
    assert unit_open_counts(demo, TODAY)[qlkh][0] == counts[hcth][0] + counts.get(qlkh, (0, 0))[0]
    assert panel.current_unit_id() is None


def test_delete_empty_unit_and_refusals(monkeypatch: pytest.MonkeyPatch, panel: UnitPanel,
                                        demo: Register, no_blocking_dialogs: list[Any]) -> None:
    new_id = panel.add_unit("Tổ Công nghệ", "", uid(demo, "Sở KH&CN"))
    panel.action_delete.trigger()  # the fixture's confirm says no
    assert panel.model.index_of(new_id).isValid()
    monkeypatch.setattr("ui.dialogs.common.confirm", lambda *_a: True)
    panel.action_delete.trigger()
    assert not panel.model.index_of(new_id).isValid()
    panel.select_unit(uid(demo, "Sở KH&CN"))
    panel.action_delete.trigger()
    assert "cấp dưới" in no_blocking_dialogs[-1]


def test_drag_and_drop_moves_and_reorders(qtbot: Any, panel: UnitPanel, demo: Register,
                                          no_blocking_dialogs: list[Any]) -> None:
    model = panel.model
    hcth, finance, science = uid(demo, "Phòng HC-TH"), uid(demo, "Sở Tài chính"), uid(
        demo, "Sở KH&CN")

    def drop(unit_id: int, row: int, parent: QModelIndex) -> None:
        data = model.mimeData([model.index_of(unit_id)])
        assert not model.dropMimeData(data, Qt.DropAction.MoveAction, row, 0, parent)

    def children(parent: int) -> list[int]:
        return [u.id for u in us.list_units(demo) if u.parent_id == parent]

    before = children(science)
    drop(hcth, 3, model.index_of(science))  # down among its siblings: above the 4th
    qtbot.waitUntil(lambda: children(science) != before, timeout=1000)
    assert children(science)[:4] == [*before[1:3], hcth, before[3]]

    drop(hcth, -1, model.index_of(finance))  # onto a unit: last child
    qtbot.waitUntil(lambda: us.get_unit(demo, hcth).parent_id == finance, timeout=1000)
    assert panel.current_unit_id() == hcth

    inspect = uid(demo, "Thanh tra Sở")
    drop(inspect, 0, model.index_of(science))  # between siblings: first
    qtbot.waitUntil(lambda: children(science)[0] == inspect, timeout=1000)

    drop(science, -1, model.index_of(inspect))  # into its own subtree: refused
    qtbot.waitUntil(lambda: bool(no_blocking_dialogs), timeout=1000)
    assert "cấp dưới" in no_blocking_dialogs[-1]
    assert us.get_unit(demo, science).parent_id != inspect

    drop(hcth, -1, model.all_units_index())  # onto "(Tất cả đơn vị)": top level
    qtbot.waitUntil(lambda: us.get_unit(demo, hcth).parent_id is None, timeout=1000)


def test_filter_box_and_reload_keep_state(qtbot: Any, panel: UnitPanel, demo: Register) -> None:
    science, inspect = uid(demo, "Sở KH&CN"), uid(demo, "Thanh tra Sở")
    panel.select_unit(inspect)
    assert panel.tree.isExpanded(panel.model.index_of(science))
    panel.filter_edit.setText("thanh tra")
    shown = [u.id for u in panel.model.units() if panel.is_shown(u.id)]
    assert inspect in shown and science in shown
    assert uid(demo, "Phòng HC-TH") not in shown
    panel.filter_edit.clear()
    assert panel.is_shown(uid(demo, "Phòng HC-TH"))
    panel.reload(date(2024, 1, 1))
    assert panel.current_unit_id() == inspect
    assert panel.tree.isExpanded(panel.model.index_of(science))
    assert panel.model.index_of(inspect).data(UNIT_ID_ROLE) == inspect


def test_tree_keys_win_over_window_shortcuts(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                             ops: Operations, demo: Register) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    fired: list[str] = []
    for key in ("Del", "F2"):  # the window's own Del and F2 (for tasks) must not collide
        other = QAction(key, window)
        other.setShortcut(QKeySequence(key))
        other.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        other.triggered.connect(lambda _c=False, k=key: fired.append(k))
        window.addAction(other)
    panel = UnitPanel(ops, window)
    QVBoxLayout(window).addWidget(panel)
    window.show()
    qtbot.waitExposed(window)
    asked: list[str] = []
    monkeypatch.setattr("ui.dialogs.common.confirm", lambda _p, _t, text: asked.append(text))
    seen = dialog_runner(monkeypatch, lambda d: d.reject())
    panel.select_unit(uid(demo, "Phòng HC-TH"))
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    assert len(asked) == 1 and "Phòng Hành chính" in asked[0]
    assert len(seen) == 1 and isinstance(seen[0], UnitDialog)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Escape)
    assert panel.current_unit_id() is None
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)  # nothing to delete: still not the window's
    assert fired == [] and len(asked) == 1
