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

Which count rule a column belongs to (``rule``; one column, one indicator): news columns and first-level
通知公告/政策文件 columns (``group`` ``six_month``: notice columns not named 政策解读, 统计公报 … see
``columns.six_month_excluded``) to ``columns.stale``; every other column with a long window (notice
sub-columns and the excluded notice columns after ``columns.long_stale_days``, planning after
``freshness.planning_days``, 机构职能/领导信息 … after ``columns.static_days``, ``other`` after
``columns.other_days``) to ``columns.long_stale``; an empty column to ``columns.empty`` whatever its group.
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
Other columns (topic, other, static) are judged empty only when the page says so (暂无信息): many are
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


GROUPS = ("news", "six_month", "long", "planning", "static", "other", "none")
"""How the count rules see a column: ``news`` (动态要闻), ``six_month`` (通知公告/政策文件), ``long`` (a notice
column outside the six-month rule: 政策解读, 统计公报, 审计公告, 双公示, 决策预公开, 文件下载 …), ``planning``
(人事/规划计划), ``static`` (机构职能, 领导信息 …), ``other`` and ``none`` (topic, interaction, service)."""


LIST_GROUPS = ("news", "six_month", "long", "planning")
"""Groups whose pages are dated lists: without a row they are empty, and undated rows are not updated."""


def column_group(name: str, category: str, settings: Settings) -> str:
    """The group of a column from its name and category (see ``GROUPS``): the province's
    ``six_month_extra`` words first, then ``six_month_excluded``, then ``static_keywords``."""
    cfg = settings.columns
    if any(word and word in name for word in cfg.six_month_extra):
        return "six_month"
    if category == "notice":
        return "long" if any(word and word in name for word in cfg.six_month_excluded) else "six_month"
    if category in ("news", "planning"):
        return category
    if category == "other":
        return "static" if any(word and word in name for word in cfg.static_keywords) else "other"
    return "none"


def group_windows(settings: Settings, target: Target, group: str) -> tuple[int | None, int | None]:
    """(own window, long window) of a group: the own window decides ``column.stale`` (news 14, six-month
    183 …), the long one ``columns.long_stale`` membership (a year by default); None: no window."""
    cfg = settings.columns
    if group in ("news", "six_month"):
        own = window_days(settings, target, "news" if group == "news" else "notice")
        return own, max(own or 0, cfg.long_stale_days)
    if group == "long":
        return cfg.long_stale_days, cfg.long_stale_days
    if group == "planning":
        own = window_days(settings, target, "planning")
        return own, own
    if group == "static":
        return cfg.static_days, cfg.static_days
    if group == "other":
        return cfg.other_days, cfg.other_days
    return None, None


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


COLUMNS_STALE = "columns.stale"
COLUMNS_LONG_STALE = "columns.long_stale"
COLUMNS_EMPTY = "columns.empty"


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
    group: str = "none"  # GROUPS
    long_window_days: int | None = None  # columns.long_stale: idle longer than this
    long_stale_day: dt.date | None = None  # when a judged column passes its long window
    long_risk_day: dt.date | None = None  # long_stale_day when it is near and sampled

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
        """columns.stale: news columns, and first-level notice/policy columns (通知公告、政策文件类一级栏目)
        of the six-month rule (not 政策解读, 统计公报 …: ``columns.six_month_excluded``)."""
        return self.group == "news" or (self.group == "six_month" and self.first_level)

    @property
    def rule(self) -> str | None:
        """The one count rule this column belongs to (one column, one indicator), or None."""
        if self.state == "empty":
            return COLUMNS_EMPTY
        if self.state == "unjudged":
            return None
        if self.counts_for_columns_stale:
            return COLUMNS_STALE
        return COLUMNS_LONG_STALE if self.long_window_days is not None else None

    @property
    def counted_under(self) -> str | None:
        """The count rule that counts this column now: its ``rule`` when it is empty, stale (columns.stale)
        or long stale (columns.long_stale); None while it is not (yet) counted anywhere."""
        rule = self.rule
        if rule == COLUMNS_EMPTY or (rule == COLUMNS_STALE and self.state == "stale"):
            return rule
        return rule if rule == COLUMNS_LONG_STALE and self.long_stale else None

    @property
    def long_stale(self) -> bool:
        """Idle past the long window (an undated list counts as not updated)."""
        judged = self.long_window_days is not None and self.state in ("stale", "fresh")
        return judged and self.long_stale_day is None


LANDING_MIN_SUB_COLUMNS = 2
"""A column page with no row and no 暂无信息 that links at least this many sub-columns is a landing page
(栏目首页: tiles or blocks leading to 规范性文件, 政策解读 …), not an empty column (issue 14)."""


def _lead(settings: Settings, key: str) -> int:
    leads = settings.columns.at_risk_lead_days
    return leads.get(key, leads.get("other", 0))


def column_state(entry: ColumnEntry, target: Target, today: dt.date, settings: Settings) -> ColumnState:
    category = entry.category
    group = column_group(entry.name, category, settings)
    window, long_window = group_windows(settings, target, group)
    newest = newest_by(entry.newest, entry.latest, today)
    rows = entry.count + entry.undated
    stale_day = risk = long_day = long_risk = None
    if entry.error or entry.script_filled:
        state = "unjudged"
    elif rows == 0 and not entry.empty_marker and (entry.sub_columns or 0) >= LANDING_MIN_SUB_COLUMNS:
        state = "unjudged"  # a landing page: it only links its sub-columns, which are judged themselves
    elif rows == 0 and category not in NOT_EMPTY_JUDGED and (group in LIST_GROUPS or entry.empty_marker):
        state = "empty"  # a should-update list without rows, or any column that says 暂无信息
    elif window is None or (newest is None and group in ("static", "other")):
        state = "unjudged"  # no window; or a static page without a date, which no reader can date
    elif newest is None or (today - newest).days > window:
        state = "stale"
    else:
        state = "fresh"
        stale_day = stale_from(newest, window)
        risk = at_risk_day(stale_day, today, _lead(settings, category), settings)
    judged = state in ("stale", "fresh") and long_window is not None and newest is not None
    if judged and long_window is not None and newest is not None and (today - newest).days <= long_window:
        long_day = stale_from(newest, long_window)
        long_risk = at_risk_day(long_day, today, _lead(settings, "long_stale"), settings)
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
        group=group,
        long_window_days=long_window,
        long_stale_day=long_day,
        long_risk_day=long_risk,
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
