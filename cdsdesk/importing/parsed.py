"""What the parser proposes: the notice's own fields and its tasks, and their JSON shape.

These are the public results of :func:`cdsdesk.importing.parser.parse_notice`
(re-exported there); the review dialog, the import service and ``python -m
cdsdesk parse FILE --json`` read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cdsdesk.domain.enums import DeadlineKind, TaskGroup
from cdsdesk.importing.deadlines import DeadlineGuess
from cdsdesk.importing.units_match import UnitMatch

__all__ = [
    "FLAG_DEADLINE_BEFORE_DOC",
    "FLAG_NO_LEAD",
    "ParsedDocument",
    "ParsedNotice",
    "ParsedTask",
]

FLAG_DEADLINE_BEFORE_DOC = "Hạn trước ngày ban hành văn bản"
FLAG_NO_LEAD = "Chưa có đơn vị chủ trì"


@dataclass(frozen=True)
class ParsedDocument:
    """The fields of the notice itself; ``lines`` maps a field name to its 1-based line."""

    number: str | None = None  # "36"
    symbol: str | None = None  # "36/TB-UBND"
    doc_type: str | None = None  # "TB"
    issuer_code: str | None = None  # "UBND"
    issuer: str | None = None
    place: str | None = None
    issued_on: date | None = None
    title: str | None = None
    meeting_on: date | None = None
    meeting_text: str | None = None  # "chiều 28/5", as written
    chair: str | None = None
    signer: str | None = None
    signer_title: str | None = None  # "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\n..."
    recipients: tuple[str, ...] = ()
    archive_line: str | None = None  # "Lưu: VT, KGVX."
    addressees: tuple[str, ...] = ()  # a letter's "Kính gửi"
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedTask:
    ref: str
    parent_ref: str | None
    content: str
    lead_units: tuple[str, ...]
    cooperating_units: tuple[str, ...]
    deadline: DeadlineGuess | None
    urgent: bool
    flags: tuple[str, ...]
    first_line: int
    last_line: int
    lead_matches: tuple[UnitMatch, ...] = ()
    cooperating_matches: tuple[UnitMatch, ...] = ()
    task_group: TaskGroup | None = None

    @property
    def recurrence_key(self) -> str | None:
        """``monthly``... ``yearly``, ``ongoing`` or None, as in the JSON output."""
        guess = self.deadline
        if guess is None:
            return None
        if guess.recurrence is not None:
            return guess.recurrence.value
        if guess.ongoing or guess.kind is DeadlineKind.ONGOING:
            return "ongoing"
        return None


@dataclass(frozen=True)
class ParsedNotice:
    document: ParsedDocument
    tasks: tuple[ParsedTask, ...]
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``python -m cdsdesk parse FILE --json`` shape (JSON-ready values)."""
        doc = self.document
        return {
            "document": {
                "number": doc.symbol or doc.number,
                "type": doc.doc_type,
                "issuer": doc.issuer,
                "issuer_code": doc.issuer_code,
                "place": doc.place,
                "issued_on": _iso(doc.issued_on),
                "title": doc.title,
                "meeting_on": _iso(doc.meeting_on),
                "meeting_text": doc.meeting_text,
                "chair": doc.chair,
                "signer": doc.signer,
                "signer_title": doc.signer_title,
                "recipients": list(doc.recipients),
                "archive_line": doc.archive_line,
                "addressees": list(doc.addressees),
            },
            "tasks": [_task_json(t) for t in self.tasks],
            "warnings": list(self.warnings),
        }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _task_json(task: ParsedTask) -> dict[str, Any]:
    guess = task.deadline
    return {
        "ref": task.ref,
        "parent_ref": task.parent_ref,
        "content": task.content,
        "lead_units": list(task.lead_units),
        "cooperating_units": list(task.cooperating_units),
        "deadline": _iso(guess.date) if guess is not None else None,
        "deadline_text": guess.text if guess is not None else None,
        "recurrence": task.recurrence_key,
        "urgent": task.urgent,
        "flags": list(task.flags),
        "line": task.first_line,
        "last_line": task.last_line,
        "group": task.task_group.value if task.task_group is not None else None,
        "lead_matches": [_match_json(m) for m in task.lead_matches],
        "cooperating_matches": [_match_json(m) for m in task.cooperating_matches],
    }


def _match_json(match: UnitMatch) -> dict[str, Any]:
    return {
        "name": match.name,
        "unit_id": match.unit_id,
        "matched_name": match.matched_name,
        "score": match.score,
        "confidence": match.confidence,
    }
