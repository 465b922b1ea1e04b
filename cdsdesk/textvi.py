"""Vietnamese text helpers: search folding, collation keys, official dates.

Only the standard library is used (plus the core's :func:`cdsdesk.i18n.tr`
hook for user-facing messages), so this module is safe to import anywhere.

* :func:`fold` turns text into a lowercase, diacritic-free form for search.
* :func:`sort_key` / :func:`vi_sorted` give Vietnamese alphabetical order.
* :func:`format_date`, :func:`date_in_words`, :func:`place_and_date` and
  :func:`parse_date` follow the conventions of Nghị định 30/2020/NĐ-CP.
* :func:`quarter_roman` / :func:`parse_roman` handle quarters and months
  written in Roman numerals.
* :func:`normalize_spaces` cleans one-line names typed by users.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar, cast, overload

from cdsdesk.i18n import tr

__all__ = [
    "date_in_words",
    "fold",
    "format_date",
    "normalize_spaces",
    "parse_date",
    "parse_roman",
    "place_and_date",
    "quarter_roman",
    "sort_key",
    "vi_sorted",
]

T = TypeVar("T")


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _char_class(chars: Iterable[str], *, negate: bool = False) -> re.Pattern[str]:
    """A compiled ``[...]`` regex class for ``chars``, written as code point ranges."""
    points = sorted({ord(c) for c in chars})
    parts: list[str] = []
    start = 0
    while start < len(points):
        end = start
        while end + 1 < len(points) and points[end + 1] == points[end] + 1:
            end += 1
        first, last = points[start], points[end]
        parts.append(f"\\U{first:08x}" if first == last else f"\\U{first:08x}-\\U{last:08x}")
        start = end + 1
    return re.compile("[" + ("^" if negate else "") + "".join(parts) + "]")


# Latin-script candidates for the fast paths: ASCII, Latin-1 Supplement,
# Latin Extended-A/B and Latin Extended Additional (all precomposed Vietnamese).
_LATIN_CANDIDATES = [
    chr(cp)
    for block in (range(0x00, 0x80), range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for cp in block
]

# ---------------------------------------------------------------------------
# fold
# ---------------------------------------------------------------------------

_FOLD_D = str.maketrans({"đ": "d", "ð": "d"})  # applied after lower(): Đ -> đ, Ð -> ð
_ASCII_SPACES = bytes.maketrans(b"\t\n\x0b\x0c\r", b"     ")


def _fold_general(text: str) -> str:
    """Reference definition of :func:`fold`, correct for any input (but slow)."""
    lowered = _nfd(_nfd(text).lower())
    kept = "".join(ch for ch in lowered if unicodedata.category(ch) != "Mn")
    return " ".join(kept.translate(_FOLD_D).split())


def _fold_fast(text: str) -> str:
    """:func:`fold` for text made only of characters in ``_FOLD_SAFE``.

    NFD turns every such character into an ASCII letter plus combining marks;
    encoding to ASCII with ``ignore`` drops the marks in C, which is several
    times faster than ``str.translate`` (a per-character dict lookup).
    """
    raw = _nfd(text).replace("đ", "d").replace("Đ", "d").encode("ascii", "ignore")
    raw = raw.lower().translate(_ASCII_SPACES)
    raw = b" ".join(raw.split()) if b"  " in raw else raw.strip(b" ")
    return raw.decode("ascii")


# A character is "safe" when the fast path folds it exactly like the general
# definition; the combining diacritics block is safe too (both drop it), so
# decomposed (NFD) Vietnamese input also takes the fast path.
_FOLD_SAFE = [
    ch
    for ch in [*_LATIN_CANDIDATES, *map(chr, range(0x300, 0x370))]
    if _fold_fast(ch) == _fold_general(ch)
]
_FOLD_UNSAFE_RE = _char_class(_FOLD_SAFE, negate=True)


def fold(text: str) -> str:
    """Fold ``text`` for diacritic- and case-insensitive search.

    Lowercases, removes every diacritic (NFD, then drops combining marks), maps
    ``đ``/``Đ`` (and the look-alike ``ð``/``Ð``) to ``d``, collapses whitespace
    runs to one space and strips the ends::

        >>> fold("Chuyển Đổi  Số")
        'chuyen doi so'

    Precomposed and decomposed input fold the same way. Text made only of
    ASCII and Latin letters (all of Vietnamese) takes a fast C-level path;
    anything else (other scripts, unusual spaces) uses the general definition.
    """
    if _FOLD_UNSAFE_RE.search(text) is None:
        return _fold_fast(text)
    return _fold_general(text)


# ---------------------------------------------------------------------------
# sort_key
# ---------------------------------------------------------------------------
#
# Key layout:  PRIMARY + "\x01" + SECONDARY + "\x01" + TERTIARY
#
# The text is NFD-decomposed and cut into units: one base character plus the
# combining marks that follow it. Every code below is in U+0020..U+007F (one
# byte in UTF-8) except the characters copied after a class marker, so UTF-8
# byte order equals code point order and the key sorts identically in Python,
# SQLite (BINARY) and PostgreSQL (COLLATE "C"). "\x01" is lower than every
# code, so a text that is a prefix of another sorts first at each level.
#
# Primary, one code per unit (case and tone ignored):
#   " "            a space (whitespace runs are collapsed to one space)
#   "!" + char     punctuation, symbols and anything not a letter or digit
#   "0".."9"       ASCII digits
#   ":" + char     other numeric characters
#   "A".."a"       the 33 letters of _ALPHABET, in that order
#   "b" + char     letters of other scripts, after z, by code point
# Secondary, per unit: tone "0".."5" (none, huyền, hỏi, ngã, sắc, nặng), then
#   "6" + mark for every other combining mark.
# Tertiary, per unit: "0" lowercase or caseless, "1" uppercase.

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LEVEL_SEP = "\x01"
_SPACE_CODE = " "
_SYMBOL_MARK = "!"
_NUMBER_MARK = ":"
_LETTER_BASE = ord("A")
_LETTER_MARK = chr(_LETTER_BASE + len(_ALPHABET))
_EXTRA_MARK = "6"
_LOWER_CODE, _UPPER_CODE = "0", "1"

# Vowel modifiers that make a separate Vietnamese letter (primary level).
_MODIFIED = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tone marks in traditional dictionary order (secondary level).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Invisible characters left out of keys: controls, format characters (zero-width
# space, BOM...) and lone surrogates, which cannot be stored as UTF-8.
_IGNORED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


class _Unit:
    """A base character with its combining marks."""

    __slots__ = ("base", "extras", "tone", "upper")

    def __init__(self, base: str, upper: bool) -> None:
        self.base = base
        self.upper = upper
        self.tone = 0
        self.extras: list[str] = []

    def add_mark(self, mark: str) -> None:
        modified = _MODIFIED.get((self.base, mark))
        if modified is not None:
            self.base = modified
        elif mark in _TONES and self.tone == 0:
            self.tone = _TONES[mark]
        else:
            self.extras.append(mark)

    def primary(self) -> str:
        index = _ALPHABET.find(self.base)
        if index >= 0:
            return chr(_LETTER_BASE + index)
        if self.base == " ":
            return _SPACE_CODE
        if "0" <= self.base <= "9":
            return self.base
        group = unicodedata.category(self.base)[0]
        if group == "L":
            return _LETTER_MARK + self.base
        if group == "N":
            return _NUMBER_MARK + self.base
        return _SYMBOL_MARK + self.base

    def secondary(self) -> str:
        return str(self.tone) + "".join(_EXTRA_MARK + m for m in self.extras)

    def tertiary(self) -> str:
        return _UPPER_CODE if self.upper else _LOWER_CODE


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    for ch in _nfd(text):
        category = unicodedata.category(ch)
        if category in _IGNORED_CATEGORIES:
            continue
        if category[0] == "M" and units:
            units[-1].add_mark(ch)
            continue
        lower = ch.lower()
        if len(lower) != 1:
            lower = ch
        units.append(_Unit(lower, lower != ch))
    return units


def _sort_key_general(text: str) -> str:
    """Reference definition of :func:`sort_key`, correct for any input (but slow)."""
    visible = "".join(ch for ch in text if unicodedata.category(ch) not in _IGNORED_CATEGORIES)
    units = _units(" ".join(visible.split()))
    return _LEVEL_SEP.join(
        (
            "".join(u.primary() for u in units),
            "".join(u.secondary() for u in units),
            "".join(u.tertiary() for u in units),
        )
    )


def _simple_unit(ch: str) -> _Unit | None:
    """The unit of ``ch`` if it always forms exactly one unit without extra marks."""
    if unicodedata.category(ch) in _IGNORED_CATEGORIES or unicodedata.combining(_nfd(ch)[0]):
        return None
    units = _units(ch)
    if len(units) != 1 or units[0].extras or (ch.isspace() and ch != " "):
        return None
    return units[0]


_SIMPLE_UNITS = {
    ch: unit for ch in [*_LATIN_CANDIDATES, "đ", "Đ"] if (unit := _simple_unit(ch)) is not None
}
_PRIMARY_TABLE = str.maketrans({ch: u.primary() for ch, u in _SIMPLE_UNITS.items()})
_SECONDARY_TABLE = str.maketrans({ch: u.secondary() for ch, u in _SIMPLE_UNITS.items()})
_TERTIARY_TABLE = str.maketrans({ch: u.tertiary() for ch, u in _SIMPLE_UNITS.items()})
_SORT_UNSAFE_RE = _char_class(_SIMPLE_UNITS, negate=True)


def sort_key(text: str) -> str:
    """A key giving Vietnamese alphabetical order with plain ``<`` comparison.

    The alphabet is ``a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x
    y``, with ``f j w z`` where the Latin alphabet has them; space and
    punctuation come before digits, digits before letters, and letters of
    other scripts after ``z``. Digraphs (ch, gh, gi, kh, ng, ngh, nh, ph, qu,
    th, tr) are not special: they are sequences of separate letters, so
    ``"ca" < "cha" < "co"``.

    Comparison is multi-level, like a real collation:

    1. primary: base letters, ignoring case and tone (``"an" < "ăn" < "ân" <
       "bà"``);
    2. secondary: tones in traditional order: none, huyền, hỏi, ngã, sắc,
       nặng (``"ma" < "mà" < "mả" < "mã" < "má" < "mạ"``);
    3. tertiary: case, lowercase first (``"hà" < "Hà"``).

    The key is a ``str``: the three levels joined by ``"\\x01"``, which is
    lower than every code. It contains no NUL or surrogate, so it can be
    stored in SQLite or PostgreSQL and used in a binary ``ORDER BY`` (UTF-8
    byte order equals code point order). Whitespace runs count as one space,
    ends are stripped, and control/format characters are ignored. Precomposed
    and decomposed input give the same key. The encoding is deterministic;
    changing it requires recomputing stored keys.
    """
    collapsed = " ".join(text.split())
    if _SORT_UNSAFE_RE.search(collapsed) is None:
        return _LEVEL_SEP.join(
            (
                collapsed.translate(_PRIMARY_TABLE),
                collapsed.translate(_SECONDARY_TABLE),
                collapsed.translate(_TERTIARY_TABLE),
            )
        )
    return _sort_key_general(collapsed)


@overload
def vi_sorted(items: Iterable[str], key: None = None) -> list[str]: ...
@overload
def vi_sorted(items: Iterable[T], key: Callable[[T], str]) -> list[T]: ...
def vi_sorted(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """A new list of ``items`` in Vietnamese alphabetical order (stable).

    Without ``key`` the items themselves must be strings.
    """
    if key is None:
        return sorted(items, key=lambda item: sort_key(cast(str, item)))
    get = key
    return sorted(items, key=lambda item: sort_key(get(item)))


# ---------------------------------------------------------------------------
# Dates (Nghị định 30/2020/NĐ-CP)
# ---------------------------------------------------------------------------

_MIN_YEAR, _MAX_YEAR = 1900, 2999
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_DMY_DATE_RE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})", re.ASCII)


def format_date(d: date) -> str:
    """``dd/mm/yyyy``, e.g. ``"03/02/2023"``."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def date_in_words(d: date) -> str:
    """The date line of an official document: ``"ngày 03 tháng 02 năm 2023"``.

    Days below 10 and the months 1 and 2 get a leading zero; other months do
    not (``"ngày 15 tháng 3 năm 2024"``, ``"ngày 05 tháng 12 năm 2024"``).
    """
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def place_and_date(place: str, d: date) -> str:
    """``"Quảng Ngãi, ngày 03 tháng 02 năm 2023"``; just the date if ``place`` is blank."""
    name = normalize_spaces(place)
    return f"{name}, {date_in_words(d)}" if name else date_in_words(d)


def parse_date(text: str) -> date:
    """Parse ``yyyy-mm-dd`` or ``dd/mm/yyyy`` (also with ``-`` or ``.``, one-digit
    day and month allowed). Raises :class:`ValueError` with a Vietnamese message."""
    cleaned = text.strip()
    if match := _ISO_DATE_RE.fullmatch(cleaned):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY_DATE_RE.fullmatch(cleaned):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        raise ValueError(_bad_date_message(cleaned))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(
            tr('Ngày không hợp lệ: "{text}" (năm phải từ {low} đến {high}).').format(
                text=cleaned, low=_MIN_YEAR, high=_MAX_YEAR
            )
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_bad_date_message(cleaned)) from None


def _bad_date_message(text: str) -> str:
    return tr('Ngày không hợp lệ: "{text}" (dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd).').format(
        text=text
    )


# ---------------------------------------------------------------------------
# Roman numerals
# ---------------------------------------------------------------------------

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ROMAN_VALUES = {numeral: value for value, numeral in enumerate(_ROMAN, start=1)}


def quarter_roman(q: int) -> str:
    """Quarter 1..4 as ``"I"``..``"IV"``."""
    if not 1 <= q <= 4:
        raise ValueError(tr("Quý không hợp lệ: {q} (chỉ có quý 1 đến 4).").format(q=q))
    return _ROMAN[q - 1]


def parse_roman(s: str) -> int:
    """The value of a Roman numeral ``I``..``XII`` (case-insensitive)."""
    value = _ROMAN_VALUES.get(s.strip().upper())
    if value is None:
        raise ValueError(tr('Số La Mã không hợp lệ: "{s}" (chỉ nhận I đến XII).').format(s=s))
    return value


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

# Controls that are not whitespace; whitespace controls (tab, newline...) become spaces.
_CONTROL_RE = _char_class(
    ch for ch in map(chr, range(0xA0)) if unicodedata.category(ch) == "Cc" and not ch.isspace()
)


def normalize_spaces(text: str) -> str:
    """Clean a one-line name typed by a user.

    Drops control characters, turns every whitespace run (newlines included)
    into one space, strips the ends and NFC-normalizes.
    """
    return unicodedata.normalize("NFC", " ".join(_CONTROL_RE.sub("", text).split()))
