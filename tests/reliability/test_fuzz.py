"""Property tests at the pipeline's edges: whatever bytes and names arrive, the parser returns a
ParsedFile (never raises); normalizing text twice equals once; masking leaves no email or phone
in clear; the Form CSV reader gives responses or a run-stopping GsyncError, never a crash."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gsync import parse, thai
from gsync.config import parse_settings
from gsync.errors import GsyncError
from gsync.models import ParsedFile
from gsync.sources.forms_csv import CsvFormSource

from .support import build, cli_process

SETTINGS = parse_settings({
    "province": {"name": "ลำปาง", "fiscal_year": 2568},
    "districts": [{"name": "แจ้ห่ม", "tambons": ["แจ้ห่ม", "บ้านสา"]}],
    "drive": {"path": "inbox"}, "sheet": {"path": "master.xlsx"},
    "limits": {"max_rows": 200, "max_cell_chars": 500, "max_unzipped_bytes": 5_000_000},
})
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

thai_text = st.lists(st.one_of(
    st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F),  # Thai
    st.characters(codec="utf-8"),
    st.sampled_from(["\u200b", "\u202e", "\ufeff", "\u00a0", " ", "\t", "\n", "\x00", "\u0e4d\u0e32", "\u00b4"]),
), max_size=60).map("".join)
names = st.builds(
    lambda stem, ext: stem + ext,
    thai_text,
    st.sampled_from(["", ".xlsx", ".xlsm", ".xls", ".csv", ".docx", ".doc", ".pdf", ".jpg", ".txt", ".XLSX", "."]),
)
MAGICS = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
          b"%PDF-1.4", b"\xff\xd8\xff", b"<html>", b"<?xml version='1.0'?>"]
blobs = st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGICS), st.binary(max_size=2048))


@st.composite
def zips(draw: st.DrawFn) -> bytes:
    """Random zips that look like xlsx/docx from the outside: random members under xl/ or word/."""
    out = io.BytesIO()
    members = draw(st.lists(st.tuples(
        st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                         "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels", "word/document.xml", "_rels/.rels"]),
        st.one_of(st.binary(max_size=512), st.just(b"<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>")),
    ), max_size=6, unique_by=lambda m: m[0]))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members:
            zf.writestr(name, body)
    data = out.getvalue()
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    return data if draw(st.booleans()) else data[:cut]


@FAST
@given(name=names, data=st.one_of(blobs, zips()))
def test_parse_file_never_raises(name: str, data: bytes) -> None:
    parsed = parse.parse_file(name, data, SETTINGS)
    assert isinstance(parsed, ParsedFile)
    ParsedFile.model_validate_json(parsed.model_dump_json())  # and it can be kept in the state


@settings(max_examples=300, deadline=None)
@given(thai_text)
def test_clean_is_idempotent(text: str) -> None:
    once = thai.clean(text)
    assert thai.clean(once) == once
    assert "\n" not in once and "\u200b" not in once and "\x00" not in once


@settings(max_examples=150, deadline=None)
@given(thai_text)
def test_name_key_is_stable_under_clean(text: str) -> None:
    assert thai.name_key(thai.clean(text)) == thai.name_key(text)


local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=20).filter(
    lambda s: s[0].isalnum() and s[-1].isalnum() and ".." not in s)
emails = st.builds(lambda u, d: f"{u}@{d}.go.th", local, st.sampled_from(["example", "cdd", "moi-lampang"]))
phones = st.builds(
    lambda p, a, b, sep: f"0{p}{a[:1]}{sep}{a[1:]}{sep}{b}",
    st.sampled_from(["8", "9", "6"]), st.from_regex(r"[0-9]{4}", fullmatch=True), st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.sampled_from(["-", " ", ""]),
)


@settings(max_examples=150, deadline=None)
@given(email=emails, phone=phones, before=thai_text, after=thai_text)
def test_mask_pii_leaves_no_email_or_phone_in_clear(email: str, phone: str, before: str, after: str) -> None:
    text = f"{before} ติดต่อ {email} โทร {phone} {after}"
    masked = thai.mask_pii(text)
    assert email not in masked
    assert phone not in masked
    assert thai.mask_pii(masked) == masked


@st.composite
def form_csv(draw: st.DrawFn) -> bytes:
    """The demo's Form CSV header with random rows: random timestamps, answers, links."""
    header = ["ประทับเวลา", "ที่อยู่อีเมล", "อำเภอ", "ไตรมาส", "ชื่อ-สกุล ผู้รายงาน", "ตำแหน่ง", "เบอร์โทรศัพท์",
              "จำนวนศูนย์ที่ดำเนินกิจกรรมในไตรมาสนี้ (แห่ง)", "จำนวนกิจกรรมที่ดำเนินการ (ครั้ง)",
              "จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)", "แนบแบบรายงานผลการดำเนินงาน", "แนบภาพถ่ายกิจกรรม",
              "ปัญหา/อุปสรรค", "ข้อเสนอแนะ"]
    stamp = st.one_of(st.sampled_from(["2024/12/10 9:10:05 AM GMT+7", "13/12/2567 11:20:00", "12/12/2024, 16:05:00"]),
                      thai_text)
    cell = st.one_of(thai_text, st.just("https://drive.google.com/open?id=1AbCdEfGhIjKlMn"))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 2), max_size=5))
    rows = [[draw(stamp), *r] for r in rows]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    return buf.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), errors="replace")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=form_csv())
def test_form_csv_gives_responses_or_a_clear_error(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_bytes(data)
    source = CsvFormSource(path, SETTINGS.form.questions if SETTINGS.form else _questions(), SETTINGS.tz)
    try:
        source.responses()
    except GsyncError as e:
        assert str(e)


def _questions() -> dict[str, str]:
    from gsync import vocab

    return dict(vocab.FORM_QUESTIONS)


def test_truncated_utf16_form_csv_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    settings_ = build(tmp_path / "province")
    path = settings_.form.csv
    data = path.read_text(encoding="utf-8-sig").encode("utf-16")
    path.write_bytes(data[:-1])
    proc = cli_process(settings_, "sync")
    assert proc.returncode in (1, 4)
    assert "Traceback" not in proc.stderr, proc.stderr[-400:]
