"""service.* and interaction.* on literal observations: what a site owner would be told, and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.checks.interaction import NAME as INTERACTION
from monitor.checks.services import NAME as SERVICES
from monitor.model import SHANGHAI, Finding, Observation, Outcome, Site
from monitor.rules.interaction import RULE as INTERACTION_RULE
from monitor.rules.services import RULE as SERVICES_RULE
from monitor.settings import InspectionSettings, Settings

SITE = Site("4300000001", "湖南省人民政府门户网站", "http://www.hunan.gov.cn/", "省直")
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()
SETTINGS = Settings()
ITEM = "http://zwfw.hunan.gov.cn/item/{}.html"


def observe(
    check: str, payload: dict[str, Any], outcome: Outcome = Outcome.OK
) -> dict[str, list[Observation]]:
    at = NOW.timestamp() - 60
    return {check: [Observation(check, SITE.id, f"{check}:{SITE.id}:1", at, outcome, None, payload)]}


def services(
    payload: dict[str, Any], outcome: Outcome = Outcome.OK, settings: Settings = SETTINGS
) -> list[Finding]:
    return SERVICES_RULE.evaluate(SITE, observe(SERVICES, payload, outcome), NOW.timestamp(), settings)


def interaction(
    payload: dict[str, Any], settings: Settings = SETTINGS, now: dt.datetime = NOW
) -> list[Finding]:
    history = observe(INTERACTION, payload)
    return INTERACTION_RULE.evaluate(SITE, history, now.timestamp(), settings)


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.code, f.status.value) for f in findings)


def link(n: int, result: str, status: int | None = 200, reason: str | None = None) -> dict[str, Any]:
    return {
        "url": ITEM.format(n),
        "text": f"事项{n}",
        "result": result,
        "http_status": status,
        "reason": reason,
    }


PLATFORM_ENTRY = {"url": ITEM.format(1), "text": "事项1", "via": "block", "platform": True}


# ------------------------------------------------------------------------------------------- services
def test_no_service_entry_at_all_is_a_veto() -> None:
    findings = services({"entries": [], "linked": False, "platform_links": []})
    assert codes(findings) == [("service.missing", "violation")]
    assert findings[0].severity.value == "veto" and findings[0].evidence["url"] == SITE.url


def test_entries_that_never_reach_the_platform_are_not_linked() -> None:
    local = {"url": "http://www.hunan.gov.cn/bsfw/", "text": "办事服务", "via": "label", "platform": False}
    findings = services({"entries": [local], "linked": False, "platform_links": []})
    assert codes(findings) == [("service.not_linked", "violation")]
    assert findings[0].severity.value == "deduction"
    assert findings[0].evidence["entries"] == [{"url": local["url"], "text": "办事服务"}]


def test_one_broken_finding_per_failed_platform_link_with_link_evidence() -> None:
    links = [link(1, "ok"), link(2, "error_page", 200, "该事项不存在"), link(3, "broken", 503, "系统维护")]
    findings = services({"entries": [PLATFORM_ENTRY], "linked": True, "platform_links": links})
    assert codes(findings) == [("service.broken", "violation")] * 2
    assert {f.evidence["url"] for f in findings} == {ITEM.format(2), ITEM.format(3)}
    evidence = next(f.evidence for f in findings if f.evidence["url"] == ITEM.format(2))
    assert evidence == {"url": ITEM.format(2), "text": "事项2", "http_status": 200, "reason": "该事项不存在"}


def test_a_platform_that_is_down_makes_its_links_unverified_not_broken() -> None:
    links = [link(1, "platform_down", None, "connection_refused"), link(2, "platform_down", None, "timeout")]
    findings = services({"entries": [PLATFORM_ENTRY], "linked": True, "platform_links": links})
    assert codes(findings) == [("service.broken", "unverified")] * 2
    assert all(f.evidence["reason"] == "platform_down" for f in findings)


def test_an_unread_homepage_judges_nothing() -> None:
    assert services({"url": SITE.url, "status": None}, Outcome.FAILED) == []
    assert (
        INTERACTION_RULE.evaluate(SITE, observe(INTERACTION, {}, Outcome.FAILED), NOW.timestamp(), SETTINGS)
        == []
    )


# ---------------------------------------------------------------------------------------- interaction
WORKING = [{"url": "http://www.hunan.gov.cn/zxzx/", "text": "在线咨询", "working": True}]


def message(
    asked_days_ago: int, replied_days_ago: int | None, answered: bool | None = None
) -> dict[str, Any]:
    replied = None if replied_days_ago is None else (TODAY - dt.timedelta(days=replied_days_ago)).isoformat()
    return {
        "title": f"留言{asked_days_ago}",
        "url": None,
        "asked": (TODAY - dt.timedelta(days=asked_days_ago)).isoformat(),
        "replied": replied,
        "answered": answered if answered is not None else replied is not None,
    }


def listing(*messages: dict[str, Any], shows_replies: bool = True) -> dict[str, Any]:
    return {"channels": WORKING, "shows_replies": shows_replies, "messages": list(messages)}


def test_no_channel_or_only_broken_channels_is_a_veto() -> None:
    assert codes(interaction({"channels": [], "messages": []})) == [("interaction.missing", "violation")]
    broken = [
        {
            "url": "http://www.hunan.gov.cn/zxzx/",
            "text": "在线咨询",
            "working": False,
            "http_status": None,
            "reason": "系统维护",
        }
    ]
    findings = interaction({"channels": broken, "messages": []})
    assert codes(findings) == [("interaction.missing", "violation")]
    assert findings[0].evidence["channels"] == broken


def test_a_working_channel_with_prompt_replies_is_clean() -> None:
    assert interaction(listing(message(3, 2), message(40, 39), message(200, 199))) == []


def test_unanswered_for_exactly_92_days_is_not_yet_more_than_3_months() -> None:
    # 3 months = 92 days (the longest three calendar months); "more than" means from day 93
    settings = Settings(
        inspection=InspectionSettings(windows={"2026Q4": (dt.date(2026, 10, 1), dt.date(2026, 11, 1))})
    )
    findings = interaction(listing(message(92, None), message(1, 0)), settings)
    assert codes(findings) == [("interaction.unanswered", "at_risk")]
    assert findings[0].due == dt.datetime(2026, 11, 28, tzinfo=SHANGHAI)


def test_unanswered_for_93_days_is_a_veto() -> None:
    findings = interaction(listing(message(93, None), message(1, 0)))
    assert codes(findings) == [("interaction.unanswered", "violation")]
    assert findings[0].severity.value == "veto" and findings[0].count == 1
    assert findings[0].evidence["messages"][0]["days"] == 93


def test_a_reply_that_came_after_more_than_3_months_still_counts_within_the_year() -> None:
    assert codes(interaction(listing(message(150, 50), message(1, 0)))) == [
        ("interaction.unanswered", "violation")
    ]


def test_messages_older_than_a_year_are_not_judged() -> None:
    assert interaction(listing(message(366, None), message(1, 0))) == []


def test_a_fresh_unanswered_message_is_at_risk_only_if_its_deadline_can_be_sampled() -> None:
    # deadline 2027-02-27: inside the next quarter's whole-quarter window
    findings = interaction(listing(message(1, None), message(2, 1)))
    assert codes(findings) == [("interaction.unanswered", "at_risk")]
    assert findings[0].due == dt.datetime(2027, 2, 27, tzinfo=SHANGHAI)
    # with 2027Q1's window ending in January, nobody will sample it past its deadline: no finding
    early = Settings(
        inspection=InspectionSettings(windows={"2027Q1": (dt.date(2027, 1, 5), dt.date(2027, 1, 20))})
    )
    assert interaction(listing(message(1, None), message(2, 1)), early) == []


def test_without_published_replies_nothing_about_answers_is_judged() -> None:
    assert interaction(listing(message(200, None, answered=None), shows_replies=False)) == []


def test_no_reply_within_61_days_is_a_deduction() -> None:
    findings = interaction(listing(message(70, 62)))
    assert codes(findings) == [("interaction.replies_stale", "violation")]
    assert findings[0].severity.value == "deduction"
    assert findings[0].evidence["last_reply"] == (TODAY - dt.timedelta(days=62)).isoformat()


def test_a_reply_61_days_ago_is_still_within_two_months_but_at_risk() -> None:
    findings = interaction(listing(message(63, 61)))
    assert codes(findings) == [("interaction.replies_stale", "at_risk")]
    assert findings[0].due == dt.datetime(2026, 11, 28, tzinfo=SHANGHAI)


def test_recent_replies_are_not_at_risk_before_the_warning_level() -> None:
    assert interaction(listing(message(45, 44))) == []
    assert codes(interaction(listing(message(46, 45)))) == [("interaction.replies_stale", "at_risk")]


def test_a_platform_answering_bots_with_403_is_unverified() -> None:
    findings = services(
        {"entries": [PLATFORM_ENTRY], "linked": True, "platform_links": [link(1, "blocked", 403)]}
    )
    assert codes(findings) == [("service.broken", "unverified")]


def test_a_channel_govmon_could_not_open_leaves_the_channel_veto_unverified() -> None:
    refused = [
        {"url": "http://www.hunan.gov.cn/zxzx/", "text": "在线咨询", "working": None, "reason": "http_403"},
        {
            "url": "http://www.hunan.gov.cn/szxx/",
            "text": "市长信箱",
            "working": False,
            "reason": "页面不存在",
        },
    ]
    assert codes(interaction({"channels": refused, "messages": []})) == [
        ("interaction.missing", "unverified")
    ]


def test_unchecked_platform_links_are_unverified_and_truncated_runs_do_not_conclude_not_linked() -> None:
    local = {"url": "http://www.hunan.gov.cn/bsfw/", "text": "办事服务", "via": "label", "platform": False}
    assert services({"entries": [local], "linked": False, "truncated": True, "platform_links": []}) == []
    unchecked = link(1, "unchecked", None, "time_budget")
    findings = services({"entries": [PLATFORM_ENTRY], "linked": True, "platform_links": [unchecked]})
    assert codes(findings) == [("service.broken", "unverified")]
