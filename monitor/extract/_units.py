"""Dated units of a page: text nodes that are a date and nothing else, and links dated in their title.

One pass over the tree's nodes (the costly part: every node becomes a Python object), one ``search`` of
a precompiled pattern per text node, and only for the few dated nodes a walk up their ancestors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from selectolax.lexbor import LexborNode

from monitor.extract.dates import DATE_RE, WHOLE_DATE_RE, is_yearless, match_date

_SKIP_TEXT_OF = frozenset(
    {"script", "style", "noscript", "template", "textarea", "select", "option", "title"}
)
_STOP = frozenset({"body", "html"})
# Year-month alone (``2026-11``, ``2026年11月``): half of a date split across elements.
_YM_RE = re.compile(r"^\s*((?:19|20)\d\d)\s*[-./年]\s*(\d{1,2})\s*月?\s*$")
# Every date spelling holds an ASCII digit or a Chinese zero (二〇二六): a cheap first filter.
_DIGIT_RE = re.compile(r"[0-9〇○零Ｏ]")
_DAY_RE = re.compile(r"^\s*(\d{1,2})\s*日?\s*$")
_CLOCK_WORDS = ("今天", "今日", "当前时间", "星期")
_OFFSIDE_TAGS = frozenset({"nav", "aside", "footer", "header"})
_CHROME_TAGS = frozenset({"nav", "footer", "header"})
# Class/id words of containers whose dated rows are not the page's own list (pages.md): sidebars,
# 相关阅读 (xgyd), 热点/排行 (hot, rank, phb), 解读 pop-ups, 留言 previews, menus, headers and footers.
_OFFSIDE_RE = re.compile(
    r"(?<![a-z])hot|rank|paihang|phb|xgyd|xgwz|xgxx|xgjd|xgwj|relat|recommend|tuijian|foot|bottom"
    r"|(?<![a-z])nav|menu|pop|jiedu|comment|liuyan|message|(?<![a-z])head(?:er)?(?![a-z])|clock|weather"
    r"|(?<![a-z])hid(?:e|den)(?![a-z])",
    re.I,
)
# "side" alone is ambiguous: ``side-left`` / ``sidebar`` are sidebars, ``side-right`` / ``main-side`` often
# hold the page's own list.
_SIDE_RE = re.compile(r"side", re.I)
_MAIN_HINT_RE = re.compile(r"right|main|content|article|list|detail", re.I)
_CHROME_RE = re.compile(
    r"foot|bottom|(?<![a-z])nav|menu|(?<![a-z])head(?:er)?(?![a-z])|clock|weather|copyright|banquan", re.I
)
_TITLE_TAIL = 40  # characters of a link title that can hold "发布时间：2026-11-04 10:20:30"
_OPENERS = "[［(（【"
_CLOSERS = "]］)）】"
_CLOCK_TIME_RE = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclasses.dataclass(slots=True)
class Unit:
    """One dated row: ``row`` is its highest ancestor holding no other row, ``container`` the row's parent."""

    date: dt.date
    row: LexborNode
    container: LexborNode
    spot: LexborNode  # the text node (or link) the date was read from


_TR_REACH = 3  # a date cell's <tr> is at most this many elements up (deeper: a layout table)


def _rows(spots: list[tuple[LexborNode, dt.date]]) -> list[Unit]:
    """Rows and containers of dated spots, walking each spot's ancestors only until a shared one.

    A node first reached by one walk and then by another holds two rows or more: every node above it
    does too, so a walk stops there. A unit's row is the node just below the first such shared node in
    its walk, and that shared node is the container. A ``<tr>`` close above the date is the row itself
    however many date cells it has (成文日期 and 发布日期 columns): dates meeting at their row merge.
    """
    seen: set[int] = set()
    base_of: dict[int, int] = {}  # mem_id of a row base -> index in walks
    shared: set[int] = set()
    walks: list[tuple[list[LexborNode], list[int]]] = []
    cells: list[list[tuple[LexborNode, dt.date]]] = []  # the dated spots of each walk's base
    for spot, when in spots:
        node: LexborNode | None = spot if spot.is_element_node else spot.parent
        chain: list[LexborNode] = []
        ids: list[int] = []
        merged = False
        while node is not None:
            tag = node.tag
            if tag in _STOP:
                break
            mid = node.mem_id
            if tag == "tr" and len(chain) < _TR_REACH:
                seen.difference_update(ids)
                chain, ids = [], []
            if not chain and mid in base_of:
                cells[base_of[mid]].append((spot, when))
                merged = True
                break
            chain.append(node)
            ids.append(mid)
            if mid in seen:
                shared.add(mid)
                break
            seen.add(mid)
            node = node.parent
        if merged or not chain:
            continue
        base_of[ids[0]] = len(walks)
        walks.append((chain, ids))
        cells.append([(spot, when)])
    units: list[Unit] = []
    for (chain, ids), spots_here in zip(walks, cells, strict=True):
        spot, when = spots_here[0]
        if len(spots_here) > 1:
            when = _row_date(chain[0], spots_here)
        top = -1
        for i, mid in enumerate(ids):
            if mid in shared:
                top = i
                break
        if top < 0:  # the page's only dated row: the smallest ancestor with a link is the row
            row = next((el for el in chain if el.tag == "a" or el.css_first("a[href]") is not None), chain[0])
            units.append(Unit(when, row, row.parent or row, spot))
        elif top == 0:
            units.append(Unit(when, chain[0], chain[1] if len(chain) > 1 else chain[0], spot))
        else:
            units.append(Unit(when, chain[top - 1], chain[top], spot))
    return units


_PUBLISHED_HEADS = ("发布", "公开", "印发")


def _row_date(row: LexborNode, spots: list[tuple[LexborNode, dt.date]]) -> dt.date:
    """A row with several dates (成文日期 and 发布日期, 来信时间 and 回复时间): the column headed 发布/公开,
    else the first that is not 成文日期, else the first."""
    if row.tag != "tr":
        return spots[0][1]
    header = None
    table = row.parent
    while table is not None and table.tag not in ("table", "body"):
        table = table.parent
    if table is not None and table.tag == "table":
        header = table.css_first("tr")
    if header is None or (header.mem_id == row.mem_id and header.css_first("th") is None):
        return spots[0][1]
    heads = [" ".join(cell.text(deep=True).split()) for cell in header.iter() if cell.tag in ("td", "th")]
    labelled: list[tuple[str, dt.date]] = []
    for spot, when in spots:
        cell = spot
        while cell.parent is not None and cell.parent.mem_id != row.mem_id:
            cell = cell.parent
        index = 0
        sibling = cell.prev
        while sibling is not None:
            if sibling.tag in ("td", "th"):
                index += 1
            sibling = sibling.prev
        labelled.append((heads[index] if index < len(heads) else "", when))
    for head, when in labelled:
        if any(word in head for word in _PUBLISHED_HEADS):
            return when
    for head, when in labelled:
        if "成文" not in head:
            return when
    return labelled[0][1]


def near_clock(node: LexborNode) -> bool:
    """``<span>今天是</span><span>2021年3月4日</span>``: the header clock split over two elements."""
    for el in (node.prev, node.parent.prev if node.parent is not None else None):
        if el is not None:
            text = el.text(deep=True)[-12:]
            if any(w in text for w in _CLOCK_WORDS):
                return True
    return False


def _split_date(node: LexborNode, as_of: dt.date) -> dt.date | None:
    """``<span>04</span><span>2026-11</span>`` (day apart from year-month): read the wrapper's text."""
    wrapper = node.parent
    for _ in range(2):
        if wrapper is None or wrapper.tag in _STOP:
            return None
        parts = wrapper.text(deep=True, separator="\x1f").split("\x1f")
        parts = [p.strip() for p in parts if p.strip()]
        if 2 <= len(parts) <= 4:
            ym = day = None
            for part in parts:
                m = _YM_RE.match(part)
                if m:
                    ym = (int(m.group(1)), int(m.group(2)))
                    continue
                d = _DAY_RE.match(part)
                if d:
                    day = int(d.group(1))
            if ym and day:
                try:
                    when = dt.date(ym[0], ym[1], day)
                except ValueError:
                    return None
                return when if when.year >= 1990 else None
        wrapper = wrapper.parent
    return None


_SEP = "\x1f"
# What a text run that is a date starts with: a digit, an opening bracket, a label's first character
# (发布时间, 更新日期, 成文日期, 生成日期, 印发日期, 公开日期, 录入时间, 创建时间, 信息时间, 时间, 日期) or a
# Chinese numeral year (二〇二六, 一九九九). Titles and sentences start otherwise: dropped unread.
_DATE_STARTS = frozenset("0123456789[［(（【发更成生印公录创信时日二一")


def _candidates(texts: list[str], as_of: dt.date) -> dict[int, dt.date | None]:
    """Indexes of text runs that are a whole date (its value) or a lone year-month (None: half a date)."""
    found: dict[int, dt.date | None] = {}
    latest = as_of + dt.timedelta(days=366)
    whole_date = WHOLE_DATE_RE.fullmatch
    has_digit = _DIGIT_RE.search
    # One comprehension drops the whitespace runs and long texts that make up most of a page.
    short = [
        i
        for i, text in enumerate(texts)
        if (len(text) <= 48 or len(text.strip()) <= 48)
        and text.lstrip()[:1] in _DATE_STARTS
        and has_digit(text)
    ]
    for index in short:
        text = texts[index].strip()
        whole = whole_date(text)
        if whole is not None:
            when = match_date(whole, as_of)
            if when is not None and when <= latest:
                found[index] = when
        elif len(text) <= 24 and _YM_RE.match(text):
            found[index] = None
    return found


def date_units(root: LexborNode, as_of: dt.date) -> list[Unit]:
    """Every dated unit under ``root``, in document order.

    The text runs come from one ``text()`` call (in C) split on a separator, in the same order as the
    tree's text nodes; only the runs that are dates are then located as nodes, by counting text nodes
    in one traversal that stops after the last of them. Should a run and its node ever disagree (a
    separator character inside the page's text), the slower node-by-node reading takes over.
    """
    texts = root.text(deep=True, separator=_SEP).split(_SEP)
    found = _candidates(texts, as_of)
    spots: list[tuple[LexborNode, dt.date]] = []
    if found:
        located = _locate(root, found, texts)
        if located is None:
            located = _locate_slowly(root, as_of)
        spots = _spots(located, as_of)
    units = _rows(spots)
    # Links dated only in their title attribute, unless their row already shows a date.
    text_holders = {u.row.mem_id for u in units}
    titled = _title_spots(root, as_of, text_holders)
    return _rows(spots + titled) if titled else units


def _locate(
    root: LexborNode, found: dict[int, dt.date | None], texts: list[str]
) -> list[tuple[LexborNode, dt.date | None]] | None:
    last = max(found)
    located: list[tuple[LexborNode, dt.date | None]] = []
    index = -1
    for node in root.traverse(include_text=True):
        if not node.is_text_node:
            continue
        index += 1
        if index in found:
            if node.text_content != texts[index]:
                return None
            parent = node.parent
            if parent is None or parent.tag not in _SKIP_TEXT_OF:
                located.append((node, found[index]))
            if index == last:
                break
    return located


def _locate_slowly(root: LexborNode, as_of: dt.date) -> list[tuple[LexborNode, dt.date | None]]:
    located: list[tuple[LexborNode, dt.date | None]] = []
    skip_next = False
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag != "-text":
            skip_next = tag in _SKIP_TEXT_OF
            continue
        if skip_next:
            skip_next = False
            continue
        text = node.text_content or ""
        found = _candidates([text], as_of)
        if found:
            located.append((node, found[0]))
    return located


def _spots(
    located: list[tuple[LexborNode, dt.date | None]], as_of: dt.date
) -> list[tuple[LexborNode, dt.date]]:
    """Dated nodes; a lone year-month becomes a date when its wrapper also holds the day."""
    spots: list[tuple[LexborNode, dt.date]] = []
    split_wrappers: set[int] = set()
    for node, when in located:
        if when is None:
            when = _split_date(node, as_of)
            wrapper = node.parent
            if when is None or wrapper is None or wrapper.mem_id in split_wrappers:
                continue
            split_wrappers.add(wrapper.mem_id)
        spots.append((node, when))
    return spots


def _title_spots(
    root: LexborNode, as_of: dt.date, text_holders: set[int]
) -> list[tuple[LexborNode, dt.date]]:
    """Links whose ``title`` attribute ends in a date that their text does not show (``title="… 2026-11-04"``)."""
    spots: list[tuple[LexborNode, dt.date]] = []
    # a dated title holds a year (19xx/20xx) or a label: let the selector engine drop the rest
    for a in root.css('a[title*="20"], a[title*="19"], a[title*="时间"], a[title*="日期"]'):
        # a title's date is at its end: look at the last characters only
        title = (a.attributes.get("title") or "").rstrip()[-_TITLE_TAIL:]
        if not title or not (title[-1].isdigit() or title[-1] in _CLOSERS or title[-1] == "日"):
            continue  # a dated title ends in its date (or its time)
        last = None
        for m in DATE_RE.finditer(title):
            last = m
        if last is None:
            continue
        tail = title[last.end() :].strip().lstrip("日").strip(_CLOSERS).strip()
        if tail and not _CLOCK_TIME_RE.fullmatch(tail):
            continue
        raw_head = title[: last.start()]
        head = raw_head.rstrip().rstrip(_OPENERS).rstrip()
        bracketed = raw_head.rstrip().endswith(tuple(_OPENERS))
        labelled = head.endswith((":", "："))
        if is_yearless(last) and not (labelled or bracketed):
            continue  # a bare 11-04 in a title is as likely a range or a score
        if head and not (labelled or bracketed or raw_head[-1:].isspace()):
            continue
        if last.group(0) in a.text(deep=True):
            continue
        parent = a.parent
        if parent is not None and (
            parent.mem_id in text_holders
            or (parent.parent is not None and parent.parent.mem_id in text_holders)
        ):
            continue
        when = match_date(last, as_of)
        if when is None:
            continue
        spots.append((a, when))
    return spots


def is_hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    style = attrs.get("style")
    if style and _HIDDEN_STYLE_RE.search(style):
        return True
    return "hidden" in attrs


def is_offside(container: LexborNode, homepage: bool = False) -> bool:
    """Inside a menu, sidebar, 相关阅读/热点 block, footer or hidden pop-up (homepage: only page chrome)."""
    tags = _CHROME_TAGS if homepage else _OFFSIDE_TAGS
    pattern = _CHROME_RE if homepage else _OFFSIDE_RE
    node: LexborNode | None = container
    while node is not None and node.tag not in _STOP:
        if node.tag in tags:
            return True
        attrs = node.attributes
        if attrs:
            if not homepage and is_hidden(node):
                return True
            for key in ("class", "id"):
                value = attrs.get(key)
                if value and _flagged(value, pattern, homepage):
                    return True
        node = node.parent
    return False


def _flagged(value: str, pattern: re.Pattern[str], homepage: bool) -> bool:
    if not pattern.search(value) and (homepage or not _SIDE_RE.search(value)):
        return False
    for token in value.split():
        if pattern.search(token):
            return True
        if not homepage and _SIDE_RE.search(token) and not _MAIN_HINT_RE.search(token):
            return True
    return False
