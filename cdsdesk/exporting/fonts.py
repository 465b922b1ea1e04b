"""Find a Times New Roman (or metric-compatible) serif at run time and register it.

Nghị định 30/2020 asks for Times New Roman. No font file ships with the program:
Windows has it in ``%WINDIR%\\Fonts``; elsewhere we look through the usual font
folders, then fall back to Liberation Serif, which has the same metrics, so a
page breaks at the same words. A family is accepted only if every face has a
glyph for every Vietnamese letter: an old font that would print boxes is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdsdesk.errors import CdsError
from cdsdesk.i18n import tr

FONT_DIR_ENV = "CDSDESK_FONT_DIR"
"""A folder (or several, separated by ``os.pathsep``) searched before the system folders."""

_BASE_VOWELS = "aăâeêioôơuưy"
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # grave acute tilde hook dot


def _vietnamese_letters() -> str:
    import unicodedata

    lower = [
        unicodedata.normalize("NFC", vowel + tone)
        for vowel in _BASE_VOWELS
        for tone in _TONE_MARKS
        if not (tone == "" and vowel in "aeiouy")
    ]
    lower.append("đ")
    return "".join(lower) + "".join(letter.upper() for letter in lower)


VIETNAMESE_LETTERS = _vietnamese_letters()
"""The 134 precomposed Vietnamese letters with diacritics, lower and upper case (đ/Đ included)."""


class FontNotFoundError(CdsError):
    """Neither Times New Roman nor Liberation Serif is installed."""


@dataclass(frozen=True)
class FontFamily:
    """The four faces of one serif family, as found on this computer."""

    name: str  # "Times New Roman" or "Liberation Serif"
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path

    @property
    def faces(self) -> tuple[Path, Path, Path, Path]:
        return (self.regular, self.bold, self.italic, self.bold_italic)


# File names (lower case) of the four faces, regular/bold/italic/bold italic, by family.
_CANDIDATES: tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...] = (
    (
        "Times New Roman",
        (
            ("times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"),  # Windows
            (
                "times new roman.ttf",
                "times new roman bold.ttf",
                "times new roman italic.ttf",
                "times new roman bold italic.ttf",
            ),  # macOS
            (
                "times_new_roman.ttf",
                "times_new_roman_bold.ttf",
                "times_new_roman_italic.ttf",
                "times_new_roman_bold_italic.ttf",
            ),  # msttcorefonts on Debian/Ubuntu
        ),
    ),
    (
        "Liberation Serif",
        (
            (
                "liberationserif-regular.ttf",
                "liberationserif-bold.ttf",
                "liberationserif-italic.ttf",
                "liberationserif-bolditalic.ttf",
            ),
        ),
    ),
)


def override_dirs() -> list[Path]:
    """Folders named by :data:`FONT_DIR_ENV`, searched first."""
    value = os.environ.get(FONT_DIR_ENV, "")
    return [Path(part).expanduser() for part in value.split(os.pathsep) if part.strip()]


def system_font_dirs() -> list[Path]:
    """The usual font folders of this operating system (existing or not)."""
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows")
        dirs = [windir / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:  # fonts installed "for this user only" since Windows 10 1809
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    if sys.platform == "darwin":
        return [
            home / "Library" / "Fonts",
            Path("/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
            Path("/System/Library/Fonts"),
        ]
    return [
        home / ".fonts",
        home / ".local" / "share" / "fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
    ]


_REGULAR_STYLES = frozenset({"regular", "normal", "book", "roman"})


def _style_index(styles: str) -> int | None:
    """0..3 for regular, bold, italic, bold italic, from fontconfig's style names.

    fontconfig lists a face's style in several languages ("Bold Italic,Negreta cursiva");
    the first name that says what the face is decides.
    """
    for style in (part.strip().lower() for part in styles.split(",")):
        bold = "bold" in style
        italic = "italic" in style or "oblique" in style
        if bold or italic or style in _REGULAR_STYLES:
            return int(bold) + 2 * int(italic)
    return None


def _fontconfig_families() -> dict[str, list[list[Path]]]:
    """The four faces of each wanted family as fontconfig knows them, whatever the file names."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return {}
    found: dict[str, list[list[Path]]] = {}
    for family, _names in _CANDIDATES:
        try:
            result = subprocess.run(
                [fc_list, "--format", "%{file}\t%{style}\n", f":family={family}"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            break
        faces: list[Path | None] = [None] * 4
        for line in result.stdout.splitlines():
            file, _tab, styles = line.partition("\t")
            index = _style_index(styles)
            if file.lower().endswith(".ttf") and index is not None and faces[index] is None:
                faces[index] = Path(file)
        if all(face is not None for face in faces):
            found[family] = [[face for face in faces if face is not None]]
    return found


def _index_files(dirs: Iterable[Path]) -> dict[str, Path]:
    """Map each lower-case font file name to its first path, folders in the given order."""
    found: dict[str, Path] = {}
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _subdirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith(".ttf"):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def missing_letters(path: Path) -> str:
    """The Vietnamese letters the font file at ``path`` has no glyph for ('' when complete)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    try:
        face = TTFontFile(str(path))
    except Exception:  # reportlab raises TTFError and plain errors on broken files
        return VIETNAMESE_LETTERS
    covered = face.charToGlyph
    return "".join(ch for ch in VIETNAMESE_LETTERS if ord(ch) not in covered)


def find_serif_family(dirs: Sequence[Path] | None = None, *, system: bool = True) -> FontFamily:
    """The best serif family: Times New Roman, else Liberation Serif.

    ``dirs`` are searched first (default: the folders in :data:`FONT_DIR_ENV`),
    then, when ``system`` is true, the system font folders and fontconfig.
    A family is taken only when all four faces are present and cover Vietnamese.
    """
    search = list(override_dirs() if dirs is None else dirs)
    if system:
        search += system_font_dirs()
    files = _index_files(search)
    fontconfig = _fontconfig_families() if system else {}
    for family, name_sets in _CANDIDATES:
        options = [
            [files[n] for n in names] for names in name_sets if all(n in files for n in names)
        ]
        options += fontconfig.get(family, [])
        for paths in options:
            if not any(missing_letters(path) for path in paths):
                return FontFamily(family, *paths)
    raise FontNotFoundError(
        tr(
            "Không tìm thấy phông chữ Times New Roman hoặc Liberation Serif (đủ 4 kiểu: "
            "thường, đậm, nghiêng, đậm nghiêng, có đủ chữ tiếng Việt); hãy cài phông "
            "Times New Roman (trên Windows có sẵn trong C:\\Windows\\Fonts) hoặc gói "
            "fonts-liberation2, rồi xuất lại."
        )
    )


@dataclass(frozen=True)
class PdfFontNames:
    """Names under which the four faces are registered with reportlab."""

    regular: str
    bold: str
    italic: str
    bold_italic: str

    def face(self, *, bold: bool = False, italic: bool = False) -> str:
        if bold and italic:
            return self.bold_italic
        if bold:
            return self.bold
        return self.italic if italic else self.regular


_lock = threading.Lock()
_registered: PdfFontNames | None = None


def pdf_font_names() -> PdfFontNames:
    """Register the serif family with reportlab once, and return the face names."""
    global _registered
    with _lock:
        if _registered is None:
            _registered = _register(find_serif_family())
        return _registered


def register_pdf_fonts() -> str:
    """Register the serif family with reportlab (once) and return its family name.

    The name works as ``fontName`` in styles; ``<b>`` and ``<i>`` pick the other faces.
    """
    return pdf_font_names().regular


def _register(family: FontFamily) -> PdfFontNames:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    base = "Cds" + family.name.replace(" ", "")
    names = PdfFontNames(base, base + "-Bold", base + "-Italic", base + "-BoldItalic")
    for name, path in zip(
        (names.regular, names.bold, names.italic, names.bold_italic), family.faces, strict=True
    ):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        base,
        normal=names.regular,
        bold=names.bold,
        italic=names.italic,
        boldItalic=names.bold_italic,
    )
    return names


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap by measured width; a word longer than ``width`` stands alone."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines or [""]


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """As few lines as a greedy wrap needs, but of even lengths.

    Officers break a long agency name or title by hand ("SỞ KHOA HỌC / VÀ CÔNG NGHỆ")
    rather than leave one word alone on the last line; the narrowest width that
    still gives the same number of lines does the same.
    """
    lines = wrap_text(text, font, size, width)
    if len(lines) < 2:
        return lines
    low, high = 0.0, width
    for _ in range(20):  # bisect to a fraction of a point
        middle = (low + high) / 2
        if len(wrap_text(text, font, size, middle)) > len(lines):
            low = middle
        else:
            high = middle
    return wrap_text(text, font, size, high)
