"""``govmon inspect``: what govmon sees on one page, fetched or read from a saved file.

Builds CONTRACT.md's inspect JSON from the extractors; freshness (dates, columns) and feeds add their
fields as their extractors land.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.extract.html import classify_link, extract_page, parse
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


def describe(result: FetchResult, platform_domains: tuple[str, ...]) -> dict[str, Any]:
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
        return report | describe_feed(result)
    if not result.text:
        return report
    page = extract_page(parse(result.text), result.final_url)
    report["title"] = page.title
    report["meta"] = page.meta
    report["kind"] = page_kind(result.final_url, page.meta)
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
