"""The walk reads a page as soon as its body is in, without waiting for the verdicts of the links found beside
it: a slow link on the homepage does not hold back the pages below (at 100 ms a request, waiting level by level
left the hosts' slots idle half the time on the simulated cluster; docs/benchmarks.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import structlog
from aiohttp import web

from monitor.checks.base import CheckContext
from monitor.checks.links.check import CHECK
from monitor.clock import SystemClock
from monitor.fetch import Fetcher
from monitor.model import Outcome, Site
from monitor.settings import Settings

PAGES = {
    "": '<title>某县人民政府</title><a href="/slow.html">慢页面</a> <a href="/a.html">工作动态</a>',
    "a.html": '<title>工作动态</title><a href="/b.html">下一页</a>',
    "b.html": '<title>文章</title><a href="/gone.html">原文链接</a>',
}
SLOW_CAP_S = 10.0


@pytest.fixture
async def site() -> AsyncIterator[tuple[str, list[str]]]:
    """A site whose /slow.html answers only once /gone.html (two pages down) was asked for, or after
    ``SLOW_CAP_S``; yields its URL and the order in which the server answered."""
    gone_asked = asyncio.Event()
    answered: list[str] = []

    async def page(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name == "slow.html":
            try:
                await asyncio.wait_for(gone_asked.wait(), SLOW_CAP_S)
            except TimeoutError:
                answered.append("slow.html (gave up waiting)")
                return web.Response(text="<title>慢</title>", content_type="text/html")
        if name == "gone.html":
            gone_asked.set()
            answered.append(name)
            return web.Response(status=404, text="<title>404</title>", content_type="text/html")
        answered.append(name)
        return web.Response(text=PAGES.get(name, "<title>页</title>"), content_type="text/html")

    app = web.Application()
    app.router.add_get("/{name:.*}", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://www.x.gov.cn:{port}/", answered
    await runner.cleanup()


async def test_a_slow_homepage_link_does_not_hold_back_the_pages_below(site: tuple[str, list[str]]) -> None:
    site_url, answered = site
    settings = Settings.model_validate(
        {"allow_private_networks": True, "resolve": {"www.x.gov.cn": "127.0.0.1"},
         "links": {"budget_s": 60, "timeout_s": 30}, "fetch": {"retries": 0}}
    )  # fmt: skip
    target = Site(id="4301000009", name="某县人民政府门户网站", url=site_url, region="某县")
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        ctx = CheckContext(fetcher, settings, SystemClock(), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
        obs = await CHECK.run(target, "links:4301000009:1", ctx)
    assert obs.outcome is Outcome.OK and obs.payload["pages_read"] == 4
    assert [b["url"] for b in obs.payload["broken"]] == [site_url + "gone.html"]
    assert answered == ["", "a.html", "b.html", "gone.html", "slow.html"]  # the slow link answered last


TRS_PAGER = (
    '<script type="text/javascript">var countPage = {pages};var currentPage = {index};'
    'createPageHTML(countPage, currentPage, "index", "html");</script>'
)
LIST_PAGES = {
    "": '<title>某县人民政府</title><a href="/tzgg/">通知公告</a>',
    "tzgg/": '<title>通知公告</title><a href="/tzgg/t1.html">通知一</a>' + TRS_PAGER.format(pages=2, index=0),
    "tzgg/index_1.html": '<title>通知公告</title><a href="/tzgg/t2.html">通知二</a>'
    + TRS_PAGER.format(pages=2, index=1),
    "tzgg/t1.html": "<title>通知一</title><p>正文</p>",
    "tzgg/t2.html": '<title>通知二</title><a href="/tzgg/t2_fj.html">附件说明</a>',
}


@pytest.fixture
async def list_site() -> AsyncIterator[str]:
    async def page(request: web.Request) -> web.Response:
        body = LIST_PAGES.get(request.match_info["name"])
        if body is None:
            return web.Response(status=404, text="<title>404</title>", content_type="text/html")
        return web.Response(text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{name:.*}", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    yield f"http://www.x.gov.cn:{server._server.sockets[0].getsockname()[1]}/"  # type: ignore[union-attr]
    await runner.cleanup()


async def test_a_list_paged_by_a_trs_script_is_read_to_its_last_page(list_site: str) -> None:
    """The second page of a TRS list has no ``<a>`` to it (``createPageHTML`` draws the pager), and only that
    page links the article whose attachment note is gone."""
    settings = Settings.model_validate(
        {"allow_private_networks": True, "resolve": {"www.x.gov.cn": "127.0.0.1"}, "fetch": {"retries": 0}}
    )
    target = Site(id="4301000009", name="某县人民政府门户网站", url=list_site, region="某县")
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        ctx = CheckContext(fetcher, settings, SystemClock(), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
        obs = await CHECK.run(target, "links:4301000009:1", ctx)
    assert obs.payload["pages_read"] == 5  # homepage, the list's two pages, both articles
    assert [(b["url"], b["page"]) for b in obs.payload["broken"]] == [
        (list_site + "tzgg/t2_fj.html", list_site + "tzgg/t2.html")
    ]
