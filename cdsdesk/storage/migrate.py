"""Alembic migrations, run when a register opens.

Alembic is configured in code (no ``alembic.ini`` to ship); the scripts live in
``cdsdesk/storage/migrations``. Before any pending migration touches an
existing file, a consistent copy of it is saved beside it.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from cdsdesk.errors import RegisterError
from cdsdesk.i18n import tr

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from cdsdesk.storage.db import Register

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


_REVISION = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*['\"]?([\w]+|None)", re.M)


def head_from_scripts() -> str | None:
    """The newest revision, read from the scripts' text: alembic itself takes ~0.1 s to
    import, and a register already at the head (every start but the first after an
    update) does not need it."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (parents if down else revisions).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(register: Register) -> str | None:
    if register.path is not None:
        return _file_revision(register.path)
    from sqlalchemy.exc import DatabaseError

    try:
        with register.engine.connect() as conn:
            from sqlalchemy import inspect

            if not inspect(conn).has_table("alembic_version"):
                return None
            value = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            return str(value) if value is not None else None
    except DatabaseError as exc:
        raise RegisterError(
            tr("Không mở được sổ đăng ký: tệp bị hỏng hoặc không đọc được ({error}).").format(
                error=exc.orig
            )
        ) from exc


def _file_revision(path: Path) -> str | None:
    """The file's schema revision through ``sqlite3``: opening a register at the head
    (every start but the first after an update) needs neither SQLAlchemy nor Alembic."""
    try:
        con = sqlite3.connect(path)
        try:
            if not con.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone():
                return None
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise RegisterError(
            tr("Không mở được sổ đăng ký: tệp bị hỏng hoặc không đọc được ({error}).").format(
                error=exc
            )
        ) from exc
    return str(row[0]) if row and row[0] is not None else None


def upgrade(register: Register, revision: str = "head") -> Path | None:
    """Bring the register to ``revision``; return the backup made first, if any."""
    current_fast = current_revision(register)
    if revision == "head" and current_fast is not None and current_fast == head_from_scripts():
        return None
    if current_fast is None and _has_tables(register):
        raise RegisterError(
            tr(
                "Tệp này là cơ sở dữ liệu của một chương trình khác, không phải sổ đăng ký "
                "CĐS Desk; chương trình không mở và không sửa nó."
            )
        )
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    current = current_revision(register)
    if current is not None and _unknown(scripts, current):
        raise RegisterError(
            tr(
                "Sổ đăng ký này được tạo bởi một phiên bản CĐS Desk mới hơn "
                "(lược đồ {revision}); hãy cập nhật chương trình để mở nó."
            ).format(revision=current)
        )
    target = scripts.get_current_head() if revision == "head" else revision
    if current == target:
        return None
    backup = None
    if current is not None and register.path is not None:
        # A verified copy in the backup folder, kept by the rotation like the others.
        from cdsdesk.storage import backup as backups

        target_path = backups.new_backup_path(register.path, backups.Reason.BEFORE_MIGRATION)
        backup = backups.backup_register(register.path, target_path)
    with register.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return backup


def _has_tables(register: Register) -> bool:
    from sqlalchemy import inspect

    with register.engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def _unknown(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is None
    except Exception:  # alembic raises several kinds for an unknown id
        return True
