"""One writer per register: the lock file, across processes, and after a crash."""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cdsdesk.errors import RegisterError
from cdsdesk.storage.lock import (
    LockHolder,
    RegisterLock,
    RegisterLockedError,
    acquire_or_explain,
    lock_path,
)

ROOT = Path(__file__).resolve().parent.parent

HOLDER = """
import sys, time
from pathlib import Path
from cdsdesk.storage.lock import acquire_or_explain
lock = acquire_or_explain(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(60)
"""


@pytest.fixture
def register_path(tmp_path: Path) -> Path:
    return tmp_path / "so-nhiem-vu.cdsdb"


def hold_in_subprocess(register_path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(register_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


def test_the_lock_file_says_who_holds_it(register_path: Path) -> None:
    with acquire_or_explain(register_path) as lock:
        assert lock.held and lock.path == lock_path(register_path.resolve())
        holder = lock.holder()
        assert holder is not None
        assert holder.pid == os.getpid()
        assert holder.host == socket.gethostname() and holder.user == getpass.getuser()
    assert not lock.held
    assert lock.path is not None and lock.path.exists()  # never deleted: see the module
    assert lock.holder() is None  # emptied on release


def test_a_second_holder_in_another_process_is_refused_with_the_holders_details(
    register_path: Path,
) -> None:
    child = hold_in_subprocess(register_path)
    try:
        with pytest.raises(RegisterLockedError) as caught:
            acquire_or_explain(register_path)
        holder = caught.value.holder
        assert holder is not None and holder.pid == child.pid
        message = str(caught.value)
        assert f"tiến trình {child.pid}" in message
        assert getpass.getuser() in message and socket.gethostname() in message
        assert not RegisterLock(register_path.resolve()).acquire()
    finally:
        child.kill()
        child.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_holder_never_blocks_the_next_start(register_path: Path) -> None:
    child = hold_in_subprocess(register_path)
    with pytest.raises(RegisterLockedError):
        acquire_or_explain(register_path)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL
    with acquire_or_explain(register_path) as lock:  # the OS dropped the dead one's lock
        holder = lock.holder()
        assert holder is not None and holder.pid == os.getpid()


def test_two_locks_in_one_process_exclude_each_other(register_path: Path) -> None:
    first = RegisterLock(register_path)
    second = RegisterLock(register_path)
    assert first.acquire()
    assert first.acquire()  # taking it again is a no-op
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


def test_holder_details_survive_a_round_trip_and_garbage() -> None:
    holder = LockHolder.current()
    assert LockHolder.from_json(holder.to_json()) == holder.__class__(
        holder.pid, holder.host, holder.user, holder.started.replace(microsecond=0)
    )
    assert LockHolder.from_json("") is None
    assert LockHolder.from_json('{"pid": "x"}') is None


def test_unknown_holder_still_gets_a_clear_message(register_path: Path) -> None:
    with RegisterLock(register_path) as first:
        assert first.acquire()
        assert first.path is not None
        first.path.write_bytes(b"")  # details lost: the lock itself still holds
        with pytest.raises(RegisterLockedError, match="đang được một chương trình CĐS Desk khác"):
            acquire_or_explain(register_path)


def test_no_lock_file_for_a_register_on_a_server() -> None:
    with acquire_or_explain("postgresql://u@h/db") as lock:
        assert lock.path is None and lock.holder() is None


def test_a_folder_that_cannot_hold_a_lock_file_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(RegisterError, match="Không tạo được tệp khóa"):
        acquire_or_explain(blocker / "so.cdsdb")
