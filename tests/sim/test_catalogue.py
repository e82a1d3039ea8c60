"""The simulator's world is a function of (seed, now): same inputs, same bytes; dates move with now."""

from __future__ import annotations

import datetime as dt
import re

from monitor.settings import Settings
from monitor.sim import SimWeb, SiteSpec
from monitor.sim.dates import spell
from tests.sim.conftest import NOW, session_for


async def _pages(sim: SimWeb) -> dict[str, bytes]:
    site = sim.sites[0]
    column = site.column("tzgg")
    paths = {
        "home": site.url,
        "list": sim.url(site.host, column.path),
        "list2": sim.url(site.host, column.path + "index_1.html") if column.pages > 1 else site.url,
        "article": sim.url(site.host, column.items[0].path),
        "feed": sim.accounts[1].feed,
        "platform": sim.url(sim.platform_host, sim.sites[1].services[0].path),
    }
    pages = {}
    async with session_for(sim) as session:
        for name, url in paths.items():
            async with session.get(url) as response:
                assert response.status == 200, url
                pages[name] = (await response.read()).replace(f":{sim.port}".encode(), b":PORT")
    return pages


async def test_same_seed_gives_the_same_pages_and_another_seed_does_not() -> None:
    async with SimWeb(seed=7, now=NOW, sites=6) as first, SimWeb(seed=7, now=NOW, sites=6) as second:
        assert first.port != second.port
        assert await _pages(first) == await _pages(second)
        truth_a, truth_b = first.truth(), second.truth()
        for truth in (truth_a, truth_b):
            truth.pop("port"), truth.pop("hosts"), truth.pop("control_url")
        assert str(truth_a).replace(str(first.port), "P") == str(truth_b).replace(str(second.port), "P")
    async with SimWeb(seed=8, now=NOW, sites=6) as other:
        assert [s.id for s in other.sites] != [s.id for s in first.sites] or [
            c.newest for c in other.sites[0].columns
        ] != [c.newest for c in first.sites[0].columns]


async def test_every_date_moves_with_now_and_none_is_after_it() -> None:
    earlier = NOW - dt.timedelta(days=400)
    late, early = SimWeb(seed=3, now=NOW, sites=5), SimWeb(seed=3, now=earlier, sites=5)
    for site_late, site_early in zip(late.sites, early.sites, strict=True):
        for col_late, col_early in zip(site_late.columns, site_early.columns, strict=True):
            for a, b in zip(col_late.items, col_early.items, strict=True):
                assert a.published.date() - b.published.date() == dt.timedelta(days=400)
                assert a.published <= NOW
    assert late.sites[0].column("gzdt").newest is not None


async def test_header_clock_and_list_dates_are_spelled_from_now(sim: SimWeb) -> None:
    site = sim.site("4300000001")
    column = next(c for c in site.columns if c.items and c.category == "news")
    async with session_for(sim) as session, session.get(sim.url(site.host, column.path)) as response:
        text = await response.text()
    assert "今天是2026年11月27日 星期五" in text
    first = next(i for i in column.items if not i.pinned)
    assert spell(first.published, column.date_format) in text
    assert f'<meta name="SiteIDCode" content="{site.id}">' in text
    assert f'<meta name="ColumnName" content="{column.name}">' in text


def test_site_ids_are_ten_digits_hosts_are_gov_cn_and_all_unique() -> None:
    sim = SimWeb(seed=2, now=NOW, sites=200)
    ids = [s.id for s in sim.sites]
    hosts = [s.host for s in sim.sites]
    assert len(set(ids)) == len(set(hosts)) == 200
    assert all(re.fullmatch(r"\d{10}", i) for i in ids)
    assert all(h.endswith(".gov.cn") for h in hosts)
    assert {s.region for s in sim.sites} >= {"省直", "长沙市", "株洲市"}
    healths = {s.profile for s in sim.sites}
    assert "healthy" in healths and len(healths) >= 4  # a few injected faults, mostly healthy
    assert sum(s.profile == "healthy" for s in sim.sites) > 150


def test_demo_scenario_has_two_down_one_slow_one_flaky_one_gbk() -> None:
    sim = SimWeb(seed=1, now=NOW, scenario="demo")
    profiles = [s.profile for s in sim.sites]
    assert len(profiles) == 12
    assert profiles.count("down") == 1 and profiles.count("error") == 1
    assert profiles.count("slow") == profiles.count("flaky") == profiles.count("gbk") == 1


async def test_inventory_is_a_complete_govmon_configuration(sim: SimWeb) -> None:
    inventory = sim.inventory()
    assert set(inventory) == {
        "platform_domains",
        "sites",
        "accounts",
        "resolve",
        "allow_private_networks",
        "control_urls",
    }
    assert inventory["allow_private_networks"] is True
    assert inventory["platform_domains"] == [sim.platform_host]
    for row in inventory["sites"]:
        assert set(row) == {"id", "name", "url", "region", "org"}
        assert row["url"] == f"http://{sim.site(row['id']).host}:{sim.port}/"
    for row in inventory["accounts"]:
        assert set(row) - {"registered_at"} == {"id", "name", "platform", "feed", "region"}
        assert row["platform"] in ("wechat", "weibo", "douyin", "toutiao", "app", "other")
    urls = [r["url"] for r in inventory["sites"]] + [r["feed"] for r in inventory["accounts"]]
    urls += inventory["control_urls"]
    hosts = {re.match(r"http://([^:/]+):", u).group(1) for u in urls}  # type: ignore[union-attr]
    assert hosts <= set(inventory["resolve"])
    assert all(a.startswith("127.") and a != "127.0.0.1" for a in inventory["resolve"].values())
    settings_part = {k: v for k, v in inventory.items() if k not in ("sites", "accounts")}
    assert Settings(**settings_part).private_networks_allowed()  # type: ignore[arg-type]
    async with session_for(sim) as session, session.get(inventory["control_urls"][0]) as response:
        assert response.status == 200


async def test_truth_names_what_was_injected(sim: SimWeb) -> None:
    truth = sim.truth()
    sites = truth["sites"]
    by_health = {s["health"]: s for s in sites.values()}
    assert by_health["gbk"]["encoding"] in ("gbk", "gb2312")
    assert by_health["down"]["profile"]["down"] is True
    assert by_health["slow"]["profile"]["latency_s"] == 0.6
    vetoed = [s for s in sites.values() if len(s["stale_columns"]) >= 5]
    assert vetoed and all(
        c["age_days"] > 14
        for c in vetoed[0]["columns"]
        if c["injected"] == "stale" and c["category"] == "news"
    )
    assert any(len(s["empty_columns"]) >= 5 for s in sites.values())
    kinds = {link["kind"] for s in sites.values() for link in s["broken_links"]}
    assert kinds == {"404", "soft404", "redirect_home", "unreachable", "bot_blocked"}
    states = {svc["state"] for s in sites.values() for svc in s["services"]}
    assert states == {"ok", "missing", "offline", "maintenance"}
    assert any(s["future_item"] for s in sites.values())
    archetypes = {a["archetype"]: a for a in truth["accounts"].values()}
    assert set(archetypes) == {"active", "week_stale", "silent", "empty", "broken"}
    assert archetypes["silent"]["last_post"][:10] == (NOW - dt.timedelta(days=20)).date().isoformat()
    assert archetypes["empty"]["last_post"] is None


def test_site_spec_rejects_unknown_values() -> None:
    try:
        SiteSpec(health="sleepy", broken_links=("410",))
    except ValueError as error:
        assert "sleepy" in str(error) and "410" in str(error)
    else:
        raise AssertionError("a bad spec was accepted")


def test_homepage_freshness_and_future_items_are_unambiguous() -> None:
    sim = SimWeb(seed=1, now=NOW, scenario="demo")
    for site in sim.sites:
        newest = max(
            i.published for c in site.columns if c.category in ("news", "notice", "topic") for i in c.items
        )
        if site.spec.homepage_stale:
            assert (NOW - newest).days > 14
        if site.future_item:
            column = site.column("gzdt")
            assert column.items[0].published > NOW
            assert column.date_format not in ("md", "bracket_md")  # "never in the future" would misread it
