"""The fast path for well-formed RSS 2.0/0.9x, RSS 1.0 (RDF) and Atom: expat through defusedxml's
ElementTree, reading only what the rules need (entry title, link, date).

feedparser costs about 0.4 ms per entry (pure-Python SAX handlers, deep copies of every element); a
bridge's clean feed of 20 entries then costs 8 ms of CPU per poll. This reads the same feed in a tenth of
that. Whatever it cannot read exactly — malformed XML, an encoding expat lacks (GBK), an unknown root —
returns None, and feedparser reads it instead. Entity declarations are refused here as well (defusedxml).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from monitor.checks.media.moments import from_struct, parse_moment_text
from monitor.checks.media.posts import Post

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
MAX_TITLE_CHARS = 200


class HostileFeed(Exception):
    """The feed declares entities or external references."""


def parse_fast(body: bytes) -> tuple[str, str, tuple[Post, ...]] | None:
    """``(kind, title, posts)``, or None when feedparser must decide. Raises ``HostileFeed``."""
    try:
        root = defusedxml.ElementTree.fromstring(
            body, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as exc:
        raise HostileFeed(type(exc).__name__) from exc
    except (ParseError, ValueError, LookupError):
        return None
    tag = root.tag
    if tag == "rss":
        channel = root.find("channel")
        if channel is None:
            return None
        version = (root.get("version") or "2.0").replace(".", "")
        items = [_rss_item(item, "link", ("pubDate", f"{DC}date")) for item in channel.findall("item")]
        return f"rss{version}", _text(channel.find("title")), tuple(items)
    if tag == f"{ATOM}feed":
        entries = [_atom_entry(entry) for entry in root.findall(f"{ATOM}entry")]
        return "atom10", _text(root.find(f"{ATOM}title")), tuple(entries)
    if tag.endswith("}RDF"):
        channel = root.find(f"{RSS1}channel")
        items = [_rss_item(item, f"{RSS1}link", (f"{DC}date",), RSS1) for item in root.findall(f"{RSS1}item")]
        return "rss10", _text(channel.find(f"{RSS1}title") if channel is not None else None), tuple(items)
    return None


def _rss_item(item: Element, link_tag: str, date_tags: tuple[str, ...], ns: str = "") -> Post:
    dates = [_text(item.find(tag)) for tag in date_tags]
    return Post(
        _text(item.find(f"{ns}title"))[:MAX_TITLE_CHARS], _text(item.find(link_tag)), _first_moment(dates)
    )


def _atom_entry(entry: Element) -> Post:
    link = ""
    for node in entry.findall(f"{ATOM}link"):
        if node.get("rel", "alternate") == "alternate":
            link = node.get("href", "")
            break
    dates = [_text(entry.find(f"{ATOM}{name}")) for name in ("published", "updated")]
    return Post(_text(entry.find(f"{ATOM}title"))[:MAX_TITLE_CHARS], link, _first_moment(dates))


def _first_moment(texts: list[str]) -> dt.datetime | None:
    for text in texts:
        if text:
            moment = parse_moment_text(text) or _odd_date(text)
            if moment is not None:
                return moment
    return None


def _odd_date(text: str) -> dt.datetime | None:
    """Spellings RFC 822 / ISO parsing misses: feedparser's date parsers, then Chinese dates."""
    from feedparser.datetimes import _parse_date

    moment = from_struct(_parse_date(text))
    if moment is not None:
        return moment
    from monitor.checks.media.listpage import chinese_moment

    return chinese_moment(text)


def _text(node: Any) -> str:
    if node is None:
        return ""
    return " ".join("".join(node.itertext()).split())
