"""Read a site's columns (栏目) for freshness: the homepage, its first-level columns, their sub-columns.

A crawl (purpose ``crawl``, polite through the fetcher's per-host slots): homepage → its newest dated
item (none: a navigation-only homepage, judged by its second-level pages) → columns found in its
navigation and 更多 links (first-level) → each column page → sub-columns linked from those pages →
each sub-column page. A list whose first page has rows but no dated one (pinned or undated rows only)
is followed to its next pages, at most ``columns.max_extra_pages``. Columns pinned in the inventory
win over discovery. It never judges: rules read the payload.

Payload: ``monitor.observations.ColumnsRead`` — the homepage part (its newest item, the first-level
column pages, the footer's identifiers) and one ``ColumnEntry`` per column read.

``newest`` is the newest item date not after ``as_of`` (the day the pages were read); ``latest`` the
three newest dated items whatever their date (a rule judging a later or earlier moment, or looking for
dates after the monitoring point, reads them).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import math
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from monitor.checks.base import Check, CheckContext, crawl_budget_s
from monitor.checks.headlines import MAX_HEADLINES, newest_headline, worth_opening
from monitor.deadlines import day_of
from monitor.extract.columns import ColumnLink, classify, homepage_columns, normalize, rename, sub_columns
from monitor.extract.footer import footer_facts
from monitor.extract.headlines import undated_headlines
from monitor.extract.html import page_meta, parse_fetched
from monitor.extract.listing import Listing, ListItem, homepage_items, read_listing
from monitor.model import FetchResult, Observation, Outcome, Site
from monitor.observations import COLUMNS as NAME
from monitor.observations import ColumnEntry, ColumnsRead, Footer, HomepageColumns, Item
from monitor.settings import ColumnsSettings, Settings

if TYPE_CHECKING:
    from monitor.fetch import Fetcher

LATEST_KEPT = 3
NOTICE_ITEMS_KEPT = 30
EMPTY_MARKERS = ("暂无信息", "暂无数据", "暂无内容", "暂无记录", "没有相关信息", "没有找到相关", "无相关信息")
"""What a CMS prints on a column page with no item (pages.md: a sub-column shown as 暂无信息)."""
BUDGET_SPENT = "budget_spent"
"""The error of a column not read because the site's crawl used up ``columns.budget_s``."""


def item_of(item: ListItem) -> Item:
    return Item(item.title, item.url, item.date.isoformat() if item.date else None)


def newest_and_latest(
    items: tuple[ListItem, ...] | list[ListItem], as_of: dt.date
) -> tuple[str | None, tuple[Item, ...]]:
    """The newest item day not after ``as_of`` (ISO) and the ``LATEST_KEPT`` newest dated items."""
    dated = sorted((i for i in items if i.date is not None), key=lambda i: i.date or as_of, reverse=True)
    past = [i.date for i in dated if i.date is not None and i.date <= as_of]
    return (max(past).isoformat() if past else None), tuple(item_of(i) for i in dated[:LATEST_KEPT])


@dataclasses.dataclass(slots=True)
class ColumnRead:
    """One column page as read, with the sub-columns it links to."""

    column: ColumnLink
    listing: Listing | None
    error: str | None
    subs: tuple[ColumnLink, ...] = ()
    empty_marker: bool = False


def pinned_columns(site: Site, settings: ColumnsSettings) -> tuple[ColumnLink, ...]:
    return tuple(
        ColumnLink(c.name, normalize(c.url), c.category or classify(c.name, settings), True, "pinned")
        for c in site.columns
    )


def interval_s(settings: Settings) -> float:
    return settings.crawl.columns_interval_s


async def read_site_columns(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """Read the homepage, its columns and their sub-columns, within the crawl budget."""
    cfg = ctx.settings.columns
    deadline = time.monotonic() + crawl_budget_s(ctx.settings, cfg.budget_s)
    result = await ctx.homepage(target)
    now = ctx.clock.now()
    as_of = day_of(now)
    observed = ColumnsRead(target.url, result.final_url, as_of.isoformat())
    if not result.ok:
        reason = result.reason
        return Observation(NAME, target.id, job_id, now, Outcome.FAILED, reason, observed.to_payload())
    home_url = result.final_url
    tree = parse_fetched(result)
    shown = homepage_items(tree, home_url, as_of)
    headlines = undated_headlines(tree, home_url, {i.url for i in shown}, MAX_HEADLINES)
    footer = footer_facts(result.text)
    first = homepage_columns(tree, home_url, cfg)
    del tree
    pinned = pinned_columns(target, cfg)
    by_url = {c.url: c for c in first}
    for column in pinned:
        known = by_url.get(column.url)
        by_url[column.url] = dataclasses.replace(
            column, first_level=known.first_level if known else True, source="pinned"
        )
    on_homepage = {c.url for c in first}
    first_reads = await read_columns(
        list(by_url.values())[: cfg.max_columns],
        home_url,
        as_of,
        ctx.fetcher,
        cfg,
        known=on_homepage,
        deadline=deadline,
    )
    subs: dict[str, ColumnLink] = {}
    for read in first_reads:
        for sub in read.subs:
            if sub.url not in by_url:
                subs.setdefault(sub.url, sub)
    # a pinned column the homepage does not link but a second-level page does is a sub-column
    linked_below = {sub.url for read in first_reads for sub in read.subs if sub.url != read.column.url}
    for read in first_reads:
        url = read.column.url
        if read.column.source == "pinned" and url not in on_homepage and url in linked_below:
            read.column = dataclasses.replace(read.column, first_level=False)
    room = max(0, cfg.max_columns - len(first_reads))
    sub_reads = await read_columns(
        list(subs.values())[:room], home_url, as_of, ctx.fetcher, cfg, discover=False, deadline=deadline
    )
    newest, latest = newest_and_latest(shown, as_of)
    if shown and headlines and worth_opening(newest, as_of):  # a mixed homepage: fresh undated headlines?
        opened = await newest_headline(headlines, ctx.fetcher, as_of, deadline)
        if opened is not None and (newest is None or opened > newest):
            newest = opened
    homepage = HomepageColumns(
        url=home_url,
        newest=newest,
        latest=latest,
        navigation_only=not any(i.date for i in shown),
        second_level=tuple(r.column.url for r in first_reads if r.column.first_level),
        footer=Footer(
            footer.id_code,
            footer.conac,
            footer.icp,
            footer.police,
            footer.jiucuo_sitecode,
            footer.jiucuo,
            footer.found_any,
        ),
    )
    columns = tuple(column_entry(r, as_of) for r in (*first_reads, *sub_reads))
    observed = dataclasses.replace(observed, homepage=homepage, columns=columns)
    return Observation(NAME, target.id, job_id, now, Outcome.OK, None, observed.to_payload())


async def read_columns(
    columns: list[ColumnLink],
    home_url: str,
    as_of: dt.date,
    fetcher: Fetcher,
    cfg: ColumnsSettings,
    *,
    discover: bool = True,
    known: set[str] | None = None,
    deadline: float = math.inf,
) -> list[ColumnRead]:
    """Read column pages concurrently (the fetcher's per-host slots keep it polite). Sub-columns are the
    column links of each page outside ``known`` (default: the columns being read)."""
    known = {c.url for c in columns} if known is None else known
    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(_read(c, home_url, as_of, fetcher, cfg, known, discover, deadline))
            for c in columns
        ]
    return [task.result() for task in tasks]


async def _read(
    column: ColumnLink,
    home_url: str,
    as_of: dt.date,
    fetcher: Fetcher,
    cfg: ColumnsSettings,
    known: set[str],
    discover: bool,
    deadline: float,
) -> ColumnRead:
    if time.monotonic() > deadline:
        return ColumnRead(column, None, BUDGET_SPENT)
    result = await fetcher.get(column.url, purpose="crawl")
    if not result.ok:
        return ColumnRead(column, None, result.reason)
    tree = parse_fetched(result)
    column = rename(column, page_meta(tree).get("ColumnName", ""), cfg)
    listing = read_listing(tree, result.final_url, as_of)
    subs = sub_columns(tree, result.final_url, home_url, known, cfg) if discover else ()
    items = list(listing.items)
    next_page = listing.next_page
    for _ in range(cfg.max_extra_pages):
        if not items or any(i.date for i in items) or not next_page or time.monotonic() > deadline:
            break
        more = await fetcher.get(next_page, purpose="crawl")
        if not more.ok:
            break
        page = read_listing(parse_fetched(more), more.final_url, as_of)
        items += page.items
        next_page = page.next_page
    if len(items) != len(listing.items):
        dated = [i.date for i in items if i.date]
        listing = dataclasses.replace(
            listing,
            items=tuple(items),
            newest=max(dated) if dated else None,
            undated=len(items) - len(dated),
        )
    marker = not listing.items and any(text in result.text for text in EMPTY_MARKERS)
    return ColumnRead(column, listing, None, subs, marker)


def column_entry(read: ColumnRead, as_of: dt.date) -> ColumnEntry:
    c = read.column
    entry = ColumnEntry(
        name=c.name,
        url=c.url,
        category=c.category,
        first_level=c.first_level,
        source=c.source,
        newest=None,
        latest=(),
        count=0,
        undated=0,
        script_filled=False,
        error=read.error,
    )
    listing = read.listing
    if listing is None:
        return entry
    newest, latest = newest_and_latest(listing.items, as_of)
    return dataclasses.replace(
        entry,
        newest=newest,
        latest=latest,
        count=listing.count,
        undated=listing.undated,
        script_filled=listing.script_filled,
        sub_columns=len(read.subs),
        empty_marker=read.empty_marker,
        items=tuple(item_of(i) for i in listing.items[:NOTICE_ITEMS_KEPT])
        if c.category == "notice"
        else None,
    )


CHECK = Check(NAME, Site, interval_s, read_site_columns, reads_homepage=True)


async def inspect_columns(
    fetcher: Fetcher | None, result: FetchResult, settings: Settings, as_of: dt.date
) -> list[dict[str, Any]]:
    """``govmon inspect`` of a homepage: its first-level columns, each read when a fetcher is given
    (name, url, category, first_level, newest, count) with dates judged as of ``as_of``; a saved file lists
    them unread."""
    path = urlsplit(result.final_url).path
    if not result.text or path.rsplit("/", 1)[-1] not in (
        "",
        "index.html",
        "index.htm",
        "index.shtml",
        "index.jsp",
    ):
        return []
    if path.count("/") > 1:
        return []
    cfg = settings.columns
    columns = homepage_columns(parse_fetched(result), result.final_url, cfg)
    if fetcher is None:
        return [column_entry(ColumnRead(c, None, "not read"), as_of).to_payload() for c in columns]
    reads = await read_columns(
        list(columns[: cfg.max_columns]), result.final_url, as_of, fetcher, cfg, discover=False
    )
    return [column_entry(r, as_of).to_payload() for r in reads]
