"""The Fetcher against real HTTP servers on loopback: redirects, errors, timeouts, retries, metrics."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from monitor.metrics import Metrics
from monitor.model import FailureReason
from tests.fetch.conftest import FetcherFn, RawServed, ServeFn, read_request_head

HTML = "text/html"


def page(text: str, status: int = 200, content_type: str = "text/html; charset=utf-8"):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=text.encode("utf-8"), status=status, headers={"Content-Type": content_type})

    return handler


def redirect(location: str, status: int = 302):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, headers={"Location": location})

    return handler


def slow(delay_s: float, text: str = "<p>ok</p>"):
    """Answers after ``delay_s`` (the server's latency, not a test waiting for a result)."""

    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(delay_s)
        return web.Response(text=text, content_type=HTML)

    return handler


async def wait_until(condition, timeout_s: float = 2.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


# ------------------------------------------------------------------------------------------ redirects
async def test_redirect_chain_is_followed_and_listed(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/a": redirect("/b", 301), "/b": redirect("/c#frag", 307), "/c": page("<p>终点</p>")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/a"))

    assert result.ok, result.detail
    assert result.url == site.url("/a")
    assert result.final_url == site.url("/c")
    assert result.redirects == (site.url("/b"), site.url("/c"))
    assert result.text == "<p>终点</p>"


async def test_redirect_loop_is_detected(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/x": redirect("/y"), "/y": redirect("/x")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/x"))

    assert result.failure is FailureReason.REDIRECT_LOOP
    assert site.hits == {"/x": 1, "/y": 1}


async def test_redirect_limit(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    async def onwards(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        return web.Response(status=302, headers={"Location": f"/r/{n + 1}"})

    site = await serve({"/r/{n}": onwards})
    fetcher = await make_fetcher(max_redirects=3)

    result = await fetcher.get(site.url("/r/0"))

    assert result.failure is FailureReason.TOO_MANY_REDIRECTS
    assert result.redirects == tuple(site.url(f"/r/{n}") for n in (1, 2, 3))
    assert sum(site.hits.values()) == 4  # the original and three redirects, not a fifth request


async def test_cookie_challenge_redirecting_to_itself_is_not_a_loop(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    """Anti-bot gateways on government sites set a cookie and redirect to the same URL."""

    async def gate(request: web.Request) -> web.Response:
        if request.cookies.get("passed") == "1":
            return web.Response(text="<p>首页</p>", content_type=HTML)
        response = web.Response(status=302, headers={"Location": "/gate"})
        response.set_cookie("passed", "1")
        return response

    site = await serve({"/gate": gate})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/gate"))

    assert result.ok, result.detail
    assert result.text == "<p>首页</p>"
    assert site.hits["/gate"] == 2


async def test_redirect_to_unsupported_scheme_is_invalid(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/a": redirect("ftp://files.example.gov.cn/x")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/a"))

    assert result.failure is FailureReason.INVALID_URL
    assert result.status == 302


# ------------------------------------------------------------------------------------------ errors
async def test_404_is_an_http_error_with_status_and_page(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/gone": page("<h1>页面不存在</h1>", status=404)})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/gone"))

    assert result.failure is FailureReason.HTTP_ERROR
    assert result.status == 404
    assert not result.ok
    assert "页面不存在" in result.text  # error pages are kept: soft-404 and platform checks read them
    assert site.hits["/gone"] == 1  # not transient: no retry


async def test_connection_refused(make_fetcher: FetcherFn, closed_port: int) -> None:
    fetcher = await make_fetcher()

    result = await fetcher.get(f"http://127.0.0.1:{closed_port}/")

    assert result.failure is FailureReason.CONNECTION_REFUSED
    assert result.status is None
    assert str(closed_port) in result.detail


async def test_invalid_urls_are_refused_without_a_request(make_fetcher: FetcherFn) -> None:
    fetcher = await make_fetcher()
    for url in (
        "",
        "www.gov.cn/index.html",
        "ftp://ftp.example.gov.cn/a",
        "javascript:void(0)",
        "http://",
        "mailto:a@b",
    ):
        result = await fetcher.get(url)
        assert result.failure is FailureReason.INVALID_URL, url
        assert result.elapsed_s == 0.0


async def test_malformed_status_line_is_a_protocol_error(raw_serve, make_fetcher: FetcherFn) -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request_head(reader)
        writer.write(b"HTTP/1.1 OK-ish\r\nnonsense\r\n\r\n")
        await writer.drain()

    server: RawServed = await raw_serve(garbage)
    fetcher = await make_fetcher()

    result = await fetcher.probe(server.base + "/", timeout_s=2.0)

    assert result.failure is FailureReason.PROTOCOL_ERROR


async def test_truncated_body_is_a_protocol_error(raw_serve, make_fetcher: FetcherFn) -> None:
    async def short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await read_request_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html>only this"
        )
        await writer.drain()

    server: RawServed = await raw_serve(short)
    fetcher = await make_fetcher()

    result = await fetcher.probe(server.base + "/", timeout_s=2.0)

    assert result.failure is FailureReason.PROTOCOL_ERROR
    assert result.status == 200
    assert result.body == b""


# ------------------------------------------------------------------------------------------ retries
async def drop_first_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
    await read_request_head(reader)
    if n == 0:
        return  # closed without a response: a dropped connection
    body = b"<p>ok</p>"
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    await writer.drain()


async def test_crawl_retries_a_one_time_connection_drop(raw_serve, make_fetcher: FetcherFn) -> None:
    server: RawServed = await raw_serve(drop_first_connection)
    fetcher = await make_fetcher(retries=1)

    result = await fetcher.get(server.base + "/")

    assert result.ok, result.detail
    assert result.text == "<p>ok</p>"
    assert server.connections == 2


async def test_crawl_without_retries_reports_the_drop(raw_serve, make_fetcher: FetcherFn) -> None:
    """The retry above is ours (tenacity), not aiohttp's silent resend: with retries=0 the drop shows."""
    server: RawServed = await raw_serve(drop_first_connection)
    fetcher = await make_fetcher(retries=0)

    result = await fetcher.get(server.base + "/")

    assert result.failure is FailureReason.CONNECTION_RESET
    assert server.connections == 1


async def test_probe_never_retries(raw_serve, make_fetcher: FetcherFn) -> None:
    server: RawServed = await raw_serve(drop_first_connection)
    fetcher = await make_fetcher(retries=3)

    result = await fetcher.probe(server.base + "/", timeout_s=2.0)

    assert result.failure is FailureReason.CONNECTION_RESET
    assert server.connections == 1


# ------------------------------------------------------------------------------------------ timeouts
async def test_probe_timeout_boundary(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    """A scaled-down 15 s rule: a site answering in 0.6 s fails a 0.2 s probe (at the limit, not when the
    site answers) and passes a 1.5 s one (timed as the site's 0.6 s)."""
    site = await serve({"/": slow(0.6)})
    fetcher = await make_fetcher()

    too_slow = await fetcher.probe(site.url("/"), timeout_s=0.2)
    in_time = await fetcher.probe(site.url("/"), timeout_s=1.5)

    assert too_slow.failure is FailureReason.TIMEOUT
    assert 0.2 <= too_slow.elapsed_s < 0.6
    assert in_time.ok, in_time.detail
    assert 0.6 <= in_time.elapsed_s < 1.5


async def test_trickling_body_fails_the_probe_although_headers_came_fast(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": HTML})
        await response.prepare(request)  # status and headers go out at once
        for _ in range(10):
            await response.write(b"<p>...</p>")
            await asyncio.sleep(0.1)
        await response.write_eof()
        return response

    site = await serve({"/": trickle})
    fetcher = await make_fetcher()

    failed = await fetcher.probe(site.url("/"), timeout_s=0.2)
    passed = await fetcher.probe(site.url("/"), timeout_s=2.0)

    assert failed.failure is FailureReason.TIMEOUT
    assert failed.status == 200
    assert "reading the body" in failed.detail
    assert failed.elapsed_s < 0.9  # stopped at the limit, not when the 1 s trickle ended
    assert passed.ok and passed.body == b"<p>...</p>" * 10


async def test_crawl_read_timeout(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/": slow(1.0)})
    fetcher = await make_fetcher(read_timeout_s=0.2, retries=0)

    result = await fetcher.get(site.url("/"))

    assert result.failure is FailureReason.TIMEOUT
    assert result.elapsed_s < 0.8


async def test_caller_timeout_overrides_total(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/": slow(1.0)})
    fetcher = await make_fetcher(retries=0)

    result = await fetcher.get(site.url("/"), timeout_s=0.15)

    assert result.failure is FailureReason.TIMEOUT
    assert "0.15 s" in result.detail


async def test_probe_time_excludes_waiting_for_the_politeness_slot(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    """Waiting in our own per-host queue never counts against the site."""
    site = await serve({"/slow": slow(0.8), "/fast": page("<p>ok</p>")})
    fetcher = await make_fetcher(per_host_concurrency=1)

    busy = asyncio.create_task(fetcher.get(site.url("/slow")))
    try:
        await wait_until(lambda: site.in_flight == 1)
        started = time.monotonic()
        result = await fetcher.probe(site.url("/fast"), timeout_s=0.5)
        waited_s = time.monotonic() - started
    finally:
        assert (await busy).ok

    assert result.ok, result.detail  # within 0.5 s although it waited longer for its slot …
    assert waited_s >= 0.6  # … behind /slow …
    assert result.elapsed_s < 0.5  # … and only its own request was timed


async def test_probe_uses_a_fresh_connection_each_time(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/": page("<p>ok</p>")})
    fetcher = await make_fetcher()

    for _ in range(2):
        assert (await fetcher.get(site.url("/"))).ok
    crawl_ports = {port for _, port in site.peers}
    site.peers.clear()
    for _ in range(2):
        assert (await fetcher.probe(site.url("/"), timeout_s=1.0)).ok
    probe_ports = {port for _, port in site.peers}

    assert len(crawl_ports) == 1  # crawling keeps the connection alive
    assert len(probe_ports) == 2  # each probe connects anew, as a browser's first visit does


# ------------------------------------------------------------------------------------------ request
async def test_sends_honest_user_agent_and_gzip_deflate(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    seen: dict[str, str] = {}

    async def echo(request: web.Request) -> web.Response:
        seen.update(request.headers)
        return web.Response(text="ok", content_type="text/plain")

    site = await serve({"/": echo})
    fetcher = await make_fetcher(user_agent="govmon-test/1 (+https://example.org/govmon)")

    assert (await fetcher.get(site.url("/"))).ok
    assert seen["User-Agent"] == "govmon-test/1 (+https://example.org/govmon)"
    assert seen["Accept-Encoding"] == "gzip, deflate"


async def test_head_returns_status_without_body(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/": page("<p>body</p>")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/"), method="HEAD")

    assert result.ok and result.status == 200
    assert result.body == b""
    assert result.headers["content-type"].startswith("text/html")


async def test_metrics_by_purpose_and_reason(
    serve: ServeFn, make_fetcher: FetcherFn, metrics: Metrics
) -> None:
    site = await serve({"/ok": page("ok"), "/missing": page("no", status=404)})
    fetcher = await make_fetcher(metrics=metrics)

    await fetcher.get(site.url("/ok"), purpose="links")
    await fetcher.get(site.url("/missing"), purpose="links")
    await fetcher.probe(site.url("/ok"), timeout_s=1.0)

    def sample(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(name, labels)

    assert sample("govmon_fetches_total", purpose="links", reason="ok") == 1
    assert sample("govmon_fetches_total", purpose="links", reason="http_error") == 1
    assert sample("govmon_fetches_total", purpose="probe", reason="ok") == 1
    assert sample("govmon_fetch_duration_seconds_count", purpose="links", result="failed") == 1
    assert sample("govmon_fetch_duration_seconds_count", purpose="probe", result="ok") == 1


async def test_using_a_closed_fetcher_is_a_bug_not_a_result(make_fetcher: FetcherFn) -> None:
    fetcher = await make_fetcher()
    await fetcher.close()
    try:
        await fetcher.get("http://127.0.0.1:1/")
    except RuntimeError as exc:
        assert "start()" in str(exc)
    else:
        raise AssertionError("a closed fetcher must not pretend to fetch")
