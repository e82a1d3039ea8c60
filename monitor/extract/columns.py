"""Find a site's columns (栏目) on its pages and put each in a CONTRACT.md category.

Inspectors judge columns, not pages: 国办秘函〔2019〕19号 counts news columns (动态要闻) idle 14 days and
*first-level* notice/policy columns (通知公告、政策文件类一级栏目) idle 6 months. So discovery records
where a column was found: on the homepage (its navigation menus and the 更多 links of its blocks: a
first-level column, 一级栏目) or only on a second-level page (a sub-column).

Pure: a parsed tree and a URL in, ``ColumnLink`` records out. Which anchors count: those inside
navigation-like containers (``<nav>``, class or id with nav/menu/side/sub/tree/lm), plus "更多"
links, whose column name is the heading of their block; on the site's own host; not an article page
(paths with dates or long numbers); with a short name. The category comes from keywords in settings
(``columns.keywords``, extended by ``columns.extra_keywords``); ``<meta name="ColumnName">`` of the
column page, once read, names it better than a menu label such as 新闻中心 (``rename``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.settings import ColumnsSettings

CATEGORY_ORDER = ("news", "planning", "notice", "topic", "interaction", "service")
"""Checked in this order; planning before notice so that 招聘公告 or 干部任前公示 are personnel columns."""

NAV_SELECTOR = (
    "nav, [class*=nav], [id*=nav], [class*=menu], [id*=menu], [class*=side], [id*=side], "
    "[class*=sub], [class*=tree], [class*=lm], [class*=column-list], [class*=lanmu]"
)
_MORE = re.compile("更多|更 多|more", re.IGNORECASE)
HEADING_SELECTOR = "h1, h2, h3, h4, [class*=title], [class*=tit], [class*=name]"
_ARTICLE_PATH = re.compile(
    r"/(?:19|20)\d{2}(?:[/_-]?\d{1,2}){1,2}/|/t(?:19|20)\d{6}_|/art_\d|/content_\d|\d{6,}\.s?html?$|_\d{4,}\.s?html?$"
)
_DATE_LIKE = re.compile(r"\d{1,4}[-./年]\d{1,2}")
_PAGER_URL = re.compile(r"(?:index|list)_\d+\.s?html?$|[?&](?:page|pageindex|pageNum)=\d", re.IGNORECASE)
_NOT_PAGES = ("javascript:", "mailto:", "tel:", "#", "data:")
_MAX_NAME_CHARS = 16


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnLink:
    """A column as discovered: ``first_level`` when reached from the homepage; ``source`` says how
    (``nav``, ``more``, ``sub`` from a second-level page, ``pinned`` from the inventory)."""

    name: str
    url: str
    category: str
    first_level: bool
    source: str


_CACHES: dict[int, tuple[ColumnsSettings, dict[str, str]]] = {}
_CACHE_NAMES = 4096


def classify(name: str, settings: ColumnsSettings) -> str:
    """The category of a column name: user keywords first, then the defaults; ``other`` if none match.

    Memoised per settings object (the same few hundred names recur on every page of a site)."""
    entry = _CACHES.get(id(settings))
    if entry is None or entry[0] is not settings:
        if len(_CACHES) > 16:
            _CACHES.clear()
        entry = _CACHES[id(settings)] = (settings, {})
    cache = entry[1]
    category = cache.get(name)
    if category is None:
        if len(cache) > _CACHE_NAMES:
            cache.clear()
        category = cache[name] = _classify(name, settings)
    return category


def _classify(name: str, settings: ColumnsSettings) -> str:
    for category, words in settings.extra_keywords.items():
        if any(word and word in name for word in words):
            return category
    keywords = settings.keywords
    for category in CATEGORY_ORDER:
        if any(word in name for word in getattr(keywords, category)):
            return category
    return "other"


_ICON_GLYPHS = re.compile("[\ue000-\uf8ff]")
"""Private-use code points: icon-font glyphs menus put before their labels (\\ue6a2动态)."""


def _clean(text: str | None) -> str:
    text = " ".join((text or "").split())
    return _ICON_GLYPHS.sub("", text).strip() if text and max(text) >= "\ue000" else text


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def normalize(url: str) -> str:
    """One spelling per column page: no fragment, ``/x/index.html`` as ``/x/``."""
    url = urldefrag(url).url
    for index in ("index.html", "index.htm", "index.shtml"):
        if url.endswith("/" + index):
            return url[: -len(index)]
    return url


class _UrlFilter:
    """Resolves hrefs to column URLs on the site's host, cheapest tests first (``urljoin`` is the cost:
    most anchors are articles, pagers or other hosts and are dropped before it), one result per href."""

    def __init__(self, base_url: str, home_url: str) -> None:
        self.base_url = base_url
        self.host = _host(home_url)
        split = urlsplit(home_url)
        self.origin = f"{split.scheme}://{split.netloc}"
        self.roots = {
            f"{split.scheme}://{split.netloc}",
            f"{split.scheme}://{split.netloc}/",
            normalize(home_url),
        }
        self.cache: dict[str, str | None] = {}

    def __call__(self, raw: str | None) -> str | None:
        raw = (raw or "").strip()
        if raw in self.cache:
            return self.cache[raw]
        try:
            url = self._resolve(raw)
        except ValueError:  # a malformed href (an unclosed IPv6 bracket …) is no column
            url = None
        self.cache[raw] = url
        return url

    def _resolve(self, raw: str) -> str | None:
        if not raw or raw.lower().startswith(_NOT_PAGES):
            return None
        path = raw.split("?", 1)[0].split("#", 1)[0]
        if _ARTICLE_PATH.search(path) or _PAGER_URL.search(raw):
            return None
        if raw.startswith("//") or "://" in raw[:10]:
            if raw.startswith("//"):
                raw = "http:" + raw
            if not raw.lower().startswith(("http://", "https://")) or _host(raw) != self.host:
                return None
        if raw.startswith("/") and not raw.startswith("//") and "/." not in raw:
            url = normalize(self.origin + raw)  # root-relative, the usual case: no urljoin needed
        else:
            url = normalize(urljoin(self.base_url, raw))
        return None if url in self.roots else url


def _good_name(name: str) -> bool:
    return (
        2 <= len(name) <= _MAX_NAME_CHARS
        and not _DATE_LIKE.search(name)
        and not name.endswith("页")  # 首页, 上一页, 下一页, 尾页: pagers and the way home
    )


def _block_heading(anchor: LexborNode) -> str:
    """The heading of the block a 更多 link closes: the nearest h1–h4 or *title* element up to 3 levels up."""
    node = anchor.parent
    for _ in range(3):
        if node is None:
            return ""
        for heading in node.css(HEADING_SELECTOR):
            text = _clean(heading.text(deep=True))
            if text and not _MORE.search(text) and _good_name(text):
                return text
        node = node.parent
    return ""


def _nav_anchors(tree: LexborHTMLParser) -> Iterable[LexborNode]:
    seen: set[int] = set()
    for container in tree.css(NAV_SELECTOR):
        for anchor in container.css("a[href]"):
            key = anchor.mem_id
            if key not in seen:
                seen.add(key)
                yield anchor


def homepage_columns(
    tree: LexborHTMLParser, home_url: str, settings: ColumnsSettings
) -> tuple[ColumnLink, ...]:
    """First-level columns: navigation anchors and the 更多 links of homepage blocks, one per URL.

    When a URL is reached under several labels (新闻中心 and 工作动态 both open /xwzx/gzdt/), the label
    with a category wins over one without, then the 更多 block's heading over a menu label.
    """
    found: dict[str, ColumnLink] = {}

    def offer(link: ColumnLink) -> None:
        known = found.get(link.url)
        better_category = known is not None and known.category == "other" and link.category != "other"
        better_label = (
            known is not None and link.source == "more" != known.source and link.category != "other"
        )
        if known is None or better_category or better_label:
            found[link.url] = link

    column_url = _UrlFilter(home_url, home_url)
    more_by_class = {a.mem_id for a in tree.css("a[href][class*=more], a[href][class*=More]")}
    for anchor in tree.css("a[href]"):
        if anchor.mem_id not in more_by_class and not _MORE.search(anchor.text(deep=True)):
            continue
        url = column_url(anchor.attributes.get("href"))
        name = _block_heading(anchor) if url else ""
        if url and name:
            offer(ColumnLink(name, url, classify(name, settings), True, "more"))
    for anchor in _nav_anchors(tree):
        name = _clean(anchor.text(deep=True)) or _clean(anchor.attributes.get("title"))
        if not _good_name(name) or _MORE.search(name):
            continue
        url = column_url(anchor.attributes.get("href"))
        if url:
            offer(ColumnLink(name, url, classify(name, settings), True, "nav"))
    return tuple(found.values())


def sub_columns(
    tree: LexborHTMLParser,
    page_url: str,
    home_url: str,
    known_urls: Iterable[str],
    settings: ColumnsSettings,
) -> tuple[ColumnLink, ...]:
    """Columns a second-level page links to in its menus and side trees that the homepage did not show."""
    known = set(known_urls)
    found: dict[str, ColumnLink] = {}
    column_url = _UrlFilter(page_url, home_url)
    for anchor in _nav_anchors(tree):
        name = _clean(anchor.text(deep=True)) or _clean(anchor.attributes.get("title"))
        if not _good_name(name) or _MORE.search(name):
            continue
        url = column_url(anchor.attributes.get("href"))
        if url is None or url in known or url in found:
            continue
        found[url] = ColumnLink(name, url, classify(name, settings), False, "sub")
    return tuple(found.values())


def rename(column: ColumnLink, meta_name: str, settings: ColumnsSettings) -> ColumnLink:
    """The column as its own page names it (``<meta name="ColumnName">``), when that name says more."""
    meta_name = _clean(meta_name)
    if not meta_name or meta_name == column.name or column.source == "pinned" or not _good_name(meta_name):
        return column
    category = classify(meta_name, settings)
    if category == "other" and column.category != "other":
        return column
    return dataclasses.replace(column, name=meta_name, category=category)
