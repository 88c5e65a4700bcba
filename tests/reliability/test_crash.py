"""Crash safety: a run that dies at any stage leaves the master and the state so that the next
run writes exactly what a clean run writes: no row lost, none duplicated, no staff note lost.

Scenario (same in the reference and in the faulted province): sync the demo, staff type notes
into the master, new submissions arrive (a late district, a re-upload that removes a noted
row), then the run under test. The reference runs it cleanly; the faulted province crashes it
(an exception from the fault hook, or a real SIGKILL), then runs once more normally.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from .support import (
    Crash,
    Tabs,
    build,
    cli_process,
    crash_at,
    data_rows,
    diff_summary,
    measure,
    new_submissions,
    notes_kept,
    run_sync,
    spawn_child,
    tabs,
    type_staff_notes,
    unique_keys,
)

STAGES = ("read", "parsed", "before_write", "after_write", "committed")
BEFORE_THE_WRITE = ("read", "parsed", "before_write")


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Tabs:
    """The scenario run cleanly: the master every crashed-then-recovered province must equal."""
    settings = build(tmp_path_factory.mktemp("crash-ref") / "province")
    run_sync(settings)
    assert settings.sheet.path is not None
    type_staff_notes(settings.sheet.path)
    new_submissions(settings)
    run_sync(settings)
    return tabs(settings.sheet.path)


def prepared(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = build(tmp_path / "province")
    run_sync(settings)
    master = settings.sheet.path
    notes = type_staff_notes(master)
    new_submissions(settings)
    return settings, master, notes


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(master: Path) -> list[Path]:
    return sorted(master.parent.glob(f".{master.name}.*.tmp"))


def converged(settings, master: Path, reference: Tabs, notes) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    got = tabs(master)
    lost, dup = measure(reference, got)
    unique_keys(got)
    if notes:
        notes_kept(got, notes)
    assert got == reference, diff_summary(reference, got)
    # and the state advanced with it: one more run changes nothing and parses nothing anew
    again = run_sync(settings)
    assert again.tabs_changed == 0 and again.parsed_new == 0
    assert tabs(master) == reference
    return lost, dup


@pytest.mark.parametrize("stage", STAGES)
def test_exception_at_each_stage_then_next_run_converges(stage: str, tmp_path: Path, reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    settings, master, notes = prepared(tmp_path)
    before = digest(master)
    with pytest.raises(Crash):
        run_sync(settings, hook=crash_at(stage))
    if stage in BEFORE_THE_WRITE:
        assert digest(master) == before  # nothing written before the write
    assert leftovers(master) == []
    run_sync(settings)
    got = tabs(master)
    lost, dup = measure(reference, got)
    measured("crash", f"exception from the fault hook at '{stage}'", runs=2, lost=lost, duplicated=dup,
             outcome="next run equals the clean master; staff notes kept")
    converged(settings, master, reference, notes)
    assert (lost, dup) == (0, 0)


@pytest.mark.parametrize("stage", STAGES)
def test_sigkill_at_each_stage_then_next_run_converges(stage: str, tmp_path: Path, reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    settings, master, notes = prepared(tmp_path)
    before = digest(master)
    child = spawn_child(settings, "kill", stage=stage)
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err.decode()
    if stage in BEFORE_THE_WRITE:
        assert digest(master) == before
    openpyxl.load_workbook(master).close()  # whatever is there is a whole workbook
    run_sync(settings)
    got = tabs(master)
    lost, dup = measure(reference, got)
    measured("crash", f"SIGKILL at '{stage}' (real process)", runs=2, lost=lost, duplicated=dup,
             outcome="next run equals the clean master; staff notes kept")
    converged(settings, master, reference, notes)
    assert (lost, dup) == (0, 0)


def test_sigkill_during_parsing(tmp_path: Path, reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    """Killed while a file is being parsed (a watcher thread in the child sees gsync.parse on the
    main thread's stack): the master and the state are the last good run's; the next run converges."""
    settings, master, notes = prepared(tmp_path)
    before, state_before = digest(master), digest(settings.state.path)
    marker = tmp_path / "reached-parsed"
    child = spawn_child(settings, "killparse", stage="read", marker=marker)
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err.decode()
    assert not marker.exists(), "the kill came after parsing"
    assert digest(master) == before and digest(settings.state.path) == state_before
    run_sync(settings)
    got = tabs(master)
    lost, dup = measure(reference, got)
    measured("crash", "SIGKILL during parsing (real process, inside gsync.parse)", runs=2, lost=lost,
             duplicated=dup, outcome="master and state untouched; next run equals the clean master")
    converged(settings, master, reference, notes)
    assert (lost, dup) == (0, 0)


def test_sigkill_while_writing_the_first_master(tmp_path: Path, clean_master: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    """Killed while the temporary file is half written: no master at all, never a partial one."""
    settings = build(tmp_path / "province")
    master = settings.sheet.path
    child = spawn_child(settings, "killsave", stage="before_write")
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err.decode()
    assert not master.exists()
    assert leftovers(master), "the kill should have hit the temporary file mid-write"
    run_sync(settings)
    assert leftovers(master) == []  # the next write clears the dead run's partial file
    got = tabs(master)
    lost, dup = measure(clean_master, got)
    measured("crash", "SIGKILL mid-write of the temporary file (first master)", runs=2, lost=lost,
             duplicated=dup, outcome="master absent after the kill; next run writes the clean master")
    converged(settings, master, clean_master, None)
    assert (lost, dup) == (0, 0)


def test_sigkill_while_replacing_the_master(tmp_path: Path, reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    """Killed mid-write over an existing master: the old master is there, whole and unchanged."""
    settings, master, notes = prepared(tmp_path)
    before = digest(master)
    child = spawn_child(settings, "killsave", stage="before_write")
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err.decode()
    assert digest(master) == before
    openpyxl.load_workbook(master).close()
    assert leftovers(master)
    run_sync(settings)
    assert leftovers(master) == []
    got = tabs(master)
    lost, dup = measure(reference, got)
    measured("crash", "SIGKILL mid-write of the temporary file (replacing the master)", runs=2, lost=lost,
             duplicated=dup, outcome="old master intact after the kill; next run equals the clean master")
    converged(settings, master, reference, notes)
    assert (lost, dup) == (0, 0)


def _no_space(limit: int):  # type: ignore[no-untyped-def]
    """preexec_fn: files this process writes cannot grow past `limit` bytes (EFBIG, like a full disk)."""

    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_while_writing_the_master(tmp_path: Path, reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    """The file system refuses the write (RLIMIT_FSIZE in a real CLI process): exit 1 with a
    clear message, the old master untouched, no partial file, the state not advanced."""
    import subprocess
    import sys

    from .support import NOW_TEXT, child_env, config_path

    settings, master, notes = prepared(tmp_path)
    before = digest(master)
    # enough for the state's few pages, far too little for the workbook
    limit = 8 * 1024
    proc = subprocess.run(
        [sys.executable, "-m", "gsync.cli", "sync", "--config", str(config_path(settings)), "--now", NOW_TEXT],
        env=child_env(), capture_output=True, text=True, timeout=60, preexec_fn=_no_space(limit),
    )
    assert proc.returncode == 1, proc.stderr
    # ONE line for the operator: no traceback, not even openpyxl's half-closed writer's
    # "Exception ignored in: <generator ... get_stream>" notice (whatever the clone's folder is named)
    problems = [ln for ln in proc.stderr.splitlines() if " INFO " not in ln]
    assert problems == [
        f"gsync: cannot write the master workbook {master} (SerialisationError: IO_EFBIG); "
        "check the folder's permissions and free space"
    ], proc.stderr
    assert digest(master) == before
    assert leftovers(master) == []
    run_sync(settings)
    got = tabs(master)
    lost, dup = measure(reference, got)
    measured("crash", "disk full while writing the master (EFBIG)", runs=2, lost=lost, duplicated=dup,
             outcome="exit 1, clear message, master untouched; next run equals the clean master")
    converged(settings, master, reference, notes)
    assert (lost, dup) == (0, 0)


# --- the state database -----------------------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x13\x37 this is not a database \x00" * 500)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _scribbled(path: Path) -> None:
    """A valid header, then pages overwritten in the middle (a bad sector, a torn copy)."""
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[4096:mid] = b"\xa5" * (mid - 4096)
    path.write_bytes(bytes(data))


def _foreign_schema(path: Path) -> None:
    """A SQLite file that is sound but not gsync's state (an old version, another tool)."""
    path.unlink()
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE files (id TEXT PRIMARY KEY, seen TEXT); INSERT INTO files VALUES ('x', 'y');")
    db.commit()
    db.close()


CORRUPTIONS = {"garbage": _garbage, "truncated": _truncated, "scribbled pages": _scribbled,
               "foreign schema": _foreign_schema}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_state_is_moved_aside_and_rebuilt(kind: str, tmp_path: Path, reference: Tabs, measured, caplog) -> None:  # type: ignore[no-untyped-def]
    settings, master, notes = prepared(tmp_path)
    state = settings.state.path
    CORRUPTIONS[kind](state)
    with caplog.at_level(logging.WARNING, logger="gsync.state"):
        result = run_sync(settings)
    warnings = [r.getMessage() for r in caplog.records if r.name == "gsync.state" and r.levelno == logging.WARNING]
    assert any("corrupt" in w and "rebuilding" in w for w in warnings), warnings
    aside = list(state.parent.glob(state.stem + ".corrupt-*"))
    assert len(aside) == 1
    assert result.parsed_new > 0  # rebuilt from the sources
    got = tabs(master)
    lost, dup = measure(reference, got)
    measured("state", f"corrupt state database ({kind})", runs=1, lost=lost, duplicated=dup,
             outcome="warning logged, moved aside, rebuilt; master equals the clean one")
    converged(settings, master, reference, notes)
    assert (lost, dup) == (0, 0)


def test_unreadable_master_is_never_overwritten(tmp_path: Path, reference: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    """A master that cannot be opened (half-copied by hand) stops the run with exit 1: writing
    over it would lose every staff note in it. Restored from a backup, the next run converges."""
    settings, master, notes = prepared(tmp_path)
    good = master.read_bytes()
    master.write_bytes(good[: len(good) // 2])
    proc = cli_process(settings, "sync")
    assert proc.returncode == 1, proc.stderr
    assert "cannot open the master workbook" in proc.stderr and "Traceback" not in proc.stderr
    assert master.read_bytes() == good[: len(good) // 2]
    master.write_bytes(good)  # staff restore the backup
    run_sync(settings)
    got = tabs(master)
    lost, dup = measure(reference, got)
    measured("crash", "master workbook damaged between runs", runs=2, lost=lost, duplicated=dup,
             outcome="exit 1, damaged file left alone; after restore the next run equals the clean master")
    converged(settings, master, reference, notes)
    assert (lost, dup) == (0, 0)


def test_master_keeps_its_permissions(tmp_path: Path) -> None:
    """The atomic replace must not reset the mode the operator gave the master (e.g. group-readable
    for the office), nor leave it world-readable when it was not."""
    settings, master, _ = prepared(tmp_path)
    master.chmod(0o640)
    result = run_sync(settings)
    assert result.tabs_changed > 0
    assert master.stat().st_mode & 0o777 == 0o640


def test_reference_scenario_is_sound(reference: Tabs) -> None:
    unique_keys(reference)
    assert data_rows(reference["กิจกรรม"])


def test_row_staff_duplicated_in_the_master_is_healed(tmp_path: Path, clean_master: Tabs, measured) -> None:  # type: ignore[no-untyped-def]
    """Staff copy-paste a whole activity row into the master (Ctrl+C, Ctrl+V one row down, save)."""
    settings = build(tmp_path / "province")
    run_sync(settings)
    master = settings.sheet.path
    wb = openpyxl.load_workbook(master)
    ws = wb["กิจกรรม"]
    ws.append([c.value for c in ws[2]])
    wb.save(master)
    new_submissions(settings)  # something to write, so the run rewrites the tab
    run_sync(settings)
    got = tabs(master)
    keys = [r[0] for r in data_rows(got["กิจกรรม"])]
    dup = len(keys) - len(set(keys))
    measured("crash", "a row staff duplicated by copy-paste in the master", runs=1, lost=0, duplicated=dup,
             outcome="the repeat is dropped on the next write")
    assert dup == 0
