"""The audit trail in words: one short Vietnamese line per change.

Lines are written when the change is recorded, with the names of the units,
documents and parent tasks as they were then ("Thêm đơn vị chủ trì: Sở Tài
chính" stays true after the unit is renamed or merged).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, TaskGroup, UnitRole
from cdsdesk.domain.labels import document_label
from cdsdesk.i18n import tr
from cdsdesk.textvi import format_date

Changes = dict[str, list[Any]]  # field -> [old, new], JSON-safe values


@dataclass
class Names:
    """Display names of the records that changes point at by id."""

    units: dict[int, str] = field(default_factory=dict)
    tasks: dict[int, str] = field(default_factory=dict)
    documents: dict[int, str] = field(default_factory=dict)


def short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_label(ref: str, content: str, limit: int = 60) -> str:
    """``II.2 “Hoàn thiện Kế hoạch…”``, or just the quoted content when there is no number."""
    quoted = f"“{short(content, limit)}”"
    return f"{ref} {quoted}" if ref else quoted


# ---------------------------------------------------------------------------
# Field labels and value formats
# ---------------------------------------------------------------------------

DATE_FIELDS = frozenset(
    {
        "assigned_on",
        "deadline",
        "period_start",
        "original_deadline",
        "completed_on",
        "cancelled_on",
        "retired_on",
        "issued_on",
        "meeting_on",
        "noted_on",
        "decided_on",
        "old_deadline",
        "new_deadline",
        "as_of",
    }
)


def _field_labels() -> dict[str, dict[str, str]]:
    return {
        "task": {
            "content": tr("nội dung"),
            "ref": tr("số mục"),
            "parent_id": tr("nhiệm vụ cha"),
            "document_id": tr("văn bản nguồn"),
            "task_group": tr("nhóm nhiệm vụ"),
            "assigned_on": tr("ngày giao"),
            "deadline_kind": tr("loại thời hạn"),
            "deadline": tr("hạn hoàn thành"),
            "period_start": tr("ngày đầu khoảng thời hạn"),
            "original_deadline": tr("hạn ban đầu"),
            "recurrence": tr("chu kỳ"),
            "deadline_text": tr("thời hạn ghi trong văn bản"),
            "urgent": tr("khẩn trương"),
            "status": tr("tình trạng"),
            "completed_on": tr("ngày hoàn thành"),
            "cancelled_on": tr("ngày hủy"),
            "status_reason": tr("lý do tình trạng"),
            "result": tr("kết quả"),
            "evidence": tr("minh chứng"),
        },
        "unit": {
            "name": tr("tên"),
            "short_name": tr("tên viết tắt"),
            "parent_id": tr("đơn vị cấp trên"),
            "active": tr("đang hoạt động"),
            "retired_on": tr("ngày ngừng hoạt động"),
            "merged_into_id": tr("sáp nhập vào"),
        },
        "document": {
            "number": tr("số"),
            "doc_type": tr("loại văn bản"),
            "issuer_code": tr("ký hiệu cơ quan"),
            "issuer": tr("cơ quan ban hành"),
            "place": tr("địa danh"),
            "issued_on": tr("ngày ban hành"),
            "title": tr("trích yếu"),
            "meeting_on": tr("ngày họp"),
            "chair": tr("người chủ trì cuộc họp"),
            "signer": tr("người ký"),
            "signer_title": tr("chức vụ người ký"),
            "recipients": tr("nơi nhận"),
            "source_file": tr("tệp gốc"),
        },
        "note": {
            "noted_on": tr("ngày ghi"),
            "text": tr("nội dung"),
            "status_set": tr("tình trạng đặt"),
        },
        "extension": {
            "decided_on": tr("ngày quyết định"),
            "old_deadline": tr("hạn cũ"),
            "new_deadline": tr("hạn mới"),
            "reason": tr("lý do"),
            "decision": tr("văn bản"),
        },
        "report": {
            "title": tr("tiêu đề"),
            "number": tr("số"),
            "period_label": tr("kỳ báo cáo"),
            "as_of": tr("số liệu tính đến"),
        },
        "setting": {
            "agency_name": tr("tên cơ quan"),
            "parent_agency": tr("cơ quan chủ quản"),
            "place_name": tr("địa danh"),
            "signer_name": tr("người ký"),
            "signer_title": tr("chức vụ người ký"),
            "signer_authority": tr("thẩm quyền ký"),
            "drafting_unit": tr("đơn vị soạn thảo"),
            "due_soon_days": tr("số ngày “sắp đến hạn”"),
        },
    }


def field_label(entity: str, name: str) -> str:
    return _field_labels().get(entity, {}).get(name, name)


def _enum_label(kind: Callable[[str], Any], value: str) -> str:
    try:
        return str(kind(value).label)
    except ValueError:
        return value


def value_text(entity: str, name: str, value: Any, names: Names) -> str:
    """A stored value as the officer reads it: dates dd/mm/yyyy, labels, names."""
    if value is None or value == "" or value == []:
        return ""
    if name in DATE_FIELDS and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value[:10]))
        except ValueError:
            return value
    if isinstance(value, bool):
        return tr("có") if value else tr("không")
    lookups: dict[tuple[str, str], dict[int, str]] = {
        ("task", "parent_id"): names.tasks,
        ("task", "document_id"): names.documents,
        ("unit", "parent_id"): names.units,
        ("unit", "merged_into_id"): names.units,
        ("role", "unit_id"): names.units,
    }
    if (entity, name) in lookups and isinstance(value, int):
        return lookups[entity, name].get(value, f"#{value}")
    enums: dict[str, Callable[[str], Any]] = {
        "status": StoredStatus,
        "status_set": StoredStatus,
        "deadline_kind": DeadlineKind,
        "recurrence": Recurrence,
        "task_group": TaskGroup,
        "role": UnitRole,
    }
    if name in enums and isinstance(value, str):
        return _enum_label(enums[name], value)
    if isinstance(value, list):
        return "; ".join(short(v, 40) for v in value)
    return short(str(value), 60)


# ---------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------


def field_lines(entity: str, changes: Changes, names: Names) -> list[str]:
    """``Đổi hạn hoàn thành từ 31/12/2023 thành 30/06/2024``, one per changed field."""
    lines = []
    for name, (old, new) in changes.items():
        label = field_label(entity, name)
        before = value_text(entity, name, old, names)
        after = value_text(entity, name, new, names)
        if isinstance(old, bool) or isinstance(new, bool):
            lines.append(
                tr("Đổi {label}: {old} → {new}").format(label=label, old=before, new=after)
            )
        elif not before:
            lines.append(tr("Đặt {label}: {new}").format(label=label, new=after))
        elif not after:
            lines.append(tr("Bỏ {label} (trước là {old})").format(label=label, old=before))
        elif name in DATE_FIELDS:
            lines.append(
                tr("Đổi {label} từ {old} thành {new}").format(label=label, old=before, new=after)
            )
        else:
            lines.append(
                tr("Đổi {label}: {old} → {new}").format(label=label, old=before, new=after)
            )
    return lines


def _role_name(role: Any) -> str:
    return _enum_label(UnitRole, str(role)).lower() if role else ""


def describe(
    entity: str, action: str, changes: Changes, values: dict[str, Any], names: Names
) -> list[str]:
    """The lines of one audit row; ``values`` are the record's values after the change
    (before it, for a deletion)."""
    describer = _DESCRIBERS.get(entity)
    if describer is None:
        return field_lines(entity, changes, names)
    return describer(action, changes, values, names)


def _task(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    label = task_label(values.get("ref") or "", values.get("content") or "")
    if action == "create":
        return [tr("Thêm nhiệm vụ {task}").format(task=label)]
    if action == "delete":
        return [tr("Xóa nhiệm vụ {task}").format(task=label)]
    lines = []
    for name in ("content", "result", "status_reason"):
        if name in changes:
            old, new = changes[name]
            if new and old:
                lines.append(
                    tr("Sửa {label}: “{old}” → “{new}”").format(
                        label=field_label("task", name), old=short(old, 50), new=short(new, 50)
                    )
                )
            else:
                lines.extend(field_lines("task", {name: changes[name]}, names))
    rest = {k: v for k, v in changes.items() if k not in ("content", "result", "status_reason")}
    # Typing a new deadline also makes it the original one: one line says it.
    original, deadline = rest.get("original_deadline"), rest.get("deadline")
    if original and deadline and original[1] == deadline[1]:
        rest.pop("original_deadline")
    return lines + field_lines("task", rest, names)


def _note(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    day = value_text("note", "noted_on", values.get("noted_on"), names)
    text = short(values.get("text") or "", 120)
    status = values.get("status_set")
    suffix = (
        tr(" (đặt tình trạng: {status})").format(
            status=value_text("note", "status_set", status, names)
        )
        if status
        else ""
    )
    if action == "create":
        return [tr("Ghi tiến độ ngày {day}: {text}").format(day=day, text=text) + suffix]
    if action == "delete":
        return [tr("Xóa ghi tiến độ ngày {day}: {text}").format(day=day, text=text)]
    return [tr("Sửa ghi tiến độ ngày {day}").format(day=day), *field_lines("note", changes, names)]


def _extension(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    old = value_text("extension", "old_deadline", values.get("old_deadline"), names)
    new = value_text("extension", "new_deadline", values.get("new_deadline"), names)
    reason = short(values.get("reason") or "", 100)
    decision = values.get("decision") or ""
    if action == "create":
        line = (
            tr("Gia hạn từ {old} đến {new}: {reason}") if old else tr("Gia hạn đến {new}: {reason}")
        ).format(old=old, new=new, reason=reason)
        return [line + (f" ({short(decision, 60)})" if decision else "")]
    if action == "delete":
        return [tr("Bỏ lần gia hạn đến {new}").format(new=new)]
    return [
        tr("Sửa lần gia hạn đến {new}").format(new=new),
        *field_lines("extension", changes, names),
    ]


def _role(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    unit = value_text("role", "unit_id", values.get("unit_id"), names)
    role = _role_name(values.get("role"))
    if action == "create":
        return [tr("Thêm đơn vị {role}: {unit}").format(role=role, unit=unit)]
    if action == "delete":
        return [tr("Bỏ đơn vị {role}: {unit}").format(role=role, unit=unit)]
    lines = []
    if "unit_id" in changes:
        old, new = changes["unit_id"]
        lines.append(
            tr("Chuyển vai trò {role} từ {old} sang {new}").format(
                role=role,
                old=value_text("role", "unit_id", old, names),
                new=value_text("role", "unit_id", new, names),
            )
        )
    if "role" in changes:
        old, new = changes["role"]
        lines.append(
            tr("Đổi vai trò của {unit}: {old} → {new}").format(
                unit=unit, old=_role_name(old), new=_role_name(new)
            )
        )
    return lines


def _unit(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    name = values.get("name") or ""
    if action == "create":
        return [tr("Thêm đơn vị {name}").format(name=name)]
    if action == "delete":
        return [tr("Xóa đơn vị {name}").format(name=name)]
    return [tr("Sửa đơn vị {name}").format(name=name), *field_lines("unit", changes, names)]


def _document(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    label = document_label(
        values.get("number") or "", values.get("doc_type") or "", values.get("issuer_code") or ""
    )
    if action == "create":
        return [tr("Thêm văn bản {label}").format(label=label)]
    if action == "delete":
        return [tr("Xóa văn bản {label}").format(label=label)]
    return [tr("Sửa văn bản {label}").format(label=label), *field_lines("document", changes, names)]


def _report(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    title = short(values.get("title") or values.get("period_label") or "", 80)
    if action == "create":
        return [tr("Chốt số liệu báo cáo {title}").format(title=title)]
    if action == "delete":
        return [tr("Xóa báo cáo đã chốt số liệu {title}").format(title=title)]
    return [tr("Sửa báo cáo {title}").format(title=title), *field_lines("report", changes, names)]


def _setting(action: str, changes: Changes, values: dict[str, Any], names: Names) -> list[str]:
    lines = []
    for key, (old, new) in changes.items():
        label = field_label("setting", key)
        before, after = short(str(old if old is not None else ""), 60), short(str(new), 60)
        if action == "delete":
            lines.append(tr("Xóa thiết lập {label}").format(label=label))
        elif before:
            lines.append(
                tr("Đổi thiết lập {label}: {old} → {new}").format(
                    label=label, old=before, new=after
                )
            )
        else:
            lines.append(tr("Đặt thiết lập {label}: {new}").format(label=label, new=after))
    return lines


_DESCRIBERS: dict[str, Callable[[str, Changes, dict[str, Any], Names], list[str]]] = {
    "task": _task,
    "note": _note,
    "extension": _extension,
    "role": _role,
    "unit": _unit,
    "document": _document,
    "report": _report,
    "setting": _setting,
}
