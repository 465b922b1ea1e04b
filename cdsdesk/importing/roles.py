"""Who does the work: the roles of the unit names in a piece of text.

Units are read by their shape (:mod:`.units_match`) and by their role in the
sentence: ``Giao X``, ``X chủ trì``, ``X có trách nhiệm`` (strong);
``Đề nghị/Yêu cầu X``, ``X cần ...`` at the start of a clause (ordinary);
``phối hợp với X`` (cooperating); anything else is a mention. An office
stands for its unit when it does or receives the work (``Giám đốc Sở Y tế
chủ trì``), not when it speaks (``Chủ tịch UBND tỉnh kết luận``).

:class:`UnitSubjects` tells whether a verb has a unit standing as its subject
(``Sở Y tế, theo chức năng được giao, tiếp tục ...``); :mod:`.deadlines` asks it
about ``tiếp tục``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from cdsdesk.importing.units_match import (
    STRONG_AFTER,
    SUBJECT_VERBS,
    Token,
    UnitIndex,
    UnitRun,
    find_unit_runs,
    fold_ocr,
    tokenize,
)

__all__ = [
    "MAX_ANALYSED",
    "Context",
    "Roles",
    "UnitSubjects",
    "analyse",
    "heading_units",
    "unique_names",
]

MAX_ANALYSED = 20_000  # characters of one paragraph analysed for units and deadlines


@dataclass(frozen=True)
class Context:
    """What the whole notice tells about reading one piece of it."""

    case_ok: bool
    known: frozenset[tuple[str, ...]]
    index: UnitIndex | None
    doc_date: date | None
    hint: str | None


@dataclass
class Roles:
    """The unit names of a piece of text by role."""

    strong: list[str] = field(default_factory=list)  # Giao X, X chủ trì, X có trách nhiệm
    medium: list[str] = field(default_factory=list)  # Đề nghị X, X cần ..., Về phía X
    coop: list[str] = field(default_factory=list)  # phối hợp với X
    backref: bool = False  # "các đơn vị nêu trên"

    @property
    def lead(self) -> list[str]:
        return self.strong or self.medium


# Words before a unit's name that make it a person's office ("Chủ tịch UBND tỉnh").
_PERSON_BEFORE = (
    "chu tich", "giam doc", "truong ban", "bi thu", "lanh dao", "chanh van phong", "uy vien",
    "truong", "thu truong", "dai dien", "can bo", "cong chuc", "vien chuc", "pho", "tong bi thu",
    "thu tuong", "bo truong", "chanh thanh tra", "cuc truong", "truong phong",
)  # fmt: skip
_COOP_BEFORE = ("phoi hop voi", "phoi hop chat che voi", "phoi hop", "cung voi", "phoi hop cua")
_ADDRESS_BEFORE = ("yeu cau", "de nghi", "giao", "giao cho", "giao nhiem vu cho")
_NOT_ADDRESS = {"theo", "dap ung", "cac", "nhung", "moi", "ban", "duoc", "chuyen", "ve"}
_BACKREF_AFTER = ("neu tren", "noi tren", "tren", "nay")
_STRONG_AFTER = STRONG_AFTER | {
    "la co quan chu tri",
    "la don vi chu tri",
    "lam dau moi",
    "la dau moi",
}
_CHAIRING = re.compile(r"chu tri (?:cuoc|phien|buoi|hoi nghi|hop)")  # chairs a meeting
# What a chair does in a meeting, not a task ("... cũng đề nghị", "... chủ trì cuộc họp").
_SPEECH = re.compile(
    r"(?:(?:cung|da|tiep tuc|dong thoi) )*(?:yeu cau|de nghi|chi dao|ket luan|giao|nhan manh|"
    r"phat bieu|cho rang|chu tri (?:cuoc|phien|buoi|hoi nghi|hop)|thay mat|du|tham du)\b"
)
_GIVEN = re.compile(r"duoc (?:[a-z&]+ ){0,6}giao\b")


def _words_before(tokens: Sequence[Token], k: int, n: int = 6) -> list[str]:
    out: list[str] = []
    j = k - 1
    while j >= 0 and tokens[j].word and len(out) < n:
        out.append(tokens[j].key)
        j -= 1
    return out[::-1]


def _words_after(tokens: Sequence[Token], k: int, n: int = 6) -> str:
    out: list[str] = []
    j = k
    while j < len(tokens) and tokens[j].word and len(out) < n:
        out.append(tokens[j].key)
        j += 1
    return " ".join(out)


def _ends_with(words: list[str], phrase: str) -> bool:
    parts = phrase.split()
    return len(words) >= len(parts) and words[-len(parts) :] == parts


def _starts_with(text: str, phrases: Sequence[str] | set[str]) -> bool:
    return any(text == p or text.startswith(p + " ") for p in phrases)


def _addressed(tokens: Sequence[Token], k: int) -> bool:
    """Is the name at ``k`` the object of "yêu cầu"/"đề nghị"/"giao"?

    A time phrase between commas may stand in between: "yêu cầu, thời gian tới, BCĐ ...".
    """
    before = _words_before(tokens, k)
    if not before and k >= 2 and tokens[k - 1].text == ",":
        j = k - 2
        skipped = 0
        while j >= 0 and tokens[j].word and skipped < 5:
            j -= 1
            skipped += 1
        if 0 < skipped < 5 and j >= 1 and tokens[j].text == ",":
            before = _words_before(tokens, j)
        elif j >= 0:
            before = _words_before(tokens, k - 1)
    for phrase in _ADDRESS_BEFORE:
        if _ends_with(before, phrase):
            rest = before[: len(before) - len(phrase.split())]
            if not rest or (rest[-1] not in _NOT_ADDRESS and " ".join(rest[-2:]) != "dap ung"):
                return True
    return False


def analyse(text: str, ctx: Context) -> Roles:
    """The lead, cooperating and pointed-back-to units of ``text`` (one sentence or item)."""
    text = text[:MAX_ANALYSED]
    tokens = tokenize(text)
    roles = Roles()
    medium_found = False
    for runs, first, after in find_unit_runs(tokens, case_ok=ctx.case_ok, known=ctx.known):
        names = [_unit_text(text, run) for run in runs]
        before = _words_before(tokens, first)
        next_words = _words_after(tokens, after)
        prev_text = tokens[first - 1].text if first > 0 else ""
        clause_start = first == 0 or prev_text in (",", ";", ":", "(", "-", "–")
        strong_after = _starts_with(next_words, _STRONG_AFTER) and not _CHAIRING.match(next_words)
        office = next((p for p in _PERSON_BEFORE if _ends_with(before, p)), None)
        if office is not None and not runs[0].group:
            # "Giám đốc Sở Y tế chủ trì", "yêu cầu Giám đốc Sở Y tế ...": the office stands for
            # its unit as the doer or the addressee; "Chủ tịch UBND tỉnh kết luận" is a speaker.
            # ``before`` stops at punctuation: a short one is just the title.
            office_starts = len(before) <= 3 and not _SPEECH.match(next_words)
            addressed = _addressed(tokens, first - len(office.split()))
            if (
                strong_after
                or addressed
                or (office_starts and _starts_with(next_words, SUBJECT_VERBS))
            ):
                (roles.strong if strong_after else roles.medium).extend(names)
                medium_found = medium_found or not strong_after
            continue
        if any(_ends_with(before, p) for p in _COOP_BEFORE):
            roles.coop.extend(names)
            continue
        giao = _ends_with(before, "giao") or _ends_with(before, "giao cho")
        if giao and len(before) > 1 and before[-2 if before[-1] == "giao" else -3] in _NOT_ADDRESS:
            giao = False
        # "Sở X được UBND tỉnh giao chủ trì": X was given the work.
        given = clause_start and not before and _GIVEN.match(_words_after(tokens, after, 10))
        if giao or given or strong_after:
            roles.strong.extend(names)
            continue
        if medium_found:
            continue
        towards = _ends_with(before, "ve phia") or _ends_with(before, "doi voi")
        backref = next((p for p in _BACKREF_AFTER if _starts_with(next_words, (p,))), None)
        if backref and runs[-1].group:
            next_words = next_words[len(backref) :].strip()
        if (
            _addressed(tokens, first)
            or (towards and next_words == "" and after < len(tokens))
            or (clause_start and not before and _starts_with(next_words, SUBJECT_VERBS))
        ):
            roles.medium.extend(names)
            medium_found = True
            roles.backref = bool(backref and runs[-1].group)
    roles.coop = [c for c in unique_names(roles.coop) if c not in roles.lead]
    roles.strong = unique_names(roles.strong)
    return roles


def _unit_text(text: str, run: UnitRun) -> str:
    return " ".join(text[run.start : run.end].replace("**", "").split()).strip(' *"“”')


def unique_names(items: list[str]) -> list[str]:
    """``items`` without repeats (compared folded), in their first order."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = fold_ocr(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


_HEADING_TAIL = {
    "chiu", "co", "trach", "nhiem", "thuc", "hien", "can", "phai", "cac", "vu", "noi", "dung",
    "sau", "day", "chu", "tri", "tap", "trung", "mot", "so", "nhu", "cu", "the", "trien",
    "khai", "la", "duoc", "giao",
}  # fmt: skip
_HEADING_LEAD_IN = ("doi voi", "ve phia", "giao", "de nghi", "yeu cau", "rieng")


def heading_units(text: str, ctx: Context) -> list[str] | None:
    """The units of a heading that is nothing but units ("3. Văn phòng UBND tỉnh")."""
    if len(text) > 300:
        return None
    tokens = tokenize(text)
    k = 0
    for phrase in _HEADING_LEAD_IN:
        if _words_after(tokens, 0, 3).startswith(phrase):
            k = len(phrase.split())
            break
    runs = find_unit_runs(tokens[k:], case_ok=ctx.case_ok, known=ctx.known)
    if not runs or runs[0][1] != 0:
        return None
    units, _first, after = runs[0]
    rest = [t.key for t in tokens[k + after :] if t.word]
    if len(rest) > 8 or any(word not in _HEADING_TAIL for word in rest):
        return None
    return [_unit_text(text, run) for run in units]


# ---------------------------------------------------------------------------
# The subject of a verb
# ---------------------------------------------------------------------------

# Notices write a unit's continuing work as "<unit> ... tiếp tục <verb>", the name first
# and only adverbs, its role or an adverbial phrase between the name and the verb:
# "Sở Y tế tiếp tục ...", "Giám đốc Sở Y tế tiếp tục ..." (an office for its unit),
# "Giao Sở Tài chính tiếp tục ...", "đề nghị các thành viên BCĐ, trên cơ sở chức năng,
# nhiệm vụ của mình tiếp tục ...", "Sở A chủ trì, phối hợp với Sở B tiếp tục ..." (Sở A).
# The name must open its clause: elsewhere it is an object or a complement ("để các
# doanh nghiệp tiếp tục", "kết quả của Sở Y tế tiếp tục tăng"), and a word after another
# verb belongs to that verb's object ("Sở A lập phương án tiếp tục đầu tư").

# What may stand between a unit and its verb: adverbs and the unit's role.
_LINK_WORDS = {
    "can", "phai", "can phai", "cung", "se", "chu dong", "tich cuc", "nghiem tuc", "chu tri",
    "co trach nhiem", "chiu trach nhiem",
}  # fmt: skip
# How an adverbial phrase opens ("trên cơ sở chức năng, nhiệm vụ của mình", "thời gian tới").
_ADVERBIAL_OPENERS = {
    "tren co so", "can cu", "theo chuc nang", "theo nhiem vu", "theo tham quyen", "trong",
    "thoi gian toi", "tu nay", "voi", "bang", "tai",
}  # fmt: skip
# Words before a name that make it the object of a directive ("Giao X", "đề nghị X").
_DIRECTIVES = ("giao", "giao cho", "yeu cau", "de nghi", "chi dao", "dong thoi")
# An office that stands for its unit ("Giám đốc Sở Y tế", "Phó Chủ tịch UBND huyện").
_OFFICES = ("giam doc", "chu tich", "thu truong", "truong", "lanh dao", "bi thu")
_OPENING_MARKS = set('.,;:!?(-–—+•*"“')
_MAX_BETWEEN = 20  # tokens between a unit's name and its verb
_MAX_COOPERATING = 3  # "phối hợp với X" phrases between the subject and its verb


def _phrase_length(tokens: Sequence[Token], k: int, phrases: set[str]) -> int:
    """Words of the longest phrase of ``phrases`` starting at token ``k`` (0 if none)."""
    words = _words_after(tokens, k, 3)
    return max((len(p.split()) for p in phrases if _starts_with(words, (p,))), default=0)


class UnitSubjects:
    """The unit names of one text (read on the first question) as subjects of its verbs.

    The text is read once, in time proportional to its length; unit names are read by
    their shape, with the case trusted when the text has capitals at all.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens: list[Token] | None = None
        self._starts: list[int] = []  # offset of each token
        self._runs: list[tuple[int, int]] = []  # (first token, token after) of each list of names
        self._afters: list[int] = []

    def _read(self) -> list[Token]:
        if self._tokens is None:
            # Token offsets are offsets of ``text`` only in NFC (OCR folding keeps lengths).
            nfc = unicodedata.is_normalized("NFC", self.text)
            self._tokens = tokenize(self.text) if nfc else []
            case_ok = any(c.isupper() for c in self.text)
            found = find_unit_runs(self._tokens, case_ok=case_ok)
            self._runs = [(first, after) for _names, first, after in found]
            self._afters = [after for _first, after in self._runs]
            self._starts = [t.start for t in self._tokens]
        return self._tokens

    def has_subject(self, offset: int) -> bool:
        """Is the word at ``offset`` of the text the verb of a unit standing as its subject?"""
        tokens = self._read()
        verb = bisect_left(self._starts, offset)
        if verb >= len(tokens) or self._starts[verb] != offset:
            return False
        i = bisect_right(self._afters, verb) - 1  # the last list of names before the verb
        for _step in range(_MAX_COOPERATING + 1):
            if i < 0:
                break
            first, after = self._runs[i]
            if verb - after > _MAX_BETWEEN or not _linked(tokens, after, verb):
                return False
            words = _words_before(tokens, first)
            cooperation = next((p for p in _COOP_BEFORE if _ends_with(words, p)), None)
            if cooperation is None:
                return _opens_clause(tokens, first)
            # "Sở A chủ trì, phối hợp với Sở B tiếp tục ...": Sở A is the subject.
            verb = first - len(cooperation.split())
            i -= 1
        return False


def _linked(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Do tokens [start, end) join a name to its verb (adverbs, role, adverbial phrase)?"""
    k = start
    while k < end:
        if _phrase_length(tokens, k, _ADVERBIAL_OPENERS):
            return all(t.word or t.text == "," for t in tokens[k:end])
        n = 1 if tokens[k].text == "," else _phrase_length(tokens, k, _LINK_WORDS)
        if not n:
            return False
        k += n
    return True


def _opens_clause(tokens: Sequence[Token], first: int) -> bool:
    """Does the name at ``first`` (or the office before it) open its clause?"""
    office = next((p for p in _OFFICES if _ends_with(_words_before(tokens, first, 3), p)), None)
    if office is not None:
        first -= len(office.split())
        if first > 0 and tokens[first - 1].key == "pho":
            first -= 1
    if first == 0:
        return True
    if not tokens[first - 1].word:
        return tokens[first - 1].text in _OPENING_MARKS
    return any(_ends_with(_words_before(tokens, first, 4), p) for p in _DIRECTIVES)
