"""The freshness rules on literal observations: indicators.md's day counting, counts and at_risk dues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.model import SHANGHAI, Observation, Outcome, Site, Status
from monitor.rules.columns import COLUMN_RULE
from monitor.rules.columns import RULES as COUNT_RULES
from monitor.rules.freshness import FUTURE_RULE, HOMEPAGE_RULE
from monitor.rules.misfiled import RULE as MISFILED_RULE
from monitor.rules.topics import RULE as TOPIC_RULE
from monitor.settings import Settings

SITE = Site(id="4301000001", name="某市人民政府门户网站", url="https://www.example.gov.cn/", region="某市")
TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI).timestamp()
SETTINGS = Settings()
COUNT = {rule.name: rule for rule in COUNT_RULES}


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def column(
    name: str, category: str, idle_days: int | None, *, first_level: bool = True, rows: int = 20, **extra: Any
) -> dict[str, Any]:
    slug = abs(hash(name)) % 10_000
    newest = ago(idle_days) if idle_days is not None else None
    return {
        "name": name,
        "url": f"https://www.example.gov.cn/col{slug}/",
        "category": category,
        "first_level": first_level,
        "source": "nav",
        "newest": newest,
        "latest": [{"title": "t", "url": "u", "date": newest}] if newest else [],
        "count": rows if newest else 0,
        "undated": 0 if newest else rows,
        "script_filled": False,
        "error": None,
        **extra,
    }


def history(columns: list[dict[str, Any]], home_idle: int | None = 1, *, outcome: Outcome = Outcome.OK):
    home_newest = ago(home_idle) if home_idle is not None else None
    payload = {
        "url": SITE.url,
        "homepage": {
            "url": SITE.url,
            "newest": home_newest,
            "latest": [{"title": "t", "url": "u", "date": home_newest}] if home_newest else [],
            "navigation_only": home_idle is None,
        },
        "columns": columns,
    }
    return {"columns": [Observation("columns", SITE.id, "j", NOW - 3600, outcome, None, payload)]}


def codes(findings) -> list[tuple[str, str]]:
    return sorted((f.code, f.status.value) for f in findings)


def test_news_column_idle_14_days_is_within_its_window_and_15_days_is_stale():
    found = COLUMN_RULE.evaluate(SITE, history([column("工作动态", "news", 14)]), NOW, SETTINGS)
    assert codes(found) == [("column.stale", "at_risk")]
    found = COLUMN_RULE.evaluate(SITE, history([column("工作动态", "news", 15)]), NOW, SETTINGS)
    assert codes(found) == [("column.stale", "violation")]
    assert found[0].evidence == {
        "name": "工作动态",
        "url": found[0].evidence["url"],
        "category": "news",
        "first_level": True,
        "newest": ago(15),
        "window_days": 14,
        "counted_under": "columns.stale",
    }


def test_news_column_idle_10_days_is_at_risk_due_at_the_start_of_day_15():
    [finding] = COLUMN_RULE.evaluate(SITE, history([column("工作动态", "news", 10)]), NOW, SETTINGS)
    assert finding.status is Status.AT_RISK
    assert finding.due == dt.datetime(2026, 11, 25, 0, 0, tzinfo=SHANGHAI)


def test_fresh_column_far_from_its_window_gives_nothing():
    assert COLUMN_RULE.evaluate(SITE, history([column("工作动态", "news", 2)]), NOW, SETTINGS) == []
    assert COLUMN_RULE.evaluate(SITE, history([column("通知公告", "notice", 100)]), NOW, SETTINGS) == []


def test_notice_window_is_183_days_and_planning_365():
    found = COLUMN_RULE.evaluate(
        SITE,
        history(
            [
                column("通知公告", "notice", 183),
                column("政策文件", "notice", 184),
                column("人事信息", "planning", 366),
            ]
        ),
        NOW,
        SETTINGS,
    )
    assert codes(found) == [
        ("column.stale", "at_risk"),
        ("column.stale", "violation"),
        ("column.stale", "violation"),
    ]


def test_per_region_override_shortens_the_news_window():
    settings = Settings.model_validate({"freshness": {"overrides": {"regions": {"某市": {"news_days": 7}}}}})
    found = COLUMN_RULE.evaluate(SITE, history([column("工作动态", "news", 8)]), NOW, settings)
    assert codes(found) == [("column.stale", "violation")]


def test_undated_column_counts_as_not_updated():
    found = COLUMN_RULE.evaluate(SITE, history([column("工作动态", "news", None)]), NOW, SETTINGS)
    assert codes(found) == [("column.stale", "violation")]


def test_empty_column_counts_as_empty_not_stale():
    found = COLUMN_RULE.evaluate(SITE, history([column("规范性文件", "notice", None, rows=0)]), NOW, SETTINGS)
    assert codes(found) == [("column.empty", "violation")]


def test_column_whose_page_failed_or_is_script_filled_is_not_judged():
    failed = column("工作动态", "news", None, rows=0, error="timeout")
    scripted = column("政务要闻", "news", None, rows=0, script_filled=True)
    assert COLUMN_RULE.evaluate(SITE, history([failed, scripted]), NOW, SETTINGS) == []


def test_failed_observation_gives_no_freshness_finding():
    h = history([column("工作动态", "news", 40)], home_idle=40, outcome=Outcome.FAILED)
    for rule in (COLUMN_RULE, HOMEPAGE_RULE, *COUNT_RULES):
        assert rule.evaluate(SITE, h, NOW, SETTINGS) == []


def stale_mix(news: int, notice: int, *, notice_first_level: bool = True) -> list[dict[str, Any]]:
    cols = [column(f"新闻{n}动态", "news", 30) for n in range(news)]
    cols += [column(f"通知{n}公告", "notice", 200, first_level=notice_first_level) for n in range(notice)]
    return cols


def test_three_stale_news_and_two_stale_first_level_notice_columns_fail_columns_stale():
    [finding] = COUNT["columns.stale"].evaluate(SITE, history(stale_mix(3, 2)), NOW, SETTINGS)
    assert (finding.status, finding.count, len(finding.evidence["items"])) == (Status.VIOLATION, 5, 5)
    assert finding.severity.value == "veto"


def test_stale_sub_level_notice_columns_do_not_count_toward_columns_stale():
    cols = stale_mix(3, 2, notice_first_level=False)
    [finding] = COUNT["columns.stale"].evaluate(SITE, history(cols), NOW, SETTINGS)
    assert (finding.status, finding.count) == (Status.AT_RISK, 3)  # the three news columns: a warning


def test_four_stale_and_a_fifth_passing_its_window_soon_is_at_risk_on_that_day():
    cols = [*stale_mix(3, 1), column("部门动态", "news", 12)]  # stale from 2026-11-23
    [finding] = COUNT["columns.stale"].evaluate(SITE, history(cols), NOW, SETTINGS)
    assert finding.status is Status.AT_RISK
    assert finding.due == dt.datetime(2026, 11, 23, tzinfo=SHANGHAI)
    assert finding.count == 4


def test_count_at_risk_waits_for_the_sampling_window():
    settings = Settings.model_validate(
        {
            "inspection": {
                "windows": {"2026Q4": ["2026-11-25", "2026-12-10"], "2027Q1": ["2027-01-08", "2027-03-11"]}
            }
        }
    )
    cols = [*stale_mix(3, 1), column("部门动态", "news", 12)]
    [finding] = COUNT["columns.stale"].evaluate(SITE, history(cols), NOW, settings)
    assert finding.due == dt.datetime(2026, 11, 25, tzinfo=SHANGHAI)  # the first day an inspector may look


def test_two_plus_one_with_nothing_passing_soon_is_nothing():
    cols = [*stale_mix(2, 1), column("部门动态", "news", 2)]  # 3 is the early-warning level
    assert COUNT["columns.stale"].evaluate(SITE, history(cols[1:]), NOW, SETTINGS) == []


def test_ten_columns_idle_a_year_fail_columns_long_stale():
    cols = [column(f"规范性文件{n}", "notice", 400, first_level=False) for n in range(8)]
    cols += [column(f"规划{n}", "planning", 400) for n in range(2)]
    [finding] = COUNT["columns.long_stale"].evaluate(SITE, history(cols), NOW, SETTINGS)
    assert (finding.status, finding.count) == (Status.VIOLATION, 10)
    [finding] = COUNT["columns.long_stale"].evaluate(SITE, history(cols[:9]), NOW, SETTINGS)
    assert finding.status is Status.AT_RISK  # 9 of 10: past the early-warning level (6)


def test_five_empty_columns_fail_columns_empty_and_are_not_counted_stale():
    cols = [column(f"空栏目{n}", "notice", None, rows=0) for n in range(5)]
    [finding] = COUNT["columns.empty"].evaluate(SITE, history(cols), NOW, SETTINGS)
    assert (finding.code, finding.status, finding.count) == ("columns.empty", Status.VIOLATION, 5)
    assert COUNT["columns.stale"].evaluate(SITE, history(cols), NOW, SETTINGS) == []
    assert COUNT["columns.empty"].evaluate(SITE, history(cols[:1]), NOW, SETTINGS) == []


def test_homepage_idle_14_days_is_at_risk_and_15_days_stale():
    [finding] = HOMEPAGE_RULE.evaluate(SITE, history([], home_idle=14), NOW, SETTINGS)
    assert (finding.status, finding.due) == (Status.AT_RISK, dt.datetime(2026, 11, 21, tzinfo=SHANGHAI))
    [finding] = HOMEPAGE_RULE.evaluate(SITE, history([], home_idle=15), NOW, SETTINGS)
    assert (finding.code, finding.severity.value, finding.status) == (
        "homepage.stale",
        "veto",
        Status.VIOLATION,
    )
    assert HOMEPAGE_RULE.evaluate(SITE, history([], home_idle=3), NOW, SETTINGS) == []


def test_navigation_only_homepage_is_stale_only_when_every_second_level_page_is():
    all_stale = [column("工作动态", "news", 20), column("人事信息", "planning", 30)]
    [finding] = HOMEPAGE_RULE.evaluate(SITE, history(all_stale, home_idle=None), NOW, SETTINGS)
    assert finding.status is Status.VIOLATION and finding.evidence["navigation_only"] is True
    one_fresh = [*all_stale, column("领导信箱", "interaction", 3)]
    assert HOMEPAGE_RULE.evaluate(SITE, history(one_fresh, home_idle=None), NOW, SETTINGS) == []


def test_item_dated_after_the_monitoring_point_is_a_future_date_veto():
    cols = [column("工作动态", "news", 1)]
    cols[0]["latest"].insert(
        0, {"title": "未来", "url": "https://www.example.gov.cn/a.html", "date": "2026-11-23"}
    )
    [finding] = FUTURE_RULE.evaluate(SITE, history(cols), NOW, SETTINGS)
    assert (finding.code, finding.status, finding.count) == ("content.future_date", Status.VIOLATION, 1)
    assert finding.evidence["items"][0]["date"] == "2026-11-23"
    later = dt.datetime(2026, 11, 23, 9, tzinfo=SHANGHAI).timestamp()  # judged on that day: not future
    assert FUTURE_RULE.evaluate(SITE, history(cols), later, SETTINGS) == []


def test_news_items_in_a_policy_document_column_are_misfiled():
    items = [
        {"title": "关于做好安全生产工作的通知", "url": "u1", "date": ago(3)},
        {"title": "某市人民政府办公室关于防汛的意见（某政办发〔2026〕3号）", "url": "u2", "date": ago(5)},
        {"title": "某市召开安全生产工作会议", "url": "u3", "date": ago(6)},
    ]
    policy = column("政策文件", "notice", 3, items=items)
    notices = column("通知公告", "notice", 3, items=items)
    [finding] = MISFILED_RULE.evaluate(SITE, history([policy, notices]), NOW, SETTINGS)
    assert finding.evidence["name"] == "政策文件" and finding.count == 1
    assert finding.evidence["items"][0]["title"] == "某市召开安全生产工作会议"


def test_topic_on_the_homepage_idle_past_its_age_is_expired():
    cols = [column("专题专栏", "topic", 181), column("乡村振兴专题", "topic", 179)]
    [finding] = TOPIC_RULE.evaluate(SITE, history(cols), NOW, SETTINGS)
    assert (finding.code, finding.evidence["name"]) == ("topic.expired", "专题专栏")


def test_news_column_idle_9_days_is_not_yet_at_risk():
    assert COLUMN_RULE.evaluate(SITE, history([column("工作动态", "news", 9)]), NOW, SETTINGS) == []


def test_no_at_risk_when_the_stale_day_falls_after_every_window_an_inspector_may_still_sample():
    settings = Settings.model_validate(
        {
            "inspection": {
                "windows": {"2026Q4": ["2026-10-01", "2026-12-10"], "2027Q1": ["2027-01-05", "2027-01-06"]}
            }
        }
    )
    now = dt.datetime(2026, 12, 20, 10, tzinfo=SHANGHAI).timestamp()
    notice = column("通知公告", "notice", 0)
    notice["newest"] = notice["latest"][0]["date"] = "2026-07-10"  # stale from 2027-01-10, after 2027-01-06
    assert COLUMN_RULE.evaluate(SITE, history([notice]), now, settings) == []
    notice["newest"] = notice["latest"][0]["date"] = "2026-07-03"  # stale from 2027-01-03: sampled after
    [finding] = COLUMN_RULE.evaluate(SITE, history([notice]), now, settings)
    assert (finding.status, finding.due) == (Status.AT_RISK, dt.datetime(2027, 1, 3, tzinfo=SHANGHAI))


def test_a_column_without_a_window_is_empty_only_when_its_page_says_so():
    static = column("机构概况", "other", None, rows=0)  # a static page: no list, no 暂无信息
    says_empty = column("专题专栏", "topic", None, rows=0, empty_marker=True)
    found = COLUMN_RULE.evaluate(SITE, history([static, says_empty]), NOW, SETTINGS)
    assert [(f.code, f.evidence["name"]) for f in found] == [("column.empty", "专题专栏")]
