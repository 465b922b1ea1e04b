"""A folded copy of a text that remembers where each character came from, and the
past-tense markers read in it.

The text is folded (lowercase, no diacritics, ``đ`` -> ``d``, whitespace runs
collapsed to one space, dashes to ``-``) into a copy that remembers, for every
folded character, where it came from, so that a phrase found in the copy is
reported as a slice of the original string. OCR damage is repaired in the
folded copy only: ``l``/``I``/``|`` read for ``1`` and ``O`` for ``0`` inside
numbers (``l5/3/2O24``).

Narrative (:func:`is_narrative`): ``đã`` (already) in the same clause before a
phrase, or right after it (``năm 2022 đã ...``), and ``vẫn còn``/``vẫn chưa``
after it. In text that lost its diacritics ``da`` is taken for ``đã`` unless it
begins a compound (``đa dạng``, ``đa số``).

:mod:`.deadlines` and :mod:`.urgency` read their phrases in this copy.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["WORD_RE", "WORD_START", "FoldedText", "is_narrative"]

WORD_START = r"(?<![a-z0-9])"
"""A pattern piece: what comes next starts a word (or a number) of the folded text."""
WORD_RE = re.compile(r"[a-z]+")


_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_FOLD_CACHE: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    folded = _FOLD_CACHE.get(ch)
    if folded is None:
        if ch in _DASHES:
            folded = "-"
        else:
            decomposed = unicodedata.normalize("NFD", ch.lower())
            folded = "".join(c for c in decomposed if not unicodedata.combining(c))
            folded = folded.replace("đ", "d").replace("ð", "d")
        if len(_FOLD_CACHE) < 4096:
            _FOLD_CACHE[ch] = folded
    return folded


class FoldedText:
    """``text`` folded for matching, with a map from folded to original offsets."""

    def __init__(self, original: str) -> None:
        chars: list[str] = []
        index: list[int] = []
        for i, ch in enumerate(original):
            if ch.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    index.append(i)
                continue
            for c in _fold_char(ch):
                chars.append(c)
                index.append(i)
        self.original = original
        self.text = _repair_numbers("".join(chars))
        self.index = index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded slice ``[start, end)``."""
        first = self.index[start]
        last = self.index[end - 1] + 1
        while last < len(self.original) and unicodedata.combining(self.original[last]):
            last += 1
        return first, last

    def original_word(self, start: int, end: int) -> str:
        first, last = self.span(start, end)
        return self.original[first:last]


_NUMBER_TOKEN_RE = re.compile(r"(?<![a-z])[0-9lio|]*[0-9][0-9lio|]*(?![a-z])")
_LONE_IO_RE = re.compile(r"(?<![a-z0-9])[lio|](?![a-z0-9])")
_DATE_AFTER_RE = re.compile(r" ?[/.\-] ?[0-9]{1,2} ?[/.\-] ?[0-9]")
_SEP_DIGIT_AFTER_RE = re.compile(r" ?[/.\-] ?[0-9]")
_DIGIT_SEP_BEFORE_RE = re.compile(r"[0-9] ?[/.\-] ?$")
_OCR_DIGITS = str.maketrans("lio|", "1101")


def _repair_numbers(text: str) -> str:
    """Undo OCR letter-for-digit swaps in numbers; keeps the length of ``text``."""
    chars = list(text)
    for match in _NUMBER_TOKEN_RE.finditer(text):
        chars[match.start() : match.end()] = match.group().translate(_OCR_DIGITS)
    for match in _LONE_IO_RE.finditer(text):
        pos = match.start()
        after = text[pos + 1 : pos + 12]
        before = text[max(0, pos - 6) : pos]
        if match.group() in "l|":
            fits = bool(_SEP_DIGIT_AFTER_RE.match(after) or _DIGIT_SEP_BEFORE_RE.search(before))
        else:  # "i" and "o" are words or Roman numerals unless inside a full date
            fits = bool(_DATE_AFTER_RE.match(after)) or (
                bool(_DIGIT_SEP_BEFORE_RE.search(before)) and bool(_SEP_DIGIT_AFTER_RE.match(after))
            )
        if fits:
            chars[pos] = match.group().translate(_OCR_DIGITS)
    return "".join(chars)


# ---------------------------------------------------------------------------
# Narrative markers
# ---------------------------------------------------------------------------


_CLAUSE_BREAK = re.compile(r"[.;:!?()]")
# "đa" compounds: "đa dạng", "đa số", "tối đa"... in text that lost its diacritics.
_DA_COMPOUNDS = frozenset(
    {"dang", "so", "nganh", "phuong", "dien", "muc", "chieu", "hoa", "nang", "cap", "luong"}
    | {"tang", "ngon", "canh", "khoa", "than"}
)


def _is_past_marker(f: FoldedText, start: int, end: int, next_word: str | None) -> bool:
    """Is the folded word ``f.text[start:end]`` the past marker "đã" (or "vẫn" + còn/chưa)?"""
    word = f.text[start:end]
    if word not in ("da", "van"):
        return False
    original = unicodedata.normalize("NFD", f.original_word(start, end).lower())
    if word == "van":
        return next_word in ("con", "chua") and ("\u0303" in original or original == "van")
    if "\u0303" in original:
        return True  # đã, dã (OCR)
    if original != "da":
        return False  # đa, đà, dạ...
    return next_word not in _DA_COMPOUNDS


def _next_word(text: str, pos: int) -> str | None:
    found = WORD_RE.search(text, pos, pos + 20)
    return found.group() if found else None


def is_narrative(f: FoldedText, start: int, end: int) -> bool:
    """Is there "đã" before ``start`` in the clause, or "đã"/"vẫn còn" right after ``end``?"""
    text = f.text
    back = text[max(0, start - 60) : start]
    cut = max((m.end() for m in _CLAUSE_BREAK.finditer(back)), default=0)
    base = max(0, start - 60) + cut
    words = list(WORD_RE.finditer(text, base, start))[-6:]
    nexts = [w.group() for w in words[1:]] + [_next_word(text, start)]
    for word, nxt in zip(words, nexts, strict=False):
        if _is_past_marker(f, word.start(), word.end(), nxt):
            return True
    ahead = text[end : end + 30]
    stop = _CLAUSE_BREAK.search(ahead)
    ahead_end = end + (stop.start() if stop else len(ahead))
    after = list(WORD_RE.finditer(text, end, ahead_end))[:3]
    for index, word in enumerate(after[:2]):
        nxt = after[index + 1].group() if index + 1 < len(after) else None
        if _is_past_marker(f, word.start(), word.end(), nxt):
            return True
    return False
