"""Fixtures for the simulator's own tests: a demo SimWeb at a fixed "now" and a client that resolves
its host names the way govmon does with ``resolve`` (like curl --resolve)."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import AsyncIterator, Mapping
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from monitor.sim import SimWeb

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Friday
BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
GOVMON_UA = "govmon/0.1 (+https://github.com/govmon/govmon)"


class MapResolver(AbstractResolver):
    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.mapping = dict(mapping)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.mapping:
            raise OSError(f"no address for {host}")
        return [
            {
                "hostname": host,
                "host": self.mapping[host],
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
        ]

    async def close(self) -> None:
        return None


def session_for(sim: SimWeb, keepalive: bool = False, **kwargs: object) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(resolver=MapResolver(sim.resolve), force_close=not keepalive)
    timeout = aiohttp.ClientTimeout(total=10)
    return aiohttp.ClientSession(connector=connector, timeout=timeout, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def sim() -> AsyncIterator[SimWeb]:
    async with SimWeb(seed=1, now=NOW, sites="demo", slow_latency_s=0.6) as web:
        yield web


@pytest.fixture
async def client(sim: SimWeb) -> AsyncIterator[aiohttp.ClientSession]:
    async with session_for(sim, headers={"User-Agent": BROWSER_UA}) as session:
        yield session
