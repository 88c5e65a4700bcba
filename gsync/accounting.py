"""Counts what a run cost: requests per API method, bytes downloaded, retries.

Adapters call `request`, `download` and `retry`; the run logs the totals and appends them to
the sync-log tab. Plain counters: no I/O.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Accounting:
    requests: Counter[str] = field(default_factory=Counter)
    bytes_downloaded: int = 0
    downloads: int = 0
    retries: int = 0

    def request(self, method_id: str) -> None:
        self.requests[method_id] += 1

    def download(self, nbytes: int) -> None:
        self.downloads += 1
        self.bytes_downloaded += nbytes

    def retry(self) -> None:
        self.retries += 1

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def by_api(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for method, n in self.requests.items():
            out[method.split(".", 1)[0]] += n
        return dict(sorted(out.items()))

    def summary(self) -> str:
        if not self.requests:
            return "ไม่มี (ออฟไลน์)"
        return ", ".join(f"{m} {n}" for m, n in sorted(self.requests.items()))
