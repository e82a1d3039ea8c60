"""The sources govmon reads accounts through, behind ``Source``: a feed, or an HTML list page.

Each fetches with the shared ``Fetcher`` (so the bridge host gets its politeness slot like any other
host), sends the last reading's validators as a conditional GET, and parses with the pure modules beside
it. ``SOURCES`` is the table a check picks from, first match wins; a platform API source is one more class
with ``applies_to`` and ``read`` and one more entry here, the rules untouched.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING, Any

from monitor.checks.media.feed import parse_feed
from monitor.checks.media.listpage import ListPageError, parse_list
from monitor.checks.media.posts import Posts, Source, Validators
from monitor.model import Account, FetchResult

if TYPE_CHECKING:
    from monitor.fetch import Fetcher

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
OFFLOAD_BYTES = 256 * 1024
"""Bodies larger than this are parsed in a thread, so a big feed does not stall the probes' event loop."""


def validators_of(result: FetchResult) -> Validators:
    return Validators(result.headers.get("ETag") or None, result.headers.get("Last-Modified") or None)


def _posts(result: FetchResult, **fields: Any) -> Posts:
    """A reading that remembers where it came from (final URL, status, charset)."""
    return Posts(url=result.final_url, status=result.status, encoding=result.encoding, **fields)


def _failed(result: FetchResult) -> Posts:
    return _posts(result, failure=result.reason, detail=result.detail)


async def _get(fetcher: Fetcher, url: str, validators: Validators, accept: str) -> FetchResult:
    headers = {"Accept": accept, **validators.request_headers()}
    return await fetcher.get(url, purpose="media", headers=headers)


class FeedSource:
    """RSS 0.9x/1.0/2.0, Atom and JSON Feed (an RSSHub or wechat2rss bridge, or the platform's own feed)."""

    name = "feed"

    def applies_to(self, account: Account) -> bool:
        return account.feed is not None

    async def read(
        self, account: Account, fetcher: Fetcher, validators: Validators, as_of: dt.datetime
    ) -> Posts:
        assert account.feed is not None
        result = await _get(fetcher, account.feed, validators, FEED_ACCEPT)
        if not result.ok:
            return _failed(result)
        if result.status == 304:
            return _posts(result, not_modified=True, validators=validators)
        body, content_type = result.body, result.headers.get("Content-Type", "")
        if len(body) > OFFLOAD_BYTES:
            parsed = await asyncio.to_thread(parse_feed, body, content_type)
        else:
            parsed = parse_feed(body, content_type)
        if parsed.failure:
            return _posts(result, failure=parsed.failure, detail=parsed.detail, kind=parsed.kind)
        return _posts(
            result,
            entries=parsed.entries,
            validators=validators_of(result),
            title=parsed.title,
            kind=parsed.kind,
        )


class ListPageSource:
    """An HTML list page with CSS selectors for rows and their dates (accounts without a feed)."""

    name = "list"

    def applies_to(self, account: Account) -> bool:
        return account.feed is None and account.list is not None

    async def read(
        self, account: Account, fetcher: Fetcher, validators: Validators, as_of: dt.datetime
    ) -> Posts:
        source = account.list
        assert source is not None
        result = await _get(fetcher, source.url, validators, "text/html,application/xhtml+xml,*/*;q=0.8")
        if not result.ok:
            return _failed(result)
        if result.status == 304:
            return _posts(result, not_modified=True, validators=validators, kind="html")
        try:
            entries = parse_list(result.text, result.final_url, source.item, source.date, as_of)
        except ListPageError as exc:
            return _posts(result, failure="bad_selector", detail=str(exc), kind="html")
        # A page whose rows or dates the selectors no longer find changed shape: the source broke, which says
        # nothing of the account (unverified, never never_published or stale; issue 14).
        if not entries:
            detail = f"item selector {source.item!r} matched nothing"
            return _posts(result, failure="selector_unmatched", detail=detail, kind="html")
        if not any(entry.published for entry in entries):
            detail = f"date selector {source.date!r} matched no date in {len(entries)} items"
            return _posts(result, failure="selector_unmatched", detail=detail, kind="html")
        return _posts(result, entries=entries, validators=validators_of(result), kind="html")


SOURCES: tuple[Source, ...] = (FeedSource(), ListPageSource())


def source_for(account: Account) -> Source | None:
    return next((source for source in SOURCES if source.applies_to(account)), None)
