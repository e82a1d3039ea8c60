"""The links rules on literal observations, and the crawl's frontier (depth, budget, same site only)."""

from __future__ import annotations

from monitor.checks.links.crawl import FoundLink, Frontier, select_links
from monitor.extract.html import Link
from monitor.model import Observation, Outcome, Site, Status
from monitor.rules.links import RULE
from monitor.settings import Settings

SITE = Site(id="4301000001", name="某市人民政府门户网站", url="http://www.x.gov.cn/", region="某市")
NOW = 1_800_000_000.0


def entry(
    url: str, *, on_homepage: bool, status: int | None = 404, reason: str = "http_404"
) -> dict[str, object]:
    return {"url": url, "text": "旧版新闻", "page": "http://www.x.gov.cn/", "tag": "a", "http_status": status,
            "reason": reason, "detail": "", "on_homepage": on_homepage}  # fmt: skip


def observation(at: float, outcome: Outcome = Outcome.OK, **payload: object) -> Observation:
    return Observation("links", SITE.id, f"links:{at}", at, outcome, None, dict(payload))


def test_one_finding_per_broken_link_homepage_or_not_and_bot_hosts_unverified() -> None:
    obs = observation(
        NOW - 60,
        broken=[entry("http://www.x.gov.cn/a.html", on_homepage=True),
                entry("http://www.x.gov.cn/b.html", on_homepage=True, status=None, reason="dns"),
                entry("http://www.x.gov.cn/c.html", on_homepage=False, status=200, reason="soft404")],
        unverified=[entry("http://www.rednet.cn/d.html", on_homepage=False, status=429, reason="bot_blocked")],
    )  # fmt: skip
    findings = RULE.evaluate(SITE, {"links": [obs]}, NOW, Settings())
    got = {(f.code, f.evidence["url"], f.status) for f in findings}
    assert got == {
        ("links.broken_homepage", "http://www.x.gov.cn/a.html", Status.VIOLATION),
        ("links.broken_homepage", "http://www.x.gov.cn/b.html", Status.VIOLATION),
        ("links.broken", "http://www.x.gov.cn/c.html", Status.VIOLATION),
        ("links.broken", "http://www.rednet.cn/d.html", Status.UNVERIFIED),
    }
    bot = next(f for f in findings if f.status is Status.UNVERIFIED)
    assert bot.evidence["http_status"] == 429 and bot.severity == "deduction"
    assert {"url", "text", "http_status", "reason", "page"} <= set(findings[0].evidence)


def test_only_the_newest_cycle_counts_and_a_failed_homepage_judges_nothing() -> None:
    old = observation(NOW - 7200, broken=[entry("http://www.x.gov.cn/a.html", on_homepage=True)])
    fixed = observation(NOW - 3600, broken=[], unverified=[])
    assert RULE.evaluate(SITE, {"links": [old, fixed]}, NOW, Settings()) == []
    failed = observation(NOW - 60, Outcome.FAILED)
    assert RULE.evaluate(SITE, {"links": [old, failed]}, NOW, Settings()) == []


def found(url: str, tag: str = "a") -> FoundLink:
    return FoundLink(url, "", tag, "http://www.x.gov.cn/", True)


def test_the_frontier_reads_same_site_pages_breadth_first_within_budget_and_depth() -> None:
    frontier = Frontier("http://www.x.gov.cn/", pages=3, depth=2)
    frontier.visited("http://www.x.gov.cn/")
    for url in (
        "http://www.x.gov.cn/",
        "http://x.gov.cn/gzdt/",
        "http://www.gov.cn/",
        "http://www.x.gov.cn/a.pdf",
    ):
        frontier.offer(found(url), 1)
    frontier.offer(found("http://www.x.gov.cn/logo.png", "img"), 1)
    frontier.offer(found("http://www.x.gov.cn/tzgg/"), 1)
    frontier.offer(found("http://www.x.gov.cn/deep/"), 3)  # beyond depth 2
    assert frontier.next_page() == (1, "http://x.gov.cn/gzdt/")
    frontier.offer(found("http://www.x.gov.cn/gzdt/1.html"), 2)
    frontier.offer(found("http://www.x.gov.cn/gzdt/2.html"), 2)
    assert frontier.next_page() == (1, "http://www.x.gov.cn/tzgg/")  # the shallower depth first
    assert frontier.next_page() == (2, "http://www.x.gov.cn/gzdt/1.html")  # the budget: 3 pages
    assert frontier.next_page() is None


def test_scripts_mail_and_platform_links_are_not_checked_assets_only_when_asked() -> None:
    links = [Link("http://www.x.gov.cn/a.html", "", "a"), Link("mailto:a@x.gov.cn", "", "a"),
             Link("http://www.x.gov.cn/j.js", "", "script"), Link("http://zwfw.hunan.gov.cn/item/1", "", "a"),
             Link("http://www.x.gov.cn/p.jpg", "", "img")]  # fmt: skip
    chosen = select_links(links, check_assets=False, skip_hosts=("zwfw.hunan.gov.cn",))
    assert [link.url for link in chosen] == ["http://www.x.gov.cn/a.html", "http://www.x.gov.cn/p.jpg"]
    assert len(select_links(links, check_assets=True, skip_hosts=("zwfw.hunan.gov.cn",))) == 3
