"""A published message list (留言选登, 咨询列表, 信件公开) as plain data: each message's question date, reply
date (or none) and title.

互动回应差 (国办秘函〔2019〕19号) is judged "where the site publishes its message list with question and reply
dates", so this reads what the list shows, in the two shapes CMSs draw it: a table whose header row labels
the columns (标题 | 留言时间 | 回复时间 | 状态), or rows (``li``, ``dl``, ``div``) that label the dates inline
("留言时间：2026-03-02 回复时间：2026-03-04"). A status cell (已回复 / 未回复 / 办理中) is kept too, since some
lists show only that. Pure: a parsed tree in, frozen records out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.dates import parse_date
from monitor.extract.html import clean_text, label_texts

ASKED_LABELS = (
    "留言时间", "来信时间", "提问时间", "咨询时间", "写信时间", "提交时间", "留言日期", "来信日期", "提问日期",
)  # fmt: skip
REPLY_LABELS = ("回复时间", "答复时间", "办结时间", "回复日期", "答复日期", "办结日期", "反馈时间")
TITLE_LABELS = ("标题", "主题", "留言标题", "信件标题", "事项")
STATUS_LABELS = ("状态", "办理状态", "回复状态", "处理状态")
ANSWERED = (
    "已回复", "已答复", "已办结", "已处理", "已反馈", "已回", "办理完毕", "办结", "答复完毕", "回复完毕", "已解答",
    "不予受理", "已告知",
)  # fmt: skip
"""Statuses that close a message: answered, or refused with a reason (不予受理 tells the writer why); checked
after ``UNANSWERED`` (未办结 holds 办结)."""
UNANSWERED = ("未回复", "待回复", "未答复", "办理中", "处理中", "未办结", "待处理", "受理中")
NEXT_PAGE_TEXTS = ("下一页", "下页", "后一页")

_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(?<!\d)(\d{1,2})\s*[-/月]\s*(\d{1,2})(?!\d)"
)
_LABELLED = (
    r"(?:{labels})\s*[:：]?\s*"
    r"(\d{{4}}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}|\d{{1,2}}\s*[-/月]\s*\d{{1,2}})"
)
_ASKED_INLINE = re.compile(_LABELLED.format(labels="|".join(ASKED_LABELS)))
_REPLY_INLINE = re.compile(_LABELLED.format(labels="|".join(REPLY_LABELS)))
_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(\w+)\s*,\s*(\w+)\s*,\s*[\"']([^\"']+)[\"']\s*,\s*[\"']([^\"']+)[\"']"
)
_JS_VAR = r"var\s+{name}\s*=\s*(\d+)"

MAX_TABLES = 100
MAX_ROWS = 3000
"""Caps on the nodes looked at: a real list has a few dozen rows; a hostile page nests thousands of
elements, and every row's text costs its whole subtree, so an uncapped walk is quadratic."""

DateParser = Callable[[str, dt.date], dt.date | None]


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    title: str
    url: str | None
    asked: dt.date
    replied: dt.date | None
    answered: bool | None  # from a status cell; None when the list shows none

    @property
    def unanswered(self) -> bool:
        """No reply date and no status saying it was answered (or a status saying it was not)."""
        return self.answered is False or (self.replied is None and self.answered is not True)


@dataclasses.dataclass(frozen=True, slots=True)
class MessageList:
    messages: tuple[Message, ...]
    shows_replies: bool  # the list labels reply dates or a status: whether "unanswered" can be judged
    next_page: str | None  # the pager's next page, resolved


def fallback_parse_date(text: str, as_of: dt.date) -> dt.date | None:
    """The first date in ``text``; a year-less one (03-02, 3月2日) is the latest such day not after ``as_of``."""
    m = _DATE.search(text)
    if not m:
        return None
    try:
        if m.group(1):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        month, day = int(m.group(4)), int(m.group(5))
        guess = dt.date(as_of.year, month, day)
        return guess if guess <= as_of else dt.date(as_of.year - 1, month, day)
    except ValueError:
        return None


def _date_parser() -> DateParser:
    """The shared parser (``monitor.extract.dates.parse_date``: a whole cell as printed), then the fallback
    for a date with text around it."""

    def shared(text: str, as_of: dt.date) -> dt.date | None:
        return parse_date(text, as_of) or fallback_parse_date(text, as_of)

    return shared


def _status(text: str) -> bool | None:
    if any(word in text for word in UNANSWERED):
        return False
    if any(word in text for word in ANSWERED):
        return True
    return None


def _column(labels: list[str], wanted: tuple[str, ...]) -> int | None:
    for index, label in enumerate(labels):
        if any(word in label for word in wanted):
            return index
    return None


def _first_link(node: LexborNode, base: str) -> tuple[str, str | None]:
    anchor = node.css_first("a[href]")
    if anchor is None:
        return "", None
    href = (anchor.attributes.get("href") or "").strip()
    text = clean_text(anchor.attributes.get("title")) or clean_text(anchor.text(deep=True))
    if not href or href.lower().startswith(("javascript:", "#")):
        return text, None
    return text, urljoin(base, href)


HEADER_LABEL_CHARS = 8


def _children(node: LexborNode) -> list[LexborNode]:
    return [child for child in node.iter() if child.tag not in ("-text", "-comment")]


def _header_rows(tree: LexborHTMLParser) -> list[LexborNode]:
    """Rows that label their columns, one of them a question date (留言时间): a table's ``tr`` of ``th``, or a
    ``li``/``div`` of ``span`` headings drawn like a table. Found from the label texts (one linear walk)."""
    found: dict[int, LexborNode] = {}
    for node in label_texts(tree, ASKED_LABELS, HEADER_LABEL_CHARS):
        cell = node.parent
        for _ in range(3):  # th > span > text at most
            if cell is None or cell.parent is None:
                break
            row = cell.parent
            if len(_children(row)) >= 2:
                found.setdefault(row.mem_id, row)
                break
            cell = row
        if len(found) >= MAX_TABLES:
            break
    return list(found.values())


def _rows_after(header: LexborNode) -> list[LexborNode]:
    """The rows drawn under a header row: its following siblings of the same tag, or (a table whose header
    sits in ``thead``) the rows of the next ``tbody``."""
    rows: list[LexborNode] = []
    sibling = header.next
    while sibling is not None and len(rows) < MAX_ROWS:
        if sibling.tag == header.tag:
            rows.append(sibling)
        sibling = sibling.next
    if not rows and header.parent is not None and header.parent.tag == "thead":
        body = header.parent.next
        while body is not None and body.tag != "tbody":
            body = body.next
        if body is not None:
            rows = [r for r in _children(body) if r.tag == header.tag][:MAX_ROWS]
    return rows


def _from_tables(
    tree: LexborHTMLParser, base: str, as_of: dt.date, parse: DateParser
) -> tuple[list[Message], bool]:
    """Messages under header rows (标题 | 留言时间 | 回复时间 | 状态), in tables or table-like lists."""
    messages: list[Message] = []
    shows_replies = False
    budget = MAX_ROWS
    for header_row in _header_rows(tree):
        labels = [bounded_text(c, 40) for c in _children(header_row)]
        if any(len(label) > 12 for label in labels):
            continue  # a message row that merely mentions 留言时间, not a header
        asked_at = _column(labels, ASKED_LABELS)
        if asked_at is None:
            continue
        replied_at = _column(labels, REPLY_LABELS)
        title_at, status_at = _column(labels, TITLE_LABELS), _column(labels, STATUS_LABELS)
        shows_replies |= replied_at is not None or status_at is not None
        for row in _rows_after(header_row)[:budget]:
            budget -= 1
            cells = _children(row)
            if len(cells) <= asked_at:
                continue
            texts = [bounded_text(c, 80) for c in cells]
            asked = parse(texts[asked_at], as_of)
            if asked is None:
                continue
            replied = (
                parse(texts[replied_at], as_of)
                if replied_at is not None and replied_at < len(cells)
                else None
            )
            answered = _status(texts[status_at]) if status_at is not None and status_at < len(cells) else None
            link_text, url = _first_link(row, base)
            title = link_text or (texts[title_at] if title_at is not None and title_at < len(cells) else "")
            messages.append(Message(title, url, asked, replied, answered))
    return messages, shows_replies


ROW_TAGS = ("li", "dl", "tr")
ROW_CLIMB = 5


ROW_NODES = 400


def bounded_text(node: LexborNode, max_nodes: int = ROW_NODES) -> str:
    """The node's text (space-separated) from at most ``max_nodes`` descendants: a row is small, and a
    hostile "row" holding the rest of a deeply nested page must not cost its whole subtree."""
    parts = []
    for count, inner in enumerate(node.traverse(include_text=True)):
        if count >= max_nodes:
            break
        if inner.tag == "-text":
            parts.append(inner.text_content or "")
    return clean_text(" ".join(parts))


def _labelled_rows(tree: LexborHTMLParser) -> list[LexborNode]:
    """The rows holding a question-date label: from each text that names one, the nearest ``li``/``dl``/``tr``
    ancestor, else the nearest ``div`` holding a link. Driven by text nodes (one linear walk) rather than by
    every element's text, which costs each element's whole subtree on deeply nested pages."""
    body = tree.body
    rows: dict[int, LexborNode] = {}
    if body is None:
        return []
    for node in body.traverse(include_text=True):
        if node.tag != "-text" or not any(label in (node.text_content or "") for label in ASKED_LABELS):
            continue
        row = None
        fallback = None
        current = node.parent
        for _ in range(ROW_CLIMB):
            if current is None:
                break
            if current.tag in ROW_TAGS:
                row = current
                break
            if fallback is None and current.tag == "div" and current.css_first("a[href]") is not None:
                fallback = current
            current = current.parent
        chosen = row or fallback
        if chosen is not None and chosen.mem_id not in rows:
            rows[chosen.mem_id] = chosen
            if len(rows) >= MAX_ROWS:
                break
    return list(rows.values())


def _from_rows(
    tree: LexborHTMLParser, base: str, as_of: dt.date, parse: DateParser
) -> tuple[list[Message], bool]:
    messages: list[Message] = []
    shows_replies = False
    for row in _labelled_rows(tree):
        text = bounded_text(row)
        asked_matches = _ASKED_INLINE.findall(text)
        if len(asked_matches) != 1:
            continue  # no message here, or a container of several
        asked_match = _ASKED_INLINE.search(text)
        assert asked_match is not None
        asked = parse(asked_match.group(1), as_of)
        if asked is None:
            continue
        reply_match = _REPLY_INLINE.search(text)
        replied = parse(reply_match.group(1), as_of) if reply_match else None
        answered = _status(text)
        shows_replies |= (
            reply_match is not None or answered is not None or any(w in text for w in REPLY_LABELS)
        )
        title, url = _first_link(row, base)
        messages.append(Message(title, url, asked, replied, answered))
    return messages, shows_replies


def next_page(tree: LexborHTMLParser, base: str) -> str | None:
    """The pager's next page: a 下一页 link, or the one a TRS ``createPageHTML(count, current, "index", "html")``
    script would draw (index_1.html after index.html)."""
    for anchor in tree.css("a[href]"):
        if clean_text(anchor.text(deep=True)) in NEXT_PAGE_TEXTS:
            href = (anchor.attributes.get("href") or "").strip()
            if href and not href.lower().startswith(("javascript:", "#")):
                return urljoin(base, href)
    for script in tree.css("script"):
        code = script.text(deep=True) or ""
        m = _TRS_PAGER.search(code)
        if not m:
            continue

        def value(token: str, script_code: str = code) -> int | None:
            if token.isdigit():
                return int(token)
            var = re.search(_JS_VAR.format(name=re.escape(token)), script_code)
            return int(var.group(1)) if var else None

        count, current = value(m.group(1)), value(m.group(2))
        if count is not None and current is not None and current + 1 < count:
            return urljoin(base, f"{m.group(3)}_{current + 1}.{m.group(4)}")
    return None


def parse_messages(tree: LexborHTMLParser, page_url: str, as_of: dt.date) -> MessageList:
    """The messages a list page shows (tables first, then labelled rows), de-duplicated, in page order."""
    body = tree.body
    visible = body.text(deep=True) if body is not None else ""
    if not any(label in visible for label in ASKED_LABELS):
        return MessageList((), False, None)  # not a message list (cheap: one linear pass)
    parse = _date_parser()
    messages, shows_replies = _from_tables(tree, page_url, as_of, parse)
    if not messages:
        messages, shows_replies = _from_rows(tree, page_url, as_of, parse)
    seen: set[tuple[str, str | None, dt.date]] = set()
    unique = []
    for message in messages:
        key = (message.title, message.url, message.asked)
        if key not in seen:
            seen.add(key)
            unique.append(message)
    return MessageList(tuple(unique), shows_replies, next_page(tree, page_url) if unique else None)
