"""``python -m cdsdesk parse FILE`` and ``python -m cdsdesk --db PATH import FILE``.

``parse`` reads a notice and prints what the importer understood (``--json``:
the shape of issue 5, exactly ``ParsedNotice.to_json()``); it needs no
register, but matches units with one when ``--db`` is given. ``import`` writes
the document and its tasks: units it is sure of are set, the others are listed
and left unassigned, never guessed. A notice already in the register is
refused unless ``--update`` is given. Every failure is one Vietnamese line
and exit code 2, with nothing written (``cdsdesk.cli.main`` reports it).

Wired into ``cdsdesk.cli`` by :func:`add_parsers` and :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdsdesk.errors import ValidationError
from cdsdesk.i18n import tr
from cdsdesk.textvi import format_date

if TYPE_CHECKING:
    from cdsdesk.importing.parser import ParsedNotice, ParsedTask
    from cdsdesk.importing.reading import SourceText
    from cdsdesk.importing.service import ImportPlan, ImportResult, PlanTask

__all__ = ["COMMANDS", "add_parsers", "cmd_import", "cmd_parse"]

_CONTENT_WIDTH = 110


def add_parsers(sub: Any) -> None:
    """Add ``parse`` and ``import`` to the command line's subparsers."""
    parse = sub.add_parser(
        "parse", help=tr("đọc một văn bản (.txt, .docx, .pdf) và in các nhiệm vụ đọc được")
    )
    parse.add_argument("file", metavar="FILE", help=tr("tệp văn bản"))
    parse.add_argument("--json", action="store_true", help=tr("in dạng JSON"))

    imp = sub.add_parser("import", help=tr("nhập một văn bản và các nhiệm vụ của nó vào sổ"))
    imp.add_argument("file", metavar="FILE", help=tr("tệp văn bản (.txt, .docx, .pdf)"))
    imp.add_argument(
        "--update",
        action="store_true",
        help=tr("văn bản đã có trong sổ: cập nhật văn bản đó (không tạo bản trùng)"),
    )
    imp.add_argument("--yes", action="store_true", help=tr("không hỏi lại trước khi ghi"))


# ---------------------------------------------------------------------------
# parse
# ---------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> None:
    # Imported here: the other commands start without the importer's weight.
    from cdsdesk.importing.parser import parse_notice
    from cdsdesk.importing.reading import read_text

    source = read_text(Path(args.file))
    units = None
    if args.db:
        from cdsdesk.services.units import list_units
        from cdsdesk.storage.db import Register

        with Register(args.db) as register:
            units = list_units(register)
    parsed = parse_notice(source.text, units=units)
    if args.json:
        json.dump(parsed.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    print(_summary(parsed, source))


def _day(value: Any) -> str:
    return format_date(value) if value is not None else "—"


def _short(text: str, limit: int = _CONTENT_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _deadline(task: ParsedTask) -> str:
    guess = task.deadline
    if guess is None:
        return tr("không thời hạn")
    if guess.date is not None:
        return tr("hạn {day} (“{text}”)").format(day=format_date(guess.date), text=guess.text)
    if guess.recurrence is not None:
        return tr("{label} (“{text}”)").format(label=guess.recurrence.label, text=guess.text)
    return tr("thường xuyên (“{text}”)").format(text=guess.text)


def _summary(parsed: ParsedNotice, source: SourceText) -> str:
    doc = parsed.document
    name = source.path.name if source.path is not None else ""
    lines = [
        tr("Văn bản: {number}   ngày ban hành: {issued}   nơi ban hành: {place}").format(
            number=doc.symbol or doc.number or "—",
            issued=_day(doc.issued_on),
            place=doc.place or "—",
        ),
        tr("Trích yếu: {title}").format(title=_short(doc.title or "—")),
        tr("Cuộc họp: {day}   chủ trì: {chair}").format(
            day=_day(doc.meeting_on), chair=_short(doc.chair or "—", 80)
        ),
        tr("Người ký: {signer}").format(signer=doc.signer or "—"),
    ]
    if doc.recipients:
        lines.append(tr("Nơi nhận: {n} nơi").format(n=len(doc.recipients)))
    lines.append("")
    lines.append(tr("{n} nhiệm vụ đọc được từ {name}:").format(n=len(parsed.tasks), name=name))
    for task in parsed.tasks:
        urgent = tr(", khẩn") if task.urgent else ""
        lines.append(
            tr("{ref} (dòng {line}) · {deadline}{urgent}").format(
                ref=task.ref, line=task.first_line, deadline=_deadline(task), urgent=urgent
            )
        )
        lines.append("    " + _short(task.content))
        lines.append(
            "    "
            + tr("Chủ trì: {lead}").format(lead="; ".join(task.lead_units) or tr("(chưa rõ)"))
        )
        if task.cooperating_units:
            lines.append(
                "    " + tr("Phối hợp: {units}").format(units="; ".join(task.cooperating_units))
            )
        lines.extend("    ⚠ " + flag for flag in task.flags)
    lines.extend("⚠ " + warning for warning in parsed.warnings)
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> None:
    from cdsdesk.importing import service
    from cdsdesk.importing.apply import apply_plan
    from cdsdesk.importing.parser import parse_notice
    from cdsdesk.importing.reading import read_text
    from cdsdesk.services.units import list_units
    from cdsdesk.storage.db import Register, default_register_path

    path = Path(args.file)
    # Read and look for tasks before the register is opened: a bad file touches nothing.
    source = read_text(path)
    if not parse_notice(source.text).tasks:
        raise ValidationError(
            tr("Không tìm thấy nhiệm vụ nào trong {name}; chưa ghi gì vào sổ.").format(
                name=path.name
            )
        )
    with Register(args.db or default_register_path()) as register:
        parsed = parse_notice(source.text, units=list_units(register))
        plan = service.plan_from_parsed(register, parsed, source)
        existing = service.find_existing(register, plan)
        if existing is not None and not args.update:
            raise ValidationError(
                tr(
                    "Văn bản {label} ({day}) đã có trong sổ; chưa ghi gì. Để cập nhật văn bản "
                    "đó theo tệp này, chạy lại với --update."
                ).format(label=existing.label, day=_day(existing.issued_on))
            )
        if existing is not None:
            service.fill_from_existing(plan, existing)
        if not args.yes and sys.stdin.isatty() and not _confirm(plan, existing is not None):
            print(tr("Đã hủy; chưa ghi gì vào sổ."))
            return
        result = apply_plan(
            register, plan, update_document_id=existing.id if existing is not None else None
        )
    print(_result_text(plan, result, created_new=existing is None and args.update))


def _confirm(plan: ImportPlan, update: bool) -> bool:
    question = (
        tr("Cập nhật văn bản {label} với {n} nhiệm vụ? [c/K] ")
        if update
        else tr("Nhập văn bản {label} với {n} nhiệm vụ vào sổ? [c/K] ")
    )
    answer = input(question.format(label=plan.label, n=len(plan.included())))
    return answer.strip().lower() in ("c", "co", "có", "y", "yes")


def _result_text(plan: ImportPlan, result: ImportResult, *, created_new: bool) -> str:
    lines: list[str] = []
    if result.updated:
        lines.append(
            tr(
                "Đã cập nhật văn bản {label}: {new} nhiệm vụ mới, {changed} nhiệm vụ sửa, "
                "{same} nhiệm vụ không đổi."
            ).format(
                label=result.document_label,
                new=len(result.created_task_ids),
                changed=len(result.updated_task_ids),
                same=len(result.unchanged_task_ids),
            )
        )
    else:
        lines.append(
            tr("Đã nhập văn bản {label} (mã {id}): {n} nhiệm vụ.").format(
                label=result.document_label,
                id=result.document_id,
                n=len(result.created_task_ids),
            )
        )
        if created_new:
            lines.append(tr("(Văn bản chưa có trong sổ nên được nhập mới.)"))
    if result.created_unit_ids:
        lines.append(tr("Đã tạo {n} đơn vị mới.").format(n=len(result.created_unit_ids)))
    pending = _pending_units(plan)
    if pending:
        lines.append(tr("Đơn vị chưa xác định được (để trống, hãy gán trong chương trình):"))
        for name, (refs, suggestion) in pending.items():
            hint = tr("; gần giống “{unit}”").format(unit=suggestion) if suggestion else ""
            lines.append(
                "  - "
                + tr("{name} (nhiệm vụ {refs}){hint}").format(
                    name=name, refs=", ".join(refs), hint=hint
                )
            )
    flagged = [(t.ref, f) for t in plan.included() for f in t.flags if not _unit_flag(t, f)]
    if flagged:
        lines.append(tr("Cần kiểm tra:"))
        lines.extend(f"  - {ref}: {flag}" for ref, flag in flagged)
    if result.missing_tasks:
        lines.append(
            tr("Nhiệm vụ có trong sổ nhưng không còn trong văn bản (vẫn giữ nguyên, hãy xem lại):")
        )
        lines.extend(
            "  - " + f"{m.ref or '#' + str(m.id)}: {_short(m.content, 90)}"
            for m in result.missing_tasks
        )
    for warning in plan.warnings:
        lines.append("⚠ " + warning)
    if result.backup is not None:
        lines.append(tr("Bản sao lưu trước khi nhập: {path}").format(path=result.backup))
    return "\n".join(lines)


def _pending_units(plan: ImportPlan) -> dict[str, tuple[list[str], str | None]]:
    """Each name left unassigned, the tasks that name it, and a close unit to check."""
    found: dict[str, tuple[list[str], str | None]] = {}
    for task in plan.included():
        for unit in (*task.leads, *task.cooperating):
            decision = plan.decision(unit.name)
            if not unit.pending or (decision is not None and decision.action != "leave"):
                continue
            name = decision.name if decision is not None else unit.name
            hint = decision.suggestion_name if decision is not None else None
            refs = found.setdefault(name, ([], hint))[0]
            if task.ref not in refs:
                refs.append(task.ref)
    return found


def _unit_flag(task: PlanTask, flag: str) -> bool:
    """A flag about a unit name, already listed with the pending units."""
    return any(f"“{u.name}”" in flag for u in (*task.leads, *task.cooperating) if u.pending)


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "parse": cmd_parse,
    "import": cmd_import,
}
