"""The national roll-up (contract section 10): provinces publish, the department rolls up.

- `codes`: DOPA province and district codes (bundled from GeoThai, CC-BY-4.0);
- `tables`: a province's judged outcome as the normalized rows it publishes (pure);
- `publish`: the province side, called after a sync that wrote (Parquet into a folder or Drive);
- `read`: the national side's intake (a folder or a Drive folder, into a local cache);
- `compute`: the contract's JSON, in DuckDB in-process (or BigQuery);
- `summary`: the national summary workbook, in Thai;
- `run`: `gsync national`.
"""

SCHEMA_VERSION = 1  # in every published file's metadata (and a column): bump when a column changes
TABLES = ("reports", "activities", "centres")
