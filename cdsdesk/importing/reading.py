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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cdsdesk.errors import CdsError
from cdsdesk.i18n import tr
from cdsdesk.importing.docx_text import document_lines

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PDF_PAGES",
    "ImportReadError",
    "SourceKind",
    "SourceText",
    "clean_text",
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
    if sniffed is None and ext == ".pdf" and b"%PDF-" in data[:1024]:
        sniffed = "pdf"  # junk before the header, which PDF readers tolerate
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
    if data.lstrip()[:5] == b"%PDF-":
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
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """NFC, ``\\n`` line ends, no control/format characters, lines right-stripped."""
    text = text.replace("\r\n", "\n").translate(_CLEAN_TABLE)
    text = _SURROGATE_RE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    # Line by line: a regex anchored at line ends retries from every blank of a long
    # run (quadratic on a line of 200,000 spaces).
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))


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
    """Many NULs or other control bytes: a stray one or two is tolerated, as
    text exported by old programs sometimes carries them."""
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.02 * len(sample) + 2


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
    except ImportReadError:
        raise
    except Exception:
        raise ImportReadError(_corrupt_docx(name)) from None
    return "\n".join(document_lines(document, body))
