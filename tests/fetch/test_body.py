"""Bodies over real HTTP: size caps, a streamed gzip bomb, and charsets as servers send them."""

from __future__ import annotations

import gzip
import os
import tracemalloc
import zlib

from aiohttp import web

from monitor.model import FailureReason
from tests.fetch.conftest import FetcherFn, ServeFn

MIB = 1024 * 1024
NEWS = (
    "湖南省人民政府门户网站 工作动态 省政府召开常务会议研究部署经济工作 "
    "通知公告 关于做好政府网站检查工作的通知"
)


def raw(body: bytes, content_type: str = "text/html", **headers: str):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(body=body, headers={"Content-Type": content_type, **headers})

    return handler


def chunked(body: bytes, chunk_bytes: int = 16 * 1024, **headers: str):
    """The body without a Content-Length, in chunks."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html", **headers})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), chunk_bytes):
            await response.write(body[start : start + chunk_bytes])
        await response.write_eof()
        return response

    return handler


# ------------------------------------------------------------------------------------------ caps
async def test_declared_length_over_cap_fails(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/": raw(b"x" * 200_000)})
    fetcher = await make_fetcher(max_body_bytes=64 * 1024)

    result = await fetcher.get(site.url("/"))

    assert result.failure is FailureReason.BODY_TOO_LARGE
    assert result.status == 200
    assert result.body == b""


async def test_chunked_body_over_cap_fails_while_streaming(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/": chunked(b"x" * 200_000)})
    fetcher = await make_fetcher(max_body_bytes=64 * 1024)

    result = await fetcher.get(site.url("/"))

    assert result.failure is FailureReason.BODY_TOO_LARGE


async def test_caller_cap_overrides_settings(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    site = await serve({"/": chunked(b"x" * 20_000)})
    fetcher = await make_fetcher()

    assert (await fetcher.get(site.url("/"))).ok
    assert (await fetcher.get(site.url("/"), max_body_bytes=4096)).failure is FailureReason.BODY_TOO_LARGE


async def test_gzip_page_within_caps_is_decompressed(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    html = f"<html><body>{NEWS * 50}</body></html>"
    site = await serve(
        {
            "/": raw(
                gzip.compress(html.encode("utf-8")),
                "text/html; charset=utf-8",
                **{"Content-Encoding": "gzip"},
            )
        }
    )
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/"))

    assert result.ok, result.detail
    assert result.text == html


async def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    """200 MiB of zeros as ~200 KB of gzip, streamed: the fetcher must stop near its 1 MiB cap."""
    total_mib = 200

    async def bomb(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
        zeros = bytes(MIB)
        try:
            for _ in range(total_mib):
                await response.write(compressor.compress(zeros))
            await response.write(compressor.flush())
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: that is the point
        return response

    site = await serve({"/": bomb})
    fetcher = await make_fetcher(max_body_bytes=4 * MIB, max_decompressed_bytes=1 * MIB)

    tracemalloc.start()
    try:
        result = await fetcher.get(site.url("/"))
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result.failure is FailureReason.DECOMPRESSION_BOMB, result.detail
    assert result.body == b""
    assert peak_bytes < 16 * MIB  # nowhere near the 200 MiB the bomb inflates to
    assert "inflated past 1048576 bytes" in result.detail


async def test_large_compressed_page_of_ordinary_ratio_is_merely_large(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    incompressible = os.urandom(3 * MIB)
    site = await serve(
        {"/": raw(gzip.compress(incompressible, 1), "text/html", **{"Content-Encoding": "gzip"})}
    )
    fetcher = await make_fetcher(max_body_bytes=4 * MIB, max_decompressed_bytes=1 * MIB)

    result = await fetcher.get(site.url("/"))

    assert result.failure is FailureReason.BODY_TOO_LARGE


# ------------------------------------------------------------------------------------------ charsets
async def test_header_charset_wins(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    html = f'<meta charset="gbk"><p>{NEWS}</p>'
    site = await serve({"/": raw(html.encode("utf-8"), "text/html; charset=utf-8")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/"))

    assert (result.encoding, result.text) == ("utf-8", html)
    assert result.content_type == "text/html"


async def test_gbk_declared_only_in_meta(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><p>{NEWS}</p>'
    )
    site = await serve({"/": raw(html.encode("gbk"), "text/html")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/"))

    assert (result.encoding, result.text) == ("gbk", html)


async def test_gb2312_page_with_characters_outside_gb2312(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    html = f"<p>朱镕基 张喆 {NEWS}</p>"
    site = await serve({"/": raw(html.encode("gb18030"), "text/html; charset=GB2312")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/"))

    assert (result.encoding, result.text) == ("gb2312", html)


async def test_undeclared_gbk_is_detected(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    html = f"<html><body><ul><li>{NEWS}</li><li>{NEWS}</li></ul></body></html>"
    site = await serve({"/": raw(html.encode("gbk"), "text/html")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/"))

    assert result.text == html
    assert result.encoding is not None


async def test_binary_bodies_are_not_decoded(serve: ServeFn, make_fetcher: FetcherFn) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    site = await serve({"/logo.png": raw(png, "image/png")})
    fetcher = await make_fetcher()

    result = await fetcher.get(site.url("/logo.png"))

    assert result.ok
    assert result.body == png
    assert (result.encoding, result.text) == (None, "")
