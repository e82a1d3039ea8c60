"""What the homepage must link, read off its anchors: the 政府网站工作年度报表 and the required 重要专题.

国办秘函〔2019〕19号 deducts for a homepage without a link to the previous year's 政府网站工作年度报表 and for
a required special topic (全国“两会”专题 …) missing while it is required. Real sites link the report as
"2025年度政府网站工作年度报表", "政府网站年度报表", "网站工作年度报表（2025年）", in the footer, a 政务公开
block or as an image whose ``alt`` says it, often to a PDF; topics are mostly banner images. So a link's
label here is everything a reader (or a screen reader) is told about it: its text, its images' ``alt``
and its ``title``.

Pure: a parsed tree in, plain records out. The homepage check stores them; the rules judge them
(``monitor.rules.homepage_links``), because which year is due depends on the monitoring point.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from monitor.extract.html import clean_text

MAX_LABEL_CHARS = 200
"""A longer "label" is a block that happens to sit inside an anchor, not a link's name."""

REPORT_WORDS = ("年度报表", "年报")
"""A label that names a report holds one of these (``is_report_label``)."""
_REPORT = re.compile("|".join(REPORT_WORDS))
_SITE_WORDS = ("网站",)
_NOT_REPORT = ("信息公开", "统计", "决算", "预算", "财务")
"""政府信息公开工作年度报告 (年报) and financial 报表 are other reports."""
_UNSAFE_WORD = re.compile(r'[\s"\\\x00-\x1f\x7f]')
"""What a word to look for must not hold: whitespace (a label collapses it), or what a CSS string would
need escaped."""
_SHORT_REPORT = re.compile(r"^\W*(?:20\d{2}|[〇零一二三四五六七八九]{4})?\s*年?年度报表\W*$")
"""A bare "年度报表" / "2025年度报表" (footers beside 网站地图) names the site's report too."""
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_YEAR_WORD = re.compile(r"(20\d{2}|[〇零一二三四五六七八九]{4})\s*年(?!\s*\d{1,2}\s*月)")
"""A year written as a year ("2025年度", "二〇二五年"), not the year of a date ("2026年1月20日")."""
_YEAR_BARE = re.compile(r"(?<![\d./-])(20\d{2})(?![\d./年-])")
"""A year on its own ("年度报表 2025"), not part of a date (2026-01-20) or a number."""
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


@dataclasses.dataclass(frozen=True, slots=True)
class LabelledLink:
    """One homepage link and what it is called (text, images' alt, title; whitespace collapsed)."""

    url: str
    label: str


@dataclasses.dataclass(frozen=True, slots=True)
class ReportLink:
    """A link to a 政府网站工作年度报表; ``year`` is the year the report is about, None when no year is
    written (a link to the reports' list page, say)."""

    url: str
    label: str
    year: int | None


def labelled_links(
    tree: HTMLParser,
    base_url: str,
    wanted: Callable[[str], bool] | None = None,
    *,
    words: Sequence[str] | None = None,
) -> list[LabelledLink]:
    """Every ``<a href>`` and ``<area href>`` with a label, in page order. URLs are made absolute against
    ``base_url`` (``javascript:`` links are kept as written: the link is on the page all the same).
    ``wanted``: only the links whose label it accepts (resolving every href, ``urljoin``, and a query for
    images in every anchor were three quarters of a homepage read's CPU; the homepage check wants a few).
    ``words``: strings without whitespace, one of which every label ``wanted`` accepts holds. Then an
    anchor is read (its attributes, its images) only when its text holds one, or its ``alt``, ``title`` or
    an image's ``alt`` does (``_named_in_attributes``: one query for the page); reading every anchor's
    attributes and images was most of what was left."""
    if words is not None and any(not word or _UNSAFE_WORD.search(word) for word in words):
        words = None
    named = None if words is None else _named_in_attributes(tree, words)
    holds = _search_for(words or ())
    alts = _image_alts(tree) if named is None else None
    links = []
    for node in tree.css("a[href], area[href]"):
        is_anchor = node.tag == "a"
        text = node.text(deep=True) if is_anchor else ""
        if named is not None and node.mem_id not in named and not holds(text):
            continue  # no part of its label holds a word: ``wanted`` would refuse it
        attrs = node.attributes
        parts = [text, *_alts_of(node, alts)] if is_anchor else []
        parts += [attrs.get("alt") or "", attrs.get("title") or ""]
        label = clean_text(" ".join(p for p in parts if p))
        if not label or len(label) > MAX_LABEL_CHARS or (wanted is not None and not wanted(label)):
            continue
        raw = (attrs.get("href") or "").strip()
        url = raw if raw.lower().startswith("javascript:") else urljoin(base_url, raw)
        links.append(LabelledLink(url, label))
    return links


def _named_in_attributes(tree: HTMLParser, words: Sequence[str]) -> set[int]:
    """The node ids of the anchors whose ``alt`` or ``title``, or whose images' ``alt``, hold one of
    ``words``. A label joins its parts with spaces and only collapses whitespace, so a word in a label is
    in one of its parts. One query finds the elements whose ``alt`` or ``title`` holds a word's first
    character (lexbor's ``*=`` compares the decoded value, case-sensitively, as ``in`` does; a selector
    per character, not per word, as each one costs a walk of the page); the words are looked for here."""
    holds = _search_for(words)
    firsts = dict.fromkeys(word[0] for word in words)
    if not firsts:
        return set()
    named: set[int] = set()
    for node in tree.css(", ".join(f'[{attr}*="{first}"]' for first in firsts for attr in ("alt", "title"))):
        tag = node.tag
        attrs = node.attributes
        if tag == "img":
            anchor = _nearest_anchor(node)
            if anchor is not None and holds(attrs.get("alt") or ""):
                named.add(anchor.mem_id)
        elif tag in ("a", "area") and (holds(attrs.get("alt") or "") or holds(attrs.get("title") or "")):
            named.add(node.mem_id)
    return named


def _search_for(words: Sequence[str]) -> Callable[[str], object]:
    """Whether a text holds one of ``words`` (a regex alternation: twice as fast as ``any(… in …)``)."""
    return re.compile("|".join(re.escape(word) for word in words) or "(?!)").search


def _image_alts(tree: HTMLParser) -> dict[int, list[str]]:
    """The ``alt`` of the images inside each anchor, by the anchor's node id, in page order (one query
    for the page, not one per anchor)."""
    alts: dict[int, list[str]] = {}
    for img in tree.css("a img[alt]"):
        anchor = _nearest_anchor(img)
        if anchor is not None:
            alts.setdefault(anchor.mem_id, []).append(img.attributes.get("alt") or "")
    return alts


def _alts_of(anchor: Node, alts: Mapping[int, list[str]] | None) -> list[str]:
    """The ``alt`` of the images whose nearest anchor is this one (from ``alts`` when the page's are known)."""
    if alts is not None:
        return alts.get(anchor.mem_id, [])
    own = anchor.mem_id
    return [
        img.attributes.get("alt") or ""
        for img in anchor.css("img[alt]")
        if (nearest := _nearest_anchor(img)) is not None and nearest.mem_id == own
    ]


def _nearest_anchor(node: Node) -> Node | None:
    anchor = node.parent
    while anchor is not None and anchor.tag != "a":
        anchor = anchor.parent
    return anchor


def is_report_label(label: str) -> bool:
    """Whether a link label names the site's 政府网站工作年度报表."""
    if not _REPORT.search(label) or any(word in label for word in _NOT_REPORT):
        return False
    return any(word in label for word in _SITE_WORDS) or bool(_SHORT_REPORT.match(label))


def report_year(label: str, url: str) -> int | None:
    """The year a report link is about: a year written in its label, else one in its file name
    (``2025ndbb.pdf``, ``ndbb_2025.html``); the directories of a URL are often the publication date, so
    they are not read. The latest when several are written."""
    years = [int(y.translate(_CN_DIGITS)) for y in _YEAR_WORD.findall(label)]
    years += [int(y) for y in _YEAR_BARE.findall(label)]
    if not years and not url.lower().startswith("javascript:"):
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        years = [int(y) for y in _YEAR_IN_NAME.findall(name)]
    plausible = [y for y in years if 2000 <= y <= 2100]
    return max(plausible, default=None)


def report_links(links: Iterable[LabelledLink]) -> tuple[ReportLink, ...]:
    """The links to a 政府网站工作年度报表, each with the year it is about (one per URL)."""
    found: dict[str, ReportLink] = {}
    for link in links:
        if link.url not in found and is_report_label(link.label):
            found[link.url] = ReportLink(link.url, link.label, report_year(link.label, link.url))
    return tuple(found.values())


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _keywords(keywords: Sequence[str]) -> tuple[str, ...]:
    """A topic's keywords as labels are searched for them: stripped, the blank ones dropped."""
    return tuple(k.strip() for k in keywords if k.strip())


def topic_link(
    links: Sequence[LabelledLink], keywords: Sequence[str], patterns: Sequence[str]
) -> LabelledLink | None:
    """The first link whose label names one of ``keywords`` or matches one of ``patterns``."""
    shows = shows_topic(keywords, patterns)
    return next((link for link in links if shows(link.label)), None)


def shows_topic(keywords: Sequence[str], patterns: Sequence[str]) -> Callable[[str], bool]:
    """Whether a label names one of ``keywords`` or matches one of ``patterns``."""
    words = _keywords(keywords)
    compiled = [_compiled(p) for p in patterns]
    return lambda label: any(w in label for w in words) or any(p.search(label) for p in compiled)


def topic_words(keywords: Sequence[str], patterns: Sequence[str]) -> tuple[str, ...] | None:
    """The words one of which every label ``shows_topic`` accepts holds (``labelled_links``' ``words``);
    None when patterns are configured or a keyword holds whitespace: any label may then show it."""
    words = _keywords(keywords)
    if patterns or any(_UNSAFE_WORD.search(word) for word in words):
        return None
    return words


def topic_links(
    links: Sequence[LabelledLink], topics: Mapping[str, tuple[Sequence[str], Sequence[str]]]
) -> dict[str, LabelledLink | None]:
    """For each topic name (its ``(keywords, patterns)``), the homepage link that shows it, or None."""
    return {name: topic_link(links, *words) for name, words in topics.items()}
