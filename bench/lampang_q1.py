"""`python -m bench.lampang_q1 [LATENCY]`: a Lampang-sized first quarter, cold, on the virtual clock.

Issue 22's network target: a cold sync of one quarter waits at most half of its requests' serial
time (listings and downloads overlapping). Prints the requests, the downloads, the simulated
network wait (simulated wall minus gsync's CPU) and the serial sum of the latencies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

from bench.harness import BenchFake, run_sync
from bench.scenario import workdir
from bench.vclock import VirtualClock
from gsync.testing import province as P

Q1_END = dt.datetime(2024, 12, 31, 23, 59, tzinfo=P.BKK)
NOW = dt.datetime(2025, 1, 5, 9, 0, tzinfo=P.BKK)


def main(argv: list[str]) -> int:
    latency = float(argv[0]) if argv else 0.150
    p = P.build("lampang", 1)
    keep = {k for r in p.responses if r.quarter == 1 for k in (*r.reports, *r.photos)}
    files = [f for f in p.files
             if (f.channel == "form" and f.key in keep) or (f.channel == "drive" and f.created <= Q1_END)]
    p = dataclasses.replace(p, files=files, responses=[r for r in p.responses if r.quarter == 1], later=[], now=NOW)
    clock = VirtualClock()
    fake = BenchFake(clock, latency=latency)
    loaded = P.load(fake, p)
    settings = P.settings(p, loaded, workdir("gsync-q1-") / "state.sqlite")
    w = clock.run([("q1", lambda: run_sync(fake, settings, p.now))])[0]
    if w.error:
        raise w.error
    r = w.result
    wait = r.sim_wall - r.cpu_s
    print(f"Lampang Q1 cold, {latency * 1000:.0f} ms per request: {r.requests} requests, {r.downloads} downloads; "
          f"waited {wait:.2f} s on the network against {r.latency_s:.2f} s serial = {wait / r.latency_s:.2f} "
          f"(target <= 0.5; simulated wall {r.sim_wall:.2f} s, gsync CPU {r.cpu_s:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
