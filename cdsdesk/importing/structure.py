"""The shape of a notice's body: paragraphs, sentences and the tree of numbered items.

* Lines broken by OCR or page ends are re-joined into paragraphs (a line that
  starts in lowercase, or follows a line without final punctuation, goes on
  the paragraph before it); list markers (``II.``, ``2.``, ``a)``, ``-``,
  ``+``, ``•``) start new ones.
* The numbered paragraphs make a tree: sections (``II.``) over numbered items
  (``2.``, ``2.1.``) over lettered ones (``a)``) over bullets (``-`` over
  ``+``). Refs follow the numbering: ``II.2.1`` is the first ``-`` under ``2.``
  under ``II.``. A section whose heading speaks of results (``Đánh giá``,
  ``Kết quả``) rather than tasks is marked as narrative.

Nothing here knows about units or deadlines; :mod:`.tasks` reads the tree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cdsdesk.importing.units_match import fold_ocr

__all__ = [
    "CLOSING",
    "OPENERS",
    "Marker",
    "Node",
    "Paragraph",
    "build_tree",
    "clean_content",
    "ends_terminal",
    "line_of",
    "list_marker",
    "paragraphs",
    "sentences",
]


# ---------------------------------------------------------------------------
# Paragraphs: lines re-joined, list markers recognised
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Marker:
    """A list marker at the start of a line: ``II.``, ``2.1.``, ``a)``, ``-``, ``+``."""

    kind: str  # "roman", "number", "letter", "bullet"
    label: str  # "II", "2", "1.2", "a", "-"
    end: int  # offset in the paragraph where the item's text begins


_ROMAN_RE = re.compile(r"([IVX]{1,4})\s?[.:)\-–]\s*")
_ROMAN_OCR_RE = re.compile(r"([1lI|]{2,3}|[1lI|]V|V[1lI|]{1,3})\s?\.\s*")
_NUMBER_RE = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,3})(\s?[.)])?\s+")
_LETTER_RE = re.compile(r"([a-zđ])\s?\)\s*")
_BULLET_RE = re.compile(r"([-–—−•·▪●○◦*+➢➤►✓])\s*")
_BULLET_FAMILY = {"-": "-", "–": "-", "—": "-", "−": "-", "+": "+"}
_TERMINAL = ".:;!?…"
# How a new paragraph opens even after a line without final punctuation.
OPENERS = re.compile(
    r"(?:ngay \d|sang |chieu |toi |vao |hom nay|can cu|kinh gui|thuc hien |sau khi|tai |"
    r"tren co so )"
)


def list_marker(line: str) -> Marker | None:
    """The list marker ``line`` starts with, or None."""
    match = _ROMAN_RE.match(line)
    if match and match.end() < len(line) and line[match.end()].isupper():
        return Marker("roman", match.group(1), match.end())
    match = _NUMBER_RE.match(line)
    if match and (match.group(2) or "." in match.group(1)):
        return Marker("number", match.group(1), match.end())
    match = _ROMAN_OCR_RE.match(line)
    if match and match.end() < len(line) and line[match.end()].isupper():
        return Marker("ocr_roman", match.group(1), match.end())
    match = _LETTER_RE.match(line)
    if match and match.end() < len(line):
        return Marker("letter", match.group(1), match.end())
    match = _BULLET_RE.match(line)
    if match and match.end() < len(line) and not line[match.end()].isdigit():
        if line.startswith("**") or line[:2] in ("--", "=="):
            return None
        return Marker("bullet", _BULLET_FAMILY.get(match.group(1), "•"), match.end())
    return None


@dataclass
class Paragraph:
    """A paragraph: its text (lines joined by one space) and the line each part came from."""

    text: str
    starts: list[tuple[int, int]]  # (offset in text, 1-based line number)
    marker: Marker | None
    # Kept up to date line by line, so judging a long paragraph stays linear.
    letters: int = 0
    uppers: int = 0

    def __post_init__(self) -> None:
        self.letters, self.uppers = _letter_counts(self.text)

    @property
    def first_line(self) -> int:
        return self.starts[0][1]

    @property
    def last_line(self) -> int:
        return self.starts[-1][1]

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, number in self.starts:
            if start > offset:
                break
            line = number
        return line

    def add(self, line: str, number: int) -> None:
        self.starts.append((len(self.text) + 1, number))
        self.text = f"{self.text} {line}"
        letters, uppers = _letter_counts(line)
        self.letters += letters
        self.uppers += uppers

    @property
    def body(self) -> str:
        return self.text[self.marker.end :] if self.marker else self.text


def _letter_counts(text: str) -> tuple[int, int]:
    letters = [c for c in text if c.isalpha()]
    return len(letters), sum(c.isupper() for c in letters)


def ends_terminal(text: str) -> bool:
    """Does ``text`` end a sentence (final punctuation, or a photo credit)?

    Only the tail matters: a credit is a few words, so a long paragraph costs no more.
    """
    stripped = text[-300:].rstrip(' *"”’)]')
    if not stripped:
        return False
    if stripped[-1] in _TERMINAL:
        return True
    # A photo credit ("– Ảnh: T.T") ends a caption.
    return re.search(r"(?:anh|nguon) ?: ?\S+(?: \S+){0,3}$", fold_ocr(stripped)) is not None


def _heading_like(para: Paragraph) -> bool:
    if para.marker is not None and para.marker.kind in ("roman", "ocr_roman"):
        return True
    return para.letters >= 4 and para.uppers >= 0.8 * para.letters


def paragraphs(lines: Sequence[str]) -> list[Paragraph]:
    """``lines`` re-joined into paragraphs (see the module docstring)."""
    transitions = gaps = 0
    previous_blank = None
    for raw in lines:
        blank = not raw.strip()
        if not blank and previous_blank is not None:
            transitions += 1
            gaps += previous_blank
        if not blank:
            previous_blank = False
        elif previous_blank is not None:
            previous_blank = True
    blank_style = gaps >= 3 and gaps >= 0.15 * transitions

    paras: list[Paragraph] = []
    current: Paragraph | None = None
    blank = False
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line:
            blank = True
            continue
        marker = list_marker(line)
        if current is not None and marker is None and _continues(current, line, blank, blank_style):
            current.add(line, number)
        else:
            current = Paragraph(line, [(0, number)], marker)
            paras.append(current)
        blank = False
    return paras


def _continues(prev: Paragraph, line: str, blank: bool, blank_style: bool) -> bool:
    first = line[0]
    if first.islower():
        return True
    if _heading_like(prev) or blank:
        return False
    if not ends_terminal(prev.text):
        return not (OPENERS.match(fold_ocr(line[:20])) and len(prev.text) < 400)
    return blank_style and not first.isdigit()


def clean_content(text: str) -> str:
    """Item text for the officer: markdown emphasis from web copies removed, spaces tidied."""
    text = text.replace("**", "")
    text = re.sub(r"(?<=[\s(])\*(?=\S)|(?<=\S)\*(?=[\s).,;:])", "", text)
    return " ".join(text.split()).strip(" ")


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------


_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]*]*\s+")
_ABBREVIATIONS = {"tp", "ts", "ths", "pgs", "gs", "bs", "ks", "th", "ông", "bà", "t.t"}


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` (a period before a capital or a digit ends one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        nxt = text[match.end() : match.end() + 1]
        if not (nxt.isupper() or nxt.isdigit() or nxt in '"“('):
            continue
        word = re.search(r"(\S+)$", text[start : match.start()])
        last = word.group(1) if word else ""
        if last.lower() in _ABBREVIATIONS or (len(last) <= 2 and last[:1].isupper()):
            continue  # "TP. Huế", "T.T": an abbreviation, not a sentence end
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text)))
    return spans


# ---------------------------------------------------------------------------
# Official notices: the tree of numbered items
# ---------------------------------------------------------------------------


_DIRECTIVE_TITLE = re.compile(
    r"\b(?:nhiem vu|phuong huong|giai phap|de xuat|kien nghi|chi dao|yeu cau|to chuc thuc hien|"
    r"ke hoach|cong viec|trien khai|ket luan|phan cong|giao)\b"
)
_NARRATIVE_TITLE = re.compile(
    r"\b(?:danh gia|ket qua|tinh hinh|uu diem|han che|ton tai|nguyen nhan|boi canh|thuc trang|"
    r"dat duoc|khuyet diem)\b"
)
_DIRECTIVE_INTRO = re.compile(
    r"\b(?:nhu sau|sau day|duoi day|cu the|ket luan|chi dao|yeu cau|de nghi|giao|kinh gui)\b"
)
CLOSING = re.compile(
    r"(?:\./\.|/\.)\s*$|^(?:tren day la|noi nhan|tai lieu dinh kem|tin lien quan|tin khac|"
    r"bai viet lien quan)|thong bao (?:de|cho) .{0,80}biet"
)


@dataclass
class Node:
    """A numbered item (or the root, or a section) with its paragraphs and sub-items."""

    kind: str  # "root", "roman", "number", "letter", "bullet"
    label: str
    ref: str
    parent: Node | None
    paras: list[Paragraph] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    intro: list[Paragraph] = field(default_factory=list)
    directive: bool = True
    bullets: int = 0

    def own_text(self) -> tuple[str, list[tuple[int, Paragraph, int]]]:
        """The item's text (continuation paragraphs included) and where each piece came from."""
        parts: list[str] = []
        pieces: list[tuple[int, Paragraph, int]] = []
        offset = 0
        for i, para in enumerate(self.paras):
            start = para.marker.end if (i == 0 and para.marker) else 0
            piece = para.text[start:]
            pieces.append((offset, para, start))
            parts.append(piece)
            offset += len(piece) + 1
        return " ".join(parts), pieces


def line_of(pieces: list[tuple[int, Paragraph, int]], offset: int) -> int:
    """The source line of ``offset`` in a text made by :meth:`Node.own_text`."""
    line = pieces[0][1].first_line if pieces else 1
    for start, para, para_start in pieces:
        if start > offset:
            break
        line = para.line_at(para_start + offset - start)
    return line


def _roman_value(label: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    previous = 0
    for ch in reversed(label.upper().replace("1", "I").replace("L", "I").replace("|", "I")):
        value = values.get(ch, 0)
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


_ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII")


def build_tree(paras: Sequence[Paragraph]) -> Node:
    """The tree of numbered items of the body's paragraphs; stops at the closing formula."""
    root = Node("root", "", "", None)
    section: Node | None = None
    numbered: list[Node] = []
    letter: Node | None = None
    bullets: list[tuple[str, Node]] = []
    last: Node | None = None
    root_directive = False
    for para in paras:
        marker = para.marker
        kind = marker.kind if marker else None
        label = marker.label if marker else ""
        if kind in ("ocr_roman", "number") and marker is not None:
            value = _roman_value(label) if kind == "ocr_roman" or set(label) == {"1"} else 0
            current = _roman_value(section.label) if section else 0
            top = numbered[0].label if numbered else ""
            if (
                value == current + 1
                and section is not None
                and (kind == "ocr_roman" or top != str(int(label) - 1))
                and len(para.body.split()) <= 25
                and para.body[:1].isupper()
            ):
                kind, label = "roman", _ROMANS[value - 1] if value <= len(_ROMANS) else label
            elif kind == "ocr_roman":
                kind = None
        if kind is None:
            if CLOSING.search(fold_ocr(para.text)):
                break
            if last is not None:
                last.paras.append(para)
            else:
                holder = section or root
                holder.intro.append(para)
                if holder is root and para.text.rstrip().endswith(":"):
                    root_directive = bool(_DIRECTIVE_INTRO.search(fold_ocr(para.text)))
            continue
        if kind == "roman":
            section = Node("roman", label, label, root, [para], directive=_directive_title(para))
            root.children.append(section)
            numbered, letter, bullets, last = [], None, [], None
            continue
        holder = section or root
        if kind == "number":
            parts = label.split(".")
            depth = len(parts)
            parent = numbered[depth - 2] if 2 <= depth <= len(numbered) + 1 else holder
            ref = f"{holder.ref}.{label}" if holder.ref else label
            node = Node("number", label, ref, parent, [para])
            numbered = [*numbered[: depth - 1], node]
            letter, bullets = None, []
        elif kind == "letter":
            parent = numbered[-1] if numbered else holder
            ref = f"{parent.ref}.{label}" if parent.ref else label
            node = Node("letter", label, ref, parent, [para])
            letter, bullets = node, []
        else:
            if any(family == label for family, _ in bullets):
                while bullets[-1][0] != label:
                    bullets.pop()
                parent = bullets.pop()[1].parent or holder
            else:
                parent = (
                    bullets[-1][1]
                    if bullets
                    else (letter or (numbered[-1] if numbered else holder))
                )
            parent.bullets += 1
            ref = f"{parent.ref}.{parent.bullets}" if parent.ref else str(parent.bullets)
            node = Node("bullet", label, ref, parent, [para])
            bullets.append((label, node))
        node.directive = holder.directive if holder is not root else root_directive
        parent.children.append(node)
        last = node
    if not any(c.kind == "roman" for c in root.children) and not root_directive:
        for child in root.children:
            child.directive = True
    return root


def _directive_title(para: Paragraph) -> bool:
    title = fold_ocr(para.body)
    directive = _DIRECTIVE_TITLE.search(title)
    narrative = _NARRATIVE_TITLE.search(title)
    return not (narrative and (directive is None or narrative.start() < directive.start()))
