"""The national figures from the published rows: counted exactly as judging.rates counts them.

The SQL is the same for both engines (DuckDB in-process, BigQuery): plain SUM(CASE ...) rather
than FILTER or COUNTIF, so one text serves both. Rates are divided here, in Python, from the
engine's integer counts: the same double as the province's own `received / expected`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

# "received" is (NOT excused AND submitted_at IS NOT NULL), written out in each line
RATES_SQL = """
SELECT fiscal_year, province_code, quarter,
  COUNT(*) AS districts,
  SUM(CASE WHEN NOT excused AND due THEN 1 ELSE 0 END) AS due,
  SUM(CASE WHEN NOT excused AND (submitted_at IS NOT NULL OR due) THEN 1 ELSE 0 END) AS expected,
  SUM(CASE WHEN NOT excused AND submitted_at IS NOT NULL THEN 1 ELSE 0 END) AS received,
  SUM(CASE WHEN NOT excused AND submitted_at IS NOT NULL AND timeliness = 'on_time' THEN 1 ELSE 0 END) AS on_time,
  SUM(CASE WHEN NOT excused AND submitted_at IS NOT NULL AND complete THEN 1 ELSE 0 END) AS complete,
  SUM(CASE WHEN NOT excused AND submitted_at IS NOT NULL AND review = 'accepted' THEN 1 ELSE 0 END) AS accepted,
  SUM(CASE WHEN NOT excused AND submitted_at IS NOT NULL AND review IN ('returned', 'resubmitted') THEN 1 ELSE 0 END) AS returned,
  MAX(CASE WHEN due THEN 1 ELSE 0 END) AS any_due,
  SUM(centres_active) AS centres_active,
  SUM(centres_expected) AS centres_expected
FROM {reports}
WHERE kind = 'quarter'
GROUP BY fiscal_year, province_code, quarter
ORDER BY fiscal_year, province_code, quarter
"""

MISSING_SQL = """
SELECT fiscal_year, province_code, province, district_code, district, quarter, deadline
FROM {reports}
WHERE kind = 'quarter' AND timeliness = 'missing'
ORDER BY fiscal_year, province_code, quarter, district
"""

ACTIVITIES_SQL = """
SELECT fiscal_year, province_code, category, mission,
  COUNT(*) AS activities, SUM(COALESCE(participants, 0)) AS participants
FROM {activities}
GROUP BY fiscal_year, province_code, category, mission
ORDER BY fiscal_year, province_code, category, mission
"""

CENTRES_SQL = """
SELECT fiscal_year, province_code, COUNT(DISTINCT CONCAT(district, '|', tambon, '|', name)) AS centres
FROM {centres}
GROUP BY fiscal_year, province_code
ORDER BY fiscal_year, province_code
"""

QUERIES = {"rates": RATES_SQL, "missing": MISSING_SQL, "activities": ACTIVITIES_SQL, "centres": CENTRES_SQL}


class Engine(Protocol):
    name: str

    def query(self, which: str) -> list[dict[str, Any]]: ...


class DuckDBEngine:
    """DuckDB in-process over the cached Parquet files (no server, nothing persisted)."""

    name = "duckdb"

    def __init__(self, files: Mapping[str, Sequence[Path]]) -> None:
        import duckdb

        self.con = duckdb.connect(":memory:", config={"threads": 2})
        self.sources: dict[str, str] = {}
        from gsync.national import TABLES
        from gsync.national.parquet import schema

        for table in TABLES:
            paths = [str(p) for p in files.get(table, ())]
            if paths:  # the path names the partition: its values must not replace the columns
                rel = self.con.read_parquet(paths, union_by_name=True, hive_partitioning=False)
            else:  # an empty table of the right columns
                import pyarrow as pa

                rel = self.con.from_arrow(pa.Table.from_pylist([], schema=schema(table)))
            rel.create_view(table)
            self.sources[table] = table

    def query(self, which: str) -> list[dict[str, Any]]:
        cur = self.con.execute(QUERIES[which].format(**self.sources))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def close(self) -> None:
        self.con.close()

