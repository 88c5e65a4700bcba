"""The national roll-up at the department's size (issue 18): scenarios rollup-cold,
rollup-nochange and rollup-publish.

A synthetic nation: the 76 provinces and 878 districts of the DOPA table gsync bundles, 7,036
centres spread over them (8 or 9 sub-district centres a district), 5 fiscal years (2565-2569),
about 1.4 million activity rows. The publications are generated directly as Parquet, as a
province's sync writes them (gsync.national.parquet), rather than by 380 syncs of generated
provinces: those would take hours on 2 cores and measure the provinces, not the national run.

- rollup-cold: `gsync national --json` (with the summary workbook) in a fresh process, empty
  cache: wall time and peak RSS (the child's ru_maxrss).
- rollup-nochange: the same again: wall time, files taken in (0), workbook rewritten (no), and,
  in-process, the files fetched from the folder (0).
- rollup-publish: the demo province publishing through Drive on the Google fake: requests of the
  first publication, of a sync that changed nothing (0), of a sync that changed one table (1 upload).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

YEARS = (2565, 2566, 2567, 2568, 2569)
CENTRES = 7036
ACTIVITIES_PER_CENTRE_QUARTER = 12  # 12 or 13 (every other centre): about 1.4 M rows over 5 years
BKK = dt.timezone(dt.timedelta(hours=7))


def generate(root: Path, seed: int = 1) -> dict[str, int]:
    from gsync import thai_calendar, vocab
    from gsync.national import SCHEMA_VERSION, codes, parquet, publish

    rnd = random.Random(seed)
    c = codes.load()
    provinces = c.department_provinces()
    districts = [(p, name, code) for p in sorted(provinces) for name, code in sorted(c.districts.get(p, {}).items())]
    per = [CENTRES // len(districts) + (1 if i < CENTRES % len(districts) else 0) for i in range(len(districts))]
    tambons = {(p, d): [f"ตำบล{d}{i + 1}" for i in range(n)] for (p, d, _), n in zip(districts, per, strict=True)}
    groups = {"3.1": list(vocab.MISSIONS), "3.2": list(vocab.DIMENSIONS), "3.3": list(vocab.VOLUNTEER_TYPES)}
    counts = {"provinces": len(provinces), "districts": len(districts), "centres": sum(per), "activities": 0,
              "reports": 0, "files": 0}
    for fy in YEARS:
        due_dates = thai_calendar.deadlines(fy)
        as_of = dt.datetime(fy - 543, 9, 25, 9, tzinfo=BKK) if fy < YEARS[-1] else dt.datetime(fy - 543 - 1, 12, 20, 9, tzinfo=BKK)
        for pcode in sorted(provinces):
            pname = provinces[pcode]
            reports, activities, centres = [], [], []
            for (p, dname, dcode) in (x for x in districts if x[0] == pcode):
                base = {"schema_version": SCHEMA_VERSION, "fiscal_year": fy, "province_code": pcode, "province": pname,
                        "district_code": dcode, "district": dname}
                ts = tambons[(p, dname)]
                for i, t in enumerate(ts):
                    centres.append({**base, "source": "quarter", "file_id": f"r{dcode}", "row": i + 1,
                                    "name": f"ศูนย์ผู้นำจิตอาสาพัฒนาชุมชนตำบล{t}", "moo": str(i % 12 + 1), "tambon": t,
                                    "level": "subdistrict", "lat": 15.0 + rnd.random(), "lon": 100.0 + rnd.random()})
                for q in (1, 2, 3, 4):
                    deadline = due_dates[q]
                    due = thai_calendar.is_due(as_of, deadline, BKK)
                    roll = rnd.random()
                    sent = roll < (0.93 if due else 0.05)
                    when = dt.datetime.combine(deadline - dt.timedelta(days=rnd.randint(-6, 10)), dt.time(10),
                                               tzinfo=BKK) if sent else None
                    timeliness = ("on_time" if when and when.date() <= deadline else "late" if when
                                  else "missing" if due else "not_yet_due")
                    reports.append({**base, "kind": "quarter", "collection": "", "collection_name": "", "quarter": q,
                                    "deadline": deadline, "timeliness": timeliness,
                                    "complete": (rnd.random() < 0.8) if sent else None,
                                    "submitted_at": when.astimezone(dt.UTC) if when else None, "excused": False,
                                    "due": due, "review": "", "problems": 0, "problem_codes": "", "files": int(sent),
                                    "centres_active": len(ts) if sent else 0, "centres_expected": len(ts)})
                    if not sent:
                        continue
                    start, _ = thai_calendar.quarter_range(fy, q)
                    for t in ts:
                        for k in range(ACTIVITIES_PER_CENTRE_QUARTER + len(t) % 2):
                            g = rnd.choice(("3.1", "3.2", "3.3"))
                            activities.append({**base, "quarter": q, "source": "quarter", "file_id": f"a{dcode}{q}",
                                               "row": k + 1, "tambon": t, "centre": f"ศูนย์ตำบล{t}",
                                               "name": f"กิจกรรม {k + 1}", "category": g, "mission": rnd.choice(groups[g]),
                                               "date": start + dt.timedelta(days=rnd.randint(0, 80)),
                                               "participants": rnd.randint(10, 80), "sectors": "บ้าน|วัด",
                                               "budget": None})
            counts["reports"] += len(reports)
            counts["activities"] += len(activities)
            meta = {"schema_version": str(SCHEMA_VERSION), "province_code": pcode, "province": pname,
                    "fiscal_year": str(fy), "as_of": as_of.isoformat(), "timezone": "Asia/Bangkok", "gsync_version": "bench"}
            folder = root / publish.partition(fy, pcode)
            folder.mkdir(parents=True, exist_ok=True)
            for table, rows in (("reports", reports), ("activities", activities), ("centres", centres)):
                (folder / f"{table}.parquet").write_bytes(parquet.encode(table, rows, as_of, {**meta, "table": table}))
                counts["files"] += 1
    return counts


def _national_process(config: Path) -> tuple[float, float, int]:
    """One `gsync national --json` in a fresh process: (wall s, peak RSS MB, exit code)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "gsync", "national", "--config", str(config), "--json",
                           "--now", "2025-12-22T09:00:00+07:00"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    wall = time.perf_counter() - t0
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, proc.returncode


def rollup(which: str, seed: int) -> dict[str, Any]:
    from bench.scenario import workdir

    work = workdir("gsync-rollup-")
    pub = work / "publications"
    t0 = time.perf_counter()
    counts = generate(pub, seed)
    gen_s = time.perf_counter() - t0
    config = work / "national.toml"
    config.write_text(f'[national]\npath = "{pub}"\nstale_days = 2\n\n[sheet]\npath = "national.xlsx"\n',
                      encoding="utf-8")
    out: dict[str, Any] = {"scenario": f"rollup-{which}", "nation": counts, "generate_s": round(gen_s, 1),
                           "load_before": os.getloadavg()[0]}
    wall, rss, code = _national_process(config)
    out.update({"cold_s": round(wall, 2), "cold_rss_mb": round(rss), "cold_exit": code})
    if which == "nochange":
        manifest = work / ".gsync-national" / "manifest.json"
        book = work / "national.xlsx"
        before = (manifest.stat().st_mtime_ns, book.stat().st_mtime_ns)
        wall, _, code = _national_process(config)
        after = (manifest.stat().st_mtime_ns, book.stat().st_mtime_ns)
        out.update({"nochange_s": round(wall, 2), "nochange_exit": code,
                    "nochange_taken_in": int(after[0] != before[0]), "nochange_workbook_written": after[1] != before[1]})
        from gsync.national.config import load_national
        from gsync.national.read import FolderSource
        from gsync.national.run import run

        source = FolderSource(pub)
        run(load_national(config), dt.datetime(2025, 12, 22, 2, tzinfo=dt.UTC), source=source)
        out["nochange_downloads"] = source.downloads
    out["load_after"] = os.getloadavg()[0]
    return out


def publish_requests() -> dict[str, Any]:
    """The demo province publishing through Drive on the Google fake (served over HTTP)."""
    from bench.scenario import workdir
    from gsync import demo
    from gsync.testing import FakeGoogle
    from gsync.testing.province import write_credentials

    work = workdir("gsync-publish-")
    fake = FakeGoogle()
    out: dict[str, Any] = {"scenario": "rollup-publish"}
    with fake.serve() as base_url:
        root = fake.drive_add_folder("cdd-national")
        config, now = demo.build(work / "demo")
        creds = write_credentials(work, base_url)
        # the demo's Form CSV links Drive attachments, which gsync would try to fetch once Google is
        # configured: keep the folder channel only, so every request counted is the publication's
        text = config.read_text(encoding="utf-8")
        start = text.index("[form]")
        config.write_text(text[:start] + text[text.index("\n\n", start) + 2:], encoding="utf-8")
        with open(config, "a", encoding="utf-8") as f:
            f.write(f'\n[national]\nfolder_id = "{root}"\n\n[google]\nendpoint = "{base_url}"\ncredentials = "{creds}"\n')

        def sync(at: str) -> list[str]:
            fake.reset_log()
            subprocess.run([sys.executable, "-m", "gsync", "sync", "--config", str(config), "--now", at],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            return [f"{c.method} {c.path.split('?')[0]}" for c in fake.requests if c.id != "oauth2.token"]

        first = sync(now.isoformat())
        out["first_requests"] = len(first)
        out["first_uploads"] = sum(1 for r in first if r.split()[1].startswith("/upload/"))
        out["nochange_requests"] = len(sync(now.isoformat()))
        changed = sync("2025-06-20T09:00:00+07:00")  # Q3's deadline passed: statuses change, activities do not
        out["one_table_requests"] = len(changed)
        out["one_table_uploads"] = sum(1 for r in changed if r.split()[1].startswith("/upload/"))
    return out
