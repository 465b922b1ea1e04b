"""The notice's own fields: number and symbol, place and date, type, title, issuer,
recipients, signer and signing title (header and footer), and the meeting's date and chair.

Official notices (Nghị định 30/2020/NĐ-CP) put these in fixed places: the
number and the issuing body top left, the place and date top right, the type
and title centred, ``Nơi nhận`` and the signature at the foot. Web copies and
Word tables put a header cell over several lines or several cells on one line
(``cell | cell``); both are read. Press reports have none of this: their title
is a headline and the meeting is found in the first paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cdsdesk.importing.structure import (
    OPENERS,
    Paragraph,
    ends_terminal,
    list_marker,
    paragraphs,
    sentences,
)
from cdsdesk.importing.units_match import fold_ocr

__all__ = ["Header", "read_footer", "read_header", "read_meeting", "read_title"]


# ---------------------------------------------------------------------------
# Header and footer: number, place and date, type, title, signer, recipients
# ---------------------------------------------------------------------------


_TYPE_CODES = {
    "TB", "BC", "KH", "QĐ", "NQ", "CT", "TTr", "GM", "KL", "HD", "CTr", "QC", "QyĐ", "PA",
    "ĐA", "DA", "BB", "HĐ", "CĐ", "TC", "CV",
}  # fmt: skip
_TYPE_BY_FOLDED = {fold_ocr(code): code for code in _TYPE_CODES}
_TYPE_NAMES = {
    "thong bao": "TB", "thong bao ket luan": "TB", "ket luan": "KL", "bao cao": "BC",
    "ke hoach": "KH", "quyet dinh": "QĐ", "nghi quyet": "NQ", "chi thi": "CT", "to trinh": "TTr",
    "giay moi": "GM", "huong dan": "HD", "chuong trinh": "CTr", "cong van": "CV",
    "cong dien": "CĐ",
}  # fmt: skip
_HEADER_LINES = 40
_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|\s{3,}")
_SYMBOL_RE = re.compile(
    r"(?:^|\b)s[o6]\s*(?::|\.)?\s*(?P<num>\d{1,5})(?:\s*/\s*(?P<year>(?:19|20)\d\d))?"
    r"\s*(?P<sep>[/-])\s*"
    r"(?P<rest>[a-z][a-z0-9&]*(?:\s?[-/]\s?[a-z][a-z0-9&.]*){0,3})"
)
_DATE_LINE_RE = re.compile(
    r"(?P<place>[a-z][a-z .'-]{0,40}?)\s*,?\s*ngay\s*(?P<d>[0-9ol]{1,2})\s*"
    r"(?:thang\s*(?P<m>[0-9ol]{1,2})\s*nam\s*|[/.-]\s*(?P<m2>[0-9ol]{1,2})\s*[/.-]\s*)"
    r"(?P<y>[0-9ol]{4})"
)
_MOTTO = re.compile(r"cong hoa xa hoi|chu nghia viet nam|doc lap|tu do|hanh phuc|dang cong san")
_AUTHORITY = re.compile(r"^(?:tm|kt|tl|tuq|q|ttl)\s?\.?\s+\S")
_ROLE_LINE = re.compile(
    r"\b(?:chu tich|giam doc|truong ban|chanh van phong|bi thu|truong phong|thu truong|"
    r"tong giam doc|cuc truong|vien truong|hieu truong|chanh thanh tra|truong doan)\b"
)
_SIGNED_MARK = re.compile(r"^[(\[]?\s*(?:da ky|ky|ky ten|ky, ghi ro ho ten)[^)\]]*[)\]]?$")


def _digits(text: str) -> int:
    return int(text.replace("o", "0").replace("l", "1"))


def _cells(line: str) -> list[str]:
    return [c for c in _CELL_SPLIT.split(line.strip()) if c]


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


@dataclass
class Header:
    """The header's fields and the lines they were read from."""

    fields: dict[str, Any]
    lines: dict[str, int]
    last_line: int  # the last line used by a header field (0 if none)
    type_line: int | None = None


def read_header(lines: Sequence[str]) -> Header:
    """Number, symbol, type, issuer, place and date, and a letter's addressees."""
    fields, where, type_line, issuers = _scan_header(
        list(enumerate(lines[:_HEADER_LINES], start=1))
    )
    if "symbol" not in fields or "issued_on" not in fields:
        # Web copies put each header cell over several lines ("Số:" / "33/2009/QĐ-UBND").
        more, more_where, _type_line, more_issuers = _scan_header(_header_blocks(lines))
        for key in ("number", "symbol", "doc_type", "issuer_code", "issued_on", "place"):
            if key not in fields and key in more:
                fields[key] = more[key]
        longer_place = len(more.get("place") or "") > len(fields.get("place") or "")
        if more.get("issued_on") == fields.get("issued_on") and longer_place:
            fields["place"] = more["place"]  # "Tiền" / "Giang, ngày ...": the whole name
        for key in ("number", "issued_on"):
            if key not in where and key in more_where:
                where[key] = more_where[key]
        if "symbol" in more and more_issuers:
            issuers = more_issuers
    if issuers:
        number, issuer = issuers[-1]
        # "ỦY BAN NHÂN DÂN" over "HUYỆN SƠN TỊNH": one name on two lines.
        if len(issuers) > 1 and _PLACE_START.match(fold_ocr(issuer)):
            before_number, before = issuers[-2]
            if before_number >= number - 2:
                issuer = f"{before} {issuer}"
        fields["issuer"] = " ".join(issuer.split())
        where["issuer"] = number
    _read_addressees(lines, fields, where)
    last = max(where.values(), default=0)
    if "addressees" in fields:
        last = max(last, fields.pop("addressees_end"))
    return Header(fields, where, last, type_line)


def _scan_header(
    pieces: Sequence[tuple[int, str]],
) -> tuple[dict[str, Any], dict[str, int], int | None, list[tuple[int, str]]]:
    """Number, date and place, type line and issuing-body candidates in (line, text) pieces."""
    fields: dict[str, Any] = {}
    where: dict[str, int] = {}
    issuers: list[tuple[int, str]] = []
    type_line = None
    for number, raw in pieces:
        for cell in _cells(raw):
            folded = fold_ocr(cell)
            match = _SYMBOL_RE.search(folded) if "symbol" not in fields else None
            if match and folded[: match.start()].strip() in ("", "-"):
                _symbol_fields(cell, match, fields)
                where["number"] = number
                continue
            match = _DATE_LINE_RE.match(folded) if "issued_on" not in fields else None
            if match and len(folded) - match.end() < 4 and cell[:1].isupper():
                day, year = _digits(match["d"]), _digits(match["y"])
                month = _digits(match["m"] or match["m2"])
                try:
                    fields["issued_on"] = date(year, month, day)
                except ValueError:
                    continue
                place = cell[match.start("place") : match.end("place")].strip(" ,.-")
                if place and fold_ocr(place).split()[0] not in ("so", "ngay"):
                    fields["place"] = place
                where["issued_on"] = number
                continue
            bare = " ".join(folded.split()).strip(" .:")
            if type_line is None and _mostly_upper(cell) and bare in _TYPE_NAMES:
                fields.setdefault("doc_type", _TYPE_NAMES[bare])
                type_line = number
                where["doc_type"] = number
                continue
            if (
                type_line is None
                and "number" not in where
                and _mostly_upper(cell)
                and not _MOTTO.search(folded)
                and len(cell.split()) >= 2
            ):
                issuers.append((number, cell.strip(" -_")))
    return fields, where, type_line, issuers


def _header_blocks(lines: Sequence[str]) -> list[tuple[int, str]]:
    """Header lines joined into blocks, split at blank lines and at "|" or "---" lines."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    first = 0
    for number, raw in enumerate(lines[:_HEADER_LINES], start=1):
        if re.fullmatch(r"[\s|_=\-–—]*", raw):
            if current:
                blocks.append((first, " ".join(current)))
            current = []
            continue
        if not current:
            first = number
        current.append(raw.strip())
    if current:
        blocks.append((first, " ".join(current)))
    return blocks


_PLACE_START = re.compile(r"(?:tinh|huyen|xa|thanh pho|thi xa|quan|phuong|thi tran)\b")


def _read_addressees(lines: Sequence[str], fields: dict[str, Any], where: dict[str, int]) -> None:
    """A letter's "Kính gửi: X" (or a list of "- X;" lines under it)."""
    for index, raw in enumerate(lines[:_HEADER_LINES]):
        match = re.match(r"\s*k\S*nh g\S*i\s*:?\s*", raw, flags=re.IGNORECASE)
        if not match or re.findall(r"[a-z]+", fold_ocr(raw[: match.end()]))[:2] != ["kinh", "gui"]:
            continue
        names = [raw[match.end() :].strip()]
        end = index
        for number in range(index + 1, min(len(lines), index + 30)):
            line = lines[number].strip()
            if not line:
                continue
            if not re.match(r"[-–—•+]", line):
                break
            names.append(line)
            end = number
        items = [n.strip().lstrip("-–—•+ ").strip().rstrip(";.,") for n in names]
        fields["addressees"] = tuple(i for i in items if i)
        fields["addressees_end"] = end + 1
        where["addressees"] = index + 1
        return


def _symbol_fields(cell: str, match: re.Match[str], fields: dict[str, Any]) -> None:
    rest_original = cell[match.start("rest") : match.end("rest")]
    rest = re.sub(r"\s+", "", rest_original).rstrip(".")
    number = match["num"]
    fields["number"] = number
    year = f"/{match['year']}" if match["year"] else ""
    fields["symbol"] = f"{number}{year}{match['sep']}{rest}"
    parts = [p for p in re.split(r"[-/]", rest) if p]
    first = _TYPE_BY_FOLDED.get(fold_ocr(parts[0])) if parts else None
    if first is not None:
        fields["doc_type"] = first
        if len(parts) > 1:
            fields["issuer_code"] = parts[1]
    elif parts:
        fields["issuer_code"] = parts[0]


def read_title(lines: Sequence[str], header: Header) -> tuple[str | None, int, int]:
    """The trích yếu under the type line, or a headline near the top; with its lines."""
    if header.type_line is not None:
        picked: list[str] = []
        first = last = 0
        for number in range(header.type_line + 1, min(len(lines), header.type_line + 12) + 1):
            line = " ".join(lines[number - 1].split())
            if not line:
                if picked:
                    break
                continue
            folded = fold_ocr(line)
            if picked and (
                OPENERS.match(folded) or list_marker(line) is not None or line.endswith(":")
            ):
                break
            if not picked and (OPENERS.match(folded) or list_marker(line) is not None):
                return None, 0, 0
            picked.append(line)
            first, last = first or number, number
            if len(picked) >= 4 or ends_terminal(line):
                break
        title = " ".join(picked).strip(" .") or None
        return title, first, last
    for number, raw in enumerate(lines[:_HEADER_LINES], start=1):
        for cell in _cells(raw):
            match = re.match(r"v\s?/\s?v\s*:?\s*", fold_ocr(cell))
            if match and len(cell) > match.end():
                return cell[match.end() :].strip(), number, number
    # No type line (a web page, a press report): a headline among the first paragraphs.
    for para in paragraphs(lines[:15])[:5]:
        words = para.text.split()
        if 5 <= len(words) <= 60 and not ends_terminal(para.text) and para.marker is None:
            folded = fold_ocr(para.text)
            if re.search(r"\b(?:ket luan|thong bao|hop|hoi nghi|phien|y kien|chi dao)\b", folded):
                return para.text, para.first_line, para.last_line
    return None, 0, 0


def read_footer(lines: Sequence[str], fields: dict[str, Any], where: dict[str, int]) -> int:
    """Recipients, archive line, signing title and signer; returns the footer's first line."""
    footer_start = len(lines) + 1
    start_search = max(0, len(lines) - 60)
    recipients_at = None
    for index in range(len(lines) - 1, start_search - 1, -1):
        if fold_ocr(lines[index]).lstrip(" -*_").startswith("noi nhan"):
            recipients_at = index
            break
    if recipients_at is not None:
        footer_start = recipients_at + 1
        where["recipients"] = recipients_at + 1
        _read_recipients(lines, recipients_at, fields)
    titles: list[tuple[int, str]] = []
    for index in range(start_search, len(lines)):
        for cell in _cells(lines[index]):
            # A table cell may hold title and name: "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Nguyễn Văn A".
            head = _upper_head(cell)
            folded = fold_ocr(head)
            role = _AUTHORITY.match(folded) or _ROLE_LINE.search(folded)
            if role and _mostly_upper(head) and len(head.split()) <= 12:
                if titles and titles[-1][0] < index - 3:
                    titles = []  # not one block: keep the last
                titles.append((index, head))
    if titles:
        first_title = titles[0][0]
        fields["signer_title"] = "\n".join(t for _, t in titles)
        where["signer"] = first_title + 1
        footer_start = min(footer_start, first_title + 1)
        signer = _signer_after(lines, titles[-1][0], titles[-1][1])
        if signer:
            fields["signer"] = signer
    return footer_start


def _read_recipients(lines: Sequence[str], at: int, fields: dict[str, Any]) -> None:
    first = re.sub(r"^.*?n\S*i\s+nh\S*n\s*:?", "", lines[at], count=1, flags=re.IGNORECASE)
    blob = [first.split(" | ")[0]]
    for raw in lines[at + 1 : at + 60]:
        line = raw.split(" | ")[0].strip()
        if not line:
            continue
        if not re.match(r"[-–—•+*]", line):
            break
        blob.append(line)
    text = "\n".join(blob)
    text = re.sub(r";\s*(?=[-–—•+]\s)", ";\n", text)
    items: list[str] = []
    archive = None
    for part in text.split("\n"):
        item = part.strip().lstrip("-–—•+* ").strip().rstrip(";,")
        if not item:
            continue
        if fold_ocr(item).startswith(("luu:", "luu ", "luu.")):
            archive = item
            continue
        items.append(item.rstrip("."))
    fields["recipients"] = tuple(items)
    if archive:
        fields["archive_line"] = archive


def _upper_head(cell: str) -> str:
    """The words of ``cell`` up to the first one with a lowercase letter."""
    words = []
    for word in cell.split():
        if any(c.islower() for c in word):
            break
        words.append(word)
    return " ".join(words).strip(" (")


def _signer_after(lines: Sequence[str], index: int, title_cell: str) -> str | None:
    # A name may follow the title in the same table cell ("PHÓ GIÁM ĐỐC (Đã ký) Nguyễn Văn A").
    candidates: list[str] = []
    for raw in lines[index : index + 12]:
        for cell in _cells(raw):
            candidates.append(cell)
    for cell in candidates:
        text = cell.replace(title_cell, "", 1) if title_cell in cell else cell
        text = re.sub(r"[(\[][^)\]]{0,30}[)\]]", " ", text).strip(" .,*")
        folded = fold_ocr(text)
        if not text or _SIGNED_MARK.match(folded) or _AUTHORITY.match(folded):
            continue
        words = text.split()
        if (
            2 <= len(words) <= 5
            and all(w[:1].isupper() and w.isalpha() for w in words)
            and not _ROLE_LINE.search(folded)
            and not re.search(r"\b(?:pho|truong|van phong|chanh)\b", folded)
        ):
            return " ".join(words) if not text.isupper() else " ".join(w.title() for w in words)
    return None


# ---------------------------------------------------------------------------
# Meeting date and chair
# ---------------------------------------------------------------------------


_MEETING_DATE = re.compile(
    r"(?:^|dien ra (?:vao )?|(?:^|, )vao )(?P<when>(?:(?:sang|chieu|toi|trua) (?:nay )?)?(?:ngay )?"
    r"(?P<d>\d{1,2}) ?[/-] ?(?P<m>\d{1,2})(?: ?[/-] ?(?P<y>\d{4}))?"
    r"|(?:ngay )?(?P<d2>\d{1,2}) thang (?P<m2>\d{1,2})(?: nam (?P<y2>\d{4}))?)(?![\d/])"
)
_CHAIR = re.compile(r"\s(?:da |cung |dong )?chu tri (?:cuoc|phien|buoi|hoi nghi|hop|to chuc)")
_TITLE_CHAIR = re.compile(
    r"(?:ket luan|y kien(?: chi dao)?)(?: chi dao)? cua (?P<who>.+?)(?: tai | ve |$)"
)


def read_meeting(
    paras: Sequence[Paragraph], title: str | None, year: int | None
) -> tuple[date | None, str | None, str | None, int | None, int | None]:
    """Meeting date, its phrase as written, the chair, and the lines they were found on."""
    meeting_on = meeting_text = chair = None
    date_line = chair_line = None
    for para in paras[:4]:
        for s_start, s_end in sentences(para.text):
            sentence = para.text[s_start:s_end]
            folded = fold_ocr(sentence)
            if not re.search(r"\b(?:hop|hoi nghi|phien|chu tri|to chuc|lam viec)\b", folded):
                continue
            if meeting_text is None and (match := _MEETING_DATE.search(folded)):
                meeting_text = sentence[match.start("when") : match.end("when")]
                day = int(match["d"] or match["d2"])
                month = int(match["m"] or match["m2"])
                found_year = match["y"] or match["y2"]
                try:
                    when_year = int(found_year) if found_year else year
                    meeting_on = date(when_year, month, day) if when_year else None
                except ValueError:
                    meeting_on = None
                date_line = para.line_at(s_start + match.start("when"))
            if chair is None and (match := _CHAIR.search(folded)):
                who = sentence[: match.start()]
                date_prefix = _MEETING_DATE.match(fold_ocr(who))
                if date_prefix:
                    who = who[date_prefix.end() :]
                who = re.sub(r"\([^)]{0,120}\)", " ", who)
                who = " ".join(who.split()).strip(" ,;")
                if 0 < len(who.split()) <= 60:
                    chair, chair_line = who, para.line_at(s_start)
        if chair and meeting_text:
            break
    if chair is None and title and (match := _TITLE_CHAIR.search(fold_ocr(title))):
        chair = title[match.start("who") : match.end("who")].strip(" ,")
    return meeting_on, meeting_text, chair, date_line, chair_line
