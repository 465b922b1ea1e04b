"""The register file: migrations, backups before upgrading, refusing bad files."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from cdsdesk.domain.models import Base
from cdsdesk.errors import RegisterError
from cdsdesk.services.queries import TaskQuery, get_task, query_tasks
from cdsdesk.services.units import list_units
from cdsdesk.storage import migrate
from cdsdesk.storage.db import Register


def test_models_match_migrations(register: Register) -> None:
    with register.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_pragmas_foreign_keys_and_wal(register: Register) -> None:
    if register.on_server:
        pytest.skip("PRAGMA và WAL chỉ có ở sổ đăng ký dạng tệp SQLite")
    with register.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_old_register_upgrades_without_losing_data(tmp_path: Path) -> None:
    path = tmp_path / "old.cdsdb"
    old = Register(path, upgrade=False)
    migrate.upgrade(old, "0001")
    with old.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO units (id, parent_id, name, short_name, sort_order, active, name_folded)"
                " VALUES (1, NULL, 'Sở Khoa học và Công nghệ', 'Sở KH&CN', 1, 1, 'so khoa hoc va cong nghe')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO documents (id, number, doc_type, issuer_code, issuer, place, issued_on, title,"
                " chair, signer, signer_title, recipients, original_text, source_file, created_at)"
                " VALUES (1, '36', 'TB', 'UBND', 'UBND tỉnh', 'Quảng Ngãi', '2023-02-03', 'Kết luận',"
                " '', '', '', '[]', '', '', '2023-02-03 08:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tasks (id, document_id, ref, content, assigned_on, deadline_kind, deadline,"
                " deadline_text, urgent, status, status_reason, result, evidence, sort_order,"
                " search_text, created_at, updated_at)"
                " VALUES (1, 1, 'II.2.1', 'Hoàn thiện Kế hoạch hoạt động của Ban Chỉ đạo', '2023-02-03',"
                " 'date', '2023-02-04', 'trước ngày 04/02/2023', 1, 'done', '', '', '', 1,"
                " 'ii.2.1 hoan thien ke hoach hoat dong cua ban chi dao', '2023-02-03 08:00:00',"
                " '2023-02-03 08:00:00')"
            )
        )
        conn.execute(text("UPDATE tasks SET completed_on = '2023-02-03' WHERE id = 1"))
        conn.execute(
            text(
                "INSERT INTO task_units (task_id, unit_id, role, position) VALUES (1, 1, 'lead', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO progress_notes (task_id, noted_on, text, created_at)"
                " VALUES (1, '2023-02-03', 'Đã trình ký', '2023-02-03 09:00:00')"
            )
        )
    old.dispose()

    with Register(path) as reg:
        assert reg.backup_before_migration is not None
        assert reg.backup_before_migration.exists()
        assert migrate.current_revision(reg) == migrate.head_revision()
        detail = get_task(reg, 1, as_of=date(2023, 3, 1))
        assert detail.row.content == "Hoàn thiện Kế hoạch hoạt động của Ban Chỉ đạo"
        assert detail.row.lead_units == ("Sở Khoa học và Công nghệ",)
        assert (
            detail.row.status_class is not None and detail.row.status_class.value == "done_on_time"
        )
        assert detail.notes[0].text == "Đã trình ký"
        assert detail.version == 1
        assert [u.short_name for u in list_units(reg)] == ["Sở KH&CN"]
    # The copy saved before upgrading is a readable register at the old schema.
    backup = next((tmp_path / "sao-luu").glob("old-*-truoc-nang-cap.cdsdb"))
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert conn.execute("SELECT count(*) FROM tasks").fetchone() == (1,)


def test_opening_at_head_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "r.cdsdb"
    Register(path).dispose()
    with Register(path) as again:
        assert again.backup_before_migration is None
    assert list(tmp_path.glob("*.bak")) == []


def test_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.cdsdb"
    path.write_text("Đây là một tệp văn bản, không phải sổ đăng ký.", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(RegisterError, match="không phải là sổ đăng ký"):
        Register(path)
    assert path.read_bytes() == before


def test_register_from_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.cdsdb"
    Register(path).dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(RegisterError, match="phiên bản CĐS Desk mới hơn"):
        Register(path)


def test_empty_register_lists_nothing(register: Register) -> None:
    assert query_tasks(register, TaskQuery()) == []
