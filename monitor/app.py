"""The composition root: builds the runtime once and runs the roles (scheduler, worker, api) under one TaskGroup.

Only this module and ``cli`` import everything. Signals only set the stop event; each role drains on
its own terms (the worker's grace period, the scheduler's lease release) and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Iterable

import redis.asyncio as aioredis
import structlog

from monitor.checks import CHECKS, CheckContext
from monitor.checks.controls import ControlProbe
from monitor.clock import Clock, SystemClock
from monitor.evaluate import JOB_KIND as EVALUATE
from monitor.evaluate import Evaluator
from monitor.fetch import Fetcher
from monitor.findings import FindingStore
from monitor.inventory import Loaded
from monitor.kv.connect import EmbeddedRedis, client
from monitor.kv.keys import Keys
from monitor.loopwatch import LoopWatch
from monitor.metrics import Metrics
from monitor.model import Job, Observation, Target
from monitor.queue import JobQueue
from monitor.rules import RULES
from monitor.schedule import Schedule
from monitor.settings import Settings
from monitor.store import Store
from monitor.worker import Execute, Worker

log = structlog.get_logger(__name__)

ROLES = ("scheduler", "worker", "api")


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
        """Observations kept a day beyond the availability window, the longest any rule looks back yet."""
        retention_s = (self.settings.availability.window_days + 1) * 86400
        return Store(self.redis, self.keys, retention_s=retention_s)

    def findings(self) -> FindingStore:
        return FindingStore(self.redis, self.keys)

    def queue(self) -> JobQueue:
        return JobQueue(self.redis, self.keys, self.metrics, self.settings.engine)


def redacted(url: str) -> str:
    """A Redis URL fit for logs: the password never leaves the environment."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


@contextlib.asynccontextmanager
async def open_runtime(
    loaded: Loaded, *, keys: Keys | None = None, clock: Clock | None = None, stop_embedded: bool = True
) -> AsyncIterator[Runtime]:
    """Connect to the configured Redis, or start (or join) the embedded one under the data directory.

    ``stop_embedded``: stop an embedded server this process started when done. Role processes
    (``govmon worker`` …) pass False so that the others sharing it keep running.
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
        await conn.ping()
    except Exception as exc:
        await conn.aclose()
        raise SystemExit(f"govmon: cannot reach Redis at {redacted(url)}: {exc}") from exc
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
        if embedded is not None and stop_embedded:
            await asyncio.to_thread(embedded.stop)


def schedule_entries(runtime: Runtime) -> list[tuple[str, str, float]]:
    """(check, target, interval) for every applicable check of every target, plus rule evaluation."""
    settings = runtime.settings
    entries = []
    for target in runtime.targets.values():
        for check in CHECKS.values():
            if check.applies_to(target):
                entries.append((check.name, target.id, check.interval_s(target, settings)))
        entries.append((EVALUATE, target.id, settings.engine.evaluate_interval_s))
    return entries


@contextlib.asynccontextmanager
async def check_context(runtime: Runtime) -> AsyncIterator[CheckContext]:
    """The fetcher, loop watch and control probes a worker (or a one-shot check) runs checks with."""
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
                redis=runtime.redis,
                keys=runtime.keys,
            )
        finally:
            await watch.stop()


def executor(runtime: Runtime, ctx: CheckContext, evaluator: Evaluator) -> Execute:
    """The worker's job → observation function: dispatch through CHECKS, or evaluate the rules."""
    targets = runtime.targets

    async def execute(job: Job) -> Observation | None:
        target = targets.get(job.target_id)
        if target is None:
            log.info("job.target_gone", job_id=job.job_id, target=job.target_id)
            return None  # removed from the inventory since it was scheduled: ack and forget
        if job.check == EVALUATE:
            await evaluator.evaluate(target, runtime.clock.now())
            return None
        check = CHECKS.get(job.check)
        if check is None:
            log.warning("job.unknown_check", job_id=job.job_id, check=job.check)
            return None
        return await check.run(target, job.job_id, ctx)

    return execute


def consumer_name(role: str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{role}:{uuid.uuid4().hex[:6]}"


async def run_worker(runtime: Runtime, stop: asyncio.Event, *, until_idle: bool = False) -> None:
    store = runtime.store()
    evaluator = Evaluator(store, runtime.findings(), runtime.settings)
    schedule = Schedule(runtime.redis, runtime.keys, runtime.metrics, runtime.clock)
    async with check_context(runtime) as ctx:
        worker = Worker(
            runtime.redis,
            runtime.keys,
            runtime.queue(),
            store,
            schedule,
            executor(runtime, ctx, evaluator),
            runtime.metrics,
            runtime.settings.engine,
            consumer=consumer_name("worker"),
            clock=runtime.clock,
            evaluate_after={check for rule in RULES for check in rule.needs},
        )
        await worker.run(stop, until_idle=until_idle)


async def run_scheduler(runtime: Runtime, stop: asyncio.Event) -> None:
    schedule = Schedule(runtime.redis, runtime.keys, runtime.metrics, runtime.clock)
    await schedule.sync(schedule_entries(runtime))
    await runtime.findings().forget_except(runtime.targets)
    await schedule.run(
        stop, runtime.queue(), owner=consumer_name("scheduler"), settings=runtime.settings.engine
    )


async def run_api(
    runtime: Runtime, stop: asyncio.Event, listen: tuple[str, int], *, shared_gauges: bool
) -> None:
    from monitor.api import serve

    await serve(runtime, stop, listen, shared_gauges=shared_gauges)


def install_signal_handlers(stop: asyncio.Event) -> None:
    """SIGTERM/SIGINT only set the stop event; the roles drain and return on their own."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def run_roles(
    runtime: Runtime, roles: Iterable[str], stop: asyncio.Event, listen: tuple[str, int] | None
) -> None:
    roles = set(roles)
    async with asyncio.TaskGroup() as group:
        if "scheduler" in roles:
            group.create_task(run_scheduler(runtime, stop), name="scheduler")
        if "worker" in roles:
            group.create_task(run_worker(runtime, stop), name="worker")
        if listen is not None:
            shared = "api" in roles  # only API processes report shared queue/finding gauges
            group.create_task(run_api(runtime, stop, listen, shared_gauges=shared), name="api")
    log.info("govmon.stopped", roles=sorted(roles))
