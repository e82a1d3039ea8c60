"""site.unreachable (站点无法访问, 单项否决 by 国办秘函〔2019〕19号).

Over the rolling ``window_days`` (7), a site is in violation when failed probes reach ``fail_ratio``
(5 %) of at least ``min_probes`` samples, with at least ``min_probes_per_day`` (20) on each day of the
window, as the indicator asks. The window's days are the 24-hour spans back from the monitoring point
(the newest ends at it), so a day is always whole and never split at midnight. A day with fewer judged
probes is not a judged day; a window with one, or with fewer than ``min_probes`` samples, gives no verdict:
govmon does not judge on data it does not have. Fewer than ``min_probes`` means the watch has only begun:
nothing is said. A thin day in an otherwise filled window, where the samples would have been at risk or
worse, is ``unverified`` with the reason (``only N probes`` on which day), never a veto. Discarded
samples (taken while govmon itself was unwell) never count. From ``warn_ratio`` (3 %) the site is
``at_risk``, with ``due`` projected from the last day's failure rate as old samples leave the window.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
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


@dataclasses.dataclass(frozen=True, slots=True)
class WindowDay:
    """One 24-hour span of the window, ``(start, end]``, with its judged probes and the floor it must reach."""

    start: float
    end: float
    probes: int
    required: int

    def to_json(self) -> dict[str, object]:
        return {
            "from": to_datetime(self.start).isoformat(timespec="seconds"),
            "to": to_datetime(self.end).isoformat(timespec="seconds"),
            "probes": self.probes,
            "required": self.required,
        }


def window_days(samples: Sequence[ProbeSample], now: float, cfg: AvailabilitySettings) -> list[WindowDay]:
    """The window cut into 24-hour spans back from ``now``, newest first; the oldest is shorter when
    ``window_days`` is not whole, and its floor is scaled to its length."""
    window_s = cfg.window_days * DAY_S
    times = [s.at for s in samples]
    days: list[WindowDay] = []
    end = now
    while end > now - window_s + 1e-6:
        start = max(now - window_s, end - DAY_S)
        probes = bisect.bisect_right(times, end) - bisect.bisect_right(times, start)
        required = math.ceil(cfg.min_probes_per_day * (end - start) / DAY_S - 1e-9)
        days.append(WindowDay(start, end, probes, required))
        end = start
    return days


def thin_message(
    thin: Sequence[WindowDay], days: int, total: int, failures: int, cfg: AvailabilitySettings
) -> str:
    """Why there is no verdict, naming the thinnest day: "only N probes on D"."""
    worst = min(thin, key=lambda day: (day.probes, -day.end))
    since = to_datetime(worst.start).strftime("%Y-%m-%d %H:%M")
    return (
        f"近 {cfg.window_days:g} 天 {total} 次有效探测中 {failures} 次无法访问，但 {days} 天中有 {len(thin)} 天"
        f"探测不足每天 {cfg.min_probes_per_day} 次（{since} 起的一天仅 {worst.probes} 次），无法判定"
    )


def lookback_s(settings: Settings) -> float:
    return settings.availability.window_days * DAY_S


def site_unreachable(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """site.unreachable: the failed share of the window's judged probes against the veto and warning lines."""
    if not isinstance(target, Site):
        return []
    cfg = settings.availability
    samples = valid_samples(history, now, cfg.window_days * DAY_S)
    total = len(samples)
    if not total:
        return []
    failures = [s for s in samples if not s.ok]
    ratio = len(failures) / total
    days = window_days(samples, now, cfg)
    thin = [day for day in days if day.probes < day.required]
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
    if total < cfg.min_probes:
        return []  # the watch has only begun (too few samples): no verdict either way, and nothing to say
    if thin:
        # a day below the floor inside a filled window: no verdict either way; where the data looks bad, say
        # so as unverified (never a veto from thin data)
        if ratio < cfg.warn_ratio:
            return []
        message = thin_message(thin, len(days), total, len(failures), cfg)
        evidence["thin_days"] = [day.to_json() for day in thin]
        evidence["min_probes"] = cfg.min_probes
        evidence["min_probes_per_day"] = cfg.min_probes_per_day
        return [
            make_finding(
                target,
                CODE,
                Severity.VETO,
                Status.UNVERIFIED,
                message,
                now,
                evidence=evidence,
                count=len(failures),
            )
        ]
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
