"""是否更新 (国办秘函〔2019〕19号): the homepage and faked dates (each column: ``monitor.rules.columns``).

- ``homepage.stale`` (veto): no dated item on the homepage within ``freshness.homepage_days`` (14). A
  navigation-only homepage (no dated item at all) is judged by its second-level pages (the first-level
  columns it links to): stale only when every one of them is.
- ``content.future_date`` (veto, 弄虚作假): an item dated after the monitoring point, unless its title
  announces a coming event (预告, 将于…, 在线访谈, 征求意见 …: ``EVENT_WORDS``), whose row shows the event's day.

Every window rule is ``at_risk`` with ``due`` (start of the first stale day) ahead of time, see
``column_state``. Evidence follows CONTRACT.md: a column's ``{name, url, category, first_level, newest}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from monitor.deadlines import stale_from
from monitor.model import Finding, Severity, Site, Status
from monitor.observations import Item
from monitor.rules.base import make_finding
from monitor.rules.column_state import (
    SiteColumns,
    at_risk_day,
    columns_rule,
    due_at,
    newest_by,
    parse_day,
    window_days,
)
from monitor.settings import Settings

HOMEPAGE_STALE = "homepage.stale"
FUTURE_DATE = "content.future_date"


def homepage_stale(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """homepage.stale: the homepage (or, navigation only, all its second-level pages) idle past its window."""
    window = window_days(settings, target, "homepage")
    if window is None:
        return []
    home = site.homepage
    evidence: dict[str, Any] = {"url": home.url or target.url, "window_days": window}
    if not home.navigation_only:
        newest = newest_by(home.newest, home.latest, site.today)
        evidence |= {"navigation_only": False, "newest": newest.isoformat() if newest else None}
        where = "首页"
    else:
        pages = [c for c in site.columns if c.first_level and not c.entry.error]
        if not pages or any(c.entry.script_filled for c in pages):
            return []  # nothing read, or a page govmon cannot read the dates of: no verdict
        newest = max((c.newest for c in pages if c.newest), default=None)
        evidence |= {
            "navigation_only": True,
            "newest": newest.isoformat() if newest else None,
            "items": [c.evidence for c in pages],
        }
        where = f"首页仅为导航，其 {len(pages)} 个二级页面"
    idle = (site.today - newest).days if newest else None
    if newest is None or (idle is not None and idle > window):
        since = f"最新信息为 {newest.isoformat()}（{idle} 天前）" if newest else "没有注明日期的信息"
        message = f"{where}超过 {window} 天未更新：{since}"
        return [
            make_finding(
                target, HOMEPAGE_STALE, Severity.VETO, Status.VIOLATION, message, now, evidence=evidence
            )
        ]
    lead = settings.columns.at_risk_lead_days.get("homepage", 0)
    risk = at_risk_day(stale_from(newest, window), site.today, lead, settings)
    if risk is None:
        return []
    message = f"{where}已 {idle} 天未更新，{risk.isoformat()} 起超过 {window} 天（首页不更新，单项否决）"
    return [
        make_finding(
            target,
            HOMEPAGE_STALE,
            Severity.VETO,
            Status.AT_RISK,
            message,
            now,
            evidence=evidence,
            due=due_at(risk),
        )
    ]


def future_dates(target: Site, site: SiteColumns, now: float, settings: Settings) -> list[Finding]:
    """content.future_date (弄虚作假): an item dated after the monitoring point's day."""
    future = _future_items(site)
    if not future:
        return []
    first = min(item["date"] for item in future)
    message = f"{len(future)} 条信息的发布日期晚于监测时间点（最早 {first}）"
    evidence = {"url": site.homepage.url or target.url, "items": future}
    return [
        make_finding(
            target,
            FUTURE_DATE,
            Severity.VETO,
            Status.VIOLATION,
            message,
            now,
            evidence=evidence,
            count=len(future),
        )
    ]


EVENT_WORDS = ("预告", "将于", "将在", "即将", "征求", "征集", "报名", "访谈", "直播", "开放日", "招聘")
"""A row announcing a coming event (a 预告, an 在线访谈 next week, a consultation open until a later day) is
often listed with the event's day: a date after the monitoring point that is not a 伪造发稿日期. Only an
item whose own publication date lies in the future is one (issue 14)."""


def announces_event(title: str | None) -> bool:
    return bool(title) and any(word in str(title) for word in EVENT_WORDS)


def _future_items(site: SiteColumns) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    future = []
    sources: list[tuple[str, Sequence[Item]]] = [("首页", site.homepage.latest)]
    sources += [(c.name, c.entry.latest) for c in site.columns]
    for where, items in sources:
        for item in items:
            day: dt.date | None = parse_day(item.date)
            key = (str(item.url), str(item.date))
            if day is not None and day > site.today and key not in seen and not announces_event(item.title):
                seen.add(key)
                future.append({"column": where, "title": item.title, "url": item.url, "date": item.date})
    return future


HOMEPAGE_RULE = columns_rule(HOMEPAGE_STALE, {HOMEPAGE_STALE: Severity.VETO}, homepage_stale)
FUTURE_RULE = columns_rule(FUTURE_DATE, {FUTURE_DATE: Severity.VETO}, future_dates)
