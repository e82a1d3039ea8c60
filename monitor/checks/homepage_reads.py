"""One read of a site's homepage shared by every check that starts from it.

The homepage, columns, links, services and interaction checks all begin with the same GET of the site's
homepage. They fall due together (the schedule aligns the entries of one target whose intervals are
multiples of one another: ``monitor.engine.schedule``), and one scheduler tick puts them in the stream
side by side, so one worker usually claims them at once. This per-process table lets them share the fetch:
the first check to ask fetches; checks asking while it is in flight wait for that one result; a check
asking later gets the read while it is no older than ``crawl.homepage_reuse_s``, then it is read again.

Nothing is kept in Redis: the bytes live in the worker's memory only as long as the bound, at most
``MAX_KEPT`` pages (a national inventory reads ~0.7 homepages a second, so a 10-minute bound keeps a few
hundred). A worker that did not read the page (the jobs split between workers under load) fetches it
itself, as before. A failed read is shared only with the checks waiting for it at that moment (each
makes its own failed observation from it, as from its own read); it is never kept, so the next check to
ask tries again.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from monitor.model import FetchResult, Site

if TYPE_CHECKING:
    from monitor.fetch import Fetcher

PURPOSE = "homepage"
"""The shared read's fetch purpose (the fetch metrics' label): one read serves every check."""
MAX_KEPT = 512
"""Homepages kept at most (the oldest go first): bounded memory whatever the inventory or the bound."""
MAX_SCANS = 1024
"""Content scans remembered at most. At the default cadences (a homepage read and a scan every 6 h) the
next read finds its mark expired anyway; a homepage read more often than the scan (a province's faster
cadence, a benchmark) finds it here."""


class HomepageReads:
    """The homepages this process read recently, by URL, and the reads in flight."""

    def __init__(
        self,
        fetcher: Fetcher,
        reuse_s: float,
        *,
        max_kept: int = MAX_KEPT,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        self._monotonic = monotonic
        self._reuse_s = reuse_s
        self._max_kept = max_kept
        self._kept: collections.OrderedDict[str, tuple[float, FetchResult]] = collections.OrderedDict()
        self._in_flight: dict[str, asyncio.Future[FetchResult]] = {}
        self._scans: collections.OrderedDict[str, tuple[float, Mapping[str, Any]]] = collections.OrderedDict()
        self.fetched = 0
        """Homepage reads this table made (a test or a benchmark compares it with the checks that asked)."""
        self.shared = 0
        """Asks answered without a fetch of their own (in flight, or kept within the bound)."""

    async def read(self, site: Site) -> FetchResult:
        """The site's homepage as fetched (a crawl: retried), no older than the bound (0: every ask reads)."""
        url = site.url
        if self._reuse_s <= 0:
            self.fetched += 1
            return await self._fetcher.get(url, purpose=PURPOSE)
        kept = self._kept.get(url)
        if kept is not None:
            if self._monotonic() - kept[0] <= self._reuse_s:
                self.shared += 1
                return kept[1]
            del self._kept[url]
        pending = self._in_flight.get(url)
        if pending is not None:
            try:
                # shielded: a waiter cancelled (its job timed out) must not cancel the read others await
                result = await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if pending.cancelled() and (task is None or not task.cancelling()):
                    return await self.read(site)  # the reader was cancelled, not us: read it ourselves
                raise
            self.shared += 1
            return result
        return await self._fetch(url)

    async def _fetch(self, url: str) -> FetchResult:
        pending: asyncio.Future[FetchResult] = asyncio.get_running_loop().create_future()
        self._in_flight[url] = pending
        try:
            result = await self._fetcher.get(url, purpose=PURPOSE)
        except BaseException:
            pending.cancel()  # waiters read it themselves
            raise
        finally:
            del self._in_flight[url]
        self.fetched += 1
        pending.set_result(result)
        if result.ok:
            self._kept[url] = (self._monotonic(), result)
            self._kept.move_to_end(url)
            while len(self._kept) > self._max_kept:
                self._kept.popitem(last=False)
        return result

    def own_scan(self, site: Site) -> Mapping[str, Any] | None:
        """The content part of this process's last content scan of the site while its mark is valid
        (``monitor.checks.content.recent_scan``): a homepage read between two scans carries it forward
        without reading the mark back from the shared state. A scan another worker made is read there."""
        held = self._scans.get(site.id)
        if held is None:
            return None
        if self._monotonic() >= held[0]:
            del self._scans[site.id]
            return None
        return held[1]

    def scanned(self, site: Site, content: Mapping[str, Any], valid_s: float) -> None:
        """This process scanned the site's content; the mark it stores is valid ``valid_s``."""
        self._scans[site.id] = (self._monotonic() + valid_s, content)
        self._scans.move_to_end(site.id)
        while len(self._scans) > MAX_SCANS:
            self._scans.popitem(last=False)
