"""Open the site's service guides (办事指南) for the services check and say which required elements each names.

The services check hands over the guide links it met (labelled 办事指南 / 服务指南 on the homepage and on the
site's own 办事服务 pages). Each is opened (at most ``guides.max_guides`` pages per run, within the check's time
budget): a page naming required elements is a guide, judged (``monitor.extract.guides``); a page that
links guides and names none (or links two or more and names few) is a list of guides, whose guides are opened
in turn (one level); any other page naming none is not judged (``unreadable``: a script fills it, or it is no
guide). A guide on the 一体化平台 is the platform's: recorded ``platform`` and opened only with
``guides.judge_platform``.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from monitor.checks.base import CheckContext
from monitor.extract.guides import GuideLink, guide_elements, guide_links, page_title
from monitor.extract.html import host_matches, parse_fetched
from monitor.observations import GuideRead
from monitor.settings import Settings

PURPOSE = "guides"
MAX_RECORDED_FACTOR = 3
"""Guides recorded without being opened (on the platform) are bounded too: this many times ``max_guides``."""


def on_platform(url: str, settings: Settings) -> bool:
    return host_matches(urlsplit(url).hostname or "", settings.platform_domains)


def is_list(found: int, required: int, inner_links: int) -> bool:
    """A page that links guides and names no element, or links two or more and names fewer than half the
    elements (a side menu's 办事流程), lists guides: it is no guide itself."""
    return (inner_links >= 1 and found == 0) or (inner_links >= 2 and found * 2 < required)


async def read_guides(
    starts: Iterable[GuideLink], ctx: CheckContext, timeout_s: Callable[[], float | None]
) -> tuple[GuideRead, ...]:
    """Every guide reached from ``starts`` (lists followed one level), in the order met, within the caps;
    ``timeout_s`` is what the check's budget allows the next page (None: no time left, stop)."""
    cfg = ctx.settings.guides
    if cfg.max_guides == 0:
        return ()
    queue: collections.deque[tuple[GuideLink, int]] = collections.deque((link, 0) for link in starts)
    seen: set[str] = set()
    reads: list[GuideRead] = []
    opened = 0
    while queue and opened < cfg.max_guides and len(reads) < MAX_RECORDED_FACTOR * cfg.max_guides:
        link, depth = queue.popleft()
        if link.url in seen:
            continue
        seen.add(link.url)
        if on_platform(link.url, ctx.settings) and not cfg.judge_platform:
            reads.append(GuideRead(link.url, link.text, "platform"))
            continue
        allowed_s = timeout_s()
        if allowed_s is None:
            break
        page = await ctx.fetcher.get(link.url, purpose=PURPOSE, timeout_s=allowed_s)
        opened += 1
        if not page.ok:
            reads.append(GuideRead(link.url, link.text, "failed", reason=page.reason))
            continue
        if on_platform(page.final_url, ctx.settings) and not cfg.judge_platform:
            reads.append(GuideRead(link.url, link.text, "platform"))
            continue
        tree = parse_fetched(page)
        title = page_title(tree)
        elements = guide_elements(tree, cfg.elements)
        inner = [g for g in guide_links(tree, page.final_url, cfg.link_keywords) if g.url not in seen]
        if is_list(len(elements.found), len(cfg.elements), len(inner)):
            reads.append(GuideRead(link.url, link.text, "list", title))
            if depth == 0:
                queue.extend((g, 1) for g in inner)
            continue
        if not elements.is_guide:
            reads.append(GuideRead(link.url, link.text, "unreadable", title, reason="no_elements"))
            continue
        reads.append(GuideRead(link.url, link.text, "judged", title, elements.found, elements.missing))
    return tuple(reads)
