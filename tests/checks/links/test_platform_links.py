"""Links to the 一体化平台 anywhere on a site (not only its 办事服务 entries) are opened by the link walk and
reported as service.broken (一体化平台链接不可用); the platform's item is opened once however many sites
link to it, and an outage of the whole platform is unverified, not the sites' fault."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
import structlog
from aiohttp import web

from monitor.checks.base import CheckContext
from monitor.checks.links.check import CHECK
from monitor.checks.links.checker import LinkChecker
from monitor.checks.state import MemoryState
from monitor.clock import SystemClock
from monitor.fetch import Fetcher
from monitor.model import Outcome, Site, Status
from monitor.rules.services import RULE
from monitor.settings import Settings

PLATFORM_HOST = "zwfw.hunan.gov.cn"


def home(n: int, port: int) -> str:
    return f"""<html><head><title>某县{n}人民政府</title></head><body>
<a href="/art/1.html">关于开展营业执照办理的通知</a> <a href="http://{PLATFORM_HOST}:{port}/item/ok">办事指南</a>
</body></html>"""


def article(port: int) -> str:
    return f"""<html><head><title>关于开展营业执照办理的通知</title></head><body><p>正文。
<a href="http://{PLATFORM_HOST}:{port}/item/gone">营业执照办理入口</a>
<a href="http://{PLATFORM_HOST}:{port}/item/missing">个体工商户登记</a>
<a href="http://{PLATFORM_HOST}:{port}/item/ok">办事指南</a></p></body></html>"""


@pytest.fixture
async def servers() -> AsyncIterator[tuple[int, Counter[str], dict[str, bool]]]:
    """Two county sites and the platform on one loopback port, told apart by their Host header."""
    hits: Counter[str] = Counter()
    platform_state = {"up": True}

    async def page(request: web.Request) -> web.Response:
        path = request.path
        if request.host.split(":")[0] == PLATFORM_HOST:
            hits[path] += 1
            if not platform_state["up"]:
                return web.Response(status=502, text="bad gateway")
            if path == "/item/gone":
                return web.Response(status=404, text="<title>404</title>", content_type="text/html")
            if path == "/item/missing":
                return web.Response(text="<title>提示</title><p>该事项不存在</p>", content_type="text/html")
            return web.Response(text="<title>营业执照办理</title><p>在线办理</p>", content_type="text/html")
        n = int(request.host.split(".")[0].removeprefix("www"))
        return web.Response(
            text=home(n, request.url.port or 80) if path == "/" else article(request.url.port or 80),
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_get("/{name:.*}", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    server = web.TCPSite(runner, "127.0.0.1", 0)
    await server.start()
    port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield port, hits, platform_state
    await runner.cleanup()


def settings_for(port: int) -> Settings:
    hosts = [PLATFORM_HOST, "www1.x.gov.cn", "www2.x.gov.cn"]
    return Settings.model_validate(
        {"allow_private_networks": True, "resolve": {h: "127.0.0.1" for h in hosts},
         "platform_domains": [PLATFORM_HOST], "fetch": {"retries": 0},
         "links": {"bot_retry_after_s": 0, "crawl_pages": 5}}
    )  # fmt: skip


async def test_a_dead_platform_item_linked_from_an_article_is_service_broken(
    servers: tuple[int, Counter[str], dict[str, bool]],
) -> None:
    port, hits, _ = servers
    settings = settings_for(port)
    sites = [
        Site(id=f"430100000{n}", name=f"某县{n}", region="某县", url=f"http://www{n}.x.gov.cn:{port}/")
        for n in (1, 2)
    ]
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        links = LinkChecker(fetcher, settings.links, state=MemoryState())  # shared verdicts, as in a worker
        ctx = CheckContext(
            fetcher, settings, SystemClock(), None, None, None, structlog.get_logger(), links=links
        )  # type: ignore[arg-type]
        observations = [await CHECK.run(site, f"links:{site.id}:1", ctx) for site in sites]
    for obs, site in zip(observations, sites, strict=True):
        assert obs.outcome is Outcome.OK
        assert obs.payload["counts"]["broken"] == 0  # platform links are not reported as broken links
        assert obs.payload["platform_checked"] == 3
        findings = RULE.evaluate(site, {"links": [obs]}, obs.observed_at, settings)
        broken = sorted((f.code, f.status, f.evidence["url"].split("/")[-1]) for f in findings)
        assert broken == [
            ("service.broken", Status.VIOLATION, "gone"),
            ("service.broken", Status.VIOLATION, "missing"),
        ]
        messages = {f.evidence["url"].split("/")[-1]: f.message for f in findings}
        assert messages["missing"] == "一体化平台链接“个体工商户登记”打开为平台错误页（该事项不存在）"
    # two sites, each linking three platform items: each opened once (the roots of the failing ones once)
    assert hits["/item/ok"] == 1 and hits["/item/gone"] == 1 and hits["/item/missing"] == 1
    assert hits["/"] == 1


async def test_a_platform_outage_is_unverified_not_the_sites_fault(
    servers: tuple[int, Counter[str], dict[str, bool]],
) -> None:
    port, _, platform = servers
    platform["up"] = False
    settings = settings_for(port)
    site = Site(id="4301000001", name="某县1", region="某县", url=f"http://www1.x.gov.cn:{port}/")
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        ctx = CheckContext(fetcher, settings, SystemClock(), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
        obs = await CHECK.run(site, "links:4301000001:1", ctx)
    findings = RULE.evaluate(site, {"links": [obs]}, obs.observed_at, settings)
    assert len(findings) == 3
    assert {f.status for f in findings} == {Status.UNVERIFIED}
    assert {f.evidence["reason"] for f in findings} == {"platform_down"}
