"""Serving: health profiles on real sockets, links and their faults, platform, feeds, page templates."""

from __future__ import annotations

import asyncio
import json
import re
import time
import xml.etree.ElementTree as ET

import aiohttp
import pytest

from monitor.sim import SimWeb, SiteSpec
from tests.sim.conftest import GOVMON_UA, NOW, session_for


def _site(sim: SimWeb, health: str):
    return next(s for s in sim.sites if s.profile == health)


async def _connect(sim: SimWeb, host: str) -> None:
    _reader, writer = await asyncio.open_connection(sim.resolve[host], sim.port)
    writer.close()
    await writer.wait_closed()


async def test_gbk_page_decodes_only_through_its_meta_charset(
    sim: SimWeb, client: aiohttp.ClientSession
) -> None:
    site = _site(sim, "gbk")
    async with client.get(site.url) as response:
        body = await response.read()
        content_type = response.headers["Content-Type"]
    assert "charset" not in content_type.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    declared = re.search(rb'charset="?([\w-]+)', body[:600])
    assert declared is not None and declared.group(1).decode() in ("gbk", "gb2312")
    assert site.name in body.decode(declared.group(1).decode())


async def test_down_host_refuses_connections(sim: SimWeb) -> None:
    with pytest.raises(ConnectionRefusedError):
        await _connect(sim, _site(sim, "down").host)
    with pytest.raises(ConnectionRefusedError):
        await _connect(sim, sim.unreachable_host)
    await _connect(sim, _site(sim, "healthy").host)


async def test_error_site_always_answers_503(sim: SimWeb, client: aiohttp.ClientSession) -> None:
    site = _site(sim, "error")
    for _ in range(3):
        async with client.get(site.url) as response:
            assert response.status == 503


async def test_slow_site_answers_after_its_latency(sim: SimWeb, client: aiohttp.ClientSession) -> None:
    started = time.perf_counter()
    async with client.get(_site(sim, "slow").url) as response:
        assert response.status == 200
    assert time.perf_counter() - started >= 0.6


async def test_profile_changes_at_runtime_take_effect_on_the_next_request(
    sim: SimWeb, client: aiohttp.ClientSession
) -> None:
    host = _site(sim, "healthy").host
    url = sim.url(host)
    sim.set_profile(host, down=True)
    with pytest.raises(ConnectionRefusedError):
        await _connect(sim, host)
    with pytest.raises(aiohttp.ClientConnectorError):
        async with client.get(url):
            pass
    sim.set_profile(host, down=False)
    async with client.get(url) as response:
        assert response.status == 200
    sim.set_profile(host, fail_ratio=1.0, fail_modes=("500",))
    async with client.get(url) as response:
        assert response.status == 500
    sim.set_profile(host, fail_ratio=0.0, latency_s=0.3)
    started = time.perf_counter()
    async with client.get(url) as response:
        assert response.status == 200
    assert time.perf_counter() - started >= 0.3
    assert sim.truth()["sites"][sim.site(host).id]["profile"]["latency_s"] == 0.3


async def test_going_down_closes_kept_alive_connections(sim: SimWeb) -> None:
    host = _site(sim, "healthy").host
    async with session_for(sim, keepalive=True) as keepalive:
        async with keepalive.get(sim.url(host)) as response:
            assert response.status == 200
        sim.set_profile(host, down=True)
        with pytest.raises(aiohttp.ClientError):
            async with keepalive.get(sim.url(host)) as response:
                await response.read()


async def test_flaky_failures_follow_a_sequence_fixed_by_the_seed() -> None:
    async def statuses() -> list[str]:
        async with SimWeb(seed=5, now=NOW, sites=[SiteSpec(health="flaky")], flaky_ratio=0.5) as sim:
            seen = []
            async with session_for(sim) as session:
                for _ in range(24):
                    try:
                        async with session.get(sim.sites[0].url) as response:
                            seen.append(str(response.status))
                    except aiohttp.ClientError:
                        seen.append("drop")
            # aiohttp retries an idempotent request once after a disconnect, so the server injects more
            # failures (and sees more requests) than the client reports
            stats = sim.stats(sim.sites[0].host)
            assert stats.requests - 24 == stats.failures_injected - sum(s != "200" for s in seen)
            return seen

    first = await statuses()
    assert first == await statuses()
    assert {"200"} < set(first) and set(first) <= {"200", "500", "503", "drop"}


async def test_injected_links_answer_as_named(sim: SimWeb, client: aiohttp.ClientSession) -> None:
    links = {link["kind"]: link for s in sim.truth()["sites"].values() for link in s["broken_links"]}
    async with client.get(links["404"]["url"]) as response:
        assert response.status == 404
    async with client.get(links["soft404"]["url"]) as response:
        assert response.status == 200
        assert re.search("页面不存在|页面已删除", await response.text())
    async with client.get(links["redirect_home"]["url"], allow_redirects=False) as response:
        assert response.status == 302
        assert re.fullmatch(r"http://[^/]+:\d+/", response.headers["Location"])
    with pytest.raises(aiohttp.ClientConnectorError):
        async with client.get(links["unreachable"]["url"]):
            pass
    async with client.get(links["bot_blocked"]["url"], headers={"User-Agent": GOVMON_UA}) as response:
        assert response.status == 403
    async with client.get(links["bot_blocked"]["url"]) as response:
        assert response.status == 200
    for site in sim.sites:  # each link is printed on the page the truth names
        for link in site.links:
            async with client.get(sim.url(site.host, link.page)) as response:
                assert sim.url(link.host, link.url_path) in await response.text(encoding=site.encoding)


async def test_platform_item_pages_show_their_state(sim: SimWeb, client: aiohttp.ClientSession) -> None:
    services = {svc["state"]: svc for s in sim.truth()["sites"].values() for svc in s["services"]}
    expected = {
        "ok": (200, "在线办理"),
        "missing": (200, "该事项不存在"),
        "offline": (200, "已下线"),
        "maintenance": (503, "系统维护"),
    }
    for state, (status, text) in expected.items():
        async with client.get(services[state]["url"]) as response:
            assert response.status == status
            assert text in await response.text()


async def test_feeds_carry_entries_dated_relative_to_now(sim: SimWeb, client: aiohttp.ClientSession) -> None:
    for account in sim.accounts:
        async with client.get(account.feed) as response:
            body = await response.read()
            if account.archetype == "broken":
                assert response.status == 503
                continue
            assert response.status == 200
        if account.format == "json":
            dates = [item["date_published"] for item in json.loads(body)["items"]]
        elif account.format == "atom":
            ns = {"a": "http://www.w3.org/2005/Atom"}
            dates = [
                e.findtext("a:published", namespaces=ns) for e in ET.fromstring(body).findall("a:entry", ns)
            ]
        else:
            dates = [i.findtext("pubDate") for i in ET.fromstring(body).iter("item")]
        assert len(dates) == len(account.entries)
    ages = {a.archetype: (NOW - a.last_post).days for a in sim.accounts if a.last_post}
    assert ages["silent"] == 20 and ages["week_stale"] == 10 and ages["active"] <= 1


async def test_list_templates_cover_the_real_cms_patterns() -> None:
    async with SimWeb(seed=4, now=NOW, sites=30) as sim, session_for(sim) as session:
        columns = [
            (s, c) for s in sim.sites for c in s.columns if c.items and s.profile in ("healthy", "gbk")
        ]
        templates = {c.template for _, c in columns}
        assert templates >= {"ul_after", "ul_before", "table", "div", "title_attr", "hanweb"}
        assert {c.date_format for _, c in columns} >= {
            "iso",
            "nopad",
            "slash",
            "dot",
            "cn",
            "bracket_md",
            "md",
            "datetime",
        }
        site, hanweb = next((s, c) for s, c in columns if c.template == "hanweb")
        async with session.get(sim.url(site.host, hanweb.path)) as response:
            text = await response.text(encoding=site.encoding)
        assert '<script type="text/xml"><datastore>' in text
        assert text.count("<record><![CDATA[") == min(len(hanweb.items), hanweb.page_size)
        site, paged = next((s, c) for s, c in columns if s.flavor == "trs" and c.pages > 1)
        async with session.get(sim.url(site.host, paged.path + "index_1.html")) as response:
            assert response.status == 200
            assert 'createPageHTML(countPage, currentPage, "index", "html")' in await response.text(
                encoding=site.encoding
            )


async def test_pages_weigh_like_real_ones_and_carry_the_footer(
    sim: SimWeb, client: aiohttp.ClientSession
) -> None:
    site = _site(sim, "healthy")
    async with client.get(site.url) as response:
        text = await response.text()
    assert 20_000 <= len(text.encode()) <= 60_000
    for needle in (
        f"网站标识码：{site.id}",
        "beian.miit.gov.cn",
        "www.beian.gov.cn",
        "bszs.conac.cn",
        "_jiucuo_",
        "版权所有",
    ):
        assert needle in text
    empty = next(c for s in sim.sites for c in s.columns if c.injected == "empty")
    owner = next(s for s in sim.sites if empty in s.columns)
    async with client.get(sim.url(owner.host, empty.path)) as response:
        assert "暂无信息" in await response.text()
