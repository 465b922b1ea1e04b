"""Deadline phrases of Vietnamese notices: ``trước ngày 04/02/2023``, ``trong quý II/2024``,
``hằng quý``, ``thường xuyên``... and the urgency words ``khẩn trương``, ``ngay``.

How a phrase is found
---------------------
Phrases are read in a folded copy of the text (:mod:`.folded`: lowercase, no
diacritics, OCR digits repaired) that maps every character back to the
original, so the phrases reported (``text``, ``start``, ``end``) are slices of
the original string. Spaces around separators (``04 / 02 / 2023``), after a
leading zero (``0 4/02/2023``) and lines broken inside a phrase are allowed.

A *time object* (a date, a month, a quarter, a half-year, a year) counts only
when a *cue* stands right before it, which is how Vietnamese writes deadlines
and never how it writes citations (``Quyết định số 1742/QĐ-UBND ngày
08/11/2021``) or narrative (``Ngày 31/01/2023, Chủ tịch ... chủ trì``):

Tiers, strongest first:

* 10: a completion cue and a date: ``hoàn thành trước 30/6/2024``, ``chậm nhất
  ngày 15/3/2024``, ``Thời gian hoàn thành trước ngày 04/2/2022``, ``hạn chót``.
* 9: ``trước`` and a date: ``trước ngày 04/02/2023``, ``trước 17 giờ ngày 15/3``.
* 8: a completion cue and a period: ``hoàn thành trong năm 2025``, ``thời hạn:
  quý II/2024``, ``hoàn thành trong năm``.
* 7: ``trong``/``cuối``/``hết``/``vào``/``trước`` and a period: ``trong tháng
  6/2024``, ``vào cuối năm 2026``, ``6 tháng cuối năm 2024``, ``trong năm nay``.
* 6: ``vào``/``đến``/``trong`` and a date, ``từ ngày ... đến ngày ...``.
* 5: a month, quarter or half-year standing alone between punctuation:
  ``..., quý III/2024.``
* 4: a recurrence: ``hằng quý``, ``định kỳ 6 tháng``, ``báo cáo 6 tháng``.
* 3: daily or weekly work (``hằng ngày``), read as continuous work.
* 2: continuous work: ``thường xuyên rà soát``, ``Tiếp tục ...``, ``Sở A tiếp tục ...``.

The highest tier wins; among equal dated candidates the latest date (a task's
final step), otherwise the first one. A period is read as its last day
(``6 tháng đầu năm`` -> 30/06, ``6 tháng cuối năm`` -> 31/12); ``trước`` a
period means the day before it starts. A bare ``năm 2025`` is never a
deadline, nor is ``đến năm 2030`` (a plan's horizon).

Narrative rules
---------------
* A date without its year takes the document's year; without a document date
  such a phrase is dropped.
* A completion or ``trước`` date before the document's date is kept as written
  (the parser flags it). A weaker candidate (tiers 4 to 7) whose period ended
  before the document's date describes the past (``Trong năm 2022, ...``) and is
  dropped.
* ``đã`` (already) in the same clause before the cue, or right after the phrase
  (``năm 2022 đã ...``), and ``vẫn còn``/``vẫn chưa`` after it, mark narrative
  (:func:`.folded.is_narrative`).
* ``thường xuyên`` qualifies the task unless it is narrative (``đã thường
  xuyên``), negated (``chưa thường xuyên``) or the budget term ``chi thường
  xuyên``. ``hằng ngày``/``hằng tuần`` are continuous work (the register has no
  daily or weekly recurrence).
* ``tiếp tục`` counts when it is the main verb of a directive: at the start of
  a clause, after a directive word (``yêu cầu``, ``đề nghị``, ``giao``, ``cần``,
  ``phải``, ``và``...), or after a unit standing as the clause's subject
  (``Sở Y tế tiếp tục ...``, ``đề nghị các thành viên BCĐ, trên cơ sở chức năng,
  nhiệm vụ của mình tiếp tục ...``: see :class:`.roles.UnitSubjects`). Never in a purpose
  clause (``để tiếp tục``), negated, narrative (``đã tiếp tục``), after a subject
  that is not a unit (``kết quả tiếp tục tăng``) or after a unit that is not the
  subject (``của Sở Y tế tiếp tục tăng``, ``Sở A lập phương án tiếp tục đầu
  tư``), nor before a state (``tiếp tục được``, ``tiếp tục là``).

The year without its number
---------------------------
``năm nay`` is the document's year by name (``trong năm nay`` is read as
``trong năm <year>``). A bare ``trong năm`` is a deadline only after a
completion cue (``hoàn thành trong năm``, ``Thời hạn: trong năm``): 31/12 of
the document's year, as ``cuối năm`` is. Anywhere else (``tăng tỷ lệ ... trong
năm``) it says when the work happens, not when it is due, and is not read:
the continuing work around it (``Tiếp tục ...``) stays the task's deadline.
A notice dated at the end of a year about the next one would mean the next
year; the officer sees the phrase and its date in the review.

The urgency words (``khẩn trương``, ``ngay``) are read by :mod:`.urgency`;
:func:`find_urgency` is re-exported here.

All patterns are linear (bounded repetitions, no nested quantifiers), so any
input is scanned in time proportional to its length.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from cdsdesk.domain.enums import DeadlineKind, Recurrence
from cdsdesk.importing.folded import WORD_RE, WORD_START, FoldedText, is_narrative
from cdsdesk.importing.roles import UnitSubjects
from cdsdesk.importing.urgency import find_urgency

__all__ = ["DeadlineGuess", "find_deadline", "find_deadlines", "find_urgency"]

MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class DeadlineGuess:
    """One deadline phrase and what it means."""

    kind: DeadlineKind
    date: dt.date | None  # the due date of a date or period
    period_start: dt.date | None
    recurrence: Recurrence | None
    ongoing: bool
    text: str  # the phrase exactly as written in the source
    start: int  # offsets of ``text`` in the searched string
    end: int


# ---------------------------------------------------------------------------
# Time objects
# ---------------------------------------------------------------------------

_NUM2 = r"(?:0 ?[1-9]|[0-9]{1,2})"
_YEAR = r"(?:[12] ?[0-9] ?[0-9] ?[0-9])"
_SEP = r" ?[/.\-] ?"
_YEAR_JOIN = rf"(?:{_SEP}|(?: ?,)? ?nam ?)"

_OBJECT_RE = re.compile(
    rf"(?P<wdate>(?<![0-9])(?P<wd>{_NUM2}) ?thang ?(?P<wm>{_NUM2})"
    rf"(?:(?: ?,)? ?nam ?(?P<wy>{_YEAR}))?(?![0-9]))"
    rf"|(?P<date>(?<![0-9/.\-])(?P<d>{_NUM2}){_SEP}(?P<m>{_NUM2})"
    rf"(?:{_SEP}(?P<y>{_YEAR})(?![0-9])|(?! ?[/.\-] ?[0-9])(?![0-9])))"
    rf"|(?P<half>(?<![a-z0-9])(?:(?:6|sau) thang|nua) (?P<h>dau|cuoi) nam"
    rf"(?:(?:{_SEP}| )(?P<hy>{_YEAR}))?(?![0-9]))"
    rf"|(?P<month>(?<![a-z])thang ?(?P<mm>{_NUM2})(?:{_YEAR_JOIN}(?P<my>{_YEAR}))?"
    rf"(?![0-9])(?! ?[/.\-] ?[0-9]))"
    rf"|(?P<quarter>(?<![a-z])qu[yi] ?(?P<q>[il|]v|[il|]{{1,3}}|[1-4])(?![a-z0-9])"
    rf"(?:{_YEAR_JOIN}(?P<qy>{_YEAR}))?(?![0-9]))"
    rf"|(?P<year>(?<![a-z])nam ?(?P<yy>{_YEAR})(?![0-9])(?: ?- ?(?P<yy2>{_YEAR})(?![0-9]))?)"
    rf"|(?P<yearend>(?<![a-z])(?:cuoi|het) nam(?! ?[0-9])(?! hoc)(?: nay)?(?![a-z]))"
    rf"|(?P<thisyear>(?<![a-z])nam(?: (?P<nay>nay)(?![a-z])|(?= ?(?:[.,;:)!?]|$))))"
)

_FILL = (
    r"(?: ?[:,\-]| (?:la|vao|truoc|trong|het|den|toi|ngay|xong|cuoi"
    r"|thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat"
    r"|[0-9]{1,2} ?(?:gio|h)(?: ?[0-9]{2})?(?: ?phut)?))"
)
_COMPLETION = (
    r"(?:thoi (?:gian|han) (?:hoan (?:thanh|tat)|thuc hien|xong)|thoi han|thoi gian(?= ?:)"
    r"|han (?:chot|cuoi)|hoan (?:thanh|tat)(?: xong)?|xong|(?:cham|muon|tre) nhat"
    r"|khong (?:cham|muon|tre|qua) (?:hon|sau))"
)
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("completion", re.compile(rf"{WORD_START}{_COMPLETION}{_FILL}{{0,5}} ?$")),
    ("before", re.compile(rf"{WORD_START}truoc{_FILL}{{0,4}} ?$")),
    ("end", re.compile(rf"{WORD_START}(?:(?:vao|den|truoc|toi) )?(?:cuoi|het) ?$")),
    ("within", re.compile(rf"{WORD_START}(?:ngay )?trong(?: (?:ngay|suot))? ?$")),
    ("at", re.compile(rf"{WORD_START}(?:vao|den|toi)(?: het)?(?: ngay)? ?$")),
)
_RANGE_FROM_RE = re.compile(
    rf"{WORD_START}tu (?:ngay )?(?P<d>{_NUM2}){_SEP}(?P<m>{_NUM2})(?:{_SEP}(?P<y>{_YEAR}))? ?$"
)
_COMPLETION_BEFORE_RE = re.compile(rf"{WORD_START}{_COMPLETION}(?: ?[:,\-])? ?$")
_ENDS_WITH_END_WORD_RE = re.compile(r"(?:cuoi|het) ?$")
_YEARLESS_RECURRING_RE = re.compile(r" ?(?:cua )?(?:hang|moi) (?:nam|quy|thang)(?![a-z])")
_AS_OF_RE = re.compile(r"(?:tinh|cho) (?:den|toi)(?: het)?(?: ngay)? ?$")


@dataclass(frozen=True)
class _Candidate:
    tier: int
    guess: DeadlineGuess


def _year(raw: str | None, doc_date: date | None) -> int | None:
    if raw is None:
        return doc_date.year if doc_date is not None else None
    value = int(raw.replace(" ", ""))
    return value if MIN_YEAR <= value <= MAX_YEAR else None


def _num(raw: str) -> int:
    return int(raw.replace(" ", ""))


def _make_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _roman_quarter(raw: str) -> int | None:
    value = raw.replace("l", "i").replace("|", "i")
    return {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}.get(value)


def _object_dates(m: re.Match[str], doc_date: date | None) -> tuple[str, date, date] | None:
    """(shape, first day, last day) of the time object, or None if it is not valid."""
    group = m.lastgroup
    if group == "wdate" or group == "date":
        d, mo, y = ("wd", "wm", "wy") if group == "wdate" else ("d", "m", "y")
        day = _make_date(_year(m.group(y), doc_date), _num(m.group(mo)), _num(m.group(d)))
        return ("date", day, day) if day else None
    if group == "half":
        year = _year(m.group("hy"), doc_date)
        if year is None:
            return None
        if m.group("h") == "dau":
            return "period", date(year, 1, 1), date(year, 6, 30)
        return "period", date(year, 7, 1), date(year, 12, 31)
    if group == "month":
        year, month = _year(m.group("my"), doc_date), _num(m.group("mm"))
        if year is None or not 1 <= month <= 12:
            return None
        return "period", date(year, month, 1), _month_end(year, month)
    if group == "quarter":
        year, quarter = _year(m.group("qy"), doc_date), _roman_quarter(m.group("q"))
        if year is None or quarter is None:
            return None
        return "period", date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    if group == "year":
        first = _year(m.group("yy"), doc_date)
        last = _year(m.group("yy2"), doc_date) if m.group("yy2") else first
        if first is None or last is None or last < first:
            return None
        return "year", date(first, 1, 1), date(last, 12, 31)
    if group == "yearend":
        year = _year(None, doc_date)
        if year is None:
            return None
        return "yearend", date(year, 1, 1), date(year, 12, 31)
    if group == "thisyear":
        year = _year(None, doc_date)
        if year is None:
            return None
        shape = "year" if m.group("nay") else "bareyear"  # "năm nay" is this year by name
        return shape, date(year, 1, 1), date(year, 12, 31)
    return None


def _find_cue(window: str) -> tuple[str, int] | None:
    """The strongest cue ending ``window`` and its start in the window."""
    for name, pattern in _CUES:
        found = pattern.search(window)
        if found:
            return name, found.start()
    return None


_WINDOW = 90


def _time_candidates(f: FoldedText, doc_date: date | None) -> Iterator[_Candidate]:
    text = f.text
    for m in _OBJECT_RE.finditer(text):
        dates = _object_dates(m, doc_date)
        if dates is None:
            continue
        shape, first, last = dates
        base = max(0, m.start() - _WINDOW)
        window = text[base : m.start()]
        cue = _find_cue(window)
        cue_name, phrase_start = (cue[0], base + cue[1]) if cue else ("", m.start())
        tier, due, start = _judge(shape, cue_name, window, first, last)
        if (
            shape == "date"
            and _YEARLESS_RECURRING_RE.match(text, m.end())
            and not (m.group("y") or m.group("wy"))
        ):
            continue  # "trước ngày 15/12 hằng năm": the due day of a recurrence
        if tier == 0:
            if shape == "period" and _stands_apart(f, m.start(), m.end()):
                tier, due, start, phrase_start = 5, last, first, m.start()
            else:
                continue
        if cue_name == "at" and shape == "date":
            seg = max(0, phrase_start - 40)
            ranged = _RANGE_FROM_RE.search(text[seg:phrase_start])
            begin = None
            if ranged:
                begin = _make_date(
                    _year(ranged.group("y"), doc_date) or last.year,
                    _num(ranged.group("m")),
                    _num(ranged.group("d")),
                )
            if ranged and begin is not None and begin <= last:
                phrase_start, start = seg + ranged.start(), begin
                seg = max(0, phrase_start - 40)
                lead = _COMPLETION_BEFORE_RE.search(text[seg:phrase_start])
                if lead:
                    phrase_start, tier = seg + lead.start(), 8
        if is_narrative(f, phrase_start, m.end()):
            continue
        if shape == "year" and cue_name == "within" and _opens_sentence(f, phrase_start, m.end()):
            continue  # "Trong năm 2023, ..." sets the scene for a sentence
        if tier < 8 and doc_date is not None and due < doc_date:
            continue  # a weak phrase about a period already over: narrative
        kind = DeadlineKind.DATE if start is None else DeadlineKind.PERIOD
        yield _Candidate(tier, _guess(f, kind, due, start, None, phrase_start, m.end()))


def _judge(
    shape: str, cue: str, window: str, first: date, last: date
) -> tuple[int, date, date | None]:
    """(tier, due date, period start) of a time object after a cue; tier 0: not a deadline."""
    if shape == "date":
        tier = {"completion": 10, "before": 9, "at": 6, "within": 6}.get(cue, 0)
        if cue == "at" and _AS_OF_RE.search(window):
            tier = 0  # "tính đến ngày": as of, not until
        return tier, last, None
    ends_with_end = bool(_ENDS_WITH_END_WORD_RE.search(window))
    if shape == "yearend":
        # "cuối năm" without a year needs a cue of its own ("vào cuối năm", "trước cuối năm").
        tier = {"completion": 8, "before": 7, "at": 7}.get(cue, 0)
        return tier, last, first
    if shape == "bareyear":
        # "hoàn thành trong năm.": within this year; any other "trong năm" says when the
        # work happens ("tăng tỷ lệ ... trong năm"), not when it is due.
        tier = 8 if cue == "completion" and window.rstrip().endswith("trong") else 0
        return tier, last, first
    if cue == "completion":
        if "truoc" in window[-12:] and not ends_with_end:
            return 8, first - timedelta(days=1), None
        return 8, last, first
    if cue == "before" and not ends_with_end:
        return 7, first - timedelta(days=1), None
    if cue in ("end", "within", "before"):
        return 7, last, first
    if cue == "at" and re.search(r"(?:vao|het)(?: ngay)? ?$", window):
        return 7, last, first
    return 0, last, None


def _opens_sentence(f: FoldedText, start: int, end: int) -> bool:
    """True for a phrase that opens a sentence and is followed by a comma."""
    original = f.original
    first, last = f.span(start, end)
    before = original[:first].rstrip(" \t")
    after = original[last:].lstrip(" \t")
    return (not before or before[-1] in "\n.;:!?-+") and after.startswith(",")


def _stands_apart(f: FoldedText, start: int, end: int) -> bool:
    """True when a period stands alone between punctuation: ``"..., quý III/2024."``."""
    original = f.original
    first, last = f.span(start, end)
    i = first - 1
    while i >= 0 and original[i] in " \t":
        i -= 1
    j = last
    while j < len(original) and original[j] in " \t":
        j += 1
    before_ok = i < 0 or original[i] in "\n(,;:-–—"
    after_ok = j >= len(original) or original[j] in "\n).,;"
    return before_ok and after_ok


# ---------------------------------------------------------------------------
# Recurrences and continuous work
# ---------------------------------------------------------------------------

_RECURRENCE_RE = re.compile(
    rf"{WORD_START}(?:"
    r"(?P<every>(?:(?:theo )?dinh ky )?(?:hang|moi) (?P<unit>thang|quy|nam|tuan|ngay))"
    r"|(?P<periodic>(?:theo )?dinh ky (?P<punit>(?:6|sau) thang|thang|quy|nam|tuan))"
    r"|(?P<half>(?:(?:hang|moi) )?(?:6|sau) thang(?: ?/ ?lan| (?:mot|1) lan)"
    r"|(?:hang|moi) (?:6|sau) thang)"
    r"|(?P<bare>6 thang)"
    r")(?![a-z0-9])(?! ?[/.\-]? ?[0-9])"
)
_HALF_REPORT_BEFORE_RE = re.compile(
    r"(?:bao cao|so ket|tong ket|danh gia|ky|giao ban|hop|ket qua)(?: (?:dinh ky|ket qua))? $"
)
_HALF_NOT_AFTER = frozenset(
    {"dau", "cuoi", "qua", "toi", "tiep", "nay", "truoc", "sau", "ke", "lien"}
)
_UNIT_RECURRENCE = {
    "thang": Recurrence.MONTHLY,
    "quy": Recurrence.QUARTERLY,
    "nam": Recurrence.YEARLY,
}

_ONGOING_RE = re.compile(rf"{WORD_START}(?P<word>thuong xuyen|tiep tuc)(?![a-z0-9])")
_REGULAR_NOT_AFTER_RE = re.compile(
    r"(?:\bchi|kinh phi|nguon|ngan sach|du toan|chua|khong|thieu|it|kem) $"
)
_CONTINUE_AFTER_RE = re.compile(
    r"(?:[.;:!?(),+•\-]|\b(?:yeu cau|de nghi|giao|can|phai|se|chu dong|tich cuc|dong thoi"
    r"|va|cung|tham muu|tiep theo|nghiem tuc)) ?$"
)
_CONTINUE_NOT_AFTER_RE = re.compile(r"\b(?:de|nham|muon|khong|chua|dung|ngung) $")
# "UBND tỉnh tiếp tục được xếp hạng ...", "... tiếp tục là ...": a state, not work.
_STATE_AFTER_RE = re.compile(r" (?:duoc|la)(?![a-z])")


def _recurrence_candidates(f: FoldedText, doc_date: date | None) -> Iterator[_Candidate]:
    text = f.text
    for m in _RECURRENCE_RE.finditer(text):
        recurrence: Recurrence | None
        if m.group("every") is not None:
            recurrence = _UNIT_RECURRENCE.get(m.group("unit"))
        elif m.group("periodic") is not None:
            unit = m.group("punit")
            recurrence = (
                Recurrence.HALF_YEARLY
                if "thang" in unit and unit != "thang"
                else (_UNIT_RECURRENCE.get(unit))
            )
        elif m.group("half") is not None:
            recurrence = Recurrence.HALF_YEARLY
        else:
            before = text[max(0, m.start() - 30) : m.start()]
            nxt = WORD_RE.match(text, m.end() + 1) if text[m.end() : m.end() + 1] == " " else None
            if not _HALF_REPORT_BEFORE_RE.search(before) or (
                nxt is not None and nxt.group() in _HALF_NOT_AFTER
            ):
                continue
            recurrence = Recurrence.HALF_YEARLY
        if is_narrative(f, m.start(), m.end()):
            continue
        if recurrence is None:  # daily or weekly: continuous work
            yield _Candidate(
                3, _guess(f, DeadlineKind.ONGOING, None, None, None, m.start(), m.end())
            )
        else:
            yield _Candidate(
                4, _guess(f, DeadlineKind.RECURRING, None, None, recurrence, m.start(), m.end())
            )


def _ongoing_candidates(f: FoldedText) -> Iterator[_Candidate]:
    text = f.text
    subjects = UnitSubjects(f.original)
    for m in _ONGOING_RE.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if m.group("word") == "thuong xuyen":
            if _REGULAR_NOT_AFTER_RE.search(before):
                continue
        elif _CONTINUE_NOT_AFTER_RE.search(before):
            continue
        elif text[: m.start()].strip() and not _CONTINUE_AFTER_RE.search(before):
            # "Sở Y tế, theo chức năng của mình, tiếp tục ...": the verb of a unit.
            state = _STATE_AFTER_RE.match(text, m.end())
            if state or not subjects.has_subject(f.span(m.start(), m.end())[0]):
                continue
        if is_narrative(f, m.start(), m.end()):
            continue
        yield _Candidate(2, _guess(f, DeadlineKind.ONGOING, None, None, None, m.start(), m.end()))


def _guess(
    f: FoldedText,
    kind: DeadlineKind,
    due: date | None,
    period_start: date | None,
    recurrence: Recurrence | None,
    start: int,
    end: int,
) -> DeadlineGuess:
    while start < end and f.text[start] == " ":
        start += 1
    first, last = f.span(start, end)
    return DeadlineGuess(
        kind=kind,
        date=due,
        period_start=period_start,
        recurrence=recurrence,
        ongoing=kind is DeadlineKind.ONGOING,
        text=f.original[first:last],
        start=first,
        end=last,
    )


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def _candidates(text: str, doc_date: date | None) -> list[_Candidate]:
    if not text:
        return []
    folded = FoldedText(text)
    if not folded.text:
        return []
    found = list(_time_candidates(folded, doc_date))
    found += _recurrence_candidates(folded, doc_date)
    found += _ongoing_candidates(folded)
    return found


def find_deadlines(text: str, doc_date: date | None) -> list[DeadlineGuess]:
    """Every deadline phrase accepted in ``text``, in text order."""
    return sorted((c.guess for c in _candidates(text, doc_date)), key=lambda g: g.start)


def find_deadline(text: str, doc_date: date | None) -> DeadlineGuess | None:
    """The deadline of one task's text (which may span several sentences), or None.

    ``doc_date`` is the notice's date: it supplies the year of dates written
    without one and tells past narrative from deadlines.
    """
    found = _candidates(text, doc_date)
    if not found:
        return None
    best = max(
        found,
        key=lambda c: (
            c.tier,
            c.guess.date.toordinal() if c.guess.date is not None else 0,
            -c.guess.start,
        ),
    )
    return best.guess
