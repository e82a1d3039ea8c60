"""Service guides (办事指南) as plain data: the links to them and the required elements a guide page names.

A 办事指南 tells a visitor how to get something done: the conditions (办理条件 / 受理条件 / 申请条件), the
materials (申请材料 / 申报材料 / 所需材料), the steps (办理流程 / 办理程序 / 办事流程) and the time it takes
(办理时限 / 承诺时限 / 法定时限 / 办结时限). Inspectors deduct for a guide that lacks one (国办秘函〔2019〕19号,
办事指南要素缺失); which elements are required and the words naming each come from settings.

A page reached by a guide link that names no element at all is not judged as a guide: it is a list of guides
(followed one level by the services check) or a page whose content a script fills. Pure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from urllib.parse import urldefrag

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.html import NOT_CHECKED_SCHEMES, clean_text
from monitor.extract.search import absolute

MAX_GUIDE_LINK_CHARS = 60
"""A guide's link text is its name (居民身份证换领办事指南); longer runs are paragraphs that mention one."""
MAX_LABEL_CHARS = 12
"""A short link naming a guide anywhere (办事指南, 服务指南查询) is an entry; a longer one must end with the
word (…换领办事指南, …办事指南（试行）), so that a headline mentioning one (…发布新版办事指南汇编…) is not
taken for a guide."""
_TRAILING = "）)】]》>›»… \u3000"
MAX_TEXT_CHARS = 200_000


@dataclasses.dataclass(frozen=True, slots=True)
class GuideLink:
    url: str
    text: str


def guide_links(tree: LexborHTMLParser, page_url: str, keywords: Sequence[str]) -> tuple[GuideLink, ...]:
    """Anchors whose text (or title) names a guide (办事指南, 服务指南 …), first per URL, the page itself left out."""
    base_node = tree.css_first("base[href]")
    base = (absolute(page_url, base_node.attributes.get("href") or "") or page_url) if base_node else page_url
    own = urldefrag(page_url).url
    found: dict[str, GuideLink] = {}
    for node in tree.css("a[href]"):
        raw = (node.attributes.get("href") or "").strip()
        if not raw or raw.lower().startswith(NOT_CHECKED_SCHEMES):
            continue
        joined = absolute(base, raw)
        url = urldefrag(joined).url if joined else None
        if url is None or url == own or url in found:
            continue
        text = clean_text(node.text(deep=True)) or clean_text(node.attributes.get("title"))
        if text and len(text) <= MAX_GUIDE_LINK_CHARS and _names_guide(text, keywords):
            found[url] = GuideLink(url, text)
    return tuple(found.values())


def _names_guide(text: str, keywords: Sequence[str]) -> bool:
    if len(text) <= MAX_LABEL_CHARS:
        return any(k in text for k in keywords)
    stripped = text.rstrip(_TRAILING)
    return any(k in stripped[-(len(k) + 6) :] for k in keywords)  # …办事指南, …办事指南（2026年版）


@dataclasses.dataclass(frozen=True, slots=True)
class GuideElements:
    """Which required elements a page names (``found``) and which it does not (``missing``), in settings order."""

    found: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def is_guide(self) -> bool:
        """Names at least one element: a guide, judged. None named: a list or a script-filled page."""
        return bool(self.found)


def visible_text(tree: LexborHTMLParser) -> str:
    """The body's text as a reader sees it (scripts, styles and templates left out), whitespace removed so
    that 办 理 时 限 in a spaced-out table header still reads as 办理时限."""
    body = tree.body
    if body is None:
        return ""
    parts: list[str] = []
    size = 0
    for node in body.traverse(include_text=True):
        if node.tag != "-text":
            continue
        parent = node.parent
        if parent is not None and parent.tag in ("script", "style", "noscript", "template"):
            continue
        text = "".join((node.text_content or "").split())
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT_CHARS:
            break
    return "".join(parts)


def guide_elements(tree: LexborHTMLParser, elements: Mapping[str, Sequence[str]]) -> GuideElements:
    """The required elements (name → the words naming it) the page's visible text names."""
    text = visible_text(tree)
    found = tuple(
        name for name, words in elements.items() if any("".join(w.split()) in text for w in words if w)
    )
    return GuideElements(found, tuple(name for name in elements if name not in found))


def page_title(tree: LexborHTMLParser) -> str:
    """The guide's name: its first heading, else the document title."""
    for selector in ("h1", "h2", "title"):
        node = tree.css_first(selector)
        text = clean_text(node.text(deep=True)) if node is not None else ""
        if text:
            return text[:120]
    return ""
