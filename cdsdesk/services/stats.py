"""Statistics as of a day: by class, by lead unit, by task group.

Only tasks without sub-tasks are counted (a parent counts through its
sub-tasks, never twice); cancelled tasks and tasks assigned after the day are
outside the total. A task with two lead units counts in both units' rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cdsdesk.domain.enums import StatusClass, TaskGroup
from cdsdesk.i18n import tr
from cdsdesk.periods import Quarter
from cdsdesk.services.register_view import RegisterView, TaskEntry, get_view
from cdsdesk.settings import load_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import sort_key

CLASSES = [c.value for c in StatusClass]


def no_lead_label() -> str:
    return tr("(Chưa giao đơn vị chủ trì)")


def no_group_label() -> str:
    return tr("(Chưa phân nhóm)")


@dataclass
class Stats:
    as_of: date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    due_soon: int = 0
    cancelled: int = 0
    by_unit: list[dict[str, Any]] = field(default_factory=list)
    by_group: list[dict[str, Any]] = field(default_factory=list)
    extended: int = 0

    def percent(self, status_class: str) -> float:
        return 100.0 * self.by_status[status_class] / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "by_status": dict(self.by_status),
            "percent": {c: round(self.percent(c), 1) for c in CLASSES},
            "due_soon": self.due_soon,
            "cancelled": self.cancelled,
            "extended": self.extended,
            "by_unit": self.by_unit,
            "by_group": self.by_group,
        }


def compute_stats(
    register: Register,
    as_of: date,
    *,
    unit_id: int | None = None,
    include_subunits: bool = True,
) -> Stats:
    """Counts as of ``as_of``, for the whole register or one unit (and its sub-units)."""
    # The ORM is imported when needed: the window's unit counts (below) must not load it.
    from cdsdesk.services.units import list_units, units_answering_for

    units = units_answering_for(register, unit_id, include_subunits) if unit_id else None
    due_soon_days = load_settings(register).due_soon_days
    order = {u.id: i for i, u in enumerate(list_units(register))}
    view = get_view(register, as_of, due_soon_days)
    return stats_from_view(view, units, order)


def stats_for_quarter(register: Register, quarter: Quarter, **kwargs: Any) -> Stats:
    return compute_stats(register, quarter.end, **kwargs)


def stats_from_view(
    view: RegisterView, units: set[int] | None = None, unit_order: dict[int, int] | None = None
) -> Stats:
    stats = Stats(as_of=view.as_of)
    per_unit: dict[int | None, Counter[str]] = defaultdict(Counter)
    per_group: dict[str | None, Counter[str]] = defaultdict(Counter)
    for entry in view.leaves():
        if units is not None and units.isdisjoint(entry.lead_ids):
            continue
        shown = entry.shown
        if shown.cancelled:
            stats.cancelled += 1
            continue
        if shown.status_class is None:
            continue
        cls = shown.status_class.value
        stats.total += 1
        stats.by_status[cls] += 1
        stats.due_soon += shown.due_soon
        stats.extended += shown.extended
        for unit in _lead_units(entry, units):
            per_unit[unit][cls] += 1
        per_group[entry.task_group][cls] += 1
        per_group[entry.task_group]["done"] += shown.status_class.is_done
    stats.by_unit = _unit_rows(view, per_unit, unit_order or {})
    stats.by_group = _group_rows(per_group)
    return stats


def _lead_units(entry: TaskEntry, units: set[int] | None) -> list[int | None]:
    leads: list[int | None] = [u for u in entry.lead_ids if units is None or u in units]
    return leads or [None]


def _unit_rows(
    view: RegisterView, per_unit: dict[int | None, Counter[str]], unit_order: dict[int, int]
) -> list[dict[str, Any]]:
    def order(uid: int | None) -> tuple[int, str]:
        if uid is None:
            return (1 << 30, "")
        return (unit_order.get(uid, 1 << 29), sort_key(view.unit_names.get(uid, "")))

    rows = []
    for uid in sorted(per_unit, key=order):
        counts = per_unit[uid]
        row: dict[str, Any] = {
            "unit": view.unit_names.get(uid, "?") if uid is not None else no_lead_label(),
            "unit_id": uid,
            "total": sum(counts[c] for c in CLASSES),
        }
        row.update({c: counts[c] for c in CLASSES})
        rows.append(row)
    return rows


def _group_rows(per_group: dict[str | None, Counter[str]]) -> list[dict[str, Any]]:
    rows = []
    known = [g.value for g in TaskGroup]
    for group in sorted(per_group, key=lambda g: known.index(g) if g in known else len(known)):
        counts = per_group[group]
        rows.append(
            {
                "group": TaskGroup(group).label if group in known else no_group_label(),
                "code": group,
                "total": sum(counts[c] for c in CLASSES),
                "done": counts["done"],
            }
        )
    return rows


def unit_open_counts(register: Register, as_of: date) -> dict[int, tuple[int, int]]:
    """For each unit: (open tasks it leads, of which overdue), leaf tasks only."""
    view = get_view(register, as_of, load_settings(register).due_soon_days)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for entry in view.leaves():
        cls = entry.shown.status_class
        if cls in (StatusClass.OPEN_IN_TIME, StatusClass.OPEN_OVERDUE, StatusClass.NO_DEADLINE):
            for unit in entry.lead_ids:
                counts[unit][0] += 1
                counts[unit][1] += cls is StatusClass.OPEN_OVERDUE
    return {u: (c[0], c[1]) for u, c in counts.items()}
