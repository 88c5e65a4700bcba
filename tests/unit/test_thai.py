"""gsync.thai: Thai text, names, terms, numbers, dates, quarters, phones."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsync import thai

BKK = zoneinfo.ZoneInfo("Asia/Bangkok")
UTC = dt.UTC

LAMPANG = (
    "เมืองลำปาง แม่เมาะ เกาะคา เสริมงาม งาว แจ้ห่ม วังเหนือ เถิน แม่พริก แม่ทะ สบปราบ ห้างฉัตร เมืองปาน"
).split()

# The FY2568 vocabularies, written out here so that these tests do not move with config.
MISSIONS = {
    "ตู้เย็นตู้ยารอบบ้าน": ["ตู้เย็นตู้ยา"],
    "ธนาคารแบ่งปันแรงงาน": ["ธนาคารแรงงาน"],
    "ปลูกไม้ ๓ อย่าง ประโยชน์ ๔ อย่าง": [],
    "บัญชีรับจ่าย": [],
    "ขายขยะแลกทอง": [],
    "ของเก่าเล่าอดีต": [],
    "ผ้าป่าอาชีพ": [],
    "ปิดไฟประหยัด": [],
    "ตลาดนัด ๔ ทิศ": [],
}
DIMENSIONS = {
    "สุขภาพ": [],
    "การศึกษา": [],
    "การสร้างอาชีพและรายได้": [],
    "ความเป็นอยู่": [],
    "การเข้าถึงบริการแห่งรัฐ": [],
}
VOLUNTEERS = {"จิตอาสาพัฒนา": [], "จิตอาสาภัยพิบัติ": [], "จิตอาสาเฉพาะกิจ": []}
ACTIVITY_VOCAB = {**MISSIONS, **DIMENSIONS, **VOLUNTEERS}
SECTORS = {
    "รัฐ": ["ภาครัฐ"],
    "ศาสนา": ["วัด"],
    "สถาบันการศึกษา": ["โรงเรียน"],
    "เอกชน": [],
    "ประชาชน": [],
    "ประชาสังคม": [],
    "สื่อสารมวลชน": ["ประชาสัมพันธ์", "สื่อมวลชน"],
}

# Text as found in the wild: Thai letters, marks and digits, separators, invisible characters.
THAIISH = st.text(
    alphabet=st.sampled_from(
        list("กขนมอตจเมืองาำํ่้๊๋ัิีุู์็ฺ .,-_/()๐๑๒๓๔๕๖๗๘๙0123456789:+@\t\n\u00a0\u200b\u00ad´Qq")
    ),
    max_size=30,
)
ANY_TEXT = st.one_of(st.text(max_size=40), THAIISH)
FAST = settings(max_examples=200, deadline=None)


# --- digits and clean -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("๐๑๒๓๔๕๖๗๘๙", "0123456789"), ("๑๕ ต.ค. ๖๗", "15 ต.ค. 67"), ("abc 12", "abc 12")],
    ids=["all-digits", "date-text", "arabic-untouched"],
)
def test_to_arabic_digits(text, expected):
    assert thai.to_arabic_digits(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (12, "12"),
        ("  เกาะ   คา  ", "เกาะ คา"),
        ("เกาะ\u00a0คา", "เกาะ คา"),
        ("เกาะ\nคา\r\n\tลำปาง", "เกาะ คา ลำปาง"),
        ("เกาะ\u200bคา\u200c\u200d\u2060\ufeff\u00ad", "เกาะคา"),
        ("a\x00b\x07c", "abc"),
        ("ＡＢＣ１２", "ABC12"),
        ("น\u0e49\u0e4d\u0e32", "น้ำ"),
        ("น\u0e4d\u0e49\u0e32", "น้ำ"),
        ("น\u0e4d\u0e32\u0e49", "น้ำ"),
        ("น ํ ้ า", "น้ำ"),
        ("ทํางาน", "ทำงาน"),
        ("๑๒ แห่ง", "๑๒ แห่ง"),
    ],
    ids=[
        "none",
        "int",
        "spaces-collapsed-and-stripped",
        "nbsp",
        "line-breaks-and-tabs",
        "invisible-chars",
        "control-chars",
        "nfkc-fullwidth",
        "am-tone-before-nikhahit",
        "am-tone-between",
        "am-tone-after-aa",
        "am-typed-with-spaces",
        "am-no-tone",
        "thai-digits-kept",
    ],
)
def test_clean(value, expected):
    assert thai.clean(value) == expected


@FAST
@given(ANY_TEXT)
def test_clean_is_idempotent(text):
    once = thai.clean(text)
    assert thai.clean(once) == once


@pytest.mark.parametrize(
    "text",
    ["0´่", "0´´่", "ำำ่", "´ำ่่", "ํา่ํา่", "ก่ ุ"],
    ids=[
        "nfkc-space-before-tone",
        "two-accents",
        "two-am-tone-after",
        "accent-am-tones",
        "am-chain",
        "space-between-marks",
    ],
)
def test_clean_is_idempotent_on_mangled_marks(text):
    once = thai.clean(text)
    assert thai.clean(once) == once


@FAST
@given(ANY_TEXT)
def test_clean_leaves_no_invisible_or_doubled_space(text):
    out = thai.clean(text)
    assert "  " not in out and out == out.strip()
    assert not any(ch in out for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\n\t\r\u00a0")


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("อ.งาว", "งาว"),
        ("อ. งาว", "งาว"),
        ("อำเภองาว", "งาว"),
        ("อำเภอ งาว", "งาว"),
        ("กิ่งอำเภอเมืองปาน", "เมืองปาน"),
        ("ต.ไหล่หิน", "ไหล่หิน"),
        ("ตำบล ไหล่หิน", "ไหล่หิน"),
        ("จ.ลำปาง", "ลำปาง"),
        ("จังหวัดลำปาง", "ลำปาง"),
        ("อ.เมืองลำปาง", "เมืองลำปาง"),
        ("อำเภอ เมือง", "เมือง"),
        ("เมืองลำปาง", "เมืองลำปาง"),
        ("เกาะคา อำเภอ", "เกาะคา อำเภอ"),
        ("อำเภอ", "อำเภอ"),
    ],
    ids=[
        "aw-dot",
        "aw-dot-space",
        "amphoe",
        "amphoe-space",
        "king-amphoe",
        "tor-dot",
        "tambon-space",
        "jor-dot",
        "changwat",
        "keeps-mueang-after-aw",
        "keeps-mueang-after-amphoe",
        "mueang-alone",
        "trailing-never-stripped",
        "prefix-alone-kept",
    ],
)
def test_strip_admin_prefix(text, expected):
    assert thai.strip_admin_prefix(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("อ. เกาะ คา", "เกาะคา"),
        ("(อำเภอ)งาว", "งาว"),
        ("ศูนย์ฯ บ้าน-นา_แก้ว/ใหม่", "ศูนย์ฯบ้านนาแก้วใหม่"),
        ("หมู่ ๑๒", "หมู่12"),
        ("Ban Na KAEW", "bannakaew"),
        ("จำนวนผู้เข้าร่วม\n(คน)", "จำนวนผู้เข้าร่วมคน"),
        (None, ""),
    ],
    ids=[
        "prefix-and-space",
        "prefix-in-brackets",
        "punctuation",
        "thai-digits",
        "lowercase",
        "header",
        "none",
    ],
)
def test_name_key(text, expected):
    assert thai.name_key(text) == expected


@FAST
@given(ANY_TEXT)
def test_name_key_is_idempotent(text):
    key = thai.name_key(text)
    assert thai.name_key(key) == key
    assert not any(ch.isspace() for ch in key)


@pytest.mark.parametrize(
    ("text", "choices", "expected"),
    [
        ("เกาะคา", LAMPANG, "เกาะคา"),
        ("เกาะ คา", LAMPANG, "เกาะคา"),
        ("อ.เกาะคา", LAMPANG, "เกาะคา"),
        ("อำเภอ งาว", LAMPANG, "งาว"),
        ("อ.เมืองลำปาง", LAMPANG, "เมืองลำปาง"),
        ("ไหล่หืน", ["เกาะคา", "ศาลา", "ไหล่หิน", "วังพร้าว", "นาแก้ว"], "ไหล่หิน"),
        ("ต.ไหล่หืน", ["ไหล่หิน"], "ไหล่หิน"),
        ("เมืองลำปงา", LAMPANG, "เมืองลำปาง"),
        ("แม่ทะ", ["แม่ปะ", "แม่ทะ"], "แม่ทะ"),
        ("แม่ปะ", ["แม่ปะ", "แม่ทะ"], "แม่ปะ"),
        ("แม่กะ", ["แม่ปะ", "แม่ทะ"], None),
        ("เมืองปาน", ["เมืองลำปาง"], None),
        ("งาา", ["งาว"], None),
        ("เชียงใหม่", LAMPANG, None),
        ("", LAMPANG, None),
        (None, LAMPANG, None),
        ("อ.เมือง", {"เมืองลำปาง": ["เมือง", "อ.เมืองลำปาง"]}, "เมืองลำปาง"),
        ("เมือง", {"เมืองลำปาง": ["เมือง"], "เมืองปาน": ["เมือง"]}, None),
    ],
    ids=[
        "exact",
        "space-inside",
        "aw-prefix",
        "amphoe-prefix",
        "mueang-kept",
        "one-typo-7-chars",
        "prefix-and-typo",
        "two-typos-10-chars",
        "real-name-beats-typo-of-other",
        "other-real-name-too",
        "tie-is-none",
        "meuang-pan-never-meuang-lampang",
        "short-name-no-fuzzy",
        "unknown",
        "empty",
        "none",
        "alias",
        "alias-of-two-is-none",
    ],
)
def test_match_name(text, choices, expected):
    assert thai.match_name(text, choices) == expected


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(LAMPANG, 2)), ids=lambda n: n)
def test_match_name_never_swaps_real_districts(a, b):
    assert thai.match_name(a, [b, a]) == a
    assert thai.match_name(a, LAMPANG) == a


@pytest.mark.parametrize("name", LAMPANG, ids=LAMPANG)
def test_match_name_one_char_dropped_never_gives_another_district(name):
    for i in range(len(name)):
        typo = name[:i] + name[i + 1 :]
        assert thai.match_name(typo, LAMPANG) in (name, None), typo


# --- vocabulary terms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vocab", "expected"),
    [
        ("ตู้เย็นตู้ยารอบบ้าน", MISSIONS, "ตู้เย็นตู้ยารอบบ้าน"),
        ("ตู้เย็น ตู้ยา รอบบ้าน", MISSIONS, "ตู้เย็นตู้ยารอบบ้าน"),
        ("ธนาคารแรงงาน", MISSIONS, "ธนาคารแบ่งปันแรงงาน"),
        ("ปลูกไม้ 3 อย่าง ประโยชน์ 4 อย่าง", MISSIONS, "ปลูกไม้ ๓ อย่าง ประโยชน์ ๔ อย่าง"),
        ("กิจกรรมตู้เย็นตู้ยารอบบ้านบ้านนาแก้ว", MISSIONS, "ตู้เย็นตู้ยารอบบ้าน"),
        ("1 ตู้เย็นตู้ยารอบบ้าน", MISSIONS, "ตู้เย็นตู้ยารอบบ้าน"),
        ("๑. ปิดไฟประหยัด", MISSIONS, "ปิดไฟประหยัด"),
        ("๕.ขายขยะแลกทอ", MISSIONS, "ขายขยะแลกทอง"),
        ("ตู้เย็นตู้ยารอบบ่าน", MISSIONS, "ตู้เย็นตู้ยารอบบ้าน"),
        ("ธนาคารแบ่งปันแรงาน", MISSIONS, "ธนาคารแบ่งปันแรงงาน"),
        ("ขายขยะแลกทอ", MISSIONS, "ขายขยะแลกทอง"),
        ("ประชุมประจำเดือน", ACTIVITY_VOCAB, None),
        ("", MISSIONS, None),
        ("สุขภาพ", ACTIVITY_VOCAB, "สุขภาพ"),
        ("มิติด้านสุขภาพ", ACTIVITY_VOCAB, "สุขภาพ"),
        ("จิตอาสาภัยพิบัติ", ACTIVITY_VOCAB, "จิตอาสาภัยพิบัติ"),
        ("จิตอาสา ภัยพิบัติ น้ำท่วม", ACTIVITY_VOCAB, "จิตอาสาภัยพิบัติ"),
        ("ตู้เย็นตู้ยารอบบ้านเพื่อสุขภาพ", ACTIVITY_VOCAB, None),
    ],
    ids=[
        "exact",
        "spaces",
        "alias",
        "arabic-digits-for-thai",
        "contained-in-activity-name",
        "leading-mission-number",
        "leading-thai-mission-number",
        "number-and-ocr-damage",
        "ocr-baan",
        "ocr-raengan",
        "ocr-thong",
        "unrelated",
        "empty",
        "dimension",
        "dimension-in-text",
        "volunteer-type",
        "volunteer-type-spaced-with-extra",
        "two-terms-is-none",
    ],
)
def test_match_term(text, vocab, expected):
    assert thai.match_term(text, vocab) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("รัฐ, เอกชน ประชาชน", (("รัฐ", "เอกชน", "ประชาชน"), ())),
        ("ภาครัฐ/ภาคเอกชน", (("รัฐ", "เอกชน"), ())),
        ("ศาสนา สถาบันการศึกษา", (("ศาสนา", "สถาบันการศึกษา"), ())),
        ("สถาบัน การศึกษา", (("สถาบันการศึกษา",), ())),
        ("ประชาชนและเอกชน; ภาคประชาสังคม", (("เอกชน", "ประชาชน", "ประชาสังคม"), ())),
        ("ประชาชน อบต. นาแก้ว", (("ประชาชน",), ("อบต. นาแก้ว",))),
        ("รัฐ\nรัฐ, ภาครัฐ", (("รัฐ",), ())),
        ("สื่อมวลชน, ชมรมผู้สูงอายุ", (("สื่อสารมวลชน",), ("ชมรมผู้สูงอายุ",))),
        ("ภาคีเครือข่าย", ((), ("ภาคีเครือข่าย",))),
        ("", ((), ())),
    ],
    ids=[
        "comma-and-space",
        "slash-and-phak",
        "space-only",
        "one-term-with-space",
        "lae-and-semicolon",
        "leftover-kept",
        "duplicates-once",
        "alias-and-leftover",
        "nothing-matched",
        "empty",
    ],
)
def test_split_terms(text, expected):
    assert thai.split_terms(text, SECTORS) == expected


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("-", None),
        ("–", None),
        ("ไม่มี", None),
        (" ", None),
        (12, 12.0),
        (3.5, 3.5),
        (float("nan"), None),
        ("1,250 คน", 1250.0),
        ("1,250", 1250.0),
        ("๑๒", 12.0),
        ("๑,๒๕๐", 1250.0),
        ("12 แห่ง", 12.0),
        ("3,500.50 บาท", 3500.5),
        ("  7 ครั้ง ", 7.0),
        ("ราย 5", 5.0),
        ("0", 0.0),
        ("-5", -5.0),
        ("1,250,000", 1250000.0),
    ],
    ids=[
        "none",
        "empty",
        "dash",
        "en-dash",
        "mai-mee",
        "blank",
        "int",
        "float",
        "nan-is-empty",
        "people",
        "thousands",
        "thai-digits",
        "thai-digits-thousands",
        "places",
        "baht-decimal",
        "spaces-and-unit",
        "leading-word",
        "zero",
        "negative",
        "millions",
    ],
)
def test_parse_number(value, expected):
    assert thai.parse_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "ประมาณห้าสิบ",
        "10-20",
        "10 ถึง 20",
        "1,25",
        "12/3",
        "ชาย 5 หญิง 6",
        True,
        float("inf"),
        dt.date(2024, 1, 1),
    ],
    ids=[
        "words",
        "range",
        "range-words",
        "bad-grouping",
        "slash",
        "two-numbers",
        "bool",
        "inf",
        "date",
    ],
)
def test_parse_number_refuses(value):
    with pytest.raises(ValueError, match="ตัวเลข"):
        thai.parse_number(value)


def test_parse_number_message_quotes_the_text():
    with pytest.raises(ValueError, match="ประมาณห้าสิบ"):
        thai.parse_number("ประมาณห้าสิบ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1,250 คน", 1250), ("๑๒", 12), (1250.0, 1250), (7, 7), ("", None), ("ไม่มี", None)],
    ids=["text", "thai-digits", "whole-float", "int", "empty", "mai-mee"],
)
def test_parse_int(value, expected):
    result = thai.parse_int(value)
    assert result == expected
    assert result is None or type(result) is int


@pytest.mark.parametrize(
    "value", ["12.5", 3.5, "ห้า"], ids=["text-fraction", "float-fraction", "words"]
)
def test_parse_int_refuses(value):
    with pytest.raises(ValueError):
        thai.parse_int(value)


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.booleans())
def test_parse_int_reads_what_people_type(n, thai_digits):
    text = f"{n:,} คน"
    if thai_digits:
        text = text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert thai.parse_int(text) == n


@FAST
@given(ANY_TEXT)
def test_number_parsers_raise_only_value_error(text):
    for parse in (thai.parse_number, thai.parse_int):
        try:
            parse(text)
        except ValueError:
            pass


# --- dates ----------------------------------------------------------------------------------

OCT15 = dt.date(2024, 10, 15)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("๑๕ ต.ค. ๖๗", OCT15),
        ("15 ต.ค. 67", OCT15),
        ("15 ตค 2567", OCT15),
        ("15 ตุลาคม 2567", OCT15),
        ("15 ตุลา 67", OCT15),
        ("15/10/2567", OCT15),
        ("15-10-2567", OCT15),
        ("15.10.67", OCT15),
        ("2024-10-15", OCT15),
        ("2567-10-15", OCT15),
        ("15/10/2024", OCT15),
        ("15/10/24", OCT15),
        ("15 Oct 2024", OCT15),
        ("15 October 2024", OCT15),
        ("October 15, 2024", OCT15),
        ("วันอังคารที่ 15 ต.ค. 67", OCT15),
        ("วันที่ 15 ตุลาคม พ.ศ. 2567", OCT15),
        ("15 ต.ค. พศ 2567", OCT15),
        ("15/10/2567 14:30", OCT15),
        ("15 ต.ค. 67 เวลา 09.30 น.", OCT15),
        ("2024-10-15T13:15:30Z", OCT15),
        ("  15  ต.ค.  67 ", OCT15),
        ("1/2/2568", dt.date(2025, 2, 1)),
        ("5 ม.ค. 44", dt.date(2001, 1, 5)),
        ("5 ม.ค. 43", dt.date(2043, 1, 5)),
        ("13 ธ.ค. 2567", dt.date(2024, 12, 13)),
        ("29/02/2567", dt.date(2024, 2, 29)),
        ("29 ก.พ. 67", dt.date(2024, 2, 29)),
        ("31 กรกฏาคม 2568", dt.date(2025, 7, 31)),
        (dt.date(2024, 10, 15), OCT15),
        # openpyxl and calamine hand over naive datetimes: that is what a cell holds
        (dt.datetime(2024, 10, 15, 9, 30), OCT15),  # noqa: DTZ001
        (dt.datetime(2567, 10, 15), OCT15),  # noqa: DTZ001
        (dt.date(2567, 2, 28), dt.date(2024, 2, 28)),
        (45580, OCT15),
        (45580.75, OCT15),
    ],
    ids=[
        "thai-digits-short-month",
        "short-month-2-digit-be",
        "short-month-no-dots",
        "full-month",
        "spoken-month",
        "slash-be",
        "dash-be",
        "dots-2-digit-be",
        "iso",
        "iso-be",
        "slash-ce",
        "slash-2-digit-ce",
        "english-short",
        "english-full",
        "english-month-first",
        "weekday-prefix",
        "wan-thi-and-por-sor",
        "por-sor-no-dots",
        "trailing-time",
        "trailing-thai-time",
        "iso-timestamp",
        "extra-spaces",
        "day-first",
        "yy-44-is-be",
        "yy-43-is-ce",
        "deadline",
        "be-leap-day-text",
        "be-leap-day-short",
        "common-misspelling-of-july",
        "date",
        "datetime",
        "excel-be-datetime",
        "excel-be-date",
        "excel-serial",
        "excel-serial-with-time",
    ],
)
def test_parse_thai_date(value, expected):
    assert thai.parse_thai_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "31/02/2567",
        "29/02/2568",
        "32/10/2567",
        "15/13/2567",
        dt.datetime(2568, 2, 29),  # noqa: DTZ001 - as openpyxl returns it
        "15 ต.ค.",
        "ต.ค. 67",
        "15-16 ต.ค. 67",
        "1 ต.ค. - 31 ธ.ค. 67",
        "15 ตุลาคม 256",
        "15/10/2567 ช่วงเช้า",
        "ไม่ระบุ",
        "",
        "12345",
        12345,
        800000,
        True,
        None,
        "15 xyz 2567",
    ],
    ids=[
        "feb-31",
        "no-leap-day-in-2025",
        "day-32",
        "month-13",
        "excel-be-leap-day-not-in-ce",
        "no-year",
        "no-day",
        "day-range",
        "date-range",
        "three-digit-year",
        "trailing-words",
        "words",
        "empty",
        "digits-string",
        "small-number",
        "huge-number",
        "bool",
        "none",
        "unknown-month",
    ],
)
def test_parse_thai_date_refuses(value):
    with pytest.raises(ValueError, match="วันที่"):
        thai.parse_thai_date(value)


def test_parse_thai_date_message_quotes_the_value():
    with pytest.raises(ValueError, match="15 ต.ค.") as err:
        thai.parse_thai_date("15 ต.ค.")
    assert "อ่านวันที่ไม่ได้" in str(err.value)


@FAST
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)), st.booleans())
def test_format_thai_date_reads_back(d, short):
    assert thai.parse_thai_date(thai.format_thai_date(d, short=short)) == d
    assert thai.parse_thai_date(f"{d.day}/{d.month}/{d.year + 543}") == d


@FAST
@given(ANY_TEXT)
def test_parse_thai_date_raises_only_value_error(text):
    try:
        thai.parse_thai_date(text)
    except ValueError:
        pass


@pytest.mark.parametrize(
    ("d", "short", "expected"),
    [
        (dt.date(2024, 12, 13), True, "13 ธ.ค. 2567"),
        (dt.date(2024, 12, 13), False, "13 ธันวาคม 2567"),
        (dt.date(2025, 1, 5), True, "5 ม.ค. 2568"),
        (dt.datetime(2025, 7, 1, 8, 0, tzinfo=BKK), False, "1 กรกฎาคม 2568"),
    ],
    ids=["short", "full", "january-single-digit-day", "datetime"],
)
def test_format_thai_date(d, short, expected):
    assert thai.format_thai_date(d, short=short) == expected


@pytest.mark.parametrize("month", range(1, 13), ids=lambda m: f"month-{m}")
def test_month_names_are_read(month):
    for names in (thai.THAI_MONTHS_SHORT, thai.THAI_MONTHS_FULL):
        assert thai.parse_thai_date(f"1 {names[month - 1]} 2568") == dt.date(2025, month, 1)


# --- timestamps -----------------------------------------------------------------------------

DEC13_2015 = dt.datetime(2024, 12, 13, 20, 15, 30, tzinfo=BKK)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024/12/13 8:15:30 PM GMT+7", DEC13_2015),
        ("2024/12/13 8:15:30 PM GMT+07:00", DEC13_2015),
        ("13/12/2024, 20:15:30", DEC13_2015),
        ("13/12/2567 20:15:30", DEC13_2015),
        ("๑๓/๑๒/๒๕๖๗ ๒๐:๑๕:๓๐", DEC13_2015),
        ("12/13/2024 20:15:30", DEC13_2015),
        ("2024-12-13T13:15:30Z", DEC13_2015),
        ("2024-12-13 20:15:30", DEC13_2015),
        ("2024-12-13T13:15:30.250Z", DEC13_2015 + dt.timedelta(milliseconds=250)),
        ("2024-12-13T13:15:30.123456789Z", DEC13_2015 + dt.timedelta(microseconds=123456)),
        ("2024-12-13T20:15:30+07:00", DEC13_2015),
        ("2024/12/13 12:05:00 AM GMT+7", dt.datetime(2024, 12, 13, 0, 5, tzinfo=BKK)),
        ("2024/12/13 12:05:00 PM GMT+7", dt.datetime(2024, 12, 13, 12, 5, tzinfo=BKK)),
        ("2024/12/13 8:15:30 PM GMT", dt.datetime(2024, 12, 14, 3, 15, 30, tzinfo=BKK)),
        ("05/06/2024 10:00:00", dt.datetime(2024, 6, 5, 10, 0, tzinfo=BKK)),
        ("2024-12-13T18:30:00Z", dt.datetime(2024, 12, 14, 1, 30, tzinfo=BKK)),
    ],
    ids=[
        "us-12h-gmt-short",
        "us-12h-gmt-long",
        "uk-comma",
        "thai-be",
        "thai-digits",
        "us-month-first",
        "rfc3339-utc",
        "iso-local",
        "millis",
        "nanos-truncated",
        "rfc3339-offset",
        "midnight-am",
        "noon-pm",
        "gmt-alone-is-utc",
        "ambiguous-is-day-first",
        "utc-evening-is-next-bangkok-day",
    ],
)
def test_parse_timestamp(text, expected):
    got = thai.parse_timestamp(text, BKK)
    assert got == expected
    assert got.utcoffset() == dt.timedelta(hours=7)


def test_parse_timestamp_without_offset_uses_given_zone():
    got = thai.parse_timestamp("13/12/2024, 20:15:30", UTC)
    assert got == dt.datetime(2024, 12, 13, 20, 15, 30, tzinfo=UTC)
    assert got.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "เมื่อวาน",
        "2024-12-13",
        "13/13/2024 20:15:30",
        "31/02/2024 20:15:30",
        "2024/12/13 13:15:30 PM",
        "2024-12-13 25:00:00",
        "2024-12-13 20:61:00",
        "2024/12/13 8:15:30 PM GMT+25",
        "13/12/2024 20:15:30 น้ำท่วม",
    ],
    ids=[
        "empty",
        "words",
        "no-time",
        "both-over-12",
        "feb-31",
        "pm-with-24h-hour",
        "hour-25",
        "minute-61",
        "offset-too-big",
        "trailing-words",
    ],
)
def test_parse_timestamp_refuses(text):
    with pytest.raises(ValueError, match="ไม่ได้"):
        thai.parse_timestamp(text, BKK)


@FAST
@given(ANY_TEXT)
def test_parse_timestamp_raises_only_value_error_and_is_aware(text):
    try:
        got = thai.parse_timestamp(text, BKK)
    except ValueError:
        return
    assert got.tzinfo is not None


# --- quarters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", 1),
        ("ไตรมาสที่ 4 (ก.ค. - ก.ย. 2568)", 4),
        ("ไตรมาส ๒", 2),
        ("ไตรมาสที่สาม", 3),
        ("Q3", 3),
        ("q 4", 4),
        ("3", 3),
        ("๓", 3),
        (2, 2),
        (2.0, 2),
        ("ไตรมาส 1-2", None),
        ("ไตรมาส 5", None),
        ("2567", None),
        ("ต.ค. - ธ.ค. 2567", None),
        ("", None),
        (None, None),
        (5, None),
        ("FAQ 2", None),
    ],
    ids=[
        "form-choice-q1",
        "form-choice-q4",
        "thai-digit",
        "thai-word",
        "q-upper",
        "q-space",
        "bare-digit",
        "bare-thai-digit",
        "int",
        "float",
        "two-quarters",
        "no-fifth-quarter",
        "year-only",
        "months-only",
        "empty",
        "none",
        "int-out-of-range",
        "q-inside-a-word",
    ],
)
def test_parse_quarter(value, expected):
    assert thai.parse_quarter(value) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("เกาะคา ไตรมาส1.xlsx", 1),
        ("รายงานศูนย์จิตอาสา อ.งาว Q1 (1).xlsx", 1),
        ("สบปราบ_๑.docx", 1),
        ("แม่ทะ-3.xlsx", 3),
        ("เถิน 2", 2),
        ("ไตรมาสที่ 2", 2),
        ("IMG_2031.jpg", None),
        ("Q1-2568", 1),
        ("รายงาน 2568.xlsx", None),
        ("เกาะคา (2).xlsx", None),
        ("เกาะคา_3 (2).xlsx", 3),
        ("สบปราบ_2 - สมชาย ใจดี.xlsx", 2),
        ("แบบรายงาน ไตรมาส 1-2.xlsx", None),
        ("รายงาน_5.xlsx", None),
        ("1.jpg", None),
    ],
    ids=[
        "thai-word",
        "q-and-drive-duplicate",
        "lone-thai-digit",
        "lone-digit-after-dash",
        "lone-digit-after-space",
        "folder",
        "photo",
        "q-with-year",
        "year-only",
        "drive-duplicate-is-not-a-quarter",
        "lone-digit-before-drive-duplicate",
        "lone-digit-before-forms-uploader-name",
        "two-quarters",
        "not-a-quarter-digit",
        "bare-photo-number",
    ],
)
def test_quarter_in_name(name, expected):
    assert thai.quarter_in_name(name) == expected


# --- phones and personal data ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("081-234-5678", "0812345678"),
        ("081 234 5678", "0812345678"),
        ("(081) 234.5678", "0812345678"),
        ("๐๘๑-๒๓๔-๕๖๗๘", "0812345678"),
        ("+66 81 234 5678", "0812345678"),
        ("+66 (0)81 234 5678", "0812345678"),
        ("66812345678", "0812345678"),
        ("054-123456", "054123456"),
        ("02 123 4567", "021234567"),
        ("+662 123 4567", "021234567"),
        (812345678, "0812345678"),
        (812345678.0, "0812345678"),
        ("812345678", "0812345678"),
        ("54123456", "054123456"),
        ("โทร. 081-234-5678", "0812345678"),
        ("081-234-5678, 054-123456", "0812345678, 054123456"),
        ("081-234-5678 / 089-876-5432", "0812345678, 0898765432"),
        ("081-234-5678 หรือ 054123456", "0812345678, 054123456"),
        ("081-234-5678 089-876-5432", "0812345678, 0898765432"),
        ("081-234-5678, 0812345678", "0812345678"),
        ("0 5426 505", "0 5426 505"),
        ("02-123-4567 ต่อ 12", "02-123-4567 ต่อ 12"),
        ("ไม่มี", "ไม่มี"),
        ("1111", "1111"),
        ("", ""),
        (None, ""),
    ],
    ids=[
        "dashes",
        "spaces",
        "brackets-and-dots",
        "thai-digits",
        "plus-66",
        "plus-66-with-trunk-zero",
        "66-without-plus",
        "landline",
        "bangkok-landline",
        "plus-66-landline",
        "excel-int",
        "excel-float",
        "zero-eaten-text",
        "zero-eaten-landline",
        "label",
        "two-with-comma",
        "two-with-slash",
        "two-with-rue",
        "two-side-by-side",
        "duplicate-once",
        "too-short-kept",
        "extension-kept",
        "words-kept",
        "short-number-kept",
        "empty",
        "none",
    ],
)
def test_normalize_phone(value, expected):
    assert thai.normalize_phone(value) == expected


@FAST
@given(ANY_TEXT)
def test_normalize_phone_never_raises_and_is_idempotent(text):
    once = thai.normalize_phone(text)
    assert thai.normalize_phone(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kokha@example.go.th", "k***@example.go.th"),
        ("from kokha.cdd@example.go.th:", "from k***@example.go.th:"),
        ("โทร 081-234-5678", "โทร xxx-xxx-xx78"),
        ("0812345678", "xxx-xxx-xx78"),
        ("๐๘๑-๒๓๔-๕๖๗๘", "xxx-xxx-xx78"),
        ("+66 81 234 5678", "xxx-xxx-xx78"),
        ("054-123456 ok", "xxx-xxx-xx56 ok"),
        ("phone=812345678", "phone=xxx-xxx-xx78"),
        ("a@b.co 081-234-5678", "a***@b.co xxx-xxx-xx78"),
    ],
    ids=[
        "email",
        "email-in-text",
        "mobile-dashes",
        "mobile-plain",
        "thai-digits",
        "plus-66",
        "landline",
        "zero-eaten",
        "both",
    ],
)
def test_mask_pii_masks(text, expected):
    assert thai.mask_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2024-12-13",
        "2024-12-13T13:15:30Z",
        "13/12/2567 20:15:30",
        "02-12-2567 20:15",
        "01.12.2567",
        "1250 คน",
        "rate 0.8571428571",
        "ratio 0.812345678",
        "total 1,812345678",
        "https://drive.google.com/open?id=1AbC0812345678xyz",
        "row 12, 3,500.50 บาท",
    ],
    ids=[
        "iso-date",
        "iso-timestamp",
        "thai-timestamp",
        "dashed-date-time",
        "dotted-date",
        "short-number",
        "fraction",
        "fraction-of-9-digits",
        "after-comma",
        "drive-id",
        "amounts",
    ],
)
def test_mask_pii_leaves_alone(text):
    assert thai.mask_pii(text) == text


@FAST
@given(ANY_TEXT)
def test_mask_pii_never_raises_and_hides_phones(text):
    masked = thai.mask_pii(text)
    assert thai.mask_pii(masked) == masked


@FAST
@given(st.from_regex(r"0[689][0-9]{8}", fullmatch=True), st.sampled_from(["", "-", " ", "."]))
def test_mask_pii_hides_every_mobile(number, sep):
    typed = f"{number[:3]}{sep}{number[3:6]}{sep}{number[6:]}"
    masked = thai.mask_pii(f"โทร {typed} ค่ะ")
    assert masked == f"โทร xxx-xxx-xx{number[-2:]} ค่ะ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ประชาสังคม รัฐ", ("รัฐ", "ประชาสังคม")), ("รัฐ ประชาสังคม", ("รัฐ", "ประชาสังคม"))],
    ids=["long-then-short", "short-then-long"],
)
def test_split_terms_does_not_swallow_a_short_term_beside_a_long_one(text: str, expected: tuple) -> None:
    from gsync.vocab import SECTORS

    assert thai.split_terms(text, SECTORS)[0] == expected


@pytest.mark.parametrize(
    ("typed", "standard"),
    [("เเม่ทะ", "แม่ทะ"), ("เเจ้ห่ม", "แจ้ห่ม"), ("ที่่ว่าการ", "ที่ว่าการ"), ("กิิจกรรม", "กิจกรรม"),
     ("ศูนย์์", "ศูนย์"), ("เเม่ทะ ไตรมาส ๑", "แม่ทะ ไตรมาส ๑")],
    ids=["sara-e-twice", "sara-e-twice-2", "tone-twice", "vowel-twice", "thanthakhat-twice", "in-a-name"],
)
def test_common_mistypes_fold_to_the_standard_spelling(typed: str, standard: str) -> None:
    assert thai.clean(typed) == standard
    assert thai.name_key(typed) == thai.name_key(standard)


def test_a_district_typed_with_two_sara_e_is_found() -> None:
    from gsync.attribution import find_district

    choices = {"แม่ทะ": [], "แม่เมาะ": [], "เมืองลำปาง": ["เมือง"]}
    assert thai.match_name("อำเภอเเม่ทะ", choices) == "แม่ทะ"
    assert find_district("รายงาน อ.เเม่ทะ Q1.xlsx", choices) == "แม่ทะ"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("IMG_1.jpg", None), ("DSC-3.JPG", None), ("Screenshot_2.png", None), ("รูป_4.jpg", None),
     ("งาว_1.xlsx", 1), ("รูปกิจกรรม ไตรมาส 2.jpg", 2)],
    ids=["img", "dsc", "screenshot", "thai-photo", "district-then-quarter", "named-quarter"],
)
def test_a_camera_counter_is_not_a_quarter(name: str, expected: int | None) -> None:
    assert thai.quarter_in_name(name) == expected
