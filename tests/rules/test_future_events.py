"""伪造发稿日期 is an item whose own publication date lies in the future, not a row dated with the day of
the event it announces (issue 14 item 4)."""

from __future__ import annotations

import pytest

from monitor.rules.freshness import announces_event


@pytest.mark.parametrize(
    "title",
    [
        "关于召开全市优化营商环境大会的预告",
        "市政府将于下周举行政府开放日活动",
        "在线访谈预告：市卫生健康委负责人谈冬季疾病防控",
        "关于公开征求《物业管理办法（征求意见稿）》意见的公告",
        "2026年下半年事业单位公开招聘报名通知",
        "“我为家乡献一策”金点子征集活动",
    ],
)
def test_a_row_announcing_a_coming_event_is_not_a_faked_date(title: str) -> None:
    assert announces_event(title)


@pytest.mark.parametrize(
    "title", ["市政府召开第十二次常务会议", "全市经济运行稳中有进", "关于印发《2027年工作要点》的通知", None]
)
def test_a_report_dated_ahead_is_still_judged(title: str | None) -> None:
    assert not announces_event(title)
