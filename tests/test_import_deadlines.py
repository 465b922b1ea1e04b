"""Deadline phrases and urgency words of notices, clean and OCR-degraded."""

from __future__ import annotations

import time
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsdesk.domain.enums import DeadlineKind, Recurrence
from cdsdesk.importing.deadlines import (
    DeadlineGuess,
    find_deadline,
    find_deadlines,
    find_urgency,
)

DOC_2023 = date(2023, 2, 3)
DOC_2024 = date(2024, 3, 25)


def strip_marks(text: str) -> str:
    """What OCR often returns: no diacritics, đ read as d."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def one_to_l(text: str) -> str:
    return text.replace("1", "l")


def break_lines(text: str) -> str:
    """Break the line at every third space, as a scanned page does."""
    words = text.split(" ")
    return "".join(w + ("\n" if i % 3 == 2 else " ") for i, w in enumerate(words)).rstrip()


def expect(guess: DeadlineGuess | None, source: str) -> DeadlineGuess:
    assert guess is not None, f"no deadline found in {source!r}"
    assert source[guess.start : guess.end] == guess.text
    return guess


def read(text: str, doc_date: date | None = DOC_2024) -> DeadlineGuess:
    return expect(find_deadline(text, doc_date), text)


# fmt: off
# (text, document date, due date, phrase as written)
DATE_FORMS = [
    ("Trình ban hành trước ngày 04/02/2023 để triển khai.", DOC_2023, date(2023, 2, 4),
     "trước ngày 04/02/2023"),
    ("Báo cáo trước ngày 4/2/2023.", DOC_2023, date(2023, 2, 4), "trước ngày 4/2/2023"),
    ("Gửi Sở chậm nhất ngày 15/3/2024.", DOC_2024, date(2024, 3, 15), "chậm nhất ngày 15/3/2024"),
    ("Phải hoàn thành trước 30/6/2024.", DOC_2024, date(2024, 6, 30),
     "hoàn thành trước 30/6/2024"),
    ("Trình UBND tỉnh trước ngày 15 tháng 3 năm 2024.", DOC_2024, date(2024, 3, 15),
     "trước ngày 15 tháng 3 năm 2024"),
    ("Thời gian hoàn thành trước ngày 04/2/2022.", DOC_2023, date(2022, 2, 4),
     "Thời gian hoàn thành trước ngày 04/2/2022"),
    ("Xây dựng xong trước ngày 10/5/2024.", DOC_2024, date(2024, 5, 10),
     "xong trước ngày 10/5/2024"),
    ("Hạn chót ngày 20/4/2024.", DOC_2024, date(2024, 4, 20), "Hạn chót ngày 20/4/2024"),
    ("Gửi về Văn phòng trước 17 giờ ngày 29/3/2024.", DOC_2024, date(2024, 3, 29),
     "trước 17 giờ ngày 29/3/2024"),
    ("Thời hạn: 30/9/2024.", DOC_2024, date(2024, 9, 30), "Thời hạn: 30/9/2024"),
    ("Báo cáo kết quả về Sở trước ngày 30.6.2024.", DOC_2024, date(2024, 6, 30),
     "trước ngày 30.6.2024"),
]

# (text, document date, due date, period start, phrase)
PERIOD_FORMS = [
    ("Hoàn thiện quy chế trong tháng 6/2024.", DOC_2024, date(2024, 6, 30), date(2024, 6, 1),
     "trong tháng 6/2024"),
    ("Ban hành trong tháng 6 năm 2024.", DOC_2024, date(2024, 6, 30), date(2024, 6, 1),
     "trong tháng 6 năm 2024"),
    ("Triển khai trong quý II/2024.", DOC_2024, date(2024, 6, 30), date(2024, 4, 1),
     "trong quý II/2024"),
    ("Đưa vào vận hành trong quý II năm 2024.", DOC_2024, date(2024, 6, 30), date(2024, 4, 1),
     "trong quý II năm 2024"),
    ("Hoàn thành quý IV/2024.", DOC_2024, date(2024, 12, 31), date(2024, 10, 1),
     "Hoàn thành quý IV/2024"),
    ("Triển khai trong 6 tháng đầu năm 2024.", DOC_2024, date(2024, 6, 30), date(2024, 1, 1),
     "trong 6 tháng đầu năm 2024"),
    ("Các nhiệm vụ được giao thực hiện trong 6 tháng cuối năm 2024.", DOC_2024,
     date(2024, 12, 31), date(2024, 7, 1), "trong 6 tháng cuối năm 2024"),
    ("Số hóa hồ sơ trong năm 2024.", DOC_2024, date(2024, 12, 31), date(2024, 1, 1),
     "trong năm 2024"),
    ("Hoàn thành cơ sở dữ liệu đất đai vào cuối năm 2026, để liên thông.", date(2025, 5, 28),
     date(2026, 12, 31), date(2026, 1, 1), "vào cuối năm 2026"),
    ("Đưa hệ thống vào sử dụng cuối năm 2026.", DOC_2024, date(2026, 12, 31), date(2026, 1, 1),
     "cuối năm 2026"),
    ("Phấn đấu hoàn thành trong năm 2025.", DOC_2024, date(2025, 12, 31), date(2025, 1, 1),
     "hoàn thành trong năm 2025"),
    ("Thời gian thực hiện: từ ngày 1/4/2024 đến ngày 30/6/2024.", DOC_2024, date(2024, 6, 30),
     date(2024, 4, 1), "Thời gian thực hiện: từ ngày 1/4/2024 đến ngày 30/6/2024"),
    ("Xây dựng kế hoạch chuyển đổi số, quý III/2024.", DOC_2024, date(2024, 9, 30),
     date(2024, 7, 1), "quý III/2024"),
]

RECURRENCE_FORMS = [
    ("Báo cáo kết quả hàng tháng.", Recurrence.MONTHLY, "hàng tháng"),
    ("Báo cáo tiến độ hằng tháng về Sở.", Recurrence.MONTHLY, "hằng tháng"),
    ("Cập nhật số liệu hàng quý.", Recurrence.QUARTERLY, "hàng quý"),
    ("Tổng hợp báo cáo hằng quý.", Recurrence.QUARTERLY, "hằng quý"),
    ("Có kế hoạch cụ thể, đánh giá định kỳ hàng quý để bảo đảm tiến độ.",
     Recurrence.QUARTERLY, "định kỳ hàng quý"),
    ("Theo dõi, báo cáo tại giao ban hàng quý.", Recurrence.QUARTERLY, "hàng quý"),
    ("Gửi báo cáo 6 tháng về UBND tỉnh.", Recurrence.HALF_YEARLY, "6 tháng"),
    ("Tổ chức đánh giá định kỳ 6 tháng.", Recurrence.HALF_YEARLY, "định kỳ 6 tháng"),
    ("Sơ kết hằng 6 tháng.", Recurrence.HALF_YEARLY, "hằng 6 tháng"),
    ("Tổ chức đánh giá hàng năm.", Recurrence.YEARLY, "hàng năm"),
    ("Rà soát, cập nhật danh mục hằng năm.", Recurrence.YEARLY, "hằng năm"),
]

ONGOING_FORMS = [
    ("Thường xuyên rà soát, cập nhật các quy định của Trung ương.", "Thường xuyên"),
    ("Tham mưu UBND tỉnh; thường xuyên rà soát, cập nhật các quy định.", "thường xuyên"),
    ("Tiếp tục tuyên truyền, triển khai các giải pháp tăng tỷ lệ hồ sơ trực tuyến trong năm.",
     "Tiếp tục"),
    ("- Tiếp tục đẩy mạnh kết nối, liên thông hệ thống.", "Tiếp tục"),
    ("Đồng chí Bí thư yêu cầu tiếp tục quán triệt các văn bản chỉ đạo.", "tiếp tục"),
    ("Cập nhật dữ liệu hằng ngày lên hệ thống.", "hằng ngày"),
]
# fmt: on


@pytest.mark.parametrize(("text", "doc_date", "due", "phrase"), DATE_FORMS)
def test_date_forms(text: str, doc_date: date, due: date, phrase: str) -> None:
    guess = expect(find_deadline(text, doc_date), text)
    assert (guess.kind, guess.date, guess.text) == (DeadlineKind.DATE, due, phrase)
    assert guess.recurrence is None and not guess.ongoing


@pytest.mark.parametrize(("text", "doc_date", "due", "first", "phrase"), PERIOD_FORMS)
def test_period_forms(text: str, doc_date: date, due: date, first: date, phrase: str) -> None:
    guess = expect(find_deadline(text, doc_date), text)
    assert (guess.kind, guess.date, guess.period_start, guess.text) == (
        DeadlineKind.PERIOD,
        due,
        first,
        phrase,
    )


@pytest.mark.parametrize(("text", "recurrence", "phrase"), RECURRENCE_FORMS)
def test_recurrences(text: str, recurrence: Recurrence, phrase: str) -> None:
    guess = expect(find_deadline(text, DOC_2024), text)
    assert (guess.kind, guess.recurrence, guess.text) == (
        DeadlineKind.RECURRING,
        recurrence,
        phrase,
    )
    assert guess.date is None


@pytest.mark.parametrize(("text", "phrase"), ONGOING_FORMS)
def test_ongoing(text: str, phrase: str) -> None:
    guess = expect(find_deadline(text, DOC_2024), text)
    assert (guess.kind, guess.ongoing, guess.text) == (DeadlineKind.ONGOING, True, phrase)


# "<đơn vị> ... tiếp tục <verb>": the continuing work of a unit standing as the subject.
# Unit names are read by their shape (units_match): "Liên đoàn Lao động tỉnh" is not one yet.
SUBJECT_CONTINUES = [
    "Sở Giáo dục và Đào tạo tiếp tục triển khai học bạ số tại các trường trung học.",
    "Giao Sở Công Thương tiếp tục hỗ trợ hợp tác xã đưa sản phẩm lên sàn thương mại điện tử.",
    "Giám đốc Sở Tư pháp tiếp tục chỉ đạo số hóa sổ hộ tịch.",
    "Phó Chủ tịch UBND huyện Bình Sơn tiếp tục theo dõi việc cấp chữ ký số cho cán bộ xã.",
    "Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các sở, ngành trong thời gian tới tiếp tục rà soát "
    "quy trình nội bộ.",
    "Trưởng ban đề nghị Hội Nông dân tỉnh, trên cơ sở chức năng của mình tiếp tục vận "
    "động hội viên cài đặt ứng dụng.",
    "Đồng thời, các thành viên Tổ công tác, căn cứ nhiệm vụ được phân công tiếp tục hướng dẫn "
    "người dân.",
    "Giao Sở Nội vụ chủ trì, phối hợp với Ban Dân tộc tỉnh tiếp tục cập nhật cơ sở dữ liệu cán bộ.",
    "Bảo hiểm xã hội tỉnh phối hợp chặt chẽ với Sở Y tế tiếp tục mở rộng khám bệnh bằng căn cước.",
    "Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công) tiếp tục theo dõi hồ sơ trễ hạn.",
]
NOT_SUBJECT_CONTINUES = [
    "Sở Giáo dục và Đào tạo đã tiếp tục triển khai học bạ số.",  # narrative
    "Hỗ trợ các hợp tác xã để tiếp tục đưa sản phẩm lên sàn.",  # a purpose
    "Tỷ lệ thanh toán không dùng tiền mặt trên địa bàn tiếp tục tăng.",  # no unit
    "Số hồ sơ trực tuyến của Sở Tư pháp tiếp tục tăng so với năm trước.",  # a complement
    "Tạo điều kiện cho các doanh nghiệp tiếp tục mở rộng sản xuất.",  # an object
    "Sở Tài chính lập phương án tiếp tục đầu tư trung tâm dữ liệu.",  # after another verb
    "UBND huyện Tư Nghĩa tiếp tục được đánh giá cao về cải cách hành chính.",  # a state
    "Sở Nội vụ chưa tiếp tục triển khai phần mềm.",  # negated
]


@pytest.mark.parametrize("text", SUBJECT_CONTINUES)
def test_a_units_continuing_work_is_ongoing(text: str) -> None:
    for variant in (text, strip_marks(text), break_lines(text), one_to_l(strip_marks(text))):
        guess = expect(find_deadline(variant, DOC_2024), variant)
        assert (guess.kind, guess.ongoing) == (DeadlineKind.ONGOING, True), variant
        assert strip_marks(guess.text).replace("\n", " ") == "tiep tuc"


@pytest.mark.parametrize("text", NOT_SUBJECT_CONTINUES)
def test_tiep_tuc_outside_a_units_directive_is_not_ongoing(text: str) -> None:
    for variant in (text, strip_marks(text)):
        assert find_deadline(variant, DOC_2024) is None, variant


def test_a_units_continuing_work_gives_way_to_a_date() -> None:
    text = "Sở Tư pháp tiếp tục số hóa sổ hộ tịch, hoàn thành trước ngày 30/9/2024."
    assert read(text).date == date(2024, 9, 30)


DEGRADERS = {
    "no diacritics": strip_marks,
    "1 read as l": one_to_l,
    "đ read as d": lambda t: t.replace("đ", "d").replace("Đ", "D"),
    "broken lines": break_lines,
    "all at once": lambda t: break_lines(one_to_l(strip_marks(t))),
}


@pytest.mark.parametrize("degrade", DEGRADERS.values(), ids=list(DEGRADERS))
@pytest.mark.parametrize(
    ("text", "doc_date"),
    [(t, d) for t, d, *_ in DATE_FORMS + PERIOD_FORMS]
    + [(t, DOC_2024) for t, *_ in RECURRENCE_FORMS + ONGOING_FORMS],
)
def test_degraded_text_reads_like_clean_text(text: str, doc_date: date, degrade) -> None:
    clean = expect(find_deadline(text, doc_date), text)
    damaged = degrade(text)
    guess = expect(find_deadline(damaged, doc_date), damaged)
    assert (guess.kind, guess.date, guess.period_start, guess.recurrence) == (
        clean.kind,
        clean.date,
        clean.period_start,
        clean.recurrence,
    )


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("truoc ngay 04/02/2023", date(2023, 2, 4)),
        ("truoc ngay 04 / 02 / 2023", date(2023, 2, 4)),
        ("truoc ngay 0 4/02/2023", date(2023, 2, 4)),
        ("truoc ngay l/2/2023", date(2023, 2, 1)),
        ("truoc ngay I/2/2023", date(2023, 2, 1)),
        ("trước ngày l5/3/2O23", date(2023, 3, 15)),
        ("trước\nngày 04/02/\n2023", date(2023, 2, 4)),
        ("truóc ngáy 04/02/2023", date(2023, 2, 4)),  # OCR put the wrong tones
        ("cham nhat ngay 15 thang 3 nam 2023", date(2023, 3, 15)),
        ("trước ngày04/02/2023", date(2023, 2, 4)),
    ],
)
def test_ocr_damage_in_dates(text: str, due: date) -> None:
    guess = expect(find_deadline(text, DOC_2023), text)
    assert guess.date == due


def test_degraded_periods_and_recurrences() -> None:
    assert read("6 thang dau nam 2024").date == date(2024, 6, 30)
    assert read("hang quy", DOC_2024).recurrence is Recurrence.QUARTERLY
    assert read("trong quy ll/2024", DOC_2024).date == date(2024, 6, 30)
    assert read("thuong xuyen ra soat", DOC_2024).ongoing


def test_a_date_without_year_takes_the_documents_year() -> None:
    guess = read("Báo cáo trước ngày 15/3.", date(2024, 1, 10))
    assert guess.date == date(2024, 3, 15)
    assert guess.text == "trước ngày 15/3"
    assert read("trong tháng 6", date(2024, 1, 10)).date == date(2024, 6, 30)
    assert read("trong quý II", date(2025, 1, 10)).date == date(2025, 6, 30)
    assert read("trong 6 tháng cuối năm", DOC_2024).date == date(2024, 12, 31)


def test_a_date_without_year_and_no_document_date_is_no_deadline() -> None:
    assert find_deadline("Báo cáo trước ngày 15/3.", None) is None
    assert read("Báo cáo trước ngày 15/3/2024.", None).date == date(2024, 3, 15)


def test_this_year_without_its_number() -> None:
    # "trong năm nay" names the year; "hoàn thành trong năm" asks for it to be done within
    # the document's year, as "cuối năm" does.
    for text in (
        "Phấn đấu hoàn thành trong năm nay.",
        "Đưa vào sử dụng trong năm nay.",
        "Số hóa sổ hộ tịch, hoàn thành trong năm.",
        "Thời hạn: trong năm.",
    ):
        guess = read(text, date(2025, 2, 10))
        assert (guess.kind, guess.date, guess.period_start) == (
            DeadlineKind.PERIOD,
            date(2025, 12, 31),
            date(2025, 1, 1),
        ), text
    assert read("Phấn đấu hoàn thành trong năm nay.").text == "hoàn thành trong năm nay"


@pytest.mark.parametrize(
    "text",
    [
        # A bare "trong năm" says when the work happens, not when it is due.
        "Tăng tỷ lệ hồ sơ trực tuyến trong năm.",
        "Trong năm nay, tỉnh đã đưa vào sử dụng kho dữ liệu dùng chung.",
        "Sở đã hoàn thành trong năm nay việc số hóa hồ sơ.",
        "Hoàn thành trong năm học 2024 - 2025.",
        "Hoàn thành trong năm đầu của giai đoạn.",
        "Tổ chức hội nghị tổng kết năm.",
    ],
)
def test_trong_nam_without_a_completion_cue_is_no_deadline(text: str) -> None:
    assert find_deadline(text, DOC_2024) is None


def test_trong_nam_with_continuing_work_stays_ongoing() -> None:
    guess = read("Tiếp tục hướng dẫn người dân nộp hồ sơ trực tuyến, tăng tỷ lệ trong năm.")
    assert (guess.kind, guess.text) == (DeadlineKind.ONGOING, "Tiếp tục")


def test_this_year_needs_the_documents_date() -> None:
    assert find_deadline("Hoàn thành trong năm nay.", None) is None
    assert find_deadline("Hoàn thành trong năm.", None) is None


def test_a_deadline_before_the_document_is_kept_as_written() -> None:
    text = (
        "Khẩn trương rà soát, tổng hợp báo cáo Chủ tịch UBND tỉnh. "
        "Thời gian hoàn thành trước ngày 04/2/2022."
    )
    guess = expect(find_deadline(text, DOC_2023), text)
    assert guess.date == date(2022, 2, 4)


@pytest.mark.parametrize(
    "text",
    [
        "theo Nghị định số 181/2024/NĐ-CP ngày 31/12/2024 của Chính phủ",
        "thành lập tại Quyết định số 1742/QĐ-UBND ngày 08/11/2021 của Chủ tịch UBND tỉnh",
        "bám sát Kế hoạch số 189/KH-UBND ngày 09/12/2022 của UBND tỉnh",
        "theo chỉ đạo tại Công văn số 167/UBND-KGVX ngày 12/01/2023",
        "đã được chấn chỉnh tại Thông báo kết luận số 89/TB-UBND ngày 16/3/2021",
        "triển khai Nghị quyết số 57-NQ/TW, ngày 22/12/2024 của Bộ Chính trị",
        "Ngày 31/01/2023, Chủ tịch UBND tỉnh Đặng Văn Minh chủ trì cuộc họp",
        "Phiên họp diễn ra vào chiều 28/5.",
        "Trong năm 2022, thực hiện chỉ đạo của Chính phủ, UBND tỉnh đã ban hành nhiều văn bản.",
        "công tác chuyển đổi số năm 2022 đã có nhiều chuyển biến tích cực",
        "Chuyển đổi số tỉnh Quảng Ngãi đến năm 2025, định hướng đến năm 2030",
        "Tỉnh phấn đấu năm 2025 đạt 100% hồ sơ trực tuyến",
        "Trong năm 2023, về chủ trương thống nhất bố trí khoảng 100 tỷ đồng",
        "đánh giá kết quả thực hiện Quyết định 1982 và 6 tháng đầu năm 2024, phương hướng",
        "UBND tỉnh đã thường xuyên, định kỳ và đột xuất tổ chức họp",
        "tổng hợp số liệu tính đến ngày 31/12/2023",
        "đạt 18/54 thủ tục, đã triển khai 11/21 nhiệm vụ",
        "Sở đã hoàn thành trước ngày 30/6/2023 việc số hóa hồ sơ",
        "bố trí từ nguồn chi thường xuyên của ngân sách",
        "có kế hoạch, phương án để tiếp tục đầu tư nâng cấp",
    ],
)
def test_not_deadlines(text: str) -> None:
    assert find_deadline(text, date(2024, 3, 25)) is None, find_deadline(text, date(2024, 3, 25))


def test_citation_dates_are_skipped_for_the_real_deadline() -> None:
    text = (
        "Tham mưu triển khai Kế hoạch số 189/KH-UBND ngày 09/12/2022 của UBND tỉnh, "
        "trình ban hành trước ngày 15/3/2023."
    )
    guess = expect(find_deadline(text, DOC_2023), text)
    assert guess.date == date(2023, 3, 15)


def test_explicit_cues_beat_periods_recurrences_and_ongoing_work() -> None:
    text = (
        "Thường xuyên rà soát, báo cáo hằng quý; trong năm 2024 xây dựng kho dữ liệu, "
        "hoàn thành trước ngày 30/9/2024."
    )
    guess = expect(find_deadline(text, DOC_2024), text)
    assert (guess.kind, guess.date) == (DeadlineKind.DATE, date(2024, 9, 30))
    assert [g.text for g in find_deadlines(text, DOC_2024)] == [
        "Thường xuyên",
        "hằng quý",
        "trong năm 2024",
        "hoàn thành trước ngày 30/9/2024",
    ]
    assert read("Tiếp tục rà soát, báo cáo hằng quý.", DOC_2024).recurrence is (
        Recurrence.QUARTERLY
    )


def test_the_final_step_is_the_tasks_deadline() -> None:
    text = "Trình UBND tỉnh trước ngày 15/4/2024; ban hành trước ngày 30/4/2024."
    assert read(text, DOC_2024).date == date(2024, 4, 30)


def test_a_yearless_date_before_a_recurrence_is_its_due_day() -> None:
    guess = read("Báo cáo kết quả trước ngày 15/12 hằng năm.")
    assert (guess.kind, guess.recurrence, guess.text) == (
        DeadlineKind.RECURRING,
        Recurrence.YEARLY,
        "hằng năm",
    )
    assert read("Gửi báo cáo trước ngày 20 hằng tháng.").recurrence is Recurrence.MONTHLY


def test_completion_headings_with_a_colon() -> None:
    assert read("Thời gian thực hiện: Quý II/2024.").date == date(2024, 6, 30)
    assert read("Thời gian: Năm 2024.").date == date(2024, 12, 31)
    assert read("Thời hạn hoàn thành: tháng 9/2024").date == date(2024, 9, 30)
    assert read("Phấn đấu từ nay đến cuối năm hoàn thành").date == date(2024, 12, 31)


def test_before_a_period_is_the_day_before_it_starts() -> None:
    assert read("hoàn thành trước quý III/2024", DOC_2024).date == date(2024, 6, 30)
    assert read("trước tháng 7/2024", DOC_2024).date == date(2024, 6, 30)
    assert read("trước cuối năm 2024", DOC_2024).date == date(2024, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        "trước ngày 31/02/2024",
        "trước ngày 32/1/2024",
        "trước ngày 15/13/2024",
        "trước ngày 15/3/1890",
        "trước ngày 15/3/2150",
        "trong quý V/2024",
        "trong tháng 13/2024",
    ],
)
def test_invalid_dates_are_not_deadlines(text: str) -> None:
    assert find_deadline(text, DOC_2024) is None


def test_an_invalid_date_gives_way_to_the_next_candidate() -> None:
    text = "Trình trước ngày 31/02/2024, triển khai trong quý II/2024."
    assert read(text, DOC_2024).date == date(2024, 6, 30)


def test_offsets_point_into_the_original_text() -> None:
    text = "- Khẩn trương hoàn thiện Kế hoạch, trình  xem xét ban hành trước\n ngày 04/02/2023 để triển khai."
    guess = expect(find_deadline(text, DOC_2023), text)
    assert guess.text == "trước\n ngày 04/02/2023"
    assert text.index("trước") == guess.start
    decomposed = unicodedata.normalize("NFD", "Báo cáo hằng quý và chậm nhất ngày 15/3/2024.")
    guess = expect(find_deadline(decomposed, DOC_2024), decomposed)
    assert unicodedata.normalize("NFC", guess.text) == "chậm nhất ngày 15/3/2024"


@pytest.mark.parametrize(
    "text",
    [
        "Khẩn trương hoàn thiện Kế hoạch hoạt động.",
        "Tham mưu chỉ đạo khắc phục ngay các tồn tại, hạn chế.",
        "Triển khai ngay.",
        "Yêu cầu báo cáo ngay lập tức.",
        "Kịp thời rà soát, xây dựng và tham mưu UBND tỉnh.",
        "Xử lý khẩn cấp sự cố.",
        "khan truong hoan thien ke hoach",
        "khac phuc ngay cac ton tai",
        "Đề nghị sớm hoàn thành việc cấp chữ ký số.",
        "Báo cáo ngay trong ngày.",
    ],
)
def test_urgent(text: str) -> None:
    assert find_urgency(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ngay từ đầu năm 2023 cần chấn chỉnh kỷ luật, kỷ cương hành chính.",
        "Trình trước ngày 04/02/2023.",
        "truoc ngay 04/02/2023",
        "Ngày 31/01/2023, Chủ tịch chủ trì cuộc họp.",
        "ngay 31/01/2023, chu tich chu tri cuoc hop",
        "việc cung cấp dữ liệu chưa được thực hiện kịp thời",
        "UBND tỉnh đã ban hành kịp thời nhiều văn bản",
        "bảo đảm tính kịp thời của dữ liệu",
        "công tác triển khai chưa khẩn trương",
        "ngay cả cấp xã cũng phải thực hiện",
        "trong 5 ngay lam viec",
        "hoàn thành sớm hơn dự kiến",
        "",
    ],
)
def test_not_urgent(text: str) -> None:
    assert not find_urgency(text)


@pytest.mark.parametrize(
    "text",
    [
        "Công an tỉnh khẩn trương hoàn thành kết nối dữ liệu dân cư.",
        "Đề nghị Bảo hiểm xã hội tỉnh kịp thời hướng dẫn các cơ sở khám bệnh.",
        "Ban Quản lý di tích lịch sử khẩn trương số hóa hiện vật.",
    ],
)
def test_urgency_after_a_province_or_history_word(text: str) -> None:
    # "tỉnh" and "sử" fold like "tính" and "sự", which make a quality ("tính kịp thời").
    assert find_urgency(text)
    assert find_urgency(strip_marks(text))


@pytest.mark.parametrize(
    "text",
    ["Nâng cao tính khẩn trương trong giải quyết hồ sơ.", "Thiếu sự kịp thời trong báo cáo."],
)
def test_a_quality_named_is_not_urgency(text: str) -> None:
    assert not find_urgency(text)
    assert not find_urgency(strip_marks(text))


# fmt: off
VOCABULARY = [
    "trước", "ngày", "truoc", "ngay", "chậm nhất", "hoàn thành", "thời hạn", ":", ",", ".",
    "tháng", "quý", "năm", "II", "IV", "l", "I", "6", "tháng đầu năm", "cuối", "hằng", "hàng",
    "định kỳ", "thường xuyên", "tiếp tục", "đã", "số", "/", "-", "04/02/2023", "15/3",
    "31/02/2024", "2024", "0", "1", "12", "31", "\n", "  ", "khẩn trương", "kịp thời", "từ",
    "đến", "vào", "trong", "QĐ-UBND", "Nghị định", "17 giờ", "(", ")", "ngày 15 tháng 3",
]
# fmt: on


@settings(max_examples=300, deadline=timedelta(seconds=2))
@given(
    st.one_of(
        st.text(max_size=400),
        st.lists(st.sampled_from(VOCABULARY), max_size=80).map(" ".join),
        st.lists(st.sampled_from(VOCABULARY), max_size=200).map("".join),
    ),
    st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))),
)
def test_any_text_is_read_without_crash_in_bounded_time(text: str, doc_date: date | None) -> None:
    started = time.perf_counter()
    guess = find_deadline(text, doc_date)
    everything = find_deadlines(text, doc_date)
    find_urgency(text)
    assert time.perf_counter() - started < 1.0
    if guess is not None:
        assert text[guess.start : guess.end] == guess.text
        assert guess in everything
        if guess.kind in (DeadlineKind.DATE, DeadlineKind.PERIOD):
            assert guess.date is not None and 1990 <= guess.date.year <= 2100


def test_long_hostile_text_stays_fast() -> None:
    for text in ("1/" * 20000, "trước " * 20000, "0 " * 20000, "quý i " * 10000, "đã " * 20000):
        started = time.perf_counter()
        find_deadline(text, DOC_2024)
        find_urgency(text)
        assert time.perf_counter() - started < 2.0
