"""Backups of the register, their rotation, and restoring one.

A backup is made with SQLite's online backup API (a consistent snapshot even
while the window is writing), written to a temporary file, checked with
``PRAGMA integrity_check`` and for a readable schema revision, and only then
renamed into place: a half-written backup (a full disk, a USB drive pulled
out) never looks like a backup. Backups are single files (rollback journal,
not WAL), so they can be copied anywhere.

Automatic backups go to a folder beside the register (``sao-luu/``), named
``<register>-YYYYMMDD-HHMMSS-<reason>.cdsdb``, and are pruned by :func:`to_keep`.

Restoring needs the register closed: the caller holds the register's lock
(:mod:`cdsdesk.storage.lock`) and has no connection open to it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from cdsdesk.errors import RegisterError
from cdsdesk.i18n import tr
from cdsdesk.storage.integrity import Finding, check_register, connect_readonly, header_problem

if TYPE_CHECKING:
    from cdsdesk.storage.db import Register

BACKUP_FOLDER_NAME = "sao-luu"
BACKUP_SUFFIX = ".cdsdb"
STAMP_FORMAT = "%Y%m%d-%H%M%S"

KEEP_RECENT = 10
KEEP_DAYS = 7
KEEP_WEEKS = 8
KEEP_MONTHS = 12
KEEP_RARE = 3  # of each rare, deliberate kind (before an upgrade, before a restore)
STALE_TEMPORARY_SECONDS = 24 * 3600


class Reason(StrEnum):
    STARTUP = "khoi-dong"
    DAILY = "hang-ngay"
    BEFORE_MIGRATION = "truoc-nang-cap"
    BEFORE_IMPORT = "truoc-nhap"
    MANUAL = "thu-cong"
    BEFORE_RESTORE = "truoc-khoi-phuc"

    @property
    def label(self) -> str:
        return {
            Reason.STARTUP: tr("Khi mở chương trình"),
            Reason.DAILY: tr("Hằng ngày"),
            Reason.BEFORE_MIGRATION: tr("Trước khi nâng cấp"),
            Reason.BEFORE_IMPORT: tr("Trước khi nhập văn bản"),
            Reason.MANUAL: tr("Sao lưu thủ công"),
            Reason.BEFORE_RESTORE: tr("Trước khi khôi phục"),
        }[self]


RARE_REASONS = (Reason.BEFORE_MIGRATION, Reason.BEFORE_RESTORE)
# A damaged register set aside before a restore: kept, never offered as a backup, never pruned.
DAMAGED_MARK = "tep-hong"

_NAME = re.compile(
    r"^(?P<name>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>"
    + "|".join(re.escape(r.value) for r in Reason)
    + r")(?:-(?P<seq>\d+))?"
    + re.escape(BACKUP_SUFFIX)
    + "$"
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: Reason
    size: int
    tasks: int | None = None  # read from the copy; None when it cannot be read

    @property
    def label(self) -> str:
        return self.reason.label


# -- where backups go ----------------------------------------------------------


def register_file(register: Register | str | Path) -> Path:
    """The SQLite file of ``register``; a register on a server has none."""
    if isinstance(register, str | Path):
        if "://" in str(register):
            raise RegisterError(
                tr("Sổ đăng ký trên máy chủ cơ sở dữ liệu được sao lưu bởi máy chủ đó.")
            )
        return Path(register).expanduser().resolve()
    if register.path is None:
        raise RegisterError(
            tr("Sổ đăng ký trên máy chủ cơ sở dữ liệu được sao lưu bởi máy chủ đó.")
        )
    return register.path


def _file_or_none(register: Register | str | Path) -> Path | None:
    if isinstance(register, str | Path):
        return None if "://" in str(register) else register_file(register)
    return register.path


def backup_folder(register_path: Path, folder: Path | None = None) -> Path:
    """Where automatic backups of ``register_path`` go: ``folder``, or ``sao-luu/`` beside it."""
    return folder if folder is not None else register_path.parent / BACKUP_FOLDER_NAME


def register_name(register_path: Path) -> str:
    return register_path.stem


def backup_name(register_path: Path, reason: Reason | str, when: datetime, seq: int = 0) -> str:
    stamp = when.strftime(STAMP_FORMAT)
    tail = f"-{seq}" if seq else ""
    return f"{register_name(register_path)}-{stamp}-{reason}{tail}{BACKUP_SUFFIX}"


def new_backup_path(
    register_path: Path,
    reason: Reason | str,
    *,
    folder: Path | None = None,
    now: datetime | None = None,
) -> Path:
    """A fresh name in the backup folder (never an existing file's)."""
    target_dir = backup_folder(register_path, folder)
    when = now or datetime.now()
    seq = 0
    while True:
        candidate = target_dir / backup_name(register_path, reason, when, seq)
        if not candidate.exists():
            return candidate
        seq += 1


def parse_backup_name(path: Path) -> tuple[str, datetime, Reason] | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    try:
        taken_at = datetime.strptime(match["stamp"], STAMP_FORMAT)
    except ValueError:
        return None
    return match["name"], taken_at, Reason(match["reason"])


# -- making a backup ---------------------------------------------------------------


def backup_register(register: Register | str | Path, target: Path) -> Path:
    """A verified, consistent copy of the register written to ``target``; returns ``target``.

    ``target`` may be in any folder (a USB drive); if it is an existing folder,
    the copy gets the usual name inside it.
    """
    source = register_file(register)
    target = Path(target).expanduser()
    if target.is_dir():
        target = new_backup_path(source, Reason.MANUAL, folder=target)
    target = target.resolve()
    if target == source:
        raise RegisterError(tr("Không thể sao lưu sổ đăng ký đè lên chính nó."))
    _require_register_file(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        _copy_online(source, temp)
        problem = verify_copy(temp)
        if problem and not check_register(source).ok:
            raise RegisterError(
                tr(
                    "Sổ đăng ký “{path}” bị hỏng nên không sao lưu được; các bản sao lưu cũ "
                    "vẫn giữ nguyên. Hãy đóng chương trình và mở lại để khôi phục từ bản "
                    "sao lưu gần nhất."
                ).format(path=source)
            )
        if problem:
            raise RegisterError(
                tr("Bản sao lưu vừa tạo không đạt khi kiểm tra ({problem}); chưa ghi gì.").format(
                    problem=problem
                )
            )
        _fsync_file(temp)
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except sqlite3.Error as exc:
        raise RegisterError(
            tr("Không sao lưu được sổ đăng ký: {error}.").format(error=exc)
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return target


def _require_register_file(path: Path) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise RegisterError(tr("Không có sổ đăng ký tại “{path}”.").format(path=path))
    problem = header_problem(path)
    if problem is not None:
        finding, text = problem
        if finding is Finding.NOT_DATABASE:
            raise RegisterError(text)
        raise RegisterError(
            tr("Sổ đăng ký “{path}” bị hỏng ({detail}); không sao lưu được.").format(
                path=path, detail=text
            )
        )


def _copy_online(source: Path, target: Path) -> None:
    """SQLite's online backup in one step: one read snapshot, writers carry on (WAL)."""
    with closing(connect_readonly(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        # One self-contained file: no -wal beside a copy on a USB drive.
        dst.execute("PRAGMA journal_mode=DELETE")


def verify_copy(path: Path) -> str:
    """Empty when ``path`` passes ``integrity_check`` and has a readable schema revision."""
    report = check_register(path, full=True)
    if not report.ok:
        return "; ".join(report.details) or report.message
    try:
        revision = read_revision(path)
    except sqlite3.Error as exc:
        return str(exc)
    return "" if revision else "no schema revision"


def read_revision(path: Path) -> str | None:
    """The Alembic revision of a register file at rest (None when it has none)."""
    with closing(connect_readonly(path, immutable=True)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return str(row[0]) if row else None


def count_tasks(path: Path) -> int | None:
    """The number of tasks in a register file at rest (None when it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _count_tasks(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _count_tasks(path: str, _size: int, _mtime_ns: int) -> int | None:
    # Keyed on size and time too: a backup never changes, but a file of that name might.
    try:
        with closing(connect_readonly(Path(path), immutable=True)) as conn:
            return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])
    except sqlite3.Error:
        return None


# -- automatic backups and their rotation ------------------------------------------


class _Dated(Protocol):
    @property
    def taken_at(self) -> datetime: ...


D = TypeVar("D", bound=_Dated)


def to_keep(
    backups: Iterable[D],
    now: datetime,
    *,
    recent: int = KEEP_RECENT,
    days: int = KEEP_DAYS,
    weeks: int = KEEP_WEEKS,
    months: int = KEEP_MONTHS,
) -> list[D]:
    """The backups rotation keeps, newest first.

    The ``recent`` newest; the newest of each of the last ``days`` days, ``weeks``
    calendar weeks (Monday to Sunday) and ``months`` calendar months, the current
    one included; the newest ``KEEP_RARE`` taken before an upgrade and before a
    restore (items with a ``reason``); and anything dated after ``now`` (a clock
    set wrong is no reason to delete).
    """
    ordered = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    kept: dict[int, D] = {}

    def keep(item: D) -> None:
        kept.setdefault(id(item), item)

    for item in ordered[:recent]:
        keep(item)
    today = now.date()
    this_monday = today - timedelta(days=today.weekday())
    this_month = today.year * 12 + today.month
    seen: set[tuple[str, int]] = set()
    rare: dict[object, int] = {}
    for item in ordered:
        day = item.taken_at.date()
        if item.taken_at > now:
            keep(item)
            continue
        buckets = [
            ("day", (today - day).days, days),
            ("week", (this_monday - (day - timedelta(days=day.weekday()))).days // 7, weeks),
            ("month", this_month - (day.year * 12 + day.month), months),
        ]
        for kind, age, limit in buckets:
            if age < limit and (kind, age) not in seen:
                seen.add((kind, age))
                keep(item)
        reason = getattr(item, "reason", None)
        if reason in RARE_REASONS and rare.get(reason, 0) < KEEP_RARE:
            rare[reason] = rare.get(reason, 0) + 1
            keep(item)
    return [item for item in ordered if id(item) in kept]


def scan_backups(register_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """This register's backups in its backup folder, newest first (without task counts)."""
    directory = backup_folder(register_path, folder)
    if not directory.is_dir():
        return []
    name = register_name(register_path)
    found: list[tuple[datetime, int, BackupInfo]] = []
    for path in directory.iterdir():
        parsed = parse_backup_name(path)
        if parsed is None or parsed[0] != name or not path.is_file():
            continue
        with contextlib.suppress(OSError):
            stat = path.stat()
            info = BackupInfo(path, parsed[1], parsed[2], stat.st_size)
            found.append((info.taken_at, stat.st_mtime_ns, info))  # same second: file time
    found.sort(key=lambda item: item[:2], reverse=True)
    return [info for *_key, info in found]


def list_backups(register: Register | str | Path, folder: Path | None = None) -> list[BackupInfo]:
    """This register's backups, newest first, each with the number of tasks it holds."""
    source = register_file(register)
    return [
        BackupInfo(b.path, b.taken_at, b.reason, b.size, count_tasks(b.path))
        for b in scan_backups(source, folder)
    ]


def prune_backups(
    register_path: Path, *, folder: Path | None = None, now: datetime | None = None
) -> list[Path]:
    """Delete the backups rotation no longer keeps; returns what was deleted."""
    backups = scan_backups(register_path, folder)
    kept = {b.path for b in to_keep(backups, now or datetime.now())}
    deleted = _remove_stale_temporaries(backup_folder(register_path, folder), register_path)
    for backup in backups:
        if backup.path in kept:
            continue
        try:
            backup.path.unlink()
        except OSError:  # in use or read-only: try again next time
            continue
        deleted.append(backup.path)
    return deleted


def _remove_stale_temporaries(directory: Path, register_path: Path) -> list[Path]:
    """Half-written copies left by a program killed while writing (never the names of backups)."""
    removed = []
    cutoff = datetime.now().timestamp() - STALE_TEMPORARY_SECONDS
    for path in directory.glob(f".{register_name(register_path)}-*.tmp"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
    return removed


def automatic_backup(
    register: Register | str | Path,
    reason: Reason,
    *,
    folder: Path | None = None,
    now: datetime | None = None,
) -> Path | None:
    """A backup into the rotation folder, then pruning; None for a register on a server."""
    source = _file_or_none(register)
    if source is None:
        return None
    when = now or datetime.now()
    written = backup_register(source, new_backup_path(source, reason, folder=folder, now=when))
    prune_backups(source, folder=folder, now=when)
    return written


def backup_before_import(register: Register, *, folder: Path | None = None) -> Path | None:
    """Called by the importer before it writes the first imported task."""
    return automatic_backup(register, Reason.BEFORE_IMPORT, folder=folder)


def backup_due(
    register: Register | str | Path, *, folder: Path | None = None, now: datetime | None = None
) -> bool:
    """True when the register has no backup taken today (the daily backup is due)."""
    source = _file_or_none(register)
    if source is None:
        return False
    today: date = (now or datetime.now()).date()
    return not any(b.taken_at.date() == today for b in scan_backups(source, folder))


# -- restoring -------------------------------------------------------------------


def check_backup(backup_path: Path) -> str:
    """Refuse a backup that is not a sound register this version can open.

    Returns its schema revision; raises :class:`RegisterError` with the reason.
    """
    backup_path = Path(backup_path).expanduser()
    if not backup_path.is_file():
        raise RegisterError(tr("Không có tệp sao lưu “{path}”.").format(path=backup_path))
    report = check_register(backup_path, full=True)
    if report.finding is Finding.MISSING:  # an empty file
        raise RegisterError(
            tr("Tệp “{path}” rỗng, không phải bản sao lưu sổ đăng ký.").format(path=backup_path)
        )
    if not report.ok:
        if report.finding is Finding.DAMAGED:
            raise RegisterError(
                tr("Bản sao lưu “{path}” bị hỏng; hãy chọn bản khác.").format(path=backup_path)
            )
        raise RegisterError(report.message)
    revision = read_revision(backup_path)
    if revision is None:
        raise RegisterError(
            tr("Tệp “{path}” không phải bản sao lưu sổ đăng ký CĐS Desk.").format(path=backup_path)
        )
    if not _revision_known(revision):
        raise RegisterError(
            tr(
                "Bản sao lưu “{path}” được tạo bởi một phiên bản CĐS Desk mới hơn (lược đồ "
                "{revision}); phiên bản này không khôi phục được. Hãy cập nhật chương trình."
            ).format(path=backup_path, revision=revision)
        )
    return revision


def restore_register(
    register_path: Path, backup_path: Path, *, folder: Path | None = None
) -> Path | None:
    """Replace the register file with a copy of ``backup_path``.

    The current file is first saved aside in the backup folder: through the
    online backup when it is sound (reason ``truoc-khoi-phuc``), byte for byte
    when it is damaged (``<name>-<stamp>-tep-hong.cdsdb``, never pruned). Returns
    that copy (None when there was no register yet, as on a new PC). The
    register must be closed: the caller holds its lock and no connection is open.
    An older backup is brought up to date when the register is next opened.
    """
    register_path = Path(register_path).expanduser().resolve()
    backup_path = Path(backup_path).expanduser().resolve()
    if backup_path == register_path:
        raise RegisterError(tr("Không thể khôi phục sổ đăng ký từ chính nó."))
    check_backup(backup_path)
    register_path.parent.mkdir(parents=True, exist_ok=True)
    temp = register_path.with_name(f".{register_path.name}.{os.getpid()}.khoi-phuc.tmp")
    try:
        _copy_online(backup_path, temp)
        if check_register(temp).finding is not Finding.OK:
            raise RegisterError(
                tr("Không chép được bản sao lưu ra ổ đĩa; sổ đăng ký chưa bị thay.")
            )
        _fsync_file(temp)
        aside = _set_current_aside(register_path, folder)
        _remove_journal_files(register_path)
        os.replace(temp, register_path)
        _fsync_dir(register_path.parent)
    except sqlite3.Error as exc:
        raise RegisterError(tr("Không khôi phục được: {error}.").format(error=exc)) from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return aside


def _set_current_aside(register_path: Path, folder: Path | None) -> Path | None:
    if not register_path.exists() or register_path.stat().st_size == 0:
        return None
    report = check_register(register_path)
    if report.finding is Finding.OK:
        _ensure_closed(register_path)
        aside = new_backup_path(register_path, Reason.BEFORE_RESTORE, folder=folder)
        return backup_register(register_path, aside)
    if report.finding is Finding.UNREADABLE:
        raise RegisterError(report.message)
    # Damaged, or not a database at all: keep every byte (and its -wal), change nothing.
    aside = new_backup_path(register_path, DAMAGED_MARK, folder=folder)
    aside.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        source = Path(str(register_path) + suffix)
        if source.exists() and (not suffix or source.stat().st_size > 0):
            target = Path(str(aside) + suffix)
            shutil.copyfile(source, target)
            _fsync_file(target)
    _fsync_dir(aside.parent)
    return aside


def _ensure_closed(register_path: Path) -> None:
    """Fold the WAL into the file and leave WAL mode; SQLite refuses while anyone has it open."""
    try:
        with closing(sqlite3.connect(register_path, timeout=1)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise RegisterError(
            tr("Sổ đăng ký đang được mở ở nơi khác ({error}); hãy đóng rồi khôi phục lại.").format(
                error=exc
            )
        ) from exc
    if str(mode).lower() != "delete":
        raise RegisterError(tr("Sổ đăng ký đang được mở ở nơi khác; hãy đóng rồi khôi phục lại."))


def _remove_journal_files(register_path: Path) -> None:
    # A -wal left beside the new file would be replayed onto it: it must go first.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(register_path) + suffix).unlink(missing_ok=True)


def _revision_known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    from cdsdesk.storage import migrate

    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


# -- durability -------------------------------------------------------------------


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open a folder and needs no call."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def newest_sound_backup(backups: Iterable[BackupInfo]) -> BackupInfo | None:
    """The first of ``backups`` (newest first) that passes the quick check and has a revision."""
    for backup in backups:
        if check_register(backup.path).finding is Finding.OK and read_revision(backup.path):
            return backup
    return None
