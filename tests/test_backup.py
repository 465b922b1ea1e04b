"""Backups, their rotation, restoring one, and the start-up integrity check (SQLite files)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cdsdesk.cli import main
from cdsdesk.errors import RegisterError
from cdsdesk.storage import backup, migrate
from cdsdesk.storage.backup import BackupInfo, Reason, to_keep
from cdsdesk.storage.db import Register
from cdsdesk.storage.integrity import Finding, check_register
from cdsdesk.storage.lock import RegisterLock

PAGE = 4096


@pytest.fixture
def reg_path(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo register, as a file (never a server database)."""
    target = tmp_path / "data" / "so-nhiem-vu.cdsdb"
    target.parent.mkdir()
    shutil.copy(demo_file, target)
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """Commits and closes on leaving ``with`` (sqlite3's own ``with`` only commits)."""
    with closing(sqlite3.connect(path)) as conn, conn:
        yield conn


def task_count(path: Path) -> int:
    with connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])


def delete_some_tasks(path: Path) -> None:
    """A change to the register made through the program's own engine."""
    from sqlalchemy import text

    with Register(path) as reg, reg.engine.begin() as conn:
        conn.execute(text("DELETE FROM task_units"))
        conn.execute(text("DELETE FROM progress_notes"))
        conn.execute(text("DELETE FROM tasks WHERE parent_id IS NOT NULL"))


def corrupt_middle(path: Path, pages: int = 3, seed: int = 1) -> None:
    """Overwrite a few whole pages in the middle of the file, as a failing disk would."""
    data = bytearray(path.read_bytes())
    start = len(data) // PAGE // 2
    rnd = random.Random(seed)
    for page in range(start, start + pages):
        data[page * PAGE : (page + 1) * PAGE] = rnd.randbytes(PAGE)
    path.write_bytes(bytes(data))


# -- making backups ------------------------------------------------------------------


def test_backup_is_a_verified_self_contained_copy(reg_path: Path, tmp_path: Path) -> None:
    target = backup.backup_register(reg_path, tmp_path / "usb" / "ban-sao.cdsdb")
    assert target == (tmp_path / "usb" / "ban-sao.cdsdb").resolve()
    assert check_register(target, full=True).finding is Finding.OK
    assert backup.read_revision(target) == migrate.head_revision()
    assert backup.count_tasks(target) == task_count(reg_path) > 30
    # A single file: no -wal to forget when it is copied to a USB drive.
    assert sorted(p.name for p in target.parent.iterdir()) == ["ban-sao.cdsdb"]
    with connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_into_a_folder_gets_the_usual_name(reg_path: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    target = backup.backup_register(reg_path, usb)
    parsed = backup.parse_backup_name(target)
    assert target.parent == usb.resolve()
    assert parsed is not None and parsed[0] == "so-nhiem-vu" and parsed[2] is Reason.MANUAL


def test_backup_while_another_connection_writes_is_a_consistent_snapshot(
    reg_path: Path, tmp_path: Path
) -> None:
    """A writer commits pairs of rows all along; every copy holds whole pairs only."""
    with connect(reg_path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE pairs (k INTEGER, side TEXT, pad TEXT)")
        conn.executemany(
            "INSERT INTO pairs VALUES (?, ?, ?)",
            [(k, side, "x" * 300) for k in range(15_000) for side in "ab"],
        )
    stop = threading.Event()
    written = [15_000]

    def writer() -> None:
        conn = sqlite3.connect(reg_path, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        while not stop.is_set():
            k = written[0]
            with conn:  # one transaction per pair
                conn.execute("INSERT INTO pairs VALUES (?, 'a', '')", (k,))
                conn.execute("INSERT INTO pairs VALUES (?, 'b', '')", (k,))
            written[0] += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    counts = []
    try:
        for n in range(4):
            copy = backup.backup_register(reg_path, tmp_path / f"copy{n}.cdsdb")
            assert check_register(copy, full=True).finding is Finding.OK
            with connect(copy) as conn:
                sides = dict(conn.execute("SELECT side, count(*) FROM pairs GROUP BY side"))
            assert sides["a"] == sides["b"]  # never half a transaction
            counts.append(sides["a"])
    finally:
        stop.set()
        thread.join()
    assert written[0] > 15_000  # the writer really ran alongside
    assert counts == sorted(counts) and counts[-1] > 15_000


def test_backup_refuses_what_is_not_a_register(reg_path: Path, tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="Không có sổ đăng ký"):
        backup.backup_register(tmp_path / "khong-co.cdsdb", tmp_path / "x.cdsdb")
    assert not (tmp_path / "khong-co.cdsdb").exists()  # not created by trying
    text = tmp_path / "ghi-chu.cdsdb"
    text.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    with pytest.raises(RegisterError, match="không phải cơ sở dữ liệu SQLite"):
        backup.backup_register(text, tmp_path / "x.cdsdb")
    with pytest.raises(RegisterError, match="chính nó"):
        backup.backup_register(reg_path, reg_path)
    with pytest.raises(RegisterError, match="máy chủ"):
        backup.backup_register("postgresql://u@h/db", tmp_path / "x.cdsdb")
    assert not list(tmp_path.glob("*.tmp")) and not (tmp_path / "x.cdsdb").exists()


def test_backup_of_a_damaged_register_leaves_no_backup(reg_path: Path, tmp_path: Path) -> None:
    corrupt_middle(reg_path)
    with pytest.raises(RegisterError, match="bị hỏng nên không sao lưu được"):
        backup.backup_register(reg_path, tmp_path / "x.cdsdb")
    assert not (tmp_path / "x.cdsdb").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_automatic_backups_are_listed_newest_first(reg_path: Path) -> None:
    first = backup.automatic_backup(reg_path, Reason.STARTUP, now=datetime(2024, 3, 1, 8, 0))
    with Register(reg_path) as reg:  # the window's Register works as well as a path
        second = backup.automatic_backup(reg, Reason.DAILY, now=datetime(2024, 3, 2, 9, 30))
        listed = backup.list_backups(reg)
    assert first is not None and second is not None
    assert first.parent == reg_path.parent / "sao-luu"
    assert first.name == "so-nhiem-vu-20240301-080000-khoi-dong.cdsdb"
    assert [b.path for b in listed] == [second, first]
    assert listed[0].taken_at == datetime(2024, 3, 2, 9, 30)
    assert listed[0].reason is Reason.DAILY and listed[0].label == "Hằng ngày"
    assert listed[0].tasks == task_count(reg_path) and listed[0].size > PAGE
    assert backup.backup_due(reg_path, now=datetime(2024, 3, 2, 23, 59)) is False
    assert backup.backup_due(reg_path, now=datetime(2024, 3, 3, 0, 1)) is True


def test_two_backups_in_the_same_second_both_kept(reg_path: Path) -> None:
    when = datetime(2024, 3, 1, 8, 0)
    one = backup.automatic_backup(reg_path, Reason.BEFORE_RESTORE, now=when)
    two = backup.automatic_backup(reg_path, Reason.BEFORE_RESTORE, now=when)
    assert one is not None and two is not None and one != two
    assert two.name.endswith("-truoc-khoi-phuc-1.cdsdb")
    assert len(backup.list_backups(reg_path)) == 2


def test_backup_before_import_is_a_rotated_backup(reg_path: Path) -> None:
    with Register(reg_path) as reg:
        made = backup.backup_before_import(reg)
    assert made is not None
    assert backup.list_backups(reg_path)[0].reason is Reason.BEFORE_IMPORT


def test_a_register_on_a_server_is_not_backed_up_here() -> None:
    assert backup.automatic_backup("postgresql://u@h/db", Reason.STARTUP) is None
    assert backup.backup_due("postgresql://u@h/db") is False


# -- rotation ------------------------------------------------------------------------


def info(when: datetime, reason: Reason = Reason.DAILY, n: int = 0) -> BackupInfo:
    return BackupInfo(Path(f"{when:%Y%m%d-%H%M%S}-{reason}-{n}"), when, reason, 0)


def test_rotation_keeps_ten_recent_then_days_weeks_months() -> None:
    now = datetime(2024, 6, 15, 12, 0)  # a Saturday
    daily = [info(datetime(2023, 1, 1, 9) + timedelta(days=d)) for d in range(532)]
    assert daily[-1].taken_at.date() == date(2024, 6, 15)
    kept = {b.taken_at.date() for b in to_keep(daily, now)}
    recent = {date(2024, 6, d) for d in range(6, 16)}
    weekly = {date(2024, 6, 2), date(2024, 5, 26), date(2024, 5, 19), date(2024, 5, 12)}
    weekly |= {date(2024, 5, 5), date(2024, 4, 28)}  # newest of each Monday-Sunday week
    monthly = {date(2024, 5, 31), date(2024, 4, 30), date(2024, 3, 31), date(2024, 2, 29)}
    monthly |= {date(2024, 1, 31), date(2023, 12, 31), date(2023, 11, 30), date(2023, 10, 31)}
    monthly |= {date(2023, 9, 30), date(2023, 8, 31), date(2023, 7, 31)}
    assert kept == recent | weekly | monthly
    assert len(kept) == 27


def test_rotation_of_many_backups_on_one_day_keeps_ten() -> None:
    now = datetime(2024, 6, 15, 23, 0)
    hourly = [info(datetime(2024, 6, 15, h), Reason.STARTUP) for h in range(23)]
    kept = to_keep(hourly, now)
    assert [b.taken_at.hour for b in kept] == list(range(22, 12, -1))


def test_yesterday_survives_a_day_of_many_restarts() -> None:
    now = datetime(2024, 6, 15, 23, 0)
    backups = [info(datetime(2024, 6, 14, 17))]
    backups += [info(datetime(2024, 6, 15, 8) + timedelta(minutes=m), n=m) for m in range(40)]
    assert backups[0] in to_keep(backups, now)


def test_rotation_keeps_rare_backups_and_the_future() -> None:
    now = datetime(2024, 6, 15, 12)
    old_restores = [info(datetime(2021, 1, d, 10), Reason.BEFORE_RESTORE) for d in range(1, 6)]
    upgrade = info(datetime(2020, 5, 1), Reason.BEFORE_MIGRATION)
    future = info(datetime(2031, 1, 1))
    daily = [info(datetime(2024, 6, 15, 9) - timedelta(days=d)) for d in range(40)]
    kept = to_keep([*old_restores, upgrade, future, *daily], now)
    assert old_restores[2:] == sorted(set(kept) & set(old_restores), key=lambda b: b.taken_at)
    assert upgrade in kept and future in kept
    assert kept[0] is future  # newest first


def test_prune_deletes_only_this_registers_rotated_backups(reg_path: Path) -> None:
    folder = reg_path.parent / "sao-luu"
    folder.mkdir()
    now = datetime(2024, 6, 15, 12)
    for d in range(25):
        name = backup.backup_name(reg_path, Reason.STARTUP, now - timedelta(hours=d))
        (folder / name).write_bytes(b"")
    other = folder / backup.backup_name(Path("so-khac.cdsdb"), Reason.STARTUP, datetime(2020, 1, 1))
    damaged = folder / backup.backup_name(reg_path, backup.DAMAGED_MARK, datetime(2020, 1, 1))
    note = folder / "ghi-chu.txt"
    for path in (other, damaged, note):
        path.write_bytes(b"x")
    half_written = folder / ".so-nhiem-vu-20240101-000000-khoi-dong.cdsdb.4242.tmp"
    half_written.write_bytes(b"x")  # left by a program killed while writing
    os.utime(half_written, (0, 0))
    writing_now = folder / ".so-nhiem-vu-20240615-120000-khoi-dong.cdsdb.4243.tmp"
    writing_now.write_bytes(b"x")
    deleted = backup.prune_backups(reg_path, now=now)
    kept = backup.scan_backups(reg_path)
    # The ten newest (today 03:00 to 12:00) and yesterday's newest (23:00).
    assert len(deleted) == 15 and len(kept) == 11
    assert not half_written.exists() and writing_now.exists()
    assert kept[-1].taken_at == datetime(2024, 6, 14, 23)
    assert other.exists() and damaged.exists() and note.exists()


# -- restoring ---------------------------------------------------------------------


def test_restore_saves_the_current_file_aside_and_brings_the_backup_back(
    reg_path: Path, tmp_path: Path
) -> None:
    saved = backup.backup_register(reg_path, tmp_path / "usb" / "truoc.cdsdb")
    before = task_count(reg_path)
    delete_some_tasks(reg_path)
    after_edit = task_count(reg_path)
    assert after_edit < before
    aside = backup.restore_register(reg_path, saved)
    assert aside is not None and aside.parent == reg_path.parent / "sao-luu"
    assert backup.parse_backup_name(aside) is not None
    assert backup.list_backups(reg_path)[0].reason is Reason.BEFORE_RESTORE
    assert backup.count_tasks(aside) == after_edit  # the edit is not lost either
    with Register(reg_path) as reg:  # the restored register opens with the backup's data
        from cdsdesk.services.queries import query_tasks

        assert len(query_tasks(reg)) > 0
    assert task_count(reg_path) == before


def test_restore_refuses_while_a_connection_is_open(reg_path: Path, tmp_path: Path) -> None:
    saved = backup.backup_register(reg_path, tmp_path / "b.cdsdb")
    with Register(reg_path) as reg:
        from cdsdesk.services.queries import query_tasks

        query_tasks(reg)  # a live connection in WAL mode
        with pytest.raises(RegisterError, match="đang được mở"):
            backup.restore_register(reg_path, saved)
        assert len(query_tasks(reg)) > 0


def test_restore_of_a_newer_version_backup_is_refused(reg_path: Path, tmp_path: Path) -> None:
    newer = backup.backup_register(reg_path, tmp_path / "moi.cdsdb")
    with connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_tuong_lai'")
    untouched = digest(reg_path)
    with pytest.raises(RegisterError, match="phiên bản CĐS Desk mới hơn"):
        backup.restore_register(reg_path, newer)
    assert digest(reg_path) == untouched
    assert not (reg_path.parent / "sao-luu").exists()


def test_restore_of_a_corrupt_or_foreign_backup_is_refused(reg_path: Path, tmp_path: Path) -> None:
    corrupt = backup.backup_register(reg_path, tmp_path / "hong.cdsdb")
    corrupt_middle(corrupt)
    untouched = digest(reg_path)
    with pytest.raises(RegisterError, match="bị hỏng"):
        backup.restore_register(reg_path, corrupt)
    foreign = tmp_path / "khac.sqlite"
    with connect(foreign) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER)")
    with pytest.raises(RegisterError, match="không phải sổ đăng ký"):
        backup.restore_register(reg_path, foreign)
    (tmp_path / "rong.cdsdb").write_bytes(b"")
    with pytest.raises(RegisterError, match="rỗng"):
        backup.restore_register(reg_path, tmp_path / "rong.cdsdb")
    with pytest.raises(RegisterError, match="Không có tệp sao lưu"):
        backup.restore_register(reg_path, tmp_path / "khong-co.cdsdb")
    assert digest(reg_path) == untouched


def test_restore_over_a_damaged_register_keeps_its_bytes(reg_path: Path, tmp_path: Path) -> None:
    saved = backup.backup_register(reg_path, tmp_path / "b.cdsdb")
    corrupt_middle(reg_path)
    damaged = digest(reg_path)
    aside = backup.restore_register(reg_path, saved)
    assert aside is not None and backup.DAMAGED_MARK in aside.name
    assert digest(aside) == damaged
    assert all(b.path != aside for b in backup.list_backups(reg_path))  # never offered
    assert check_register(reg_path).finding is Finding.OK


def test_an_older_backup_is_migrated_when_opened(tmp_path: Path) -> None:
    old = tmp_path / "cu.cdsdb"
    with Register(old, upgrade=False) as reg:
        migrate.upgrade(reg, "0001")
    assert backup.read_revision(old) == "0001"
    target = tmp_path / "so.cdsdb"
    assert backup.restore_register(target, old) is None  # a new PC: nothing to set aside
    with Register(target):
        pass
    assert backup.read_revision(target) == migrate.head_revision()


# -- the start-up check ----------------------------------------------------------------


def test_check_finds_a_sound_register_quickly(reg_path: Path) -> None:
    report = check_register(reg_path)
    assert report.ok and report.finding is Finding.OK and report.message == ""
    assert report.seconds < 1


def test_check_detects_pages_overwritten_in_the_middle(reg_path: Path) -> None:
    corrupt_middle(reg_path)
    damaged = digest(reg_path)
    report = check_register(reg_path)
    assert not report.ok and report.finding is Finding.DAMAGED
    assert "bị hỏng" in report.message and str(reg_path) in report.message
    assert report.details
    assert digest(reg_path) == damaged  # checking never writes to the damaged file


def test_check_detects_a_truncated_register(reg_path: Path) -> None:
    data = reg_path.read_bytes()
    reg_path.write_bytes(data[: len(data) // 2 + 100])
    report = check_register(reg_path)
    assert report.finding is Finding.DAMAGED and "bị hỏng" in report.message


def test_check_names_what_is_not_a_register(tmp_path: Path) -> None:
    text = tmp_path / "bao-cao.docx"
    text.write_bytes(b"PK\x03\x04 not a database at all" * 20)
    report = check_register(text)
    assert report.finding is Finding.NOT_DATABASE and "không phải cơ sở dữ liệu" in report.message
    foreign = tmp_path / "places.sqlite"
    with connect(foreign) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER)")
    assert check_register(foreign).finding is Finding.FOREIGN
    assert check_register(tmp_path / "moi.cdsdb").ok  # not there yet: a new register
    assert check_register(tmp_path).finding is Finding.NOT_DATABASE  # a folder
    assert check_register("postgresql://u@h/db").ok


# -- the command line ------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_backup_and_restore_round_trip(
    reg_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "usb" / "so.cdsdb"
    code, out, err = run_cli(capsys, "--db", str(reg_path), "backup", "--out", str(out_file))
    assert code == 0, err
    assert out.count("\n") == 1 and "Đã sao lưu" in out and str(out_file) in out
    before = task_count(reg_path)
    delete_some_tasks(reg_path)
    code, out, err = run_cli(capsys, "--db", str(reg_path), "restore", str(out_file))
    assert code == 0, err
    assert out.count("\n") == 1 and "Đã khôi phục" in out and "truoc-khoi-phuc" in out
    assert task_count(reg_path) == before
    code, out, _err = run_cli(capsys, "--db", str(reg_path), "backup")
    assert code == 0 and "sao-luu" in out and "thu-cong" in out


def test_cli_backup_and_restore_errors(
    reg_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        capsys, "--db", str(tmp_path / "khong-co.cdsdb"), "backup", "--out", str(tmp_path / "x")
    )
    assert code == 2 and out == "" and err.startswith("Lỗi: Không có sổ đăng ký")
    assert err.count("\n") == 1
    code, _out, err = run_cli(capsys, "--db", str(reg_path), "restore", str(tmp_path / "x.cdsdb"))
    assert code == 2 and err.startswith("Lỗi: Không có tệp sao lưu") and err.count("\n") == 1
    code, _out, err = run_cli(capsys, "--db", str(reg_path), "restore")
    assert code == 2 and "thiếu tham số FILE" in err
    saved = backup.backup_register(reg_path, tmp_path / "b.cdsdb")
    untouched = digest(reg_path)
    with RegisterLock(reg_path.resolve()) as lock:
        assert lock.acquire()
        code, _out, err = run_cli(capsys, "--db", str(reg_path), "restore", str(saved))
    assert code == 2 and "đang được mở bởi người dùng" in err and err.count("\n") == 1
    assert digest(reg_path) == untouched


def test_a_register_in_a_folder_with_unusual_characters(demo_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "Sổ nhiệm vụ #1 ?50% & bản"
    folder.mkdir()
    path = folder / "sổ.cdsdb"
    shutil.copy(demo_file, path)
    assert check_register(path).finding is Finding.OK
    made = backup.automatic_backup(path, Reason.MANUAL)
    assert made is not None and backup.count_tasks(made) == task_count(path)
    assert backup.restore_register(path, made) is not None
    assert check_register(path).finding is Finding.OK
