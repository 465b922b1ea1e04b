"""Reading notices: document fields, tasks, assignment patterns, OCR damage, accuracy, robustness.

The notices written in this file are synthetic (not copies of the samples), one
per assignment pattern of DOMAIN.md; the samples are checked against the
hand-written ground truth in ``tests/data/expected``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsdesk.domain.enums import TaskGroup
from cdsdesk.importing.degrade import break_lines, degrade, ocr_swaps, strip_diacritics
from cdsdesk.importing.parser import (
    FLAG_DEADLINE_BEFORE_DOC,
    FLAG_NO_LEAD,
    ParsedNotice,
    ParsedTask,
    parse_notice,
)
from cdsdesk.services.units import UnitInfo

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"
TB36 = "quang-ngai-tb-36-ubnd-2023.txt"


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "bench" / "import_accuracy.py"
    spec = importlib.util.spec_from_file_location("import_accuracy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _task(notice: ParsedNotice, ref: str) -> ParsedTask:
    found = [t for t in notice.tasks if t.ref == ref]
    assert found, f"no task {ref}: {[t.ref for t in notice.tasks]}"
    return found[0]


def _leads(notice: ParsedNotice) -> dict[str, list[str]]:
    return {t.ref: list(t.lead_units) for t in notice.tasks}


@pytest.fixture(scope="module")
def tb36() -> ParsedNotice:
    return parse_notice(_sample(TB36))


# ---------------------------------------------------------------------------
# The document's own fields (TB 36)
# ---------------------------------------------------------------------------


def test_tb36_header_fields(tb36: ParsedNotice) -> None:
    doc = tb36.document
    assert doc.number == "36"
    assert doc.symbol == "36/TB-UBND"  # written "36 /TB-UBND"
    assert doc.doc_type == "TB"
    assert doc.issuer_code == "UBND"
    assert doc.place == "Quảng Ngãi"
    assert doc.issued_on == date(2023, 2, 3)
    assert doc.meeting_on == date(2023, 1, 31)
    assert (
        doc.chair
        == "Chủ tịch UBND tỉnh Đặng Văn Minh, Trưởng Ban Chỉ đạo Chuyển đổi số tỉnh Quảng Ngãi"
    )
    assert doc.title is not None and doc.title.startswith("Kết luận của Chủ tịch UBND tỉnh")
    assert doc.title.endswith("công tác chuyển đổi số năm 2023")
    assert doc.signer == "Phùng Tô Long"
    assert doc.signer_title == "TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG"
    assert doc.recipients[0] == "Thường trực Tỉnh ủy"
    assert doc.recipients[-1] == "VPUB: CVP, PCVP, các phòng, ban, đơn vị"
    assert len(doc.recipients) == 12
    assert all("Lưu" not in r for r in doc.recipients)
    assert doc.archive_line == "Lưu: VT, KGVX.Ngoc"
    assert doc.lines["number"] == 3 and doc.lines["issued_on"] == 5 and doc.lines["signer"] == 93


def test_tb36_json_has_the_cli_shape(tb36: ParsedNotice) -> None:
    data = json.loads(json.dumps(tb36.to_json(), ensure_ascii=False))
    document_keys = {"number", "type", "issuer", "place", "issued_on", "title", "meeting_on",
                     "chair", "signer", "recipients"}  # fmt: skip
    task_keys = {"ref", "parent_ref", "content", "lead_units", "cooperating_units", "deadline",
                 "deadline_text", "recurrence", "urgent", "flags", "line"}  # fmt: skip
    assert document_keys <= set(data["document"])
    assert data["document"]["number"] == "36/TB-UBND"
    assert data["document"]["issued_on"] == "2023-02-03"
    assert data["document"]["issuer"] is None  # the sample has no issuing-body line
    first = next(t for t in data["tasks"] if t["ref"] == "II.2.1")
    assert task_keys <= set(first)
    assert first == {**first, "parent_ref": "II.2", "deadline": "2023-02-04",
                     "deadline_text": "trước ngày 04/02/2023", "recurrence": None, "urgent": True,
                     "flags": [], "line": 43, "lead_units": ["Sở Thông tin và Truyền thông"]}  # fmt: skip
    recurrences = {t["recurrence"] for t in data["tasks"]}
    assert recurrences <= {None, "monthly", "quarterly", "half_yearly", "yearly", "ongoing"}


# ---------------------------------------------------------------------------
# The tasks of TB 36
# ---------------------------------------------------------------------------


def test_tb36_refs_follow_the_numbering(tb36: ParsedNotice) -> None:
    refs = [t.ref for t in tb36.tasks]
    assert refs[:5] == ["II.1.1", "II.1.2", "II.1.3", "II.1.4", "II.1.5"]
    assert "II.2.3.1" in refs and "II.2.4.4" in refs and refs[-1] == "II.4"
    # Unit headings ("2. Sở ... chịu trách nhiệm") are parents, not tasks; section I is narrative.
    assert "II.1" not in refs and "II.2" not in refs and not any(r.startswith("I.") for r in refs)
    assert _task(tb36, "II.2.3.1").parent_ref == "II.2.3"


def test_tb36_units_from_headings_and_sentences(tb36: ParsedNotice) -> None:
    assert _task(tb36, "II.1.3").lead_units == (
        "Các sở, ban, ngành",
        "UBND các huyện, thị xã, thành phố",
    )
    assert _task(tb36, "II.1.2").cooperating_units == ("Sở Thông tin và Truyền thông",)
    sub = _task(tb36, "II.2.3.2")
    assert sub.lead_units == ("Sở Thông tin và Truyền thông",)
    assert sub.cooperating_units == ("Văn phòng UBND tỉnh", "UBND các huyện, thị xã, thành phố")
    # "+ Đề nghị Thường trực HĐND tỉnh ..." is content of the parent's list, not a new addressee.
    assert _task(tb36, "II.2.4.4").lead_units == ("Sở Thông tin và Truyền thông",)
    assert _task(tb36, "II.3.2").lead_units == ("Văn phòng UBND tỉnh",)
    funds = _task(tb36, "II.4")
    assert funds.lead_units == ("Sở Tài chính",)
    assert funds.cooperating_units == (
        "Sở Thông tin và Truyền thông",
        "Sở Kế hoạch và Đầu tư",
        "các cơ quan, đơn vị, địa phương liên quan",
    )


def test_tb36_page_break_inside_a_sentence_is_rejoined(tb36: ParsedNotice) -> None:
    task = _task(tb36, "II.1.3")
    assert "khai thác sử dụng các nền tảng số" in task.content
    assert (task.first_line, task.last_line) == (33, 35)
    assert "trên địa bản tỉnh Quảng Ngãi giai đoạn" in _task(tb36, "II.2.4.4").content


def test_tb36_deadline_before_the_notice_is_flagged_not_corrected(tb36: ParsedNotice) -> None:
    task = _task(tb36, "II.3.1")
    assert task.deadline is not None and task.deadline.date == date(2022, 2, 4)
    assert "04/2/2022" in task.deadline.text
    assert FLAG_DEADLINE_BEFORE_DOC in task.flags
    assert FLAG_DEADLINE_BEFORE_DOC not in _task(tb36, "II.2.1").flags


def test_tb36_citation_dates_are_not_deadlines(tb36: ParsedNotice) -> None:
    # "Công văn số 167/UBND-KGVX ngày 12/01/2023", "Quyết định số 1575/QĐ-UBND ngày 31/12/2022"
    assert _task(tb36, "II.1.3").deadline is None
    assert _task(tb36, "II.2.2").recurrence_key == "ongoing"


def test_task_groups_are_guessed_from_keywords(tb36: ParsedNotice) -> None:
    assert _task(tb36, "II.2.4.2").task_group is TaskGroup.DATA
    assert _task(tb36, "II.1.5").task_group is TaskGroup.HUMAN_RESOURCES


# ---------------------------------------------------------------------------
# Assignment patterns (synthetic notices)
# ---------------------------------------------------------------------------

NOTICE_SO_NOI_VU = """\
UBND TỈNH BÌNH ĐỊNH
SỞ NỘI VỤ
Số: 12/TB-SNV
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bình Định, ngày 15 tháng 3 năm 2024

THÔNG BÁO
Kết luận của Giám đốc Sở Nội vụ tại cuộc họp giao ban chuyển đổi số quý I năm 2024

Ngày 12/3/2024, Giám đốc Sở Nội vụ Nguyễn Văn An chủ trì cuộc họp giao ban công tác chuyển đổi số quý I năm 2024. Sau khi nghe các phòng báo cáo, Giám đốc Sở kết luận như sau:

I. Kết quả đạt được
1. Văn phòng Sở đã ban hành Kế hoạch chuyển đổi số năm 2024.
2. Phòng Tổ chức - Biên chế đã hoàn thành số hóa hồ sơ.

II. Nhiệm vụ thời gian tới
1. Giao Văn phòng Sở chủ trì, phối hợp với Phòng Cải cách hành chính, Trung tâm Lưu trữ lịch sử tỉnh xây dựng Quy chế quản lý văn bản điện tử, hoàn thành trước ngày 30/4/2024.
2. Phòng Cải cách hành chính chủ trì, phối hợp với các phòng liên quan rà soát thủ tục hành chính, báo cáo trong tháng 5/2024.
3. Thanh tra Sở có trách nhiệm kiểm tra việc sử dụng chữ ký số, báo cáo định kỳ hằng quý.
4. Đề nghị Trung tâm Lưu trữ lịch sử tỉnh sớm số hóa tài liệu lưu trữ.
5. Tổ chức tập huấn kỹ năng số cho công chức, viên chức của Sở trong quý II/2024.
6. Văn phòng Sở
a) Cập nhật thường xuyên dữ liệu lên Cổng thông tin điện tử của Sở.
b) Tham mưu Giám đốc Sở ban hành văn bản theo Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ.

Yêu cầu các phòng, đơn vị thuộc Sở nghiêm túc triển khai thực hiện./.

Nơi nhận:
- Giám đốc, các PGĐ Sở;
- Các phòng, đơn vị thuộc Sở;
- Lưu: VT, VP.

KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC

Trần Thị Bình
"""


@pytest.fixture(scope="module")
def so_noi_vu() -> ParsedNotice:
    return parse_notice(NOTICE_SO_NOI_VU)


def test_header_of_a_department_notice(so_noi_vu: ParsedNotice) -> None:
    doc = so_noi_vu.document
    assert (doc.symbol, doc.doc_type, doc.issuer_code) == ("12/TB-SNV", "TB", "SNV")
    assert doc.issuer == "SỞ NỘI VỤ"
    assert (doc.place, doc.issued_on, doc.meeting_on) == (
        "Bình Định",
        date(2024, 3, 15),
        date(2024, 3, 12),
    )
    assert doc.chair == "Giám đốc Sở Nội vụ Nguyễn Văn An"
    assert (doc.signer, doc.signer_title) == ("Trần Thị Bình", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    assert doc.recipients == ("Giám đốc, các PGĐ Sở", "Các phòng, đơn vị thuộc Sở")
    assert doc.archive_line == "Lưu: VT, VP."


def test_narrative_section_and_closing_are_not_tasks(so_noi_vu: ParsedNotice) -> None:
    refs = [t.ref for t in so_noi_vu.tasks]
    assert refs == ["II.1", "II.2", "II.3", "II.4", "II.5", "II.6.a", "II.6.b"]
    assert not any("nghiêm túc triển khai thực hiện" in t.content for t in so_noi_vu.tasks)


def test_giao_unit_chu_tri_phoi_hop_voi(so_noi_vu: ParsedNotice) -> None:
    task = _task(so_noi_vu, "II.1")
    assert task.lead_units == ("Văn phòng Sở",)
    assert task.cooperating_units == ("Phòng Cải cách hành chính", "Trung tâm Lưu trữ lịch sử tỉnh")
    assert task.deadline is not None and task.deadline.date == date(2024, 4, 30)


def test_unit_chu_tri_and_co_trach_nhiem(so_noi_vu: ParsedNotice) -> None:
    task = _task(so_noi_vu, "II.2")
    assert task.lead_units == ("Phòng Cải cách hành chính",)
    assert task.cooperating_units == ("các phòng liên quan",)
    assert task.deadline is not None and task.deadline.date == date(2024, 5, 31)
    task = _task(so_noi_vu, "II.3")
    assert task.lead_units == ("Thanh tra Sở",)
    assert task.recurrence_key == "quarterly"


def test_de_nghi_unit(so_noi_vu: ParsedNotice) -> None:
    task = _task(so_noi_vu, "II.4")
    assert task.lead_units == ("Trung tâm Lưu trữ lịch sử tỉnh",)
    assert task.urgent  # "... tỉnh sớm số hóa": "tỉnh" is not "tính" (a quality)


def test_item_without_a_unit_stays_unassigned(so_noi_vu: ParsedNotice) -> None:
    task = _task(so_noi_vu, "II.5")  # "Tổ chức tập huấn": a verb, not the unit "Tổ"
    assert task.lead_units == ()
    assert FLAG_NO_LEAD in task.flags
    assert task.deadline is not None and task.deadline.date == date(2024, 6, 30)


def test_unit_heading_over_lettered_items(so_noi_vu: ParsedNotice) -> None:
    first, second = _task(so_noi_vu, "II.6.a"), _task(so_noi_vu, "II.6.b")
    assert first.parent_ref == second.parent_ref == "II.6"
    assert first.lead_units == second.lead_units == ("Văn phòng Sở",)
    assert first.recurrence_key == "ongoing"
    assert second.deadline is None  # "Nghị định số 30/2020/NĐ-CP ngày 05/3/2020" is a citation


NOTICE_YEU_CAU = """\
Thực hiện Kế hoạch số 75/KH-UBND ngày 10/01/2024 của UBND tỉnh, Chủ tịch UBND tỉnh yêu cầu Sở Xây dựng, Sở Giao thông vận tải:
1. Rà soát, số hóa hồ sơ cấp phép xây dựng trong quý III/2024.
2. Sở Tài chính có trách nhiệm bố trí kinh phí thực hiện.
3. Báo cáo kết quả thực hiện 6 tháng đầu năm 2024.
"""


def test_yeu_cau_units_colon_gives_the_following_items() -> None:
    notice = parse_notice(NOTICE_YEU_CAU)
    assert _leads(notice) == {
        "1": ["Sở Xây dựng", "Sở Giao thông vận tải"],
        "2": ["Sở Tài chính"],
        "3": ["Sở Xây dựng", "Sở Giao thông vận tải"],
    }
    assert _task(notice, "1").deadline is not None
    assert _task(notice, "1").deadline.date == date(2024, 9, 30)  # type: ignore[union-attr]


NOTICE_KINH_GUI = """\
ỦY BAN NHÂN DÂN
HUYỆN SƠN TỊNH
Số: 215/UBND-VP
V/v triển khai nền tảng số dùng chung
Sơn Tịnh, ngày 05 tháng 6 năm 2024

Kính gửi:
- Phòng Văn hóa và Thông tin huyện;
- UBND các xã, thị trấn.

Thực hiện Kế hoạch số 38/KH-UBND ngày 20/02/2024 của UBND tỉnh, Chủ tịch UBND huyện yêu cầu các cơ quan, đơn vị nêu trên thực hiện các nội dung sau:
1. Rà soát, cập nhật danh mục dữ liệu dùng chung, gửi về UBND huyện trước ngày 20/6/2024.
2. Phòng Tài chính - Kế hoạch chủ trì bố trí kinh phí thực hiện.

Nơi nhận:
- Như trên;
- Lưu: VT.

CHỦ TỊCH

Nguyễn Văn Dũng
"""


def test_letter_kinh_gui_addressees_take_the_items() -> None:
    notice = parse_notice(NOTICE_KINH_GUI)
    doc = notice.document
    assert (doc.symbol, doc.doc_type, doc.issuer_code) == ("215/UBND-VP", "CV", "UBND")
    assert doc.issuer == "ỦY BAN NHÂN DÂN HUYỆN SƠN TỊNH"
    assert doc.title == "triển khai nền tảng số dùng chung"
    assert doc.addressees == ("Phòng Văn hóa và Thông tin huyện", "UBND các xã, thị trấn")
    assert (doc.signer, doc.recipients) == ("Nguyễn Văn Dũng", ("Như trên",))
    assert _leads(notice) == {
        "1": ["Phòng Văn hóa và Thông tin huyện", "UBND các xã, thị trấn"],
        "2": ["Phòng Tài chính - Kế hoạch"],
    }


NOTICE_NEU_TREN = """\
Sau khi nghe báo cáo, Trưởng ban kết luận như sau:
1. Giao Sở Y tế chủ trì, phối hợp với Bảo hiểm xã hội tỉnh triển khai bệnh án điện tử, hoàn thành trong năm 2025.
2. Các đơn vị nêu trên báo cáo kết quả thực hiện về Văn phòng UBND tỉnh hằng tháng.
3. Sở Giáo dục và Đào tạo khẩn trương hoàn thiện cơ sở dữ liệu ngành giáo dục.
4. Trưởng các phòng chuyên môn thuộc Sở chịu trách nhiệm rà soát quy trình nội bộ.
"""


def test_don_vi_neu_tren_points_back_and_group_leads_are_kept_as_written() -> None:
    notice = parse_notice(NOTICE_NEU_TREN)
    assert _task(notice, "1").cooperating_units == ("Bảo hiểm xã hội tỉnh",)
    assert _task(notice, "2").lead_units == ("Sở Y tế", "Bảo hiểm xã hội tỉnh")
    assert _task(notice, "2").recurrence_key == "monthly"
    assert _task(notice, "3").lead_units == ("Sở Giáo dục và Đào tạo",)
    assert _task(notice, "3").urgent
    assert _task(notice, "4").lead_units == ("Trưởng các phòng chuyên môn thuộc Sở",)


NOTICE_CONTINUING = """\
Chiều 14/5, Phó Chủ tịch UBND tỉnh Trần Văn Khoa chủ trì cuộc họp về dữ liệu số.
Kết luận cuộc họp, Phó Chủ tịch UBND tỉnh Trần Văn Khoa đề nghị Sở Tư pháp, theo chức năng được giao, tiếp tục số hóa sổ hộ tịch. Kết quả số hóa của các huyện tiếp tục tăng so với năm trước.
Giao Sở Nội vụ chủ trì, phối hợp với Ban Dân tộc tỉnh tiếp tục cập nhật cơ sở dữ liệu cán bộ, công chức.
"""


def test_a_units_continuing_work_in_a_report_is_ongoing() -> None:
    notice = parse_notice(NOTICE_CONTINUING)
    assert _leads(notice) == {"1": ["Sở Tư pháp"], "2": ["Sở Nội vụ"]}
    assert [t.recurrence_key for t in notice.tasks] == ["ongoing", "ongoing"]
    degraded = parse_notice(strip_diacritics(NOTICE_CONTINUING))
    assert [t.recurrence_key for t in degraded.tasks] == ["ongoing", "ongoing"]


NOTICE_SPLIT = """\
II. Nhiệm vụ trọng tâm
1. Theo chức năng được giao, các phòng chuyên môn chịu trách nhiệm triển khai Kế hoạch chuyển đổi số năm 2024. Phòng Kế hoạch - Tài chính có trách nhiệm tổng hợp, báo cáo kết quả định kỳ 6 tháng.
"""


def test_a_later_sentence_with_another_lead_becomes_a_sub_task() -> None:
    notice = parse_notice(NOTICE_SPLIT)
    assert [t.ref for t in notice.tasks] == ["II.1", "II.1.1"]
    first, second = notice.tasks
    assert first.lead_units == ("các phòng chuyên môn",)
    assert second.lead_units == ("Phòng Kế hoạch - Tài chính",)
    assert second.parent_ref == "II.1"
    assert second.recurrence_key == "half_yearly" and first.deadline is None
    assert second.content.startswith("Phòng Kế hoạch - Tài chính có trách nhiệm")


NOTICE_PROSE = """\
Chiều 10/4, Phó Chủ tịch UBND tỉnh Lê Văn Cường chủ trì cuộc họp về chuyển đổi số.
Theo báo cáo, tỉnh đã hoàn thành nhiều chỉ tiêu về chính quyền số. Sở Tài chính đã bố trí đủ kinh phí năm 2023.
Kết luận cuộc họp, Phó Chủ tịch UBND tỉnh Lê Văn Cường yêu cầu Sở Tài chính tham mưu bố trí kinh phí cho các dự án chuyển đổi số. Đồng thời, rà soát các dự án chậm tiến độ trước ngày 30/6/2024.
Các huyện, thị xã, thành phố tập trung số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.
"""


def test_press_report_directive_sentences_after_the_conclusion() -> None:
    notice = parse_notice(NOTICE_PROSE)
    assert notice.document.chair == "Phó Chủ tịch UBND tỉnh Lê Văn Cường"
    assert notice.document.meeting_text == "Chiều 10/4" and notice.document.meeting_on is None
    assert _leads(notice) == {
        "1": ["Sở Tài chính"],
        "2": ["Sở Tài chính"],  # no subject: keeps the unit of the sentence before
        "3": ["Các huyện, thị xã, thành phố"],
    }
    assert not any("đã bố trí" in t.content for t in notice.tasks)  # narrative
    assert _task(notice, "2").deadline is not None
    assert _task(notice, "2").deadline.date == date(2024, 6, 30)  # type: ignore[union-attr]


NOTICE_LETTER_STYLE = """\
Sau khi xem xét đề nghị của Sở Y tế, Chủ tịch UBND tỉnh có ý kiến chỉ đạo:
Giám đốc Sở Y tế phối hợp với Bảo hiểm xã hội tỉnh hoàn thiện phần mềm khám chữa bệnh. Gửi kết quả về Văn phòng UBND tỉnh trước ngày 15/9/2024.
Sở Thông tin và Truyền thông được Ủy ban nhân dân tỉnh giao chủ trì, phối hợp ủy ban nhân dân các huyện, thị xã tập huấn kỹ năng số.
Chủ tịch UBND tỉnh đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh tuyên truyền, vận động người dân cài đặt ứng dụng./.
"""


def test_offices_given_work_and_closing_directives() -> None:
    notice = parse_notice(NOTICE_LETTER_STYLE)
    assert not any(t.content.endswith("chỉ đạo:") for t in notice.tasks)  # an intro line
    assert _leads(notice) == {
        "1": ["Sở Y tế"],  # "Giám đốc Sở Y tế phối hợp ...": the office for its unit
        "2": ["Sở Thông tin và Truyền thông"],  # "X được ... giao chủ trì"
        "3": [
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
            "Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh",
        ],
    }
    first = _task(notice, "1")
    assert first.cooperating_units == ("Bảo hiểm xã hội tỉnh",)
    assert first.deadline is not None and first.deadline.date == date(2024, 9, 15)
    assert _task(notice, "2").cooperating_units == ("ủy ban nhân dân các huyện, thị xã",)


WEB_COPY_HEADER = """\
ỦY
BAN NHÂN DÂN
TỈNH GIA LAI
-------
|
CỘNG
HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
|
Số:
57/2024/TB-UBND
|
Gia
Lai, ngày 09 tháng 8 năm 2024
|
THÔNG BÁO
Kết luận của Phó Chủ tịch UBND tỉnh tại buổi làm việc về chính quyền số
1. Giao Sở Nội vụ chủ trì số hóa hồ sơ cán bộ, công chức.
"""


def test_header_of_a_web_copy_with_cells_over_several_lines() -> None:
    doc = parse_notice(WEB_COPY_HEADER).document
    assert (doc.number, doc.symbol, doc.doc_type) == ("57", "57/2024/TB-UBND", "TB")
    assert (doc.place, doc.issued_on) == ("Gia Lai", date(2024, 8, 9))
    assert doc.issuer == "ỦY BAN NHÂN DÂN TỈNH GIA LAI"
    assert doc.chair == "Phó Chủ tịch UBND tỉnh"


def test_header_and_footer_from_word_table_rows() -> None:
    # reading.py writes a table row as "cell | cell"; Word cells keep their lines together.
    text = (
        "Số: 05/TB-STC | Đà Nẵng, ngày 10 tháng 01 năm 2025\n"
        "THÔNG BÁO\n"
        "Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 01\n"
        "Giám đốc Sở kết luận như sau:\n"
        "1. Phòng Tin học thống kê chủ trì nâng cấp phần mềm kế toán trước ngày 28/02/2025.\n"
        "Nơi nhận: - Giám đốc Sở; - Các phòng, đơn vị; - Lưu: VT, VP. | "
        "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC (Đã ký) Lê Thị Hoa\n"
    )
    notice = parse_notice(text)
    doc = notice.document
    assert (doc.symbol, doc.place, doc.issued_on) == ("05/TB-STC", "Đà Nẵng", date(2025, 1, 10))
    assert doc.title == "Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 01"
    assert doc.recipients == ("Giám đốc Sở", "Các phòng, đơn vị")
    assert (doc.signer, doc.signer_title) == ("Lê Thị Hoa", "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC")
    assert _leads(notice) == {"1": ["Phòng Tin học thống kê"]}


def test_roman_numerals_read_by_ocr_as_digits_and_spaced() -> None:
    text = (
        "I . Đánh giá chung\nNăm qua các đơn vị đã cố gắng.\n"
        "11. Nhiệm vụ năm 2024\n1. Sở Y tế chủ trì xây dựng bệnh án điện tử.\n"
        "2. Sở Tài chính chủ trì bố trí kinh phí.\n"
    )
    notice = parse_notice(text)
    assert [t.ref for t in notice.tasks] == ["II.1", "II.2"]
    assert _leads(notice) == {"II.1": ["Sở Y tế"], "II.2": ["Sở Tài chính"]}


def test_units_matched_to_the_register_with_flags() -> None:
    units = [
        UnitInfo(1, None, "Ủy ban nhân dân tỉnh Bình Định", "UBND tỉnh", 1, True, None, None),
        UnitInfo(2, 1, "Sở Tài chính", "Sở Tài chính", 1, True, None, None),
        UnitInfo(3, 1, "Sở Xây dựng", "Sở XD", 2, True, None, None),
    ]
    notice = parse_notice(NOTICE_YEU_CAU, units=units)
    first = _task(notice, "1")
    assert [m.unit_id for m in first.lead_matches] == [3, None]
    assert first.lead_matches[0].score >= 90
    assert "Không tìm thấy đơn vị “Sở Giao thông vận tải” trong sổ" in first.flags
    assert _task(notice, "2").lead_matches[0].unit_id == 2
    assert not parse_notice(NOTICE_YEU_CAU).tasks[0].lead_matches[0].unit_id  # no register


def test_a_merged_unit_is_kept_for_old_notices_and_replaced_for_new_ones() -> None:
    units = [
        UnitInfo(
            1, None, "Sở Thông tin và Truyền thông", "Sở TT&TT", 1, False, date(2025, 3, 1), 2
        ),
        UnitInfo(2, None, "Sở Khoa học và Công nghệ", "Sở KH&CN", 2, True, None, None),
    ]
    text = "Kết luận như sau:\n1. Sở Thông tin và Truyền thông chủ trì số hóa hồ sơ."
    old = parse_notice("Huế, ngày 03 tháng 02 năm 2023\n" + text, units=units).tasks[0]
    assert old.lead_matches[0].unit_id == 1 and old.lead_matches[0].successor_id == 2
    assert old.flags == ()
    new = parse_notice("Huế, ngày 03 tháng 02 năm 2026\n" + text, units=units).tasks[0]
    assert new.lead_matches[0].unit_id == 2
    assert new.flags == (
        "Đơn vị “Sở Thông tin và Truyền thông” đã sáp nhập vào “Sở Khoa học và Công nghệ”: "
        "giao cho “Sở Khoa học và Công nghệ”",
    )


def test_text_without_tasks_warns() -> None:
    notice = parse_notice("Hôm nay trời đẹp. Các em học sinh đến trường.")
    assert notice.tasks == ()
    assert notice.warnings == ("Không tìm thấy nhiệm vụ nào trong văn bản.",)
    assert parse_notice("").tasks == ()


# ---------------------------------------------------------------------------
# OCR-damaged text
# ---------------------------------------------------------------------------


def test_degrade_helpers_are_deterministic_and_keep_numbers() -> None:
    text = _sample(TB36)
    assert degrade(text, 3) == degrade(text, 3) != degrade(text, 4)
    assert strip_diacritics("Đổi mới Phòng Quản lý") == "Doi moi Phong Quan ly"
    swapped = ocr_swaps("CĐS Phòng Quản lý ngày 04/02/2023 IOC", seed=1, rate=1.0)
    assert "04/02/2023" in swapped and "1ý" in swapped and "CĐS" not in swapped
    assert "I0C" in swapped
    wrapped = break_lines("- " + "chuyển đổi số " * 30, width=40, seed=1)
    assert all(len(line) <= 60 for line in wrapped.split("\n"))
    assert all(not line.startswith(("-", "+")) for line in wrapped.split("\n")[1:])


@pytest.mark.parametrize("seed", [0, 1, 2, 7])
def test_degraded_tb36_reads_like_the_clean_one(tb36: ParsedNotice, seed: int) -> None:
    notice = parse_notice(degrade(_sample(TB36), seed))
    assert notice.document.symbol == "36/TB-UBND"
    assert notice.document.issued_on == date(2023, 2, 3)
    assert [t.ref for t in notice.tasks] == [t.ref for t in tb36.tasks]
    assert len(notice.document.recipients) == 12
    task = _task(notice, "II.3.1")
    assert task.deadline is not None and task.deadline.date == date(2022, 2, 4)
    assert FLAG_DEADLINE_BEFORE_DOC in task.flags
    assert "su dung cac nen tang so" in _fold(_task(notice, "II.1.3").content)


def _fold(text: str) -> str:
    from cdsdesk.importing.units_match import fold_ocr

    return " ".join(fold_ocr(text).split())


@pytest.mark.parametrize("seed", [0, 1])
def test_degraded_synthetic_notices(seed: int) -> None:
    notice = parse_notice(degrade(NOTICE_SO_NOI_VU, seed))
    assert [t.ref for t in notice.tasks] == [
        "II.1",
        "II.2",
        "II.3",
        "II.4",
        "II.5",
        "II.6.a",
        "II.6.b",
    ]
    assert [_fold(u) for u in _task(notice, "II.1").cooperating_units] == [
        "phong cai cach hanh chinh",
        "trung tam luu tru lich su tinh",
    ]
    letter = parse_notice(degrade(NOTICE_KINH_GUI, seed))
    assert [_fold(u) for u in _task(letter, "1").lead_units] == [
        "phong van hoa va thong tin huyen",
        "ubnd cac xa, thi tran",
    ]


# ---------------------------------------------------------------------------
# Accuracy on the samples (the bench's scoring)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def accuracy() -> dict[str, object]:
    return _bench().run(seeds=3)  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ["clean", "degraded"])
def test_accuracy_targets_tasks_and_leads(accuracy: dict[str, object], kind: str) -> None:
    score = accuracy["overall"][kind]  # type: ignore[index]
    assert score.found_pct >= 90, score
    assert score.lead_pct >= 85, score


@pytest.mark.parametrize("kind", ["clean", "degraded"])
def test_accuracy_target_deadlines(accuracy: dict[str, object], kind: str) -> None:
    score = accuracy["overall"][kind]  # type: ignore[index]
    assert score.deadline_pct >= 95, score


def test_scoring_can_fail() -> None:
    bench = _bench()
    expected = json.loads((DATA / "expected" / TB36.replace(".txt", ".json")).read_text("utf-8"))
    wrong = parse_notice(_sample(TB36).replace("Sở Tài chính chủ trì", "Sở Y tế chủ trì"))
    score = bench.score_notice(wrong, expected)
    assert score.found == score.truth == 19 and score.lead_right == 18
    empty = bench.score_notice(parse_notice(""), expected)
    assert (empty.found, empty.found_pct) == (0, 0.0) and not empty.meets_targets()


# ---------------------------------------------------------------------------
# Never crash, never hang
# ---------------------------------------------------------------------------

_PIECES = [
    *'aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÊÔƠƯSPUBND0123456789 .,;:-+•()/\n\t*"',
    *["Sở ", "Phòng ", "UBND ", "chủ trì", "phối hợp với ", "Giao ", "II.", "1.", "- ", "+ "],
    *["trước ngày ", "Nơi nhận:", "Kính gửi:", "TL. CHỦ TỊCH", "các sở, ", "yêu cầu ", "./."],
]
_ALPHABET = st.sampled_from(_PIECES)
_SAMPLE_LINES = [
    line for path in sorted(SAMPLES.glob("*.txt")) for line in path.read_text("utf-8").split("\n")
]


@settings(max_examples=60, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=400).map("".join))
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    notice = parse_notice(text)
    json.dumps(notice.to_json(), ensure_ascii=False)


@settings(max_examples=40, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_SAMPLE_LINES), max_size=80),
    st.integers(min_value=0, max_value=9),
    st.booleans(),
)
def test_parse_never_raises_on_mixed_sample_lines(
    lines: list[str], seed: int, damage: bool
) -> None:
    text = "\n".join(lines)
    notice = parse_notice(degrade(text, seed) if damage else text)
    for task in notice.tasks:
        assert 1 <= task.first_line <= task.last_line


@settings(max_examples=30, deadline=5000)
@given(st.text(max_size=3000))
def test_parse_never_raises_on_any_unicode(text: str) -> None:
    parse_notice(text)


@pytest.mark.parametrize(
    "text",
    [
        "Giao các sở, " * 20000,
        "Sở Văn hóa, Thể " * 20000,
        "a" * 400_000,
        "- Sở A chủ trì.\n" * 3000,
        "Chủ tịch yêu cầu, thời gian tới, " * 10000,
        "Kính gửi:\n" + "- Sở A;\n" * 3000,
    ],
    ids=["group-run", "comma-names", "one-word", "many-items", "adverbials", "addressees"],
)
def test_pathological_text_finishes_quickly(text: str) -> None:
    started = time.perf_counter()
    parse_notice(text)
    assert time.perf_counter() - started < 10
