"""One sync: read both channels, parse what is new, judge every report, write the master.

Sources, sink and state are handed in (see sources/, sinks/, state.py), so the same run works
offline, against Google, or against a test fake. The state advances only after the master was
written: a crash anywhere leaves the last good run's state, and the next run redoes the work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from gsync import parse
from gsync.accounting import Accounting
from gsync.config import Settings
from gsync.errors import FileGone, FileUnavailable
from gsync.models import FileKind, FileRef, ParsedFile
from gsync.rules import Incoming, Outcome, judge
from gsync.sinks import MasterSink, orphaned_notes
from gsync.sinks.tables import archive_table, log_table, render, staff_input, thai_datetime
from gsync.sources import DriveSource, FormSource
from gsync.state import State

log = logging.getLogger(__name__)

PARSER_VERSION = "2"  # 2: lessons-learned records, unread coordinates
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".heic", ".heif", ".gif", ".webp", ".mp4", ".mov", ".bmp", ".tif", ".tiff")
# Problems that mean gsync could not read or place something a district sent.
ATTENTION_CODES = frozenset({"unreadable_file", "no_header"})

# A fault hook for crash tests: called with the name of each stage as the run reaches it.
Hook = Callable[[str], None]


@dataclass
class SyncResult:
    outcome: Outcome
    tabs_changed: int = 0
    parsed_new: int = 0
    gone: list[str] = field(default_factory=list)
    accounting: Accounting = field(default_factory=Accounting)

    @property
    def needs_attention(self) -> bool:
        return bool(self.outcome.unattributed) or any(
            p.code in ATTENTION_CODES for r in self.outcome.reports for p in r.problems
        )


def run(
    settings: Settings,
    *,
    form: FormSource | None,
    drive: DriveSource | None,
    attachments: DriveSource | None,
    sink: MasterSink,
    state: State,
    now: dt.datetime,
    dry_run: bool = False,
    accounting: Accounting | None = None,
    hook: Hook = lambda stage: None,
) -> SyncResult:
    acct = accounting or Accounting()
    existing = sink.read()
    staff = staff_input(existing)
    responses = list(form.responses()) if form else []
    refs = list(drive.list_files()) if drive else []
    hook("read")

    loader = _Loader(settings, state)
    by_id = {r.id: r for r in refs}
    incoming: list[Incoming] = []
    for resp in responses:  # Form attachments first: the response says whose they are
        for ref in (*resp.report_files, *resp.photo_files):
            listed = by_id.get(ref.id)
            source = drive if listed is not None else attachments
            item = loader.load(listed or ref, source, resp.id)
            if item is not None:
                incoming.append(item)
    for ref in refs:
        item = loader.load(ref, drive, None)
        if item is not None:
            incoming.append(item)
    hook("parsed")

    outcome = judge(settings, responses, incoming, staff, now)
    tables = render(settings, outcome, now)
    orphans = [row for t in tables for row in orphaned_notes(t, existing.get(t.title))]
    result = SyncResult(outcome, parsed_new=loader.parsed_new, gone=loader.gone, accounting=acct)
    tables.append(archive_table(orphans))
    tables.append(log_table(_log_row(settings, result, now)))
    if dry_run:
        state.discard()
        return result
    hook("before_write")
    result.tabs_changed = sink.write(tables, existing)
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

    def __init__(self, settings: Settings, state: State) -> None:
        self.settings, self.state = settings, state
        self.parsed_new = 0
        self.gone: list[str] = []
        fp = settings.columns.model_dump_json() + settings.vocabulary.model_dump_json() + settings.limits.model_dump_json()
        self.fingerprint = PARSER_VERSION + hashlib.sha256(fp.encode()).hexdigest()[:16]

    def load(self, ref: FileRef, source: DriveSource | None, response_id: str | None) -> Incoming | None:
        first = self.state.first_received(ref.id)
        if first is not None and first < ref.received_at:
            ref = ref.model_copy(update={"received_at": first})
        if is_evidence(ref):
            self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, None)
            return Incoming(ref, ParsedFile(kind=FileKind.EVIDENCE), response_id)
        known = self.state.file_version(ref.id)
        parsed = None
        key = known[1] if known and known[0] == ref.version and ref.version else None
        if key:
            parsed = self.state.parsed(key)
        if parsed is None:
            if source is None:
                return Incoming(ref, None, response_id)
            try:
                data = source.fetch(ref)
            except FileGone:
                log.warning("file %s was deleted before it could be read; skipped", ref.name)
                self.gone.append(ref.name)
                return None
            except FileUnavailable:
                return Incoming(ref, None, response_id)
            key = self.fingerprint + hashlib.sha256(data).hexdigest()
            parsed = self.state.parsed(key)
            if parsed is None:
                parsed = parse.parse_file(ref.name, data, self.settings)
                self.parsed_new += 1
                self.state.stage_parsed(key, parsed)
        self.state.stage_file(ref.id, ref.version, ref.name, ref.received_at, key)
        return Incoming(ref, parsed, response_id)


def is_evidence(ref: FileRef) -> bool:
    """Photos and PDFs are kept as evidence, never downloaded or parsed."""
    mime = ref.mime_type
    return ref.name.lower().endswith(EVIDENCE_SUFFIXES) or mime.startswith(("image/", "video/")) or mime == "application/pdf"


def _log_row(settings: Settings, result: SyncResult, now: dt.datetime) -> list:  # type: ignore[type-arg]
    o = result.outcome
    received = sum(1 for r in o.reports if r.submitted_at is not None)
    problems = sum(len(r.problems) for r in o.reports)
    verdict = "ต้องตรวจสอบ: มีไฟล์ที่อ่านไม่ได้หรือระบุไม่ได้" if result.needs_attention else "สำเร็จ"
    a = result.accounting
    return [
        now.astimezone(dt.UTC).isoformat(timespec="seconds"), thai_datetime(now, settings.tz), verdict,
        f"{received}/{len(o.reports)}", problems, len(o.unattributed), result.parsed_new, a.summary(),
        a.bytes_downloaded, a.retries,
    ]
