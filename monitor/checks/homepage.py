"""Read a site's homepage for its content: the page every later website check starts from.

Unlike the availability probe this is a crawl: transient failures are retried, and a failure makes a
FAILED observation (govmon could not read the page), not an availability sample. Freshness, footer and
link checks read what this stores, and so do the rules of the links a homepage must carry (年度报表, the
required 重要专题: ``monitor.extract.homepage_links``). It is also the content-safety read
(``monitor.checks.content``: hidden links, tampering against the baseline kept with it, serious errors,
personal data, evidence snapshots), at most every ``content.interval_s`` per site: a homepage read more
often (a province raising the homepage cadence, a benchmark) costs a parse and a summary, not a content
scan each time: it carries the last scan's content part forward.

Payload: ``monitor.observations.HomepageRead``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from monitor.checks.base import Check, CheckContext
from monitor.checks.content import DUE_SHARE, read_content, recent_scan, remember_scan
from monitor.extract.homepage_links import (
    REPORT_WORDS,
    is_report_label,
    labelled_links,
    report_links,
    shows_topic,
    topic_links,
    topic_words,
)
from monitor.extract.html import parse_fetched, summarize
from monitor.model import Observation, Outcome, Site
from monitor.observations import CONTENT, HomepageLink, HomepageRead
from monitor.observations import HOMEPAGE as NAME
from monitor.settings import Settings


def required_links(tree: HTMLParser, url: str, settings: Settings) -> dict[str, Any]:
    """The links the homepage must carry (年度报表, the configured 重要专题), as ``HomepageRead`` fields.
    Every configured topic is looked for, whatever its dates: the rule judges the ones due at its
    monitoring point (``govmon check --as-of`` may be another day than the read)."""
    wanted = {t.name: (t.keywords, t.patterns) for t in settings.homepage.required_topics}
    shown = [shows_topic(*words) for words in wanted.values()]
    each_topic = [topic_words(*words) for words in wanted.values()]
    words = (
        None if None in each_topic else [*REPORT_WORDS, *(w for topic in each_topic if topic for w in topic)]
    )
    links = labelled_links(
        tree, url, lambda label: is_report_label(label) or any(s(label) for s in shown), words=words
    )
    reports = tuple(HomepageLink(r.url, r.label, r.year) for r in report_links(links))
    topics = {
        name: None if link is None else HomepageLink(link.url, link.label)
        for name, link in topic_links(links, wanted).items()
    }
    return {"annual_reports": reports, "topics": topics}


def interval_s(settings: Settings) -> float:
    return settings.crawl.homepage_interval_s


async def read_homepage(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """Read the homepage once (a crawl: retried)."""
    result = await ctx.homepage(target)
    now = ctx.clock.now()
    read = HomepageRead(target.url, result.final_url, result.status, result.encoding)
    if not result.ok:
        reason = result.reason
        return Observation(NAME, target.id, job_id, now, Outcome.FAILED, reason, read.to_payload())
    tree = parse_fetched(result)
    page = summarize(tree)
    read = dataclasses.replace(
        read,
        title=page.title,
        site_id_code=page.meta.get("SiteIDCode") or None,
        link_count=page.anchor_count,
        **required_links(tree, result.final_url, ctx.settings),
    )
    payload = read.to_payload()
    content = await carried_scan(target, ctx)
    if content is None:
        content = (await read_content(target, result, tree, page.title, ctx)).to_payload()
        await keep_scan(target, ctx, content)
    payload |= {CONTENT: content}
    return Observation(NAME, target.id, job_id, now, Outcome.OK, None, payload)


async def carried_scan(site: Site, ctx: CheckContext) -> Mapping[str, Any] | None:
    """The last content scan while it is recent: this process's own when it made it (no round trip),
    else the mark in the shared state (``recent_scan``)."""
    own = ctx.homepages.own_scan(site) if ctx.homepages is not None else None
    return own if own is not None else await recent_scan(site, ctx)


async def keep_scan(site: Site, ctx: CheckContext, content: Mapping[str, Any]) -> None:
    interval_s = ctx.settings.content.interval_s
    if ctx.homepages is not None and interval_s > 0:
        ctx.homepages.scanned(site, content, DUE_SHARE * interval_s)
    await remember_scan(site, ctx, content)


CHECK = Check(NAME, Site, interval_s, read_homepage, reads_homepage=True)
