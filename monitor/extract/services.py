"""Service entries (办事服务) and consultation channels (互动交流) on a page, as plain data.

Inspectors look for them the way a visitor does: a menu entry or button labelled 办事服务 / 网上办事 /
政务服务 / 办事大厅 / 在线办理, the items of a block headed 办事服务, and the channels to write to the
government (咨询, 建言, 留言, 信箱; 信访 and 纪检举报 do not count, 国办秘函〔2019〕19号). Keywords come from
settings. Link texts longer than ``max_label_chars`` are headlines ("…政务服务改革…"), not entries, so
they are skipped. Pure: a parsed tree in, frozen records out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.html import NOT_CHECKED_SCHEMES, clean_text, host_matches, label_texts

BLOCK_LEVELS = 3
MAX_HEADINGS = 50
"""A real page has a few dozen headings; a hostile one nests thousands, each costing its whole subtree."""


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    url: str
    text: str
    via: str  # "label" (the link's own text) or "block" (an item of a block headed by a keyword)


def _anchor(node: LexborNode, base: str) -> tuple[str, str] | None:
    """(absolute url, text) of an anchor worth following; None for javascript:, mailto:, in-page links."""
    raw = (node.attributes.get("href") or "").strip()
    if not raw or raw.lower().startswith(NOT_CHECKED_SCHEMES):
        return None
    try:
        url = urldefrag(urljoin(base, raw)).url
        scheme = urlsplit(url).scheme
    except ValueError:  # a hostile page's http://[x/: not a link anyone can follow
        return None
    if scheme not in ("http", "https"):
        return None
    text = clean_text(node.text(deep=True)) or clean_text(node.attributes.get("title"))
    if not text:
        img = node.css_first("img[alt]")
        text = clean_text(img.attributes.get("alt")) if img else ""
    return url, text


def _base(tree: LexborHTMLParser, page_url: str) -> str:
    node = tree.css_first("base[href]")
    try:
        return urljoin(page_url, node.attributes.get("href") or "") if node else page_url
    except ValueError:
        return page_url


def labelled_links(
    tree: LexborHTMLParser,
    page_url: str,
    keywords: Sequence[str],
    max_label_chars: int,
    excluded: Sequence[str] = (),
) -> tuple[Entry, ...]:
    """Anchors whose short text contains one of ``keywords`` and none of ``excluded``, first per URL."""
    base = _base(tree, page_url)
    found: dict[str, Entry] = {}
    for node in tree.css("a[href]"):
        link = _anchor(node, base)
        if link is None:
            continue
        url, text = link
        if len(text) > max_label_chars or url in found:
            continue
        if any(k in text for k in keywords) and not any(x in text for x in excluded):
            found[url] = Entry(url, text, "label")
    return tuple(found.values())


HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5")
HEADING_CLASSES = frozenset({"hd", "title", "tit", "bt", "column-title"})


def _is_heading(node: LexborNode) -> bool:
    classes = set((node.attributes.get("class") or "").split())
    return node.tag in HEADING_TAGS or bool(classes & HEADING_CLASSES)


def _short_text(node: LexborNode, max_chars: int) -> str:
    """The node's text, read only until it exceeds ``max_chars`` (a heading is short; a hostile one is not)."""
    text = ""
    for inner in node.traverse(include_text=True):
        if inner.tag == "-text":
            text = clean_text(text + " " + (inner.text_content or ""))
            if len(text) > max_chars:
                break
    return text


def _headings(tree: LexborHTMLParser, keywords: Sequence[str], max_label_chars: int) -> list[LexborNode]:
    """Headings (h1–h5, .hd, .title …) whose short text names a keyword, found from the texts that name one:
    one linear walk, instead of every heading's text (each costing its subtree on nested pages)."""
    found: dict[int, LexborNode] = {}
    for node in label_texts(tree, keywords, max_label_chars):
        current = node.parent
        for _ in range(2):
            if current is None:
                break
            if _is_heading(current):
                if (
                    current.mem_id not in found
                    and len(_short_text(current, max_label_chars)) <= max_label_chars
                ):
                    found[current.mem_id] = current
                break
            current = current.parent
        if len(found) >= MAX_HEADINGS:
            break
    return list(found.values())


def block_items(
    tree: LexborHTMLParser, page_url: str, keywords: Sequence[str], max_label_chars: int
) -> tuple[Entry, ...]:
    """The links of every block whose heading (h2, .hd, .title …) names one of ``keywords``.

    The block is the nearest ancestor of the heading (up to three levels) holding at least two links
    besides the heading's own: the ``<div class="home-block">`` around ``<div class="hd"><h2>办事服务</h2>``.
    """
    base = _base(tree, page_url)
    found: dict[str, Entry] = {}
    for heading in _headings(tree, keywords, max_label_chars):
        own = {(a.attributes.get("href") or "") for a in heading.css("a[href]")}
        node = heading.parent
        for _ in range(BLOCK_LEVELS):
            if node is None:
                break
            others = [a for a in node.css("a[href]") if (a.attributes.get("href") or "") not in own]
            if len(others) >= 2:
                break
            node = node.parent
        if node is None or node.tag in ("body", "html"):
            continue
        for anchor in node.css("a[href]"):
            link = _anchor(anchor, base)
            if link is not None and link[0] not in found:
                found[link[0]] = Entry(link[0], link[1], "block")
    return tuple(found.values())


def service_entries(
    tree: LexborHTMLParser, page_url: str, keywords: Sequence[str], max_label_chars: int
) -> tuple[Entry, ...]:
    """Links labelled as a service entry, then the items of blocks headed by one (each URL once)."""
    found: dict[str, Entry] = {}
    for entry in (
        *labelled_links(tree, page_url, keywords, max_label_chars),
        *block_items(tree, page_url, keywords, max_label_chars),
    ):
        found.setdefault(entry.url, entry)
    return tuple(found.values())


def consultation_channels(
    tree: LexborHTMLParser,
    page_url: str,
    keywords: Sequence[str],
    excluded: Sequence[str],
    max_label_chars: int,
) -> tuple[Entry, ...]:
    """Links to a consultation channel (咨询, 建言, 留言, 信箱), not 信访 or 纪检举报 ones."""
    return labelled_links(tree, page_url, keywords, max_label_chars, excluded)


LOGIN_MARKERS = ("login", "logon", "signin", "sso", "passport", "cas/", "auth", "登录")
"""A channel that sends the visitor to sign in first (统一身份认证) works: the URL it lands on says so."""


def is_login_url(url: str) -> bool:
    """Whether ``url`` (where a channel link landed) is a sign-in page."""
    parts = urlsplit(url)
    where = f"{parts.path}?{parts.query}".lower()
    return any(marker in where for marker in LOGIN_MARKERS)


def has_message_form(tree: LexborHTMLParser) -> bool:
    """A form a visitor can write in (a ``<textarea>``), or a sign-in form (a password field): what an
    inspector takes as a working channel page, whatever its link was called."""
    return tree.css_first("form textarea, textarea, input[type=password]") is not None


def channel_candidates(
    tree: LexborHTMLParser,
    page_url: str,
    keywords: Sequence[str],
    hub_keywords: Sequence[str],
    excluded: Sequence[str],
    max_label_chars: int,
) -> tuple[Entry, ...]:
    """Every link a visitor would try to write to the government: the ones labelled as a channel (咨询,
    建言, 留言, 信箱 and their kin), then the items of blocks headed 互动交流 / 政民互动 (我要写信, 网上问政 …,
    ``via="block"``, judged by what they open), never 信访 or 纪检举报 ones; each URL once."""
    found: dict[str, Entry] = {}
    for entry in consultation_channels(tree, page_url, keywords, excluded, max_label_chars):
        found.setdefault(entry.url, entry)
    for entry in block_items(tree, page_url, hub_keywords, max_label_chars):
        text = entry.text
        if not text or len(text) > max_label_chars or any(x in text for x in excluded):
            continue
        if any(k in text for k in hub_keywords) or urlsplit(entry.url).path in ("", "/"):
            continue  # the block's own heading link, or the homepage
        found.setdefault(entry.url, entry)
    return tuple(found.values())


def links_to_hosts(
    tree: LexborHTMLParser, page_url: str, hosts: tuple[str, ...] | list[str]
) -> tuple[Entry, ...]:
    """Every anchor to one of ``hosts`` (subdomains count), whatever it shows: a banner image without alt
    text links the 一体化平台 as surely as a labelled entry does (``via="host"``; text: the alt, or the host)."""
    base = _base(tree, page_url)
    found: dict[str, Entry] = {}
    for node in tree.css("a[href]"):
        link = _anchor(node, base)
        if link is None or link[0] in found:
            continue
        host = urlsplit(link[0]).hostname or ""
        if host_matches(host, hosts):
            found[link[0]] = Entry(link[0], link[1] or host, "host")
    return tuple(found.values())
