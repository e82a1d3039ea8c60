"""站点无法访问: probe a site's homepage the way an inspector's browser would.

A probe fails when the homepage is not fully received within ``availability.timeout_s`` (15 s by
国办秘函〔2019〕19号; 15.0 s already fails) or answers with an error status. It is never retried: every
sample stands as measured. A failed probe is discarded (not counted against the site) when govmon was
not healthy enough to judge it: its event loop lagged beyond ``max_loop_lag_s`` during the probe, or the
control probes failed too. Discarded probes are stored (outcome ``discarded``) and counted in metrics.

A 403 or 429 is what firewalls answer a user agent they take for a robot: the probe is asked again at once
as a common browser asks (``availability.browser_user_agent``, its usual Accept headers), and what that
browser sees is the sample, its ``reason`` saying so (``browser_after_403``). A site that blocks only
govmon is not unreachable to its visitors; one that refuses the browser too is.

Payload: ``monitor.observations.ProbeSample``: ``{"ok", "latency_s", "status", "reason", "url"}``.
"""

from __future__ import annotations

import time

from monitor.checks.base import Check, CheckContext
from monitor.model import Observation, Outcome, Site
from monitor.observations import AVAILABILITY as NAME
from monitor.observations import ProbeSample
from monitor.settings import Settings

BLOCKING_STATUSES = (403, 429)
BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
}


class DiscardReason:
    LOOP_LAG = "loop_lag"
    CONTROL_FAILED = "control_failed"


def interval_s(settings: Settings) -> float:
    return 86400.0 / settings.availability.probes_per_day


async def probe(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """One availability sample of the site's homepage (discarded when govmon was unwell)."""
    timeout_s = ctx.settings.availability.timeout_s
    started = time.monotonic()
    result = await ctx.fetcher.probe(target.url, timeout_s=timeout_s)
    asked_again = None
    if result.status in BLOCKING_STATUSES:  # a firewall's answer to robots: ask as a visitor's browser would
        asked_again = result.status
        headers = BROWSER_HEADERS | {"User-Agent": ctx.settings.availability.browser_user_agent}
        started = time.monotonic()
        result = await ctx.fetcher.probe(target.url, timeout_s=timeout_s, headers=headers)
    observed_at = ctx.clock.now()
    # 15.0 s already fails (indicators.md); the fetcher's deadline fires at timeout_s, this catches a
    # response that completed on the boundary.
    failed = not result.ok or result.elapsed_s >= timeout_s
    reason = result.failure.value if result.failure else ("timeout" if failed else None)
    if asked_again is not None:
        reason = f"browser_after_{asked_again}" + (f":{reason}" if reason else "")
    sample = ProbeSample(
        at=observed_at,
        ok=not failed,
        latency_s=result.elapsed_s,
        status=result.status,
        reason=reason,
        url=target.url,
    )
    # Only failures are discarded: a page that arrived in time despite our own trouble is sound
    # evidence the site was up, and dropping successes alone would inflate the failure ratio.
    discard = None
    if failed and ctx.loop_watch.max_lag_since(started) > ctx.settings.availability.max_loop_lag_s:
        discard = DiscardReason.LOOP_LAG  # our loop stalled: the time we measured is partly ours
    elif failed and not await ctx.controls.network_healthy():
        discard = DiscardReason.CONTROL_FAILED  # the control sites failed too: the trouble is ours
    if discard:
        ctx.metrics.probes_discarded.labels(discard).inc()
        ctx.log.info("probe.discarded", target=target.id, reason=discard, failure=sample.reason)
        return Observation(
            NAME,
            target.id,
            job_id,
            observed_at,
            Outcome.DISCARDED,
            discard,
            sample.to_payload(),
        )
    ctx.metrics.probes.labels("ok" if sample.ok else "failed").inc()
    ctx.log.debug(
        "probe.done", target=target.id, ok=sample.ok, latency_s=sample.latency_s, reason=sample.reason
    )
    return Observation(NAME, target.id, job_id, observed_at, Outcome.OK, sample.reason, sample.to_payload())


CHECK = Check(NAME, Site, interval_s, probe)
