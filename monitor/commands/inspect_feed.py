"""``govmon inspect`` on a feed: its entries and newest entry, in CONTRACT.md's inspect shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.checks.media.check import FUTURE_TOLERANCE_S
from monitor.checks.media.feed import looks_like_feed, parse_feed
from monitor.model import SHANGHAI, FetchResult


def is_feed(result: FetchResult) -> bool:
    return bool(result.body) and looks_like_feed(result.body, result.content_type)


def describe_feed(result: FetchResult, as_of: dt.date | None = None) -> dict[str, Any]:
    """Fields for the inspect report: ``kind: feed``, the entries as ``items`` (feed order), ``newest`` (the
    newest entry not after ``as_of``, ISO date-time in Asia/Shanghai; a bare date means its end, like
    ``--as-of``), and how many are undated or future."""
    parsed = parse_feed(result.body, result.headers.get("Content-Type", "") or result.content_type)
    if as_of is None:
        moment = dt.datetime.now(SHANGHAI)
    elif isinstance(as_of, dt.datetime):
        moment = as_of if as_of.tzinfo else as_of.replace(tzinfo=SHANGHAI)
    else:
        moment = dt.datetime.combine(as_of, dt.time(23, 59, 59), tzinfo=SHANGHAI)
    now = moment + dt.timedelta(seconds=FUTURE_TOLERANCE_S)
    dated = [p.published for p in parsed.entries if p.published is not None]
    past = [moment for moment in dated if moment <= now]
    return {
        "kind": "feed",
        "feed_format": parsed.kind or None,
        "title": parsed.title or None,
        "failure": parsed.failure,
        "detail": parsed.detail or None,
        "newest": max(past).isoformat() if past else None,
        "items": [
            {
                "title": post.title,
                "url": post.url,
                "date": post.published.isoformat() if post.published else None,
            }
            for post in parsed.entries
        ],
        "entries": len(parsed.entries),
        "undated": len(parsed.entries) - len(dated),
        "future": len(dated) - len(past),
    }
