"""A list page's main list (its rows, their dates, the next page) and a homepage's dated items.

How the main list is found, without per-site selectors (pages.md): every text node that is *a date and
nothing else* (``<span>2026-09-15</span>``, ``发布时间：2026/08/27``, ``[09-15]``) and every link whose
``title`` attribute ends in a date is a dated unit; a unit's row is its highest ancestor holding no other
unit, and rows are grouped by their parent (the list container). The container with the most dated rows
wins, after discounting containers inside navigation, sidebars, 相关阅读 / 热点 / 排行榜, footers and hidden
pop-ups, which are often *newer* than the page's own list. Dates inside titles (``2026年9月4日专题会``),
文号, phone numbers and the like never form a unit (``dates.parse_date`` accepts a whole node only).

Hanweb lists live in ``<script type="text/xml"><datastore>…<![CDATA[<li>…]]>``: those records are parsed
as rows too. TRS pagers (``createPageHTML(total, current, "index", "html")``) and plain 下一页 links give
the next page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract._units import Unit, date_units, is_hidden, is_offside, near_clock

_CDATA_RE = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_TRS_PAGER_RE = re.compile(
    r"createPageHTML\(\s*([\w.]+)\s*,\s*([\w.]+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_JS_FILL_RE = re.compile(r"\bajax\b|getJSON|\$\.(?:get|post)\(|\bfetch\(|axios|XMLHttpRequest|\.json\b")
_NEXT_TEXTS = ("下一页", "下页", "后一页", "下一頁", ">", "›", "»", "next")
_TRUNCATED = ("...", "…")
_EDGE_CHARS = frozenset("0123456789[［(（【]］)）】日")
_EDGE = (
    r"[\[［(（【]?\s*(?:(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?|[01]\d-[0-3]\d)"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\]］)）】]?"
)
_EDGE_DATE_RE = re.compile(rf"^\s*{_EDGE}\s+|\s*{_EDGE}\s*$")
_PAGER_REACH = 3  # a pager sits within this many levels above the list container


@dataclasses.dataclass(frozen=True, slots=True)
class ListItem:
    title: str
    url: str
    date: dt.date | None


@dataclasses.dataclass(frozen=True, slots=True)
class Listing:
    items: tuple[ListItem, ...]  # the main list's rows, in page order (dated and undated)
    newest: dt.date | None  # newest dated row (pinned old rows exist: not necessarily first or last)
    undated: int  # rows with no date (they count as not updated)
    next_page: str | None  # absolute URL of the next page, None if none
    script_filled: bool  # no rows in the HTML and a script that would fetch them

    @property
    def count(self) -> int:
        """Dated rows."""
        return sum(1 for item in self.items if item.date is not None)


@dataclasses.dataclass(slots=True)
class _Group:
    container: LexborNode
    rows: dict[int, tuple[LexborNode, dt.date]]  # row mem_id -> (row, newest date in the row)
    order: int  # document order of the first unit (ties go to the earlier list)
    first_spot: LexborNode  # where the first row's date was read


def _groups(units: list[Unit]) -> list[_Group]:
    """Rows grouped by their container, in document order of each container's first row.

    A lone dated row right after 今天是/星期 is the header clock split over two elements: dropped (only
    lone rows are checked; a clock never comes in a list).
    """
    groups: dict[int, _Group] = {}
    for order, unit in enumerate(units):
        group = groups.get(unit.container.mem_id)
        if group is None:
            group = groups[unit.container.mem_id] = _Group(unit.container, {}, order, unit.spot)
        known = group.rows.get(unit.row.mem_id)
        if known is None or unit.date > known[1]:
            group.rows[unit.row.mem_id] = (unit.row, unit.date)
    kept: list[_Group] = []
    for group in groups.values():
        if len(group.rows) == 1:
            if near_clock(group.first_spot):
                continue
            group = _shrink_lone(group)
        kept.append(group)
    return kept


def _shrink_lone(group: _Group) -> _Group:
    """A list of one row: the "highest ancestor holding no other date" can be the whole content column
    (breadcrumbs, side tree, pager and all). With no repetition to go by, the row is the smallest
    ancestor of the date that holds a link.
    """
    ((row, when),) = group.rows.values()
    spot = group.first_spot
    node = spot.parent
    while node is not None and node.mem_id != row.mem_id:
        if node.css_first("a[href]") is not None:
            break
        node = node.parent
    if node is None or node.mem_id == row.mem_id or node.parent is None:
        return group
    return _Group(node.parent, {node.mem_id: (node, when)}, group.order, spot)


def _main_group(groups: list[_Group]) -> _Group | None:
    """The group with the most dated rows outside sidebars, menus, footers and pop-ups (earliest on ties).

    None when every dated group is such a block: a list filled by a script leaves only the sidebar's
    热点 rows, which are not the column's.
    """
    best: _Group | None = None
    for group in sorted(groups, key=lambda g: (-len(g.rows), g.order)):
        if not is_offside(group.container):
            best = group
            break
    return best


def _with_twins(best: _Group, groups: list[_Group]) -> list[_Group]:
    """The main list and its twins, in page order: one list split into sibling containers of the same tag
    and class (``<ul class="list">`` ×2 of 10 rows each, as some templates draw 20 rows)."""
    parent = best.container.parent
    if parent is None:
        return [best]
    tag, cls = best.container.tag, best.container.attributes.get("class")
    twins = [best]
    for group in groups:
        if group is best:
            continue
        c = group.container
        if c.tag != tag or c.parent is None or c.parent.mem_id != parent.mem_id:
            continue
        if c.attributes.get("class") == cls and not is_offside(c):
            twins.append(group)
    return sorted(twins, key=lambda g: g.order)


def _title_url(row: LexborNode, base_url: str) -> tuple[str, str]:
    """The row's title (its longest link's text, or the link's title attribute when cut short) and URL."""
    best: LexborNode | None = None
    best_text = ""
    best_attrs: dict[str, str | None] = {}
    for a in row.traverse():
        if a.tag != "a":
            continue
        attrs = a.attributes
        if "href" not in attrs:
            continue
        text = a.text(deep=True).strip()
        if best is None or len(text) > len(best_text):
            best, best_text, best_attrs = a, text, attrs
    if best is None:
        link = _link_beside(row)
        if link is None:
            return " ".join(row.text(deep=True).split()), ""
        best, best_text, best_attrs = link, link.text(deep=True).strip(), link.attributes
    text = " ".join(best_text.split())
    if text and (text[0] in _EDGE_CHARS or text[-1] in _EDGE_CHARS):
        text = _EDGE_DATE_RE.sub("", text)  # a link holding the row's date too: <a>标题<span>日期</span></a>
    title_attr = best_attrs.get("title")
    if title_attr and (not text or text.endswith(_TRUNCATED)):
        text = " ".join(title_attr.split())
    href = (best_attrs.get("href") or "").strip()
    url = _join(base_url, href) if href and not href.lower().startswith("javascript:") else ""
    return text, url


def _link_beside(row: LexborNode) -> LexborNode | None:
    """A flat list (``<a>title</a><span>date</span><br>`` with no row element): the link before the date."""
    sibling = row.prev
    for _ in range(4):
        if sibling is None:
            return None
        if sibling.tag == "a" and "href" in sibling.attributes:
            return sibling
        if sibling.is_element_node and sibling.tag != "br":
            return sibling.css_first("a[href]")
        sibling = sibling.prev
    return None


def _urljoin(base_url: str, href: str) -> str:
    """``urljoin``, or "" for a link no one can follow (a hostile page's ``//[x/``, which makes it raise)."""
    try:
        return urljoin(base_url, href)
    except ValueError:
        return ""


def _join(base_url: str, href: str) -> str:
    """``urljoin`` without its cost for the common shapes: absolute, root-relative, plain relative."""
    if href.startswith(("http://", "https://")):
        return href if " " not in href else _urljoin(base_url, href)
    rest = href.removeprefix("./")
    if not rest or "\\" in href or " " in href or "/." in rest or rest.startswith((".", "?", "#", "//")):
        return _urljoin(base_url, href)
    scheme_end = base_url.find("://")
    if scheme_end < 0:
        return _urljoin(base_url, href)
    path_start = base_url.find("/", scheme_end + 3)
    if href.startswith("/"):
        return (base_url[:path_start] if path_start >= 0 else base_url) + href
    if path_start < 0:
        return base_url + "/" + rest
    cut = base_url.split("?", 1)[0].split("#", 1)[0]
    return cut[: cut.rfind("/") + 1] + rest


def _row_items(group: _Group, base_url: str) -> list[ListItem]:
    """The container's rows in page order: dated rows, plus undated siblings of the same tag with a link."""
    row_tags = Counter(row.tag for row, _ in group.rows.values())
    main_tag = row_tags.most_common(1)[0][0]
    items: list[ListItem] = []
    child = group.container.child
    while child is not None:
        dated = group.rows.get(child.mem_id)
        if dated is not None:
            title, url = _title_url(dated[0], base_url)
            items.append(ListItem(title, url, dated[1]))
        elif child.tag == main_tag and not is_hidden(child):
            title, url = _title_url(child, base_url)
            if title and url:
                items.append(ListItem(title, url, None))
        child = child.next
    return items


def datastore_trees(tree: LexborHTMLParser) -> Iterator[LexborHTMLParser]:
    """Hanweb ``<script type="text/xml"><datastore>`` records, parsed as HTML rows. The link walk reads their
    links too: a hanweb list shows its first screen, the rest of its articles are linked only from here."""
    for script in tree.css('script[type="text/xml"]'):
        text = script.text(deep=True)
        if "datastore" not in text:
            continue
        records = _CDATA_RE.findall(text)
        if records:
            yield LexborHTMLParser("<ul>" + "".join(records) + "</ul>")


def _all_groups(tree: LexborHTMLParser, as_of: dt.date) -> tuple[list[_Group], list[LexborHTMLParser]]:
    keep: list[LexborHTMLParser] = []  # fragment trees must outlive their nodes
    groups: list[_Group] = []
    body = tree.body
    if body is not None:
        groups.extend(_groups(date_units(body, as_of)))
    for fragment in datastore_trees(tree):
        keep.append(fragment)
        if fragment.body is not None:
            groups.extend(_groups(date_units(fragment.body, as_of)))
    return groups, keep


def read_listing(tree: LexborHTMLParser, base_url: str, as_of: dt.date) -> Listing:
    """A column page's main list: rows, newest dated row, undated rows, next page, JS-filled flag."""
    groups, _keep = _all_groups(tree, as_of)
    items: list[ListItem] = []
    container: LexborNode | None = None
    best = _main_group(groups)
    if best is not None:
        for part in _with_twins(best, groups):
            items.extend(_row_items(part, base_url))
        container = best.container if best.container.parser is tree else None
    dated = [item.date for item in items if item.date is not None]
    return Listing(
        items=tuple(items),
        newest=max(dated) if dated else None,
        undated=len(items) - len(dated),
        next_page=next_page(tree, base_url, container),
        script_filled=not items and _looks_script_filled(tree),
    )


def homepage_items(tree: LexborHTMLParser, base_url: str, as_of: dt.date) -> tuple[ListItem, ...]:
    """Dated items across a homepage's content blocks, in page order.

    Never the header clock (今天是…), the footer, copyright years or 标识码 (none of them is a unit or
    they sit in header/footer containers, which are skipped).
    """
    groups, _keep = _all_groups(tree, as_of)
    items: list[ListItem] = []
    for group in sorted(groups, key=lambda g: g.order):
        if is_offside(group.container, homepage=True):
            continue
        for row, when in group.rows.values():
            title, url = _title_url(row, base_url)
            items.append(ListItem(title, url, when))
    return tuple(items)


def content_blocks(tree: LexborHTMLParser, as_of: dt.date) -> int:
    """Blocks of two or more dated rows outside sidebars, menus, footers and pop-ups.

    A column page has one (its list), an article none or one (相关阅读 aside), a homepage several
    (one per column it shows): ``govmon inspect`` tells them apart with it.
    """
    groups, _keep = _all_groups(tree, as_of)
    return sum(1 for g in groups if len(g.rows) >= 2 and not is_offside(g.container))


def _int_arg(raw: str, script: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    m = re.search(rf"\b{re.escape(raw)}\s*=\s*(\d+)", script)
    return int(m.group(1)) if m else None


def next_page(tree: LexborHTMLParser, base_url: str, near: LexborNode | None = None) -> str | None:
    """The next list page: TRS ``createPageHTML(total, current, "index", "html")`` or a 下一页 link.

    ``near`` (the main list's container) narrows the search for a 下一页 link to the list's surroundings,
    where pagers sit, instead of every link of the page.
    """
    if tree.scripts_contain("createPageHTML"):
        trs = _trs_next(tree, base_url)
        if trs is not None:
            return trs or None
    scope = tree.body
    if near is not None:
        scope = near
        for _ in range(_PAGER_REACH):
            if scope.parent is None or scope.parent.tag in ("body", "html"):
                break
            scope = scope.parent
    if scope is None:
        return None
    for a in scope.css("a[href]"):
        text = a.text(deep=True).strip().lower()
        if text not in _NEXT_TEXTS:
            continue
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith("javascript:"):
            continue
        url = urljoin(base_url, href)
        if url != base_url:
            return url
    return None


def _trs_next(tree: LexborHTMLParser, base_url: str) -> str | None:
    """The TRS pager's next page, ``""`` on the last page, None when no pager call can be read."""
    for script in tree.css("script"):
        text = script.text(deep=True)
        if "createPageHTML" not in text:
            continue
        m = _TRS_PAGER_RE.search(text)
        if not m:
            continue
        total, current = _int_arg(m.group(1), text), _int_arg(m.group(2), text)
        if total is None or current is None:
            continue
        if current + 1 >= total:
            return ""
        return urljoin(base_url, f"{m.group(3)}_{current + 1}.{m.group(4)}")
    return None


def _looks_script_filled(tree: LexborHTMLParser) -> bool:
    for script in tree.css("script"):
        if script.attributes.get("src"):
            continue
        if _JS_FILL_RE.search(script.text(deep=True)):
            return True
    return False
