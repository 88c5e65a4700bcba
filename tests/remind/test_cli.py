"""`gsync remind` as the operator runs it: the dry run on the demo, exit codes, faults, masking."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from gsync import demo
from gsync.cli import main
from gsync.lock import RunLock
from gsync.master.layout import TAB_REMINDERS

MONDAY = "2025-03-17T09:00:00+07:00"  # Q2's day +1 (Sat 15 Mar) caught up on Monday
NGAO = "U9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("remind-cli") / "demo"
    config, _ = demo.build(d)
    # The demo's แม่เมาะ sends Q2 on 20 Mar, after MONDAY: as of MONDAY it would be missing (and
    # reminded) too. These tests follow the three districts below, so its file arrives on 12 Mar.
    sent = dt.datetime(2025, 3, 12, 10, tzinfo=dt.timezone(dt.timedelta(hours=7))).timestamp()
    os.utime(d / "inbox" / "แม่เมาะ ไตรมาส2.xlsx", (sent, sent))
    CliRunner().invoke(main, ["sync", "--config", str(config), "--now", MONDAY])
    return d


def province(demo_dir: Path, tmp_path: Path, *, line_url: str | None = None, smtp_port: int | None = None,
             token: str = "good-token", extra: str = "") -> Path:
    import shutil

    target = tmp_path / "p"
    shutil.copytree(demo_dir, target)
    (target / "line-token.txt").write_text(token + "\n")
    (target / "smtp-password.txt").write_text("s3cret\n")
    lines = [""]
    if line_url:
        lines += ["[line]", 'token_file = "line-token.txt"', f'endpoint = "{line_url}"', "retry_wait = 0", ""]
    if smtp_port:
        lines += ["[email]", 'host = "127.0.0.1"', f"port = {smtp_port}", "starttls = false",
                  'sender = "saraban_lampang@example.go.th"', 'username = "saraban"',
                  'password_file = "smtp-password.txt"', "retry_wait = 0", ""]
    config = target / "demo.toml"
    # This province has run reminders all year: Q1's went out in December, so a limit keeps these
    # runs to Q2 (without it, Q1's open reports are told too: tests/remind/test_catch_up.py).
    text = config.read_text(encoding="utf-8").replace("[reminders]", extra + "\n[reminders]\ncatch_up_days = 14", 1)
    config.write_text(text + "\n".join(lines), encoding="utf-8")
    return config


def remind(config: Path, *args: str, now: str = MONDAY) -> Result:
    return CliRunner().invoke(main, ["remind", "--config", str(config), "--now", now, *args])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dry_run_on_the_demo_prints_the_plan_in_thai_and_sends_nothing(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    master = config.parent / "master.xlsx"
    before = digest(master)
    r = remind(config, "--dry-run")
    assert r.exit_code == 0, r.output + r.stderr
    out = r.stdout
    assert out.startswith("แผนการแจ้งเตือน ณ 17 มี.ค. 2568 09:00 (ทดลอง: ไม่ส่งข้อความจริง ไม่บันทึกสิ่งใด)\n")
    assert "- อำเภองาว · ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) · หลังกำหนด 1 วัน · LINE ถึง U9f…a0\n" in out
    assert "- อำเภอวังเหนือ · ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568) · หลังกำหนด 1 วัน · อีเมล ถึง w***@example.go.th\n" in out
    assert "รวม 3 ข้อความ (LINE 1, อีเมล 2)" in out
    assert "ยังไม่ได้ตั้งค่าช่องทาง อีเมล" in out  # [email] is not configured: previewed only
    assert "เรียน พัฒนาการอำเภองาว" in out and "ครบกำหนดส่งเมื่อวันที่ 14 มีนาคม 2568" in out
    assert NGAO not in out + r.stderr and "wangnuea.cdd@" not in out + r.stderr
    assert fake.requests == []
    assert not (config.parent / ".gsync" / "reminders.sqlite").exists()
    assert digest(master) == before


def test_a_real_run_sends_once_and_records_the_history(demo_dir: Path, tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    config = province(demo_dir, tmp_path, line_url=url, smtp_port=port)
    r = remind(config)
    assert r.exit_code == 0, r.output + r.stderr
    assert "ส่งแล้ว 3, ส่งไปแล้วก่อนหน้านี้ 0, ไม่สำเร็จ 0, รอส่งรอบถัดไป 0, ยกเลิก 0" in r.output
    assert [d.to for d in fake.delivered] == [NGAO]
    assert sorted(rc[0] for rc, _ in box.received) == ["maetha.cdd@example.go.th", "wangnuea.cdd@example.go.th"]
    assert NGAO not in r.stderr and "maetha.cdd@" not in r.stderr and "good-token" not in r.stderr + r.output
    again = remind(config, now="2025-03-17T09:15:00+07:00")
    assert again.exit_code == 0 and "ส่งแล้ว 0, ส่งไปแล้วก่อนหน้านี้ 3" in again.output
    dry = remind(config, "--dry-run", now="2025-03-17T09:30:00+07:00")  # reads the outbox, read-only
    assert dry.exit_code == 0 and "ไม่มีข้อความที่ต้องส่งในขณะนี้ (ส่งไปแล้วก่อนหน้านี้ 3 ข้อความ)" in dry.stdout
    wb = openpyxl.load_workbook(config.parent / "master.xlsx", read_only=True)
    rows = list(wb[TAB_REMINDERS].iter_rows(values_only=True))
    assert "สถานะรายงาน" in wb.sheetnames and "บันทึกการซิงก์" in wb.sheetnames
    wb.close()
    assert [(r[2], r[5], r[6], r[7], r[9]) for r in rows[1:]] == [
        ("งาว", "หลังกำหนด 1 วัน", "LINE", "U9f…a0", "ส่งแล้ว"),
        ("วังเหนือ", "หลังกำหนด 1 วัน", "อีเมล", "w***@example.go.th", "ส่งแล้ว"),
        ("แม่ทะ", "หลังกำหนด 1 วัน", "อีเมล", "m***@example.go.th", "ส่งแล้ว"),
    ]


def test_an_invalid_token_stops_line_with_one_line_and_exit_2_email_goes_on(demo_dir: Path, tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    config = province(demo_dir, tmp_path, line_url=url, smtp_port=port, token="expired-token-XYZ")
    r = remind(config)
    assert r.exit_code == 2
    err = [x for x in r.stderr.splitlines() if x.startswith("gsync:")]
    assert err == ["gsync: LINE refused the channel access token (HTTP 401 Authentication failed. Confirm that the "
                   "access token in the authorization header is valid.); issue a new long-lived token in the LINE "
                   "Developers console (Messaging API tab) and save it in [line] token_file"]
    assert "expired-token-XYZ" not in r.output + r.stderr
    assert "Traceback" not in r.output + r.stderr
    assert len(box.received) == 2 and not fake.delivered
    # the LINE reminder is kept: once the token is fixed, the next run sends it
    (config.parent / "line-token.txt").write_text("good-token\n")
    r = remind(config, now="2025-03-17T09:15:00+07:00")
    assert r.exit_code == 0 and [d.to for d in fake.delivered] == [NGAO]


def test_a_refused_smtp_login_is_exit_2(demo_dir: Path, tmp_path: Path, smtp) -> None:  # type: ignore[no-untyped-def]
    box, port = smtp
    config = province(demo_dir, tmp_path, smtp_port=port)
    (config.parent / "smtp-password.txt").write_text("wrong-pw-42\n")
    r = remind(config)
    assert r.exit_code == 2
    assert "gsync: SMTP server 127.0.0.1:" in r.stderr and "refused the login of sar…an" in r.stderr
    assert "wrong-pw-42" not in r.output + r.stderr and not box.received


def test_a_rejected_recipient_is_recorded_and_does_not_block_the_others(demo_dir: Path, tmp_path: Path, smtp) -> None:  # type: ignore[no-untyped-def]
    box, port = smtp
    box.reject.add("wangnuea.cdd@example.go.th")
    config = province(demo_dir, tmp_path, smtp_port=port)
    r = remind(config)
    assert r.exit_code == 4, r.output + r.stderr
    assert [rc[0] for rc, _ in box.received] == ["maetha.cdd@example.go.th"]
    assert "ส่งไม่สำเร็จ: อีเมล ถึง w***@example.go.th: SMTP 550" in r.output
    wb = openpyxl.load_workbook(config.parent / "master.xlsx", read_only=True)
    rows = {r[2]: r for r in list(wb[TAB_REMINDERS].iter_rows(values_only=True))[1:]}
    wb.close()
    assert rows["วังเหนือ"][9] == "ส่งไม่สำเร็จ"
    assert rows["วังเหนือ"][10].startswith("ปลายทางปฏิเสธ: โปรดตรวจสอบอีเมลหรือ LINE ID") and "550" in rows["วังเหนือ"][10]
    assert rows["แม่ทะ"][9] == "ส่งแล้ว"
    # recorded as failed: not retried every 15 minutes
    again = remind(config, now="2025-03-17T09:15:00+07:00")
    assert again.exit_code == 0 and len(box.received) == 1


def test_a_server_down_keeps_the_message_for_the_next_run_exit_1(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    fake.fail_next(500, n=4)  # 1 try + 3 retries
    r = remind(config)
    assert r.exit_code == 1 and "รอส่งรอบถัดไป 1" in r.output
    assert [s for _, _, s in fake.requests] == [500, 500, 500, 500]
    r = remind(config, now="2025-03-17T09:15:00+07:00")
    assert r.exit_code == 0 and [d.to for d in fake.delivered] == [NGAO]


def test_outside_working_hours_nothing_is_sent(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    r = remind(config, now="2025-03-16T10:00:00+07:00")  # a Sunday
    assert r.exit_code == 0 and "นอกเวลาทำการ" in r.output and not fake.requests
    r = remind(config, now="2025-03-17T17:00:00+07:00")  # Monday evening
    assert r.exit_code == 0 and "นอกเวลาทำการ" in r.output and not fake.requests


def test_an_overlapping_run_exits_3(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    with RunLock(config.parent / ".gsync" / "gsync-remind.lock"):
        r = remind(config)
    assert r.exit_code == 3 and "another gsync run is in progress" in r.stderr
    assert not fake.requests


def test_a_template_typo_is_exit_2_before_anything_is_sent(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url,
                      extra='[reminders.templates]\nmissing = "เรียน พัฒนาการอำเภอ{distric}"\n')
    r = remind(config)
    assert r.exit_code == 2
    assert r.stderr.startswith("gsync: config error: ") and "unknown field {distric}" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not fake.requests


def test_a_missing_token_file_is_exit_2(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    _, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    (config.parent / "line-token.txt").unlink()
    r = remind(config)
    assert r.exit_code == 2 and "[line] token_file" in r.stderr and "file not found" in r.stderr


def test_remind_has_help() -> None:
    r = CliRunner().invoke(main, ["remind", "--help"])
    assert r.exit_code == 0 and "--dry-run" in r.output and "Exit codes" in r.output


def test_a_sync_is_never_blocked_by_a_remind_run(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    _, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    with RunLock(config.parent / ".gsync" / "gsync-remind.lock"):  # a remind run is sending (slow server)
        r = CliRunner().invoke(main, ["sync", "--config", str(config), "--now", MONDAY])
    assert r.exit_code in (0, 4), r.output  # 4: the demo has files nobody can place
    assert "another gsync run" not in r.output


def test_while_a_sync_runs_remind_waits_for_the_next_tick_exit_3(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    with RunLock(config.parent / ".gsync" / "gsync.lock"):
        r = remind(config)
    assert r.exit_code == 3 and not fake.requests
    r = remind(config)  # the next tick
    assert r.exit_code == 0 and len(fake.delivered) == 1


def test_a_corrupt_outbox_stops_with_one_line_and_is_never_rebuilt(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url)
    outbox = config.parent / ".gsync" / "reminders.sqlite"
    outbox.write_bytes(b"this is not a database, it was damaged" * 100)
    r = remind(config)
    assert r.exit_code == 1
    assert "gsync: the reminders' outbox" in r.stderr and "cannot be used" in r.stderr
    assert "Traceback" not in r.output and not fake.requests
    assert outbox.read_bytes().startswith(b"this is not a database")  # kept for the operator


NO_CONTACT = ["เสริมงาม", "แจ้ห่ม", "เถิน", "แม่พริก", "สบปราบ", "ห้างฉัตร", "เมืองปาน"]  # the demo's, by hand


def test_dry_run_says_every_reason_a_real_run_would_fail_or_skip(demo_dir: Path, tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    config = province(demo_dir, tmp_path, line_url=url, smtp_port=port)
    (config.parent / "line-token.txt").unlink()
    (config.parent / "smtp-password.txt").unlink()
    r = remind(config, "--dry-run")
    assert r.exit_code == 2, r.output  # as a real run would exit
    err = [x for x in r.stderr.splitlines() if x.startswith("gsync:")]
    assert err == [
        f"gsync: [line] token_file {config.parent / 'line-token.txt'}: file not found; save the secret in that file "
        "(readable by gsync's user only)",
        f"gsync: [email] password_file {config.parent / 'smtp-password.txt'}: file not found; save the secret in that "
        "file (readable by gsync's user only)"]
    warned = [x for x in r.stdout.splitlines() if x.startswith("! ")]
    assert warned[:2] == [
        f"! ช่องทาง LINE: [line] token_file {config.parent / 'line-token.txt'}: file not found; save the secret in that "
        "file (readable by gsync's user only) (รอบจริงจะหยุดและจบด้วยรหัส 2)",
        f"! ช่องทาง อีเมล: [email] password_file {config.parent / 'smtp-password.txt'}: file not found; save the secret "
        "in that file (readable by gsync's user only) (รอบจริงจะหยุดและจบด้วยรหัส 2)"]
    assert warned[2:] == [f"! อำเภอ{d} ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้"
                          for d in NO_CONTACT]
    assert not fake.requests and not box.received
    real = remind(config)
    assert real.exit_code == 2


def test_a_dead_smtp_server_stops_email_after_the_first_failure(demo_dir: Path, tmp_path: Path, line) -> None:  # type: ignore[no-untyped-def]
    import time

    from gsync.config import load_settings
    from gsync.remind.outbox import Outbox
    from gsync.remind.run import outbox_path

    from .conftest import _free_port

    fake, url = line
    config = province(demo_dir, tmp_path, line_url=url, smtp_port=_free_port())  # nothing listens there
    start = time.monotonic()
    r = remind(config)
    took = time.monotonic() - start
    assert r.exit_code == 1, r.output
    assert "ส่งแล้ว 1, ส่งไปแล้วก่อนหน้านี้ 0, ไม่สำเร็จ 0, รอส่งรอบถัดไป 2, ยกเลิก 0" in r.output
    assert [d.to for d in fake.delivered] == [NGAO]  # LINE went on
    box = Outbox(outbox_path(load_settings(config)))
    try:
        mails = sorted((e.recipient, e.status, e.attempts) for e in box.entries() if e.channel == "email")
    finally:
        box.close()
    # one connection failure told: the second mail was never tried, both wait for the next run
    assert sorted(a for _, _, a in mails) == [0, 1] and {s for _, s, _ in mails} == {"pending"}
    print(f"FIGURE dead_smtp mails=2 tried=1 seconds={took:.1f}")
