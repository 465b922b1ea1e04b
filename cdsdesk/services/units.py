"""Units: the organisation tree (create, rename, move, retire, merge, delete)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from cdsdesk.domain.models import ReportSnapshot, TaskUnit, Unit
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold, normalize_spaces, sort_key


@dataclass(frozen=True)
class UnitInfo:
    id: int
    parent_id: int | None
    name: str
    short_name: str
    sort_order: int
    active: bool
    retired_on: date | None
    merged_into_id: int | None
    depth: int = 0

    @property
    def display_name(self) -> str:
        return self.name


def _info(unit: Unit, depth: int = 0) -> UnitInfo:
    return UnitInfo(
        unit.id,
        unit.parent_id,
        unit.name,
        unit.short_name,
        unit.sort_order,
        unit.active,
        unit.retired_on,
        unit.merged_into_id,
        depth,
    )


def list_units(register: Register, *, include_retired: bool = True) -> list[UnitInfo]:
    """All units in tree order (parents before children, siblings by order then name)."""
    with register.transaction() as session:
        units = list(session.scalars(select(Unit)))
    return _tree_order(units, include_retired)


def _tree_order(units: list[Unit], include_retired: bool) -> list[UnitInfo]:
    children: dict[int | None, list[Unit]] = defaultdict(list)
    ids = {u.id for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children[parent].append(unit)
    ordered: list[UnitInfo] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(children[parent], key=lambda u: (u.sort_order, sort_key(u.name))):
            if include_retired or unit.active:
                ordered.append(_info(unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def get_unit(register: Register, unit_id: int) -> UnitInfo:
    with register.transaction() as session:
        return _info(_get(session, unit_id))


def _get(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError(tr("Không có đơn vị mã {id}.").format(id=unit_id))
    return unit


def _parent_is(parent_id: int | None) -> ColumnElement[bool]:
    return Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id


def _clean_name(name: str) -> str:
    cleaned = normalize_spaces(name)
    if not cleaned:
        raise ValidationError(tr("Tên đơn vị không được để trống."))
    if len(cleaned) > 300:
        raise ValidationError(tr("Tên đơn vị dài quá 300 ký tự."))
    return cleaned


def _check_sibling_name(
    session: Session, name: str, parent_id: int | None, exclude_id: int | None = None
) -> None:
    siblings = session.scalars(select(Unit).where(_parent_is(parent_id)))
    folded = fold(name)
    for sibling in siblings:
        if sibling.id != exclude_id and sibling.name_folded == folded:
            raise ValidationError(tr("Đã có đơn vị “{name}” ở cùng cấp.").format(name=sibling.name))


def create_unit(
    register: Register, name: str, *, short_name: str = "", parent_id: int | None = None
) -> UnitInfo:
    name = _clean_name(name)
    with register.transaction() as session:
        if parent_id is not None:
            _get(session, parent_id)
        _check_sibling_name(session, name, parent_id)
        last = session.scalar(select(func.max(Unit.sort_order)).where(_parent_is(parent_id)))
        unit = Unit(
            name=name,
            short_name=normalize_spaces(short_name),
            parent_id=parent_id,
            sort_order=(last or 0) + 1,
            active=True,
            name_folded=fold(name),
        )
        session.add(unit)
        session.flush()
        return _info(unit)


def rename_unit(
    register: Register, unit_id: int, name: str, short_name: str | None = None
) -> UnitInfo:
    name = _clean_name(name)
    with register.transaction() as session:
        unit = _get(session, unit_id)
        _check_sibling_name(session, name, unit.parent_id, exclude_id=unit.id)
        unit.name = name
        unit.name_folded = fold(name)
        if short_name is not None:
            unit.short_name = normalize_spaces(short_name)
        return _info(unit)


def move_unit(
    register: Register, unit_id: int, new_parent_id: int | None, position: int | None = None
) -> UnitInfo:
    """Put a unit under another parent (or at the top), at ``position`` among its siblings."""
    with register.transaction() as session:
        unit = _get(session, unit_id)
        if new_parent_id is not None:
            _get(session, new_parent_id)
            if new_parent_id in _subtree_ids(session, unit_id):
                raise ValidationError(
                    tr(
                        "Không thể chuyển đơn vị “{name}” vào chính nó hoặc đơn vị cấp dưới của nó."
                    ).format(name=unit.name)
                )
        _check_sibling_name(session, unit.name, new_parent_id, exclude_id=unit.id)
        query = select(Unit).where(Unit.id != unit_id, _parent_is(new_parent_id))
        siblings = sorted(session.scalars(query), key=lambda u: (u.sort_order, sort_key(u.name)))
        index = len(siblings) if position is None else max(0, min(position, len(siblings)))
        siblings.insert(index, unit)
        unit.parent_id = new_parent_id
        for order, sibling in enumerate(siblings, start=1):
            sibling.sort_order = order
        return _info(unit)


def retire_unit(register: Register, unit_id: int, on: date | None = None) -> UnitInfo:
    """Mark a unit as no longer active; its history stays."""
    with register.transaction() as session:
        unit = _get(session, unit_id)
        unit.active = False
        unit.retired_on = on or date.today()
        return _info(unit)


def reactivate_unit(register: Register, unit_id: int) -> UnitInfo:
    with register.transaction() as session:
        unit = _get(session, unit_id)
        unit.active = True
        unit.retired_on = None
        unit.merged_into_id = None
        return _info(unit)


def merge_unit(
    register: Register, source_id: int, target_id: int, on: date | None = None
) -> UnitInfo:
    """Merge ``source`` into ``target`` (a 2025-style reorganisation).

    The source is retired and points at its successor; its tasks keep naming it
    (history survives) and are found under the target from now on. Its
    sub-units move under the target.
    """
    if source_id == target_id:
        raise ValidationError(tr("Không thể sáp nhập một đơn vị vào chính nó."))
    with register.transaction() as session:
        source = _get(session, source_id)
        target = _get(session, target_id)
        if target_id in _subtree_ids(session, source_id):
            raise ValidationError(
                tr("Không thể sáp nhập “{source}” vào đơn vị cấp dưới của nó.").format(
                    source=source.name
                )
            )
        if not target.active:
            raise ValidationError(
                tr("Đơn vị “{name}” đã ngừng hoạt động, không nhận sáp nhập được.").format(
                    name=target.name
                )
            )
        session.execute(update(Unit).where(Unit.parent_id == source_id).values(parent_id=target_id))
        source.active = False
        source.retired_on = on or date.today()
        source.merged_into_id = target_id
        return _info(source)


def delete_unit(register: Register, unit_id: int, reassign_to: int | None = None) -> None:
    """Delete a unit. One that still has tasks is refused unless its roles are reassigned."""
    with register.transaction() as session:
        unit = _get(session, unit_id)
        if session.scalar(select(func.count()).where(Unit.parent_id == unit_id)):
            raise ValidationError(
                tr("Đơn vị “{name}” còn đơn vị cấp dưới; hãy chuyển hoặc xóa chúng trước.").format(
                    name=unit.name
                )
            )
        roles = list(session.scalars(select(TaskUnit).where(TaskUnit.unit_id == unit_id)))
        if roles and reassign_to is None:
            raise ValidationError(
                tr(
                    "Đơn vị “{name}” còn {count} nhiệm vụ; hãy chọn đơn vị nhận lại "
                    "các nhiệm vụ này, hoặc cho đơn vị ngừng hoạt động thay vì xóa."
                ).format(name=unit.name, count=len({r.task_id for r in roles}))
            )
        if session.scalar(select(func.count()).where(ReportSnapshot.unit_id == unit_id)):
            raise ValidationError(
                tr(
                    "Đơn vị “{name}” có báo cáo đã phát hành; chỉ có thể cho ngừng hoạt động."
                ).format(name=unit.name)
            )
        if reassign_to is not None:
            if reassign_to == unit_id:
                raise ValidationError(tr("Đơn vị nhận lại phải khác đơn vị bị xóa."))
            _get(session, reassign_to)
            _reassign_roles(session, roles, reassign_to)
        session.execute(
            update(Unit).where(Unit.merged_into_id == unit_id).values(merged_into_id=None)
        )
        session.delete(unit)


def _reassign_roles(session: Session, roles: list[TaskUnit], target_id: int) -> None:
    existing = {
        (r.task_id, r.role)
        for r in session.scalars(select(TaskUnit).where(TaskUnit.unit_id == target_id))
    }
    for role in roles:
        if (role.task_id, role.role) in existing:
            session.delete(role)
        else:
            role.unit_id = target_id
            existing.add((role.task_id, role.role))
    session.flush()


def _subtree_ids(session: Session, unit_id: int) -> set[int]:
    pairs = session.execute(select(Unit.id, Unit.parent_id)).all()
    return subtree(unit_id, [(u, p) for u, p in pairs])


def subtree(unit_id: int, pairs: list[tuple[int, int | None]]) -> set[int]:
    """``unit_id`` and all units below it, from (id, parent_id) pairs."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for uid, parent in pairs:
        children[parent].append(uid)
    found = {unit_id}
    stack = [unit_id]
    while stack:
        for child in children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def units_answering_for(register: Register, unit_id: int, include_subunits: bool) -> set[int]:
    """The units whose tasks count as ``unit_id``'s: itself, optionally its sub-units,
    and every unit merged into any of those (so history follows a reorganisation)."""
    with register.transaction() as session:
        _get(session, unit_id)
        rows = session.execute(select(Unit.id, Unit.parent_id, Unit.merged_into_id)).all()
    pairs = [(r[0], r[1]) for r in rows]
    result = subtree(unit_id, pairs) if include_subunits else {unit_id}
    merged: dict[int, list[int]] = defaultdict(list)
    for uid, _parent, into in rows:
        if into is not None:
            merged[into].append(uid)
    stack = list(result)
    while stack:
        for source in merged[stack.pop()]:
            if source not in result:
                result.add(source)
                stack.append(source)
                if include_subunits:
                    for below in subtree(source, pairs) - result:
                        result.add(below)
                        stack.append(below)
    return result


def find_unit(register: Register, name: str) -> UnitInfo:
    """A unit by name or short name, ignoring case and diacritics."""
    wanted = fold(name)
    if not wanted:
        raise ValidationError(tr("Chưa nhập tên đơn vị."))
    units = list_units(register)
    exact = [u for u in units if wanted in (fold(u.name), fold(u.short_name))]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [u for u in units if wanted in fold(u.name)]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise NotFoundError(tr("Không tìm thấy đơn vị “{name}”.").format(name=name))
    names = "; ".join(u.name for u in partial[:5])
    raise ValidationError(
        tr("Tên “{name}” khớp nhiều đơn vị: {names}. Hãy ghi rõ hơn.").format(
            name=name, names=names
        )
    )
