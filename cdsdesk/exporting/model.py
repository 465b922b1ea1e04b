"""A renderer-neutral administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Builders fill these dataclasses; ``docx_render.py`` and ``pdf_render.py`` render them. The
model carries content and roles, not measurements: the page layout rules
(A4, margins, fonts, sizes) live in :data:`LAYOUT`, shared by both renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cdsdesk.i18n import tr


@dataclass(frozen=True)
class Layout:
    """Measurements from Nghị định 30/2020, in millimetres and points."""

    page_width_mm: float = 210.0
    page_height_mm: float = 297.0
    margin_top_mm: float = 20.0
    margin_bottom_mm: float = 20.0
    margin_left_mm: float = 30.0
    margin_right_mm: float = 15.0
    body_pt: float = 14.0
    national_title_pt: float = 13.0  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold capitals
    motto_pt: float = 14.0  # "Độc lập - Tự do - Hạnh phúc", bold, solid line under it
    agency_pt: float = 13.0  # issuing body, bold capitals, short line under it
    number_pt: float = 13.0  # "Số: 36/TB-UBND"
    place_date_pt: float = 14.0  # italic
    doc_type_pt: float = 14.0  # "THÔNG BÁO", bold capitals
    title_pt: float = 14.0  # trích yếu, bold
    recipients_label_pt: float = 12.0  # "Nơi nhận:", bold italic
    recipients_pt: float = 11.0
    signature_pt: float = 14.0  # authority and title, bold capitals
    table_pt: float = 12.0
    page_number_pt: float = 13.0
    first_line_indent_mm: float = 12.7  # 1.27 cm
    paragraph_space_after_pt: float = 6.0
    line_spacing: float = 1.15  # single to 1.5 allowed


LAYOUT = Layout()


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified, first-line indent, unless ``style`` says otherwise."""

    runs: tuple[Run, ...]
    style: Literal["body", "heading", "centered", "note", "plain"] = "body"

    @classmethod
    def of(
        cls,
        text: str,
        style: Literal["body", "heading", "centered", "note", "plain"] = "body",
        *,
        bold: bool = False,
        italic: bool = False,
    ) -> Paragraph:
        return cls((Run(text, bold=bold, italic=italic),), style)

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Column:
    title: str
    width_mm: float
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True)
class Table:
    """A table with one header row; the last row is bold when ``total_row``."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total_row: bool = False
    caption: str = ""
    font_pt: float = 12.0


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float, ...]
    colour: str  # "#rrggbb"


@dataclass(frozen=True)
class Chart:
    """A stacked bar chart: one bar per category, one stacked segment per series."""

    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    width_mm: float = 160.0
    height_mm: float = 90.0


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Paragraph | Table | Chart | PageBreak


@dataclass(frozen=True)
class Signature:
    """The foot right: ``TL. CHỦ TỊCH`` / ``KT. GIÁM ĐỐC`` over the title, then the name."""

    lines: tuple[str, ...]  # authority and title lines, printed in bold capitals
    name: str  # bold, after the space for the signature and seal


@dataclass(frozen=True)
class Appendix:
    """``Phụ lục`` (bold), its title in capitals, the reference line in italics."""

    title: str
    reference: str  # "(Kèm theo Báo cáo số .../BC-... ngày ...)"
    blocks: tuple[Block, ...]
    number: str = ""  # "I", "II" when there are several


@dataclass(frozen=True)
class AdminDocument:
    """One administrative document, ready to render in Word or PDF."""

    parent_agency: str  # "UBND TỈNH QUẢNG NGÃI" (capitals, not bold); may be empty
    agency: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ" (capitals, bold)
    number: str  # "Số: 36/TB-UBND" or "Số:      /BC-SKHCN" for one not yet numbered
    place_date: str  # "Quảng Ngãi, ngày 03 tháng 02 năm 2023"
    doc_type: str  # "THÔNG BÁO", "BÁO CÁO"; empty for a letter (công văn)
    # trích yếu; for a letter the subject under the number, with or without its "V/v "
    # (the renderers add it when missing)
    title: str
    body: tuple[Block, ...]
    recipients: tuple[str, ...]  # each printed as "- name;" the last ending in "."
    signature: Signature
    # a letter's "Kính gửi:" units, plain names (the renderers add "- " and ";")
    addressees: tuple[str, ...] = ()
    appendices: tuple[Appendix, ...] = ()
    file_title: str = ""  # document properties / PDF title

    @property
    def is_letter(self) -> bool:
        return not self.doc_type


NATIONAL_TITLE = tr("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
MOTTO = tr("Độc lập - Tự do - Hạnh phúc")
RECIPIENTS_LABEL = tr("Nơi nhận:")
ADDRESSEE_LABEL = tr("Kính gửi:")
APPENDIX_LABEL = tr("Phụ lục")


def recipient_lines(recipients: tuple[str, ...]) -> list[str]:
    """``- name;`` each, the last one ending with a full stop, as ND30 writes them."""
    lines = []
    for i, name in enumerate(recipients):
        text = name.strip().rstrip(";.")
        end = "." if i == len(recipients) - 1 else ";"
        lines.append(f"- {text}{end}")
    return lines
