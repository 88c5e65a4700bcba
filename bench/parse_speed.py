"""Parsing speed: report files per second on one core, openpyxl (read-only) vs python-calamine.

The corpus is what a Lampang-size province sends in a year (the report files of
`gsync.testing.province.build("lampang")`: messy and template xlsx, Word tables, centre registers;
photos are never parsed). Each file goes through the whole `gsync.parse.parse_file` (sniffing,
header detection, Thai dates and digits, vocabularies), once per backend, best of a few
rounds. The process is pinned to one CPU, and speed is files / CPU seconds (with the wall
clock alongside: on a busy machine the wall clock also counts waiting for the CPU).

Cold caches: every `functools` cache in gsync's modules (name keys, vocabularies, header
guesses) is cleared before each round, so a round never profits from the one before it or
from another file kind measured earlier; a cron run starts cold too.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

ROUNDS = 3


def _pin_one_core() -> int | None:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
        return cpus[-1]
    except (AttributeError, OSError):
        return None


def clear_caches() -> int:
    """Clear every lru_cache/cache of gsync's modules; returns how many were cleared."""
    n = 0
    for name, module in list(sys.modules.items()):
        if not (name == "gsync" or name.startswith("gsync.")) or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
                n += 1
    return n


def measure(seed: int = 1, limit: int | None = None) -> dict[str, Any]:
    from gsync import parse
    from gsync.parse import DEFAULT_BACKEND
    from gsync.testing import province as P

    core = _pin_one_core()
    p = P.build("lampang", seed)
    loaded_settings = P.settings(p, P.Loaded("f", "d", "s", "u", {}, {}), P.Path("/nonexistent/state.sqlite"))
    files = [(f.name, f.data) for f in p.files if f.is_report]
    if limit:
        files = files[:limit]
    xlsx = [(n, d) for n, d in files if n.endswith(".xlsx")]
    docx = [(n, d) for n, d in files if n.endswith(".docx")]

    def bench(batch: list[tuple[str, bytes]], backend: str | None) -> dict[str, Any]:
        for name, data in batch[:3]:  # warm-up: imports, caches
            parse.parse_file(name, data, loaded_settings, backend=backend)
        best_cpu = best_wall = float("inf")
        rows = 0
        for _ in range(ROUNDS):
            clear_caches()
            c0, w0 = time.process_time(), time.perf_counter()
            rows = 0
            for name, data in batch:
                rows += len(parse.parse_file(name, data, loaded_settings, backend=backend).activities)
            best_cpu = min(best_cpu, time.process_time() - c0)
            best_wall = min(best_wall, time.perf_counter() - w0)
        return {"files": len(batch), "activity_rows": rows, "cpu_s": round(best_cpu, 3), "wall_s": round(best_wall, 3),
                "files_per_s_cpu": round(len(batch) / best_cpu, 1), "files_per_s_wall": round(len(batch) / best_wall, 1)}

    out: dict[str, Any] = {"scenario": "parse-speed", "core": core, "default_backend": DEFAULT_BACKEND["xlsx"],
                           "corpus": {"files": len(files), "xlsx": len(xlsx), "docx": len(docx),
                                      "bytes": sum(len(d) for _, d in files)}}
    out["xlsx"] = {b: bench(xlsx, b) for b in ("openpyxl", "calamine")}
    out["docx"] = bench(docx, None) if docx else None
    out["all"] = {b: bench(files, b) for b in ("openpyxl", "calamine")}  # the mixed corpus, xlsx by backend b
    same = all(out["xlsx"][b]["activity_rows"] == out["xlsx"]["calamine"]["activity_rows"] for b in out["xlsx"])
    out["same_rows"] = same
    return out
