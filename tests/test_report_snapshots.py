"""The quarterly report's figures, and issued reports frozen in the register."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from cdsdesk.domain.enums import StatusClass, StoredStatus
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.exporting.report import build_report
from cdsdesk.exporting.report_data import (
    ReportData,
    compute_report_data,
    format_count,
    format_percent,
    initials,
)
from cdsdesk.periods import Quarter
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.services.reports import delete_report, get_report, issue_report, list_reports
from cdsdesk.services.stats import CLASSES, compute_stats
from cdsdesk.services.tasks import add_note
from cdsdesk.services.units import find_unit, rename_unit
from cdsdesk.storage.db import Register
from cdsdesk.textvi import place_and_date

Q1 = Quarter(2024, 1)
AS_OF = date(2024, 3, 31)


def _counted_leaves(register: Register, as_of: date, unit_id: int | None = None) -> list[int]:
    rows = query_tasks(register, TaskQuery(as_of=as_of, unit_id=unit_id, include_subunits=True))
    return [r.id for r in rows if not r.has_children and r.status_class is not None]


def _assert_matches_stats(data: ReportData, register: Register, unit_id: int | None) -> None:
    stats = compute_stats(register, data.as_of, unit_id=unit_id)
    expected = stats.to_json()
    assert data.total == stats.total
    assert [c.code for c in data.classes] == CLASSES
    assert {c.code: c.count for c in data.classes} == stats.by_status
    assert {c.code: c.percent for c in data.classes} == expected["percent"]
    assert (data.due_soon, data.cancelled, data.extended) == (
        stats.due_soon,
        stats.cancelled,
        stats.extended,
    )
    assert [(g.code, g.name, g.total, g.done) for g in data.groups] == [
        (g["code"], g["group"], g["total"], g["done"]) for g in stats.by_group
    ]
    assert [(u.unit_id, u.name, u.total, *(u.count(c) for c in CLASSES)) for u in data.units] == [
        (u["unit_id"], u["unit"], u["total"], *(u[c] for c in CLASSES)) for u in stats.by_unit
    ]
    # The lists add up to the same counts.
    assert len(data.appendix) == stats.total
    assert len(data.overdue) == stats.by_status[StatusClass.OPEN_OVERDUE.value]
    for cls in CLASSES:
        assert sum(1 for t in data.appendix if t.status == cls) == stats.by_status[cls]
    # The chart shows the unit table.
    assert data.chart.categories == tuple(u.short_name for u in data.units)
    for series in data.chart.series:
        assert series.values == tuple(u.count(series.code) for u in data.units)


def test_whole_register_report_equals_stats(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    assert data.as_of == AS_OF  # the quarter's last day by default
    assert (data.quarter_code, data.quarter_label) == ("2024-Q1", "quý I năm 2024")
    assert data.unit_id is None and data.unit_name == ""
    assert data.title == "Kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024"
    assert data.total > 0
    _assert_matches_stats(data, demo, None)
    assert [t.task_id for t in data.appendix] == _counted_leaves(demo, AS_OF)


def test_unit_report_counts_the_unit_and_its_sub_units(demo: Register) -> None:
    unit = find_unit(demo, "Sở Khoa học và Công nghệ")
    data = compute_report_data(demo, Q1, as_of=AS_OF, unit_id=unit.id)
    assert data.unit_name == "Sở Khoa học và Công nghệ"
    assert data.title.endswith(" của Sở Khoa học và Công nghệ")
    _assert_matches_stats(data, demo, unit.id)
    assert [t.task_id for t in data.appendix] == _counted_leaves(demo, AS_OF, unit.id)
    # Its divisions' tasks and those of the merged Sở TT&TT are its own.
    leads = {name for t in data.appendix for name in t.lead_units}
    assert "Phòng Hành chính - Tổng hợp" in leads
    assert "Sở Thông tin và Truyền thông" in leads
    whole = compute_report_data(demo, Q1)
    assert 0 < data.total < whole.total


def test_overdue_list_is_the_overdue_leaves_most_late_first(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    rows = query_tasks(demo, TaskQuery(as_of=AS_OF, status=StatusClass.OPEN_OVERDUE.value))
    expected = {r.id for r in rows if not r.has_children}
    assert {t.task_id for t in data.overdue} == expected
    days = [t.days_overdue for t in data.overdue]
    assert days == sorted(days, reverse=True) and all(d > 0 for d in days)
    for line in data.overdue:
        assert line.deadline is not None and line.deadline + timedelta(line.days_overdue) == AS_OF


def test_next_quarter_lists_unfinished_tasks_due_in_it(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    assert data.next_quarter_label == "quý II năm 2024"
    found = {(t.ref, t.deadline) for t in data.due_next_quarter}
    assert found == {
        ("II.4", date(2024, 4, 5)),  # extended into April
        ("", date(2024, 4, 5)),  # the Sở's own Q1 report
        ("II.3.3", date(2024, 6, 30)),  # extended to the half-year's end
        ("II.2.1", date(2024, 6, 30)),  # quarterly: due again at the end of Q2
    }
    recurring = next(t for t in data.due_next_quarter if t.ref == "II.2.1")
    assert recurring.deadline_label == "Hằng quý (30/06/2024)"
    assert all(
        not StatusClass(t.status).is_done for t in data.due_next_quarter if t.ref != "II.2.1"
    )
    assert [t.deadline for t in data.due_next_quarter] == sorted(
        t.deadline for t in data.due_next_quarter if t.deadline
    )


def test_last_note_is_the_last_one_known_on_the_day(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    first = next(t for t in data.appendix if t.ref == "II.1.1")
    # II.1.1 has a note of 08/10/2024; a report as of 31/03/2024 quotes January's.
    assert first.last_note_on == date(2024, 1, 16)
    assert all(t.last_note_on is None or t.last_note_on <= AS_OF for t in data.appendix)
    done = [t for t in data.appendix if StatusClass(t.status).is_done]
    assert done and all(t.completed_on and t.completed_on <= AS_OF for t in done)


def test_report_data_json_round_trip_is_exact(demo: Register) -> None:
    unit = find_unit(demo, "Sở Khoa học và Công nghệ")
    for data in (compute_report_data(demo, Q1), compute_report_data(demo, Q1, unit_id=unit.id)):
        text = json.dumps(data.to_json(), ensure_ascii=False)
        assert ReportData.from_json(json.loads(text)) == data
    issued = replace(data, number="12", issued_on=date(2024, 4, 2))
    assert ReportData.from_json(json.loads(json.dumps(issued.to_json()))) == issued


def test_report_data_rejects_a_damaged_payload(demo: Register) -> None:
    payload = compute_report_data(demo, Q1).to_json()
    with pytest.raises(ValidationError):
        ReportData.from_json({**payload, "format": 99})
    with pytest.raises(ValidationError):
        ReportData.from_json({**payload, "total": "25"})
    broken = dict(payload)
    del broken["classes"]
    with pytest.raises(ValidationError):
        ReportData.from_json(broken)


def test_as_of_before_the_quarter_is_refused(demo: Register) -> None:
    with pytest.raises(ValidationError, match="trước ngày bắt đầu"):
        compute_report_data(demo, Q1, as_of=date(2023, 12, 31))


def test_vietnamese_numbers() -> None:
    assert format_percent(12.5) == "12,5%"
    assert format_percent(0.0) == "0,0%"
    assert format_count(21914) == "21.914"
    assert format_count(7) == "7"
    assert initials("SỞ KHOA HỌC VÀ CÔNG NGHỆ") == "SKHCN"
    assert initials("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI") == "UBND"


def _mark_overdue_done(register: Register, data: ReportData) -> int:
    task = data.overdue[0]
    add_note(
        register,
        task.task_id,
        "Đã hoàn thành (bổ sung sau khi phát hành báo cáo).",
        noted_on=date(2024, 3, 30),
        status=StoredStatus.DONE,
    )
    return task.task_id


def test_issued_report_keeps_its_figures_after_tasks_change(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    report_id = issue_report(demo, data, "12")
    task_id = _mark_overdue_done(demo, data)

    now = compute_report_data(demo, Q1)
    assert now.count(StatusClass.OPEN_OVERDUE) == data.count(StatusClass.OPEN_OVERDUE) - 1
    assert now.count(StatusClass.DONE_LATE) == data.count(StatusClass.DONE_LATE) + 1
    assert task_id not in {t.task_id for t in now.overdue}

    frozen = get_report(demo, report_id)
    assert frozen == replace(data, number="12", issued_on=date.today())
    assert task_id in {t.task_id for t in frozen.overdue}
    document = build_report(frozen)
    assert document.number == "Số: 12/BC-SKHCN"
    assert document.place_date == place_and_date("Quảng Ngãi", date.today())  # the issue day


def test_list_reports_and_delete(demo: Register) -> None:
    unit = find_unit(demo, "Sở Khoa học và Công nghệ")
    whole = issue_report(demo, compute_report_data(demo, Q1))
    mine = issue_report(demo, compute_report_data(demo, Q1, unit_id=unit.id), "7")
    infos = list_reports(demo)
    assert [i.id for i in infos] == [mine, whole]  # newest first
    assert infos[0].number == "7" and infos[1].number == ""
    assert infos[0].unit_name == "Sở Khoa học và Công nghệ" and infos[1].unit_name == ""
    assert infos[0].period_label == "quý I năm 2024" and infos[0].as_of == AS_OF
    assert infos[1].title == "Báo cáo kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024"
    # The report keeps the unit's name as it was when issued.
    rename_unit(demo, unit.id, "Sở Khoa học, Công nghệ và Chuyển đổi số")
    assert list_reports(demo)[0].unit_name == "Sở Khoa học và Công nghệ"

    delete_report(demo, whole)
    assert [i.id for i in list_reports(demo)] == [mine]
    with pytest.raises(NotFoundError):
        get_report(demo, whole)
    with pytest.raises(NotFoundError):
        delete_report(demo, whole)


@pytest.mark.parametrize("number", ["abc", "12/BC-SKHCN", "0", "1234567", "-3"])
def test_issue_refuses_a_bad_number(demo: Register, number: str) -> None:
    with pytest.raises(ValidationError, match="không hợp lệ"):
        issue_report(demo, compute_report_data(demo, Q1), number)
    assert list_reports(demo) == []


def test_issue_refuses_a_number_used_this_year(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    issue_report(demo, data, "05")
    assert list_reports(demo)[0].number == "5"
    with pytest.raises(ValidationError, match="đã dùng"):
        issue_report(demo, data, "5")
    issue_report(demo, data, "")  # unnumbered reports may repeat
    issue_report(demo, data, "")
    assert len(list_reports(demo)) == 3


def test_issue_refuses_a_day_still_to_come(demo: Register) -> None:
    today = date.today()
    quarter = Quarter.of(today)
    data = compute_report_data(demo, quarter, as_of=today + timedelta(days=1))
    with pytest.raises(ValidationError, match="chưa đến"):
        issue_report(demo, data)


def test_get_report_of_unknown_id(demo: Register) -> None:
    with pytest.raises(NotFoundError, match="Không có báo cáo"):
        get_report(demo, 999)
