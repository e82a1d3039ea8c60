"""The runtime every role of one process shares: the loaded configuration, Redis, metrics, the clock,
and the check context a worker (or a one-shot command) runs checks with.

Built once by ``open_runtime``; ``app`` runs the roles on it, ``api`` and the commands read it. It sits in
its own module so that the API imports it without importing the roles (no cycle).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import re
from collections.abc import AsyncIterator

import redis.asyncio as aioredis
import structlog

from monitor.checks import CHECKS, HOMEPAGE_READERS, CheckContext
from monitor.checks.controls import ControlProbe
from monitor.checks.homepage_reads import HomepageReads
from monitor.checks.links.checker import LinkChecker
from monitor.clock import Clock, SystemClock
from monitor.engine.evidence import EvidenceStore
from monitor.engine.findings import FindingStore
from monitor.engine.kv.connect import EmbeddedRedis, RedisUnavailable, client
from monitor.engine.kv.keys import Keys
from monitor.engine.kv.state import RedisState
from monitor.engine.loopwatch import LoopWatch
from monitor.engine.queue import JobQueue
from monitor.engine.retention import history_bounds
from monitor.engine.store import Store
from monitor.fetch import Fetcher
from monitor.inventory import Loaded
from monitor.metrics import Metrics
from monitor.model import Target
from monitor.settings import Settings

log = structlog.get_logger(__name__)


@dataclasses.dataclass
class Runtime:
    """What every role shares in one process: the loaded configuration, Redis, metrics and the clock."""

    loaded: Loaded
    redis: aioredis.Redis
    keys: Keys
    metrics: Metrics
    clock: Clock
    redis_url: str
    embedded: EmbeddedRedis | None = None

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    @functools.cached_property
    def targets(self) -> dict[str, Target]:
        """Every loaded target by id (the inventory does not change while a process runs)."""
        targets: list[Target] = [*self.loaded.sites, *self.loaded.accounts]
        return {t.id: t for t in targets}

    def store(self) -> Store:
        """Observations live a day beyond the availability window (the keys' TTL); each history is trimmed
        to what the rules that read it look back (``monitor.engine.retention``)."""
        retention_s = (self.settings.availability.window_days + 1) * 86400
        intervals = {name: check.interval(self.settings) for name, check in CHECKS.items()}
        bounds = history_bounds(self.settings, intervals)
        return Store(self.redis, self.keys, retention_s=retention_s, bounds=bounds)

    def findings(self) -> FindingStore:
        return FindingStore(self.redis, self.keys)

    def queue(self) -> JobQueue:
        return JobQueue(self.redis, self.keys, self.metrics, self.settings.engine)


def redacted(url: str) -> str:
    """A Redis URL fit for logs: passwords (the master's, and a Sentinel URL's ``sentinel_password``)
    never leave the environment."""
    url = re.sub(r"(sentinel_password=)[^&]*", r"\1***", url)
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


REDIS_RETRY_FIRST_S = 0.5
REDIS_RETRY_MAX_S = 30.0
"""Back-off between attempts while a role waits for Redis: quick at first (a Redis restarting), then at
most every 30 s (a Redis down for maintenance), so a fleet of waiting workers does not hammer it."""


@contextlib.asynccontextmanager
async def open_runtime(
    loaded: Loaded,
    *,
    keys: Keys | None = None,
    clock: Clock | None = None,
    stop_embedded: bool = True,
    wait_until: asyncio.Event | None = None,
) -> AsyncIterator[Runtime]:
    """Connect to the configured Redis, or start (or join) the embedded one under the data directory.

    The embedded server is shared by every process of the data directory (CONTRACT.md): this one attaches
    to it and detaches when done, and the last process to detach stops it, so one role exiting never takes
    Redis from a sibling and a lone ``govmon api`` leaves none behind. ``stop_embedded=False`` detaches but
    leaves it running even when this process was the last user.
    ``wait_until``: long-running roles pass their stop event and wait for an unreachable Redis, retrying
    with back-off until it answers or they are stopped (a worker started before Redis, or under a
    supervisor that does not restart it, must not stay dead); one-shot commands pass nothing and fail at
    once with the reason.
    """
    settings = loaded.settings
    url = settings.effective_redis_url()
    embedded = None
    if not url:
        embedded = EmbeddedRedis(settings.effective_data_dir() / "redis")
        await asyncio.to_thread(embedded.start)
        url = embedded.url
    conn = client(url)
    try:
        await _reach(conn, url, wait_until)
    except BaseException:
        await conn.aclose()
        raise
    log.info("redis.connected", url=redacted(url), embedded=embedded is not None)
    metrics = Metrics()
    metrics.targets.labels("site").set(len(loaded.sites))
    metrics.targets.labels("account").set(len(loaded.accounts))
    metrics.inventory_problems.set(len(loaded.problems))
    runtime = Runtime(loaded, conn, keys or Keys(), metrics, clock or SystemClock(), url, embedded)
    try:
        yield runtime
    finally:
        await conn.aclose()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop if stop_embedded else embedded.detach)


@contextlib.asynccontextmanager
async def check_context(runtime: Runtime) -> AsyncIterator[CheckContext]:
    """The fetcher, loop watch, control probes, shared state and link checker a worker (or a one-shot check)
    runs checks with: the composition root of ``CheckContext``."""
    settings = runtime.settings
    watch = LoopWatch(metrics=runtime.metrics)
    async with Fetcher(
        settings.fetch,
        allow_private=settings.private_networks_allowed(),
        resolve=settings.resolve,
        metrics=runtime.metrics,
    ) as fetcher:
        controls = ControlProbe(
            fetcher,
            settings.control_urls,
            timeout_s=settings.availability.timeout_s,
            cache_s=settings.availability.control_cache_s,
        )
        state = RedisState(runtime.redis, runtime.keys)
        links = LinkChecker(fetcher, settings.links, state=state)
        homepages = HomepageReads(fetcher, homepage_reuse_s(settings))
        await watch.start()
        try:
            yield CheckContext(
                fetcher,
                settings,
                runtime.clock,
                runtime.metrics,
                watch,
                controls,
                log,
                state=state,
                links=links,
                evidence=EvidenceStore(
                    runtime.redis,
                    runtime.keys,
                    budget_bytes=settings.evidence.budget_bytes,
                    retention_days=settings.evidence.retention_days,
                ),
                homepages=homepages,
            )
        finally:
            await links.drain()  # writes of jobs cancelled at shutdown land while Redis is up
            await watch.stop()


def homepage_reuse_s(settings: Settings) -> float:
    """How long one homepage read serves the checks that start from it: ``crawl.homepage_reuse_s``, at most
    half the shortest interval of those checks (a homepage read every 10 minutes must not reuse the last)."""
    shortest_s = min(CHECKS[name].interval(settings) for name in HOMEPAGE_READERS)
    return min(settings.crawl.homepage_reuse_s, shortest_s / 2)


async def _reach(conn: aioredis.Redis, url: str, wait_until: asyncio.Event | None) -> None:
    """PING until Redis answers; without ``wait_until`` one failure is fatal (RedisUnavailable with the reason,
    which the command line prints as one line, exit 2)."""
    delay_s = REDIS_RETRY_FIRST_S
    attempt = 0
    while True:
        attempt += 1
        try:
            await conn.ping()
            return
        except Exception as exc:
            if wait_until is None:
                raise RedisUnavailable(
                    f"cannot reach Redis at {redacted(url)}: {exc} (is it running? is GOVMON_REDIS_URL right?)"
                ) from exc
            log.warning(
                "redis.unreachable", url=redacted(url), error=str(exc), attempt=attempt, retry_in_s=delay_s
            )
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay_s):
                await wait_until.wait()
        if wait_until.is_set():
            raise SystemExit(0)  # stopped while waiting: nothing was started, nothing to drain
        delay_s = min(delay_s * 2, REDIS_RETRY_MAX_S)
