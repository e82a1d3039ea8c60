"""What the homepage must link (国办秘函〔2019〕19号, deductions), judged on the newest homepage read.

- ``homepage.annual_report_missing`` (年度报表): from ``homepage.annual_report_due`` (1 February) no
  homepage link to the previous year's 政府网站工作年度报表 is a violation; in January, before it is due, the
  same absence is ``at_risk`` with ``due`` that day. A link to an older year's report does not count; a link
  that names no year (to the reports' list page, say) cannot show which year it holds: ``unverified``.
- ``homepage.required_topic_missing`` (重要专题): each topic of ``homepage.required_topics`` whose date range
  holds the monitoring point, on a site it applies to, that no homepage link shows. The indicator asks for
  the topic on the first screen; govmon reads links, not layout, so a topic anywhere on the homepage counts.

A newest read that failed, or one stored before govmon read these links, judges nothing.
"""

from __future__ import annotations

import datetime as dt

from monitor.deadlines import day_of, start_of
from monitor.model import Finding, Severity, Site, Status, Target
from monitor.observations import HOMEPAGE, HomepageLink, HomepageRead
from monitor.rules.base import History, Rule, make_finding, newest_if_ok
from monitor.settings import RequiredTopic, Settings

REPORT_CODE = "homepage.annual_report_missing"
TOPIC_CODE = "homepage.required_topic_missing"


def _read(target: Target, history: History, now: float) -> HomepageRead | None:
    if not isinstance(target, Site):
        return None
    observation = newest_if_ok(history, HOMEPAGE, now)
    return HomepageRead.from_observation(observation) if observation is not None else None


def _home(read: HomepageRead, target: Site) -> str:
    return (read.final_url or read.url or target.url).split("#")[0]


def annual_report_missing(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """homepage.annual_report_missing: no homepage link to last year's 政府网站工作年度报表 (from the due day)."""
    read = _read(target, history, now)
    if read is None or read.annual_reports is None or not settings.homepage.annual_report:
        return []
    assert isinstance(target, Site)
    today = day_of(now)
    year = today.year - 1
    if any(link.year is not None and link.year >= year for link in read.annual_reports):
        return []
    due_day = settings.homepage.annual_report_due_day(today.year)
    due = start_of(due_day) if today < due_day else None
    undated = [link for link in read.annual_reports if link.year is None]
    home = _home(read, target)
    wanted = f"{year}年度政府网站工作年度报表"
    if undated:
        status = Status.UNVERIFIED
        message = f"首页的“{undated[0].label}”链接未注明年份，无法核实是否为{wanted}"
    else:
        older = sorted({link.year for link in read.annual_reports if link.year is not None}, reverse=True)
        seen = f"（首页只有{'、'.join(f'{y}年度' for y in older)}的报表）" if older else ""
        status = Status.AT_RISK if due is not None else Status.VIOLATION
        message = f"首页没有{wanted}的链接{seen}"
        if due is not None:
            message += f"，{due_day.month}月{due_day.day}日起计为扣分"
    evidence = {
        "url": f"{home}#annual_report-{year}",
        "page": home,
        "year": year,
        "links": [_link(link) for link in read.annual_reports],
    }
    return [
        make_finding(
            target, REPORT_CODE, Severity.DEDUCTION, status, message, now, evidence=evidence, due=due
        )
    ]


def _link(link: HomepageLink) -> dict[str, object]:
    return {"url": link.url, "text": link.label, "year": link.year}


def topic_applies(topic: RequiredTopic, site: Site, today: dt.date) -> bool:
    """The topic is required of ``site`` on ``today`` (a site without a type counts as a portal)."""
    if not topic.start <= today <= topic.end:
        return False
    if topic.types and (site.type or "portal") not in topic.types:
        return False
    return not topic.regions or site.region in topic.regions


def required_topic_missing(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """homepage.required_topic_missing: one finding per required topic no homepage link shows."""
    read = _read(target, history, now)
    if read is None or read.topics is None:
        return []
    assert isinstance(target, Site)
    today = day_of(now)
    home = _home(read, target)
    findings = []
    for topic in settings.homepage.required_topics:
        if not topic_applies(topic, target, today) or topic.name not in read.topics:
            continue  # not required now, or configured after the read: nothing to judge it on
        if read.topics[topic.name] is not None:
            continue
        span = f"{topic.start.month}月{topic.start.day}日至{topic.end.month}月{topic.end.day}日"
        message = f"首页未见重要专题“{topic.name}”（{span}须在首页显著位置展示）"
        evidence = {
            "url": f"{home}#topic-{topic.name}",
            "page": home,
            "topic": topic.name,
            "start": topic.start.isoformat(),
            "end": topic.end.isoformat(),
        }
        findings.append(
            make_finding(
                target, TOPIC_CODE, Severity.DEDUCTION, Status.VIOLATION, message, now, evidence=evidence
            )
        )
    return findings


def lookback_s(settings: Settings) -> float:
    return 2 * settings.crawl.homepage_interval_s


REPORT_RULE = Rule(
    REPORT_CODE, {REPORT_CODE: Severity.DEDUCTION}, (HOMEPAGE,), lookback_s, annual_report_missing
)
TOPIC_RULE = Rule(
    TOPIC_CODE, {TOPIC_CODE: Severity.DEDUCTION}, (HOMEPAGE,), lookback_s, required_topic_missing
)
