"""Library exceptions → reasons. Most paths are exercised for real in the other tests (refused, reset,
timeouts, protocol errors, TLS, blocked); here the ones that cannot be provoked on loopback without a
network: DNS failures and the odd wrappings."""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.client_reqrep import ConnectionKey

from monitor.fetch.errors import classify
from monitor.fetch.guard import BlockedAddressError
from monitor.model import FailureReason
from tests.fetch.conftest import FetcherFn

KEY = ConnectionKey("www.example.gov.cn", 443, True, True, None, None, None)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (
            aiohttp.ClientConnectorDNSError(KEY, socket.gaierror(-2, "Name or service not known")),
            FailureReason.DNS,
        ),
        (socket.gaierror(-3, "Temporary failure in name resolution"), FailureReason.DNS),
        (
            aiohttp.ClientConnectorDNSError(
                KEY, BlockedAddressError("a.gov.cn", "10.0.0.1", "a private address")
            ),
            FailureReason.BLOCKED_ADDRESS,
        ),
        (
            aiohttp.ClientConnectorError(KEY, ConnectionRefusedError(111, "Connection refused")),
            FailureReason.CONNECTION_REFUSED,
        ),
        (
            aiohttp.ClientConnectorError(KEY, ConnectionResetError(104, "reset")),
            FailureReason.CONNECTION_RESET,
        ),
        (aiohttp.ClientConnectorError(KEY, OSError(113, "No route to host")), FailureReason.OTHER),
        (aiohttp.ConnectionTimeoutError("connect"), FailureReason.CONNECT_TIMEOUT),
        (aiohttp.SocketTimeoutError("read"), FailureReason.TIMEOUT),
        (TimeoutError(), FailureReason.TIMEOUT),
        (aiohttp.ServerDisconnectedError(), FailureReason.CONNECTION_RESET),
        (aiohttp.ClientPayloadError("Response payload is not completed"), FailureReason.PROTOCOL_ERROR),
        (aiohttp.InvalidURL("http://[::1"), FailureReason.INVALID_URL),
        (ssl.SSLError(1, "wrong version number"), FailureReason.TLS),
        (ValueError("something odd"), FailureReason.OTHER),
    ],
)
def test_classify(exc: BaseException, reason: FailureReason) -> None:
    got, detail = classify(exc)
    assert got is reason
    assert detail


def test_blocked_detail_names_the_address() -> None:
    exc = aiohttp.ClientConnectorDNSError(
        KEY, BlockedAddressError("a.gov.cn", "10.0.0.1", "a private address")
    )
    assert classify(exc) == (
        FailureReason.BLOCKED_ADDRESS,
        "a.gov.cn resolves to 10.0.0.1, a private address: blocked",
    )


@pytest.fixture
def self_signed(tmp_path: Path) -> ssl.SSLContext:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=www.example.gov.cn",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def test_untrusted_certificate_is_a_tls_failure(
    self_signed: ssl.SSLContext, make_fetcher: FetcherFn
) -> None:
    async def home(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", home)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self_signed)
    await site.start()
    try:
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        fetcher = await make_fetcher(resolve={"www.example.gov.cn": "127.0.0.1"}, retries=0)

        crawled = await fetcher.get(f"https://www.example.gov.cn:{port}/")
        probed = await fetcher.probe(f"https://www.example.gov.cn:{port}/", timeout_s=2.0)
    finally:
        with contextlib.suppress(Exception):
            await runner.cleanup()

    assert crawled.failure is FailureReason.TLS, crawled.detail
    assert probed.failure is FailureReason.TLS, probed.detail
    assert "certificate" in probed.detail.lower()
