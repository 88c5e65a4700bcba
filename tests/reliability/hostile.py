"""Hostile and broken files, built in the test run (nothing big is kept in the repository)."""

from __future__ import annotations

import csv
import io
import struct
import zipfile

from gsync import synth
from tests.unit.parse_fixtures import zip_bomb  # noqa: F401 - shared with the parser tests

from .support import district_rows, patch_zip, report_xlsx

# --- zip containers ---------------------------------------------------------------------------


def corrupt_xlsx(district: str, quarter: int) -> bytes:
    """A real report cut in half (an interrupted upload): zip magic, no central directory."""
    data = report_xlsx(district, quarter, 7)
    return data[: len(data) // 2]




def with_control_characters(data: bytes) -> bytes:
    """Every text cell of an xlsx prefixed with U+0001, U+0007 and ESC, the way the file format
    stores them (`_x0001_`: the escape Excel writes; raw control characters are not valid XML)."""
    import re

    def sub(xml: bytes) -> bytes:
        return re.sub(rb"(<t(?: [^>]*)?>)", rb"\1_x0001__x0007__x001B_", xml)

    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    return patch_zip(data, {n: sub for n in names if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"})


def xlsm(district: str, quarter: int) -> bytes:
    """The district's report as a macro-enabled workbook with a VBA project part."""

    def types(xml: bytes) -> bytes:
        xml = xml.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        return xml.replace(
            b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
        )

    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = \"Module1\"\r\nSub Auto_Open()\r\nShell \"calc.exe\"\r\nEnd Sub\r\n"
    return patch_zip(report_xlsx(district, quarter, 8), {"[Content_Types].xml": types, "xl/vbaProject.bin": vba})


def million_rows(district: str, rows: int = 1_000_000) -> bytes:
    """A report whose one sheet has `rows` activity rows, streamed straight into the sheet XML
    (openpyxl would take minutes). Shared strings keep it under the unzip cap (~190 MB of XML):
    this is a huge sheet, not a zip bomb."""
    tambon = district_rows(district, 1, 3)[0].tambon
    strings = ["อำเภอ", district, "ไตรมาสที่", *synth.TEMPLATE_HEADERS[:9], tambon,
               "ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบล" + tambon, "กิจกรรมจิตอาสา", "3.1", "ขายขยะแลกทอง", "15/11/2567", "ศาลา"]
    sst = "".join(f"<si><t>{t}</t></si>" for t in strings)
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            "</Types>"))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}">'
            '<sheets><sheet name="รายงาน" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        zf.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {ns}>{sst}</sst>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            # the <dimension> Excel always writes (without it openpyxl's read-only open scans the
            # whole sheet once just to look for it: ~30 s for this one, see docs/reliability.md)
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><dimension ref="A1:L{rows + 2}"/><sheetData>'.encode())
            f.write(b'<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c><c t="s"><v>2</v></c><c><v>1</v></c></row>')
            f.write(('<row r="2">' + "".join(f'<c t="s"><v>{3 + i}</v></c>' for i in range(9)) + "</row>").encode())
            cells = "".join(f'<c t="s"><v>{12 + i}</v></c>' for i in range(7)) + "<c><v>20</v></c></row>"
            chunk = 20_000
            for lo in range(1, rows + 1, chunk):
                f.write("".join(f'<row><c><v>{i}</v></c>{cells}' for i in range(lo, min(lo + chunk, rows + 1))).encode())
            f.write(b"</sheetData></worksheet>")
    return out.getvalue()


# --- OLE2: a password-protected workbook ----------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREE, _END, _FAT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, _NOSTREAM, right, child, b"\x00" * 16,
                       0, 0, 0, start, size)


def cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors) with `streams` in the root storage.
    Streams are padded to 4096 bytes so they live in regular sectors (no mini stream)."""
    sector = 512
    bodies = [data.ljust(max(4096, -(-len(data) // sector) * sector), b"\x00") for data in streams.values()]
    n_dir = -(-(len(streams) + 1) // 4)
    fat: list[int] = [_FAT] + [i + 2 if i + 1 < n_dir else _END for i in range(n_dir)]
    starts = []
    for body in bodies:
        first, count = len(fat), len(body) // sector
        starts.append(first)
        fat += [first + i + 1 if i + 1 < count else _END for i in range(count)]
    assert len(fat) <= sector // 4
    fat += [_FREE] * (sector // 4 - len(fat))
    entries = [_dir_entry("Root Entry", 5, _NOSTREAM, 1 if streams else _NOSTREAM, _END, 0)]
    for i, (name, body) in enumerate(zip(streams, bodies, strict=True), 1):
        entries.append(_dir_entry(name, 2, i + 1 if i < len(streams) else _NOSTREAM, _NOSTREAM, starts[i - 1], len(body)))
    while len(entries) < n_dir * 4:
        entries.append(_dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0))
    header = (OLE2_MAGIC + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *([_FREE] * 108)))
    return header + struct.pack(f"<{sector // 4}I", *fat) + b"".join(entries) + b"".join(bodies)


def encrypted_xlsx() -> bytes:
    """What Excel saves for a workbook with a password: OLE2 with EncryptionInfo + EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>'
    package = struct.pack("<Q", 8192) + bytes(range(256)) * 16
    return cfb({"EncryptionInfo": info, "EncryptedPackage": package})


# --- CSV ---------------------------------------------------------------------------------------


def report_csv_text(district: str, quarter: int, seed: int, *, mangle=None) -> str:  # type: ignore[no-untyped-def]
    """The template as a CSV (what a district exports from Google Sheets or LibreOffice)."""
    rows: list[list[str]] = [["อำเภอ", district, "จังหวัด", "ลำปาง", "ไตรมาสที่", str(quarter)], synth.TEMPLATE_HEADERS]
    for i, r in enumerate(district_rows(district, quarter, seed), 1):
        row = [str(i), r.tambon, r.centre, r.name, r.group, r.mission, f"{r.date.day}/{r.date.month}/{r.date.year + 543}",
               r.place, str(r.participants), ", ".join(r.sectors), "" if r.budget is None else str(r.budget), r.result]
        rows.append(mangle(row) if mangle else row)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()
