"""Opening a register: engine, per-call transactions, migrations on open."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from cdsdesk.errors import RegisterError
from cdsdesk.i18n import tr
from cdsdesk.storage import migrate

APP_NAME = "CDSDesk"
REGISTER_FILE = "so-nhiem-vu.cdsdb"


def default_register_path() -> Path:
    """The register in the user's data folder (AppData on Windows)."""
    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True)) / REGISTER_FILE


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed write survives a power cut, not just a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Register:
    """An open register: one SQLite file (or a database URL) at the newest schema.

    Every service call runs in ``with register.transaction() as session:``,
    which commits on success and rolls back on any error.
    """

    def __init__(self, location: str | Path, *, upgrade: bool = True) -> None:
        self.url, self.path = _url_and_path(location)
        if self.path is not None:
            _check_sqlite_file(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(self.url)
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Bumped by every committed transaction that wrote something, so that
        # read caches (the register view) know when they are stale.
        self.generation = 0
        self.cache: dict[object, object] = {}
        self.backup_before_migration: Path | None = None
        if upgrade:
            self.backup_before_migration = migrate.upgrade(self)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        session = self._sessions()
        wrote = _WriteWatch(session)
        try:
            with session.begin():
                yield session
            if wrote.seen:
                self.changed()
        except (OperationalError, DatabaseError) as exc:
            raise RegisterError(
                tr("Không ghi được vào sổ đăng ký: {error}").format(error=exc.orig)
            ) from exc
        finally:
            session.close()

    def changed(self) -> None:
        """Forget cached reads: the register was written."""
        self.generation += 1
        self.cache.clear()

    def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup API."""
        if self.path is None:
            raise RegisterError(tr("Chỉ sao lưu được sổ đăng ký dạng tệp SQLite."))
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(self.path)
        try:
            dest = sqlite3.connect(target)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()


class _WriteWatch:
    """Notices whether a session flushed ORM changes or ran an INSERT, UPDATE or DELETE."""

    def __init__(self, session: Session) -> None:
        self.seen = False
        event.listen(session, "after_flush", self._flushed)
        event.listen(session, "do_orm_execute", self._executed)

    def _flushed(self, *_args: Any) -> None:
        self.seen = True

    def _executed(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self.seen = True


def _url_and_path(location: str | Path) -> tuple[str, Path | None]:
    text = str(location)
    if "://" in text:
        return text, None
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}", path


def _check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not an SQLite database, before touching it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise RegisterError(tr("“{path}” là một thư mục, không phải sổ đăng ký.").format(path=path))
    with path.open("rb") as handle:
        header = handle.read(16)
    if header != b"SQLite format 3\x00":
        raise RegisterError(
            tr(
                "Tệp “{path}” không phải là sổ đăng ký CĐS Desk (không phải cơ sở dữ liệu SQLite)."
            ).format(path=path)
        )


def timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")
