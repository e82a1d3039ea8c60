"""``govmon inspect``: what govmon sees on one page, fetched or read from a saved file.

Builds CONTRACT.md's inspect JSON from the extractors; freshness (dates, columns) and feeds add their
fields as their extractors land.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.clock import to_datetime
from monitor.extract.article import article_date, printed_dates
from monitor.extract.html import classify_link, extract_page, parse
from monitor.extract.listing import ListItem, content_blocks, homepage_items, read_listing
from monitor.fetch.decode import decode_body
from monitor.media.inspect import describe_feed, is_feed
from monitor.model import FetchResult


def page_kind(url: str, meta: dict[str, str]) -> str:
    if meta.get("ArticleTitle") or meta.get("PubDate"):
        return "article"
    if meta.get("ColumnName"):
        return "list"
    path = urlsplit(url).path
    if path in ("", "/") or path.rsplit("/", 1)[-1] in (
        "index.html",
        "index.htm",
        "index.shtml",
        "index.jsp",
    ):
        return "home"
    return "other"


def _items_json(items: tuple[ListItem, ...] | list[ListItem]) -> list[dict[str, Any]]:
    return [{"title": i.title, "url": i.url, "date": i.date.isoformat() if i.date else None} for i in items]


def _is_site_root(url: str) -> bool:
    path = urlsplit(url).path
    return path in ("", "/") or (
        path.count("/") == 1
        and path.rsplit("/", 1)[-1] in ("index.html", "index.htm", "index.shtml", "index.jsp")
    )


def page_facts(tree: LexborHTMLParser, url: str, meta: dict[str, str], as_of: dt.date) -> dict[str, Any]:
    """``kind`` (home/list/article/other), ``newest`` and ``items`` as a reader of the page sees them.

    An article names itself (``ArticleTitle``) or prints a labelled 发布时间 with no list of its own; a list
    page has one main list of dated rows (or one a script fills); a homepage is the site's root, or a page
    showing several blocks of dated rows. Year-less dates resolve as of ``as_of``, never after it.
    """
    listing = read_listing(tree, url, as_of)
    labelled = any(rank < 2 for rank, _ in printed_dates(tree, as_of))
    blocks = content_blocks(tree, as_of)
    column = meta.get("ColumnName", "")
    homeish = column in ("", "首页", "网站首页") and not meta.get("ArticleTitle")
    if _is_site_root(url) or (blocks >= 3 and homeish):
        items = homepage_items(tree, url, as_of)
        dated = [i.date for i in items if i.date]
        return {
            "kind": "home",
            "newest": max(dated).isoformat() if dated else None,
            "items": _items_json(items),
        }
    if meta.get("ArticleTitle") or (labelled and listing.count < 5):
        published = article_date(tree, as_of)
        return {"kind": "article", "newest": published.isoformat() if published else None, "items": []}
    if listing.items or listing.script_filled or meta.get("ColumnName"):
        facts: dict[str, Any] = {
            "kind": "list",
            "newest": listing.newest.isoformat() if listing.newest else None,
            "items": _items_json(listing.items),
            "undated": listing.undated,
            "next_page": listing.next_page,
            "script_filled": listing.script_filled,
        }
        return facts
    published = article_date(tree, as_of)
    if published is not None:
        return {"kind": "article", "newest": published.isoformat(), "items": []}
    return {"kind": "other", "newest": None, "items": []}


def describe(
    result: FetchResult, platform_domains: tuple[str, ...], as_of: dt.date | None = None
) -> dict[str, Any]:
    """``as_of``: the day year-less dates are resolved against (default: today in Asia/Shanghai)."""
    report: dict[str, Any] = {
        "url": result.url,
        "final_url": result.final_url,
        "status": result.status,
        "encoding": result.encoding,
        "failure": result.failure.value if result.failure else None,
        "detail": result.detail or None,
        "elapsed_s": round(result.elapsed_s, 3),
        "title": None,
        "kind": "other",
        "newest": None,
        "items": [],
        "columns": [],
        "links": [],
    }
    if is_feed(result):
        return report | describe_feed(result, as_of)
    if not result.text:
        return report
    tree = parse(result.text)
    page = extract_page(tree, result.final_url)
    report["title"] = page.title
    report["meta"] = page.meta
    report["kind"] = page_kind(result.final_url, page.meta)
    report |= page_facts(tree, result.final_url, page.meta, as_of or to_datetime(time.time()).date())
    report["links"] = [
        {
            "url": link.url,
            "text": link.text,
            "tag": link.tag,
            "kind": classify_link(link.url, result.final_url, platform_domains),
        }
        for link in page.links
    ]
    return report


def read_saved(path: Path, url: str | None = None) -> FetchResult:
    """A saved page, decoded as a server without a charset header would send it."""
    body = path.read_bytes()
    encoding, text = decode_body(body, content_type="text/html")
    address = url or path.resolve().as_uri()
    return FetchResult(
        url=address,
        final_url=address,
        status=200,
        elapsed_s=0.0,
        body=body,
        encoding=encoding,
        text=text,
        content_type="text/html",
    )
