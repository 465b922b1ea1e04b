"""A process that writes to a register until it is killed, and the harness that kills it.

The child (``write`` mode) opens a real register and loops over service calls
(create_unit, create_task, add_note, extend_deadline, update_task). Before each
call it prints an *intent* line saying exactly what the call will write; after
the call returns (the transaction is committed) it prints a *done* line with the
id it got back. Each line is one ``os.write`` of less than ``PIPE_BUF`` bytes,
so a SIGKILL can cut the stream between lines but never inside one.

The harness (:func:`run_kills`) starts a child, waits for its first committed
write, lets it run a random 50–400 ms, sends SIGKILL and then opens the register
itself, as the program would after a crash. It keeps a model of everything the
children reported done and checks, after every kill, that

* the file opens as a register (migrations check) and ``PRAGMA integrity_check``
  says ``ok`` with no dangling foreign key,
* every write that had returned is there, with its content intact,
* the one call that was cut (an intent without its done line) is either wholly
  in the file or wholly absent: no task without its units, no extension without
  the deadline it set, no half-applied edit.

To spend the time on writes rather than on starting Python, the children are
forked from a *zygote* (``serve`` mode) that has already imported everything;
each fork opens the register afresh, exactly as a new program start would.
``run_kills(..., spawn=True)`` starts a fresh interpreter per kill instead
(slower, same checks; ``bench/fuzz_long.py --spawn``).

The same zygote also runs ``migrate``: open an old register and SIGKILL itself
just before the n-th statement of the upgrade.

Run by ``tests/test_crash_safety.py`` and ``bench/fuzz_long.py``; as a script:
``python tests/crash_writer.py write DB SEED`` or ``python tests/crash_writer.py serve``.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cdsdesk.domain.enums import DeadlineKind, StoredStatus  # noqa: E402
from cdsdesk.services.tasks import (  # noqa: E402
    TaskInput,
    add_note,
    create_task,
    extend_deadline,
    update_task,
)
from cdsdesk.services.units import create_unit  # noqa: E402
from cdsdesk.storage import migrate  # noqa: E402
from cdsdesk.storage.db import Register  # noqa: E402

# A child that is never killed stops by itself, so a broken harness cannot hang CI.
CHILD_LIFETIME_SECONDS = 30.0
TODAY = date.today()
TEXT_POOL = (
    "Triển khai nền tảng chia sẻ dữ liệu dùng chung của tỉnh; hoàn thành số hóa hồ sơ "
    "thủ tục hành chính; báo cáo UBND tỉnh kết quả thực hiện Đề án 06 trước ngày 31/3. "
    "Sở Thông tin và Truyền thông chủ trì, phối hợp các sở, ban, ngành. ‘Ưu tiên’ — ✓ 😀 "
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _emit(record: dict[str, Any]) -> None:
    line = (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode()
    assert len(line) < 4096, "one atomic pipe write per record"
    os.write(1, line)


# ---------------------------------------------------------------------------
# The child: writes until killed
# ---------------------------------------------------------------------------


@dataclass
class _ChildTask:
    id: int
    content: str
    assigned_on: date | None
    deadline: date | None
    status: str
    completed_on: date | None
    lead: list[int]
    coop: list[int]
    result: str


def _load_tasks(path: Path) -> tuple[list[int], list[_ChildTask]]:
    with sqlite3.connect(path) as conn:
        units = [row[0] for row in conn.execute("SELECT id FROM units ORDER BY id")]
        tasks = []
        rows = conn.execute(
            "SELECT id, content, assigned_on, deadline, status, completed_on, result FROM tasks"
            " WHERE deadline_kind = 'date' ORDER BY id"
        ).fetchall()
        roles: dict[int, dict[str, list[int]]] = {}
        for task_id, unit_id, role in conn.execute(
            "SELECT task_id, unit_id, role FROM task_units ORDER BY position"
        ):
            roles.setdefault(task_id, {}).setdefault(role, []).append(unit_id)
    conn.close()
    for tid, content, assigned, deadline, status, completed, result in rows:
        tasks.append(
            _ChildTask(
                tid,
                content,
                date.fromisoformat(assigned) if assigned else None,
                date.fromisoformat(deadline) if deadline else None,
                status,
                date.fromisoformat(completed) if completed else None,
                roles.get(tid, {}).get("lead", []),
                roles.get(tid, {}).get("cooperating", []),
                result,
            )
        )
    return units, tasks


def _payload(rng: random.Random) -> str:
    # Mostly short texts, sometimes one near the 20,000-character limit: a big
    # transaction spans many pages and many WAL frames.
    size = rng.choice([0, 10, 80, 400, 2_000]) if rng.random() < 0.9 else rng.randint(5_000, 19_000)
    start = rng.randrange(len(TEXT_POOL))
    text = (TEXT_POOL * (size // len(TEXT_POOL) + 2))[start : start + size]
    return text.strip()


def write_stream(path: Path, seed: int) -> None:
    """Write to ``path`` until killed (or until CHILD_LIFETIME_SECONDS)."""
    rng = random.Random(seed)
    _emit({"ev": "start", "pid": os.getpid(), "seed": seed})
    register = Register(path)
    units, tasks = _load_tasks(path)
    stop_at = time.monotonic() + CHILD_LIFETIME_SECONDS
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        key = f"k{seed}-{n}"
        kinds = ["task", "note", "extend", "update", "unit"]
        weights = [4, 4, 2, 2, 1] if tasks else [1, 0, 0, 0, 0]
        if len(units) < 3:
            weights = [0, 0, 0, 0, 1]
        kind = rng.choices(kinds, weights)[0]
        try:
            if kind == "unit":
                name = f"Đơn vị {key}"
                _emit({"ev": "intent", "op": "unit", "key": key, "name": name})
                units.append(create_unit(register, name).id)
                _emit({"ev": "done", "key": key, "id": units[-1]})
            elif kind == "task":
                _write_task(register, rng, key, units, tasks)
            elif kind == "note":
                _write_note(register, rng, key, tasks)
            elif kind == "extend":
                _write_extension(register, rng, key, tasks)
            else:
                _write_update(register, rng, key, units, tasks)
        except Exception as exc:  # the parent fails the test on this line
            _emit({"ev": "error", "key": key, "error": f"{type(exc).__name__}: {exc}"[:2000]})
            os._exit(4)
    os._exit(3)


def _write_task(
    register: Register, rng: random.Random, key: str, units: list[int], tasks: list[_ChildTask]
) -> None:
    content = f"[{key}] {_payload(rng)}".strip()
    chosen = rng.sample(units, min(len(units), rng.randint(1, 4)))
    lead, coop = chosen[:1] if rng.random() < 0.7 else chosen[:2], chosen[2:]
    assigned = TODAY - timedelta(days=rng.randint(30, 400))
    deadline = assigned + timedelta(days=rng.randint(0, 500))
    _emit(
        {
            "ev": "intent",
            "op": "task",
            "key": key,
            "content": sha(content),
            "lead": lead,
            "coop": coop,
            "deadline": deadline.isoformat(),
        }
    )
    task_id = create_task(
        register,
        TaskInput(
            content=content,
            lead_ids=lead,
            cooperating_ids=coop,
            assigned_on=assigned,
            deadline_kind=DeadlineKind.DATE,
            deadline=deadline,
        ),
    )
    _emit({"ev": "done", "key": key, "id": task_id})
    tasks.append(
        _ChildTask(task_id, content, assigned, deadline, "not_started", None, lead, coop, "")
    )


def _write_note(register: Register, rng: random.Random, key: str, tasks: list[_ChildTask]) -> None:
    task = rng.choice(tasks)
    status = rng.choice([None, None, StoredStatus.IN_PROGRESS, StoredStatus.DONE])
    text = f"[{key}] {_payload(rng)}".strip()
    _emit(
        {
            "ev": "intent",
            "op": "note",
            "key": key,
            "task": task.id,
            "text": sha(text),
            "status": status.value if status else None,
        }
    )
    note_id = add_note(register, task.id, text, noted_on=TODAY, status=status)
    _emit({"ev": "done", "key": key, "id": note_id})
    if status is not None:
        task.status = status.value
        task.completed_on = TODAY if status is StoredStatus.DONE else None


def _write_extension(
    register: Register, rng: random.Random, key: str, tasks: list[_ChildTask]
) -> None:
    task = rng.choice(tasks)
    assert task.deadline is not None and task.assigned_on is not None
    new = task.deadline + timedelta(days=rng.choice([-3, 1, 7, 30, 90]))
    if new == task.deadline or new < task.assigned_on:
        new = task.deadline + timedelta(days=15)
    _emit(
        {"ev": "intent", "op": "extend", "key": key, "task": task.id, "deadline": new.isoformat()}
    )
    extend_deadline(register, task.id, new, reason=f"[{key}] gia hạn", decided_on=TODAY)
    _emit({"ev": "done", "key": key, "id": task.id})
    task.deadline = new


def _write_update(
    register: Register, rng: random.Random, key: str, units: list[int], tasks: list[_ChildTask]
) -> None:
    task = rng.choice(tasks)
    coop = [u for u in rng.sample(units, min(len(units), 2)) if u not in task.lead]
    result = f"[{key}] {_payload(rng)}".strip()
    _emit(
        {
            "ev": "intent",
            "op": "update",
            "key": key,
            "task": task.id,
            "result": sha(result),
            "coop": coop,
        }
    )
    update_task(
        register,
        task.id,
        TaskInput(
            content=task.content,
            lead_ids=task.lead,
            cooperating_ids=coop,
            assigned_on=task.assigned_on,
            deadline_kind=DeadlineKind.DATE,
            deadline=task.deadline,
            status=StoredStatus(task.status),
            completed_on=task.completed_on,
            result=result,
        ),
    )
    _emit({"ev": "done", "key": key, "id": task.id})
    task.coop, task.result = coop, result


# ---------------------------------------------------------------------------
# The child: an upgrade killed before its n-th statement
# ---------------------------------------------------------------------------

_READ_ONLY = ("SELECT", "PRAGMA")


def migrate_until(path: Path, kill_before: int) -> None:
    """Upgrade the register at ``path``; SIGKILL this process just before the
    ``kill_before``-th statement that is not a plain read (counting from 0).
    Prints how many such statements the upgrade ran if it was not killed."""
    from sqlalchemy import event

    _emit({"ev": "start", "pid": os.getpid()})
    register = Register(path, upgrade=False)
    register.engine.dispose()  # any pooled connection would miss the trace below
    count = 0

    def trace(statement: str) -> None:
        nonlocal count
        if statement.lstrip().upper().startswith(_READ_ONLY):
            return
        if count == kill_before:
            os.kill(os.getpid(), signal.SIGKILL)
        count += 1

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.set_trace_callback(trace)

    event.listen(register.engine, "connect", on_connect)
    migrate.upgrade(register)
    _emit({"ev": "migrated", "statements": count})
    os._exit(0)


# ---------------------------------------------------------------------------
# The zygote: forks a fresh child per request
# ---------------------------------------------------------------------------


def serve() -> None:
    """Read ``write DB SEED`` / ``migrate DB N`` / ``reap PID`` lines on stdin."""
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "reap":
            pid = int(words[1])
            _, status = os.waitpid(pid, 0)
            signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
            _emit({"ev": "reaped", "pid": pid, "signal": signum, "code": code})
            continue
        pid = os.fork()
        if pid == 0:
            try:
                if words[0] == "write":
                    write_stream(Path(words[1]), int(words[2]))
                elif words[0] == "migrate":
                    migrate_until(Path(words[1]), int(words[2]))
            except BaseException as exc:
                _emit({"ev": "error", "error": f"{type(exc).__name__}: {exc}"[:2000]})
            os._exit(5)


# ---------------------------------------------------------------------------
# The parent: kill, reopen, check
# ---------------------------------------------------------------------------


class _Lines:
    """Lines from a pipe, read by a thread so the parent can wait with a timeout."""

    def __init__(self, stream: Any) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def next(self, timeout: float) -> dict[str, Any] | None:
        line = self._queue.get(timeout=timeout)
        if line is None:
            return None
        return dict(json.loads(line))


class Zygote:
    """A pre-loaded Python that forks the writers."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.proc.stdin is not None
        self.lines = _Lines(self.proc.stdout)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class Counts:
    kills: int = 0
    writes_confirmed: int = 0  # done lines: calls that had returned
    writes_killed: int = 0  # kills that landed inside a call (intent, no done)
    killed_but_committed: int = 0  # of those, the ones whose commit had made it
    writes_lost: int = 0  # confirmed writes missing from the file: must stay 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        took = f" seconds={self.seconds:.1f}" if self.seconds else ""
        return (
            f"kills={self.kills} writes_confirmed={self.writes_confirmed} "
            f"writes_killed={self.writes_killed} (committed before the kill: "
            f"{self.killed_but_committed}) writes_lost={self.writes_lost} "
            f"problems={len(self.problems)}{took}"
        )


@dataclass
class _TaskModel:
    content: str
    lead: set[int]
    coop: set[int]
    deadline: str
    extensions: int = 0
    status: str = "not_started"
    result: str = ""  # sha of the result text, "" when never edited
    notes: set[int] = field(default_factory=set)


@dataclass
class Model:
    """Everything the children reported done, as it must be in the file."""

    units: dict[int, str] = field(default_factory=dict)
    tasks: dict[int, _TaskModel] = field(default_factory=dict)
    notes: dict[int, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> Model:
        conn = sqlite3.connect(path)
        try:
            snap = _snapshot(conn)
        finally:
            conn.close()
        model = cls(units=dict(snap["units"]), notes=dict(snap["notes"]))
        for tid, got in snap["tasks"].items():
            model.tasks[tid] = _TaskModel(
                got["content"],
                set(got["lead"]),
                set(got["coop"]),
                got["deadline"],
                got["extensions"],
                got["status"],
                got["result"],
                set(got["notes"]),
            )
        return model

    def apply(self, intent: dict[str, Any], new_id: int) -> None:
        op = intent["op"]
        if op == "unit":
            self.units[new_id] = intent["name"]
        elif op == "task":
            self.tasks[new_id] = _TaskModel(
                intent["content"], set(intent["lead"]), set(intent["coop"]), intent["deadline"]
            )
        elif op == "note":
            task = self.tasks[intent["task"]]
            task.notes.add(new_id)
            self.notes[new_id] = (intent["task"], intent["text"])
            if intent["status"]:
                task.status = intent["status"]
        elif op == "extend":
            task = self.tasks[intent["task"]]
            task.deadline = intent["deadline"]
            task.extensions += 1
        elif op == "update":
            task = self.tasks[intent["task"]]
            task.result = intent["result"]
            task.coop = set(intent["coop"]) - task.lead


def _snapshot(conn: sqlite3.Connection) -> dict[str, Any]:
    tasks: dict[int, dict[str, Any]] = {}
    for tid, content, deadline, status, result in conn.execute(
        "SELECT id, content, deadline, status, result FROM tasks"
    ):
        tasks[tid] = {
            "content": sha(content),
            "deadline": deadline,
            "status": status,
            "result": sha(result) if result else "",
            "lead": set(),
            "coop": set(),
            "notes": set(),
            "extensions": 0,
        }
    # Rows whose task is gone are reported by foreign_key_check; skip them here.
    for tid, uid, role in conn.execute("SELECT task_id, unit_id, role FROM task_units"):
        if tid in tasks:
            tasks[tid]["lead" if role == "lead" else "coop"].add(uid)
    notes = {}
    for nid, tid, text in conn.execute("SELECT id, task_id, text FROM progress_notes"):
        notes[nid] = (tid, sha(text))
        if tid in tasks:
            tasks[tid]["notes"].add(nid)
    for (tid,) in conn.execute("SELECT task_id FROM task_extensions"):
        if tid in tasks:
            tasks[tid]["extensions"] += 1
    units = dict(conn.execute("SELECT id, name FROM units"))
    return {"tasks": tasks, "notes": notes, "units": units}


def _find_cut_write(
    intent: dict[str, Any], snap: dict[str, Any], model: Model, conn: sqlite3.Connection
) -> tuple[int | None, str | None]:
    """Was the call cut by the kill committed? Return (its id, a problem) —
    the id is None when it left no trace; the problem says what is half-done."""
    op, key = intent["op"], intent["key"]
    if op == "unit":
        row = conn.execute("SELECT id FROM units WHERE name = ?", (intent["name"],)).fetchone()
        return (row[0] if row else None), None
    if op == "task":
        row = conn.execute("SELECT id FROM tasks WHERE content LIKE ?", (f"[{key}]%",)).fetchone()
        if row is None:
            return None, None
        got = snap["tasks"][row[0]]
        if got["lead"] != set(intent["lead"]) or got["coop"] != set(intent["coop"]):
            return row[0], f"task {row[0]} ({key}) committed without its units: {got}"
        return row[0], None
    if op == "note":
        row = conn.execute(
            "SELECT id FROM progress_notes WHERE text LIKE ?", (f"[{key}]%",)
        ).fetchone()
        task = snap["tasks"][intent["task"]]
        expected_status = intent["status"] or model.tasks[intent["task"]].status
        if row is None:
            if task["status"] != model.tasks[intent["task"]].status:
                return None, f"note {key} absent but the task's status changed"
            return None, None
        if task["status"] != expected_status:
            return row[0], f"note {key} committed without its status change"
        return row[0], None
    task_id = intent["task"]
    got, known = snap["tasks"][task_id], model.tasks[task_id]
    if op == "extend":
        row = conn.execute(
            "SELECT 1 FROM task_extensions WHERE reason LIKE ?", (f"[{key}]%",)
        ).fetchone()
        moved = got["deadline"] == intent["deadline"] and got["deadline"] != known.deadline
        if (row is not None) != moved:
            return (
                task_id,
                f"extension {key}: row present={row is not None}, deadline moved={moved}",
            )
        return (task_id if row else None), None
    # update
    applied = got["result"] == intent["result"]
    if applied and got["coop"] != set(intent["coop"]) - known.lead:
        return task_id, f"update {key} saved the result without the new units"
    if not applied and got["coop"] != known.coop:
        return None, f"update {key} changed the units without the result"
    return (task_id if applied else None), None


def check_register(path: Path, model: Model, cut: dict[str, Any] | None, counts: Counts) -> None:
    """Open the register after a kill and compare it with the model; update the model."""
    try:
        Register(path).dispose()  # opens as the program would: migrations check
    except Exception as exc:
        counts.problems.append(f"register does not open after kill {counts.kills}: {exc!r}")
        return
    conn = sqlite3.connect(path)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            counts.problems.append(f"integrity_check after kill {counts.kills}: {integrity}")
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            counts.problems.append(f"dangling foreign keys after kill {counts.kills}: {dangling}")
        snap = _snapshot(conn)
        if cut is not None:
            new_id, problem = _find_cut_write(cut, snap, model, conn)
            if problem:
                counts.problems.append(problem)
            if new_id is not None:
                counts.killed_but_committed += 1
                model.apply(cut, new_id)
    finally:
        conn.close()
    _compare(model, snap, counts)


def _compare(model: Model, snap: dict[str, Any], counts: Counts) -> None:
    for uid, name in model.units.items():
        if snap["units"].get(uid) != name:
            counts.writes_lost += 1
            counts.problems.append(f"unit {uid} lost or changed")
    for nid, (tid, text) in model.notes.items():
        if snap["notes"].get(nid) != (tid, text):
            counts.writes_lost += 1
            counts.problems.append(f"note {nid} lost or changed")
    for tid, want in model.tasks.items():
        got = snap["tasks"].get(tid)
        if got is None:
            counts.writes_lost += 1
            counts.problems.append(f"task {tid} lost")
            continue
        for name in ("content", "deadline", "status", "result", "lead", "coop", "extensions"):
            if got[name] != getattr(want, name):
                counts.writes_lost += 1
                counts.problems.append(
                    f"task {tid}: {name} is {got[name]!r}, reported {getattr(want, name)!r}"
                )
        if not got["lead"]:
            counts.problems.append(f"task {tid} has no lead unit")
    # Tasks the model does not know about can only be a cut write (checked above).
    strays = set(snap["tasks"]) - set(model.tasks)
    if strays:
        counts.problems.append(f"tasks nobody reported: {sorted(strays)[:10]}")


def _collect(
    lines: _Lines, until: Callable[[dict[str, Any]], bool], timeout: float
) -> Iterator[dict[str, Any]]:
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the writer stopped talking")
        record = lines.next(left)
        if record is None:
            raise EOFError("the writer's pipe closed")
        yield record
        if until(record):
            return


def run_kills(
    path: Path,
    kills: int,
    *,
    seed: int = 0,
    delay_ms: tuple[int, int] = (50, 400),
    budget_seconds: float | None = None,
    spawn: bool = False,
    progress: Callable[[Counts], None] | None = None,
) -> Counts:
    """Kill ``kills`` writers in turn on the register at ``path`` (created if missing).

    Writers are forked from a zygote, or with ``spawn`` started as fresh interpreters.
    """
    rng = random.Random(seed)
    Register(path).dispose()
    model = Model.from_file(path)  # what an earlier run left is known, not lost
    counts = Counts()
    start = time.monotonic()
    zygote = None if spawn else Zygote()
    try:
        for round_no in range(kills):
            if budget_seconds is not None and time.monotonic() - start > budget_seconds:
                break
            child_seed = seed * 1_000_000 + round_no
            delay = rng.uniform(*delay_ms) / 1000
            if zygote is not None:
                records = _kill_forked(zygote, path, child_seed, delay)
            else:
                records = _kill_spawned(path, child_seed, delay)
            _account(records, path, model, counts)
            if counts.problems:
                break
            if progress is not None:
                progress(counts)
    finally:
        if zygote is not None:
            zygote.close()
    counts.seconds = time.monotonic() - start
    return counts


def _kill_forked(zygote: Zygote, path: Path, child_seed: int, delay: float) -> list[dict[str, Any]]:
    zygote.send(f"write {path} {child_seed}")
    records = list(_collect(zygote.lines, lambda r: r["ev"] in ("done", "error"), 60))
    pid = records[0]["pid"]
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    zygote.send(f"reap {pid}")
    records.extend(_collect(zygote.lines, lambda r: r["ev"] == "reaped", 60))
    return records


def _kill_spawned(path: Path, child_seed: int, delay: float) -> list[dict[str, Any]]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE), "write", str(path), str(child_seed)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    lines = _Lines(proc.stdout)
    try:
        records = list(_collect(lines, lambda r: r["ev"] in ("done", "error"), 60))
        time.sleep(delay)
    finally:
        proc.kill()  # SIGKILL
        proc.wait()
    while (record := lines.next(60)) is not None:
        records.append(record)
    signum = -proc.returncode if proc.returncode < 0 else 0
    records.append({"ev": "reaped", "pid": proc.pid, "signal": signum, "code": proc.returncode})
    return records


def _account(records: list[dict[str, Any]], path: Path, model: Model, counts: Counts) -> None:
    counts.kills += 1
    if records[-1]["signal"] != signal.SIGKILL:
        counts.problems.append(f"writer ended by itself: {records[-1]}")
    intents: dict[str, dict[str, Any]] = {}
    cut = None
    for record in records:
        if record["ev"] == "error":
            counts.problems.append(f"writer failed: {record['error']}")
        elif record["ev"] == "intent":
            intents[record["key"]] = cut = record
        elif record["ev"] == "done":
            model.apply(intents[record["key"]], record["id"])
            counts.writes_confirmed += 1
            cut = None
    if cut is not None:
        counts.writes_killed += 1
    check_register(path, model, cut, counts)


def kill_during_migration(
    path: Path, kill_before: int, zygote: Zygote | None = None
) -> dict[str, Any]:
    """Run ``migrate_until`` in a forked child; return how it ended (``reaped``)
    and how many statements the upgrade ran when it was not killed."""
    if zygote is None:
        with Zygote() as own:
            return kill_during_migration(path, kill_before, own)
    zygote.send(f"migrate {path} {kill_before}")
    records = list(_collect(zygote.lines, lambda r: True, 60))
    zygote.send(f"reap {records[0]['pid']}")
    records.extend(_collect(zygote.lines, lambda r: r["ev"] == "reaped", 60))
    errors = [r for r in records if r["ev"] == "error"]
    if errors:
        raise RuntimeError(errors[0]["error"])
    migrated = [r for r in records if r["ev"] == "migrated"]
    return {**records[-1], "statements": migrated[0]["statements"] if migrated else None}


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    elif sys.argv[1:2] == ["write"]:
        write_stream(Path(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["migrate"]:
        migrate_until(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(__doc__)
