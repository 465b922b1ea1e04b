"""The audit trail: who changed what and when, so a wrong edit can be found and reversed.

Importing this module installs one listener on every SQLAlchemy ``Session``:
after each flush it writes one ``audit_log`` row per task, unit, document,
progress note, extension, unit role, issued report or setting that the flush
inserted, updated or deleted, with the operating-system user and computer,
the changed fields (old and new values) and a short Vietnamese description.
Undo and redo put rows back with bulk statements that no ORM event sees:
``audit_restore`` writes their rows; ``audit_revert`` puts back one change.

Bulk loaders that write through Core on the engine (``bench/generate.py``) are
not audited: they do not create an officer's history.
"""

from __future__ import annotations

import getpass
import os
import socket
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Mapper, Session, SessionTransaction, UOWTransaction
from sqlalchemy.orm.util import identity_key

from cdsdesk.domain.audit import AuditLog
from cdsdesk.domain.labels import document_label
from cdsdesk.domain.models import (
    Document,
    ProgressNote,
    ReportSnapshot,
    Setting,
    Task,
    TaskExtension,
    TaskUnit,
    Unit,
)
from cdsdesk.errors import NotFoundError
from cdsdesk.i18n import tr
from cdsdesk.services.audit_text import (
    Changes,
    Names,
    describe,
    task_label,
)

if TYPE_CHECKING:
    from cdsdesk.storage.db import Register

AUDIT_T: Table = AuditLog.__table__  # type: ignore[assignment]
LABEL_KEY = "cdsdesk.audit.label"  # session.info: a line put before every row of the flush
PENDING_KEY = "cdsdesk.audit.pending"  # session.info: [(transaction, rows)] not yet written

TRACKED: dict[type[Any], str] = {
    Task: "task",
    Unit: "unit",
    Document: "document",
    ProgressNote: "note",
    TaskExtension: "extension",
    TaskUnit: "role",
    ReportSnapshot: "report",
    Setting: "setting",
}
# Bookkeeping columns (versions, timestamps, search keys, order among siblings)
# and bulky ones (a notice's whole text, a frozen report) are not history.
SKIPPED = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "search_text",
        "name_folded",
        "sort_order",
        "position",
        "original_text",
        "payload",
        "issued_at",
    }
)
_CHILD_ENTITIES = frozenset({"note", "extension", "role"})
_ORDER = ("unit", "document", "task", "role", "note", "extension", "report", "setting")


# ---------------------------------------------------------------------------
# Who
# ---------------------------------------------------------------------------


@cache
def current_user() -> str:
    """The operating-system user name (``USERNAME`` on Windows), or ``?``."""
    try:
        name = getpass.getuser()
    except Exception:  # no login name and no passwd entry (some containers)
        name = ""
    return name or os.environ.get("USERNAME") or os.environ.get("USER") or "?"


@cache
def current_host() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return ""


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A JSON-safe copy of a column value: dates as ISO text, enums as their value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


@cache
def _columns(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(a.key for a in mapper.column_attrs if a.key not in SKIPPED)


def whole(values: dict[str, Any], action: str) -> Changes:
    """A created (or deleted) record's non-empty fields, as ``[None, new]`` (``[old, None]``)."""
    pairs = {k: v for k, v in values.items() if k not in SKIPPED and not _empty(v)}
    if action == "create":
        return {k: [None, v] for k, v in pairs.items()}
    return {k: [v, None] for k, v in pairs.items()}


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    keys = [k for k in after if k not in SKIPPED]
    return {k: [before.get(k), after[k]] for k in keys if before.get(k) != after[k]}


# ---------------------------------------------------------------------------
# Recording ORM changes
# ---------------------------------------------------------------------------


@dataclass
class Row:
    """One audit row before it is written (from a flush, or from an undo or redo)."""

    entity: str
    entity_id: int | None
    task_id: int | None
    action: str
    changes: Changes
    values: dict[str, Any]
    lines: list[str] | None = None  # worked out when written, unless given
    origin: str = "edit"
    header: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # lines after the described ones


_audited: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def has_audit_table(conn: Connection) -> bool:
    """False for a register not yet upgraded (opened with ``upgrade=False``)."""
    engine = conn.engine
    if _audited.get(engine):
        return True
    found = inspect(conn).has_table(AUDIT_T.name)
    if found:
        _audited[engine] = True
    return found


def _state_row(state: Any, entity: str, action: str) -> Row | None:
    keys = _columns(state.mapper)
    values = {k: plain(state.dict[k]) for k in keys if k in state.dict}
    if entity == "setting":
        key = state.dict.get("key", "")
        value = values.get("value")
        if action == "create":
            changes = {key: [None, value]}
        elif action == "delete":
            changes = {key: [value, None]}
        else:
            history = state.attrs.value.history
            if not history.has_changes():
                return None
            old = history.deleted[0] if history.deleted else None
            changes = {key: [plain(old), value]}
        return Row(entity, None, None, action, changes, values)
    if action == "update":
        changes = {}
        for key in keys:
            history = state.attrs[key].history
            if history.has_changes():
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if plain(old) != plain(new):
                    changes[key] = [plain(old), plain(new)]
        if not changes:
            return None
    else:
        changes = whole(values, action)
    entity_id = state.dict.get("id")
    task_id = entity_id if entity == "task" else state.dict.get("task_id")
    return Row(entity, entity_id, task_id, action, changes, values)


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    # After the flush (not before): new records have their ids, and the
    # attribute history and the "new" set still show what the flush wrote.
    # The flush context also holds the orphans a relationship removed (a
    # unit dropped from a task), which never appear in ``session.deleted``.
    new = session.new
    rows: list[Row] = []
    for state, (is_delete, list_only) in flush_context.states.items():
        entity = TRACKED.get(state.class_)
        if entity is None or list_only:
            continue
        action = "delete" if is_delete else "create" if state.obj() in new else "update"
        row = _state_row(state, entity, action)
        if row is not None:
            rows.append(row)
    if not rows:
        return
    # A deleted task takes its notes, extensions and roles with it: one line says it.
    gone = {r.entity_id for r in rows if r.entity == "task" and r.action == "delete"}
    rows = [
        r
        for r in rows
        if not (r.entity in _CHILD_ENTITIES and r.action == "delete" and r.task_id in gone)
    ]
    rows = _fold_extensions(rows)
    label = session.info.get(LABEL_KEY)
    for row in rows:
        row.header = [label] if label else []
    # Kept until the commit, then written in one statement: an import of
    # hundreds of tasks flushes hundreds of times.
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING_KEY, []).append((transaction, rows))


def _fold_extensions(rows: list[Row]) -> list[Row]:
    """An extension moves the task's deadline: its own row says so, and is where it is
    reversed; the task's row keeps only what else changed."""
    moved = {
        (r.task_id, r.values.get("old_deadline"), r.values.get("new_deadline"))
        for r in rows
        if r.entity == "extension" and r.action == "create"
    }
    kept = []
    for row in rows:
        deadline = row.changes.get("deadline")
        if row.entity == "task" and deadline and (row.task_id, *deadline) in moved:
            row.changes.pop("deadline")
            row.changes.pop("original_deadline", None)
            if not row.changes:
                continue
        kept.append(row)
    return kept


def _before_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this event
    batches = session.info.pop(PENDING_KEY, None)
    if not batches:
        return
    conn = session.connection()
    if has_audit_table(conn):
        write_rows(session, conn, [row for _transaction, rows in batches for row in rows])


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    """Forget the rows of whatever was rolled back (a savepoint, or everything)."""
    batches = session.info.get(PENDING_KEY)
    if batches:
        session.info[PENDING_KEY] = [(t, rows) for t, rows in batches if not _within(t, previous)]


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


_POINTERS = {
    "unit": {"parent_id": "unit", "merged_into_id": "unit"},
    "task": {"parent_id": "task", "document_id": "document"},
}


def _names(session: Session, conn: Connection, rows: list[Row]) -> Names:
    """Names of the units, tasks and documents the rows point at, as they are now."""
    names = Names()
    wanted: dict[str, set[int]] = {"unit": set(), "task": set(), "document": set()}
    for row in rows:
        values = row.values
        if row.entity == "unit" and row.entity_id is not None:
            names.units[row.entity_id] = values.get("name", "")
        elif row.entity == "task" and row.entity_id is not None:
            names.tasks[row.entity_id] = task_label(
                values.get("ref", ""), values.get("content", "")
            )
        elif row.entity == "document" and row.entity_id is not None:
            names.documents[row.entity_id] = document_label(
                values.get("number", ""), values.get("doc_type", ""), values.get("issuer_code", "")
            )
        if row.entity == "role":
            found = [values.get("unit_id"), *row.changes.get("unit_id", [])]
            wanted["unit"] |= {v for v in found if isinstance(v, int)}
        elif row.action == "update":  # only an edit's lines name what a field points at
            for key, kind in _POINTERS.get(row.entity, {}).items():
                wanted[kind] |= {v for v in row.changes.get(key, []) if isinstance(v, int)}
    # Most are already in the session (the units a task form validated): no query.
    for uid in wanted["unit"] - set(names.units):
        unit = session.identity_map.get(identity_key(Unit, uid))
        if isinstance(unit, Unit) and "name" in unit.__dict__:
            names.units[uid] = unit.name
    unit_ids = wanted["unit"] - set(names.units)
    task_ids = wanted["task"] - set(names.tasks)
    doc_ids = wanted["document"] - set(names.documents)
    if unit_ids:
        names.units.update(
            conn.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()
        )
    if task_ids:
        tasks = conn.execute(select(Task.id, Task.ref, Task.content).where(Task.id.in_(task_ids)))
        names.tasks.update({tid: task_label(ref, content) for tid, ref, content in tasks})
    if doc_ids:
        docs = conn.execute(
            select(Document.id, Document.number, Document.doc_type, Document.issuer_code).where(
                Document.id.in_(doc_ids)
            )
        )
        names.documents.update({d: document_label(n, t, c) for d, n, t, c in docs})
    return names


def write_rows(session: Session, conn: Connection, rows: list[Row]) -> None:
    # A task before its roles and notes, so that its history, which starts at
    # its creation, holds them (one flush writes them all in no set order).
    rows = sorted(rows, key=lambda r: _ORDER.index(r.entity))
    names = _names(session, conn, rows)
    at = datetime.now().replace(microsecond=0)
    user, host = current_user()[:100], current_host()[:100]
    records = []
    for row in rows:
        lines = row.lines
        if lines is None:
            lines = describe(row.entity, row.action, row.changes, row.values, names)
        lines = [*lines, *row.extra]
        records.append(
            {
                "at": at,
                "user_name": user,
                "host": host,
                "entity": row.entity,
                "entity_id": row.entity_id,
                "task_id": row.task_id,
                "action": row.action,
                "origin": row.origin,
                "changes": row.changes,
                "summary": "\n".join([*row.header, *lines]),
            }
        )
    conn.execute(insert(AUDIT_T), records)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_soft_rollback", _after_soft_rollback)


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

REVERTIBLE_TASK_FIELDS = frozenset(
    {
        "content",
        "ref",
        "parent_id",
        "document_id",
        "task_group",
        "assigned_on",
        "deadline_kind",
        "deadline",
        "period_start",
        "original_deadline",
        "recurrence",
        "deadline_text",
        "urgent",
        "status",
        "completed_on",
        "cancelled_on",
        "status_reason",
        "result",
        "evidence",
    }
)


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change, plain data for tables and exports."""

    id: int
    at: datetime
    user: str
    host: str
    entity: str
    entity_id: int | None
    task_id: int | None
    action: str
    origin: str
    changes: dict[str, list[Any]]
    summary: str

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(self.summary.splitlines())

    @property
    def can_revert(self) -> bool:
        """Whether ``audit_revert.revert_change`` knows how to reverse this kind of change."""
        if self.entity == "task":
            return (
                self.action == "update"
                and bool(self.changes)
                and set(self.changes) <= REVERTIBLE_TASK_FIELDS
            )
        if self.entity == "role":
            return self.action in ("create", "delete") and self.origin == "edit"
        return self.entity == "extension" and self.action == "create" and self.origin == "edit"


def entry_of(row: AuditLog) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        user=row.user_name,
        host=row.host,
        entity=row.entity,
        entity_id=row.entity_id,
        task_id=row.task_id,
        action=row.action,
        origin=row.origin,
        changes=dict(row.changes or {}),
        summary=row.summary,
    )


def task_history(register: Register, task_id: int) -> list[AuditEntry]:
    """The changes of a task, its notes, extensions and roles, newest first.

    A task id can be used again after the task is deleted (SQLite gives the
    next task the highest free id): the history starts at the task's last
    creation by an officer, so an earlier task's rows never show here.
    """
    with register.transaction() as session:
        start = session.scalar(
            select(func.max(AuditLog.id)).where(
                AuditLog.task_id == task_id,
                AuditLog.entity == "task",
                AuditLog.action == "create",
                AuditLog.origin == "edit",
            )
        )
        query = select(AuditLog).where(AuditLog.task_id == task_id)
        if start is not None:
            query = query.where(AuditLog.id >= start)
        return [entry_of(r) for r in session.scalars(query.order_by(AuditLog.id.desc()))]


def recent_changes(register: Register, limit: int = 100) -> list[AuditEntry]:
    """The newest changes anywhere in the register, newest first."""
    with register.transaction() as session:
        query = select(AuditLog).order_by(AuditLog.id.desc()).limit(max(0, limit))
        return [entry_of(r) for r in session.scalars(query)]


def get_row(session: Session, audit_id: int) -> AuditLog:
    row = session.get(AuditLog, audit_id)
    if row is None:
        raise NotFoundError(tr("Không có thay đổi mã {id} trong lịch sử.").format(id=audit_id))
    return row
