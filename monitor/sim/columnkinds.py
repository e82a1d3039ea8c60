"""The columns the 栏目不更新 count rules take, as the simulator reads 国办秘函〔2019〕19号 (issue 14 item 10).

The simulator's own reading, written independently of govmon's rules (it imports nothing from ``monitor``
outside ``monitor.sim``), so a test comparing the two catches a bug in either:

- ``columns.stale``: news columns idle past 14 days plus first-level 通知公告/政策文件 columns (group
  ``six_month``) idle past 183, together ≥ 5;
- ``columns.long_stale``: the other should-update columns idle past a year: 政务公开 columns outside the
  six-month rule (``long``: 政策解读, 统计公报, 双公示, 重大决策预公开, 审计公告), notice sub-columns,
  人事/规划计划 (``planning``), and static-but-maintained pages (``static``: 机构职能, 领导信息) where a date
  shows (the simulator draws them undated: never counted), ≥ 10;
- ``columns.empty``: ≥ 5 columns without a row.

One column, one indicator: empty first, then ``columns.stale``, then ``columns.long_stale``. Early warnings
(indicators.md): 3 toward 5 stale, 6 of 10 long stale, 2 of 5 empty; also at risk when the columns near
their day (news 5 days, notice 30, planning 60; the long window 60) complete a count.
"""

from __future__ import annotations

import html
import random
from collections.abc import Mapping, Sequence
from typing import Any

GROUPS = ("news", "six_month", "long", "planning", "static", "none")
DEFAULT_GROUPS = {"news": "news", "notice": "six_month", "planning": "planning"}
WINDOWS = {"news": 14, "six_month": 183, "long": 365, "planning": 365, "static": 365}
"""Each group's own update window (days): past it, a column is a ``column.stale`` deduction."""
LONG_WINDOW = 365
"""Idle this long, a column that ``columns.stale`` does not hold counts in ``columns.long_stale``."""
LEADS = {"news": 5, "notice": 30, "planning": 60, "other": 30}
LONG_LEAD = 60
COUNTS = {"columns.stale": (5, 3), "columns.long_stale": (10, 6), "columns.empty": (5, 2)}
"""code → (veto threshold, early-warning level)."""

_TITLES = {
    "tjgb": ("{place}{year}年国民经济和社会发展统计公报", "{place}{year}年第{n}季度主要经济指标公报"),
    "sgs": ("{place}行政许可信息公示（{year}年第{n}批）", "{place}行政处罚信息公示（{year}年第{n}批）"),
    "jcygk": ("关于《{place}{topic}实施办法（征求意见稿）》公开征求意见的公告",),
    "sjgg": ("{place}{year}年度本级预算执行和其他财政收支审计结果公告",),
}


def title(rng: random.Random, slug: str, place: str, year: int) -> str | None:
    """A title as the column would carry it, or None for a column without its own titles (no draw then)."""
    pool = _TITLES.get(slug)
    if pool is None:
        return None
    return rng.choice(pool).format(place=place, year=year, n=rng.randint(1, 4), topic="优化营商环境")


def static_body(name: str, org: str) -> str:
    """A static-but-maintained page: 机构职能 as text, 领导信息 as an undated list of leaders."""
    esc = html.escape
    if "领导" in name:
        people = (
            ("张建国", "局长，主持全面工作"),
            ("李红", "副局长，分管办公室、政策法规"),
            ("王磊", "副局长"),
        )
        rows = "".join(
            f'<div class="leader"><p class="name">{esc(n)}</p><p class="duty">{esc(d)}</p></div>'
            for n, d in people
        )
        return f'<div class="leader-box">{rows}</div>'
    return (
        f'<div class="article-con"><h3>主要职责</h3><p>{esc(org)}贯彻执行国家和省有关方针政策和法律法规，'
        "拟订本地区相关规划并组织实施。</p><p>负责本领域的统筹协调和监督管理工作。</p>"
        "<h3>内设机构</h3><p>办公室、政策法规科、综合业务科、监督管理科。</p></div>"
    )


def _status(count: int, near: int, code: str) -> str | None:
    threshold, warn = COUNTS[code]
    if count >= threshold:
        return "violation"
    return "at_risk" if count + near >= threshold or count >= warn else None


def count_truth(columns: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The three count rules over a site's column truths (``truth.column_truth``): for each code, the
    columns it counts and its expected status under the national defaults and whole-quarter windows."""
    counted: dict[str, list[str]] = {code: [] for code in COUNTS}
    near = dict.fromkeys(COUNTS, 0)
    for c in columns:
        if not c["judged"]:
            continue
        if c["injected"] == "empty":
            counted["columns.empty"].append(c["name"])
            continue
        age, group = c["age_days"], c["group"]
        if age is None or age < 0:  # a future-dated row heads the list; the rest are fresh
            continue
        if group == "news" or (group == "six_month" and c["first_level"]):
            window = WINDOWS[group]
            if age > window:
                counted["columns.stale"].append(c["name"])
            elif window + 1 - age <= LEADS[c["category"]]:
                near["columns.stale"] += 1
        elif group in WINDOWS:
            if age > LONG_WINDOW:
                counted["columns.long_stale"].append(c["name"])
            elif LONG_WINDOW + 1 - age <= LONG_LEAD:
                near["columns.long_stale"] += 1
    return {
        code: {"columns": names, "status": _status(len(names), near[code], code)}
        for code, names in counted.items()
    }
