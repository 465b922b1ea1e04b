"""One entry point per export, shared by the window and the command line.

Each writes to a temporary file beside the target and renames it at the end,
so an interrupted export never leaves half a file where the last good one was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path

from cdsdesk.errors import CdsError, ValidationError
from cdsdesk.exporting.model import AdminDocument
from cdsdesk.i18n import tr
from cdsdesk.periods import Quarter
from cdsdesk.storage.db import Register


class Format(StrEnum):
    DOCX = "docx"
    PDF = "pdf"

    @classmethod
    def parse(cls, text: str) -> Format:
        try:
            return cls(text.lower().lstrip("."))
        except ValueError as exc:
            raise ValidationError(
                tr("Định dạng “{fmt}” không hỗ trợ (dùng docx hoặc pdf).").format(fmt=text)
            ) from exc


class ExportError(CdsError):
    pass


def render(doc: AdminDocument, fmt: Format, out: Path) -> Path:
    """Write ``doc`` as Word or PDF to ``out``; return the path written."""
    if fmt is Format.DOCX:
        from cdsdesk.exporting.docx_render import render_docx

        return write_atomically(out, lambda tmp: render_docx(doc, tmp))
    from cdsdesk.exporting.pdf_render import render_pdf

    return write_atomically(out, lambda tmp: render_pdf(doc, tmp))


def export_notice(register: Register, document_id: int, fmt: Format, out: Path) -> Path:
    from cdsdesk.exporting.notice import build_notice

    return render(build_notice(register, document_id), fmt, out)


def export_report(
    register: Register,
    quarter: Quarter,
    fmt: Format,
    out: Path,
    *,
    as_of: date | None = None,
    unit_id: int | None = None,
) -> Path:
    """The quarterly report computed now from the register."""
    from cdsdesk.exporting.report import build_report
    from cdsdesk.exporting.report_data import compute_report_data

    data = compute_report_data(register, quarter, as_of=as_of, unit_id=unit_id)
    return render(build_report(data), fmt, out)


def export_issued_report(register: Register, report_id: int, fmt: Format, out: Path) -> Path:
    """An issued report, from its frozen figures: the same however the tasks changed since."""
    from cdsdesk.exporting.report import build_report
    from cdsdesk.services.reports import get_report

    return render(build_report(get_report(register, report_id)), fmt, out)


def export_letter(
    register: Register, unit_id: int, fmt: Format, out: Path, *, as_of: date | None = None
) -> Path:
    from cdsdesk.exporting.letter import build_letter

    return render(build_letter(register, unit_id, as_of=as_of), fmt, out)


def _is_database(path: Path) -> bool:
    """An export never replaces a register or the journal files beside one."""
    candidates = [path]
    for suffix in ("-wal", "-shm", "-journal"):
        if path.name.endswith(suffix):
            candidates.append(path.with_name(path.name[: -len(suffix)]))
    for candidate in candidates:
        try:
            with candidate.open("rb") as handle:
                if handle.read(16) == b"SQLite format 3\x00":
                    return True
        except OSError:
            continue
    return False


def write_atomically(out: Path, write: Callable[[Path], object]) -> Path:
    out = out.expanduser()
    if out.is_dir():
        raise ExportError(tr("“{path}” là một thư mục; hãy ghi rõ tên tệp.").format(path=out))
    if not out.parent.exists():
        raise ExportError(tr("Thư mục “{path}” không tồn tại.").format(path=out.parent))
    if _is_database(out):
        raise ExportError(
            tr("“{path}” là một sổ đăng ký (hoặc tệp đi kèm của nó); xuất ra tệp khác.").format(
                path=out
            )
        )
    handle, name = tempfile.mkstemp(prefix=".cdsdesk-", suffix=out.suffix, dir=out.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        try:
            os.replace(tmp, out)
        except PermissionError as exc:
            raise ExportError(
                tr(
                    "Không ghi được “{path}”: tệp đang mở trong chương trình khác? "
                    "Hãy đóng tệp rồi xuất lại."
                ).format(path=out)
            ) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return out
