"""Property tests: the feed parser never raises on hostile bytes, and every zone spelling of an entry date
means the same instant."""

from __future__ import annotations

import datetime as dt
import email.utils

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.checks.media.feed import parse_feed
from monitor.checks.media.moments import parse_moment_text
from monitor.model import SHANGHAI
from tests.checks.media.test_feed import RSS20

CONTENT_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "text/html", "")


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=3000), content_type=st.sampled_from(CONTENT_TYPES))
def test_arbitrary_bytes_never_raise(body: bytes, content_type: str) -> None:
    feed = parse_feed(body, content_type)
    assert feed.failure is not None or isinstance(feed.entries, tuple)


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(0, len(RSS20)), junk=st.binary(max_size=40), where=st.integers(0, len(RSS20)))
def test_damaged_feeds_never_raise(cut: int, junk: bytes, where: int) -> None:
    damaged = RSS20[:where] + junk + RSS20[where:cut]
    feed = parse_feed(damaged, "application/rss+xml")
    for post in feed.entries:
        assert post.published is None or post.published.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2037, 12, 31)),
    offset_minutes=st.integers(-12 * 60, 14 * 60),
)
def test_every_zone_spelling_is_the_same_instant(moment: dt.datetime, offset_minutes: int) -> None:
    aware = moment.replace(microsecond=0, tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    spellings = [
        aware.isoformat(),
        email.utils.format_datetime(aware),
        aware.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        email.utils.format_datetime(aware.astimezone(dt.UTC), usegmt=True),
    ]
    for text in spellings:
        parsed = parse_moment_text(text)
        assert parsed == aware and parsed.tzinfo == SHANGHAI, text
    naive = aware.astimezone(SHANGHAI).replace(tzinfo=None).isoformat(sep=" ")
    assert parse_moment_text(naive) == aware  # no zone: Shanghai wall time
