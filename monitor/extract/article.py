"""An article page's publication date, as the inspector reads it (pages.md).

A labelled date printed near the title wins: 发布时间 / 发布日期 first, then 发文日期 / 生成日期 / a bare
时间 or 日期 label; then ``<meta name="PubDate">`` and its siblings (the CMS's (re)publication time, which
may disagree with the page); 成文日期 (when the document was signed) only when nothing else is printed.
Unlabelled dates in the body (signature dates, dates in the text) are never the publication date.
"""

from __future__ import annotations

import datetime as dt
import re

from selectolax.lexbor import LexborHTMLParser

from monitor.extract.dates import DATE_RE, is_yearless, match_date

# A bare 时间/日期 counts only as a label of its own (not 会议时间, 报名日期 …).
_LABEL_RE = re.compile(
    r"(?P<label>发布时间|发布日期|发文日期|生成日期|成文日期|印发日期|(?<![\u4e00-\u9fff])(?:时间|日期))"
    r"\s*[:：]?\s*[\[［(（【]?\s*"
)
_RANK = {"发布时间": 0, "发布日期": 0, "发文日期": 1, "生成日期": 1, "印发日期": 1, "时间": 1, "日期": 1}
_META_RANK = 2
_SIGNED_RANK = 3
META_NAMES = (
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "firstpublishedtime",
    "article:published_time",
    "dc.date",
    "dc.date.issued",
    "dcterms.issued",
)


def labelled_dates(text: str, as_of: dt.date) -> list[tuple[int, dt.date]]:
    """(rank, date) for every labelled date in ``text``: 0 发布, 1 other labels, 3 成文日期."""
    found: list[tuple[int, dt.date]] = []
    for m in _LABEL_RE.finditer(text):
        d = DATE_RE.match(text, m.end())
        if d is None or is_yearless(d):
            continue
        when = match_date(d, as_of)
        if when is None:
            continue
        label = m.group("label")
        found.append((_SIGNED_RANK if label == "成文日期" else _RANK[label], when))
    return found


def printed_dates(tree: LexborHTMLParser, as_of: dt.date) -> list[tuple[int, dt.date]]:
    """(rank, date) of every labelled date printed on the page (``labelled_dates`` of its visible text)."""
    return labelled_dates(_visible_text(tree), as_of)


def meta_date(tree: LexborHTMLParser, as_of: dt.date) -> dt.date | None:
    """``<meta name="PubDate">`` and its siblings; the first that holds a date."""
    for node in tree.css("meta[name], meta[property]"):
        attrs = node.attributes
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        if name not in META_NAMES:
            continue
        m = DATE_RE.search(attrs.get("content") or "")
        if m is not None and not is_yearless(m):
            when = match_date(m, as_of)
            if when is not None:
                return when
    return None


def article_date(tree: LexborHTMLParser, as_of: dt.date) -> dt.date | None:
    """The publication date: labelled 发布时间/发布日期 > other labels > meta PubDate > 成文日期."""
    candidates = printed_dates(tree, as_of)
    best = min((rank for rank, _ in candidates), default=None)
    if best is not None and best < _META_RANK:
        return next(when for rank, when in candidates if rank == best)
    meta = meta_date(tree, as_of)
    if meta is not None:
        return meta
    if best is not None:
        return next(when for rank, when in candidates if rank == best)
    return None


def _visible_text(tree: LexborHTMLParser) -> str:
    """Body text without scripts and styles (a script's date string is not printed)."""
    body = tree.body
    if body is None:
        return ""
    parts: list[str] = []
    skip = False
    for node in body.traverse(include_text=True):
        if node.is_element_node:
            skip = node.tag in ("script", "style", "noscript", "template")
            continue
        if skip:
            skip = False
            continue
        if node.is_text_node:
            text = node.text_content
            if text and not text.isspace():
                parts.append(text.strip())
    return "\n".join(parts)
