"""The composition root: builds the runtime once and runs the roles (scheduler, worker, api) under one TaskGroup.

Only this module and ``cli`` import everything. Signals only set the stop event; each role drains on
its own terms (the worker's grace period, the scheduler's lease release) and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import uuid
from collections.abc import Coroutine, Iterable
from typing import Any

import structlog

from monitor.checks import CHECKS, HOMEPAGE_READERS, CheckContext
from monitor.engine.evaluate import JOB_KIND as EVALUATE
from monitor.engine.evaluate import Evaluator
from monitor.engine.memory import trim_periodically
from monitor.engine.schedule import Schedule
from monitor.engine.worker import Execute, Worker
from monitor.model import Job, Observation
from monitor.notify.consumer import EventConsumer
from monitor.notify.deliver import Deliverer, OnSent
from monitor.notify.leader import NoticeLeader
from monitor.notify.policy import audience_of
from monitor.rules import RULES
from monitor.runtime import Runtime, check_context

log = structlog.get_logger(__name__)

ROLES = ("scheduler", "worker", "api")


def schedule_entries(runtime: Runtime) -> list[tuple[str, str, float]]:
    """(check, target, interval) for every applicable check of every target, plus rule evaluation."""
    settings = runtime.settings
    entries = []
    for target in runtime.targets.values():
        for check in CHECKS.values():
            if check.applies_to(target, settings):
                entries.append((check.name, target.id, check.interval_s(target, settings)))
        entries.append((EVALUATE, target.id, settings.engine.evaluate_interval_s))
    return entries


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
        if check is None or not check.applies_to(target, runtime.settings):
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
        async with asyncio.TaskGroup() as group:
            group.create_task(worker.run(stop, until_idle=until_idle), name="worker")
            if not until_idle:  # the notifier's event consumer and outbox delivery run in every worker
                group.create_task(notice_consumer(runtime).run(stop), name="notify-events")
                group.create_task(notice_deliverer(runtime).run(stop), name="notify-outbox")
                group.create_task(trim_periodically(stop), name="malloc-trim")  # freed heap to the kernel


def notice_consumer(runtime: Runtime) -> EventConsumer:
    audience = audience_of(runtime.targets.values(), runtime.settings.notify)
    return EventConsumer(
        runtime.redis,
        runtime.keys,
        runtime.settings.notify,
        audience,
        runtime.clock,
        consumer=consumer_name("notify"),
    )


def notice_deliverer(runtime: Runtime, on_sent: OnSent | None = None) -> Deliverer:
    settings = runtime.settings.notify
    return Deliverer(runtime.redis, runtime.keys, settings, runtime.metrics, runtime.clock, on_sent=on_sent)


def notice_leader(runtime: Runtime) -> NoticeLeader:
    settings = runtime.settings
    audience = audience_of(runtime.targets.values(), settings.notify)
    return NoticeLeader(
        runtime.redis, runtime.keys, settings.notify, settings.inspection, audience, runtime.clock
    )


async def run_scheduler(runtime: Runtime, stop: asyncio.Event) -> None:
    schedule = Schedule(runtime.redis, runtime.keys, runtime.metrics, runtime.clock)
    await schedule.sync(schedule_entries(runtime), together=HOMEPAGE_READERS)
    await runtime.findings().forget_except(runtime.targets)
    engine = runtime.settings.engine
    async with asyncio.TaskGroup() as group:
        group.create_task(
            schedule.run(stop, runtime.queue(), owner=consumer_name("scheduler"), settings=engine)
        )
        # reminders and digests: decided by the notifier's leader only (its own lease)
        leader = notice_leader(runtime)
        group.create_task(leader.run(stop, owner=consumer_name("notifier"), lease_ttl_s=engine.lease_ttl_s))


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
            group.create_task(_stops_all(run_scheduler(runtime, stop), stop), name="scheduler")
        if "worker" in roles:
            group.create_task(_stops_all(run_worker(runtime, stop), stop), name="worker")
        if listen is not None:
            shared = "api" in roles  # only API processes report shared queue/finding gauges
            api = run_api(runtime, stop, listen, shared_gauges=shared)
            group.create_task(_stops_all(api, stop), name="api")
    log.info("govmon.stopped", roles=sorted(roles))


async def _stops_all(role: Coroutine[Any, Any, None], stop: asyncio.Event) -> None:
    """A role that fails (the API's port taken) sets ``stop`` as a signal would, so the others drain and
    return the graceful way. Cancellation by the task group alone was not enough: ``govmon run --listen``
    on an address not of this machine printed nothing and kept running, its scheduler and notifier loops
    alive (Python 3.11); with ``stop`` set it exits at once with one line and status 2."""
    try:
        await role
    except BaseException:
        stop.set()
        raise
