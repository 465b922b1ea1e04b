"""Reversing one wrong edit found in a task's history.

Only while what the change wrote is still there: a field edited again since,
a unit already removed, a deadline extended again, are refused with a
Vietnamese message, never overwritten. The reversal is an edit like any
other: it is recorded in the trail (headed "Hoàn lại thay đổi lúc …") and the
window runs it through ``Operations`` so that Ctrl+Z undoes it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, func, select
from sqlalchemy.orm import Session

from cdsdesk.domain.models import Document, Task, TaskExtension, TaskUnit, Unit
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.services.audit import LABEL_KEY, AuditEntry, entry_of, get_row, plain
from cdsdesk.services.audit_text import Changes, field_label
from cdsdesk.textvi import fold

if TYPE_CHECKING:
    from cdsdesk.storage.db import Register


def revert_change(register: Register, audit_id: int) -> int:
    """Put back what one recorded change replaced; return the task's id.

    Reverses a change of a task's fields, a unit added to or removed from a
    task, or an extension of its deadline, only while what it wrote is still
    there: anything edited since is refused, never overwritten.
    """
    with register.transaction() as session:
        entry = entry_of(get_row(session, audit_id))
        if not entry.can_revert or entry.task_id is None:
            raise ValidationError(
                tr(
                    "Chỉ hoàn lại được thay đổi nội dung, thời hạn, tình trạng, đơn vị "
                    "hoặc gia hạn của một nhiệm vụ."
                )
            )
        task = session.get(Task, entry.task_id)
        if task is None:
            raise NotFoundError(tr("Nhiệm vụ của thay đổi này không còn trong sổ đăng ký."))
        session.info[LABEL_KEY] = tr("Hoàn lại thay đổi lúc {at} của {user}").format(
            at=entry.at.strftime("%H:%M %d/%m/%Y"), user=entry.user
        )
        if entry.entity == "task":
            _revert_fields(session, task, entry.changes)
        elif entry.entity == "role":
            _revert_role(session, task, entry)
        else:
            _revert_extension(session, task, entry)
        session.flush()
        return task.id


def _from_plain(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def _changed_since(task: Task, changes: Changes) -> list[str]:
    stale = [name for name, (_old, new) in changes.items() if plain(getattr(task, name)) != new]
    if "deadline" in stale and "original_deadline" in stale:  # one moves with the other
        stale.remove("original_deadline")
    return [field_label("task", name) for name in stale]


def _revert_fields(session: Session, task: Task, changes: Changes) -> None:
    stale = _changed_since(task, changes)
    if stale:
        raise ValidationError(
            tr(
                "Không hoàn lại được: {fields} đã được sửa lại sau lần thay đổi này; "
                "hãy sửa trực tiếp trên thẻ Nhiệm vụ."
            ).format(fields=", ".join(stale))
        )
    if "deadline" in changes:
        old, new = changes["deadline"]
        made_by = session.scalar(
            select(TaskExtension.id).where(
                TaskExtension.task_id == task.id,
                TaskExtension.old_deadline == _from_plain(TaskExtension.old_deadline, old),
                TaskExtension.new_deadline == _from_plain(TaskExtension.new_deadline, new),
            )
        )
        if made_by is not None:
            raise ValidationError(
                tr(
                    "Hạn này được đổi bằng một lần gia hạn; hãy hoàn lại dòng “Gia hạn” "
                    "tương ứng trong lịch sử."
                )
            )
    columns = Task.__table__.c
    for name, (old, _new) in changes.items():
        value = _from_plain(columns[name], old)
        if name == "parent_id" and value is not None:
            _check_parent(session, task, value)
        if name == "document_id" and value is not None and session.get(Document, value) is None:
            raise ValidationError(tr("Văn bản nguồn cũ của nhiệm vụ đã bị xóa."))
        setattr(task, name, value)
    task.search_text = fold(f"{task.ref} {task.content}")


def _check_parent(session: Session, task: Task, parent_id: int) -> None:
    ancestor = session.get(Task, parent_id)
    if ancestor is None:
        raise ValidationError(tr("Nhiệm vụ cha cũ đã bị xóa."))
    while ancestor is not None:
        if ancestor.id == task.id:
            raise ValidationError(
                tr("Không hoàn lại được: nhiệm vụ sẽ thành nhiệm vụ con của chính nó.")
            )
        ancestor = ancestor.parent


def _revert_role(session: Session, task: Task, entry: AuditEntry) -> None:
    changes = entry.changes
    unit_id = (changes.get("unit_id") or [None, None])[1 if entry.action == "create" else 0]
    role = (changes.get("role") or [None, None])[1 if entry.action == "create" else 0]
    unit = session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    unit_name = unit.name if unit is not None else f"#{unit_id}"
    if entry.action == "create":
        found = [tu for tu in task.units if tu.unit_id == unit_id and tu.role == role]
        if not found:
            raise ValidationError(
                tr("Đơn vị {unit} đã được bỏ khỏi nhiệm vụ từ trước.").format(unit=unit_name)
            )
        task.units.remove(found[0])
    else:
        if unit is None:
            raise ValidationError(tr("Đơn vị này không còn trong sổ đăng ký."))
        if any(tu.unit_id == unit_id for tu in task.units):
            raise ValidationError(
                tr("Đơn vị {unit} đã có vai trò trên nhiệm vụ này.").format(unit=unit_name)
            )
        task.units.append(TaskUnit(unit_id=unit_id, role=role))
    for position, tu in enumerate(task.units):
        tu.position = position


def _revert_extension(session: Session, task: Task, entry: AuditEntry) -> None:
    extension = session.get(TaskExtension, entry.entity_id)
    if extension is None or extension.task_id != task.id:
        raise ValidationError(tr("Lần gia hạn này đã bị bỏ từ trước."))
    later = session.scalar(
        select(func.count())
        .select_from(TaskExtension)
        .where(TaskExtension.task_id == task.id, TaskExtension.id > extension.id)
    )
    if later or task.deadline != extension.new_deadline:
        raise ValidationError(
            tr("Không hoàn lại được: hạn hoàn thành đã được đổi hoặc gia hạn tiếp sau lần này.")
        )
    task.deadline = extension.old_deadline
    task.extensions.remove(extension)
