"""The national figures from the published rows: counted exactly as judging.rates counts them.

The SQL is the same for both engines (DuckDB in-process, BigQuery): plain SUM(CASE ...) rather
than FILTER or COUNTIF, so one text serves both. Rates are divided here, in Python, from the
engine's integer counts: the same double as the province's own `received / expected`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

_RECEIVED = "(NOT excused AND submitted_at IS NOT NULL)"

RATES_SQL = f"""
SELECT fiscal_year, province_code, quarter,
  COUNT(*) AS districts,
  SUM(CASE WHEN NOT excused AND due THEN 1 ELSE 0 END) AS due,
  SUM(CASE WHEN NOT excused AND (submitted_at IS NOT NULL OR due) THEN 1 ELSE 0 END) AS expected,
  SUM(CASE WHEN {_RECEIVED} THEN 1 ELSE 0 END) AS received,
  SUM(CASE WHEN {_RECEIVED} AND timeliness = 'on_time' THEN 1 ELSE 0 END) AS on_time,
  SUM(CASE WHEN {_RECEIVED} AND complete THEN 1 ELSE 0 END) AS complete,
  SUM(CASE WHEN {_RECEIVED} AND review = 'accepted' THEN 1 ELSE 0 END) AS accepted,
  SUM(CASE WHEN {_RECEIVED} AND review IN ('returned', 'resubmitted') THEN 1 ELSE 0 END) AS returned,
  MAX(CASE WHEN due THEN 1 ELSE 0 END) AS any_due,
  SUM(centres_active) AS centres_active,
  SUM(centres_expected) AS centres_expected
FROM {{reports}}
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

    def __init__(self, files: dict[str, Sequence[Path]]) -> None:
        import duckdb

        self.con = duckdb.connect(":memory:", config={"threads": 2})
        self.sources: dict[str, str] = {}
        from gsync.national import TABLES
        from gsync.national.parquet import schema

        for table in TABLES:
            paths = [str(p) for p in files.get(table, ())]
            if paths:
                self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet($files, union_by_name = true, hive_partitioning = false)"
                                 .replace("$files", "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
                                          + "]"))
            else:  # an empty table of the right columns
                cols = ", ".join(f"CAST(NULL AS {_duck_type(f.type)}) AS {f.name}" for f in schema(table))
                self.con.execute(f"CREATE VIEW {table} AS SELECT {cols} WHERE false")
            self.sources[table] = table

    def query(self, which: str) -> list[dict[str, Any]]:
        cur = self.con.execute(QUERIES[which].format(**self.sources))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def close(self) -> None:
        self.con.close()


def _duck_type(t: Any) -> str:
    s = str(t)
    return {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN",
            "date32[day]": "DATE"}.get(s, "TIMESTAMPTZ")
