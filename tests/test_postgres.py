"""A register shared on a server: two officers at once, and what only a server has.

The tests that take ``register`` or ``demo`` run on an SQLite file and, when
CDSDESK_TEST_PG_URL is set, on PostgreSQL too (see conftest). The others need
the server itself (``pg_server``) and are skipped without one.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from cdsdesk.cli import main as cli_main
from cdsdesk.errors import RegisterError
from cdsdesk.services import tasks as ts
from cdsdesk.services.queries import TaskQuery, get_task, query_tasks
from cdsdesk.services.units import create_unit, list_units
from cdsdesk.storage import db as storage_db
from cdsdesk.storage import migrate
from cdsdesk.storage.db import Register, default_register_location

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 30


def other_officer(register: Register) -> Register:
    """A second, independent connection to the same register: another officer's PC."""
    return Register(register.path or register.url)


@pytest.fixture
def shared_task(register: Register) -> Iterator[tuple[int, Register]]:
    """A task in the register and a second officer's connection to it."""
    unit = create_unit(register, "Phòng Hành chính - Tổng hợp")
    tid = ts.create_task(register, content_for("Bản gốc", unit.id))
    with other_officer(register) as second:
        yield tid, second


def content_for(content: str, unit_id: int) -> ts.TaskInput:
    return ts.TaskInput(content=content, assigned_on=date(2024, 3, 25), lead_ids=[unit_id])


def lead_of(register: Register, tid: int) -> int:
    return get_task(register, tid).lead_ids[0]


# -- two officers editing the same task ------------------------------------------


def test_second_save_of_the_same_task_is_refused(
    register: Register, shared_task: tuple[int, Register]
) -> None:
    tid, officer_b = shared_task
    unit = lead_of(register, tid)
    loaded_by_a = get_task(register, tid).version
    loaded_by_b = get_task(officer_b, tid).version
    assert loaded_by_a == loaded_by_b

    ts.update_task(officer_b, tid, content_for("Bản của B", unit), expected_version=loaded_by_b)
    with pytest.raises(ts.ConflictError, match="hãy tải lại"):
        ts.update_task(register, tid, content_for("Bản của A", unit), expected_version=loaded_by_a)
    # Nothing of A's was written: both officers read B's text.
    assert get_task(officer_b, tid).row.content == "Bản của B"
    reloaded = get_task(register, tid)
    assert reloaded.row.content == "Bản của B"
    assert reloaded.version == loaded_by_a + 1

    # After reloading, A's save goes through on top of B's.
    ts.update_task(register, tid, content_for("Bản của A", unit), expected_version=reloaded.version)
    assert get_task(officer_b, tid).row.content == "Bản của A"


def test_a_save_landing_between_check_and_write_is_refused(
    register: Register, shared_task: tuple[int, Register]
) -> None:
    """B's save commits after A's version check but before A's UPDATE: the row's
    version is checked again in the UPDATE itself, so A's save still fails."""
    tid, officer_b = shared_task
    unit = lead_of(register, tid)
    version = get_task(register, tid).version
    fired: list[str] = []

    def b_saves_first(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not fired and statement.lstrip().upper().startswith("UPDATE TASKS"):
            fired.append(statement)
            ts.update_task(officer_b, tid, content_for("Bản của B", unit))

    event.listen(register.engine, "before_cursor_execute", b_saves_first)
    try:
        with pytest.raises(ts.ConflictError, match="hãy tải lại"):
            ts.update_task(register, tid, content_for("Bản của A", unit), expected_version=version)
    finally:
        event.remove(register.engine, "before_cursor_execute", b_saves_first)
    assert fired, "A's save never reached its UPDATE"
    assert get_task(register, tid).row.content == "Bản của B"


def test_many_officers_saving_at_once_exactly_one_wins(
    register: Register, shared_task: tuple[int, Register]
) -> None:
    tid, _officer_b = shared_task
    unit = lead_of(register, tid)
    version = get_task(register, tid).version
    officers = [other_officer(register) for _ in range(6)]
    start = threading.Barrier(len(officers))
    outcome: dict[int, str] = {}

    def save(n: int, officer: Register) -> None:
        start.wait(timeout=TIMEOUT_S)
        try:
            ts.update_task(officer, tid, content_for(f"Bản {n}", unit), expected_version=version)
            outcome[n] = "saved"
        except ts.ConflictError:
            outcome[n] = "refused"
        except Exception as exc:  # reported below, with what it was
            outcome[n] = repr(exc)

    threads = [threading.Thread(target=save, args=(n, o)) for n, o in enumerate(officers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT_S)
    finally:
        for officer in officers:
            officer.dispose()
    winners = [n for n, result in outcome.items() if result == "saved"]
    assert sorted(outcome.values()).count("refused") == len(officers) - 1, outcome
    assert len(winners) == 1
    detail = get_task(register, tid)
    assert detail.row.content == f"Bản {winners[0]}"
    assert detail.version == version + 1


# -- what only a register on a server has ----------------------------------------


def test_another_officers_save_is_seen_without_restarting(demo: Register) -> None:
    """The register view is cached until a write, someone else's write included."""
    first = query_tasks(demo, TaskQuery())[0]
    assert query_tasks(demo, TaskQuery())[0].content == first.content  # cached now
    with other_officer(demo) as officer_b:
        detail = get_task(officer_b, first.id)
        ts.update_task(
            officer_b,
            first.id,
            ts.TaskInput(
                content="Nội dung do cán bộ B sửa",
                ref=first.ref,
                parent_id=first.parent_id,
                document_id=first.document_id,
                assigned_on=first.assigned_on,
                lead_ids=list(detail.lead_ids),
                keep_deadline_as_written=True,
            ),
            expected_version=detail.version,
        )
    rows = {row.id: row for row in query_tasks(demo, TaskQuery())}
    assert rows[first.id].content == "Nội dung do cán bộ B sửa"


def test_server_register_opens_with_the_same_code(register: Register) -> None:
    if not register.on_server:
        assert register.path is not None and register.display_name == str(register.path)
        return
    assert register.engine.dialect.name == "postgresql"
    assert register.engine.dialect.driver == "psycopg"
    assert migrate.current_revision(register) == migrate.head_revision()
    url = make_url(register.url)
    assert url.password and url.password not in register.display_name
    assert register.display_name == f"{url.database} @ {url.host}:{url.port}"


def test_backup_of_a_server_register_is_the_administrators_job(
    register: Register, tmp_path: Path
) -> None:
    if not register.on_server:
        register.backup_to(tmp_path / "copy.cdsdb")
        assert (tmp_path / "copy.cdsdb").stat().st_size > 0
        return
    with pytest.raises(RegisterError, match="sao lưu máy chủ do quản trị viên thực hiện"):
        register.backup_to(tmp_path / "copy.cdsdb")
    assert not (tmp_path / "copy.cdsdb").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"port": "free"}, "Không kết nối được máy chủ sổ đăng ký"),
        ({"password": "sai-mat-khau"}, "Máy chủ từ chối đăng nhập của người dùng"),
        ({"username": "khong_co_nguoi_nay"}, "Máy chủ từ chối đăng nhập"),
        ({"database": "khong_co_so_nay"}, "Máy chủ không có cơ sở dữ liệu “khong_co_so_nay”"),
    ],
)
def test_connection_problems_are_told_in_vietnamese(
    pg_server: Any, change: dict[str, Any], needle: str
) -> None:
    if change.get("port") == "free":
        change = {"port": _free_port()}
    url = pg_server.admin_url.set(**change)
    address = url.render_as_string(hide_password=False)
    with pytest.raises(RegisterError, match=needle) as caught:
        Register(address)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert "sai-mat-khau" not in message and (url.password or "§") not in message


@pytest.mark.parametrize(
    ("address", "needle"),
    [
        ("mysql://ai@may-chu/so", "không hợp lệ"),
        ("postgresql://ai:mat-khau-bi-mat@may-chu", "thiếu tên cơ sở dữ liệu"),
        ("postgresql://ai:mat-khau-bi-mat@may-chu:cong/so", "không hợp lệ"),
    ],
)
def test_bad_server_addresses_are_refused_before_connecting(address: str, needle: str) -> None:
    with pytest.raises(RegisterError, match=needle) as caught:
        Register(address)
    assert "mat-khau-bi-mat" not in str(caught.value)


def test_a_server_restart_is_survived(pg_server: Any, register: Register) -> None:
    """Connections the server dropped (restart, idle timeout) are replaced on next use."""
    if not register.on_server:
        pytest.skip("chỉ sổ trên máy chủ có kết nối mạng để mất")
    create_unit(register, "Văn phòng Sở")
    database = make_url(register.url).database
    with pg_server.engine.connect() as admin:
        ended = admin.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        ).scalar()
    assert ended and ended >= 1
    assert [u.name for u in list_units(register)] == ["Văn phòng Sở"]


def test_a_row_held_by_an_unfinished_save_gives_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, register: Register, shared_task: tuple[int, Register]
) -> None:
    if not register.on_server:
        pytest.skip("khóa dòng khi chờ là của máy chủ PostgreSQL")
    tid, _officer_b = shared_task
    unit = lead_of(register, tid)
    monkeypatch.setattr(storage_db, "LOCK_TIMEOUT_MS", 300)
    with Register(register.url) as impatient, register.engine.connect() as holder:
        holder.execute(text("SELECT id FROM tasks WHERE id = :id FOR UPDATE"), {"id": tid})
        with pytest.raises(RegisterError, match="đang được người khác ghi"):
            ts.update_task(impatient, tid, content_for("Bản chờ mãi", unit))
        holder.rollback()
    assert get_task(register, tid).row.content == "Bản gốc"


def test_a_value_longer_than_its_column_is_refused_in_words(register: Register) -> None:
    if not register.on_server:
        pytest.skip("SQLite không giới hạn độ dài cột; máy chủ thì có")
    with pytest.raises(RegisterError, match="dài quá giới hạn 40 ký tự"):
        ts.create_task(register, ts.TaskInput(content="Nhiệm vụ", ref="I.1." * 20))
    assert query_tasks(register, TaskQuery()) == []


# -- migrations on the server ----------------------------------------------------


def test_old_register_on_a_server_upgrades_without_losing_data(pg_database: str) -> None:
    old = Register(pg_database, upgrade=False)
    migrate.upgrade(old, "0001")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (id, parent_id, name, short_name, sort_order, active, name_folded)"
                " VALUES (1, NULL, 'Sở Khoa học và Công nghệ', 'Sở KH&CN', 1, TRUE,"
                " 'so khoa hoc va cong nghe')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tasks (id, ref, content, assigned_on, deadline_kind, deadline,"
                " deadline_text, urgent, status, completed_on, status_reason, result, evidence,"
                " sort_order, search_text, created_at, updated_at)"
                " VALUES (1, 'II.2.1', 'Hoàn thiện Kế hoạch hoạt động của Ban Chỉ đạo',"
                " '2023-02-03', 'date', '2023-02-04', 'trước ngày 04/02/2023', TRUE, 'done',"
                " '2023-02-03', '', '', '', 1, 'ii.2.1 hoan thien ke hoach', '2023-02-03 08:00:00',"
                " '2023-02-03 08:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO task_units (task_id, unit_id, role, position) VALUES (1, 1, 'lead', 0)"
            )
        )
    old.dispose()

    with Register(pg_database) as reg:
        assert reg.backup_before_migration is None  # the server's backups are the admin's
        assert migrate.current_revision(reg) == migrate.head_revision()
        detail = get_task(reg, 1, as_of=date(2023, 3, 1))
        assert detail.row.content == "Hoàn thiện Kế hoạch hoạt động của Ban Chỉ đạo"
        assert detail.row.lead_units == ("Sở Khoa học và Công nghệ",)
        assert detail.version == 1


def test_register_from_a_newer_version_is_refused_on_a_server(pg_database: str) -> None:
    Register(pg_database).dispose()
    with create_engine(make_url(pg_database).set(drivername="postgresql+psycopg")).begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(RegisterError, match="phiên bản CĐS Desk mới hơn"):
        Register(pg_database)


def test_two_pcs_upgrading_a_new_register_at_once(pg_database: str) -> None:
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait(timeout=TIMEOUT_S)
        try:
            Register(pg_database).dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert errors == []
    with Register(pg_database) as reg:
        assert migrate.current_revision(reg) == migrate.head_revision()


# -- the command line and the setting --------------------------------------------


def test_command_line_on_a_server_register(
    pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--db", pg_database, "demo"]) == 0
    capsys.readouterr()
    assert cli_main(["--db", pg_database, "stats", "--as-of", "2024-03-31", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["total"] > 0
    done = subprocess.run(
        [sys.executable, "-m", "cdsdesk", "--db", pg_database, "tasks", "--json"],
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert len(json.loads(done.stdout.decode("utf-8"))) > 30


def test_command_line_with_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"postgresql://can_bo:mat-khau@127.0.0.1:{_free_port()}/so_nhiem_vu"
    code = cli_main(["--db", address, "stats"])
    _out, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("Lỗi: Không kết nối được máy chủ sổ đăng ký so_nhiem_vu @ 127.0.0.1")
    assert err.count("\n") == 1 and "mat-khau" not in err


def test_the_register_to_open_can_be_set_once_per_pc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    default = tmp_path / "CDSDesk" / "so-nhiem-vu.cdsdb"
    monkeypatch.setattr(storage_db, "default_register_path", lambda: default)
    monkeypatch.delenv(storage_db.LOCATION_ENV, raising=False)
    assert default_register_location() == default
    default.parent.mkdir()
    (default.parent / storage_db.LOCATION_FILE).write_text(
        "# Sổ dùng chung của Văn phòng Sở\n\npostgresql://can_bo@10.0.0.5/so_nhiem_vu\n",
        encoding="utf-8",
    )
    assert default_register_location() == "postgresql://can_bo@10.0.0.5/so_nhiem_vu"
    monkeypatch.setenv(storage_db.LOCATION_ENV, str(tmp_path / "rieng.cdsdb"))
    assert default_register_location() == str(tmp_path / "rieng.cdsdb")
