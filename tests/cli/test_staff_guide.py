"""The Thai staff guide keeps its promises: it names every tab of the master, every column staff type
into, every status and its colour; and docs/staff-guide.th.pdf is that text on A4, Thai shaped,
nothing under 10 pt, nothing past the margins, no character the fonts lack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gsync import guide, poster
from gsync.master import collection_tabs, tables

pdfium = pytest.importorskip("pypdfium2")
pdfium_raw = pytest.importorskip("pypdfium2.raw")

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "docs" / "staff-guide.th.md"
PDF = ROOT / "docs" / "staff-guide.th.pdf"
TEXT = SOURCE.read_text(encoding="utf-8")
MM = 72 / 25.4  # points per mm


def _tabs() -> list[str]:
    names = {v for k, v in vars(tables).items() if k.startswith("TAB_") and isinstance(v, str)}
    names |= {v for k, v in vars(collection_tabs).items() if k.startswith("TAB_") and isinstance(v, str)}
    return sorted(names)


def _table_rows(heading: str) -> list[list[str]]:
    section = TEXT.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ") and not line.startswith("|---")]


@pytest.mark.parametrize("tab", _tabs())
def test_the_guide_says_what_each_tab_is_for(tab: str) -> None:
    assert tab in [row[0] for row in _table_rows("แต่ละแท็บมีไว้ทำอะไร")], f"no row for the tab {tab}"


@pytest.mark.parametrize("column", [tables.EXCUSED, tables.REVIEW, tables.REASON, tables.NOTE, tables.ACCEPT,
                                    tables.PLACE_DISTRICT, tables.PLACE_QUARTER])
def test_the_guide_says_what_to_type_in_each_yellow_column(column: str) -> None:
    assert column in [row[0] for row in _table_rows("ช่องสีเหลือง")], f"no row for the column {column}"


@pytest.mark.parametrize("label", [label for label, _ in tables.LEGEND])
def test_the_guide_says_what_each_colour_means(label: str) -> None:
    rows = _table_rows("สีแต่ละสีหมายถึงอะไร")
    assert label in [row[1] for row in rows], f"no row for the status {label}"
    assert guide.status_colour(label) is not None  # and the PDF fills it with the master's colour


def test_the_guide_shows_how_to_excuse_return_accept_and_place() -> None:
    for words in ("### ยกเว้นรายงาน", "### ส่งกลับให้อำเภอแก้ไข", "### ตรวจผ่าน", "### ระบุไฟล์ที่ระบบระบุไม่ได้",
                  "### ยอมรับผู้ส่งที่ไม่อยู่ในรายชื่อ", "## อำเภอจะได้รับการแจ้งเตือนอะไรบ้าง",
                  f"เลือก {tables.RETURN}", f"เลือก {tables.PASS}"):
        assert words in TEXT


def test_every_character_of_the_guide_has_a_glyph() -> None:
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for path in poster._font_files().values():
        covered |= set(TTFont(path).getBestCmap())
    covered |= {0x2713, 0x2714}  # drawn by gsync.guide's own check-mark font
    lacking = sorted({ch for ch in TEXT if not ch.isspace() and ord(ch) not in covered})
    assert not lacking, f"the fonts have no glyph for {lacking}: they would print as nothing"


def _pages(pdf: bytes) -> list[tuple[str, list[tuple[str, float, tuple[float, float, float, float]]], tuple[float, float]]]:
    """Per page: its text, each visible character with its font size and box, the page size (pt)."""
    out = []
    document = pdfium.PdfDocument(pdf)
    for page in document:
        text = page.get_textpage()
        chars = []
        for i in range(text.count_chars()):
            ch = text.get_text_range(i, 1)
            if ch.strip() and ch != "\u200b":
                chars.append((ch, pdfium_raw.FPDFText_GetFontSize(text.raw, i), text.get_charbox(i)))
        out.append((text.get_text_range(), chars, page.get_size()))
    return out


@pytest.fixture(scope="module")
def committed() -> list:  # type: ignore[type-arg]
    return _pages(PDF.read_bytes())


def test_the_pdf_is_built_from_the_markdown_as_it_is_now(committed: list) -> None:  # type: ignore[type-arg]
    fresh = _pages(guide.render(TEXT))
    flat = [re.sub(r"\s", "", page[0]) for page in committed]
    assert flat == [re.sub(r"\s", "", page[0]) for page in fresh], (
        "docs/staff-guide.th.pdf is not the text of docs/staff-guide.th.md: rebuild it with "
        "python -m gsync.guide docs/staff-guide.th.md --out docs/staff-guide.th.pdf --png docs/staff-guide-page1.png")


def test_the_pdf_is_a4_and_readable_on_paper(committed: list) -> None:  # type: ignore[type-arg]
    assert 2 <= len(committed) <= 6
    for number, (_, chars, (width, height)) in enumerate(committed, start=1):
        assert (round(width / MM), round(height / MM)) == (210, 297)
        small = {ch for ch, size, _ in chars if size < 10}
        assert not small, f"page {number}: text under 10 pt: {sorted(small)[:10]}"
        outside = [ch for ch, _, (left, bottom, right, top) in chars
                   if left < 14 * MM or right > width - 14 * MM or bottom < 8 * MM or top > height - 10 * MM]
        assert not outside, f"page {number}: text past the margins: {outside[:10]}"
