"""Find a site's consultation channels, open them, and read the message lists they publish.

互动回应差 (国办秘函〔2019〕19号) needs a *working* channel (咨询, 建言, 留言, 信箱; 信访 and 纪检举报 do not
count): a channel link found on the homepage (or, when it has none, on a 互动交流 page it links to) that
opens and is not an error page (the ``links`` soft-404 phrases). Channels go by many names (我要写信, 网上问政,
12345热线, 书记市长 …): the items of a 互动交流 block are candidates too, judged by what a visitor finds
behind them (a form to write in, a message list, a page naming a channel); a sign-in page on the way is a
working channel, not a dead one; candidates are opened until one works, not only the first few. The working
channels' pages are read as message lists (``monitor.extract.messages``), following each pager a few pages
while the rows are younger than the lookback; the rule judges unanswered and stale replies from what is stored here.

This check also sets ``govmon_interaction_replied_within_workday_ratio{target}``: of the messages asked in
the last year, the share answered within 1 working day (``monitor.workdays``), which provinces check too.

Payload: ``monitor.observations.InteractionRead``: the channels opened (``working`` None: could not tell),
the message lists read, and the messages with their ISO days asked and replied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from selectolax.lexbor import LexborHTMLParser

from monitor.checks.base import Check, CheckContext
from monitor.checks.services import BOT_STATUSES, Budget, redirected_home
from monitor.deadlines import day_of
from monitor.extract.html import parse, parse_fetched
from monitor.extract.messages import Message, parse_messages
from monitor.extract.services import Entry, channel_candidates, has_message_form, is_login_url, labelled_links
from monitor.extract.soft404 import soft404_reason
from monitor.model import Observation, Outcome, Site
from monitor.observations import INTERACTION as NAME
from monitor.observations import Channel, InteractionRead, MessageList, MessageRow
from monitor.settings import Settings
from monitor.workdays import WorkCalendar, within_workdays

PURPOSE = "interaction"
MAX_HUB_PAGES = 2
MAX_MESSAGES = 500
MAX_CANDIDATES = 24
"""Candidate channels opened per run while none has been found working: every one a visitor could try, not
only the first ``max_channels`` (a hostile page's hundreds of links are still bounded)."""


def workday_ratio(
    messages: list[Message], today: dt.date, lookback_days: int, calendar: WorkCalendar
) -> float | None:
    """Share of the messages asked in the lookback answered within 1 working day; None without messages."""
    recent = [m for m in messages if 0 <= (today - m.asked).days <= lookback_days]
    if not recent:
        return None
    fast = sum(
        1 for m in recent if m.replied is not None and within_workdays(m.asked, m.replied, 1, calendar)
    )
    return fast / len(recent)


def interval_s(settings: Settings) -> float:
    return settings.interaction.interval_s


async def read_interaction(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """Find the consultation channels, open them and read the message lists they publish."""
    cfg = ctx.settings.interaction
    patterns = ctx.settings.links.all_soft404_patterns()
    budget = Budget(ctx.settings)
    home = await ctx.homepage(target)
    observed = InteractionRead(target.url, home.final_url, home.status)
    if not home.ok:
        reason = home.reason
        return Observation(
            NAME, target.id, job_id, ctx.clock.now(), Outcome.FAILED, reason, observed.to_payload()
        )
    keywords, excluded = cfg.all_channel_keywords(), cfg.all_excluded_keywords()
    tree = parse_fetched(home)

    def candidates(page_tree: LexborHTMLParser, url: str) -> tuple[Entry, ...]:
        return channel_candidates(page_tree, url, keywords, cfg.hub_keywords, excluded, cfg.max_label_chars)

    channels = list(candidates(tree, home.final_url))
    hubs = labelled_links(tree, home.final_url, cfg.hub_keywords, cfg.max_label_chars)[:MAX_HUB_PAGES]
    if not any(c.via == "label" for c in channels):  # only a 互动交流 section: look one level down
        for hub in hubs:
            timeout_s = budget.timeout_s()
            if timeout_s is None:
                break
            page = await ctx.fetcher.get(hub.url, purpose=PURPOSE, timeout_s=timeout_s)
            if page.ok:
                hub_tree = parse_fetched(page)
                if has_message_form(hub_tree):  # the 互动交流 page is itself the form
                    channels.append(Entry(page.final_url, hub.text, "form"))
                seen = {x.url for x in channels}
                channels += [c for c in candidates(hub_tree, page.final_url) if c.url not in seen]
    today = day_of(ctx.clock.now())
    oldest_wanted = today - dt.timedelta(days=cfg.lookback_days + 31)
    channel_rows: list[Channel] = []
    lists: list[MessageList] = []
    messages: dict[tuple[str, str | None, dt.date], Message] = {}
    shows_replies = False
    for number, channel in enumerate(channels[:MAX_CANDIDATES]):
        if number >= cfg.max_channels and any(c.working for c in channel_rows):
            break  # one working channel found: the rest need not be opened
        row, listing = await open_channel(channel, ctx, budget, patterns, (today, oldest_wanted), keywords)
        channel_rows.append(row)
        if listing is not None and listing[0]:
            read, summary = listing
            lists.append(summary)
            shows_replies |= summary.shows_replies
            if not summary.shows_replies:
                continue  # replies are judged per list: one that shows none says nothing of its messages
            for message in read:
                messages.setdefault((message.title, message.url, message.asked), message)
    kept = sorted(messages.values(), key=lambda m: m.asked, reverse=True)[:MAX_MESSAGES]
    ratio = workday_ratio(kept, today, cfg.lookback_days, WorkCalendar(cfg.workdays))
    if ratio is not None:
        ctx.metrics.interaction_workday_ratio.labels(target.id).set(ratio)
    observed = dataclasses.replace(
        observed,
        channels=tuple(channel_rows),
        lists=tuple(lists),
        shows_replies=shows_replies,
        messages=tuple(
            MessageRow(
                m.title,
                m.url,
                m.asked.isoformat(),
                m.replied.isoformat() if m.replied else None,
                m.answered,
            )
            for m in kept
        ),
        replied_within_workday_ratio=None if ratio is None else round(ratio, 4),
    )
    return Observation(NAME, target.id, job_id, ctx.clock.now(), Outcome.OK, None, observed.to_payload())


async def open_channel(
    channel: Entry,
    ctx: CheckContext,
    budget: Budget,
    patterns: tuple[str, ...],
    days: tuple[dt.date, dt.date],
    keywords: tuple[str, ...] = (),
) -> tuple[Channel, tuple[list[Message], MessageList] | None]:
    """The channel's verdict, and the messages its list pages show (pager followed while rows are recent).

    ``working`` is None when govmon could not tell: no time left, or a 403/429 (what hosts answer bots).
    A link that lands on a sign-in page (or answers 401) works: the visitor signs in, then writes. A link
    not labelled as a channel (an item of the 互动交流 block: 我要写信, 网上问政 …) works when what it opens
    is one: a form to write in, a message list, or a page naming a channel."""
    today, oldest = days
    row = Channel(channel.url, channel.text, None, None, None)
    timeout_s = budget.timeout_s()
    if timeout_s is None:
        return dataclasses.replace(row, reason="time_budget"), None
    result = await ctx.fetcher.get(channel.url, purpose=PURPOSE, timeout_s=timeout_s)
    row = dataclasses.replace(row, http_status=result.status)
    if result.status == 401 or (result.redirects and is_login_url(result.final_url)):
        return dataclasses.replace(row, working=True, reason="login"), None
    matched = soft404_reason(result.text, patterns) if result.ok and result.text else None
    if result.status in BOT_STATUSES and matched is None:
        return dataclasses.replace(row, reason=f"http_{result.status}"), None
    if result.ok and matched is None and redirected_home(result):
        matched = "redirect_home"
    working = result.ok and matched is None
    reason = matched if result.ok else result.reason
    tree = parse_fetched(result) if working else None
    if tree is not None and channel.via == "block" and not any(k in channel.text for k in keywords):
        page_text = tree.body.text(deep=True)[:20_000] if tree.body is not None else ""
        if not (
            has_message_form(tree)
            or parse_messages(tree, result.final_url, today).messages
            or any(k in page_text for k in keywords)
        ):
            working, reason = False, "no_channel"  # opens, but holds no form, list or channel
    row = dataclasses.replace(row, working=working, reason=None if working else reason)
    if not working:
        return row, None
    found: list[Message] = []
    shows_replies = False
    pages = 0
    page_url: str | None = result.final_url
    text = result.text
    seen_pages: set[str] = set()
    while page_url is not None and pages < ctx.settings.interaction.max_list_pages:
        seen_pages.add(page_url)
        listing = parse_messages(parse(text), page_url, today)
        if not listing.messages:
            break
        pages += 1
        found += listing.messages
        shows_replies |= listing.shows_replies
        if min(m.asked for m in listing.messages) < oldest or listing.next_page in seen_pages:
            break
        page_url = listing.next_page
        if page_url is None or pages >= ctx.settings.interaction.max_list_pages:
            break
        timeout_s = budget.timeout_s()
        if timeout_s is None:
            break
        following = await ctx.fetcher.get(page_url, purpose=PURPOSE, timeout_s=timeout_s)
        if not following.ok:
            break
        text = following.text
    return row, (found, MessageList(channel.url, pages, len(found), shows_replies))


CHECK = Check(NAME, Site, interval_s, read_interaction, reads_homepage=True)
