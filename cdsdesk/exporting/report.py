"""The quarterly report (Báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số).

Built from a :class:`~cdsdesk.exporting.report_data.ReportData` alone, never
from the register: an issued report is rebuilt from its frozen figures.
"""

from __future__ import annotations

from cdsdesk.domain.enums import StatusClass
from cdsdesk.domain.labels import document_label
from cdsdesk.exporting.model import (
    AdminDocument,
    Appendix,
    Block,
    Chart,
    ChartSeries,
    Column,
    Paragraph,
    Run,
    Signature,
    Table,
)
from cdsdesk.exporting.report_data import (
    LONG_OVERDUE_DAYS,
    NUMBER_BLANK,
    ReportData,
    TaskLine,
    UnitRow,
    format_count,
    format_percent,
    percent_of,
)
from cdsdesk.i18n import tr
from cdsdesk.textvi import format_date, place_and_date

# The chart's colours, one per class (done: greens, open: blue and red, no deadline: grey).
CLASS_COLOURS = {
    StatusClass.DONE_ON_TIME: "#2e7d32",
    StatusClass.DONE_LATE: "#26a69a",
    StatusClass.OPEN_IN_TIME: "#1e88e5",
    StatusClass.OPEN_OVERDUE: "#e53935",
    StatusClass.NO_DEADLINE: "#9e9e9e",
}
# Beyond this many lead units the chart draws only those with the most tasks.
CHART_MAX_UNITS = 15


def build_report(data: ReportData) -> AdminDocument:
    number = report_number(data)
    agency = data.agency
    return AdminDocument(
        parent_agency=agency.parent,
        agency=agency.name,
        number=tr("Số: {number}").format(number=number),
        place_date=place_and_date(agency.place, data.document_date),
        doc_type=tr("BÁO CÁO"),
        title=data.title,
        body=(
            _opening(data),
            *_general(data),
            *_by_group(data),
            *_by_unit(data),
            *_overdue(data),
            *_next_quarter(data),
            *_proposals(data),
        ),
        recipients=_recipients(data),
        signature=Signature(agency.signature_lines, agency.signer_name),
        appendices=(_appendix(data, number),),
        file_title=tr("Báo cáo {title}").format(title=_lower_first(data.title)),
    )


def report_number(data: ReportData) -> str:
    """``12/BC-SKHCN``, or ``      /BC-SKHCN`` before the report has its number."""
    if data.number:
        return document_label(data.number, "BC", data.agency.code)
    return NUMBER_BLANK + "/" + document_label("", "BC", data.agency.code)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _heading(text: str) -> Paragraph:
    return Paragraph.of(text, "heading", bold=True)


def _tasks(n: int) -> str:
    return tr("{n} nhiệm vụ").format(n=format_count(n))


def _opening(data: ReportData) -> Paragraph:
    whom = tr(" của {unit}").format(unit=data.unit_name) if data.unit_id is not None else ""
    values = {
        "agency": data.agency.display_name,
        "whom": whom,
        "quarter": data.quarter_label,
        "day": format_date(data.as_of),
    }
    if data.agency.display_name:
        text = tr(
            "Thực hiện chế độ báo cáo định kỳ, {agency} báo cáo kết quả thực hiện nhiệm vụ "
            "chuyển đổi số{whom} {quarter} (số liệu tính đến ngày {day}) như sau:"
        )
    else:
        text = tr(
            "Thực hiện chế độ báo cáo định kỳ, kết quả thực hiện nhiệm vụ chuyển đổi số{whom} "
            "{quarter} (số liệu tính đến ngày {day}) được báo cáo như sau:"
        )
    return Paragraph.of(text.format(**values))


# ---------------------------------------------------------------------------
# I. Tình hình chung
# ---------------------------------------------------------------------------


def _general(data: ReportData) -> list[Block]:
    blocks: list[Block] = [_heading(tr("I. Tình hình chung"))]
    day = format_date(data.as_of)
    if not data.total:
        blocks.append(
            Paragraph.of(tr("Tính đến ngày {day}, chưa có nhiệm vụ nào được giao.").format(day=day))
        )
        return blocks
    parts = []
    for cls in data.classes:
        part = tr("{label} {tasks} ({percent})").format(
            label=_lower_first(cls.label),
            tasks=_tasks(cls.count),
            percent=format_percent(cls.percent),
        )
        if cls.code == StatusClass.OPEN_IN_TIME and data.due_soon:
            part += tr(", trong đó {tasks} sắp đến hạn trong {days} ngày tới").format(
                tasks=_tasks(data.due_soon), days=data.agency.due_soon_days
            )
        parts.append(part)
    cancelled = (
        tr(" (không kể {tasks} đã hủy)").format(tasks=_tasks(data.cancelled))
        if data.cancelled
        else ""
    )
    blocks.append(
        Paragraph.of(
            tr(
                "Tính đến ngày {day}, tổng số nhiệm vụ được giao là {tasks}{cancelled}; trong đó: "
            ).format(day=day, tasks=_tasks(data.total), cancelled=cancelled)
            + "; ".join(parts)
            + "."
        )
    )
    if data.extended:
        blocks.append(
            Paragraph.of(
                tr("Có {tasks} đã được gia hạn thời hạn hoàn thành.").format(
                    tasks=_tasks(data.extended)
                )
            )
        )
    blocks.append(
        Table(
            columns=(
                Column(tr("STT"), 12, "center"),
                Column(tr("Phân loại"), 93),
                Column(tr("Số nhiệm vụ"), 30, "right"),
                Column(tr("Tỷ lệ"), 30, "right"),
            ),
            rows=(
                *(
                    (str(i), cls.label, format_count(cls.count), format_percent(cls.percent))
                    for i, cls in enumerate(data.classes, start=1)
                ),
                ("", tr("Tổng cộng"), format_count(data.total), "100%"),
            ),
            total_row=True,
            caption=tr("Bảng 1. Kết quả thực hiện nhiệm vụ theo tình trạng"),
        )
    )
    return blocks


# ---------------------------------------------------------------------------
# II. Kết quả theo nhóm nhiệm vụ
# ---------------------------------------------------------------------------


def _by_group(data: ReportData) -> list[Block]:
    blocks: list[Block] = [_heading(tr("II. Kết quả theo nhóm nhiệm vụ"))]
    if not data.groups:
        return [*blocks, Paragraph.of(tr("Không có nhiệm vụ."))]
    named = [g for g in data.groups if g.code is not None]
    if named:
        blocks.append(
            Paragraph.of(
                tr("Đã hoàn thành ")
                + "; ".join(
                    tr("{ratio} nhiệm vụ {group}").format(ratio=g.ratio, group=_lower_first(g.name))
                    for g in named
                )
                + "."
            )
        )
    done = sum(g.done for g in data.groups)
    blocks.append(
        Table(
            columns=(
                Column(tr("STT"), 12, "center"),
                Column(tr("Nhóm nhiệm vụ"), 73),
                Column(tr("Tổng số"), 25, "right"),
                Column(tr("Đã hoàn thành"), 30, "center"),
                Column(tr("Tỷ lệ"), 25, "right"),
            ),
            rows=(
                *(
                    (str(i), g.name, format_count(g.total), g.ratio, format_percent(g.percent))
                    for i, g in enumerate(data.groups, start=1)
                ),
                (
                    "",
                    tr("Tổng cộng"),
                    format_count(data.total),
                    f"{done}/{data.total}",
                    format_percent(percent_of(done, data.total)),
                ),
            ),
            total_row=True,
            caption=tr("Bảng 2. Kết quả thực hiện theo nhóm nhiệm vụ"),
        )
    )
    return blocks


# ---------------------------------------------------------------------------
# III. Kết quả theo đơn vị chủ trì
# ---------------------------------------------------------------------------

_CLASS_ORDER = (
    StatusClass.DONE_ON_TIME,
    StatusClass.DONE_LATE,
    StatusClass.OPEN_IN_TIME,
    StatusClass.OPEN_OVERDUE,
    StatusClass.NO_DEADLINE,
)


def _by_unit(data: ReportData) -> list[Block]:
    blocks: list[Block] = [_heading(tr("III. Kết quả theo đơn vị chủ trì"))]
    if not data.units:
        return [*blocks, Paragraph.of(tr("Không có nhiệm vụ."))]
    blocks.append(
        Table(
            columns=(
                Column(tr("STT"), 12, "center"),
                Column(tr("Đơn vị chủ trì"), 48),
                Column(tr("Được giao"), 17, "right"),
                *(Column(cls.short_label, 17.6, "right") for cls in _CLASS_ORDER),
            ),
            rows=tuple(
                (
                    str(i),
                    unit.name,
                    format_count(unit.total),
                    *(format_count(unit.count(cls.value)) for cls in _CLASS_ORDER),
                )
                for i, unit in enumerate(data.units, start=1)
            ),
            caption=tr("Bảng 3. Kết quả thực hiện theo đơn vị chủ trì"),
        )
    )
    if sum(u.total for u in data.units) > data.total:
        blocks.append(
            Paragraph.of(
                tr(
                    "Ghi chú: nhiệm vụ có nhiều đơn vị cùng chủ trì được tính cho mỗi đơn vị "
                    "chủ trì."
                ),
                "note",
                italic=True,
            )
        )
    blocks.append(report_chart(data))
    return blocks


def report_chart(data: ReportData) -> Chart:
    """Classes by lead unit as stacked bars, the units in the table's order.

    With many units only those with the most tasks are drawn (the table lists
    them all): one bar summing the rest would dwarf every other bar.
    """
    units: list[UnitRow] = list(data.units)
    title = tr("Biểu đồ. {title}").format(title=data.chart.title)
    if len(units) > CHART_MAX_UNITS:
        ranked = sorted(range(len(units)), key=lambda i: -units[i].total)
        kept = sorted(ranked[:CHART_MAX_UNITS])
        units = [units[i] for i in kept]
        title += tr(" ({n} đơn vị có nhiều nhiệm vụ nhất)").format(n=CHART_MAX_UNITS)
    return Chart(
        title=title,
        categories=tuple(u.short_name for u in units),
        series=tuple(
            ChartSeries(
                cls.short_label, tuple(float(u.count(cls.value)) for u in units), CLASS_COLOURS[cls]
            )
            for cls in _CLASS_ORDER
        ),
    )


# ---------------------------------------------------------------------------
# IV. Overdue; V. Due next quarter; VI. Proposals
# ---------------------------------------------------------------------------


def task_cell(line: TaskLine) -> str:
    """``II.2.1. Content (36/TB-UBND)``."""
    text = f"{line.ref}. {line.content}" if line.ref else line.content
    return f"{text} ({line.document})" if line.document else text


def deadline_cell(line: TaskLine) -> str:
    return line.deadline_label + (tr(" (đã gia hạn)") if line.extended else "")


def note_cell(line: TaskLine) -> str:
    if not line.last_note:
        return ""
    day = format_date(line.last_note_on) if line.last_note_on else ""
    return f"{day}: {line.last_note}" if day else line.last_note


def _units_cell(names: tuple[str, ...]) -> str:
    return "; ".join(names)


def _overdue(data: ReportData) -> list[Block]:
    blocks: list[Block] = [_heading(tr("IV. Nhiệm vụ quá hạn, chưa hoàn thành"))]
    if not data.overdue:
        blocks.append(
            Paragraph.of(
                tr("Tính đến ngày {day}, không có nhiệm vụ quá hạn.").format(
                    day=format_date(data.as_of)
                )
            )
        )
        return blocks
    runs = [
        Run(
            tr("Tính đến ngày {day}, còn {tasks} chưa hoàn thành đã quá hạn").format(
                day=format_date(data.as_of), tasks=_tasks(len(data.overdue))
            )
        )
    ]
    late = data.long_overdue
    if late:
        if len(late) < len(data.overdue):
            some = tr(", trong đó {tasks} ").format(tasks=_tasks(len(late)))
        elif len(late) > 1:
            some = tr(", cả {n} nhiệm vụ đều ").format(n=len(late))
        else:
            some = tr(", đã ")
        runs += [
            Run(some),
            Run(tr("quá hạn hơn {days} ngày").format(days=LONG_OVERDUE_DAYS), bold=True),
            Run(" (" + _refs_by_document(late) + ")"),
        ]
    runs.append(Run(tr(", cụ thể như sau:")))
    blocks.append(Paragraph(tuple(runs)))
    blocks.append(
        Table(
            columns=(
                Column(tr("STT"), 12, "center"),
                Column(tr("Nhiệm vụ"), 55),
                Column(tr("Đơn vị chủ trì"), 26),
                Column(tr("Thời hạn"), 23, "center"),
                Column(tr("Số ngày quá hạn"), 18, "right"),
                Column(tr("Tình hình thực hiện"), 31),
            ),
            rows=tuple(
                (
                    str(i),
                    task_cell(t),
                    _units_cell(t.lead_short),
                    deadline_cell(t),
                    format_count(t.days_overdue),
                    note_cell(t),
                )
                for i, t in enumerate(data.overdue, start=1)
            ),
            caption=tr("Bảng 4. Nhiệm vụ quá hạn, chưa hoàn thành"),
        )
    )
    return blocks


def _refs_by_document(lines: tuple[TaskLine, ...]) -> str:
    """``36/TB-UBND: II.2.3.1, II.3.2; 418/TB-SKHCN: II.6``."""
    by_doc: dict[str, list[str]] = {}
    for line in lines:
        by_doc.setdefault(line.document, []).append(
            line.ref or tr("mã {id}").format(id=line.task_id)
        )
    return "; ".join(
        f"{doc}: {', '.join(refs)}" if doc else ", ".join(refs) for doc, refs in by_doc.items()
    )


def _next_quarter(data: ReportData) -> list[Block]:
    blocks: list[Block] = [
        _heading(
            tr("V. Nhiệm vụ đến hạn trong quý tiếp theo ({quarter})").format(
                quarter=data.next_quarter_label
            )
        )
    ]
    if not data.due_next_quarter:
        blocks.append(
            Paragraph.of(
                tr("Không có nhiệm vụ đến hạn trong {quarter}.").format(
                    quarter=data.next_quarter_label
                )
            )
        )
        return blocks
    blocks.append(
        Paragraph.of(
            tr("Trong {quarter} có {tasks} đến hạn hoàn thành:").format(
                quarter=data.next_quarter_label, tasks=_tasks(len(data.due_next_quarter))
            )
        )
    )
    blocks.append(
        Table(
            columns=(
                Column(tr("STT"), 12, "center"),
                Column(tr("Nhiệm vụ"), 68),
                Column(tr("Đơn vị chủ trì"), 32),
                Column(tr("Thời hạn"), 25, "center"),
                Column(tr("Tình trạng"), 28),
            ),
            rows=tuple(
                (str(i), task_cell(t), _units_cell(t.lead_short), deadline_cell(t), t.status_label)
                for i, t in enumerate(data.due_next_quarter, start=1)
            ),
            caption=tr("Bảng 5. Nhiệm vụ đến hạn trong {quarter}").format(
                quarter=data.next_quarter_label
            ),
        )
    )
    return blocks


PROPOSALS_PLACEHOLDER = "(Đơn vị bổ sung nội dung)"


def _proposals(data: ReportData) -> list[Block]:
    return [
        _heading(tr("VI. Đề xuất, kiến nghị")),
        Paragraph.of(tr(PROPOSALS_PLACEHOLDER), italic=True),
        Paragraph.of(
            tr("Trên đây là báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số {quarter}./.").format(
                quarter=data.quarter_label
            )
        ),
    ]


def _recipients(data: ReportData) -> tuple[str, ...]:
    keep = tr("Lưu: VT")
    if data.agency.drafting_unit:
        keep += f", {data.agency.drafting_unit}"
    return (
        tr("Ban Chỉ đạo Chuyển đổi số (để báo cáo)"),
        data.agency.leadership,
        keep,
    )


# ---------------------------------------------------------------------------
# Phụ lục
# ---------------------------------------------------------------------------


def _appendix(data: ReportData, number: str) -> Appendix:
    rows = tuple(
        (
            str(i),
            task_cell(t),
            _units_text(t),
            deadline_cell(t),
            _status_text(t),
            note_cell(t),
        )
        for i, t in enumerate(data.appendix, start=1)
    )
    return Appendix(
        title=tr("DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ"),
        reference=tr("(Kèm theo Báo cáo số {number} ngày {day})").format(
            number=number, day=format_date(data.document_date)
        ),
        blocks=(
            Paragraph.of(
                tr("(Số liệu tính đến ngày {day})").format(day=format_date(data.as_of)),
                "centered",
                italic=True,
            ),
            Table(
                columns=(
                    Column(tr("STT"), 12, "center"),
                    Column(tr("Nhiệm vụ"), 49),
                    Column(tr("Đơn vị thực hiện"), 30),
                    Column(tr("Thời hạn"), 22, "center"),
                    Column(tr("Tình trạng"), 24),
                    Column(tr("Tình hình thực hiện"), 28),
                ),
                rows=rows or (("", tr("Không có nhiệm vụ."), "", "", "", ""),),
                font_pt=11.0,
            ),
        ),
    )


def _units_text(line: TaskLine) -> str:
    text = tr("Chủ trì: {units}").format(units=_units_cell(line.lead_short) or "-")
    if line.cooperating_short:
        text += "\n" + tr("Phối hợp: {units}").format(units=_units_cell(line.cooperating_short))
    return text


def _status_text(line: TaskLine) -> str:
    if line.completed_on:
        return (
            line.status_label + "\n" + tr("(ngày {day})").format(day=format_date(line.completed_on))
        )
    if line.days_overdue:
        return line.status_label + "\n" + tr("(quá hạn {days} ngày)").format(days=line.days_overdue)
    return line.status_label
