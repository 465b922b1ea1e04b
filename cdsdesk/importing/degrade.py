"""OCR-like damage for tests and the accuracy bench.

Real notices reach the importer through scanners: diacritics lost or half
lost, lines broken wherever the page ended, ``l`` read as ``1``, ``Đ`` as
``D`` and ``CĐS`` as ``CPS``. These helpers make such copies of clean text,
deterministically for a given seed, so that the parser can be measured on
them. Dates and numbers are never touched: a scanner that garbles digits
loses the deadline for any reader.
"""

from __future__ import annotations

import random
import re
import unicodedata

__all__ = ["break_lines", "degrade", "ocr_swaps", "strip_diacritics"]

_WORD_RE = re.compile(r"[^\W\d_]+")
# A wrapped line must not start with something a reader takes for a list
# marker; a real page reflows such tokens too rarely to be worth modelling.
_MARKER_LIKE = re.compile(r"^(?:[-+•–—*]|\d{1,2}[.)]|[IVXivx]{1,4}\.|[a-zđ]\))$")


def _bare(ch: str) -> str:
    if ch in "đĐ":
        return "d" if ch == "đ" else "D"
    decomposed = unicodedata.normalize("NFD", ch)
    return decomposed[0] if decomposed and decomposed[0].isascii() else ch


def strip_diacritics(text: str, keep: float = 0.0, seed: int = 0) -> str:
    """``text`` without Vietnamese diacritics (``đ`` → ``d``), case kept.

    With ``keep`` > 0 that fraction of words keeps its marks, as when an OCR
    engine loses them only here and there (``Phong Quan 1y Cong nghé``).
    """
    rng = random.Random(seed)

    def strip_word(match: re.Match[str]) -> str:
        word = match.group(0)
        if keep > 0 and rng.random() < keep:
            return word
        return "".join(_bare(ch) for ch in unicodedata.normalize("NFC", word))

    return _WORD_RE.sub(strip_word, text)


def ocr_swaps(text: str, seed: int = 0, rate: float = 0.15) -> str:
    """Typical OCR confusions inside words, each applied with probability ``rate``.

    ``l`` → ``1``, ``đ`` → ``d``, ``Đ`` → ``D``, ``O`` ↔ ``0`` in capitalised
    words, ``CĐS`` → ``CPS`` or ``CBS``. Numbers are left alone.
    """
    rng = random.Random(seed)

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in ("CĐS", "CDS") and rng.random() < max(rate, 0.5):
            return rng.choice(("CPS", "CBS"))
        out: list[str] = []
        for ch in word:
            if ch == "l" and rng.random() < rate:
                out.append("1")
            elif ch == "đ" and rng.random() < rate:
                out.append("d")
            elif ch == "Đ" and rng.random() < rate:
                out.append("D")
            elif ch == "O" and word.isupper() and rng.random() < rate:
                out.append("0")
            else:
                out.append(ch)
        return "".join(out)

    return _WORD_RE.sub(swap, text)


def break_lines(text: str, width: int = 70, seed: int = 0, page_breaks: float = 0.03) -> str:
    """Wrap every line at about ``width`` characters, as a scanned page would.

    Blank lines are kept. The width wobbles by a few characters from line to
    line, and with probability ``page_breaks`` a wrap becomes a page break
    (an empty line in the middle of a sentence, before a lowercase word).
    """
    rng = random.Random(seed)
    out: list[str] = []
    for line in text.split("\n"):
        words = line.split()
        if not words:
            out.append("")
            continue
        current: list[str] = []
        length = 0
        limit = max(20, width + rng.randint(-8, 8))
        for word in words:
            fits = not current or length + 1 + len(word) <= limit
            if fits or _MARKER_LIKE.match(word):
                length += len(word) + (1 if current else 0)
                current.append(word)
                continue
            out.append(" ".join(current))
            if word[:1].islower() and rng.random() < page_breaks:
                out.append("")
            current, length = [word], len(word)
            limit = max(20, width + rng.randint(-8, 8))
        out.append(" ".join(current))
    return "\n".join(out)


def degrade(text: str, seed: int = 0) -> str:
    """A scanned-looking copy of ``text``: OCR swaps, lost diacritics, broken lines.

    Even seeds lose every diacritic; odd seeds keep them on about a quarter
    of the words. The line width varies with the seed (55 to 85 characters).
    """
    rng = random.Random(seed)
    damaged = ocr_swaps(text, seed=rng.randrange(1 << 30))
    damaged = strip_diacritics(
        damaged, keep=0.0 if seed % 2 == 0 else 0.25, seed=rng.randrange(1 << 30)
    )
    return break_lines(damaged, width=rng.randint(55, 85), seed=rng.randrange(1 << 30))
