"""What to tell whom, now: the reminder planner. Pure: a function of the items, the config and `now`.

A *deadline item* is anything a district owes by a date: a quarterly report ("Q1"), and later
a one-off collection (its id). Each has a status: nothing arrived yet, fine, incomplete (with
its problems), returned by staff (with the reason), or excused.

Per item and district, of the configured `days` (relative to the deadline) only the latest
one that has come is a candidate: a run that was missed catches up with one message, never a
burst of stale ones. The candidate is sent only if it is still relevant:
  * a day before or on the deadline (<= 0), only while the deadline has not passed and
    nothing has arrived;
  * a day after it: a reminder if nothing arrived, the problems if incomplete, the reason if
    returned; nothing when the report is fine or excused.
However late the run (reminders switched on mid-quarter, a timer stopped for weeks), an open
report is never dropped: the latest day that applies is sent once. (`catch_up_days`, when a
province sets it, is a limit: a day more than that old is not sent any more.) The summary day sends one message
per item to the province staff, listing who is still missing, incomplete or returned.

Each message has a stable key (district, item, day, channel, recipient): the outbox sends a
key at most once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from gsync import thai, thai_calendar, vocab
from gsync.config import RemindersCfg, Settings
from gsync.models import Report
from gsync.remind import templates

ItemStatus = Literal["waiting", "ok", "incomplete", "returned", "excused"]
Channel = Literal["line", "email"]
CHANNELS: tuple[Channel, ...] = ("line", "email")
PROVINCE = "*"  # the "district" of the summary to province staff, in keys
MAX_PROBLEMS = 10  # problems listed in one message; the rest are counted
STAFF_ONLY = frozenset({"unknown_review"})  # problems about what staff typed: never told to a district


@dataclass(frozen=True)
class DeadlineItem:
    """Something one district owes by a date, and how it stands."""

    district: str
    key: str  # "Q1".."Q4", or a collection's id
    label: str  # Thai, as messages name it: "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)"
    deadline: dt.date
    status: ItemStatus
    problems: tuple[str, ...] = ()  # Thai, for "incomplete"
    reason: str = ""  # what staff wrote, for "returned"
    # what arrived (for receipts): the version of what counts now, when its newest part arrived,
    # what that was, whether it came by the Form (and from whom), and whether it was late
    version: str = ""
    arrived_at: dt.datetime | None = None
    arrived: str = ""  # Thai: "ไฟล์ “เกาะคา Q1.xlsx”" or "คำตอบแบบฟอร์ม"
    respondents: tuple[str, ...] = ()  # the Form respondent's address, when the newest part is a response
    late: bool = False


@dataclass(frozen=True)
class Message:
    key: str
    district: str  # PROVINCE for the summary
    item: str
    item_label: str
    deadline: dt.date
    day: int
    kind: str  # one of templates.KINDS
    channel: Channel
    recipient: str
    subject: str
    body: str


def message_key(district: str, item: str, day: int | str, channel: str, recipient: str) -> str:
    """`day`: the day relative to the deadline, or "receipt:<version>" for a receipt."""
    return f"{district}|{item}|{day if isinstance(day, str) else format(day, '+d')}|{channel}|{recipient}"


def _evidence(what: str) -> bool:
    return what.rstrip("”").rsplit(".", 1)[-1].lower() in vocab.EVIDENCE_EXTENSIONS


def _arrival(r: Report) -> tuple[str, dt.datetime | None, str, tuple[str, ...]]:
    """(version, newest arrival, what it was in Thai, respondent addresses) of what counts for `r`."""
    parts: list[tuple[str, dt.datetime, str, tuple[str, ...]]] = [(f"f:{f.id}:{f.version or (f.modified_at or f.received_at).isoformat()}",
              max(f.received_at, f.modified_at or f.received_at), f"ไฟล์ “{f.name}”", ())
             for f in r.files if f.channel == "drive"]
    parts += [(f"r:{x.id}:{x.last_submitted_at.isoformat()}", x.last_submitted_at, "คำตอบแบบฟอร์มรายงาน",
               (x.email,) if x.email else ()) for x in r.responses]
    if not parts:
        return "", None, "", ()
    version = hashlib.sha256("\n".join(sorted(p[0] for p in parts)).encode()).hexdigest()[:12]
    reports = [p for p in parts if not (p[0].startswith("f:") and _evidence(p[2]))] or parts  # not a photo
    newest = max(reports, key=lambda p: p[1])
    return version, newest[1], newest[2], newest[3]


def items_from_reports(settings: Settings, reports: Iterable[Report]) -> list[DeadlineItem]:
    """The quarterly reports of a judged `Outcome` as deadline items."""
    out = []
    for r in reports:
        status: ItemStatus
        if r.excused or r.timeliness == "excused":
            status = "excused"
        elif r.review == "returned":
            status = "returned"
        elif r.submitted_at is None:
            status = "waiting"
        elif r.complete is False:
            status = "incomplete"
        else:
            status = "ok"
        problems = tuple(dict.fromkeys(p.message for p in r.problems if p.code not in STAFF_ONLY))
        version, arrived_at, arrived, respondents = _arrival(r)
        out.append(DeadlineItem(
            r.district, f"Q{r.quarter}", thai_calendar.quarter_label(settings.fiscal_year, r.quarter), r.deadline,
            status, problems, (r.review_reason or "").strip(), version, arrived_at, arrived, respondents,
            r.timeliness == "late",
        ))
    return out


def in_working_hours(now: dt.datetime, settings: Settings) -> bool:
    """Working hours in the province's time zone, on working days (as configured)."""
    cfg = settings.reminders
    local = now.astimezone(settings.tz)
    if not (cfg.start <= local.time().replace(tzinfo=None) < cfg.end):
        return False
    day = local.date()
    if day in settings.deadlines.extra_working_days:  # a make-up working day wins over everything
        return True
    if not cfg.weekends and day.weekday() >= 5:
        return False
    if not cfg.holidays:
        cal = thai_calendar.WorkCalendar(settings.deadlines.extra_holidays, settings.deadlines.extra_working_days)
        if cal.is_public_holiday(day) or day in settings.deadlines.extra_holidays:
            return False
    return True


def district_form_url(settings: Settings, district: str) -> str | None:
    """The district's own pre-filled Form link (the poster's), when the config names the Form's link
    and its district entry (`[form] url` and `district_entry`): the district is already chosen."""
    from gsync.poster import entry_in, plain_url, prefilled_url  # no PDF library is imported

    form = settings.form
    if form is None or not form.url or settings.reminders.form_url:
        return None
    entry = form.district_entry if form.district_entry is not None else entry_in(form.url)
    return prefilled_url(plain_url(form.url), entry, district) if entry is not None else None


def links(settings: Settings, district: str | None = None) -> tuple[str, str, str]:
    """(form url, folder url, the links block of a message); a district's own Form link if known."""
    form_url = (district_form_url(settings, district) if district else None) or settings.reminders.form_url or (
        settings.form.url if settings.form is not None and settings.form.url else "") or (
        f"https://docs.google.com/forms/d/{settings.form.form_id}/viewform"
        if settings.form is not None and settings.form.form_id else "")
    folder_url = settings.reminders.folder_url or (
        settings.drive.url if settings.drive is not None and settings.drive.url else "") or (
        f"https://drive.google.com/drive/folders/{settings.drive.folder_id}"
        if settings.drive is not None and settings.drive.folder_id else "")
    lines = []
    if form_url:
        lines.append(f"- แบบฟอร์มรายงาน: {form_url}")
    if folder_url:
        lines.append(f"- โฟลเดอร์ส่งไฟล์รายงาน (QR code): {folder_url}")
    if not lines:
        lines.append("- แบบฟอร์มและโฟลเดอร์ (QR code) ตามที่จังหวัดแจ้งไว้ในหนังสือ")
    return form_url, folder_url, "\n".join(lines)


def _latest_due(days: Sequence[int], offset: int, catch_up: int | None) -> int | None:
    due = [d for d in days if d <= offset and (catch_up is None or offset - d <= catch_up)]
    return max(due) if due else None


def _district_kind(item: DeadlineItem, day: int, offset: int) -> str | None:
    if item.status == "excused":
        return None
    if day <= 0:
        if offset > 0 or item.status != "waiting":
            return None  # the deadline passed (obsolete), or something arrived
        return "before" if day < 0 else "today"
    return {"waiting": "missing", "incomplete": "incomplete", "returned": "returned"}.get(item.status)


def _bullets(lines: Sequence[str], limit: int | None = MAX_PROBLEMS) -> str:
    shown = [f"- {x}" for x in (lines if limit is None else lines[:limit])]
    if limit is not None and len(lines) > limit:
        shown.append(f"- และอีก {len(lines) - limit} รายการ (ดูแท็บ \"ปัญหา\")")
    return "\n".join(shown) if shown else "- ไม่มี"


def configured_channels(settings: Settings) -> tuple[Channel, ...]:
    return tuple(c for c in CHANNELS if getattr(settings, c) is not None)


def recipients(settings: Settings, district: str, channels: Sequence[Channel] | None = None) -> dict[Channel, list[str]]:
    """Who hears about `district` (PROVINCE: the staff), per channel (default: the configured ones)."""
    if district == PROVINCE:
        line, email = settings.province.staff_line, settings.province.staff_emails
    else:
        d = next((x for x in settings.districts if x.name == district), None)
        if d is None:  # an item for a district the config no longer lists: nobody to tell
            return {}
        line, email = d.line, d.reminder_emails
    wanted = configured_channels(settings) if channels is None else channels
    people = {"line": line, "email": email}
    return {c: list(dict.fromkeys(x.strip() for x in people[c] if x.strip())) for c in wanted}


def _due_day(cfg: RemindersCfg, days: Sequence[int], offset: int) -> int | None:
    """The latest day of `days`, or of the repeats after the last of them (`repeat_days`), that has come."""
    day = _latest_due(days, offset, cfg.catch_up_days)
    last = max(days) if days else None
    if cfg.repeat_days and last is not None and last > 0 and offset - last >= cfg.repeat_days:
        day = last + (offset - last) // cfg.repeat_days * cfg.repeat_days
        if cfg.catch_up_days is not None and offset - day > cfg.catch_up_days:
            return None
    return day


def escalation(settings: Settings, district: str, channels: Sequence[Channel] | None = None) -> dict[Channel, list[str]]:
    """The district's escalation contacts (`escalate_emails`, `escalate_line`), per channel."""
    d = next((x for x in settings.districts if x.name == district), None)
    if d is None:
        return {}
    wanted = configured_channels(settings) if channels is None else channels
    people = {"line": d.escalate_line, "email": d.escalate_emails}
    return {c: list(dict.fromkeys(x.strip() for x in people[c] if x.strip())) for c in wanted}


class _Planner:
    """Builds the messages of one `plan` call."""

    def __init__(self, settings: Settings, channels: Sequence[Channel] | None) -> None:
        self.settings, self.channels, self.cfg = settings, channels, settings.reminders
        self.province_links = links(settings)
        self.out: list[Message] = []

    def emit(self, it: DeadlineItem | None, key: str, label: str, deadline: dt.date, day: int | str, kind: str,
             values: dict[str, object], to: dict[Channel, list[str]], prefix: str = "", number: int = 0) -> None:
        district = it.district if it is not None else PROVINCE
        own = links(self.settings, district) if it is not None else self.province_links
        common = {"province": self.settings.province.name, "fiscal_year": self.settings.fiscal_year, "item": label,
                  "item_short": label.split(" (")[0], "deadline": thai.format_thai_date(deadline, short=False),
                  "deadline_short": thai.format_thai_date(deadline), "links": own[2],
                  "form_url": own[0], "folder_url": own[1]}
        subject, body = templates.render(kind.split(":")[-1], self.cfg.templates, {**common, **values})
        if prefix:
            subject, body = prefix + subject, prefix + body
        n = day if isinstance(day, int) else number  # a receipt: the days from the deadline when it arrived
        for channel, people in to.items():
            for who in people:
                self.out.append(Message(message_key(district, key, day, channel, who), district, key, label, deadline,
                                        n, kind, channel, who, subject, body))

    def district(self, it: DeadlineItem, today: dt.date, days: Sequence[int]) -> None:
        offset = (today - it.deadline).days
        day = _due_day(self.cfg, days, offset)
        kind = _district_kind(it, day, offset) if day is not None else None
        if day is None or kind is None:
            return
        values: dict[str, object] = {
            "district": it.district, "days_left": max(-offset, 0), "days_late": max(offset, 0),
            "problems": _bullets(it.problems), "reason": it.reason or "(ไม่ได้ระบุเหตุผล โปรดติดต่อเจ้าหน้าที่จังหวัด)",
        }
        self.emit(it, it.key, it.label, it.deadline, day, kind, values, recipients(self.settings, it.district, self.channels))
        if self.cfg.escalate_after_days and day > 0 and offset >= self.cfg.escalate_after_days:
            self.emit(it, it.key, it.label, it.deadline, day, f"escalate:{kind}", values,
                      escalation(self.settings, it.district, self.channels),
                      prefix=f"[สำเนาเพื่อทราบ: อำเภอ{it.district} เลยกำหนดส่งมาแล้ว {offset} วัน] ")

    def receipt(self, it: DeadlineItem, since: dt.datetime) -> None:
        if it.status not in ("ok", "incomplete") or not it.version or it.arrived_at is None or it.arrived_at <= since:
            return
        n = len(it.problems)
        verdict = f"พบปัญหา {n} ข้อ" if it.status == "incomplete" and n else (
            "ครบถ้วน" if it.status == "ok" and not it.late else "ส่งล่าช้า" if it.status == "ok" else "ยังไม่ครบถ้วน")
        late_days = (it.arrived_at.astimezone(self.settings.tz).date() - it.deadline).days
        timing = f"ส่งหลังกำหนด {late_days} วัน" if it.late and late_days > 0 else (
            "ส่งหลังกำหนด" if it.late else "ทันกำหนด")
        to = recipients(self.settings, it.district, self.channels)
        if it.respondents:  # a Form response: its respondent hears, by email
            to = {c: (list(it.respondents) if c == "email" else []) for c in to}
        self.emit(it, it.key, it.label, it.deadline, f"receipt:{it.version}", "receipt", {
            "district": it.district, "verdict": verdict, "n_problems": n, "arrived": it.arrived,
            "arrived_at": thai.format_thai_date(it.arrived_at.astimezone(self.settings.tz).date())
            + it.arrived_at.astimezone(self.settings.tz).strftime(" %H:%M น."),
            "timing": timing, "problems": _numbered(it.problems),
            "todo": (f"โปรดแก้ไขตามรายการข้างต้น แล้วส่งฉบับใหม่ (แทนฉบับเดิม) ทาง\n{links(self.settings, it.district)[2]}"
                     if it.status == "incomplete" else "ไม่ต้องดำเนินการใดเพิ่มเติม ขอบคุณที่ส่งรายงาน"),
        }, to, number=late_days)

    def summary(self, key: str, group: list[DeadlineItem], today: dt.date) -> None:
        cfg = self.cfg
        assert cfg.summary_day is not None
        deadline = max(i.deadline for i in group)
        offset = (today - deadline).days
        missing = [i for i in group if i.status == "waiting"]
        incomplete = [i for i in group if i.status == "incomplete"]
        returned = [i for i in group if i.status == "returned"]
        open_ = missing or incomplete or returned
        day = _due_day(cfg, [cfg.summary_day], offset) if open_ else _latest_due([cfg.summary_day], offset, cfg.catch_up_days)
        if day is None:
            return
        arrived = [i for i in group if i.status != "waiting" and i.status != "excused"]
        self.emit(None, key, group[0].label, deadline, day, "summary", {
            "n_total": len(group), "n_missing": len(missing), "n_incomplete": len(incomplete),
            "n_returned": len(returned), "n_ok": len(group) - len(missing) - len(incomplete) - len(returned),
            "n_received": len(arrived), "n_late": sum(1 for i in arrived if i.late),
            "missing_list": _bullets([", ".join(i.district for i in missing)] if missing else []),
            "incomplete_list": _bullets([f"{i.district}: {i.problems[0] if i.problems else 'ไม่ครบถ้วน'}"
                                         + (f" (และอีก {len(i.problems) - 1} รายการ)" if len(i.problems) > 1 else "")
                                         for i in incomplete], limit=None),
            "returned_list": _bullets([f"{i.district}: {i.reason or '-'}" for i in returned], limit=None),
            "days_late": offset, "master_url": master_url(self.settings),
        }, recipients(self.settings, PROVINCE, self.channels))


def _numbered(lines: Sequence[str], limit: int = MAX_PROBLEMS) -> str:
    shown = [f"{n}. {x}" for n, x in enumerate(lines[:limit], 1)]
    if len(lines) > limit:
        shown.append(f"และอีก {len(lines) - limit} ข้อ")
    return "".join(x + "\n" for x in shown)  # one line each, "" when there are none


def master_url(settings: Settings) -> str:
    """The master's address for staff: the Google Sheet's link, or the workbook's path."""
    sheet = settings.sheet
    if sheet.spreadsheet_id:
        return f"https://docs.google.com/spreadsheets/d/{sheet.spreadsheet_id}/edit"
    return str(sheet.path or "")


def plan(settings: Settings, items: Sequence[DeadlineItem], now: dt.datetime,
         channels: Sequence[Channel] | None = None, receipts_since: dt.datetime | None = None) -> list[Message]:
    """Every message due at `now` (working hours are the caller's gate: see `in_working_hours`).
    `channels`: default the configured ones (a dry run may preview the others). `receipts_since`:
    the first run with `receipts = true`; what arrived after it is receipted (None: no receipts)."""
    cfg: RemindersCfg = settings.reminders
    if not cfg.enabled:
        return []
    today = now.astimezone(settings.tz).date()
    district_days = [d for d in cfg.days if d != cfg.summary_day]
    p = _Planner(settings, channels)
    by_item: dict[str, list[DeadlineItem]] = {}
    for it in items:
        by_item.setdefault(it.key, []).append(it)
        p.district(it, today, district_days)
        if cfg.receipts and receipts_since is not None:
            p.receipt(it, receipts_since)
    if cfg.summary_day is not None:
        for key, group in by_item.items():
            p.summary(key, group, today)
    return p.out


def mask_recipient(who: str) -> str:
    """For logs and the master: emails as k***@example.go.th, LINE ids as U12…ab."""
    if "@" in who:
        return thai.mask_pii(who)
    return f"{who[:3]}…{who[-2:]}" if len(who) > 6 else "…"
