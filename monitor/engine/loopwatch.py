"""Event-loop lag, measured all the time, so an availability probe can tell whether our own loop stalled.

A probe's latency is measured on the event loop: if CPU-heavy parsing (or anything else) blocks the loop
for 2 s while a probe is in flight, the site is charged 2 s it did not take. ``LoopWatch`` sleeps
``interval_s`` over and over and records how late each wake-up came; ``max_lag_since(t0)`` gives the
worst lag that overlapped ``[t0, now]`` — including a stall still in progress, which matters because
the probe's own completion may run before the watch's late wake-up.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time

from monitor.metrics import Metrics

MIN_LAG_S = 0.005
"""Lags below this are timer noise and are not kept (keeps the sample buffer small)."""


class LoopWatch:
    def __init__(
        self, interval_s: float = 0.1, metrics: Metrics | None = None, keep_s: float = 900.0
    ) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be positive")
        self.interval_s = interval_s
        self.keep_s = keep_s
        self._metrics = metrics
        self._samples: collections.deque[tuple[float, float]] = collections.deque()  # (woke at, lag_s)
        self._expected_wake: float | None = None
        self._task: asyncio.Task[None] | None = None
        self.last_lag_s = 0.0

    @property
    def measuring(self) -> bool:
        """A measurement is under way: the watch sleeps and will record how late it wakes."""
        return self._expected_wake is not None

    async def start(self) -> None:
        """Start measuring in a task this object owns (``stop`` ends it)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._measure(), name="loopwatch")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._expected_wake = None

    async def run(self, stop: asyncio.Event) -> None:
        """Measure until ``stop`` is set (the TaskGroup form of start/stop)."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    def max_lag_since(self, t0: float) -> float:
        """The worst loop lag (s) seen since ``t0`` (``time.monotonic()``), a stall in progress included."""
        worst = 0.0
        for woke_at, lag_s in reversed(self._samples):
            if woke_at < t0:
                break
            worst = max(worst, lag_s)
        if self._expected_wake is not None:
            worst = max(worst, time.monotonic() - self._expected_wake)
        return worst

    async def _measure(self) -> None:
        while True:
            self._expected_wake = time.monotonic() + self.interval_s
            await asyncio.sleep(self.interval_s)
            woke_at = time.monotonic()
            lag_s = max(0.0, woke_at - self._expected_wake)
            self._expected_wake = None
            self.last_lag_s = lag_s
            if self._metrics is not None:
                self._metrics.loop_lag_seconds.set(lag_s)
            if lag_s >= MIN_LAG_S:
                self._samples.append((woke_at, lag_s))
            while self._samples and self._samples[0][0] < woke_at - self.keep_s:
                self._samples.popleft()
