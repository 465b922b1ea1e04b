"""Every command of ``python -m cdsdesk``, with its errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cdsdesk.cli import main

ROOT = Path(__file__).resolve().parent.parent
STATUS_KEYS = {"done_on_time", "done_late", "open_in_time", "open_overdue", "no_deadline"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> str:
    target = tmp_path / "demo.cdsdb"
    target.write_bytes(demo_file.read_bytes())
    return str(target)


def test_demo_twice_leaves_one_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "d.cdsdb")
    assert run(capsys, "--db", db, "demo")[0] == 0
    first = run_json(capsys, "--db", db, "tasks", "--json")
    docs_first = run_json(capsys, "--db", db, "documents", "--json")
    assert run(capsys, "--db", db, "demo")[0] == 0
    second = run_json(capsys, "--db", db, "tasks", "--json")
    assert len(second) == len(first) > 30  # type: ignore[arg-type]
    assert len(run_json(capsys, "--db", db, "documents", "--json")) == len(docs_first)  # type: ignore[arg-type]
    units = run_json(capsys, "--db", db, "units", "--json")
    names = [u["name"] for u in units]  # type: ignore[attr-defined]
    assert len(names) == len(set(names)) or len(names) < 80


def test_demo_refuses_a_register_with_own_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdsdesk.services.units import create_unit
    from cdsdesk.storage.db import Register

    db = tmp_path / "own.cdsdb"
    with Register(db) as reg:
        create_unit(reg, "Văn phòng Sở")
    code, _out, err = run(capsys, "--db", str(db), "demo")
    assert code == 2
    assert err.count("\n") == 1 and "đã có dữ liệu riêng" in err


def test_stats_shape_and_sums(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    stats = run_json(capsys, "--db", demo_db, "stats", "--as-of", "2024-03-31", "--json")
    assert isinstance(stats, dict)
    assert stats["as_of"] == "2024-03-31"
    assert set(stats["by_status"]) == STATUS_KEYS
    assert sum(stats["by_status"].values()) == stats["total"] > 0
    assert all(stats["by_status"][k] > 0 for k in STATUS_KEYS), stats["by_status"]
    assert stats["due_soon"] > 0 and stats["cancelled"] >= 1
    for row in stats["by_unit"]:
        assert set(row) >= {"unit", "total", *STATUS_KEYS}
        assert sum(row[k] for k in STATUS_KEYS) == row["total"]
    # Each counted task has at least one lead row, so the unit rows cover the total.
    assert sum(r["total"] for r in stats["by_unit"]) >= stats["total"]
    assert sum(g["total"] for g in stats["by_group"]) == stats["total"]
    assert all(g["done"] <= g["total"] for g in stats["by_group"])
    # The same figures through the list of tasks.
    tasks = run_json(capsys, "--db", demo_db, "tasks", "--as-of", "2024-03-31", "--json")
    leaves = [t for t in tasks if not any(c["parent_id"] == t["id"] for c in tasks)]  # type: ignore[union-attr]
    overdue = [t for t in leaves if t["status_class"] == "open_overdue"]
    assert len(overdue) == stats["by_status"]["open_overdue"]


def test_tasks_filters(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    every = run_json(capsys, "--db", demo_db, "tasks", "--as-of", "2024-03-31", "--json")
    overdue = run_json(
        capsys,
        "--db",
        demo_db,
        "tasks",
        "--status",
        "open_overdue",
        "--as-of",
        "2024-03-31",
        "--json",
    )
    assert overdue and all(t["status_class"] == "open_overdue" for t in overdue)  # type: ignore[union-attr]
    assert all(t["days_overdue"] > 0 for t in overdue)  # type: ignore[union-attr]
    found = run_json(capsys, "--db", demo_db, "tasks", "--search", "chuyen doi so", "--json")
    assert found and len(found) < len(every)  # type: ignore[arg-type]
    assert all(
        "chuyển đổi số" in t["content"].lower() or "cđs" in t["content"].lower() or t["lead_units"]
        for t in found
    )  # type: ignore[union-attr]
    mine = run_json(
        capsys, "--db", demo_db, "tasks", "--unit", "phong hanh chinh - tong hop", "--json"
    )
    assert mine and all("Phòng Hành chính - Tổng hợp" in t["lead_units"] for t in mine)  # type: ignore[union-attr]
    code, out, _err = run(capsys, "--db", demo_db, "tasks", "--as-of", "2024-03-31")
    assert code == 0 and out.strip().endswith("nhiệm vụ.")


def test_documents_json(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    docs = run_json(capsys, "--db", demo_db, "documents", "--json")
    labels = {d["label"] for d in docs}  # type: ignore[union-attr]
    assert "36/TB-UBND" in labels
    tb36 = next(d for d in docs if d["label"] == "36/TB-UBND")  # type: ignore[union-attr]
    assert tb36["issued_on"] == "2023-02-03" and tb36["place"] == "Quảng Ngãi"
    assert tb36["tasks"] > 10 and isinstance(tb36["id"], int)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["stats", "--as-of", "31/02/2024"], "Ngày không hợp lệ"),
        (["stats", "--as-of", "hôm qua"], "Ngày không hợp lệ"),
        (["tasks", "--status", "late"], "không hợp lệ"),
        (["tasks", "--unit", "Bộ Quốc phòng"], "Không tìm thấy đơn vị"),
        (["tasks", "--unit", "Sở"], "khớp nhiều đơn vị"),
        (["frobnicate"], "Lệnh không hợp lệ"),
        ([], "Lệnh không hợp lệ"),
    ],
)
def test_errors_are_one_vietnamese_line(
    demo_db: str, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, out, err = run(capsys, "--db", demo_db, *argv)
    assert code == 2
    assert needle in err
    assert err.startswith("Lỗi: ") and err.count("\n") == 1
    assert "Traceback" not in err and out == ""


def test_demo_needs_db(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "demo")
    assert code == 2 and "--db" in err


def test_not_a_register_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.cdsdb"
    bad.write_bytes(b"PK\x03\x04 this is a zip, not a register")
    code, _out, err = run(capsys, "--db", str(bad), "stats")
    assert code == 2 and "không phải là sổ đăng ký" in err and err.count("\n") == 1
    assert bad.read_bytes().startswith(b"PK")


def test_module_entry_point(demo_db: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdsdesk",
            "--db",
            demo_db,
            "stats",
            "--as-of",
            "2024-03-31",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert json.loads(done.stdout.decode("utf-8"))["total"] > 0
    bad = subprocess.run(
        [sys.executable, "-m", "cdsdesk", "--db", demo_db, "stats", "--as-of", "2024-13-01"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.decode("utf-8").startswith("Lỗi: Ngày không hợp lệ")
