"""site.unreachable (站点无法访问, 单项否决 by 国办秘函〔2019〕19号).

Over the rolling ``window_days`` (7), a site is in violation when failed probes reach ``fail_ratio``
(5 %) of at least ``min_probes`` samples (the indicator asks for ≥ 20 a day, so 140 a week). With fewer
samples there is no verdict: govmon does not judge on data it does not have. Discarded samples (taken
while govmon itself was unwell) never count. From ``warn_ratio`` (3 %) the site is ``at_risk``, with
``due`` projected from the last day's failure rate as old samples leave the window.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from monitor.clock import to_datetime
from monitor.model import Finding, Outcome, Severity, Site, Status, Target
from monitor.observations import AVAILABILITY as PROBE_CHECK
from monitor.observations import ProbeSample
from monitor.rules.base import History, Rule, make_finding
from monitor.settings import AvailabilitySettings, Settings

CODE = "site.unreachable"
DAY_S = 86400.0
RECENT_FAILURES_SHOWN = 10


def valid_samples(history: History, now: float, window_s: float) -> list[ProbeSample]:
    """Judged (not discarded) samples in ``(now - window_s, now]``, oldest first."""
    return sorted(
        (
            ProbeSample.from_observation(obs)
            for obs in history.get(PROBE_CHECK, ())
            if obs.outcome is Outcome.OK and now - window_s < obs.observed_at <= now
        ),
        key=lambda sample: sample.at,
    )


def project_due(samples: Sequence[ProbeSample], now: float, cfg: AvailabilitySettings) -> float | None:
    """When the window's failure ratio reaches ``fail_ratio`` if the last day's failure rate goes on.

    Steps forward one probe interval at a time for up to a window: samples older than the window drop
    out, new ones arrive at ``probes_per_day`` with the recent failure share. None: not at this pace.
    """
    window_s = cfg.window_days * DAY_S
    recent = [s for s in samples if s.at > now - min(DAY_S, window_s)]
    if not recent:
        return None
    recent_fail_share = sum(not s.ok for s in recent) / len(recent)
    times = [s.at for s in samples]
    failed_prefix = [0]
    for sample in samples:
        failed_prefix.append(failed_prefix[-1] + (not sample.ok))
    interval_s = DAY_S / cfg.probes_per_day
    step_s = max(interval_s, window_s / 2000)
    ahead_s = step_s
    while ahead_s <= window_s:
        first_kept = bisect.bisect_right(times, now + ahead_s - window_s)
        kept = len(samples) - first_kept
        kept_failed = failed_prefix[-1] - failed_prefix[first_kept]
        new = ahead_s / interval_s
        total = kept + new
        failed = kept_failed + recent_fail_share * new
        if total >= cfg.min_probes and failed / total >= cfg.fail_ratio:
            return now + ahead_s
        ahead_s += step_s
    return None


def lookback_s(settings: Settings) -> float:
    return settings.availability.window_days * DAY_S


def site_unreachable(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """site.unreachable: the failed share of the window's judged probes against the veto and warning lines."""
    if not isinstance(target, Site):
        return []
    cfg = settings.availability
    samples = valid_samples(history, now, cfg.window_days * DAY_S)
    total = len(samples)
    if total < cfg.min_probes:
        return []  # too few samples: no verdict either way
    failures = [s for s in samples if not s.ok]
    ratio = len(failures) / total
    evidence = {
        "url": target.url,
        "probes": total,
        "failures": len(failures),
        "failure_ratio": round(ratio, 4),
        "window_days": cfg.window_days,
        "recent_failures": [
            {
                "at": to_datetime(s.at).isoformat(timespec="seconds"),
                "reason": s.reason,
                "http_status": s.status,
                "latency_s": s.latency_s,
            }
            for s in failures[-RECENT_FAILURES_SHOWN:]
        ],
    }
    summary = f"近 {cfg.window_days:g} 天 {total} 次探测中 {len(failures)} 次无法访问（{ratio:.2%}）"
    if ratio >= cfg.fail_ratio:
        message = f"{summary}，达到 {cfg.fail_ratio:.0%} 的单项否决线（站点无法访问）"
        return [
            make_finding(
                target,
                CODE,
                Severity.VETO,
                Status.VIOLATION,
                message,
                now,
                evidence=evidence,
                count=len(failures),
            )
        ]
    if ratio >= cfg.warn_ratio:
        due_at = project_due(samples, now, cfg)
        message = f"{summary}，已超过 {cfg.warn_ratio:.0%} 预警线，{cfg.fail_ratio:.0%} 即单项否决"
        return [
            make_finding(
                target,
                CODE,
                Severity.VETO,
                Status.AT_RISK,
                message,
                now,
                evidence=evidence,
                count=len(failures),
                due=to_datetime(due_at) if due_at else None,
            )
        ]
    return []


RULE = Rule(CODE, {CODE: Severity.VETO}, (PROBE_CHECK,), lookback_s, site_unreachable)
