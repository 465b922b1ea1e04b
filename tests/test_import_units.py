"""Units in notices: the OCR-aware folded view, names read by their shape, register matching."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsdesk.importing.units_match import (
    CHECK_SCORE,
    SURE_SCORE,
    UnitIndex,
    find_unit_runs,
    fold_ocr,
    match_unit,
    normalize_unit_name,
    tokenize,
)
from cdsdesk.services.units import UnitInfo, list_units
from cdsdesk.storage.db import Register


def _unit(
    id: int,
    name: str,
    short: str = "",
    parent: int | None = None,
    *,
    active: bool = True,
    retired: date | None = None,
    merged_into: int | None = None,
) -> UnitInfo:
    return UnitInfo(id, parent, name, short, id, active, retired, merged_into)


UNITS = [
    _unit(1, "Ủy ban nhân dân tỉnh Quảng Nam", "UBND tỉnh"),
    _unit(2, "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", 1),
    _unit(
        3,
        "Sở Thông tin và Truyền thông",
        "Sở TT&TT",
        1,
        active=False,
        retired=date(2025, 3, 1),
        merged_into=4,
    ),
    _unit(4, "Sở Khoa học và Công nghệ", "Sở KH&CN", 1),
    _unit(
        5,
        "Sở Kế hoạch và Đầu tư",
        "Sở KH&ĐT",
        1,
        active=False,
        retired=date(2025, 3, 1),
        merged_into=6,
    ),
    _unit(6, "Sở Tài chính", "", 1),
    _unit(7, "Sở Nông nghiệp và Môi trường", "Sở NN&MT", 1),
    _unit(8, "Phòng Quản lý Công nghệ và Chuyên ngành", "Phòng QLCN", 4),
    _unit(9, "Phòng Hành chính - Tổng hợp", "Phòng HC-TH", 4),
    _unit(10, "Ủy ban nhân dân tỉnh Kon Tum", "UBND tỉnh Kon Tum"),
    _unit(11, "Sở Tài chính tỉnh Kon Tum", "", 10),
    _unit(12, "Tổ Chuyển đổi số của Sở", "Tổ CĐS", 4),
    _unit(13, "Hội đồng nhân dân tỉnh Quảng Nam", "HĐND tỉnh"),
]


# ---------------------------------------------------------------------------
# The folded view
# ---------------------------------------------------------------------------


def test_fold_ocr_repairs_ocr_and_keeps_offsets() -> None:
    assert fold_ocr("Phòng Quản 1ý Công nghệ") == "phong quan ly cong nghe"
    assert fold_ocr("Tổ CPS của Sở, Tổ CBS") == "to cds cua so, to cds"
    assert fold_ocr("Trung tâm I0C ngày 04/02/2023, 1.523 hồ sơ") == (
        "trung tam ioc ngay 04/02/2023, 1.523 ho so"
    )
    assert fold_ocr("ĐẢNG ỦY Đoàn") == "dang uy doan"


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_fold_ocr_has_the_length_of_its_nfc_input(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    assert len(fold_ocr(nfc)) == len(nfc)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("UBND tỉnh", "uy ban nhan dan tinh"),
        ("Sở TT&TT", "so thong tin va truyen thong"),
        ("Sở TTTT", "so thong tin va truyen thong"),
        ("Sở KH&CN", "so khoa hoc va cong nghe"),
        ("Sở KH & ĐT", "so ke hoach va dau tu"),
        ("Sở NN&MT", "so nong nghiep va moi truong"),
        ("VP UBND tỉnh", "van phong uy ban nhan dan tinh"),
        ("VPUB tỉnh", "van phong uy ban nhan dan tinh"),
        ("Thường trực HĐND", "thuong truc hoi dong nhan dan"),
        ("Tổ CĐS", "to chuyen doi so"),
        ("Tổ CPS", "to chuyen doi so"),
        ("BCĐ tỉnh", "ban chi dao tinh"),
        ("Phòng Hành chính - Tổng hợp", "phong hanh chinh tong hop"),
    ],
)
def test_abbreviations_are_spelt_out(written: str, normal: str) -> None:
    assert normalize_unit_name(written) == normal


# ---------------------------------------------------------------------------
# Matching to the register
# ---------------------------------------------------------------------------


def test_ocr_damaged_name_matches_with_a_high_score() -> None:
    match = match_unit("Phong Quan 1y Cong nghé va Chuyén nganh", UNITS)
    assert match.unit_id == 8
    assert match.matched_name == "Phòng Quản lý Công nghệ và Chuyên ngành"
    assert match.score >= SURE_SCORE and match.sure and match.confidence == "sure"


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("Văn phòng UBND tỉnh", 2),
        ("VP UBND tỉnh", 2),
        ("UBND tỉnh", 1),
        ("Sở KH&CN", 4),
        ("So Khoa hoc va Cong nghe", 4),
        ("Sở NN&MT", 7),
        ("Phòng HC-TH", 9),
        ("Phòng Hành chính – Tổng hợp", 9),
        ("Tổ chuyển đổi số của Sở", 12),
        ("Tổ CPS", 12),
        ("Sở Tài chính", 6),
    ],
)
def test_names_and_abbreviations_match(written: str, unit_id: int) -> None:
    assert match_unit(written, UNITS).unit_id == unit_id


def test_retired_unit_before_and_after_its_merger() -> None:
    before = match_unit("Sở Thông tin và Truyền thông", UNITS, on=date(2023, 2, 3))
    assert (before.unit_id, before.matched_name) == (3, "Sở Thông tin và Truyền thông")
    assert (before.successor_id, before.successor_name) == (4, "Sở Khoa học và Công nghệ")
    after = match_unit("Sở TT&TT", UNITS, on=date(2025, 6, 1))
    assert (after.unit_id, after.successor_id) == (4, 4)
    assert after.matched_name == "Sở Thông tin và Truyền thông"
    undated = match_unit("Sở Kế hoạch và Đầu tư", UNITS)
    assert (undated.unit_id, undated.successor_name) == (6, "Sở Tài chính")


def test_active_unit_preferred_over_a_retired_one_of_the_same_name() -> None:
    units = [
        _unit(1, "Phòng Văn hóa", active=False, retired=date(2024, 1, 1)),
        _unit(2, "Phòng Văn hóa"),
    ]
    assert match_unit("Phòng Văn hóa", units).unit_id == 2
    assert match_unit("Phòng Văn hóa", units, on=date(2023, 5, 1)).unit_id in (1, 2)


def test_hint_chooses_between_provinces() -> None:
    assert match_unit("Sở Tài chính", UNITS).unit_id == 6
    assert match_unit("Sở Tài chính", UNITS, hint="Kon Tum").unit_id == 11


@pytest.mark.parametrize("written", ["Sở Y tế", "Công an tỉnh", "Sở", ""])
def test_unknown_names_are_not_forced(written: str) -> None:
    match = match_unit(written, UNITS)
    assert match.unit_id is None and match.confidence == "unknown"
    assert match.score < CHECK_SCORE


def test_thresholds_order() -> None:
    assert 0 < CHECK_SCORE < SURE_SCORE <= 100
    index = UnitIndex(UNITS)
    near = index.match("Sở Khoa học Công nghệ tỉnh")
    assert near.unit_id == 4 and near.score >= CHECK_SCORE


def test_demo_register_units_match_the_samples(demo: Register) -> None:
    index = UnitIndex(list_units(demo))
    for written, expected in [
        ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("UBND các huyện, thị xã, thành phố", "Ủy ban nhân dân các huyện, thị xã, thành phố"),
        ("Phòng Hành chính - Tổng hợp", "Phòng Hành chính - Tổng hợp"),
        ("Các sở, ban, ngành, địa phương", "Các sở, ban, ngành, địa phương"),
        ("Trưởng các phòng, đơn vị thuộc Sở", "Các phòng, đơn vị thuộc Sở"),
    ]:
        match = index.match(written, hint="Quảng Ngãi")
        assert match.matched_name == expected and match.sure, (written, match)


# ---------------------------------------------------------------------------
# Unit names read by their shape
# ---------------------------------------------------------------------------


def _runs(text: str, case_ok: bool = True) -> list[list[str]]:
    tokens = tokenize(text)
    return [
        [text[r.start : r.end] for r in runs]
        for runs, _first, _after in find_unit_runs(tokens, case_ok=case_ok)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giao Sở Tài chính chủ trì", [["Sở Tài chính"]]),
        (
            "phối hợp với Sở Thông tin và Truyền thông, Sở Kế hoạch và Đầu tư, các cơ quan, "
            "đơn vị liên quan rà soát",
            [
                [
                    "Sở Thông tin và Truyền thông",
                    "Sở Kế hoạch và Đầu tư",
                    "các cơ quan, đơn vị liên quan",
                ]
            ],
        ),
        (
            "Văn phòng UBND tỉnh, UBND các huyện, thị xã, thành phố thực hiện",
            [["Văn phòng UBND tỉnh", "UBND các huyện, thị xã, thành phố"]],
        ),
        (
            "Phòng Hành chính - Tổng hợp và Tổ chuyển đổi số của Sở có trách nhiệm",
            [["Phòng Hành chính - Tổng hợp", "Tổ chuyển đổi số của Sở"]],
        ),
        (
            "Trưởng các phòng, đơn vị thuộc Sở chịu trách nhiệm",
            [["Trưởng các phòng, đơn vị thuộc Sở"]],
        ),
        ("Giao Sở Văn hóa, Thể thao và Du lịch chủ trì", [["Sở Văn hóa, Thể thao và Du lịch"]]),
        ("Sở Giao thông vận tải tại cuộc họp", [["Sở Giao thông vận tải"]]),
        ("Phòng Quản lý đô thị thì", [["Phòng Quản lý đô thị"]]),
        (
            "đề nghị các đồng chí thành viên Ban Chỉ đạo, trên cơ sở",
            [["các đồng chí thành viên Ban Chỉ đạo"]],
        ),
        ("Sở Khoa học và Công nghệ (KH&CN) đã tổ chức", [["Sở Khoa học và Công nghệ"]]),
        ("yêu cầu, thời gian tới, BCĐ rà soát", [["BCĐ"]]),
        (
            "Phong Quan 1y Cong nghé va Chuyén nganh khan truong",
            [["Phong Quan 1y Cong nghé va Chuyén nganh"]],
        ),
        (
            "Bảo hiểm xã hội tỉnh và Kho bạc Nhà nước tỉnh phối hợp",
            [["Bảo hiểm xã hội tỉnh", "Kho bạc Nhà nước tỉnh"]],
        ),
    ],
)
def test_unit_names_by_their_shape(text: str, expected: list[list[str]]) -> None:
    assert _runs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ban hành kế hoạch trong tháng 6",
        "Tổ chức tập huấn cho cán bộ",
        "Báo cáo kết quả thực hiện",
        "Bộ chỉ số đánh giá chuyển đổi số",
        "Số: 36/TB-UBND",
        "Số hóa hồ sơ",
        "Phong trào Bình dân học vụ số",
        "Quý II năm 2024",
        "Hội nghị chuyên đề",
        "theo Kế hoạch số 189/KH-UBND ngày 09/12/2022",
        "các nhiệm vụ, giải pháp",
    ],
)
def test_ordinary_words_are_not_units(text: str) -> None:
    assert _runs(text) == []


def test_register_names_are_recognised_without_a_keyword() -> None:
    index = UnitIndex([_unit(1, "Đội Kiểm tra liên ngành")])
    tokens = tokenize("Đội Kiểm tra liên ngành tổng hợp số liệu")
    runs = find_unit_runs(tokens, known=index.known)
    assert [[r.start for r in rs] for rs, _a, _b in runs] == [[0]]
    assert runs[0][0][0].end == len("Đội Kiểm tra liên ngành")
