"""栏目不更新 (国办秘函〔2019〕19号): each column, and the three single-veto counts over them.

- ``column.stale`` (deduction, one per column): newest item older than the category's window (news 14,
  notice 183, planning 365 days; per region and per target in ``freshness.overrides``).
- ``column.empty`` (deduction, one per column): a column page that shows no item (暂无信息).

- ``columns.stale``: news columns idle past their window (14 days) **plus** first-level notice/policy
  columns idle past theirs (183 days), together ≥ ``columns.stale_threshold`` (5): three of one and two
  of the other already fail.
- ``columns.long_stale``: ≥ ``columns.long_stale_threshold`` (10) should-update columns (news, notice,
  planning; ``other`` when ``columns.other_days`` is set) idle past their windows.
- ``columns.empty``: ≥ ``columns.empty_threshold`` (5) empty columns. An empty column is counted here
  and never as stale (one column, one indicator).

At risk: when members not yet stale will, at their present pace (see ``column_state``), bring the count
to the threshold; ``due`` is the first day an inspector may sample (current or next window) on which
the count is reached. Evidence: ``{"url": homepage, "items": [column evidence…]}`` and ``count``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from monitor.deadlines import first_sampled_day_from, start_of, upcoming_windows
from monitor.model import Finding, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.rules.column_state import ColumnState, SiteColumns, columns_rule, due_at
from monitor.settings import Settings

COLUMN_STALE = "column.stale"
COLUMN_EMPTY = "column.empty"
COLUMNS_STALE = "columns.stale"
COLUMNS_LONG_STALE = "columns.long_stale"
COLUMNS_EMPTY = "columns.empty"
STALE_LABEL = "栏目超过更新期限（动态要闻类 14 天、通知公告/政策文件类一级栏目 6 个月）"
CATEGORY_LABELS = {
    "news": "动态要闻",
    "notice": "通知公告/政策文件",
    "planning": "人事/规划计划",
    "other": "其他",
}


def count_due(
    stale: Sequence[ColumnState],
    candidates: Sequence[ColumnState],
    threshold: int,
    site: SiteColumns,
    settings: Settings,
) -> dt.date | None:
    """The first sampled day on which ``stale`` plus candidates turning stale reach ``threshold``."""
    missing = threshold - len(stale)
    days = sorted(c.risk_day for c in candidates if c.risk_day is not None)
    if missing <= 0 or len(days) < missing:
        return None
    return first_sampled_day_from(days[missing - 1], upcoming_windows(site.today, settings.inspection))


def count_finding(
    target: Site,
    site: SiteColumns,
    now: float,
    settings: Settings,
    rule: tuple[str, str, int],
    members: tuple[list[ColumnState], list[ColumnState]],
) -> list[Finding]:
    """The one finding of a count veto ``rule`` = (code, label, threshold) over ``members`` = (violating,
    may turn violating): a violation at the threshold, else at risk when enough will get there."""
    code, label, threshold = rule
    bad, candidates = members
    evidence = {"url": site.homepage.url or target.url, "threshold": threshold}
    if len(bad) >= threshold:
        message = f"{len(bad)} 个{label}，达到 {threshold} 个的单项否决线"
        evidence["items"] = [c.evidence for c in bad]
        return [
            make_finding(
                target, code, Severity.VETO, Status.VIOLATION, message, now, evidence=evidence, count=len(bad)
            )
        ]
    due_day = count_due(bad, candidates, threshold, site, settings)
    if due_day is None:
        return []
    soon = sorted((c for c in candidates if c.risk_day and c.risk_day <= due_day), key=_risk_key)
    evidence["items"] = [c.evidence for c in bad] + [
        c.evidence | {"due": c.risk_day.isoformat() if c.risk_day else None} for c in soon
    ]
    message = (
        f"已有 {len(bad)} 个{label}，另有 {len(soon)} 个将于 {due_day.isoformat()} 前超期，"
        f"届时达到 {threshold} 个的单项否决线"
    )
    return [
        make_finding(
            target,
            code,
            Severity.VETO,
            Status.AT_RISK,
            message,
            now,
            evidence=evidence,
            count=len(bad),
            due=start_of(due_day),
        )
    ]


def _risk_key(column: ColumnState) -> dt.date:
    return column.risk_day or dt.date.max


def _split(
    columns: Sequence[ColumnState], chosen: Callable[[ColumnState], bool]
) -> tuple[list[ColumnState], list[ColumnState]]:
    members = [c for c in columns if chosen(c)]
    return [c for c in members if c.state == "stale"], [c for c in members if c.state == "fresh"]


def columns_stale(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """columns.stale: stale news columns plus stale first-level notice/policy columns, together."""
    rule = (COLUMNS_STALE, STALE_LABEL, settings.columns.stale_threshold)
    return count_finding(target, site, now, settings, rule, _split(site.columns, _counts_for_columns_stale))


def columns_long_stale(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """columns.long_stale: should-update columns (any with a window) idle past their windows."""
    rule = (COLUMNS_LONG_STALE, "应更新栏目长期未更新", settings.columns.long_stale_threshold)
    return count_finding(target, site, now, settings, rule, _split(site.columns, _has_window))


def columns_empty(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """columns.empty: empty columns do not change with the clock, a violation or nothing (never at risk)."""
    rule = (COLUMNS_EMPTY, "空栏目", settings.columns.empty_threshold)
    return count_finding(
        target, site, now, settings, rule, ([c for c in site.columns if c.state == "empty"], [])
    )


def _counts_for_columns_stale(column: ColumnState) -> bool:
    return column.counts_for_columns_stale


def _has_window(column: ColumnState) -> bool:
    return column.window_days is not None


def column_stale(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """column.stale and column.empty, one finding per column (evidence for the aggregate vetoes)."""
    findings = []
    for column in site.columns:
        evidence = column.evidence | {"window_days": column.window_days}
        label = CATEGORY_LABELS.get(column.category, column.category)
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
