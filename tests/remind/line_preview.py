"""Draw gsync's LINE messages as a phone shows them: the chat list's preview (the first lines of
the text, cut) and the message bubble (plain text, wrapped between Thai words). For looking at
the texts (docs/receipt-line.png), and for the test that the preview carries the verdict.

    .venv/bin/python -m tests.remind.line_preview docs/receipt-line.png

Needs Pillow with raqm (Thai shaping) and the Sarabun font of the poster extra.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from gsync import thaiwrap

SCALE = 2  # a 390-pt wide phone at 2x
W = 390 * SCALE
PREVIEW_CHARS = 44  # what a chat-list row shows of a message on a 390-pt phone, about two short Thai lines
GREEN, GREY, INK, MUTED, BG = (6, 199, 85), (234, 236, 240), (17, 17, 17), (120, 124, 130), (140, 171, 216)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    import fontpkg_sarabun  # type: ignore[import-untyped]

    files = Path(fontpkg_sarabun.__file__).parent / "files"
    return ImageFont.truetype(str(files / ("Sarabun-Bold.ttf" if bold else "Sarabun-Regular.ttf")), size * SCALE,
                              layout_engine=ImageFont.Layout.RAQM)


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """The chat list's one-line preview: LINE shows the text with line breaks as spaces, cut."""
    flat = " ".join(text.split("\n"))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def wrap(text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        # Thai runs break between words; a link or any other non-Thai run is never cut inside
        tokens = [w for chunk in para.split(" ") for w in ([*thaiwrap.words(chunk), " "] if thaiwrap._THAI.search(chunk)
                                                         else [chunk, " "])][:-1]
        for word in [piece for t in tokens for piece in _fit(t, f, width)]:
            if f.getlength(line + word) <= width or not line:
                line += word
            else:
                out.append(line.rstrip())
                line = word.lstrip()
        out.append(line)
    return out


def _fit(token: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """A token wider than the bubble (a long link) cut where it must, as LINE does."""
    out = [""]
    for ch in token:
        if out[-1] and f.getlength(out[-1] + ch) > width:
            out.append("")
        out[-1] += ch
    return out


def render(messages: Sequence[tuple[str, str]], path: Path, sender: str = "สนง.พัฒนาชุมชนจังหวัดลำปาง") -> None:
    """`messages`: (when, text), oldest first. Top: the phone's notifications (newest first: the
    sender and the first characters of each text); below: the bubbles of the chat."""
    regular, small, bold = font(15), font(12), font(15, bold=True)
    pad, bubble_w = 16 * SCALE, 280 * SCALE
    rows = [(t, preview(x)) for t, x in reversed(messages)]
    bubbles = [(t, wrap(x, regular, bubble_w - 24 * SCALE)) for t, x in messages]
    line_h = 22 * SCALE
    height = pad + 30 * SCALE + len(rows) * 64 * SCALE + 30 * SCALE
    height += sum(len(lines) * line_h + 40 * SCALE for _, lines in bubbles) + pad
    img = Image.new("RGB", (W, height), "white")
    d = ImageDraw.Draw(img)
    y = pad
    d.text((pad, y), "การแจ้งเตือนบนหน้าจอโทรศัพท์", font=bold, fill=INK)
    y += 30 * SCALE
    for t, p in rows:
        d.ellipse((pad, y + 6 * SCALE, pad + 44 * SCALE, y + 50 * SCALE), fill=GREEN)
        d.text((pad + 56 * SCALE, y + 4 * SCALE), sender, font=bold, fill=INK)
        d.text((W - pad, y + 6 * SCALE), t, font=small, fill=MUTED, anchor="ra")
        d.text((pad + 56 * SCALE, y + 28 * SCALE), p, font=small, fill=MUTED)
        y += 64 * SCALE
    d.rectangle((0, y, W, height), fill=BG)
    y += 14 * SCALE
    d.text((pad, y), "ห้องแชต LINE", font=small, fill=(255, 255, 255))
    y += 20 * SCALE
    for t, lines in bubbles:
        h = len(lines) * line_h + 20 * SCALE
        d.rounded_rectangle((pad, y, pad + bubble_w, y + h), radius=14 * SCALE, fill="white")
        for i, line in enumerate(lines):
            d.text((pad + 12 * SCALE, y + 10 * SCALE + i * line_h), line, font=regular, fill=INK)
        d.text((pad + bubble_w + 6 * SCALE, y + h - 16 * SCALE), t, font=small, fill=(255, 255, 255))
        y += h + 20 * SCALE
    img.save(path)


def sample() -> list[tuple[str, str]]:
    """The receipts and the summary of tests/remind (texts written by hand there)."""
    import tempfile

    from gsync.remind.plan import plan
    from tests.remind.support import at, settings
    from tests.remind.test_catch_up import CONTACTS, items
    from tests.remind.test_quarter import MAETHA_FIXED, MAETHA_PROBLEM

    s = settings(Path(tempfile.mkdtemp()), line_url="http://127.0.0.1:9", districts=CONTACTS)
    summary = next(m.body for m in plan(s, items(), at(2025, 1, 20, 9)) if m.kind == "summary")
    summary = summary.replace(str(s.sheet.path), "https://docs.google.com/spreadsheets/d/1LampangMaster/edit")
    return [("13 ธ.ค. 10:00", MAETHA_PROBLEM), ("17 ธ.ค. 09:00", MAETHA_FIXED), ("20 ม.ค. 09:00", summary)]


if __name__ == "__main__":
    render(sample(), Path(sys.argv[1] if len(sys.argv) > 1 else "receipt-line.png"))
