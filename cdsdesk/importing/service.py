"""Writing an imported notice into the register: the plan the officer reviews, then one write.

:func:`plan_from_parsed` turns what the parser read into an :class:`ImportPlan`
of plain, editable values: the document's fields, one :class:`PlanTask` per
item, and one :class:`UnitDecision` per unit name the register does not surely
know. Nothing is written until :func:`cdsdesk.importing.apply.apply_plan`, which writes
the document,
the units the officer chose to create and every included task in one
transaction (a backup of the register is taken first): any failure leaves the
register as it was.

A notice imported twice is found by :func:`find_existing` (the same number,
type, issuer code and date, or the same text) and applied as an update: the
existing tasks are matched by their item number, updated in place and kept
with their progress; the new items are added; the officer's tasks that the new
text no longer has are listed in the result, never deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select

from cdsdesk.domain.enums import DOCUMENT_TYPES, DeadlineKind, Recurrence, TaskGroup
from cdsdesk.domain.labels import document_label
from cdsdesk.domain.models import Task
from cdsdesk.i18n import tr
from cdsdesk.importing.deadlines import DeadlineGuess
from cdsdesk.importing.parser import ParsedNotice, ParsedTask
from cdsdesk.importing.reading import SourceText
from cdsdesk.importing.units_match import UnitIndex, UnitMatch
from cdsdesk.services import documents as docs
from cdsdesk.services import tasks as ts
from cdsdesk.services import units as us
from cdsdesk.services.documents import DocumentInfo, DocumentInput
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

__all__ = [
    "ImportPlan",
    "ImportResult",
    "MissingTask",
    "PlanTask",
    "PlanUnit",
    "UnitAction",
    "UnitDecision",
    "UpdatePreview",
    "fill_from_existing",
    "find_existing",
    "plan_from_parsed",
    "preview_update",
    "text_hash",
    "unit_key",
]

# Column widths of the register (PostgreSQL enforces them; SQLite does not).
MAX_NUMBER = 20
MAX_ISSUER_CODE = 40
MAX_ISSUER = 300
MAX_PLACE = 100
MAX_PERSON = 300
MAX_SIGNER = 200
MAX_REF = 40
MAX_DEADLINE_TEXT = 300
MAX_SOURCE_FILE = 500
MAX_UNIT_NAME = 300
_FALLBACK_TITLE_LENGTH = 200
_NO_TITLE = "Không đọc được số hiệu và trích yếu; hãy nhập trích yếu của văn bản."


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


class UnitAction(StrEnum):
    """What to do with a unit name the register does not surely know."""

    LEAVE = "leave"  # the task keeps no unit for it (the officer decides later)
    MAP = "map"  # an existing unit
    CREATE = "create"  # a new unit under a chosen parent

    @property
    def label(self) -> str:
        return {
            UnitAction.LEAVE: tr("Để trống"),
            UnitAction.MAP: tr("Gán cho đơn vị có sẵn"),
            UnitAction.CREATE: tr("Tạo mới"),
        }[self]


def unit_key(name: str) -> str:
    """The key under which the same name, however spaced or accented, gets one decision."""
    return " ".join(fold(name).split())


@dataclass
class PlanUnit:
    """A unit of a task: a register unit (``unit_id``) or a name waiting for a decision."""

    name: str  # as written in the notice (or the register's name when chosen by hand)
    unit_id: int | None = None
    score: int = 0  # the match score (0..100); 100 for a unit chosen by hand

    @property
    def pending(self) -> bool:
        return self.unit_id is None

    @property
    def key(self) -> str:
        return unit_key(self.name)


@dataclass
class UnitDecision:
    """One unit name that was not surely matched, and what the officer decided."""

    name: str
    action: UnitAction = UnitAction.LEAVE
    unit_id: int | None = None  # MAP: the existing unit
    parent_id: int | None = None  # CREATE: the new unit's parent (None: top level)
    new_name: str = ""  # CREATE: the new unit's name (default: ``name``)
    suggestion_id: int | None = None  # a close match to check ("?"), never applied by itself
    suggestion_name: str | None = None
    score: int = 0

    @property
    def key(self) -> str:
        return unit_key(self.name)


@dataclass
class PlanTask:
    """One item of the notice as it will be written (the dialog edits these fields)."""

    ref: str
    parent_ref: str | None
    content: str
    include: bool = True
    leads: list[PlanUnit] = field(default_factory=list)
    cooperating: list[PlanUnit] = field(default_factory=list)
    deadline_kind: DeadlineKind = DeadlineKind.NONE
    deadline: date | None = None
    period_start: date | None = None
    recurrence: Recurrence | None = None
    deadline_text: str = ""
    urgent: bool = False
    task_group: TaskGroup | None = None
    flags: list[str] = field(default_factory=list)
    first_line: int = 0  # 1-based lines of the source text, 0 when unknown
    last_line: int = 0
    keep_deadline_as_written: bool = False

    @property
    def lead_ids(self) -> list[int]:
        return [u.unit_id for u in self.leads if u.unit_id is not None]

    @property
    def cooperating_ids(self) -> list[int]:
        return [u.unit_id for u in self.cooperating if u.unit_id is not None]


@dataclass
class ImportPlan:
    """Everything an import would write; plain values that a dialog or a script edits."""

    document: DocumentInput
    tasks: list[PlanTask]
    decisions: list[UnitDecision]
    warnings: list[str] = field(default_factory=list)
    title_guessed: bool = False  # no number nor title was read: the title is the first line

    def decision(self, name: str) -> UnitDecision | None:
        key = unit_key(name)
        return next((d for d in self.decisions if d.key == key), None)

    def included(self) -> list[PlanTask]:
        return [t for t in self.tasks if t.include]

    @property
    def label(self) -> str:
        doc = self.document
        return document_label(doc.number, doc.doc_type, doc.issuer_code) or doc.title[:60]


@dataclass(frozen=True)
class MissingTask:
    """A task of the updated document that the new text no longer has (kept, listed)."""

    id: int
    ref: str
    content: str


@dataclass(frozen=True)
class ImportResult:
    document_id: int
    document_label: str
    updated: bool
    created_task_ids: tuple[int, ...] = ()
    updated_task_ids: tuple[int, ...] = ()
    unchanged_task_ids: tuple[int, ...] = ()
    missing_tasks: tuple[MissingTask, ...] = ()
    created_unit_ids: tuple[int, ...] = ()
    unassigned_units: tuple[str, ...] = ()  # names left without a unit ("Để trống")
    backup: Path | None = None

    @property
    def task_ids(self) -> frozenset[int]:
        return frozenset(self.created_task_ids) | frozenset(self.updated_task_ids)


# ---------------------------------------------------------------------------
# From the parser to a plan
# ---------------------------------------------------------------------------


def text_hash(text: str) -> str:
    """A fingerprint of a notice's text that ignores line breaks and spacing."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def cut_text(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fallback_title(source: SourceText) -> str:
    for line in source.lines:
        if len(line.strip()) >= 8:
            return cut_text(line, _FALLBACK_TITLE_LENGTH)
    return ""


def _document_input(
    parsed: ParsedNotice, source: SourceText, warnings: list[str]
) -> tuple[DocumentInput, bool]:
    doc = parsed.document
    doc_type = doc.doc_type or "TB"
    if doc_type not in DOCUMENT_TYPES:
        warnings.append(
            tr(
                "Loại văn bản “{code}” chưa có trong sổ; tạm ghi là Thông báo, hãy kiểm tra."
            ).format(code=doc_type)
        )
        doc_type = "TB"
    meeting_on = doc.meeting_on
    if meeting_on and doc.issued_on and meeting_on > doc.issued_on:
        warnings.append(tr("Ngày họp đọc được sau ngày ban hành; đã bỏ trống ngày họp."))
        meeting_on = None
    title = cut_text(doc.title, 2000)
    number = cut_text(doc.number, MAX_NUMBER)
    guessed = not (title or number)
    if guessed:
        title = _fallback_title(source)
        warnings.append(tr(_NO_TITLE))
    document = DocumentInput(
        number=number,
        doc_type=doc_type,
        issuer_code=cut_text(doc.issuer_code, MAX_ISSUER_CODE),
        issuer=cut_text(doc.issuer, MAX_ISSUER),
        place=cut_text(doc.place, MAX_PLACE),
        issued_on=doc.issued_on,
        title=title,
        meeting_on=meeting_on,
        chair=cut_text(doc.chair, MAX_PERSON),
        signer=cut_text(doc.signer, MAX_SIGNER),
        signer_title=(doc.signer_title or "")[:MAX_SIGNER],
        recipients=[r for r in (cut_text(r, 500) for r in doc.recipients) if r],
        original_text=source.text,
        source_file=cut_text(source.path.name if source.path is not None else "", MAX_SOURCE_FILE),
    )
    return document, guessed


def _set_deadline(task: PlanTask, guess: DeadlineGuess | None) -> None:
    """The parsed deadline in the register's terms; the phrase is kept as written."""
    if guess is None:
        return
    task.deadline_text = cut_text(guess.text, MAX_DEADLINE_TEXT)
    if guess.kind is DeadlineKind.RECURRING and guess.recurrence is not None:
        task.deadline_kind, task.recurrence = DeadlineKind.RECURRING, guess.recurrence
    elif guess.kind is DeadlineKind.ONGOING or (guess.ongoing and guess.date is None):
        task.deadline_kind = DeadlineKind.ONGOING
    elif guess.date is not None:
        start = guess.period_start
        if guess.kind is DeadlineKind.PERIOD and start is not None and start <= guess.date:
            task.deadline_kind, task.period_start = DeadlineKind.PERIOD, start
        else:
            task.deadline_kind = DeadlineKind.DATE
        task.deadline = guess.date


class _Matcher:
    """The register's units, to check the parser's matches and to match names it left."""

    def __init__(self, units: Sequence[us.UnitInfo], on: date | None, hint: str | None) -> None:
        self.ids = {u.id for u in units}
        self._index = UnitIndex(list(units)) if units else None
        self._on = on
        self._hint = hint

    def match(self, name: str, found: UnitMatch | None) -> UnitMatch:
        # The parser's match stands when it names a unit of this register.
        if self._index is None:
            return UnitMatch(name, None, None, 0)
        if found is not None and found.unit_id in self.ids:
            return found
        return self._index.match(name, on=self._on, hint=self._hint)


def _plan_units(
    names: Sequence[str],
    matches: Sequence[UnitMatch],
    matcher: _Matcher,
    decisions: dict[str, UnitDecision],
) -> list[PlanUnit]:
    found = list(matches) if len(matches) == len(names) else [None] * len(names)
    planned: list[PlanUnit] = []
    for name, parsed_match in zip(names, found, strict=True):
        match = matcher.match(name, parsed_match)
        if match.sure and match.unit_id is not None:
            planned.append(PlanUnit(name, match.unit_id, match.score))
            continue
        planned.append(PlanUnit(name, None, match.score))
        key = unit_key(name)
        decision = decisions.get(key)
        if decision is None:
            decision = decisions[key] = UnitDecision(name, new_name=cut_text(name, MAX_UNIT_NAME))
        if match.unit_id is not None and match.score > decision.score:
            decision.suggestion_id = match.unit_id
            decision.suggestion_name = match.matched_name
            decision.score = match.score
    return planned


def _plan_task(
    task: ParsedTask,
    matcher: _Matcher,
    decisions: dict[str, UnitDecision],
    assigned_on: date | None,
) -> PlanTask:
    planned = PlanTask(
        ref=cut_text(task.ref, MAX_REF),
        parent_ref=task.parent_ref,
        content=task.content.strip()[: ts.MAX_CONTENT],
        leads=_plan_units(task.lead_units, task.lead_matches, matcher, decisions),
        cooperating=_plan_units(
            task.cooperating_units, task.cooperating_matches, matcher, decisions
        ),
        urgent=task.urgent,
        task_group=task.task_group,
        flags=list(task.flags),
        first_line=task.first_line,
        last_line=max(task.first_line, task.last_line),
    )
    _set_deadline(planned, task.deadline)
    # A deadline before the document's date is kept as written and flagged (the
    # parser's flag says so), never "corrected".
    if planned.deadline and assigned_on and planned.deadline < assigned_on:
        planned.keep_deadline_as_written = True
    return planned


def plan_from_parsed(register: Register, parsed: ParsedNotice, source: SourceText) -> ImportPlan:
    """The plan the officer reviews: nothing is written here.

    Units the parser (or, when it was given no units, this function) matched
    surely to a register unit are applied; every other name becomes one
    :class:`UnitDecision`, left unassigned until the officer decides.
    """
    warnings = list(parsed.warnings)
    document, guessed = _document_input(parsed, source, warnings)
    assigned_on = document.issued_on or document.meeting_on
    matcher = _Matcher(
        us.list_units(register), assigned_on, parsed.document.place or parsed.document.issuer
    )
    decisions: dict[str, UnitDecision] = {}
    tasks = [_plan_task(t, matcher, decisions, assigned_on) for t in parsed.tasks]
    return ImportPlan(document, tasks, list(decisions.values()), warnings, guessed)


# ---------------------------------------------------------------------------
# The same notice twice
# ---------------------------------------------------------------------------


def _same_number(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if a.isdigit() and b.isdigit():
        return int(a) == int(b)
    return bool(a) and fold(a) == fold(b)


def find_existing(register: Register, plan: ImportPlan) -> DocumentInfo | None:
    """The register's document this plan is a re-import of, or None.

    The same number, type, issuer code and date of issue; or the same text
    (ignoring spacing), for notices whose number could not be read.
    """
    doc = plan.document
    fingerprint = text_hash(doc.original_text) if doc.original_text.strip() else None
    by_text = None
    for existing in docs.list_documents(register):
        if (
            doc.number
            and doc.issued_on is not None
            and existing.issued_on == doc.issued_on
            and existing.doc_type == doc.doc_type
            and fold(existing.issuer_code) == fold(doc.issuer_code)
            and _same_number(existing.number, doc.number)
        ):
            return existing
        if (
            by_text is None
            and fingerprint is not None
            and existing.original_text
            and text_hash(existing.original_text) == fingerprint
        ):
            by_text = existing
    return by_text


_KEPT_FIELDS = (
    "number",
    "issuer_code",
    "issuer",
    "place",
    "issued_on",
    "meeting_on",
    "chair",
    "signer",
    "signer_title",
    "recipients",
)


def fill_from_existing(plan: ImportPlan, existing: DocumentInfo) -> None:
    """Before an update: what the new text does not say is taken from the stored document.

    A press report carries no number: re-importing it must not erase the number
    and title the officer typed on the stored document.
    """
    doc = plan.document
    if not doc.number:
        doc.doc_type = existing.doc_type
    for name in _KEPT_FIELDS:
        if not getattr(doc, name):
            value = getattr(existing, name)
            setattr(doc, name, list(value) if isinstance(value, tuple) else value)
    if (plan.title_guessed or not doc.title) and existing.title:
        doc.title = existing.title
        plan.title_guessed = False
        plan.warnings = [w for w in plan.warnings if w != tr(_NO_TITLE)]


@dataclass(frozen=True)
class UpdatePreview:
    """What an update would do to the stored tasks, before it is written."""

    matched: int  # stored tasks the new text has (by item number): updated in place
    new: int  # items the stored document does not have: added
    missing: tuple[str, ...]  # refs of stored tasks the new text no longer has: kept


def preview_update(register: Register, plan: ImportPlan, document_id: int) -> UpdatePreview:
    with register.transaction() as session:
        stored = [
            ref.strip()
            for ref in session.scalars(select(Task.ref).where(Task.document_id == document_id))
        ]
    left = list(stored)
    matched = new = 0
    for task in plan.included():
        ref = cut_text(task.ref, MAX_REF).strip()
        if ref and ref in left:
            left.remove(ref)
            matched += 1
        else:
            new += 1
    return UpdatePreview(matched, new, tuple(left))
