"""One home per fact: the Thai calendar vocabulary, the RFC 3339 parser, the CSV decoder.

Expected values are written out by hand.
"""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsync import synth, thai, thai_calendar
from gsync.parse.sniff import decode_text
from gsync.thai_calendar import format_rfc3339, parse_rfc3339

UTC = dt.UTC


# --- the Thai calendar vocabulary ----------------------------------------------------------


def test_one_vocabulary_is_shared():
    assert thai_calendar.BE_OFFSET == 543
    assert thai_calendar.THAI_MONTHS_SHORT[0] == "ม.ค." and thai_calendar.THAI_MONTHS_SHORT[11] == "ธ.ค."
    assert thai_calendar.THAI_MONTHS_FULL[0] == "มกราคม" and thai_calendar.THAI_MONTHS_FULL[9] == "ตุลาคม"
    # thai re-exports the very same objects, it does not keep a copy
    assert thai.THAI_MONTHS_SHORT is thai_calendar.THAI_MONTHS_SHORT
    assert thai.THAI_MONTHS_FULL is thai_calendar.THAI_MONTHS_FULL
    assert thai.BE_OFFSET is thai_calendar.BE_OFFSET


@pytest.mark.parametrize(("style", "expected"), [
    (1, "๑๕ ต.ค. ๖๗"),
    (2, "15/10/2567"),
    (4, "15 ตุลาคม 2567"),
], ids=["short-thai-digits", "slashes", "full-month"])
def test_synth_writes_dates_with_the_shared_vocabulary(style, expected):
    assert synth.be_date(dt.date(2024, 10, 15), style) == expected


def test_quarter_label_and_format_use_the_shared_months():
    assert thai_calendar.quarter_label(2568, 2) == "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)"
    assert thai_calendar.quarter_label(2568, 1) == "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"
    assert thai.format_thai_date(dt.date(2024, 12, 13), short=False) == "13 ธันวาคม 2567"


# --- RFC 3339 -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-12-10T02:10:05Z", dt.datetime(2024, 12, 10, 2, 10, 5, tzinfo=UTC)),
    ("2024-12-10T02:10:05.123456789Z", dt.datetime(2024, 12, 10, 2, 10, 5, 123456, tzinfo=UTC)),
    ("2024-12-10T02:10:05.999999999Z", dt.datetime(2024, 12, 10, 2, 10, 5, 999999, tzinfo=UTC)),
    ("2024-12-10T02:10:05.1Z", dt.datetime(2024, 12, 10, 2, 10, 5, 100000, tzinfo=UTC)),
    ("2024-12-10T02:10:05.120Z", dt.datetime(2024, 12, 10, 2, 10, 5, 120000, tzinfo=UTC)),
    ("2024-12-10T09:10:05.5+07:00", dt.datetime(2024, 12, 10, 2, 10, 5, 500000, tzinfo=UTC)),
    ("2024-12-10T01:10:05-01:00", dt.datetime(2024, 12, 10, 2, 10, 5, tzinfo=UTC)),
    ("2024-12-10t02:10:05z", dt.datetime(2024, 12, 10, 2, 10, 5, tzinfo=UTC)),
    (" 2024-12-10T02:10:05Z\n", dt.datetime(2024, 12, 10, 2, 10, 5, tzinfo=UTC)),
    ("2024-12-10T02:10:05", dt.datetime(2024, 12, 10, 2, 10, 5, tzinfo=UTC)),
    ("2025-01-01T06:59:59.000000001+07:00", dt.datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC)),
], ids=["z", "nanoseconds", "nanoseconds-not-rounded-up", "one-digit", "millis", "offset-plus",
        "offset-minus", "lower-case", "spaces", "no-offset-is-utc", "nanos-across-new-year"])
def test_parse_rfc3339(text, expected):
    got = parse_rfc3339(text)
    assert got == expected
    assert got.utcoffset() == dt.timedelta(0)
    assert (got.year, got.month, got.day, got.hour, got.microsecond) == (
        expected.year, expected.month, expected.day, expected.hour, expected.microsecond)


@pytest.mark.parametrize("text", ["", "yesterday", "2024-13-10T02:10:05Z", "2024-12-10T25:10:05Z"])
def test_parse_rfc3339_refuses(text):
    with pytest.raises(ValueError):
        parse_rfc3339(text)


def test_format_rfc3339_whole_seconds_in_utc():
    bkk = dt.timezone(dt.timedelta(hours=7))
    assert format_rfc3339(dt.datetime(2024, 12, 10, 9, 10, 5, 987654, tzinfo=bkk)) == "2024-12-10T02:10:05Z"
    with pytest.raises(ValueError):
        format_rfc3339(dt.datetime(2024, 12, 10, 9, 10, 5))  # noqa: DTZ001 - the point of the test


# --- one CSV decoder ------------------------------------------------------------------------

TEXT = "อำเภอ,ไตรมาส\nเกาะคา,1\n"


@pytest.mark.parametrize(("data", "expected"), [
    (TEXT.encode("utf-8"), TEXT),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT),
    (TEXT.encode("utf-16-le"), TEXT),
    (TEXT.encode("cp874"), TEXT),
    (b"Timestamp,Email\r\n", "Timestamp,Email\r\n"),
    (b"", ""),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "cp874", "ascii", "empty"])
def test_decode_text(data, expected):
    assert decode_text(data) == expected


def test_decode_text_cp874_bytes_by_hand():
    # "กขค" in TIS-620 / cp874 is A1 A2 A4; as UTF-8 these bytes are invalid.
    assert decode_text(b"\xa1\xa2\xa4,1\n") == "กขค,1\n"


def test_decode_text_bom_means_utf8_even_with_a_bad_byte():
    # A BOM settles the encoding: a damaged byte becomes U+FFFD, the Thai around it survives.
    assert decode_text(codecs.BOM_UTF8 + "ก".encode() + b"\xff" + "ข".encode()) == "ก\ufffdข"


def test_decode_text_odd_utf16_download_keeps_what_it_has():
    data = codecs.BOM_UTF16_LE + "กข".encode("utf-16-le") + b"\x01"  # a download cut short
    assert decode_text(data).startswith("กข")


def test_decode_text_cut_sample_is_not_taken_for_cp874():
    data = ("ก" * 10).encode("utf-8")[:-1]  # the head of a longer file: the last character is cut
    assert decode_text(data, cut=True) == "ก" * 9
    assert decode_text(data, cut=False).startswith("\u0e40")  # whole file, not UTF-8: cp874 ("เ" is E0)


def test_every_reader_decodes_the_same_way():
    from gsync.parse import grid
    from gsync.sources import forms_csv

    assert grid.decode_text is decode_text
    assert forms_csv.decode_text is decode_text


# --- Thai typing variants: one fold, used by clean -----------------------------------------

MISTYPES = [
    ("เเม่ทะ", "แม่ทะ"), ("เเละ", "และ"), ("ที่่ว่าการ", "ที่ว่าการ"), ("ก่่อน", "ก่อน"), ("ศูนย์์", "ศูนย์"),
    ("น\u0e49\u0e4d\u0e32", "น้ำ"), ("น\u0e4d\u0e49\u0e32", "น้ำ"), ("น\u0e4d\u0e32\u0e49", "น้ำ"), ("ท\u0e4d\u0e32", "ทำ"),
]
MISTYPE_IDS = ["sara-e-twice", "sara-e-twice-2", "tone-twice", "tone-twice-2", "thanthakhat-twice",
               "tone-before-nikhahit", "tone-between", "tone-after-aa", "nikhahit-aa"]


@pytest.mark.parametrize(("typed", "expected"), MISTYPES, ids=MISTYPE_IDS)
def test_clean_folds_typing_variants(typed, expected):
    assert thai.clean(typed) == expected
    assert thai.name_key(typed) == thai.name_key(expected)


@pytest.mark.parametrize(("typed", "expected"), MISTYPES, ids=MISTYPE_IDS)
def test_pythainlp_normalize_agrees(typed, expected):
    normalize = pytest.importorskip("pythainlp.util").normalize
    assert normalize(typed) == expected == thai.clean(typed)


@given(st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2200, 1, 1),  # noqa: DTZ001
                    timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=7)),
                                               dt.timezone(dt.timedelta(hours=-3, minutes=-30))])))
def test_rfc3339_round_trip_in_whole_seconds(value):
    assert parse_rfc3339(format_rfc3339(value)) == value.replace(microsecond=0)
    assert parse_rfc3339(value.isoformat()) == value


def test_thai_digits_both_ways():
    assert "๒๕๖๗ 12".translate(thai.TO_ARABIC_DIGITS) == "2567 12"
    assert "2567 ๑๒".translate(thai.TO_THAI_DIGITS) == "๒๕๖๗ ๑๒"
    assert thai.to_arabic_digits("๐๑๒๓๔๕๖๗๘๙") == "0123456789"
