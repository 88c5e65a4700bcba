"""One `gsync remind` run: judge, plan, record, send, mark, and show it in the master.

    1. judge   a dry-run sync (`sync.run(dry_run=True)`, under the sync's run lock, exactly
               as `gsync status` does): the reports as of now, fresh, with the state's parse
               cache; nothing is written. (The last sync's state does not keep its verdicts,
               and a fresh judge cannot be stale.)
    2. plan    `plan.plan`: the messages due now; outside working hours nothing is sent.
    3. record  every due message into the outbox before anything is sent; messages no longer
               due are dropped as obsolete.
    4. send    claim (attempt recorded) -> send -> mark sent, one message at a time.
    5. show    finished messages as rows of ประวัติการแจ้งเตือน, through the master's sink,
               under the sync's lock (skipped, and done next time, while a sync holds it).

The reminders' own lock (gsync-remind.lock) keeps two remind runs apart; the sync's lock is
held only for steps 1 and 5, so a slow mail server never makes a sync wait.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gsync.config import ConfigError, Settings
from gsync.errors import GsyncError, LockHeld
from gsync.master import policy
from gsync.remind import history
from gsync.remind.channels import CredentialsRefused, EmailChannel, LineChannel, Rejected, Temporary
from gsync.remind.outbox import Entry, Outbox
from gsync.remind.plan import (
    CHANNELS,
    DeadlineItem,
    Message,
    in_working_hours,
    items_from_reports,
    mask_recipient,
    plan,
)

log = logging.getLogger(__name__)

Hook = Callable[[str], None]


class Channel(Protocol):
    name: str

    def send(self, entry: Entry, hook: Hook = ...) -> str: ...

    def close(self) -> None: ...


ChannelFactory = Callable[[], Channel]


@dataclass
class Delivery:
    planned: list[Message] = field(default_factory=list)
    outside_hours: bool = False
    sent: list[Entry] = field(default_factory=list)
    already: int = 0  # planned, but sent (or failed for good) by an earlier run
    failed: list[tuple[Entry, str]] = field(default_factory=list)  # rejected: recorded, others went on
    later: list[tuple[Entry, str]] = field(default_factory=list)  # temporary: the next run tries again
    obsolete: list[Entry] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # channel -> one-line reason
    down: dict[str, str] = field(default_factory=dict)  # channel -> why it stopped for this run (server unreachable)
    warnings: list[str] = field(default_factory=list)  # a dry run: each reason a real run would fail or skip
    tab_rows: int = 0
    tab_skipped: str = ""
    to_send: list[Message] = field(default_factory=list)  # a dry run: what a real run would send now

    @property
    def exit_code(self) -> int:
        """0 all done; 2 credentials refused; 1 something must wait for the next run; 4 a recipient
        was rejected (recorded in ประวัติการแจ้งเตือน)."""
        if self.refused:
            return 2
        if self.later:
            return 1
        if self.failed:
            return 4
        return 0


def outbox_path(settings: Settings) -> Path:
    return settings.reminders.outbox or settings.state.path.parent / "reminders.sqlite"


def deliver(
    settings: Settings,
    items: Sequence[DeadlineItem],
    now: dt.datetime,
    *,
    outbox: Outbox,
    channels: Mapping[str, ChannelFactory],
    hook: Hook = lambda stage: None,
    clock: Callable[[], dt.datetime] | None = None,
) -> Delivery:
    """Steps 2-4 over a judged list of items. `channels`: name -> factory (opened on first use).
    Outside working hours only receipts go (they answer what the sender just did)."""
    since = outbox.receipts_since(now) if settings.reminders.receipts else None
    out = Delivery(planned=plan(settings, items, now, receipts_since=since))
    if not in_working_hours(now, settings):
        out.outside_hours = True
        out.planned = [m for m in out.planned if m.kind == "receipt"]
        if not out.planned:
            return out
    tick = clock or (lambda: now)
    outbox.record(out.planned, now)
    hook("recorded")
    out.obsolete = [] if out.outside_hours else outbox.obsolete({m.key for m in out.planned}, now)
    for e in out.obsolete:
        log.info("reminder no longer due, dropped: %s %s day %+d to %s", e.district, e.item, e.day, mask_recipient(e.recipient))
    opened: dict[str, Channel] = {}
    try:
        for m in out.planned:
            _deliver_one(settings, m, out, outbox, channels, opened, hook, tick)
    finally:
        for ch in opened.values():
            ch.close()
    return out


def _deliver_one(settings: Settings, m: Message, out: Delivery, outbox: Outbox, channels: Mapping[str, ChannelFactory],
                 opened: dict[str, Channel], hook: Hook, tick: Callable[[], dt.datetime]) -> None:
    """Step 4 for one message: claim, send, mark; the outcome goes into `out`."""
    if m.channel in out.refused:
        return
    current = outbox.get(m.key)
    if current is None or current.status not in ("pending", "sending"):
        out.already += 1
        return
    if m.channel in out.down:
        out.later.append((current, f"not tried: {out.down[m.channel]}"))  # kept, untouched, for the next run
        return
    factory = channels.get(m.channel)
    if factory is None:
        return  # not configured in this run (plan() only plans configured channels)
    entry = outbox.claim(m.key, tick())
    if entry is None:
        out.already += 1
        return
    hook(f"claimed:{m.channel}")
    try:
        ch = opened.get(m.channel)
        if ch is None:
            ch = opened[m.channel] = factory()
        note = ch.send(entry, hook)
    except CredentialsRefused as e:
        outbox.release(m.key, str(e))
        out.refused[m.channel] = str(e)
        log.error("%s", e)
        return
    except Rejected as e:
        outbox.failed(m.key, tick(), str(e))
        out.failed.append((entry, str(e)))
        log.warning("reminder to %s refused: %s", mask_recipient(m.recipient), e)
        return
    except Exception as e:  # noqa: BLE001 - Temporary, or anything a client library raised
        why = str(e) if isinstance(e, Temporary) else f"unexpected {type(e).__name__} from the {m.channel} client"
        # kept for the next run: a LINE repeat is a 409, a mail keeps its Message-ID
        if outbox.retry_later(m.key, tick(), why, settings.reminders.max_attempts):
            out.failed.append((entry, why))
        else:
            out.later.append((entry, why))
        log.warning("reminder to %s not sent now: %s", mask_recipient(m.recipient), why)
        # one failure tells: the server is down or refusing; the rest of this channel waits
        out.down[m.channel] = f"the {m.channel} server failed earlier in this run ({why})"
        log.warning("%s stopped for this run; its other messages are kept for the next run", m.channel)
        return
    hook(f"delivered:{m.channel}")
    outbox.sent(m.key, tick(), note or None)
    hook(f"marked:{m.channel}")
    out.sent.append(entry)
    log.info("reminder sent: %s %s day %+d by %s to %s", m.district, m.item, m.day, m.channel, mask_recipient(m.recipient))


def write_history(settings: Settings, outbox: Outbox, sink: Any, hook: Hook = lambda stage: None) -> int:
    """Step 5: append finished messages to ประวัติการแจ้งเตือน. Returns the rows written.
    A crash between the write and the mark rewrites the same rows next time: the tab is
    append-only by key, so they are not added twice."""
    entries = outbox.untabbed()
    if not entries:
        return 0
    existing = sink.read(fresh=True)  # never a copy: every row gsync appended before stays
    policy.write(sink, [history.table(entries, settings.tz)], existing)
    hook("history_written")
    outbox.mark_tabbed(e.key for e in entries)
    return len(entries)


# --- the command ---------------------------------------------------------------------------


def judge(settings: Settings, now: dt.datetime) -> list[DeadlineItem]:
    """Step 1: the reports as of `now`, by a dry-run sync under the sync's lock."""
    from gsync import runner

    result = runner.sync(settings, now, dry_run=True, fresh_master=True)  # what staff typed decides who is reminded
    return items_from_reports(settings, result.outcome.reports)


def read_secret(path: Path, key: str) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig").strip()
    except FileNotFoundError:
        raise ConfigError(f"{key} {path}: file not found; save the secret in that file (readable by gsync's user only)") from None
    except OSError as e:
        raise ConfigError(f"{key} {path}: cannot be read ({e.strerror})") from None
    if not text:
        raise ConfigError(f"{key} {path}: the file is empty")
    return text


def channel_factories(settings: Settings) -> dict[str, ChannelFactory]:
    """The configured channels; secrets are read here, once, and never logged."""
    out: dict[str, ChannelFactory] = {}
    if settings.line is not None:
        cfg = settings.line
        token = read_secret(cfg.token_file, "[line] token_file")
        out["line"] = lambda: LineChannel(cfg, token)
    if settings.email is not None:
        ecfg = settings.email
        password = read_secret(ecfg.password_file, "[email] password_file") if ecfg.password_file else None
        out["email"] = lambda: EmailChannel(ecfg, password)
    return out


def dry_run_reasons(settings: Settings) -> tuple[dict[str, str], list[str]]:
    """What would make a real run fail (channel -> the one-line reason, exit 2) or skip someone
    (Thai lines for the printout), without sending anything."""
    from gsync.remind.history import CHANNEL_LABELS
    from gsync.remind.plan import escalation, recipients

    refused: dict[str, str] = {}
    secrets = {"line": (settings.line.token_file, "[line] token_file") if settings.line else None,
               "email": (settings.email.password_file, "[email] password_file")
               if settings.email and settings.email.password_file else None}
    for channel, secret in secrets.items():
        if secret is not None:
            try:
                read_secret(*secret)
            except ConfigError as e:
                refused[channel] = str(e)
    lines = [f"ยังไม่ได้ตั้งค่าช่องทาง {CHANNEL_LABELS[c]} (ส่วน [{c}] ในไฟล์ตั้งค่า): รอบจริงจะยังไม่ส่งทางนี้"
             for c in CHANNELS if getattr(settings, c) is None]
    lines += [f"ช่องทาง {CHANNEL_LABELS[c]}: {why} (รอบจริงจะหยุดและจบด้วยรหัส 2)" for c, why in refused.items()]
    for d in settings.districts:
        if not any(recipients(settings, d.name, CHANNELS).values()):
            lines.append(f"อำเภอ{d.name} ไม่มีผู้รับเลย (ไม่มี line, emails หรือ notify_emails): รอบจริงจะไม่แจ้งอำเภอนี้")
        elif any(getattr(settings, c) is not None for c in CHANNELS) and not any(recipients(settings, d.name).values()):
            lines.append(f"อำเภอ{d.name} ไม่มีผู้รับในช่องทางที่ตั้งค่าไว้: รอบจริงจะไม่แจ้งอำเภอนี้")
        elif settings.reminders.escalate_after_days and not any(escalation(settings, d.name).values()):
            lines.append(f"อำเภอ{d.name} ไม่มี escalate_emails / escalate_line: เมื่อเลยกำหนดนาน จะไม่มีสำเนาถึงผู้บังคับบัญชา")
    if settings.reminders.summary_day is not None and not any(recipients(settings, "*", CHANNELS).values()):
        lines.append("ไม่มีผู้รับสรุปของจังหวัด ([province] staff_emails / staff_line): รอบจริงจะไม่ส่งสรุป")
    return refused, lines


def remind(
    settings: Settings,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    channels: Mapping[str, ChannelFactory] | None = None,
    hook: Hook = lambda stage: None,
) -> Delivery:
    """The whole run. A dry run plans and reads the outbox (`to_send`), and sends and writes
    nothing. Raises LockHeld (exit 3) when another remind run is going on."""
    if dry_run:
        items = judge(settings, now)
        box = Outbox(outbox_path(settings), readonly=True)
        try:
            # Every channel, configured or not: a province setting up sees whom each would reach
            # (the printout says which channels a real run would not use yet).
            since = (box.receipts_since() or now) if settings.reminders.receipts else None
            d = Delivery(planned=plan(settings, items, now, CHANNELS, receipts_since=since),
                         outside_hours=not in_working_hours(now, settings))
            for m in d.planned:
                e = box.get(m.key)
                if e is None or e.status in ("pending", "sending"):
                    d.to_send.append(m)
                else:
                    d.already += 1
        finally:
            box.close()
        d.refused, d.warnings = dry_run_reasons(settings)
        return d
    factories = channel_factories(settings) if channels is None else channels
    from gsync import runner

    with runner.locked(runner.lock_path(settings, runner.REMIND_LOCK_NAME)):
        items = judge(settings, now)
        try:
            return _send(settings, items, now, factories, hook)
        except sqlite3.Error as e:
            # Never rebuilt silently: an outbox thrown away would send everything again.
            raise GsyncError(
                f"the reminders' outbox {outbox_path(settings)} cannot be used ({type(e).__name__}: {e}); "
                "check the disk space and the file's permissions. Nothing more was sent; messages recorded "
                "as sending go out (once) on the next run") from None


def _send(settings: Settings, items: list[DeadlineItem], now: dt.datetime,
          factories: Mapping[str, ChannelFactory], hook: Hook) -> Delivery:
    box = Outbox(outbox_path(settings))
    try:
        d = deliver(settings, items, now, outbox=box, channels=factories, hook=hook)
        try:
            d.tab_rows = _show(settings, box, hook)
        except LockHeld:
            d.tab_skipped = "a sync is writing the master; the history tab is updated by the next remind run"
            log.info("%s", d.tab_skipped)
        hook("tabbed")
    finally:
        box.close()
    return d


def _show(settings: Settings, box: Outbox, hook: Hook) -> int:
    from gsync import runner

    if not box.untabbed():
        return 0
    with runner.session(settings, dry_run=False) as run:
        n = write_history(settings, box, run.sink(), hook)
        run.state.commit()  # the Google sink's tab cache only: the sync's own state is untouched
    return n
