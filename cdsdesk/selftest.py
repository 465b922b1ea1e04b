"""``CDSDesk --selftest``: prove that an installed copy carries everything it needs.

Run on the built program (and from source), it works in a temporary folder and
never touches the officer's register: it writes the demo register into a new
file (every migration runs), upgrades a register of the first schema (as an
update of the program does), imports the bundled sample notice, writes the
quarterly report as Word and as PDF and opens both again, exports the task list
to Excel, and loads the PostgreSQL driver. Each step prints one Vietnamese line
with its time; the exit code is 0 when every step passed, 1 otherwise (the
reason, and for an unexpected error its traceback, are printed).

The window is not the core's business: ``main.py`` adds a step that builds it
offscreen (see ``extra_steps``).
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from cdsdesk import __version__
from cdsdesk.i18n import tr
from cdsdesk.periods import Quarter
from cdsdesk.resources import resource_path
from cdsdesk.storage.db import Register

SAMPLE_NOTICE = ("samples", "quang-ngai-tb-36-ubnd-2023.txt")
REPORT_QUARTER = Quarter(2024, 1)
REGISTER_NAME = "tu-kiem-tra.cdsdb"
MIN_PDF_BYTES = 5_000
# Modules that make up the importer: when one of them is absent the importer has not
# been written yet and the step is skipped; any other missing module is a failure.
IMPORTER_MODULES = frozenset(
    {"cdsdesk.importing", "cdsdesk.importing.reading", "cdsdesk.importing.parser"}
)


class StepFailed(Exception):
    """A check that did not hold; ``str()`` is the Vietnamese reason."""


class StepSkipped(Exception):
    """The step cannot run in this copy for a known reason (``str()`` says which)."""


@dataclass
class SelfTestContext:
    """What the steps share: the scratch folder and the register written in it."""

    folder: Path
    opened: Register | None = None

    @property
    def register_path(self) -> Path:
        return self.folder / REGISTER_NAME

    @property
    def register(self) -> Register:
        if self.opened is None:
            raise StepFailed(tr("sổ đăng ký tạm chưa mở được (xem bước đầu)."))
        return self.opened


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[SelfTestContext], str]  # returns a short detail for the report line


@dataclass
class SelfTestResult:
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


# ---------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------


def open_register(ctx: SelfTestContext) -> str:
    from cdsdesk.demo import write_demo
    from cdsdesk.storage.migrate import current_revision, head_revision

    ctx.opened = Register(ctx.register_path)
    revision = current_revision(ctx.opened)
    if revision != head_revision():
        raise StepFailed(
            tr("lược đồ {found} thay vì {head}: thiếu tệp chuyển đổi lược đồ.").format(
                found=revision, head=head_revision()
            )
        )
    counts = write_demo(ctx.opened)
    if counts["tasks"] == 0:
        raise StepFailed(tr("sổ mẫu không có nhiệm vụ nào."))
    return tr("lược đồ {revision}; {units} đơn vị, {tasks} nhiệm vụ").format(
        revision=revision, units=counts["units"], tasks=counts["tasks"]
    )


def upgrade_old_register(ctx: SelfTestContext) -> str:
    """A register of the first schema opens in this version: what an update does."""
    from alembic.script import ScriptDirectory

    from cdsdesk.storage import migrate

    first = ScriptDirectory.from_config(migrate.alembic_config()).get_base()
    if not isinstance(first, str):
        raise StepFailed(
            tr("các tệp chuyển đổi lược đồ có nhiều gốc: {first}.").format(first=first)
        )
    path = ctx.folder / "so-cu.cdsdb"
    with Register(path, upgrade=False) as old:
        migrate.upgrade(old, first)
    with Register(path) as register:
        revision = migrate.current_revision(register)
        backup = register.backup_before_migration
    if revision != migrate.head_revision():
        raise StepFailed(
            tr("sổ cũ dừng ở lược đồ {found}, không lên {head}.").format(
                found=revision, head=migrate.head_revision()
            )
        )
    if backup is None or not backup.is_file():
        raise StepFailed(tr("không có bản sao trước khi nâng cấp."))
    return tr("lược đồ {first} → {head}, có bản sao trước khi nâng cấp").format(
        first=first, head=revision
    )


def import_sample(ctx: SelfTestContext) -> str:
    try:
        from cdsdesk.importing.parser import parse_notice
        from cdsdesk.importing.reading import read_text
    except ImportError as exc:
        if exc.name in IMPORTER_MODULES:
            message = tr("chưa có bộ nhập văn bản ({module}).").format(module=exc.name)
            raise StepSkipped(message) from None
        raise
    from cdsdesk.services.units import list_units

    path = resource_path(*SAMPLE_NOTICE)
    if not path.is_file():
        raise StepFailed(tr("thiếu văn bản mẫu {path}.").format(path=path))
    source = read_text(path)
    notice = parse_notice(source.text, units=list_units(ctx.register))
    if not notice.tasks:
        raise StepFailed(tr("không nhận ra nhiệm vụ nào trong văn bản mẫu."))
    if not any(task.lead_units for task in notice.tasks):
        raise StepFailed(tr("không nhận ra đơn vị chủ trì nào trong văn bản mẫu."))
    return tr("{symbol}: {count} nhiệm vụ").format(
        symbol=notice.document.symbol or path.name, count=len(notice.tasks)
    )


def export_report_docx(ctx: SelfTestContext) -> str:
    import docx

    from cdsdesk.exporting.api import Format, export_report
    from cdsdesk.exporting.model import NATIONAL_TITLE

    out = export_report(ctx.register, REPORT_QUARTER, Format.DOCX, ctx.folder / "bao-cao.docx")
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    if not any(NATIONAL_TITLE in text for text in texts):
        raise StepFailed(tr("tệp Word không có dòng quốc hiệu."))
    charts = [
        part
        for part in document.part.package.iter_parts()
        if str(part.partname).startswith("/word/media/") and part.content_type == "image/png"
    ]
    if not charts:
        raise StepFailed(tr("tệp Word không có biểu đồ."))
    return tr("{size} KB, có quốc hiệu và biểu đồ").format(size=_kb(out))


def export_report_pdf(ctx: SelfTestContext) -> str:
    from cdsdesk.exporting.api import Format, export_report
    from cdsdesk.exporting.model import NATIONAL_TITLE

    out = export_report(ctx.register, REPORT_QUARTER, Format.PDF, ctx.folder / "bao-cao.pdf")
    data = out.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise StepFailed(tr("tệp PDF không đúng cấu trúc (đầu %PDF-, cuối %%EOF)."))
    if len(data) < MIN_PDF_BYTES:
        raise StepFailed(tr("tệp PDF quá nhỏ ({size} byte).").format(size=len(data)))
    # pypdf is a run-time dependency (the importer reads PDF notices with it):
    # reading our own report back checks the embedded Vietnamese font too.
    import pypdf

    reader = pypdf.PdfReader(str(out))
    first_page = reader.pages[0].extract_text() or ""
    if NATIONAL_TITLE not in " ".join(first_page.split()):
        raise StepFailed(tr("trang đầu của tệp PDF không có dòng quốc hiệu."))
    return tr("{size} KB, {pages} trang").format(size=_kb(out), pages=len(reader.pages))


def export_tasks_excel(ctx: SelfTestContext) -> str:
    import openpyxl

    from cdsdesk.exporting.xlsx import export_register_tasks
    from cdsdesk.services.queries import TaskQuery

    out = ctx.folder / "nhiem-vu.xlsx"
    rows = export_register_tasks(ctx.register, out, TaskQuery(as_of=REPORT_QUARTER.end))
    workbook = openpyxl.load_workbook(out, read_only=True)
    try:
        written = workbook.active.max_row if workbook.active is not None else 0
    finally:
        workbook.close()
    if rows == 0 or written < rows:
        message = tr("tệp Excel có {written} dòng cho {rows} nhiệm vụ.")
        raise StepFailed(message.format(written=written, rows=rows))
    return tr("{rows} nhiệm vụ").format(rows=rows)


def postgresql_driver(_ctx: SelfTestContext) -> str:
    import psycopg

    version = psycopg.pq.version()  # loads libpq: proves the bundle carries it
    major, minor = divmod(version, 10_000)
    return tr("psycopg {version}, libpq {major}.{minor} ({impl})").format(
        version=psycopg.__version__, major=major, minor=minor, impl=psycopg.pq.__impl__
    )


def core_steps() -> list[Step]:
    label = REPORT_QUARTER.label
    return [
        Step(tr("Mở sổ đăng ký tạm, ghi sổ mẫu"), open_register),
        Step(tr("Nâng cấp sổ đăng ký cũ"), upgrade_old_register),
        Step(tr("Nhập văn bản mẫu"), import_sample),
        Step(tr("Xuất báo cáo {quarter} (Word)").format(quarter=label), export_report_docx),
        Step(tr("Xuất báo cáo {quarter} (PDF)").format(quarter=label), export_report_pdf),
        Step(tr("Xuất danh sách nhiệm vụ (Excel)"), export_tasks_excel),
        Step(tr("Thư viện PostgreSQL"), postgresql_driver),
    ]


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def run_selftest(
    extra_steps: Sequence[Step] = (),
    out: TextIO | None = None,
    *,
    steps: Sequence[Step] | None = None,
) -> int:
    """Run the steps (``core_steps()`` then ``extra_steps``), print one line each.

    Returns 0 when every step passed or was skipped, 1 otherwise.
    """
    stream = out if out is not None else sys.stdout
    steps = [*(core_steps() if steps is None else steps), *extra_steps]
    started = time.perf_counter()
    frozen = tr("bản đóng gói") if getattr(sys, "frozen", False) else tr("chạy từ mã nguồn")
    _say(
        stream,
        tr("CĐS Desk {version}: tự kiểm tra ({how}, Python {python}, {today})").format(
            version=__version__,
            how=frozen,
            python=".".join(map(str, sys.version_info[:3])),
            today=date.today().strftime("%d/%m/%Y"),
        ),
    )
    result = SelfTestResult()
    scratch = tempfile.TemporaryDirectory(prefix="cdsdesk-tu-kiem-tra-", ignore_cleanup_errors=True)
    with scratch as tmp:
        ctx = SelfTestContext(Path(tmp))
        try:
            for number, step in enumerate(steps, start=1):
                _run_step(stream, f"[{number}/{len(steps)}] {step.name}", step, ctx, result)
        finally:
            if ctx.opened is not None:
                ctx.opened.dispose()
    total = _seconds(time.perf_counter() - started)
    if result.ok:
        verdict = tr("KẾT QUẢ: ĐẠT, {passed}/{count} bước ({total})").format(
            passed=len(result.passed), count=len(steps), total=total
        )
        if result.skipped:
            verdict += tr("; bỏ qua: {names}").format(names="; ".join(result.skipped))
        _say(stream, verdict)
        return 0
    _say(stream, tr("KẾT QUẢ: KHÔNG ĐẠT ({total})").format(total=total))
    for name, reason in result.failed:
        _say(stream, f"  - {name}: {reason}")
    return 1


def _run_step(
    stream: TextIO, title: str, step: Step, ctx: SelfTestContext, result: SelfTestResult
) -> None:
    started = time.perf_counter()
    try:
        detail = step.run(ctx)
    except StepSkipped as exc:
        result.skipped.append(f"{step.name} ({exc})")
        _say(stream, tr("{title}: BỎ QUA, {reason}").format(title=title, reason=exc))
        return
    except StepFailed as exc:
        reason = str(exc)
        trace = ""
    except Exception as exc:  # anything else is what a broken bundle looks like: show it
        reason = f"{type(exc).__name__}: {exc}"
        trace = traceback.format_exc()
    else:
        result.passed.append(step.name)
        _say(
            stream,
            tr("{title}: xong ({time}): {detail}").format(
                title=title, time=_seconds(time.perf_counter() - started), detail=detail
            ),
        )
        return
    result.failed.append((step.name, reason))
    _say(
        stream,
        tr("{title}: LỖI ({time}): {reason}").format(
            title=title, time=_seconds(time.perf_counter() - started), reason=reason
        ),
    )
    if trace:
        _say(stream, "    " + trace.rstrip().replace("\n", "\n    "))


def _say(stream: TextIO, line: str) -> None:
    print(line, file=stream, flush=True)


def _seconds(value: float) -> str:
    return f"{value:.2f}".replace(".", ",") + " s"


def _kb(path: Path) -> int:
    return max(1, round(path.stat().st_size / 1024))
