"""The speed benchmark: start-up, search, sort, filters, calendar, memory, reports, import.

    python bench/run.py                       # 1k, 10k and 100k tasks, two cores and one
    python bench/run.py --quick               # without 100k
    python bench/run.py --sizes 1000,10000 --json figures.json
    python bench/run.py --no-1core --repeat 1 # faster, less steady

Registers are built by ``bench/generate.py`` (200 units in a tree, Vietnamese text,
deadlines of every kind, progress notes) and cached under ``$TMPDIR/cdsdesk-bench``,
keyed by size, seed and the generator's and migrations' source, so reruns start at once.

Every figure is measured in a fresh child process (Qt offscreen; ``bench/startup_probe.py``
for start-ups, ``bench/children.py`` for the rest), so that one measurement never warms
the next:

* ``start_s_<size>``: the parent's wall clock from spawning ``bench/startup_probe.py``
  to reading its ``READY`` line, which it prints once the main window (started as
  ``main.py`` starts it: the lock, the integrity check, ``deferred=True``) is shown and
  the task table has painted every row (median of ``--repeat`` runs).
  ``baseline_start_s`` is the same for a bare QApplication and an empty QMainWindow;
  ``floor_start_s_<size>`` for the same rows in a bare table with nothing around it.
  ``start_cpu_s_<size>`` and ``baseline_cpu_s``: the child's CPU time until then
  (``wait4``, less what it spent after ``READY``), steadier on a busy machine.
* ``loaded_s_<size>``, ``loaded_cpu_s_<size>``: the same to the probe's ``LOADED`` line:
  the side panels the window fills after that first paint (unit counts, calendar,
  attention panel, document list) are all filled and the window repainted.
* ``import_s``/``import_cpu_s``: importing ``ui.app`` and ``ui.main_window``;
  ``heavy_modules_at_start``: how many export/import libraries are loaded once the window
  is loaded (must be 0); a ``python -X importtime`` table per package is printed and kept.
* ``rss_mb_<size>``: VmRSS of that start-up process at ``LOADED``, once everything the
  window keeps has been built.
* ``search_ms_median_<size>``, ``search_ms_max_<size>``: a key typed into the search box
  (``QTest``) until the table model is reset and the table viewport repainted.
  The 150 ms debounce timer is bypassed: right after the key event the panel's own apply
  path (``TaskPanel.apply_filters``, what the timer runs) is called. The keys type
  ``co so du lieu`` then erase it with Backspace.
* ``sort_ms_<size>``: a click on the header of the deadline column, to the viewport
  repainted (the first click: no sort keys cached yet).
* ``unit_filter_ms_<size>``: a unit made current in the unit tree, to the table repainted
  (median over several units and back to every unit).
* ``calendar_month_ms_<size>``: the calendar turned to the next month, to its grid
  repainted with the marks (median of six pages).
* ``reload_ms_<size>`` (no target): F5 after the register's read cache is dropped (as a
  write elsewhere drops it): every panel read again.
* ``edit_ms_<size>`` (no target): what the window does after one task is saved (a real
  note added on a copy of the register, not timed, then ``ops.changed`` with that task's
  ``Change``), to the table repainted.
* ``report_pdf_s_<size>``, ``report_docx_s_<size>``: ``export_report`` for a quarter over
  the smallest register (1k), in a fresh process: the first export pays its imports.
* ``parse_ms_per_notice``: ``parse_notice`` over every sample notice in
  ``tests/data/samples`` with the demo register's units, mean of the per-notice medians.

With ``taskset`` available each figure is measured again with the child pinned to one
core (``taskset -c 0``) under the same key suffixed ``_1core``. The interactive figures are
wall-clock; their CPU times are in the JSON's ``details``. The growth table gives each
figure's exponent from the smallest register to the largest (0 flat, 1 linear).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PROBE = BENCH / "startup_probe.py"
CHILDREN = BENCH / "children.py"
DEFAULT_SIZES = (1000, 10000, 100000)
UNITS = 200
CHILD_TIMEOUT_S = 900


def label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


# -- registers ------------------------------------------------------------------------


def cache_folder() -> Path:
    return Path(tempfile.gettempdir()) / "cdsdesk-bench"


def _source_key() -> str:
    """Changes when the generator or the schema changes: a cached register is then stale."""
    digest = hashlib.sha256((BENCH / "generate.py").read_bytes())
    versions = ROOT / "cdsdesk" / "storage" / "migrations" / "versions"
    for path in sorted(versions.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def register_for(size: int, seed: int, folder: Path) -> Path:
    """A register of ``size`` tasks, built once per size, seed and source version."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"r{size}-u{UNITS}-s{seed}-{_source_key()}.cdsdb"
    if not path.exists():
        building = folder / f".building-{os.getpid()}-{path.name}"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "--tasks", str(size),
             "--units", str(UNITS), "--seed", str(seed), "--out", str(building)],
            check=True,
        )
        os.replace(building, path)
        print(f"  built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def demo_register(folder: Path) -> Path:
    """The demo register (real unit names), for the importer's unit matching."""
    path = folder / f"demo-{_source_key()}.cdsdb"
    if not path.exists():
        building = folder / f".building-{os.getpid()}-{path.name}"
        code = (
            "import sys; sys.path.insert(0, sys.argv[2])\n"
            "from cdsdesk.demo import write_demo\n"
            "from cdsdesk.storage.db import Register\n"
            "with Register(sys.argv[1]) as r: write_demo(r)\n"
        )
        subprocess.run([sys.executable, "-c", code, str(building), str(ROOT)], check=True)
        os.replace(building, path)
    return path


# -- running children -----------------------------------------------------------------


PYCACHE: Path | None = None  # set by main(): compiled modules live with the cached registers


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    # An installed program starts from compiled modules: let the children write and reuse
    # them (outside the source tree), whatever this shell says.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if PYCACHE is not None:
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def python(one_core: bool) -> list[str]:
    return (["taskset", "-c", "0"] if one_core else []) + [sys.executable]


class ChildFailed(RuntimeError):
    pass


def _spawn_lines(words: tuple[str, ...], args: list[str],
                 one_core: bool) -> tuple[dict[str, tuple[float, dict[str, Any]]], float]:
    """Run a child until it has printed a line starting with each of ``words``; return
    {word: (wall seconds from spawn to that line, the line's JSON)} and the child's user
    and system CPU time in all (it exits right after its last line). On a busy machine the
    wall clock varies from run to run; the CPU time less."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            python(one_core) + args, stdout=subprocess.PIPE, stderr=errors, text=True,
            env=child_env(), cwd=ROOT,
        )
        assert child.stdout is not None
        found: dict[str, tuple[float, dict[str, Any]]] = {}
        cpu_s = math.nan
        try:
            for line in child.stdout:
                word = line.split(" ", 1)[0]
                if word in words and word not in found:
                    found[word] = (time.perf_counter() - started, json.loads(line[len(word) + 1:]))
                    if len(found) == len(words):
                        break
            child.stdout.read()
            _pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            cpu_s = round(usage.ru_utime + usage.ru_stime, 3)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        if len(found) < len(words) or child.returncode != 0:
            errors.seek(0)
            tail = "".join(errors.readlines()[-25:])
            raise ChildFailed(f"{' '.join(args)} failed ({child.returncode}):\n{tail}")
        return found, cpu_s


def _spawn_until(prefix: str, args: list[str], one_core: bool) -> tuple[float, dict[str, Any]]:
    """Run a child; return (wall seconds from spawn to its ``prefix`` line, that line's JSON),
    the JSON with ``cpu_s``: the child's CPU time in all."""
    found, cpu_s = _spawn_lines((prefix,), args, one_core)
    seconds, payload = found[prefix]
    return seconds, {**payload, "cpu_s": cpu_s}


@dataclass(frozen=True)
class Start:
    """One start of the probe: to the table painted (``READY``) and to every panel filled
    (``LOADED``; the same moment for the bare window, which prints ``READY`` only)."""

    start_s: float
    start_cpu_s: float
    loaded_s: float
    loaded_cpu_s: float
    ready: dict[str, Any]  # the READY payload
    loaded: dict[str, Any]  # the LOADED payload (memory, modules once everything is built)


def start_once(args: list[str], one_core: bool) -> Start:
    words = ("READY", "LOADED") if args[:1] == ["app"] else ("READY",)
    found, cpu_s = _spawn_lines(words, [str(PROBE), *args], one_core)
    start_s, ready = found["READY"]
    loaded_s, loaded = found.get("LOADED", found["READY"])
    # The child's CPU time until READY: all of it minus what it spent after READY.
    after = loaded["phases_cpu"].get("loaded", 0.0) - ready["phases_cpu"].get("ready", 0.0)
    return Start(start_s, round(cpu_s - after, 3), loaded_s, cpu_s, ready, loaded)


def time_start(args: list[str], one_core: bool, repeat: int) -> tuple[Start, Start]:
    """The runs with the median start-up and with the median time to every panel loaded,
    over ``repeat`` runs."""
    runs = [start_once(args, one_core) for _ in range(repeat)]
    middle = len(runs) // 2
    return (sorted(runs, key=lambda run: run.start_s)[middle],
            sorted(runs, key=lambda run: run.loaded_s)[middle])


def import_costs(register: Path, expect: int, top: int = 12) -> list[tuple[str, float]]:
    """Milliseconds of ``python -X importtime`` per top-level package for one start-up
    (``cdsdesk`` and ``ui`` split by module group), the largest first."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", str(PROBE), "app", str(register), "--expect",
         str(expect)],
        capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=CHILD_TIMEOUT_S,
    )
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _cumulative, name = line.split(":", 1)[1].split("|")
        parts = name.strip().split(".")
        package = ".".join(parts[:2]) if parts[0] in ("cdsdesk", "ui") else parts[0]
        totals[package] = totals.get(package, 0.0) + int(own) / 1000
    return sorted(((k, round(v, 1)) for k, v in totals.items()), key=lambda kv: -kv[1])[:top]


def run_child(mode: str, args: list[str], one_core: bool) -> dict[str, Any]:
    """One of ``bench/children.py``'s measurements, in its own process."""
    return _spawn_until("RESULT", [str(CHILDREN), mode, *args], one_core)[1]


# -- targets and tables ---------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    key: str
    text: str
    check: Callable[[float, dict[str, Any], str], bool]  # (value, figures, suffix)


TARGETS = [
    Target("start_s_10k", "≤ 2 × baseline_start_s",
           lambda v, f, s: v <= 2 * f["baseline_start_s" + s]),
    Target("start_s_100k", "< 3 s", lambda v, f, s: v < 3),
    Target("search_ms_median_100k", "< 50 ms", lambda v, f, s: v < 50),
    Target("search_ms_max_100k", "< 150 ms", lambda v, f, s: v < 150),
    Target("rss_mb_100k", "< 300 MB", lambda v, f, s: v < 300),
    Target("report_pdf_s_1k", "< 3 s", lambda v, f, s: v < 3),
    Target("report_docx_s_1k", "< 3 s", lambda v, f, s: v < 3),
    Target("parse_ms_per_notice", "< 100 ms", lambda v, f, s: v < 100),
    Target("heavy_modules_at_start", "0 (no reportlab, docx, openpyxl… at start)",
           lambda v, f, s: v == 0),
]

GROWTH = [  # (figure, what it should do as the register grows)
    ("start_s", "at most linear: one bulk read of the tasks (last note only), panels later"),
    ("loaded_s", "at most linear"),
    ("rss_mb", "sub-linear: no note texts, no per-row objects kept"),
    ("search_ms_median", "at most linear (filtering in memory)"),
    ("search_ms_max", "at most linear"),
    ("sort_ms", "n log n"),
    ("unit_filter_ms", "at most linear"),
    ("calendar_month_ms", "flat: a page's days, not every task"),
    ("reload_ms", "at most linear"),
    ("edit_ms", "at most linear"),
]


def evaluate(figures: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for target in TARGETS:
        row: dict[str, Any] = {"figure": target.key, "target": target.text}
        for suffix in ("", "_1core"):
            value = figures.get(target.key + suffix)
            try:
                ok = None if value is None else bool(target.check(value, figures, suffix))
            except (KeyError, TypeError):
                ok = None
            row["value" + suffix] = value
            row["pass" + suffix] = ok
        rows.append(row)
    return rows


def growth(figures: dict[str, Any], sizes: list[int], suffix: str = "") -> list[dict[str, Any]]:
    rows = []
    for name, expected in GROWTH:
        values = {label(n): figures.get(f"{name}_{label(n)}{suffix}") for n in sizes}
        known = [(n, values[label(n)]) for n in sizes if values[label(n)]]
        exponent = None
        if len(known) >= 2 and known[-1][0] > known[0][0] and known[0][1]:
            exponent = round(math.log(known[-1][1] / known[0][1])
                             / math.log(known[-1][0] / known[0][0]), 2)
        rows.append({"figure": name, "values": values, "exponent": exponent,
                     "expected": expected})
    return rows


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return str(value)


def print_table(headers: list[str], rows: Iterable[list[Any]]) -> None:
    text = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) if text else len(h)
              for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in text:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print()


def report(figures: dict[str, Any], sizes: list[int], targets: list[dict[str, Any]],
           with_1core: bool, details: dict[str, Any]) -> None:
    baseline = figures.get("baseline_start_s")
    names = [k for k in figures if not k.endswith("_1core")]
    rows = []
    for key in names:
        row = [key, figures[key]]
        if with_1core:
            row.append(figures.get(key + "_1core"))
        ratio = None
        timed = key.startswith(("start_s_", "loaded_s_", "floor_start_s_"))
        if timed and baseline and figures[key] is not None:
            ratio = f"{figures[key] / baseline:.1f}×"
        row.append(ratio)
        rows.append(row)
    print("\nFigures (seconds _s, milliseconds _ms, megabytes _mb)\n")
    print_table(["figure", "2 cores"] + (["1 core"] if with_1core else []) + ["÷ baseline"],
                rows)
    print("Targets\n")

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("PASS" if ok else "FAIL")

    print_table(
        ["figure", "target", "2 cores", "", "1 core", ""],
        [[t["figure"], t["target"], t["value"], verdict(t["pass"]), t.get("value_1core"),
          verdict(t.get("pass_1core")) if with_1core else ""] for t in targets],
    )
    costs = details.get("import_ms_by_package")
    if costs:
        print("Imports at start-up by package (python -X importtime, own time, ms)\n")
        print_table(["package", "ms"], [list(kv) for kv in costs])
    if len(sizes) > 1:
        print("Growth from the smallest to the largest register "
              "(exponent: 0 flat, 1 linear in the number of tasks)\n")
        grown = growth(figures, sizes)
        print_table(
            ["figure", *(label(n) for n in sizes), "exponent", "should be"],
            [[g["figure"], *g["values"].values(), g["exponent"], g["expected"]] for g in grown],
        )


# -- the run --------------------------------------------------------------------------


def measure(sizes: list[int], registers: dict[int, Path], demo: Path, one_core: bool,
            repeat: int, details: dict[str, Any]) -> dict[str, Any]:
    suffix = "_1core" if one_core else ""
    where = "one core" if one_core else "all cores"
    figures: dict[str, Any] = {}
    if not one_core and repeat > 1:  # untimed: compile modules, read files into the OS cache
        print("[warm-up] one start of each kind, not counted", flush=True)
        time_start(["baseline"], False, 1)
        time_start(["app", str(registers[sizes[0]]), "--expect", str(sizes[0])], False, 1)
    if not one_core:
        details["import_ms_by_package"] = import_costs(registers[sizes[0]], sizes[0])
    print(f"[{where}] bare PySide6 window", flush=True)
    runs = max(repeat, 5) if repeat > 1 else 1  # the bare window is quick: more runs
    bare, _ = time_start(["baseline"], one_core, runs)
    figures["baseline_start_s"] = bare.start_s
    figures["baseline_cpu_s"] = bare.start_cpu_s
    for size in sizes:
        tag = label(size)
        print(f"[{where}] start-up, {tag} tasks", flush=True)
        start, loaded = time_start(["app", str(registers[size]), "--expect", str(size)],
                                   one_core, repeat)
        figures[f"start_s_{tag}"] = start.start_s
        figures[f"start_cpu_s_{tag}"] = start.start_cpu_s
        figures[f"loaded_s_{tag}"] = loaded.loaded_s
        figures[f"loaded_cpu_s_{tag}"] = loaded.loaded_cpu_s
        # Once every panel is filled: what the window keeps, not what it has built so far.
        figures[f"rss_mb_{tag}"] = round(loaded.loaded["memory_mb"].get("VmRSS", math.nan), 1)
        # The same table in a bare window, without the program around it: the floor.
        print(f"[{where}] the table alone (floor), {tag} tasks", flush=True)
        bare_table, _ = time_start(["floor", str(registers[size]), "--expect", str(size)],
                                   one_core, repeat)
        figures[f"floor_start_s_{tag}"] = bare_table.start_s
        details[f"floor_{tag}{suffix}"] = bare_table.ready
        details[f"start_{tag}{suffix}"] = {**start.ready, "cpu_s": start.start_cpu_s}
        details[f"loaded_{tag}{suffix}"] = {**loaded.loaded, "cpu_s": loaded.loaded_cpu_s}
        if size == sizes[0]:
            figures["import_s"] = round(start.ready["phases"]["imported"], 3)
            figures["import_cpu_s"] = start.ready["phases_cpu"]["imported"]
            heavy = loaded.loaded.get("heavy_modules", [])
            figures["heavy_modules_at_start"] = len(heavy)
            details[f"heavy_modules_at_start{suffix}"] = heavy
        print(f"[{where}] search, sort, unit filter, calendar, {tag} tasks", flush=True)
        result = run_child("interact", [str(registers[size]), str(size)], one_core)
        details[f"interact_{tag}{suffix}"] = result.pop("details")
        details[f"interact_{tag}{suffix}"]["process_cpu_s"] = result.pop("cpu_s")
        for key, value in result.items():
            figures[f"{key}_{tag}"] = value
    small = sizes[0]
    for fmt in ("pdf", "docx"):
        print(f"[{where}] quarterly report ({fmt}), {label(small)} tasks", flush=True)
        result = run_child("report", [str(registers[small]), fmt], one_core)
        figures[f"report_{fmt}_s_{label(small)}"] = result["seconds"]
        figures[f"report_{fmt}_cpu_s_{label(small)}"] = result["cpu_seconds"]
        details[f"report_{fmt}_{label(small)}{suffix}"] = result
    print(f"[{where}] importer on the sample notices", flush=True)
    result = run_child("parse", [str(demo)], one_core)
    figures["parse_ms_per_notice"] = result.pop("ms_per_notice")
    details[f"parse{suffix}"] = result
    for key in ("start_s_", "loaded_s_", "floor_start_s_", "baseline_start_s"):
        for name in figures:
            if name.startswith(key) and isinstance(figures[name], float):
                figures[name] = round(figures[name], 3)
    return {k + suffix: v for k, v in figures.items()}


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="register sizes, e.g. 1000,10000 (default 1k,10k,100k)")
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-task register")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--repeat", type=int, default=3, help="start-up runs per size (median)")
    parser.add_argument("--no-1core", dest="one_core", action="store_false",
                        help="skip the runs pinned to one core")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=None, help="where registers are cached")
    args = parser.parse_args(args_list)
    sizes = sorted({int(s) for s in args.sizes.split(",")}) if args.sizes else list(DEFAULT_SIZES)
    if args.quick:
        sizes = [s for s in sizes if s < 100000] or sizes[:1]
    one_core = args.one_core and shutil.which("taskset") is not None
    started = time.perf_counter()
    load_before = os.getloadavg()
    folder = args.cache or cache_folder()
    global PYCACHE
    PYCACHE = folder / "pycache"
    print("Registers", flush=True)
    registers = {size: register_for(size, args.seed, folder) for size in sizes}
    demo = demo_register(folder)
    details: dict[str, Any] = {}
    figures = measure(sizes, registers, demo, False, args.repeat, details)
    if one_core:
        figures.update(measure(sizes, registers, demo, True, args.repeat, details))
    targets = evaluate(figures)
    report(figures, sizes, targets, one_core, details)
    elapsed = time.perf_counter() - started
    load = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    cpus = os.cpu_count() or 1
    # The bench's own children keep about one CPU busy: more than half the CPUs busy
    # before it started means other work shared the machine.
    busy = load[0] > cpus / 2
    print(f"Whole run: {elapsed:.0f} s. Load average (1, 5, 15 min) before {load[:3]}, "
          f"after {load[3:]} on {cpus} CPUs: "
          + ("other work was running and the wall-clock figures are inflated (see the _cpu_s "
             "figures)." if busy else "no other work to speak of before the run."))
    if args.json:
        document = {
            **figures,
            "targets": targets,
            "growth": growth(figures, sizes),
            "details": details,
            "meta": {
                "command": "python bench/run.py " + " ".join(args_list),
                "date": datetime.now().isoformat(timespec="seconds"),
                "today": date.today().isoformat(),
                "sizes": sizes,
                "units": UNITS,
                "seed": args.seed,
                "repeat": args.repeat,
                "one_core": one_core,
                "cpus": os.cpu_count(),
                "load_average_before_after": load,
                "machine": platform.platform(),
                "python": platform.python_version(),
                "seconds": round(elapsed, 1),
            },
        }
        Path(args.json).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
