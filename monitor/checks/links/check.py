"""Check every link of a site: the homepage's, then those of pages found breadth-first (sites only).

Reads the homepage (a crawl, retried), checks each of its links — anchors, images, attachments; scripts
and styles with ``links.check_assets`` — then reads up to ``links.crawl_pages`` same-site pages, shallowest
first down to ``links.crawl_depth``, and checks the links found there. A link's check is sent when the link
is found and a page is read as soon as its body is in: nothing waits for a whole depth, or for the verdicts
of a page's other links, so the hosts' politeness slots stay busy. Each URL is judged once per cycle
(the first page it was seen on is the one reported) and once per ``links.cache_ttl_s`` across sites
(``monitor.checks.links.checker``). Links to the 一体化平台 (``platform_domains``) found on any page are
judged against the platform's own error pages too (``monitor.checks.links.platform``) and listed apart
(``platform_links``): the services rule reports them as 一体化平台链接不可用, not as broken links.

Payload: ``monitor.observations.LinksRead`` (``counts``: checked, broken, unverified, cached, skipped,
unjudged; ``broken``/``unverified``: each link with its text, page, tag, status, reason and whether it is on
the homepage).

The cycle stops at ``links.budget_s`` (or 80 % of ``engine.job_timeout_s``, whichever comes first):
links not judged by then are counted ``unjudged`` and yield no finding; checks already running finish
into the shared cache, so the next cycle gets further. A homepage that cannot be read makes a FAILED
observation: no link is judged on a cycle that could not see the page.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from urllib.parse import urlsplit

from monitor.checks.base import Check, CheckContext, crawl_budget_s
from monitor.checks.links.checker import Checked, LinkChecker, page_of
from monitor.checks.links.crawl import TEXT_CHARS, FoundLink, Frontier, is_selected
from monitor.checks.links.platform import judge_platform, platform_problems
from monitor.checks.links.urls import is_file, same_site
from monitor.checks.links.verdict import BROKEN, OK, UNVERIFIED, Verdict
from monitor.extract.html import extract_page, host_matches, parse
from monitor.extract.listing import datastore_trees, next_page
from monitor.model import Observation, Outcome, Site
from monitor.observations import LINKS as NAME
from monitor.observations import LinkCounts, LinkProblem, LinksRead
from monitor.settings import Settings

MAX_LISTED = 500
"""Broken (and unverified) links listed in one payload, at most; the counts are complete."""
PAGES_AT_ONCE = 32
"""Crawled pages of one site waiting for their body at once (their checks were sent when the links were
found; the checks run apart, bounded by ``links.concurrency`` and the hosts' politeness)."""


def interval_s(settings: Settings) -> float:
    return settings.links.interval_s


async def check_links(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """Read the homepage, then walk the site breadth-first, judging every link found."""
    started = time.monotonic()
    home = await ctx.homepage(target)
    observed = LinksRead(target.url, home.final_url, home.status)
    if not home.ok or not home.text:
        reason = home.failure.value if home.failure else "empty_page"
        return Observation(
            NAME, target.id, job_id, ctx.clock.now(), Outcome.FAILED, reason, observed.to_payload()
        )
    walk = SiteWalk(target, ctx, ctx.links or LinkChecker(ctx.fetcher, ctx.settings.links, state=ctx.state))
    budget_s = crawl_budget_s(ctx.settings, ctx.settings.links.budget_s)
    try:
        async with asyncio.timeout(max(0.0, budget_s - (time.monotonic() - started))):
            await walk.run(home.final_url, home.text)
    except TimeoutError:
        walk.budget_spent = True
    observed = walk.summary(observed)
    return Observation(NAME, target.id, job_id, ctx.clock.now(), Outcome.OK, None, observed.to_payload())


class SiteWalk:
    """One cycle over one site: the links found so far, their verdicts, the frontier."""

    def __init__(self, site: Site, ctx: CheckContext, checker: LinkChecker) -> None:
        self.site = site
        self.ctx = ctx
        self.cfg = ctx.settings.links
        self.checker = checker
        self.found: dict[str, FoundLink] = {}
        self.platform: dict[str, FoundLink] = {}  # links to the 一体化平台, judged apart
        self.platform_verdicts: dict[str, Checked] = {}
        self.verdicts: dict[str, Checked] = {}
        self.skipped = 0
        self.pages_read = 1
        self.budget_spent = False
        self.known: dict[str, Checked] = {}
        self.gate = asyncio.Semaphore(self.cfg.concurrency)  # link checks of this site in flight, all pages
        self.pages: list[str] = []  # every page read, homepage first (the benchmark gives them to its peer)
        self.frontier = Frontier(site.url, pages=self.cfg.crawl_pages, depth=self.cfg.crawl_depth)
        self._waiting: dict[str, asyncio.Future[Checked]] = {}  # pages whose check is still out
        self._checks: asyncio.TaskGroup  # set by ``run``: owns every check the walk sends

    async def run(self, home_url: str, home_text: str) -> None:
        self.frontier.visited(self.site.url)
        self.frontier.visited(home_url)
        opened = Checked(Verdict(home_url, OK, 200, final_url=home_url), cached=False)
        self.known = {self.site.url: opened, home_url: opened}  # the homepage just opened: not asked again
        async with asyncio.TaskGroup() as checks:  # every link check of the walk; left when the last is in
            self._checks = checks
            self._page(home_url, home_text, depth=0)
            await self._crawl()

    async def _crawl(self) -> None:
        """Read the frontier's pages, shallowest first, up to ``PAGES_AT_ONCE`` waiting for their bodies at
        once; a page read may queue more, so an empty frontier ends the crawl only when no read is left."""
        slots = asyncio.Semaphore(PAGES_AT_ONCE)
        grown = asyncio.Event()  # a read finished: the frontier may hold more
        reading = 0

        async def read(url: str, depth: int) -> None:
            nonlocal reading
            try:
                text = await self._read(url)
                if text is not None:
                    self.pages_read += 1
                    self._page(url, text, depth=depth)
            finally:
                reading -= 1
                slots.release()
                grown.set()

        async with asyncio.TaskGroup() as group:
            while True:
                await slots.acquire()
                queued = self.frontier.next_page()
                if queued is None:
                    slots.release()
                    if reading == 0:
                        return
                    grown.clear()
                    await grown.wait()
                    continue
                reading += 1
                group.create_task(read(queued[1], queued[0]))

    async def _read(self, url: str) -> str | None:
        """A crawled page's text: the body its link check kept (awaited: the check was sent when the link
        was found), else a fetch; None when it is broken."""
        checked = self.verdicts.get(url)
        if checked is None and url in self._waiting:
            checked = await self._waiting[url]
        if checked is not None:
            if checked.verdict.state != OK:
                return None
            kept = page_of(checked)
            if kept is not None:
                return kept.text
        result = await self.ctx.fetcher.get(url, purpose="links")
        return result.text if result.ok and result.text else None

    def _arrived(self, url: str, checked: Checked) -> None:
        """A link's verdict is in: kept, and handed to the crawl if it waits for that page's body."""
        self.verdicts[url] = checked
        waiting = self._waiting.pop(url, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(checked)

    def _page(self, page_url: str, text: str, *, depth: int) -> None:
        """Parse a page and send the checks of its links not judged yet; the crawl does not wait for them
        (a page's checks would otherwise hold back the next page's, and the host's slots would idle)."""
        self.pages.append(page_url)
        tree = parse(text)
        page_links = list(extract_page(tree, page_url).links)
        for records in datastore_trees(tree):  # a hanweb list's articles beyond its first screen
            page_links += extract_page(records, page_url).links
        new: dict[str, bool] = {}
        platform: dict[str, FoundLink] = {}
        for link in page_links:  # document order: the frontier reads a depth's pages in the order linked
            found = self.found.get(link.url)
            if found is None:  # first seen (a site's menus repeat on every page: most links are not)
                if link.url in self.platform or not is_selected(link, check_assets=self.cfg.check_assets):
                    continue
                if self._on_platform(link.url):
                    if len(self.platform) < self.cfg.max_links_per_site:
                        platform[link.url] = FoundLink(
                            link.url, link.text[:TEXT_CHARS], link.tag, page_url, depth == 0
                        )
                        self.platform[link.url] = platform[link.url]
                    continue
                if len(self.found) >= self.cfg.max_links_per_site:
                    self.skipped += 1
                    continue
                found = FoundLink(link.url, link.text[:TEXT_CHARS], link.tag, page_url, depth == 0)
                self.found[link.url] = found
                if link.url in self.known:
                    self.verdicts[link.url] = self.known[link.url]
                else:
                    new[link.url] = found.is_file
            self.frontier.offer(found, depth + 1)
        if tree.scripts_contain("createPageHTML"):  # a TRS list's next page: drawn by a script, no <a> to it
            following = next_page(tree, page_url)
            if following:  # the same list, so the same depth
                self.frontier.offer(FoundLink(following, "下一页", "a", page_url, False), depth)
        site_url = self.site.url

        def keep_page(url: str) -> bool:
            return same_site(url, site_url) and not is_file(url)

        loop = asyncio.get_running_loop()
        for url in new:
            self._waiting[url] = loop.create_future()
        if new:
            self._checks.create_task(
                self.checker.check_many(new, keep_page=keep_page, on_verdict=self._arrived, gate=self.gate)
            )
        if platform:
            self._checks.create_task(
                judge_platform(
                    platform, self.checker, self.ctx.settings, into=self.platform_verdicts, gate=self.gate
                )
            )

    def _on_platform(self, url: str) -> bool:
        domains = self.ctx.settings.platform_domains
        return bool(domains) and host_matches(urlsplit(url).hostname or "", tuple(domains))

    def summary(self, home: LinksRead) -> LinksRead:
        """The homepage's read with this walk's counts and its broken and unverified links."""
        broken: list[LinkProblem] = []
        unverified: list[LinkProblem] = []
        cached = 0
        for url, link in self.found.items():
            checked = self.verdicts.get(url)
            if checked is None:
                continue
            cached += checked.cached
            v = checked.verdict
            listed = {BROKEN: broken, UNVERIFIED: unverified}.get(v.state)
            if listed is None:
                continue
            listed.append(
                LinkProblem(
                    url=url,
                    text=link.text,
                    page=link.page,
                    tag=link.tag,
                    http_status=v.http_status,
                    reason=v.reason,
                    detail=v.detail[:300],
                    on_homepage=link.on_homepage,
                )
            )
        counts = LinkCounts(
            checked=len(self.verdicts),
            broken=len(broken),
            unverified=len(unverified),
            cached=cached,
            skipped=self.skipped,
            unjudged=len(self.found) - len(self.verdicts),
        )
        return dataclasses.replace(
            home,
            pages_read=self.pages_read,
            budget_spent=self.budget_spent,
            counts=counts,
            broken=tuple(broken[:MAX_LISTED]),
            unverified=tuple(unverified[:MAX_LISTED]),
            platform_checked=sum(url in self.platform_verdicts for url in self.platform),
            platform_links=tuple(platform_problems(self.platform, self.platform_verdicts)[:MAX_LISTED]),
        )


CHECK = Check(NAME, Site, interval_s, check_links, reads_homepage=True)
