"""A discrete-event virtual clock, so 80 ms per request and minutes of 429 backoff cost nothing real.

Each sync runs in a worker thread with its own virtual time. Only the worker with the smallest
virtual time runs; every other worker is parked. A worker's time moves forward by

* the simulated latency of each request (the fake's `_wait`, see `bench.harness.BenchFake`),
* every retry sleep (`RetryPolicy(sleep=clock.sleep)`),
* the real CPU time the worker spent in gsync's own code (thread CPU time, minus the time spent
  inside the fake, which stands in for Google's servers and is not our cost).

With one worker this is simply "latency + backoff + gsync CPU". With 77 workers it is 77 syncs
started at the same instant against one quota clock (`now()` is the running worker's time, and
requests reach the fake in non-decreasing virtual time), which is what a cron job firing every
province at 08:00 looks like to Google.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Worker:
    name: str
    t: float = 0.0  # virtual seconds
    cpu_mark: float = 0.0  # thread_time() at the last checkpoint
    fake_cpu: float = 0.0  # CPU spent inside the fake since the last checkpoint
    fake_enter: float | None = None  # thread_time() when the current fake call (segment) began
    gsync_cpu: float = 0.0  # total CPU charged to gsync
    fake_cpu_total: float = 0.0
    latency: float = 0.0  # total simulated latency
    slept: float = 0.0  # total retry sleep
    event: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    done_at: float | None = None
    helper_until: float = 0.0  # when the requests of its helper threads (parallel downloads) end

    def checkpoint(self) -> float:
        """Charge the gsync CPU used since the last checkpoint; returns it."""
        if self.helper_until > self.t:  # it waited for its download threads
            self.t = self.helper_until
        now = time.thread_time()
        fake = self.fake_cpu
        if self.fake_enter is not None:  # inside a fake call: the part so far is the fake's
            fake += now - self.fake_enter
            self.fake_enter = now
        used = max(0.0, now - self.cpu_mark - fake)
        self.fake_cpu_total += fake
        self.fake_cpu = 0.0
        self.cpu_mark = now
        self.gsync_cpu += used
        self.t += used
        return used


class VirtualClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._heap: list[tuple[float, int, Worker]] = []
        self._seq = itertools.count()
        self._local = threading.local()
        self.running: Worker | None = None
        self._lanes: dict[int, tuple[Worker, float]] = {}  # helper thread -> (its worker, its lane's end)

    def __deepcopy__(self, memo: dict[int, Any]) -> VirtualClock:
        return self  # one clock (google-auth deep-copies transports that hold RetryPolicy(sleep=...))

    # --- what the fake and the retry policy call ---

    def worker(self) -> Worker | None:
        return getattr(self._local, "worker", None)

    def now(self) -> float:
        w = self.worker()
        if w is None:
            return self.running.t if self.running else 0.0
        w.checkpoint()
        return w.t

    def latency(self, seconds: float) -> None:
        w = self.worker()
        if w is not None:
            w.latency += seconds
        elif self._helper(seconds, "latency"):
            return
        self._advance(seconds)

    def sleep(self, seconds: float) -> None:
        w = self.worker()
        if w is not None:
            w.slept += seconds
        elif self._helper(seconds, "slept"):
            return
        self._advance(seconds)

    def _helper(self, seconds: float, what: str) -> bool:
        """A thread the running sync started (gsync's parallel downloads): its requests run in a
        lane of their own, from the sync's time on; the sync, waiting for them, resumes at the
        end of the longest lane. Several lanes at once is what parallel downloads buy."""
        with self._lock:
            owner = self.running
            if owner is None:
                return False
            me = threading.get_ident()
            lane = self._lanes.get(me)
            start = owner.t if lane is None or lane[0] is not owner else max(lane[1], owner.t)
            end = start + seconds
            self._lanes[me] = (owner, end)
            owner.helper_until = max(owner.helper_until, end)
            setattr(owner, what, getattr(owner, what) + seconds)
        return True

    def _advance(self, seconds: float) -> None:
        w = self.worker()
        if w is None:  # outside a worker (setup code): time does not matter
            return
        w.checkpoint()
        w.t += seconds
        with self._lock:
            heapq.heappush(self._heap, (w.t, next(self._seq), w))
            nxt = heapq.heappop(self._heap)[2]
            if nxt is w:
                return
            w.event.clear()
            self.running = nxt
            nxt.event.set()
        w.event.wait()
        # resumed: real time spent parked is not ours
        w.cpu_mark = time.thread_time()
        if w.fake_enter is not None:
            w.fake_enter = w.cpu_mark

    # --- fake bookkeeping ---

    def enter_fake(self) -> None:
        w = self.worker()
        if w is not None:
            w.fake_enter = time.thread_time()

    def leave_fake(self) -> None:
        w = self.worker()
        if w is not None and w.fake_enter is not None:
            w.fake_cpu += time.thread_time() - w.fake_enter
            w.fake_enter = None

    # --- running jobs ---

    def run(self, jobs: list[tuple[str, Callable[[], Any]]], start_at: float = 0.0) -> list[Worker]:
        """Run every job in its own thread, all starting at virtual time `start_at`; returns the
        workers (result or error, finish time) in job order."""
        workers = [Worker(name, t=start_at) for name, _ in jobs]
        finished = threading.Event()
        remaining = [len(jobs)]

        def body(w: Worker, fn: Callable[[], Any]) -> None:
            w.event.wait()
            self._local.worker = w
            w.cpu_mark = time.thread_time()
            try:
                w.result = fn()
            except BaseException as e:  # noqa: BLE001 - reported by the caller
                w.error = e
            w.checkpoint()
            w.done_at = w.t
            self._local.worker = None
            with self._lock:
                remaining[0] -= 1
                if self._heap:
                    nxt = heapq.heappop(self._heap)[2]
                    self.running = nxt
                    nxt.event.set()
                else:
                    self.running = None
                if remaining[0] == 0:
                    finished.set()

        threads = [threading.Thread(target=body, args=(w, fn), name=f"vt-{w.name}", daemon=True)
                   for w, (_, fn) in zip(workers, jobs, strict=True)]
        for th in threads:
            th.start()
        if not workers:
            return workers
        with self._lock:
            for w in workers:
                heapq.heappush(self._heap, (w.t, next(self._seq), w))
            first = heapq.heappop(self._heap)[2]
            self.running = first
            first.event.set()
        finished.wait()
        for th in threads:
            th.join()
        return workers
