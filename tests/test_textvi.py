"""Tests for cdsdesk.textvi: folding, Vietnamese collation, dates, Roman numerals."""

from __future__ import annotations

import random
import sqlite3
import unicodedata
from contextlib import closing
from datetime import date
from itertools import pairwise

import pytest

from cdsdesk.textvi import (
    date_in_words,
    fold,
    format_date,
    normalize_spaces,
    parse_date,
    parse_roman,
    place_and_date,
    quarter_roman,
    sort_key,
    vi_sorted,
)

VOWELS = "aăâeêioôơuưy"
TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
# Every precomposed Vietnamese vowel with every tone, both cases, plus đ/Đ.
VIETNAMESE_LETTERS = [
    unicodedata.normalize("NFC", v + t) for v in VOWELS + VOWELS.upper() for t in TONE_MARKS
] + ["đ", "Đ"]

SAMPLES = [
    "Chuyển Đổi  Số",
    "Sở Thông tin và Truyền thông tỉnh Quảng Ngãi",
    "Ủy ban nhân dân huyện Lý Sơn",
    "Kế hoạch số 123/KH-UBND ngày 05/12/2024",
    "NGƯỜI DÂN, DOANH NGHIỆP: ỨNG DỤNG VNeID",
    "Đảm bảo an toàn thông tin (ATTT) – cấp độ 3",
    "  khoảng\ttrắng\nxuống dòng  ",
    "",
]


def reference_fold(text: str) -> str:
    """The definition of fold, written naively."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("đ", "d").split())


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- fold -------------------------------------------------------------------


def test_fold_example() -> None:
    assert fold("Chuyển Đổi  Số") == "chuyen doi so"


def test_fold_d_with_stroke() -> None:
    assert fold("Đ") == "d"
    assert fold("đường Điện Biên Phủ") == "duong dien bien phu"


@pytest.mark.parametrize("letter", VIETNAMESE_LETTERS)
def test_fold_every_vietnamese_letter_is_one_ascii_letter(letter: str) -> None:
    folded = fold(letter)
    assert len(folded) == 1
    assert folded.isascii()
    assert folded.islower()
    assert folded == reference_fold(letter)


@pytest.mark.parametrize("text", SAMPLES)
def test_fold_matches_definition(text: str) -> None:
    assert fold(text) == reference_fold(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_fold_decomposed_input_folds_like_precomposed(text: str) -> None:
    assert nfd(text) != text or text.isascii()
    assert fold(nfd(text)) == fold(text)


def test_fold_random_vietnamese_strings_match_definition() -> None:
    rng = random.Random(20240331)
    alphabet = [*VIETNAMESE_LETTERS, *"bcdghklmnpqrstvx BCDGHKLMNPQRSTVX0123456789,.-()\t"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert fold(text) == reference_fold(text), text
        assert fold(nfd(text)) == fold(text), text


def test_fold_whitespace_is_collapsed_including_unicode_spaces() -> None:
    assert fold("  Hà\u00a0Nội \t\n  Việt\u2003Nam ") == "ha noi viet nam"
    assert fold(" \t\n ") == ""


def test_fold_other_latin_and_other_scripts() -> None:
    assert fold("Café Ñandú Über") == "cafe nandu uber"
    assert fold("ĐÀ Ð ð") == "da d d"  # look-alike eth is folded like đ
    assert fold("Привет МИР") == "привет мир"
    assert fold("北京 Ω") == "北京 ω"


def test_fold_makes_search_diacritic_insensitive() -> None:
    haystack = fold("Triển khai Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh")
    assert fold("NEN TANG") in haystack
    assert fold("dữ liệu") in haystack
    assert fold("dữ liêu") in haystack
    assert fold("dịch vụ") not in haystack


# --- sort_key ---------------------------------------------------------------


def test_sort_key_provinces() -> None:
    names = [
        "Đà Nẵng", "Bình Định", "An Giang", "Ăn", "Âu",
        "Cà Mau", "Dak Lak", "Hà Nội", "Hà Giang", "hà nam",
    ]  # fmt: skip
    assert sorted(names, key=sort_key) == [
        "An Giang", "Ăn", "Âu", "Bình Định", "Cà Mau",
        "Dak Lak", "Đà Nẵng", "Hà Giang", "hà nam", "Hà Nội",
    ]  # fmt: skip


def assert_strictly_increasing(words: list[str]) -> None:
    keys = [sort_key(w) for w in words]
    for (a, key_a), (b, key_b) in pairwise(zip(words, keys, strict=True)):
        assert key_a < key_b, f"{a!r} should sort before {b!r}"
    shuffled = list(reversed(words))
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == words


@pytest.mark.parametrize(
    "words",
    [
        ["ma", "mà", "mả", "mã", "má", "mạ"],
        ["o", "ô", "ơ", "p"],
        ["u", "ư", "v"],
        ["an", "ăn", "ân", "bà"],
        ["ca", "cha", "co"],
        ["d", "dz", "đ", "đa", "e"],
        ["e", "ê", "f", "g"],
        ["i", "j", "k"],
        ["v", "w", "x", "y", "z"],
        ["Sở Tài chính", "Sở Thông tin và Truyền thông", "Sở Tư pháp"],
        ["an", "an giang", "ang", "anh"],
        ["ngà", "ngả", "nghe", "nghé", "ngõ", "nhà"],
        ["tra", "trà", "trả", "trưa", "tu", "tư", "tử"],
        ["ặ", "ầ", "ấ"],
    ],
)
def test_sort_key_vietnamese_order(words: list[str]) -> None:
    assert_strictly_increasing(words)


def test_sort_key_primary_beats_tone_and_tone_beats_case() -> None:
    # primary (letters) first
    assert sort_key("bạ") < sort_key("bb")
    assert sort_key("Hà Nội") < sort_key("ha nui")
    # then tone
    assert sort_key("BA") < sort_key("bà")
    assert sort_key("Mả") < sort_key("mã")
    # then case, lowercase first
    assert_strictly_increasing(["a", "A", "à", "À"])
    assert_strictly_increasing(["ab", "aB", "Ab", "AB"])
    assert sort_key("hà nội") < sort_key("Hà Nội") < sort_key("HÀ NỘI")


def test_sort_key_space_punctuation_digits_letters() -> None:
    assert_strictly_increasing(["a", "a b", "a-b", "a1", "a9", "aa"])
    assert_strictly_increasing(["(1)", "1", "10", "2", "A", "Z", "Ω"])


def test_sort_key_ignores_extra_whitespace_and_invisible_characters() -> None:
    assert sort_key("  Hà\t Nội\n") == sort_key("Hà Nội")
    assert sort_key("Hà\u00a0Nội") == sort_key("Hà Nội")
    assert sort_key("Hà\u200bNội\x07") == sort_key("HàNội")


def test_sort_key_distinguishes_different_texts() -> None:
    words = ["ha", "Ha", "hà", "hả", "hã", "há", "hạ", "hă", "hâ", "ha!", "ha.", "ha 1", "hạ1"]
    assert len({sort_key(w) for w in words}) == len(words)


@pytest.mark.parametrize("text", [*SAMPLES, *VIETNAMESE_LETTERS, "Ủy ban", "thuở", "Ngữ"])
def test_sort_key_decomposed_input_gives_same_key(text: str) -> None:
    assert sort_key(nfd(text)) == sort_key(text)


def test_sort_key_decomposed_input_random() -> None:
    rng = random.Random(12345)
    alphabet = [*VIETNAMESE_LETTERS, *"bcdfghjklmnpqrstvwxzBCDGH0123456789 ,.-/"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert sort_key(nfd(text)) == sort_key(text), text


def test_sort_key_marks_in_any_order() -> None:
    # "ặ" written as a + breve + dot below and as a + dot below + breve
    assert sort_key("a\u0306\u0323") == sort_key("a\u0323\u0306") == sort_key("ặ")


def test_sort_key_other_marks_and_scripts_stay_ordered() -> None:
    assert_strictly_increasing(["u", "ü", "ư", "v"])
    assert_strictly_increasing(["z", "ß", "ω", "北"])
    assert sort_key("ç") != sort_key("c")


@pytest.mark.parametrize(
    "text",
    ["", "a\x00b", "\x00", "Hà\x00Nội", "\udc80lone surrogate", "\u0301 leading mark", "北京"],
)
def test_sort_key_is_storable(text: str) -> None:
    key = sort_key(text)
    assert "\x00" not in key
    key.encode("utf-8")  # no lone surrogates


def test_sort_key_has_three_levels() -> None:
    key = sort_key("Hà Nội")
    assert key.count("\x01") == 2
    assert all(ch >= " " for ch in key.replace("\x01", ""))


def test_sort_key_orders_the_same_in_sqlite() -> None:
    words = [
        "Đà Nẵng", "Bình Định", "An Giang", "Ăn", "Âu", "Cà Mau", "Dak Lak", "Hà Nội",
        "Hà Giang", "hà nam", "ma", "mà", "mả", "mã", "má", "mạ", "MA", "Mạ", "a b", "a1",
        "Ω", "ü", "10", "(1)", "Sở Tư pháp", "Sở Tài chính",
    ]  # fmt: skip
    with closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE t (name TEXT, k TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(w, sort_key(w)) for w in words])
        stored = [row[0] for row in db.execute("SELECT name FROM t ORDER BY k")]
        round_trip = {row[0]: row[1] for row in db.execute("SELECT name, k FROM t")}
    assert stored == sorted(words, key=sort_key)
    assert all(round_trip[w] == sort_key(w) for w in words)


# --- vi_sorted --------------------------------------------------------------


def test_vi_sorted_strings() -> None:
    source = ("Hà Nội", "Đà Nẵng", "Dak Lak", "Ăn", "An Giang")
    result = vi_sorted(w for w in source)
    assert result == ["An Giang", "Ăn", "Dak Lak", "Đà Nẵng", "Hà Nội"]
    assert isinstance(result, list)


def test_vi_sorted_with_key_is_stable() -> None:
    units = [(1, "Sở Tư pháp"), (2, "Sở Tài chính"), (3, "sở tài chính"), (4, "Sở Tài chính")]
    result = vi_sorted(units, key=lambda unit: unit[1])
    assert [u[0] for u in result] == [3, 2, 4, 1]


def test_vi_sorted_empty() -> None:
    assert vi_sorted([]) == []


# --- dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2023, 2, 3), "03/02/2023"),
        (date(2024, 12, 31), "31/12/2024"),
        (date(2024, 10, 9), "09/10/2024"),
    ],
)
def test_format_date(d: date, expected: str) -> None:
    assert format_date(d) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2023, 2, 3), "ngày 03 tháng 02 năm 2023"),
        (date(2024, 3, 15), "ngày 15 tháng 3 năm 2024"),
        (date(2024, 12, 5), "ngày 05 tháng 12 năm 2024"),
        (date(2025, 1, 9), "ngày 09 tháng 01 năm 2025"),
        (date(2025, 1, 10), "ngày 10 tháng 01 năm 2025"),
        (date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (date(2024, 10, 1), "ngày 01 tháng 10 năm 2024"),
        (date(2024, 11, 30), "ngày 30 tháng 11 năm 2024"),
        (date(2024, 12, 31), "ngày 31 tháng 12 năm 2024"),
    ],
)
def test_date_in_words(d: date, expected: str) -> None:
    assert date_in_words(d) == expected


def test_place_and_date() -> None:
    assert place_and_date("Quảng Ngãi", date(2023, 2, 3)) == "Quảng Ngãi, ngày 03 tháng 02 năm 2023"
    assert place_and_date("  Lý  Sơn ", date(2024, 9, 2)) == "Lý Sơn, ngày 02 tháng 9 năm 2024"
    assert place_and_date("  ", date(2024, 9, 2)) == "ngày 02 tháng 9 năm 2024"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-31", date(2024, 3, 31)),
        ("31/03/2024", date(2024, 3, 31)),
        ("31/3/2024", date(2024, 3, 31)),
        ("31-3-2024", date(2024, 3, 31)),
        ("31.3.2024", date(2024, 3, 31)),
        ("  1/2/2024\n", date(2024, 2, 1)),
        ("29/02/2024", date(2024, 2, 29)),
        ("2000-02-29", date(2000, 2, 29)),
        ("31/12/2024", date(2024, 12, 31)),
        ("01/01/1900", date(1900, 1, 1)),
        ("31/12/2999", date(2999, 12, 31)),
    ],
)
def test_parse_date_valid(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2024",
        "29/02/2023",
        "29/02/1900",
        "31/04/2024",
        "32/01/2024",
        "00/01/2024",
        "15/13/2024",
        "15/00/2024",
        "2024-13-01",
        "2024-02-30",
        "01/01/0000",
        "0000-01-01",
        "31/12/1899",
        "01/01/3000",
        "",
        "   ",
        "hôm nay",
        "31/3-2024",
        "31/3/24",
        "2024/03/31",
        "31//3/2024",
        "31/3/2024x",
        "３１/３/２０２４",
    ],
)
def test_parse_date_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="Ngày không hợp lệ"):
        parse_date(text)


def test_parse_date_message() -> None:
    with pytest.raises(ValueError) as info:
        parse_date(" 31/02/2024 ")
    assert str(info.value) == (
        'Ngày không hợp lệ: "31/02/2024" (dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd).'
    )
    with pytest.raises(ValueError, match="1900"):
        parse_date("01/01/1800")


def test_parse_date_round_trips_format_date() -> None:
    d = date(2024, 1, 1)
    for offset in range(0, 800, 7):
        day = date.fromordinal(d.toordinal() + offset)
        assert parse_date(format_date(day)) == day
        assert parse_date(day.isoformat()) == day


# --- Roman numerals ---------------------------------------------------------


@pytest.mark.parametrize(("q", "expected"), [(1, "I"), (2, "II"), (3, "III"), (4, "IV")])
def test_quarter_roman(q: int, expected: str) -> None:
    assert quarter_roman(q) == expected


@pytest.mark.parametrize("q", [0, 5, -1, 12])
def test_quarter_roman_rejects_other_numbers(q: int) -> None:
    with pytest.raises(ValueError):
        quarter_roman(q)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I", 1), ("ii", 2), ("III", 3), ("iv", 4), ("V", 5), ("Vi", 6),
        ("VII", 7), ("VIII", 8), ("IX", 9), ("x", 10), ("XI", 11), (" XII ", 12),
    ],
)  # fmt: skip
def test_parse_roman(text: str, expected: int) -> None:
    assert parse_roman(text) == expected


@pytest.mark.parametrize("text", ["", "0", "4", "IIII", "XIII", "IC", "VX", "L", "I I", "Ⅳ"])
def test_parse_roman_rejects_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="La Mã"):
        parse_roman(text)


def test_parse_roman_inverts_quarter_roman() -> None:
    assert [parse_roman(quarter_roman(q)) for q in range(1, 5)] == [1, 2, 3, 4]


# --- normalize_spaces -------------------------------------------------------


def test_normalize_spaces_collapses_whitespace_and_newlines() -> None:
    assert normalize_spaces("  Sở\tTư \n\r\n pháp  ") == "Sở Tư pháp"
    assert normalize_spaces("Hà\u00a0Nội") == "Hà Nội"
    assert normalize_spaces(" \n ") == ""


def test_normalize_spaces_nfc() -> None:
    result = normalize_spaces(nfd("Ủy ban nhân dân tỉnh Quảng Ngãi"))
    assert result == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert unicodedata.is_normalized("NFC", result)
    assert len(result) == len("Ủy ban nhân dân tỉnh Quảng Ngãi")


def test_normalize_spaces_strips_control_characters() -> None:
    assert normalize_spaces("Sở\x00 Tư\x07 pháp\x1b") == "Sở Tư pháp"
    assert normalize_spaces("a \x00 b") == "a b"
    assert normalize_spaces("\x7fPhòng\x9f") == "Phòng"
    # a control between a letter and its mark must not block composition
    assert normalize_spaces("Ho\x00\u0300") == "Hò"
