"""Put back, one at a time, the four behaviours a mutation once changed unnoticed (issue 9), and
show which test now fails for each. Run it from a throwaway clone (it edits files and restores
them): `git clone . /tmp/mut && cd /tmp/mut && python tests/mutate_survivors.py`. Not collected
by pytest (no test_ prefix)."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
MUTANTS = [
 ("1 re-upload (1) suffix", "gsync/attribution.py", r'_DUPLICATE_SUFFIX = re.compile(r"(\s*\(\d+\)|', r'_DUPLICATE_SUFFIX = re.compile(r"(', "tests/unit/test_survivors.py::test_same_name_reupload_that_drops_a_centre_still_replaces_the_old_file"),
 ("2 upper-case marks", "gsync/master/tables.py", 'str(value or "").strip().lower() in TRUTHY', 'str(value or "").strip() in TRUTHY', "tests/unit/test_survivors.py"),
 ("3a truncated blocks", "gsync/counting.py", 'NOT_BLOCKING = frozenset({"truncated", "attachment_unavailable", "file_removed"})', 'NOT_BLOCKING = frozenset({"attachment_unavailable", "file_removed"})', "tests/unit/test_survivors.py"),
 ("3b attachment_unavailable blocks", "gsync/counting.py", 'NOT_BLOCKING = frozenset({"truncated", "attachment_unavailable", "file_removed"})', 'NOT_BLOCKING = frozenset({"truncated", "file_removed"})', "tests/unit/test_survivors.py"),
 ("4 re-save keeps first receipt", "gsync/sync.py", 'if first is not None and first < ref.received_at:', 'if False:', "tests/unit/test_survivors.py"),
]
for label, path, a, b, tests in MUTANTS:
    p = ROOT / path
    s = p.read_text()
    assert s.count(a) == 1, label
    p.write_text(s.replace(a, b))
    try:
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-o", "addopts=", "-p", "no:cacheprovider", tests],
                           capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        failed = [line.split(" ")[1] for line in r.stdout.splitlines() if line.startswith("FAILED")]
        print(f"{label}: rc={r.returncode}; failing: {failed or r.stdout.splitlines()[-1:]}")
    finally:
        p.write_text(s)
