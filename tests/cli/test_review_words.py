"""Review words (contract section 6) through the workbook: each word staff may type in ผลการตรวจ
means what staff mean; two words outside the list change nothing and are shown back on that
report in Thai, naming what was typed (ปัญหา tab, `gsync status --json`), and in the sync log.

The Google Sheet twin is tests/adapters/test_review_words_google.py; both share WORDS below.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from gsync.cli import main
from tests.cli.test_workbench import NOW, master_of, report, rows, status, sync

# (report key, what staff type, the review gsync reads), written by hand from contract section 6.
WORDS = [
    ("เมืองลำปาง|Q1", "ส่งกลับแก้ไข", "returned"),
    ("แม่เมาะ|Q1", "ส่งกลับ", "returned"),
    ("เกาะคา|Q1", "แก้ไข", "returned"),
    ("เสริมงาม|Q1", "ให้แก้ไข", "returned"),
    ("งาว|Q1", "ไม่ผ่าน", "returned"),  # contains ผ่าน: still a return
    ("แจ้ห่ม|Q1", "ตีกลับ", "returned"),
    ("วังเหนือ|Q1", "ไม่อนุมัติ", "returned"),  # contains อนุมัติ
    ("เถิน|Q1", "ผ่าน", "accepted"),
    ("แม่พริก|Q1", "ผ่านแล้ว", "accepted"),
    ("แม่ทะ|Q1", "อนุมัติ", "accepted"),
    ("สบปราบ|Q1", "เรียบร้อย", "accepted"),
    ("ห้างฉัตร|Q1", "✓", "accepted"),
    ("แม่เมาะ|Q2", " ไม่่ผ่าน ", "returned"),  # a tone mark typed twice, spaces around
    # outside the list: nothing changes, and staff are told
    ("เมืองปาน|Q1", "รอตรวจสอบ", None),
    ("เมืองลำปาง|Q2", "ไม่ผ่านครับ", None),  # neither ไม่ผ่าน nor ผ่าน: no substring rule
]
REASON = "ตัวเลขผู้เข้าร่วมไม่ตรงกับแบบฟอร์ม"
UNKNOWN = {"เมืองปาน|Q1": "รอตรวจสอบ", "เมืองลำปาง|Q2": "ไม่ผ่านครับ"}
HINT = ("ไม่ใช่คำที่ระบบรู้จัก จึงยังไม่เปลี่ยนผลการตรวจ: พิมพ์ ผ่าน (หรือ ผ่านแล้ว, อนุมัติ, เรียบร้อย, ✓) "
        "หรือ ส่งกลับแก้ไข (หรือ ส่งกลับ, แก้ไข, ให้แก้ไข, ไม่ผ่าน, ตีกลับ, ไม่อนุมัติ)")


def check(reports: dict[str, dict], problems_tab: list[tuple]) -> None:  # type: ignore[type-arg]
    for key, typed, meant in WORDS:
        r = reports[key]
        assert r["review"] == meant, (key, typed)
        if meant == "returned":
            assert r["review_reason"] == REASON, key
        mine = [p for p in r["problems"] if p["code"] == "unknown_review"]
        if meant is None:
            assert mine == [{"code": "unknown_review", "message": f"ผลการตรวจ “{UNKNOWN[key]}” {HINT}"}], key
        else:
            assert mine == [], key
    head = list(problems_tab[0])
    at = {h: head.index(h) for h in ("อำเภอ", "ไตรมาส", "ประเภทปัญหา", "รายละเอียด", "รหัสปัญหา")}
    shown = sorted((f"{row[at['อำเภอ']]}|Q{row[at['ไตรมาส']]}", row[at["ประเภทปัญหา"]], row[at["รายละเอียด"]])
                   for row in problems_tab[1:] if row[at["รหัสปัญหา"]] == "unknown_review")
    assert shown == sorted((k, "ผลการตรวจอ่านไม่ได้", f"ผลการตรวจ “{t}” {HINT}") for k, t in UNKNOWN.items())


def test_each_review_word_through_the_workbook(tmp_path: Path) -> None:
    import openpyxl

    from gsync import demo

    config, _ = demo.build(tmp_path / "demo")
    sync(config)
    master = master_of(config)
    wb = openpyxl.load_workbook(master)
    ws = wb["รายงาน"]
    head = [str(c.value or "") for c in ws[1]]
    col = next(i for i, h in enumerate(head) if h.startswith("ผลการตรวจ"))
    why = next(i for i, h in enumerate(head) if h.startswith("เหตุผล"))
    typed = {k: t for k, t, _ in WORDS}
    for row in ws.iter_rows(min_row=2):
        if row[0].value in typed:
            row[col].value = typed[row[0].value]
            row[why].value = REASON
    wb.save(master)
    wb.close()

    result = CliRunner().invoke(main, ["sync", "--config", str(config), "--now", NOW], catch_exceptions=False)
    assert result.exit_code in (0, 4), result.output
    warnings = [x for x in result.stderr.splitlines() if "is not a review word" in x]
    assert len(warnings) == 2 and "'รอตรวจสอบ'" in "".join(warnings) and "'ไม่ผ่านครับ'" in "".join(warnings)

    doc = status(config)
    reports = {f"{r['district']}|Q{r['quarter']}": r for r in doc["reports"]}
    check(reports, rows(master, "ปัญหา"))
    sync(config)  # a second sync: still read the same, nothing doubled
    check({f"{r['district']}|Q{r['quarter']}": r for r in status(config)["reports"]}, rows(master, "ปัญหา"))
    _ = report  # the shared helper, kept importable for the Google twin
