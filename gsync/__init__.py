"""gsync: district quarterly reports into one master Sheet."""

from __future__ import annotations

import functools
import os
import sys


@functools.cache
def dist_version(name: str) -> str | None:
    """An installed distribution's version, from its `.dist-info` folder's name on sys.path
    (what importlib.metadata reads, without the 30 ms its import costs every start); None when
    it is not installed."""
    prefix = name.replace("-", "_").lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            if n.endswith(".dist-info") and n.lower().startswith(prefix):
                return n[len(prefix):-len(".dist-info")]
    return None


def __getattr__(name: str) -> str:
    if name == "__version__":  # run from a source tree that was never installed: 0+unknown
        return dist_version("gsync") or "0+unknown"
    raise AttributeError(f"module 'gsync' has no attribute {name!r}")
