"""The interactive, report and importer measurements of ``bench/run.py``, each run in a
process of its own so that one never warms the next:

    python bench/children.py interact REGISTER ROWS
    python bench/children.py report REGISTER pdf|docx
    python bench/children.py parse DEMO_REGISTER

Each prints one line ``RESULT {json}`` and exits; ``bench/run.py`` reads it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SAMPLES = ROOT / "tests" / "data" / "samples"
SEARCH_TYPED = "co so du lieu"
REPORT_QUARTER = (2025, 4)


def _result(payload: dict[str, Any]) -> None:
    print("RESULT " + json.dumps(payload), flush=True)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def memory_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


class Stopwatch:
    """Wall-clock and CPU times of repeated actions. The CPU time (this process only) is
    steadier than the wall clock on a busy machine; both are reported."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextmanager
    def timing(self, minus: float = 0.0) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall.append(time.perf_counter() - wall - minus)
        self.cpu.append(time.process_time() - cpu)

    def summary(self) -> dict[str, Any]:
        return {"wall_ms": [_ms(s) for s in self.wall], "cpu_ms": [_ms(s) for s in self.cpu]}


def child_interact(db: str, expect: int) -> dict[str, Any]:
    """Search, sort, unit filter, calendar and reload in a shown main window."""
    from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QTableView, QTreeView

    from ui.app import make_app
    from ui.main_window import MainWindow

    app = make_app()
    scratch = Path(tempfile.mkdtemp(prefix="cdsdesk-bench-"))
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    copy = scratch / Path(db).name
    shutil.copy(db, copy)  # the edit below really writes: never into the cached register
    db = str(copy)
    try:
        window = MainWindow(db, settings=settings, deferred=True)  # as the program builds it
    except TypeError:  # a window without deferred loading
        window = MainWindow(db, settings=settings)
    window.resize(1280, 760)
    window.show()
    table = window.findChild(QTableView, "taskTable")
    box = window.findChild(QLineEdit, "searchBox")
    tree = window.findChild(QTreeView, "unitTree")
    calendar = window.findChild(QCalendarWidget, "deadlineCalendar")
    assert table and box and tree and calendar, "a widget the bench drives was renamed"
    model = table.model()

    def wait_until(done: Callable[[], bool], timeout: float = 300.0) -> None:
        end = time.perf_counter() + timeout
        while not done():
            if time.perf_counter() > end:
                raise TimeoutError("the window did not settle")
            app.processEvents()
            time.sleep(0.001)

    def settle() -> None:  # let deferred work after the start run before anything is timed
        for _ in range(20):
            app.processEvents()
            time.sleep(0.005)

    wait_until(lambda: model.rowCount() >= expect
               and getattr(window, "panels_loaded", True))
    settle()
    resets = [0]
    model.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))
    model.layoutChanged.connect(lambda: resets.__setitem__(0, resets[0] + 1))
    panel = getattr(window, "task_panel", None)
    apply = getattr(panel, "apply_filters", None)
    debounce = [t.interval() for t in (panel.findChildren(QTimer) if panel else [])
                if t.isSingleShot()]

    def repaint_table() -> None:
        table.viewport().repaint()

    search, shown = Stopwatch(), []
    box.setFocus()
    for key in list(SEARCH_TYPED) + ["\b"] * len(SEARCH_TYPED):
        before = resets[0]
        minus = min(debounce) / 1000 if apply is None and debounce else 0.0
        with search.timing(minus):
            if key == "\b":
                QTest.keyClick(box, Qt.Key.Key_Backspace)
            else:
                QTest.keyClicks(box, key)
            if apply is not None:
                apply()  # what the debounce timer would run, without waiting for it
            else:
                wait_until(partial(lambda n: resets[0] > n, before))
            repaint_table()
        shown.append(model.rowCount())

    header = table.horizontalHeader()
    titles = [str(model.headerData(c, Qt.Orientation.Horizontal))
              for c in range(model.columnCount())]
    sort: dict[str, Stopwatch] = {}
    for name, title in (("deadline", "Thời hạn"), ("deadline_again", "Thời hạn"),
                        ("content", "Nội dung nhiệm vụ"), ("status", "Tình trạng")):
        col = titles.index(title) if title in titles else 0
        if table.isColumnHidden(col):
            table.setColumnHidden(col, False)
        where = QPoint(header.sectionViewportPosition(col) + header.sectionSize(col) // 2,
                       header.height() // 2)
        sort[name] = Stopwatch()
        with sort[name].timing():
            QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, where)
            repaint_table()
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    settle()

    units = tree.model()
    picks = []
    top = units.index(0, 0)  # "every unit" or the first top-level unit
    for parent in (top, units.index(1, 0) if units.rowCount() > 1 else top):
        for row in (0, 1, units.rowCount(parent) - 1):
            index = units.index(row, 0, parent)
            if index.isValid() and index not in picks:
                picks.append(index)
    unit_filter = Stopwatch()
    for index in [*picks[:5], top]:  # and back to where it started
        with unit_filter.timing():
            tree.setCurrentIndex(index)
            repaint_table()
    unit_rows = model.rowCount()

    grid = calendar.findChild(QTableView, "qt_calendar_calendarview")
    calendar.setCurrentPage(2025, 1)
    settle()
    months = Stopwatch()
    for _ in range(6):
        with months.timing():
            calendar.showNextMonth()
            (grid.viewport() if grid is not None else calendar).repaint()

    register = getattr(window, "register", None)
    refresh = getattr(window, "refresh_action", None)
    reload = Stopwatch()
    if register is not None and refresh is not None:
        register.changed()  # what any write does to the read cache
        with reload.timing():
            refresh.trigger()
            repaint_table()
    edit = Stopwatch()
    ops = getattr(window, "ops", None)
    if register is not None and ops is not None:
        from cdsdesk.services.tasks import add_note
        from ui.operations import Change

        # What the window does after one task is saved: a real write (a progress note,
        # not timed) through the register, then the window's reload of what it changed.
        today = date.today()
        rows = [model.row_at(i) for i in range(model.rowCount() // 2, model.rowCount())]
        task_id = next(r.id for r in rows if r.assigned_on is None or r.assigned_on <= today)
        edited = Change(tasks=True, task_ids=frozenset({task_id}))
        settle()
        add_note(register, task_id, "Đã họp rà soát tiến độ (phép đo)")
        with edit.timing():
            ops.changed.emit(edited)
            repaint_table()
    shutil.rmtree(scratch, ignore_errors=True)
    return {
        "search_ms_median": _ms(statistics.median(search.wall)),
        "search_ms_max": _ms(max(search.wall)),
        "sort_ms": _ms(sort["deadline"].wall[0]),
        "unit_filter_ms": _ms(statistics.median(unit_filter.wall)),
        "calendar_month_ms": _ms(statistics.median(months.wall)),
        "reload_ms": _ms(reload.wall[0]) if reload.wall else None,
        "edit_ms": _ms(edit.wall[0]) if edit.wall else None,
        "details": {
            "search": {**search.summary(), "rows_shown": shown,
                       "debounce_bypassed": apply is not None,
                       "cpu_ms_median": _ms(statistics.median(search.cpu))},
            "sort": {k: v.summary() for k, v in sort.items()},
            "unit_filter": {**unit_filter.summary(), "rows_shown_last": unit_rows},
            "calendar_month": months.summary(),
            "reload": reload.summary(),
            "edit": edit.summary(),
            "rss_mb_after_use": round(memory_mb(), 1),
        },
    }


def child_report(db: str, fmt: str) -> dict[str, Any]:
    """A quarterly report, twice: the first pays the imports (the figure), then warm."""
    from cdsdesk.exporting.api import Format, export_report
    from cdsdesk.periods import Quarter
    from cdsdesk.storage.db import Register

    register = Register(db)
    times = []
    with tempfile.TemporaryDirectory(prefix="cdsdesk-bench-") as folder:
        out = Path(folder) / f"report.{fmt}"
        for _ in range(2):
            started, cpu = time.perf_counter(), time.process_time()
            export_report(register, Quarter(*REPORT_QUARTER), Format(fmt), out)
            times.append((time.perf_counter() - started, time.process_time() - cpu))
            register.changed()  # the second run reads the register again, like a new export
        size = out.stat().st_size
    return {"seconds": round(times[0][0], 3), "cpu_seconds": round(times[0][1], 3),
            "warm_seconds": round(times[1][0], 3), "bytes": size}


def child_parse(demo: str) -> dict[str, Any]:
    try:
        from cdsdesk.importing.parser import parse_notice
    except ImportError as exc:
        return {"ms_per_notice": None, "why": f"cdsdesk.importing.parser.parse_notice: {exc}"}
    from cdsdesk.services.units import list_units
    from cdsdesk.storage.db import Register

    with Register(demo) as register:
        units = list_units(register)
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}
    if not texts:
        return {"ms_per_notice": None, "why": f"no sample notices in {SAMPLES}"}
    started = time.perf_counter()
    parse_notice(next(iter(texts.values())), units=units)
    cold = time.perf_counter() - started
    per_notice = {}
    for name, text in texts.items():
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            parse_notice(text, units=units)
            runs.append(time.perf_counter() - started)
        per_notice[name] = statistics.median(runs)
    return {"ms_per_notice": _ms(statistics.mean(per_notice.values())),
            "first_call_ms": _ms(cold),
            "per_notice_ms": {k: _ms(v) for k, v in per_notice.items()}}


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    mode, *rest = argv
    if mode == "interact":
        _result(child_interact(rest[0], int(rest[1])))
    elif mode == "report":
        _result(child_report(rest[0], rest[1]))
    elif mode == "parse":
        _result(child_parse(rest[0]))
    else:
        raise SystemExit(f"unknown child mode {mode}")
    sys.stdout.flush()
    os._exit(0)  # skip tearing down a window of 100,000 rows: not part of any figure


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
