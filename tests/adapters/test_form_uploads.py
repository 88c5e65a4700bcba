"""Offline Form attachments meet their files: the responses CSV's Drive links matched to a local
copy of the Form's "(File responses)" folder give the same `gsync status --json` as the Google
path (the Forms API and Drive against the Google fake) for the same submissions.

The case is the demo province plus three Form responses whose report files exist only in the
Form's upload folder: one complete, one whose declared totals disagree with its file, and one
whose quarter answer (Q1) contradicts its file's header (Q2). Their expectations are written by
hand; the rest of the province must simply agree between the two paths.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from gsync import demo, synth
from gsync.cli import main
from gsync.models import FileRef, FormResponse
from gsync.sources.form_uploads import UploadMirror
from gsync.testing.province import load_demo_into_fake, write_google_config
from tests.collections_support import put, register_xlsx

NOW = "2025-04-20T09:00:00+07:00"
BKK = ZoneInfo("Asia/Bangkok")
UTC = dt.UTC
T = demo.lampang_districts()
QUESTION = "แนบแบบรายงานผลการดำเนินงาน"
COLLECTION = """
[[collections]]
id = "centre_location"
name = "รายงานสถานที่ตั้งศูนย์ผู้นำจิตอาสาพัฒนาชุมชน"
kind = "register"
due = 2024-11-22
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def totals(rs: list[synth.Row]) -> tuple[str, str, str]:
    return str(len({r.tambon for r in rs})), str(len(rs)), f"{sum(r.participants for r in rs):,}"


def cases() -> list[dict[str, Any]]:
    jaehom = synth.activities(T["แจ้ห่ม"], 2568, 1, seed=201)
    wangnuea = synth.activities(T["วังเหนือ"], 2568, 2, seed=202)
    sobprap = synth.activities(T["สบปราบ"], 2568, 2, seed=203)
    return [
        {"district": "แจ้ห่ม", "quarter": 1, "reporter": "นางสาวแจ่มใส ดีงาม", "email": "jaehom.cdd@example.go.th",
         "file": "รายงานไตรมาส1 แจ้ห่ม", "content": synth.activity_xlsx("แจ้ห่ม", "ลำปาง", 1, jaehom),
         "uploaded": dt.datetime(2024, 12, 12, 9, 58, tzinfo=BKK), "sent": dt.datetime(2024, 12, 12, 10, 5, tzinfo=BKK),
         "totals": totals(jaehom)},
        {"district": "วังเหนือ", "quarter": 2, "reporter": "นายวิชัย สุขใจ", "email": "wangnuea.cdd@example.go.th",
         "file": "วังเหนือ Q2", "content": synth.activity_xlsx("วังเหนือ", "ลำปาง", 2, wangnuea),
         "uploaded": dt.datetime(2025, 3, 10, 13, 0, tzinfo=BKK), "sent": dt.datetime(2025, 3, 10, 14, 30, tzinfo=BKK),
         "totals": (totals(wangnuea)[0], totals(wangnuea)[1], "999")},
        # the officer picked ไตรมาสที่ 1, but attached the Q2 report
        # a centre register sent through the Form (its quarter answer Q2): it counts for the collection
        {"district": "เมืองปาน", "quarter": 2, "reporter": "นายทะเบียน ศูนย์ดี", "email": "muangpan.cdd@example.go.th",
         "file": "ทะเบียนศูนย์ เมืองปาน", "content": register_xlsx("เมืองปาน", "ลำปาง", T["เมืองปาน"]),
         "uploaded": dt.datetime(2024, 11, 21, 15, 0, tzinfo=BKK), "sent": dt.datetime(2024, 11, 21, 15, 3, tzinfo=BKK),
         "totals": ("", "", "")},
        {"district": "สบปราบ", "quarter": 1, "reporter": "นางสมศรี มีสุข", "email": "sobprap.cdd@example.go.th",
         "file": "สบปราบ รายงาน", "content": synth.activity_xlsx("สบปราบ", "ลำปาง", 2, sobprap),
         "uploaded": dt.datetime(2025, 3, 5, 8, 55, tzinfo=BKK), "sent": dt.datetime(2025, 3, 5, 9, 0, tzinfo=BKK),
         "totals": totals(sobprap)},
    ]


def add_to_csv(demo_dir: Path, rows: list[list[str]]) -> None:
    path = demo_dir / "responses.csv"
    text = path.read_text(encoding="utf-8-sig")
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path.write_text(text + buf.getvalue(), encoding="utf-8-sig")


def test_offline_mirror_and_google_give_the_same_status(google_server: tuple[Any, str], tmp_path: Path) -> None:
    fake, base_url = google_server
    demo_dir = tmp_path / "demo"
    offline_config, _ = demo.build(demo_dir)
    ids = load_demo_into_fake(fake, demo_dir)
    qids = ids["question_ids"]
    mirror = tmp_path / "uploads"  # any name: Drive's "<Form title> (File responses)" may not fit in 255 bytes
    csv_rows = []
    for c in cases():
        name = f"{c['file']} - {c['reporter']}.xlsx"  # how Forms names an upload
        fid = fake.drive_add_file(name, c["content"], ids["uploads_folder_id"], created_time=c["uploaded"].astimezone(UTC))
        centres, acts, people = c["totals"]
        fake.forms_add_response(ids["form_id"], {
            qids["อำเภอ"]: c["district"], qids["ไตรมาส"]: demo.QUARTER_CHOICES[c["quarter"]],
            qids["ชื่อ-สกุล ผู้รายงาน"]: c["reporter"], qids["ตำแหน่ง"]: "นักวิชาการพัฒนาชุมชน",
            qids["เบอร์โทรศัพท์"]: "0812345678", qids["จำนวนศูนย์ที่ดำเนินกิจกรรมในไตรมาสนี้ (แห่ง)"]: centres,
            qids["จำนวนกิจกรรมที่ดำเนินการ (ครั้ง)"]: acts, qids["จำนวนผู้เข้าร่วมกิจกรรมรวม (คน)"]: people,
            qids[QUESTION]: [{"fileId": fid, "fileName": name, "mimeType": synth_mime()}],
        }, email=c["email"], create_time=c["sent"].astimezone(UTC))
        put(mirror / f"{QUESTION} (File responses)", name, c["content"], c["uploaded"])
        sent_be = f"{c['sent']:%d/%m/}{c['sent'].year + 543} {c['sent']:%H:%M:%S}"  # "12/12/2567 10:05:00"
        csv_rows.append([sent_be, c["email"], c["district"], demo.QUARTER_CHOICES[c["quarter"]], c["reporter"],
                         "นักวิชาการพัฒนาชุมชน", "0812345678", centres, acts, people,
                         f"https://drive.google.com/open?id={fid}", "", "", ""])
    add_to_csv(demo_dir, csv_rows)
    offline_config.write_text(offline_config.read_text(encoding="utf-8").replace(
        'csv = "responses.csv"', f'csv = "responses.csv"\nuploads = "{mirror}"') + COLLECTION, encoding="utf-8")

    code, offline = run("status", "--config", str(offline_config), "--now", NOW, "--json")
    assert code == 0
    (tmp_path / "google").mkdir()
    google_config = write_google_config(tmp_path / "google", base_url, ids, demo_dir=demo_dir, service_account=fake,
                                        extra=COLLECTION)
    code, online = run("status", "--config", str(google_config), "--now", NOW, "--json")
    assert code == 0
    off, on = json.loads(offline), json.loads(online)

    def report(doc: dict, district: str, q: int) -> tuple[str, bool | None, list[str], str | None]:
        r = next(x for x in doc["reports"] if x["district"] == district and x["quarter"] == q)
        return r["timeliness"], r["complete"], sorted(p["code"] for p in r["problems"]), r["submitted_at"]

    for doc in (off, on):
        assert report(doc, "แจ้ห่ม", 1) == ("on_time", True, [], "2024-12-12T10:05:00+07:00")
        assert report(doc, "วังเหนือ", 2) == ("on_time", False, ["totals_mismatch"], "2025-03-10T14:30:00+07:00")
        # the docx of 9 Dec still makes Q1 on time; the Form's Q1 answer with a Q2 file is a conflict on both
        assert report(doc, "สบปราบ", 1) == ("on_time", False, ["quarter_conflict"], "2024-12-09T10:00:00+07:00")
        assert report(doc, "สบปราบ", 2) == ("on_time", False, ["quarter_conflict"], "2025-03-05T09:00:00+07:00")
        assert report(doc, "เมืองปาน", 2) == ("on_time", False, ["no_report_file"], "2024-11-21T15:03:00+07:00")
        muangpan = next(c for c in doc["collections"] if c["district"] == "เมืองปาน")
        assert (muangpan["timeliness"], muangpan["complete"], muangpan["submitted_at"]) == (
            "on_time", True, "2024-11-21T15:03:00+07:00")
        hangchat = next(c for c in doc["collections"] if c["district"] == "ห้างฉัตร")  # the demo's, via Drive
        assert (hangchat["timeliness"], hangchat["complete"]) == ("on_time", True)
    assert off["reports"] == on["reports"]
    assert off["collections"] == on["collections"]
    assert len(off["collections"]) == 13
    assert sorted(u["name"] for u in off["unattributed"]) == sorted(u["name"] for u in on["unattributed"])


def synth_mime() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the matcher on its own -----------------------------------------------------------------


def response(rid: str, at: dt.datetime, links: list[str], reporter: str = "นายก ข") -> FormResponse:
    refs = tuple(FileRef(id=x, name=f"ไฟล์แนบในแบบฟอร์ม ({x})", received_at=at, channel="form") for x in links)
    return FormResponse(id=rid, created_at=at, last_submitted_at=at, answers={"reporter": reporter}, report_files=refs)


def test_matching_prefers_the_respondents_name_then_the_nearest_time(tmp_path: Path) -> None:
    sent = dt.datetime(2025, 1, 10, 10, 0, tzinfo=BKK)
    put(tmp_path, "q/report - นายก ข.xlsx", b"mine", sent - dt.timedelta(minutes=30))
    put(tmp_path, "q/report - นางค ง.xlsx", b"theirs", sent - dt.timedelta(minutes=1))
    put(tmp_path, "q/old - นายก ข.xlsx", b"old", sent - dt.timedelta(days=3))  # outside the window
    mirror = UploadMirror(tmp_path)
    (r,) = mirror.resolve([response("a", sent, ["1LinkAAAAAAA"])])
    (ref,) = r.report_files
    assert (ref.id, ref.name, ref.received_at) == ("1LinkAAAAAAA", "report - นายก ข.xlsx", sent)
    assert mirror.fetch(ref) == b"mine"


def test_two_responses_two_files_each_file_used_once_and_shortened_names_still_match(tmp_path: Path) -> None:
    first = dt.datetime(2025, 1, 10, 10, 0, tzinfo=BKK)
    second = first + dt.timedelta(minutes=20)
    # a copy tool shortened the names: no " - respondent" suffix left, only the upload times tell
    put(tmp_path, "รายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน.xlsx", b"one", first - dt.timedelta(minutes=2))
    put(tmp_path, "รายงานผลการดำเนินงานศูนย์ผู้นำจิตอาสาพัฒนาชุมชน (1).xlsx", b"two", second - dt.timedelta(minutes=2))
    mirror = UploadMirror(tmp_path)
    out = mirror.resolve([response("a", first, ["1LinkAAAAAAA"]), response("b", second, ["1LinkBBBBBBB", "1LinkCCCCCCC"])])
    assert mirror.fetch(out[0].report_files[0]) == b"one"
    assert mirror.fetch(out[1].report_files[0]) == b"two"
    assert out[1].report_files[1].name == "ไฟล์แนบในแบบฟอร์ม (1LinkCCCCCCC)"  # nothing left for it: a placeholder
