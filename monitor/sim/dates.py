"""Date spellings real government pages use (pages.md), and the header clock.

Year-less spellings (``[11-04]``, ``11-04``) are only chosen by ``content`` for columns whose items are
all within the last ~10 months, so that a reader resolving the year "as of now, never in the future"
recovers the true date.
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = "一二三四五六日"
_DIGITS = "〇一二三四五六七八九"


def spell(when: dt.datetime, fmt: str) -> str:
    """``when`` in one of ``content.DATE_FORMATS``."""
    if fmt == "iso":
        return f"{when:%Y-%m-%d}"
    if fmt == "nopad":
        return f"{when.year}-{when.month}-{when.day}"
    if fmt == "slash":
        return f"{when:%Y/%m/%d}"
    if fmt == "dot":
        return f"{when:%Y.%m.%d}"
    if fmt == "cn":
        return f"{when.year}年{when.month}月{when.day}日"
    if fmt == "bracket_md":
        return f"[{when:%m-%d}]"
    if fmt == "md":
        return f"{when:%m-%d}"
    if fmt == "datetime":
        return f"{when:%Y-%m-%d %H:%M:%S}"
    raise ValueError(f"unknown date format {fmt!r}")


def header_clock(now: dt.datetime) -> str:
    """The header's 今天是… line: a date on every page that is never an item date."""
    return f"今天是{now.year}年{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]}"


def chinese_number(n: int) -> str:
    """1..31 the way 成文日期 writes them: 四, 十, 十四, 二十, 三十一."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def chinese_date(day: dt.date) -> str:
    """二〇二六年十一月四日: the 成文日期 on a signed document."""
    year = "".join(_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"
