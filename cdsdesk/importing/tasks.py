"""Making tasks: the items of an official notice, or the directive sentences of a report.

* Official notices: the items of the directive part (the sections whose
  heading speaks of tasks, not of ``Đánh giá``/``Kết quả``; or what follows
  ``... như sau:``) are tasks. A numbered heading that is only a unit
  (``2. Sở Thông tin và Truyền thông chịu trách nhiệm``) is a parent, not a
  task: its ``-`` items are that unit's tasks and their ``+`` items are
  sub-tasks. An item takes the unit of its heading, of the item above it or
  of the intro (``Chủ tịch UBND tỉnh yêu cầu X:``, a letter's ``Kính gửi``)
  unless it names its own.
* Press reports without numbered items: from the conclusion on (``Kết luận
  cuộc họp``, ``Phát biểu kết luận``), every directive sentence (``<chair>
  yêu cầu ...``, ``<unit> cần ...``, an imperative ``Triển khai ...``) is a
  task, numbered 1, 2, ...; a sentence without a subject keeps the unit of
  the one before it.

Each task gets its deadline (:mod:`.deadlines`), its units matched to the
register with a confidence, a task group guessed from its words, and the
flags of what needs a human look.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdsdesk.domain.enums import TaskGroup
from cdsdesk.i18n import tr
from cdsdesk.importing.deadlines import DeadlineGuess, find_deadline
from cdsdesk.importing.parsed import FLAG_DEADLINE_BEFORE_DOC, FLAG_NO_LEAD, ParsedTask
from cdsdesk.importing.roles import (
    MAX_ANALYSED,
    Context,
    Roles,
    analyse,
    heading_units,
    unique_names,
)
from cdsdesk.importing.structure import (
    CLOSING,
    Node,
    Paragraph,
    clean_content,
    ends_terminal,
    line_of,
    sentences,
)
from cdsdesk.importing.units_match import UnitMatch, fold_ocr
from cdsdesk.importing.urgency import find_urgency

__all__ = ["TaskMaker", "prose_tasks", "structured_tasks"]


# ---------------------------------------------------------------------------
# Making tasks
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inherit:
    lead: tuple[str, ...] = ()
    kind: str = "none"  # "heading", "colon", "parent", "intro", "none"
    coop: tuple[str, ...] = ()
    deadline: DeadlineGuess | None = None


_TASK_GROUPS: tuple[tuple[TaskGroup, re.Pattern[str]], ...] = (
    (TaskGroup.CYBERSECURITY, re.compile(r"an toan thong tin|an ninh mang|bao mat|ma doc|\bsoc\b")),
    (TaskGroup.DATA, re.compile(r"du lieu|\bcsdl\b|so hoa")),
    (
        TaskGroup.GOVERNMENT,
        re.compile(
            r"dich vu cong|thu tuc hanh chinh|\btthc\b|mot cua|chinh quyen (?:so|dien tu)|"
            r"van ban dien tu|ky so|cai cach hanh chinh"
        ),
    ),
    (
        TaskGroup.INFRASTRUCTURE,
        re.compile(
            r"ha tang|mang lan|internet|bang thong|thiet bi|camera|\bioc\b|truc tuyen|"
            r"nen tang"
        ),
    ),
    (
        TaskGroup.HUMAN_RESOURCES,
        re.compile(r"boi duong|tap huan|dao tao|nhan luc|ky nang so|chuyen gia|to cong nghe so"),
    ),
    (TaskGroup.AWARENESS, re.compile(r"tuyen truyen|nhan thuc|quan triet|binh dan hoc vu so")),
    (
        TaskGroup.ECONOMY,
        re.compile(
            r"doanh nghiep|thuong mai dien tu|kinh te so|khong dung tien mat|\bocop\b|"
            r"hop dong dien tu"
        ),
    ),
    (
        TaskGroup.INSTITUTIONS,
        re.compile(
            r"ke hoach|quy che|quy dinh|nghi quyet|chinh sach|co che|ban hanh|tieu chi|"
            r"\bdti\b|kien toan"
        ),
    ),
    (TaskGroup.SOCIETY, re.compile(r"xa hoi so|cong dong|nguoi dan")),
)


def _task_group(text: str) -> TaskGroup | None:
    folded = fold_ocr(text)
    best: tuple[int, int] = (0, 0)
    chosen = None
    for rank, (group, pattern) in enumerate(_TASK_GROUPS):
        hits = len(pattern.findall(folded))
        if hits and (hits, -rank) > best:
            best, chosen = (hits, -rank), group
    return chosen


class TaskMaker:
    """Turns drafts (text, units) into :class:`ParsedTask` with deadlines, matches and flags."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tasks: list[ParsedTask] = []
        self.refs: set[str] = set()
        self.repeats: dict[str, int] = {}
        self.last_named: tuple[str, ...] = ()

    def make(
        self,
        ref: str,
        parent_ref: str | None,
        text: str,
        lead: Sequence[str],
        coop: Sequence[str],
        lines: tuple[int, int],
        inherited_deadline: DeadlineGuess | None = None,
        backref: bool = False,
    ) -> ParsedTask:
        ctx = self.ctx
        content = clean_content(text)
        if backref and self.last_named:
            lead = self.last_named
        lead = tuple(unique_names(list(lead)))
        coop = tuple(c for c in unique_names(list(coop)) if fold_ocr(c) not in map(fold_ocr, lead))
        if lead or coop:
            self.last_named = lead + coop
        deadline = find_deadline(content[:MAX_ANALYSED], ctx.doc_date) or inherited_deadline
        flags: list[str] = []
        if deadline is not None and deadline.date and ctx.doc_date and deadline.date < ctx.doc_date:
            flags.append(tr(FLAG_DEADLINE_BEFORE_DOC))
        if not lead:
            flags.append(tr(FLAG_NO_LEAD))
        lead_matches = tuple(self._match(name, flags) for name in lead)
        coop_matches = tuple(self._match(name, flags) for name in coop)
        if ref in self.refs:  # a list numbered twice (two "1." lists without sections)
            self.repeats[ref] = self.repeats.get(ref, 1) + 1
            ref = f"{ref}#{self.repeats[ref]}"
        self.refs.add(ref)
        task = ParsedTask(
            ref=ref,
            parent_ref=parent_ref,
            content=content,
            lead_units=lead,
            cooperating_units=coop,
            deadline=deadline,
            urgent=find_urgency(content[:MAX_ANALYSED]),
            flags=tuple(flags),
            first_line=lines[0],
            last_line=lines[1],
            lead_matches=lead_matches,
            cooperating_matches=coop_matches,
            task_group=_task_group(content[:MAX_ANALYSED]),
        )
        self.tasks.append(task)
        return task

    def _match(self, name: str, flags: list[str]) -> UnitMatch:
        index = self.ctx.index
        if index is None:
            return UnitMatch(name, None, None, 0)
        match = index.match(name, on=self.ctx.doc_date, hint=self.ctx.hint)
        if match.confidence == "unknown":
            flags.append(tr("Không tìm thấy đơn vị “{name}” trong sổ").format(name=name))
        elif match.confidence == "check":
            flags.append(
                tr("Cần kiểm tra đơn vị “{name}” (gần giống “{unit}”)").format(
                    name=name, unit=match.matched_name
                )
            )
        if match.successor_id is not None and match.unit_id == match.successor_id:
            # Named after its merger (or undated): proposed for the unit that took it over.
            flags.append(
                tr("Đơn vị “{unit}” đã sáp nhập vào “{successor}”: giao cho “{successor}”").format(
                    unit=match.matched_name, successor=match.successor_name
                )
            )
        return match


def structured_tasks(root: Node, maker: TaskMaker, addressees: tuple[str, ...]) -> None:
    """The tasks of the directive items of ``root``; ``addressees`` (Kính gửi) as default lead."""
    ctx = maker.ctx
    root_default = _intro_lead(root.intro, ctx, _Inherit(addressees, "intro"))
    for child in root.children:
        if child.kind == "roman":
            default = _intro_lead(child.intro, ctx, root_default)
            for item in child.children:
                if child.directive:
                    _visit(item, default, maker)
        elif child.directive:
            _visit(child, root_default, maker)


def _intro_lead(paras: Sequence[Paragraph], ctx: Context, default: _Inherit) -> _Inherit:
    """Whom the items below are for: the addressee of "yêu cầu X: ...", else ``default``.

    "các đơn vị nêu trên" in the intro points back to ``default`` (a letter's addressees).
    """
    for para in paras:
        roles = analyse(para.text, ctx)
        if roles.lead:
            return (
                default if roles.backref and default.lead else _Inherit(tuple(roles.lead), "intro")
            )
    return default


def _visit(node: Node, inherit: _Inherit, maker: TaskMaker) -> None:
    ctx = maker.ctx
    text, pieces = node.own_text()
    if not text.strip():
        return
    lines = (node.paras[0].first_line, node.paras[-1].last_line)
    parent_ref = node.parent.ref if node.parent and node.parent.ref else None
    if node.kind != "bullet" and node.children:
        heading = heading_units(text, ctx)
        if heading:
            for child in node.children:
                _visit(child, _Inherit(tuple(heading), "heading"), maker)
            return
    roles = analyse(text, ctx)
    if _is_topic(node, text, roles):
        for child in node.children:
            _visit(child, inherit, maker)
        return
    parts = [] if node.children else _split_by_new_lead(text, ctx)
    if parts:
        first_end = parts[0][0]
        roles = analyse(text[:first_end], ctx)
    main_text = text[: parts[0][0]] if parts else text
    weak_inherit = inherit.kind in ("heading", "colon")
    if roles.strong:
        lead: Sequence[str] = roles.strong
    elif weak_inherit and inherit.lead:
        lead = inherit.lead
    else:
        lead = roles.medium or inherit.lead
    coop = roles.coop or (list(inherit.coop) if node.kind == "bullet" else [])
    task = maker.make(
        node.ref,
        parent_ref,
        main_text,
        lead,
        coop,
        (lines[0], line_of(pieces, max(0, len(main_text.rstrip()) - 1))),
        inherit.deadline,
        roles.backref and not roles.strong,
    )
    for number, (start, end) in enumerate(parts, start=1):
        part_roles = analyse(text[start:end], ctx)
        maker.make(
            f"{node.ref}.{number}",
            node.ref,
            text[start:end],
            part_roles.lead or task.lead_units,
            part_roles.coop,
            (line_of(pieces, start), line_of(pieces, max(start, end - 2))),
        )
    kind = "colon" if main_text.rstrip(" *").endswith(":") else "parent"
    passed = _Inherit(task.lead_units, kind, task.cooperating_units, task.deadline)
    for child in node.children:
        _visit(child, passed, maker)


def _split_by_new_lead(text: str, ctx: Context) -> list[tuple[int, int]]:
    """Spans of later sentences that give the work to other units ("... Phòng A có trách nhiệm")."""
    spans = sentences(text)
    if len(spans) < 2:
        return []
    first_lead = {fold_ocr(u) for u in analyse(text[slice(*spans[0])], ctx).lead}
    if not first_lead:
        return []
    parts: list[tuple[int, int]] = []
    for start, end in spans[1:]:
        strong = analyse(text[start:end], ctx).strong
        if strong and {fold_ocr(u) for u in strong} != first_lead:
            parts.append((start, end))
        elif parts:
            parts[-1] = (parts[-1][0], end)
    return parts


def _is_topic(node: Node, text: str, roles: Roles) -> bool:
    """A numbered heading over sub-items that names a topic, not a task ("1. Về hạ tầng số:")."""
    if node.kind == "bullet" or not node.children or roles.lead:
        return False
    folded = fold_ocr(text).strip()
    if re.match(r"(?:ve|doi voi|linh vuc|nhom|rieng)\b", folded) and len(text.split()) <= 20:
        return True
    return len(text.split()) <= 12 and (text.rstrip().endswith(":") or not ends_terminal(text))


# ---------------------------------------------------------------------------
# Press reports: directive sentences after the conclusion
# ---------------------------------------------------------------------------


# The closing formula of a notice: no task in it ("... nghiêm túc triển khai thực hiện./.").
_FORMULA = re.compile(
    r"nghiem tuc (?:to chuc |trien khai |thuc hien)|^tran trong|thong bao (?:de|cho) .{0,80}biet"
    r"|chiu trach nhiem thi hanh"
)
_CONCLUSION = re.compile(
    r"\bket luan (?:cuoc|phien|buoi|hoi nghi|tai|nhu sau)|phat bieu ket luan|\b(?:da|va) ket luan"
    r"|^ket luan\b|thay mat .{0,60} ket luan|co y kien (?:chi dao|nhu sau|ket luan)|chi dao nhu sau"
)
_CONNECTORS = re.compile(
    r"^(?:(?:dong thoi|ben canh do|ngoai ra|mat khac|cung voi do|vi vay|do do|theo do|"
    r"tren co so do|thoi gian toi|trong thoi gian toi|sap toi|truoc mat|rieng|cuoi cung)\s*,?\s*)+"
)
_CONTINUATION = re.compile(r"^(?:viec nay|dieu nay|qua do|thong qua do|tu do|trong do|nham|de)\b")
_SPEAKER = re.compile(
    r"\b(?:chu tich|bi thu|giam doc|truong ban|dong chi|thu tuong|bo truong|pho chu tich)\b"
)
_SPEAKER_VERB = re.compile(
    r"(?<!da )(?<!duoc )(?<!theo )\b"
    r"(?:yeu cau|de nghi|giao|(?<!ban )(?<!lanh dao )(?<!, )chi dao)\b"
)
_IMPERATIVE = re.compile(
    r"^(?:trien khai|tang cuong|day manh|tap trung|tiep tuc|ra soat|danh gia|xay dung|hoan thien|"
    r"hoan thanh|thuc hien|nang cao|doi moi|bao dam|dam bao|khan truong|quan triet|to chuc|"
    r"kien toan|cung co|nghien cuu|phat huy|uu tien|chu trong|quan tam|de xuat|tham muu|"
    r"khac phuc|chan chinh|thuc day|phat trien|ung dung|so hoa|ket noi|huong dan|tuyen truyen|"
    r"bo tri|su dung|khai thac|chu dong|ban hanh|can|phai|can phai|yeu cau|de nghi|giao)\b"
)


def prose_tasks(paras: Sequence[Paragraph], maker: TaskMaker) -> None:
    """The directive sentences of a press report, from its conclusion on, as tasks."""
    ctx = maker.ctx
    start = 0
    for i, para in enumerate(paras):
        if _CONCLUSION.search(fold_ocr(para.text)) and ends_terminal(para.text):
            start = i
            break
    seen: set[str] = set()
    last_lead: tuple[str, ...] = ()
    number = 0
    for para in paras[start:]:
        folded_para = fold_ocr(para.text)
        closing = CLOSING.search(folded_para)
        if closing and (closing.start() == 0 or _FORMULA.search(folded_para)):
            break
        key = " ".join(folded_para.split())
        intro = para.text.rstrip(" *").endswith(":")  # "... có ý kiến chỉ đạo:"
        if key in seen or intro or not ends_terminal(para.text) or para.marker is not None:
            continue
        seen.add(key)
        current: list[int] | None = None  # [start, end] of the open task's text
        pending: list[tuple[list[int], Roles]] = []
        for s_start, s_end in sentences(para.text):
            sentence = para.text[s_start:s_end]
            folded = _CONNECTORS.sub("", fold_ocr(sentence).strip())
            if current is not None and _CONTINUATION.match(folded):
                current[1] = s_end
                continue
            roles = analyse(sentence, ctx)
            speaker = _SPEAKER_VERB.search(folded)
            directive = bool(
                roles.lead
                or (speaker and _SPEAKER.search(folded[: speaker.start()]))
                or _IMPERATIVE.match(folded)
            )
            if directive:
                current = [s_start, s_end]
                pending.append((current, roles))
            elif current is not None:
                current[1] = s_end
        for span, roles in pending:
            lead = tuple(roles.lead) or last_lead
            last_lead = lead
            number += 1
            maker.make(
                str(number),
                None,
                para.text[span[0] : span[1]],
                lead,
                roles.coop,
                (para.line_at(span[0]), para.line_at(max(span[0], span[1] - 2))),
                backref=roles.backref,
            )
        if closing:
            break
