"""Working days (工作日) in mainland China: weekends, 法定节假日 and 调休 make-up working days.

Provinces check how fast messages are answered in working days ("answered within 1 working day"), so
govmon needs the official calendar. ``chinese-calendar`` carries it, but only up to the last year the State
Council has published (its data ends with 2026). Beyond that year govmon uses the override calendar from
settings (``interaction.workdays``: a YAML file and/or inline dates), and where that says nothing, plain
Monday–Friday, logging a warning once per year so an operator knows to update the package or the file.
Pure apart from reading the override file once per calendar.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import structlog
import yaml

from monitor.settings import WorkdaySettings

log = structlog.get_logger(__name__)

try:
    import chinese_calendar as _official
except ImportError:  # pragma: no cover - a declared dependency; weekdays only without it
    _official = None

_warned_years: set[int] = set()


def _load_file(path: Path) -> tuple[set[dt.date], set[dt.date]]:
    """``{holidays: [dates], workdays: [dates]}`` from a YAML file; a missing or bad file is logged, not fatal."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.warning("workdays.calendar_file_unreadable", path=str(path), error=str(exc))
        return set(), set()

    def dates(key: str) -> set[dt.date]:
        out = set()
        for value in data.get(key) or () if isinstance(data, dict) else ():
            try:
                out.add(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
            except ValueError:
                log.warning("workdays.bad_date", path=str(path), key=key, value=str(value))
        return out

    return dates("holidays"), dates("workdays")


class WorkCalendar:
    """``is_workday(day)``: the official calendar where known, the overrides, else Monday–Friday."""

    def __init__(self, settings: WorkdaySettings | None = None) -> None:
        settings = settings or WorkdaySettings()
        self.holidays: set[dt.date] = set(settings.holidays)
        self.workdays: set[dt.date] = set(settings.workdays)
        if settings.calendar_file is not None:
            holidays, workdays = _load_file(settings.calendar_file.expanduser())
            self.holidays |= holidays
            self.workdays |= workdays
        self._override_years = {d.year for d in self.holidays | self.workdays}

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if _official is not None:
            try:
                return bool(_official.is_workday(day))
            except NotImplementedError:
                pass  # beyond the package's last year
        if day.year not in _warned_years and day.year not in self._override_years:
            _warned_years.add(day.year)
            log.warning(
                "workdays.fallback_weekdays",
                year=day.year,
                hint="chinese-calendar has no data for this year: update it or set interaction.workdays",
            )
        return day.weekday() < 5

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in ``(start, end]``: 0 for an answer on the day asked (or over a weekend, asked on
        Saturday and answered on Sunday), 1 for an answer on the next working day."""
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_workday(day)
            day += dt.timedelta(days=1)
        return count


def within_workdays(asked: dt.date, replied: dt.date, days: int, calendar: WorkCalendar) -> bool:
    """Whether a reply on ``replied`` to a message of ``asked`` came within ``days`` working days."""
    if replied < asked:
        return False
    if (replied - asked).days > 4 * days + 30:  # no holiday run is that long: skip the day-by-day walk
        return False
    return calendar.workdays_between(asked, replied) <= days
