"""Working days: the official calendar where chinese-calendar knows it, overrides and weekdays beyond."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import structlog

from monitor import workdays
from monitor.checks.interaction import workday_ratio
from monitor.extract.messages import Message
from monitor.metrics import Metrics
from monitor.settings import WorkdaySettings
from monitor.workdays import WorkCalendar, within_workdays

D = dt.date


def test_national_day_holiday_and_its_make_up_working_days() -> None:
    calendar = WorkCalendar()
    assert not calendar.is_workday(D(2026, 10, 5))  # 国庆节 holiday, a Monday
    assert calendar.is_workday(D(2026, 9, 20))  # 调休: a Sunday worked for the holiday
    assert calendar.is_workday(D(2026, 10, 10))  # 调休: a Saturday worked
    # asked on 30 September: 8 October is the next working day, the 9th the second
    assert within_workdays(D(2026, 9, 30), D(2026, 10, 8), 1, calendar)
    assert not within_workdays(D(2026, 9, 30), D(2026, 10, 9), 1, calendar)


def test_one_working_day_across_a_weekend() -> None:
    calendar = WorkCalendar()
    friday, monday, tuesday = D(2026, 11, 20), D(2026, 11, 23), D(2026, 11, 24)
    assert within_workdays(friday, monday, 1, calendar)
    assert not within_workdays(friday, tuesday, 1, calendar)
    assert within_workdays(monday, monday, 1, calendar)


def test_beyond_the_package_data_weekdays_with_one_warning(monkeypatch) -> None:
    monkeypatch.setattr(workdays, "_warned_years", set())
    calendar = WorkCalendar()
    with structlog.testing.capture_logs() as logs:
        assert calendar.is_workday(D(2031, 1, 1))  # a Wednesday: weekdays only, New Year unknown
        assert not calendar.is_workday(D(2031, 1, 4))  # Saturday
    assert [entry["event"] for entry in logs] == ["workdays.fallback_weekdays"]


def test_an_override_file_supplies_a_later_year(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(workdays, "_warned_years", set())
    path = tmp_path / "calendar.yaml"
    path.write_text("holidays: [2031-01-01]\nworkdays: [2031-01-04]\n", encoding="utf-8")
    calendar = WorkCalendar(WorkdaySettings(calendar_file=path))
    with structlog.testing.capture_logs() as logs:
        assert not calendar.is_workday(D(2031, 1, 1))
        assert calendar.is_workday(D(2031, 1, 4))
        assert calendar.is_workday(D(2031, 1, 6))
    assert logs == []  # the override file covers 2031: no warning


def test_share_answered_within_one_working_day_counts_unanswered_messages() -> None:
    messages = [
        Message("a", None, D(2026, 11, 20), D(2026, 11, 23), True),  # Friday → Monday
        Message("b", None, D(2026, 11, 20), D(2026, 11, 24), True),  # two working days
        Message("c", None, D(2026, 11, 25), None, False),
        Message("d", None, D(2025, 1, 2), D(2025, 1, 2), True),  # older than the year
    ]
    assert workday_ratio(messages, D(2026, 11, 27), 365, WorkCalendar()) == 1 / 3
    assert workday_ratio([], D(2026, 11, 27), 365, WorkCalendar()) is None


def test_the_share_is_exposed_with_the_govmon_prefix() -> None:
    metrics = Metrics()
    metrics.interaction_workday_ratio.labels("4300000001").set(0.5)
    value = metrics.registry.get_sample_value(
        "govmon_interaction_replied_within_workday_ratio", {"target": "4300000001"}
    )
    assert value == 0.5
