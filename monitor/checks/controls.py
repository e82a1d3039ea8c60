"""Control probes: is govmon's own network well enough to blame a site?

When a site's probe fails, govmon asks the control URLs (always-up sites such as the province's portal
or www.gov.cn). If every one of them fails too, the trouble is ours — a cut uplink, a dead DNS
resolver, a machine with no internet — and the probe is discarded instead of counted against the site.
One round of control probes vouches for ``control_cache_s`` seconds, so a burst of failing sites costs
one round, not one per site.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.fetch import Fetcher


class ControlProbe:
    def __init__(self, fetcher: Fetcher, urls: tuple[str, ...], *, timeout_s: float, cache_s: float) -> None:
        self._fetcher = fetcher
        self._urls = urls
        self._timeout_s = timeout_s
        self._cache_s = cache_s
        self._verdict: bool | None = None
        self._verdict_at = float("-inf")
        self._lock = asyncio.Lock()

    @property
    def configured(self) -> bool:
        return bool(self._urls)

    async def network_healthy(self) -> bool:
        """True when at least one control URL answers (or none is configured: nothing to compare with)."""
        if not self._urls:
            return True
        async with self._lock:  # one round at a time; the others reuse its verdict
            if time.monotonic() - self._verdict_at <= self._cache_s and self._verdict is not None:
                return self._verdict
            results = await asyncio.gather(
                *(self._fetcher.probe(url, timeout_s=self._timeout_s) for url in self._urls)
            )
            self._verdict = any(result.ok for result in results)
            self._verdict_at = time.monotonic()
            return self._verdict
