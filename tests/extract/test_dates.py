"""Dates as government pages print them, and the look-alikes that are not dates (pages.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.extract.dates import find_dates, parse_date

AS_OF = dt.date(2026, 11, 27)
D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-04", D(2026, 11, 4)),
        ("2026-9-7", D(2026, 9, 7)),
        ("2026/11/04", D(2026, 11, 4)),
        ("2026.11.04", D(2026, 11, 4)),
        ("2026年11月4日", D(2026, 11, 4)),
        ("2026年 11月 04日", D(2026, 11, 4)),
        ("二〇二六年九月七日", D(2026, 9, 7)),
        ("二〇二六年十一月二十七日", D(2026, 11, 27)),
        ("二○二五年十二月三十一日", D(2025, 12, 31)),
        ("2026-11-04 09:30:15", D(2026, 11, 4)),
        ("2026-11-04 09:30", D(2026, 11, 4)),
        ("  2026-11-04\n  ", D(2026, 11, 4)),
        ("[2026-11-04]", D(2026, 11, 4)),
        ("(2026-11-04)", D(2026, 11, 4)),
        ("发布时间：2026-08-27", D(2026, 8, 27)),
        ("发布日期: 2026年08月27日 10:00", D(2026, 8, 27)),
        ("日期：2026/08/27", D(2026, 8, 27)),
        ("2026年11月04日 10时20分", D(2026, 11, 4)),
        ("发布时间：2026-11-04\u3000\u3000来源：市政府办公室", D(2026, 11, 4)),
        ("2026-11-04 浏览次数：35", D(2026, 11, 4)),
    ],
)
def test_full_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text, AS_OF) == expected


@pytest.mark.parametrize(
    ("text", "as_of", "expected"),
    [
        ("[11-04]", D(2026, 11, 27), D(2026, 11, 4)),
        ("11-04", D(2026, 11, 27), D(2026, 11, 4)),
        ("11-27", D(2026, 11, 27), D(2026, 11, 27)),  # today is not the future
        ("11-28", D(2026, 11, 27), D(2025, 11, 28)),  # tomorrow would be: last year's
        ("[12-30]", D(2027, 1, 5), D(2026, 12, 30)),  # across new year
        ("11月4日", D(2026, 11, 27), D(2026, 11, 4)),
        ("02-29", D(2026, 3, 1), D(2024, 2, 29)),  # the latest 29 February not after as_of
    ],
)
def test_year_less_dates_are_never_in_the_future(text: str, as_of: dt.date, expected: dt.date) -> None:
    assert parse_date(text, as_of) == expected


@pytest.mark.parametrize(
    "text",
    [
        "湘政发〔2022〕3号",
        "〔2026〕1241号",
        "2026年第45号令",
        "0851-86987085",
        "0731-88886666",
        "网站标识码：4300000001",
        "京ICP备05009132号",
        "湘公网安备 43010202000123号",
        "邮编：410011",
        "（2025-1）",
        "2026-1",
        "2026—2028年",
        "2026年",
        "2026-02-30",
        "2026-13-01",
        "版权所有 © 2026",
        "2022年工作要点",
        "今天是2021年3月4日 星期四",
        "2/2",  # a pager's page counter
        "1-20",  # rows 1 to 20
        "9-7",  # year-less dates are printed with two digits: 09-07
        "2026-11-04 市政府召开常务会议",
        "2026年9月4日专题会",
        "",
    ],
)
def test_not_a_date(text: str) -> None:
    assert parse_date(text, AS_OF) is None


def test_find_dates_skips_look_alikes_in_running_text() -> None:
    text = (
        "湘政发〔2022〕3号 2026年第45号令 电话：0851-86987085 标识码1400000032 京ICP备05009132号 "
        "发布于2026-11-04，[11-05] 更新，成文于二〇二六年九月七日"
    )
    assert find_dates(text, AS_OF) == [D(2026, 11, 4), D(2026, 11, 5), D(2026, 9, 7)]


def test_find_dates_only_takes_bracketed_or_standalone_month_days() -> None:
    assert find_dates("比分3-2 第1-5条", AS_OF) == []
    assert find_dates("2026年度考核 (11-04)", AS_OF) == [D(2026, 11, 4)]
