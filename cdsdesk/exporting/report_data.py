"""Everything a quarterly report prints, computed once from the register.

:class:`ReportData` is plain, frozen and JSON-serialisable: the Word and PDF
builders draw from it, and an issued report keeps it as its frozen snapshot
(chốt số liệu), so printing the same issued report later gives the same page
whatever happened to the tasks since.

The counts come from :func:`~cdsdesk.services.stats.compute_stats` and the
lists from :func:`~cdsdesk.services.queries.query_tasks` for the same day and
the same unit filter, so every figure equals ``stats`` for that day. As in
``stats``, only tasks without sub-tasks are counted and listed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Union

from cdsdesk.domain.enums import DeadlineKind, StatusClass, StoredStatus
from cdsdesk.errors import ValidationError
from cdsdesk.i18n import tr
from cdsdesk.periods import Quarter, parse_quarter, periods_between
from cdsdesk.services.documents import list_documents
from cdsdesk.services.queries import TaskQuery, TaskRow, query_tasks
from cdsdesk.services.stats import CLASSES, compute_stats
from cdsdesk.services.units import get_unit, list_units
from cdsdesk.settings import RegisterSettings, load_settings
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold, format_date

FORMAT_VERSION = 1
# The number left blank for the clerk: "Số:      /BC-SKHCN" once after "Số: ".
NUMBER_BLANK = "     "
# "quá hạn hơn 90 ngày": how late a task must be to be called out in the report.
LONG_OVERDUE_DAYS = 90


# ---------------------------------------------------------------------------
# Numbers as Vietnamese documents print them
# ---------------------------------------------------------------------------


def format_count(value: int) -> str:
    """``21.914``: a dot between thousands."""
    return f"{value:,}".replace(",", ".")


def format_percent(value: float) -> str:
    """``12,5%``: one decimal, decimal comma."""
    return f"{value:.1f}".replace(".", ",") + "%"


_COLLECTIVE_WORDS = ("Các ", "Những ", "Toàn thể ", "Mọi ")


def in_sentence(name: str) -> str:
    """A unit's name inside a sentence: "giao các sở, ban, ngành ..." (not "Các")."""
    if name.startswith(_COLLECTIVE_WORDS):
        return name[:1].lower() + name[1:]
    return name


def percent_of(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole``, one decimal, as ``stats.to_json`` rounds it."""
    return round(100.0 * part / whole, 1) if whole else 0.0


# ---------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyInfo:
    """The register's settings used by the report, frozen with it."""

    name: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    display_name: str  # "Sở Khoa học và Công nghệ", for sentences; "" if not known
    parent: str  # "UBND TỈNH QUẢNG NGÃI"
    code: str  # "SKHCN", for "BC-SKHCN"
    place: str
    signer_name: str
    signer_title: str
    signer_authority: str
    drafting_unit: str
    due_soon_days: int

    @property
    def signature_lines(self) -> tuple[str, ...]:
        return tuple(line for line in (self.signer_authority, self.signer_title) if line.strip())

    @property
    def leadership(self) -> str:
        """Who leads the agency, as a "Nơi nhận" line names them."""
        words = fold(self.name).split()
        if words[:1] == ["so"]:
            return tr("Giám đốc, các Phó Giám đốc Sở")
        if words[:1] == ["ubnd"] or words[:4] == ["uy", "ban", "nhan", "dan"]:
            return tr("Chủ tịch, các Phó Chủ tịch")
        if words[:1] == ["ban"]:
            return tr("Trưởng ban, các Phó Trưởng ban")
        return tr("Lãnh đạo cơ quan")


@dataclass(frozen=True)
class ClassCount:
    code: str  # a StatusClass value
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class GroupRow:
    code: str | None  # a TaskGroup value; None for tasks not yet grouped
    name: str
    total: int
    done: int
    percent: float

    @property
    def ratio(self) -> str:
        """``11/21``, as reports write "đã hoàn thành 11/21 nhiệm vụ"."""
        return f"{self.done}/{self.total}"


@dataclass(frozen=True)
class UnitRow:
    unit_id: int | None  # None: tasks without a lead unit
    name: str
    short_name: str
    total: int  # assigned
    done_on_time: int
    done_late: int
    open_in_time: int
    open_overdue: int
    no_deadline: int

    def count(self, status_class: str) -> int:
        return int(getattr(self, status_class))


@dataclass(frozen=True)
class TaskLine:
    """One task as the report's lists print it."""

    task_id: int
    ref: str
    document: str  # "36/TB-UBND"
    content: str
    lead_units: tuple[str, ...]
    lead_short: tuple[str, ...]
    cooperating_units: tuple[str, ...]
    cooperating_short: tuple[str, ...]
    deadline: date | None
    deadline_label: str  # "31/12/2023", "Hằng quý (31/03/2024)", "Thường xuyên"
    extended: bool
    status: str  # a StatusClass value
    status_label: str
    days_overdue: int
    completed_on: date | None  # only when done by the report's day
    last_note: str  # the last progress note on or before the report's day
    last_note_on: date | None


@dataclass(frozen=True)
class ChartSeriesData:
    code: str  # a StatusClass value
    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class ChartData:
    """Classes by lead unit: one stacked bar per unit, one segment per class."""

    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeriesData, ...]


@dataclass(frozen=True)
class ReportData:
    quarter_code: str  # "2024-Q1"
    quarter_label: str  # "quý I năm 2024"
    as_of: date
    unit_id: int | None  # None: the whole register
    unit_name: str
    agency: AgencyInfo
    total: int
    classes: tuple[ClassCount, ...]  # the five classes, in StatusClass order
    due_soon: int
    cancelled: int
    extended: int
    groups: tuple[GroupRow, ...]
    units: tuple[UnitRow, ...]
    overdue: tuple[TaskLine, ...]  # most days late first
    next_quarter_label: str  # "quý II năm 2024"
    due_next_quarter: tuple[TaskLine, ...]
    appendix: tuple[TaskLine, ...]  # every counted task, in register order
    chart: ChartData
    number: str = ""  # set when issued: "12"
    issued_on: date | None = None

    @property
    def quarter(self) -> Quarter:
        return parse_quarter(self.quarter_code)

    @property
    def title(self) -> str:
        """The trích yếu: "Kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024"."""
        text = tr("Kết quả thực hiện nhiệm vụ chuyển đổi số {quarter}").format(
            quarter=self.quarter_label
        )
        if self.unit_id is not None:
            text += tr(" của {unit}").format(unit=self.unit_name)
        return text

    @property
    def document_date(self) -> date:
        """The date printed on the report: the issue day, else the as-of day."""
        return self.issued_on or self.as_of

    def count(self, status_class: StatusClass | str) -> int:
        return next(c.count for c in self.classes if c.code == str(status_class))

    def percent(self, status_class: StatusClass | str) -> float:
        return next(c.percent for c in self.classes if c.code == str(status_class))

    @property
    def long_overdue(self) -> tuple[TaskLine, ...]:
        return tuple(t for t in self.overdue if t.days_overdue > LONG_OVERDUE_DAYS)

    @property
    def done(self) -> int:
        return sum(c.count for c in self.classes if StatusClass(c.code).is_done)

    def to_json(self) -> dict[str, Any]:
        payload = _to_json(self)
        assert isinstance(payload, dict)
        payload["format"] = FORMAT_VERSION
        return payload

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> ReportData:
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
            raise ValidationError(tr("Số liệu báo cáo đã chốt không đọc được (sai định dạng)."))
        try:
            data = _from_json(cls, payload)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                tr("Số liệu báo cáo đã chốt bị hỏng: {error}").format(error=exc)
            ) from exc
        assert isinstance(data, ReportData)
        return data


# ---------------------------------------------------------------------------
# JSON: dates as ISO text, tuples as lists, nested dataclasses as objects
# ---------------------------------------------------------------------------


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    return value


def _from_json(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _from_json(inner, value)
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_from_json(item, v) for v in _expect(list, value))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        obj = _expect(dict, value)
        return tp(**{f.name: _from_json(hints[f.name], obj[f.name]) for f in fields(tp)})
    if tp is date:
        return date.fromisoformat(_expect(str, value))
    if tp is float:
        return float(_expect(int | float, value))
    if tp in (int, str, bool):
        return _expect(tp, value)
    raise TypeError(f"unsupported type {tp!r}")


def _expect(kind: Any, value: Any) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind}, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------------------
# Computing it
# ---------------------------------------------------------------------------


def compute_report_data(
    register: Register,
    quarter: Quarter,
    as_of: date | None = None,
    unit_id: int | None = None,
) -> ReportData:
    """The report of ``quarter`` as of ``as_of`` (default: the quarter's last day),
    for the whole register or for ``unit_id`` with its sub-units."""
    day = as_of or quarter.end
    if day < quarter.start:
        raise ValidationError(
            tr("Ngày chốt số liệu {day} trước ngày bắt đầu {quarter}.").format(
                day=format_date(day), quarter=quarter.label
            )
        )
    settings = load_settings(register)
    unit_name = get_unit(register, unit_id).name if unit_id is not None else ""
    stats = compute_stats(register, day, unit_id=unit_id)
    rows = query_tasks(register, TaskQuery(as_of=day, unit_id=unit_id, include_subunits=True))
    counted = [r for r in rows if not r.has_children and r.status_class is not None]
    lines = {r.id: _line(r, day) for r in counted}

    overdue = sorted(
        (r for r in counted if r.status_class is StatusClass.OPEN_OVERDUE),
        key=lambda r: -r.days_overdue,
    )
    next_quarter = quarter.next()
    due_next = _due_in(counted, next_quarter)
    short_names = {u.id: u.short_name or u.name for u in list_units(register)}
    units = tuple(
        UnitRow(
            unit_id=row["unit_id"],
            name=row["unit"],
            short_name=short_names.get(row["unit_id"], row["unit"]),
            total=row["total"],
            **{c: row[c] for c in CLASSES},
        )
        for row in stats.by_unit
    )
    return ReportData(
        quarter_code=quarter.code,
        quarter_label=quarter.label,
        as_of=day,
        unit_id=unit_id,
        unit_name=unit_name,
        agency=agency_info(register, settings),
        total=stats.total,
        classes=tuple(
            ClassCount(c, StatusClass(c).label, stats.by_status[c], round(stats.percent(c), 1))
            for c in CLASSES
        ),
        due_soon=stats.due_soon,
        cancelled=stats.cancelled,
        extended=stats.extended,
        groups=tuple(
            GroupRow(
                g["code"], g["group"], g["total"], g["done"], percent_of(g["done"], g["total"])
            )
            for g in stats.by_group
        ),
        units=units,
        overdue=tuple(lines[r.id] for r in overdue),
        next_quarter_label=next_quarter.label,
        due_next_quarter=tuple(_line(r, day, due_on=due) for r, due in due_next),
        appendix=tuple(lines[r.id] for r in counted),
        chart=_chart(units),
    )


def _line(row: TaskRow, as_of: date, due_on: date | None = None) -> TaskLine:
    """``row`` as the report lists it; its last note is the last one written by ``as_of``."""
    assert row.status_class is not None
    done = row.status_class.is_done
    completed = (
        row.completed_on if done and row.completed_on and row.completed_on <= as_of else None
    )
    return TaskLine(
        task_id=row.id,
        ref=row.ref,
        document=row.document,
        content=row.content,
        lead_units=row.lead_units,
        lead_short=row.lead_short_units,
        cooperating_units=row.cooperating_units,
        cooperating_short=row.cooperating_short_units,
        deadline=due_on or row.deadline,
        deadline_label=deadline_label(row, due_on),
        extended=row.extended,
        status=row.status_class.value,
        status_label=row.status_class.label,
        days_overdue=row.days_overdue,
        completed_on=completed,
        last_note=row.last_note,
        last_note_on=row.last_note_on,
    )


def deadline_label(row: TaskRow, due_on: date | None = None) -> str:
    """The deadline as a report's table prints it: a date, or what stands for one."""
    due = due_on or row.deadline
    if row.deadline_kind is DeadlineKind.RECURRING and row.recurrence is not None:
        label = row.recurrence.label
        return f"{label} ({format_date(due)})" if due else label
    if due is not None:
        return format_date(due)
    if row.deadline_kind is DeadlineKind.ONGOING:
        return DeadlineKind.ONGOING.label
    return DeadlineKind.NONE.label


def _due_in(rows: list[TaskRow], quarter: Quarter) -> list[tuple[TaskRow, date]]:
    """Unfinished tasks whose deadline falls in ``quarter``, earliest first.

    A recurring task (still running) is due in every quarter that holds the end
    of one of its periods; it is listed with the first such end.
    """
    found: list[tuple[TaskRow, date]] = []
    for row in rows:
        assert row.status_class is not None
        if row.deadline_kind is DeadlineKind.RECURRING and row.recurrence is not None:
            if row.status is StoredStatus.DONE:
                continue  # the recurrence was stopped for good
            ends = [
                p.end
                for p in periods_between(quarter.start, quarter.end, row.recurrence)
                if quarter.start <= p.end <= quarter.end
            ]
            if ends:
                found.append((row, ends[0]))
        elif (
            not row.status_class.is_done
            and row.deadline is not None
            and quarter.start <= row.deadline <= quarter.end
        ):
            found.append((row, row.deadline))
    return sorted(found, key=lambda pair: pair[1])


def _chart(units: tuple[UnitRow, ...]) -> ChartData:
    return ChartData(
        title=tr("Kết quả thực hiện nhiệm vụ theo đơn vị chủ trì"),
        categories=tuple(u.short_name for u in units),
        series=tuple(
            ChartSeriesData(c, StatusClass(c).label, tuple(u.count(c) for u in units))
            for c in CLASSES
        ),
    )


# ---------------------------------------------------------------------------
# The agency that issues the documents
# ---------------------------------------------------------------------------

# Words that start the place part of a name ("Sở Tài chính tỉnh Quảng Ngãi").
_PLACE_WORDS = (["tinh"], ["huyen"], ["xa"], ["phuong"], ["thanh", "pho"], ["thi", "xa"])
_PHRASES = ((["uy", "ban", "nhan", "dan"], "UBND"), (["hoi", "dong", "nhan", "dan"], "HĐND"))
_JOIN_WORDS = {"va", "&", "-"}


def agency_info(register: Register, settings: RegisterSettings | None = None) -> AgencyInfo:
    settings = settings or load_settings(register)
    return AgencyInfo(
        name=settings.agency_name,
        display_name=agency_display_name(register, settings.agency_name),
        parent=settings.parent_agency,
        code=agency_code(register, settings.agency_name),
        place=settings.place_name,
        signer_name=settings.signer_name,
        signer_title=settings.signer_title,
        signer_authority=settings.signer_authority,
        drafting_unit=settings.drafting_unit,
        due_soon_days=settings.due_soon_days,
    )


def agency_code(register: Register, agency_name: str) -> str:
    """The agency's symbol in document numbers (``SKHCN`` in ``12/BC-SKHCN``).

    Taken from a document in the register that the agency issued; otherwise
    made from the initials of its name, as the symbols are made.
    """
    wanted = fold(agency_name)
    if not wanted:
        return ""
    for doc in list_documents(register):
        issuer = fold(doc.issuer)
        if doc.issuer_code and issuer and (issuer == wanted or issuer.startswith(wanted + " ")):
            return doc.issuer_code
    return initials(agency_name)


def agency_display_name(register: Register, agency_name: str) -> str:
    """The agency's name as sentences write it ("Sở Khoa học và Công nghệ"), found
    among the register's units or documents' issuers; the settings hold capitals."""
    wanted = fold(agency_name)
    if not wanted:
        return ""
    if agency_name != agency_name.upper():
        return agency_name
    for unit in list_units(register):
        if fold(unit.name) == wanted:
            return unit.name
    size = len(agency_name.split())
    for doc in list_documents(register):
        words = doc.issuer.split()
        if fold(" ".join(words[:size])) == wanted:
            return " ".join(words[:size])
    return ""


def initials(name: str) -> str:
    """``SỞ KHOA HỌC VÀ CÔNG NGHỆ`` -> ``SKHCN``; ``BAN CHỈ ĐẠO ...`` -> ``BCĐ``;
    ``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI`` -> ``UBND`` (the place is left out)."""
    words = name.split()
    folded = [fold(w) for w in words]
    letters: list[str] = []
    i = 0
    while i < len(words):
        phrase = next((code for ph, code in _PHRASES if folded[i : i + len(ph)] == ph), None)
        if phrase is not None:
            letters.append(phrase)
            i += 4
            continue
        if letters and any(folded[i : i + len(ph)] == ph for ph in _PLACE_WORDS):
            break
        if folded[i] in ("ubnd", "hdnd"):
            letters.append(words[i].upper())
        elif folded[i] not in _JOIN_WORDS:
            letters.append(words[i][0].upper())
        i += 1
    return "".join(letters)
