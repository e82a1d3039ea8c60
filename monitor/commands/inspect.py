"""``govmon inspect``: what govmon sees on one page or feed, fetched or read from a saved file.

Builds CONTRACT.md's inspect JSON from the extractors; freshness (dates, columns) and feeds add their
fields as their extractors land.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.checks.columns import inspect_columns
from monitor.clock import parse_moment, to_datetime
from monitor.commands.inspect_feed import describe_feed, is_feed
from monitor.extract.article import article_date, printed_dates
from monitor.extract.html import classify_link, extract_page, parse_fetched
from monitor.extract.listing import ListItem, content_blocks, homepage_items, read_listing
from monitor.fetch.decode import decode_body
from monitor.model import FetchResult

if TYPE_CHECKING:
    from monitor.inventory import Loaded


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
    tree = parse_fetched(result)
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


async def inspect_location(location: str, loaded: Loaded | None, as_of: str | None) -> dict[str, Any]:
    """Fetch a URL (with the configuration's resolve map and network policy) or read a saved file."""
    from monitor.fetch import Fetcher
    from monitor.settings import Settings

    settings = loaded.settings if loaded else Settings()
    if as_of:
        parse_moment(as_of)  # validated now; dated extractors use it as they land
    path = Path(location)
    columns: list[dict[str, Any]] = []
    if "://" not in location and await asyncio.to_thread(path.exists):
        result = await asyncio.to_thread(read_saved, path)
    else:
        async with Fetcher(
            settings.fetch, allow_private=settings.private_networks_allowed(), resolve=settings.resolve
        ) as fetcher:
            result = await fetcher.get(location, purpose="inspect")
            day = parse_moment(as_of).date() if as_of else to_datetime(time.time()).date()
            columns = await inspect_columns(fetcher, result, settings, day)
    report = describe(result, settings.platform_domains, parse_moment(as_of).date() if as_of else None)
    if columns:
        report["columns"] = columns
    return report


def render_inspect(report: dict[str, Any]) -> str:
    lines = [
        f"url:      {report['url']}",
        f"final:    {report['final_url']}",
        f"status:   {report['status']}  {report['failure'] or ''} {report['detail'] or ''}".rstrip(),
        f"encoding: {report['encoding']}",
        f"title:    {report['title']}",
        f"kind:     {report['kind']}",
        f"newest:   {report['newest']}",
        f"links:    {len(report['links'])}",
    ]
    lines += [f"  [{link['kind']}] {link['text'][:30]}  {link['url']}" for link in report["links"][:40]]
    if report["columns"]:
        lines.append(f"columns:  {len(report['columns'])}")
        lines += [
            f"  {c['name']:<10} {c['category']:<11} {'一级' if c['first_level'] else '子栏目'}  "
            f"newest {c['newest'] or '-'}  items {c['count']}  {c['url']}"
            for c in report["columns"]
        ]
    if report["kind"] in ("list", "home") and report["items"]:
        lines.append(f"items:    {len(report['items'])}")
        lines += [
            f"  {item['date'] or '(undated)'}  {item['title'][:40]}  {item['url']}"
            for item in report["items"][:40]
        ]
    if report["kind"] == "feed":
        lines.append(f"entries:  {len(report['items'])} ({report.get('feed_format')})")
        lines += [f"  {item['date'] or '(undated)'}  {item['title'][:40]}" for item in report["items"][:40]]
    return "\n".join(lines)
