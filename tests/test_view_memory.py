"""The register view and the table rows stay small: shared values, thin rows, no joined text.

At 100,000 tasks every byte a task carries is 100 kB of the window's memory, so
these tests pin down what each task may hold (measured with tracemalloc, never
timed) and that the cheaper search finds exactly what the joined text found.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
import weakref
from datetime import date
from pathlib import Path

import pytest

from bench.generate import build
from cdsdesk.services import tasks as ts
from cdsdesk.services import units as us
from cdsdesk.services.queries import TaskQuery, filter_rows, query_tasks, view_rows
from cdsdesk.services.register_view import RegisterView, get_view
from cdsdesk.settings import load_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

AS_OF = date(2024, 3, 31)
ROOT = Path(__file__).resolve().parent.parent


def _view(register: Register, as_of: date = AS_OF) -> RegisterView:
    return get_view(register, as_of, load_settings(register).due_soon_days)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 tasks as the bench makes them: enough for per-task figures to mean something."""
    path = tmp_path_factory.mktemp("view") / "r2000.cdsdb"
    build(path, 2000)
    return path


# -- memory -------------------------------------------------------------------


def _traced(make: object) -> tuple[object, int]:
    """What ``make()`` returns and the bytes it left allocated."""
    assert callable(make)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        gc.collect()
        return made, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_a_task_costs_a_few_hundred_bytes_besides_its_text(generated: Path) -> None:
    with Register(generated) as register:
        register.cache.clear()
        view, size = _traced(lambda: _view(register, date(2025, 6, 30)))
        assert isinstance(view, RegisterView)
        tasks = view.tasks.values()
        text = sum(sys.getsizeof(t.content) + sys.getsizeof(t.search_text) for t in tasks)
        # About 570 bytes now (entry, facts, id, the task dict's slot); a list per unit
        # role and per sub-task list, unshared texts and statuses made it 1,400.
        assert (size - text) / len(view.tasks) < 800


def test_a_table_row_is_a_thin_view_on_its_task(generated: Path) -> None:
    with Register(generated) as register:
        view = _view(register, date(2025, 6, 30))
        rows, size = _traced(lambda: view_rows(view))
        assert isinstance(rows, list) and len(rows) == len(view.tasks) == 2000
        # One small object and a list slot: a full copy of the task's fields cost 780 bytes.
        assert size / len(rows) < 100
        assert not hasattr(rows[0], "__dict__")
        assert view_rows(view) is rows  # built once per view


def test_a_view_left_behind_is_freed_at_once(demo: Register) -> None:
    """No cycle between the view and its cached rows: after a reload the old view goes
    when the last reference does, not at some later full garbage collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        view = _view(demo)
        rows = view_rows(view)
        kept = rows[0]
        gone = weakref.ref(view)
        del view, rows
        demo.changed()  # as after an edit: the register forgets its cached view
        assert gone() is None
        assert kept.lead_units and kept.ref  # a row still held reads what it needs
    finally:
        if enabled:
            gc.enable()


def test_equal_values_are_stored_once(generated: Path) -> None:
    with Register(generated) as register:
        tasks = list(_view(register, date(2025, 6, 30)).tasks.values())
    for field in ("lead_ids", "cooperating_ids", "informed_ids", "children"):
        values = [getattr(t, field) for t in tasks]
        assert all(type(v) is tuple for v in values), field
        assert len({id(v) for v in values}) == len(set(values)), field  # one object per value
    for field in ("ref", "deadline_text", "task_group", "last_note", "shown", "document_id"):
        values = [getattr(t, field) for t in tasks]
        assert len({id(v) for v in values}) == len(set(values)), field


# -- rows read the view ---------------------------------------------------------


def test_rows_show_the_tasks_units_status_and_document(demo: Register) -> None:
    view = _view(demo)
    rows = view_rows(view)
    assert len(rows) == len(view.tasks)
    for row in rows:
        entry = view.tasks[row.id]
        assert row.lead_units == tuple(view.unit_names[u] for u in entry.lead_ids)
        assert row.cooperating_short_units == tuple(
            view.unit_short_names[u] for u in entry.cooperating_ids
        )
        assert row.status_class is entry.shown.status_class
        assert row.deadline == (entry.shown.due_on or entry.facts.deadline)
        assert row.has_children == bool(entry.children)
        assert row.document == (view.document_labels[entry.document_id] if entry.document_id else "")
        assert (row.depth > 0) == (row.parent_id is not None)
        assert isinstance(row.lead_ids, tuple) and isinstance(row.flags, tuple)
    sub = next(r for r in rows if r.parent_id is not None)
    parent = next(r for r in rows if r.id == sub.parent_id)
    assert sub.depth == parent.depth + 1 and parent.has_children


def test_a_changed_copy_leaves_the_row_alone(demo: Register) -> None:
    row = query_tasks(demo, TaskQuery(as_of=AS_OF))[0]
    copy = row.changed(content="Nội dung khác", last_note="ghi chú")
    assert (copy.content, copy.last_note) == ("Nội dung khác", "ghi chú")
    assert copy.ref == row.ref and copy.id == row.id and copy.lead_units == row.lead_units
    assert row.content != "Nội dung khác"
    assert copy != row and copy.changed(content=row.content, last_note=row.last_note) == row
    assert row.changed(ref="X").changed(content="Y").ref == "X"
    with pytest.raises(TypeError, match="no field"):
        row.changed(colour="red")
    assert "content=" in repr(row)
    with pytest.raises(TypeError):
        hash(row)


def test_rows_of_two_loads_are_equal(demo: Register) -> None:
    first = query_tasks(demo, TaskQuery(as_of=AS_OF))
    demo.changed()  # forget the view: the same register read again
    assert query_tasks(demo, TaskQuery(as_of=AS_OF)) == first


# -- search without a joined text -------------------------------------------------


SEARCHES = ["so", "chuyen doi so", "ubnd", "du lieu", "so so", "tai chinh ke hoach", "xa",
            "phong", "a", "zzz", "ke", "cong an tinh", "2024", "i.1"]


@pytest.mark.parametrize("text", SEARCHES)
def test_search_finds_what_the_joined_text_finds(demo: Register, text: str) -> None:
    """The reference: each word inside the ref, the content or a lead unit's name."""
    rows = view_rows(_view(demo))
    words = fold(text).split()
    expected = [r.id for r in rows if all(w in r.search_text for w in words)]
    assert [r.id for r in filter_rows(rows, TaskQuery(search=text))] == expected


def test_search_on_the_bench_register_matches_the_reference(generated: Path) -> None:
    with Register(generated) as register:
        rows = view_rows(_view(register, date(2025, 6, 30)))
        for text in ["co so du lieu", "so", "lieu du", "ubnd xa", "phong", "tai chinh so"]:
            words = fold(text).split()
            expected = [r.id for r in rows if all(w in r.search_text for w in words)]
            assert expected, text
            found = filter_rows(rows, TaskQuery(search=text))
            assert [r.id for r in found] == expected, text


def test_search_finds_a_task_by_its_lead_unit_not_a_cooperating_one(register: Register) -> None:
    lead = us.create_unit(register, "Sở Nội vụ", short_name="SNV")
    helper = us.create_unit(register, "Công an tỉnh")
    task_id = ts.create_task(
        register,
        ts.TaskInput(content="Rà soát thủ tục hành chính", assigned_on=AS_OF,
                     lead_ids=[lead.id], cooperating_ids=[helper.id]),
    )
    led_by_helper = ts.create_task(
        register,
        ts.TaskInput(content="Cấp căn cước", assigned_on=AS_OF, lead_ids=[helper.id]),
    )

    def found(text: str) -> list[int]:
        return [r.id for r in query_tasks(register, TaskQuery(as_of=AS_OF, search=text))]

    assert found("noi vu") == [task_id]
    assert found("snv thu tuc") == [task_id]  # the short name, then the content
    assert found("cong an") == [led_by_helper]
    assert found("noi vu can cuoc") == []  # every word, in one task
    rows = query_tasks(register, TaskQuery(as_of=AS_OF))
    # Names passed in explicitly are the ones searched.
    assert [r.id for r in filter_rows(rows, TaskQuery(search="qqq"),
                                      unit_names={helper.id: "qqq"})] == [led_by_helper]
    assert filter_rows([], TaskQuery(search="noi vu")) == []


# -- the notes and the driver -----------------------------------------------------


def test_the_last_note_is_the_newest_known_on_the_day(register: Register) -> None:
    unit = us.create_unit(register, "Sở Nội vụ")
    task_id = ts.create_task(
        register,
        ts.TaskInput(content="Số hóa hồ sơ", assigned_on=date(2024, 1, 2), lead_ids=[unit.id]),
    )
    ts.add_note(register, task_id, "Lần một", noted_on=date(2024, 2, 1))
    ts.add_note(register, task_id, "Lần hai", noted_on=date(2024, 3, 1))
    ts.add_note(register, task_id, "Lần ba", noted_on=date(2024, 3, 1))  # same day: later wins
    ts.add_note(register, task_id, "Sau ngày xem", noted_on=date(2024, 4, 2))

    def last(as_of: date) -> tuple[date | None, str]:
        row = query_tasks(register, TaskQuery(as_of=as_of))[0]
        return row.last_note_on, row.last_note

    assert last(date(2024, 1, 31)) == (None, "")
    assert last(date(2024, 2, 29)) == (date(2024, 2, 1), "Lần một")
    assert last(AS_OF) == (date(2024, 3, 1), "Lần ba")
    assert last(date(2024, 4, 2)) == (date(2024, 4, 2), "Sau ngày xem")


def test_the_table_rows_load_without_sqlalchemy(generated: Path) -> None:
    """The view is read through the plain driver: the ORM is not needed to show the table."""
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from cdsdesk.storage.db import Register\n"
        "from cdsdesk.services.queries import TaskQuery, query_tasks\n"
        f"rows = query_tasks(Register({str(generated)!r}), TaskQuery(as_of=date(2025, 6, 30),"
        " search='so'))\n"
        "assert rows and rows[0].lead_units, rows[:1]\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_as_of_must_be_a_date(demo: Register) -> None:
    """It is written into the notes query: anything but a date is refused."""
    from cdsdesk.services.register_view import load_view

    with pytest.raises(TypeError):
        load_view(demo, "2024-03-31' OR 1=1 --", 7)  # type: ignore[arg-type]
