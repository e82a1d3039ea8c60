"""Entry dates of feeds as tz-aware moments in Asia/Shanghai.

Feeds spell dates every way: RFC 822 with ``GMT``, ``+0000`` or ``+0800`` (RSS), ISO 8601 with ``Z`` or
``+08:00`` (Atom, JSON Feed), and Chinese bridges often drop the zone. A date without a zone is read as
Asia/Shanghai time (the publisher's), not UTC: feedparser's ``*_parsed`` fields assume UTC and would move
such an entry eight hours, across midnight for a third of the day. So the raw text is parsed here first;
feedparser's parse is the fallback for the odd formats it knows, then the website date parser for Chinese
spellings (2026年11月4日).
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import re
import time
from typing import Any

from monitor.model import SHANGHAI

_ISO_SPACE = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def to_shanghai(moment: dt.datetime) -> dt.datetime:
    """Aware moments converted; naive ones taken as Shanghai wall time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def parse_moment_text(text: str) -> dt.datetime | None:
    """RFC 822 or ISO 8601 text as a Shanghai moment; None when it is neither."""
    text = (text or "").strip()
    if not text:
        return None
    if text[0].isdigit() and "-" in text[:8]:
        match = _ISO_SPACE.match(text)
        if match:
            day, clock, zone = match.groups()
            year, month, mday = (int(part) for part in day.split("-"))
            text = f"{year:04d}-{month:02d}-{mday:02d}T{_pad_clock(clock)}{zone or ''}"
        try:
            return to_shanghai(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            pass
        try:
            return dt.datetime.combine(dt.date.fromisoformat(text[:10]), dt.time(), tzinfo=SHANGHAI)
        except ValueError:
            return None
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    # parsedate_to_datetime gives a naive result for "-0000" (zone unknown): the publisher's, Shanghai.
    return to_shanghai(moment)


def from_struct(parsed: Any) -> dt.datetime | None:
    """feedparser's ``*_parsed`` (a UTC ``time.struct_time``) as a Shanghai moment."""
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=SHANGHAI)
    except (OverflowError, ValueError, OSError):
        return None


def _pad_clock(clock: str) -> str:
    parts = clock.split(":")
    parts[0] = parts[0].zfill(2)
    if len(parts) == 2:
        parts.append("00")
    return ":".join(parts)
