"""栏目不更新 (国办秘函〔2019〕19号): each column, and the three single-veto counts over them.

- ``column.stale`` (deduction, one per column): newest item older than the category's window (news 14,
  notice 183, planning 365 days; per region and per target in ``freshness.overrides``).
- ``column.empty`` (deduction, one per column): a column page that shows no item (暂无信息).

- ``columns.stale``: news columns idle past their window (14 days) **plus** first-level notice/policy
  columns (通知公告、政策文件类一级栏目: not 政策解读, 统计公报, 审计公告, 双公示, 决策预公开, 文件下载 …,
  ``columns.six_month_excluded``) idle past theirs (183 days), together ≥ ``columns.stale_threshold`` (5):
  three of one and two of the other already fail.
- ``columns.long_stale``: ≥ ``columns.long_stale_threshold`` (10) should-update columns idle a long time:
  the excluded notice columns and notice sub-columns past ``columns.long_stale_days`` (365), planning
  past ``freshness.planning_days`` (365), static-but-maintained columns (机构职能, 领导信息 …) past
  ``columns.static_days`` (365), ``other`` past ``columns.other_days`` when set.
- ``columns.empty``: ≥ ``columns.empty_threshold`` (5) empty columns.

One column, one indicator (indicators.md): each column belongs to one count rule (``ColumnState.rule``):
an empty column to ``columns.empty``, a news or first-level six-month column to ``columns.stale``, any
other with a long window to ``columns.long_stale``. The ``columns.long_stale`` evidence lists, under
``counted_elsewhere``, the columns idle past a long window that another rule counts.

At risk (indicators.md's "ahead of the deadline"): when members not yet counted will, at their present
pace (``column_state``: near their day and sampled), bring the count to the threshold, ``due`` is the
first day an inspector may sample on which it is reached; else from the customary early-warning level
(``columns.stale_warn`` 3, ``long_stale_warn`` 6, ``empty_warn`` 2), ``due`` is the first sampled day
the count would reach the threshold if nobody updates anything, or, when it would not before the next
window ends (and always for empty columns, which have no day), the start of the next sampling window.
Evidence: ``{"url": homepage, "threshold", "warn", "items": [...]}`` (column evidence plus ``counted_under``,
or plus ``due`` for those coming) and ``count``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from monitor.deadlines import first_sampled_day_from, start_of, upcoming_windows
from monitor.model import Finding, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.rules.column_state import (
    COLUMNS_EMPTY,
    COLUMNS_LONG_STALE,
    COLUMNS_STALE,
    ColumnState,
    SiteColumns,
    columns_rule,
    due_at,
)
from monitor.settings import Settings

COLUMN_STALE = "column.stale"
COLUMN_EMPTY = "column.empty"
STALE_LABEL = "栏目超过更新期限（动态要闻类 14 天、通知公告/政策文件类一级栏目 6 个月）"
LONG_STALE_LABEL = "应更新栏目长期未更新"
GROUP_LABELS = {
    "news": "动态要闻",
    "six_month": "通知公告/政策文件",
    "long": "政务公开",
    "planning": "人事/规划计划",
    "static": "机构职能/领导信息",
    "other": "其他",
}


@dataclasses.dataclass(frozen=True, slots=True)
class CountRule:
    code: str
    label: str
    threshold: int
    warn: int


@dataclasses.dataclass(frozen=True, slots=True)
class Count:
    """A count rule's members: ``bad`` counted now; ``coming`` (column, the day it would be counted, that
    day when near and sampled, else None); ``elsewhere`` (column, the rule that counts it instead)."""

    bad: list[ColumnState]
    coming: list[tuple[ColumnState, dt.date, dt.date | None]]
    elsewhere: list[tuple[ColumnState, str]] = dataclasses.field(default_factory=list)


def next_window_start(today: dt.date, settings: Settings) -> dt.date:
    """The first day of the next sampling window (the current one's when it has not begun yet)."""
    windows = upcoming_windows(today, settings.inspection)
    return min((w.first_day for w in windows if w.first_day > today), default=windows[-1].first_day)


def reach_day(days: Sequence[dt.date], missing: int, site: SiteColumns, settings: Settings) -> dt.date | None:
    """The first sampled day on which ``missing`` more of ``days`` have come, or None (not within the current
    and next windows)."""
    ordered = sorted(days)
    if missing <= 0 or len(ordered) < missing:
        return None
    return first_sampled_day_from(ordered[missing - 1], upcoming_windows(site.today, settings.inspection))


def _items(columns: Sequence[ColumnState], code: str) -> list[dict[str, Any]]:
    return [c.evidence | {"counted_under": code} for c in columns]


def count_finding(
    target: Site, site: SiteColumns, now: float, settings: Settings, rule: CountRule, count: Count
) -> list[Finding]:
    """The one finding of a count veto ``rule`` over ``count``: a violation at the threshold, else at risk
    when members at their present pace will get there, or from the warn level."""
    bad, threshold = count.bad, rule.threshold
    evidence: dict[str, Any] = {
        "url": site.homepage.url or target.url,
        "threshold": threshold,
        "warn": rule.warn,
    }
    if count.elsewhere:
        evidence["counted_elsewhere"] = [c.evidence | {"counted_under": r} for c, r in count.elsewhere]
    if len(bad) >= threshold:
        message = f"{len(bad)} 个{rule.label}，达到 {threshold} 个的单项否决线"
        evidence["items"] = _items(bad, rule.code)
        return [
            make_finding(
                target, rule.code, Severity.VETO, Status.VIOLATION, message, now, evidence=evidence,
                count=len(bad),
            )
        ]  # fmt: skip
    missing = threshold - len(bad)
    due_day = reach_day([near for _, _, near in count.coming if near], missing, site, settings)
    if due_day is not None:  # at the present pace, near members complete the count
        soon = [(c, near) for c, _, near in count.coming if near and near <= due_day]
    elif len(bad) >= rule.warn:  # the early-warning level: when would it fail if nothing is updated?
        due_day = reach_day([day for _, day, _ in count.coming], missing, site, settings)
        soon = [(c, day) for c, day, _ in count.coming if due_day and day <= due_day]
    else:
        return []
    soon.sort(key=lambda pair: pair[1])
    evidence["items"] = _items(bad, rule.code) + [c.evidence | {"due": day.isoformat()} for c, day in soon]
    if due_day is not None:
        message = (
            f"已有 {len(bad)} 个{rule.label}，另有 {len(soon)} 个将于 {due_day.isoformat()} 前超期，"
            f"届时达到 {threshold} 个的单项否决线"
        )
    else:
        due_day = next_window_start(site.today, settings)
        message = (
            f"已有 {len(bad)} 个{rule.label}，达到 {rule.warn} 个的预警线（{threshold} 个单项否决），"
            f"下一抽查窗口 {due_day.isoformat()} 开始"
        )
    return [
        make_finding(
            target, rule.code, Severity.VETO, Status.AT_RISK, message, now, evidence=evidence,
            count=len(bad), due=start_of(due_day),
        )
    ]  # fmt: skip


def stale_count(site: SiteColumns) -> Count:
    """columns.stale: stale news columns plus stale first-level six-month (通知公告/政策文件) columns."""
    members = [c for c in site.columns if c.rule == COLUMNS_STALE]
    return Count(
        bad=[c for c in members if c.state == "stale"],
        coming=[(c, c.stale_day, c.risk_day) for c in members if c.stale_day is not None],
    )


def long_stale_count(site: SiteColumns) -> Count:
    """columns.long_stale: its members idle past their long windows; the columns idle that long but counted
    under columns.stale or columns.empty are listed as ``elsewhere``, not counted."""
    members = [c for c in site.columns if c.rule == COLUMNS_LONG_STALE]
    elsewhere = [
        (c, rule)
        for c in site.columns
        if (rule := c.rule) in (COLUMNS_STALE, COLUMNS_EMPTY)
        and (c.long_stale or (c.state == "empty" and c.long_window_days is not None))
    ]
    return Count(
        bad=[c for c in members if c.long_stale],
        coming=[(c, c.long_stale_day, c.long_risk_day) for c in members if c.long_stale_day is not None],
        elsewhere=elsewhere,
    )


def empty_count(site: SiteColumns) -> Count:
    """columns.empty: empty columns do not change with the clock (at risk only from the warn level)."""
    return Count(bad=[c for c in site.columns if c.state == "empty"], coming=[])


def columns_stale(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """columns.stale: stale news columns plus stale first-level notice/policy columns, together."""
    cfg = settings.columns
    rule = CountRule(COLUMNS_STALE, STALE_LABEL, cfg.stale_threshold, cfg.stale_warn)
    return count_finding(target, site, now, settings, rule, stale_count(site))


def columns_long_stale(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """columns.long_stale: should-update columns not counted elsewhere, idle past their long windows."""
    cfg = settings.columns
    rule = CountRule(COLUMNS_LONG_STALE, LONG_STALE_LABEL, cfg.long_stale_threshold, cfg.long_stale_warn)
    return count_finding(target, site, now, settings, rule, long_stale_count(site))


def columns_empty(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """columns.empty: empty columns, at risk from ``columns.empty_warn`` (due: the next window's start)."""
    cfg = settings.columns
    rule = CountRule(COLUMNS_EMPTY, "空栏目", cfg.empty_threshold, cfg.empty_warn)
    return count_finding(target, site, now, settings, rule, empty_count(site))


def column_stale(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """column.stale and column.empty, one finding per column (evidence for the aggregate vetoes)."""
    findings = []
    for column in site.columns:
        evidence = column.evidence | {
            "window_days": column.window_days,
            "counted_under": column.counted_under,
        }
        label = GROUP_LABELS.get(column.group, column.category)
        if column.state == "empty":
            message = f"栏目“{column.name}”为空栏目（页面无任何信息）"
            findings.append(
                make_finding(
                    target,
                    COLUMN_EMPTY,
                    Severity.DEDUCTION,
                    Status.VIOLATION,
                    message,
                    now,
                    evidence=evidence,
                )
            )
        elif column.state == "stale":
            since = (
                f"最新信息为 {column.newest.isoformat()}（{(site.today - column.newest).days} 天前）"
                if column.newest
                else "没有注明日期的信息"
            )
            message = f"{label}栏目“{column.name}”超过 {column.window_days} 天未更新：{since}"
            findings.append(
                make_finding(
                    target,
                    COLUMN_STALE,
                    Severity.DEDUCTION,
                    Status.VIOLATION,
                    message,
                    now,
                    evidence=evidence,
                )
            )
        elif column.risk_day is not None and column.newest is not None:
            idle = (site.today - column.newest).days
            message = (
                f"{label}栏目“{column.name}”已 {idle} 天未更新，"
                f"{column.risk_day.isoformat()} 起超过 {column.window_days} 天"
            )
            findings.append(
                make_finding(
                    target,
                    COLUMN_STALE,
                    Severity.DEDUCTION,
                    Status.AT_RISK,
                    message,
                    now,
                    evidence=evidence,
                    due=due_at(column.risk_day),
                )
            )
    return findings


COLUMN_RULE = columns_rule(
    COLUMN_STALE, {COLUMN_STALE: Severity.DEDUCTION, COLUMN_EMPTY: Severity.DEDUCTION}, column_stale
)
RULES = (
    columns_rule(COLUMNS_STALE, {COLUMNS_STALE: Severity.VETO}, columns_stale),
    columns_rule(COLUMNS_LONG_STALE, {COLUMNS_LONG_STALE: Severity.VETO}, columns_long_stale),
    columns_rule(COLUMNS_EMPTY, {COLUMNS_EMPTY: Severity.VETO}, columns_empty),
)
