"""Writing an imported notice into the register: the plan the officer reviews, then one write.

:func:`plan_from_parsed` turns what the parser read into an :class:`ImportPlan`
of plain, editable values: the document's fields, one :class:`PlanTask` per
item, and one :class:`UnitDecision` per unit name the register does not surely
know. Nothing is written until :func:`apply_plan`, which writes the document,
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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cdsdesk.domain.enums import DOCUMENT_TYPES, DeadlineKind, Recurrence, StoredStatus, TaskGroup
from cdsdesk.domain.labels import document_label
from cdsdesk.domain.models import Document, Task, Unit
from cdsdesk.errors import NotFoundError, ValidationError
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
    "apply_plan",
    "fill_from_existing",
    "find_existing",
    "plan_from_parsed",
    "preview_update",
    "text_hash",
    "unit_key",
]

# Column widths of the register (PostgreSQL enforces them; SQLite does not).
_MAX_NUMBER = 20
_MAX_ISSUER_CODE = 40
_MAX_ISSUER = 300
_MAX_PLACE = 100
_MAX_PERSON = 300
_MAX_SIGNER = 200
_MAX_REF = 40
_MAX_DEADLINE_TEXT = 300
_MAX_SOURCE_FILE = 500
_MAX_UNIT_NAME = 300
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


def _cut(text: str | None, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fallback_title(source: SourceText) -> str:
    for line in source.lines:
        if len(line.strip()) >= 8:
            return _cut(line, _FALLBACK_TITLE_LENGTH)
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
    title = _cut(doc.title, 2000)
    number = _cut(doc.number, _MAX_NUMBER)
    guessed = not (title or number)
    if guessed:
        title = _fallback_title(source)
        warnings.append(tr(_NO_TITLE))
    document = DocumentInput(
        number=number,
        doc_type=doc_type,
        issuer_code=_cut(doc.issuer_code, _MAX_ISSUER_CODE),
        issuer=_cut(doc.issuer, _MAX_ISSUER),
        place=_cut(doc.place, _MAX_PLACE),
        issued_on=doc.issued_on,
        title=title,
        meeting_on=meeting_on,
        chair=_cut(doc.chair, _MAX_PERSON),
        signer=_cut(doc.signer, _MAX_SIGNER),
        signer_title=(doc.signer_title or "")[:_MAX_SIGNER],
        recipients=[r for r in (_cut(r, 500) for r in doc.recipients) if r],
        original_text=source.text,
        source_file=_cut(source.path.name if source.path is not None else "", _MAX_SOURCE_FILE),
    )
    return document, guessed


def _set_deadline(task: PlanTask, guess: DeadlineGuess | None) -> None:
    """The parsed deadline in the register's terms; the phrase is kept as written."""
    if guess is None:
        return
    task.deadline_text = _cut(guess.text, _MAX_DEADLINE_TEXT)
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
            decision = decisions[key] = UnitDecision(name, new_name=_cut(name, _MAX_UNIT_NAME))
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
        ref=_cut(task.ref, _MAX_REF),
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
        ref = _cut(task.ref, _MAX_REF).strip()
        if ref and ref in left:
            left.remove(ref)
            matched += 1
        else:
            new += 1
    return UpdatePreview(matched, new, tuple(left))


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _backup(register: Register) -> Path | None:
    """A backup before the first imported row, when the backup module is there."""
    try:
        from cdsdesk.storage import backup
    except ImportError:  # pragma: no cover - the module ships with the program
        return None
    take = getattr(backup, "backup_before_import", None)
    if take is None:  # pragma: no cover
        return None
    result = take(register)
    return Path(result) if result is not None else None


def _check(plan: ImportPlan) -> None:
    """Refusals that need no register, before the backup and the write."""
    if not plan.included():
        raise ValidationError(tr("Chưa có nhiệm vụ nào được chọn để nhập vào sổ."))
    for decision in plan.decisions:
        if decision.action == UnitAction.MAP and decision.unit_id is None:
            raise ValidationError(
                tr("Chưa chọn đơn vị có sẵn để gán cho “{name}”.").format(name=decision.name)
            )
        if (
            decision.action == UnitAction.CREATE
            and not (decision.new_name or decision.name).strip()
        ):
            raise ValidationError(
                tr("Chưa nhập tên đơn vị mới thay cho “{name}”.").format(name=decision.name)
            )


def _add_unit(session: Session, name: str, parent_id: int | None) -> Unit:
    """A new unit inside the import's transaction, with the units service's rules."""
    # The units service's own rules (private there: it has no session-level create yet).
    name = us._clean_name(name)
    if parent_id is not None and session.get(Unit, parent_id) is None:
        raise NotFoundError(tr("Không có đơn vị mã {id}.").format(id=parent_id))
    us._check_sibling_name(session, name, parent_id)
    siblings = Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    last = session.scalar(select(func.max(Unit.sort_order)).where(siblings))
    unit = Unit(
        name=name,
        short_name="",
        parent_id=parent_id,
        sort_order=(last or 0) + 1,
        active=True,
        name_folded=fold(name),
    )
    session.add(unit)
    session.flush()
    return unit


def _decided_units(session: Session, plan: ImportPlan) -> tuple[dict[str, int], list[int]]:
    """The unit id each decided name stands for, creating the new units; and the new ids."""
    resolved: dict[str, int] = {}
    created: list[int] = []
    made: dict[tuple[int | None, str], int] = {}
    for decision in plan.decisions:
        if decision.action == UnitAction.MAP and decision.unit_id is not None:
            if session.get(Unit, decision.unit_id) is None:
                raise NotFoundError(tr("Không có đơn vị mã {id}.").format(id=decision.unit_id))
            resolved[decision.key] = decision.unit_id
        elif decision.action == UnitAction.CREATE:
            name = _cut(decision.new_name or decision.name, _MAX_UNIT_NAME)
            # Two names the officer turns into the same new unit make one unit.
            where = (decision.parent_id, unit_key(name))
            if where not in made:
                made[where] = _add_unit(session, name, decision.parent_id).id
                created.append(made[where])
            resolved[decision.key] = made[where]
    return resolved, created


def _ids(units: Iterable[PlanUnit], resolved: dict[str, int]) -> list[int]:
    ids: list[int] = []
    for unit in units:
        uid = unit.unit_id if unit.unit_id is not None else resolved.get(unit.key)
        if uid is not None and uid not in ids:
            ids.append(uid)
    return ids


def _parents(plan: ImportPlan) -> dict[int, PlanTask | None]:
    """Each included task's parent: the nearest included task up its chain of refs."""
    by_ref: dict[str, PlanTask] = {}
    for task in plan.tasks:
        by_ref.setdefault(task.ref, task)
    parents: dict[int, PlanTask | None] = {}
    for task in plan.included():
        parent_ref, seen = task.parent_ref, {task.ref}
        parent: PlanTask | None = None
        while parent_ref and parent_ref not in seen:
            seen.add(parent_ref)
            candidate = by_ref.get(parent_ref)
            if candidate is None or candidate is task:
                break
            if candidate.include:
                parent = candidate
                break
            parent_ref = candidate.parent_ref
        parents[id(task)] = parent
    return parents


def _parents_first(tasks: list[PlanTask], parents: dict[int, PlanTask | None]) -> list[PlanTask]:
    placed: set[int] = set()
    ordered: list[PlanTask] = []

    def place(task: PlanTask, depth: int = 0) -> None:
        if id(task) in placed or depth > len(tasks):
            return
        parent = parents.get(id(task))
        if parent is not None:
            place(parent, depth + 1)
        placed.add(id(task))
        ordered.append(task)

    for task in tasks:
        place(task)
    return ordered


def _task_input(
    task: PlanTask,
    plan: ImportPlan,
    resolved: dict[str, int],
    document_id: int,
    parent_id: int | None,
) -> ts.TaskInput:
    assigned_on = plan.document.issued_on or plan.document.meeting_on
    early = bool(task.deadline and assigned_on and task.deadline < assigned_on)
    return ts.TaskInput(
        content=task.content,
        ref=_cut(task.ref, _MAX_REF),
        parent_id=parent_id,
        document_id=document_id,
        task_group=task.task_group,
        assigned_on=assigned_on,
        deadline_kind=DeadlineKind(task.deadline_kind),
        deadline=task.deadline,
        period_start=task.period_start,
        recurrence=Recurrence(task.recurrence) if task.recurrence else None,
        deadline_text=_cut(task.deadline_text, _MAX_DEADLINE_TEXT),
        urgent=task.urgent,
        lead_ids=_ids(task.leads, resolved),
        cooperating_ids=_ids(task.cooperating, resolved),
        keep_deadline_as_written=task.keep_deadline_as_written or early,
    )


def _write_document(session: Session, plan: ImportPlan, update_id: int | None) -> Document:
    # The documents service's own rules (private there: it has no session-level write yet).
    clean = docs._validate(plan.document)
    if update_id is None:
        doc = Document(**asdict(clean))
        session.add(doc)
        session.flush()
        return doc
    existing = session.get(Document, update_id)
    if existing is None:
        raise NotFoundError(tr("Không có văn bản mã {id}.").format(id=update_id))
    for name, value in asdict(clean).items():
        if getattr(existing, name) != value:
            setattr(existing, name, value)
    return existing


def _current_input(task: Task) -> ts.TaskInput:
    """A stored task as the service's input, so an update keeps what the import does not set."""
    roles: dict[str, list[int]] = {"lead": [], "cooperating": [], "informed": []}
    for role in task.units:
        roles.setdefault(role.role, []).append(role.unit_id)
    return ts.TaskInput(
        content=task.content,
        ref=task.ref,
        parent_id=task.parent_id,
        document_id=task.document_id,
        task_group=TaskGroup(task.task_group) if task.task_group else None,
        assigned_on=task.assigned_on,
        deadline_kind=DeadlineKind(task.deadline_kind),
        deadline=task.deadline,
        period_start=task.period_start,
        recurrence=Recurrence(task.recurrence) if task.recurrence else None,
        deadline_text=task.deadline_text,
        urgent=task.urgent,
        lead_ids=roles["lead"],
        cooperating_ids=roles["cooperating"],
        informed_ids=roles["informed"],
        status=StoredStatus(task.status),
        completed_on=task.completed_on,
        cancelled_on=task.cancelled_on,
        status_reason=task.status_reason,
        result=task.result,
        evidence=task.evidence,
        keep_deadline_as_written=True,  # stored as it is: never refused for being early
    )


def _merged_input(task: Task, new: ts.TaskInput) -> ts.TaskInput:
    """What the text now says, on top of what the officer recorded.

    Progress (status, dates, result, evidence) and the task's place in the tree
    stay; units the text no longer names surely are kept rather than emptied;
    an extended deadline (gia hạn) is not put back to the notice's.
    """
    current = _current_input(task)
    merged = replace(
        current,
        content=new.content,
        ref=new.ref or current.ref,
        task_group=new.task_group or current.task_group,
        assigned_on=current.assigned_on or new.assigned_on,
        urgent=new.urgent,
        lead_ids=new.lead_ids or current.lead_ids,
        cooperating_ids=new.cooperating_ids or current.cooperating_ids,
    )
    if not task.extensions:
        merged = replace(
            merged,
            deadline_kind=new.deadline_kind,
            deadline=new.deadline,
            period_start=new.period_start,
            recurrence=new.recurrence,
            deadline_text=new.deadline_text,
            keep_deadline_as_written=True,
        )
    return merged


def _same(a: ts.TaskInput, b: ts.TaskInput) -> bool:
    def key(data: ts.TaskInput) -> dict[str, object]:
        values = asdict(data)
        values.pop("keep_deadline_as_written")
        values["content"] = data.content.strip()
        return values

    return key(a) == key(b)


def apply_plan(
    register: Register, plan: ImportPlan, *, update_document_id: int | None = None
) -> ImportResult:
    """Write ``plan`` in one transaction: all of it, or nothing.

    With ``update_document_id`` the plan updates that document and its tasks
    (matched by item number) instead of adding a new one.
    """
    _check(plan)
    backup_path = _backup(register)
    from cdsdesk.services import audit

    with register.transaction() as session:
        session.info[audit.LABEL_KEY] = tr("Nhập từ văn bản {label}").format(label=plan.label)
        doc = _write_document(session, plan, update_document_id)
        resolved, created_units = _decided_units(session, plan)
        existing: dict[str, list[Task]] = {}
        if update_document_id is not None:
            stored = session.scalars(
                select(Task).where(Task.document_id == doc.id).order_by(Task.sort_order, Task.id)
            )
            for stored_task in stored:
                existing.setdefault(stored_task.ref.strip(), []).append(stored_task)
        parents = _parents(plan)
        written: dict[int, int] = {}  # id(PlanTask) -> task id
        created: list[int] = []
        updated: list[int] = []
        unchanged: list[int] = []
        matched: set[int] = set()
        for task in _parents_first(plan.included(), parents):
            parent = parents.get(id(task))
            parent_id = written.get(id(parent)) if parent is not None else None
            data = _task_input(task, plan, resolved, doc.id, parent_id)
            candidates = existing.get(data.ref.strip(), []) if data.ref.strip() else []
            old = next((t for t in candidates if t.id not in matched), None)
            if old is None:
                new_task = ts.add_task(session, data)
                created.append(new_task.id)
                written[id(task)] = new_task.id
                continue
            matched.add(old.id)
            written[id(task)] = old.id
            merged = _merged_input(old, data)
            if _same(merged, _current_input(old)):
                unchanged.append(old.id)
                continue
            # update_task() opens its own transaction; these are its two steps.
            ts._validate(session, merged, old.id)
            ts._apply(session, old, merged)
            session.flush()
            updated.append(old.id)
        missing = tuple(
            MissingTask(t.id, t.ref, t.content)
            for tasks in existing.values()
            for t in tasks
            if t.id not in matched
        )
        label = document_label(doc.number, doc.doc_type, doc.issuer_code) or _cut(doc.title, 60)
        document_id = doc.id
    unassigned = tuple(
        d.name
        for d in plan.decisions
        if d.action == UnitAction.LEAVE and _named_by_included(plan, d.key)
    )
    return ImportResult(
        document_id=document_id,
        document_label=label,
        updated=update_document_id is not None,
        created_task_ids=tuple(created),
        updated_task_ids=tuple(updated),
        unchanged_task_ids=tuple(unchanged),
        missing_tasks=missing,
        created_unit_ids=tuple(created_units),
        unassigned_units=unassigned,
        backup=backup_path,
    )


def _named_by_included(plan: ImportPlan, key: str) -> bool:
    return any(
        u.pending and u.key == key for t in plan.included() for u in (*t.leads, *t.cooperating)
    )
