"""IPv6 支持 (``site.ipv6_missing``, deduction), only where the province requires it (``ipv6.required``,
``ipv6.regions``; off by default).

A violation when the homepage's name has no AAAA record, or has one and the homepage does not open over
IPv6 while it does over IPv4. When the resolver could not be asked, or the homepage opened over neither
IP version, govmon cannot tell: ``unverified`` with the reason, never a violation. The newest ``ipv6``
observation within two check intervals judges; none, nothing is judged.
"""

from __future__ import annotations

from monitor.model import Finding, Outcome, Severity, Site, Status, Target
from monitor.observations import IPV6, IPV6_DNS_FAILED, Ipv6Read
from monitor.rules.base import History, Rule, latest, make_finding
from monitor.settings import Settings

CODE = "site.ipv6_missing"


def ipv6_missing(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """site.ipv6_missing: no AAAA record, or a homepage that does not open over IPv6."""
    if not isinstance(target, Site) or not settings.ipv6.judged_in(target.region):
        return []
    observation = latest(history, IPV6, now)
    if observation is None:
        return []
    read = Ipv6Read.from_observation(observation)
    evidence: dict[str, object] = {"url": f"{target.url.split('#')[0]}#ipv6", "host": read.host}
    if observation.outcome is not Outcome.OK:
        if observation.reason == IPV6_DNS_FAILED:
            message = f"无法查询 {read.host} 的 AAAA 记录（{read.dns_error}），未判断 IPv6 支持"
        else:
            why = f"IPv6：{read.reason or '无 AAAA 记录'}；IPv4：{read.ipv4_reason or '失败'}"
            message = f"首页通过 IPv6 和 IPv4 均无法打开（{why}），未判断 IPv6 支持"
        evidence |= {"dns_error": read.dns_error, "reason": read.reason, "ipv4_reason": read.ipv4_reason}
        status = Status.UNVERIFIED
    elif not read.addresses:
        message = f"域名 {read.host} 没有 AAAA 记录，网站不支持 IPv6 访问"
        status = Status.VIOLATION
    elif read.opened is False:
        detail = f"：{read.detail}" if read.detail else ""
        message = f"首页无法通过 IPv6 打开（{read.reason}{detail}），IPv4 可以打开"
        evidence |= {"addresses": list(read.addresses), "reason": read.reason, "http_status": read.status}
        status = Status.VIOLATION
    else:
        return []
    return [make_finding(target, CODE, Severity.DEDUCTION, status, message, now, evidence=evidence)]


def lookback_s(settings: Settings) -> float:
    return 2 * settings.ipv6.interval_s


RULE = Rule(CODE, {CODE: Severity.DEDUCTION}, (IPV6,), lookback_s, ipv6_missing)
