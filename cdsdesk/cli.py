"""The command line: ``python -m cdsdesk [--db PATH] COMMAND``.

Errors are one Vietnamese line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from cdsdesk import cli_import
from cdsdesk.errorlog import log_unexpected
from cdsdesk.errors import CdsError, ValidationError
from cdsdesk.i18n import tr
from cdsdesk.storage.db import Register, default_register_location, default_register_path
from cdsdesk.textvi import format_date, parse_date

EXIT_ERROR = 2


class UsageError(CdsError):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse with its complaints turned into our one-line Vietnamese error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(
            tr("Lệnh không hợp lệ: {detail}. Xem: python -m cdsdesk --help").format(
                detail=_vietnamese_usage(message)
            )
        )


_USAGE_MESSAGES = [
    (re.compile(r"the following arguments are required: (.+)"), "thiếu tham số {0}"),
    (re.compile(r"unrecognized arguments: (.+)"), "không hiểu tham số {0}"),
    (
        re.compile(r"argument (\S+): invalid choice: '?([^' ]+)'? \(choose from (.+)\)"),
        "không có “{1}” (chọn một trong: {2})",
    ),
    (re.compile(r"argument (\S+): expected one argument"), "tham số {0} cần một giá trị"),
    (
        re.compile(r"argument (\S+): invalid (?:int|_id_arg) value: '?([^']*)'?"),
        "tham số {0} cần một số nguyên, không phải “{1}”",
    ),
]


def _vietnamese_usage(message: str) -> str:
    for pattern, template in _USAGE_MESSAGES:
        match = pattern.search(message)
        if match:
            return tr(template).format(*match.groups())
    return message


def _id_arg(text: str) -> int:
    """A record id: a whole number the register can hold."""
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(text) from exc
    if not 1 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(text)
    return value


def _date_arg(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m cdsdesk", description=tr("CĐS Desk: sổ theo dõi nhiệm vụ chuyển đổi số.")
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=tr("tệp sổ đăng ký hoặc địa chỉ postgresql://… (mặc định: thư mục dữ liệu)"),
    )
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="COMMAND"
    )

    sub.add_parser("demo", help=tr("ghi sổ đăng ký mẫu vào tệp --db"))

    docs = sub.add_parser("documents", help=tr("liệt kê văn bản nguồn"))
    docs.add_argument("--json", action="store_true", help=tr("in dạng JSON"))

    units = sub.add_parser("units", help=tr("liệt kê đơn vị"))
    units.add_argument("--json", action="store_true")

    tasks = sub.add_parser("tasks", help=tr("liệt kê nhiệm vụ"))
    tasks.add_argument(
        "--status",
        help=tr(
            "lớp trạng thái: done_on_time, done_late, open_in_time, open_overdue, "
            "no_deadline, due_soon, cancelled"
        ),
    )
    tasks.add_argument("--unit", metavar="NAME", help=tr("đơn vị chủ trì (kể cả đơn vị cấp dưới)"))
    tasks.add_argument(
        "--search", metavar="TEXT", help=tr("tìm trong nội dung, không phân biệt dấu")
    )
    tasks.add_argument(
        "--as-of", metavar="DATE", help=tr("tính trạng thái tại ngày (mặc định: hôm nay)")
    )
    tasks.add_argument("--json", action="store_true")

    stats = sub.add_parser("stats", help=tr("số liệu tổng hợp tại một ngày"))
    stats.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help=tr("ngày chốt số liệu (mặc định: hôm nay)")
    )
    stats.add_argument(
        "--unit", metavar="NAME", help=tr("chỉ tính nhiệm vụ của đơn vị này và đơn vị cấp dưới")
    )
    stats.add_argument("--json", action="store_true")

    _add_export_parser(sub)

    backup = sub.add_parser(
        "backup", help=tr("sao lưu sổ đăng ký (bản sao nhất quán, đã kiểm tra)")
    )
    backup.add_argument(
        "--out",
        metavar="FILE",
        help=tr("tệp hoặc thư mục sẽ ghi (mặc định: thư mục sao-luu cạnh sổ đăng ký)"),
    )
    restore = sub.add_parser(
        "restore", help=tr("khôi phục sổ đăng ký từ một bản sao lưu (sổ hiện tại được lưu lại)")
    )
    restore.add_argument("file", metavar="FILE", help=tr("tệp sao lưu"))
    return parser


def _add_export_parser(sub: Any) -> None:
    export = sub.add_parser("export", help=tr("xuất thông báo, báo cáo, công văn, danh sách"))
    kinds = export.add_subparsers(dest="what", required=True, parser_class=_Parser, metavar="KIND")

    def output(p: argparse.ArgumentParser, formats: str) -> None:
        p.add_argument("--out", required=True, metavar="FILE", help=tr("tệp sẽ ghi"))
        if formats:
            p.add_argument(
                "--format",
                choices=["docx", "pdf"],
                help=tr("docx hoặc pdf (mặc định: theo đuôi tệp)"),
            )

    notice = kinds.add_parser("notice", help=tr("thông báo kết luận từ một văn bản"))
    notice.add_argument("--document", type=_id_arg, required=True, metavar="ID")
    output(notice, "docx|pdf")
    report = kinds.add_parser("report", help=tr("báo cáo kết quả quý"))
    report.add_argument(
        "--quarter", metavar="2024-Q1", help=tr("quý báo cáo (bắt buộc trừ khi dùng --issued)")
    )
    report.add_argument("--as-of", metavar="DATE", help=tr("ngày chốt (mặc định: cuối quý)"))
    report.add_argument("--unit", metavar="NAME", help=tr("chỉ đơn vị này và đơn vị cấp dưới"))
    report.add_argument(
        "--issue",
        metavar="NUMBER",
        nargs="?",
        const="",
        help=tr("phát hành: chốt số liệu vào sổ (có thể kèm số văn bản)"),
    )
    report.add_argument(
        "--issued",
        type=_id_arg,
        metavar="ID",
        help=tr("xuất lại báo cáo đã phát hành, từ số liệu đã chốt"),
    )
    output(report, "docx|pdf")
    letter = kinds.add_parser("letter", help=tr("công văn đôn đốc một đơn vị"))
    letter.add_argument("--unit", required=True, metavar="NAME")
    letter.add_argument("--as-of", metavar="DATE")
    output(letter, "docx|pdf")
    tasks = kinds.add_parser("tasks", help=tr("danh sách nhiệm vụ ra Excel (.xlsx)"))
    tasks.add_argument("--status")
    tasks.add_argument("--unit", metavar="NAME")
    tasks.add_argument("--search", metavar="TEXT")
    tasks.add_argument("--as-of", metavar="DATE")
    output(tasks, "")


def _open(args: argparse.Namespace) -> Register:
    return Register(args.db or default_register_location())


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.write("\n")


def _json_default(value: object) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def cmd_demo(args: argparse.Namespace) -> None:
    from cdsdesk.demo import write_demo

    if not args.db:
        raise UsageError(tr("Lệnh demo cần --db PATH: tệp sẽ ghi sổ đăng ký mẫu."))
    with _open(args) as register:
        counts = write_demo(register)
    print(
        tr(
            "Đã ghi sổ mẫu vào {path}: {units} đơn vị, {documents} văn bản, "
            "{tasks} nhiệm vụ, {notes} ghi chú tiến độ."
        ).format(path=args.db, **counts)
    )


def cmd_documents(args: argparse.Namespace) -> None:
    from cdsdesk.services.documents import list_documents

    with _open(args) as register:
        docs = list_documents(register)
    if args.json:
        _print_json(
            [
                {
                    "id": d.id,
                    "label": d.label,
                    "number": d.number,
                    "type": d.doc_type,
                    "issuer_code": d.issuer_code,
                    "issuer": d.issuer,
                    "place": d.place,
                    "issued_on": d.issued_on,
                    "title": d.title,
                    "meeting_on": d.meeting_on,
                    "chair": d.chair,
                    "signer": d.signer,
                    "signer_title": d.signer_title,
                    "recipients": list(d.recipients),
                    "tasks": d.task_count,
                }
                for d in docs
            ]
        )
        return
    for d in docs:
        issued = format_date(d.issued_on) if d.issued_on else ""
        print(f"{d.id:>4}  {d.label:<18} {issued:<10}  {d.task_count:>3} NV  {d.title[:80]}")


def cmd_units(args: argparse.Namespace) -> None:
    from cdsdesk.services.units import list_units

    with _open(args) as register:
        units = list_units(register)
    if args.json:
        _print_json(
            [
                {
                    "id": u.id,
                    "parent_id": u.parent_id,
                    "name": u.name,
                    "short_name": u.short_name,
                    "active": u.active,
                    "merged_into_id": u.merged_into_id,
                }
                for u in units
            ]
        )
        return
    for u in units:
        mark = "" if u.active else tr(" (ngừng hoạt động)")
        print(f"{u.id:>4}  {'  ' * u.depth}{u.name}{mark}")


def cmd_tasks(args: argparse.Namespace) -> None:
    from cdsdesk.services.queries import TaskQuery, query_tasks
    from cdsdesk.services.units import find_unit

    with _open(args) as register:
        unit_id = find_unit(register, args.unit).id if args.unit else None
        rows = query_tasks(
            register,
            TaskQuery(
                as_of=_date_arg(args.as_of),
                status=args.status,
                unit_id=unit_id,
                include_subunits=True,
                search=args.search or "",
            ),
        )
    if args.json:
        _print_json(
            [
                {
                    "id": r.id,
                    "parent_id": r.parent_id,
                    "ref": r.ref,
                    "content": r.content,
                    "lead_units": r.lead_units,
                    "cooperating_units": r.cooperating_units,
                    "deadline": r.deadline,
                    "deadline_text": r.deadline_text,
                    "deadline_kind": r.deadline_kind.value,
                    "recurrence": r.recurrence.value if r.recurrence else None,
                    "status": r.status.value,
                    "status_class": r.status_class.value if r.status_class else None,
                    "status_label": r.status_label,
                    "due_soon": r.due_soon,
                    "days_overdue": r.days_overdue,
                    "cancelled": r.cancelled,
                    "extended": r.extended,
                    "document": r.document,
                    "document_id": r.document_id,
                    "group": r.task_group.value if r.task_group else None,
                    "last_note_on": r.last_note_on,
                    "last_note": r.last_note,
                    "flags": r.flags,
                }
                for r in rows
            ]
        )
        return
    for r in rows:
        due = format_date(r.deadline) if r.deadline else r.deadline_text
        print(f"{r.id:>5}  {r.ref:<10} {r.status_label:<28} {due:<12} {r.content[:70]}")
    print(tr("{n} nhiệm vụ.").format(n=len(rows)))


def cmd_stats(args: argparse.Namespace) -> None:
    from cdsdesk.services.stats import CLASSES, compute_stats
    from cdsdesk.services.units import find_unit

    as_of = _date_arg(args.as_of) or date.today()
    with _open(args) as register:
        unit_id = find_unit(register, args.unit).id if args.unit else None
        stats = compute_stats(register, as_of, unit_id=unit_id)
    if args.json:
        _print_json(stats.to_json())
        return
    from cdsdesk.domain.enums import StatusClass

    print(
        tr("Số liệu tại ngày {day}: {total} nhiệm vụ").format(
            day=format_date(as_of), total=stats.total
        )
    )
    for cls in CLASSES:
        print(
            f"  {StatusClass(cls).label:<32} {stats.by_status[cls]:>5}  {stats.percent(cls):5.1f}%"
        )
    print(
        tr("  Sắp đến hạn: {n}; đã hủy (không tính): {m}").format(
            n=stats.due_soon, m=stats.cancelled
        )
    )


def _format(args: argparse.Namespace) -> Any:
    from cdsdesk.exporting.api import Format

    return Format.parse(args.format or Path(args.out).suffix or "?")


def cmd_export(args: argparse.Namespace) -> None:
    from cdsdesk.exporting import api
    from cdsdesk.services.units import find_unit

    out = Path(args.out)
    with _open(args) as register:
        if args.what == "notice":
            written = api.export_notice(register, args.document, _format(args), out)
        elif args.what == "report":
            written = _export_report(register, args, out)
        elif args.what == "letter":
            unit = find_unit(register, args.unit)
            written = api.export_letter(
                register, unit.id, _format(args), out, as_of=_date_arg(args.as_of)
            )
        else:
            written = _export_tasks(register, args, out)
    print(tr("Đã ghi {path}").format(path=written))


def _export_report(register: Register, args: argparse.Namespace, out: Path) -> Path:
    from cdsdesk.exporting import api
    from cdsdesk.exporting.report_data import compute_report_data
    from cdsdesk.periods import parse_quarter
    from cdsdesk.services.reports import issue_report
    from cdsdesk.services.units import find_unit

    if args.issued is not None:
        return api.export_issued_report(register, args.issued, _format(args), out)
    if not args.quarter:
        raise UsageError(tr("Cần --quarter (ví dụ 2024-Q1) hoặc --issued ID."))
    quarter = parse_quarter(args.quarter)
    unit_id = find_unit(register, args.unit).id if args.unit else None
    as_of = _date_arg(args.as_of)
    if args.issue is None:
        return api.export_report(
            register, quarter, _format(args), out, as_of=as_of, unit_id=unit_id
        )
    data = compute_report_data(register, quarter, as_of=as_of, unit_id=unit_id)
    report_id = issue_report(register, data, args.issue)
    print(tr("Đã chốt số liệu báo cáo, mã {id}.").format(id=report_id))
    return api.export_issued_report(register, report_id, _format(args), out)


def _export_tasks(register: Register, args: argparse.Namespace, out: Path) -> Path:
    from cdsdesk.exporting.xlsx import export_register_tasks
    from cdsdesk.services.queries import TaskQuery
    from cdsdesk.services.units import find_unit

    if out.suffix.lower() != ".xlsx":
        raise UsageError(tr("Danh sách nhiệm vụ xuất ra tệp .xlsx."))
    unit_id = find_unit(register, args.unit).id if args.unit else None
    query = TaskQuery(
        as_of=_date_arg(args.as_of),
        status=args.status,
        unit_id=unit_id,
        include_subunits=True,
        search=args.search or "",
    )
    from cdsdesk.exporting.api import write_atomically

    return write_atomically(out, lambda tmp: export_register_tasks(register, tmp, query))


def cmd_backup(args: argparse.Namespace) -> None:
    from cdsdesk.storage import backup

    # No lock: reading is safe beside a writer (that is what SQLite's online backup is
    # for), so a scheduled backup works while the window is open.
    source = backup.register_file(args.db or default_register_path())
    if args.out:
        written = backup.backup_register(source, Path(args.out))
    else:
        written = backup.backup_register(
            source, backup.new_backup_path(source, backup.Reason.MANUAL)
        )
    print(
        tr("Đã sao lưu sổ đăng ký vào {path} ({tasks} nhiệm vụ).").format(
            path=written, tasks=backup.count_tasks(written)
        )
    )


def cmd_restore(args: argparse.Namespace) -> None:
    from cdsdesk.storage import backup
    from cdsdesk.storage.lock import acquire_or_explain

    target = backup.register_file(args.db or default_register_path())
    with acquire_or_explain(target):
        aside = backup.restore_register(target, Path(args.file))
    tasks = backup.count_tasks(target)
    if aside is None:
        print(
            tr("Đã khôi phục sổ đăng ký {path} ({tasks} nhiệm vụ).").format(
                path=target, tasks=tasks
            )
        )
    else:
        print(
            tr(
                "Đã khôi phục sổ đăng ký {path} ({tasks} nhiệm vụ); "
                "sổ trước đó được lưu tại {aside}."
            ).format(path=target, tasks=tasks, aside=aside)
        )


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {
    "demo": cmd_demo,
    "documents": cmd_documents,
    "units": cmd_units,
    "tasks": cmd_tasks,
    "stats": cmd_stats,
    "export": cmd_export,
    "parse": cli_import.cmd_parse,
    "import": cli_import.cmd_import,
    "backup": cmd_backup,
    "restore": cmd_restore,
}


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    try:
        args = build_parser().parse_args(argv)
        COMMANDS[args.command](args)
    except CdsError as exc:
        print(one_line(tr("Lỗi: {message}").format(message=exc)), file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(
            tr("Lỗi: không đọc/ghi được tệp: {error}").format(error=exc.strerror or exc),
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback; the details go to the log file
        log = log_unexpected()
        print(
            tr("Lỗi không mong đợi ({kind}); chi tiết đã ghi vào {log}.").format(
                kind=type(exc).__name__, log=log
            ),
            file=sys.stderr,
        )
        return EXIT_ERROR
    return 0


def one_line(message: str) -> str:
    """An error is one line: line breaks and control characters are shown escaped."""
    out = []
    for ch in message.rstrip("\n"):
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def _utf8_streams() -> None:
    """Windows consoles default to a legacy code page; Vietnamese needs UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8", errors="backslashreplace")
