"""What kind of file is this? Magic bytes first, the file name's extension second.

`sniff` never raises and never opens more than the zip directory (or the OLE2 directory).
"""

from __future__ import annotations

import codecs
import io
import zipfile

from gsync.vocab import IMAGE_EXTENSIONS as _IMAGE_EXT

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_XLSX_EXT = {"xlsx", "xlsm", "xltx", "xltm"}
_TEXT_EXT = {"csv", "tsv", "txt"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}


def extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower().strip() if "." in base else ""


def is_image_bytes(data: bytes) -> bool:
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):  # JPEG
        return True
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return True
    if head.startswith((b"GIF87a", b"GIF89a")):
        return True
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return True
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:  # HEIC / HEIF / AVIF
        return True
    if head.startswith((b"II*\x00", b"MM\x00*")):  # TIFF
        return True
    return head.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\x00\x00\x00\x00"  # BMP


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x00").startswith(b"%PDF")


def zip_names(data: bytes) -> list[str] | None:
    """The member names of a zip, or None when the zip directory cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return zf.namelist()
    except Exception:  # noqa: BLE001 - any damage means "not a readable zip"
        return None


def looks_utf16le(data: bytes) -> bool:
    """UTF-16 LE without a BOM: the high bytes are 0x00 (ASCII) or 0x0E (Thai)."""
    high = data[1:8192:2]
    if len(high) < 2 or 0 not in high:
        return False
    return high.count(0) + high.count(0x0E) > len(high) * 0.9


def decode_text(data: bytes, *, cut: bool = False) -> str:
    """The text of a CSV (or any text file) as districts and Google send it; the one decoder.

    UTF-8 with or without a BOM, UTF-16 with a BOM, UTF-16 LE without one (Excel's "Unicode
    text"), else TIS-620 / cp874, the old Thai Windows encoding. A BOM settles the encoding, so
    a damaged byte after it becomes U+FFFD instead of turning the file into cp874. `cut`: the
    bytes are the head of a longer file, so a character cut at the end is dropped, not taken
    as a sign of cp874.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", "replace", final=not cut)  # a download cut short: odd length
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8):], "utf-8", "replace", final=not cut)
    if looks_utf16le(data):  # before UTF-8: Thai in UTF-16 LE is all bytes below 0x80
        return data[: len(data) - len(data) % 2].decode("utf-16-le", errors="replace")
    try:
        return _decode(data, "utf-8", "strict", final=not cut)
    except UnicodeDecodeError:
        return data.decode("cp874", errors="replace")


def _decode(data: bytes, encoding: str, errors: str, *, final: bool) -> str:
    return codecs.getincrementaldecoder(encoding)(errors).decode(data, final=final)


def looks_like_text(data: bytes, *, tolerance: float = 0.005) -> bool:
    """True when the bytes decode as text a person could have typed (for CSV).

    At most `tolerance` of the characters may be control characters or undecodable bytes.
    """
    if not data:
        return False
    sample = data[:65536]
    text = decode_text(sample, cut=len(sample) == 65536)
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\f\v") or ch == "\ufffd")
    return bad <= max(1, int(len(text) * tolerance))


def is_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and (
        b"<html" in head or b"<table" in head or b"<workbook" in head or b"urn:schemas" in head
    )


def sniff(name: str, data: bytes) -> str:
    """One of "xlsx", "xls", "docx", "csv", "pdf", "image", "other"."""
    ext = extension(name)
    if data.startswith(ZIP_MAGICS):
        names = zip_names(data)
        if names is not None:
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if any(n.startswith("word/") for n in names):
                return "docx"
            return "other"
        # a damaged zip: the local headers at the start still name the parts
        head = data[:65536]
        if b"xl/" in head or ext in _XLSX_EXT:
            return "xlsx"
        if b"word/" in head or ext == "docx":
            return "docx"
        return "other"
    if data.startswith(OLE2_MAGIC):
        # Excel 97-2003, or an encrypted xlsx; a .doc/.ppt is still "other"
        return "other" if ext in {"doc", "dot", "ppt", "pps", "msg", "msi"} else "xls"
    if is_pdf(data):
        return "pdf"
    if is_image_bytes(data):
        return "image"
    if ext in _IMAGE_EXT:
        return "image"
    if ext == "pdf":
        return "pdf"
    if is_html(data):
        return "other"
    if looks_like_text(data, tolerance=0.1 if ext in _TEXT_EXT else 0.005):
        return "csv"
    return "other"


def ole_stream_names(data: bytes) -> set[str] | None:
    """The stream and storage names inside an OLE2 container, or None when it is damaged."""
    try:
        from xlrd import compdoc

        cd = compdoc.CompDoc(data, logfile=io.StringIO())
        return {d.name for d in cd.dirlist if d.name}
    except Exception:  # noqa: BLE001 - a damaged container: the caller falls back to a byte search
        return None


def ole_is_encrypted_package(data: bytes) -> bool:
    """An OLE2 file holding `EncryptionInfo`/`EncryptedPackage`: a password-protected xlsx/docx."""
    names = ole_stream_names(data)
    if names is not None:
        return "EncryptedPackage" in names or "EncryptionInfo" in names
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data
