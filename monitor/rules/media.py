"""New-media silence rules (国办秘函〔2019〕19号, 国办发〔2018〕123号), judged on what the ``media`` check read.

* ``media.stale`` (veto): no post within ``stale_days`` (14) before the monitoring point.
* ``media.stale_week`` (deduction): no post within ``week_days`` (7); not reported when ``media.stale`` is
  a violation (one silence, counted once, under its heaviest indicator).
* ``media.never_published`` (veto): a readable source with no entry at all, ``stale_days`` after the
  account's ``registered_at`` (or, without one, after govmon first watched it).
* ``media.interaction_missing`` (veto): only when the inventory says ``interaction: false`` or the source
  reports it; never guessed.
* ``media.feed_unreachable`` (warning, ``unverified``): the latest attempt to read the account failed. No
  silence verdict is then given: an account is judged only on data govmon actually saw. A readable but
  empty feed is data (nothing published). A 304 carries the previous reading forward.

Days are calendar days in Asia/Shanghai: a post dated D is within an N-day window at T while
date(T) − D ≤ N, stale from D + N + 1 (``monitor.deadlines``). Undated entries count as not updated, and
entries dated after the monitoring point are ignored. Each window rule is also ``at_risk`` once the account
has been silent ``warn_days`` (10, the customary early warning) / ``week_warn_days`` (5) and its stale day
falls on or before a day the inspector may still sample (current or next sampling window), with ``due`` the
start of that stale day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from monitor.clock import to_datetime
from monitor.deadlines import day_of, first_sampled_day_from, stale_from, start_of, upcoming_windows
from monitor.model import Account, Finding, Observation, Outcome, Severity, Status, Target
from monitor.observations import MEDIA as MEDIA_CHECK
from monitor.observations import MediaRead, MediaReading
from monitor.rules.base import History, Rule, make_finding
from monitor.settings import MediaWindows, Settings

STALE = "media.stale"
STALE_WEEK = "media.stale_week"
NEVER_PUBLISHED = "media.never_published"
INTERACTION_MISSING = "media.interaction_missing"
FEED_UNREACHABLE = "media.feed_unreachable"
DAY_S = 86400.0


def _moment(text: str | None) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def last_reading(observations: Sequence[Observation]) -> Observation | None:
    """The newest OK observation that holds a reading (a 304 without a carried reading looks further back)."""
    for obs in reversed(observations):
        if obs.outcome is Outcome.OK and MediaRead.from_observation(obs).reading is not None:
            return obs
    return None


def newest_post(reading: MediaReading, now: dt.datetime) -> dt.datetime | None:
    """The newest dated entry not after ``now``, from the reading's recent entries."""
    moments = [_moment(p.published) for p in reading.recent]
    moments.append(_moment(reading.newest))
    past = [m for m in moments if m is not None and m <= now]
    return max(past, default=None)


def lookback_s(settings: Settings) -> float:
    return max(DAY_S, 3 * settings.media.poll_interval_s)


def judge_media(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """The account's findings: ``interaction_missing``, then ``feed_unreachable`` or ``silence``."""
    if not isinstance(target, Account):
        return []
    observations = sorted(
        (
            o
            for o in history.get(MEDIA_CHECK, ())
            if o.observed_at <= now and o.outcome is not Outcome.DISCARDED
        ),
        key=lambda o: o.observed_at,
    )
    reading = last_reading(observations)
    findings = interaction_missing(target, reading, now)
    if not observations:
        return findings
    latest = observations[-1]
    if latest.outcome is Outcome.FAILED:
        return [*findings, feed_unreachable(target, observations, reading, now)]
    if reading is None:
        return findings
    windows = settings.media.windows_for(target.id, target.region)
    return findings + silence(target, reading, now, windows, settings)


def interaction_missing(target: Account, reading: Observation | None, now: float) -> list[Finding]:
    reported = _reading(reading).interaction if reading is not None else None
    if target.interaction is not False and reported is not False:
        return []
    source = "清单登记" if target.interaction is False else "平台报告"
    return [
        make_finding(
            target,
            INTERACTION_MISSING,
            Severity.VETO,
            Status.VIOLATION,
            f"账号无互动功能（{source}），互动回应差",
            now,
            evidence={
                "url": _url(target),
                "source": "inventory" if target.interaction is False else "source",
            },
        )
    ]


def feed_unreachable(
    target: Account, observations: Sequence[Observation], reading: Observation | None, now: float
) -> Finding:
    failed = 0
    for obs in reversed(observations):
        if obs.outcome is not Outcome.FAILED:
            break
        failed += 1
    latest = observations[-1]
    read = MediaRead.from_observation(latest)
    since = observations[-failed].observed_at
    evidence = {
        "url": _url(target),
        "reason": latest.reason,
        "detail": read.detail,
        "http_status": read.status,
        "failed_attempts": failed,
        "failing_since": _iso(since),
        "last_reading_at": _iso(reading.observed_at) if reading else None,
    }
    message = f"无法读取账号内容源（{latest.reason}），连续 {failed} 次；无法判断更新情况"
    return make_finding(
        target,
        FEED_UNREACHABLE,
        Severity.WARNING,
        Status.UNVERIFIED,
        message,
        now,
        evidence=evidence,
        count=failed,
    )


def silence(
    target: Account, reading: Observation, now_s: float, windows: MediaWindows, settings: Settings
) -> list[Finding]:
    read = MediaRead.from_observation(reading)
    posts = _reading(reading)
    now = dt.datetime.fromtimestamp(now_s, tz=dt.UTC)
    today = day_of(now_s)
    sampled = upcoming_windows(today, settings.inspection)
    evidence: dict[str, Any] = {
        "url": _url(target),
        "entries": posts.entries,
        "future": posts.future,
        "read_at": posts.read_at,
        "not_modified": read.not_modified,
    }
    if not posts.entries:
        since = target.registered_at or _day(read.watched_since) or day_of(reading.observed_at)
        evidence |= {"since": since.isoformat(), "window_days": windows.stale_days, "newest": None}
        turn = stale_from(since, windows.stale_days)
        label = "登记" if target.registered_at else "纳入监测"
        if today >= turn:
            message = f"自 {since.isoformat()}（{label}）以来未发布任何内容"
            return [_finding(target, NEVER_PUBLISHED, Severity.VETO, None, message, now_s, evidence)]
        if first_sampled_day_from(turn, sampled) is None:
            return []
        message = f"自 {since.isoformat()}（{label}）以来未发布任何内容，{turn.isoformat()} 起即单项否决"
        return [_finding(target, NEVER_PUBLISHED, Severity.VETO, turn, message, now_s, evidence)]
    newest = newest_post(posts, now)
    evidence["newest"] = newest.isoformat(timespec="seconds") if newest else None
    if newest is None:
        message = "内容源中没有注明发布时间（或时间在监测时间点之后）的内容，视为未更新"
        return [_finding(target, STALE, Severity.VETO, None, message, now_s, evidence)]
    last_day = day_of(newest.timestamp())
    idle_days = (today - last_day).days
    evidence["idle_days"] = idle_days
    findings = []
    stale_turn = stale_from(last_day, windows.stale_days)
    week_turn = stale_from(last_day, windows.week_days)
    if today >= stale_turn:
        message = f"最近 {windows.stale_days} 天未发布内容（最新 {last_day.isoformat()}，已 {idle_days} 天）"
        ev = evidence | {"window_days": windows.stale_days}
        return [_finding(target, STALE, Severity.VETO, None, message, now_s, ev)]
    if idle_days >= min(windows.warn_days, windows.stale_days) and first_sampled_day_from(
        stale_turn, sampled
    ):
        message = (
            f"已 {idle_days} 天未发布内容（最新 {last_day.isoformat()}），"
            f"{stale_turn.isoformat()} 起超过 {windows.stale_days} 天即单项否决"
        )
        ev = evidence | {"window_days": windows.stale_days}
        findings.append(_finding(target, STALE, Severity.VETO, stale_turn, message, now_s, ev))
    ev = evidence | {"window_days": windows.week_days}
    if today >= week_turn:
        message = f"最近 {windows.week_days} 天未发布内容（最新 {last_day.isoformat()}，已 {idle_days} 天）"
        findings.append(_finding(target, STALE_WEEK, Severity.DEDUCTION, None, message, now_s, ev))
    elif idle_days >= min(windows.week_warn_days, windows.week_days) and first_sampled_day_from(
        week_turn, sampled
    ):
        message = (
            f"已 {idle_days} 天未发布内容（最新 {last_day.isoformat()}），"
            f"{week_turn.isoformat()} 起超过 {windows.week_days} 天即扣分"
        )
        findings.append(_finding(target, STALE_WEEK, Severity.DEDUCTION, week_turn, message, now_s, ev))
    return findings


def _finding(
    target: Account,
    code: str,
    severity: Severity,
    due_day: dt.date | None,
    message: str,
    now: float,
    evidence: dict[str, Any],
) -> Finding:
    """A violation when ``due_day`` is None, else at_risk due at the start of that day."""
    status = Status.VIOLATION if due_day is None else Status.AT_RISK
    due = start_of(due_day) if due_day is not None else None
    return make_finding(target, code, severity, status, message, now, evidence=evidence, due=due)


def _url(target: Account) -> str:
    return target.feed or (target.list.url if target.list else "")


def _reading(observation: Observation) -> MediaReading:
    """The reading an observation chosen by ``last_reading`` holds."""
    reading = MediaRead.from_observation(observation).reading
    assert reading is not None
    return reading


def _day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _iso(epoch_s: float) -> str:
    return to_datetime(epoch_s).isoformat(timespec="seconds")


RULE = Rule(
    "media",
    {
        STALE: Severity.VETO,
        NEVER_PUBLISHED: Severity.VETO,
        INTERACTION_MISSING: Severity.VETO,
        STALE_WEEK: Severity.DEDUCTION,
        FEED_UNREACHABLE: Severity.WARNING,
    },
    (MEDIA_CHECK,),
    lookback_s,
    judge_media,
)
