"""办事服务 rules (国办秘函〔2019〕19号), from the latest ``services`` observation.

- ``service.missing`` (veto, 服务不实用): the homepage shows no service entry at all.
- ``service.not_linked`` (deduction, 办事服务未链接一体化平台): entries exist but none leads to a
  ``platform_domains`` host (directly, by redirect, or through the site's own 办事服务 page); one per site.
- ``service.broken`` (deduction, 一体化平台链接不可用): one per platform link that is broken or lands on the
  platform's error page; ``unverified`` when the platform host itself was down at the time (an outage of
  the platform is not the site's fault, and not a verdict on the link). Both the services check's entries
  and the platform links the ``links`` walk found on any page count (one finding per URL; the services
  read wins where both judged it), so a dead platform item linked from an article is reported too.

A homepage govmon could not read yields nothing: it judges only on what it read.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.model import Finding, Severity, Site, Status, Target
from monitor.observations import LINKS as LINKS_CHECK
from monitor.observations import SERVICES as SERVICES_CHECK
from monitor.observations import LinksRead, PlatformLink, ServicesRead
from monitor.rules.base import History, Rule, make_finding, newest_if_ok
from monitor.settings import Settings

MISSING = "service.missing"
NOT_LINKED = "service.not_linked"
BROKEN = "service.broken"
SHOWN = 20
RESULT_TEXT = {
    "broken": "无法打开",
    "error_page": "打开为平台错误页",
    "platform_down": "平台整体无法访问，未能核实",
    "blocked": "拒绝自动访问（403/429），未能核实",
    "unchecked": "本轮检查时间不足，未能核实",
}
UNVERIFIED_RESULTS = ("platform_down", "blocked", "unchecked")


def broken_findings(target: Target, links: Sequence[PlatformLink], now: float) -> list[Finding]:
    findings = []
    for link in links:
        result = link.result
        if result not in RESULT_TEXT:
            continue
        down = result == "platform_down"
        evidence = {
            "url": link.url,
            "text": link.text,
            "http_status": link.http_status,
            "reason": "platform_down" if down else link.reason,
        }
        message = f"一体化平台链接“{link.text}”{RESULT_TEXT[result]}"
        if link.reason and result not in UNVERIFIED_RESULTS:
            message += f"（{link.reason}）"
        status = Status.UNVERIFIED if result in UNVERIFIED_RESULTS else Status.VIOLATION
        findings.append(
            make_finding(target, BROKEN, Severity.DEDUCTION, status, message, now, evidence=evidence)
        )
    return findings


def lookback_s(settings: Settings) -> float:
    return max(3 * settings.services.interval_s, 2 * settings.links.interval_s)


def walked_platform_links(history: History, now: float, known: set[str]) -> list[PlatformLink]:
    """The platform links the newest ``links`` cycle found failing, less those in ``known``."""
    newest = newest_if_ok(history, LINKS_CHECK, now)
    if newest is None:
        return []
    return [p for p in LinksRead.from_observation(newest).platform_links if p.url not in known]


def judge_services(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """service.missing and service.not_linked from the newest read; service.broken from ``broken_findings``."""
    if not isinstance(target, Site):
        return []
    obs = newest_if_ok(history, SERVICES_CHECK, now)
    if obs is None:
        return broken_findings(target, walked_platform_links(history, now, set()), now)
    read = ServicesRead.from_observation(obs)
    entries = read.entries or ()
    if not entries and target.type != "other":  # 服务不实用: portals and department sites (model.SITE_TYPES)
        return [
            make_finding(
                target, MISSING, Severity.VETO, Status.VIOLATION,
                "首页未发现办事服务入口（办事服务、网上办事、政务服务、办事大厅、在线办理）", now,
                evidence={"url": target.url},
            )
        ]  # fmt: skip
    findings = []
    if entries and not read.linked and not read.truncated:
        shown = [{"url": e.url, "text": e.text} for e in entries[:SHOWN]]
        findings.append(
            make_finding(
                target, NOT_LINKED, Severity.DEDUCTION, Status.VIOLATION,
                f"{len(entries)} 个办事服务入口均未链接到一体化政务服务平台", now,
                evidence={"url": target.url, "entries": shown},
                count=len(entries),
            )
        )  # fmt: skip
    walked = walked_platform_links(history, now, {p.url for p in read.platform_links})
    findings += broken_findings(target, tuple(read.platform_links) + tuple(walked), now)
    return findings


RULE = Rule(
    "services",
    {MISSING: Severity.VETO, NOT_LINKED: Severity.DEDUCTION, BROKEN: Severity.DEDUCTION},
    (SERVICES_CHECK, LINKS_CHECK),
    lookback_s,
    judge_services,
)
