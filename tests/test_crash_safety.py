"""Crash safety, proved: SIGKILL in the middle of a stream of writes, many times.

The writer and the checks are in ``tests/crash_writer.py``. CI kills 30 writers
(``CDSDESK_CRASH_KILLS`` changes that; ``bench/fuzz_long.py --kills 500`` is the
long run) and prints the counts. Every kill is followed by a full check of the
file; a confirmed write that is missing, a half-written call or a damaged file
fails the test.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
from pathlib import Path

import crash_writer as cw
import pytest
from sqlalchemy import text

from cdsdesk.services.queries import get_task
from cdsdesk.services.units import list_units
from cdsdesk.storage import migrate
from cdsdesk.storage.db import Register

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork"), reason="SIGKILL of a forked writer: POSIX only"
)

KILLS = int(os.environ.get("CDSDESK_CRASH_KILLS", "30"))
BUDGET_SECONDS = float(os.environ.get("CDSDESK_CRASH_SECONDS", "20"))


def test_sigkill_in_a_stream_of_writes_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = int(os.environ.get("CDSDESK_CRASH_SEED", random.randrange(10**6)))
    counts = cw.run_kills(tmp_path / "crash.cdsdb", KILLS, seed=seed, budget_seconds=BUDGET_SECONDS)
    with capsys.disabled():
        print(f"\ncrash test (seed {seed}): {counts.summary()}")
    assert counts.problems == [], f"seed {seed}: {counts.problems[:5]}"
    assert counts.writes_lost == 0
    assert counts.kills >= min(KILLS, 10)
    # The test proves something only if the kills land inside calls: a writer
    # spends nearly all its time in them (most of it in fsync), so most kills
    # cut one (the summary line says how many), even on a loaded machine.
    assert counts.writes_confirmed >= counts.kills
    assert counts.writes_killed >= counts.kills // 3


# --- the checker itself must be able to fail --------------------------------


def _register_with_a_task(path: Path) -> tuple[cw.Model, int]:
    from cdsdesk.services.tasks import TaskInput, create_task
    from cdsdesk.services.units import create_unit

    model = cw.Model()
    with Register(path) as reg:
        unit = create_unit(reg, "Sở Khoa học và Công nghệ").id
        content = "[k0-1] Số hóa hồ sơ"
        task = create_task(reg, TaskInput(content=content, lead_ids=[unit]))
    model.apply({"op": "unit", "name": "Sở Khoa học và Công nghệ"}, unit)
    model.apply(
        {"op": "task", "content": cw.sha(content), "lead": [unit], "coop": [], "deadline": None},
        task,
    )
    return model, task


def test_checker_sees_a_confirmed_write_that_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "r.cdsdb"
    model, task = _register_with_a_task(path)
    counts = cw.Counts()
    cw.check_register(path, model, None, counts)
    assert counts.problems == []
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM tasks WHERE id = ?", (task,))
    conn.close()
    cw.check_register(path, model, None, counts)
    assert counts.writes_lost == 1
    assert counts.problems == [f"task {task} lost"]


def test_checker_sees_a_task_committed_without_its_units(tmp_path: Path) -> None:
    path = tmp_path / "r.cdsdb"
    model, _task = _register_with_a_task(path)
    unit = next(iter(model.units))
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO tasks (ref, content, deadline_kind, deadline_text, urgent, status,"
            " status_reason, result, evidence, sort_order, search_text, created_at, updated_at,"
            " version) VALUES ('', '[k0-2] nửa chừng', 'none', '', 0, 'not_started', '', '', '', 2,"
            " '', '2024-01-01', '2024-01-01', 1)"
        )
    conn.close()
    cut = {"op": "task", "key": "k0-2", "content": "", "lead": [unit], "coop": [], "deadline": None}
    counts = cw.Counts()
    cw.check_register(path, model, cut, counts)
    assert any("without its units" in p for p in counts.problems)


def test_checker_sees_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "r.cdsdb"
    model, _task = _register_with_a_task(path)
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    # Scribble over the second page (the first table's root): the header stays valid.
    data[page_size + 8 : page_size + 64] = b"\xff" * 56
    path.write_bytes(bytes(data))
    counts = cw.Counts()
    cw.check_register(path, model, None, counts)
    assert counts.problems


# --- a kill in the middle of an upgrade --------------------------------------


def _old_register(path: Path) -> None:
    """A register at revision 0001 holding one unit, one task, its lead and a note."""
    old = Register(path, upgrade=False)
    migrate.upgrade(old, "0001")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (id, parent_id, name, short_name, sort_order, active, name_folded)"
                " VALUES (1, NULL, 'Sở Khoa học và Công nghệ', 'Sở KH&CN', 1, 1,"
                " 'so khoa hoc va cong nghe')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tasks (id, ref, content, assigned_on, deadline_kind, deadline,"
                " deadline_text, urgent, status, status_reason, result, evidence, sort_order,"
                " search_text, created_at, updated_at) VALUES (1, '1', 'Số hóa hồ sơ lưu trữ',"
                " '2024-01-05', 'date', '2024-06-30', '', 0, 'in_progress', '', '', '', 1,"
                " '1 so hoa ho so luu tru', '2024-01-05 08:00:00', '2024-01-05 08:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO task_units (task_id, unit_id, role, position) VALUES (1, 1, 'lead', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO progress_notes (task_id, noted_on, text, created_at)"
                " VALUES (1, '2024-02-01', 'Đã khảo sát', '2024-02-01 09:00:00')"
            )
        )
    old.dispose()


def _opens_intact(path: Path) -> str | None:
    """None when the register opens at the newest schema with its data; else why not."""
    try:
        with Register(path) as reg:
            if migrate.current_revision(reg) != migrate.head_revision():
                return "not upgraded"
            detail = get_task(reg, 1)
            if detail.row.content != "Số hóa hồ sơ lưu trữ":
                return f"task content is {detail.row.content!r}"
            if detail.row.lead_units != ("Sở Khoa học và Công nghệ",):
                return f"lead units are {detail.row.lead_units}"
            if [n.text for n in detail.notes] != ["Đã khảo sát"]:
                return "note lost"
            if len(list_units(reg)) != 1:
                return "units changed"
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    with sqlite3.connect(path) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    conn.close()
    return None if integrity == [("ok",)] else f"integrity_check: {integrity}"


def test_sigkill_at_every_statement_of_an_upgrade_leaves_a_register_that_opens(
    tmp_path: Path,
) -> None:
    template = tmp_path / "old.cdsdb"
    _old_register(template)
    dry = tmp_path / "dry.cdsdb"
    shutil.copy(template, dry)
    broken = {}
    with cw.Zygote() as zygote:
        statements = cw.kill_during_migration(dry, 10**6, zygote)["statements"]
        assert statements and statements >= 3
        assert _opens_intact(dry) is None
        for k in range(statements):
            path = tmp_path / f"killed-{k}.cdsdb"
            shutil.copy(template, path)
            result = cw.kill_during_migration(path, k, zygote)
            assert result["signal"] == signal.SIGKILL
            problem = _opens_intact(path)
            if problem:
                broken[k] = problem
    assert broken == {}, f"{len(broken)} of {statements} kill points: {broken}"
