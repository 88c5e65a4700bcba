"""What gsync has seen, at which version, and what it parsed out of it (SQLite, stdlib).

Changes are staged during a run and committed only after the master was written, so a crash
at any point leaves the state of the last good run. A corrupt database is moved aside and
rebuilt from the sources (the master stays the source of staff input, so nothing is lost).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
from pathlib import Path

from gsync.models import ParsedFile

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
  id TEXT PRIMARY KEY, version TEXT NOT NULL, name TEXT NOT NULL,
  first_received TEXT NOT NULL, parse_key TEXT
);
CREATE TABLE IF NOT EXISTS parsed (parse_key TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_PROBES = (
    "SELECT id, version, name, first_received, parse_key FROM files LIMIT 1",
    "SELECT parse_key, json FROM parsed LIMIT 1",
    "SELECT key, value FROM kv LIMIT 1",
)


def _create_private(path: Path) -> None:
    """A new state file is readable by its owner only: it holds what districts sent (names, phones)."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _text(s: str) -> str:
    """SQLite text is UTF-8: a file name with bytes that are not (a zip made on Thai Windows, cp874,
    unpacked here) reaches Python with lone surrogates. Keep it, escaped, rather than fail the run."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "backslashreplace").decode("utf-8")


def peek(path: Path, key: str) -> object:
    """One key's JSON value from a state file, read-only and without opening it as a `State`
    (no lock, no migration): None when the file, the key or a readable value is not there."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        finally:
            db.close()
        return json.loads(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        return None


class State:
    def __init__(self, path: Path | None) -> None:
        """`path=None` keeps everything in memory (dry runs, tests)."""
        self.path = path
        self._db = self._open()
        self._staged_files: dict[str, tuple[str, str, str, str | None]] = {}
        self._staged_parsed: dict[str, str] = {}
        self._staged_kv: dict[str, str] = {}
        self.generation = 0  # bumped by commit() and discard(): what one run may cache ends there

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            db = sqlite3.connect(":memory:")
            db.executescript(SCHEMA)
            return db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        opened: sqlite3.Connection | None = None
        try:
            _create_private(self.path)
            opened = sqlite3.connect(self.path)
            if opened.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            opened.executescript(SCHEMA)
            for probe in _PROBES:  # a sound SQLite file that is not gsync's state (another version, another tool)
                opened.execute(probe).fetchall()
            return opened
        except sqlite3.DatabaseError as e:
            if opened is not None:
                opened.close()
            aside = self.path.with_suffix(f".corrupt-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}")
            log.warning("state database %s is corrupt (%s); moved to %s and rebuilding from the sources", self.path, e, aside)
            self.path.replace(aside)
            _create_private(self.path)
            db = sqlite3.connect(self.path)
            db.executescript(SCHEMA)
            return db

    # --- reads (see staged values first) ---

    def file_version(self, file_id: str) -> tuple[str, str | None] | None:
        file_id = _text(file_id)
        if file_id in self._staged_files:
            v = self._staged_files[file_id]
            return v[0], v[3]
        row = self._db.execute("SELECT version, parse_key FROM files WHERE id = ?", (file_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def first_received(self, file_id: str) -> dt.datetime | None:
        file_id = _text(file_id)
        row = self._db.execute("SELECT first_received FROM files WHERE id = ?", (file_id,)).fetchone()
        return dt.datetime.fromisoformat(row[0]) if row else None

    def parsed(self, parse_key: str) -> ParsedFile | None:
        text = self._staged_parsed.get(parse_key)
        if text is None:
            row = self._db.execute("SELECT json FROM parsed WHERE parse_key = ?", (parse_key,)).fetchone()
            text = row[0] if row else None
        if not text:
            return None
        try:
            return ParsedFile.model_validate_json(text)
        except ValueError:  # written by another gsync version: parse the file again, never fail the run
            log.info("cached parse %s no longer fits this version of gsync; the file is parsed again", parse_key[:12])
            return None

    def get(self, key: str) -> str | None:
        if key in self._staged_kv:
            return self._staged_kv[key]
        row = self._db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def get_json(self, key: str) -> object:
        text = self.get(key)
        return json.loads(text) if text else None

    # --- staged writes ---

    def stage_file(self, file_id: str, version: str, name: str, received: dt.datetime, parse_key: str | None) -> None:
        first = self.first_received(file_id)
        keep = min(first, received) if first else received
        self._staged_files[_text(file_id)] = (_text(version), _text(name), keep.isoformat(), parse_key)

    def stage_parsed(self, parse_key: str, parsed: ParsedFile) -> None:
        self._staged_parsed[parse_key] = parsed.model_dump_json()

    def stage(self, key: str, value: str) -> None:
        self._staged_kv[key] = value

    def stage_json(self, key: str, value: object) -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a name with lone surrogates (see _text): \u-escape, which reads back exactly
            text = json.dumps(value, ensure_ascii=True, sort_keys=True)
        self.stage(key, text)

    def commit(self) -> None:
        """Make this run's staged changes durable. Call only after the master was written."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO files (id, version, name, first_received, parse_key) VALUES (?, ?, ?, ?, ?)",
                [(k, *v) for k, v in self._staged_files.items()],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO parsed (parse_key, json) VALUES (?, ?)", self._staged_parsed.items()
            )
            self._db.executemany("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", self._staged_kv.items())
        self._staged_files.clear()
        self._staged_parsed.clear()
        self._staged_kv.clear()
        self.generation += 1

    def discard(self) -> None:
        self._staged_files.clear()
        self._staged_parsed.clear()
        self._staged_kv.clear()
        self.generation += 1

    def close(self) -> None:
        self._db.close()
