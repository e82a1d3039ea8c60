"""IPv6 支持: does the homepage's name have an AAAA record, and does the homepage open over IPv6?

Provinces that require IPv6 (推进互联网协议第六版规模部署; 国办秘函〔2019〕19号 leaves it to them) ask both:
a published AAAA record, and a homepage that then answers over IPv6. The check runs once a day
(``ipv6.interval_s``) and only where ``ipv6.required`` is on for the site's region (``Check.enabled``).

It never blames a site for trouble that is not the site's: when the resolver cannot be asked, or the
homepage opens over neither IPv6 nor IPv4 (the site is down, which ``site.unreachable`` judges), the
observation is FAILED with that reason and the rule says ``unverified``.

Payload: ``monitor.observations.Ipv6Read``.
"""

from __future__ import annotations

import dataclasses
import socket
from urllib.parse import urlsplit

from monitor.checks.base import Check, CheckContext
from monitor.model import Observation, Outcome, Site, Target
from monitor.observations import IPV6 as NAME
from monitor.observations import IPV6_DNS_FAILED, IPV6_UNREACHABLE, Ipv6Read
from monitor.settings import Settings


def interval_s(settings: Settings) -> float:
    return settings.ipv6.interval_s


def required(target: Target, settings: Settings) -> bool:
    """IPv6 is judged on ``target``: ``ipv6.required``, and its region listed when ``ipv6.regions`` is."""
    return settings.ipv6.judged_in(target.region)


async def check_ipv6(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """Ask for the AAAA records of the homepage's host, then open the homepage over IPv6."""
    timeout_s = ctx.settings.ipv6.timeout_s
    host = urlsplit(target.url).hostname or ""
    lookup = await ctx.fetcher.addresses(host, socket.AF_INET6, timeout_s=timeout_s)
    read = Ipv6Read(target.url, host, lookup.addresses, lookup.error)
    if lookup.error is not None:
        return _observe(target, job_id, ctx, read, IPV6_DNS_FAILED)
    if not lookup.addresses:
        return _observe(target, job_id, ctx, read)
    result = await ctx.fetcher.get(target.url, purpose="ipv6", timeout_s=timeout_s, family=socket.AF_INET6)
    reason = None if result.ok else (result.reason or "failed")
    read = dataclasses.replace(
        read,
        opened=result.ok,
        status=result.status,
        final_url=result.final_url,
        reason=reason,
        detail=result.detail or None,
    )
    if result.ok:
        return _observe(target, job_id, ctx, read)
    ipv4 = await ctx.fetcher.get(target.url, purpose="ipv6", timeout_s=timeout_s, family=socket.AF_INET)
    if ipv4.ok:
        return _observe(target, job_id, ctx, read)
    return _observe(target, job_id, ctx, dataclasses.replace(read, ipv4_reason=ipv4.reason), IPV6_UNREACHABLE)


def _observe(
    target: Site, job_id: str, ctx: CheckContext, read: Ipv6Read, failed: str | None = None
) -> Observation:
    outcome = Outcome.OK if failed is None else Outcome.FAILED
    return Observation(NAME, target.id, job_id, ctx.clock.now(), outcome, failed, read.to_payload())


CHECK = Check(NAME, Site, interval_s, check_ipv6, enabled=required)
