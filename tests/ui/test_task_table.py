"""The task table model, tested without a view."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from cdsdesk.domain.enums import StatusClass
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.services.units import find_unit, units_answering_for
from cdsdesk.storage.db import Register
from ui.models.task_table import (
    COL_CONTENT,
    COL_DAYS_OVERDUE,
    COL_DEADLINE,
    COL_REF,
    COL_STATUS,
    OVERDUE,
    STATUS_CLASS_ROLE,
    TASK_ID_ROLE,
    TaskTableModel,
    natural_key,
)

AS_OF = date(2024, 3, 31)


def loaded(register: Register) -> TaskTableModel:
    model = TaskTableModel()
    model.set_all_rows(query_tasks(register, TaskQuery(as_of=AS_OF)))
    return model


def test_rows_and_roles(demo: Register) -> None:
    model = loaded(demo)
    assert model.rowCount() == len(query_tasks(demo)) and model.columnCount() == 9
    assert model.headerData(COL_CONTENT, Qt.Orientation.Horizontal) == "Nội dung nhiệm vụ"
    overdue = [r for r in range(model.rowCount())
               if model.index(r, 0).data(STATUS_CLASS_ROLE) == StatusClass.OPEN_OVERDUE.value]
    assert overdue
    index = model.index(overdue[0], COL_STATUS)
    assert index.data() == "Quá hạn"
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "Chưa hoàn thành, quá hạn"
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE
    assert int(model.index(overdue[0], COL_DAYS_OVERDUE).data()) > 0
    assert isinstance(model.index(0, 0).data(TASK_ID_ROLE), int)


def test_subtasks_stay_under_parent_when_sorted(demo: Register) -> None:
    model = loaded(demo)
    for column in (COL_CONTENT, COL_DEADLINE, COL_STATUS):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            seen: set[int] = set()
            for row in model.rows():
                if row.parent_id is not None:
                    assert row.parent_id in seen, (column, order, row.ref)
                seen.add(row.id)


def test_sort_by_content_is_vietnamese_order(demo: Register) -> None:
    model = loaded(demo)
    model.sort(COL_CONTENT, Qt.SortOrder.AscendingOrder)
    top = [r.content for r in model.rows() if r.parent_id is None]
    from cdsdesk.textvi import sort_key

    assert top == sorted(top, key=sort_key)


def test_filters_search_status_unit(demo: Register) -> None:
    model = loaded(demo)
    model.set_filter(TaskQuery(search="chuyen doi so"), None)
    assert 0 < model.rowCount() < len(model.all_rows())
    model.set_filter(TaskQuery(status="open_overdue"), None)
    assert all(r.status_class is StatusClass.OPEN_OVERDUE for r in model.rows())
    unit = find_unit(demo, "Sở Thông tin và Truyền thông")
    model.set_filter(TaskQuery(status="open_overdue"), units_answering_for(demo, unit.id, True))
    assert model.rowCount() >= 1
    assert all("Sở Thông tin và Truyền thông" in r.lead_units for r in model.rows())


def test_natural_ref_order() -> None:
    refs = ["II.10", "II.2", "I.3", "II.2.10", "II.2.9", "IV.1"]
    assert sorted(refs, key=natural_key) == ["I.3", "II.2", "II.2.9", "II.2.10", "II.10", "IV.1"]
    assert natural_key("") < natural_key("I") < natural_key("a")


def test_ref_column_sort(demo: Register) -> None:
    model = loaded(demo)
    model.sort(COL_REF, Qt.SortOrder.AscendingOrder)
    top = [r.ref for r in model.rows() if r.parent_id is None]
    assert top == sorted(top, key=natural_key) and len(set(top)) > 5
