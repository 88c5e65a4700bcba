"""Peak RSS of gsync alone: the fake in another process, gsync talking to it over loopback HTTP.

The in-process runs (`bench.harness`) give exact request counts and virtual time, but their
process also holds the fake (every Drive file, every Sheet cell, the discovery documents).
Here a child process serves the same province (`FakeGoogle.serve`, regenerated from the same
seed), and this process runs gsync exactly as the CLI does: a service-account key file,
`[google] endpoint`, `adapters.build`, `sync.run`, real HTTP. Its `ru_maxrss` is gsync's. A
scenario's earlier sync (the cold one before a rerun) runs in another fresh process, so the
measured process holds nothing but the one sync cron would run.
"""

from __future__ import annotations

import atexit
import gc
import json
import multiprocessing as mp
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

HOUR_S = 3600


def _serve(kind: str, seed: int, conn: Any) -> None:
    import sys

    from bench.harness import ROOT
    from gsync.testing import province as P

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from gsync.testing import FakeGoogle

    p = P.build(kind, seed)
    fake = FakeGoogle(seed=0)
    loaded = P.load(fake, p)
    with fake.serve() as url:
        conn.send({
            "url": url, "key": fake.service_account_info(token_uri=url + "/token"),
            "name": p.name, "districts": p.districts, "now": p.now.isoformat(),
            "form_id": loaded.form_id, "folder_id": loaded.folder_id, "spreadsheet_id": loaded.spreadsheet_id,
        })
        while True:
            msg = conn.recv()
            if msg == "upload":
                conn.send(P.upload_later(fake, p, loaded))
            elif msg == "count":
                conn.send(len([c for c in fake.requests if c.id.split(".")[0] in ("drive", "forms", "sheets")]))
            else:
                break


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _one(settings: Any, at: Any) -> dict[str, Any]:
    from gsync import adapters, sync
    from gsync.accounting import Accounting
    from gsync.state import State

    acct = Accounting()
    state = State(settings.state.path)
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        built = adapters.build(settings, state, acct)
        sync.run(settings, form=built.form, drive=built.drive, attachments=built.attachments,
                 sink=built.sink, state=state, now=at, accounting=acct)
    finally:
        state.close()
    return {"requests": acct.total, "by_method": dict(acct.requests), "downloads": acct.downloads,
            "real_s": time.perf_counter() - t0,
            "cpu_s": time.process_time() - c0}


def _prior(raw: dict[str, Any], now: str) -> None:
    import datetime as dt

    from gsync.config import parse_settings

    _one(parse_settings(raw), dt.datetime.fromisoformat(now))


def rss(kind: str, which: str, seed: int) -> dict[str, Any]:
    """Run the scenario's syncs against the served fake; the last one is measured."""
    import datetime as dt

    from gsync import sync  # noqa: F401 - what the measured process holds before its sync
    from gsync.config import parse_settings

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(kind, seed, child), daemon=True)
    proc.start()
    try:
        info = parent.recv()
        tmp = Path(tempfile.mkdtemp(prefix="gsync-bench-rss-"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        key = tmp / "key.json"
        key.write_text(json.dumps(info["key"]), encoding="utf-8")
        key.chmod(0o600)
        raw = {
            "province": {"name": info["name"], "fiscal_year": 2568},
            "districts": [{"name": d, "tambons": t} for d, t in info["districts"].items()],
            "form": {"form_id": info["form_id"]}, "drive": {"folder_id": info["folder_id"]},
            "sheet": {"spreadsheet_id": info["spreadsheet_id"]},
            "google": {"credentials": str(key), "endpoint": info["url"]},
            "state": {"path": str(tmp / "state.sqlite")},
        }
        settings = parse_settings(raw)
        now = dt.datetime.fromisoformat(info["now"])

        def one(at: dt.datetime) -> dict[str, Any]:
            return _one(settings, at)

        if which != "cold":
            # The sync before the measured one runs in a process of its own, as cron runs it:
            # the measured process has done nothing but import gsync.
            prior = ctx.Process(target=_prior, args=(raw, info["now"]), daemon=True)
            prior.start()
            prior.join(timeout=1800)
            if prior.exitcode != 0:
                raise RuntimeError(f"the sync before the measured one failed (exit {prior.exitcode})")
            if which == "upload":
                parent.send("upload")
                parent.recv()
        gc.collect()
        setup = _maxrss_mb()
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            reset = True
        except OSError:
            reset = False
        run = one(now + dt.timedelta(seconds=HOUR_S if which != "cold" else 0))
        return {"rss_peak_mb": round(_maxrss_mb(), 1), "rss_setup_peak_mb": round(setup, 1), "rss_reset": reset,
                "run": run}
    finally:
        parent.send("stop")
        proc.join(timeout=30)
        if proc.is_alive():
            proc.terminate()
