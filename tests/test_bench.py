"""The benchmark still runs: bench/run.py on one tiny register, every figure in its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIZE = 200
PER_SIZE = [
    "start_s",
    "start_cpu_s",
    "floor_start_s",
    "loaded_s",
    "loaded_cpu_s",
    "rss_mb",
    "search_ms_median",
    "search_ms_max",
    "sort_ms",
    "unit_filter_ms",
    "calendar_month_ms",
    "reload_ms",
    "edit_ms",
    "report_pdf_s",
    "report_docx_s",
]


def _parser_exists() -> bool:
    try:
        from cdsdesk.importing.parser import parse_notice  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], str]:
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "figures.json"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", str(SIZE), "--no-1core",
         "--repeat", "1", "--cache", str(folder / "cache"), "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT, env=env,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8")), done.stdout


def test_every_figure_is_a_number(figures: tuple[dict[str, object], str]) -> None:
    data, _ = figures
    keys = ["baseline_start_s", "baseline_cpu_s", "import_s", "heavy_modules_at_start"]
    keys += [f"{name}_{SIZE}" for name in PER_SIZE]
    for key in keys:
        value = data.get(key)
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert value >= 0, (key, value)
    assert data[f"start_s_{SIZE}"] > data[f"start_cpu_s_{SIZE}"] * 0.2
    assert data[f"rss_mb_{SIZE}"] > 40  # a Python process with Qt, not a unit mix-up


def test_loaded_is_measured_after_the_start(figures: tuple[dict[str, object], str]) -> None:
    """``loaded`` is the probe's LOADED line, after READY in the same process, and the
    memory figure is taken there."""
    data, stdout = figures
    details = data["details"]
    assert isinstance(details, dict)
    ready = details[f"start_{SIZE}"]["phases"]
    loaded = details[f"loaded_{SIZE}"]["phases"]
    assert ready["painted"] <= ready["ready"] < loaded["loaded"]
    assert data[f"start_s_{SIZE}"] < data[f"loaded_s_{SIZE}"]  # one run: the same process
    rss = details[f"loaded_{SIZE}"]["memory_mb"]["VmRSS"]
    assert data[f"rss_mb_{SIZE}"] == round(rss, 1)
    assert f"loaded_s_{SIZE}" in stdout


def test_the_importer_is_measured_when_it_exists(figures: tuple[dict[str, object], str]) -> None:
    data, _ = figures
    value = data["parse_ms_per_notice"]
    if _parser_exists():
        assert isinstance(value, int | float) and value > 0
    else:
        assert value is None


def test_exports_are_not_loaded_at_start_up(figures: tuple[dict[str, object], str]) -> None:
    data, _ = figures
    details = data["details"]
    assert isinstance(details, dict)
    assert details["heavy_modules_at_start"] == []
    assert data["heavy_modules_at_start"] == 0


def test_targets_and_tables_are_reported(figures: tuple[dict[str, object], str]) -> None:
    data, stdout = figures
    targets = {t["figure"]: t for t in data["targets"]}  # type: ignore[attr-defined]
    assert {"start_s_10k", "start_s_100k", "search_ms_median_100k", "search_ms_max_100k",
            "rss_mb_100k", "report_pdf_s_1k", "report_docx_s_1k",
            "parse_ms_per_notice"} <= set(targets)
    assert targets["start_s_100k"]["pass"] is None  # not measured on this size
    assert "Targets" in stdout and "PASS" in stdout
    assert "÷ baseline" in stdout
    meta = data["meta"]
    assert isinstance(meta, dict) and meta["sizes"] == [SIZE]
