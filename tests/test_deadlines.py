"""Day counting as indicators.md states it, and the inspection sampling windows."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from monitor.deadlines import (
    day_of,
    first_sampled_day_from,
    quarter_bounds,
    quarter_of,
    sampling_window,
    stale_from,
    upcoming_windows,
    within_window,
)
from monitor.model import SHANGHAI
from monitor.settings import InspectionSettings

D = dt.date
HUNAN_2022 = InspectionSettings.model_validate({"windows": {"2022Q1": ["2022-01-08", "2022-03-11"]}})


def test_an_item_14_days_old_is_within_the_14_day_window_and_stale_the_next_day():
    assert within_window(D(2026, 11, 10), 14, D(2026, 11, 24))
    assert not within_window(D(2026, 11, 10), 14, D(2026, 11, 25))
    assert stale_from(D(2026, 11, 10), 14) == D(2026, 11, 25)


def test_days_are_counted_in_shanghai_not_utc():
    late_evening_utc = dt.datetime(2026, 11, 24, 17, 30, tzinfo=dt.UTC)  # 01:30 on the 25th in Shanghai
    assert day_of(late_evening_utc.timestamp()) == D(2026, 11, 25)
    assert day_of(dt.datetime(2026, 11, 25, 0, 0, tzinfo=SHANGHAI).timestamp()) == D(2026, 11, 25)


def test_quarters_and_their_bounds():
    assert quarter_of(D(2026, 11, 27)) == "2026Q4"
    assert quarter_bounds("2026Q4") == (D(2026, 10, 1), D(2026, 12, 31))
    assert quarter_bounds("2024Q1") == (D(2024, 1, 1), D(2024, 3, 31))


def test_a_published_window_wins_over_the_whole_quarter():
    window = sampling_window("2022Q1", HUNAN_2022)
    assert (window.first_day, window.last_day) == (D(2022, 1, 8), D(2022, 3, 11))
    assert window.contains(D(2022, 3, 11)) and not window.contains(D(2022, 3, 12))


def test_after_this_quarters_window_closes_only_the_next_one_is_ahead():
    windows = upcoming_windows(D(2022, 3, 20), HUNAN_2022)
    assert [w.quarter for w in windows] == ["2022Q2"]
    assert first_sampled_day_from(D(2022, 3, 20), windows) == D(2022, 4, 1)


def test_before_the_window_opens_its_first_day_is_the_first_sampled_day():
    windows = upcoming_windows(D(2022, 1, 2), HUNAN_2022)
    assert first_sampled_day_from(D(2022, 1, 2), windows) == D(2022, 1, 8)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)))
def test_every_day_lies_in_its_quarter(day):
    first, last = quarter_bounds(quarter_of(day))
    assert first <= day <= last
