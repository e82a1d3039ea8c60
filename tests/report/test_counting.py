"""How the report counts (indicators.md, the 通报): a veto violation counts when it overlaps the sampling window,
both end days included in Asia/Shanghai; the forecast; row order; percentages rounded half up."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from monitor.deadlines import SamplingWindow
from monitor.model import Account, Site
from monitor.report.build import Report, build_report
from monitor.report.figures import pass_rate_text, ratio_text
from monitor.report.records import RecordError, record_from_json

WINDOW = SamplingWindow("2022Q1", dt.date(2022, 1, 8), dt.date(2022, 3, 11))
SITES = [
    Site("s1", "甲市政府门户网站", "https://a.gov.cn/", "甲市"),
    Site("s2", "乙县政府门户网站", "https://b.gov.cn/", "乙县"),
    Site("s3", "乙县教育局网站", "https://c.gov.cn/", "乙县"),
]
ACCOUNTS = [Account("a1", "甲市发布", "wechat", "甲市", feed="https://f.example.cn/a1")]


def violation(target: str = "s1", first: str = "", last: str = "", **fields: Any) -> dict[str, Any]:
    record = {
        "target": target,
        "target_kind": "account" if target.startswith("a") else "site",
        "name": target,
        "region": "",
        "code": "homepage.stale",
        "severity": "veto",
        "status": "violation",
        "message": "首页 15 天未更新",
        "observed_at": last or first,
        "first_seen": first or None,
        "last_seen": last or None,
        "evidence": {"url": f"https://{target}.gov.cn/"},
        "state": "open",
    }
    return record | fields


def report(*records: dict[str, Any], as_of: str | None = None, **kwargs: Any) -> Report:
    return build_report(
        quarter="2022Q1",
        window=WINDOW,
        sites=kwargs.pop("sites", SITES),
        accounts=kwargs.pop("accounts", ACCOUNTS),
        records=[record_from_json(record) for record in records],
        as_of=dt.datetime.fromisoformat(as_of) if as_of else None,
        **kwargs,
    )


def counted(result: Report) -> set[str]:
    return {entry.target for entry in result.problems}


# ---------------------------------------------------------------------------------------------- the window
def test_violation_ending_the_day_before_the_window_does_not_count() -> None:
    result = report(violation(first="2021-12-20T08:00:00+08:00", last="2022-01-07T23:59:59+08:00"))
    assert counted(result) == set()
    assert result.table("site").total.problems == 0


def test_violation_starting_the_day_after_the_window_does_not_count() -> None:
    result = report(violation(first="2022-03-12T00:00:00+08:00", last="2022-03-20T08:00:00+08:00"))
    assert counted(result) == set()


def test_violation_touching_the_first_day_counts() -> None:
    result = report(violation(first="2021-12-20T08:00:00+08:00", last="2022-01-08T00:00:00+08:00"))
    assert counted(result) == {"s1"}
    problem = result.problems[0].problems[0]
    assert (problem.first_day, problem.last_day) == (dt.date(2022, 1, 8), dt.date(2022, 1, 8))


def test_violation_touching_the_last_day_counts() -> None:
    result = report(violation(first="2022-03-11T23:59:00+08:00", last="2022-03-30T08:00:00+08:00"))
    assert counted(result) == {"s1"}


def test_window_days_are_shanghai_days() -> None:
    # 2022-01-07T16:30Z is 2022-01-08 00:30 in Asia/Shanghai: inside the window
    result = report(violation(first="2022-01-01T00:00:00+00:00", last="2022-01-07T16:30:00+00:00"))
    assert counted(result) == {"s1"}


def test_a_moment_without_lifecycle_fields_is_its_observed_at() -> None:
    inside = violation(first="", last="", observed_at="2022-02-01T10:00:00+08:00", state=None)
    outside = violation("s2", first="", last="", observed_at="2022-03-12T10:00:00+08:00", state=None)
    assert counted(report(inside, outside)) == {"s1"}


@pytest.mark.parametrize(
    ("severity", "status", "state"),
    [
        ("veto", "at_risk", "open"),
        ("veto", "unverified", "open"),
        ("deduction", "violation", "open"),
        ("warning", "violation", "open"),
        ("veto", "violation", "dismissed"),
    ],
)
def test_only_veto_violations_not_dismissed_count(severity: str, status: str, state: str) -> None:
    record = violation(
        first="2022-02-01T08:00:00+08:00",
        last="2022-02-02T08:00:00+08:00",
        severity=severity,
        status=status,
        state=state,
        due="2022-02-10T00:00:00+08:00",
    )
    assert counted(report(record)) == set()


def test_a_target_counts_once_however_many_problems() -> None:
    first = violation(first="2022-02-01T08:00:00+08:00", last="2022-02-02T08:00:00+08:00")
    second = violation(
        first="2022-02-05T08:00:00+08:00", last="2022-02-06T08:00:00+08:00", code="site.unreachable"
    )
    result = report(first, second)
    assert result.table("site").total.problems == 1
    assert len(result.problems[0].problems) == 2


def test_an_at_risk_that_turned_into_a_violation_counts_from_the_turn() -> None:
    history = [
        {"at": "2022-03-01T08:00:00+08:00", "state": "open", "status": "at_risk"},
        {"at": "2022-03-12T08:00:00+08:00", "state": "open", "status": "violation"},
    ]
    late = violation(first="2022-03-01T08:00:00+08:00", last="2022-03-20T08:00:00+08:00", history=history)
    assert counted(report(late)) == set()


def test_the_checked_set_is_the_tables_检查数() -> None:
    record = violation(first="2022-02-01T08:00:00+08:00", last="2022-02-02T08:00:00+08:00")
    result = report(record, checked={"s1", "s2", "a1"})
    rows = {row.region: row for row in result.table("site").rows}
    assert (rows["乙县"].running, rows["乙县"].checked) == (2, 1)
    assert (rows["甲市"].checked, rows["甲市"].problems, rows["甲市"].ratio_text) == (1, 1, "100%")


# ---------------------------------------------------------------------------------------------- forecast
def test_forecast_counts_open_violations_and_at_risk_due_in_the_window() -> None:
    open_violation = violation("s1", first="2021-12-20T08:00:00+08:00", last="2021-12-30T08:00:00+08:00")
    due_inside = violation(
        "s2",
        first="2021-12-25T08:00:00+08:00",
        last="2021-12-30T08:00:00+08:00",
        status="at_risk",
        due="2022-01-20T00:00:00+08:00",
        code="columns.stale",
    )
    due_after = violation(
        "s3",
        first="2021-12-25T08:00:00+08:00",
        last="2021-12-30T08:00:00+08:00",
        status="at_risk",
        due="2022-03-12T00:00:00+08:00",
    )
    resolved = violation(
        "a1", first="2021-12-01T08:00:00+08:00", last="2021-12-10T08:00:00+08:00", state="resolved"
    )
    result = report(open_violation, due_inside, due_after, resolved, as_of="2021-12-31T09:00:00+08:00")
    assert result.forecast
    assert counted(result) == {"s1", "s2"}
    by_target = {entry.target: entry.problems[0] for entry in result.problems}
    assert by_target["s1"].forecast == "open"
    assert (by_target["s2"].forecast, by_target["s2"].due) == ("at_risk", dt.date(2022, 1, 20))
    assert all(entry.forecast for entry in result.problems)
    assert result.table("site").total.checked == 3  # every target will be checked


def test_forecast_inside_the_window_keeps_what_was_seen_and_ignores_what_came_later() -> None:
    seen = violation(
        "s1", first="2022-01-10T08:00:00+08:00", last="2022-01-12T08:00:00+08:00", state="resolved"
    )
    later = violation("s2", first="2022-02-20T08:00:00+08:00", last="2022-02-21T08:00:00+08:00")
    result = report(seen, later, as_of="2022-02-01T12:00:00+08:00")
    assert counted(result) == {"s1"}
    assert result.problems[0].problems[0].forecast is None


def test_forecast_in_the_past_reads_the_history_of_a_finding_that_turned_later() -> None:
    history = [
        {"at": "2022-02-20T08:00:00+08:00", "state": "open", "status": "at_risk"},
        {"at": "2022-03-01T08:00:00+08:00", "state": "open", "status": "violation"},
    ]
    turned = violation(first="2022-02-20T08:00:00+08:00", last="2022-03-08T08:00:00+08:00", history=history)
    result = report(turned, as_of="2022-02-27T12:00:00+08:00")
    problem = result.problems[0].problems[0]
    assert (problem.forecast, problem.due) == ("at_risk", dt.date(2022, 3, 1))


def test_without_as_of_at_risk_never_counts() -> None:
    due_inside = violation(
        "s2",
        first="2022-01-10T08:00:00+08:00",
        last="2022-01-12T08:00:00+08:00",
        status="at_risk",
        due="2022-01-20T00:00:00+08:00",
    )
    assert counted(report(due_inside)) == set()


# ---------------------------------------------------------------------------------------------- rows
def test_regions_in_order_of_first_appearance_never_alphabetical() -> None:
    sites = [
        Site("x1", "n1", "https://x1.gov.cn/", "省直"),
        Site("x2", "n2", "https://x2.gov.cn/", "长沙市"),
        Site("x3", "n3", "https://x3.gov.cn/", "衡阳市"),
        Site("x4", "n4", "https://x4.gov.cn/", "长沙市"),
        Site("x5", "n5", "https://x5.gov.cn/", "株洲市"),
    ]
    result = report(sites=sites, accounts=[])
    assert [row.region for row in result.table("site").rows] == ["省直", "长沙市", "衡阳市", "株洲市"]
    assert sorted(["省直", "长沙市", "衡阳市", "株洲市"]) != ["省直", "长沙市", "衡阳市", "株洲市"]


def test_configured_regions_set_the_order_and_the_rest_follow() -> None:
    result = report(regions=["乙县", "丙区"])
    assert [row.region for row in result.table("site").rows] == ["乙县", "甲市"]


# ---------------------------------------------------------------------------------------------- figures
@pytest.mark.parametrize(
    ("problems", "checked", "text"),
    [
        (2, 158, "1.27%"),  # 1.2658 % rounds half up
        (1, 46, "2.17%"),
        (1, 617, "0.16%"),
        (1, 800, "0.13%"),  # 0.125 exactly: half up, not half even
        (0, 46, "0"),
        (0, 0, "0"),
        (3, 3, "100%"),
    ],
)
def test_ratio_cells(problems: int, checked: int, text: str) -> None:
    assert ratio_text(problems, checked) == text


def test_pass_rates_as_the_通报_prints_them() -> None:
    assert pass_rate_text(1, 617) == "99.84%"
    assert pass_rate_text(6, 2420) == "99.75%"
    assert pass_rate_text(0, 40) == "100%"


# ---------------------------------------------------------------------------------------------- records
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"severity": "fatal"}, "severity: 'fatal' is not one of veto, deduction, warning"),
        ({"target": None}, "missing target"),
        ({"observed_at": "yesterday"}, "observed_at: 'yesterday' is not an ISO 8601 date-time"),
        (
            {"last_seen": "2022-01-01T00:00:00+08:00"},
            "last_seen 2022-01-01T00:00:00+08:00 is before first_seen",
        ),
    ],
)
def test_bad_records_say_which_field(change: dict[str, Any], message: str) -> None:
    record = violation(first="2022-02-01T08:00:00+08:00", last="2022-02-02T08:00:00+08:00") | change
    with pytest.raises(RecordError, match="^" + re.escape(message)):
        record_from_json(record)
