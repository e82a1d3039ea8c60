"""A far-away web for the link-checker benchmark: every answer delayed (without holding the server back), a
per-host cap on answers at once that any client meets, and what each host served (``serve --write-stats``)."""

from __future__ import annotations

import asyncio
import time

import pytest

from monitor.sim import SimWeb
from monitor.sim.__main__ import served
from tests.sim.conftest import BROWSER_UA, NOW, session_for

LATENCY_S = 0.5


async def _get_all(sim: SimWeb, urls: list[str]) -> float:
    """Seconds to get all ``urls`` at once (one connection each)."""
    async with session_for(sim, headers={"User-Agent": BROWSER_UA}) as client:

        async def get(url: str) -> int:
            async with client.get(url) as response:
                await response.read()
                return response.status

        started = time.monotonic()
        statuses = await asyncio.gather(*(get(url) for url in urls))
        elapsed_s = time.monotonic() - started
    assert set(statuses) == {200}
    return elapsed_s


async def test_every_answer_is_delayed_and_eight_at_once_wait_together_not_in_turn() -> None:
    async with SimWeb(seed=1, now=NOW, sites=2, accounts=0, latency_s=LATENCY_S) as sim:
        home = sim.sites[0].url
        assert await _get_all(sim, [home]) >= LATENCY_S
        elapsed_s = await _get_all(sim, [home] * 8)
        assert LATENCY_S <= elapsed_s < 8 * LATENCY_S * 0.75  # in turn would be 8 × the latency
        counts = served(sim)
        host = sim.sites[0].host
        assert counts[host]["requests"] == 9 and counts[host]["max_in_flight"] == 8
        assert sim.sites[1].host not in counts  # only hosts that were asked


async def test_a_host_answers_at_most_host_concurrency_at_once_the_rest_wait() -> None:
    async with SimWeb(seed=1, now=NOW, sites=2, accounts=0, latency_s=LATENCY_S, host_concurrency=2) as sim:
        home, other = sim.sites[0].url, sim.sites[1].url
        assert await _get_all(sim, [home] * 6) >= 3 * LATENCY_S  # three rounds of two
        assert await _get_all(sim, [home, home, other, other]) < 2 * LATENCY_S  # each host its own two


def test_negative_latency_and_zero_workers_are_refused() -> None:
    with pytest.raises(ValueError, match="latency_s"):
        SimWeb(seed=1, now=NOW, sites=1, latency_s=-0.1)
    with pytest.raises(ValueError, match="host_concurrency"):
        SimWeb(seed=1, now=NOW, sites=1, host_concurrency=0)
