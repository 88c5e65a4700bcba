"""One benchmark scenario in this (fresh) process: `python -m bench.scenario NAME --out result.json`.

Scenarios: lampang-cold, lampang-nochange (the rerun right after the cold, writing run),
lampang-upload, nakhon-ratchasima, national,
rollup-cold, rollup-nochange, rollup-publish (the national roll-up, bench/rollup.py),
naive-lampang, parse-speed, offline-nochange (the offline demo's rerun, each in a fresh process). Each prints nothing but a line on stderr and writes its numbers as
JSON. Peak RSS: the kernel's high-water mark is reset (/proc/self/clear_refs) just before the
measured sync, and `getrusage(RUSAGE_SELF).ru_maxrss` is read after it; the peak of the setup
(generating the province, loading the fake) is reported separately.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.harness import BenchFake, RunStats, run_sync
from bench.vclock import VirtualClock
from gsync.testing import province as P

HOUR = dt.timedelta(hours=1)


def workdir(prefix: str) -> Path:
    """A temporary folder for state files, removed when the process ends."""
    import atexit
    import shutil

    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class Meter:
    """Peak RSS of the setup, then of the measured part alone."""

    def __init__(self) -> None:
        self.setup_peak = 0.0
        self.reset = False

    def start(self) -> None:
        gc.collect()
        self.setup_peak = maxrss_mb()
        self.reset = reset_peak()

    def report(self) -> dict[str, Any]:
        return {"rss_peak_mb": round(maxrss_mb(), 1), "rss_setup_peak_mb": round(self.setup_peak, 1),
                "rss_reset": self.reset}


def master_cells(fake: BenchFake, sid: str) -> dict[str, Any]:
    """The master's size as Google counts it against the 10,000,000-cell limit (every cell of
    every tab's grid, empty or not), and how many cells hold a value."""
    book = fake.sheets.spreadsheets[sid]
    tabs = {}
    for s in book.sheets:
        values = fake.sheet_values(sid, s.title)
        tabs[s.title] = {"rows": s.rows, "cols": s.cols, "grid": s.rows * s.cols, "value_rows": len(values),
                         "filled": sum(1 for row in values for v in row if v not in ("", None))}
    return {"grid": sum(t["grid"] for t in tabs.values()), "filled": sum(t["filled"] for t in tabs.values()),
            "tabs": tabs}


def _province(name: str, seed: int) -> tuple[Any, VirtualClock, BenchFake, Any, Path, Any, Meter]:
    """One generated province loaded into a fresh fake on its own virtual clock."""
    p = P.build(name, seed)
    clock = VirtualClock()
    fake = BenchFake(clock)
    loaded = P.load(fake, p)
    tmp = workdir("gsync-bench-")
    return p, clock, fake, loaded, tmp, P.settings(p, loaded, tmp / "state.sqlite"), Meter()


def lampang(which: str, seed: int) -> dict[str, Any]:
    """Cold, then (unmeasured prefix) no-change rerun or one new upload."""
    t_setup = time.perf_counter()
    p, clock, fake, loaded, tmp, settings, meter = _province("lampang", seed)
    setup_s = time.perf_counter() - t_setup
    out: dict[str, Any] = {"scenario": f"lampang-{which}", "province": p.counts(), "setup_s": round(setup_s, 2)}

    def job() -> RunStats:
        if which == "cold":
            meter.start()
            return run_sync(fake, settings, p.now)
        first = run_sync(fake, settings, p.now)
        out["prefix"] = first.as_dict()
        if which == "upload":
            ids = P.upload_later(fake, p, loaded)
            out["uploaded"] = {"ids": ids, "activity_rows": sum(_rows_in(f.data, settings) for f in p.later)}
        meter.start()
        return run_sync(fake, settings, p.now + HOUR)

    w = clock.run([("lampang", job)])[0]
    if w.error:
        raise w.error
    out["run"] = w.result.as_dict()
    out.update(meter.report())
    out["master"] = master_cells(fake, loaded.spreadsheet_id)
    out["state_bytes"] = settings.state.path.stat().st_size
    return out


def _rows_in(data: bytes, settings: Any) -> int:
    from gsync import parse

    return len(parse.parse_file("x.xlsx", data, settings).activities)


def nakhon_ratchasima(seed: int) -> dict[str, Any]:
    source = P.nakhon_ratchasima()[1]
    p, clock, fake, loaded, tmp, settings, meter = _province("nakhon-ratchasima", seed)

    def job() -> RunStats:
        meter.start()
        return run_sync(fake, settings, p.now)

    w = clock.run([("nakhon-ratchasima", job)])[0]
    if w.error:
        raise w.error
    out = {"scenario": "nakhon-ratchasima", "province": p.counts(), "names": source, "run": w.result.as_dict()}
    out.update(meter.report())
    out["master"] = master_cells(fake, loaded.spreadsheet_id)
    out["state_bytes"] = settings.state.path.stat().st_size
    return out


def national(seed: int, modes: list[str], per_tambon: int) -> dict[str, Any]:
    """Every province, each synced once (cold) by one service account against one quota clock.

    One run per entry of `modes`, each against a fresh fake loaded with the same generated
    country. A mode is how many syncs run at the same time (1 = one after another, as
    `for p in provinces: gsync sync`; 77 = all at once, as cron firing every province at
    08:00), optionally with `:rN` = `[google] max_retries = N` (default: gsync's default).
    """
    provinces = P.geothai_provinces()
    source = "geothai"
    if not provinces:  # GeoThai missing: made-up names, 77 provinces
        source = "synthetic"
        rnd = __import__("random").Random(seed)
        sizes = [rnd.randint(3, 20) for _ in range(77)]
        provinces = [(f"จังหวัดที่{i + 1}", P.synthetic_districts(k, k * 8, seed + i)) for i, k in enumerate(sizes)]
    t_gen = time.perf_counter()
    generated = [P.generate(name, districts, seed=seed * 1000 + i, per_tambon=per_tambon)
                 for i, (name, districts) in enumerate(provinces)]
    totals: Counter[str] = Counter()
    for p in generated:
        totals.update(p.counts())
    out: dict[str, Any] = {"scenario": "national", "names": source, "provinces": len(generated),
                           "province": dict(totals), "generate_s": round(time.perf_counter() - t_gen, 1),
                           "modes": []}
    for mode in modes:
        if mode == "country":
            out["country"] = _country(generated, seed)
            continue
        workers, _, retries = mode.partition(":r")
        out["modes"].append(_national_mode(generated, seed, int(workers), int(retries) if retries else None))
        gc.collect()  # the mode's fake is gone: its memory is not the next mode's
    return out


def one_country(generated: list[P.Province]) -> P.Province:
    """The same generated provinces as one config: every district, one Form, one QR folder, one
    master. File keys are made unique per province; a district name found in several provinces
    (GeoThai has one: เฉลิมพระเกียรติ) is one district with all their sub-districts."""
    districts: dict[str, list[str]] = {}
    files: list[P.GFile] = []
    responses: list[P.GResponse] = []
    for i, p in enumerate(generated):
        for d, tambons in p.districts.items():
            districts[d] = list(dict.fromkeys([*districts.get(d, []), *tambons]))
        files += [dataclasses.replace(f, key=f"p{i}:{f.key}") for f in p.files]
        responses += [dataclasses.replace(r, reports=[f"p{i}:{k}" for k in r.reports],
                                          photos=[f"p{i}:{k}" for k in r.photos]) for r in p.responses]
    return P.Province("ทั้งประเทศ", districts, files, responses, [], sum(p.activity_rows for p in generated),
                      now=generated[0].now)


def _country(generated: list[P.Province], seed: int) -> dict[str, Any]:
    """One cold sync of the whole country in one config (issue 13: CPU grows linearly, so this
    costs at most 2x the sum of the provinces' own syncs, mode 1 of the same run)."""
    country = one_country(generated)
    clock = VirtualClock()
    fake = BenchFake(clock)
    t_load = time.perf_counter()
    loaded = P.load(fake, country)
    settings = P.settings(country, loaded, workdir("gsync-bench-country-") / "state.sqlite")
    load_s = time.perf_counter() - t_load
    meter = Meter()

    def job() -> RunStats:
        meter.start()
        return run_sync(fake, settings, country.now)

    w = clock.run([("country", job)])[0]
    if w.error:
        raise w.error
    out: dict[str, Any] = {"province": country.counts(), "load_s": round(load_s, 1), "run": w.result.as_dict()}
    out.update(meter.report())
    gc.collect()
    return out


def _national_mode(generated: list[P.Province], seed: int, workers: int, max_retries: int | None) -> dict[str, Any]:
    from gsync.google.transport import SHEETS_WRITES

    t_load = time.perf_counter()
    clock = VirtualClock()
    fake = BenchFake(clock)
    tmp = workdir("gsync-bench-national-")
    plans = []
    for i, p in enumerate(generated):
        loaded = P.load(fake, p)
        settings = P.settings(p, loaded, tmp / f"state-{i:02d}.sqlite")
        if max_retries is not None:
            settings = settings.model_copy(update={"google": settings.google.model_copy(update={"max_retries": max_retries})})
        plans.append((p.name, settings, p.now))
    load_s = time.perf_counter() - t_load
    meter = Meter()
    meter.start()
    queue = list(plans)
    results: dict[str, RunStats] = {}

    def worker() -> None:
        while queue:
            name, settings, now = queue.pop(0)
            results[name] = run_sync(fake, settings, now, log=False)

    t0 = time.perf_counter()
    ws = clock.run([(f"w{i}", worker) for i in range(min(workers, len(plans)))])
    real = time.perf_counter() - t0
    errors = [f"{type(w.error).__name__}: {w.error}" for w in ws if w.error]
    api = [c for c in fake.requests if c.id.split(".")[0] in ("drive", "forms", "sheets")]
    stats = list(results.values())
    failed = {n: r.error[:300] for n, r in results.items() if not r.ok}

    # Per sync, from the fake's log by spreadsheet id: the Sheets calls that went through
    # (a 429 and its retries are one call), and the 429s.
    sid_of = {name: settings.sheet.spreadsheet_id for name, settings, _ in plans}
    sheet_calls: dict[str, Counter[str]] = {}
    for c in api:
        if c.id.startswith("sheets."):
            k = ("write" if c.id in SHEETS_WRITES else "read") + ("_429" if c.status == 429 else "_ok" if c.status < 400 else "_err")
            sheet_calls.setdefault(c.path_params.get("spreadsheetId", ""), Counter())[k] += 1

    def per_sync(name: str, kind: str) -> int:
        return sheet_calls.get(sid_of[name] or "", Counter())[kind]

    out: dict[str, Any] = {
        "workers": min(workers, len(plans)),
        "max_retries": plans[0][1].google.max_retries if plans else None,
        "load_s": round(load_s, 1),
        "real_s": round(real, 1),
        "run": {
            "ok": not failed and not errors,
            "syncs": len(results),
            "failed": failed,
            "errors": errors,
            "by_api": dict(Counter(c.id.split(".")[0] for c in api)),
            "by_method": dict(sorted(Counter(c.id for c in api).items())),
            "requests": len(api),
            "requests_acct": sum(r.requests for r in stats),
            "sheets_reads": sum(1 for c in api if c.id.startswith("sheets.") and c.id not in SHEETS_WRITES),
            "sheets_writes": sum(1 for c in api if c.id in SHEETS_WRITES),
            "sheets_writes_max_per_sync": max((per_sync(n, "write_ok") for n in results), default=0),
            "sheets_reads_max_per_sync": max((per_sync(n, "read_ok") for n in results), default=0),
            "unrecovered_429": sum(1 for r in stats if not r.ok and "429" in r.error),
            "downloads": sum(r.downloads for r in stats),
            "bytes_downloaded": sum(r.bytes_downloaded for r in stats),
            "retries": sum(r.retries for r in stats),
            "http_429": sum(1 for c in api if c.status == 429),
            "sim_wall": max((w.done_at or 0.0) for w in ws),
            "sim_wall_per_sync_max": max((r.sim_wall for r in stats), default=0.0),
            "cpu_s": sum(r.cpu_s for r in stats),
            "fake_cpu_s": sum(r.fake_cpu_s for r in stats),
            "latency_s": sum(r.latency_s for r in stats),
            "slept_s": sum(r.slept_s for r in stats),
            "activities": sum(r.activities for r in stats),
            "reports": sum(r.reports for r in stats),
            "per_province": {n: {"requests": r.requests, "downloads": r.downloads, "retries": r.retries,
                                 "sim_wall": round(r.sim_wall, 1), "ok": r.ok, "activities": r.activities,
                                 "reports": r.reports,
                                 "sheets": dict(sheet_calls.get(sid_of[n] or "", Counter()))}
                             for n, r in results.items()},
        },
    }
    out.update(meter.report())
    out["state_bytes_total"] = sum(settings.state.path.stat().st_size for _, settings, _ in plans
                                   if settings.state.path.exists())
    if not failed and not errors:
        # a second round with nothing changed, the same way (one after another, or all at once):
        # what every hourly run costs once the country is in
        again: dict[str, RunStats] = {}
        queue2 = list(plans)

        def rerun() -> None:
            while queue2:
                name, settings, now = queue2.pop(0)
                again[name] = run_sync(fake, settings, now + HOUR, log=False)

        start = len(fake.requests)
        t_again = ws_end(ws)
        ws2 = clock.run([(f"again{i}", rerun) for i in range(min(workers, len(plans)))], start_at=t_again)
        calls = [c for c in fake.requests[start:] if c.id.split(".")[0] in ("drive", "forms", "sheets")]
        out["again"] = {
            "syncs": len(again), "ok": all(r.ok for r in again.values()),
            "failed": {n: r.error[:300] for n, r in again.items() if not r.ok},
            "requests": len(calls), "by_method": dict(sorted(Counter(c.id for c in calls).items())),
            "requests_max_per_sync": max(r.requests for r in again.values()),
            "requests_max_per_sync_without_retries": max(r.requests - r.retries for r in again.values()),
            "http_429": sum(1 for c in calls if c.status == 429),
            "retries": sum(r.retries for r in again.values()),
            "slept_s": sum(r.slept_s for r in again.values()),
            "downloads": sum(r.downloads for r in again.values()),
            "sheets_writes": sum(1 for c in calls if c.id in SHEETS_WRITES),
            "sim_wall": ws_end(ws2) - t_again,
            "cpu_s": sum(r.cpu_s for r in again.values()),
        }
    cells = {name: master_cells(fake, settings.sheet.spreadsheet_id or "") for name, settings, _ in plans}
    out["masters"] = {"grid_total": sum(c["grid"] for c in cells.values()),
                      "filled_total": sum(c["filled"] for c in cells.values()),
                      "grid_max": max((c["grid"], n) for n, c in cells.items()),
                      "filled_max": max((c["filled"], n) for n, c in cells.items()),
                      "per_province": {n: {"grid": c["grid"], "filled": c["filled"]} for n, c in cells.items()}}
    return out


def ws_end(ws: list[Any]) -> float:
    """When the last worker of a round finished (the next round starts then, on the same clock)."""
    return max((w.done_at or 0.0) for w in ws) if ws else 0.0


def naive_lampang(seed: int) -> dict[str, Any]:
    from bench.naive import naive_sync

    p, clock, fake, loaded, tmp, settings, meter = _province("lampang", seed)
    out: dict[str, Any] = {"scenario": "naive-lampang", "province": p.counts()}

    def job() -> tuple[RunStats, RunStats]:
        meter.start()
        cold = naive_sync(fake, settings, loaded, first=True)
        again = naive_sync(fake, settings, loaded, first=False)
        return cold, again

    w = clock.run([("naive", job)])[0]
    if w.error:
        raise w.error
    cold, again = w.result
    out["run"] = cold.as_dict()
    out["rerun"] = again.as_dict()
    out.update(meter.report())
    return out


def offline_nochange(runs: int = 3) -> dict[str, Any]:
    """The offline demo (Lampang: Forms CSV, local folder, local workbook): `gsync demo`, one
    `gsync sync`, then `runs` no-change reruns, each `gsync sync` in a fresh process as cron
    runs it; user+sys CPU and peak RSS of each from `/usr/bin/time -f "%U %S %M"` (the kernel's
    wait4 figures when GNU time is missing: they include this process's fork, so RSS reads high)."""
    import os
    import subprocess

    tmp = workdir("gsync-bench-offline-")
    gsync = [sys.executable, "-m", "gsync"]
    # As on a server: Python writes its bytecode caches on the first run and reuses them (a
    # PYTHONDONTWRITEBYTECODE in this shell would make every run compile gsync again).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([*gsync, "demo", "--dir", str(tmp / "demo")], check=True, capture_output=True, env=env)
    config = str(tmp / "demo" / "demo.toml")
    subprocess.run([*gsync, "sync", "--config", config], check=False, capture_output=True, env=env)
    out: list[dict[str, Any]] = []
    timer = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
    for _ in range(runs):
        if timer:  # GNU time: the child's own figures (wait4 here would count this process's fork too)
            done = subprocess.run([timer, "-f", "%U %S %M", *gsync, "sync", "--config", config], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
            user, system, kb = done.stderr.strip().splitlines()[-1].split()
            out.append({"exit": done.returncode, "cpu_s": round(float(user) + float(system), 3),
                        "rss_mb": round(int(kb) / 1024, 1), "how": "/usr/bin/time"})
            continue
        proc = subprocess.Popen([*gsync, "sync", "--config", config], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        out.append({"exit": os.waitstatus_to_exitcode(status), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                    "rss_mb": round(usage.ru_maxrss / 1024, 1), "how": "wait4"})
    return {"scenario": "offline-nochange", "runs": out, "cpu_s_max": max(r["cpu_s"] for r in out),
            "rss_mb_max": max(r["rss_mb"] for r in out)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scenario")
    ap.add_argument("name")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--modes", default="1,77",
                    help="national: comma-separated modes, one run each: N syncs at the same time, "
                         "optionally N:rM for [google] max_retries = M")
    ap.add_argument("--per-tambon", type=int, default=5, help="national: activities per sub-district and quarter")
    ap.add_argument("--files", type=int, default=0, help="parse-speed: files per backend (0: default)")
    ap.add_argument("--rss", action="store_true",
                    help="single-province scenarios: measure gsync's peak RSS with the fake in another process")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # gsync's INFO lines and retry warnings stay out of the way
    t0 = time.perf_counter()
    if args.rss:
        from bench.served import rss

        kind, which = (("nakhon-ratchasima", "cold") if args.name == "nakhon-ratchasima"
                       else ("lampang", args.name.split("-", 1)[1]))
        out = {"scenario": args.name, **rss(kind, which, args.seed)}
    elif args.name in ("lampang-cold", "lampang-nochange", "lampang-upload"):
        out = lampang(args.name.split("-", 1)[1], args.seed)
    elif args.name == "nakhon-ratchasima":
        out = nakhon_ratchasima(args.seed)
    elif args.name == "national":
        out = national(args.seed, args.modes.split(","), args.per_tambon)
    elif args.name in ("rollup-cold", "rollup-nochange"):
        from bench.rollup import rollup

        out = rollup(args.name.split("-", 1)[1], args.seed)
    elif args.name == "rollup-publish":
        from bench.rollup import publish_requests

        out = publish_requests()
    elif args.name == "offline-nochange":
        out = offline_nochange()
    elif args.name == "naive-lampang":
        out = naive_lampang(args.seed)
    elif args.name == "parse-speed":
        from bench.parse_speed import measure

        out = measure(args.seed, args.files or None)
    else:
        ap.error(f"unknown scenario {args.name!r}")
    out["process_s"] = round(time.perf_counter() - t0, 1)
    out["process_cpu_s"] = round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"bench.scenario {args.name}: done in {out['process_s']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
