"""The master's tabs, all of them: the quarterly reports' (master.tables) with the collections'
(master.collection_tabs) added. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt

from gsync.config import Settings
from gsync.master import collection_tabs, tables
from gsync.master.howto import howto_table
from gsync.master.layout import Table
from gsync.outcome import Outcome


def render(settings: Settings, outcome: Outcome, now: dt.datetime) -> list[Table]:
    # the first tab tells staff how to use the master; then the quarterly tabs, the collections' added
    out = collection_tabs.extend(settings, outcome, now,
                                 [howto_table(settings), *tables.quarter_tabs(settings, outcome, now)])
    for t in out:
        _key_last(t)
    return out


def _key_last(t: Table) -> Table:
    """Hide the key (column A: sinks merge by it, staff need not see it); the column beside it
    (the district, mostly) is frozen with it, so scrolling right never loses it."""
    t.hidden_key = True
    return t
