"""The start-up check: is the register file sound before the program writes to it?

``PRAGMA quick_check`` reads every page and checks each b-tree's structure;
``PRAGMA integrity_check`` also cross-checks every index against its table.
On a 100,000-task register (79 MB) quick_check takes 0.13 s warm and 0.68 s
from a cold disk cache, integrity_check 0.41 s and 1.0 s: the start-up check
uses quick_check (an old PC is several times slower), backups and restores
use the full check, off the window's thread.

Every check opens the file read-only, so checking a damaged file never
changes it.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from cdsdesk.i18n import tr

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
MAX_DETAILS = 10


class Finding(StrEnum):
    OK = "ok"
    MISSING = "missing"  # no file yet (or an empty one): a new register will be made
    NOT_DATABASE = "not_database"  # not an SQLite file at all
    FOREIGN = "foreign"  # an SQLite database, but not a register
    DAMAGED = "damaged"
    UNREADABLE = "unreadable"  # no permission, locked by the system: the file may be fine


@dataclass(frozen=True)
class IntegrityReport:
    path: Path
    finding: Finding
    message: str = ""  # Vietnamese, for the user; empty when sound
    details: tuple[str, ...] = ()  # SQLite's own words, for support staff
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.finding in (Finding.OK, Finding.MISSING)


def readonly_uri(path: Path, *, immutable: bool = False) -> str:
    """A URI opening ``path`` read-only: nothing is written, not even a checkpoint.

    Built by hand, not with ``Path.as_uri()``: for a register on a Windows share that
    puts the server's name in the URI's authority, which SQLite refuses;
    ``file:////server/share/...`` is what it reads as a UNC path.
    """
    posix = path.resolve().as_posix()
    lead = "" if posix.startswith("/") else "/"  # C:/... needs file:///C:/...
    uri = "file://" + lead + quote(posix, safe="/:") + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def connect_readonly(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(readonly_uri(path, immutable=immutable), uri=True, timeout=10)


def header_problem(path: Path) -> tuple[Finding, str] | None:
    """What is wrong with the file's first 100 bytes and its size, if anything."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(HEADER_SIZE)
    if not header.startswith(SQLITE_MAGIC):
        return Finding.NOT_DATABASE, tr(
            "Tệp “{path}” không phải là sổ đăng ký CĐS Desk (không phải cơ sở dữ liệu SQLite)."
        ).format(path=path)
    if len(header) < HEADER_SIZE:
        return Finding.DAMAGED, "header shorter than 100 bytes"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return Finding.DAMAGED, f"invalid page size {page_size}"
    if size % page_size:
        return Finding.DAMAGED, f"file size {size} is not a multiple of the page size {page_size}"
    return None


def check_register(location: str | Path, *, full: bool = False) -> IntegrityReport:
    """Check the register file at ``location`` (quick_check, or integrity_check if ``full``).

    A database URL (a register on a server) is the server's business: reported sound.
    """
    if "://" in str(location):
        return IntegrityReport(Path(str(location)), Finding.OK)
    path = Path(location).expanduser()
    started = time.perf_counter()

    def report(
        finding: Finding, message: str = "", details: tuple[str, ...] = ()
    ) -> IntegrityReport:
        return IntegrityReport(path, finding, message, details, time.perf_counter() - started)

    if not path.exists():
        return report(Finding.MISSING)
    if path.is_dir():
        return report(
            Finding.NOT_DATABASE,
            tr("“{path}” là một thư mục, không phải sổ đăng ký.").format(path=path),
        )
    try:
        if path.stat().st_size == 0:
            return report(Finding.MISSING)
        problem = header_problem(path)
        if problem is not None:
            finding, text = problem
            if finding is Finding.NOT_DATABASE:
                return report(finding, text)
            return report(Finding.DAMAGED, damaged_message(path), (text,))
        lines, is_register = _run_check(path, full)
    except sqlite3.OperationalError as exc:
        if _is_damage(exc):
            return report(Finding.DAMAGED, damaged_message(path), (str(exc),))
        return report(Finding.UNREADABLE, unreadable_message(path, str(exc)), (str(exc),))
    except sqlite3.DatabaseError as exc:
        return report(Finding.DAMAGED, damaged_message(path), (str(exc),))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return report(Finding.UNREADABLE, unreadable_message(path, reason), (str(exc),))
    if lines != ["ok"]:
        return report(Finding.DAMAGED, damaged_message(path), tuple(lines[:MAX_DETAILS]))
    if not is_register:
        return report(
            Finding.FOREIGN,
            tr(
                "Tệp “{path}” là một cơ sở dữ liệu SQLite nhưng không phải sổ đăng ký CĐS Desk; "
                "chương trình không mở nó để khỏi ghi lẫn vào dữ liệu của chương trình khác."
            ).format(path=path),
        )
    return report(Finding.OK)


def _run_check(path: Path, full: bool) -> tuple[list[str], bool]:
    pragma = "integrity_check" if full else "quick_check"
    with closing(connect_readonly(path)) as conn:
        lines = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}({MAX_DETAILS})")]
        tables = {
            str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    # A register has its migration table; a new file has no table at all yet.
    return lines, "alembic_version" in tables or not tables


def _is_damage(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "corrupt" in text or "not a database" in text


def damaged_message(path: Path) -> str:
    return tr(
        "Sổ đăng ký “{path}” bị hỏng (thường do mất điện hoặc lỗi ổ đĩa khi đang ghi). "
        "Chương trình không mở tệp này để khỏi làm mất thêm dữ liệu, và giữ nguyên tệp."
    ).format(path=path)


def unreadable_message(path: Path, reason: str) -> str:
    return tr(
        "Không đọc được sổ đăng ký “{path}”: {reason}. Tệp có thể vẫn tốt: hãy kiểm tra "
        "quyền truy cập thư mục, hoặc đóng chương trình khác đang dùng tệp rồi thử lại."
    ).format(path=path, reason=reason)
