"""`python -m bench`: every scenario, each in a fresh subprocess, then one markdown table.

    python -m bench            # everything (5 to 6 minutes on 2 cores)
    python -m bench --quick    # Lampang scenarios, the naive baseline and parse speed (about 1 min)
    python -m bench --strict   # exit 1 when a target fails (default: always 0)
    python -m bench --only lampang-nochange,naive-lampang   # a subset of the scenarios
    python -m bench --only rollup-nochange,rollup-publish   # the national roll-up (bench/rollup.py)

Scenarios run as `python -m bench.scenario NAME --out FILE.json` (see bench/scenario.py), two
at a time by default (`--jobs`), then each peak-RSS run alone; parse speed runs first, alone,
pinned to one core. The JSON
files are kept in `--out-dir` (default: a temporary folder, printed at the end).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WRITE_QUOTA, READ_QUOTA = 60, 60  # as in bench.harness (not imported: this process stays small)

QUICK = ["lampang-cold", "lampang-nochange", "lampang-upload", "naive-lampang",
         "offline-nochange"]
FULL = ["national", "lampang-cold", "lampang-nochange", "lampang-upload",
        "nakhon-ratchasima", "naive-lampang", "offline-nochange", "rollup-nochange", "rollup-publish"]
ALONE = {"rollup-nochange"}  # the national roll-up's wall time: measured with nothing else running
ROLLUP_COLD_S, ROLLUP_RSS_MB, ROLLUP_NOCHANGE_S = 10, 400, 1  # issue 18, on 2 cores
TIME_CMD = '`/usr/bin/time -f "%U %S %M"`'
OFFLINE_CPU_S, OFFLINE_RSS_MB = 0.3, 90  # the offline no-change rerun in a fresh process (issue 13)
RSS = {"lampang-cold", "lampang-nochange", "lampang-upload", "nakhon-ratchasima"}
NATIONAL_MODES = "1,77,77:r11,country"
RSS_LIMIT_MB = 200
PARSE_TARGET = 50
REQ_RATIO, WALL_RATIO = 100, 20
COUNTRY_RATIO = 2  # the whole country in one config: at most 2x the CPU of its provinces synced one by one
PREVIOUS = "83fc267"  # the previous release (0.2.0), run side by side (--previous)
SIDE_BY_SIDE = ["lampang-cold", "lampang-nochange", "lampang-upload"]


def _run(name: str, out_dir: Path, extra: list[str], tag: str = "", python: str | None = None,
         cwd: Path = ROOT) -> tuple[str, dict[str, Any] | None, str]:
    out = out_dir / f"{name}{tag}.json"
    log = out_dir / f"{name}{tag}.log"
    cmd = [python or sys.executable, "-m", "bench.scenario", name, "--out", str(out), *extra]
    t0 = time.perf_counter()
    with open(log, "w", encoding="utf-8") as err:
        proc = subprocess.run(cmd, cwd=cwd, stdout=err, stderr=subprocess.STDOUT, timeout=1800, check=False)
    took = time.perf_counter() - t0
    if proc.returncode != 0 or not out.exists():
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        return name + tag, None, f"exit {proc.returncode} after {took:.0f} s:\n{tail}"
    return name + tag, json.loads(out.read_text(encoding="utf-8")), f"{took:.0f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="Lampang scenarios, naive baseline and parse speed only")
    ap.add_argument("--only", default="",
                    help="comma-separated scenarios to run, a subset of: parse-speed," + ",".join(FULL)
                         + " (e.g. --only lampang-nochange,naive-lampang; the side-by-side runs only what is listed)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    ap.add_argument("--jobs", type=int, default=2, help="scenario subprocesses at a time (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--national-modes", default=NATIONAL_MODES,
                    help=f"national runs (default {NATIONAL_MODES}: one after another; all 77 at once; "
                         "all at once with [google] max_retries = 11)")
    ap.add_argument("--per-tambon", type=int, default=5, help="national: activities per sub-district and quarter")
    ap.add_argument("--out-dir", type=Path, default=None, help="where to keep each scenario's JSON")
    ap.add_argument("--docs", type=Path, default=None,
                    help="also write the table into this markdown file, between its bench:start and bench:end marks")
    ap.add_argument("--previous", default=PREVIOUS,
                    help=f"the previous release to run side by side (a git revision, default {PREVIOUS}; "
                         "'' to skip): installed once into its own venv under the temporary folder")
    args = ap.parse_args(argv)

    out_dir = args.out_dir or Path(tempfile.mkdtemp(prefix="gsync-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = ["--seed", str(args.seed)]
    started = time.perf_counter()
    load0 = os.getloadavg()
    print(f"gsync benchmark: {'quick' if args.quick else 'full'} run, results in {out_dir}", file=sys.stderr)

    results: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    unknown = only - {"parse-speed", *FULL}
    if unknown:
        ap.error(f"--only: unknown scenario(s) {', '.join(sorted(unknown))}")
    if not only or "parse-speed" in only:
        name, data, note = _run("parse-speed", out_dir, seed)  # alone: nothing else competes for its core
        print(f"  parse-speed: {note}", file=sys.stderr)
        if data:
            results[name] = data
        else:
            failures.append(f"{name}: {note}")

    _scenarios(args, only, out_dir, seed, results, failures)
    previous = _previous(args, only, out_dir, seed, failures) if args.previous else {}

    machine = {
        "cores": os.cpu_count(), "cpu": _cpu_model(), "python": platform.python_version(),
        "platform": platform.platform(), "load_before": [round(x, 2) for x in load0],
        "load_after": [round(x, 2) for x in os.getloadavg()], "total_s": round(time.perf_counter() - started),
    }
    text, verdicts = render(results, machine, quick=args.quick, national_modes=args.national_modes)
    if previous:
        text += "\n\n" + side_by_side(results, previous, args.previous)
    print(text)
    for f in failures:
        print(f"\nscenario failed to run: {f}")
    (out_dir / "table.md").write_text(text, encoding="utf-8")
    if args.docs is not None:
        _write_docs(args.docs, text, argv if argv is not None else sys.argv[1:])
    (out_dir / "summary.json").write_text(json.dumps({"machine": machine, "verdicts": verdicts}, ensure_ascii=False,
                                                     indent=1), encoding="utf-8")
    print(f"\n(JSON per scenario and this table: {out_dir})", file=sys.stderr)
    bad = bool(failures) or any(not v["pass"] for v in verdicts)
    return 1 if (args.strict and bad) else 0


def _scenarios(args: argparse.Namespace, only: set[str], out_dir: Path, seed: list[str],
               results: dict[str, dict[str, Any]], failures: list[str]) -> None:
    """Every scenario, `--jobs` subprocesses at a time; then every +rss twin alone, as cron runs
    gsync (a neighbour on the same 2 cores slows the fake and moved the peak by up to 18 MB)."""
    jobs: list[tuple[str, list[str], str]] = []
    alone: list[tuple[str, list[str], str]] = []
    for s in [x for x in (QUICK if args.quick else FULL) if not only or x in only]:
        extra = list(seed)
        if s == "national":
            extra += ["--modes", args.national_modes, "--per-tambon", str(args.per_tambon)]
        (alone if s in ALONE else jobs).append((s, extra, ""))
        if s in RSS:
            alone.append((s, [*seed, "--rss"], "+rss"))
    for batch, workers in ((jobs, max(1, args.jobs)), (alone, 1)):
        with cf.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run, s, out_dir, extra, tag) for s, extra, tag in batch]
            for fut in cf.as_completed(futures):
                name, data, note = fut.result()
                print(f"  {name}: {note if data else 'FAILED'}", file=sys.stderr)
                if data:
                    results[name] = data
                else:
                    failures.append(f"{name}: {note}")


def _previous(args: argparse.Namespace, only: set[str], out_dir: Path, seed: list[str],
              failures: list[str]) -> dict[str, dict[str, Any]]:
    """The previous release's own bench on the Lampang scenarios, in its own venv."""
    previous: dict[str, dict[str, Any]] = {}
    prev = _previous_env(args.previous)
    if isinstance(prev, str):
        failures.append(f"previous release {args.previous}: {prev}")
        return previous
    prev_dir = out_dir / f"previous-{args.previous}"
    prev_dir.mkdir(exist_ok=True)
    for s in [x for x in SIDE_BY_SIDE if not only or x in only]:
        for extra, tag in ((list(seed), ""), ([*seed, "--rss"], "+rss")):
            name, data, note = _run(s, prev_dir, extra, tag, python=str(prev / ".venv" / "bin" / "python"), cwd=prev)
            print(f"  {args.previous} {name}: {note if data else 'FAILED'}", file=sys.stderr)
            if data:
                previous[name] = data
            else:
                failures.append(f"{args.previous} {name}: {note}")
    return previous


def _write_docs(path: Path, text: str, argv: list[str]) -> None:
    """Replace what lies between the file's bench:start and bench:end marks with this run's table."""
    doc = path.read_text(encoding="utf-8")
    start, end = doc.find("<!-- bench:start"), doc.find("<!-- bench:end -->")
    if start < 0 or end < start:
        print(f"{path}: no <!-- bench:start ... --> / <!-- bench:end --> marks; not written", file=sys.stderr)
        return
    head = doc.index("-->", start) + 3
    command = " ".join(["python -m bench", *argv])
    block = f"\nGenerated by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}:\n\n{text}\n"
    path.write_text(doc[:head] + block + doc[end:], encoding="utf-8")


def _previous_env(rev: str) -> Path | str:
    """The previous release's tree and venv (`git archive` + `python -m venv` + `pip install`),
    kept under the temporary folder for the next run; an error text when it cannot be made."""
    where = Path(tempfile.gettempdir()) / f"gsync-prev-{rev}"
    python = where / ".venv" / "bin" / "python"
    if python.exists() and (where / ".installed").exists():
        return where
    try:
        where.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(where / ".venv")], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"{where}[test]"], check=True,
                       capture_output=True, timeout=1800)
    except (OSError, subprocess.SubprocessError) as e:
        return f"cannot install it ({type(e).__name__}: {e})"
    (where / ".installed").write_text(rev, encoding="utf-8")
    return where


NAIVE_OF = {"lampang-cold": "run", "lampang-nochange": "rerun"}  # the naive run each scenario is set beside


def side_by_side(now: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]], rev: str) -> str:
    """Each Lampang scenario beside the previous release's and the naive baseline's, measured in
    the same run (the naive baseline has no "one new upload": it redoes everything every run)."""
    naive = now.get("naive-lampang") or {}
    lines = [
        f"Side by side: the previous release ({rev}) / this tree / the naive baseline (bench/naive.py), same "
        "machine, same run, same seed (each release with its own bench and fake). Requests exclude tokens; RSS "
        "from the +rss runs (gsync in a fresh process, the fake in another); the naive baseline's RSS is not "
        "measured apart from its fake (—).",
        "",
        f"| scenario | requests ({rev} / now / naive) | downloads | Sheets reads / writes | sim wall s | CPU s "
        f"| peak RSS MB ({rev} / now) |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in SIDE_BY_SIDE:
        a, b = before.get(s), now.get(s)
        if not a or not b:
            continue
        ra, rb = a["run"], b["run"]
        rn = naive.get(NAIVE_OF.get(s, ""))
        ma, mb = (before.get(s + "+rss") or {}).get("rss_peak_mb"), (now.get(s + "+rss") or {}).get("rss_peak_mb")

        def three(key: str, fmt: str = "{}", rb: dict[str, Any] = rb, ra: dict[str, Any] = ra,
                  rn: dict[str, Any] | None = rn) -> str:
            return " / ".join(fmt.format(r[key]) if r else "—" for r in (ra, rb, rn))

        rw = " / ".join(f"{r['sheets_reads']}/{r['sheets_writes']}" if r else "—" for r in (ra, rb, rn))
        lines.append(
            f"| {s} | {three('requests')} | {three('downloads')} | {rw} | {three('sim_wall', '{:.1f}')} "
            f"| {three('cpu_s', '{:.2f}')} | {ma if ma is None else round(ma)} / {mb if mb is None else round(mb)} |")
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --- the table ---------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f}"


def _ok(flag: bool) -> str:
    return "PASS" if flag else "**FAIL**"


class _Report:
    """The table being written and the verdicts of its targets."""

    def __init__(self, results: dict[str, dict[str, Any]]) -> None:
        self.results = results
        self.lines: list[str] = []
        self.verdicts: list[dict[str, Any]] = []
        self.notes: list[str] = []  # lines after the main table

    def target(self, scope: str, what: str, flag: bool, measured: str) -> str:
        self.verdicts.append({"scope": scope, "target": what, "pass": bool(flag), "measured": measured})
        return f"{what}: {_ok(flag)}"

    def single(self, key: str, label: str, checks: list[str], *, rss: bool = True) -> None:
        d = self.results.get(key)
        if not d:
            self.lines.append(f"| {label} | did not run | | | | | | | | | | | | |")
            return
        r = d["run"]
        rr = self.results.get(key + "+rss")
        peak = f"{rr['rss_peak_mb']:.0f}" if (rss and rr) else f"{d['rss_peak_mb']:.0f} †"
        api = r["by_api"]
        self.lines.append(
            f"| {label} | 1 | {api.get('drive', 0)} | {api.get('forms', 0)} | {api.get('sheets', 0)} "
            f"| {r['sheets_reads']} / {r['sheets_writes']} | {r['requests']} | {r['downloads']} | {_mb(r['bytes_downloaded'])} "
            f"| {r['http_429']} ({r['retries']}) | {r['sim_wall']:.1f} | {r['cpu_s']:.2f} | {peak} | {'; '.join(checks)} |")

    def rw(self, key: str) -> list[str]:
        d = self.results.get(key)
        if not d:
            return []
        r = d["run"]
        return [self.target(key, "Sheets reads <= 2", r["sheets_reads"] <= 2 and r["ok"], str(r["sheets_reads"])),
                self.target(key, "Sheets writes <= 3", r["sheets_writes"] <= 3 and r["ok"], str(r["sheets_writes"]))]


def render(results: dict[str, dict[str, Any]], machine: dict[str, Any], *, quick: bool,
           national_modes: str) -> tuple[str, list[dict[str, Any]]]:
    rep = _Report(results)
    rep.lines += [
        "Simulated wall s = 80 ms per request + every retry sleep (virtual clock) + gsync's own CPU time. "
        "CPU s = gsync's CPU seconds (the in-process fake's excluded). Peak RSS = gsync's process with the fake "
        "served from another process (rows marked † hold the fake in-process). Requests = API calls to Drive, "
        "Forms and Sheets as gsync's accounting counts them, retries included (token requests excluded). "
        f"Sheets quota enforced on the fake: {WRITE_QUOTA} writes and {READ_QUOTA} reads per minute (one user), "
        "429 beyond.",
        "",
        "| scenario | syncs | drive | forms | sheets | Sheets reads / writes per sync | requests | downloads | MB down "
        "| 429s (retries) | sim wall s | CPU s | peak RSS MB | targets |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    _lampang_rows(rep)
    _nakhon_row(rep)
    nat = results.get("national")
    if nat:
        _national_rows(rep, nat)
    rep.lines.append("")
    _rollup_section(rep)
    if rep.notes:
        rep.lines += [*rep.notes, ""]
    _naive_section(rep)
    _parse_section(rep)
    verdicts = rep.verdicts
    rep.lines += [
        f"Machine: {machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, {machine['platform']}; "
        f"load average {machine['load_before'][0]} before, {machine['load_after'][0]} after; whole run "
        f"{machine['total_s']} s.",
        "",
        "Targets: " + ", ".join(f"{v['scope']}: {v['target']} {_ok(v['pass'])}" for v in verdicts if not v["pass"])
        if any(not v["pass"] for v in verdicts) else "Targets: all PASS.",
    ]
    return "\n".join(rep.lines), verdicts


def _rollup_section(rep: _Report) -> None:
    """The national roll-up (bench/rollup.py): `gsync national` over a synthetic nation, and a
    province's publication through Drive."""
    r, p = rep.results.get("rollup-nochange"), rep.results.get("rollup-publish")
    if not r and not p:
        return
    rep.lines += ["| national roll-up | measured | targets |", "|---|---|---|"]
    if r:
        n = r["nation"]
        rep.lines.append(
            f"| `gsync national --json`, cold: {n['provinces']} provinces, {n['districts']} districts, {n['centres']:,} "
            f"centres, 5 fiscal years, {n['activities']:,} activity rows ({n['files']} files) | {r['cold_s']:.1f} s, "
            f"{r['cold_rss_mb']} MB | "
            + "; ".join([rep.target("rollup cold", f"<= {ROLLUP_COLD_S} s", r["cold_s"] <= ROLLUP_COLD_S, f"{r['cold_s']} s"),
                         rep.target("rollup cold", f"<= {ROLLUP_RSS_MB} MB", r["cold_rss_mb"] <= ROLLUP_RSS_MB,
                                    f"{r['cold_rss_mb']} MB")]) + " |")
        rep.lines.append(
            f"| the same, nothing new | {r['nochange_s']:.2f} s, {r['nochange_downloads']} downloads, "
            f"{r['nochange_taken_in']} taken in, workbook {'rewritten' if r['nochange_workbook_written'] else 'untouched'} | "
            + "; ".join([rep.target("rollup nothing new", f"<= {ROLLUP_NOCHANGE_S} s", r["nochange_s"] <= ROLLUP_NOCHANGE_S,
                                    f"{r['nochange_s']} s"),
                         rep.target("rollup nothing new", "0 downloads, 0 writes",
                                    r["nochange_downloads"] == 0 and not r["nochange_workbook_written"],
                                    str(r["nochange_downloads"]))]) + " |")
    if p:
        rep.lines.append(
            f"| a province's publication through Drive (demo province): first {p['first_requests']} requests "
            f"({p['first_uploads']} uploads); nothing changed {p['nochange_requests']}; one table changed "
            f"{p['one_table_requests']} ({p['one_table_uploads']} upload) | | "
            + "; ".join([rep.target("publication", "0 requests when nothing changed", p["nochange_requests"] == 0,
                                    str(p["nochange_requests"])),
                         rep.target("publication", "1 upload per changed table",
                                    p["one_table_requests"] == 1 and p["one_table_uploads"] == 1,
                                    str(p["one_table_requests"]))]) + " |")
    rep.lines.append("")


def _lampang_rows(rep: _Report) -> None:
    results = rep.results
    c = results.get("lampang-cold")
    if c:
        p = c["province"]
        rep.lines.insert(0, f"Lampang-size province: {p['districts']} districts, {p['tambons']} sub-districts, "
                            f"{p['files']} files ({p['report_files']} reports and registers, {p['photos']} photos), "
                            f"{p['responses']} Form responses, {p['activity_rows']} activity rows.\n")
    rep.single("lampang-cold", "Lampang, cold", rep.rw("lampang-cold"))
    n = results.get("lampang-nochange")
    if n:
        r = n["run"]
        rep.single("lampang-nochange", "Lampang, nothing changed", rep.rw("lampang-nochange") + [
            rep.target("lampang-nochange", "0 downloads", r["downloads"] == 0 and r["ok"], str(r["downloads"])),
            rep.target("lampang-nochange", "0 Sheets writes", r["sheets_writes"] == 0 and r["ok"], str(r["sheets_writes"])),
            rep.target("lampang-nochange", "exactly 2 requests (changes.list, responses.list)",
                       r["requests"] == 2 and r["ok"], json.dumps(r["by_method"])),
        ])
    _offline_line(rep)
    u = results.get("lampang-upload")
    if u:
        r = u["run"]
        new_rows = u.get("uploaded", {}).get("activity_rows", -1)
        written = r.get("rows_written", {})
        acts = written.get("กิจกรรม", 0)
        other = sum(v for k, v in written.items() if k != "กิจกรรม")
        only_changed = acts == new_rows and other <= 10
        rep.single("lampang-upload", "Lampang, one new upload", rep.rw("lampang-upload") + [
            rep.target("lampang-upload", "exactly 1 download", r["downloads"] == 1 and r["ok"], str(r["downloads"])),
            rep.target("lampang-upload", f"only changed rows written ({acts} activity rows = the new file's "
                       f"{new_rows}, {other} other rows)", only_changed and r["ok"], json.dumps(written, ensure_ascii=False)),
        ])


def _offline_line(rep: _Report) -> None:
    """Not a row of the table (no API): the offline demo's no-change rerun, each in a fresh process."""
    o = rep.results.get("offline-nochange")
    if not o:
        return
    runs = o["runs"]
    rep.notes.append(
        "Offline, nothing changed (the `gsync demo` province: Forms CSV, local folder, local workbook; "
        f"`gsync sync` {len(runs)} times, each a fresh process, user+sys CPU and peak RSS from "
        + (TIME_CMD if runs[0].get("how") == "/usr/bin/time" else "wait4") + "): "
        + ", ".join(f"{r['cpu_s']:.2f} s / {r['rss_mb']:.0f} MB" for r in runs) + ". "
        + rep.target("offline", f"CPU <= {OFFLINE_CPU_S} s", o["cpu_s_max"] <= OFFLINE_CPU_S and
                     all(r["exit"] in (0, 4) for r in runs), f"{o['cpu_s_max']:.2f} s")
        + "; " + rep.target("offline", f"peak RSS <= {OFFLINE_RSS_MB} MB", o["rss_mb_max"] <= OFFLINE_RSS_MB,
                            f"{o['rss_mb_max']:.0f} MB") + ".")


def _nakhon_row(rep: _Report) -> None:
    nr = rep.results.get("nakhon-ratchasima")
    if not nr:
        return
    rr = rep.results.get("nakhon-ratchasima+rss")
    peak = rr["rss_peak_mb"] if rr else nr["rss_peak_mb"]
    p = nr["province"]
    rep.single("nakhon-ratchasima", f"Nakhon Ratchasima, cold ({p['districts']} districts, {p['tambons']} "
               f"sub-districts, {p['files']} files, {p['activity_rows']} rows)", rep.rw("nakhon-ratchasima") + [
        rep.target("nakhon-ratchasima", f"peak RSS < {RSS_LIMIT_MB} MB", peak < RSS_LIMIT_MB, f"{peak:.0f} MB")])


def _failed_note(r: dict[str, Any]) -> list[str]:
    if not r["failed"]:
        return []
    return [f"{len(r['failed'])} of {r['syncs']} syncs failed (last error: {next(iter(r['failed'].values()))[:90]}...)"]


def _national_rows(rep: _Report, nat: dict[str, Any]) -> None:
    p = nat["province"]
    for m in nat["modes"]:
        r = m["run"]
        api = r["by_api"]
        how = ("one after another" if m["workers"] == 1 else f"{m['workers']} at once") + (
            f", [google] max_retries = {m['max_retries']}" if m["max_retries"] != 6 else "")
        scope = f"national ({how})"
        checks = [
            rep.target(scope, "Sheets reads <= 2 per sync", r["sheets_reads_max_per_sync"] <= 2, str(r["sheets_reads_max_per_sync"])),
            rep.target(scope, "Sheets writes <= 3 per sync", r["sheets_writes_max_per_sync"] <= 3, str(r["sheets_writes_max_per_sync"])),
            rep.target(scope, f"all {r['syncs']} syncs complete, no 429 left unretried",
                       r["ok"] and r["unrecovered_429"] == 0, f"{len(r['failed'])} failed, {r['unrecovered_429']} on a 429"),
        ] + _failed_note(r)
        rep.lines.append(
            f"| National, {nat['provinces']} provinces, {p['districts']} districts, "
            f"{how} | {r['syncs']} | {api.get('drive', 0)} | {api.get('forms', 0)} | {api.get('sheets', 0)} "
            f"| max {r['sheets_reads_max_per_sync']} / {r['sheets_writes_max_per_sync']} | {r['requests']} "
            f"| {r['downloads']} | {_mb(r['bytes_downloaded'])} | {r['http_429']} ({r['retries']}) "
            f"| {r['sim_wall']:.0f} | {r['cpu_s']:.1f} | {m['rss_peak_mb']:.0f} † | {'; '.join(checks)} |")
        if m.get("again"):
            _national_again_row(rep, m["again"], how)
    _country_row(rep, nat)
    _national_notes(rep, nat)


def _national_again_row(rep: _Report, again: dict[str, Any], how: str) -> None:
    by: dict[str, int] = {}
    for k, v in again["by_method"].items():
        by[k.split(".")[0]] = by.get(k.split(".")[0], 0) + v
    sheets_reads = by.get("sheets", 0) - again["sheets_writes"]
    per_sync = again["requests_max_per_sync_without_retries"]
    scope = f"national, nothing changed ({how})"
    checks = [
        rep.target(scope, "0 downloads, 0 Sheets writes, <= 4 requests per sync (429 retries not counted)",
                   again["downloads"] == 0 and again["sheets_writes"] == 0 and per_sync <= 4,
                   f"{again['downloads']} downloads, {again['sheets_writes']} writes, max {per_sync} per sync"),
        rep.target(scope, f"all {again['syncs']} syncs complete, no 429 left unretried", again["ok"],
                   f"{len(again['failed'])} failed"),
    ] + _failed_note(again)
    rep.lines.append(
        f"| National, nothing changed, {how} | {again['syncs']} | {by.get('drive', 0)} "
        f"| {by.get('forms', 0)} | {by.get('sheets', 0)} | total {sheets_reads} / {again['sheets_writes']} "
        f"| {again['requests']} | {again['downloads']} | 0.00 | {again['http_429']} ({again['retries']}) "
        f"| {again['sim_wall']:.0f} | {again['cpu_s']:.1f} | | {'; '.join(checks)} |")


def _country_row(rep: _Report, nat: dict[str, Any]) -> None:
    """The whole country in one config against the sum of its provinces (mode 1, same data)."""
    co = nat.get("country")
    if not co:
        return
    r, p = co["run"], co["province"]
    one_by_one = next((m for m in nat["modes"] if m["workers"] == 1), None)
    api = r["by_api"]
    checks = [
        rep.target("country", "Sheets reads <= 2", r["sheets_reads"] <= 2 and r["ok"], str(r["sheets_reads"])),
        rep.target("country", "Sheets writes <= 3", r["sheets_writes"] <= 3 and r["ok"], str(r["sheets_writes"]))]
    if one_by_one:
        total = one_by_one["run"]["cpu_s"]
        ratio = r["cpu_s"] / max(1e-9, total)
        checks.append(rep.target("country", f"CPU <= {COUNTRY_RATIO}x the sum of its {nat['provinces']} provinces "
                                 f"({r['cpu_s']:.1f} s / {total:.1f} s = {ratio:.2f}x)",
                                 ratio <= COUNTRY_RATIO and r["ok"], f"{ratio:.2f}x"))
    if not r["ok"]:
        checks.append(f"the sync failed: {r.get('error', '')[:120]}")
    rep.lines.append(
        f"| Whole country in one config ({p['districts']} districts, {p['files']} files, {p['activity_rows']} rows), "
        f"cold | 1 | {api.get('drive', 0)} | {api.get('forms', 0)} | {api.get('sheets', 0)} "
        f"| {r['sheets_reads']} / {r['sheets_writes']} | {r['requests']} | {r['downloads']} | {_mb(r['bytes_downloaded'])} "
        f"| {r['http_429']} ({r['retries']}) | {r['sim_wall']:.0f} | {r['cpu_s']:.1f} | {co['rss_peak_mb']:.0f} † "
        f"| {'; '.join(checks)} |")


def _national_notes(rep: _Report, nat: dict[str, Any]) -> None:
    p = nat["province"]
    rep.lines.append("")
    rep.lines.append(f"National: {nat['provinces']} provinces ({nat['names']} names), {p['districts']} districts, "
                     f"{p['tambons']} sub-districts, {p['files']} files, {p['responses']} responses, "
                     f"{p['activity_rows']} activity rows. Sim wall of a national row = when the last sync finished "
                     "(one after another: the sum of the syncs). † national RSS: one process holding the fake with "
                     "all 77 provinces and every sync's objects; later modes start from the earlier modes' heap."
                     + (" The whole country in one config: the same generated files, one Form, one QR folder, one "
                        "master (a district name two provinces share is one district)." if nat.get("country") else ""))
    masters = nat["modes"][0].get("masters") if nat["modes"] else None
    if not masters:
        return
    lampang_cells = (rep.results.get("lampang-cold") or {}).get("master", {}).get("grid")
    nr_cells = (rep.results.get("nakhon-ratchasima") or {}).get("master", {}).get("grid")
    rep.lines.append("")
    rep.lines.append(
        "Master size in grid cells (what Google counts against the 10,000,000-cell limit of one spreadsheet, "
        "empty cells included): "
        + (f"Lampang {lampang_cells:,}; " if lampang_cells else "")
        + (f"Nakhon Ratchasima {nr_cells:,}; " if nr_cells else "")
        + f"largest national master {masters['grid_max'][0]:,} ({masters['grid_max'][1]}); all 77 masters "
        f"{masters['grid_total']:,} grid cells, {masters['filled_total']:,} of them holding a value.")


def _naive_section(rep: _Report) -> None:
    results = rep.results
    nv, c, n = results.get("naive-lampang"), results.get("lampang-cold"), results.get("lampang-nochange")
    if not (nv and c):
        return
    g, gn = c["run"], (n["run"] if n else None)
    a, b = nv["run"], nv["rerun"]
    rep.lines += [
        "Naive baseline (written in bench/naive.py): every run lists the folder one `files.list` per folder, "
        "reads every response, downloads every report file again, and writes one `values.append` per activity "
        "row (on a rerun it clears the tab first). Same transports, same quota, a patient retry policy "
        "(100 attempts) so that it finishes.",
        "",
        "| Lampang | requests | Sheets writes | downloads | 429s (retries) | rows written | sim wall s | CPU s |",
        "|---|---|---|---|---|---|---|---|",
        _naive_line("naive, first run", a, 0),
        _naive_line("gsync, cold", g, 1),
        _naive_line("naive, second run", b, 0),
    ]
    if gn:
        rep.lines.append(_naive_line("gsync, nothing changed", gn, 1))
    req_ratio = a["requests"] / max(1, g["requests"])
    req_ratio_no_retry = (a["requests"] - a["retries"]) / max(1, g["requests"] - g["retries"])
    wall_ratio = a["sim_wall"] / max(1e-9, g["sim_wall"])
    floor = a["requests"] / max(1, g["downloads"])
    rep.lines += [
        "",
        f"- Cold, requests: naive / gsync = {a['requests']} / {g['requests']} = **{req_ratio:.0f}x** "
        f"({req_ratio_no_retry:.0f}x without the naive run's 429 retries). "
        + rep.target("ratio", f"at least {REQ_RATIO}x fewer requests (cold)", req_ratio >= REQ_RATIO, f"{req_ratio:.1f}x")
        + f". Ceiling for any design that downloads each report file once: {a['requests']} / {g['downloads']} "
          f"downloads = {floor:.0f}x.",
        f"- Cold, simulated wall time: {a['sim_wall']:.0f} s / {g['sim_wall']:.1f} s = **{wall_ratio:.0f}x**. "
        + rep.target("ratio", f"wall time at least {WALL_RATIO}x lower (cold)", wall_ratio >= WALL_RATIO, f"{wall_ratio:.0f}x")
        + ".",
    ]
    if gn:
        rep.lines.append(f"- Rerun: naive second run / gsync nothing changed = {b['requests']} / {gn['requests']} = "
                         f"**{b['requests'] / max(1, gn['requests']):.0f}x** requests, "
                         f"{b['sim_wall'] / max(1e-9, gn['sim_wall']):.0f}x wall time.")
    rep.lines.append("")


def _naive_line(label: str, r: dict[str, Any], digits: int) -> str:
    return (f"| {label} | {r['requests']} | {r['sheets_writes']} | {r['downloads']} | {r['http_429']} ({r['retries']}) "
            f"| {sum(r['rows_written'].values())} | {r['sim_wall']:.{digits}f} | {r['cpu_s']:.2f} |")


def _parse_section(rep: _Report) -> None:
    ps = rep.results.get("parse-speed")
    if not ps:
        return
    rep.lines += [
        f"Parsing speed, one core (pinned to CPU {ps['core']}): the Lampang corpus, {ps['corpus']['files']} report files "
        f"({ps['corpus']['xlsx']} xlsx, {ps['corpus']['docx']} docx, {ps['corpus']['bytes'] / 1e6:.1f} MB), whole "
        f"`parse_file` per file, best of 3; files per CPU second (wall clock in brackets).",
        "",
        "| xlsx backend | xlsx files/s | all report files/s (docx via python-docx) | activity rows |",
        "|---|---|---|---|",
    ]
    for be in ("openpyxl", "calamine"):
        x, al = ps["xlsx"][be], ps["all"][be]
        label = "openpyxl (read-only)" if be == "openpyxl" else "python-calamine"
        if be == ps["default_backend"]:
            label += " (default)"
        rep.lines.append(f"| {label} | {x['files_per_s_cpu']:.0f} ({x['files_per_s_wall']:.0f}) "
                         f"| {al['files_per_s_cpu']:.0f} ({al['files_per_s_wall']:.0f}) | {x['activity_rows']} |")
    default = ps["all"][ps["default_backend"]]["files_per_s_cpu"]
    docx = ps.get("docx") or {}
    rep.lines += [
        "",
        "- " + rep.target("parse", f"at least {PARSE_TARGET} report files/s on one core (default backend, all files)",
                          default >= PARSE_TARGET, f"{default:.0f}/s")
        + f": {default:.0f} files/s. Word files alone: {docx.get('files_per_s_cpu', 0):.0f}/s. "
          f"Both backends read the same rows: {'yes' if ps['same_rows'] else 'NO'}.",
        "",
    ]


if __name__ == "__main__":
    sys.exit(main())
