"""What the compliance metrics read from stored observations, one small function per check.

Kept apart so that switching to typed payloads (``monitor/observations.py``, when it lands) touches only
this file. Every function takes the stored JSON document (``Observation.to_json``) or its payload and
returns plain values; none raises on a payload it does not understand (it returns None instead).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any


def probe_sample(document: str | bytes) -> tuple[float, bool | None]:
    """One availability sample as the rule counts it: ``(observed_at, failed)``, failed None for a
    discarded probe (taken while govmon was unwell, never counted against the site, as
    ``rules/availability.py`` judges)."""
    data = json.loads(document)
    if data.get("outcome") != "ok":
        return float(data["observed_at"]), None
    payload = data.get("payload") or {}
    return float(data["observed_at"]), not bool(payload.get("ok"))


def _day(text: Any) -> dt.date | None:
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def homepage_newest(payload: Mapping[str, Any]) -> dt.date | None:
    """The homepage's newest dated item, from the ``columns`` check's payload; for a navigation-only
    homepage the newest of its first-level pages, as ``homepage.stale`` judges it."""
    home = payload.get("homepage") or {}
    if not home.get("navigation_only"):
        return _day(home.get("newest"))
    days = [
        _day(c.get("newest"))
        for c in payload.get("columns") or ()
        if c.get("first_level") and not c.get("error")
    ]
    return max((d for d in days if d is not None), default=None)


def oldest_column_by_category(payload: Mapping[str, Any]) -> dict[str, dt.date]:
    """Per column category, the newest item date of its most idle dated column (the worst column).

    Columns with no dated item (empty, or undated rows) have no age: they are the ``columns.empty`` and
    ``column.stale`` findings' business, and appear in ``govmon_finding_open``."""
    worst: dict[str, dt.date] = {}
    for column in payload.get("columns") or ():
        newest = _day(column.get("newest"))
        if newest is None or column.get("error"):
            continue
        category = str(column.get("category") or "other")
        if category not in worst or newest < worst[category]:
            worst[category] = newest
    return worst


def media_silent_since(evidence: Mapping[str, Any]) -> dt.date | None:
    """From a media finding's evidence: the day of the newest post, or for an account that never
    published, the day it came under watch (CONTRACT.md finding evidence, written by ``rules/media.py``)."""
    return _day(evidence.get("newest")) or _day(evidence.get("since"))
