"""The three 栏目不更新 count rules on realistic column sets (issue 14 item 10): which columns each counts,
one column under one indicator, and the early warnings (at_risk) indicators.md promises."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from monitor.model import SHANGHAI, Finding, Observation, Outcome, Site, Status
from monitor.rules.columns import COLUMN_RULE
from monitor.rules.columns import RULES as COUNT_RULES
from monitor.settings import Settings

SITE = Site(id="4301000001", name="某市人民政府门户网站", url="https://www.example.gov.cn/", region="某市")
TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI).timestamp()
SETTINGS = Settings()
COUNT = {rule.name: rule for rule in COUNT_RULES}


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def column(
    name: str,
    category: str,
    idle_days: int | None,
    *,
    first_level: bool = True,
    rows: int = 20,
    empty_marker: bool = False,
) -> dict[str, Any]:
    """A column as the columns check stores it: ``idle_days`` None is an undated list (or, with ``rows``
    0, a page with no row at all)."""
    newest = ago(idle_days) if idle_days is not None else None
    return {
        "name": name,
        "url": f"https://www.example.gov.cn/{abs(hash(name)) % 100_000}/",
        "category": category,
        "first_level": first_level,
        "source": "nav",
        "newest": newest,
        "latest": [{"title": "关于……的通知", "url": "u", "date": newest}] if newest else [],
        "count": rows if newest else 0,
        "undated": 0 if newest else rows,
        "script_filled": False,
        "error": None,
        "sub_columns": 0,
        "empty_marker": empty_marker,
    }


def history(columns: list[dict[str, Any]]) -> dict[str, list[Observation]]:
    payload = {
        "url": SITE.url,
        "homepage": {"url": SITE.url, "newest": ago(1), "latest": [], "navigation_only": False},
        "columns": columns,
    }
    return {"columns": [Observation("columns", SITE.id, "j", NOW - 3600, Outcome.OK, None, payload)]}


def judge(code: str, columns: list[dict[str, Any]], settings: Settings = SETTINGS) -> Finding | None:
    found = COUNT[code].evaluate(SITE, history(columns), NOW, settings)
    assert len(found) <= 1
    return found[0] if found else None


def names(finding: Finding, key: str = "items") -> list[str]:
    return sorted(item["name"] for item in finding.evidence.get(key, ()))


def day(text: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0, 0), tzinfo=SHANGHAI)


STALE_NOTICES = [
    column("通知公告", "notice", 200),
    column("政策文件", "notice", 220),
    column("公示公告", "notice", 190),
    column("政府令", "notice", 300),
]
STALE_DISCLOSURE = [  # 政务公开 columns outside the six-month rule, all idle past 6 months
    column("政策解读", "notice", 200),
    column("统计公报", "notice", 250),
    column("审计公告", "notice", 300),
]


def test_four_stale_notice_columns_and_three_stale_policy_interpretation_columns_are_not_columns_stale():
    finding = judge("columns.stale", STALE_NOTICES + STALE_DISCLOSURE)
    assert finding is not None
    assert (finding.status, finding.count) == (Status.AT_RISK, 4)  # 4 of 5: a warning, not a veto
    assert names(finding) == ["公示公告", "政府令", "政策文件", "通知公告"]


@pytest.mark.parametrize("name", ["政策解读", "统计公报", "审计公告", "双公示", "重大决策预公开", "文件下载"])
def test_disclosure_columns_are_not_in_the_six_month_rule_by_default(name: str):
    cols = [*STALE_NOTICES, column(name, "notice", 200)]
    finding = judge("columns.stale", cols)
    assert finding is not None and finding.status is Status.AT_RISK and finding.count == 4


def test_a_province_puts_policy_interpretation_into_the_six_month_rule_in_settings():
    settings = Settings.model_validate({"columns": {"six_month_extra": ["政策解读"]}})
    finding = judge("columns.stale", STALE_NOTICES + STALE_DISCLOSURE, settings)
    assert finding is not None
    assert (finding.status, finding.count) == (Status.VIOLATION, 5)
    assert "政策解读" in names(finding)


def test_a_province_can_replace_the_exclusions():
    settings = Settings.model_validate({"columns": {"six_month_excluded": ["解读"]}})
    finding = judge("columns.stale", STALE_NOTICES + STALE_DISCLOSURE, settings)
    assert finding is not None and finding.count == 6  # 统计公报 and 审计公告 count again; 政策解读 does not


def test_a_stale_disclosure_column_is_a_deduction_only_after_a_year():
    found = COLUMN_RULE.evaluate(SITE, history([column("政策解读", "notice", 200)]), NOW, SETTINGS)
    assert found == []
    [finding] = COLUMN_RULE.evaluate(SITE, history([column("政策解读", "notice", 400)]), NOW, SETTINGS)
    assert (finding.code, finding.status) == ("column.stale", Status.VIOLATION)
    assert finding.evidence["window_days"] == 365
    assert finding.evidence["counted_under"] == "columns.long_stale"


def test_three_stale_toward_five_is_at_risk_with_the_day_the_fifth_goes_stale_as_due():
    cols = [column(f"{n}动态", "news", 30) for n in ("工作", "政务", "部门")]
    cols += [column("乡镇动态", "news", 5), column("图片新闻", "news", 8), column("视频新闻", "news", 1)]
    finding = judge("columns.stale", cols)
    assert finding is not None
    assert (finding.status, finding.count) == (Status.AT_RISK, 3)
    # 图片新闻 (8 days idle) is stale from day 15 = 2026-11-27, 乡镇动态 (5) from 2026-11-30: the fifth
    assert finding.due == day("2026-11-30")
    coming = {i["name"]: i["due"] for i in finding.evidence["items"] if "due" in i}
    assert coming == {"图片新闻": "2026-11-27", "乡镇动态": "2026-11-30"}


def test_three_stale_with_no_fifth_in_sight_is_at_risk_until_the_next_sampling_window():
    cols = [column(f"{n}动态", "news", 30) for n in ("工作", "政务", "部门")]
    finding = judge("columns.stale", cols)
    assert finding is not None and finding.status is Status.AT_RISK
    assert finding.due == day("2027-01-01")  # no published window: the next quarter is sampled whole


def test_two_stale_toward_five_with_nothing_coming_is_nothing():
    cols = [column("工作动态", "news", 30), column("通知公告", "notice", 200), column("政务要闻", "news", 1)]
    assert judge("columns.stale", cols) is None


def test_two_empty_columns_are_at_risk_with_the_next_windows_start_as_due():
    cols = [column("通知公告", "notice", None, rows=0), column("规范性文件", "notice", None, rows=0)]
    finding = judge("columns.empty", cols)
    assert finding is not None
    assert (finding.status, finding.count, finding.due) == (Status.AT_RISK, 2, day("2027-01-01"))
    assert finding.evidence["warn"] == 2 and finding.evidence["threshold"] == 5


def test_empty_columns_due_is_a_published_windows_first_day():
    settings = Settings.model_validate({"inspection": {"windows": {"2026Q4": ["2026-11-25", "2026-12-10"]}}})
    cols = [column("通知公告", "notice", None, rows=0), column("政策解读", "notice", None, rows=0)]
    finding = judge("columns.empty", cols, settings)
    assert finding is not None and finding.due == day("2026-11-25")
    settings = Settings.model_validate(
        {
            "inspection": {
                "windows": {"2026Q4": ["2026-11-10", "2026-12-10"], "2027Q1": ["2027-01-08", "2027-03-11"]}
            }
        }
    )
    finding = judge("columns.empty", cols, settings)  # inside the current window: the next one's start
    assert finding is not None and finding.due == day("2027-01-08")


def test_one_empty_column_is_nothing_and_the_warn_level_is_configurable():
    cols = [column("通知公告", "notice", None, rows=0)]
    assert judge("columns.empty", cols) is None
    settings = Settings.model_validate({"columns": {"empty_warn": 1}})
    finding = judge("columns.empty", cols, settings)
    assert finding is not None and finding.status is Status.AT_RISK


def test_a_column_stale_and_empty_is_counted_once_as_empty():
    # an empty notice column has no item at all: stale by "undated counts as not updated", but empty first
    cols = [
        column(n, "notice", None, rows=0, empty_marker=True) for n in ("通知公告", "政策文件", "公示公告")
    ]
    cols += [column(f"{n}动态", "news", 30) for n in ("工作", "政务")]
    stale = judge("columns.stale", cols)
    empty = judge("columns.empty", cols)
    assert stale is None  # 2 stale news only
    assert empty is not None and empty.count == 3 and empty.status is Status.AT_RISK
    per_column = COLUMN_RULE.evaluate(SITE, history(cols), NOW, SETTINGS)
    assert sorted((f.code, f.evidence["name"]) for f in per_column if f.evidence["name"] == "通知公告") == [
        ("column.empty", "通知公告")
    ]


def long_idle(count: int, idle: int = 400) -> list[dict[str, Any]]:
    """Should-update columns outside the six-month rule, each idle ``idle`` days."""
    pool = [
        column("政策解读", "notice", idle),
        column("统计公报", "notice", idle),
        column("审计公告", "notice", idle),
        column("双公示", "notice", idle),
        column("重大决策预公开", "notice", idle),
        column("文件下载", "notice", idle),
        column("规范性文件", "notice", idle, first_level=False),
        column("人事信息", "planning", idle),
        column("规划计划", "planning", idle),
        column("机构职能", "other", idle),
        column("领导信息", "other", idle),
        column("招考录用", "planning", idle),
    ]
    return pool[:count]


def test_ten_columns_idle_a_year_fail_columns_long_stale_with_static_columns_included():
    finding = judge("columns.long_stale", long_idle(11))
    assert finding is not None
    assert (finding.status, finding.count) == (Status.VIOLATION, 11)
    assert {"机构职能", "领导信息", "人事信息", "规划计划"} <= set(names(finding))
    assert all(i["counted_under"] == "columns.long_stale" for i in finding.evidence["items"])


def test_columns_idle_less_than_a_year_are_not_long_stale():
    assert judge("columns.long_stale", long_idle(11, idle=300)) is None  # 300 days: no veto, no warning


def test_six_long_stale_columns_are_at_risk_until_the_next_window():
    finding = judge("columns.long_stale", long_idle(6))
    assert finding is not None
    assert (finding.status, finding.count, finding.due) == (Status.AT_RISK, 6, day("2027-01-01"))
    assert judge("columns.long_stale", long_idle(5)) is None


def test_long_stale_at_risk_names_the_day_the_tenth_passes_its_year():
    cols = [*long_idle(8), column("机构职能", "other", 350), column("领导信息", "other", 360)]
    finding = judge("columns.long_stale", cols)
    assert finding is not None and finding.status is Status.AT_RISK
    assert finding.due == day((TODAY + dt.timedelta(days=366 - 350)).isoformat())  # 2026-12-06


def test_a_column_counted_under_columns_stale_is_not_counted_again_in_long_stale():
    news = [column(f"{n}动态", "news", 400) for n in ("工作", "政务", "部门", "乡镇", "园区")]
    notices = [column("通知公告", "notice", 400), column("政策文件", "notice", 400)]
    empty = [column("公示公告", "notice", None, rows=0)]
    cols = news + notices + empty + long_idle(4)
    stale = judge("columns.stale", cols)
    long = judge("columns.long_stale", cols)
    assert stale is not None and (stale.status, stale.count) == (Status.VIOLATION, 7)
    assert long is None  # 4 of its own: below the warning; the 7 stale and 1 empty are counted elsewhere
    more = judge("columns.long_stale", cols + long_idle(12)[4:10])
    assert more is not None and more.count == 10 and more.status is Status.VIOLATION
    elsewhere = {i["name"]: i["counted_under"] for i in more.evidence["counted_elsewhere"]}
    assert elsewhere == {name: "columns.stale" for name in names(stale)} | {"公示公告": "columns.empty"}
    assert not set(names(more)) & set(elsewhere)


def test_a_notice_sub_column_counts_in_long_stale_after_a_year_not_in_columns_stale():
    sub = column("规范性文件", "notice", 200, first_level=False)
    per_column = COLUMN_RULE.evaluate(SITE, history([sub]), NOW, SETTINGS)
    assert [(f.code, f.status, f.evidence["counted_under"]) for f in per_column] == [
        ("column.stale", Status.VIOLATION, None)  # past 183 days: a deduction, counted in no veto yet
    ]
    sub = column("规范性文件", "notice", 400, first_level=False)
    [finding] = COLUMN_RULE.evaluate(SITE, history([sub]), NOW, SETTINGS)
    assert finding.evidence["counted_under"] == "columns.long_stale"


def test_static_pages_without_a_date_are_not_judged_and_their_window_is_configurable():
    undated = [column(n, "other", None, rows=3) for n in ("机构职能", "领导信息", "机构设置")]
    blank = [column("领导简介", "other", None, rows=0)]  # a text page, no list: not an empty column
    assert COLUMN_RULE.evaluate(SITE, history(undated + blank), NOW, SETTINGS) == []
    cols = [*long_idle(9), column("领导之窗", "other", 200)]
    assert judge("columns.long_stale", cols).status is Status.AT_RISK  # type: ignore[union-attr]
    settings = Settings.model_validate({"columns": {"static_days": 180}})
    finding = judge("columns.long_stale", cols, settings)
    assert finding is not None and (finding.status, finding.count) == (Status.VIOLATION, 10)


def test_other_columns_count_only_with_a_window_configured():
    cols = [*long_idle(9), column("网站年报", "other", 400)]
    assert judge("columns.long_stale", cols).count == 9  # type: ignore[union-attr]
    settings = Settings.model_validate({"columns": {"other_days": 365}})
    assert judge("columns.long_stale", cols, settings).count == 10  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"empty_warn": 0}, "empty_warn"),
        ({"long_stale_days": 0}, "long_stale_days"),
        ({"static_days": -1}, "static_days"),
        ({"six_month_extra": "政策解读"}, "six_month_extra"),
    ],
)
def test_bad_count_settings_are_rejected_with_the_field_named(columns: dict[str, Any], message: str):
    with pytest.raises(ValidationError, match=message):
        Settings.model_validate({"columns": columns})
