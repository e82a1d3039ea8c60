"""年度报表 and 重要专题 (monitor.rules.homepage_links), on literal homepages read as the homepage check reads them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from monitor.checks.homepage import required_links
from monitor.extract.html import parse
from monitor.model import SHANGHAI, Observation, Outcome, Site, Status
from monitor.observations import HomepageRead
from monitor.rules import RULES
from monitor.rules.homepage_links import REPORT_RULE, TOPIC_RULE
from monitor.settings import Settings

SITE = Site(id="4302000001", name="株洲市人民政府门户网站", url="http://www.zhuzhou.gov.cn/", region="株洲市")
DEPARTMENT = dataclasses.replace(SITE, id="4302000002", type="department", region="长沙市")
REPORT_2025 = '<div class="footer"><a href="/ndbb/2025.pdf">2025年度政府网站工作年度报表</a></div>'
REPORT_2024 = '<div class="footer"><a href="/ndbb/2024.pdf">网站工作年度报表（2024年）</a></div>'
REPORT_UNDATED = '<div class="footer"><a href="/ndbb/">政府网站年度报表</a></div>'
BANNER = '<div class="banner"><a href="/zt/lh/"><img src="/i/lh.jpg" alt="聚焦2027全国两会"></a></div>'
LIANGHUI = {"name": "全国两会专题", "keywords": ["两会"], "start": "2027-03-03", "end": "2027-03-15"}


def at(day: str, hour: int = 10) -> float:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI).timestamp()


def history(html: str, now: float, settings: Settings | None = None) -> dict[str, list[Observation]]:
    read = HomepageRead(SITE.url, SITE.url, 200, "utf-8", "首页", None, 10)
    fields = required_links(parse(f"<html><body>{html}</body></html>"), SITE.url, settings or Settings())
    payload = dataclasses.replace(read, **fields).to_payload()
    return {"homepage": [Observation("homepage", SITE.id, "j", now - 600, Outcome.OK, None, payload)]}


def report(html: str, day: str, settings: Settings | None = None, site: Site = SITE) -> list[Any]:
    now = at(day)
    return REPORT_RULE.evaluate(site, history(html, now), now, settings or Settings())


def topics(html: str, day: str, settings: Settings, site: Site = SITE) -> list[Any]:
    now = at(day)
    return TOPIC_RULE.evaluate(site, history(html, now, settings), now, settings)


def test_last_years_report_linked_in_the_footer_is_no_finding() -> None:
    assert report(REPORT_2025, "2026-02-10") == []
    assert report(REPORT_2025, "2026-01-10") == []


def test_no_report_link_from_1_february_is_a_violation_naming_the_year() -> None:
    (finding,) = report("<p>无</p>", "2026-02-01")
    assert finding.code == "homepage.annual_report_missing"
    assert finding.severity.value == "deduction"
    assert finding.status is Status.VIOLATION
    assert "2025年度政府网站工作年度报表" in finding.message
    assert finding.evidence["year"] == 2025
    assert finding.evidence["url"] == SITE.url + "#annual_report-2025"
    assert finding.due is None


def test_in_january_a_missing_report_is_at_risk_due_1_february() -> None:
    (finding,) = report("<p>无</p>", "2026-01-31")
    assert finding.status is Status.AT_RISK
    assert finding.due == dt.datetime(2026, 2, 1, tzinfo=SHANGHAI)
    assert "2025年度" in finding.message


def test_a_link_to_an_older_years_report_does_not_count() -> None:
    (finding,) = report(REPORT_2024, "2026-03-01")
    assert finding.status is Status.VIOLATION
    assert "只有2024年度" in finding.message
    assert finding.evidence["links"] == [
        {"url": "http://www.zhuzhou.gov.cn/ndbb/2024.pdf", "text": "网站工作年度报表（2024年）", "year": 2024}
    ]
    # the same page was fine a year earlier
    assert report(REPORT_2024, "2025-03-01") == []


def test_a_report_link_naming_no_year_is_unverified() -> None:
    (finding,) = report(REPORT_UNDATED, "2026-03-01")
    assert finding.status is Status.UNVERIFIED
    assert "未注明年份" in finding.message


def test_due_day_and_switch_are_settings() -> None:
    late = Settings.model_validate({"homepage": {"annual_report_due": "03-31"}})
    assert report("", "2026-03-01", late)[0].status is Status.AT_RISK
    assert report("", "2026-04-01", late)[0].status is Status.VIOLATION
    assert report("", "2026-04-01", Settings.model_validate({"homepage": {"annual_report": False}})) == []


def test_a_failed_newest_read_judges_nothing() -> None:
    now = at("2026-03-01")
    failed = Observation("homepage", SITE.id, "k", now - 60, Outcome.FAILED, "timeout", {"url": SITE.url})
    assert (
        REPORT_RULE.evaluate(SITE, {"homepage": [*history("", now)["homepage"], failed]}, now, Settings())
        == []
    )


def test_nothing_configured_no_topic_is_judged() -> None:
    assert topics("", "2027-03-05", Settings()) == []


def test_required_topic_missing_while_its_dates_hold() -> None:
    settings = Settings.model_validate({"homepage": {"required_topics": [LIANGHUI]}})
    (finding,) = topics("<p>首页</p>", "2027-03-05", settings)
    assert finding.code == "homepage.required_topic_missing"
    assert finding.status is Status.VIOLATION and finding.severity.value == "deduction"
    assert "全国两会专题" in finding.message and "3月3日至3月15日" in finding.message
    assert finding.evidence["topic"] == "全国两会专题"
    assert topics(BANNER, "2027-03-05", settings) == []  # the banner's alt text shows it
    assert topics("<p>首页</p>", "2027-03-02", settings) == []  # not yet required
    assert topics("<p>首页</p>", "2027-03-16", settings) == []  # no longer required


def test_topic_by_pattern_types_and_regions() -> None:
    topic = {
        "name": "四中全会",
        "patterns": [r"二十届.{0,2}中全会"],
        "start": "2027-03-01",
        "end": "2027-12-31",
    }
    settings = Settings.model_validate(
        {"homepage": {"required_topics": [topic | {"types": ["portal"], "regions": ["株洲市"]}]}}
    )
    html = '<a href="/zt/sz/" title="学习贯彻党的二十届四中全会精神">专题</a>'
    assert topics(html, "2027-05-01", settings) == []
    assert len(topics("<p></p>", "2027-05-01", settings)) == 1  # a site without a type counts as a portal
    assert topics("<p></p>", "2027-05-01", settings, DEPARTMENT) == []


def test_a_topic_configured_after_the_read_is_not_judged() -> None:
    now = at("2027-03-05")
    read = history("<p></p>", now)  # read with no topic configured
    settings = Settings.model_validate({"homepage": {"required_topics": [LIANGHUI]}})
    assert TOPIC_RULE.evaluate(SITE, read, now, settings) == []


def test_bad_topic_settings_are_refused_with_the_reason() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="needs keywords or patterns"):
        Settings.model_validate({"homepage": {"required_topics": [{"name": "x", "start": "2027-03-03",
                                                                   "end": "2027-03-15"}]}})  # fmt: skip
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        Settings.model_validate({"homepage": {"required_topics": [LIANGHUI | {"end": "2027-03-01"}]}})
    with pytest.raises(ValidationError, match="not a regular expression"):
        Settings.model_validate({"homepage": {"required_topics": [LIANGHUI | {"patterns": ["(("]}]}})
    with pytest.raises(ValidationError, match="no such day in every year"):
        Settings.model_validate({"homepage": {"annual_report_due": "02-29"}})


def test_both_rules_are_registered() -> None:
    assert REPORT_RULE in RULES and TOPIC_RULE in RULES
