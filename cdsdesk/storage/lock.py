"""One writer per register: a lock file beside it, held with an operating-system lock.

The lock is ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows, so the
operating system drops it when the process ends, however it ends: a crash or
a power cut never leaves a lock that blocks the next start. The file itself
(``<register>.lock``) only says who holds it (process, computer, user, since
when) for the message a second program shows; it is never deleted, because
removing a lock file another process has open would let two writers in.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from cdsdesk.errors import RegisterError
from cdsdesk.i18n import tr

# Windows locks bytes, and a locked byte cannot be read by anyone else: lock one
# byte far past the holder's details so the second program can still read them.
_WINDOWS_LOCK_OFFSET = 1 << 30


class RegisterLockedError(RegisterError):
    """Another program is writing to this register."""

    def __init__(self, message: str, holder: LockHolder | None) -> None:
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    user: str
    started: datetime

    @classmethod
    def current(cls) -> LockHolder:
        return cls(os.getpid(), socket.gethostname(), _user_name(), datetime.now())

    def to_json(self) -> str:
        return json.dumps(
            {
                "pid": self.pid,
                "host": self.host,
                "user": self.user,
                "started": self.started.isoformat(timespec="seconds"),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        try:
            data = json.loads(text)
            return cls(
                int(data["pid"]),
                str(data["host"]),
                str(data["user"]),
                datetime.fromisoformat(data["started"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


def lock_path(register_path: Path) -> Path:
    return register_path.with_name(register_path.name + ".lock")


class RegisterLock:
    """The lock of one register file; :meth:`acquire` never waits.

    ``RegisterLock(None)`` stands for a register on a database server: there is
    no file to lock (the server arbitrates between writers) and it holds nothing.
    """

    def __init__(self, register_path: Path | None) -> None:
        self.register_path = register_path
        self.path = lock_path(register_path) if register_path is not None else None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock and write our details in it; False when another process has it."""
        if self._fd is not None or self.path is None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd):
                os.close(fd)
                return False
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, LockHolder.current().to_json().encode("utf-8"))
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def holder(self) -> LockHolder | None:
        """Who holds the lock, as written in the file (None when unknown)."""
        if self.path is None:
            return None
        try:
            text = self.path.read_bytes()[:4096].decode("utf-8", errors="replace")
        except OSError:
            return None
        return LockHolder.from_json(text.strip("\x00 \r\n"))

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # the details are stale once we let go
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> RegisterLock:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.release()


def acquire_or_explain(location: str | Path) -> RegisterLock:
    """Take the register's lock or raise :class:`RegisterLockedError` saying who has it.

    A database URL (a register on a server) has no lock file: the server
    arbitrates between writers, so the returned lock holds nothing.
    """
    if "://" in str(location):
        return RegisterLock(None)
    path = Path(location).expanduser().resolve()
    lock = RegisterLock(path)
    try:
        taken = lock.acquire()
    except OSError as exc:
        raise RegisterError(
            tr("Không tạo được tệp khóa “{path}” bên cạnh sổ đăng ký: {error}.").format(
                path=lock.path, error=exc.strerror or exc
            )
        ) from exc
    if not taken:
        holder = lock.holder()
        raise RegisterLockedError(describe_holder(path, holder), holder)
    return lock


def describe_holder(register_path: Path, holder: LockHolder | None) -> str:
    if holder is None:
        return tr(
            "Sổ đăng ký “{path}” đang được một chương trình CĐS Desk khác ghi. "
            "Hãy đóng chương trình đó rồi thử lại."
        ).format(path=register_path)
    return tr(
        "Sổ đăng ký “{path}” đang được mở bởi người dùng {user} trên máy {host} "
        "(tiến trình {pid}, từ {started}). Hãy đóng chương trình đó rồi thử lại."
    ).format(
        path=register_path,
        user=holder.user,
        host=holder.host,
        pid=holder.pid,
        started=holder.started.strftime("%H:%M ngày %d/%m/%Y"),
    )


def _user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account): still lock, just say less
        return "?"


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
