"""The audit trail of undo and redo: rows put back by bulk statements.

``history.restore`` deletes and re-inserts the rows of a snapshot's scope with
Core statements, which no ORM event sees. Before it does, it calls
:func:`record_restore`, which compares the rows as they are with the rows the
snapshot will put back and writes what differs, headed by the undo's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from cdsdesk.domain.models import Document, ProgressNote, Task, TaskExtension, TaskUnit, Unit
from cdsdesk.i18n import tr
from cdsdesk.services.audit import Row, diff, has_audit_table, plain, whole, write_rows
from cdsdesk.services.audit_text import Names, describe

if TYPE_CHECKING:
    from cdsdesk.services.history import Snapshot

_KIND_ENTITY = {"tasks": "task", "units": "unit", "documents": "document"}  # snapshot kinds


def record_restore(session: Session, snapshot: Snapshot, label: str = "") -> None:
    """Write the rows for putting ``snapshot`` back; call it before the rows change.

    One row per task (unit, document) of the scope whose fields, roles, notes or
    extensions differ from the snapshot, each starting with ``label`` ("Hoàn
    tác: Sửa nhiệm vụ …"); one row for the scope when nothing differs.
    """
    conn = session.connection()
    if not has_audit_table(conn):
        return
    header = [label or tr("Hoàn tác hoặc làm lại")]
    entity = _KIND_ENTITY[snapshot.kind]
    model = {"task": Task, "unit": Unit, "document": Document}[entity]
    table: Table = model.__table__  # type: ignore[assignment]
    ids = set(snapshot.ids)
    if entity == "task":
        ids |= _subtree(conn, ids)
    now = _rows_by_id(conn, table, table.c.id, ids)
    then = {r["id"]: _plain_row(r) for r in snapshot.rows.get(table.name, [])}
    children = _ChildDiff(conn, snapshot, ids) if entity == "task" else None
    rows: list[Row] = []
    for rid in sorted(set(now) | set(then)):
        before, after = now.get(rid), then.get(rid)
        if before is None:
            action, changes = "create", whole(after or {}, "create")
        elif after is None:
            action, changes = "delete", whole(before, "delete")
        else:
            action, changes = "update", diff(before, after)
        # Roles, notes and extensions of a task that stays: a created or
        # deleted task's own line says it all.
        extra = children.lines(rid) if children is not None and action == "update" else []
        if action == "update" and not changes and not extra:
            continue
        task_id = rid if entity == "task" else None
        values = after or before or {}
        rows.append(
            Row(entity, rid, task_id, action, changes, values, None, "restore", header, extra)
        )
    if not rows:
        first = min(ids) if ids else None
        task_id = first if entity == "task" else None
        rows = [Row(entity, first, task_id, "update", {}, {}, [], "restore", header)]
    write_rows(session, conn, rows)


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: plain(v) for k, v in row.items()}


def _rows_by_id(conn: Connection, table: Table, key: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    result = conn.execute(select(table).where(key.in_(ids)))
    return {r.id: _plain_row(dict(r._mapping)) for r in result}


def _subtree(conn: Connection, ids: set[int]) -> set[int]:
    found = set(ids)
    frontier = set(ids)
    while frontier:
        children = set(conn.scalars(select(Task.id).where(Task.parent_id.in_(frontier))))
        frontier = children - found
        found |= frontier
    return found


class _ChildDiff:
    """How a task's roles, notes and extensions now differ from a snapshot's."""

    def __init__(self, conn: Connection, snapshot: Snapshot, ids: set[int]) -> None:
        self.now: dict[str, dict[int, dict[str, Any]]] = {}
        self.then: dict[str, dict[int, dict[str, Any]]] = {}
        for entity, model in (
            ("role", TaskUnit),
            ("note", ProgressNote),
            ("extension", TaskExtension),
        ):
            table: Table = model.__table__  # type: ignore[assignment]
            self.now[entity] = _rows_by_id(conn, table, table.c.task_id, ids)
            self.then[entity] = {r["id"]: _plain_row(r) for r in snapshot.rows.get(table.name, [])}
        unit_ids = {
            r["unit_id"] for rows in (self.now["role"], self.then["role"]) for r in rows.values()
        }
        self.unit_names: dict[int, str] = dict(
            conn.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()
        )

    def lines(self, task_id: int) -> list[str]:
        names = Names(units=self.unit_names)
        lines: list[str] = []
        for entity in ("role", "note", "extension"):
            now = {k: r for k, r in self.now[entity].items() if r["task_id"] == task_id}
            then = {k: r for k, r in self.then[entity].items() if r["task_id"] == task_id}
            if entity == "role":  # a role is its unit and kind; ids may differ
                now = {(r["unit_id"], r["role"]): r for r in now.values()}  # type: ignore[misc]
                then = {(r["unit_id"], r["role"]): r for r in then.values()}  # type: ignore[misc]
            for key in then.keys() - now.keys():
                lines += describe(entity, "create", {}, then[key], names)
            for key in now.keys() - then.keys():
                lines += describe(entity, "delete", {}, now[key], names)
        return lines
