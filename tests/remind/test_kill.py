"""SIGKILL at each point of a send, then a normal run: nothing twice, nothing lost.

A real `gsync remind` process (tests/remind/child.py) runs the demo province on Fri 21 Mar 2568
10:00 (Q2: day +1 caught up, day +7 summary) against the LINE fake and a real SMTP server, and
kills itself with SIGKILL at one stage; then a normal run finishes the work. Figures:
`pytest tests/remind/test_kill.py -s -p no:randomly | grep FIGURE` (docs/reminders.md).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from gsync import demo
from gsync.config import load_settings
from gsync.master.layout import TAB_REMINDERS
from gsync.remind.outbox import Outbox
from gsync.remind.run import outbox_path, remind

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("child.py")
NOW = "2025-03-21T10:00:00+07:00"
# What the demo owes on that day, by hand: งาว (LINE), วังเหนือ and แม่ทะ (their emails) have
# not reported Q2; the summary goes to the staff's LINE group and mailbox.
LINE_TO = sorted(["U9f8e7d6c5b4a39281706f5e4d3c2b1a0", "C7a1b2c3d4e5f60718293a4b5c6d7e8f9"])
MAIL_TO = sorted(["wangnuea.cdd@example.go.th", "maetha.cdd@example.go.th", "cdd.lampang@example.go.th"])
STAGES = ["recorded", "claimed:line", "delivered:line", "marked:line", "claimed:email", "smtp_data",
          "delivered:email", "marked:email", "history_written", "tabbed"]


@pytest.fixture(scope="module")
def demo_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("remind-demo") / "demo"
    config, _ = demo.build(d)
    synced = subprocess.run([sys.executable, "-m", "gsync.cli", "sync", "--config", str(config), "--now", NOW],
                            capture_output=True, text=True, timeout=120)
    assert synced.returncode in (0, 4), synced.stderr[-2000:]  # 4: the demo has files nobody can place
    return d


def province(src: Path, target: Path, line_url: str, smtp_port: int) -> Path:
    shutil.copytree(src, target)
    (target / "line-token.txt").write_text("good-token\n")
    config = target / "demo.toml"
    # Q1's reminders went out in December: a limit keeps this run to Q2 (test_catch_up.py covers Q1's)
    text = config.read_text(encoding="utf-8").replace("[reminders]", "[reminders]\ncatch_up_days = 14", 1)
    config.write_text(text + "\n".join([
        "", "[line]", 'token_file = "line-token.txt"', f'endpoint = "{line_url}"', "retry_wait = 0", "",
        "[email]", 'host = "127.0.0.1"', f"port = {smtp_port}", "starttls = false",
        'sender = "saraban_lampang@example.go.th"', "retry_wait = 0", ""]), encoding="utf-8")
    return config


def run_child(config: Path, stage: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, str(CHILD), str(config), NOW, stage], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("stage", STAGES)
def test_sigkill_then_a_normal_run(stage: str, demo_src: Path, tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    config = province(demo_src, tmp_path / "p", url, port)

    killed = run_child(config, stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    settings = load_settings(config)
    d = remind(settings, dt.datetime.fromisoformat(NOW))  # the next run (the timer's next tick)
    assert not d.refused and not d.failed and not d.later

    planned = len(LINE_TO) + len(MAIL_TO)
    ob = Outbox(outbox_path(settings))
    try:
        entries = ob.entries()
    finally:
        ob.close()
    assert sorted(e.recipient for e in entries if e.channel == "line") == LINE_TO
    assert sorted(e.recipient for e in entries if e.channel == "email") == MAIL_TO
    assert {e.status for e in entries} == {"sent"}

    # LINE: the retry key makes a repeat a 409, never a second message
    assert sorted(x.to for x in fake.delivered) == LINE_TO
    # SMTP: each mail once; a kill after the server took the mail but before gsync marked it
    # sent is the one case SMTP cannot tell: the mail goes again, with the same Message-ID
    mails = sorted(r[0] for r, _ in box.received)
    resent = 1 if stage == "delivered:email" else 0
    assert len(box.received) == len(MAIL_TO) + resent
    assert sorted(set(mails)) == MAIL_TO and len(set(box.message_ids())) == len(MAIL_TO)

    # the master's history: each message once, the sync's tabs still there
    wb = openpyxl.load_workbook(settings.sheet.path, read_only=True)
    try:
        assert {"สถานะรายงาน", "รายงาน", "ปัญหา"} <= set(wb.sheetnames)
        rows = list(wb[TAB_REMINDERS].iter_rows(values_only=True))[1:]
    finally:
        wb.close()
    assert len(rows) == planned and len({r[0] for r in rows}) == planned

    again = remind(settings, dt.datetime.fromisoformat(NOW) + dt.timedelta(minutes=15))
    assert not again.sent and again.already == planned

    ids = box.message_ids()
    lost = planned - len({x.to for x in fake.delivered}) - len(set(ids))
    print(f"FIGURE stage={stage} planned={planned} line_pushes_delivered={len(fake.delivered)} "
          f"line_409={sum(1 for _, _, s in fake.requests if s == 409)} smtp_transactions={len(box.received)} "
          f"distinct_mails={len(set(ids))} lost={lost} history_rows={len(rows)}")


# --- the same matrix with receipts, repeats and escalation on ------------------------------------
# The province switched receipts on on 1 Mar 2568 (what arrived since is receipted), reminds again
# every 7 days and copies เกาะคา's chief from 14 days late. On Fri 21 Mar 2568 10:00, by hand:
# receipts for เมืองลำปาง Q2, แม่เมาะ Q2 and เกาะคา Q2 (their district contacts); Q1 repeats on day
# +92 (1 + 13 x 7) to เกาะคา (incomplete; and its chief, 98 days late), วังเหนือ and แม่ทะ; Q2 day +1
# to งาว, วังเหนือ, แม่ทะ; the Q1 summary repeated (day 98) and the Q2 summary (day 7) to staff.
CHIEF = "U" + "e5" * 16
ALL_LINE = sorted(["U0f1e2d3c4b5a69788796a5b4c3d2e1f0", "U1234567890abcdef1234567890abcdef",
                   "U4af4980629a1b2c3d4e5f60718293a4b", "U4af4980629a1b2c3d4e5f60718293a4b", CHIEF,
                   "U9f8e7d6c5b4a39281706f5e4d3c2b1a0", "C7a1b2c3d4e5f60718293a4b5c6d7e8f9",
                   "C7a1b2c3d4e5f60718293a4b5c6d7e8f9"])
ALL_MAIL = sorted(["saraban.maemoh@example.go.th", "saraban.kokha@example.go.th", "saraban.kokha@example.go.th",
                   "wangnuea.cdd@example.go.th", "wangnuea.cdd@example.go.th", "maetha.cdd@example.go.th",
                   "maetha.cdd@example.go.th", "cdd.lampang@example.go.th", "cdd.lampang@example.go.th"])
LINE_STAGES = ["recorded", "claimed:line", "delivered:line", "marked:line", "delivered:email", "history_written"]


def province_all_on(src: Path, target: Path, line_url: str, smtp_port: int) -> Path:
    config = province(src, target, line_url, smtp_port)
    text = config.read_text(encoding="utf-8").replace("catch_up_days = 14", "receipts = true\nrepeat_days = 7\n"
                                                      "escalate_after_days = 14", 1)
    at = text.index("\n", text.index('line = ["U4af4980629a1b2c3d4e5f60718293a4b"]'))
    config.write_text(text[:at] + f'\nescalate_line = ["{CHIEF}"]' + text[at:], encoding="utf-8")
    box = Outbox(outbox_path(load_settings(config)))
    try:
        box.receipts_since(dt.datetime(2025, 3, 1, tzinfo=dt.UTC))  # receipts were switched on then
    finally:
        box.close()
    return config


@pytest.mark.parametrize("stage", LINE_STAGES)
def test_sigkill_with_receipts_repeats_and_escalation(stage: str, demo_src: Path, tmp_path: Path, line, smtp) -> None:  # type: ignore[no-untyped-def]
    fake, url = line
    box, port = smtp
    config = province_all_on(demo_src, tmp_path / "p", url, port)
    killed = run_child(config, stage)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    settings = load_settings(config)
    d = remind(settings, dt.datetime.fromisoformat(NOW))
    assert not d.refused and not d.failed and not d.later
    again = remind(settings, dt.datetime.fromisoformat(NOW) + dt.timedelta(minutes=15))
    assert not again.sent

    # no LINE message twice, none lost; each mail once (by Message-ID)
    assert sorted(x.to for x in fake.delivered) == ALL_LINE
    assert len({x.retry_key for x in fake.delivered}) == len(ALL_LINE)
    by_id = {str(m["Message-ID"]): r[0] for r, m in box.received}
    assert sorted(by_id.values()) == ALL_MAIL
    assert len(box.received) == len(ALL_MAIL) + (1 if stage == "delivered:email" else 0)  # see the matrix above
    texts = fake.texts_to(CHIEF)
    assert len(texts) == 1 and texts[0].startswith("[สำเนาเพื่อทราบ: อำเภอเกาะคา เลยกำหนดส่งมาแล้ว 98 วัน] ")
    receipts = [t for t in fake.texts_to("U0f1e2d3c4b5a69788796a5b4c3d2e1f0")]
    assert len(receipts) == 1 and receipts[0].startswith("ครบถ้วน: รายงานไตรมาสที่ 2 อำเภอเมืองลำปาง\n")
