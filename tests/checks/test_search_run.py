"""The search check against a real loopback server: it finds the homepage's form, asks for a recent own
headline (not the 转载 row linking another site), asks once more after a 503, and a POST search gets the
form's fields in its body."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import pytest
import structlog
from aiohttp import web

from monitor.checks.base import CheckContext
from monitor.checks.search import CHECK
from monitor.clock import FixedClock
from monitor.fetch import Fetcher
from monitor.model import SHANGHAI, Outcome, Site
from monitor.observations import SearchRead
from monitor.rules.search import RULE
from monitor.settings import Settings

HOST = "www.x.gov.cn"
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
HOME = """<html><head><meta charset="utf-8"><title>某县人民政府</title></head><body>
<form action="{action}" method="{method}"><input type="hidden" name="siteCode" value="4301000001">
<input type="text" name="searchWord" placeholder="请输入关键词"><button>搜索</button></form>
<div class="news"><h2>工作动态</h2><ul>
<li><a href="https://www.gov.cn/yaowen/1.htm">国务院常务会议部署今冬明春稳就业工作</a><span>2026-11-26</span></li>
<li><a href="/gzdt/2.html">某县召开2026年第四季度安全生产工作会议</a><span>2026-11-25</span></li>
<li><a href="/gzdt/3.html">某县开展冬季森林防火专项检查行动</a><span>2026-11-20</span></li>
</ul></div></body></html>"""


@pytest.fixture
async def server() -> AsyncIterator[tuple[int, dict[str, object], Counter[str]]]:
    """One site: ``state["method"]`` its form's method, ``state["fail"]`` how many searches answer 503 first."""
    state: dict[str, object] = {"method": "get", "fail": 0, "asked": []}
    hits: Counter[str] = Counter()

    async def page(request: web.Request) -> web.Response:
        hits[request.method + " " + request.path] += 1
        if request.path == "/":
            action = "/search/" if state["method"] == "get" else "/search/post"
            return web.Response(
                text=HOME.format(action=action, method=state["method"]), content_type="text/html"
            )
        if request.path.startswith("/search"):
            fail = int(state["fail"])  # type: ignore[call-overload]
            if fail:
                state["fail"] = fail - 1
                return web.Response(status=503, text="busy")
            fields = dict(
                parse_qsl(
                    (await request.read()).decode() if request.method == "POST" else request.query_string
                )
            )
            state["asked"].append(fields)  # type: ignore[attr-defined]
            word = fields.get("searchWord", "")
            hit = "某县召开2026年第四季度安全生产工作会议"
            rows = f'<li><a href="/gzdt/2.html">{hit}</a></li>' if word and word in hit else ""
            return web.Response(
                text=f"<p>共找到{1 if rows else 0}条</p><ul>{rows}</ul>", content_type="text/html"
            )
        return web.Response(status=404, text="404")

    app = web.Application()
    app.router.add_route("*", "/{name:.*}", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield site._server.sockets[0].getsockname()[1], state, hits  # type: ignore[union-attr]
    await runner.cleanup()


async def run(port: int) -> tuple[Site, SearchRead, list[str]]:
    settings = Settings.model_validate(
        {"allow_private_networks": True, "resolve": {HOST: "127.0.0.1"}, "fetch": {"retries": 0}}
    )
    target = Site(id="4301000001", name="某县", region="某县", url=f"http://{HOST}:{port}/")
    async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
        ctx = CheckContext(fetcher, settings, FixedClock(NOW), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
        observation = await CHECK.run(target, "search:4301000001:1", ctx)
    assert observation.outcome is Outcome.OK
    findings = RULE.evaluate(target, {"search": [observation]}, observation.observed_at, settings)
    return target, SearchRead.from_observation(observation), [f"{f.code} {f.status.value}" for f in findings]


async def test_a_get_search_finds_the_sites_own_headline(
    server: tuple[int, dict[str, object], Counter[str]],
) -> None:
    port, state, _ = server
    _, read, findings = await run(port)
    assert (read.box, read.method, read.field) == ("form", "GET", "searchWord")
    assert [(q.headline, q.result) for q in read.queries] == [
        ("某县召开2026年第四季度安全生产工作会议", "found")
    ]
    assert state["asked"] == [
        {"siteCode": "4301000001", "searchWord": "某县召开2026年第四季度安全生"}
    ]  # 16 characters
    assert findings == []


async def test_a_503_is_asked_again_before_it_counts(
    server: tuple[int, dict[str, object], Counter[str]],
) -> None:
    port, state, hits = server
    state["fail"] = 1
    _, read, findings = await run(port)
    assert [q.result for q in read.queries] == ["found"] and findings == []
    assert hits["GET /search/"] == 2
    state["fail"] = 4  # each headline's two asks answer 503: the search errs for a visitor
    _, read, findings = await run(port)
    assert [(q.result, q.reason) for q in read.queries] == [("error", "http_503")] * 2  # both headlines
    assert findings == ["site.search_broken violation"]


async def test_a_post_search_posts_the_forms_fields(
    server: tuple[int, dict[str, object], Counter[str]],
) -> None:
    port, state, hits = server
    state["method"] = "post"
    _, read, findings = await run(port)
    assert (read.method, [q.method for q in read.queries]) == ("POST", ["POST"])
    assert hits["POST /search/post"] == 1 and findings == []
