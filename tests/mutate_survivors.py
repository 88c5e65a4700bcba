"""Put back, one at a time, the behaviours a hand-made change once broke unnoticed (issue 9: the
first four; issue 21 item 2: the seven after them), and show which test now fails for each. Run
it from a throwaway clone (it edits files and restores them):
`git clone . /tmp/mut && cd /tmp/mut && python tests/mutate_survivors.py [LABEL-PREFIX ...]`
(e.g. `21.` for issue 21's only). A mutant's text is looked for in every module under gsync/,
so it still applies after a module is split or moved; it must occur exactly once. Not collected
by pytest (no test_ prefix)."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
SURVIVORS = "tests/unit/test_survivors.py"
UNGUARDED = "tests/unit/test_unguarded.py"
REVIEWS = "tests/cli/test_review_history.py"
MUTANTS = [
 ("1 re-upload (1) suffix", r'_DUPLICATE_SUFFIX = re.compile(r"(\s*\(\d+\)|', r'_DUPLICATE_SUFFIX = re.compile(r"(', SURVIVORS + "::test_same_name_reupload_that_drops_a_centre_still_replaces_the_old_file"),
 ("2 upper-case marks", 'str(value or "").strip().lower() in TRUTHY', 'str(value or "").strip() in TRUTHY', SURVIVORS),
 ("3a truncated blocks", 'NOT_BLOCKING = frozenset({"truncated", "attachment_unavailable", "file_removed"})', 'NOT_BLOCKING = frozenset({"attachment_unavailable", "file_removed"})', SURVIVORS),
 ("3b attachment_unavailable blocks", 'NOT_BLOCKING = frozenset({"truncated", "attachment_unavailable", "file_removed"})', 'NOT_BLOCKING = frozenset({"truncated", "file_removed"})', SURVIVORS),
 ("4 re-save keeps first receipt", 'if first is not None and first < ref.received_at:', 'if False:', SURVIVORS),
 # issue 21 item 2
 ("21.1 one try more than max_attempts", "if e is not None and e.attempts >= max_attempts:", "if e is not None and e.attempts > max_attempts:", "tests/remind/test_attempts.py"),
 ("21.2 a rewritten reason is no new return", "(last_decision, last_reason) != (decision, reason)", "last_decision != decision", f"{UNGUARDED} {REVIEWS}"),
 ("21.3 the oldest review row decides", 'seen["|".join(parts[:2])] = ReviewSeen(code, str(row.get("เหตุผล") or ""), when)', 'seen.setdefault("|".join(parts[:2]), ReviewSeen(code, str(row.get("เหตุผล") or ""), when))', f"{UNGUARDED} {REVIEWS}"),
 ("21.4 a district-level centre covers its tambon", 'if tambon is not None and centre.level != "district":', "if tambon is not None:", UNGUARDED),
 ("21.5a the folder's quarter beats the header's", "quarters.append(QuarterClue(parsed.header_quarter, WHERE_HEADER))", "pass", UNGUARDED),
 ("21.5b no quarter_conflict", "other != quarter and where != WHERE_DATES", "False", UNGUARDED),
 ("21.6 previous-year dates place a file", "if afy == settings.fiscal_year:", "if True:", UNGUARDED),
 ("21.7a fewer declared than counted passes", "abs(declared - n) > tolerance", "declared - n > tolerance", UNGUARDED),
 ("21.7b more declared than counted passes", "abs(declared - n) > tolerance", "n - declared > tolerance", UNGUARDED),
 ("21.8 a conflict's Thai line reversed", "found=quarter, where=where, used=other", "found=other, where=where, used=quarter", UNGUARDED),
]


def locate(text: str) -> pathlib.Path:
    hits = [(p, p.read_text(encoding="utf-8").count(text)) for p in sorted((ROOT / "gsync").rglob("*.py"))]
    found = [p for p, n in hits if n]
    assert len(found) == 1 and sum(n for _, n in hits) == 1, f"{text!r} occurs in {found or 'no module'}"
    return found[0]


def main(prefixes: list[str]) -> int:
    survived = 0
    for label, a, b, tests in MUTANTS:
        if prefixes and not any(label.startswith(x) for x in prefixes):
            continue
        p = locate(a)
        s = p.read_text(encoding="utf-8")
        p.write_text(s.replace(a, b), encoding="utf-8")
        try:
            r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-o", "addopts=", "-p", "no:cacheprovider", *tests.split()],
                               capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
            failed = [line.split(" ")[1] for line in r.stdout.splitlines() if line.startswith("FAILED")]
            survived += r.returncode == 0
            print(f"{label} ({p.relative_to(ROOT)}): rc={r.returncode}; failing: {failed or r.stdout.splitlines()[-1:]}", flush=True)
        finally:
            p.write_text(s, encoding="utf-8")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
