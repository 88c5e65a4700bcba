"""One sync: read both channels, parse what is new, judge every report, write the master.

Sources, sink and state are handed in through the ports (gsync/ports.py), so the same run works
offline, against Google, or against a test fake; gsync/runner.py builds them, holds the lock and
handles --full and dry runs. The state advances only after the master was written: a crash
anywhere leaves the last good run's state, and the next run redoes the work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import gsync
from gsync import parse, thai_calendar
from gsync.accounting import Accounting
from gsync.attribution import Incoming
from gsync.config import Settings
from gsync.errors import FileGone, FileUnavailable, SourceCollapsed
from gsync.master import policy
from gsync.master.layout import Table
from gsync.master.merge import orphaned_notes
from gsync.master.render import render
from gsync.master.tables import archive_table, log_table, staff_input, thai_datetime
from gsync.models import FileKind, FileRef, FormResponse, ParsedFile, Receipt
from gsync.outcome import Outcome, judge
from gsync.parse.fingerprint import code_fingerprint
from gsync.ports import (
    DriveSource,
    FormSource,
    MasterSink,
    MasterWrite,
    Progress,
    StateStore,
    SyncState,
    Tabs,
)
from gsync.staff import StaffInput
from gsync.vocab import EVIDENCE_EXTENSIONS

log = logging.getLogger(__name__)

PARSER_VERSION = "2"  # 2: lessons-learned records, unread coordinates
# Problems that mean gsync could not read or place something a district sent.
ATTENTION_CODES = frozenset({"unreadable_file", "no_header"})
ATTENTION_KEY = "attention_seen"  # state kv: the attention items of the last committed run

# What counted for which report (kv, JSON): a receipt outlives its file (judging: file_removed).
RECEIPTS_KEY = "receipts:v1"
# state kv: the Thai public holidays the last run computed, with the holidays package version
# (a rerun need not build holidays.Thailand, which imports every country the package knows)
HOLIDAYS_KEY = "thai_holidays"
# How many responses / files each channel yielded in the last good run (kv, JSON).
COUNTS_KEY = "source_counts:v1"

# Parse keys that remember a file that could not be fetched at this version (Drive 404, or
# FileUnavailable: too big, a Google Form, a refused export): not fetched again until its
# version changes, so a rerun costs no download and a new upload costs exactly one.
GONE = "!gone"
DOWNLOAD_THREADS = 4  # downloads at once: bounded, each under the same retry policy and quotas
UNREADABLE = "!unreadable"

# A fault hook for crash tests: called with the name of each stage as the run reaches it.
Hook = Callable[[str], None]


class _Silent:
    def stage(self, name: str, total: int) -> None:
        if total:
            log.info("%s: %d", name, total)
        else:
            log.info("%s", name)

    def advance(self) -> None:
        pass


@dataclass
class SyncResult:
    outcome: Outcome
    tabs_changed: int = 0
    parsed_new: int = 0
    gone: list[str] = field(default_factory=list)
    accounting: Accounting = field(default_factory=Accounting)

    new_attention: list[str] = field(default_factory=list)  # attention items the last run did not have

    @property
    def attention(self) -> list[str]:
        """Stable keys of what gsync could not read or place: files and responses, not reports."""
        keys = {f"unattributed:{u.source}:{u.id or u.name}" for u in self.outcome.unattributed}
        keys |= {f"{p.code}:{r.key}:{p.source}" for r in self.outcome.reports for p in r.problems
                 if p.code in ATTENTION_CODES}
        return sorted(keys)

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention)


def run(
    settings: Settings,
    *,
    form: FormSource | None,
    drive: DriveSource | None,
    attachments: DriveSource | None,
    sink: MasterSink,
    state: SyncState,
    now: dt.datetime,
    dry_run: bool = False,
    accounting: Accounting | None = None,
    hook: Hook = lambda stage: None,
    progress: Progress | None = None,
    accept_drop: bool = False,
    fresh_master: bool = False,
) -> SyncResult:
    """One sync. `fresh_master`: read the master itself even in a dry run (gsync remind acts on
    what staff typed: a ✓ in ยกเว้น stops reminders), never a copy from the state; a run that
    writes always does."""
    acct = accounting or Accounting()
    told = progress or _Silent()
    told.stage("reading the master, the Form and the folder", 0)
    existing = sink.read(fresh=fresh_master)
    responses = list(form.responses()) if form else []
    refs = list(drive.list_files()) if drive else []
    check_counts(settings, state, form=len(responses) if form else None, drive=len(refs) if drive else None,
                 accept=accept_drop)
    responses, refs, later = arrived_by(now, responses, refs)
    hook("read")

    cached_holidays = state.get_json(HOLIDAYS_KEY)
    thai_calendar.remember_holidays(cached_holidays)
    loader = _Loader(settings, state)
    by_id = {r.id: r for r in refs}
    attached = [(ref, resp.id) for resp in responses for ref in (*resp.report_files, *resp.photo_files)]
    told.stage("checking and reading files", len(attached) + len(refs))
    work: list[tuple[FileRef, DriveSource | None, str | None]] = []
    for ref, response_id in attached:  # Form attachments first: the response says whose they are
        listed = by_id.get(ref.id)
        work.append((listed or ref, drive if listed is not None else attachments, response_id))
    work += [(ref, drive, None) for ref in refs]
    incoming = [item for item in loader.load_all(work, told.advance) if item is not None]
    hook("parsed")

    present = {r.id for r in responses} | {i.ref.id for i in incoming} | later
    removed = _removed(state, present, now)

    judged: list[tuple[StaffInput, Outcome, list[Table]]] = []  # (not hashable: dicts inside)

    def decide(existing: Tabs) -> tuple[SyncResult, MasterWrite]:
        """Judge with what staff typed in `existing` (once per distinct input), and decide what
        to write over it."""
        staff = staff_input(existing)
        if not judged or judged[-1][0] != staff:
            outcome = judge(settings, responses, incoming, staff, now, removed=removed)
            judged.append((staff, outcome, render(settings, outcome, now)))
        _, outcome, rendered = judged[-1]
        tables = list(rendered)  # the policy works on copies: the rendered tables stay as they are
        orphans = [row for t in tables for row in orphaned_notes(t, existing.get(t.title))]
        result = SyncResult(outcome, parsed_new=loader.parsed_new, gone=loader.gone, accounting=acct)
        tables.append(archive_table(orphans))
        tables.append(log_table(_log_row(settings, result, now)))
        found = sink.last_read()
        return result, policy.decide(tables, existing, notices=found.notices, renamed=found.renamed, stored=sink.stored)

    result, plan = decide(existing)
    if plan.writes and not dry_run and sink.last_read().copied:
        # What staff typed never depends on Drive's changes feed (it reports edits inside a
        # Sheet minutes late): a run about to write reads the master itself, judges again with
        # what staff typed there, and writes their cells only from that read.
        log.info("the master is to be written: reading it first (not the copy the changes feed vouched for)")
        existing = sink.read(fresh=True)
        result, plan = decide(existing)
    outcome = result.outcome
    for key, typed in judged[-1][0].review_unknown.items():  # shown to staff on the report too (unknown_review)
        log.warning("ผลการตรวจ of %s: %r is not a review word; the review is unchanged", key, typed)
    state.stage_json(RECEIPTS_KEY, _receipts(outcome, settings))
    if (seen_holidays := thai_calendar.holidays_seen()) != cached_holidays:
        state.stage_json(HOLIDAYS_KEY, seen_holidays)
    # Exit 4 is a signal for the timer, not a siren: only what the last good run did not have.
    last = state.get_json(ATTENTION_KEY)
    seen = set(last) if isinstance(last, list) else set()
    result.new_attention = [k for k in result.attention if k not in seen]
    state.stage_json(ATTENTION_KEY, result.attention)
    if dry_run:
        state.discard()
        return result
    hook("before_write")
    told.stage("comparing and writing the master", 0)
    if plan.writes:
        result.tabs_changed = sink.write(plan)
    else:
        log.info("the master is unchanged (or only its sync log would change); nothing written")
    hook("after_write")
    state.commit()
    hook("committed")
    log.info(
        "sync done: %d reports, %d problem(s), %d unattributed, %d file(s) parsed anew, %d tab(s) changed; requests: %s",
        len(outcome.reports), sum(len(r.problems) for r in outcome.reports), len(outcome.unattributed),
        loader.parsed_new, result.tabs_changed, acct.summary(),
    )
    return result


class _Loader:
    """Turns a listed file into an `Incoming`, from the state's cache when its version is known."""

    def __init__(self, settings: Settings, state: SyncState) -> None:
        self.settings, self.state = settings, state
        self.parsed_new = 0
        self.gone: list[str] = []
        fp = settings.columns.model_dump_json() + settings.vocabulary.model_dump_json() + settings.limits.model_dump_json()
        # The parser's own code is part of the key: an upgrade never keeps stale rows.
        self.fingerprint = PARSER_VERSION + code_fingerprint() + hashlib.sha256(fp.encode()).hexdigest()[:16]

    def load_all(self, work: list[tuple[FileRef, DriveSource | None, str | None]],
                 advance: Callable[[], None] = lambda: None) -> list[Incoming | None]:
        """Every item in order. Downloads run in up to DOWNLOAD_THREADS threads (each source call
        on its own thread's client); everything else (the state, parsing) stays on this one."""
        steps = [self._begin(ref, source, response_id) for ref, source, response_id in work]
        first: dict[tuple[str, str], int] = {}  # a file both attached and listed: fetched once
        same: dict[int, int] = {}
        for i, step in enumerate(steps):
            if isinstance(step, _Fetch):
                same[i] = first.setdefault((step.ref.id, step.ref.version), i)
        fetches = [(i, s) for i, s in enumerate(steps) if isinstance(s, _Fetch) and same[i] == i]
        # Downloads run ahead in the pool; each result is parsed (on this thread) as soon as it
        # is its turn, and dropped: only the bytes not yet parsed are held.
        pool = (ThreadPoolExecutor(max_workers=min(DOWNLOAD_THREADS, len(fetches)), thread_name_prefix="gsync-download")
                if len(fetches) > 1 else None)
        futures = {i: pool.submit(_fetch, f) for i, f in fetches} if pool is not None else {}
        needed = {j for i, j in same.items() if j != i}
        kept: dict[int, bytes | Exception] = {}
        out: list[Incoming | None] = []
        try:
            for i, step in enumerate(steps):
                if isinstance(step, _Fetch):
                    j = same[i]
                    if j in kept:
                        got = kept[j]
                    else:
                        got = futures[j].result() if pool is not None else _fetch(step)
                        if j in needed:
                            kept[j] = got
                    if isinstance(got, Exception) and not isinstance(got, (FileGone, FileUnavailable)):
                        raise got  # a failed download stops the run (nothing written), in listing order
                    out.append(self._finish(step, got))
                else:
                    out.append(step[0])
                advance()
        finally:
            if pool is not None:
                for fut in futures.values():
                    fut.cancel()
                pool.shutdown(wait=True)
        return out

    def _begin(self, ref: FileRef, source: DriveSource | None, response_id: str | None) -> tuple[Incoming | None] | _Fetch:
        listed = ref.received_at  # this content's arrival: what orders re-uploads (judging.report)
        first = self.state.first_received(ref.id)
        if first is not None and first < ref.received_at:
            ref = ref.model_copy(update={"received_at": first})  # the receipt: the first upload's time
        if is_evidence(ref):
            self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, None)
            return (Incoming(ref, ParsedFile(kind=FileKind.EVIDENCE), response_id, listed),)
        known = self.state.file_version(ref.id)
        key = known[1] if known and known[0] == ref.version and ref.version else None
        if key == GONE:  # remembered: not fetched again until Drive reports a new version
            self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, GONE)
            return (None,)
        if key == UNREADABLE:
            self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, UNREADABLE)
            return (Incoming(ref, None, response_id, listed),)
        parsed = self.state.parsed(key) if key else None
        if parsed is not None:
            self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, key)
            return (Incoming(ref, parsed, response_id, listed),)
        if source is None:
            return (Incoming(ref, None, response_id, listed),)
        return _Fetch(ref, source, response_id, listed)

    def _finish(self, step: _Fetch, got: bytes | Exception) -> Incoming | None:
        ref, response_id, listed = step.ref, step.response_id, step.listed
        if isinstance(got, FileGone):
            log.warning("file %s was deleted before it could be read; skipped", ref.name)
            self.gone.append(ref.name)
            if ref.version:
                self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, GONE)
            return None
        if isinstance(got, Exception):  # FileUnavailable
            if ref.version:
                self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, UNREADABLE)
            return Incoming(ref, None, response_id, listed)
        key = self.fingerprint + hashlib.sha256(got).hexdigest()
        parsed = self.state.parsed(key)
        if parsed is None:
            parsed = parse.parse_file(ref.name, got, self.settings)
            self.parsed_new += 1
            self.state.stage_parsed(key, parsed)
        self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, key)
        return Incoming(ref, parsed, response_id, listed)


@dataclass
class _Fetch:
    ref: FileRef
    source: DriveSource
    response_id: str | None
    listed: dt.datetime


def _fetch(step: _Fetch) -> bytes | Exception:
    """One download, on whatever thread: the bytes, or the error to raise on the run's thread."""
    try:
        return step.source.fetch(step.ref)
    except Exception as e:  # noqa: BLE001 - handed back to the run's thread, raised there in order
        return e


def check_counts(settings: Settings, state: StateStore, *, form: int | None, drive: int | None, accept: bool) -> None:
    """Stop before anything is written when a channel collapsed against the last good run;
    stage this run's counts (committed with the run, so "last good" means a written run)."""
    saved = state.get_json(COUNTS_KEY)
    last = saved if isinstance(saved, dict) else {}
    seen = {k: v for k, v in (("form", form), ("drive", drive)) if v is not None}
    keep = 1.0 - settings.safety.max_drop
    for channel, n in seen.items():
        before = last.get(channel)
        if accept or not isinstance(before, int) or before <= 0:
            continue
        if n == 0 or n < before * keep:
            raise SourceCollapsed(_collapse_message(settings, channel, n, before))
    if accept and any(isinstance(last.get(c), int) and n < last[c] for c, n in seen.items()):
        log.warning("--accept-drop: counts accepted as they are now: %s (the last good run saw %s)", seen, last)
    state.stage_json(COUNTS_KEY, {**last, **seen})


def _collapse_message(settings: Settings, channel: str, n: int, before: int) -> str:
    flag = "If that is on purpose, run gsync sync --accept-drop once"
    if channel == "drive":
        d = settings.drive
        if d is not None and d.path is not None:
            where, check = f"[drive] path {d.path}", "Is Drive for desktop running and signed in, and the folder synced?"
        else:
            where = f"[drive] folder_id {d.folder_id if d else '?'}"
            check = "Were the files moved out of the QR folder or trashed, or is folder_id another folder?"
        what = f"{n} file(s)"
    else:
        f = settings.form
        if f is not None and f.csv is not None:
            where, check = f"[form] csv {f.csv}", "Is the CSV a complete, fresh download of this Form's responses?"
        else:
            where = f"[form] form_id {f.form_id if f else '?'}"
            check = "Were responses deleted in the Form, or is form_id another Form?"
        what = f"{n} response(s)"
    drop = ("nothing at all" if n == 0 else
            f"a drop of {100 * (before - n) / before:.0f}%, more than [safety] max_drop = {settings.safety.max_drop:g}")
    return f"{where} yields {what}, the last good run saw {before} ({drop}): nothing was written. {check} {flag}"


def arrived_by(now: dt.datetime, responses: list[FormResponse], refs: list[FileRef]
               ) -> tuple[list[FormResponse], list[FileRef], set[str]]:
    """As of `now`, only what had arrived by then: a what-if in the past (`--now`) does not see
    responses submitted or files received after it. Returns those kept, and the ids left out."""
    kept = [r for r in responses if r.created_at <= now]
    files = [f for f in refs if f.received_at <= now]
    later = {r.id for r in responses if r.created_at > now} | {f.id for f in refs if f.received_at > now}
    if later:
        log.info("as of %s: %d response(s) and file(s) that arrived later are not counted", now.isoformat(), len(later))
    return kept, files, later


def _removed(state: StateStore, present: set[str], now: dt.datetime) -> dict[str, list[Receipt]]:
    """Receipts of earlier runs whose file or response is not there any more, per report key."""
    saved = state.get_json(RECEIPTS_KEY)
    out: dict[str, list[Receipt]] = {}
    for key, items in (saved.items() if isinstance(saved, dict) else ()):
        for item in items if isinstance(items, list) else ():
            try:
                receipt = Receipt.model_validate(item)
            except ValueError:
                continue  # a record from another version: forget it rather than fail the run
            if receipt.id not in present and receipt.received_at <= now:  # arrived later: not seen yet as of now
                out.setdefault(key, []).append(receipt if receipt.removed_at else receipt.model_copy(update={"removed_at": now}))
    return out


def _receipts(outcome: Outcome, settings: Settings) -> dict[str, list[dict[str, object]]]:
    """Every file and response that counts for each report now, and those remembered as removed."""
    tz = settings.tz
    out: dict[str, list[dict[str, object]]] = {}
    for r in outcome.reports:
        items = [Receipt(source="form", id=x.id, received_at=x.created_at,
                         name=f"{thai_datetime(x.created_at, tz)} ({x.email or 'ไม่ทราบอีเมล'})") for x in r.responses]
        items += [Receipt(source="drive", id=f.id, name=f.name, received_at=f.received_at) for f in (*r.files, *r.superseded)]
        items += r.removed
        if items:
            out[r.key] = [i.model_dump(mode="json") for i in items]
    return out


def is_evidence(ref: FileRef) -> bool:
    """Photos and PDFs are kept as evidence, never downloaded or parsed."""
    mime = ref.mime_type
    _, dot, ext = ref.name.lower().rpartition(".")
    return bool(dot) and ext in EVIDENCE_EXTENSIONS or mime.startswith(("image/", "video/")) or mime == "application/pdf"


def _log_row(settings: Settings, result: SyncResult, now: dt.datetime) -> list:  # type: ignore[type-arg]
    o = result.outcome
    received = sum(1 for r in o.reports if r.submitted_at is not None)
    problems = sum(len(r.problems) for r in o.reports)
    verdict = "ต้องตรวจสอบ: มีไฟล์ที่อ่านไม่ได้หรือระบุไม่ได้" if result.needs_attention else "สำเร็จ"
    a = result.accounting
    return [
        now.astimezone(dt.UTC).isoformat(timespec="seconds"), thai_datetime(now, settings.tz), verdict,
        # the versions ride in the technical cell: the log's columns stay as staff (and scripts) know them
        f"{received}/{len(o.reports)}", problems, len(o.unattributed), result.parsed_new, f"{a.summary()} · {versions()}",
        a.bytes_downloaded, a.retries,
    ]


def versions() -> str:
    """gsync's and the holidays package's versions, for the sync log: a deadline the holidays
    package moved (a new in-lieu day) can be traced to the upgrade that moved it."""
    return f"gsync {gsync.__version__} · holidays {thai_calendar.holidays_version()}"
