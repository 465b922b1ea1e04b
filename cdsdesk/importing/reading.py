"""Turn a notice file (.txt, .docx, .pdf) or pasted text into clean Unicode text.

Everything downstream (the notice parser, the review dialog's source pane)
works on one :class:`SourceText`: NFC-normalised, ``\\n`` line ends, no control
characters but ``\\n`` and ``\\t``, every line right-stripped. Line numbers are
kept (a blank line in the file stays a blank line) so a task can point back at
the lines it came from.

Every failure the officer can do something about raises :class:`ImportReadError`
with a Vietnamese message saying what is wrong and what to do; the reader never
asks for more than :data:`MAX_FILE_BYTES` and never loops over more than
:data:`MAX_PDF_PAGES` pages, so a hostile file cannot freeze the program.

Text files: a BOM decides (UTF-8, UTF-16, UTF-32); UTF-16 without a BOM is
recognised by its NUL bytes; otherwise strict UTF-8, and if that fails the
decoding that reads most like Vietnamese wins among UTF-8 (lossy), Windows-1258
and Windows-1252 (see :func:`_vietnamese_score`). Windows-1258 writes most
tones as combining marks, so the result is NFC-composed (``e`` + ``̂`` + ``̣``
becomes ``ệ``).

Word files: paragraphs and tables in document order; list numbers, which Word
keeps out of the text, are rebuilt from the numbering part (:class:`_Numbering`)
so ``1.``, ``II.``, ``a)``, ``-`` and ``+`` appear as the author saw them. Table
rows become one line each, cells joined by ``" | "``.
"""

from __future__ import annotations

import codecs
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cdsdesk.errors import CdsError
from cdsdesk.i18n import tr

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PDF_PAGES",
    "ImportReadError",
    "SourceKind",
    "SourceText",
    "read_text",
    "text_from_paste",
]

SourceKind = Literal["txt", "docx", "pdf", "paste"]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 300
# A text layer is only slow to extract when the PDF is malformed; give up
# rather than keep the officer waiting.
PDF_TIME_BUDGET_SECONDS = 60.0
# A .docx is a zip: refuse one that would unpack to something absurd.
MAX_DOCX_UNPACKED_BYTES = 256 * 1024 * 1024
# A PDF page with fewer letters and digits than this has no real text layer
# (scanners often stamp a few words such as "Scanned with CamScanner").
MIN_PAGE_TEXT = 40


class ImportReadError(CdsError):
    """A file or pasted text that cannot be read as a notice; ``str()`` says why."""


@dataclass(frozen=True)
class SourceText:
    """The text of a notice, ready for parsing."""

    text: str
    lines: list[str]
    kind: SourceKind
    encoding: str | None = None
    path: Path | None = None


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def text_from_paste(text: str) -> SourceText:
    """Clean text pasted by the officer."""
    if len(text) > MAX_FILE_BYTES:
        raise ImportReadError(
            tr("Nội dung dán vào quá dài (hơn {limit} triệu ký tự).").format(
                limit=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    return _source(text, "paste", None, None, empty=tr("Nội dung dán vào trống."))


def read_text(path: Path) -> SourceText:
    """Read a notice from ``path``: .txt (or any text), .docx or .pdf.

    The format is decided by the file's content first (a renamed PDF is still a
    PDF), then by its extension.
    """
    path = Path(path)
    data = _read_bytes(path)
    name = path.name
    ext = path.suffix.lower()
    sniffed = _sniff(data)
    if sniffed == "pdf":
        return _source(_read_pdf(data, name), "pdf", None, path, empty=_no_text(name))
    if sniffed == "zip":
        if ext in (".docx", ".docm", ".dotx", ".dotm") or _is_word_zip(data):
            return _source(_read_docx(data, name), "docx", None, path, empty=_no_text(name))
        raise ImportReadError(_not_a_notice_format(name, ext))
    if sniffed == "ole":
        raise ImportReadError(_ole_message(data, name))
    if sniffed == "rtf":
        raise ImportReadError(
            tr(
                "Tệp {name} là định dạng RTF, chưa đọc được. Hãy mở trong Word và lưu "
                "thành .docx, hoặc dán nội dung vào."
            ).format(name=name)
        )
    if sniffed == "image":
        raise ImportReadError(
            tr(
                "Tệp {name} là một hình ảnh, không phải văn bản. Nếu đó là ảnh chụp văn "
                "bản, hãy chạy nhận dạng chữ (OCR) trước hoặc dán nội dung vào."
            ).format(name=name)
        )
    if ext in (".docx", ".docm"):
        raise ImportReadError(_corrupt_docx(name))
    if ext == ".pdf":
        raise ImportReadError(_corrupt_pdf(name))
    if ext == ".doc":
        raise ImportReadError(_old_doc(name))
    text, encoding = _decode_text(data, name)
    return _source(text, "txt", encoding, path, empty=_no_text(name))


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    name = path.name
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ImportReadError(tr("{name} là một thư mục, không phải tệp.").format(name=name))
    except FileNotFoundError:
        raise ImportReadError(tr("Không tìm thấy tệp {name}.").format(name=name)) from None
    except OSError as exc:
        raise ImportReadError(_cannot_open(name, exc)) from None
    if size == 0:
        raise ImportReadError(
            tr("Tệp {name} trống (0 byte), không có gì để nhập.").format(name=name)
        )
    if size > MAX_FILE_BYTES:
        raise ImportReadError(
            tr(
                "Tệp {name} quá lớn ({size:.1f} MB); chỉ nhận tệp đến {limit} MB. Hãy "
                "chọn đúng tệp văn bản, hoặc dán phần nội dung cần nhập."
            ).format(name=name, size=size / (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024))
        )
    try:
        with path.open("rb") as stream:
            # Never more than the limit, even if the file grew after stat().
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportReadError(_cannot_open(name, exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise ImportReadError(
            tr("Tệp {name} quá lớn; chỉ nhận tệp đến {limit} MB.").format(
                name=name, limit=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    if not data:
        raise ImportReadError(
            tr("Tệp {name} trống (0 byte), không có gì để nhập.").format(name=name)
        )
    return data


def _cannot_open(name: str, exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return tr("Không có quyền đọc tệp {name}.").format(name=name)
    return tr("Không mở được tệp {name}: {reason}").format(name=name, reason=exc.strerror or exc)


def _source(
    raw: str, kind: SourceKind, encoding: str | None, path: Path | None, *, empty: str
) -> SourceText:
    text = clean_text(raw)
    if not text.strip():
        raise ImportReadError(empty)
    return SourceText(text=text, lines=text.split("\n"), kind=kind, encoding=encoding, path=path)


def _no_text(name: str) -> str:
    return tr("Tệp {name} không có nội dung văn bản nào để nhập.").format(name=name)


def _corrupt_docx(name: str) -> str:
    return tr(
        "Tệp {name} bị hỏng hoặc không phải tệp Word (.docx) hợp lệ. Hãy mở lại bằng Word "
        "và lưu thành .docx, hoặc dán nội dung vào."
    ).format(name=name)


def _corrupt_pdf(name: str) -> str:
    return tr(
        "Tệp {name} bị hỏng hoặc không phải tệp PDF hợp lệ. Hãy kiểm tra lại tệp, hoặc dán "
        "nội dung vào."
    ).format(name=name)


def _old_doc(name: str) -> str:
    return tr(
        "Tệp {name} là định dạng Word cũ (.doc, Word 97-2003), chưa đọc được. Hãy mở trong "
        "Word và lưu thành .docx, hoặc dán nội dung vào."
    ).format(name=name)


def _not_a_notice_format(name: str, ext: str) -> str:
    if ext in (".xlsx", ".xlsm", ".pptx", ".odt", ".ods", ".odp"):
        return tr(
            "Tệp {name} không phải văn bản Word, PDF hay văn bản thuần; chỉ nhập được tệp "
            ".docx, .pdf, .txt hoặc nội dung dán vào."
        ).format(name=name)
    return tr(
        "Tệp {name} là tệp nén hoặc định dạng chưa hỗ trợ; chỉ nhập được tệp .docx, .pdf, "
        ".txt hoặc nội dung dán vào."
    ).format(name=name)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)


def _sniff(data: bytes) -> str | None:
    """The container format the bytes start with, whatever the extension says."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data[:12].startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image"
    if any(data.startswith(magic) for magic in _IMAGE_MAGICS) and _looks_binary(data):
        return "image"
    return None


def _ole_message(data: bytes, name: str) -> str:
    """An OLE compound file is either an encrypted .docx/.xlsx or an old binary format."""
    if (
        "EncryptionInfo".encode("utf-16-le") in data
        or "EncryptedPackage".encode("utf-16-le") in data
    ):
        return tr(
            "Tệp {name} được đặt mật khẩu (mã hóa), không đọc được. Hãy mở bằng Word, bỏ "
            "mật khẩu rồi lưu lại, hoặc dán nội dung vào."
        ).format(name=name)
    return _old_doc(name)


# ---------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------


def _cleaning_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in range(0xA0):
        if unicodedata.category(chr(cp)) == "Cc" and chr(cp) not in "\n\t":
            table[cp] = None
    for cp in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85):  # vertical tab, page and record breaks
        table[cp] = "\n"
    table[0x0D] = "\n"
    for cp in (0x2028, 0x2029):
        table[cp] = "\n"
    invisible = [0xAD, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F)]
    invisible += [*range(0x2060, 0x2065), 0xFEFF, 0xFFFE]
    for cp in invisible:
        table[cp] = None
    spaces = [0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
    for cp in spaces:
        table[cp] = " "
    return table


_CLEAN_TABLE = _cleaning_table()
_TRAILING_SPACE_RE = re.compile(r"[ \t]+$", re.MULTILINE)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no control/format characters, lines right-stripped."""
    text = text.replace("\r\n", "\n").translate(_CLEAN_TABLE)
    text = _SURROGATE_RE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    return _TRAILING_SPACE_RE.sub("", text)


# ---------------------------------------------------------------------------
# Plain text and its encoding
# ---------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r\x0c\x1a\x1b") + b"\x7f"


def _decode_text(data: bytes, name: str) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding.removesuffix("-sig"), "replace"), encoding
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        text = data.decode(utf16, "replace")
        if _bad_ratio(text) < 0.05:
            return text, utf16
    if _looks_binary(data):
        raise ImportReadError(
            tr(
                "Tệp {name} không phải tệp văn bản (có vẻ là dữ liệu nhị phân). Hãy chọn "
                "tệp .txt, .docx hoặc .pdf của văn bản."
            ).format(name=name)
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = [(data.decode(enc, "replace"), enc) for enc in ("utf-8", "cp1258", "cp1252")]
    text, encoding = max(candidates, key=lambda c: _vietnamese_score(c[0]))
    if _bad_ratio(text) > 0.02:
        raise ImportReadError(
            tr(
                "Không nhận ra bảng mã của tệp {name}. Hãy mở tệp bằng Notepad hoặc Word, "
                "lưu lại với bảng mã UTF-8 (Unicode) rồi nhập lại, hoặc dán nội dung vào."
            ).format(name=name)
        )
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes sit in every other byte, as in UTF-16 text."""
    sample = data[:8192]
    sample = sample[: len(sample) - len(sample) % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    if odd_nul > 0.3 * pairs and even_nul < 0.05 * pairs:
        return "utf-16-le"
    if even_nul > 0.3 * pairs and odd_nul < 0.05 * pairs:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.02 * len(sample)


def _bad_ratio(text: str) -> float:
    """The share of characters that are replacement characters or stray controls."""
    visible = len(text) - text.count(" ") - text.count("\n")
    if visible <= 0:
        return 0.0
    bad = text.count("\ufffd") + sum(1 for ch in text if ch < " " and ch not in "\t\n\r\x0c\x1a")
    return bad / visible


def _vietnamese_letters() -> frozenset[str]:
    """Precomposed Vietnamese letters that Windows-1252 cannot encode (ă, ơ, ệ, đ...)."""
    letters: set[str] = {"đ", "Đ"}
    tones = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
    bases = ["a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b"]
    bases += ["u", "u\u031b", "y"]
    for base in bases:
        for tone in tones:
            for form in (base + tone, (base + tone).upper()):
                letter = unicodedata.normalize("NFC", form)
                if len(letter) != 1:
                    continue
                try:
                    letter.encode("cp1252")
                except UnicodeEncodeError:
                    letters.add(letter)
    return frozenset(letters)


_VI_ONLY = _vietnamese_letters()
_VI_UPPER_ONLY = frozenset(ch for ch in _VI_ONLY if ch.isupper())


def _vietnamese_score(text: str) -> int:
    """How much ``text`` reads like Vietnamese: letters only Vietnamese uses count for
    it; replacement characters, combining marks left over after NFC (a mark on a
    consonant) and Vietnamese capitals inside lowercase words (mojibake such as
    ``"Ä‘"`` read as ``"Ă‘"``) count against it. Windows-1252 can never score
    above zero, so Vietnamese text is never taken for Latin-1."""
    text = unicodedata.normalize("NFC", text)
    score = 0
    previous = ""
    for ch in text:
        if ch in _VI_ONLY:
            score += 1
            if ch in _VI_UPPER_ONLY and previous.islower():
                score -= 3
        elif ch == "\ufffd" or unicodedata.combining(ch):
            score -= 4
        previous = ch
    return score


# ---------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------


def _read_pdf(data: bytes, name: str) -> str:
    try:
        import pypdf
        from pypdf.errors import DependencyError
    except ImportError:  # pragma: no cover - pypdf is a run-time dependency
        raise ImportReadError(
            tr("Chưa cài thư viện đọc PDF (pypdf); hãy dán nội dung vào.")
        ) from None
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception:
        raise ImportReadError(_corrupt_pdf(name)) from None
    if encrypted:
        password_message = tr(
            "Tệp PDF {name} được đặt mật khẩu, không đọc được. Hãy mở bằng chương trình "
            "đọc PDF, lưu một bản không mật khẩu rồi nhập lại, hoặc dán nội dung vào."
        ).format(name=name)
        try:
            # Many official PDFs are "encrypted" only to forbid editing, with an
            # empty password for reading.
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError):
            raise ImportReadError(password_message) from None
        except Exception:
            raise ImportReadError(_corrupt_pdf(name)) from None
        if not opened:
            raise ImportReadError(password_message)
    try:
        count = len(reader.pages)
    except Exception:
        raise ImportReadError(_corrupt_pdf(name)) from None
    if count == 0:
        raise ImportReadError(_corrupt_pdf(name))
    if count > MAX_PDF_PAGES:
        raise ImportReadError(
            tr(
                "Tệp PDF {name} có {count} trang, quá dài cho một văn bản kết luận (tối đa "
                "{limit} trang). Hãy tách phần cần nhập ra tệp riêng."
            ).format(name=name, count=count, limit=MAX_PDF_PAGES)
        )
    pages, failures = _pdf_pages(reader, name)
    if failures == count:
        raise ImportReadError(_corrupt_pdf(name))
    if not any(sum(ch.isalnum() for ch in page) >= MIN_PAGE_TEXT for page in pages):
        raise ImportReadError(
            tr(
                "Tệp PDF này không có lớp văn bản (có thể là bản scan); hãy chạy nhận dạng "
                "chữ (OCR) trước hoặc dán nội dung vào."
            )
        )
    return "\n".join(pages)


def _pdf_pages(reader: Any, name: str) -> tuple[list[str], int]:
    """The text of every page, and how many pages could not be read."""
    deadline = time.monotonic() + PDF_TIME_BUDGET_SECONDS
    pages: list[str] = []
    failures = 0
    for index in range(len(reader.pages)):
        try:
            pages.append(reader.pages[index].extract_text() or "")
        except Exception:
            failures += 1
            pages.append("")
        if time.monotonic() > deadline:
            raise ImportReadError(
                tr(
                    "Đọc tệp PDF {name} quá lâu (tệp có thể bị lỗi cấu trúc). Hãy dán nội dung vào."
                ).format(name=name)
            )
    return pages, failures


# ---------------------------------------------------------------------------
# Word (.docx)
# ---------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = _W + "sdt", _W + "sdtContent", _W + "customXml"
_TXBX = _W + "txbxContent"
# Subtrees whose text the reader of the printed page does not see.
_SKIPPED = frozenset(
    _W + tag for tag in ("del", "moveFrom", "delText", "instrText", "pPr", "rPr", "sdtPr", "tblPr")
) | {_MC + "Fallback"}


def _is_word_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _read_docx(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportReadError(_corrupt_docx(name)) from None
    if "word/document.xml" not in {info.filename for info in infos}:
        raise ImportReadError(_corrupt_docx(name))
    if sum(info.file_size for info in infos) > MAX_DOCX_UNPACKED_BYTES:
        raise ImportReadError(_corrupt_docx(name))
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = _Numbering.of(document)
    except ImportReadError:
        raise
    except Exception:
        raise ImportReadError(_corrupt_docx(name)) from None
    lines: list[str] = []
    _walk_blocks(body, numbering, lines)
    return "\n".join(lines)


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
