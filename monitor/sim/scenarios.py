"""What to inject: the ``demo`` preset and the seeded mix behind ``SimWeb(sites=N)``.

The demo shows every kind of trouble once on a dozen sites; the mix is "healthy-ish with a few
faults", at rates a province's 通报 suggests (most sites pass, a handful fail something), so the
benchmark spends its time on ordinary pages.
"""

from __future__ import annotations

import random

from monitor.sim.peers import peer_specs
from monitor.sim.records import SiteSpec

SCENARIOS = ("demo", "mix", "freshness", "links", "services", "content", "peers", "search", "homepage")

DEMO: tuple[SiteSpec, ...] = (
    SiteSpec(kind="portal"),
    SiteSpec(kind="portal", broken_links=("404", "soft404@tzgg")),
    SiteSpec(kind="portal", stale=("gzdt", "zwyw", "bmdt", "tzgg", "zcwj")),  # 3 news + 2 notice: veto
    SiteSpec(kind="department", empty=("tzgg", "zcwj", "gfxwj", "zcjd", "ghjh")),  # 5 empty: veto
    SiteSpec(health="down"),
    SiteSpec(health="error"),
    SiteSpec(health="slow"),
    SiteSpec(health="flaky"),
    SiteSpec(health="gbk", broken_links=("redirect_home",)),
    SiteSpec(platform_links=("ok", "missing", "offline", "maintenance"), broken_links=("unreachable",)),
    SiteSpec(homepage_stale=True, footer_missing=("icp",)),
    SiteSpec(interaction=False, broken_links=("bot_blocked",), future_item=True),
)

_ALL_UPDATED = ("gzdt", "zwyw", "bmdt", "xzdt", "tpxw", "tzgg", "zcwj", "gfxwj", "zcjd", "rsxx", "ghjh")
_LONG_IDLE = ("gfxwj", "zcjd", "rsxx", "ghjh", "tjgb", "sgs", "jcygk", "sjgg", "rsrm", "zkly")
"""Columns.long_stale's members on a portal (``columnkinds``): ten, the threshold."""

FRESHNESS: tuple[SiteSpec, ...] = (
    SiteSpec(kind="portal"),
    SiteSpec(kind="portal", stale=("gzdt", "zwyw", "bmdt", "tzgg", "zcwj")),  # 3 news + 2 notice: veto
    # 3 news + 1 notice stale, a 4th news column 11 days idle: columns.stale at risk
    SiteSpec(kind="portal", stale=("gzdt", "zwyw", "tpxw", "tzgg"), column_age_days={"bmdt": 11}),
    SiteSpec(kind="portal", stale=("tzgg", "gfxwj", "zcjd")),  # two are sub-columns: no columns.stale
    SiteSpec(kind="portal", stale=_ALL_UPDATED[:10]),  # 7 in columns.stale; 3 more idle, not a year each
    SiteSpec(kind="department", empty=("tzgg", "zcwj", "gfxwj", "zcjd", "ghjh")),  # 5 empty: veto
    SiteSpec(homepage_stale=True),
    SiteSpec(homepage_nav_only=True),
    SiteSpec(
        homepage_nav_only=True,
        homepage_stale=True,
        interaction=False,
        service="none",
        column_age_days={"rsxx": 40, "ghjh": 100},
    ),  # navigation only, every second-level page idle past 14 days: homepage.stale
    SiteSpec(misfiled=("zcwj",)),
    SiteSpec(stale=("ztzl",)),  # an expired topic still on the homepage
    SiteSpec(nonconforming_domain=True, footer_missing=("id_code", "jiucuo")),
    SiteSpec(future_item=True, footer_missing=("conac", "icp", "police")),
    # columns idle a year outside columns.stale (政策解读, 统计公报, 双公示 …, sub-columns, 人事/规划): long_stale
    SiteSpec(kind="portal", stale=_LONG_IDLE, column_age_days={"gfxwj": 400}),
    # 2 news + 2 notice stale and 3 policy-interpretation-like columns idle past 6 months: not columns.stale
    SiteSpec(
        kind="portal",
        stale=("gzdt", "zwyw", "tzgg", "zcwj"),
        column_age_days={"zcjd": 250, "tjgb": 300, "sjgg": 280},
    ),
    SiteSpec(kind="department", empty=("gfxwj", "zcjd")),  # 2 empty columns: columns.empty at risk
)
"""Every freshness, footer and domain fault once, for ``tests/e2e/test_freshness.py`` (``sites="freshness"``)."""


LINKS: tuple[SiteSpec, ...] = (
    SiteSpec(kind="portal"),
    SiteSpec(kind="portal", broken_links=("404", "soft404@tzgg", "image", "attachment", "head_refused")),
    SiteSpec(broken_links=("redirect_home", "dns", "timeout@gzdt", "deep_redirect", "404@tzgg")),
    SiteSpec(broken_links=("unreachable", "redirect_loop", "bot_blocked", "bot_429@tzgg", "soft404")),
    SiteSpec(health="gbk", platform_links=("ok", "missing", "offline", "maintenance")),
)
"""Every link kind once, on healthy hosts, for ``tests/e2e/test_links.py`` (``sites="links"``); the first
and last sites have no injected link (the last links to broken 一体化平台 items: ``service.broken``'s)."""


def mix(seed: int, count: int) -> tuple[SiteSpec, ...]:
    """``count`` specs, mostly healthy, with a seeded sprinkling of every fault."""
    rng = random.Random(f"{seed}:mix")
    specs = []
    for _ in range(count):
        roll = rng.random()
        health = (
            "gbk" if roll < 0.04 else "flaky" if roll < 0.07 else "slow" if roll < 0.09
            else "down" if roll < 0.11 else "error" if roll < 0.12 else "healthy"
        )  # fmt: skip
        stale: tuple[str, ...] = ()
        if rng.random() < 0.2:
            stale = tuple(rng.sample(("gzdt", "zwyw", "tpxw", "tzgg", "zcwj", "ghjh"), k=rng.randint(1, 2)))
        elif rng.random() < 0.05:
            stale = ("gzdt", "zwyw", "tpxw", "tzgg", "zcwj")
        empty: tuple[str, ...] = ()
        if rng.random() < 0.1:
            empty = (rng.choice(("gfxwj", "zcjd", "rsxx", "ghjh")),)
        elif rng.random() < 0.03:
            empty = ("tzgg", "zcwj", "gfxwj", "zcjd", "ghjh")
        broken: tuple[str, ...] = ()
        if rng.random() < 0.15:
            broken = tuple(rng.sample(("404", "soft404", "redirect_home", "unreachable", "404@tzgg"), k=2))
        platform = ("ok", "ok", "ok")
        if rng.random() < 0.1:
            platform = ("ok", rng.choice(("missing", "offline", "maintenance")), "ok")
        specs.append(
            SiteSpec(
                health=health,
                stale=tuple(s for s in stale if s not in empty),
                empty=empty,
                broken_links=broken,
                platform_links=platform,
                footer_missing=("police",) if rng.random() < 0.05 else (),
                interaction=rng.random() >= 0.03,
                service="local" if rng.random() < 0.03 else "platform",
                future_item=rng.random() < 0.02,
                homepage_stale=rng.random() < 0.03,
                gbk_declaration=rng.choice(("meta_charset", "http_equiv")),
            )
        )
    return tuple(specs)


SERVICES: tuple[SiteSpec, ...] = (
    SiteSpec(kind="portal"),  # healthy: platform items, working channels, messages answered within days
    SiteSpec(kind="department"),  # healthy
    SiteSpec(service="none"),  # no 办事服务 at all: service.missing
    SiteSpec(service="local"),  # own 办事指南 pages only: service.not_linked
    SiteSpec(platform_links=("ok", "missing", "offline", "maintenance")),  # three service.broken
    SiteSpec(interaction=False),  # no channel: interaction.missing
    SiteSpec(channel="xinfang_only"),  # 网上信访 and 纪检举报 only: interaction.missing
    SiteSpec(channel="broken"),  # 在线咨询 answers an error page: interaction.missing
    SiteSpec(messages="unanswered"),  # a message of ~120 days never answered: interaction.unanswered
    SiteSpec(messages="replies_stale"),  # last reply > 2 months ago: interaction.replies_stale
    SiteSpec(health="down"),  # the homepage never opens: nothing judged
)
"""One site per 办事服务 / 互动交流 failure mode, two healthy ones and one that cannot be read."""


_HIDDEN = ("display_none", "visibility_hidden", "off_screen", "font_size_zero", "zero_size")
_TRAPS = (
    "lottery_centre",
    "gov_video",
    "gov_cdn_script",
    "masked_id",
    "invalid_id",
    "contact_mobile",
    "own_menu",
)
CONTENT: tuple[SiteSpec, ...] = (
    SiteSpec(kind="portal", content=_TRAPS),  # healthy, with every trap: nothing to find
    SiteSpec(kind="department"),  # healthy, plain
    SiteSpec(content=_HIDDEN),  # hidden by inline styles
    SiteSpec(health="gbk", content=("style_block", "marquee", "script_write", "inner_html")),  # GBK page
    SiteSpec(content=("tamper_script", "tamper_redirect")),  # foreign malware script, script redirect
    SiteSpec(content=("tamper_title",)),  # the SEO hack's title
    SiteSpec(content=("replaced",)),  # healthy at first; SimWeb.deface(host) replaces the homepage
    SiteSpec(content=("serious_error", "privacy_id", "privacy_mobile", "privacy_attachment")),
    SiteSpec(health="gbk", content=("serious_error", "privacy_id", "masked_id", "invalid_id")),
)
"""Content safety (issue 12, ``tests/e2e/test_content.py``): two healthy sites (one with every trap), every
hidden-link kind, every tamper kind, dictionary hits and personal data, in UTF-8 and GBK."""


SEARCH: tuple[SiteSpec, ...] = (
    SiteSpec(kind="portal"),  # the GET form to /search/: works
    SiteSpec(search="post", guides=("complete", "synonyms")),  # POST search works; two complete guides
    SiteSpec(search="host"),  # a form to the search host so.hunan.gov.cn (hidden siteCode): works
    SiteSpec(health="gbk", guides=("no_time",)),  # the form's query in GBK: works; a guide without 办理时限
    SiteSpec(search="script"),  # window.open('/search/?q=' + encodeURIComponent(…)): works
    SiteSpec(search="error"),  # 500 to every query: violation
    SiteSpec(search="zero", guides=("no_materials_time", "complete", "platform")),  # 找到0条结果: violation
    SiteSpec(search="script_only"),  # the URL is built in /js/search.js: unverified
    SiteSpec(search="none"),  # no search box: unverified
    SiteSpec(health="down", search="error", guides=("no_time",)),  # nothing read, nothing judged
)
"""Every site-search shape and guide kind (``searchcases``), for ``tests/e2e/test_search.py``."""


HOMEPAGE: tuple[SiteSpec, ...] = (
    # last year's 年度报表 in the footer: linked; answers over IPv6 too
    SiteSpec(kind="portal", ipv6="dual"),
    # the report as an image (alt text, a PDF); a 两会 banner image; an AAAA record whose IPv6 side answers 502
    SiteSpec(kind="portal", annual_report="image", topic_banner="image", ipv6="broken"),
    # "网站工作年度报表（2025年）" in a 政务公开 block; a 两会 text link; IPv6 works
    SiteSpec(annual_report="block", topic_banner="text", ipv6="dual"),
    SiteSpec(annual_report="old"),  # only the year before last: missing
    SiteSpec(annual_report="undated"),  # "政府网站年度报表" to the list: no year, unverified
    SiteSpec(kind="department", annual_report="none", topic_banner="image"),  # no report link at all
    SiteSpec(health="down", annual_report="none"),  # nothing read, nothing judged
)
"""Every 年度报表 shape and 两会 banner (``homepagecases``) and the IPv6 shapes (``sim.ipv6``), for
``tests/e2e/test_homepage_links.py``."""


def specs_for(seed: int, sites: int | str) -> tuple[SiteSpec, ...]:
    """``sites`` is a count (the seeded mix) or a scenario name."""
    if isinstance(sites, int):
        return mix(seed, sites)
    if sites == "demo":
        return DEMO
    if sites == "freshness":
        return FRESHNESS
    if sites == "links":
        return LINKS
    if sites == "services":
        return SERVICES
    if sites == "content":
        return CONTENT
    if sites == "homepage":
        return HOMEPAGE
    if sites == "peers":
        return peer_specs()
    if sites == "search":
        return SEARCH
    raise ValueError(f"unknown scenario {sites!r}; known: {', '.join(SCENARIOS)} or a number of sites")
