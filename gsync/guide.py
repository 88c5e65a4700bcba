"""The staff guide as a printable A4 PDF: docs/staff-guide.th.md typeset with the poster's stack.

    python -m gsync.guide docs/staff-guide.th.md --out docs/staff-guide.th.pdf [--png page1.png]

The Markdown is the source; the PDF is the same text on paper, for staff who print it. Only the
little Markdown the guide uses is understood: `#`, `##` and `###` headings, paragraphs, `-` and
`1.` lists, and tables (`| a | b |`). A table cell whose text is a status of the master's legend
is filled with that status's colour, as on the tab สถานะรายงาน. Typesetting is the poster's:
fpdf2 with HarfBuzz shaping for Thai marks, the Sarabun font, and PyThaiNLP's word breaks
(`thaiwrap`), since Thai writes no spaces between words. Body text is 11 pt, nothing is under
10 pt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gsync.atomic import atomic_write
from gsync.master.tables import STATUS_COLOURS

A4_W, A4_H, MARGIN = 210.0, 297.0, 15.0
BODY, SMALL = 11.0, 10.0  # pt: body text; tables and the footer
SIZES = {1: 17.0, 2: 14.0, 3: 12.0}  # headings
ACCENT, INK, GREY = (22, 72, 140), (20, 20, 20), (95, 95, 95)
FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # the PDF's own date: rebuilding changes no byte
PT = 0.3528  # mm per point


@dataclass
class Block:
    kind: str  # heading | para | bullet | number | table
    text: str = ""
    level: int = 0  # a heading's level; a numbered item's number
    rows: list[list[str]] = field(default_factory=list)


def parse(markdown: str) -> list[Block]:
    """The guide's Markdown as blocks, in order."""
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(para)))
            para.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        heading = re.match(r"(#{1,3}) (.+)", line)
        item = re.match(r"(?:- |(\d+)\. )(.+)", line)
        if not line:
            flush()
        elif heading:
            flush()
            blocks.append(Block("heading", heading.group(2), level=len(heading.group(1))))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue  # the separator under the header row
            if not blocks or blocks[-1].kind != "table":
                blocks.append(Block("table"))
            blocks[-1].rows.append(cells)
        elif item:
            flush()
            number = item.group(1)
            blocks.append(Block("number" if number else "bullet", item.group(2), level=int(number or 0)))
        elif blocks and blocks[-1].kind in ("bullet", "number") and not para and raw.startswith("  "):
            blocks[-1].text += " " + line  # a list item's continuation line
        else:
            para.append(line)
    flush()
    return blocks


def _check_mark_font(folder: Path) -> Path:
    """A one-glyph TrueType font holding ✓ and ✔, which Sarabun lacks: the master's mark
    ("ยกเว้น (ใส่ ✓)") must print. Drawn here so the PDF needs no system font."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((300, 90))
    for point in ((60, 360), (150, 450), (300, 290), (640, 700), (730, 610)):
        pen.lineTo(point)
    pen.closePath()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "check"])
    builder.setupCharacterMap({0x2713: "check", 0x2714: "check"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "check": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "check": (800, 60)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "GsyncCheck", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    path = folder / "gsync-check.ttf"
    builder.save(str(path))
    return path


def status_colour(text: str) -> tuple[int, int, int] | None:
    """The fill of a legend status cell (the master's colours), or None for any other text."""
    labels = {"ยังไม่ส่ง (เลยกำหนด)", "ส่งกลับแก้ไข", "ส่งแก้ไขแล้ว รอตรวจ", "ส่งล่าช้า", "ไม่ครบถ้วน",
              "ผ่านการตรวจ", "ส่งตรงเวลา", "ได้รับการยกเว้น", "ยังไม่ถึงกำหนด"}
    if text not in labels:
        return None
    hex_colour = next(c for words, c in STATUS_COLOURS if words in text)
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


class _Guide:
    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        from gsync import poster, thaiwrap

        self.breaks = thaiwrap.soft_breaks
        self.title = title
        guide = self

        class _PDF(FPDF):  # type: ignore[misc]
            def footer(self) -> None:
                self.set_y(-14)
                self.set_font("Sarabun", "", SMALL)
                self.set_text_color(*GREY)
                self.cell(0, 5, guide.breaks(f"{guide.title}   หน้า {self.page_no()}/{{nb}}"), align="R")
                self.set_text_color(*INK)

        pdf = _PDF(orientation="P", unit="mm", format="A4")
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=18)
        pdf.set_creator("gsync")
        pdf.set_title(title)
        pdf.set_lang("th")
        pdf.set_creation_date(FIXED_DATE)
        for style, path in poster._font_files().items():
            pdf.add_font("Sarabun", style, path)
        self.folder = tempfile.TemporaryDirectory()  # HarfBuzz reads the font file until output()
        pdf.add_font("GsyncCheck", "", str(_check_mark_font(Path(self.folder.name))))
        pdf.set_fallback_fonts(["GsyncCheck"], exact_match=False)
        pdf.set_text_shaping(True)
        pdf.add_page()
        self.pdf = pdf

    @property
    def width(self) -> float:
        return A4_W - 2 * MARGIN

    def paragraph(self, text: str, size: float = BODY, *, bold: bool = False, indent: float = 0.0,
                  colour: tuple[int, int, int] = INK, after: float = 1.8) -> None:
        pdf = self.pdf
        pdf.set_font("Sarabun", "B" if bold else "", size)
        pdf.set_text_color(*colour)
        pdf.set_x(MARGIN + indent)
        pdf.multi_cell(self.width - indent, size * PT * 1.5, self.breaks(text), align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.ln(after)

    def heading(self, block: Block) -> None:
        size = SIZES[block.level]
        room = 80 if block.level == 2 else 45  # a heading (and the table under it) starts a page
        if self.pdf.get_y() > A4_H - room:  # rather than sit alone at its foot
            self.pdf.add_page()
        if block.level > 1:
            self.pdf.ln(2.5 if block.level == 2 else 1)
        self.paragraph(block.text, size, bold=True, colour=ACCENT if block.level < 3 else INK, after=1.2)

    def item(self, block: Block) -> None:
        mark = "•" if block.kind == "bullet" else f"{block.level}."
        pdf = self.pdf
        pdf.set_font("Sarabun", "", BODY)
        y = pdf.get_y()
        if y > A4_H - 30:
            pdf.add_page()
            y = pdf.get_y()
        pdf.set_xy(MARGIN + 1.5, y)
        pdf.cell(5, BODY * PT * 1.5, mark)
        pdf.set_xy(MARGIN, y)
        self.paragraph(block.text, indent=7, after=0.8)

    def table(self, block: Block) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        widths = _column_widths(block.rows)
        pdf.set_font("Sarabun", "", SMALL)
        with pdf.table(col_widths=widths, width=self.width, text_align="LEFT", line_height=SMALL * PT * 1.45,
                       headings_style=FontFace(emphasis="BOLD", fill_color=(225, 232, 242)),
                       padding=(0.8, 1.2), borders_layout="HORIZONTAL_LINES") as table:
            for cells in block.rows:
                row = table.row()
                for text in cells:
                    fill = status_colour(text)
                    row.cell(self.breaks(text), style=FontFace(fill_color=fill) if fill else None)
        pdf.ln(3)

    def render(self, blocks: list[Block]) -> bytes:
        for i, block in enumerate(blocks):
            if i and blocks[i - 1].kind in ("bullet", "number") and block.kind not in ("bullet", "number"):
                self.pdf.ln(1.5)  # a list ends with a little air
            if block.kind == "heading":
                self.heading(block)
            elif block.kind == "para":
                self.paragraph(block.text)
            elif block.kind in ("bullet", "number"):
                self.item(block)
            else:
                self.table(block)
        try:
            return bytes(self.pdf.output())
        finally:
            self.folder.cleanup()


def _column_widths(rows: list[list[str]]) -> list[float]:
    """Columns share the width by how much text they hold, none narrower than a short word."""
    longest = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(len(rows[0]))]
    return [max(n, 10) ** 0.8 for n in longest]


def render(markdown: str) -> bytes:
    """The guide's PDF bytes: A4 portrait, Thai shaped, the same text as the Markdown."""
    blocks = parse(markdown)
    title = next((b.text for b in blocks if b.kind == "heading"), "คู่มือ")
    return _Guide(title.split(":")[0]).render(blocks)


def render_png(pdf: bytes, out: Path, page: int = 0, dpi: int = 110) -> None:
    """One page of the PDF as a PNG (pypdfium2), to look at or to show in the docs."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    document[page].render(scale=dpi / 72).to_pil().save(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gsync.guide", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the guide in Markdown, e.g. docs/staff-guide.th.md")
    parser.add_argument("--out", type=Path, required=True, help="the PDF to write")
    parser.add_argument("--png", type=Path, help="also write page 1 as a PNG (needs pypdfium2)")
    args = parser.parse_args(argv)
    from gsync import poster

    poster.require_extra()
    pdf = render(args.source.read_text(encoding="utf-8"))
    atomic_write(args.out, pdf)
    print(f"wrote {args.out}")
    if args.png:
        render_png(pdf, args.png)
        print(f"wrote {args.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
