"""Shared fixtures. Qt runs offscreen so the suite works without a screen.

``register`` and ``demo`` run every core test twice: on an SQLite file, and on
a PostgreSQL database (a register shared on a server) when
``CDSDESK_TEST_PG_URL`` names a server and a role allowed to create databases,
e.g. ``postgresql://cdsdesk:secret@127.0.0.1:54329/postgres`` (``.ci/run``
starts one). Each PostgreSQL test gets its own database, copied from a
template migrated (and filled with the demo) once per session. Window tests
(tests/ui) run on SQLite only.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cdsdesk.storage.db import Register

PG_URL_ENV = "CDSDESK_TEST_PG_URL"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
_UI_TESTS = Path(__file__).parent / "ui"


def pg_admin_url() -> str:
    return os.environ.get(PG_URL_ENV, "").strip()


def pytest_report_header(config: pytest.Config) -> str:
    if pg_admin_url():
        where = make_url(pg_admin_url())
        return f"registers: SQLite and PostgreSQL at {where.host}:{where.port or 5432}"
    return f"registers: SQLite only (set {PG_URL_ENV} to run the core tests on PostgreSQL too)"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Core tests that use ``backend`` (through ``register`` or ``demo``) run on both."""
    if "backend" not in metafunc.fixturenames:
        return
    window_test = Path(str(metafunc.definition.path)).is_relative_to(_UI_TESTS)
    # The window runs on SQLite only: the same core is proved on both beneath it.
    backends = [SQLITE] if window_test or not pg_admin_url() else [SQLITE, POSTGRESQL]
    metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: where this test's register lives."""
    return str(getattr(request, "param", SQLITE))


class PgServer:
    """Makes and drops the test databases on the server named by CDSDESK_TEST_PG_URL."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url).set(drivername="postgresql+psycopg")
        self.engine: Engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"cdsdesk_test_{os.getpid()}_"
        self._numbers = itertools.count(1)
        self.templates: dict[str, str] = {}

    def url(self, database: str) -> str:
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); return its name."""
        name = f"{self.prefix}{next(self._numbers)}"
        copy = f" TEMPLATE {template}" if template else ""
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        return name

    def drop(self, name: str) -> None:
        # FORCE ends connections a test left open; an autovacuum worker on the new
        # database may still refuse it (not ours to end), so wait for it briefly.
        for attempt in range(50):
            try:
                with self.engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except DBAPIError:
                if attempt == 49:
                    raise
                time.sleep(0.1)

    def template(self, kind: str) -> str:
        """A database at the newest schema (``empty``) or holding the demo (``demo``)."""
        if kind not in self.templates:
            name = self.create()
            with Register(self.url(name)) as reg:
                if kind == "demo":
                    from cdsdesk.demo import write_demo

                    write_demo(reg)
            self.templates[kind] = name
        return self.templates[kind]

    def close(self) -> None:
        for name in self.templates.values():
            self.drop(name)
        self.engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The PostgreSQL server for tests; skips the test when none is configured."""
    url = pg_admin_url()
    if not url:
        pytest.skip(f"PostgreSQL: đặt {PG_URL_ENV} để chạy cả trên máy chủ")
    server = PgServer(url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_database(request: pytest.FixtureRequest, pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty database (no tables) on the test server; dropped after."""
    name = pg_server.create()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop(name)


def _server_register(pg_server: PgServer, kind: str) -> Iterator[Register]:
    name = pg_server.create(template=pg_server.template(kind))
    try:
        with Register(pg_server.url(name)) as reg:
            yield reg
    finally:
        pg_server.drop(name)


@pytest.fixture
def register(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Register]:
    """An empty register at the newest schema: a file, or a database on the server."""
    if backend == POSTGRESQL:
        yield from _server_register(request.getfixturevalue("pg_server"), "empty")
        return
    with Register(tmp_path / "register.cdsdb") as reg:
        yield reg


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo register written once per test session; copy it before writing to it."""
    from cdsdesk.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.cdsdb"
    with Register(path) as reg:
        write_demo(reg)
    return path


@pytest.fixture
def demo(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Register]:
    """A private, writable copy of the demo register (file or server database)."""
    if backend == POSTGRESQL:
        yield from _server_register(request.getfixturevalue("pg_server"), "demo")
        return
    import shutil

    target = tmp_path / "demo.cdsdb"
    shutil.copy(request.getfixturevalue("demo_file"), target)
    with Register(target) as reg:
        yield reg
