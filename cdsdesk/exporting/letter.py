"""The urging letter (công văn đôn đốc) to one unit: its overdue and due-soon tasks.

The unit answers for its own tasks, its sub-units' and those of units merged
into it, as the statistics count them; only tasks without sub-tasks are listed.
"""

from __future__ import annotations

from datetime import date, timedelta

from cdsdesk.domain.enums import StatusClass
from cdsdesk.errors import ValidationError
from cdsdesk.exporting.model import AdminDocument, Block, Column, Paragraph, Signature, Table
from cdsdesk.exporting.report_data import (
    NUMBER_BLANK,
    agency_info,
    deadline_label,
    format_count,
    in_sentence,
)
from cdsdesk.i18n import tr
from cdsdesk.services.documents import DocumentInfo, list_documents
from cdsdesk.services.queries import TaskQuery, TaskRow, query_tasks
from cdsdesk.services.units import get_unit
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold, format_date, place_and_date

REPLY_DAYS = 10  # the unit reports back within this many days of the letter
LETTER_TITLE = "V/v đôn đốc thực hiện nhiệm vụ chuyển đổi số"


def build_letter(register: Register, unit_id: int, as_of: date | None = None) -> AdminDocument:
    day = as_of or date.today()
    unit = get_unit(register, unit_id)
    agency = agency_info(register)
    rows = query_tasks(register, TaskQuery(as_of=day, unit_id=unit_id, include_subunits=True))
    leaves = [r for r in rows if not r.has_children]
    overdue = sorted(
        (r for r in leaves if r.status_class is StatusClass.OPEN_OVERDUE),
        key=lambda r: -r.days_overdue,
    )
    soon = sorted((r for r in leaves if r.due_soon), key=lambda r: r.deadline or date.max)
    if not overdue and not soon:
        raise ValidationError(
            tr(
                "Tính đến ngày {day}, {unit} không có nhiệm vụ quá hạn hoặc sắp đến hạn: "
                "không cần công văn đôn đốc."
            ).format(day=format_date(day), unit=unit.name)
        )
    documents = {d.id: d for d in list_documents(register)}
    symbol = "-".join(part for part in (agency.code, agency.drafting_unit) if part)
    number = f"{NUMBER_BLANK}/{symbol}" if symbol else NUMBER_BLANK
    body: list[Block] = [_context(unit.name, day, overdue, soon, agency.due_soon_days, documents)]
    heading = 0
    if overdue:
        heading += 1
        body.append(
            Paragraph.of(
                tr("{n}. Nhiệm vụ chưa hoàn thành, đã quá hạn").format(n=heading),
                "heading",
                bold=True,
            )
        )
        body.append(_table(overdue, unit_id, documents, day, late=True))
    if soon:
        heading += 1
        body.append(
            Paragraph.of(
                tr("{n}. Nhiệm vụ sắp đến hạn (trong {days} ngày tới)").format(
                    n=heading, days=agency.due_soon_days
                ),
                "heading",
                bold=True,
            )
        )
        body.append(_table(soon, unit_id, documents, day, late=False))
    # A letter to the agency's own office reports back to no one else.
    report_to = "" if fold(agency.display_name) == fold(unit.name) else agency.display_name
    body += _request(unit.name, report_to, day + timedelta(days=REPLY_DAYS))
    keep = tr("Lưu: VT")
    if agency.drafting_unit:
        keep += f", {agency.drafting_unit}"
    return AdminDocument(
        parent_agency=agency.parent,
        agency=agency.name,
        number=tr("Số: {number}").format(number=number),
        place_date=place_and_date(agency.place, day),
        doc_type="",
        title=tr(LETTER_TITLE),
        body=tuple(body),
        recipients=(
            tr("Như trên"),
            tr("{leaders} (để báo cáo)").format(leaders=agency.leadership),
            keep,
        ),
        signature=Signature(agency.signature_lines, agency.signer_name),
        addressees=(unit.name,),
        file_title=tr("Công văn đôn đốc thực hiện nhiệm vụ chuyển đổi số - {unit}").format(
            unit=unit.name
        ),
    )


def _tasks(n: int) -> str:
    return tr("{n} nhiệm vụ").format(n=format_count(n))


def document_reference(doc: DocumentInfo) -> str:
    """``Thông báo số 36/TB-UBND ngày 03/02/2023``."""
    text = tr("{type} số {label}").format(type=doc.type_name, label=doc.label)
    if doc.issued_on:
        text += tr(" ngày {day}").format(day=format_date(doc.issued_on))
    return text


def _context(
    unit_name: str,
    day: date,
    overdue: list[TaskRow],
    soon: list[TaskRow],
    due_soon_days: int,
    documents: dict[int, DocumentInfo],
) -> Paragraph:
    counts = []
    if overdue:
        counts.append(tr("{tasks} chưa hoàn thành đã quá hạn").format(tasks=_tasks(len(overdue))))
    if soon:
        counts.append(
            tr("{tasks} sắp đến hạn trong {days} ngày tới").format(
                tasks=_tasks(len(soon)), days=due_soon_days
            )
        )
    doc_ids = list(dict.fromkeys(r.document_id for r in [*overdue, *soon] if r.document_id))
    sources = [document_reference(documents[i]) for i in doc_ids if i in documents]
    where = tr(" được giao tại {documents}").format(documents="; ".join(sources)) if sources else ""
    return Paragraph.of(
        tr(
            "Qua theo dõi tình hình thực hiện nhiệm vụ chuyển đổi số, tính đến ngày {day}, "
            "{unit} {verb} {counts}{where}, cụ thể như sau:"
        ).format(
            day=format_date(day),
            verb=tr("còn") if overdue else tr("có"),
            unit=in_sentence(unit_name),
            counts=tr(" và ").join(counts),
            where=where,
        )
    )


def _table(
    rows: list[TaskRow],
    unit_id: int,
    documents: dict[int, DocumentInfo],
    day: date,
    *,
    late: bool,
) -> Table:
    last = tr("Số ngày quá hạn") if late else tr("Còn lại (ngày)")
    return Table(
        columns=(
            Column(tr("STT"), 12, "center"),
            Column(tr("Nhiệm vụ"), 72),
            Column(tr("Văn bản giao"), 34, "center"),
            Column(tr("Thời hạn"), 26, "center"),
            Column(last, 21, "right"),
        ),
        rows=tuple(
            (
                str(i),
                _task_text(row, unit_id),
                _document_text(row, documents),
                deadline_label(row) + (tr(" (đã gia hạn)") if row.extended else ""),
                format_count(
                    row.days_overdue if late else ((row.deadline - day).days if row.deadline else 0)
                ),
            )
            for i, row in enumerate(rows, start=1)
        ),
    )


def _task_text(row: TaskRow, unit_id: int) -> str:
    text = f"{row.ref}. {row.content}" if row.ref else row.content
    if unit_id not in row.lead_ids:
        # A sub-unit's task (or one of a unit merged into this one): say whose.
        text += "\n" + tr("(Chủ trì: {units})").format(units="; ".join(row.lead_short_units))
    return text


def _document_text(row: TaskRow, documents: dict[int, DocumentInfo]) -> str:
    doc = documents.get(row.document_id) if row.document_id else None
    if doc is None:
        return row.document
    day = "\n" + tr("ngày {day}").format(day=format_date(doc.issued_on)) if doc.issued_on else ""
    return f"{doc.label}{day}"


def _request(unit_name: str, agency_name: str, reply_by: date) -> list[Block]:
    to = tr(" về {agency}").format(agency=agency_name) if agency_name else ""
    return [
        Paragraph.of(
            tr(
                "Để bảo đảm tiến độ thực hiện nhiệm vụ chuyển đổi số, đề nghị {unit} khẩn trương "
                "chỉ đạo triển khai thực hiện, hoàn thành các nhiệm vụ nêu trên; báo cáo kết quả "
                "thực hiện{to} trước ngày {day}. Trường hợp không thể hoàn thành, đề nghị nêu rõ "
                "lý do, khó khăn, vướng mắc và đề xuất thời hạn hoàn thành."
            ).format(unit=in_sentence(unit_name), to=to, day=format_date(reply_by))
        ),
        Paragraph.of(tr("Trân trọng./."), "plain"),
    ]
