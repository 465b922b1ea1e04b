"""The demo register: real notices of Quảng Ngãi and Quảng Trị, typed in by hand.

The data is ``resources/demo/demo.json``; loading it goes through the same
validation as the officer's own input, in one transaction.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, TaskGroup
from cdsdesk.domain.models import (
    Document,
    ProgressNote,
    ReportSnapshot,
    Setting,
    Task,
    TaskExtension,
    TaskLink,
    TaskOccurrence,
    TaskUnit,
    Unit,
)
from cdsdesk.errors import ValidationError
from cdsdesk.i18n import tr
from cdsdesk.resources import resource_path
from cdsdesk.services.tasks import TaskInput, add_note_in, add_task, extend_in
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

DEMO_MARKER = "demo_register"


def demo_data_path() -> Path:
    return resource_path("demo", "demo.json")


def write_demo(register: Register, data_path: Path | None = None) -> dict[str, int]:
    """Fill ``register`` with the demo data; return counts of what was written.

    Writing it again replaces the earlier demo data (one copy, never two). A
    register that holds the officer's own data is refused, never overwritten.
    """
    data = json.loads((data_path or demo_data_path()).read_text(encoding="utf-8"))
    with register.transaction() as session:
        marker = session.get(Setting, DEMO_MARKER)
        has_units = bool(session.scalar(select(func.count()).select_from(Unit)))
        if has_units and marker is None:
            raise ValidationError(
                tr("Sổ đăng ký này đã có dữ liệu riêng; hãy chọn một tệp khác cho sổ mẫu.")
            )
        if marker is not None:
            _clear(session)
        counts = _load(session, data)
        session.merge(Setting(key=DEMO_MARKER, value=True))
        return counts


def _clear(session: Session) -> None:
    for model in (TaskLink, TaskOccurrence, TaskExtension, ProgressNote, TaskUnit, ReportSnapshot):
        session.execute(delete(model))
    # Children before parents: delete tasks and units leaf-first.
    session.execute(delete(Task).where(Task.parent_id.is_not(None)))
    session.execute(delete(Task))
    session.execute(delete(Document))
    while session.scalar(select(func.count()).select_from(Unit)):
        parents = select(Unit.parent_id).where(Unit.parent_id.is_not(None))
        session.execute(delete(Unit).where(Unit.id.not_in(parents)))
    session.flush()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _load(session: Session, data: dict[str, Any]) -> dict[str, int]:
    for key, value in data.get("settings", {}).items():
        session.merge(Setting(key=key, value=value))
    units: dict[str, Unit] = {}
    for order, raw in _parents_first(data["units"]):
        unit = Unit(
            name=raw["name"],
            short_name=raw.get("short_name", ""),
            sort_order=raw.get("order", order),
            active=raw.get("active", True),
            retired_on=_day(raw.get("retired_on")),
            name_folded=fold(raw["name"]),
            parent_id=units[raw["parent"]].id if raw.get("parent") else None,
        )
        session.add(unit)
        session.flush()
        units[raw["key"]] = unit
    for raw in data["units"]:
        if raw.get("merged_into"):
            units[raw["key"]].merged_into_id = units[raw["merged_into"]].id
    documents: dict[str, Document] = {}
    for raw in data["documents"]:
        fields = {k: v for k, v in raw.items() if k != "key"}
        for name in ("issued_on", "meeting_on"):
            fields[name] = _day(fields.get(name))
        doc = Document(**fields)
        session.add(doc)
        session.flush()
        documents[raw["key"]] = doc
    tasks: dict[str, Task] = {}
    notes = 0
    for raw in data["tasks"]:
        task = add_task(session, _task_input(raw, units, documents, tasks))
        tasks[raw["key"]] = task
        for ext in raw.get("extensions", []):
            extend_in(
                session,
                task,
                date.fromisoformat(ext["new_deadline"]),
                ext["reason"],
                date.fromisoformat(ext["decided_on"]),
                ext.get("decision", ""),
            )
        for note in raw.get("notes", []):
            status = StoredStatus(note["status"]) if note.get("status") else None
            add_note_in(session, task, note["text"], date.fromisoformat(note["on"]), status)
            notes += 1
        _restore_final_status(task, raw)
    return {"units": len(units), "documents": len(documents), "tasks": len(tasks), "notes": notes}


def _parents_first(raws: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    placed: set[str] = set()
    ordered: list[tuple[int, dict[str, Any]]] = []
    pending = list(enumerate(raws, start=1))
    while pending:
        ready = [(i, r) for i, r in pending if not r.get("parent") or r["parent"] in placed]
        if not ready:
            raise ValueError("demo units: unknown parent or a cycle")
        ordered.extend(ready)
        placed.update(r["key"] for _, r in ready)
        pending = [(i, r) for i, r in pending if r["key"] not in placed]
    return ordered


def _task_input(
    raw: dict[str, Any],
    units: dict[str, Unit],
    documents: dict[str, Document],
    tasks: dict[str, Task],
) -> TaskInput:
    deadline = raw.get("deadline") or {"kind": "none"}
    kind = DeadlineKind(deadline["kind"])
    return TaskInput(
        content=raw["content"],
        ref=raw.get("ref") or "",
        parent_id=tasks[raw["parent"]].id if raw.get("parent") else None,
        document_id=documents[raw["document"]].id if raw.get("document") else None,
        task_group=TaskGroup(raw["group"]) if raw.get("group") else None,
        assigned_on=_day(raw.get("assigned_on")),
        deadline_kind=kind,
        deadline=_day(deadline.get("date")),
        period_start=_day(deadline.get("start")),
        recurrence=Recurrence(deadline["recurrence"]) if deadline.get("recurrence") else None,
        deadline_text=deadline.get("text") or "",
        urgent=bool(raw.get("urgent")),
        lead_ids=[units[k].id for k in raw.get("lead", [])],
        cooperating_ids=[units[k].id for k in raw.get("cooperating", [])],
        informed_ids=[units[k].id for k in raw.get("informed", [])],
        status=StoredStatus(raw.get("status", "not_started")),
        completed_on=_day(raw.get("completed_on")),
        cancelled_on=_day(raw.get("cancelled_on")),
        status_reason=raw.get("status_reason") or "",
        result=raw.get("result") or "",
        evidence=raw.get("evidence") or "",
        keep_deadline_as_written=True,
    )


def _restore_final_status(task: Task, raw: dict[str, Any]) -> None:
    """The notes replay the history; the task's recorded final state wins."""
    if task.deadline_kind == DeadlineKind.RECURRING.value and raw.get("status") != "done":
        return
    task.status = raw.get("status", "not_started")
    task.completed_on = _day(raw.get("completed_on"))
    task.cancelled_on = _day(raw.get("cancelled_on"))
    if raw.get("status_reason"):
        task.status_reason = raw["status_reason"]
