"""栏目不更新, the three single-veto counts of 国办秘函〔2019〕19号 (one finding per site each).

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

import abc
import datetime as dt
from collections.abc import Callable, Sequence

from monitor.deadlines import first_sampled_day_from, start_of, upcoming_windows
from monitor.model import Finding, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.rules.column_state import (
    ColumnState,
    SiteColumns,
    SiteColumnsRule,
)
from monitor.settings import Settings


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


class _CountRule(SiteColumnsRule):
    name: str
    label: str

    @abc.abstractmethod
    def threshold(self, settings: Settings) -> int:
        """How many members make the veto."""

    @abc.abstractmethod
    def members(self, site: SiteColumns, settings: Settings) -> tuple[list[ColumnState], list[ColumnState]]:
        """(violating members, members that may turn violating)."""

    def judge(self, target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
        threshold = self.threshold(settings)
        bad, candidates = self.members(site, settings)
        evidence = {"url": site.homepage.url or target.url, "threshold": threshold}
        if len(bad) >= threshold:
            message = f"{len(bad)} 个{self.label}，达到 {threshold} 个的单项否决线"
            evidence["items"] = [c.evidence for c in bad]
            return [
                make_finding(
                    target,
                    self.name,
                    Severity.VETO,
                    Status.VIOLATION,
                    message,
                    now,
                    evidence=evidence,
                    count=len(bad),
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
            f"已有 {len(bad)} 个{self.label}，另有 {len(soon)} 个将于 {due_day.isoformat()} 前超期，"
            f"届时达到 {threshold} 个的单项否决线"
        )
        return [
            make_finding(
                target,
                self.name,
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


class ColumnsStaleRule(_CountRule):
    name = "columns.stale"
    label = "栏目超过更新期限（动态要闻类 14 天、通知公告/政策文件类一级栏目 6 个月）"

    def threshold(self, settings: Settings) -> int:
        return settings.columns.stale_threshold

    def members(self, site: SiteColumns, settings: Settings) -> tuple[list[ColumnState], list[ColumnState]]:
        return _split(site.columns, lambda c: c.counts_for_columns_stale)


class ColumnsLongStaleRule(_CountRule):
    name = "columns.long_stale"
    label = "应更新栏目长期未更新"

    def threshold(self, settings: Settings) -> int:
        return settings.columns.long_stale_threshold

    def members(self, site: SiteColumns, settings: Settings) -> tuple[list[ColumnState], list[ColumnState]]:
        return _split(site.columns, lambda c: c.window_days is not None)


class ColumnsEmptyRule(_CountRule):
    """Empty columns do not change with the clock: a violation or nothing, never at risk by date."""

    name = "columns.empty"
    label = "空栏目"

    def threshold(self, settings: Settings) -> int:
        return settings.columns.empty_threshold

    def members(self, site: SiteColumns, settings: Settings) -> tuple[list[ColumnState], list[ColumnState]]:
        return [c for c in site.columns if c.state == "empty"], []


RULES = (ColumnsStaleRule(), ColumnsLongStaleRule(), ColumnsEmptyRule())
