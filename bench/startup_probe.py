"""The process whose start-up ``bench/run.py`` times (offscreen Qt).

    python bench/startup_probe.py baseline
    python bench/startup_probe.py app REGISTER --expect ROWS

``baseline``: a bare PySide6 window (QApplication, an empty QMainWindow shown).
``app``: what ``main.py`` does (``ui.app.make_app`` and ``MainWindow``, with
scratch QSettings so that no saved filter or layout changes the work), then
waits until the task table holds at least ``ROWS`` rows *and* its viewport has
been painted with them.

Either way it prints one line ``READY {json}`` on stdout and exits. The parent
measures start-up by its own wall clock from spawning this process to reading
that line, so the figure includes the interpreter's start and every import.
The JSON carries the phases seen from inside (seconds since the first line of
this file ran, ``perf_counter``) and the memory at that moment (VmRSS and
VmHWM from /proc/self/status, in MB), for diagnosis.
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
from pathlib import Path  # noqa: E402

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
    phase(phases, "ready")
    payload = {"phases": phases, "phases_cpu": CPU, "memory_mb": memory_mb(), **extra}
    print("READY " + json.dumps(payload), flush=True)


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


def app(register: str, expect: int) -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QTableView

    from ui.app import make_app
    from ui.main_window import MainWindow

    phases: dict[str, float] = {}
    phase(phases, "imported")
    application = make_app()
    phase(phases, "app")
    scratch = Path(tempfile.mkdtemp(prefix="cdsdesk-bench-"))
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(register, settings=settings)
    phase(phases, "window_built")
    table = window.findChild(QTableView, "taskTable")
    assert table is not None, "no QTableView named taskTable in the main window"
    state = {"done": False}

    def filled() -> bool:
        model = table.model()
        return model is not None and model.rowCount() >= expect

    def finish() -> None:
        if state["done"]:
            return
        state["done"] = True
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY_MODULES)
        ready(phases, rows=table.model().rowCount(), heavy_modules=heavy)
        application.quit()

    class PaintWatch(QObject):
        """The table counts as shown once its viewport has painted the filled model."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and filled() and not state["done"]:
                if "painted" not in phases:
                    phase(phases, "painted")
                QTimer.singleShot(0, finish)  # after this paint has completed
            return False

    window.resize(1280, 760)
    window.show()
    phase(phases, "shown")
    # Installed after show(): filters run newest first, so this one sees the first paint
    # before any the window installs for work it defers until then, and its zero timer
    # fires first. Work deferred past the first paint is not part of start-up.
    watch = PaintWatch()
    table.viewport().installEventFilter(watch)
    QTimer.singleShot(int(TIMEOUT_S * 1000), application.quit)
    application.exec()
    if not state["done"]:
        model = table.model()
        print(f"TIMEOUT rows={model.rowCount() if model else None} expected={expect}", flush=True)
        return 1
    shutil.rmtree(scratch, ignore_errors=True)
    os._exit(0)  # skip tearing down 100,000 Python objects: not part of start-up


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if argv[:1] == ["baseline"]:
        return baseline()
    if argv[:1] == ["app"] and len(argv) >= 2:
        expect = int(argv[argv.index("--expect") + 1]) if "--expect" in argv else 1
        return app(argv[1], expect)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
