"""Read a poster the way a phone does: render each PDF page to PNG (pypdfium2, a wheel: no
Debian program needed) and decode its QR codes with a real decoder (zxing-cpp)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

DPI = 100  # a 6.5 cm code is ~256 px wide: about what a phone camera gets at arm's length


def render_pages(pdf: Path, out_dir: Path, dpi: int = DPI) -> list[Path]:
    import pypdfium2

    out_dir.mkdir(parents=True, exist_ok=True)
    doc = pypdfium2.PdfDocument(str(pdf))
    pages = []
    try:
        for i in range(len(doc)):
            path = out_dir / f"page-{i + 1:03d}.png"
            doc[i].render(scale=dpi / 72).to_pil().save(path)
            pages.append(path)
    finally:
        doc.close()
    return pages


def decode(png: Path) -> list[str]:
    """The text of every QR code in an image, top to bottom, left to right."""
    import zxingcpp
    from PIL import Image

    with Image.open(png) as im:
        found = zxingcpp.read_barcodes(im.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    found = sorted(found, key=lambda b: (round(b.position.top_left.y / 50), b.position.top_left.x))
    return [b.text for b in found]


def qr_pages(pdf: Path, out_dir: Path) -> list[list[str]]:
    """Per page, the links its QR codes hold."""
    return [decode(p) for p in render_pages(pdf, out_dir)]


def query(url: str) -> dict[str, str]:
    """A link's query parameters, decoded (what the Form reads from a pre-filled link)."""
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
