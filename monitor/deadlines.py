"""Calendar arithmetic of the indicators: days in Asia/Shanghai, update windows, inspection sampling windows.

indicators.md: an item dated D is within an N-day window at monitoring point T while date(T) − D ≤ N; it is
stale from D + N + 1. Inspectors sample on any day of a published window (2022 Q1: 2022-01-08 to
2022-03-11), both ends included; a quarter with no published window is sampled over the whole quarter.
Pure functions; the clock is always an argument.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from monitor.model import SHANGHAI
from monitor.settings import InspectionSettings


def day_of(epoch_s: float) -> dt.date:
    """The calendar day (Asia/Shanghai) of a moment."""
    return dt.datetime.fromtimestamp(epoch_s, tz=SHANGHAI).date()


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai: when a rule that turns on ``day`` turns."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)


def stale_from(last_update: dt.date, window_days: int) -> dt.date:
    """The first day on which an item dated ``last_update`` no longer counts within ``window_days``."""
    return last_update + dt.timedelta(days=window_days + 1)


def within_window(last_update: dt.date, window_days: int, today: dt.date) -> bool:
    return (today - last_update).days <= window_days


@dataclasses.dataclass(frozen=True, slots=True)
class SamplingWindow:
    quarter: str  # "2026Q4"
    first_day: dt.date
    last_day: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYYQn``."""
    year, number = int(quarter[:4]), int(quarter[5])
    first = dt.date(year, 3 * (number - 1) + 1, 1)
    after = dt.date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return first, after - dt.timedelta(days=1)


def next_quarter(quarter: str) -> str:
    year, number = int(quarter[:4]), int(quarter[5])
    return f"{year + 1}Q1" if number == 4 else f"{year}Q{number + 1}"


def sampling_window(quarter: str, inspection: InspectionSettings) -> SamplingWindow:
    """The quarter's published window, or the whole quarter when none is configured."""
    configured = inspection.windows.get(quarter)
    first, last = configured if configured else quarter_bounds(quarter)
    return SamplingWindow(quarter, first, last)


def upcoming_windows(today: dt.date, inspection: InspectionSettings) -> tuple[SamplingWindow, ...]:
    """The current quarter's window (unless it is over) and the next quarter's: the days an inspector may
    still pick, which is what "at risk" is judged against."""
    current = sampling_window(quarter_of(today), inspection)
    following = sampling_window(next_quarter(current.quarter), inspection)
    return (current, following) if current.last_day >= today else (following,)


def first_sampled_day_from(day: dt.date, windows: tuple[SamplingWindow, ...]) -> dt.date | None:
    """The first day on or after ``day`` that an inspector may sample, within ``windows``; None if none."""
    for window in sorted(windows, key=lambda w: w.first_day):
        if day <= window.last_day:
            return max(day, window.first_day)
    return None
