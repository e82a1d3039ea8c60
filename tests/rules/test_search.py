"""site.search_broken and service.guide_incomplete on literal observations: what a site owner is told, and when
govmon says it could not judge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.model import SHANGHAI, Finding, Observation, Outcome, Site
from monitor.observations import SEARCH, SERVICES
from monitor.rules.guides import RULE as GUIDES_RULE
from monitor.rules.search import RULE as SEARCH_RULE
from monitor.settings import Settings

SITE = Site("4300000001", "湖南省人民政府门户网站", "http://www.hunan.gov.cn/", "省直")
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI).timestamp()
DAY = 86400.0
SETTINGS = Settings()
HOME = {"url": SITE.url, "final_url": SITE.url, "status": 200}
FORM = HOME | {"box": "form", "action": "http://www.hunan.gov.cn/search/", "method": "GET", "field": "q"}


def query(result: str, **extra: Any) -> dict[str, Any]:
    return {
        "headline": "省政府常务会议研究部署冬季安全生产工作",
        "headline_url": "http://www.hunan.gov.cn/gzdt/1.html",
        "headline_date": "2026-11-25",
        "query": "省政府常务会议研究部署冬季安全生产",
        "method": "GET",
        "request_url": "http://www.hunan.gov.cn/search/?q=x",
        "result": result,
        "http_status": 200,
        "reason": None,
    } | extra


def reads(
    *payloads: dict[str, Any], check: str = SEARCH, outcome: Outcome = Outcome.OK
) -> dict[str, list[Observation]]:
    """Observations a day apart, the last one a minute before NOW."""
    count = len(payloads)
    return {
        check: [
            Observation(
                check, SITE.id, f"{check}:{SITE.id}:{n}", NOW - 60 - (count - 1 - n) * DAY, outcome, None, p
            )
            for n, p in enumerate(payloads)
        ]
    }


def judge(history: dict[str, list[Observation]]) -> list[Finding]:
    return SEARCH_RULE.evaluate(SITE, history, NOW, SETTINGS)


def verdicts(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.code, f.status.value) for f in findings]


def test_a_search_that_finds_the_headline_works() -> None:
    assert judge(reads(FORM | {"queries": [query("not_found"), query("found")]})) == []


def test_a_search_that_errs_is_broken_at_once() -> None:
    findings = judge(reads(FORM | {"queries": [query("error", http_status=500, reason="http_500")]}))
    assert verdicts(findings) == [("site.search_broken", "violation")]
    assert findings[0].message == "站内搜索“省政府常务会议研究部署冬季安全生产”搜索出错（http_500）"
    assert findings[0].evidence["url"] == SITE.url
    assert findings[0].evidence["search"] == "http://www.hunan.gov.cn/search/"
    assert findings[0].evidence["http_status"] == 500


def test_no_results_for_every_headline_is_broken() -> None:
    payload = FORM | {
        "queries": [query("no_results", reason="找到0条", snapshot="ab" * 32), query("not_found")]
    }
    findings = judge(reads(payload))
    assert verdicts(findings) == [("site.search_broken", "violation")]
    assert "均未找到" in findings[0].message
    assert findings[0].evidence["result"] == "no_results"
    assert findings[0].evidence["snapshot"] == "ab" * 32  # the results page govmon saw


def test_a_search_host_down_once_is_unverified_and_twice_broken() -> None:
    down = FORM | {"queries": [query("unreachable", http_status=None, reason="timeout")]}
    fine = FORM | {"queries": [query("found")]}
    assert verdicts(judge(reads(down))) == [("site.search_broken", "unverified")]
    assert verdicts(judge(reads(fine, down))) == [("site.search_broken", "unverified")]
    twice = judge(reads(down, down))
    assert verdicts(twice) == [("site.search_broken", "violation")]
    assert "连续两次" in twice[0].message


def test_what_govmon_cannot_read_is_unverified_never_broken() -> None:
    for payload, reason in [
        (HOME | {"box": "none", "queries": []}, "no_search"),
        (HOME | {"box": "script_only", "queries": []}, "search_in_script"),
        (FORM | {"queries": []}, "no_headline"),
        (FORM | {"queries": [query("blocked", http_status=403, reason="http_403")]}, "http_403"),
        (FORM | {"queries": [query("unreadable", reason="query_not_shown")]}, "query_not_shown"),
    ]:
        findings = judge(reads(payload))
        assert verdicts(findings) == [("site.search_broken", "unverified")], reason
        assert findings[0].evidence["reason"] == reason


def test_an_unreadable_homepage_judges_nothing() -> None:
    assert judge(reads(HOME, outcome=Outcome.FAILED)) == []
    assert judge({}) == []


def guides(*guide_reads: dict[str, Any]) -> dict[str, list[Observation]]:
    payload = HOME | {"entries": [], "service_pages": [], "linked": True, "truncated": False,
                      "platform_links": [], "guides": list(guide_reads)}  # fmt: skip
    return reads(payload, check=SERVICES)


def guide(result: str, url: str, missing: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    return {"url": url, "text": "居民身份证换领办事指南", "result": result, "title": "居民身份证换领办事指南",
            "found": [], "missing": list(missing)} | extra  # fmt: skip


def test_one_finding_per_incomplete_guide_naming_what_it_lacks() -> None:
    history = guides(
        guide("list", "http://www.hunan.gov.cn/bsfw/bszn/"),
        guide("judged", "http://www.hunan.gov.cn/bsfw/bszn/1.html", ("办理时限",)),
        guide("judged", "http://www.hunan.gov.cn/bsfw/bszn/2.html"),
        guide("judged", "http://www.hunan.gov.cn/bsfw/bszn/3.html", ("申请材料", "办理时限")),
        guide("unreadable", "http://www.hunan.gov.cn/bsfw/bszn/4.html", reason="no_elements"),
        guide("platform", "http://zwfw.hunan.gov.cn/guide/1.html"),
        guide("failed", "http://www.hunan.gov.cn/bsfw/bszn/5.html", reason="http_error"),
    )
    findings = GUIDES_RULE.evaluate(SITE, history, NOW, SETTINGS)
    assert verdicts(findings) == [("service.guide_incomplete", "violation")] * 2
    assert [f.evidence["url"] for f in findings] == [
        "http://www.hunan.gov.cn/bsfw/bszn/1.html",
        "http://www.hunan.gov.cn/bsfw/bszn/3.html",
    ]
    assert findings[1].message == "办事指南“居民身份证换领办事指南”缺少申请材料、办理时限"
    assert findings[1].evidence["missing"] == ["申请材料", "办理时限"]
    assert findings[1].count == 2


def test_a_services_read_from_before_guides_judges_none() -> None:
    payload = HOME | {
        "entries": [],
        "service_pages": [],
        "linked": True,
        "truncated": False,
        "platform_links": [],
    }
    assert GUIDES_RULE.evaluate(SITE, reads(payload, check=SERVICES), NOW, SETTINGS) == []
