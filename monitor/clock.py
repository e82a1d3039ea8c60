"""Clocks: the system clock for the daemon, a fixed or driven one for tests and ``--as-of``.

Rules take the clock's ``now()`` as an argument; nothing in ``rules/`` reads the time itself.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol

from monitor.model import SHANGHAI


class Clock(Protocol):
    def now(self) -> float:
        """Epoch seconds."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock that stands still until moved; ``advance`` drives it in tests."""

    def __init__(self, at: float | dt.datetime) -> None:
        self._now = at.timestamp() if isinstance(at, dt.datetime) else float(at)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


def to_datetime(epoch_s: float) -> dt.datetime:
    """Epoch seconds as an aware datetime in Asia/Shanghai, the zone of every calendar day in the rules."""
    return dt.datetime.fromtimestamp(epoch_s, tz=SHANGHAI)


def parse_moment(text: str) -> dt.datetime:
    """ISO 8601 date or date-time; without a zone it is Asia/Shanghai; a bare date is its end (23:59:59)."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            f"not an ISO 8601 date or date-time: {text!r} (e.g. 2026-11-24 or 2026-11-24T10:00)"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
