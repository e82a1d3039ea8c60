"""Find a site's consultation channels, open them, and read the message lists they publish.

互动回应差 (国办秘函〔2019〕19号) needs a *working* channel (咨询, 建言, 留言, 信箱; 信访 and 纪检举报 do not
count): a channel link found on the homepage (or, when it has none, on a 互动交流 page it links to) that
opens and is not an error page (the ``links`` soft-404 phrases). The working channels' pages are read as
message lists (``monitor.extract.messages``), following each pager a few pages while the rows are younger
than the lookback; the rule judges unanswered and stale replies from what is stored here.

This check also sets ``govmon_interaction_replied_within_workday_ratio{target}``: of the messages asked in
the last year, the share answered within 1 working day (``monitor.workdays``), which provinces check too.

Payload: ``monitor.observations.InteractionRead``: the channels opened (``working`` None: could not tell),
the message lists read, and the messages with their ISO days asked and replied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from monitor.checks.base import Check, CheckContext
from monitor.checks.services import BOT_STATUSES, Budget, redirected_home
from monitor.deadlines import day_of
from monitor.extract.html import parse
from monitor.extract.messages import Message, parse_messages
from monitor.extract.services import Entry, consultation_channels, labelled_links
from monitor.extract.soft404 import soft404_reason
from monitor.model import Observation, Outcome, Site
from monitor.observations import INTERACTION as NAME
from monitor.observations import Channel, InteractionRead, MessageList, MessageRow
from monitor.settings import Settings
from monitor.workdays import WorkCalendar, within_workdays

PURPOSE = "interaction"
MAX_HUB_PAGES = 2
MAX_MESSAGES = 500


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
    home = await ctx.fetcher.get(target.url, purpose=PURPOSE)
    observed = InteractionRead(target.url, home.final_url, home.status)
    if not home.ok:
        reason = home.reason
        return Observation(
            NAME, target.id, job_id, ctx.clock.now(), Outcome.FAILED, reason, observed.to_payload()
        )
    keywords, excluded = cfg.all_channel_keywords(), cfg.all_excluded_keywords()
    tree = parse(home.text)
    channels = list(consultation_channels(tree, home.final_url, keywords, excluded, cfg.max_label_chars))
    if not channels:  # a homepage that only links a 互动交流 section: look one level down
        for hub in labelled_links(tree, home.final_url, cfg.hub_keywords, cfg.max_label_chars)[
            :MAX_HUB_PAGES
        ]:
            timeout_s = budget.timeout_s()
            if timeout_s is None:
                break
            page = await ctx.fetcher.get(hub.url, purpose=PURPOSE, timeout_s=timeout_s)
            if page.ok:
                hub_tree = parse(page.text)
                found = consultation_channels(
                    hub_tree, page.final_url, keywords, excluded, cfg.max_label_chars
                )
                channels += [c for c in found if c.url not in {x.url for x in channels}]
    today = day_of(ctx.clock.now())
    oldest_wanted = today - dt.timedelta(days=cfg.lookback_days + 31)
    channel_rows: list[Channel] = []
    lists: list[MessageList] = []
    messages: dict[tuple[str, str | None, dt.date], Message] = {}
    shows_replies = False
    for channel in channels[: cfg.max_channels]:
        row, listing = await open_channel(channel, ctx, budget, patterns, (today, oldest_wanted))
        channel_rows.append(row)
        if listing is not None and listing[0]:
            read, summary = listing
            lists.append(summary)
            shows_replies |= summary.shows_replies
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
) -> tuple[Channel, tuple[list[Message], MessageList] | None]:
    """The channel's verdict, and the messages its list pages show (pager followed while rows are recent).

    ``working`` is None when govmon could not tell: no time left, or a 403/429 (what hosts answer bots)."""
    today, oldest = days
    row = Channel(channel.url, channel.text, None, None, None)
    timeout_s = budget.timeout_s()
    if timeout_s is None:
        return dataclasses.replace(row, reason="time_budget"), None
    result = await ctx.fetcher.get(channel.url, purpose=PURPOSE, timeout_s=timeout_s)
    row = dataclasses.replace(row, http_status=result.status)
    matched = soft404_reason(result.text, patterns) if result.ok and result.text else None
    if result.status in BOT_STATUSES and matched is None:
        return dataclasses.replace(row, reason=f"http_{result.status}"), None
    if result.ok and matched is None and redirected_home(result):
        matched = "redirect_home"
    working = result.ok and matched is None
    reason = matched if result.ok else result.reason
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


CHECK = Check(NAME, Site, interval_s, read_interaction)
