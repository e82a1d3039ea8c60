"""The state of each column at a monitoring point, shared by the freshness rules.

Read from the newest OK ``columns`` observation (a failed read of the site gives no freshness verdict:
govmon judges only pages it actually read; a column whose own page failed is left out the same way).
Day counting is indicators.md's: an item dated D is within an N-day window at T while date(T) − D ≤ N,
stale from D + N + 1 (``deadlines.stale_from``). An undated list counts as not updated; a list a script
fills in the browser (nothing in the HTML) is not judged at all. An empty column is empty, not stale:
one column is counted once.

At risk ("at its present pace", indicators.md): a column not yet stale whose stale day is within
``columns.at_risk_lead_days`` of today *and* falls on or before the last day of the current or next
inspection sampling window (``deadlines.upcoming_windows``); ``due`` is the start of its stale day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from monitor.deadlines import day_of, first_sampled_day_from, stale_from, start_of, upcoming_windows
from monitor.model import Finding, Observation, Severity, Site, Target
from monitor.observations import COLUMNS as COLUMNS_CHECK
from monitor.observations import ColumnEntry, ColumnsRead, HomepageColumns, Item
from monitor.rules.base import History, Rule, latest_ok
from monitor.settings import Settings

WINDOWED = ("news", "notice", "planning")
NOT_EMPTY_JUDGED = ("service", "interaction")
"""A service column shows entries to the platform, an interaction column a form: neither is a dated list.
Columns without a window (topic, other) are judged empty only when the page says so (暂无信息): many are
static pages (机构概况, 领导简介) that no list reader should call empty."""

LOOKBACK_INTERVALS = 3
"""Rules read the newest OK columns observation of the last three crawl intervals."""


def lookback_s(settings: Settings) -> float:
    return max(LOOKBACK_INTERVALS * settings.crawl.columns_interval_s, 86400.0)


SiteJudge = Callable[[Site, "SiteColumns", float, Settings], list[Finding]]
"""(site, its column state, now, settings) → findings: a rule's deciding function over the columns read."""


def columns_rule(name: str, codes: Mapping[str, Severity], judge: SiteJudge) -> Rule:
    """The rule record of a judge over the ``columns`` observation: sites only, and no verdict when the
    site was not read (no OK observation within the lookback)."""

    def evaluate(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
        if not isinstance(target, Site):
            return []
        site = site_columns(target, history, now, settings)
        return [] if site is None else judge(target, site, now, settings)

    return Rule(name, codes, (COLUMNS_CHECK,), lookback_s, evaluate)


def window_days(settings: Settings, target: Target, kind: str) -> int | None:
    """The update window of ``kind`` (homepage, news, notice, planning, other) for this target:
    per-target override, then per-region, then the national default; None when it has none."""
    if kind == "other":
        return settings.columns.other_days
    if kind not in ("homepage", *WINDOWED):
        return None
    return settings.freshness.windows_for(target.id, target.region)[f"{kind}_days"]


def parse_day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def newest_by(newest: str | None, latest: Sequence[Item], today: dt.date) -> dt.date | None:
    """The newest item date not after ``today``: the observation's ``newest`` and its ``latest`` items."""
    days = [parse_day(newest)] + [parse_day(i.date) for i in latest]
    valid = [d for d in days if d is not None and d <= today]
    return max(valid, default=None)


def at_risk_day(stale_day: dt.date, today: dt.date, lead_days: int, settings: Settings) -> dt.date | None:
    """The day a not-yet-stale thing turns stale, if that is near (lead) and an inspector may still look
    on or after it (current or next sampling window); else None."""
    if (stale_day - today).days > lead_days:
        return None
    windows = upcoming_windows(today, settings.inspection)
    return stale_day if first_sampled_day_from(stale_day, windows) else None


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnState:
    name: str
    url: str
    category: str
    first_level: bool
    newest: dt.date | None
    window_days: int | None
    state: str  # "stale" | "empty" | "fresh" | "unjudged"
    stale_day: dt.date | None  # when a fresh column turns stale
    risk_day: dt.date | None  # stale_day when it is near and sampled (see at_risk_day)
    entry: ColumnEntry

    @property
    def evidence(self) -> dict[str, Any]:
        """CONTRACT.md's column evidence."""
        return {
            "name": self.name,
            "url": self.url,
            "category": self.category,
            "first_level": self.first_level,
            "newest": self.newest.isoformat() if self.newest else None,
        }

    @property
    def counts_for_columns_stale(self) -> bool:
        """columns.stale: news columns, and first-level notice/policy columns (通知公告、政策文件类一级栏目)."""
        return self.category == "news" or (self.category == "notice" and self.first_level)


LANDING_MIN_SUB_COLUMNS = 2
"""A column page with no row and no 暂无信息 that links at least this many sub-columns is a landing page
(栏目首页: tiles or blocks leading to 规范性文件, 政策解读 …), not an empty column (issue 14)."""


def column_state(entry: ColumnEntry, target: Target, today: dt.date, settings: Settings) -> ColumnState:
    category = entry.category
    window = window_days(settings, target, category)
    newest = newest_by(entry.newest, entry.latest, today)
    rows = entry.count + entry.undated
    stale_day = risk = None
    if entry.error or entry.script_filled:
        state = "unjudged"
    elif rows == 0 and not entry.empty_marker and (entry.sub_columns or 0) >= LANDING_MIN_SUB_COLUMNS:
        state = "unjudged"  # a landing page: it only links its sub-columns, which are judged themselves
    elif rows == 0 and category not in NOT_EMPTY_JUDGED and (window is not None or entry.empty_marker):
        state = "empty"  # a should-update column without rows, or any column that says 暂无信息
    elif window is None:
        state = "unjudged"
    elif newest is None or (today - newest).days > window:
        state = "stale"
    else:
        state = "fresh"
        stale_day = stale_from(newest, window)
        lead = settings.columns.at_risk_lead_days.get(
            category, settings.columns.at_risk_lead_days.get("other", 0)
        )
        risk = at_risk_day(stale_day, today, lead, settings)
    return ColumnState(
        name=entry.name,
        url=entry.url,
        category=category,
        first_level=entry.first_level,
        newest=newest,
        window_days=window,
        state=state,
        stale_day=stale_day,
        risk_day=risk,
        entry=entry,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class SiteColumns:
    """What the rules judge: the homepage part of the payload and every column's state."""

    observation: Observation
    today: dt.date
    homepage: HomepageColumns
    columns: tuple[ColumnState, ...]


def site_columns(target: Target, history: History, now: float, settings: Settings) -> SiteColumns | None:
    observation = latest_ok(history, COLUMNS_CHECK, now)
    if observation is None:
        return None
    today = day_of(now)
    read = ColumnsRead.from_observation(observation)
    return SiteColumns(
        observation=observation,
        today=today,
        homepage=read.homepage or NOT_READ,
        columns=tuple(column_state(e, target, today, settings) for e in read.columns),
    )


NOT_READ = HomepageColumns(
    url="", newest=None, latest=(), navigation_only=False, second_level=(), footer=None
)
"""The homepage part of an OK observation stored without one (none is: kept for a hand-made payload)."""


def due_at(day: dt.date | None) -> dt.datetime | None:
    return start_of(day) if day else None
