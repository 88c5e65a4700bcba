"""Turn the reliability suite's measurements into docs/reliability.md.

    GSYNC_RELIABILITY_REPORT=/tmp/r.jsonl python -m pytest tests/reliability -q
    python tests/reliability/report.py /tmp/r.jsonl > docs/reliability.md

Every number in the tables was measured by a test (rows compared by key with a clean run's
master); nothing is typed by hand. A file with several runs keeps the last record per test.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

COMMAND = ("rm -f /tmp/r.jsonl; GSYNC_RELIABILITY_REPORT=/tmp/r.jsonl python -m pytest tests/reliability -q "
           "&& python tests/reliability/report.py /tmp/r.jsonl > docs/reliability.md")

CLASSES = [
    ("lock", "One run at a time", "A second run while one holds the lock, and the lock of a killed run."),
    ("crash", "Crash safety", "The run dies at a stage (an exception from the fault hook, or a real SIGKILL), "
     "or the disk or the master fails; then the next run. Compared with the same scenario run cleanly: the demo "
     "province, staff notes typed into the master, then new submissions (one re-upload removes a noted row)."),
    ("state", "A corrupt state database", "The state file is damaged between runs; the next run must notice, "
     "move it aside and rebuild from the sources."),
    ("google", "Faults from Google (against the fake)", "Retries use a recording no-op sleep; the recorded "
     "delays are part of each test's assertion."),
    ("hostile", "Hostile and broken files", "Uploaded to one district's folder (แจ้ห่ม Q1 unless named); rows "
     "lost / duplicated count every other district's rows against the clean master, and every other "
     "district's status must equal the clean run's."),
    ("formula", "Formula injection", "Counted here: formula-looking texts missing from the master."),
    ("who", "Who may report", "Rows lost / duplicated: other districts' rows vs the clean master (or reports "
     "wrongly counted)."),
    ("soak", "Soak: many runs, random faults and kills, compared with a fresh rebuild", "One seeded, bounded "
     "soak (tests/reliability/test_soak.py; GSYNC_SOAK_RUNS, GSYNC_SOAK_SEED) against the Google fake: between "
     "runs, uploads, in-place re-uploads, corrected copies, Form responses and staff notes typed into the Sheet; "
     "each run meets random 429s, 5xx, dropped and cut-off answers and slow answers on every API and the token "
     "endpoint (some outlasting the retries), or dies at a stage (exception or a real SIGKILL). Every 20 runs a "
     "clean run is compared with a fresh rebuild (no state, a new Sheet): rows lost / duplicated by key, every "
     "cell but staff notes equal, and every staff note beside its row or in หมายเหตุที่เก็บไว้. The same soak "
     "runs again against Drive's worst-case feed, one that never reports an edit inside the Sheet (issue 21): "
     "staff also tick ยกเว้น (the fresh rebuild gets the same ticks), and every cell staff typed must be beside "
     "its row or in the archive. The figures in the outcome column are this run's."),
    ("secrets", "Secrets and personal data", "No master rows are at stake here (n/a); the outcome is what the "
     "test asserted."),
]


def load(path: Path) -> tuple[list[dict], dict[str, dict]]:
    records: dict[tuple[str, str], dict] = {}
    results: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        if "result" in entry:
            results[entry["test"]] = entry
        else:
            records[(entry["test"], entry["fault"])] = entry
    return list(records.values()), results


def cell(value: object) -> str:
    return "n/a" if value is None else str(value)


def test_ref(nodeid: str) -> str:
    return "`" + nodeid.replace("tests/reliability/", "").replace("|", "\\|") + "`"


# Not measured by this suite's run: how the write path keeps staff input (issue 21), with the
# commands that measure it.
STAFF_INPUT = Path(__file__).with_name("staff_input.md").read_text(encoding="utf-8").splitlines() + [""]


def render(records: list[dict], results: dict[str, dict]) -> str:
    out = [
        "# gsync reliability and security: measured",
        "",
        "Generated from the reliability suite's own measurements; regenerate with:",
        "",
        "```sh",
        COMMAND,
        "```",
        "",
        "Columns: **fault injected**; **runs survived**: the runs the test made through and after the fault "
        "(the faulted run plus the runs that had to converge); **rows lost** / **rows duplicated**: rows of the "
        "master, matched by key (column รหัส) over every tab but the sync log, that the clean run has and this "
        "one lacks / that this one has more often than the clean run. **test**: file::name.",
        "",
    ]
    by_class: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_class[r["class"]].append(r)
    known = {c for c, _, _ in CLASSES}
    classes = CLASSES + [(c, c, "") for c in sorted(by_class) if c not in known]
    totals = {"tests": 0, "lost": 0, "dup": 0, "lost_known": 0, "dup_known": 0}
    for key, title, note in classes:
        rows = by_class.get(key)
        if not rows:
            continue
        out += [f"## {title}", ""]
        if note:
            out += [note, ""]
        out += ["| fault injected | runs survived | rows lost | rows duplicated | test |",
                "|---|---|---|---|---|"]
        for r in sorted(rows, key=lambda r: r["test"]):
            result = results.get(r["test"], {}).get("result", "not run to the end")
            fault = r["fault"].replace("|", "\\|")
            if result == "xfailed":
                fault += " **(known bug, test marked xfail: see below)**"
            elif result not in ("passed",):
                fault += f" **({result})**"
            outcome = f"<br>*{r['outcome']}*" if r.get("outcome") else ""
            out.append(f"| {fault}{outcome} | {r['runs']} | {cell(r['lost'])} | {cell(r['duplicated'])} | {test_ref(r['test'])} |")
            totals["tests"] += 1
            totals["lost"] += r["lost"] or 0
            totals["dup"] += r["duplicated"] or 0
            if result == "xfailed":
                totals["lost_known"] += r["lost"] or 0
                totals["dup_known"] += r["duplicated"] or 0
        out.append("")
    out += STAFF_INPUT
    gaps = sorted({(t, e["reason"]) for t, e in results.items() if e["result"] in ("xfailed", "xpassed")})
    if gaps:
        out += ["## Known gaps (tests marked xfail, strict)", "",
                "Each fails today for the reason given and will fail the suite (XPASS strict) once fixed, so the "
                "marker gets removed.", ""]
        out += [f"- {test_ref(t)}: {reason}" for t, reason in gaps]
        out.append("")
    failed = sorted(t for t, e in results.items() if e["result"] == "failed")
    out += [f"Summary: {totals['tests']} measured faults; rows lost in total {totals['lost']} "
            f"({totals['lost_known']} of them in known-bug rows), rows duplicated in total {totals['dup']} "
            f"({totals['dup_known']} of them in known-bug rows)."]
    if failed:
        out += ["", "**Failed tests in this run:** " + ", ".join(test_ref(t) for t in failed)]
    out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    records, results = load(Path(argv[1]))
    sys.stdout.write(render(records, results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
