"""The task list in Excel, read back with openpyxl (and, where LibreOffice Calc is
installed, printed to PDF)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cdsdesk.domain.enums import StatusClass
from cdsdesk.errors import ValidationError
from cdsdesk.exporting.xlsx import (
    DEFAULT_COLUMNS,
    XLSX_COLUMNS,
    describe_filter,
    export_register_tasks,
    export_tasks_xlsx,
    wrapped_lines,
)
from cdsdesk.services.queries import TaskQuery, TaskRow, query_tasks
from cdsdesk.services.units import find_unit, units_answering_for
from cdsdesk.storage.db import Register

AS_OF = date(2024, 3, 31)
TITLE = "DANH SÁCH NHIỆM VỤ CHUYỂN ĐỔI SỐ"


@pytest.fixture
def rows(demo: Register) -> list[TaskRow]:
    return query_tasks(demo, TaskQuery(as_of=AS_OF))


def _sheet(path: Path) -> Worksheet:
    sheet = load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _header_values(sheet: Worksheet, header_row: int) -> list[object]:
    return [cell.value for cell in sheet[header_row]]


def _column_values(sheet: Worksheet, header: str, header_row: int) -> list[object]:
    index = _header_values(sheet, header_row).index(header) + 1
    return [sheet.cell(row=r, column=index).value for r in range(header_row + 1, sheet.max_row + 1)]


def test_chosen_columns_in_their_order_under_the_title(rows: list[TaskRow], tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    columns = ["ref", "content", "status", "deadline", "days_overdue", "cooperating", "group"]
    export_tasks_xlsx(
        rows, path, columns=columns, title=TITLE, filter_summary="Tìm: “camera”", as_of=AS_OF
    )
    sheet = _sheet(path)
    assert sheet.title == "Nhiệm vụ"
    assert sheet["A1"].value == TITLE
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "Tính đến ngày 31/03/2024 · Tìm: “camera”"
    assert sheet["A3"].value is None
    assert _header_values(sheet, 4) == [
        "Số TT",
        "Nội dung nhiệm vụ",
        "Tình trạng",
        "Thời hạn",
        "Số ngày quá hạn",
        "Đơn vị phối hợp",
        "Nhóm nhiệm vụ",
    ]
    header = sheet["B4"]
    assert header.font.b and header.alignment.wrap_text
    assert header.fill.fgColor.rgb.endswith("DCE6F1")
    assert header.border.bottom.style == "thin"
    assert sheet.max_row == 4 + len(rows)
    assert sheet.freeze_panes == "B5"
    assert sheet.auto_filter.ref == f"A4:G{4 + len(rows)}"


def test_default_columns_and_no_title(rows: list[TaskRow], tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    export_tasks_xlsx(rows[:3], path)
    sheet = _sheet(path)
    expected = [XLSX_COLUMNS[key].header for key in DEFAULT_COLUMNS]
    assert _header_values(sheet, 1) == expected
    assert sheet.max_row == 4
    assert sheet.freeze_panes == "B2"


def test_without_ref_first_only_the_header_is_frozen(rows: list[TaskRow], tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    export_tasks_xlsx(rows, path, columns=["content", "ref"], as_of=AS_OF)
    sheet = _sheet(path)
    assert sheet["A1"].value == "Tính đến ngày 31/03/2024"
    assert sheet.freeze_panes == "A4"


def test_dates_are_dates_and_days_overdue_integers(rows: list[TaskRow], tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    columns = ["ref", "deadline", "assigned_on", "completed_on", "last_note_on", "days_overdue"]
    export_tasks_xlsx(rows, path, columns=columns)
    sheet = _sheet(path)
    for offset, row in enumerate(rows, start=2):
        deadline = sheet.cell(row=offset, column=2)
        if row.deadline is not None:
            assert deadline.value == datetime.combine(row.deadline, datetime.min.time())
            assert deadline.is_date and deadline.number_format == "dd/mm/yyyy"
        for column, day in ((3, row.assigned_on), (4, row.completed_on), (5, row.last_note_on)):
            cell = sheet.cell(row=offset, column=column)
            if day is None:
                assert cell.value is None
            else:
                assert cell.value == datetime.combine(day, datetime.min.time())
                assert cell.number_format == "dd/mm/yyyy"
        overdue = sheet.cell(row=offset, column=6).value
        assert overdue == (row.days_overdue or None)
        assert overdue is None or type(overdue) is int
    assert any(r.days_overdue for r in rows)
    # A deadline with no date keeps its words ("Thường xuyên").
    ongoing = [i for i, r in enumerate(rows, start=2) if r.deadline is None and r.deadline_text]
    assert ongoing
    assert all(isinstance(sheet.cell(row=i, column=2).value, str) for i in ongoing)


def test_vietnamese_text_intact_and_sub_tasks_indented(rows: list[TaskRow], tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    export_tasks_xlsx(rows, path, columns=["ref", "content", "lead", "last_note", "document"])
    sheet = _sheet(path)
    assert _column_values(sheet, "Nội dung nhiệm vụ", 1) == [r.content for r in rows]
    assert _column_values(sheet, "Đơn vị chủ trì", 1) == [
        "; ".join(r.lead_units) or None for r in rows
    ]
    assert "Sở Thông tin và Truyền thông" in _column_values(sheet, "Đơn vị chủ trì", 1)
    notes = _column_values(sheet, "Tiến độ gần nhất", 1)
    first = rows[0]
    assert first.last_note_on is not None
    assert notes[0] == f"{first.last_note_on:%d/%m/%Y}: {first.last_note}"
    depths = [sheet.cell(row=i, column=2).alignment.indent for i in range(2, len(rows) + 2)]
    assert depths == [r.depth for r in rows]
    assert 1 in depths


def test_status_cells_coloured_like_the_window(rows: list[TaskRow], tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    export_tasks_xlsx(rows, path, columns=["ref", "status", "content"])
    sheet = _sheet(path)

    def colour(row: TaskRow) -> str | None:
        cell = sheet.cell(row=rows.index(row) + 2, column=2)
        rgb = cell.font.color.rgb if cell.font.color is not None else None
        return rgb[-6:] if isinstance(rgb, str) else None

    overdue = next(r for r in rows if r.status_class is StatusClass.OPEN_OVERDUE)
    due_soon = next(r for r in rows if r.due_soon)
    done = next(r for r in rows if r.status_class is StatusClass.DONE_ON_TIME)
    ongoing = next(r for r in rows if r.status_class is StatusClass.NO_DEADLINE)
    assert colour(overdue) == "C62828"
    assert colour(due_soon) == "B26A00"
    assert colour(done) == "2E7D32"
    assert colour(ongoing) == "616161"
    assert sheet.cell(row=rows.index(overdue) + 2, column=2).value == "Chưa hoàn thành, quá hạn"
    assert sheet.cell(row=rows.index(due_soon) + 2, column=2).value == "Sắp đến hạn"
    # Content is not coloured.
    assert sheet.cell(row=rows.index(overdue) + 2, column=3).font.color is None


def test_control_characters_and_formula_like_text_are_kept_safe(
    rows: list[TaskRow], tmp_path: Path
) -> None:
    path = tmp_path / "tasks.xlsx"
    bad = [
        rows[0].changed(content="Rà soát\x01 hệ thống\x0b\x1f\r\ndòng hai\x00"),
        rows[1].changed(content='=HYPERLINK("http://x")', last_note="+1\ufffe"),
    ]
    export_tasks_xlsx(bad, path, columns=["content", "last_note"], title="Tiêu đề\x07")
    sheet = _sheet(path)
    assert sheet["A1"].value == "Tiêu đề"
    assert sheet["A3"].value == "Nội dung nhiệm vụ"
    assert sheet["A4"].value == "Rà soát hệ thống\ndòng hai"
    formula_like = sheet["A5"]
    assert formula_like.value == '=HYPERLINK("http://x")'
    assert formula_like.data_type == "s"
    assert sheet["B5"].value.endswith(": +1")


def test_widths_heights_print_setup_and_properties(rows: list[TaskRow], tmp_path: Path) -> None:
    path = tmp_path / "tasks.xlsx"
    export_tasks_xlsx(rows, path, title=TITLE, as_of=AS_OF)
    workbook = load_workbook(path)
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    widths = {
        key: sheet.column_dimensions[chr(ord("A") + i)].width
        for i, key in enumerate(DEFAULT_COLUMNS)
    }
    assert widths == {key: XLSX_COLUMNS[key].width for key in DEFAULT_COLUMNS}
    assert widths["content"] >= 50 > widths["ref"]
    assert sheet["B5"].alignment.wrap_text and sheet["B5"].alignment.vertical == "top"
    # A 700-character content gets a row tall enough for many lines.
    assert len(rows[0].content) > 600
    assert sheet.row_dimensions[5].height > 8 * 14
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"
    assert workbook.properties.creator == "CĐS Desk"
    assert workbook.properties.title == TITLE


def test_empty_list_and_bad_columns(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    export_tasks_xlsx([], path, columns=["ref", "content"])
    sheet = _sheet(path)
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:B1"
    with pytest.raises(ValidationError, match="khong_co"):
        export_tasks_xlsx([], path, columns=["ref", "khong_co"])
    with pytest.raises(ValidationError):
        export_tasks_xlsx([], path, columns=[])


def test_wrapped_lines_estimate() -> None:
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("một hai", 10) == 1
    assert wrapped_lines("một\nhai", 10) == 2
    prose = "Triển khai thực hiện nhiệm vụ chuyển đổi số của tỉnh " * 10
    assert 8 <= wrapped_lines(prose, 60) <= 11
    capitals = "UBND HĐND CĐS TT&TT " * 20
    assert wrapped_lines(capitals, 20) > wrapped_lines(capitals.lower(), 20)
    assert wrapped_lines("x" * 100, 10) >= 10


def test_register_export_of_overdue_tasks(demo: Register, tmp_path: Path) -> None:
    path = tmp_path / "overdue.xlsx"
    query = TaskQuery(as_of=AS_OF, status=StatusClass.OPEN_OVERDUE.value)
    count = export_register_tasks(demo, path, query)
    everything = query_tasks(demo, TaskQuery(as_of=AS_OF))
    overdue = [r for r in everything if r.status_class is StatusClass.OPEN_OVERDUE]
    assert count == len(overdue) == 5
    sheet = _sheet(path)
    assert sheet["A1"].value == TITLE
    assert sheet["A2"].value == ("Tính đến ngày 31/03/2024 · Tình trạng: Chưa hoàn thành, quá hạn")
    assert sheet.max_row == 4 + len(overdue)
    assert _column_values(sheet, "Số TT", 4) == [r.ref for r in overdue]
    assert _column_values(sheet, "Số TT", 4) == [
        "II.2.3",
        "II.2.3.1",
        "II.2.4",
        "II.2.4.3",
        "II.3.2",
    ]
    assert _column_values(sheet, "Số ngày quá hạn", 4) == [91] * 5
    assert _column_values(sheet, "Tình trạng", 4) == ["Chưa hoàn thành, quá hạn"] * 5


def test_register_export_of_one_unit(demo: Register, tmp_path: Path) -> None:
    path = tmp_path / "unit.xlsx"
    unit = find_unit(demo, "Văn phòng Ủy ban nhân dân tỉnh")
    query = TaskQuery(as_of=AS_OF, unit_id=unit.id, include_subunits=True, search="")
    count = export_register_tasks(demo, path, query, columns=["ref", "lead"])
    units = units_answering_for(demo, unit.id, include_subunits=True)
    expected = [r for r in query_tasks(demo, TaskQuery(as_of=AS_OF)) if set(r.lead_ids) & units]
    assert count == len(expected) > 0
    sheet = _sheet(path)
    assert f"Đơn vị: {unit.name} (kể cả đơn vị cấp dưới)" in sheet["A2"].value
    assert _column_values(sheet, "Số TT", 4) == [r.ref for r in expected]


def _calc_available() -> bool:
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    program = Path(soffice).resolve().parent
    return any(program.glob("*sclo*"))  # the Calc component (libsclo.so, sclo.dll)


@pytest.mark.skipif(not _calc_available(), reason="LibreOffice Calc is not installed")
def test_libreoffice_prints_it_on_a4_landscape(demo: Register, tmp_path: Path) -> None:
    from pypdf import PdfReader

    path = tmp_path / "tasks.xlsx"
    export_register_tasks(demo, path, TaskQuery(as_of=AS_OF))
    profile = (tmp_path / "lo-profile").as_uri()  # its own, so parallel runs do not clash
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(tmp_path / "tasks.pdf")
    assert len(reader.pages) > 1
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (842, 595)  # A4 landscape, points
        # The header row is repeated on every page.
        assert "Nội dung nhiệm vụ" in page.extract_text()
    text = "".join(page.extract_text() for page in reader.pages)
    assert TITLE in text
    assert "Sở Thông tin và Truyền thông" in text


def test_filter_in_words(demo: Register) -> None:
    from cdsdesk.periods import parse_quarter
    from cdsdesk.services.documents import list_documents

    document = next(d for d in list_documents(demo) if d.label == "36/TB-UBND")
    query = TaskQuery(
        status="due_soon",
        document_id=document.id,
        due_in=parse_quarter("2024-Q1"),
        search="  camera ",
    )
    assert describe_filter(demo, query) == (
        "Tình trạng: Sắp đến hạn · Văn bản: 36/TB-UBND · Hạn trong quý I năm 2024 · Tìm: “camera”"
    )
    assert describe_filter(demo, TaskQuery()) == ""


def test_progress_is_reported(rows: list[TaskRow], tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    many = (rows * 30)[:1200]
    export_tasks_xlsx(
        many, tmp_path / "many.xlsx", progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
