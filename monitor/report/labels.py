"""The inspector's words: each finding code as the indicator names it (国办秘函〔2019〕19号, indicators.md),
and the headers of the 通报's tables. A code not listed here (a manual finding) is shown by its message."""

from __future__ import annotations

import datetime as dt

from monitor.words import CODE_WORDS

KIND_NOUN = {"site": "政府网站", "account": "政务新媒体"}
"""What one target of a kind is called in the 通报's sentences."""

TABLE_TITLE = {"site": "全省政府网站检查情况", "account": "全省政务新媒体检查情况"}

TABLE_HEADERS = {
    "site": ("市州/部门", "实际运行网站数", "检查网站数", "发现存在突出问题的网站数", "占检查数比例"),
    "account": (
        "市州/部门",
        "实际运行政务新媒体数",
        "检查政务新媒体数",
        "发现存在突出问题的政务新媒体数",
        "占检查数比例",
    ),
}
"""The 通报's column headings (附件2 and 附件3), its two-row header flattened into one."""

CSV_HEADER = ("地区", "实际运行数", "检查数", "发现存在突出问题数", "占检查数比例")
"""CONTRACT.md's header of ``websites.csv`` and ``new-media.csv``."""

TOTAL = "合计"

FORECAST_LABELS = {"open": "预计：违规未整改，检查时仍存在", "at_risk": "预计：到期"}
"""How a forecast problem is marked; an at_risk one is followed by its due day."""


def indicator(code: str, message: str) -> str:
    """The problem as the inspector words it: the indicator's name, else the finding's own message."""
    return CODE_WORDS[code].indicator if code in CODE_WORDS else message


def quarter_words(quarter: str) -> str:
    """``2022Q1`` → ``2022年第一季度``."""
    return f"{quarter[:4]}年第{'一二三四'[int(quarter[5]) - 1]}季度"


def range_words(first: dt.date, last: dt.date) -> str:
    """``2022年1月8日至3月11日``: the year once when both days share it."""
    if first.year == last.year:
        return f"{day_words(first)}至{last.month}月{last.day}日"
    return f"{day_words(first)}至{day_words(last)}"


def day_words(day: dt.date) -> str:
    """A date as the 通报 writes it: ``2022年1月8日``."""
    return f"{day.year}年{day.month}月{day.day}日"
