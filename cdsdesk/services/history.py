"""Before-and-after pictures of the rows an edit touches, for undo and redo.

The window's undo stack keeps a :class:`Snapshot` taken before an operation and
one taken after; undoing puts the "before" rows back, redoing the "after" rows.
A snapshot holds plain column values, so it survives the session that read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from cdsdesk.domain.models import (
    Document,
    ProgressNote,
    Task,
    TaskExtension,
    TaskLink,
    TaskOccurrence,
    TaskUnit,
    Unit,
)
from cdsdesk.services import audit_restore
from cdsdesk.storage.db import Register, declare_task_writes

Row = dict[str, Any]

_TASK_T: Table = Task.__table__  # type: ignore[assignment]
_UNIT_T: Table = Unit.__table__  # type: ignore[assignment]
_DOC_T: Table = Document.__table__  # type: ignore[assignment]
_ROLE_T: Table = TaskUnit.__table__  # type: ignore[assignment]
_TASK_CHILD_TABLES: list[Table] = [
    ProgressNote.__table__,  # type: ignore[list-item]
    TaskExtension.__table__,  # type: ignore[list-item]
    TaskOccurrence.__table__,  # type: ignore[list-item]
    _ROLE_T,
]
_LINK_T: Table = TaskLink.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Snapshot:
    """The rows of one scope (some tasks, units or documents) at one moment."""

    kind: str  # "tasks", "units" or "documents"
    ids: frozenset[int]
    rows: dict[str, list[Row]] = field(default_factory=dict)


def _rows(session: Session, table: Table, *where: Any) -> list[Row]:
    return [dict(r._mapping) for r in session.execute(select(table).where(*where))]


def task_subtree_ids(session: Session, task_ids: Iterable[int]) -> set[int]:
    found = set(task_ids)
    frontier = set(found)
    while frontier:
        children = set(session.scalars(select(Task.id).where(Task.parent_id.in_(frontier))))
        frontier = children - found
        found |= frontier
    return found


def snapshot_tasks(register: Register, task_ids: Iterable[int]) -> Snapshot:
    """The tasks, all their sub-tasks and everything hanging on them."""
    with register.transaction() as session:
        ids = task_subtree_ids(session, task_ids)
        rows = {_TASK_T.name: _rows(session, _TASK_T, _TASK_T.c.id.in_(ids))}
        for table in _TASK_CHILD_TABLES:
            rows[table.name] = _rows(session, table, table.c.task_id.in_(ids))
        rows[_LINK_T.name] = _rows(
            session, _LINK_T, or_(_LINK_T.c.from_task_id.in_(ids), _LINK_T.c.to_task_id.in_(ids))
        )
        return Snapshot("tasks", frozenset(ids), rows)


def snapshot_units(register: Register, unit_ids: Iterable[int]) -> Snapshot:
    """Some units with their direct sub-units and every task role that names them."""
    with register.transaction() as session:
        ids = set(unit_ids)
        ids |= set(session.scalars(select(Unit.id).where(Unit.parent_id.in_(ids))))
        rows = {
            _UNIT_T.name: _rows(session, _UNIT_T, _UNIT_T.c.id.in_(ids)),
            _ROLE_T.name: _rows(session, _ROLE_T, _ROLE_T.c.unit_id.in_(ids)),
        }
        return Snapshot("units", frozenset(ids), rows)


def snapshot_documents(register: Register, document_ids: Iterable[int]) -> Snapshot:
    with register.transaction() as session:
        ids = set(document_ids)
        return Snapshot(
            "documents", frozenset(ids), {_DOC_T.name: _rows(session, _DOC_T, _DOC_T.c.id.in_(ids))}
        )


def task_versions(register: Register, snapshot: Snapshot) -> dict[int, int]:
    """The version counters of a task snapshot's scope as they are now (empty for others)."""
    if snapshot.kind != "tasks" or not snapshot.ids:
        return {}
    with register.transaction() as session:
        ids = task_subtree_ids(session, snapshot.ids)
        return dict(session.execute(select(Task.id, Task.version).where(Task.id.in_(ids))).all())


def widen(before: Snapshot, ids: Iterable[int]) -> frozenset[int]:
    """The union of a snapshot's scope and more ids (created by the operation)."""
    return before.ids | frozenset(ids)


def restore(register: Register, snapshot: Snapshot, label: str = "") -> None:
    """Make the rows of the snapshot's scope exactly what the snapshot holds.

    ``label`` heads the audit trail's rows ("Hoàn tác: Sửa nhiệm vụ …"): the
    bulk statements below pass no ORM event, so the trail is written here.
    """
    with register.transaction() as session:
        audit_restore.record_restore(session, snapshot, label)
        if snapshot.kind == "tasks":
            _restore_tasks(session, snapshot)
        elif snapshot.kind == "units":
            _restore_units(session, snapshot)
        else:
            _restore_documents(session, snapshot)


def _restore_tasks(session: Session, snapshot: Snapshot) -> None:
    ids = task_subtree_ids(session, snapshot.ids) | set(snapshot.ids)
    # The bulk statements below touch only these tasks: the register view re-reads them
    # instead of every task (an undo at 100,000 tasks).
    declare_task_writes(session, ids)
    versions = dict(session.execute(select(Task.id, Task.version).where(Task.id.in_(ids))).all())
    session.execute(
        delete(_LINK_T).where(or_(_LINK_T.c.from_task_id.in_(ids), _LINK_T.c.to_task_id.in_(ids)))
    )
    for table in _TASK_CHILD_TABLES:
        session.execute(delete(table).where(table.c.task_id.in_(ids)))
    # Sub-tasks first: a parent cannot go while its children point at it.
    session.execute(update(_TASK_T).where(_TASK_T.c.id.in_(ids)).values(parent_id=None))
    session.execute(delete(_TASK_T).where(_TASK_T.c.id.in_(ids)))
    tasks = [dict(r) for r in snapshot.rows.get(_TASK_T.name, [])]
    for row in tasks:
        # A restored task is a new version: an editor holding the old one must reload.
        row["version"] = max(row["version"], versions.get(row["id"], 0)) + 1
    _insert(session, _TASK_T, _parents_first(tasks))
    for table in _TASK_CHILD_TABLES:
        _insert(session, table, snapshot.rows.get(table.name, []))
    existing = set(session.scalars(select(Task.id)))
    links = [
        r
        for r in snapshot.rows.get(_LINK_T.name, [])
        if r["from_task_id"] in existing and r["to_task_id"] in existing
    ]
    _insert(session, _LINK_T, links)


def _restore_units(session: Session, snapshot: Snapshot) -> None:
    ids = set(snapshot.ids)
    session.execute(delete(_ROLE_T).where(_ROLE_T.c.unit_id.in_(ids)))
    wanted = {r["id"]: r for r in snapshot.rows.get(_UNIT_T.name, [])}
    present = set(session.scalars(select(Unit.id).where(Unit.id.in_(ids))))
    # Detach first so that parent links inside the scope can be rewritten freely.
    session.execute(
        update(_UNIT_T).where(_UNIT_T.c.id.in_(present)).values(parent_id=None, merged_into_id=None)
    )
    for uid in present - set(wanted):
        session.execute(update(_UNIT_T).where(_UNIT_T.c.parent_id == uid).values(parent_id=None))
        session.execute(delete(_UNIT_T).where(_UNIT_T.c.id == uid))
    for row in _parents_first(list(wanted.values())):
        plain = {**row, "parent_id": None, "merged_into_id": None}
        if row["id"] in present:
            session.execute(update(_UNIT_T).where(_UNIT_T.c.id == row["id"]).values(**plain))
        else:
            session.execute(insert(_UNIT_T).values(**plain))
    for row in wanted.values():
        session.execute(
            update(_UNIT_T)
            .where(_UNIT_T.c.id == row["id"])
            .values(parent_id=row["parent_id"], merged_into_id=row["merged_into_id"])
        )
    _insert(session, _ROLE_T, snapshot.rows.get(_ROLE_T.name, []))


def _restore_documents(session: Session, snapshot: Snapshot) -> None:
    wanted = {r["id"]: r for r in snapshot.rows.get(_DOC_T.name, [])}
    present = set(session.scalars(select(Document.id).where(Document.id.in_(snapshot.ids))))
    for did in present - set(wanted):
        session.execute(delete(_DOC_T).where(_DOC_T.c.id == did))
    for did, row in wanted.items():
        if did in present:
            session.execute(update(_DOC_T).where(_DOC_T.c.id == did).values(**row))
        else:
            session.execute(insert(_DOC_T).values(**row))


def _insert(session: Session, table: Table, rows: list[Row]) -> None:
    if rows:
        session.execute(insert(table), rows)


def _parents_first(rows: list[Row]) -> list[Row]:
    ids = {r["id"] for r in rows}
    placed: set[int] = set()
    ordered: list[Row] = []
    pending = list(rows)
    while pending:
        ready = [r for r in pending if r["parent_id"] not in ids or r["parent_id"] in placed]
        if not ready:  # a cycle cannot be stored; keep the rest as they are
            ready = pending
        ordered.extend(ready)
        placed.update(r["id"] for r in ready)
        pending = [r for r in pending if r["id"] not in placed]
    return ordered
