"""Every edit the window makes, as a named, undoable operation.

An operation runs the core service once; if the service refuses (a
``CdsError`` in Vietnamese) nothing is pushed and the error reaches the
caller. Undo and redo put back row snapshots taken before and after, so the
undo stack never has to know how to reverse each service by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from cdsdesk.domain.enums import StoredStatus
from cdsdesk.errors import CdsError
from cdsdesk.storage.db import Register
from ui.lazy import lazy_module

# The writing services (and SQLAlchemy behind them) load on the first edit, not at start-up.
audit_revert = lazy_module("cdsdesk.services.audit_revert")
history = lazy_module("cdsdesk.services.history")
docs = lazy_module("cdsdesk.services.documents")
ts = lazy_module("cdsdesk.services.tasks")
us = lazy_module("cdsdesk.services.units")

if TYPE_CHECKING:
    from cdsdesk.importing.service import ImportPlan, ImportResult

T = TypeVar("T")


def tr(text: str) -> str:
    return QCoreApplication.translate("Operations", text)


@dataclass(frozen=True)
class Change:
    """What an operation changed, so each view reloads only what it shows."""

    tasks: bool = False
    units: bool = False
    documents: bool = False
    task_ids: frozenset[int] = frozenset()


class _SnapshotCommand(QUndoCommand):
    """Puts row snapshots back. Several snapshots (an import touches documents, units and
    tasks) are restored in the order given to redo, the reverse order to undo, so the
    foreign keys always hold."""

    def __init__(
        self,
        ops: Operations,
        name: str,
        before: list[history.Snapshot],
        after: list[history.Snapshot],
        change: Change,
    ) -> None:
        super().__init__(name)
        self._ops = ops
        self._before = before
        self._after = after
        self._change = change
        self._first = True

    def redo(self) -> None:
        if self._first:  # the operation itself already ran
            self._first = False
            return
        label = tr("Làm lại: {name}").format(name=self.text())
        self._ops._restore_checked(self._after, self._change, label)

    def undo(self) -> None:
        label = tr("Hoàn tác: {name}").format(name=self.text())
        self._ops._restore_checked(list(reversed(self._before)), self._change, label)


class Operations(QObject):
    """The window's single path for writes: services + undo stack + change signal."""

    changed = Signal(object)  # a Change
    failed = Signal(str)  # an undo or redo that the register refused

    def __init__(self, register: Register, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.stack = QUndoStack(self)
        self._known: dict[int, int] = {}  # task id -> version this window last wrote

    # -- plumbing ---------------------------------------------------------

    def _versions(self, snapshots: list[history.Snapshot]) -> dict[int, int]:
        versions: dict[int, int] = {}
        for snapshot in snapshots:
            versions.update(history.task_versions(self.register, snapshot))
        return versions

    def _restore_checked(
        self, snapshots: list[history.Snapshot], change: Change, label: str
    ) -> None:
        """Put ``snapshots`` back unless someone else saved their tasks since.

        On a shared register another officer may have saved a task after this
        window's edit; putting the old rows back would silently overwrite that.
        ``_known`` holds the version this window last wrote for each task.
        """
        current = self._versions(snapshots)
        if any(self._known.get(tid, version) != version for tid, version in current.items()):
            self.failed.emit(
                tr(
                    "Nhiệm vụ đã được người khác sửa sau thao tác này; không thể hoàn tác "
                    "hoặc làm lại. Hãy tải lại (F5) rồi sửa trực tiếp."
                )
            )
            return
        try:
            for snapshot in snapshots:
                history.restore(self.register, snapshot, label)
        except CdsError as exc:
            self.failed.emit(str(exc))
        self._known.update(self._versions(snapshots))
        self.changed.emit(change)

    def _run(
        self,
        name: str,
        take: Callable[[frozenset[int]], history.Snapshot],
        scope: set[int],
        action: Callable[[], T],
        change: Change,
        created: Callable[[T], set[int]] = lambda _result: set(),
    ) -> T:
        before = take(frozenset(scope))
        result = action()  # raises CdsError: nothing pushed, nothing changed
        new_ids = created(result)
        if new_ids:
            before = history.Snapshot(before.kind, before.ids | new_ids, before.rows)
        after = take(before.ids)
        self._known.update(history.task_versions(self.register, after))
        self.stack.push(_SnapshotCommand(self, name, [before], [after], change))
        self.changed.emit(change)
        return result

    def _tasks(
        self,
        name: str,
        ids: set[int],
        action: Callable[[], T],
        created: Callable[[T], set[int]] = lambda _r: set(),
    ) -> T:
        change = Change(tasks=True, task_ids=frozenset(ids))
        return self._run(
            name, lambda s: history.snapshot_tasks(self.register, s), ids, action, change, created
        )

    def _units(
        self,
        name: str,
        ids: set[int],
        action: Callable[[], T],
        created: Callable[[T], set[int]] = lambda _r: set(),
    ) -> T:
        change = Change(tasks=True, units=True)
        return self._run(
            name, lambda s: history.snapshot_units(self.register, s), ids, action, change, created
        )

    def _documents(
        self,
        name: str,
        ids: set[int],
        action: Callable[[], T],
        created: Callable[[T], set[int]] = lambda _r: set(),
    ) -> T:
        change = Change(tasks=True, documents=True)
        return self._run(
            name,
            lambda s: history.snapshot_documents(self.register, s),
            ids,
            action,
            change,
            created,
        )

    # -- tasks ------------------------------------------------------------

    def create_task(self, data: ts.TaskInput) -> int:
        name = tr("Thêm nhiệm vụ “{text}”").format(text=_short(data.content))
        return self._tasks(
            name, set(), lambda: ts.create_task(self.register, data), created=lambda tid: {tid}
        )

    def update_task(
        self, task_id: int, data: ts.TaskInput, expected_version: int | None = None
    ) -> int:
        name = tr("Sửa nhiệm vụ “{text}”").format(text=_short(data.content))
        return self._tasks(
            name, {task_id}, lambda: ts.update_task(self.register, task_id, data, expected_version)
        )

    def delete_task(self, task_id: int, label: str, *, with_subtasks: bool = False) -> None:
        name = tr("Xóa nhiệm vụ “{text}”").format(text=_short(label))
        self._tasks(
            name,
            {task_id},
            lambda: ts.delete_task(self.register, task_id, with_subtasks=with_subtasks),
        )

    def move_task(
        self, task_id: int, new_parent_id: int | None, label: str, position: int | None = None
    ) -> None:
        name = tr("Chuyển nhiệm vụ “{text}”").format(text=_short(label))
        self._tasks(
            name, {task_id}, lambda: ts.move_task(self.register, task_id, new_parent_id, position)
        )

    def add_note(
        self,
        task_id: int,
        text: str,
        *,
        noted_on: date | None = None,
        status: StoredStatus | None = None,
    ) -> int:
        name = tr("Ghi tiến độ “{text}”").format(text=_short(text))
        return self._tasks(
            name,
            {task_id},
            lambda: ts.add_note(self.register, task_id, text, noted_on=noted_on, status=status),
        )

    def extend_deadline(
        self,
        task_id: int,
        new_deadline: date,
        *,
        reason: str,
        decided_on: date | None = None,
        decision: str = "",
    ) -> None:
        name = tr("Gia hạn nhiệm vụ đến {day}").format(day=new_deadline.strftime("%d/%m/%Y"))
        self._tasks(
            name,
            {task_id},
            lambda: ts.extend_deadline(
                self.register,
                task_id,
                new_deadline,
                reason=reason,
                decided_on=decided_on,
                decision=decision,
            ),
        )

    def revert_change(self, task_id: int, audit_id: int) -> None:
        """Put back what one change in the task's history replaced (undoable itself)."""
        self._tasks(
            tr("Hoàn lại thay đổi trong lịch sử nhiệm vụ"),
            {task_id},
            lambda: audit_revert.revert_change(self.register, audit_id),
        )

    # -- units ------------------------------------------------------------

    def create_unit(
        self, name: str, *, short_name: str = "", parent_id: int | None = None
    ) -> us.UnitInfo:
        label = tr("Thêm đơn vị “{name}”").format(name=_short(name))
        return self._units(
            label,
            set(),
            lambda: us.create_unit(self.register, name, short_name=short_name, parent_id=parent_id),
            created=lambda info: {info.id},
        )

    def rename_unit(self, unit_id: int, name: str, short_name: str | None = None) -> us.UnitInfo:
        label = tr("Đổi tên đơn vị thành “{name}”").format(name=_short(name))
        return self._units(
            label, {unit_id}, lambda: us.rename_unit(self.register, unit_id, name, short_name)
        )

    def move_unit(
        self, unit_id: int, new_parent_id: int | None, position: int | None = None
    ) -> us.UnitInfo:
        info = us.get_unit(self.register, unit_id)
        label = tr("Chuyển đơn vị “{name}”").format(name=_short(info.name))
        siblings = {
            u.id
            for u in us.list_units(self.register)
            if u.parent_id in (new_parent_id, info.parent_id)
        }
        return self._units(
            label,
            {unit_id} | siblings,
            lambda: us.move_unit(self.register, unit_id, new_parent_id, position),
        )

    def retire_unit(self, unit_id: int, on: date | None = None) -> us.UnitInfo:
        info = us.get_unit(self.register, unit_id)
        label = tr("Ngừng hoạt động đơn vị “{name}”").format(name=_short(info.name))
        return self._units(label, {unit_id}, lambda: us.retire_unit(self.register, unit_id, on))

    def reactivate_unit(self, unit_id: int) -> us.UnitInfo:
        info = us.get_unit(self.register, unit_id)
        label = tr("Khôi phục đơn vị “{name}”").format(name=_short(info.name))
        return self._units(label, {unit_id}, lambda: us.reactivate_unit(self.register, unit_id))

    def merge_unit(self, source_id: int, target_id: int, on: date | None = None) -> us.UnitInfo:
        info = us.get_unit(self.register, source_id)
        label = tr("Sáp nhập đơn vị “{name}”").format(name=_short(info.name))
        return self._units(
            label,
            {source_id, target_id},
            lambda: us.merge_unit(self.register, source_id, target_id, on),
        )

    def delete_unit(self, unit_id: int, reassign_to: int | None = None) -> None:
        info = us.get_unit(self.register, unit_id)
        label = tr("Xóa đơn vị “{name}”").format(name=_short(info.name))
        scope = {unit_id} | ({reassign_to} if reassign_to is not None else set())
        self._units(label, scope, lambda: us.delete_unit(self.register, unit_id, reassign_to))

    # -- documents --------------------------------------------------------

    def create_document(self, data: docs.DocumentInput) -> docs.DocumentInfo:
        label = tr("Thêm văn bản “{title}”").format(title=_short(data.title or data.number))
        return self._documents(
            label,
            set(),
            lambda: docs.create_document(self.register, data),
            created=lambda info: {info.id},
        )

    def update_document(self, document_id: int, data: docs.DocumentInput) -> docs.DocumentInfo:
        label = tr("Sửa văn bản “{title}”").format(title=_short(data.title or data.number))
        return self._documents(
            label, {document_id}, lambda: docs.update_document(self.register, document_id, data)
        )

    def delete_document(self, document_id: int) -> None:
        info = docs.get_document(self.register, document_id)
        label = tr("Xóa văn bản {label}").format(label=info.label)
        self._documents(
            label, {document_id}, lambda: docs.delete_document(self.register, document_id)
        )

    # -- importing ----------------------------------------------------------

    def import_plan(
        self, plan: ImportPlan, *, update_document_id: int | None = None
    ) -> ImportResult:
        """Write a reviewed import (``cdsdesk.importing.apply.apply_plan``), undoably.

        Undo removes what the import added (the document, its new tasks, the units
        it created) and puts back what it changed; redo writes it all again.
        """
        from cdsdesk.importing.apply import apply_plan
        from cdsdesk.services.queries import TaskQuery, query_tasks

        doc_ids: set[int] = set()
        task_ids: set[int] = set()
        if update_document_id is not None:
            doc_ids.add(update_document_id)
            rows = query_tasks(self.register, TaskQuery(document_id=update_document_id))
            task_ids = {row.id for row in rows}
        before_docs = history.snapshot_documents(self.register, doc_ids)
        before_tasks = history.snapshot_tasks(self.register, task_ids)
        result = apply_plan(self.register, plan, update_document_id=update_document_id)
        doc_ids.add(result.document_id)
        task_ids |= set(result.created_task_ids)
        unit_ids = set(result.created_unit_ids)
        before = [
            history.Snapshot("documents", frozenset(doc_ids), before_docs.rows),
            history.Snapshot("units", frozenset(unit_ids), {}),
            history.Snapshot("tasks", before_tasks.ids | frozenset(task_ids), before_tasks.rows),
        ]
        units_after = history.snapshot_units(self.register, unit_ids)
        after = [
            history.snapshot_documents(self.register, doc_ids),
            # The roles naming the new units come back with the tasks, after the units.
            history.Snapshot("units", units_after.ids, {**units_after.rows, "task_units": []}),
            history.snapshot_tasks(self.register, task_ids),
        ]
        name = (
            tr("Cập nhật văn bản {label} từ tệp").format(label=result.document_label)
            if result.updated
            else tr("Nhập văn bản {label} ({n} nhiệm vụ)").format(
                label=result.document_label, n=len(result.created_task_ids)
            )
        )
        change = Change(
            tasks=True,
            units=bool(unit_ids),
            documents=True,
            task_ids=result.task_ids,
        )
        self._known.update(self._versions(after))
        self.stack.push(_SnapshotCommand(self, name, before, after, change))
        self.changed.emit(change)
        return result


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
