"""``LinkChecker``: the verdict of many URLs, each fetched at most once per ``links.cache_ttl_s``.

One per worker process, built by the composition root (``monitor.runtime.check_context``) and handed to the
check as ``ctx.links``. A URL's verdict is looked up in the shared ``ctx.state`` first (one read per batch),
so a hundred county sites linking to www.gov.cn cost one check per interval across every worker;
a URL already being checked in this process is awaited, not fetched again. Fetches go through the
worker's ``Fetcher``: the link's own host's politeness slot, the SSRF guard and the body caps apply.

How a URL is read:

* a page (no file extension): GET with the body capped at ``links.html_body_bytes`` — soft 404s hide in
  bodies;
* a file (attachment, image, asset): HEAD, then a GET capped at ``FILE_GET_BYTES`` where HEAD is refused
  (405, 501, any error status, a dropped connection): many government file servers refuse HEAD;
* a 500/502/503/504 is asked once more after the same pause before the link is called broken;
* a 403/429 answer is retried once after ``Retry-After`` (or ``links.bot_retry_after_s``), unless the
  host asks for a longer pause than that cap: a host that says "come back in an hour" is not hammered.
  Still refused: ``unverified``, and the host's further links get one try each, no retry.

A state outage (Redis down) costs the cache, never the check.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import structlog

from monitor.checks.links.verdict import UNVERIFIED, Verdict, is_html, judge
from monitor.checks.state import State, StateUnavailable
from monitor.fetch.politeness import parse_retry_after
from monitor.model import FailureReason, FetchResult
from monitor.settings import LinkSettings

if TYPE_CHECKING:
    from monitor.fetch import Fetcher

log = structlog.get_logger(__name__)

DRAIN_WAIT_S = 2.0
"""How long shutdown waits for cancelled URL checks and the last cache write before it goes on without them."""

FILE_GET_BYTES = 64 * 1024
"""A file read with GET (HEAD refused) is read this far: the status is the answer; the rest is dropped."""
MAX_REFUSING_HOSTS = 10_000
"""Hosts remembered as refusing robots (each link there is still tried once; only the retry is skipped)."""
RETRIED_STATUSES = frozenset({500, 502, 503, 504})
"""Server errors asked once more (after ``links.bot_retry_after_s``) before a link is called broken."""
LOOKUPS_AT_ONCE = 4
"""Cache lookups in flight at once (each one round trip for a page's new links): a walk reads many pages at
once, and one Redis connection each would exhaust the client's pool the worker's other writes need."""
_HEAD_RETRIED_FAILURES = frozenset({FailureReason.PROTOCOL_ERROR, FailureReason.CONNECTION_RESET})


@dataclasses.dataclass(frozen=True, slots=True)
class Checked:
    """A verdict, whether it came from the cache (Redis or a check already in flight), and the page read
    (GET of an HTML page) when the caller asked to keep it — the crawl reads its links from it."""

    verdict: Verdict
    cached: bool
    page: FetchResult | None = None


def url_digest(url: str) -> str:
    return hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def state_name(url: str) -> str:
    """The URL's verdict's name in ``ctx.state`` (``Keys.link_verdict`` documents its Redis key)."""
    return f"link:{url_digest(url)}"


class LinkChecker:
    def __init__(
        self,
        fetcher: Fetcher,
        settings: LinkSettings,
        *,
        state: State | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``state``: where verdicts are shared (None, or ``links.cache_ttl_s`` 0: not cached)."""
        self._fetcher = fetcher
        self._settings = settings
        self._patterns = settings.all_soft404_patterns()
        self._state = state if settings.cache_ttl_s > 0 else None
        self._sleep = sleep
        self._inflight: dict[str, asyncio.Task[tuple[Verdict, FetchResult]]] = {}
        self._unwritten: dict[str, Any] = {}  # state name → verdict JSON, written by ``_flusher``
        self._flusher: asyncio.Task[None] | None = None
        self._refusing_hosts: set[str] = set()  # still 403/429 after a retry: their other links get one try
        self._lookups = asyncio.Semaphore(LOOKUPS_AT_ONCE)
        self.fetches = 0
        """Requests sent (HEAD and GET, retries included): what the benchmark counts."""

    # ------------------------------------------------------------------------------------- public API
    async def check_many(
        self,
        urls: dict[str, bool],
        *,
        keep_page: Callable[[str], bool] = lambda url: False,
        into: dict[str, Checked] | None = None,
        on_verdict: Callable[[str, Checked], None] | None = None,
        gate: asyncio.Semaphore | None = None,
        patterns: tuple[str, ...] | None = None,
    ) -> dict[str, Checked]:
        """Verdicts of ``urls`` (url → is a file), at most ``links.concurrency`` fetched at once (or as
        many as ``gate`` lets through, shared by a caller's several batches).

        ``into`` receives each verdict as it arrives, so a caller cancelled halfway keeps those, and
        ``on_verdict`` is called with each (a crawl reads a page as soon as its body is in).
        ``patterns``: the error-page phrases to judge these URLs by (default: ``links``' soft-404 phrases;
        the 一体化平台's links are judged by its own as well)."""
        found = into if into is not None else {}
        cached = await self._cached(urls)
        found |= cached
        if on_verdict is not None:
            for url, checked in cached.items():
                on_verdict(url, checked)
        missing = [url for url in urls if url not in found]
        gate = gate or asyncio.Semaphore(self._settings.concurrency)

        async def one(url: str) -> None:
            async with gate:
                checked = await self.check(
                    url, is_file=urls[url], keep_page=keep_page(url), patterns=patterns
                )
            found[url] = checked
            if on_verdict is not None:
                on_verdict(url, checked)

        async with asyncio.TaskGroup() as group:
            for url in missing:
                group.create_task(one(url))
        return {url: found[url] for url in urls}

    async def check(
        self, url: str, *, is_file: bool, keep_page: bool = False, patterns: tuple[str, ...] | None = None
    ) -> Checked:
        """One URL's verdict; a check of the same URL already running in this process is shared.

        The check runs as its own task, so a caller cancelled halfway neither loses the others' answer
        nor the cache entry."""
        running = self._inflight.get(url)
        if running is not None:
            verdict, _ = await asyncio.shield(running)
            return Checked(verdict, cached=True)
        task = asyncio.create_task(self._judge_and_store(url, is_file=is_file, patterns=patterns))
        self._inflight[url] = task
        task.add_done_callback(lambda done: self._finished(url, done))
        verdict, page = await asyncio.shield(task)
        return Checked(verdict, cached=False, page=page if keep_page else None)

    def _finished(self, url: str, task: asyncio.Task[tuple[Verdict, FetchResult]]) -> None:
        self._inflight.pop(url, None)
        if not task.cancelled() and task.exception() is not None:  # retrieved: its callers re-raise it
            log.warning("links.check_failed", url=url, error=repr(task.exception()))

    async def _judge_and_store(
        self, url: str, *, is_file: bool, patterns: tuple[str, ...] | None
    ) -> tuple[Verdict, FetchResult]:
        verdict, page = await self._judge(url, is_file=is_file, patterns=patterns or self._patterns)
        await self._store(verdict)
        return verdict, page

    # ------------------------------------------------------------------------------------- fetching
    async def _judge(
        self, url: str, *, is_file: bool, patterns: tuple[str, ...]
    ) -> tuple[Verdict, FetchResult]:
        result = await self._fetch(url, is_file=is_file)
        verdict = judge(url, result, patterns)
        if verdict.broken and result.status in RETRIED_STATUSES:  # an overloaded moment, not a dead link
            await self._sleep(self._settings.bot_retry_after_s)
            result = await self._fetch(url, is_file=is_file)
            verdict = judge(url, result, patterns)
        if verdict.state == UNVERIFIED:
            host = urlsplit(url).hostname or ""
            if host in self._refusing_hosts:
                detail = f"{verdict.detail}; the host refused earlier links after a retry too"
                return dataclasses.replace(verdict, detail=detail), result
            pause_s = parse_retry_after(result.headers.get("Retry-After"))
            cap_s = self._settings.bot_retry_after_s
            if pause_s is not None and pause_s > cap_s:
                detail = f"{verdict.detail}; asks to retry after {pause_s:g} s, longer than we wait"
                return dataclasses.replace(verdict, detail=detail), result
            await self._sleep(cap_s if pause_s is None else pause_s)
            result = await self._fetch(url, is_file=is_file)
            verdict = judge(url, result, patterns)
            if verdict.state == UNVERIFIED:
                verdict = dataclasses.replace(verdict, detail=f"{verdict.detail} (retried once)")
                if len(self._refusing_hosts) >= MAX_REFUSING_HOSTS:
                    self._refusing_hosts.clear()
                self._refusing_hosts.add(host)
        return verdict, result

    async def _fetch(self, url: str, *, is_file: bool) -> FetchResult:
        timeout_s = self._settings.timeout_s
        get = self._fetcher.get
        if is_file:
            self.fetches += 1
            head = await get(url, purpose="link", method="HEAD", timeout_s=timeout_s)
            refused = head.status is not None and head.status >= 400
            if not (refused or head.failure in _HEAD_RETRIED_FAILURES):
                return head
            self.fetches += 1
            return await get(url, purpose="link", timeout_s=timeout_s, max_body_bytes=FILE_GET_BYTES)
        self.fetches += 1
        return await get(
            url, purpose="link", timeout_s=timeout_s, max_body_bytes=self._settings.html_body_bytes
        )

    # ------------------------------------------------------------------------------------- cache
    async def _cached(self, urls: Iterable[str]) -> dict[str, Checked]:
        ordered = list(urls)
        if self._state is None or not ordered:
            return {}
        try:
            async with self._lookups:
                values = await self._state.get_many([state_name(u) for u in ordered])
        except StateUnavailable as exc:
            log.warning("links.cache_unavailable", error=str(exc))
            return {}
        found: dict[str, Checked] = {}
        for url, value in zip(ordered, values, strict=True):
            if value is None:
                continue
            try:
                verdict = Verdict.from_json(value)
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            if verdict.url == url:  # a digest collision is a miss, never another URL's verdict
                found[url] = Checked(verdict, cached=True)
        return found

    async def _store(self, verdict: Verdict) -> None:
        """Write ``verdict`` to the shared cache; verdicts finished meanwhile go in the same pipeline
        (one connection and one round trip for a burst, not one per link)."""
        if self._state is None:
            return
        self._unwritten[state_name(verdict.url)] = verdict.to_json()
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await asyncio.shield(self._flusher)

    async def _flush(self) -> None:
        assert self._state is not None
        while self._unwritten:
            batch, self._unwritten = self._unwritten, {}
            try:
                await self._state.set_many(batch, self._settings.cache_ttl_s)
            except StateUnavailable as exc:
                log.warning("links.cache_unavailable", error=str(exc))

    async def drain(self) -> None:
        """At shutdown, before the state's Redis closes: cancel the URL checks still running on their own (each runs
        shielded so that its other callers keep the answer, so cancelling a job leaves it running), then let
        the pending cache write land. Nothing is left to talk to a closed Redis and log a failure."""
        running = list(self._inflight.values())
        for task in running:
            task.cancel()
        if running:  # bounded: a cancel lost inside a client library must not hold shutdown
            _, outlived = await asyncio.wait(running, timeout=DRAIN_WAIT_S)
            if outlived:
                log.warning("links.checks_outlived_cancel", count=len(outlived), waited_s=DRAIN_WAIT_S)
        if self._flusher is not None and not self._flusher.done():
            _, unwritten = await asyncio.wait([self._flusher], timeout=DRAIN_WAIT_S)
            if unwritten:
                log.warning("links.cache_write_outlived_drain", waited_s=DRAIN_WAIT_S)


def page_of(checked: Checked) -> FetchResult | None:
    """The kept page when it is a readable HTML page."""
    page = checked.page
    return page if page is not None and page.ok and page.text and is_html(page) else None
