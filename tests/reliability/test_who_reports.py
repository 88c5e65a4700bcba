"""Who may report: a respondent not on the district's list does not count until staff accept
the response in the master; a file that names another district than its folder is a problem,
never a silent choice."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .support import (
    ACCEPT,
    TAB_PROBLEMS,
    TAB_RESPONSES,
    Tabs,
    at,
    build,
    check_others_unchanged,
    cli_sync,
    column,
    data_rows,
    measure,
    problem_rows,
    put,
    report_of,
    report_xlsx,
    run_sync,
    set_cell,
    status,
    statuses,
    tabs,
)


def codes(report: dict) -> set[str]:
    return {p["code"] for p in report["problems"]}


def response_row(t: Tabs, email: str) -> tuple:
    tab = t[TAB_RESPONSES]
    e = column(tab, "อีเมล")
    return next(r for r in data_rows(tab) if r[e] == email)


def add_responses(settings, rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    path = settings.form.csv
    text = path.read_text(encoding="utf-8-sig")
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(text + buf.getvalue(), encoding="utf-8-sig")


def form_row(when: str, email: str, district: str, quarter_choice: str, reporter: str = "นายทดสอบ ระบบ") -> list[str]:
    return [when, email, district, quarter_choice, reporter, "นักวิชาการพัฒนาชุมชน", "0812345678", "10", "20", "500",
            "", "", "", ""]


Q2 = "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)"


def test_unauthorized_respondent_counts_only_after_staff_accept(tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    run_sync(settings)
    master = settings.sheet.path
    doc = status(settings)
    maetha = report_of(doc, "แม่ทะ", 1)
    assert maetha["timeliness"] == "missing" and "unauthorized_respondent" in codes(maetha)
    assert "someone@gmail.com" in next(p["message"] for p in maetha["problems"] if p["code"] == "unauthorized_respondent")
    t = tabs(master)
    row = response_row(t, "someone@gmail.com")
    assert row[column(t[TAB_RESPONSES], "นับเป็นรายงาน")] == "ไม่นับ"
    assert any(c == "unauthorized_respondent" for c, _ in problem_rows(t, "แม่ทะ"))

    # something that is not a tick does not accept
    set_cell(master, TAB_RESPONSES, row[0], ACCEPT, "ไม่")
    run_sync(settings)
    assert report_of(status(settings), "แม่ทะ", 1)["timeliness"] == "missing"

    set_cell(master, TAB_RESPONSES, row[0], ACCEPT, "✓")  # staff accept, in Excel
    run_sync(settings)
    doc = status(settings)
    maetha = report_of(doc, "แม่ทะ", 1)
    assert maetha["timeliness"] == "on_time", maetha
    assert maetha["submitted_at"] == "2024-12-12T14:00:00+07:00"
    assert "unauthorized_respondent" not in codes(maetha)
    t = tabs(master)
    row = response_row(t, "someone@gmail.com")
    assert row[column(t[TAB_RESPONSES], "นับเป็นรายงาน")] == "นับ"
    assert row[column(t[TAB_RESPONSES], ACCEPT)] == "✓"  # the tick stays
    before, after = statuses(clean_status), statuses(doc)
    changed = sorted(k for k in before if k != ("แม่ทะ", 1) and before[k] != after[k])
    lost, dup = measure(clean_master, t, keep=lambda title, r: not any(c == "แม่ทะ" for c in r) and title != "อัตราการส่ง" and title != TAB_RESPONSES)
    measured("who", "Form response from an email not on the district's list", runs=3, lost=lost, duplicated=dup,
             outcome="flagged, not counted; counts after staff type ✓; others unchanged")
    assert not changed, changed
    assert (lost, dup) == (0, 0)


def test_authorized_email_cannot_report_for_another_district(tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    add_responses(settings, [
        # วังเหนือ's officer reports for แม่ทะ: not on แม่ทะ's list
        form_row("2025/03/10 9:00:00 AM GMT+7", "wangnuea.cdd@example.go.th", "แม่ทะ", Q2),
        # a look-alike of แม่ทะ's address with a zero-width space
        form_row("2025/03/10 9:05:00 AM GMT+7", "maetha.cdd\u200b@example.go.th", "แม่ทะ", Q2),
        # แม่ทะ's own address, typed in capitals with spaces: that is แม่ทะ
        form_row("2025/03/11 9:00:00 AM GMT+7", " MaeTha.CDD@Example.go.th ", "แม่ทะ", "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"),
    ])
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    doc = status(settings)
    q2 = report_of(doc, "แม่ทะ", 2)
    assert q2["timeliness"] == "missing", q2
    flagged = [p["message"] for p in q2["problems"] if p["code"] == "unauthorized_respondent"]
    assert len(flagged) == 2 and any("wangnuea" in m for m in flagged)
    # วังเหนือ's own report is untouched by its officer's answer for another district
    assert report_of(doc, "วังเหนือ", 2) == report_of(clean_status, "วังเหนือ", 2)
    q1 = report_of(doc, "แม่ทะ", 1)
    # the real officer's answer (in capitals) counts; the unlisted gmail answer of December still does not
    assert q1["timeliness"] == "late" and q1["submitted_at"] == "2025-03-11T09:00:00+07:00", q1
    assert [p for p in q1["problems"] if p["code"] == "unauthorized_respondent" and "someone@gmail.com" in p["message"]]
    counted_wrongly = int(q2["timeliness"] != "missing")
    lost, dup = measure(clean_master, tabs(settings.sheet.path),
                        keep=lambda title, r: "แม่ทะ" not in r and title not in (TAB_RESPONSES, "อัตราการส่ง"))
    measured("who", "listed email of district A reporting for district B; look-alike email", runs=1,
             lost=lost, duplicated=dup + counted_wrongly, outcome="both flagged unauthorized_respondent; B stays missing")
    assert (lost, dup, counted_wrongly) == (0, 0, 0)


def test_file_naming_another_district_than_its_folder_is_a_conflict(tmp_path: Path, clean_master: Tabs, clean_status: dict, measured) -> None:  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    # uploaded into แจ้ห่ม's folder, but the report's header says เกาะคา
    put(settings, "แจ้ห่ม/ไตรมาส 1/รายงาน.xlsx", report_xlsx("เกาะคา", 1, 31), at(2024, 12, 10))
    code, out, err = cli_sync(settings)
    assert code == 4, (out, err)
    doc = status(settings)
    involved = {"แจ้ห่ม", "เกาะคา"}
    conflicts = [(r["district"], r["quarter"], p["message"]) for r in doc["reports"] for p in r["problems"]
                 if p["code"] == "district_conflict"]
    assert conflicts, "a contradiction between folder and file must be a problem"
    assert all(d in involved for d, _, _ in conflicts)
    assert all("แจ้ห่ม" in m and "เกาะคา" in m for _, _, m in conflicts)  # says both names
    for d, q, _ in conflicts:
        assert report_of(doc, d, q)["complete"] is False  # never a silent, complete report
    t = tabs(settings.sheet.path)
    tab = t[TAB_PROBLEMS]
    assert any(r[column(tab, "รหัสปัญหา")] == "district_conflict" for r in data_rows(tab))
    lost, dup, _, _ = check_others_unchanged(settings, clean_master, clean_status, involved)
    measured("who", "report whose header names another district than its folder", runs=1, lost=lost,
             duplicated=dup, outcome="district_conflict shown; report not complete; others unchanged")
    assert (lost, dup) == (0, 0)


def test_file_name_and_header_disagree_is_a_conflict(tmp_path: Path) -> None:
    settings = build(tmp_path / "province")
    put(settings, "แจ้ห่ม ไตรมาส 1.xlsx", report_xlsx("งาว", 1, 32), at(2024, 12, 10))
    cli_sync(settings)
    doc = status(settings)
    conflicts = [r for r in doc["reports"] for p in r["problems"] if p["code"] == "district_conflict"]
    assert conflicts and all(r["complete"] is False for r in conflicts)
