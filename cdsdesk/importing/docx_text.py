"""The text of a Word file as its author saw it: paragraphs, tables and list numbers.

Word keeps automatic numbering ("1.", "II.", "a)", "-") out of the text; it is
rebuilt here from the numbering part so the notice parser sees the numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
_TXBX = _W + "txbxContent"
# Subtrees whose text the reader of the printed page does not see.
_SKIPPED = frozenset(
    _W + tag for tag in ("del", "moveFrom", "delText", "instrText", "pPr", "rPr", "sdtPr", "tblPr")
) | {_MC + "Fallback"}


def document_lines(document: Any, body: Any) -> list[str]:
    """Lines of a python-docx ``document`` whose body element is ``body``."""
    lines: list[str] = []
    _walk_blocks(body, _Numbering.of(document), lines)
    return lines


def _walk_blocks(container: Any, numbering: _Numbering, lines: list[str]) -> None:
    """Append the lines of the paragraphs and tables of ``container`` in order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            extra: list[str] = []
            text = _paragraph_text(child, numbering, extra)
            lines.append(numbering.prefix(child, bool(text.strip())) + text)
            lines.extend(extra)
        elif tag == _TBL:
            _walk_table(child, numbering, lines)
        elif tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            _walk_blocks(child, numbering, lines)


def _walk_table(table: Any, numbering: _Numbering, lines: list[str]) -> None:
    for row in _children(table, _TR):
        cells: list[str] = []
        for cell in _children(row, _TC):
            cell_lines: list[str] = []
            _walk_blocks(cell, numbering, cell_lines)
            cells.append(" ".join(part.strip() for part in cell_lines if part.strip()))
        if any(cells):
            lines.append(" | ".join(cells))


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Children with ``tag``, looking through content controls and custom XML."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _children(child, tag)


def _paragraph_text(paragraph: Any, numbering: _Numbering, extra: list[str]) -> str:
    """The visible text of a paragraph; text boxes inside it go to ``extra``."""
    parts: list[str] = []

    def visit(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _TXBX:
                _walk_blocks(child, numbering, extra)
            elif tag == _W + "r" and _is_hidden(child):
                continue
            else:
                visit(child)

    visit(paragraph)
    return "".join(parts)


def _is_hidden(run: Any) -> bool:
    props = run.find(_W + "rPr")
    if props is None:
        return False
    vanish = props.find(_W + "vanish")
    return vanish is not None and _val(vanish) not in ("0", "false", "off")


def _val(element: Any | None, default: str | None = None) -> str | None:
    if element is None:
        return default
    value = element.get(_W + "val")
    return default if value is None else str(value)


@dataclass(frozen=True)
class _Level:
    fmt: str
    text: str
    start: int
    restart: int | None  # None: restart after any higher level; 0: never
    legal: bool
    suffix: str


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_level(lvl: Any) -> _Level:
    restart = lvl.find(_W + "lvlRestart")
    return _Level(
        fmt=_val(lvl.find(_W + "numFmt"), "decimal") or "decimal",
        text=_val(lvl.find(_W + "lvlText"), "") or "",
        start=_int(_val(lvl.find(_W + "start")), 0),
        restart=None if restart is None else _int(_val(restart), 0),
        legal=lvl.find(_W + "isLgl") is not None and _val(lvl.find(_W + "isLgl")) != "0",
        suffix={"space": " ", "nothing": ""}.get(_val(lvl.find(_W + "suff"), "") or "", " "),
    )


class _Numbering:
    """Word's list numbering, replayed paragraph by paragraph in document order.

    Counters are kept per abstract list, as Word does: two list instances
    (``w:num``) of the same abstract list continue each other unless the
    second one restarts with a ``w:startOverride``.
    """

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_links: dict[str, str] = {}  # abstract id -> numbering style id
        self._abstract_by_style: dict[str, str] = {}  # numbering style id -> abstract id
        self._nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self._style_num: dict[str, tuple[str | None, int | None]] = {}
        self._style_level: dict[tuple[str, str], int] = {}  # (abstract, style) -> ilvl
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if numbering is not None:
            self._load_numbering(numbering)
        if styles is not None:
            self._load_styles(styles)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        part = document.part
        numbering = styles = None
        try:
            numbering = part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            numbering = None
        try:
            styles = part.styles.element
        except (NotImplementedError, KeyError, AttributeError):
            styles = None
        return cls(numbering, styles)

    def _load_numbering(self, root: Any) -> None:
        for abstract in root.iterchildren(_W + "abstractNum"):
            abstract_id = abstract.get(_W + "abstractNumId")
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(_W + "lvl"):
                ilvl = _int(lvl.get(_W + "ilvl"), 0)
                levels[ilvl] = _parse_level(lvl)
                style = _val(lvl.find(_W + "pStyle"))
                if style:
                    self._style_level[(abstract_id, style)] = ilvl
            self._abstract[abstract_id] = levels
            link = _val(abstract.find(_W + "numStyleLink"))
            if link:
                self._style_links[abstract_id] = link
            owner = _val(abstract.find(_W + "styleLink"))
            if owner:
                self._abstract_by_style[owner] = abstract_id
        for num in root.iterchildren(_W + "num"):
            starts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for override in num.iterchildren(_W + "lvlOverride"):
                ilvl = _int(override.get(_W + "ilvl"), 0)
                start = override.find(_W + "startOverride")
                if start is not None:
                    starts[ilvl] = _int(_val(start), 1)
                lvl = override.find(_W + "lvl")
                if lvl is not None:
                    overrides[ilvl] = _parse_level(lvl)
            abstract_id = _val(num.find(_W + "abstractNumId"), "") or ""
            self._nums[str(num.get(_W + "numId"))] = (abstract_id, starts, overrides)

    def _load_styles(self, root: Any) -> None:
        raw: dict[str, tuple[str | None, str | None, int | None]] = {}
        for style in root.iterchildren(_W + "style"):
            style_id = style.get(_W + "styleId")
            if not style_id:
                continue
            based_on = _val(style.find(_W + "basedOn"))
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            num_id = ilvl = None
            if num_pr is not None:
                num_id = _val(num_pr.find(_W + "numId"))
                level = _val(num_pr.find(_W + "ilvl"))
                ilvl = None if level is None else _int(level, 0)
            raw[style_id] = (based_on, num_id, ilvl)
        for style_id in raw:
            seen: set[str] = set()
            current: str | None = style_id
            while current and current in raw and current not in seen:
                seen.add(current)
                based_on, num_id, ilvl = raw[current]
                if num_id is not None:
                    self._style_num[style_id] = (num_id, ilvl)
                    break
                current = based_on

    def _resolve(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        entry = self._nums.get(num_id)
        if entry is None:
            return None
        abstract_id, _, overrides = entry
        link = self._style_links.get(abstract_id)
        if link is not None:
            linked = self._abstract_by_style.get(link)
            if linked is None:
                style_num = self._style_num.get(link)
                target = self._nums.get(style_num[0]) if style_num and style_num[0] else None
                linked = target[0] if target else None
            if linked is not None:
                abstract_id = linked
        levels = self._abstract.get(abstract_id)
        if levels is None:
            return None
        return abstract_id, {**levels, **overrides}

    def prefix(self, paragraph: Any, has_text: bool) -> str:
        """The list label of ``paragraph`` (``"1. "``, ``"- "``) or ``""``; advances counters."""
        num_id, ilvl, style = self._paragraph_num(paragraph)
        if num_id is None or num_id == "0":
            return ""
        resolved = self._resolve(num_id)
        if resolved is None:
            return ""
        abstract_id, levels = resolved
        if ilvl is None:
            ilvl = self._style_level.get((abstract_id, style or ""), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._started:
            self._started.add(num_id)
            for restart_level, start in self._nums[num_id][1].items():
                counters[restart_level] = start - 1
        current = counters.get(ilvl)
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in [lv for lv in counters if lv > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            limit = deeper if restart is None else restart
            if ilvl < limit:
                del counters[deeper]
        if not has_text:
            return ""
        label = _expand_label(level, levels, counters, ilvl)
        return label + level.suffix if label else ""

    def _paragraph_num(self, paragraph: Any) -> tuple[str | None, int | None, str | None]:
        props = paragraph.find(_W + "pPr")
        style = _val(props.find(_W + "pStyle")) if props is not None else None
        num_id: str | None = None
        ilvl: int | None = None
        num_pr = props.find(_W + "numPr") if props is not None else None
        if num_pr is not None:
            num_id = _val(num_pr.find(_W + "numId"))
            level = _val(num_pr.find(_W + "ilvl"))
            ilvl = None if level is None else _int(level, 0)
        if num_id is None and style is not None and style in self._style_num:
            num_id, style_ilvl = self._style_num[style]
            ilvl = style_ilvl if ilvl is None else ilvl
        return num_id, ilvl, style


def _expand_label(
    level: _Level, levels: dict[int, _Level], counters: dict[int, int], ilvl: int
) -> str:
    if level.fmt == "none":
        return ""
    if level.fmt == "bullet":
        return _bullet(level.text)

    def number(match: re.Match[str]) -> str:
        ref = int(match.group(1)) - 1
        ref_level = levels.get(ref, level)
        value = counters.get(ref, ref_level.start)
        fmt = "decimal" if level.legal and ref < ilvl else ref_level.fmt
        return _format_number(value, fmt)

    return re.sub(r"%([1-9])", number, level.text).strip()


def _bullet(text: str) -> str:
    """A bullet glyph as a character people type: Symbol-font codes become ``-``/``+``/``•``."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xF000 <= code <= 0xF0FF:
            low = chr(code - 0xF000)
            ch = low if low in "-+*o>" else "•"
        elif ch in "\u2010\u2011\u2012\u2013\u2212":
            ch = "-"
        out.append(ch)
    return "".join(out).strip()


_ROMAN_PAIRS = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _roman(value: int) -> str:
    if not 0 < value < 4000:
        return str(value)
    out = []
    for amount, numeral in _ROMAN_PAIRS:
        while value >= amount:
            out.append(numeral)
            value -= amount
    return "".join(out)


def _letters(value: int) -> str:
    """Word's letter numbering: a..z, then aa..zz, aaa.. (the letter repeated)."""
    if value <= 0:
        return str(value)
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


_FORMATTERS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "upperRoman": lambda n: _roman(n).upper(),
    "lowerRoman": _roman,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerLetter": _letters,
}


def _format_number(value: int, fmt: str) -> str:
    return _FORMATTERS.get(fmt, str)(value)
