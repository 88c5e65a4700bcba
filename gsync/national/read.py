"""The national side's intake: every publication into a local cache, the last good copy kept.

A publication file is taken into the cache (`[national] cache`) only when it reads as a gsync
publication of a known schema version, of the table and the province its path names, under
the province's own name. Anything else is one line for the operator and the province keeps its
previous figures (the cached copy): a half-copied file, another schema version, a province code
claimed under another province's name. A file that did not change since the last national run
(same size and modification time in a folder, same md5 through Drive) is not read again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gsync.national import SCHEMA_VERSION, TABLES
from gsync.national.codes import Codes

MANIFEST = "manifest.json"
_PART = re.compile(r"^fiscal_year=(\d{4})/province_code=(\d{2})/(\w+)\.parquet$")


@dataclass(frozen=True)
class Listed:
    """One publication file where the provinces publish: its partition path and a change stamp."""

    rel: str  # fiscal_year=2568/province_code=52/reports.parquet
    stamp: str  # changes whenever the file's bytes may have changed


class Source(Protocol):
    name: str

    def list(self) -> list[Listed]: ...

    def fetch(self, item: Listed) -> bytes: ...


class FolderSource:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = str(root)
        self.downloads = 0

    def list(self) -> list[Listed]:
        out = []
        for p in sorted(self.root.glob("fiscal_year=*/province_code=*/*.parquet")):
            if p.name.startswith("."):
                continue  # a province's temporary file, mid-write
            st = p.stat()
            out.append(Listed(p.relative_to(self.root).as_posix(), f"{st.st_size}:{st.st_mtime_ns}"))
        return out

    def fetch(self, item: Listed) -> bytes:
        self.downloads += 1
        return (self.root / item.rel).read_bytes()


@dataclass
class Publication:
    fiscal_year: int
    code: str
    province: str
    files: dict[str, Path] = field(default_factory=dict)  # table -> cached copy
    as_of: dt.datetime | None = None  # the newest table's as_of
    timezone: str = "Asia/Bangkok"


@dataclass
class Intake:
    publications: list[Publication]
    problems: list[dict[str, str]]  # {"province_code", "file", "reason"}: one line each for the operator
    changed: bool  # something new was taken in since the last national run
    files: dict[str, Any] = field(default_factory=dict)  # the cache's manifest: rel -> stamp, province, as_of


def _load_manifest(cache: Path) -> dict[str, Any]:
    try:
        data = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def intake(source: Source, cache: Path, codes: Codes) -> Intake:
    """List once; fetch only what changed; cache what reads well; report the rest."""
    manifest = _load_manifest(cache)
    files: dict[str, Any] = manifest.get("files", {})
    problems: list[dict[str, str]] = []
    changed = False
    listed = source.list()
    for item in listed:
        m = _PART.match(item.rel)
        if m is None or m.group(3) not in TABLES:
            continue
        known = files.get(item.rel)
        if known is not None and known.get("stamp") == item.stamp:
            continue
        refused = _take(source, item, cache, codes, files, m)
        if refused:
            problems.append({"province_code": m.group(2), "file": f"{source.name}/{item.rel}", "reason": refused})
        else:
            changed = True
    problems += _claims(listed, files, source.name)
    if changed:
        _atomic_write(cache / MANIFEST, json.dumps({"files": files}, ensure_ascii=False, indent=1).encode())
    return Intake(_publications(files, cache), problems, changed, files)


def _take(source: Source, item: Listed, cache: Path, codes: Codes, files: dict[str, Any],
          m: re.Match[str]) -> str | None:
    """Check one changed file and cache it; the reason it was refused, or None."""
    from gsync.national.parquet import read_meta

    fy, code, table = int(m.group(1)), m.group(2), m.group(3)
    data = source.fetch(item)
    try:
        import pyarrow as pa

        meta = read_meta(pa.BufferReader(data))
    except Exception as e:  # noqa: BLE001 - pyarrow says "Parquet magic bytes not found" and the like
        return f"not a whole Parquet file ({type(e).__name__}: {e}); half-copied? kept the previous figures"
    who = meta.get("province", "?")
    version = int(meta.get("schema_version", "0") or 0)
    if version != SCHEMA_VERSION:
        newer = version > SCHEMA_VERSION
        fix = ("upgrade gsync on the national machine (pip install -U gsync)" if newer
               else f"upgrade gsync in {who} and let it sync once")
        return f"{who} published schema version {version}, this gsync reads {SCHEMA_VERSION}: {fix}"
    if meta.get("table") != table or meta.get("province_code") != code or meta.get("fiscal_year") != str(fy):
        return (f"the file says {meta.get('table')} of {who} ({meta.get('province_code')}) for "
                f"{meta.get('fiscal_year')}, not what its path says; kept the previous figures")
    official = codes.provinces.get(code)
    if official is not None and who != official:
        return (f"{who} publishes under province code {code}, which is {official}'s: fix [national] province_code "
                f"in {who}'s config; kept {official}'s previous figures")
    dest = cache / item.rel
    _atomic_write(dest, data)
    files[item.rel] = {"stamp": item.stamp, "province": who, "as_of": meta.get("as_of", ""),
                       "timezone": meta.get("timezone", "Asia/Bangkok")}
    return None


def _claims(listed: list[Listed], files: dict[str, Any], where: str) -> list[dict[str, str]]:
    """Two files at the same path (Drive allows it): the code is claimed twice."""
    seen: dict[str, int] = {}
    for item in listed:
        seen[item.rel] = seen.get(item.rel, 0) + 1
    out = []
    for rel, n in sorted(seen.items()):
        if n > 1:
            m = _PART.match(rel)
            out.append({"province_code": m.group(2) if m else "", "file": f"{where}/{rel}",
                        "reason": f"{n} publications claim this province code and table; only the newest was read: "
                                  "one of them has the wrong [national] province_code"})
    return out


def _publications(files: dict[str, Any], cache: Path) -> list[Publication]:
    pubs: dict[tuple[int, str], Publication] = {}
    for rel, info in sorted(files.items()):
        m = _PART.match(rel)
        if m is None or not (cache / rel).is_file():
            continue
        key = (int(m.group(1)), m.group(2))
        pub = pubs.setdefault(key, Publication(key[0], key[1], info.get("province", ""),
                                               timezone=info.get("timezone", "Asia/Bangkok")))
        pub.files[m.group(3)] = cache / rel
        try:
            t = dt.datetime.fromisoformat(info.get("as_of", ""))
        except ValueError:
            continue
        if pub.as_of is None or t > pub.as_of:
            pub.as_of = t
    return [p for _, p in sorted(pubs.items()) if "reports" in p.files]
