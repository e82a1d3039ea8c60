"""The worker's periodic ``malloc_trim``: it trims on its period, stops with the worker, and does nothing
where the C library is not glibc."""

from __future__ import annotations

import asyncio
import platform

import pytest

from monitor.engine import memory
from monitor.engine.memory import glibc_trim, trim_periodically


async def test_trims_every_period_until_stopped() -> None:
    stop = asyncio.Event()
    trims: list[int] = []

    def trim() -> None:
        trims.append(1)
        if len(trims) == 3:
            stop.set()

    async with asyncio.timeout(5):
        await trim_periodically(stop, every_s=0.01, trim=trim)
    assert len(trims) == 3


async def test_without_glibc_it_returns_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory.platform, "libc_ver", lambda: ("", ""))
    assert glibc_trim() is None
    async with asyncio.timeout(5):
        await trim_periodically(asyncio.Event(), every_s=3600)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_trim_runs() -> None:
    trim = glibc_trim()
    assert trim is not None
    assert trim() in (0, 1)
