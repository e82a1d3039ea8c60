"""互动交流 rules (国办秘函〔2019〕19号), from the latest ``interaction`` observation.

- ``interaction.missing`` (veto, 互动回应差): no *working* consultation channel (咨询、建言、留言、信箱; 信访
  and 纪检举报 do not count): none found, or none opens as anything but an error page.
- ``interaction.unanswered`` (veto, 互动回应差): where the site publishes its messages with reply dates or a
  status, a message asked in the year before the monitoring point left unanswered "more than 3 months":
  more than ``unanswered_days`` (92, the longest three calendar months) days, i.e. from day asked + 93, the
  same "stale from D + N + 1" counting as every window. A reply that came later than that also counts: the
  message was left unanswered more than 3 months within the year. ``at_risk`` (due = the day it turns)
  for an unanswered message that will pass the line on a day of the current or next sampling window.
- ``interaction.replies_stale`` (deduction −3, 留言答复未更新): no reply dated within ``replies_stale_days`` (61,
  two months) before the monitoring point; judged only on lists that show reply dates. ``at_risk`` once
  ``replies_warn_days`` have passed without a reply and the deadline falls in a sampling window.

A homepage govmon could not read yields nothing: it judges only on what it read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from monitor.deadlines import (
    day_of,
    first_sampled_day_from,
    stale_from,
    start_of,
    upcoming_windows,
    within_window,
)
from monitor.model import Finding, Severity, Site, Status, Target
from monitor.observations import INTERACTION as INTERACTION_CHECK
from monitor.observations import InteractionRead, MessageRow
from monitor.rules.base import History, Rule, make_finding, newest_if_ok
from monitor.settings import Settings

MISSING = "interaction.missing"
UNANSWERED = "interaction.unanswered"
REPLIES_STALE = "interaction.replies_stale"
SHOWN = 20


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def lookback_s(settings: Settings) -> float:
    return 3 * settings.interaction.interval_s


def judge_interaction(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """interaction.missing from the newest read's channels; then ``unanswered`` and ``replies_stale``."""
    if not isinstance(target, Site):
        return []
    obs = newest_if_ok(history, INTERACTION_CHECK, now)
    if obs is None:
        return []
    read = InteractionRead.from_observation(obs)
    channels = read.channels or ()
    if not any(c.working for c in channels):
        message = "未发现可用的在线咨询、建言、留言或信箱渠道（信访、纪检举报不计）"
        if channels:
            message = f"{len(channels)} 个互动渠道均无法正常使用（信访、纪检举报不计）"
        evidence = {"url": target.url, "channels": [c.to_payload() for c in channels]}
        unknown = any(c.working is None for c in channels)
        if unknown:  # a channel refused govmon (403/429) or was not opened in time: no verdict
            message = f"{len(channels)} 个互动渠道中没有确认可用的渠道，部分渠道未能核实"
        status = Status.UNVERIFIED if unknown else Status.VIOLATION
        return [make_finding(target, MISSING, Severity.VETO, status, message, now, evidence=evidence)]
    if not read.shows_replies:
        return []  # the indicator judges replies only where the list shows them
    today = day_of(now)
    cfg = settings.interaction
    year = [
        m
        for m in read.messages
        if (asked := _day(m.asked)) is not None
        and asked <= today
        and within_window(asked, cfg.lookback_days, today)
    ]
    findings = []
    late = unanswered(target, year, today, now, settings)
    if late is not None:
        findings.append(late)
    stale = replies_stale(target, read.messages, today, now, settings)
    if stale is not None:
        findings.append(stale)
    return findings


def unanswered(
    target: Site, year: list[MessageRow], today: dt.date, now: float, settings: Settings
) -> Finding | None:
    limit = settings.interaction.unanswered_days
    windows = upcoming_windows(today, settings.inspection)
    late: list[dict[str, Any]] = []
    coming: list[tuple[dt.date, dict[str, Any]]] = []
    for m in year:
        asked = _day(m.asked)
        replied = _day(m.replied)
        assert asked is not None
        row = {"title": m.title, "url": m.url, "asked": m.asked, "replied": m.replied}
        turns = stale_from(asked, limit)
        if replied is not None and replied > today:
            replied = None  # a reply dated after the monitoring point was not there yet
        if replied is None:
            if m.answered is True and not m.replied:
                continue  # marked answered without a date: nothing to measure
            if today >= turns:
                late.append(row | {"days": (today - asked).days})
            elif first_sampled_day_from(turns, windows) is not None:
                coming.append((turns, row | {"days": (today - asked).days}))
        elif replied >= turns:
            late.append(row | {"days": (replied - asked).days})
    if late:
        return make_finding(
            target, UNANSWERED, Severity.VETO, Status.VIOLATION,
            f"近一年内 {len(late)} 条留言超过 3 个月（{limit} 天）未答复", now,
            evidence={"url": target.url, "messages": late[:SHOWN]}, count=len(late),
        )  # fmt: skip
    if coming:
        due_day = min(day for day, _ in coming)
        rows = [row for _, row in sorted(coming, key=lambda pair: pair[0])]
        return make_finding(
            target, UNANSWERED, Severity.VETO, Status.AT_RISK,
            f"{len(rows)} 条留言尚未答复，将于 {due_day.isoformat()} 起超过 3 个月", now,
            evidence={"url": target.url, "messages": rows[:SHOWN]}, count=len(rows), due=start_of(due_day),
        )  # fmt: skip
    return None


def replies_stale(
    target: Site,
    messages: Sequence[MessageRow],
    today: dt.date,
    now: float,
    settings: Settings,
) -> Finding | None:
    cfg = settings.interaction
    replies = [d for m in messages if (d := _day(m.replied)) is not None and d <= today]
    if not messages or (not replies and not all(m.unanswered for m in messages)):
        return None
    last = max(replies, default=None)
    evidence = {
        "url": target.url,
        "last_reply": last.isoformat() if last else None,
        "messages": len(messages),
    }
    if last is None or not within_window(last, cfg.replies_stale_days, today):
        since = f"最近一次答复为 {last.isoformat()}" if last else "留言列表中没有任何答复"
        return make_finding(
            target, REPLIES_STALE, Severity.DEDUCTION, Status.VIOLATION,
            f"{cfg.replies_stale_days} 天内未发布留言答复（{since}）", now, evidence=evidence,
        )  # fmt: skip
    turns = stale_from(last, cfg.replies_stale_days)
    windows = upcoming_windows(today, settings.inspection)
    if (today - last).days >= cfg.replies_warn_days and first_sampled_day_from(turns, windows) is not None:
        return make_finding(
            target, REPLIES_STALE, Severity.DEDUCTION, Status.AT_RISK,
            f"已 {(today - last).days} 天未发布留言答复，{turns.isoformat()} 起超过 {cfg.replies_stale_days} 天",
            now, evidence=evidence, due=start_of(turns),
        )  # fmt: skip
    return None


RULE = Rule(
    "interaction",
    {MISSING: Severity.VETO, UNANSWERED: Severity.VETO, REPLIES_STALE: Severity.DEDUCTION},
    (INTERACTION_CHECK,),
    lookback_s,
    judge_interaction,
)
