"""Small real HTTP servers on loopback for the fetcher's tests, and fetchers that talk to them.

``serve({"/path": handler}, host=...)`` starts an aiohttp server on a free port of a loopback address
and returns a ``Served`` with its base URL, hits per path and the peak of concurrent requests, as the
server saw them. Everything started here is stopped at the end of the test.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import pytest
from aiohttp import web

from monitor.fetch import Fetcher
from monitor.metrics import Metrics
from monitor.settings import FetchSettings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Fast, generous defaults so that tests wait only for what they test.
TEST_SETTINGS: dict[str, Any] = {
    "connect_timeout_s": 2.0,
    "read_timeout_s": 2.0,
    "total_timeout_s": 3.0,
    "retries": 1,
    "per_host_rate": {"requests": 1000, "period_s": 1.0},
}


@dataclasses.dataclass
class Served:
    base: str
    host: str
    port: int
    hits: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    peers: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    in_flight: int = 0
    peak_in_flight: int = 0

    def url(self, path: str) -> str:
        return self.base + path


ServeFn = Callable[..., Awaitable[Served]]
FetcherFn = Callable[..., Awaitable[Fetcher]]


@pytest.fixture
async def serve() -> AsyncIterator[ServeFn]:
    runners: list[web.AppRunner] = []

    async def start(routes: Mapping[str, Handler], *, host: str = "127.0.0.1") -> Served:
        served = Served(base="", host=host, port=0)

        @web.middleware
        async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
            served.hits[request.path] += 1
            peer = request.transport.get_extra_info("peername") if request.transport else None
            if peer:
                served.peers.append((peer[0], peer[1]))
            served.in_flight += 1
            served.peak_in_flight = max(served.peak_in_flight, served.in_flight)
            try:
                return await handler(request)
            finally:
                served.in_flight -= 1

        app = web.Application(middlewares=[count])
        for path, handler in routes.items():
            app.router.add_route("*", path, handler)
        runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, host, 0)
        await site.start()
        server = site._server
        assert server is not None
        served.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        bracketed = f"[{host}]" if ":" in host else host
        served.base = f"http://{bracketed}:{served.port}"
        return served

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def make_fetcher() -> AsyncIterator[FetcherFn]:
    """``await make_fetcher(allow_private=True, resolve=…, metrics=…, **fetch_settings)``."""
    fetchers: list[Fetcher] = []

    async def make(
        *,
        allow_private: bool = True,
        resolve: Mapping[str, str] | None = None,
        metrics: Metrics | None = None,
        allow_networks: tuple[str, ...] = (),
        **overrides: Any,
    ) -> Fetcher:
        settings = FetchSettings.model_validate({**TEST_SETTINGS, **overrides})
        fetcher = Fetcher(
            settings,
            allow_private=allow_private,
            resolve=resolve,
            metrics=metrics,
            allow_networks=allow_networks,
        )
        fetchers.append(await fetcher.start())
        return fetcher

    yield make
    for fetcher in fetchers:
        await fetcher.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


@dataclasses.dataclass
class RawServed:
    base: str
    connections: int = 0


@pytest.fixture
async def raw_serve() -> AsyncIterator[Callable[[RawHandler], Awaitable[RawServed]]]:
    """A bare TCP server for misbehaviour aiohttp's server would not produce: ``handler(reader, writer,
    n)`` gets the n-th connection (from 0) and owns it."""
    servers: list[asyncio.Server] = []

    async def start(handler: RawHandler) -> RawServed:
        served = RawServed(base="")

        async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            index = served.connections
            served.connections += 1
            try:
                await handler(reader, writer, index)
            finally:
                writer.close()

        server = await asyncio.start_server(on_connection, "127.0.0.1", 0)
        servers.append(server)
        served.base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        return served

    yield start
    for server in servers:
        server.close()
        await server.wait_closed()


async def read_request_head(reader: asyncio.StreamReader) -> bytes:
    """Read one request's head (up to the blank line) from a raw connection."""
    return await reader.readuntil(b"\r\n\r\n")
