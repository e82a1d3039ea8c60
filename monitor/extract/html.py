"""The page as plain data: title, ``<meta name=…>`` values and links, from selectolax's parser.

Pure: bytes or text in, records out; no fetching. Later extractors (dates, columns) take the same
parsed tree, so a page is parsed once per observation.
"""

from __future__ import annotations

import codecs
import dataclasses
import functools
from collections.abc import Iterator, Sequence
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from monitor.model import FetchResult

NOT_CHECKED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#")


@dataclasses.dataclass(frozen=True, slots=True)
class Link:
    url: str
    text: str
    tag: str  # a, img, link, script, iframe


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    url: str
    title: str
    meta: dict[str, str]
    links: tuple[Link, ...]


def parse(text: str) -> HTMLParser:
    return HTMLParser(text)


def parse_fetched(result: FetchResult) -> HTMLParser:
    """The tree of a fetched page, the same as ``parse(result.text)`` gives. A UTF-8 page is parsed from its
    bytes: lexbor reads UTF-8 itself (and ignores ``<meta charset>`` in bytes; a BOM it would keep as text,
    so it is cut off first), while text made CPython encode the page back to UTF-8 first, ~20 µs of a 33 KB
    homepage's ~105 µs parse. Any other charset, or a body whose decoding replaced something (invalid
    bytes, a character cut at the size cap), is parsed from the text govmon decoded, as before."""
    body = result.body  # the fetcher reports every spelling of UTF-8 as "utf-8" (monitor.fetch.decode)
    if result.encoding == "utf-8" and body and "\ufffd" not in result.text:
        return HTMLParser(body.removeprefix(codecs.BOM_UTF8))
    return HTMLParser(result.text)


def clean_text(text: str | None) -> str:
    """Whitespace collapsed, as a reader sees a text run."""
    return " ".join((text or "").split())


def label_texts(tree: HTMLParser, words: Sequence[str], max_chars: int) -> Iterator[Node]:
    """The body's text nodes whose collapsed text is short (≤ ``max_chars``) and names one of ``words``: where
    a page labels something (a heading, a table header). One linear walk, instead of asking every candidate
    element for its text (each costing its subtree on deeply nested pages)."""
    body = tree.body
    if body is None:
        return
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        text = clean_text(node.text_content)
        if text and len(text) <= max_chars and any(word in text for word in words):
            yield node


@dataclasses.dataclass(frozen=True, slots=True)
class PageSummary:
    """What a check needs of every page it reads, without resolving a single URL (the costly part)."""

    title: str
    meta: dict[str, str]
    anchor_count: int


def page_meta(tree: HTMLParser) -> dict[str, str]:
    """``<meta name=…>`` values (政府网站发展指引: SiteName, SiteIDCode, ColumnName, PubDate …); first wins."""
    meta: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip()
        if name and name not in meta:
            meta[name] = clean_text(node.attributes.get("content"))
    return meta


def page_title(tree: HTMLParser) -> str:
    node = tree.css_first("title")
    return clean_text(node.text() if node else "")


def summarize(tree: HTMLParser) -> PageSummary:
    return PageSummary(page_title(tree), page_meta(tree), len(tree.css("a[href]")))


@functools.lru_cache(maxsize=16384)
def _resolved_from_origin(origin: str, raw: str) -> str | None:
    absolute = urldefrag(urljoin(origin, raw)).url
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def resolve_link(base: str, raw: str, origin: str | None = None) -> str | None:
    """``raw`` resolved against ``base`` without its fragment; None unless it is http(s).

    A link written from the root (``/xwzx/``) or in full (``http://…``) resolves the same on every page of a
    host (the base's path plays no part), and a site's menus and footers repeat them on every page: those
    are resolved once per host (``origin``: the base's ``scheme://netloc/``, None when it has none). Others
    (``../a.html``) are resolved against the page."""
    if origin is not None and (
        (raw[:1] == "/" and raw[1:2] != "/") or raw.startswith(("http://", "https://"))
    ):
        return _resolved_from_origin(origin, raw)
    absolute = urldefrag(urljoin(base, raw)).url
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def origin_of(base: str) -> str | None:
    """``scheme://netloc/`` of an http(s) URL with a host, else None (see ``resolve_link``)."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme in ("http", "https") and parts.netloc else None


def extract_page(tree: HTMLParser, url: str) -> Page:
    """Title, meta and every link resolved to an absolute URL (for link checks and ``govmon inspect``)."""
    meta = page_meta(tree)
    base_node = tree.css_first("base[href]")
    base = urljoin(url, base_node.attributes.get("href") or "") if base_node else url
    origin = origin_of(base)
    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    for tag, attr in (
        ("a", "href"),
        ("area", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("script", "src"),
        ("link", "href"),
    ):
        for node in tree.css(f"{tag}[{attr}]"):
            raw = (node.attributes.get(attr) or "").strip()
            if not raw or raw.lower().startswith(NOT_CHECKED_SCHEMES):
                continue
            absolute = resolve_link(base, raw, origin)
            if absolute is None or (absolute, tag) in seen:
                continue
            seen.add((absolute, tag))
            text = clean_text(node.text(deep=True)) if tag == "a" else clean_text(node.attributes.get("alt"))
            links.append(Link(absolute, text or clean_text(node.attributes.get("title")), tag))
    return Page(url=url, title=page_title(tree), meta=meta, links=tuple(links))


def host_matches(host: str, domains: tuple[str, ...] | list[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in (d.lower().rstrip(".") for d in domains))


def classify_link(url: str, site_url: str, platform_domains: tuple[str, ...]) -> str:
    """internal (the site's own host), platform (the 一体化政务服务平台), or external."""
    host = (urlsplit(url).hostname or "").lower()
    if host_matches(host, platform_domains):
        return "platform"
    if host == (urlsplit(site_url).hostname or "").lower():
        return "internal"
    return "external"
