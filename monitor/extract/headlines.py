"""A homepage's undated headlines: the 要闻 slider, 图片新闻 and headline blocks that print no date.

首页不更新 (国办秘函〔2019〕19号) asks whether anything on the homepage is new. Many homepages show their
freshest news without a date (a picture slider, a 头条 headline) beside older dated blocks; an inspector
opens those headlines and reads their dates. This lists them, in page order, for the columns check to open:
anchors outside the page chrome (header, menus, footer), on the site's own host, to an article-like page
(not a column index), with a headline's length of text (or of its image's alt text), and not one of the
dated rows already read. Pure: a parsed tree in, URLs out.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.extract._units import is_offside
from monitor.extract.html import NOT_CHECKED_SCHEMES, clean_text

MIN_HEADLINE_CHARS = 8
"""Shorter link texts are menu entries (工作动态, 更多>>), not headlines."""
ARTICLE_ENDINGS = (".html", ".htm", ".shtml", ".jhtml", ".jsp", ".php", ".aspx")
INDEX_NAMES = ("index", "default", "list")


def _is_article_path(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    if not name.endswith(ARTICLE_ENDINGS):
        return False
    return name.split(".", 1)[0].split("_", 1)[0] not in INDEX_NAMES


def undated_headlines(
    tree: LexborHTMLParser, page_url: str, dated: Collection[str], limit: int
) -> tuple[str, ...]:
    """Up to ``limit`` headline URLs on the homepage that the dated rows (``dated``: their URLs) do not
    cover, first in page order (the slider and 头条 come first on a homepage)."""
    host = urlsplit(page_url).hostname
    found: dict[str, None] = {}
    for node in tree.css("a[href]"):
        raw = (node.attributes.get("href") or "").strip()
        if not raw or raw.lower().startswith(NOT_CHECKED_SCHEMES):
            continue
        url = urldefrag(urljoin(page_url, raw)).url
        parts = urlsplit(url)
        if parts.hostname != host or url in dated or url in found or not _is_article_path(parts.path):
            continue
        text = clean_text(node.text(deep=True)) or clean_text(node.attributes.get("title"))
        if not text:
            img = node.css_first("img[alt]")
            text = clean_text(img.attributes.get("alt")) if img else ""
        if len(text) < MIN_HEADLINE_CHARS or is_offside(node, homepage=True):
            continue
        found[url] = None
        if len(found) >= limit:
            break
    return tuple(found)
