"""Follow a site's 办事服务 to the 一体化政务服务平台 and open every platform link found on the way.

homepage → service entries (links labelled 办事服务 / 网上办事 …, items of a 办事服务 block) → the site's own
service pages among them, followed one level for their items → every link on a ``platform_domains`` host
(subdomains count) → GET each (body capped): ``ok``, ``broken`` (error status, refused, timeout …) or
``error_page`` (200 but 该事项不存在 / 已下线 / 系统维护: the ``links`` soft-404 phrases).

A platform outage must not be blamed on every site linking to it: when a platform link fails, the
platform host's root is probed once per run; when the root fails too the link is ``platform_down`` and the
rule reports it ``unverified``. The homepage not opening makes a FAILED observation: nothing is judged.

The service guides (办事指南) linked from the homepage and from those service pages are opened too
(``monitor.checks.guides``), each naming which required elements it shows.

Payload: ``monitor.observations.ServicesRead``: the entries found, the service pages followed, whether
any entry leads to the platform, and each platform link's ``result`` (``ok | broken | error_page | blocked |
platform_down | unchecked``); ``truncated``: service pages left unread for lack of time (then "not linked" is
not concluded); ``guides``: each guide opened (``GuideRead``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from monitor.checks.base import Check, CheckContext, crawl_budget_s
from monitor.checks.guides import read_guides
from monitor.extract.guides import guide_links
from monitor.extract.html import host_matches, parse_fetched
from monitor.extract.services import Entry, links_to_hosts, service_entries
from monitor.extract.soft404 import soft404_reason
from monitor.model import FetchResult, Observation, Outcome, Site
from monitor.observations import SERVICES as NAME
from monitor.observations import PlatformLink, ServiceEntry, ServicePage, ServicesRead
from monitor.settings import Settings

PURPOSE = "services"
PLATFORM_BODY_BYTES = 256 * 1024


def error_patterns(settings: Settings) -> tuple[str, ...]:
    return settings.links.all_soft404_patterns() + settings.services.platform_error_patterns


SECONDARY_TIMEOUT_S = 15.0
"""One page beyond the homepage (a service page, a platform item, a channel): the availability probe's 15 s."""
MIN_FETCH_S = 2.0


class Budget:
    """The check's share of ``engine.job_timeout_s``: a job past it is killed and observes nothing, so the
    pages beyond the homepage get what is left, each at most ``SECONDARY_TIMEOUT_S`` per attempt, and
    are skipped (the payload says ``truncated``) when too little is left."""

    def __init__(self, settings: Settings) -> None:
        self.attempts = settings.fetch.retries + 1
        self.end = time.monotonic() + crawl_budget_s(settings)

    def timeout_s(self) -> float | None:
        per_attempt = (self.end - time.monotonic()) / self.attempts
        return None if per_attempt < MIN_FETCH_S else min(SECONDARY_TIMEOUT_S, per_attempt)


def is_platform(url: str, settings: Settings) -> bool:
    return host_matches(urlsplit(url).hostname or "", settings.platform_domains)


def root_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


BOT_STATUSES = (403, 429)
HOME_PATHS = ("", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp")


def redirected_home(result: FetchResult) -> bool:
    """A deep link answered by a redirect to the host's homepage: the page is gone (a soft 404)."""
    if not result.redirects:
        return False
    return urlsplit(result.url).path not in HOME_PATHS and urlsplit(result.final_url).path in HOME_PATHS


def verdict(result: FetchResult, patterns: tuple[str, ...]) -> tuple[str, str | None]:
    """(``ok`` | ``broken`` | ``error_page`` | ``blocked``, reason) for one fetched page.

    ``blocked``: 403/429, what hosts answer bots; like the link checker, govmon does not call a link broken
    on that evidence alone (the rule reports it ``unverified``)."""
    html = "html" in (result.content_type or "html")
    matched = soft404_reason(result.text, patterns) if result.text and html else None
    if result.status in BOT_STATUSES and not matched:
        return "blocked", f"http_{result.status}"
    if result.ok and redirected_home(result):
        return "error_page", "redirect_home"
    if not result.ok:
        reason = result.reason
        return "broken", matched or reason
    if matched:
        return "error_page", matched
    return "ok", None


async def check_platform_links(
    links: Mapping[str, Entry], ctx: CheckContext, budget: Budget
) -> list[PlatformLink]:
    """Fetch each platform link; probe the roots of the failing ones' hosts to tell an outage apart.

    Links govmon had no time left to open are ``unchecked``; failures whose platform root it had no time
    to probe are ``unchecked`` too (an outage could not be ruled out): both are reported ``unverified``."""
    settings = ctx.settings
    patterns = error_patterns(settings)
    timeout_s = budget.timeout_s()
    if timeout_s is None:
        return [PlatformLink(u, e.text, "unchecked", None, "time_budget") for u, e in links.items()]

    async def fetch(url: str) -> FetchResult:
        return await ctx.fetcher.get(
            url, purpose=PURPOSE, max_body_bytes=PLATFORM_BODY_BYTES, timeout_s=timeout_s
        )

    urls = list(links)
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch(url)) for url in urls]
    results = [task.result() for task in tasks]
    checked: list[PlatformLink] = []
    for url, result in zip(urls, results, strict=True):
        state, reason = verdict(result, patterns)
        checked.append(PlatformLink(url, links[url].text, state, result.status, reason))
    failing = ("broken", "error_page")
    failing_roots = sorted({root_of(c.url) for c in checked if c.result in failing})
    timeout_s = budget.timeout_s()
    if failing_roots and timeout_s is None:
        return [dataclasses.replace(c, result="unchecked") if c.result in failing else c for c in checked]
    if failing_roots:
        async with asyncio.TaskGroup() as group:
            probes = {root: group.create_task(fetch(root)) for root in failing_roots}
        down = {
            root
            for root, task in probes.items()
            if verdict(task.result(), patterns)[0] not in ("ok", "blocked")
        }
        return [
            dataclasses.replace(c, result="platform_down")
            if c.result in failing and root_of(c.url) in down
            else c
            for c in checked
        ]
    return checked


def interval_s(settings: Settings) -> float:
    return settings.services.interval_s


async def follow_services(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """Follow the homepage's service entries to the platform and open its links."""
    cfg = ctx.settings.services
    keywords = cfg.all_entry_keywords()
    budget = Budget(ctx.settings)
    home = await ctx.homepage(target)
    observed = ServicesRead(target.url, home.final_url, home.status)
    if not home.ok:
        reason = home.reason
        return Observation(
            NAME, target.id, job_id, ctx.clock.now(), Outcome.FAILED, reason, observed.to_payload()
        )
    tree = parse_fetched(home)
    entries = service_entries(tree, home.final_url, keywords, cfg.max_label_chars)
    known = {e.url for e in entries}  # a link to the platform host is an entry, however it is labelled
    entries += tuple(
        e for e in links_to_hosts(tree, home.final_url, ctx.settings.platform_domains) if e.url not in known
    )
    platform: dict[str, Entry] = {e.url: e for e in entries if is_platform(e.url, ctx.settings)}
    own_pages = [e for e in entries if not is_platform(e.url, ctx.settings) and e.via == "label"]
    guide_keywords = ctx.settings.guides.link_keywords
    guide_starts = list(guide_links(tree, home.final_url, guide_keywords))
    service_pages: list[ServicePage] = []
    truncated = False
    for entry in own_pages[: cfg.max_service_pages]:
        timeout_s = budget.timeout_s()
        if timeout_s is None:
            truncated = True
            break
        page = await ctx.fetcher.get(entry.url, purpose=PURPOSE, timeout_s=timeout_s)
        found = 0
        if page.ok and is_platform(page.final_url, ctx.settings):  # the entry redirects to the platform
            platform.setdefault(page.final_url, Entry(page.final_url, entry.text, "label"))
            found = 1
        elif page.ok:
            page_tree = parse_fetched(page)
            guide_starts += guide_links(page_tree, page.final_url, guide_keywords)
            items = service_entries(page_tree, page.final_url, keywords, cfg.max_label_chars)
            from_page = [i for i in items if is_platform(i.url, ctx.settings)]
            found = len(from_page)
            for item in from_page:
                platform.setdefault(item.url, item)
        service_pages.append(ServicePage(entry.url, page.ok, found))
    chosen = dict(list(platform.items())[: cfg.max_platform_links])
    observed = dataclasses.replace(
        observed,
        entries=tuple(ServiceEntry(e.url, e.text, e.via, e.url in platform) for e in entries),
        service_pages=tuple(service_pages),
        linked=bool(platform),
        truncated=truncated,
        platform_links=tuple(await check_platform_links(chosen, ctx, budget) if chosen else ()),
    )
    observed = dataclasses.replace(observed, guides=await read_guides(guide_starts, ctx, budget.timeout_s))
    return Observation(NAME, target.id, job_id, ctx.clock.now(), Outcome.OK, None, observed.to_payload())


CHECK = Check(NAME, Site, interval_s, follow_services, reads_homepage=True)
