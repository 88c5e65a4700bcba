"""A soak: many cron runs against the Google fake while the world changes and things break.

Between runs, districts upload reports, re-upload them in place (new content, same Drive file),
upload corrected copies, answer the Form, and staff type notes into the master Sheet. Each run
meets random faults: 429 (with and without Retry-After), 5xx, dropped connections, answers cut
off mid-body, slow answers, on every API and on the OAuth token endpoint; some faults outlast
the retries (the run fails with one line); some runs die by an exception at a stage, some are
real processes killed with SIGKILL at a stage, and some overlap (a real process pauses at a
stage holding the lock while another run starts, and must be refused). At checkpoints a clean run is compared with
a fresh rebuild (no state, a new Sheet) from the same sources: rows lost, rows duplicated, and
staff notes lost must all be 0.

The same soak runs a second time against Drive's worst-case feed (issue 21): the fake's changes
feed never reports an edit inside the Sheet, staff also tick ยกเว้น, and every cell staff typed
must still be beside its row (or in the note archive) at every checkpoint; the fresh rebuild
gets the same ticks.

Seeded and bounded: GSYNC_SOAK_RUNS (default 80; the lagging-feed soak 40) and GSYNC_SOAK_SEED
(default 8).
Retries sleep through a recording no-op, so the soak's time is gsync's own work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

from gsync import demo
from gsync.config import SheetCfg, StateCfg
from gsync.errors import GsyncError, LockHeld

from .google_support import Province, comparable, google_province, google_run, sheet_tabs
from .support import Crash, Tabs, data_rows, measure, report_xlsx, spawn_child, unique_keys

RUNS = int(os.environ.get("GSYNC_SOAK_RUNS", "80"))
LAGGING_RUNS = int(os.environ.get("GSYNC_SOAK_RUNS", "40"))
SEED = int(os.environ.get("GSYNC_SOAK_SEED", "8"))
CHECK_EVERY = 20
NOTE = "หมายเหตุเจ้าหน้าที่"
EXCUSED = "ยกเว้น (ใส่ ✓)"
ARCHIVE = "หมายเหตุที่เก็บไว้"
STAGES = ("read", "parsed", "before_write", "after_write", "committed")
QUARTER_TEXT = {1: "ไตรมาสที่ 1 (ต.ค. - ธ.ค. 2567)", 2: "ไตรมาสที่ 2 (ม.ค. - มี.ค. 2568)"}

# (label, method pattern): every API gsync calls, and the token endpoint
TARGETS = [
    ("Drive files.list", r"^drive\.files\.list$"),
    ("Drive changes.list", r"^drive\.changes\.list$"),
    ("Drive download", r"^drive\.files\.get$"),
    ("Forms forms.get", r"^forms\.forms\.get$"),
    ("Forms responses.list", r"^forms\.forms\.responses\.list$"),
    ("Sheets spreadsheets.get", r"^sheets\.spreadsheets\.get$"),
    ("Sheets values.batchGet", r"^sheets\.spreadsheets\.values\.batchGet$"),
    ("Sheets values.batchUpdate", r"^sheets\.spreadsheets\.values\.batchUpdate$"),
    ("Sheets values.batchClear", r"^sheets\.spreadsheets\.values\.batchClear$"),
    ("Sheets batchUpdate", r"^sheets\.spreadsheets\.batchUpdate$"),
    ("OAuth token", r"^oauth2\.token$"),
]
KINDS: list[tuple[str, dict[str, Any]]] = [
    ("429 Retry-After", {"status": 429, "retry_after": "3"}),
    ("429", {"status": 429}),
    ("500", {"status": 500}),
    ("503", {"status": 503}),
    ("dropped connection", {"drop": True}),
    ("answer cut off", {"after_bytes": 25}),
    ("slow answer", {"delay": 0.02}),
]


def _a1(col: int, row: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


@dataclasses.dataclass
class World:
    """What the districts and staff do between runs (all through the fake's own helpers)."""

    p: Province
    rng: random.Random
    # after everything in the demo, as real submissions are (the Forms source reads responses
    # incrementally by lastSubmittedTime, which only moves forward on a real Form)
    clock: dt.datetime = dt.datetime(2025, 4, 1, 1, 0, tzinfo=dt.UTC)
    uploads: list[tuple[str, str, int]] = dataclasses.field(default_factory=list)  # (file id, district, quarter)
    notes: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)
    events: Counter[str] = dataclasses.field(default_factory=Counter)
    seed: int = 1000
    ticks: bool = False  # staff also tick ยกเว้น (the lagging-feed soak)
    cells: dict[tuple[str, str, str], Any] = dataclasses.field(default_factory=dict)  # (tab, key, header) -> typed

    def tick(self) -> str:
        self.clock += dt.timedelta(minutes=self.rng.randint(20, 180))
        return self.clock.isoformat().replace("+00:00", "Z")

    def content(self, district: str, quarter: int) -> bytes:
        self.seed += 1
        return report_xlsx(district, quarter, self.seed)

    def step(self) -> None:
        for _ in range(self.rng.randint(1, 3)):
            what = self.rng.choice(["upload", "upload", "reupload", "copy", "response", "note", "note",
                                    *(["excuse"] if self.ticks else [])])
            getattr(self, what)()

    def upload(self) -> None:
        district = self.rng.choice(sorted(demo.lampang_districts()))
        q = self.rng.choice([1, 2])
        name = f"{district} ไตรมาส {q}.xlsx"
        fid = self.p.fake.drive_add_file(name, self.content(district, q), self.p.ids["folder_id"],
                                         created_time=self.tick())
        self.uploads.append((fid, district, q))
        self.events["upload"] += 1

    def reupload(self) -> None:
        if not self.uploads:
            return self.upload()
        fid, district, q = self.rng.choice(self.uploads)
        self.p.fake.drive_update_file(fid, self.content(district, q), modified_time=self.tick())
        self.events["re-upload in place"] += 1
        return None

    def copy(self) -> None:
        if not self.uploads:
            return self.upload()
        _, district, q = self.rng.choice(self.uploads)
        n = self.events["corrected copy"] + 1
        fid = self.p.fake.drive_add_file(f"{district} ไตรมาส {q} ({n}).xlsx", self.content(district, q),
                                         self.p.ids["folder_id"], created_time=self.tick())
        self.uploads.append((fid, district, q))
        self.events["corrected copy"] += 1
        return None

    def response(self) -> None:
        s = self.p.settings
        district = self.rng.choice([d.name for d in s.districts])
        q = self.rng.choice([1, 2])
        qids = self.p.ids["question_ids"]
        emails = s.district(district).emails
        self.p.fake.forms_add_response(self.p.ids["form_id"], {
            qids["อำเภอ"]: district, qids["ไตรมาส"]: QUARTER_TEXT[q],
            qids["ชื่อ-สกุล ผู้รายงาน"]: f"ผู้รายงาน {self.events['response'] + 1}",
        }, email=emails[0] if emails else None, create_time=self.tick())
        self.events["response"] += 1

    def note(self) -> None:
        t = sheet_tabs(self.p)
        tab = self.rng.choice(["รายงาน", "กิจกรรม"])
        rows = t.get(tab) or []
        if len(rows) < 2 or NOTE not in rows[0]:
            return
        col = list(rows[0]).index(NOTE)
        i = self.rng.randrange(1, len(rows))
        key = rows[i][0]
        if not key or (tab, str(key)) in self.notes:
            return
        text = f"บันทึก {len(self.notes) + 1}"
        self.p.fake.sheet_set_cell(self.p.sid, tab, _a1(col, i + 1), text)
        self.notes[(tab, str(key))] = text
        self.cells[(tab, str(key), NOTE)] = text
        self.events["staff note"] += 1

    def excuse(self) -> None:
        rows = sheet_tabs(self.p).get("รายงาน") or []
        if len(rows) < 2 or EXCUSED not in rows[0]:
            return
        i = self.rng.randrange(1, len(rows))
        key = str(rows[i][0])
        if ("รายงาน", key, EXCUSED) in self.cells:
            return
        self.p.fake.sheet_set_cell(self.p.sid, "รายงาน", _a1(list(rows[0]).index(EXCUSED), i + 1), True)
        self.cells[("รายงาน", key, EXCUSED)] = True
        self.events["staff tick in ยกเว้น"] += 1


def staff_blind(t: Tabs) -> Tabs:
    """Tabs without staff input: the archive tab dropped, note cells blanked (a fresh rebuild
    into a new Sheet has no staff input), rows sorted."""
    out: Tabs = {}
    for title, rows in t.items():
        if title == ARCHIVE or not rows:
            continue
        head = list(rows[0])
        staff = {i for i, h in enumerate(head) if isinstance(h, str) and h.startswith((NOTE, EXCUSED))}
        body = [tuple("" if i in staff else c for i, c in enumerate(r)) for r in rows[1:]]
        # the Sheet sink keeps rows where staff saw them and adds new ones below: order is not compared
        out[title] = [rows[0], *sorted(body, key=repr)]
    return comparable(out)


def differences(want: Tabs, got: Tabs, limit: int = 6) -> str:
    """What differs, row by row (by key): for the failure message."""
    out = []
    for title in sorted(set(want) | set(got)):
        a, b = want.get(title, []), got.get(title, [])
        if a == b:
            continue
        head = list((a or b)[0])
        ka, kb = {r[0]: r for r in a[1:]}, {r[0]: r for r in b[1:]}
        for k in sorted(set(ka) | set(kb), key=str):
            ra, rb = ka.get(k), kb.get(k)
            if ra == rb:
                continue
            if ra is None or rb is None:
                out.append(f"{title} {k}: only in {'synced' if ra is None else 'fresh'}")
            else:
                cells = [f"{head[i] if i < len(head) else i}: fresh={x!r} synced={y!r}"
                         for i, (x, y) in enumerate(zip(ra, rb, strict=False)) if x != y]
                out.append(f"{title} {k}: " + "; ".join(cells) + ("" if len(ra) == len(rb) else " (lengths differ)"))
        if len(out) >= limit:
            break
    return "\n".join(out[:limit]) or "row order differs"


def notes_lost(t: Tabs, notes: dict[tuple[str, str], str]) -> list[tuple[str, str]]:
    """Notes neither beside their row nor kept in the archive tab."""
    archive = " ".join(str(c) for r in data_rows(t.get(ARCHIVE, [])) for c in r)
    lost = []
    for (tab, key), text in notes.items():
        rows = [r for r in data_rows(t.get(tab, [])) if str(r[0]) == key]
        if not (rows and text in rows[0]) and not (f"{tab}:{key}" in archive and text in archive):
            lost.append((tab, key))
    return lost


def cells_lost(t: Tabs, cells: dict[tuple[str, str, str], Any]) -> list[tuple[str, str, str]]:
    """Cells staff typed neither in their column beside their row nor kept in the archive tab."""
    archive = " ".join(str(c) for r in data_rows(t.get(ARCHIVE, [])) for c in r)
    lost = []
    for (tab, key, header), value in cells.items():
        rows = t.get(tab) or [()]
        col = list(rows[0]).index(header) if header in rows[0] else None
        row = next((r for r in data_rows(rows) if str(r[0]) == key), None)
        beside = row is not None and col is not None and col < len(row) and row[col] == value
        if not beside and not (row is None and f"{tab}:{key}" in archive and str(value) in archive):
            lost.append((tab, key, header))
    return lost


def fresh_rebuild(p: Province, tmp: Path, n: int, ticks: set[str] = frozenset()) -> Tabs:  # type: ignore[assignment]
    """A new Sheet and no state, from the same sources; `ticks`: the รายงาน rows staff ticked
    ยกเว้น in, ticked here too (and synced again) so the judgements compare."""
    sid = p.fake.sheets_create(f"fresh {n}")
    settings = p.settings.model_copy(update={
        "sheet": SheetCfg(spreadsheet_id=sid), "state": StateCfg(path=tmp / f"fresh-{n}" / "state.sqlite"),
    })
    fresh = dataclasses.replace(p, settings=settings, ids={**p.ids, "spreadsheet_id": sid}, sleeps=[])
    google_run(fresh)
    if ticks:
        lagging, p.fake.sheet_edits_in_feed = p.fake.sheet_edits_in_feed, True  # the rebuild's run sees them
        try:
            rows = p.fake.sheet_values(sid, "รายงาน", "UNFORMATTED_VALUE")
            col = list(rows[0]).index(EXCUSED)
            for i, r in enumerate(rows[1:], start=2):
                if str(r[0]) in ticks:
                    p.fake.sheet_set_cell(sid, "รายงาน", _a1(col, i), True)
            google_run(fresh)
        finally:
            p.fake.sheet_edits_in_feed = lagging
    return comparable(sheet_tabs(fresh))


def test_soak_random_faults_and_kills_against_a_fresh_rebuild(google_server: tuple[Any, str], tmp_path: Path,
                                                              measured) -> None:  # type: ignore[no-untyped-def]
    soak(google_server, tmp_path, measured, runs=RUNS, lagging=False)


def test_soak_with_a_feed_that_never_reports_edits_inside_the_sheet(google_server: tuple[Any, str], tmp_path: Path,
                                                                   measured) -> None:  # type: ignore[no-untyped-def]
    soak(google_server, tmp_path, measured, runs=LAGGING_RUNS, lagging=True)


def soak(google_server: tuple[Any, str], tmp_path: Path, measured: Any, *, runs: int, lagging: bool) -> None:
    """`runs` cron runs with faults, kills and overlaps while the world changes; a comparison
    with a fresh rebuild every CHECK_EVERY runs. `lagging`: Drive's feed never reports an edit
    inside the Sheet (issue 21), and staff also tick ยกเว้น."""
    fake, base_url = google_server
    p = google_province(fake, base_url, tmp_path / "soak")
    fake.sheet_edits_in_feed = not lagging
    rng = random.Random(SEED)
    world = World(p, rng, ticks=lagging)
    faults: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    lost = dup = rows_compared = 0
    checks = 0
    started = time.monotonic()
    google_run(p)
    for n in range(1, runs + 1):
        world.step()
        fake.clear_faults()
        roll = rng.random()
        if roll < 0.10:  # a real process, killed with SIGKILL at a stage (no faults: it sleeps for real)
            stage = rng.choice(STAGES)
            child = spawn_child(p.settings, "kill", stage=stage)
            _, err = child.communicate(timeout=120)
            assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")[-2000:]
            outcomes["SIGKILL"] += 1
            continue
        if roll < 0.16:  # overlapping runs: a real process pauses at a stage holding the lock
            marker = tmp_path / f"pause-{n}"
            child = spawn_child(p.settings, "pause", stage=rng.choice(STAGES), marker=marker)
            deadline = time.monotonic() + 120
            while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert marker.exists(), child.communicate()[1].decode(errors="replace")[-2000:]
            try:
                google_run(p)
                raise AssertionError("a second run got the lock")
            except LockHeld:
                outcomes["overlapping run refused (lock held)"] += 1
            marker.unlink()
            _, err = child.communicate(timeout=120)
            assert child.returncode == 0, err.decode(errors="replace")[-2000:]
            continue
        hook = None
        if roll < 0.28:
            hook_stage = rng.choice(STAGES)

            def hook(stage: str, at: str = hook_stage) -> None:
                if stage == at:
                    raise Crash(at)
        injected = []
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            (target, match), (kind, kwargs) = rng.choice(TARGETS), rng.choice(KINDS)
            lasting = rng.random() < 0.1 and kind != "slow answer"
            fault = fake.inject(match, times=50 if lasting else rng.randint(1, 2), **kwargs)
            injected.append((f"{kind}{' (outlasting the retries)' if lasting else ''}", target, fault))
        try:
            google_run(p, hook=hook, max_attempts=4)
            outcomes["ok"] += 1
        except Crash:
            outcomes["died at a stage (exception)"] += 1
        except GsyncError as e:
            assert "\n" not in str(e), str(e)
            outcomes["failed with one line (GsyncError)"] += 1
        for kind, target, fault in injected:  # counted when the run met it (a failed run may stop first)
            if fault.hits:
                faults[kind] += fault.hits
                faults[f"on {target}"] += fault.hits
        if n % CHECK_EVERY == 0 or n == runs:
            fake.clear_faults()
            google_run(p)  # the next clean run
            got = comparable(sheet_tabs(p))
            unique_keys(got)
            want = fresh_rebuild(p, tmp_path, n, {k for (tab, k, h) in world.cells if h == EXCUSED})
            missing, extra = measure(staff_blind(want), staff_blind(got))
            lost, dup = lost + missing, dup + extra
            rows_compared += sum(len(data_rows(r)) for r in want.values())
            assert not notes_lost(got, world.notes), f"run {n}: notes lost {notes_lost(got, world.notes)}"
            assert not cells_lost(got, world.cells), f"run {n}: staff cells lost {cells_lost(got, world.cells)}"
            assert staff_blind(got) == staff_blind(want), (
                f"run {n}: synced master differs from a fresh rebuild:\n{differences(staff_blind(want), staff_blind(got))}")
            checks += 1
    elapsed = time.monotonic() - started
    summary = (
        f"{runs} runs (seed {SEED}{', a feed that never reports edits inside the Sheet' if lagging else ''}), "
        f"{elapsed:.0f} s; outcomes: "
        + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        + "; faulty answers met: " + ", ".join(f"{k} {v}" for k, v in sorted(faults.items()) if not k.startswith("on "))
        + "; APIs hit: " + ", ".join(f"{k[3:]} {v}" for k, v in sorted(faults.items()) if k.startswith("on "))
        + "; world: " + ", ".join(f"{k} {v}" for k, v in sorted(world.events.items()))
        + f"; {checks} comparisons with a fresh rebuild over {rows_compared} rows; "
        f"staff notes typed {len(world.notes)}, lost {len(notes_lost(got, world.notes))}; "
        f"staff cells typed {len(world.cells)}, lost {len(cells_lost(got, world.cells))}"
    )
    what = "random faults, crashes and SIGKILLs while uploads, re-uploads, responses and notes arrive"
    measured("soak", what + (" (Drive's feed never reports edits inside the Sheet)" if lagging else ""),
             runs=runs + checks, lost=lost, duplicated=dup, outcome=summary)
    print(summary)
    assert outcomes["ok"] > runs // 3, outcomes  # the soak must mostly run, not only fail
    assert (lost, dup) == (0, 0)
