"""Urgency words of notices: a priority without a date (``khẩn trương``, ``ngay``).

:func:`find_urgency` reads ``khẩn trương``, ``khẩn cấp``, ``hỏa tốc``, ``kịp
thời``, ``sớm`` and ``ngay`` meaning *immediately* (``khắc phục ngay``,
``triển khai ngay``, ``ngay lập tức``), unless negated or narrative (``chưa kịp
thời``, ``đã ban hành kịp thời``) or a quality named (``bảo đảm tính kịp thời``,
``sự khẩn trương``). ``tính``/``sự`` fold like ``tỉnh``/``sử``, which do not name a
quality (``Công an tỉnh khẩn trương ...``, ``lịch sử khẩn trương``): the
diacritics tell them apart and, when OCR lost them, the word before (``bảo đảm
tinh``, ``nâng cao tinh`` are ``tính``; anything else, a place's ``tỉnh``).
``ngay từ đầu năm`` is a time frame, not urgency; ``ngay cả``/``ngay tại`` are
not urgency either. In text that lost its diacritics ``ngay`` may be ``ngày``
(day): it is taken as a day next to a number or a date word.

All patterns are linear, so any input is scanned in time proportional to its
length.
"""

from __future__ import annotations

import re
import unicodedata

from cdsdesk.importing.folded import WORD_RE, WORD_START, FoldedText, is_narrative

__all__ = ["find_urgency"]


_URGENT_RE = re.compile(
    rf"{WORD_START}(?:khan (?:truong|cap)|hoa toc|kip thoi|ngay|som(?! (?:hon|muon)))(?![a-z0-9])"
)
# A quality, not a request: "bảo đảm tính kịp thời", "sự khẩn trương", "mức độ khẩn cấp".
_QUALITY_RE = re.compile(r"\b(?P<word>tinh|su|muc do)(?: duoc)? $")
_QUALITY_SPELLINGS = {"tinh": "tính", "su": "sự"}  # not "tỉnh" (province), "sử" (lịch sử)
# Words before a "tinh"/"su" that lost its diacritics that make it "tính"/"sự".
_QUALITY_AFTER = frozenset(
    {"dam", "bao", "cao", "cuong", "tang", "thieu", "co", "ve", "cua", "va", "voi", "bang"}
)
_NEGATIONS = frozenset({"chua", "khong", "thieu", "cham", "kem"})
# Words after "ngay" that make it a time frame or a day ("ngay từ đầu năm", "ngay cả").
_NGAY_NOT_BEFORE = frozenset(
    {"tu", "ca", "tai", "thang", "thu", "le", "nghi", "lam", "cong", "ky", "hieu", "nay"}
    | {"mai", "dem", "dau", "cuoi", "gio", "va", "hom", "sau"}
)
# Words before a stripped "ngay" that make it "ngày" (a day).
_NGAY_DAY_AFTER = frozenset(
    {"cac", "nhung", "moi", "hang", "tung", "cuoi", "dau", "trong", "mot", "hai", "ba"}
    | {"bon", "nam", "sau", "bay", "tam", "chin", "muoi", "nhieu", "so", "vao", "den"}
    | {"truoc", "tu", "cung", "cho", "ke", "hom"}
)


def find_urgency(text: str) -> bool:
    """Does ``text`` ask for the work to be done urgently (without a date)?"""
    if not text:
        return False
    f = FoldedText(text)
    folded = f.text
    for m in _URGENT_RE.finditer(folded):
        before = folded[max(0, m.start() - 40) : m.start()]
        clause = re.split(r"[.;:!?(),]", before)[-1]
        quality = _QUALITY_RE.search(before)
        if (
            (quality and _names_a_quality(f, m.start() - len(before) + quality.start("word")))
            or _NEGATIONS & set(clause.split()[-4:])
            or is_narrative(f, m.start(), m.end())
        ):
            continue
        if m.group() == "ngay" and not _means_immediately(f, m.start(), m.end()):
            continue
        return True
    return False


def _names_a_quality(f: FoldedText, start: int) -> bool:
    """Is the word at folded offset ``start`` ("tinh", "su", "muc do") a quality noun?"""
    word = WORD_RE.match(f.text, start)
    if word is None or word.group() not in _QUALITY_SPELLINGS:
        return True  # "mức độ"
    spelt = unicodedata.normalize("NFC", f.original_word(start, word.end())).lower()
    if spelt != word.group():  # written with its diacritics: they tell
        return spelt == _QUALITY_SPELLINGS[word.group()]
    previous = list(WORD_RE.finditer(f.text, max(0, start - 12), start))
    return bool(previous) and previous[-1].group() in _QUALITY_AFTER


def _means_immediately(f: FoldedText, start: int, end: int) -> bool:
    word = f.original_word(start, end)
    if word.lower() != "ngay":
        return False  # "ngày": a day
    text = f.text
    nxt = WORD_RE.match(text, end + 1) if text[end : end + 1] == " " else None
    if nxt is not None and nxt.group() in _NGAY_NOT_BEFORE:
        return False
    if re.match(r" ?[0-9]", text[end : end + 2]):
        return False
    prev = list(WORD_RE.finditer(text, max(0, start - 20), start))
    previous = prev[-1].group() if prev and prev[-1].end() >= start - 1 else None
    if re.search(r"[0-9] ?$", text[max(0, start - 3) : start]):
        return False
    return previous is None or previous not in _NGAY_DAY_AFTER
