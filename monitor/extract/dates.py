"""Dates as Chinese government pages print them (pages.md), and what only looks like one.

Spellings read: ``2026-11-04``, ``2026-9-7``, ``2026/11/04``, ``2026.11.04``, ``2026年11月4日``,
``二〇二六年九月七日`` (成文日期 in Chinese numerals), ``[11-04]`` / ``11-04`` / ``11月4日`` (year implied: the
latest such date not after ``as_of``, since a page never lists a future item), and date-times with
seconds. Not dates: 文号 ``〔2022〕3号``, 令号 ``2026年第45号令``, phone numbers ``0851-86987085``, 网站标识码,
ICP numbers, ``(2025-1)`` serials, year ranges ``2026—2028年``: the patterns demand a year, a month and a
day with one consistent separator, digit boundaries on both sides, and a real calendar day.

All patterns are compiled once at import; callers run one ``search`` per text node, never a loop of
patterns (the performance target is a whole page in well under a millisecond).
"""

from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_YEAR_CHARS = "〇○零ＯOo一二三四五六七八九"
_CN_SMALL_CHARS = "〇一二三四五六七八九十"

# One alternation so that a text run is scanned once. Groups:
#   y1 m1 d1: numeric year-month-day with one separator (-, /, ., or 年月日)
#   cy cm cd: Chinese-numeral date
#   m2 d2 / m2c d2c: year-less month-day, two-digit ``11-04`` or ``11月4日`` (a pager's ``2/2`` or an
#   item range ``1-20`` is not a date)
_DATE = (
    r"(?<![\d〔第])(?P<y1>(?:19|20)\d\d)"
    r"(?:(?P<s>[-/.])\s?(?P<m1>\d{1,2})(?P=s)\s?(?P<d1>\d{1,2})(?![\d号])"
    r"|\s?年\s?(?P<m1c>\d{1,2})\s?月\s?(?P<d1c>\d{1,2})\s?日?(?![\d号]))"
    rf"|(?P<cy>[{_CN_YEAR_CHARS}]{{4}})年(?P<cm>[{_CN_SMALL_CHARS}]{{1,2}})月(?P<cd>[{_CN_SMALL_CHARS}]{{1,3}})日"
    r"|(?<![\d\-/.年〔])(?:(?P<m2>[01]\d)-(?P<d2>[0-3]\d)(?![\d\-/.:])|(?P<m2c>[01]?\d)月(?P<d2c>[0-3]?\d)日)"
)
DATE_RE = re.compile(_DATE)
# A whole text node that is "a date and nothing else": optional brackets and label (发布时间：) before,
# optional time of day after. ``fullmatch`` fails at the first character of an ordinary text node,
# which keeps the per-node cost low.
_LABEL = r"(?:发布|更新|成文|生成|发文|印发|公开|录入|创建|信息)?(?:时间|日期)"
# Other fields of an info line may follow in the same text node (``发布时间：2026-11-04　来源：市政府办``).
_MORE_FIELDS = r"(?:\s+(?:来源|信息来源|发布机构|作者|编辑|浏览|点击|阅读|访问|字号)(?:次数|量)?\s*[:：].*)?"
WHOLE_DATE_RE = re.compile(
    rf"[\[［(（【]?\s*(?:{_LABEL}\s*[:：]?)?\s*[\[［(（【]?\s*(?:{_DATE})\s*"
    r"(?:\d{1,2}(?::\d{2}(?::\d{2})?|时\d{1,2}分(?:\d{1,2}秒)?))?\s*[\]］)）】]?" + _MORE_FIELDS,
    re.S,
)


def _cn_small(text: str) -> int:
    """十 / 十四 / 二十 / 二十一 / 三十一 / 〇四 → int."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGITS[ch]
    return value


def _resolve(year: int | None, month: int, day: int, as_of: dt.date) -> dt.date | None:
    """A real calendar day; year-less dates take the latest year that keeps them not after ``as_of``."""
    try:
        if year is not None:
            return dt.date(year, month, day) if 1990 <= year <= as_of.year + 1 else None
        found = dt.date(as_of.year, month, day)
        return found if found <= as_of else dt.date(as_of.year - 1, month, day)
    except ValueError:
        # 02-29 in a non-leap year: try the year before (a leap year only if that one is).
        if year is None and month == 2 and day == 29:
            for back in range(1, 8):
                try:
                    return dt.date(as_of.year - back, 2, 29)
                except ValueError:
                    continue
        return None


def is_yearless(m: re.Match[str]) -> bool:
    """The match is ``11-04`` / ``11月4日``: its year comes from ``as_of``."""
    return m["y1"] is None and m["cy"] is None


def match_date(m: re.Match[str], as_of: dt.date) -> dt.date | None:
    """The date of one ``DATE_RE`` match."""
    year = m["y1"]
    if year:
        month = m["m1"]
        if month:
            return _resolve(int(year), int(month), int(m["d1"]), as_of)
        return _resolve(int(year), int(m["m1c"]), int(m["d1c"]), as_of)
    cn_year = m["cy"]
    if cn_year:
        value = 0
        for ch in cn_year:
            value = value * 10 + _CN_DIGITS[ch]
        return _resolve(value, _cn_small(m["cm"]), _cn_small(m["cd"]), as_of)
    if m["m2"]:
        return _resolve(None, int(m["m2"]), int(m["d2"]), as_of)
    return _resolve(None, int(m["m2c"]), int(m["d2c"]), as_of)


def parse_date(text: str, as_of: dt.date) -> dt.date | None:
    """One date as printed, the whole ``text`` (label such as 发布时间： and a time of day allowed)."""
    m = WHOLE_DATE_RE.fullmatch(text.strip())
    return match_date(m, as_of) if m is not None else None


def find_dates(text: str, as_of: dt.date) -> list[dt.date]:
    """Every item-like date in a text run, in order; year-less ones only when bracketed or alone.

    文号 〔2022〕3号, 令号 2026年第45号令, phone numbers, 标识码 and ICP numbers never match (see module doc).
    """
    found: list[dt.date] = []
    for m in DATE_RE.finditer(text):
        if is_yearless(m) and not _yearless_ok(text, m):
            continue
        when = match_date(m, as_of)
        if when is not None:
            found.append(when)
    return found


def _yearless_ok(text: str, m: re.Match[str]) -> bool:
    """``11-04`` inside running text is too easily a score or a range: only bracketed or standing alone."""
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if before in "[［(（【" and after in "]］)）】":
        return True
    return (before.isspace() or m.start() == 0) and (after.isspace() or m.end() == len(text))
