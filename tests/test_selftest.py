"""``main.py --selftest`` from source, and how the self-test reports a failure.

The same self-test runs on the built program in CI (packaging/ci_build_and_selftest.sh);
here it proves the checks pass on a good copy and fail on a broken one.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdsdesk import __version__
from cdsdesk.selftest import (
    SelfTestContext,
    Step,
    StepFailed,
    core_steps,
    import_sample,
    run_selftest,
)

ROOT = Path(__file__).resolve().parent.parent


def run_main(*args: str, python: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, *python, "main.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def test_selftest_from_source_passes_every_step() -> None:
    done = run_main("--selftest")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    steps = [line for line in lines if line.startswith("[")]
    assert len(steps) == len(core_steps()) + 1  # and the window
    assert all(": xong (" in line for line in steps), done.stdout
    assert "Nhập văn bản mẫu: xong" in done.stdout  # the importer ran, not skipped
    assert "có quốc hiệu và biểu đồ" in done.stdout
    assert "Nâng cấp sổ đăng ký cũ: xong" in done.stdout
    assert "Dựng cửa sổ chính: xong" in done.stdout
    assert lines[-1].startswith("KẾT QUẢ: ĐẠT, 8/8 bước")


def test_version_prints_the_version_without_loading_qt() -> None:
    done = run_main("--version", python=("-X", "importtime"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"CĐS Desk {__version__}"
    assert "| argparse" in done.stderr  # the import log is there...
    assert "PySide6" not in done.stderr  # ...and Qt is not in it: the quickest start


def _ok(_ctx: SelfTestContext) -> str:
    return "tốt"


def _broken(_ctx: SelfTestContext) -> str:
    raise StepFailed("tệp Word không có dòng quốc hiệu.")


def _crashes(_ctx: SelfTestContext) -> str:
    import cdsdesk_module_left_out_of_the_bundle  # type: ignore[import-not-found]  # noqa: F401

    return "never"


def test_a_failed_step_gives_exit_1_with_its_reason_and_the_others_still_run() -> None:
    out = io.StringIO()
    code = run_selftest(
        steps=[Step("Bước một", _ok), Step("Bước hỏng", _broken), Step("Bước ba", _ok)],
        out=out,
    )
    report = out.getvalue()
    assert code == 1
    assert "[1/3] Bước một: xong (" in report
    assert "[2/3] Bước hỏng: LỖI (" in report
    assert "[3/3] Bước ba: xong (" in report
    assert report.splitlines()[-1] == "  - Bước hỏng: tệp Word không có dòng quốc hiệu."


def test_an_unexpected_error_is_a_failure_with_its_traceback() -> None:
    out = io.StringIO()
    code = run_selftest(steps=[Step("Thiếu mô-đun", _crashes)], out=out)
    report = out.getvalue()
    assert code == 1
    assert "ModuleNotFoundError: No module named 'cdsdesk_module_left_out_of_the_bundle'" in report
    assert "Traceback (most recent call last)" in report


def test_steps_after_a_failed_register_say_so(tmp_path: Path) -> None:
    with pytest.raises(StepFailed, match="sổ đăng ký tạm chưa mở được"):
        import_sample(SelfTestContext(tmp_path))


def test_a_missing_importer_is_skipped_but_a_missing_library_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # sys.modules[name] = None makes "import name" raise ModuleNotFoundError(name=name).
    monkeypatch.setitem(sys.modules, "cdsdesk.importing.parser", None)
    out = io.StringIO()
    assert run_selftest(steps=[Step("Nhập văn bản mẫu", import_sample)], out=out) == 0
    assert "BỎ QUA, chưa có bộ nhập văn bản (cdsdesk.importing.parser)." in out.getvalue()

    monkeypatch.undo()
    monkeypatch.setitem(sys.modules, "rapidfuzz", None)
    monkeypatch.delitem(sys.modules, "cdsdesk.importing.parser", raising=False)
    monkeypatch.delitem(sys.modules, "cdsdesk.importing.units_match", raising=False)
    out = io.StringIO()
    assert run_selftest(steps=[Step("Nhập văn bản mẫu", import_sample)], out=out) == 1
    assert "Nhập văn bản mẫu: ModuleNotFoundError:" in out.getvalue()
    assert "rapidfuzz" in out.getvalue()
