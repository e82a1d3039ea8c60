"""Feeds as posts: RSS 0.9x / 1.0 (RDF) / 2.0 and Atom through feedparser, JSON Feed 1.x by hand.

Pure: bytes in, ``ParsedFeed`` out. Why feedparser: it is the one Python parser that reads every RSS and
Atom dialect bridges emit, including broken ones (it falls back to a liberal parser), and it handles
encodings (GBK declared in the XML prolog) itself. It is hardened here, because a feed is hostile input:

* the body is handed over as a stream, never as ``str``/``bytes`` (feedparser would read a body that looks
  like a URL or a file name from there: an SSRF and a local file read);
* a body that declares entities (``<!ENTITY``: billion laughs, quadratic blow-up, external entities / XXE)
  is refused before feedparser sees it when defusedxml, parsing it, finds an entity declaration; its strict
  SAX parser is defusedxml's expat reader in any case (``monitor.checks.media.saxreader``: no entity declarations,
  external subsets never fetched);
* HTML sanitising and relative-URI resolution are off: govmon never renders entry content, and both cost
  time on every entry.

Clean RSS/Atom/RDF takes a fast path first (``monitor.checks.media.fastfeed``: expat via defusedxml, ten times
cheaper); feedparser reads whatever that path declines. The newest post comes from the entries' own dates
only; the feed-level ``updated``/``lastBuildDate`` is a bridge's render time (RSSHub stamps "now" on a
silent account) and is never read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from typing import Any

import defusedxml
import defusedxml.ElementTree
import feedparser
import feedparser.api

from monitor.checks.media.fastfeed import HostileFeed, parse_fast
from monitor.checks.media.moments import from_struct, parse_moment_text
from monitor.checks.media.posts import Post

# feedparser's strict parser comes from this list; defusedxml's reader refuses entities and external refs.
feedparser.api.PREFERRED_XML_PARSERS = ["monitor.checks.media.saxreader"]

_ENTITY_MARKERS = (b"<!ENTITY", "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))
_DATE_FIELDS = ("published", "updated", "created", "issued", "modified", "date")
_JSON_TYPES = ("json",)
MAX_TITLE_CHARS = 200


@dataclasses.dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed says. ``failure`` set: it could not be read as a feed (``detail`` says why)."""

    kind: str = ""  # feedparser's version (rss20, rss091u, rss10, atom10 …) or "json"
    title: str = ""
    entries: tuple[Post, ...] = ()
    undated: int = 0
    failure: str | None = None
    detail: str = ""


def looks_like_feed(body: bytes, content_type: str = "") -> bool:
    """A cheap sniff for ``govmon inspect``: a feed media type, or a feed's root element or JSON Feed."""
    media = content_type.split(";", 1)[0].strip().lower()
    if any(marker in media for marker in ("rss", "atom", "feed+json", "rdf")):
        return True
    head = body[:1024].lstrip().lower()
    if head.startswith(b"{"):
        return b"jsonfeed.org" in body[:4096].lower()
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")) or (
        head.startswith(b"<?xml") and any(t in body[:4096].lower() for t in (b"<rss", b"<feed", b"<rdf:rdf"))
    )


def parse_feed(body: bytes, content_type: str = "") -> ParsedFeed:
    """Parse a feed body (any of the formats above). Never raises for the body's content."""
    stripped = body.lstrip()
    media = content_type.split(";", 1)[0].strip().lower()
    if stripped.startswith((b"{", b"\xef\xbb\xbf{")) or any(t in media for t in _JSON_TYPES):
        return parse_json_feed(body)
    try:
        fast = parse_fast(body)
    except HostileFeed as exc:
        return ParsedFeed(
            failure="hostile_xml", detail=f"the feed declares XML entities ({exc}): refused as hostile"
        )
    if fast is not None:
        kind, title, posts_read = fast
        return ParsedFeed(kind, title, posts_read, sum(1 for p in posts_read if p.published is None))
    return parse_with_feedparser(body, content_type)


def parse_with_feedparser(body: bytes, content_type: str = "") -> ParsedFeed:
    """The liberal path: any dialect, broken XML, any encoding feedparser knows."""
    hostile = entity_declaration(body)
    if hostile:
        return ParsedFeed(failure="hostile_xml", detail=hostile)
    try:
        parsed: Any = feedparser.parse(
            io.BytesIO(body),
            response_headers={"content-type": content_type or "application/xml"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except defusedxml.DefusedXmlException as exc:
        return ParsedFeed(failure="hostile_xml", detail=f"refused: {type(exc).__name__}"[:300])
    except Exception as exc:  # feedparser is liberal, but a hostile body must cost one observation only
        return ParsedFeed(failure="invalid_feed", detail=f"{type(exc).__name__}: {exc}"[:300])
    version = parsed.get("version") or ""
    entries_raw = parsed.get("entries") or []
    if not entries_raw and (parsed.get("bozo") or not version):
        problem = parsed.get("bozo_exception")
        detail = f"not a readable feed: {problem}" if problem else "not an RSS, Atom or JSON feed"
        return ParsedFeed(kind=version, failure="invalid_feed", detail=str(detail)[:300])
    posts = [_post(entry) for entry in entries_raw]
    title = _text((parsed.get("feed") or {}).get("title"))
    return ParsedFeed(
        kind=version or "unknown",
        title=title,
        entries=tuple(posts),
        undated=sum(1 for p in posts if p.published is None),
    )


def entity_declaration(body: bytes) -> str:
    """Why the body is refused, or "" when it declares no entities (the usual case, decided by a byte scan)."""
    if not any(marker in body for marker in _ENTITY_MARKERS):
        return ""
    try:
        defusedxml.ElementTree.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        return f"the feed declares XML entities ({type(exc).__name__}): refused as hostile"
    except Exception:
        return ""  # not even XML; "<!ENTITY" was content. feedparser decides what it is
    return ""


def parse_json_feed(body: bytes) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (jsonfeed.org): ``items[].date_published`` (else ``date_modified``), RFC 3339."""
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        return ParsedFeed(kind="json", failure="invalid_feed", detail=f"invalid JSON: {exc}"[:300])
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        return ParsedFeed(kind="json", failure="invalid_feed", detail="JSON, but not a JSON Feed")
    items = data.get("items")
    if not isinstance(items, list):
        return ParsedFeed(kind="json", failure="invalid_feed", detail="JSON Feed without an items list")
    posts = []
    for item in items:
        if not isinstance(item, dict):
            continue
        published = None
        for field in ("date_published", "date_modified"):
            value = item.get(field)
            if isinstance(value, str) and (published := parse_moment_text(value)) is not None:
                break
        title = _text(item.get("title")) or _text(item.get("content_text"))[:60]
        url = item.get("url") or item.get("external_url") or item.get("id") or ""
        posts.append(Post(title[:MAX_TITLE_CHARS], str(url), published))
    return ParsedFeed(
        kind="json",
        title=_text(data.get("title")),
        entries=tuple(posts),
        undated=sum(1 for p in posts if p.published is None),
    )


def _post(entry: Any) -> Post:
    return Post(
        _text(entry.get("title"))[:MAX_TITLE_CHARS], str(entry.get("link") or ""), entry_moment(entry)
    )


def entry_moment(entry: Any) -> dt.datetime | None:
    """An entry's publication moment: its own raw date text first (zones kept, none = Shanghai), then
    feedparser's parse of it; ``published`` before ``updated`` (an entry's, never the feed's)."""
    for field in _DATE_FIELDS:
        raw = dict.get(entry, field)  # the raw dict: feedparser maps a missing "updated" to "published"
        if not raw:
            continue
        moment = parse_moment_text(str(raw)) or from_struct(dict.get(entry, f"{field}_parsed"))
        if moment is None:
            from monitor.checks.media.listpage import chinese_moment

            moment = chinese_moment(str(raw))
        if moment is not None:
            return moment
    return None


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())
