"""The merge policy: what the master must become, and whether anything is to be written.

The core decides, the sinks write: prepare (lazy tabs, notes back beside returning rows,
archive keys, the read's notices in the sync log) -> the keyed merge (staff columns and
staff's own columns kept, gsync/master/merge.py) -> change detection, each cell as the sink
stores it -> "only the append-only tabs (the sync log, the note archive) would change: write
nothing". A sink is handed the result (`ports.MasterWrite`) and writes exactly that.

Pure: tables and what was read in, a decision out; the tables handed in are not changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from gsync.master.cells import same_rows
from gsync.master.layout import Cell, Table
from gsync.master.merge import merge_all, prepare
from gsync.ports import MasterSink, MasterWrite, Tabs


def decide(tables: Sequence[Table], existing: Tabs, *, notices: Sequence[str] = (), renamed: bool = False,
           stored: Callable[[Cell], Cell] = lambda c: c) -> MasterWrite:
    """What to write over `existing` (the master as read). `notices`: what the read found
    (tabs staff renamed or deleted), for the sync log; `renamed`: a tab must get its name back
    (a write even when no value changed); `stored`: a cell as the sink stores it."""
    work = [dataclasses.replace(t, rows=[list(r) for r in t.rows], seed={k: dict(v) for k, v in t.seed.items()})
            for t in tables]
    ready = prepare(work, existing, notices)
    rows = {title: [[stored(c) for c in r] for r in merged] for title, merged in merge_all(ready, existing).items()}
    changed = [t.title for t in ready if not same_rows(rows[t.title], existing.get(t.title) or [])]
    # Nothing but the log (and the note archive) would change: write nothing. A caller that
    # hands in nothing but append-only tabs (gsync remind's history) means them.
    only_logs = any(not t.append_only for t in ready) and not any(
        not t.append_only and t.title in changed for t in ready)
    writes = renamed or bool(changed and not only_logs)

    def again(wider: Tabs) -> MasterWrite:
        return decide(tables, wider, notices=notices, renamed=renamed, stored=stored)

    return MasterWrite(ready, rows, changed, existing, writes, again)


def write(sink: MasterSink, tables: Sequence[Table], existing: Tabs) -> int:
    """Decide over what `sink` read and write it when there is anything to write: the tabs
    changed (0: nothing written). For a caller whose tables do not depend on what staff typed
    (gsync remind's history); `sync.run` decides itself, and reads again before writing."""
    found = sink.last_read()
    plan = decide(tables, existing, notices=found.notices, renamed=found.renamed, stored=sink.stored)
    return sink.write(plan) if plan.writes else 0
