"""Accounts read from an HTML list page: the inventory's ``list: {url, item, date}`` CSS selectors.

Pure: page text in, posts out. Each node matching ``item`` is one post; its date is the text of the first
node matching ``date`` inside it (or, failing that, its ``datetime``/``title`` attribute), read by the
website date parser (``monitor.extract.dates.parse_date``) so that list pages and columns agree on every
spelling. Its title and link are the item's first ``<a href>``.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser

from monitor.checks.media.moments import parse_moment_text
from monitor.checks.media.posts import Post
from monitor.extract.dates import parse_date
from monitor.model import SHANGHAI

MAX_ITEMS = 500
_CN_DATE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?"
)


class ListPageError(ValueError):
    """The selectors do not compile (an inventory mistake, reported as the observation's reason)."""


def parse_list(text: str, base_url: str, item: str, date: str, as_of: dt.datetime) -> tuple[Post, ...]:
    """The posts of a list page; an item whose date cannot be read is an undated post."""
    tree = LexborHTMLParser(text)
    try:
        nodes = tree.css(item)
    except Exception as exc:  # selectolax raises plain exceptions for bad selectors
        raise ListPageError(f"item selector {item!r}: {exc}") from exc
    posts = []
    for node in nodes[:MAX_ITEMS]:
        try:
            date_node = node.css_first(date)
        except Exception as exc:
            raise ListPageError(f"date selector {date!r}: {exc}") from exc
        date_text = ""
        if date_node is not None:
            date_text = date_node.text(strip=True) or ""
            attrs = date_node.attributes
            date_text = date_text or attrs.get("datetime") or attrs.get("title") or ""
        anchor = node.css_first("a[href]")
        title = " ".join((anchor.text() if anchor is not None else node.text()).split())
        href = (anchor.attributes.get("href") or "") if anchor is not None else ""
        posts.append(
            Post(title[:200], urljoin(base_url, href) if href else "", chinese_moment(date_text, as_of))
        )
    return tuple(posts)


def chinese_moment(text: str, as_of: dt.datetime | None = None) -> dt.datetime | None:
    """A date as Chinese pages and bridges spell it, as a Shanghai moment; None when there is none.

    ISO/RFC text first (it keeps the time of day and zone), then the website date parser
    (``monitor.extract.dates.parse_date(text, as_of)``: every spelling columns use, year-less ones resolved
    as of ``as_of``), then a plain 年月日 / dashed pattern.
    """
    text = (text or "").strip()
    if not text:
        return None
    moment = parse_moment_text(text)
    if moment is not None:
        return moment
    found = _site_parser(text, (as_of or dt.datetime.now(SHANGHAI)).date())
    if found is not None:
        return found
    match = _CN_DATE.search(text)
    if match is None:
        return None
    try:
        return dt.datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            int(match["H"] or 0),
            int(match["M"] or 0),
            int(match["S"] or 0),
            tzinfo=SHANGHAI,
        )
    except ValueError:
        return None


def _site_parser(text: str, as_of: dt.date) -> dt.datetime | None:
    """The website date parser's reading (a day, as the start of that day in Shanghai), or None."""
    day = parse_date(text, as_of)
    return dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI) if day is not None else None
