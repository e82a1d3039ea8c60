"""The links check on a literal site: a cycle whose links outlast ``links.budget_s`` still yields an
observation (what was judged, the rest ``unjudged``) instead of the job timing out; links it judged are
reported with the page and text a site owner needs."""

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

HOME = (
    """<html><head><title>某县人民政府</title></head><body>
<a href="/ok.html">工作动态</a> <a href="/gone.html">旧版新闻</a> <a href="javascript:void(0)">打印</a>
<a href="mailto:zwgk@x.gov.cn">信箱</a> <a href="#top">顶部</a>
"""
    + "".join(f'<a href="/slow{n}.html">慢页面{n}</a>' for n in range(6))
    + "</body></html>"
)


@pytest.fixture
async def site_url() -> AsyncIterator[str]:
    async def page(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name.startswith("slow"):
            await asyncio.sleep(30)
        if name == "gone.html":
            return web.Response(status=404, text="<title>404</title>", content_type="text/html")
        body = HOME if name == "" else "<title>工作动态</title><p>正文</p>"
        return web.Response(text=body, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{name:.*}", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://www.x.gov.cn:{port}/"
    await runner.cleanup()


async def test_a_cycle_that_outlasts_its_budget_reports_what_it_judged(site_url: str) -> None:
    settings = Settings.model_validate(
        {"allow_private_networks": True, "resolve": {"www.x.gov.cn": "127.0.0.1"},
         "links": {"budget_s": 1.0, "timeout_s": 20, "crawl_pages": 0}}
    )  # fmt: skip
    site = Site(id="4301000009", name="某县人民政府门户网站", url=site_url, region="某县")
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        ctx = CheckContext(fetcher, settings, SystemClock(), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
        obs = await CHECK.run(site, "links:4301000009:1", ctx)
    assert obs.outcome is Outcome.OK and obs.payload["budget_spent"] is True
    counts = obs.payload["counts"]
    assert counts["unjudged"] == 6 and counts["checked"] == 2
    assert [
        (b["url"], b["text"], b["page"], b["http_status"], b["on_homepage"]) for b in obs.payload["broken"]
    ] == [(site_url + "gone.html", "旧版新闻", site_url, 404, True)]
