"""Units in notices: finding their names in the text and matching them to the register.

Two jobs, both robust to OCR damage:

* :func:`find_unit_runs` reads unit names by their shape (``Sở ...``,
  ``Phòng ...``, ``UBND ...``, ``các sở, ban, ngành`` ...) in a tokenised
  sentence, each ending where the verb starts (``chủ trì``, ``có trách
  nhiệm`` ...). Names known to the register are recognised too.
* :func:`match_unit` compares a name as written with the register's units
  after folding diacritics, repairing OCR confusions and expanding the common
  abbreviations (``UBND``, ``TT&TT``, ``KH&CN`` ...), with a 0..100 score.

:func:`fold_ocr` is the folded view both work on: lowercase, no diacritics,
``đ`` → ``d``, ``1``/``0`` inside words read as ``l``/``o``, ``CPS``/``CBS``
read as ``cds``, and, unlike :func:`cdsdesk.textvi.fold`, exactly as long as
its input, so that every offset found in it points into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz, process

from cdsdesk.services.units import UnitInfo
from cdsdesk.textvi import fold

__all__ = [
    "CHECK_SCORE",
    "SURE_SCORE",
    "Token",
    "UnitIndex",
    "UnitMatch",
    "UnitRun",
    "find_unit_runs",
    "fold_ocr",
    "match_unit",
    "normalize_unit_name",
    "parse_unit_run",
    "tokenize",
]

SURE_SCORE = 90
"""A match at or above this score is taken without asking."""
CHECK_SCORE = 70
"""From this score up to :data:`SURE_SCORE` the match is shown for checking; below, unknown."""
_TIE_WINDOW = 3.0  # scores this close are the same match as far as the text can tell

# ---------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    folded = fold(ch)
    return folded if len(folded) == 1 else ch


_FOLD_TABLE = {
    cp: _fold_char(chr(cp))
    for block in (range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for cp in block
}
_OCR_DIGIT_IN_WORD = re.compile(r"(?<=[a-z])[10](?=[a-z])|(?<![\w])1(?=[a-z]{1,}\b)|(?<=[a-z])1\b")
_OCR_CDS = re.compile(r"\bc[pb]s\b")


def fold_ocr(text: str) -> str:
    """``text`` folded for matching, with common OCR confusions repaired.

    The result has exactly the length of ``text`` (NFC input), character for
    character: ``fold_ocr("Phòng Quản 1ý") == "phong quan ly"``.
    """
    folded = text.translate(_FOLD_TABLE)
    folded = _OCR_DIGIT_IN_WORD.sub(lambda m: "l" if m.group(0) == "1" else "o", folded)
    return _OCR_CDS.sub("cds", folded)


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str  # as written
    key: str  # fold_ocr of text
    word: bool

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def upper(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


_TOKEN_RE = re.compile(r"[^\W_]+(?:[&'][^\W_]+)*|\S", re.UNICODE)


def tokenize(text: str, folded: str | None = None, offset: int = 0) -> list[Token]:
    """Words (``TT&TT`` is one) and single punctuation marks of ``text``."""
    folded = fold_ocr(text) if folded is None else folded
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        start, end = match.span()
        word = match.group(0)[0].isalnum()
        tokens.append(Token(start + offset, end + offset, match.group(0), folded[start:end], word))
    return tokens


# ---------------------------------------------------------------------------
# Unit names by their shape
# ---------------------------------------------------------------------------

# Words (folded) that begin a unit's name, each with the spellings allowed as
# written (None: any), which keep look-alikes out after folding: "số" is not "Sở".
_KEYWORDS: dict[tuple[str, ...], frozenset[str] | None] = {
    ("uy", "ban", "nhan", "dan"): None,
    ("hoi", "dong", "nhan", "dan"): None,
    ("ban", "chi", "dao"): None,
    ("uy", "ban"): None,  # "Ủy ban Mặt trận Tổ quốc": a capitalised name must follow
    ("ban", "quan", "ly"): None,
    ("van", "phong"): None,
    ("chi", "cuc"): None,
    ("tong", "cuc"): None,
    ("trung", "tam"): None,
    ("thanh", "tra"): None,
    ("cong", "an"): None,
    ("kho", "bac"): None,
    ("benh", "vien"): None,
    ("mat", "tran"): None,
    ("ngan", "hang"): None,
    ("chi", "nhanh"): None,
    ("tong", "cong", "ty"): None,
    ("cong", "ty"): None,
    ("tap", "doan"): None,
    ("buu", "dien"): None,
    ("bao", "hiem", "xa", "hoi"): None,
    ("bao", "hiem"): None,
    ("thuong", "truc"): None,
    ("tinh", "uy"): None,
    ("thanh", "uy"): None,
    ("huyen", "uy"): None,
    ("dang", "uy"): None,
    ("bo", "chi", "huy"): None,
    ("ubnd",): None,
    ("hdnd",): None,
    ("bcd",): None,
    ("ubmttq",): None,
    ("vpub",): None,
    ("vpubnd",): None,
    ("so",): frozenset({"sở", "so"}),
    ("phong",): frozenset({"phòng", "phong"}),
    ("ban",): frozenset({"ban"}),
    ("cuc",): frozenset({"cục", "cuc"}),
    ("bo",): frozenset({"bộ", "bo"}),
    ("to",): frozenset({"tổ", "to"}),
    ("bao",): frozenset({"báo", "bao"}),
    ("dai",): frozenset({"đài", "dai"}),
    ("vien",): frozenset({"viện", "vien"}),
    ("truong",): frozenset({"trường", "truong"}),
    ("hoi",): frozenset({"hội", "hoi"}),
    ("doan",): frozenset({"đoàn", "doan"}),
    ("quy",): frozenset({"quỹ", "quy"}),
}
_ABBREVIATION_KEYWORDS = {("ubnd",), ("hdnd",), ("bcd",), ("ubmttq",), ("vpub",), ("vpubnd",)}
# Keywords that make a name on their own or before a lowercase word ("UBND tỉnh",
# "Công an tỉnh", "Tổ công tác"); the others need a capitalised next word.
_OPEN_KEYWORDS = {
    ("uy", "ban", "nhan", "dan"), ("hoi", "dong", "nhan", "dan"), ("ban", "chi", "dao"),
    ("ban", "quan", "ly"), ("ubnd",), ("hdnd",), ("bcd",), ("ubmttq",), ("vpub",), ("vpubnd",),
    ("cong", "an"), ("thanh", "tra"), ("tinh", "uy"), ("thanh", "uy"), ("huyen", "uy"),
    ("dang", "uy"), ("to",), ("chi", "cuc"), ("trung", "tam"), ("bao", "hiem", "xa", "hoi"),
}  # fmt: skip
# Names specific enough to be read even when written in lowercase ("ủy ban nhân dân các huyện").
_LOWERCASE_OK = {
    ("uy", "ban", "nhan", "dan"),
    ("hoi", "dong", "nhan", "dan"),
    ("ban", "chi", "dao"),
}
# Next words that turn a keyword into an ordinary word ("Tổ chức", "Ban hành").
_NOT_AFTER_KEYWORD = {
    ("to",): {"chuc"},
    ("ban",): {"hanh", "hang"},
    ("bao",): {"cao", "dam", "ve"},
    ("bo",): {"phan", "chi", "tieu", "may", "tai"},
    ("hoi",): {"nghi", "thao", "dong"},
    ("thanh", "tra"): {"viec", "cac", "doi"},
    ("trung", "tam"): {"cua", "va", "la"},
}
# Keywords that are ordinary words unless one of these follows ("Trường Đại học").
_ONLY_BEFORE = {
    ("truong",): {"dai", "cao", "trung", "chinh", "thpt", "thcs", "mam", "tieu"},
    ("quy",): {"dau", "phat", "ho", "bao", "khoa"},
}
_MAX_KW = max(len(k) for k in _KEYWORDS)
_PLACE_WORDS = {"tinh", "huyen", "xa", "thanh", "pho", "thi", "tran", "phuong", "quan", "cap"}

# Group names: "các sở, ban, ngành", "Trưởng các phòng", "thành viên Ban Chỉ đạo".
_GROUP_NOUNS = {
    "so", "ban", "nganh", "co quan", "don vi", "dia phuong", "phong", "huyen", "xa", "phuong",
    "thi xa", "thanh pho", "thi tran", "doanh nghiep", "to chuc", "hoi", "doan the", "truong",
    "benh vien", "trung tam", "chi cuc", "cuc", "bo", "cap", "quan", "co so", "ban nganh",
}  # fmt: skip
_GROUP_FILLERS = {
    "thuoc", "truc thuoc", "lien quan", "co lien quan", "chuyen mon", "tinh", "huyen", "cap",
    "nha nuoc", "trung uong", "tren dia ban", "khac", "cap tinh", "cap huyen", "cap xa",
}  # fmt: skip
_GROUP_ROLES = (
    ("thu", "truong"), ("nguoi", "dung", "dau"), ("lanh", "dao"), ("giam", "doc"), ("truong",),
    ("chu", "tich", "ubnd"), ("chu", "tich", "uy", "ban", "nhan", "dan"),
)  # fmt: skip

# Lowercase words that end a unit's name: the verbs and particles that follow a subject.
_STOP_WORDS = {
    "chu tri", "phoi hop", "co trach nhiem", "chiu trach nhiem", "trach nhiem", "khan truong",
    "tham muu", "thuc hien", "trien khai", "ra soat", "xay dung", "theo doi", "bao cao",
    "huong dan", "can", "phai", "tap trung", "tiep tuc", "nghien cuu", "de xuat", "kiem tra",
    "don doc", "chuan bi", "day manh", "nang cao", "hoan thien", "hoan thanh", "bao dam",
    "dam bao", "cung cap", "ban hanh", "trinh", "xem xet", "danh gia", "nghiem tuc", "kip thoi",
    "thuong xuyen", "chu dong", "tich cuc", "som", "la", "duoc", "da", "dang", "se", "voi", "de",
    "theo", "trong", "tai", "ve", "nham", "tren", "doi voi", "thi", "cung", "lam", "giao",
    "yeu cau", "de nghi", "chi dao", "to chuc", "tong hop", "quan ly", "phu trach", "bam sat",
    "tang cuong", "cap nhat", "ket noi", "su dung", "khai thac", "thong nhat", "phe duyet",
    "bo tri", "gui", "nop", "lap", "xu ly", "tuyen truyen", "quan triet", "uu tien", "khac phuc",
    "chan chinh", "ho tro", "tiep nhan", "giai quyet", "co", "nhu", "hoac", "ngay", "truoc",
    "sau", "tu", "den", "dong thoi", "cho", "bang", "neu", "khi", "vao", "tham gia", "chua",
    "con", "dieu hanh", "doi moi", "ra", "len", "phat huy", "cu", "thong bao", "lien he",
    "dung", "nay", "do", "moi", "nhung", "mot", "hang", "dinh ky", "kip", "nam", "quy",
    "thang", "giai doan", "qua", "nhan", "biet", "bam", "quyet liet", "sot sang", "khan",
    "quan tam", "hang quy", "hang nam", "hang thang", "hoi nghi", "cuoc hop", "du", "nghe",
    "phat bieu", "ket luan", "hien", "vua", "rat", "cung voi", "ma", "tuy", "thay",
}  # fmt: skip
# How single stop words are spelt with their diacritics: "tải" (Giao thông vận tải) and
# "thị" (đô thị) fold like the stop words "tại" and "thì" but are not them. A word
# without diacritics (OCR) is taken for the stop word.
_STOP_SPELLINGS = {
    "can": "cần", "phai": "phải", "som": "sớm", "la": "là", "duoc": "được", "da": "đã",
    "dang": "đang", "se": "sẽ", "voi": "với", "de": "để", "tai": "tại", "ve": "về",
    "nham": "nhằm", "tren": "trên", "thi": "thì", "cung": "cùng cũng", "lam": "làm",
    "trinh": "trình", "gui": "gửi", "nop": "nộp", "lap": "lập", "co": "có", "nhu": "như",
    "hoac": "hoặc", "ngay": "ngay ngày", "truoc": "trước", "tu": "từ", "den": "đến",
    "bang": "bằng", "neu": "nếu", "vao": "vào", "chua": "chưa", "con": "còn", "len": "lên",
    "cu": "cử cứ", "dung": "dùng đúng", "nay": "này", "do": "đó", "moi": "mới mọi",
    "nhung": "những nhưng", "mot": "một", "hang": "hằng hàng", "kip": "kịp", "nam": "năm",
    "quy": "quý", "nhan": "nhận", "biet": "biết", "bam": "bám", "khan": "khẩn", "du": "dự",
    "hien": "hiện", "vua": "vừa", "rat": "rất", "ma": "mà", "tuy": "tùy tuỳ", "thay": "thấy",
}  # fmt: skip
# Single stop words that end a name even right after a capitalised word.
_ALWAYS_STOP = {
    "can", "phai", "da", "dang", "se", "duoc", "la", "co", "cung", "thi", "voi", "de", "cho",
    "tai", "trong", "tren", "theo", "ve", "nham", "khi", "neu", "som",
}  # fmt: skip
_MAX_NAME_WORDS = 16

# Verbs that make the unit before them the task's doer.
STRONG_AFTER = {"chu tri", "co trach nhiem", "chiu trach nhiem", "khan truong", "phu trach"}
SUBJECT_VERBS = STRONG_AFTER | {
    "can", "phai", "tap trung", "tiep tuc", "chu dong", "thuc hien", "trien khai", "tham muu",
    "ra soat", "xay dung", "theo doi", "bao cao", "huong dan", "nghien cuu", "de xuat",
    "to chuc", "day manh", "nang cao", "hoan thien", "hoan thanh", "bao dam", "dam bao",
    "cung cap", "ban hanh", "kiem tra", "don doc", "chuan bi", "cap nhat", "ket noi", "bo tri",
    "lam", "quan tam", "uu tien", "kip thoi", "tich cuc", "nghiem tuc", "thuong xuyen", "som",
    "doi moi", "tong hop", "phoi hop", "khan", "quyet liet", "sot sang", "tang cuong",
    "khac phuc", "chan chinh", "cung", "se", "tuyen truyen", "phat huy", "quan triet",
}  # fmt: skip


@dataclass(frozen=True)
class UnitRun:
    """A unit name found in a token list: tokens [first, last) and the text span."""

    first: int
    last: int
    start: int
    end: int
    group: bool


def _keys(tokens: Sequence[Token], k: int, n: int) -> tuple[str, ...]:
    out: list[str] = []
    for tok in tokens[k : k + n]:
        if not tok.word:
            break
        out.append(tok.key)
    return tuple(out)


def _phrase_at(tokens: Sequence[Token], k: int, phrases: set[str], longest: int = 3) -> int:
    """Number of words of the longest phrase of ``phrases`` starting at ``k`` (0 if none)."""
    for n in range(longest, 0, -1):
        keys = _keys(tokens, k, n)
        if len(keys) == n and " ".join(keys) in phrases:
            return n
    return 0


def _is_roman(text: str) -> bool:
    return re.fullmatch(r"[IVXLC]+", text) is not None


def _keyword_at(tokens: Sequence[Token], k: int, case_ok: bool) -> int:
    """Length in words of the unit keyword starting at ``k`` (0 if there is none)."""
    tok = tokens[k]
    if not tok.word:
        return 0
    for n in range(_MAX_KW, 0, -1):
        keys = _keys(tokens, k, n)
        if len(keys) != n or keys not in _KEYWORDS:
            continue
        if case_ok and not tok.cap and keys not in _LOWERCASE_OK:
            return 0
        allowed = _KEYWORDS[keys]
        if keys in _ABBREVIATION_KEYWORDS and case_ok and not tok.upper:
            return 0
        if allowed is not None and tok.text.lower() not in allowed:
            return 0
        nxt = tokens[k + n] if k + n < len(tokens) else None
        nxt_key = nxt.key if nxt is not None and nxt.word else ""
        if nxt_key in _NOT_AFTER_KEYWORD.get(keys, ()):
            return 0
        if keys in _ONLY_BEFORE and nxt_key not in _ONLY_BEFORE[keys]:
            return 0
        if keys in _OPEN_KEYWORDS:
            return n
        if nxt is None or not nxt.word or _is_roman(nxt.text) or nxt.text[:1].isdigit():
            return 0
        if case_ok and not nxt.cap:
            return 0
        return n
    return 0


def _group_head(tokens: Sequence[Token], k: int) -> tuple[int, bool]:
    """Words taken by the head of a group name at ``k`` and whether the head is a name by itself.

    "các" before a group noun (head 1, not complete), "Trưởng các" (2), "thành
    viên" and "các đồng chí thành viên" (complete: "the members").
    """
    n = 0
    for role in _GROUP_ROLES:
        if _keys(tokens, k, len(role)) == role:
            n = len(role)
            break
    if _keys(tokens, k + n, 3) == ("cac", "dong", "chi"):
        n += 3
    elif _keys(tokens, k + n, 2) == ("dong", "chi"):
        n += 2
    if _keys(tokens, k + n, 1) == ("cac",) and _keys(tokens, k + n + 1, 2) == ("thanh", "vien"):
        return n + 3, True
    if _keys(tokens, k + n, 2) == ("thanh", "vien"):
        return n + 2, True
    if _keys(tokens, k + n, 1) in (("cac",), ("nhung",)) and _phrase_at(
        tokens, k + n + 1, _GROUP_NOUNS, 2
    ):
        return n + 1, False
    return 0, False


class _Reader:
    """Reads unit names in one token list; ``known`` holds register names (folded word tuples)."""

    def __init__(self, tokens: Sequence[Token], case_ok: bool, known: frozenset[tuple[str, ...]]):
        self.t = tokens
        self.case_ok = case_ok
        self.known = known

    def word(self, k: int) -> bool:
        return k < len(self.t) and self.t[k].word

    def stop_at(self, k: int) -> bool:
        tok = self.t[k]
        if not tok.word or tok.key[:1].isdigit():
            return True
        if self.case_ok and tok.cap:
            return False
        n = _phrase_at(self.t, k, _STOP_WORDS)
        if n == 1:
            spelt = tok.text.lower()
            if spelt != tok.key and spelt not in _STOP_SPELLINGS.get(tok.key, "").split():
                return False  # "tải", not "tại"
            if self.case_ok and self._second_syllable(k):
                return tok.key in _ALWAYS_STOP
        return n > 0

    def _second_syllable(self, k: int) -> bool:
        """ "Đầu tư", "Công nghệ": a lowercase word right after a capitalised one belongs to it.

        Not after a keyword standing alone ("thuộc Sở có trách nhiệm").
        """
        prev = self.t[k - 1]
        if not (prev.word and prev.cap and not prev.upper and len(prev.text) > 1):
            return False
        return _keyword_at(self.t, k - 1, False) == 0

    def group_noun(self, k: int) -> int:
        """Words of a group noun at ``k`` ("sở", "cơ quan"); a capitalised one is a name."""
        if self.case_ok and self.t[k].cap:
            return 0
        return _phrase_at(self.t, k, _GROUP_NOUNS, 3)

    def known_length(self, k: int) -> int:
        best = 0
        for n in range(2, _MAX_NAME_WORDS + 1):
            keys = _keys(self.t, k, n)
            if len(keys) < n:
                break
            if keys in self.known:
                best = n
        return best

    def unit_start(self, k: int) -> int:
        return _keyword_at(self.t, k, self.case_ok) or min(2, self.known_length(k))

    def starts_unit(self, k: int) -> bool:
        return self.word(k) and bool(self.unit_start(k) or _group_head(self.t, k)[0])

    def name_end(self, k: int, head: int) -> int:
        """Index after the last token of a name whose first ``head`` tokens are its keyword."""
        t = self.t
        i = end = k + head
        while i < len(t) and i - k < _MAX_NAME_WORDS:
            tok = t[i]
            if tok.word and tok.key in ("va", "cua"):
                nxt = i + 1
                if not self.word(nxt) or self.stop_at(nxt):
                    break
                if tok.key == "va" and self.starts_unit(nxt):
                    break
                if self.case_ok and not t[nxt].cap and t[nxt].key not in _PLACE_WORDS:
                    break
                i += 1
                continue
            if tok.word:
                if self.stop_at(i):
                    break
                i = end = i + 1
                continue
            if tok.text in "-–—&" and self.word(i + 1) and t[i + 1].cap:
                i += 1
                continue
            if tok.text == "," and self.case_ok and self.word(i + 1):
                after = t[i + 1]
                if (
                    after.cap
                    and not self.starts_unit(i + 1)
                    and not _is_roman(after.text)
                    and _phrase_at(t, i + 1, _STOP_WORDS) == 0
                    and self.word(i + 2)
                    and not t[i + 2].cap
                    and t[i + 2].key not in ("va",)
                    and self._comma_name_goes_on(i + 1)
                ):
                    i += 1
                    continue
            break
        return end

    def _comma_name_goes_on(self, k: int) -> bool:
        """ "Sở Văn hóa, Thể thao và Du lịch": after a comma, a capitalised part joined by "và"."""
        t = self.t
        for j in range(k, min(k + 5, len(t))):
            if not t[j].word:
                return False
            if t[j].key == "va":
                return self.word(j + 1) and t[j + 1].cap
        return False

    def group_end(self, k: int) -> int:
        t = self.t
        i = end = k
        while i < len(t):
            tok = t[i]
            if tok.word:
                n = self.group_noun(i) or _phrase_at(t, i, _GROUP_FILLERS, 3)
                if n:
                    i = end = i + n
                    continue
                if tok.key in ("va", "cua", "cac") and self.word(i + 1):
                    if self.group_noun(i + 1):
                        i += 1
                        continue
                    if tok.key == "cua" and t[i + 1].cap:
                        i += 1
                        continue
                    break
                prev = t[i - 1].key if i > 0 and t[i - 1].word else ""
                if prev in ("thuoc", "cua", "vien") and (tok.cap or not self.case_ok):
                    head = _keyword_at(t, i, self.case_ok) or 1
                    i = end = self.name_end(i, head)
                    continue
                break
            comma_group = tok.text == "," and self.word(i + 1) and self.group_noun(i + 1)
            if comma_group and not _group_head(t, i + 1)[0]:
                i += 1
                continue
            break
        return end

    def unit_at(self, k: int) -> UnitRun | None:
        t = self.t
        if not self.word(k):
            return None
        if k > 0 and t[k - 1].end == t[k].start and t[k - 1].text in "-/":
            return None  # inside a document symbol: "189/KH-UBND"
        head, complete = _group_head(t, k)
        if head:
            last = self.group_end(k + head)
            if last == k + head and not complete:
                return None
            return UnitRun(k, last, t[k].start, t[last - 1].end, True)
        head = self.unit_start(k)
        if not head:
            return None
        last = max(self.name_end(k, head), k + self.known_length(k))
        # "UBND các huyện, thị xã, thành phố": a named unit spread over a group.
        cac = next((j for j in range(k + head, last) if t[j].key == "cac"), None)
        if cac is not None and _phrase_at(t, cac + 1, _GROUP_NOUNS, 3):
            last = max(last, self.group_end(cac + 1))
        while last > k + head and t[last - 1].word and t[last - 1].key in ("va", "cua", "cac"):
            last -= 1
        return UnitRun(k, last, t[k].start, t[last - 1].end, False)

    def run_at(self, k: int) -> tuple[list[UnitRun], int]:
        """Units listed from ``k`` ("A, B và C"), and the index after the list."""
        runs: list[UnitRun] = []
        t = self.t
        while True:
            unit = self.unit_at(k)
            if unit is None:
                break
            runs.append(unit)
            k = unit.last
            # "Sở Khoa học và Công nghệ (KH&CN)": a short parenthesis after a name.
            if k < len(t) and t[k].text == "(":
                close = next((j for j in range(k + 1, min(k + 8, len(t))) if t[j].text == ")"), 0)
                if close:
                    k = close + 1
            nxt = k
            if nxt < len(t) and t[nxt].text in (",", ";", "&"):
                nxt += 1
            if self.word(nxt) and t[nxt].key in ("va", "cung"):
                nxt += 1
            if nxt == k or self.unit_at(nxt) is None:
                break
            k = nxt
        return runs, k


def parse_unit_run(
    tokens: Sequence[Token],
    k: int,
    *,
    case_ok: bool = True,
    known: frozenset[tuple[str, ...]] = frozenset(),
) -> tuple[list[UnitRun], int]:
    """The list of unit names starting at token ``k`` ([] if none) and the index after it."""
    return _Reader(tokens, case_ok, known).run_at(k)


def find_unit_runs(
    tokens: Sequence[Token],
    *,
    case_ok: bool = True,
    known: frozenset[tuple[str, ...]] = frozenset(),
) -> list[tuple[list[UnitRun], int, int]]:
    """Every list of unit names in ``tokens``: (units, first token, index after the list)."""
    reader = _Reader(tokens, case_ok, known)
    found: list[tuple[list[UnitRun], int, int]] = []
    k = 0
    while k < len(tokens):
        runs, after = reader.run_at(k)
        if runs:
            found.append((runs, k, after))
            k = after
        else:
            k += 1
    return found


# ---------------------------------------------------------------------------
# Matching names to the register
# ---------------------------------------------------------------------------

_ABBREVIATIONS = [
    (r"\btt ?& ?tt\b|\btttt\b|\btt va tt\b", "thong tin va truyen thong"),
    (r"\bkh ?& ?cn\b|\bkhcn\b", "khoa hoc va cong nghe"),
    (r"\bkh ?& ?dt\b|\bkhdt\b", "ke hoach va dau tu"),
    (r"\btn ?& ?mt\b|\btnmt\b", "tai nguyen va moi truong"),
    (r"\bnn ?& ?mt\b|\bnnmt\b", "nong nghiep va moi truong"),
    (r"\bnn ?& ?ptnt\b|\bnnptnt\b", "nong nghiep va phat trien nong thon"),
    (r"\bgd ?& ?dt\b|\bgddt\b", "giao duc va dao tao"),
    (r"\bvh ?,? ?tt ?& ?dl\b|\bvhttdl\b", "van hoa the thao va du lich"),
    (r"\bld ?-? ?tb ?& ?xh\b|\bldtbxh\b", "lao dong thuong binh va xa hoi"),
    (r"\bgtvt\b", "giao thong van tai"),
    (r"\bhc ?- ?th\b|\bhcth\b", "hanh chinh tong hop"),
    (r"\bqlcn\b", "quan ly cong nghe"),
    (r"\bqlkh\b", "quan ly khoa hoc"),
    (r"\bpvhcc\b", "phuc vu hanh chinh cong"),
    (r"\bdbqh\b", "dai bieu quoc hoi"),
    (r"\bcntt\b", "cong nghe thong tin"),
    (r"\bvpubnd\b|\bvpub\b", "van phong uy ban nhan dan"),
    (r"\bubnd\b", "uy ban nhan dan"),
    (r"\bhdnd\b", "hoi dong nhan dan"),
    (r"\bubmttq(?:vn)?\b", "uy ban mat tran to quoc"),
    (r"\bbcd\b", "ban chi dao"),
    (r"\bcds\b", "chuyen doi so"),
    (r"\bvp\b", "van phong"),
    (r"\btp\b", "thanh pho"),
    (r"\btx\b", "thi xa"),
]
_ABBREVIATION_RES = [(re.compile(p), r) for p, r in _ABBREVIATIONS]
_NON_WORD = re.compile(r"[^a-z0-9&]+")
_LEADING_GROUP = re.compile(
    r"^(?:cac dong chi |dong chi |thu truong |truong |lanh dao |nguoi dung dau |giam doc )(?=cac )"
    r"|^(?:cac dong chi |dong chi )"
)
_PROVINCE_SUFFIX = re.compile(r" tinh(?: [a-z]+){1,3}$")


def normalize_unit_name(name: str) -> str:
    """The comparable form of a unit name: folded, OCR-repaired, abbreviations spelt out."""
    text = fold_ocr(unicodedata.normalize("NFC", name))
    text = _NON_WORD.sub(" ", text).replace("&", " & ")
    text = " ".join(text.split())
    for pattern, replacement in _ABBREVIATION_RES:
        text = pattern.sub(replacement, text)
    text = text.replace("&", " va ")
    return _LEADING_GROUP.sub("", " ".join(text.split()))


def _variants(name: str) -> dict[str, float]:
    """Comparable forms of a register name, each with a small penalty for being derived."""
    base = normalize_unit_name(name)
    out = {base: 0.0} if base else {}
    stripped = _PROVINCE_SUFFIX.sub("", base)
    if stripped and stripped != base:
        out.setdefault(stripped + " tinh", 2.0)
        out.setdefault(stripped, 2.0)
    return out


@dataclass(frozen=True)
class UnitMatch:
    """A unit name as written in a notice and the register unit it was matched to."""

    name: str
    unit_id: int | None
    matched_name: str | None
    score: int
    successor_id: int | None = None
    successor_name: str | None = None

    @property
    def sure(self) -> bool:
        return self.unit_id is not None and self.score >= SURE_SCORE

    @property
    def confidence(self) -> str:
        """``"sure"``, ``"check"`` or ``"unknown"``."""
        if self.unit_id is None or self.score < CHECK_SCORE:
            return "unknown"
        return "sure" if self.score >= SURE_SCORE else "check"


def _score(query: str, candidate: str) -> float:
    best = max(fuzz.ratio(query, candidate), fuzz.token_sort_ratio(query, candidate))
    q_words, c_words = query.split(), candidate.split()
    shorter = min(len(q_words), len(c_words))
    if shorter >= 3:
        coverage = shorter / max(len(q_words), len(c_words))
        best = max(best, fuzz.token_set_ratio(query, candidate) * (0.8 + 0.2 * coverage))
    return float(best)


class UnitIndex:
    """The register's units prepared for matching (build once per import)."""

    def __init__(self, units: Sequence[UnitInfo]) -> None:
        self.units = {u.id: u for u in units}
        self._choices: list[str] = []
        self._owners: list[int] = []
        self._penalties: list[float] = []
        self._order = {u.id: i for i, u in enumerate(units)}
        known: set[tuple[str, ...]] = set()
        for unit in units:
            for text in (unit.name, unit.short_name):
                if not text:
                    continue
                known.add(
                    tuple(
                        fold_ocr(unicodedata.normalize("NFC", text))
                        .replace(",", " ")
                        .replace("-", " ")
                        .split()
                    )
                )
                for variant, penalty in _variants(text).items():
                    self._choices.append(variant)
                    self._owners.append(unit.id)
                    self._penalties.append(penalty)
        self.known = frozenset(k for k in known if len(k) >= 2)
        self._ancestry_cache: dict[int, str] = {}

    def _ancestry(self, unit_id: int) -> str:
        if unit_id not in self._ancestry_cache:
            names, seen = [], set()
            current: int | None = unit_id
            while current is not None and current in self.units and current not in seen:
                seen.add(current)
                names.append(fold(self.units[current].name))
                current = self.units[current].parent_id
            self._ancestry_cache[unit_id] = " | ".join(names)
        return self._ancestry_cache[unit_id]

    def match(self, name: str, *, on: date | None = None, hint: str | None = None) -> UnitMatch:
        """The best register unit for ``name`` written in a notice dated ``on``.

        ``hint`` (a place or the issuer, e.g. "Quảng Ngãi") breaks ties between
        units of the same name in different provinces. A retired unit merged
        into another is kept when the notice is older than the merger, with
        the successor suggested; otherwise the successor is returned.
        """
        query = normalize_unit_name(name)
        if not query or not self._choices:
            return UnitMatch(name, None, None, 0)
        queries = {query, _PROVINCE_SUFFIX.sub("", query)}
        if query.endswith(" tinh"):
            queries.add(query[: -len(" tinh")])
        hint_key = fold(hint) if hint else ""
        scored: dict[int, float] = {}
        for q in queries:
            for _choice, _s, index in process.extract(
                q, self._choices, scorer=fuzz.WRatio, limit=12
            ):
                owner = self._owners[index]
                score = _score(q, self._choices[index]) - self._penalties[index]
                scored[owner] = max(scored.get(owner, 0.0), score)
        if not scored:
            return UnitMatch(name, None, None, 0)

        top = max(scored.values())

        def rank(unit_id: int) -> tuple[int, int, int, float, int]:
            # Within a few points of the best, the hinted place and units in force come first.
            unit = self.units[unit_id]
            in_force = unit.active or (
                on is not None and unit.retired_on is not None and on < unit.retired_on
            )
            hinted = bool(hint_key) and hint_key in self._ancestry(unit_id)
            close = scored[unit_id] >= top - _TIE_WINDOW
            return (int(close), int(hinted), int(in_force), scored[unit_id], -self._order[unit_id])

        best_id = max(scored, key=rank)
        best = self.units[best_id]
        score = round(scored[best_id])
        if score < CHECK_SCORE:
            return UnitMatch(name, None, None, score)
        successor = self._successor(best)
        if successor is None:
            return UnitMatch(name, best.id, best.name, score)
        before_merge = on is not None and best.retired_on is not None and on < best.retired_on
        chosen = best if before_merge else successor
        return UnitMatch(name, chosen.id, best.name, score, successor.id, successor.name)

    def _successor(self, unit: UnitInfo) -> UnitInfo | None:
        seen = {unit.id}
        current = unit
        while current.merged_into_id is not None and current.merged_into_id in self.units:
            if current.merged_into_id in seen:
                break
            seen.add(current.merged_into_id)
            current = self.units[current.merged_into_id]
        return None if current.id == unit.id else current


@lru_cache(maxsize=8)
def _index_for(units: tuple[UnitInfo, ...]) -> UnitIndex:
    return UnitIndex(units)


def match_unit(
    name: str, units: Sequence[UnitInfo], *, on: date | None = None, hint: str | None = None
) -> UnitMatch:
    """Match one name; see :meth:`UnitIndex.match` (build a :class:`UnitIndex` for many)."""
    return _index_for(tuple(units)).match(name, on=on, hint=hint)
