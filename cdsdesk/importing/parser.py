"""Understanding a conclusion notice: the document's fields and the tasks it assigns.

:func:`parse_notice` reads the text of a notice (an official ``Thông báo``, a
letter, or a press report of a meeting) and proposes what the officer would
type: the number, date, title, chair, signer and recipients, and one
:class:`ParsedTask` per assigned item with its lead and cooperating units and
its deadline. Nothing is guessed silently: what needs a human look carries a
Vietnamese flag.

How the text is read, one module a step
---------------------------------------
* :mod:`.structure`: lines re-joined into paragraphs, list markers, sentences,
  and the tree of numbered items (``II.2.1`` is the first ``-`` under ``2.``
  under ``II.``).
* :mod:`.document`: the header and footer (number, place and date, type,
  title, issuer, recipients, signer) and the meeting's date and chair.
* :mod:`.roles`: who does the work in a piece of text (``Giao X``, ``X chủ
  trì``, ``Đề nghị X``, ``phối hợp với X``).
* :mod:`.tasks`: the items of an official notice, or the directive sentences
  of a press report, made into tasks with their deadlines (:mod:`.deadlines`),
  units matched to the register (:mod:`.units_match`) and flags.
* :mod:`.parsed`: the results (:class:`ParsedNotice` and its JSON shape).

Everything works on a folded view of the same length as the text, so that
OCR'd text without diacritics reads like clean text and every offset points
back into the original. All patterns are linear and the analysis of one
paragraph is capped (:data:`.roles.MAX_ANALYSED`); joining very many lines
into one paragraph is still quadratic in their number (a known bug).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from cdsdesk.i18n import tr
from cdsdesk.importing.document import read_footer, read_header, read_meeting, read_title
from cdsdesk.importing.parsed import (
    FLAG_DEADLINE_BEFORE_DOC,
    FLAG_NO_LEAD,
    ParsedDocument,
    ParsedNotice,
    ParsedTask,
)
from cdsdesk.importing.roles import Context
from cdsdesk.importing.structure import build_tree, clean_content, paragraphs
from cdsdesk.importing.tasks import TaskMaker, prose_tasks, structured_tasks
from cdsdesk.importing.units_match import UnitIndex, fold_ocr
from cdsdesk.services.units import UnitInfo

__all__ = [
    "FLAG_DEADLINE_BEFORE_DOC",
    "FLAG_NO_LEAD",
    "MAX_CHARS",
    "ParsedDocument",
    "ParsedNotice",
    "ParsedTask",
    "parse_notice",
]

MAX_CHARS = 1_000_000
"""Text beyond this is not read (a notice is a few pages; this is hundreds)."""


def _case_reliable(text: str) -> bool:
    words: list[str] = re.findall(r"[^\W\d_]+", text[:200_000])
    if len(words) < 20:
        return True
    capitalised = sum(w[0].isupper() for w in words)
    upper = sum(w.isupper() and len(w) > 1 for w in words)
    return capitalised / len(words) >= 0.02 and upper / len(words) < 0.6


def parse_notice(text: str, *, units: list[UnitInfo] | None = None) -> ParsedNotice:
    """Read ``text`` (a notice, a letter or a meeting report) and propose its document and tasks.

    With ``units`` (the register's unit tree) every unit name is matched to a
    register unit with a confidence score, and names not found are flagged.
    Never raises on any text; the work is bounded by the text's length.
    """
    warnings: list[str] = []
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        warnings.append(tr("Văn bản quá dài: chỉ đọc {n} ký tự đầu.").format(n=f"{MAX_CHARS:,}"))
    lines = text.replace("\t", "    ").split("\n")
    header = read_header(lines)
    fields = dict(header.fields)
    where = dict(header.lines)
    title, title_first, title_last = read_title(lines, header)
    if title:
        fields["title"] = clean_content(title)
        where["title"] = title_first
        if fields.get("doc_type") is None and fold_ocr(lines[title_first - 1]).lstrip()[:3] in (
            "v/v",
            "v v",
        ):
            fields["doc_type"] = "CV"
    footer_start = read_footer(lines, fields, where)
    body_start = max(header.last_line, title_last)

    paras = [
        p for p in paragraphs(lines) if p.first_line > body_start and p.first_line < footer_start
    ]
    issued_on: date | None = fields.get("issued_on")
    meeting_on, meeting_text, chair, date_line, chair_line = read_meeting(
        [p for p in paras if p.marker is None][:4] if paras else [],
        fields.get("title"),
        issued_on.year if issued_on else None,
    )
    if date_line:
        where["meeting_on"] = date_line
    if chair_line:
        where["chair"] = chair_line
    document = ParsedDocument(
        number=fields.get("number"),
        symbol=fields.get("symbol"),
        doc_type=fields.get("doc_type"),
        issuer_code=fields.get("issuer_code"),
        issuer=fields.get("issuer"),
        place=fields.get("place"),
        issued_on=issued_on,
        title=fields.get("title"),
        meeting_on=meeting_on,
        meeting_text=meeting_text,
        chair=chair,
        signer=fields.get("signer"),
        signer_title=fields.get("signer_title"),
        recipients=tuple(fields.get("recipients", ())),
        archive_line=fields.get("archive_line"),
        addressees=tuple(fields.get("addressees", ())),
        lines=where,
    )
    index = UnitIndex(units) if units else None
    ctx = Context(
        case_ok=_case_reliable(text),
        known=index.known if index else frozenset(),
        index=index,
        doc_date=issued_on or meeting_on,
        hint=document.place or document.issuer,
    )
    maker = TaskMaker(ctx)
    root = build_tree(paras)
    if any(c.kind != "roman" or c.children for c in root.children):
        structured_tasks(root, maker, document.addressees)
    if not maker.tasks:
        prose_tasks(paras, maker)
    if not maker.tasks:
        warnings.append(tr("Không tìm thấy nhiệm vụ nào trong văn bản."))
    if ctx.doc_date is None and maker.tasks:
        warnings.append(
            tr("Không rõ ngày của văn bản: hạn ghi không có năm chưa được tính, hãy kiểm tra.")
        )
    return ParsedNotice(document, tuple(maker.tasks), tuple(warnings))
