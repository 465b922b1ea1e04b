"""The process whose start-up ``bench/run.py`` times (offscreen Qt).

    python bench/startup_probe.py baseline
    python bench/startup_probe.py app REGISTER --expect ROWS
    python bench/startup_probe.py floor REGISTER --expect ROWS

``baseline``: a bare PySide6 window (QApplication, an empty QMainWindow shown).
``app``: what ``main.py`` does (``ui.app.make_app``, the register's lock, then
``ui.app.open_window``: the start-up integrity check and ``MainWindow(...,
deferred=True)``; with scratch QSettings so that no saved filter or layout
changes the work), then waits until the task table holds at least ``ROWS`` rows
*and* its viewport has been painted with them: it prints ``READY {json}``. The
window fills its side panels (unit counts, calendar, attention panel) after
that first paint; once it says so (``panelsLoaded``) and has been repainted,
the probe prints ``LOADED {json}`` and exits. The baseline prints ``READY`` only.

The parent measures start-up by its own wall clock from spawning this process
to reading each line, so the figures include the interpreter's start and every
import. The JSON carries the phases seen from inside (seconds since the first
line of this file ran, ``perf_counter``, and the same in CPU seconds) and the
memory at that moment (VmRSS and VmHWM from /proc/self/status, in MB): take the
memory from ``LOADED``, when everything the window keeps has been built.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()
CPU0 = time.process_time()

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 300.0
# Needed only by exports and the importer: loading any of them at start-up is a bug.
HEAVY_MODULES = ("reportlab", "docx", "openpyxl", "matplotlib", "pypdf", "rapidfuzz")


def memory_mb() -> dict[str, float]:
    """VmRSS and VmHWM (the peak) of this process, in MB."""
    out: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    return out


def since_start() -> float:
    return time.perf_counter() - T0


CPU: dict[str, float] = {}  # the same phases in CPU seconds of this process


def phase(phases: dict[str, float], name: str) -> None:
    phases[name] = since_start()
    CPU[name] = round(time.process_time() - CPU0, 3)


def ready(phases: dict[str, float], **extra: object) -> None:
    say("READY", "ready", phases, **extra)


def say(word: str, name: str, phases: dict[str, float], **extra: object) -> None:
    """Print ``WORD {json}`` with the phases so far, ``name`` the last of them."""
    phase(phases, name)
    payload = {"phases": phases, "phases_cpu": CPU, "memory_mb": memory_mb(), **extra}
    print(word + " " + json.dumps(payload), flush=True)


def baseline() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    phases: dict[str, float] = {}
    phase(phases, "imported")
    app = QApplication(sys.argv)
    window = QMainWindow()
    window.resize(1280, 760)
    window.show()
    phase(phases, "shown")

    def done() -> None:
        ready(phases)
        app.quit()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, done)
    app.exec()
    window.close()
    return 0


def paint_watch(
    table: Any, filled: Callable[[], bool], done: Callable[[], bool],
    phases: dict[str, float], finish: Callable[[], None],
) -> Any:
    """Calls ``finish`` once the table's viewport has painted the filled model (the
    filter returned: keep it alive)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and filled() and not done():
                if "painted" not in phases:
                    phase(phases, "painted")
                QTimer.singleShot(0, finish)  # after this paint has completed
            return False

    watch = PaintWatch()
    table.viewport().installEventFilter(watch)
    return watch


def floor(register: str, expect: int) -> int:
    """The least a window showing this register's task table can do: the same register
    view and rows as the program, in a bare QTableView of four columns, without menus,
    filters, side panels, the integrity check or the lock. What start-up cannot go below
    with this data loading; prints ``READY`` like the others."""
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    from cdsdesk.services.queries import view_rows
    from cdsdesk.services.register_view import load_view
    from cdsdesk.storage.db import Register

    phases: dict[str, float] = {}
    phase(phases, "imported")
    application = QApplication(sys.argv)
    rows = view_rows(load_view(Register(register), date.today(), 7))
    phase(phases, "loaded_rows")
    Index = QModelIndex | QPersistentModelIndex

    class Rows(QAbstractTableModel):
        def rowCount(self, parent: Index | None = None) -> int:
            return 0 if parent is not None and parent.isValid() else len(rows)

        def columnCount(self, parent: Index | None = None) -> int:
            return 0 if parent is not None and parent.isValid() else 4

        def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            row = rows[index.row()]
            column = index.column()
            if column == 0:
                return row.ref
            if column == 1:
                return row.content
            if column == 2:
                return row.deadline.strftime("%d/%m/%Y") if row.deadline else ""
            return row.status_short_label

    window = QMainWindow()
    table = QTableView(window)
    table.setModel(Rows(table))
    window.setCentralWidget(table)
    state = {"done": False}

    def finish() -> None:
        if not state["done"]:
            state["done"] = True
            ready(phases, rows=len(rows))
            application.quit()

    window.resize(1280, 760)
    window.show()
    phase(phases, "shown")
    watch = paint_watch(table, lambda: len(rows) >= expect, lambda: state["done"], phases, finish)
    QTimer.singleShot(int(TIMEOUT_S * 1000), application.quit)
    application.exec()
    del watch
    sys.stdout.flush()
    os._exit(0 if state["done"] else 1)


def app(register: str, expect: int) -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QTableView

    from cdsdesk.storage.lock import acquire_or_explain
    from ui.app import make_app, open_window

    phases: dict[str, float] = {}
    phase(phases, "imported")
    application = make_app()
    phase(phases, "app")
    # Scratch settings, so that no saved filter or layout changes the work.
    scratch = Path(tempfile.mkdtemp(prefix="cdsdesk-bench-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch))
    # What ui.app.run does: the register's lock, the start-up integrity check, then the
    # window with its side panels deferred past the first paint.
    lock = acquire_or_explain(Path(register))
    found = open_window(register)
    assert found is not None, "the register did not open"
    window = found
    phase(phases, "window_built")
    table = window.findChild(QTableView, "taskTable")
    assert table is not None, "no QTableView named taskTable in the main window"
    state = {"done": False, "loaded": False}

    def filled() -> bool:
        model = table.model()
        return model is not None and model.rowCount() >= expect

    def heavy_modules() -> list[str]:
        return sorted(m for m in sys.modules if m.split(".")[0] in HEAVY_MODULES)

    def finish() -> None:
        if state["done"]:
            return
        state["done"] = True
        ready(phases, rows=table.model().rowCount(), heavy_modules=heavy_modules())
        if window.panels_loaded:
            QTimer.singleShot(0, loaded)

    def loaded() -> None:
        if state["loaded"]:
            return
        state["loaded"] = True
        window.repaint()  # the filled panels painted, not only filled
        say("LOADED", "loaded", phases, heavy_modules=heavy_modules())
        application.quit()

    def panels_loaded() -> None:
        if state["done"]:  # otherwise READY comes first and then sees them loaded
            QTimer.singleShot(0, loaded)

    window.panelsLoaded.connect(panels_loaded)

    window.resize(1280, 760)
    window.show()
    phase(phases, "shown")
    # Installed after show(): filters run newest first, so this one sees the first paint
    # before any the window installs for work it defers until then, and its zero timer
    # fires first. Work deferred past the first paint counts in LOADED, not in READY.
    watch = paint_watch(table, filled, lambda: bool(state["done"]), phases, finish)
    QTimer.singleShot(int(TIMEOUT_S * 1000), application.quit)
    application.exec()
    del watch
    if not state["loaded"]:
        model = table.model()
        print(
            f"TIMEOUT rows={model.rowCount() if model else None} expected={expect} "
            f"panels_loaded={window.panels_loaded}",
            flush=True,
        )
        return 1
    lock.release()
    shutil.rmtree(scratch, ignore_errors=True)
    sys.stdout.flush()
    os._exit(0)  # skip tearing down 100,000 Python objects: not part of start-up


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if argv[:1] == ["baseline"]:
        return baseline()
    if argv[:1] in (["app"], ["floor"]) and len(argv) >= 2:
        expect = int(argv[argv.index("--expect") + 1]) if "--expect" in argv else 1
        return (app if argv[0] == "app" else floor)(argv[1], expect)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
