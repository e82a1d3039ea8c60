"""links.broken_homepage and links.broken (首页 / 其他页面不可用链接, deductions by 国办秘函〔2019〕19号).

From the newest ``links`` observation (within two check intervals): one finding per broken link, on the
homepage (``links.broken_homepage``) or on another page (``links.broken``), status ``violation``; a link
whose host answered govmon's requests with 403/429 gets the same code with status ``unverified`` — the
host refuses robots, which says nothing about what a reader sees. A cycle that could not read the
homepage (a FAILED observation) yields no link finding: no verdict on what was not seen.

Evidence: ``{"url", "text", "http_status", "reason", "page", "detail"}``; ``url`` is the link's, so each
link is its own finding (finding identity is target | code | evidence.url).
"""

from __future__ import annotations

from monitor.model import Finding, Severity, Site, Status, Target
from monitor.observations import LINKS as LINKS_CHECK
from monitor.observations import LinkProblem, LinksRead
from monitor.rules.base import History, Rule, make_finding, newest_if_ok
from monitor.settings import Settings

HOMEPAGE_CODE = "links.broken_homepage"
OTHER_CODE = "links.broken"
REASONS_ZH = {
    "soft404": "页面显示错误信息",
    "redirect_home": "跳转到首页",
    "bot_blocked": "拒绝自动访问",
    "timeout": "超时",
    "dns": "域名无法解析",
    "connection_refused": "连接被拒绝",
    "connection_reset": "连接中断",
    "tls": "证书或加密错误",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向过多",
}


def _reason_zh(reason: str | None, status: int | None) -> str:
    if reason and reason.startswith("http_"):
        return f"HTTP {status}"
    return REASONS_ZH.get(reason or "", reason or "无法访问")


def lookback_s(settings: Settings) -> float:
    return 2 * settings.links.interval_s


def broken_links(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """links.broken_homepage and links.broken: one finding per broken (or unverified) link of the newest cycle."""
    if not isinstance(target, Site):
        return []
    newest = newest_if_ok(history, LINKS_CHECK, now)
    if newest is None:
        return []
    read = LinksRead.from_observation(newest)
    findings = []
    for entry, status in [(e, Status.VIOLATION) for e in read.broken] + [
        (e, Status.UNVERIFIED) for e in read.unverified
    ]:
        findings.append(link_finding(target, entry, status, newest.observed_at))
    return findings


def link_finding(target: Target, entry: LinkProblem, status: Status, at: float) -> Finding:
    code = HOMEPAGE_CODE if entry.on_homepage else OTHER_CODE
    where = "首页" if entry.on_homepage else "页面"
    text = entry.text or entry.url
    why = _reason_zh(entry.reason, entry.http_status)
    if status is Status.UNVERIFIED:
        message = f"{where}链接“{text}”的网站拒绝自动访问（HTTP {entry.http_status}），无法核实"
    else:
        message = f"{where}链接“{text}”不可用：{why}"
    evidence = {
        "url": entry.url,
        "text": entry.text,
        "http_status": entry.http_status,
        "reason": entry.reason,
        "detail": entry.detail,
        "page": entry.page,
    }
    return make_finding(target, code, Severity.DEDUCTION, status, message, at, evidence=evidence)


RULE = Rule(
    "links",
    {HOMEPAGE_CODE: Severity.DEDUCTION, OTHER_CODE: Severity.DEDUCTION},
    (LINKS_CHECK,),
    lookback_s,
    broken_links,
)
