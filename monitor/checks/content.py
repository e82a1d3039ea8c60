"""Content safety on the homepage read (issue 12): hidden links, tampering, serious errors, personal data.

The homepage check is the one read of the homepage; it hands its page here (``read_content``), so the
tamper baseline lives with it and no second fetch of the homepage is made. After the homepage this reads
up to ``content.pages`` same-site pages linked from it (a different slice of them at each read, so a day of
reads covers more) and the attachments linked from those pages (txt, csv, xlsx, docx), within
``content.budget_s``.

The tamper baseline (``ctx.state`` name ``tamper:<site id>``, ``Keys.tamper_baseline`` in Redis) is the
last read judged good: the first read with no first-look sign takes it, and every later read that shows no
sign replaces it (a news update moves the baseline along); a read with signs leaves it as it was, so the
next read is judged against the good page again. Every page with a hit, and the homepage at every read
(reusing the baseline's snapshot while the text is unchanged), is kept as masked evidence (``ctx.evidence``,
``monitor.engine.evidence`` in workers). It never judges: ``monitor.rules.content`` reads the payload.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from monitor.checks import state
from monitor.checks.base import crawl_budget_s
from monitor.extract import attachments, badlists, serious_errors
from monitor.extract.hidden_links import excluded_hosts, hidden_links
from monitor.extract.html import parse_fetched
from monitor.extract.privacy import find_personal_data, mask_text
from monitor.extract.tamper import (
    BASELINE_LINES,
    Baseline,
    Sign,
    compare,
    first_look,
    foreign_resources,
    text_diff,
)
from monitor.extract.visible import visible_lines
from monitor.model import FetchResult, Site
from monitor.observations import ContentHit, ContentRead
from monitor.settings import Settings

if TYPE_CHECKING:
    from monitor.checks.base import CheckContext

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".jhtml", ".jsp", ".php", ".aspx", "/")


@functools.cache
def _lists(files: tuple[str, ...]) -> badlists.BadLists:
    return badlists.load(files)


@functools.cache
def _dictionary(files: tuple[str, ...], shipped: bool) -> serious_errors.Dictionary:
    return serious_errors.load(files, shipped=shipped)


def excluded_domains(site: Site, settings: Settings) -> tuple[str, ...]:
    """Hosts never judged illicit or foreign: the site's, the platform's, the configured ones."""
    own = urlsplit(site.url).hostname or ""
    return (own, *settings.platform_domains, *settings.content.excluded_domains)


def page_links(tree: HTMLParser, page_url: str, site_host: str) -> tuple[list[str], list[str]]:
    """Same-site page URLs and readable attachment URLs linked from a page, in page order, once each."""
    pages: list[str] = []
    files: list[str] = []
    seen: set[str] = set()
    for node in tree.css("a[href]"):
        url = urldefrag(urljoin(page_url, (node.attributes.get("href") or "").strip())).url
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or url in seen or (parts.hostname or "") != site_host:
            continue
        seen.add(url)
        if attachments.kind_of(url):
            files.append(url)
        elif parts.path.lower().endswith(PAGE_SUFFIXES) or "." not in parts.path.rsplit("/", 1)[-1]:
            pages.append(url)
    return pages, files


def rotate(urls: Sequence[str], count: int, turn: int) -> list[str]:
    """``count`` of ``urls`` starting at the ``turn``-th slice, so successive reads cover different pages."""
    if not urls or count <= 0:
        return []
    start = (turn * count) % len(urls)
    return [urls[(start + i) % len(urls)] for i in range(min(count, len(urls)))]


class ContentScan:
    """One homepage read's content scan over the homepage and the pages it links to."""

    def __init__(self, site: Site, ctx: CheckContext) -> None:
        self.site = site
        self.ctx = ctx
        cfg = ctx.settings.content
        self.cfg = cfg
        self.lists = _lists(tuple(cfg.link_lists))
        self.dictionary = _dictionary(tuple(cfg.error_lists), cfg.sample_dictionary)
        self.excluded = excluded_domains(site, ctx.settings)
        self.evidence = ctx.evidence
        self.state_name = f"tamper:{site.id}"
        """``ctx.state`` name of the tamper baseline (``Keys.tamper_baseline`` in Redis)."""
        self.hidden: list[ContentHit] = []
        self.errors: list[ContentHit] = []
        self.personal: list[ContentHit] = []

    async def keep(
        self, text: str, url: str, status: int | None, content_type: str = "text/html"
    ) -> str | None:
        """Store the page, masked, as evidence; its digest (None where the context keeps no evidence)."""
        if self.evidence is None:
            return None
        return await self.evidence.put(
            mask_text(text),
            url=url,
            status=status,
            observed_at=self.ctx.clock.now(),
            content_type=content_type,
        )

    async def scan_page(self, tree: HTMLParser, url: str, text: str, status: int | None) -> list[str]:
        """Hidden links, serious errors and personal data on one page; returns its visible lines."""
        lines = visible_lines(tree)
        body = "\n".join(lines)
        hidden = hidden_links(tree, url, self.lists, excluded=self.excluded)
        errors = self.dictionary.find(body)
        personal = find_personal_data(body)
        if hidden or errors or personal:
            snapshot = await self.keep(text, url, status)
            self.hidden += [ContentHit(url, snapshot, h.to_json()) for h in hidden]
            self.errors += [ContentHit(url, snapshot, e.to_json()) for e in errors]
            self.personal += [ContentHit(url, snapshot, p.to_json()) for p in personal]
        return lines

    async def scan_attachment(self, url: str) -> bool:
        kind = attachments.kind_of(url)
        if kind is None:
            return False
        result = await self.ctx.fetcher.get(url, purpose="content", max_body_bytes=self.cfg.attachment_bytes)
        if not result.ok or not result.body:
            return False
        text = await asyncio.to_thread(attachments.attachment_text, result.body, kind)
        personal = find_personal_data(text)
        if personal:
            snapshot = await self.keep(text, url, result.status, content_type="text/plain")
            self.personal += [ContentHit(url, snapshot, p.to_json()) for p in personal]
        return True

    async def tamper_signs(
        self, tree: HTMLParser, result: FetchResult, title: str, lines: list[str]
    ) -> tuple[list[Sign], Baseline | None, Baseline]:
        """First-look signs and the changes since the baseline; the baseline as stored, and this read's."""
        url = result.final_url
        signs = first_look(tree, url, self.lists, title=title, excluded=self.excluded)
        skip = excluded_hosts(url, (), self.excluded)
        hosts = sorted({h for _, _, h in foreign_resources(tree, url, skip, self.cfg.trusted_script_hosts)})
        now = self.ctx.clock.now()
        current = Baseline(
            title, tuple(hosts), tuple(mask_text(line) for line in lines[:BASELINE_LINES]), now
        )
        stored = await state.get(self.ctx.state, self.state_name)
        baseline = Baseline.from_json(stored) if isinstance(stored, dict) else None
        return [*signs, *(compare(baseline, current) if baseline else [])], baseline, current

    async def homepage_snapshot(
        self, result: FetchResult, baseline: Baseline | None, current: Baseline
    ) -> str | None:
        """The homepage's snapshot: the baseline's when the page shows the same text (one snapshot per change
        of the visible text, not per read), else this read's."""
        store, kept = self.evidence, baseline.snapshot if baseline else None
        same = store is not None and baseline is not None and bool(kept) and baseline.same_text(current)
        if same and store is not None and kept and await store.touch(kept, self.ctx.clock.now()):
            return kept
        return await self.keep(result.text, result.final_url, result.status)

    async def move_baseline(self, current: Baseline) -> None:
        await state.put(
            self.ctx.state, self.state_name, current.to_json(), self.cfg.baseline_ttl_days * 86400
        )

    async def run(self, result: FetchResult, tree: HTMLParser, title: str, started: float) -> ContentRead:
        home = result.final_url
        lines = await self.scan_page(tree, home, result.text, result.status)
        signs, baseline, current = await self.tamper_signs(tree, result, title, lines)
        snapshot = await self.homepage_snapshot(result, baseline, current)
        if not signs:  # a clean read moves the baseline on (a news update); a tampered one leaves it
            await self.move_baseline(dataclasses.replace(current, snapshot=snapshot))
        changed = baseline is not None and any(s.kind in ("new_foreign", "replaced") for s in signs)
        diff = text_diff(baseline.lines, current.lines) if baseline and changed else []
        new_hosts = [s.detail for s in signs if s.kind == "new_foreign"]
        tamper = [ContentHit(home, snapshot, s.to_json()) for s in signs]
        self.hidden = [h if h.page != home else ContentHit(h.page, snapshot, h.detail) for h in self.hidden]
        pages, files = page_links(tree, home, urlsplit(home).hostname or "")
        turn = int(self.ctx.clock.now() // self.ctx.settings.crawl.homepage_interval_s)
        chosen = [p for p in rotate(pages, self.cfg.pages, turn) if p.rstrip("/") != home.rstrip("/")]
        budget_s = crawl_budget_s(self.ctx.settings, self.cfg.budget_s) - (time.monotonic() - started)
        read = attached = 0
        try:
            async with asyncio.timeout(max(0.0, budget_s)):
                for url in chosen:
                    page = await self.ctx.fetcher.get(url, purpose="content")
                    if not page.ok or not page.text or "html" not in (page.content_type or "text/html"):
                        continue
                    page_tree = parse_fetched(page)
                    await self.scan_page(page_tree, page.final_url, page.text, page.status)
                    read += 1
                    files += page_links(page_tree, page.final_url, urlsplit(home).hostname or "")[1]
                if self.cfg.attachments:
                    for url in list(dict.fromkeys(files))[: self.cfg.pages]:
                        attached += await self.scan_attachment(url)
        except TimeoutError:
            self.ctx.log.info("content.budget_spent", target=self.site.id, pages=read, attachments=attached)
        return ContentRead(
            snapshot=snapshot,
            pages_read=read,
            attachments_read=attached,
            hidden_links=tuple(self.hidden),
            tamper=tuple(tamper),
            serious_errors=tuple(self.errors),
            personal_data=tuple(self.personal),
            baseline_at=baseline.taken_at if baseline else None,
            tamper_diff=tuple(diff),
            new_hosts=tuple(new_hosts),
        )


DUE_SHARE = 0.8
"""A scan is due once ``DUE_SHARE`` of ``content.interval_s`` has passed since the last: homepage reads are
jittered around their interval, and a read a little early must not skip a whole cycle."""


def _scan_name(site: Site) -> str:
    return f"content-scan:{site.id}"


async def recent_scan(site: Site, ctx: CheckContext) -> Mapping[str, Any] | None:
    """The content part of the site's last scan while it is recent (``content.interval_s``; 0: never), for a
    homepage read between two scans to carry forward: the rules then judge every read alike and findings
    neither vanish nor resolve between scans. Kept in ``ctx.state`` (``content-scan:<site id>``), expiring
    when the next scan is due, so every worker sees it; a state that cannot be read means scanning (a
    missed scan would be a missed 暗链)."""
    if ctx.settings.content.interval_s <= 0:
        return None
    try:
        carried = await state.get(ctx.state, _scan_name(site))
    except state.StateUnavailable:
        return None
    return carried if isinstance(carried, Mapping) else None


async def remember_scan(site: Site, ctx: CheckContext, content: Mapping[str, Any]) -> None:
    interval_s = ctx.settings.content.interval_s
    if interval_s <= 0:
        return
    with contextlib.suppress(state.StateUnavailable):
        await state.put(ctx.state, _scan_name(site), dict(content), DUE_SHARE * interval_s)


async def read_content(
    site: Site, result: FetchResult, tree: HTMLParser, title: str, ctx: CheckContext
) -> ContentRead:
    """The content-safety part of a homepage read (called by ``monitor.checks.homepage``)."""
    return await ContentScan(site, ctx).run(result, tree, title, time.monotonic())
