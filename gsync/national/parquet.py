"""Rows <-> Parquet bytes (pyarrow), with the schema version and the province in the file's metadata."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from gsync.national.tables import COLUMNS, Rows

META_PREFIX = "gsync."


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
            "date": pa.date32(), "timestamp": pa.timestamp("us", tz="UTC")}[kind]


def schema(table: str, meta: dict[str, str] | None = None) -> Any:
    import pyarrow as pa

    fields = [pa.field(name, _arrow_type(kind)) for name, kind in COLUMNS[table].items()]
    metadata = {f"{META_PREFIX}{k}".encode(): v.encode() for k, v in (meta or {}).items()}
    return pa.schema(fields, metadata=metadata or None)


def encode(table: str, rows: Rows, as_of: dt.datetime, meta: dict[str, str]) -> bytes:
    """One table as Parquet bytes: every row gets `as_of`; `meta` goes into the key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = COLUMNS[table]
    utc = as_of.astimezone(dt.UTC)
    data = {name: [utc if name == "as_of" else r.get(name) for r in rows] for name in cols}
    t = pa.Table.from_pydict(data, schema=schema(table, meta))
    buf = io.BytesIO()
    pq.write_table(t, buf, compression="snappy")
    return buf.getvalue()


def read_meta(path_or_buf: Any) -> dict[str, str]:
    """The gsync keys of a Parquet file's metadata; raises (pyarrow's errors) when it is not one."""
    import pyarrow.parquet as pq

    md = pq.read_metadata(path_or_buf).metadata or {}
    return {k.decode()[len(META_PREFIX):]: v.decode() for k, v in md.items() if k.decode().startswith(META_PREFIX)}
