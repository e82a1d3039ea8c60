"""What the compliance metrics read from stored observations, through ``monitor.observations``' typed
records, one small function per check. Each takes the stored JSON document (``Observation.to_document``) as
Redis returns it and returns plain values."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from monitor.model import Observation, Outcome
from monitor.observations import AVAILABILITY, COLUMNS, ColumnsRead, ProbeSample


def observation(document: str | bytes, check: str) -> Observation:
    return Observation.from_json(json.loads(document), check)


def probe_sample(document: str | bytes) -> tuple[float, bool | None]:
    """One availability sample as the rule counts it: ``(observed_at, failed)``, failed None for a
    discarded probe (taken while govmon was unwell, never counted against the site, as
    ``rules/availability.py`` judges)."""
    stored = observation(document, AVAILABILITY)
    if stored.outcome is not Outcome.OK:
        return stored.observed_at, None
    return stored.observed_at, not ProbeSample.from_observation(stored).ok


def _day(text: Any) -> dt.date | None:
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def columns_ages(document: str | bytes) -> tuple[dt.date | None, dict[str, dt.date]]:
    """From a ``columns`` observation: the homepage's newest dated item (for a navigation-only homepage the
    newest of its first-level pages, as ``homepage.stale`` judges it), and per column category the newest
    item date of its most idle dated column (the worst column). Columns with no dated item (empty, or
    undated rows) have no age: they are the ``columns.empty`` and ``column.stale`` findings' business, and
    appear in ``govmon_finding_open``. A failed read has neither."""
    read = ColumnsRead.from_observation(observation(document, COLUMNS))
    if read.homepage is None:
        return None, {}
    if read.homepage.navigation_only:
        pages = [_day(c.newest) for c in read.columns if c.first_level and not c.error]
        homepage = max((d for d in pages if d is not None), default=None)
    else:
        homepage = _day(read.homepage.newest)
    worst: dict[str, dt.date] = {}
    for column in read.columns:
        newest = _day(column.newest)
        if newest is None or column.error:
            continue
        if column.category not in worst or newest < worst[column.category]:
            worst[column.category] = newest
    return homepage, worst


def media_silent_since(evidence: Mapping[str, Any]) -> dt.date | None:
    """From a media finding's evidence: the day of the newest post, or for an account that never
    published, the day it came under watch (CONTRACT.md finding evidence, written by ``rules/media.py``)."""
    return _day(evidence.get("newest")) or _day(evidence.get("since"))
