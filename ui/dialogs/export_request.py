"""What an export asks for: plain data shared by the export dialog and its runner.

Kept apart from the dialog so that the main window can build its export menu
without importing the dialog and the report services behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from cdsdesk.exporting.api import Format

if TYPE_CHECKING:
    from cdsdesk.periods import Quarter
    from cdsdesk.services.queries import TaskRow


class ExportKind(Enum):
    NOTICE = "notice"
    REPORT = "report"
    LETTER = "letter"
    TASKS_XLSX = "tasks_xlsx"
    PRINT_REPORT = "print_report"


@dataclass(frozen=True)
class TableSnapshot:
    """What the task table shows when the Excel export is asked for."""

    rows: tuple[TaskRow, ...]
    columns: tuple[str, ...]  # keys of cdsdesk.exporting.xlsx.XLSX_COLUMNS, in view order
    filter_summary: str
    as_of: date


@dataclass(frozen=True)
class ExportRequest:
    """Everything the worker needs; plain data, safe to hand to another thread."""

    kind: ExportKind
    out: Path | None = None  # None only to print
    fmt: Format | None = None  # None for Excel and printing
    open_when_done: bool = True
    document_id: int | None = None
    quarter: Quarter | None = None
    as_of: date | None = None
    unit_id: int | None = None
    issue: bool = False  # issue the report (store its frozen figures) before exporting
    issue_number: str = ""
    report_id: int | None = None  # export an issued report from its frozen figures
    table: TableSnapshot | None = None


@dataclass(frozen=True)
class ExportDefaults:
    """What the window knows when the dialog opens."""

    document_id: int | None = None
    unit_id: int | None = None
    as_of: date = field(default_factory=date.today)
    folder: Path | None = None
    fmt: Format = Format.DOCX
    table: TableSnapshot | None = None
