"""The conclusion notice (Thông báo kết luận), written from a document and its tasks.

The tasks are laid out as the notice numbered them: a ref ``II.2.3.1`` is
item ``3`` (a ``-`` line) of part ``2``, and its sub-tasks are ``+`` lines.
A part whose items share one lead unit is headed by that unit, as notices
write "2. Sở Thông tin và Truyền thông"; each item then names only what
differs (its cooperating units) and its deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from cdsdesk.domain.enums import DOCUMENT_TYPES, DeadlineKind
from cdsdesk.domain.models import Task
from cdsdesk.errors import ValidationError
from cdsdesk.exporting.model import AdminDocument, Paragraph, Run, Signature
from cdsdesk.exporting.report_data import NUMBER_BLANK, in_sentence
from cdsdesk.i18n import tr
from cdsdesk.services.documents import DocumentInfo, get_document
from cdsdesk.services.queries import TaskQuery, TaskRow, query_tasks
from cdsdesk.settings import RegisterSettings, load_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold, format_date, place_and_date

_ROMAN_RE = re.compile(r"[IVXLC]+")


@dataclass
class _Node:
    row: TaskRow
    children: list[_Node] = field(default_factory=list)


@dataclass
class _Part:
    """One numbered part of the notice: a task of its own, or items under a unit."""

    heading: _Node | None = None
    items: list[_Node] = field(default_factory=list)


def build_notice(register: Register, document_id: int) -> AdminDocument:
    doc = get_document(register, document_id)
    settings = load_settings(register)
    rows = query_tasks(register, TaskQuery(document_id=document_id))
    if not rows:
        raise ValidationError(
            tr("Văn bản {label} chưa có nhiệm vụ nào để viết thông báo.").format(label=doc.label)
        )
    writer = _Writer(_original_deadlines(register, {r.id for r in rows}))
    parent_agency, agency = issuing_body(doc, settings)
    type_name = DOCUMENT_TYPES.get(doc.doc_type, doc.doc_type) if doc.doc_type != "CV" else ""
    return AdminDocument(
        parent_agency=parent_agency,
        agency=agency,
        number=tr("Số: {number}").format(number=_number(doc)),
        place_date=place_and_date(doc.place or settings.place_name, doc.issued_on or date.today()),
        doc_type=type_name.upper(),
        title=doc.title,
        body=(
            opening_paragraph(doc),
            *writer.parts(_parts(_tree(rows))),
            Paragraph.of(
                tr("Yêu cầu các cơ quan, đơn vị có liên quan nghiêm túc triển khai thực hiện./.")
            ),
        ),
        recipients=_recipients(doc, settings),
        signature=_signature(doc, settings),
        file_title=tr("{type} số {label}").format(type=type_name or tr("Văn bản"), label=doc.label),
    )


def _number(doc: DocumentInfo) -> str:
    """``36/TB-UBND``; without a number yet, a blank for the clerk: ``      /TB-UBND``."""
    return doc.label if doc.number.strip() else f"{NUMBER_BLANK}/{doc.label}"


def issuing_body(doc: DocumentInfo, settings: RegisterSettings) -> tuple[str, str]:
    """(parent agency, agency) for the masthead.

    The register's own agency (its settings) when it issued the document, or
    when the document names no issuer; otherwise the document's issuer, so a
    notice of the province is not headed with a department's name.
    """
    own = fold(settings.agency_name)
    issuer = fold(doc.issuer)
    if own and (not issuer or issuer == own or issuer.startswith(own + " ")):
        return settings.parent_agency, settings.agency_name
    if doc.issuer.strip():
        return "", doc.issuer.strip().upper()
    return settings.parent_agency, settings.agency_name


def opening_paragraph(doc: DocumentInfo) -> Paragraph:
    """ "Ngày 31/01/2023, <chair> chủ trì <meeting>. ... kết luận và chỉ đạo như sau:"."""
    title = doc.title.strip()
    where = title.split(" tại ", 1)[1].rstrip(".") if " tại " in title else tr("cuộc họp")
    chair = doc.chair.strip().rstrip(".,")
    day = format_date(doc.meeting_on) if doc.meeting_on else ""
    if chair:
        # The chair concludes in the last of his titles: "Trưởng Ban Chỉ đạo ...".
        concluding = chair.rsplit(",", 1)[-1].strip()
        opening = tr("Ngày {day}, ").format(day=day) if day else ""
        text = tr(
            "{opening}{chair} chủ trì {where}. Sau khi nghe báo cáo và ý kiến phát biểu của "
            "các đại biểu dự họp, {concluding} kết luận và chỉ đạo như sau:"
        ).format(opening=opening, chair=chair, where=where, concluding=concluding)
    elif day:
        text = tr("Tại {where} ngày {day}, ý kiến kết luận và chỉ đạo như sau:").format(
            where=where, day=day
        )
    else:
        text = tr("Tại {where}, ý kiến kết luận và chỉ đạo như sau:").format(where=where)
    return Paragraph.of(text[:1].upper() + text[1:])


def _recipients(doc: DocumentInfo, settings: RegisterSettings) -> tuple[str, ...]:
    names = [r.strip() for r in doc.recipients if r.strip()]
    if not any(fold(r).startswith("luu") for r in names):
        keep = tr("Lưu: VT")
        if settings.drafting_unit:
            keep += f", {settings.drafting_unit}"
        names.append(keep)
    return tuple(names)


def _signature(doc: DocumentInfo, settings: RegisterSettings) -> Signature:
    if doc.signer.strip() or doc.signer_title.strip():
        lines = tuple(line.strip() for line in doc.signer_title.splitlines() if line.strip())
        return Signature(lines, doc.signer.strip())
    lines = tuple(line for line in (settings.signer_authority, settings.signer_title) if line)
    return Signature(lines, settings.signer_name)


def _original_deadlines(register: Register, task_ids: set[int]) -> dict[int, date]:
    """The deadlines as the notice set them, before any extension."""
    with register.transaction() as session:
        rows = session.execute(
            select(Task.id, Task.original_deadline, Task.deadline).where(Task.id.in_(task_ids))
        ).all()
    found: dict[int, date] = {}
    for tid, original, due in rows:
        first = original or due
        if first is not None:
            found[tid] = first
    return found


# ---------------------------------------------------------------------------
# The items
# ---------------------------------------------------------------------------


def _tree(rows: list[TaskRow]) -> list[_Node]:
    """The tasks as a forest, in the order the register keeps them."""
    nodes = {r.id: _Node(r) for r in rows}
    top: list[_Node] = []
    for row in rows:
        parent = nodes.get(row.parent_id) if row.parent_id is not None else None
        (parent.children if parent else top).append(nodes[row.id])
    return top


def ref_parts(ref: str) -> list[str]:
    """``II.2.3`` -> ``["2", "3"]``: the numbering inside the notice's part of tasks."""
    parts = [p for p in re.split(r"[.\s]+", ref.strip()) if p]
    if len(parts) > 1 and _ROMAN_RE.fullmatch(parts[0]):
        parts.pop(0)
    return parts


def _parts(top: list[_Node]) -> list[_Part]:
    """Group the top-level tasks into the notice's numbered parts, in order."""
    parts: list[_Part] = []
    by_key: dict[tuple[str, ...], _Part] = {}
    for node in top:
        raw = [p for p in re.split(r"[.\s]+", node.row.ref.strip()) if p]
        refs = ref_parts(node.row.ref)
        if not refs:
            parts.append(_Part(heading=node))
            continue
        key = tuple(raw[: len(raw) - len(refs) + 1])  # the section, if any, and the part
        part = by_key.get(key)
        if part is None or (len(refs) == 1 and (part.heading or part.items)):
            part = _Part()
            parts.append(part)
            by_key[key] = part
        if len(refs) == 1:
            part.heading = node
        else:
            part.items.append(node)
    return parts


def _join(names: tuple[str, ...] | list[str]) -> str:
    """Unit names inside a sentence, separated by commas (names often hold "và")."""
    return ", ".join(in_sentence(name) for name in names)


def _names_in(content: str, row: TaskRow, ids: tuple[int, ...]) -> bool:
    """Whether ``content`` already names every unit of ``ids`` (long or short name)."""
    folded = fold(content)
    full = dict(
        zip(row.lead_ids + row.cooperating_ids, row.lead_units + row.cooperating_units, strict=True)
    )
    short = dict(
        zip(
            row.lead_ids + row.cooperating_ids,
            row.lead_short_units + row.cooperating_short_units,
            strict=True,
        )
    )
    return all(fold(full[i]) in folded or fold(short[i]) in folded for i in ids)


class _Writer:
    def __init__(self, originals: dict[int, date]) -> None:
        self.originals = originals
        self.number = 0

    def parts(self, parts: list[_Part]) -> list[Paragraph]:
        out: list[Paragraph] = []
        for part in parts:
            if part.heading is not None:
                self.number += 1
                out.append(self._item(part.heading, f"{self.number}.", (), ()))
                row = part.heading.row
                for node in [*part.heading.children, *part.items]:
                    out += self._tree(node, 1, row.lead_ids, row.cooperating_ids)
                continue
            leads = {n.row.lead_ids for n in part.items}
            common = next(iter(leads)) if len(leads) == 1 else ()
            if len(part.items) == 1 or not common:
                for node in part.items:
                    self.number += 1
                    out.append(self._item(node, f"{self.number}.", (), ()))
                    for child in node.children:
                        out += self._tree(child, 1, node.row.lead_ids, node.row.cooperating_ids)
                continue
            self.number += 1
            row = part.items[0].row
            out.append(
                Paragraph.of(f"{self.number}. {', '.join(row.lead_units)}", "heading", bold=True)
            )
            for node in part.items:
                out += self._tree(node, 1, common, ())
        return out

    def _tree(
        self, node: _Node, depth: int, leads: tuple[int, ...], cooperating: tuple[int, ...]
    ) -> list[Paragraph]:
        marker = "-" if depth == 1 else "+"
        out = [self._item(node, marker, leads, cooperating)]
        for child in node.children:
            out += self._tree(child, depth + 1, node.row.lead_ids, node.row.cooperating_ids)
        return out

    def _item(
        self, node: _Node, marker: str, leads: tuple[int, ...], cooperating: tuple[int, ...]
    ) -> Paragraph:
        row = node.row
        content = " ".join(row.content.split())
        extras = [s for s in (_assignment(row, leads, cooperating), self._deadline(row)) if s]
        if extras:
            content = content.rstrip(":;,. ") + "."
        elif content and content[-1] not in ".:;!?":
            content += "."
        elif content.endswith(";"):
            content = content[:-1] + "."
        text = " ".join([content, *extras])
        return Paragraph((Run(f"{marker} {text}"),))

    def _deadline(self, row: TaskRow) -> str:
        phrase = deadline_phrase(row, self.originals.get(row.id))
        if not phrase:
            return ""
        content = fold(row.content)
        if fold(phrase) in content or (row.deadline_text and fold(row.deadline_text) in content):
            return ""
        return tr("Thời hạn: {phrase}.").format(phrase=phrase)


def _assignment(row: TaskRow, leads: tuple[int, ...], cooperating: tuple[int, ...]) -> str:
    """ "Giao <lead> chủ trì, phối hợp với <units>." unless the context already says it."""
    if not row.lead_ids:
        return ""
    coops = tuple(c for c in row.cooperating_ids if c not in row.lead_ids)
    coop_names = tuple(
        name
        for cid, name in zip(row.cooperating_ids, row.cooperating_units, strict=True)
        if cid in coops
    )
    if row.lead_ids == leads:
        if not coops or set(coops) == set(cooperating) or _names_in(row.content, row, coops):
            return ""
        return tr("Đơn vị phối hợp: {units}.").format(units=_join(coop_names))
    if _names_in(row.content, row, row.lead_ids + coops):
        return ""
    text = tr("Giao {lead} chủ trì").format(lead=_join(row.lead_units))
    if coops:
        text += tr(", phối hợp với {units}").format(units=_join(coop_names))
    return text + "."


def deadline_phrase(row: TaskRow, original: date | None) -> str:
    """The deadline as the notice sets it: "trước ngày 04/02/2023", "hằng quý"..."""
    kind = row.deadline_kind
    due = original or row.deadline
    if kind is DeadlineKind.DATE:
        return tr("trước ngày {day}").format(day=format_date(due)) if due else row.deadline_text
    if kind is DeadlineKind.PERIOD:
        if row.deadline_text:
            return row.deadline_text
        return tr("trước ngày {day}").format(day=format_date(due)) if due else ""
    if kind is DeadlineKind.RECURRING:
        return row.recurrence.label.lower() if row.recurrence else row.deadline_text
    if kind is DeadlineKind.ONGOING:
        return tr("thường xuyên")
    return ""
