"""The hostile catalogue: one path per way a server can hurt a crawler (DESIGN.md, after Scrapy's test server).

Every handler is async and yields to the loop between writes, so a never-ending or huge response
never stalls the other hosts. Paths (on the hostile host):

``/hostile/delay?s=N``      answers after N seconds
``/hostile/endless``        200, chunked, a few bytes every 50 ms, forever
``/hostile/drop``           chunked body cut off by an abort mid-body
``/hostile/partial``        Content-Length 100000, 2000 bytes sent, then the connection closes
``/hostile/bad-chunked``    a chunk size that is not hex
``/hostile/wrong-type``     binary bytes declared ``text/html``
``/hostile/huge?mb=N``      N MiB (default 50) of HTML, streamed (``&chunked=1``: without Content-Length)
``/hostile/gzip-bomb?mb=N`` Content-Encoding gzip, ~1 KB per MiB, N MiB inflated (default 4096 = 4 GiB)
``/hostile/xml-bomb``       an RSS feed with nested entity expansion ("billion laughs")
``/hostile/redirect-loop``  302 → ``/hostile/redirect-loop-b`` → 302 back
``/hostile/redirects?n=N``  N redirects, then a page
``/hostile/redirect-private`` / ``/hostile/redirect-metadata``  302 to 10.0.0.1 / 169.254.169.254
``/hostile/gbk-meta``       GBK bytes, charset only in ``<meta http-equiv>``, none in the header
``/hostile/soft404``        200 with 页面不存在
``/hostile/bot`` / ``/hostile/bot-429``  403 / 429 to crawler User-Agents, 200 to browsers
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from monitor.sim.gzipbomb import MIB, compressed_size, gzip_bomb
from monitor.sim.reply import simple_page

BOT_MARKERS = ("govmon", "python", "aiohttp", "lychee", "linkchecker", "scrapy")
"""User-Agent fragments that bot-blocking hosts refuse (case-insensitive)."""

PATHS = (
    "/hostile/delay", "/hostile/endless", "/hostile/drop", "/hostile/partial", "/hostile/bad-chunked",
    "/hostile/wrong-type", "/hostile/huge", "/hostile/gzip-bomb", "/hostile/xml-bomb", "/hostile/redirect-loop",
    "/hostile/redirects", "/hostile/redirect-private", "/hostile/redirect-metadata", "/hostile/gbk-meta",
    "/hostile/soft404", "/hostile/bot", "/hostile/bot-429",
)  # fmt: skip
PRIVATE_TARGETS = {
    "/hostile/redirect-private": "http://10.0.0.1/",
    "/hostile/redirect-metadata": "http://169.254.169.254/latest/meta-data/",
}
MAX_DELAY_S = 3600.0
_FILLER = ("<p>" + "政务公开 " * 100 + "</p>\n").encode("utf-8")
_HUGE_BLOCK = (_FILLER * (64 * 1024 // len(_FILLER) + 1))[: 64 * 1024]
XML_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">\n' for n in range(1, 10))
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>bomb</title>'
    "<pubDate>Fri, 27 Nov 2026 08:00:00 +0800</pubDate></item></channel></rss>\n"
)
GBK_PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    '<title>通知公告</title></head><body><ul><li><a href="/a.html">关于做好安全生产工作的通知</a>'
    "<span>2026-11-04</span></li></ul><p>网站标识码：4300000001</p></body></html>"
).encode("gbk")


def is_bot(user_agent: str) -> bool:
    ua = user_agent.lower()
    return any(marker in ua for marker in BOT_MARKERS)


Handler = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


class Hostile:
    """The catalogue's handlers; ``dispatch`` picks one by path, ``None`` when the path is not hostile."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {
            "/hostile/delay": self.delay,
            "/hostile/endless": self.endless,
            "/hostile/drop": self.drop,
            "/hostile/partial": self.partial,
            "/hostile/bad-chunked": self.bad_chunked,
            "/hostile/wrong-type": self.wrong_type,
            "/hostile/huge": self.huge,
            "/hostile/gzip-bomb": self.gzip,
            "/hostile/xml-bomb": self.xml_bomb,
            "/hostile/redirect-loop": self.redirect_loop,
            "/hostile/redirect-loop-b": self.redirect_loop,
            "/hostile/redirects": self.redirects,
            "/hostile/redirect-private": self.redirect_private,
            "/hostile/redirect-metadata": self.redirect_private,
            "/hostile/gbk-meta": self.gbk_meta,
            "/hostile/soft404": self.soft404,
            "/hostile/bot": self.bot,
            "/hostile/bot-429": self.bot,
            "/hostile/": self.index,
            "/": self.index,
        }

    def dispatch(self, path: str) -> Handler | None:
        return self.handlers.get(path)

    async def index(self, request: web.BaseRequest) -> web.StreamResponse:
        links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in PATHS)
        return web.Response(
            text=simple_page("hostile catalogue", f"<ul>{links}</ul>"), content_type="text/html"
        )

    async def delay(self, request: web.BaseRequest) -> web.StreamResponse:
        seconds = min(_number(request, "s", 1.0), MAX_DELAY_S)
        await asyncio.sleep(seconds)
        return web.Response(text=simple_page("delayed", f"<p>{seconds} s</p>"), content_type="text/html")

    async def endless(self, request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"<html><body>")
        try:
            while True:
                await response.write(b"<p>loading</p>\n")
                await asyncio.sleep(0.05)
        except ConnectionError:
            return response  # the client gave up: the only way this ends, besides shutdown

    async def drop(self, request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(b"<html><body>" + _FILLER * 4)
        await asyncio.sleep(0.01)
        _abort(request)
        return response

    async def partial(self, request: web.BaseRequest) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Length": "100000"}
        )
        await response.prepare(request)
        await response.write((b"<html><body>" + _FILLER * 3)[:2000])
        await asyncio.sleep(0.01)
        if request.transport is not None:
            request.transport.close()
        return response

    async def bad_chunked(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
                b"Connection: close\r\n\r\n10\r\n<html><body>ok..\r\nzz\r\nnot a chunk size\r\n"
            )
            request.transport.close()
        return web.Response()

    async def wrong_type(self, request: web.BaseRequest) -> web.StreamResponse:
        body = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    async def huge(self, request: web.BaseRequest) -> web.StreamResponse:
        total = int(_number(request, "mb", 50) * MIB)
        headers = {"Content-Type": "text/html; charset=utf-8"}
        response = web.StreamResponse(headers=headers)
        if request.query.get("chunked") == "1":
            response.enable_chunked_encoding()
        else:
            response.content_length = total
        await response.prepare(request)
        sent = 0
        while sent < total:
            block = _HUGE_BLOCK[: total - sent]
            await response.write(block)
            sent += len(block)
        await response.write_eof()
        return response

    async def gzip(self, request: web.BaseRequest) -> web.StreamResponse:
        mebibytes = int(_number(request, "mb", 4096))
        response = web.StreamResponse(
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
        )
        response.content_length = compressed_size(mebibytes)
        await response.prepare(request)
        pending = bytearray()
        for piece in gzip_bomb(mebibytes):
            pending += piece
            if len(pending) >= 64 * 1024:
                await response.write(bytes(pending))
                pending.clear()
        await response.write(bytes(pending))
        await response.write_eof()
        return response

    async def xml_bomb(self, request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(text=XML_BOMB, content_type="application/rss+xml")

    async def redirect_loop(self, request: web.BaseRequest) -> web.StreamResponse:
        target = (
            "/hostile/redirect-loop-b"
            if request.path == "/hostile/redirect-loop"
            else "/hostile/redirect-loop"
        )
        raise web.HTTPFound(target)

    async def redirects(self, request: web.BaseRequest) -> web.StreamResponse:
        left = int(_number(request, "n", 3))
        if left <= 0:
            return web.Response(text=simple_page("arrived", ""), content_type="text/html")
        raise web.HTTPFound(f"/hostile/redirects?n={left - 1}")

    async def redirect_private(self, request: web.BaseRequest) -> web.StreamResponse:
        raise web.HTTPFound(PRIVATE_TARGETS[request.path])

    async def gbk_meta(self, request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(body=GBK_PAGE, headers={"Content-Type": "text/html"})

    async def soft404(self, request: web.BaseRequest) -> web.StreamResponse:
        return web.Response(
            text=simple_page("页面不存在", "<p>抱歉，您访问的页面不存在或已被删除。</p>"),
            content_type="text/html",
        )

    async def bot(self, request: web.BaseRequest) -> web.StreamResponse:
        if is_bot(request.headers.get("User-Agent", "")):
            if request.path.endswith("429"):
                return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "3600"})
            return web.Response(status=403, text=simple_page("403 Forbidden", ""), content_type="text/html")
        return web.Response(text=simple_page("欢迎访问", "<p>内容</p>"), content_type="text/html")


def _number(request: web.BaseRequest, name: str, default: float) -> float:
    try:
        return max(0.0, float(request.query.get(name, default)))
    except ValueError:
        return default


def _abort(request: web.BaseRequest) -> None:
    """Cut the connection with nothing more sent (what a crashed upstream or a middlebox does)."""
    if request.transport is not None:
        request.transport.abort()
