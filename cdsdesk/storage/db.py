"""Opening a register: engine, per-call transactions, migrations on open.

A register is one SQLite file on the officer's PC, or a database on a
PostgreSQL server that a department's officers share (``postgresql://...``).
Both run the same code and the same migrations; only what a file needs
(pragmas, online backups) is SQLite's alone.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

from cdsdesk.errors import RegisterError
from cdsdesk.i18n import tr
from cdsdesk.storage import migrate

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.exc import DatabaseError
    from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

APP_NAME = "CDSDesk"
REGISTER_FILE = "so-nhiem-vu.cdsdb"
# Beside the default register: one line, the path or server address of the register
# this PC opens when no --db is given (an administrator puts it there once).
LOCATION_FILE = "vi-tri-so-dang-ky.txt"
LOCATION_ENV = "CDSDESK_DB"

# Seconds to wait for a server before saying it cannot be reached, and for a row
# another officer's unfinished save holds (PostgreSQL's lock_timeout).
CONNECT_TIMEOUT = 10
LOCK_TIMEOUT_MS = 15_000
# Any constant: a PostgreSQL advisory lock so two PCs never migrate at once.
_MIGRATION_LOCK = 0x0CD5_DE5C


def default_register_path() -> Path:
    """The register in the user's data folder (AppData on Windows)."""
    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True)) / REGISTER_FILE


def default_register_location() -> str | Path:
    """The register to open without ``--db``: a shared one when the PC is set up for it.

    ``CDSDESK_DB`` wins, then the first line of ``vi-tri-so-dang-ky.txt`` in the
    data folder, then the file in the data folder.
    """
    chosen = os.environ.get(LOCATION_ENV, "").strip()
    if chosen:
        return chosen
    setting = default_register_path().with_name(LOCATION_FILE)
    if setting.is_file():
        for line in setting.read_text(encoding="utf-8-sig").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                return line
    return default_register_path()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Transactions are begun by _sqlite_begin below, not by the driver: it would
    # run CREATE and ALTER outside any transaction, so a migration cut short by
    # a power cut would leave a half-upgraded file.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed write survives a power cut, not just a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


_READS = ("SELECT", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "RELEASE")


def _sqlite_begin(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    """BEGIN before the first statement that writes (DDL included), as late as possible.

    Reads before it take no snapshot, so a save checks the task's version against
    the newest commit and waits (busy_timeout) for another writer instead of
    failing on a stale snapshot; everything from the first write to COMMIT is one
    transaction.
    """
    raw = conn.connection.dbapi_connection
    writes = not statement.lstrip().upper().startswith(_READS)
    if writes and raw is not None and not raw.in_transaction:
        raw.execute("BEGIN")


class Register:
    """An open register: one SQLite file or a PostgreSQL database, at the newest schema.

    Every service call runs in ``with register.transaction() as session:``,
    which commits on success and rolls back on any error.

    A file register opens without SQLAlchemy (about a third of a second to
    import on an old PC): the schema check and the register view's bulk reads
    use ``sqlite3`` directly, so the window paints its table first and the
    engine is made on the first ORM transaction.
    """

    def __init__(self, location: str | Path, *, upgrade: bool = True) -> None:
        self.url, self.path = _url_and_path(location)
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        if self.path is not None:
            _check_sqlite_file(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
        else:
            self._engine = _server_engine(self.url)
        # Bumped by every committed transaction that wrote something, so that
        # read caches (the register view) know when they are stale.
        self.generation = 0
        self._cache: dict[object, object] = {}
        # Reads cached before writes that touched only known tasks, with the union of
        # those tasks' ids: a reader can bring such a value up to date (see stale()).
        self._stale: dict[object, tuple[object, frozenset[int]]] = {}
        self._seen_elsewhere: str | None = None
        self._watch: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()
        self.backup_before_migration: Path | None = None
        try:
            if self.on_server:
                self._check_server()
            if upgrade:
                self.backup_before_migration = self._upgrade()
        except BaseException:
            self.dispose()
            raise

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made on first use."""
        if self._engine is None:
            from sqlalchemy import create_engine, event

            engine = create_engine(self.url)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "before_cursor_execute", _sqlite_begin)
            self._engine = engine
        return self._engine

    @property
    def on_server(self) -> bool:
        """True for a register shared on a database server, False for a file."""
        return self.path is None

    @property
    def display_name(self) -> str:
        """Where the register is, for a title bar or a message (never the password)."""
        if self.path is not None:
            return str(self.path)
        from sqlalchemy.engine import make_url

        url = make_url(self.url)
        where = f"{url.host or 'localhost'}{f':{url.port}' if url.port else ''}"
        return f"{url.database or ''} @ {where}"

    @property
    def cache(self) -> dict[object, object]:
        """Reads kept until the register is written (the register view, loaded once).

        A save made through another connection empties it too (another officer's
        PC on a shared register; another ``Register`` on the same file), so that a
        reload after a refused save shows what the other officer saved.
        """
        self._forget_writes_elsewhere()
        return self._cache

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        from sqlalchemy.exc import DatabaseError, OperationalError

        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            # The audit trail records every write of every session: installed before the first.
            import cdsdesk.services.audit  # noqa: F401

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        session = self._sessions()
        wrote = _WriteWatch(session, self)
        try:
            with session.begin():
                yield session
            if wrote.seen:
                self.changed(wrote.task_ids())
        except (OperationalError, DatabaseError) as exc:
            raise RegisterError(_write_error(self, exc)) from exc
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A plain DB-API connection for bulk reads, every query in one snapshot.

        The register view reads 100,000s of rows: without the ORM's result layer
        the same rows come back in about half the time and memory. Only
        ``execute(sql)`` with literal SQL is portable between the two drivers
        (SQLite hands dates back as ISO text, PostgreSQL as dates).
        """
        if self.path is None:
            with self.engine.connect() as conn, conn.begin():
                yield conn.connection.driver_connection
            return
        try:
            raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise RegisterError(_read_error(self, exc)) from exc
        try:
            raw.execute("PRAGMA query_only=ON")
            raw.execute("PRAGMA busy_timeout=5000")
            raw.execute("BEGIN")  # a WAL read snapshot: later queries see the same commit
            yield raw
            raw.execute("COMMIT")
        except sqlite3.Error as exc:
            raise RegisterError(_read_error(self, exc)) from exc
        finally:
            raw.close()

    def changed(self, task_ids: frozenset[int] | None = None) -> None:
        """Forget cached reads: the register was written (here or, when shared, elsewhere).

        ``task_ids``: the write touched only these tasks (their own rows and their roles,
        notes, extensions, occurrences and links) and rows no cached read uses (the audit
        trail, issued reports). The cached values are then kept aside, with the ids written
        since each was cached, for a reader that can bring them up to date by re-reading
        just those tasks (:meth:`stale`). ``None``: anything may have changed.
        """
        self.generation += 1
        if task_ids is None:
            self._stale.clear()
        else:
            # Writes in a row add up; a value that was not asked for again after the
            # previous write (nothing was read in between, or not that) is let go, so a
            # report's view of another day does not live on across every later save.
            kept = {} if self._cache else self._stale
            stale = {key: (value, ids | task_ids) for key, (value, ids) in kept.items()}
            stale.update((key, (value, task_ids)) for key, value in self._cache.items())
            self._stale = stale
        self._cache.clear()

    def stale(self, key: object) -> tuple[object, frozenset[int]] | None:
        """What was cached under ``key`` before the latest writes, and the ids of the tasks
        written since, when every write since touched only those tasks (made through this
        ``Register``: another connection's write forgets it); taken, so asked for once.
        """
        self._forget_writes_elsewhere()
        return self._stale.pop(key, None)

    def written_elsewhere(self) -> bool:
        """Whether another connection has written since the last look (the caches are then
        forgotten): a value brought up to date from a stale one is kept only when not."""
        return self._forget_writes_elsewhere()

    def _forget_writes_elsewhere(self) -> bool:
        try:
            seen = self._elsewhere_mark()
        except sqlite3.Error:
            return False  # unreachable: the next real read reports it in words
        except Exception as exc:
            from sqlalchemy.exc import DatabaseError

            if isinstance(exc, DatabaseError):
                return False  # the server is unreachable: the next real read reports it in words
            raise
        if seen == self._seen_elsewhere:
            return False
        self._seen_elsewhere = seen
        if self._cache or self._stale:
            self.changed()
        return True

    def _elsewhere_mark(self) -> str:
        return self._server_snapshot() if self.on_server else self._file_data_version()

    def _mark_own_write(self, conn: Connection) -> tuple[Any, ...]:
        """Inside a transaction that wrote: what tells, after its commit, whether it was the
        only write since the last look (:meth:`_only_own_write`)."""
        if self.on_server:
            xid = conn.exec_driver_sql("SELECT pg_current_xact_id_if_assigned()::text").scalar()
            return (xid,)
        raw = conn.connection.dbapi_connection
        assert raw is not None
        # This connection's counter first: it moves for every other connection's commit
        # from now on; the shared one then covers everything before.
        own = raw.execute("PRAGMA data_version").fetchone()[0]
        return (raw, own, self._file_data_version())

    def _only_own_write(self, mark: tuple[Any, ...]) -> bool:
        """Just after the commit: True when nobody else wrote between the last look and now;
        the last look becomes now either way (the caller forgets everything when False)."""
        before = self._seen_elsewhere
        if self.on_server:
            after = self._server_snapshot()
            self._seen_elsewhere = after
            return _only_transaction_ended(before, after, mark[0])
        raw, own, shared = mark
        after = self._file_data_version()
        still = raw.execute("PRAGMA data_version").fetchone()[0]
        self._seen_elsewhere = after
        return bool(shared == before and still == own)

    def _server_snapshot(self) -> str:
        from sqlalchemy import text

        # Changes whenever a transaction that writes starts or ends on the server.
        with self.engine.connect() as conn:
            return str(conn.execute(text("SELECT pg_current_snapshot()::text")).scalar())

    def _file_data_version(self) -> str:
        # SQLite's counter of commits made through any other connection to the file;
        # one connection kept for asking, as the counter is per connection.
        with self._watch_lock:
            if self._watch is None:
                self._watch = sqlite3.connect(self.path or "", check_same_thread=False)
            return str(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def backup_to(self, target: Path) -> None:
        """A consistent copy through SQLite's online backup API."""
        if self.path is None:
            raise RegisterError(
                tr(
                    "Sổ đăng ký dùng chung đặt trên máy chủ cơ sở dữ liệu: "
                    "sao lưu máy chủ do quản trị viên thực hiện."
                )
            )
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
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        if self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()

    def _check_server(self) -> None:
        from sqlalchemy import text
        from sqlalchemy.exc import DatabaseError, OperationalError

        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except (OperationalError, DatabaseError) as exc:
            raise RegisterError(_connect_error(self, exc)) from exc

    def _upgrade(self) -> Path | None:
        if not self.on_server:
            return migrate.upgrade(self)
        # Two PCs starting a new version together: the second waits, then finds
        # the schema already new. (A session lock, held on its own connection.)
        from sqlalchemy import text

        with self.engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
            lock.commit()
            try:
                return migrate.upgrade(self)
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
                lock.commit()


# Rows of these tables belong to one task, named by their ``task_id``.
_TASK_OWNED = frozenset({"task_units", "progress_notes", "task_extensions", "task_occurrences"})
# Written with tasks but read by no cached value: the audit trail, issued reports, the
# links between tasks (read only in one task's detail, never cached).
_NOT_CACHED = frozenset({"audit_log", "report_snapshots", "task_links"})
_AUDIT_INSERT = re.compile(r"\s*INSERT\s+INTO\s+\"?audit_log\b", re.IGNORECASE)
_TASKS_DECLARED = "cdsdesk.db.tasks_written"  # session.info: see declare_task_writes()
_NOT_WRITES = (*_READS, "SAVEPOINT")


def declare_task_writes(session: Session, task_ids: Iterable[int]) -> None:
    """Say that the bulk statements this transaction runs from now on write only the rows
    of these tasks (the tasks and their roles, notes, extensions, occurrences and links).

    Statements run outside the ORM's flush are otherwise taken to change anything, and
    every cached read is thrown away; an undo that puts back a few tasks calls this so
    that the register view re-reads only them.
    """
    session.info.setdefault(_TASKS_DECLARED, set()).update(task_ids)


class _WriteWatch:
    """What a session wrote: whether anything, and which tasks when that is all it wrote.

    The ORM's flush says which records it wrote; every statement on the session's
    connection is seen too, so a bulk or raw write outside the flush (which no ORM
    event describes) makes the whole register "changed" unless declared
    (:func:`declare_task_writes`).
    """

    def __init__(self, session: Session, register: Register) -> None:
        from sqlalchemy import event

        self.seen = False
        self._register = register
        self._tasks: set[int] | None = set()  # None: not only tasks
        self._flushing = False
        self._conn: Connection | None = None
        self._mark: tuple[Any, ...] | None = None
        self._only_ours = False
        self._session = session
        event.listen(session, "after_begin", self._began)
        event.listen(session, "before_flush", self._flush_starts)
        event.listen(session, "after_flush", self._flushed)
        event.listen(session, "after_soft_rollback", self._flush_ends)  # a flush that failed
        event.listen(session, "before_commit", self._committing)
        event.listen(session, "after_commit", self._committed)

    def task_ids(self) -> frozenset[int] | None:
        """The tasks written, when that is all that was written and nobody else wrote
        meanwhile; None when anything may have changed."""
        if self._tasks is None or not self._only_ours:
            return None
        return frozenset(self._tasks)

    def _began(self, _session: Session, _transaction: Any, conn: Connection) -> None:
        from sqlalchemy import event

        self._conn = conn
        event.listen(conn, "before_cursor_execute", self._statement)

    def _statement(self, _conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(_NOT_WRITES):
            return
        self.seen = True
        if self._flushing or _AUDIT_INSERT.match(statement):
            return  # the flush's records are read in _flushed; the trail is not cached
        declared = self._session.info.get(_TASKS_DECLARED)
        if declared is None or self._tasks is None:
            self._tasks = None
        else:
            self._tasks |= declared

    def _flush_starts(self, *_args: Any) -> None:
        self._flushing = True

    def _flush_ends(self, *_args: Any) -> None:
        self._flushing = False

    def _flushed(self, _session: Session, flush_context: UOWTransaction) -> None:
        self._flushing = False
        for state, (_is_delete, list_only) in flush_context.states.items():
            if list_only or self._tasks is None:
                continue
            table = state.mapper.local_table.name
            if table in _NOT_CACHED:
                continue
            found: set[Any] | None = None
            if table == "tasks":
                # And its parents before and after: their lists of sub-tasks changed.
                found = _values(state, "id") | (_values(state, "parent_id") - {None})
            elif table in _TASK_OWNED:
                found = _values(state, "task_id")
            if not found or None in found or _UNKNOWN in found:
                self._tasks = None  # not a task's row, or one we cannot place
            else:
                self._tasks |= found
        self._take_mark()

    def _committing(self, _session: Session) -> None:
        self._take_mark()

    def _take_mark(self) -> None:
        if self.seen and self._tasks is not None and self._mark is None and self._conn:
            try:
                self._mark = self._register._mark_own_write(self._conn)
            except Exception:
                self._tasks = None  # cannot tell: forget every cached read

    def _committed(self, _session: Session) -> None:
        if self._mark is None:
            return
        try:
            self._only_ours = self._register._only_own_write(self._mark)
        except Exception:
            self._only_ours = False  # cannot tell: forget every cached read


_UNKNOWN = object()


def _values(state: Any, key: str) -> set[Any]:
    """A column's value in a flushed record and any value it had before the flush
    (``_UNKNOWN`` when it is not loaded)."""
    if key in state.dict:
        found = {state.dict[key]}
    elif key == "id" and state.key is not None:
        found = {state.key[1][0]}
    else:
        return {_UNKNOWN}
    history = state.attrs[key].history
    found.update(history.deleted or ())
    found.update(history.added or ())
    return found


def _only_transaction_ended(before: str | None, after: str, xid: str | None) -> bool:
    """Between two ``pg_current_snapshot()`` texts, whether transaction ``xid`` is the only
    one that ended (a subtransaction of it counts as another: the caller then just reloads).

    A snapshot is ``xmin:xmax:xip,...``: every id below xmax not listed in xip has ended.
    """
    if before is None or xid is None:
        return False
    ours = int(xid)
    _, xmax0, running0 = _snapshot_parts(before)
    _, xmax1, running1 = _snapshot_parts(after)
    ended = {x for x in running0 if x not in running1}
    started_and_ended = (xmax1 - xmax0) - sum(1 for x in running1 if xmax0 <= x < xmax1)
    if ours in ended:
        return len(ended) == 1 and started_and_ended == 0
    return not ended and started_and_ended == 1 and xmax0 <= ours < xmax1 and ours not in running1


def _snapshot_parts(text: str) -> tuple[int, int, set[int]]:
    xmin, xmax, running = text.split(":")
    return int(xmin), int(xmax), {int(x) for x in running.split(",") if x}


def _url_and_path(location: str | Path) -> tuple[str, Path | None]:
    address = str(location).strip()
    if "://" not in address:
        path = Path(address).expanduser().resolve()
        return f"sqlite:///{path}", path
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(address)
        _ = url.port  # a port that is not a number shows only here
    except (ArgumentError, ValueError) as exc:
        raise RegisterError(_bad_address(address)) from exc
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        return _url_and_path(str(url.database))
    if url.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise RegisterError(_bad_address(address))
    if not url.database:
        raise RegisterError(
            tr("Địa chỉ máy chủ “{address}” thiếu tên cơ sở dữ liệu (…/tên_csdl).").format(
                address=url.render_as_string(hide_password=True)
            )
        )
    # The driver we ship (psycopg 3), whatever the address named.
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False), None


def _bad_address(address: str) -> str:
    return tr(
        "Địa chỉ sổ đăng ký “{address}” không hợp lệ; sổ dùng chung có dạng "
        "postgresql://người_dùng:mật_khẩu@máy_chủ/tên_csdl."
    ).format(address=address.rpartition("@")[2])


def _server_engine(url: str) -> Engine:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import NoSuchModuleError

    parsed = make_url(url)
    connect_args: dict[str, Any] = {"application_name": "CDS Desk"}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    if "options" not in parsed.query:
        connect_args["options"] = f"-c lock_timeout={LOCK_TIMEOUT_MS}"
    try:
        # pre_ping: a connection the server dropped overnight is replaced, not reported.
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except NoSuchModuleError as exc:  # pragma: no cover - psycopg is a pinned dependency
        raise RegisterError(
            tr("Thiếu thư viện psycopg để mở sổ đăng ký trên máy chủ PostgreSQL.")
        ) from exc


# What libpq and the server say (in English) when a connection cannot be made.
_UNREACHABLE = (
    "connection refused",
    "could not connect",
    "could not translate host name",
    "failed to resolve host",
    "name or service not known",
    "no route to host",
    "network is unreachable",
    "timeout expired",
    "timed out",
    "server closed the connection",
    "connection is lost",
    "connection reset",
    "the database system is starting up",
    "the database system is shutting down",
    "terminating connection",
    "consuming input failed",
    "no such file or directory",  # a local socket folder that does not exist
)
_AUTH_FAILED = (
    "password authentication failed",
    "authentication failed",
    "no password supplied",
    "no pg_hba.conf entry",
    'role "',
    "permission denied for database",
)
_NO_DATABASE = ('database "',)


def _driver_text(exc: DatabaseError) -> str:
    return " ".join(str(exc.orig).split())


def _connect_error(register: Register, exc: DatabaseError) -> str:
    """A connection that could not be made, in words an officer can act on."""
    found = _driver_text(exc)
    lowered = found.lower()
    from sqlalchemy.engine import make_url

    where = register.display_name
    url = make_url(register.url)
    if any(s in lowered for s in _NO_DATABASE) and "does not exist" in lowered:
        return tr(
            "Máy chủ không có cơ sở dữ liệu “{database}”; hãy nhờ quản trị viên tạo nó "
            "hoặc kiểm tra lại tên trong địa chỉ."
        ).format(database=url.database)
    if any(s in lowered for s in _AUTH_FAILED):
        return tr(
            "Máy chủ từ chối đăng nhập của người dùng “{user}” (sai tên hoặc mật khẩu, "
            "hoặc chưa được cấp quyền); hãy kiểm tra với quản trị viên."
        ).format(user=url.username or "")
    if any(s in lowered for s in _UNREACHABLE):
        return tr(
            "Không kết nối được máy chủ sổ đăng ký {where}: máy chủ không trả lời. "
            "Hãy kiểm tra mạng, địa chỉ máy chủ, hoặc báo quản trị viên."
        ).format(where=where)
    return tr("Không mở được sổ đăng ký {where}: {error}").format(where=where, error=found)


def _write_error(register: Register, exc: DatabaseError) -> str:
    from sqlalchemy.exc import OperationalError

    if register.on_server:
        sqlstate = getattr(exc.orig, "sqlstate", None) or ""
        if sqlstate in ("40001", "40P01", "55P03"):
            return tr("Sổ đăng ký đang được người khác ghi; thay đổi chưa được lưu, hãy thử lại.")
        if sqlstate == "22001":
            limit = re.search(r"varying\((\d+)\)", str(exc.orig))
            return tr(
                "Một trường dài quá giới hạn {limit} ký tự của sổ đăng ký; thay đổi chưa được lưu."
            ).format(limit=limit.group(1) if limit else "")
        if not sqlstate and isinstance(exc, OperationalError):
            return tr(
                "Mất kết nối với máy chủ sổ đăng ký {where}; thay đổi chưa được lưu. "
                "Hãy kiểm tra mạng rồi thử lại."
            ).format(where=register.display_name)
    return tr("Không ghi được vào sổ đăng ký: {error}").format(error=exc.orig)


def _read_error(register: Register, exc: sqlite3.Error) -> str:
    if "locked" in str(exc).lower() or "busy" in str(exc).lower():
        return tr("Sổ đăng ký đang được ghi quá lâu; hãy thử lại sau giây lát.")
    return tr("Không đọc được sổ đăng ký {where}: {error}").format(
        where=register.display_name, error=exc
    )


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
    if _foreign_database(path):
        raise RegisterError(
            tr(
                "Tệp “{path}” là cơ sở dữ liệu của một chương trình khác, không phải sổ đăng ký "
                "CĐS Desk; chương trình không mở và không sửa nó."
            ).format(path=path)
        )


def _foreign_database(path: Path) -> bool:
    """Tables but no schema revision: another program's database (read-only look)."""
    from cdsdesk.storage.integrity import connect_readonly

    try:
        con = connect_readonly(path)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.Error:
        return False  # damaged or locked: the open itself reports it
    return bool(names) and "alembic_version" not in names


def timestamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")
