"""The builders: notice, quarterly report and urging letter as AdminDocuments.

No rendering here: these tests read the document model the renderers draw.
"""

from __future__ import annotations

from datetime import date

import pytest

from cdsdesk.domain.enums import DeadlineKind, StatusClass
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.exporting.letter import build_letter
from cdsdesk.exporting.model import (
    AdminDocument,
    Block,
    Chart,
    Paragraph,
    Table,
)
from cdsdesk.exporting.notice import build_notice
from cdsdesk.exporting.report import CLASS_COLOURS, build_report
from cdsdesk.exporting.report_data import compute_report_data
from cdsdesk.periods import Quarter
from cdsdesk.services.documents import DocumentInput, create_document, list_documents
from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.services.tasks import TaskInput, create_task
from cdsdesk.services.units import find_unit
from cdsdesk.storage.db import Register
from cdsdesk.textvi import fold

TEXT_WIDTH_MM = 210 - 30 - 15
Q1 = Quarter(2024, 1)
AS_OF = date(2024, 3, 31)


def _blocks(doc: AdminDocument) -> list[Block]:
    return [*doc.body, *(b for a in doc.appendices for b in a.blocks)]


def _paragraphs(doc: AdminDocument) -> list[str]:
    return [b.text for b in doc.body if isinstance(b, Paragraph)]


def _tables(doc: AdminDocument) -> list[Table]:
    return [b for b in _blocks(doc) if isinstance(b, Table)]


def _assert_tables_fit(doc: AdminDocument) -> None:
    for table in _tables(doc):
        assert sum(c.width_mm for c in table.columns) == pytest.approx(TEXT_WIDTH_MM)
        assert all(len(row) == len(table.columns) for row in table.rows)


def _document_id(register: Register, label: str) -> int:
    return next(d.id for d in list_documents(register) if d.label == label)


# ---------------------------------------------------------------------------
# Notice
# ---------------------------------------------------------------------------


def test_notice_36_tb_ubnd(demo: Register) -> None:
    doc_id = _document_id(demo, "36/TB-UBND")
    notice = build_notice(demo, doc_id)
    assert notice.number == "Số: 36/TB-UBND"
    assert notice.place_date == "Quảng Ngãi, ngày 03 tháng 02 năm 2023"
    assert notice.doc_type == "THÔNG BÁO"
    assert notice.title.startswith("Kết luận của Chủ tịch UBND tỉnh Đặng Văn Minh")
    # The province issued it, not the department whose register this is.
    assert (notice.parent_agency, notice.agency) == ("", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")
    assert notice.signature.lines == ("TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG")
    assert notice.signature.name == "Phùng Tô Long"
    assert notice.recipients[0] == "Thường trực Tỉnh ủy"
    assert notice.recipients[-1] == "Lưu: VT, HCTH"
    assert not notice.is_letter

    texts = _paragraphs(notice)
    assert texts[0].startswith(
        "Ngày 31/01/2023, Chủ tịch UBND tỉnh Đặng Văn Minh, Trưởng Ban Chỉ đạo Chuyển đổi số "
        "tỉnh chủ trì cuộc họp triển khai nhiệm vụ trọng tâm"
    )
    assert texts[0].endswith("kết luận và chỉ đạo như sau:")
    assert (
        texts[-1] == "Yêu cầu các cơ quan, đơn vị có liên quan nghiêm túc triển khai thực hiện./."
    )
    body = "\n".join(texts)
    for row in query_tasks(demo, TaskQuery(document_id=doc_id)):
        content = " ".join(row.content.split()).rstrip(":;,. ")
        assert content in body, row.ref


def test_notice_lays_out_the_numbering(demo: Register) -> None:
    notice = build_notice(demo, _document_id(demo, "36/TB-UBND"))
    headings = [b.text for b in notice.body if isinstance(b, Paragraph) and b.style == "heading"]
    assert headings == [
        "1. Các sở, ban, ngành, địa phương",
        "2. Sở Thông tin và Truyền thông",
        "3. Văn phòng Ủy ban nhân dân tỉnh",
    ]
    texts = _paragraphs(notice)
    dashes = [t for t in texts if t.startswith("- ")]
    pluses = [t for t in texts if t.startswith("+ ")]
    assert len(dashes) == 5 + 4 + 3  # the "-" items of parts 1, 2 and 3
    assert len(pluses) == 2 + 4  # the "+" sub-items of II.2.3 and II.2.4
    # Part 4 is a task of its own, with its lead and deadline.
    fourth = next(t for t in texts if t.startswith("4. "))
    assert fourth.startswith("4. Về kinh phí thực hiện nhiệm vụ chuyển đổi số năm 2023")
    assert fourth.endswith("Thời hạn: trong năm 2023.")
    # Under a unit's heading an item names only what differs, then its deadline.
    training = next(t for t in dashes if t.startswith("- Bồi dưỡng, tập huấn"))
    assert training.endswith(
        "Đơn vị phối hợp: Sở Thông tin và Truyền thông. Thời hạn: trong năm 2023."
    )
    # A deadline the content already states is not repeated.
    plan = next(t for t in dashes if t.startswith("- Khẩn trương hoàn thiện Kế hoạch"))
    assert "Thời hạn:" not in plan and "trước ngày 04/02/2023" in plan
    ongoing = next(t for t in pluses if t.startswith("+ Tất cả các cuộc họp"))
    assert ongoing.endswith("Thời hạn: thường xuyên.")


def test_notice_of_the_registers_own_agency(demo: Register) -> None:
    notice = build_notice(demo, _document_id(demo, "418/TB-SKHCN"))
    assert (notice.parent_agency, notice.agency) == (
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    )
    assert notice.number == "Số: 418/TB-SKHCN"
    assert notice.signature.lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    texts = _paragraphs(notice)
    assert texts[0].startswith(
        "Ngày 20/03/2024, Giám đốc Sở Khoa học và Công nghệ chủ trì Hội nghị chuyên đề"
    )
    # A task whose lead is named nowhere in its text gets its assignment sentence.
    assert any(
        t.startswith("3. Tập trung củng cố nhân lực")
        and "Giao Phòng Hành chính - Tổng hợp chủ trì, phối hợp với Tổ Chuyển đổi số của Sở." in t
        for t in texts
    )


def test_notice_assignment_lowercases_collective_units(demo: Register) -> None:
    notice = build_notice(demo, _document_id(demo, "15/TB-BCĐ"))
    first = next(t for t in _paragraphs(notice) if t.startswith("1. "))
    assert first.endswith("Giao các sở, ban, ngành, địa phương chủ trì.")


def test_notice_number_below_ten_has_a_leading_zero(register: Register) -> None:
    doc = create_document(
        register,
        DocumentInput(
            number="5",
            doc_type="TB",
            issuer_code="SKHCN",
            issuer="Sở Khoa học và Công nghệ",
            place="Quảng Ngãi",
            issued_on=date(2024, 1, 8),
            title="Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 01/2024",
            signer="Nguyễn Văn A",
            signer_title="GIÁM ĐỐC",
        ),
    )
    with pytest.raises(ValidationError, match="chưa có nhiệm vụ"):
        build_notice(register, doc.id)
    create_task(
        register,
        TaskInput(
            content="Triển khai chữ ký số cho lãnh đạo các phòng",
            ref="1",
            document_id=doc.id,
            deadline_kind=DeadlineKind.DATE,
            deadline=date(2024, 2, 15),
            assigned_on=date(2024, 1, 8),
        ),
    )
    notice = build_notice(register, doc.id)
    assert notice.number == "Số: 05/TB-SKHCN"
    assert notice.place_date == "Quảng Ngãi, ngày 08 tháng 01 năm 2024"
    assert notice.agency == "SỞ KHOA HỌC VÀ CÔNG NGHỆ"  # no settings: the issuer
    assert notice.signature.lines == ("GIÁM ĐỐC",)
    assert notice.recipients == ("Lưu: VT",)
    item = next(t for t in _paragraphs(notice) if t.startswith("1. "))
    assert item == (
        "1. Triển khai chữ ký số cho lãnh đạo các phòng. Thời hạn: trước ngày 15/02/2024."
    )
    assert _paragraphs(notice)[0].startswith("Tại cuộc họp giao ban tháng 01/2024")


def test_notice_of_unknown_document(demo: Register) -> None:
    with pytest.raises(NotFoundError):
        build_notice(demo, 999)


# ---------------------------------------------------------------------------
# Quarterly report
# ---------------------------------------------------------------------------


def test_report_document_structure(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    report = build_report(data)
    assert report.doc_type == "BÁO CÁO"
    assert report.title == "Kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024"
    assert report.number == "Số:      /BC-SKHCN"  # left blank for the clerk
    assert report.place_date == "Quảng Ngãi, ngày 31 tháng 3 năm 2024"
    assert (report.parent_agency, report.agency) == (
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    )
    assert report.signature.lines == ("GIÁM ĐỐC",) and report.signature.name == "Nguyễn Văn Dũng"
    assert report.recipients[-1] == "Lưu: VT, HCTH"

    headings = [b.text for b in report.body if isinstance(b, Paragraph) and b.style == "heading"]
    assert headings == [
        "I. Tình hình chung",
        "II. Kết quả theo nhóm nhiệm vụ",
        "III. Kết quả theo đơn vị chủ trì",
        "IV. Nhiệm vụ quá hạn, chưa hoàn thành",
        "V. Nhiệm vụ đến hạn trong quý tiếp theo (quý II năm 2024)",
        "VI. Đề xuất, kiến nghị",
    ]
    assert all(
        b.runs[0].bold for b in report.body if isinstance(b, Paragraph) and b.style == "heading"
    )
    _assert_tables_fit(report)
    placeholder = next(b for b in report.body if isinstance(b, Paragraph) and "bổ sung" in b.text)
    assert placeholder.text == "(Đơn vị bổ sung nội dung)" and placeholder.style == "body"


def test_report_figures_in_the_document_equal_the_data(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    report = build_report(data)
    general = next(t for t in _paragraphs(report) if t.startswith("Tính đến ngày 31/03/2024, tổng"))
    assert f"là {data.total} nhiệm vụ" in general
    for cls in data.classes:
        assert f"{cls.label[0].lower()}{cls.label[1:]} {cls.count} nhiệm vụ (" in general
    assert "(12,0%)" in general  # decimal comma

    status_table, group_table, unit_table, overdue_table, next_table, appendix = _tables(report)
    assert status_table.rows[:-1] == tuple(
        (str(i), c.label, str(c.count), f"{c.percent:.1f}".replace(".", ",") + "%")
        for i, c in enumerate(data.classes, start=1)
    )
    assert status_table.rows[-1] == ("", "Tổng cộng", str(data.total), "100%")
    assert status_table.total_row
    assert [r[1:4] for r in group_table.rows[:-1]] == [
        (g.name, str(g.total), f"{g.done}/{g.total}") for g in data.groups
    ]
    assert [r[2] for r in unit_table.rows] == [str(u.total) for u in data.units]
    assert [r[4] for r in overdue_table.rows] == [str(t.days_overdue) for t in data.overdue]
    assert len(next_table.rows) == len(data.due_next_quarter)
    assert len(appendix.rows) == data.total
    assert all(row[0] == str(i) for i, row in enumerate(appendix.rows, start=1))

    chart = next(b for b in report.body if isinstance(b, Chart))
    assert chart.categories == data.chart.categories
    colours = dict(
        zip([s.name for s in chart.series], [s.colour for s in chart.series], strict=True)
    )
    assert colours[StatusClass.OPEN_OVERDUE.short_label] == CLASS_COLOURS[StatusClass.OPEN_OVERDUE]
    assert colours[StatusClass.DONE_ON_TIME.short_label] == CLASS_COLOURS[StatusClass.DONE_ON_TIME]
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.categories))]
    assert totals == [float(u.total) for u in data.units]

    # Every overdue task here is more than 90 days late: the report says so.
    overdue_intro = next(
        b for b in report.body if isinstance(b, Paragraph) and "đã quá hạn" in b.text
    )
    assert any(r.bold and r.text == "quá hạn hơn 90 ngày" for r in overdue_intro.runs)
    for line in data.overdue:
        assert line.ref in overdue_intro.text


def test_report_appendix(demo: Register) -> None:
    data = compute_report_data(demo, Q1)
    (appendix,) = build_report(data).appendices
    assert appendix.title == "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ"
    assert appendix.reference == "(Kèm theo Báo cáo số      /BC-SKHCN ngày 31/03/2024)"
    table = next(b for b in appendix.blocks if isinstance(b, Table))
    cells = "\n".join("\t".join(row) for row in table.rows)
    for line in data.appendix:
        assert line.content in cells
    done = next(t for t in data.appendix if t.ref == "II.2.1" and t.document == "36/TB-UBND")
    row = next(r for r in table.rows if r[1].startswith("II.2.1. Khẩn trương"))
    assert row[4] == f"{done.status_label}\n(ngày 03/02/2023)"
    assert row[3] == "04/02/2023"
    assert row[5].startswith("06/02/2023: ")


def test_issued_report_prints_its_number_and_issue_day(demo: Register) -> None:
    from dataclasses import replace

    data = replace(compute_report_data(demo, Q1), number="7", issued_on=date(2024, 4, 3))
    report = build_report(data)
    assert report.number == "Số: 07/BC-SKHCN"
    assert report.place_date == "Quảng Ngãi, ngày 03 tháng 4 năm 2024"
    assert report.appendices[0].reference == "(Kèm theo Báo cáo số 07/BC-SKHCN ngày 03/04/2024)"


def test_unit_report_title_names_the_unit(demo: Register) -> None:
    unit = find_unit(demo, "Văn phòng Ủy ban nhân dân tỉnh")
    report = build_report(compute_report_data(demo, Q1, unit_id=unit.id))
    assert report.title == (
        "Kết quả thực hiện nhiệm vụ chuyển đổi số quý I năm 2024 của Văn phòng Ủy ban nhân dân tỉnh"
    )
    _assert_tables_fit(report)


def test_report_of_an_empty_register(register: Register) -> None:
    report = build_report(compute_report_data(register, Q1))
    texts = _paragraphs(report)
    assert "Tính đến ngày 31/03/2024, chưa có nhiệm vụ nào được giao." in texts
    assert not any(isinstance(b, Chart) for b in report.body)
    _assert_tables_fit(report)


# ---------------------------------------------------------------------------
# Urging letter
# ---------------------------------------------------------------------------


def _overdue_refs(register: Register, unit_id: int, as_of: date) -> list[str]:
    rows = query_tasks(
        register,
        TaskQuery(
            as_of=as_of,
            status=StatusClass.OPEN_OVERDUE.value,
            unit_id=unit_id,
            include_subunits=True,
        ),
    )
    return sorted(r.ref for r in rows if not r.has_children)


def test_letter_lists_exactly_the_units_overdue_tasks(demo: Register) -> None:
    unit = find_unit(demo, "Văn phòng Ủy ban nhân dân tỉnh")
    letter = build_letter(demo, unit.id, as_of=AS_OF)
    assert letter.is_letter and letter.doc_type == ""
    assert letter.title == "V/v đôn đốc thực hiện nhiệm vụ chuyển đổi số"
    assert letter.number == "Số:      /SKHCN-HCTH"
    assert letter.place_date == "Quảng Ngãi, ngày 31 tháng 3 năm 2024"
    assert letter.addressees == ("Văn phòng Ủy ban nhân dân tỉnh",)
    assert letter.recipients == (
        "Như trên",
        "Giám đốc, các Phó Giám đốc Sở (để báo cáo)",
        "Lưu: VT, HCTH",
    )
    assert letter.signature.lines == ("GIÁM ĐỐC",)
    _assert_tables_fit(letter)
    (table,) = _tables(letter)
    listed = sorted(row[1].split(". ", 1)[0] for row in table.rows)
    assert listed == _overdue_refs(demo, unit.id, AS_OF) == ["II.3.2"]
    assert table.rows[0][2] == "36/TB-UBND\nngày 03/02/2023"
    assert table.rows[0][3] == "31/12/2023"
    assert table.rows[0][4] == "91"
    texts = _paragraphs(letter)
    assert "còn 1 nhiệm vụ chưa hoàn thành đã quá hạn" in texts[0]
    assert any("trước ngày 10/04/2024" in t for t in texts)  # ten days to reply


def test_letter_to_a_unit_with_sub_units_and_due_soon_tasks(demo: Register) -> None:
    unit = find_unit(demo, "Sở Khoa học và Công nghệ")
    letter = build_letter(demo, unit.id, as_of=AS_OF)
    overdue, soon = _tables(letter)
    assert sorted(r[1].split(". ", 1)[0] for r in overdue.rows) == _overdue_refs(
        demo, unit.id, AS_OF
    )
    # The merged Sở TT&TT's tasks are listed with their lead named.
    assert all("(Chủ trì: Sở TT&TT)" in r[1] for r in overdue.rows)
    rows = query_tasks(
        demo, TaskQuery(as_of=AS_OF, status="due_soon", unit_id=unit.id, include_subunits=True)
    )
    due_soon = [r for r in rows if not r.has_children]
    assert len(soon.rows) == len(due_soon) > 0
    assert soon.columns[-1].title == "Còn lại (ngày)"
    headings = [b.text for b in letter.body if isinstance(b, Paragraph) and b.style == "heading"]
    assert headings == [
        "1. Nhiệm vụ chưa hoàn thành, đã quá hạn",
        "2. Nhiệm vụ sắp đến hạn (trong 7 ngày tới)",
    ]


def test_letter_follows_the_day(demo: Register) -> None:
    unit = find_unit(demo, "Văn phòng Ủy ban nhân dân tỉnh")
    # On 15/01/2024 II.3.2 was 15 days late.
    (table,) = _tables(build_letter(demo, unit.id, as_of=date(2024, 1, 15)))
    assert [r[4] for r in table.rows] == ["15"]


def test_letter_with_nothing_to_urge_is_refused(demo: Register) -> None:
    unit = find_unit(demo, "Cục Thống kê tỉnh Quảng Ngãi")
    with pytest.raises(ValidationError, match="không có nhiệm vụ quá hạn"):
        build_letter(demo, unit.id, as_of=AS_OF)


def test_every_document_is_vietnamese_text(demo: Register) -> None:
    documents = [
        build_notice(demo, _document_id(demo, "36/TB-UBND")),
        build_report(compute_report_data(demo, Q1)),
        build_letter(demo, find_unit(demo, "Sở Khoa học và Công nghệ").id, as_of=AS_OF),
    ]
    for document in documents:
        text = "\n".join(
            [
                *_paragraphs(document),
                *("\t".join(r) for t in _tables(document) for r in t.rows),
            ]
        )
        assert "?" not in fold(document.agency)
        assert "None" not in text and "{" not in text


def test_chart_with_many_units_draws_the_largest(demo: Register) -> None:
    from dataclasses import replace

    from cdsdesk.exporting.report import CHART_MAX_UNITS
    from cdsdesk.exporting.report_data import UnitRow

    units = tuple(UnitRow(i, f"Đơn vị {i}", f"ĐV {i}", i, i, 0, 0, 0, 0) for i in range(1, 21))
    report = build_report(replace(compute_report_data(demo, Q1), units=units))
    chart = next(b for b in report.body if isinstance(b, Chart))
    assert len(chart.categories) == CHART_MAX_UNITS == 15
    assert chart.categories == tuple(f"ĐV {i}" for i in range(6, 21))  # table order kept
    assert chart.title.endswith("(15 đơn vị có nhiều nhiệm vụ nhất)")
    unit_table = _tables(report)[2]
    assert len(unit_table.rows) == 20  # the table lists them all


def test_agency_code_from_settings_initials(register: Register) -> None:
    from cdsdesk.settings import save_settings

    save_settings(
        register,
        agency_name="SỞ TÀI CHÍNH",
        parent_agency="UBND TỈNH QUẢNG NGÃI",
        place_name="Quảng Ngãi",
        drafting_unit="VP",
    )
    report = build_report(compute_report_data(register, Q1))
    assert report.number == "Số:      /BC-STC"
    assert report.recipients[-2:] == ("Giám đốc, các Phó Giám đốc Sở", "Lưu: VT, VP")
    # Without a unit or document of that name the opening sentence names no agency.
    assert _paragraphs(report)[0].startswith(
        "Thực hiện chế độ báo cáo định kỳ, kết quả thực hiện nhiệm vụ chuyển đổi số quý I"
    )
