"""The reminders' outbox: every message recorded before it is sent, marked after (SQLite, stdlib).

A message's life, each step committed at once (its own connection, autocommit):

    pending --claim--> sending --delivered--> sent
                          |--rejected------> failed      (recorded; the others go on)
                          |--temporary-----> pending     (next run; failed after max_attempts)
    pending/sending --no longer planned----> obsolete    (the district reported meanwhile)

A run killed between "claim" and "delivered" leaves the message in `sending`: the next run
sends it again with the same LINE retry key (LINE answers 409, nothing is delivered twice)
or the same email Message-ID. A message is never sent once `sent`, `failed` or `obsolete`.

The outbox is its own file beside the sync's state (default `reminders.sqlite`): the sync's
state can be rebuilt from the sources (`gsync sync --full` deletes it), the record of what was
already sent cannot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gsync.remind.plan import Message

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY,
  district TEXT NOT NULL, item TEXT NOT NULL, item_label TEXT NOT NULL, deadline TEXT NOT NULL,
  day INTEGER NOT NULL, kind TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
  subject TEXT NOT NULL, body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'obsolete')),
  attempts INTEGER NOT NULL DEFAULT 0,
  planned_at TEXT NOT NULL, attempted_at TEXT, done_at TEXT, error TEXT,
  tabbed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_open ON outbox (status);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
OPEN = ("pending", "sending")
# LINE retry keys are UUIDs: version 5 of the message key in gsync's own namespace.
RETRY_NAMESPACE = uuid.UUID("9b7e3f3c-5d1e-4c35-9a51-0c3c1b2f6a10")


def retry_key(key: str) -> str:
    """The X-Line-Retry-Key of a message: the same UUID for every attempt of the same key."""
    return str(uuid.uuid5(RETRY_NAMESPACE, key))


def message_id(key: str, domain: str) -> str:
    """The email Message-ID of a message: the same for every attempt of the same key, so a
    resend after a crash in the middle of the SMTP exchange is recognisably the same mail."""
    return f"<gsync.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain or 'gsync.invalid'}>"


def row_id(key: str) -> str:
    """The history tab's key for a message (the message key holds the recipient: not shown)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Entry:
    key: str
    district: str
    item: str
    item_label: str
    deadline: dt.date
    day: int
    kind: str
    channel: str
    recipient: str
    subject: str
    body: str
    status: str
    attempts: int
    planned_at: dt.datetime
    attempted_at: dt.datetime | None
    done_at: dt.datetime | None
    error: str | None


_COLUMNS = ("key, district, item, item_label, deadline, day, kind, channel, recipient, subject, body, status, "
            "attempts, planned_at, attempted_at, done_at, error")


def _entry(r: tuple) -> Entry:  # type: ignore[type-arg]
    def t(x: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(x) if x else None

    planned = t(r[13])
    assert planned is not None
    return Entry(r[0], r[1], r[2], r[3], dt.date.fromisoformat(r[4]), r[5], r[6], r[7], r[8], r[9], r[10], r[11],
                 r[12], planned, t(r[14]), t(r[15]), r[16])


class Outbox:
    def __init__(self, path: Path | None, *, readonly: bool = False) -> None:
        """`path=None`: in memory. `readonly`: a dry run (a missing file reads as empty)."""
        self.path = path
        if path is None or (readonly and not path.exists()):
            self._db = sqlite3.connect(":memory:", isolation_level=None)
        elif readonly:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            return
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():  # holds recipients' addresses: owner only
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA synchronous = FULL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    # --- reads ----------------------------------------------------------------------------

    def get(self, key: str) -> Entry | None:
        try:
            r = self._db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE key = ?", (key,)).fetchone()  # noqa: S608
        except sqlite3.OperationalError:  # a read-only view of an outbox never written
            return None
        return _entry(r) if r else None

    def entries(self, statuses: Sequence[str] | None = None) -> list[Entry]:
        sql = f"SELECT {_COLUMNS} FROM outbox"  # noqa: S608
        args: tuple[str, ...] = ()
        if statuses:
            sql += f" WHERE status IN ({', '.join('?' * len(statuses))})"
            args = tuple(statuses)
        try:
            rows = self._db.execute(sql + " ORDER BY planned_at, key", args).fetchall()
        except sqlite3.OperationalError:
            return []
        return [_entry(r) for r in rows]

    def receipts_since(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the first run with `receipts = true` was: what arrived before it is not receipted.
        `now`: record it as `now` if no run did yet (a read-only outbox only reads)."""
        try:
            row = self._db.execute("SELECT value FROM meta WHERE name = 'receipts_since'").fetchone()
        except sqlite3.OperationalError:  # a read-only view of an outbox never written
            row = None
        if row is None and now is not None:
            with self._tx():
                self._db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('receipts_since', ?)", (_iso(now),))
            row = self._db.execute("SELECT value FROM meta WHERE name = 'receipts_since'").fetchone()
        return dt.datetime.fromisoformat(row[0]) if row else None

    def untabbed(self) -> list[Entry]:
        """Finished messages the master's history tab does not show yet."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE tabbed = 0 AND "  # noqa: S608
            "(status IN ('sent', 'failed') OR (status = 'obsolete' AND attempts > 0)) ORDER BY done_at, key"
        ).fetchall()
        return [_entry(r) for r in rows]

    # --- writes (each committed at once) -----------------------------------------------

    def record(self, messages: Iterable[Message], now: dt.datetime) -> int:
        """Record what is due: new keys as pending; a pending message never tried yet takes the
        latest text (its problems may have changed). Returns how many keys are new."""
        new = 0
        with self._tx():
            for m in messages:
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO outbox (key, district, item, item_label, deadline, day, kind, channel, "
                    "recipient, subject, body, status, planned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
                    (m.key, m.district, m.item, m.item_label, m.deadline.isoformat(), m.day, m.kind, m.channel,
                     m.recipient, m.subject, m.body, _iso(now)),
                )
                if cur.rowcount:
                    new += 1
                else:
                    self._db.execute(
                        "UPDATE outbox SET kind = ?, subject = ?, body = ? WHERE key = ? AND status = 'pending' AND attempts = 0",
                        (m.kind, m.subject, m.body, m.key),
                    )
        return new

    def obsolete(self, planned_keys: set[str], now: dt.datetime) -> list[Entry]:
        """Open messages no longer planned (reported meanwhile, superseded by a later day)."""
        gone = [e for e in self.entries(OPEN) if e.key not in planned_keys]
        with self._tx():
            for e in gone:
                self._db.execute("UPDATE outbox SET status = 'obsolete', done_at = ? WHERE key = ? AND status IN ('pending', 'sending')",
                                 (_iso(now), e.key))
        return gone

    def claim(self, key: str, now: dt.datetime) -> Entry | None:
        """Take an open message for sending (attempt recorded first). None: not open any more."""
        with self._tx():
            cur = self._db.execute(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, attempted_at = ? "
                "WHERE key = ? AND status IN ('pending', 'sending')", (_iso(now), key))
            if not cur.rowcount:
                return None
        return self.get(key)

    def sent(self, key: str, now: dt.datetime, note: str | None = None) -> None:
        with self._tx():
            self._db.execute("UPDATE outbox SET status = 'sent', done_at = ?, error = ? WHERE key = ?",
                             (_iso(now), note, key))

    def failed(self, key: str, now: dt.datetime, error: str) -> None:
        with self._tx():
            self._db.execute("UPDATE outbox SET status = 'failed', done_at = ?, error = ? WHERE key = ?",
                             (_iso(now), error, key))

    def retry_later(self, key: str, now: dt.datetime, error: str, max_attempts: int) -> bool:
        """A temporary failure: back to pending, or failed after `max_attempts`. True if failed."""
        e = self.get(key)
        if e is not None and e.attempts >= max_attempts:
            self.failed(key, now, f"{error} (tried {e.attempts} times)")
            return True
        with self._tx():
            self._db.execute("UPDATE outbox SET status = 'pending', error = ? WHERE key = ?", (error, key))
        return False

    def release(self, key: str, error: str) -> None:
        """Not tried after all (the channel refused the credentials): the attempt does not count."""
        with self._tx():
            self._db.execute("UPDATE outbox SET status = 'pending', attempts = max(attempts - 1, 0), error = ? "
                             "WHERE key = ?", (error, key))

    def mark_tabbed(self, keys: Iterable[str]) -> None:
        with self._tx():
            self._db.executemany("UPDATE outbox SET tabbed = 1 WHERE key = ?", [(k,) for k in keys])

    def _tx(self) -> _Tx:
        return _Tx(self._db)


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT: one writer at a time, durable when it returns."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, t: object, e: object, tb: object) -> None:
        self.db.execute("COMMIT" if t is None else "ROLLBACK")


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds")
