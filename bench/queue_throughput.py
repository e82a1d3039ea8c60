"""Job throughput of govmon's queue alone: schedule → stream, claim, ack, on one Redis, with a no-op check.

``python -m bench.queue_throughput [--jobs 20000] [--seconds 20] [--slots 64] [--write docs/benchmarks.md]``

Everything is govmon's own code (``Schedule``, ``JobQueue``, ``Worker``, ``Store``) in this one process,
against an embedded redis-server that this benchmark starts (a unix socket, as govmon's embedded Redis
uses). Four phases, each on fresh keys:

1. schedule → stream: ``--jobs`` entries all due, ``Schedule.tick`` until every one is in the stream
   (a stand-in heartbeat announces enough free slots for back-pressure to let them all through);
2. claim + ack: one ``Worker`` (``--slots``) drains those jobs in burst mode, ``execute`` returning None
   (the job is only acked, as rule evaluation is);
3. claim + record + ack: the same, ``execute`` returning a small observation (the record-and-ack Lua
   script, then bringing evaluation forward: every check's path);
4. steady state: ``Schedule.run`` (``--tick-s``) and the worker together for ``--seconds``, entries due
   far more often than the worker can serve, so back-pressure bounds the stream.

CPU is this process's (user + system) and redis-server's, per job.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import report
from bench.workload import cpu_seconds, own_cpu_seconds
from monitor import logs
from monitor.clock import SystemClock
from monitor.engine.kv.connect import EmbeddedRedis, client
from monitor.engine.kv.keys import Keys
from monitor.engine.queue import JobQueue
from monitor.engine.schedule import Schedule
from monitor.engine.store import Store
from monitor.engine.worker import Worker
from monitor.metrics import Metrics
from monitor.model import Job, Observation, Outcome
from monitor.settings import EngineSettings

SECTION = "queue"
CHECK = "noop"


@dataclasses.dataclass(frozen=True)
class Phase:
    name: str
    jobs: int
    wall_s: float
    cpu_s: float
    redis_cpu_s: float

    @property
    def jobs_per_s(self) -> float:
        return self.jobs / self.wall_s if self.wall_s > 0 else 0.0


class Bench:
    """One Redis, fresh keys per phase, govmon's engine objects built as ``monitor.app`` builds them."""

    def __init__(self, server: EmbeddedRedis, slots: int) -> None:
        self.server = server
        self.redis = client(server.url)
        self.settings = EngineSettings(slots=slots)
        self.clock = SystemClock()
        self.fresh()

    def fresh(self) -> None:
        self.keys = Keys(prefix=f"bench{uuid.uuid4().hex[:8]}")
        self.metrics = Metrics()
        self.queue = JobQueue(self.redis, self.keys, self.metrics, self.settings)
        self.schedule = Schedule(self.redis, self.keys, self.metrics, self.clock)

    def worker(self, execute: Callable[[Job], Awaitable[Observation | None]]) -> Worker:
        return Worker(
            self.redis,
            self.keys,
            self.queue,
            Store(self.redis, self.keys),
            self.schedule,
            execute,
            self.metrics,
            self.settings,
            consumer=f"bench-worker-{uuid.uuid4().hex[:6]}",
            clock=self.clock,
        )

    async def measured(self, name: str, jobs: Callable[[], int], body: Awaitable[object]) -> Phase:
        assert self.server.process is not None
        redis_pid = self.server.process.pid
        wall, cpu, redis_cpu = time.perf_counter(), own_cpu_seconds(), cpu_seconds(redis_pid)
        await body
        return Phase(
            name,
            jobs(),
            time.perf_counter() - wall,
            own_cpu_seconds() - cpu,
            cpu_seconds(redis_pid) - redis_cpu,
        )

    def done(self, check: str = CHECK) -> int:
        total = 0.0
        for outcome in ("none", "ok"):
            total += (
                self.metrics.registry.get_sample_value(
                    "govmon_jobs_total", {"check": check, "outcome": outcome}
                )
                or 0.0
            )
        return int(total)

    def enqueued(self) -> int:
        value = self.metrics.registry.get_sample_value("govmon_jobs_enqueued_total", {"check": CHECK})
        return int(value or 0)


async def noop(job: Job) -> None:
    return None


async def observe(job: Job) -> Observation:
    return Observation(job.check, job.target_id, job.job_id, time.time(), Outcome.OK, None, {"status": 200})


async def fill_schedule(bench: Bench, jobs: int, interval_s: float) -> None:
    await bench.schedule.sync((CHECK, f"43{index:08d}", interval_s) for index in range(jobs))
    # sync spreads first due times over one interval; make every entry due now
    members: list[str] = [str(member) for member in await bench.redis.zrange(bench.keys.schedule, 0, -1)]
    now = bench.clock.now()
    for start in range(0, len(members), 1000):
        await bench.redis.zadd(bench.keys.schedule, {m: now - 1 for m in members[start : start + 1000]})
    await bench.queue.ensure_group()


async def schedule_phase(bench: Bench, jobs: int) -> Phase:
    await fill_schedule(bench, jobs, interval_s=86400)
    owner = "bench-scheduler"
    await bench.redis.set(bench.keys.lease("scheduler"), owner, px=600_000)
    await bench.queue.heartbeat("bench-capacity", slots=jobs, in_flight=0, ttl_s=600)

    async def ticks() -> None:
        while bench.enqueued() < jobs:
            await bench.schedule.tick(bench.queue, bench.settings, owner=owner)

    phase = await bench.measured("schedule → stream (Schedule.tick)", bench.enqueued, ticks())
    await bench.queue.forget_worker("bench-capacity")
    return phase


async def drain_phase(
    bench: Bench, name: str, execute: Callable[[Job], Awaitable[Observation | None]]
) -> Phase:
    worker = bench.worker(execute)
    return await bench.measured(name, bench.done, worker.run(asyncio.Event(), until_idle=True))


async def steady_phase(bench: Bench, seconds: float, targets: int, tick_s: float) -> Phase:
    await fill_schedule(bench, targets, interval_s=0.05)
    stop = asyncio.Event()
    worker = bench.worker(noop)
    settings = bench.settings.model_copy(update={"tick_s": tick_s})

    async def run_for() -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(bench.schedule.run(stop, bench.queue, owner="bench-leader", settings=settings))
            group.create_task(worker.run(stop))
            await asyncio.sleep(2.0)  # warm-up: leader elected, stream flowing
            start = bench.done()
            measured = await bench.measured("", lambda: bench.done() - start, asyncio.sleep(seconds))
            stop.set()
        results.append(measured)

    results: list[Phase] = []
    await run_for()
    return dataclasses.replace(
        results[0], name=f"steady state: Schedule.run (`tick_s` {tick_s:g}) + Worker, no-op, acked"
    )


async def run(args: argparse.Namespace) -> list[Phase]:
    with tempfile.TemporaryDirectory(prefix="govmon-qbench-", dir="/tmp") as tmp:
        server = EmbeddedRedis(Path(tmp) / "redis").start()
        bench = Bench(server, args.slots)
        phases: list[Phase] = []
        try:
            phases.append(await schedule_phase(bench, args.jobs))
            phases.append(await drain_phase(bench, "claim + ack, no-op execute (Worker)", noop))
            bench.fresh()
            await schedule_phase(bench, args.jobs)
            phases.append(await drain_phase(bench, "claim + record observation + ack (Worker)", observe))
            for tick_s in args.tick_s:
                bench.fresh()
                phases.append(await steady_phase(bench, args.seconds, args.targets, tick_s))
        finally:
            with contextlib.suppress(Exception):
                await bench.redis.aclose()
            server.stop()
        return phases


def render(args: argparse.Namespace, phases: list[Phase]) -> str:
    rows = [
        [
            phase.name,
            phase.jobs,
            f"{phase.wall_s:.2f}",
            f"{phase.jobs_per_s:,.0f}",
            f"{1000 * phase.cpu_s / max(1, phase.jobs):.3f}",
            f"{1000 * phase.redis_cpu_s / max(1, phase.jobs):.3f}",
        ]
        for phase in phases
    ]
    command = f"python -m bench.queue_throughput --jobs {args.jobs} --seconds {args.seconds:g}"
    if args.write:
        command += f" --write {args.write}"
    return "\n".join(
        [
            "### Queue: jobs per second on one Redis",
            "",
            f"- Command: `{command}`",
            f"- Machine: {report.machine()}",
            f"- Date: {report.today()}; govmon at {report.revision()}",
            f"- One process (govmon's `Schedule`, `JobQueue`, `Worker`, `Store`; `engine.slots` {args.slots}) "
            f"against one embedded redis-server on a unix socket (AOF everysec, as govmon runs it); "
            f"{args.jobs} jobs per batch phase, {args.targets} schedule entries in the steady state.",
            "",
            report.table(
                ["phase", "jobs", "wall s", "jobs/s", "govmon CPU ms/job", "redis-server CPU ms/job"], rows
            ),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.queue_throughput", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--jobs", type=int, default=20_000, help="jobs per batch phase")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the steady-state phase")
    parser.add_argument("--targets", type=int, default=1000, help="schedule entries in the steady state")
    parser.add_argument("--slots", type=int, default=64)
    parser.add_argument(
        "--tick-s",
        type=lambda text: [float(part) for part in text.split(",")],
        default=[0.5, 0.05],
        help="steady-state phases, one per engine.tick_s (comma-separated; 0.5 is the default)",
    )
    parser.add_argument(
        "--write", type=Path, metavar="MARKDOWN", help="replace this benchmark's section here"
    )
    args = parser.parse_args()
    logs.configure(level="WARNING")
    phases = asyncio.run(run(args))
    text = render(args, phases)
    print(text)
    if args.write:
        report.replace_section(args.write, SECTION, text)
        print(f"\nwrote the {SECTION!r} section of {args.write}")


if __name__ == "__main__":
    main()
