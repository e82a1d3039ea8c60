"""Engine test helpers: polling with a deadline (never a sleep to wait for a result), a role's /healthz,
observations."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

import aiohttp

from monitor.metrics import Metrics
from monitor.model import Job, Observation, Outcome


async def eventually(
    predicate: Callable[[], Awaitable[bool] | bool], *, timeout_s: float = 5.0, what: str = "condition"
) -> float:
    """Poll ``predicate`` until it holds; returns the seconds it took, fails the test at the deadline."""
    started = time.monotonic()
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return time.monotonic() - started
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"{what} did not hold within {timeout_s} s")
        await asyncio.sleep(0.01)


async def healthz(port: int) -> int | None:
    """The HTTP status of a govmon process' /healthz on loopback; None while nothing answers there."""
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as resp,
        ):
            return resp.status
    except (aiohttp.ClientError, TimeoutError):
        return None


def observed(job: Job, at: float, *, by: str = "test", outcome: Outcome = Outcome.OK) -> Observation:
    return Observation(job.check, job.target_id, job.job_id, at, outcome, None, {"by": by})


def sample(metrics: Metrics, name: str, **labels: str) -> float:
    """A metric's current value (0 when it has no sample yet)."""
    return metrics.registry.get_sample_value(name, labels) or 0.0
