"""One run of the fault bench (``bench/faults.py``): its Redis, the relay its workers reach Redis through, two
schedulers and the workers, and the faults done to them at the planned moments (worker SIGKILLs with a
replacement, the leading scheduler SIGKILLed, the relay cut and restored, Redis SIGKILLed and restarted on its
AOF); then the schedulers stop and the workers drain the queue.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import faultnet
from bench.faultaudit import JobTap
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port

PREFIX = "govmon"


@dataclasses.dataclass
class Setup:
    directory: Path
    sim_config: dict[str, Any]
    netns: faultnet.Network | None
    relay_host: str
    resolve: dict[str, str]


class Run:
    """One run's processes, Redis and relay; ``faults`` decides whether anything is done to them."""

    def __init__(self, name: str, setup: Setup, args: argparse.Namespace, config_path: Path) -> None:
        self.name = name
        self.setup = setup
        self.args = args
        self.config_path = config_path
        self.directory = setup.directory / name
        self.directory.mkdir()
        self.redis = EmbeddedRedis(self.directory / "redis", port=free_port())
        self.relay: faultnet.Relay | None = None
        self.schedulers: list[subprocess.Popen[bytes]] = []
        self.workers: dict[str, subprocess.Popen[bytes]] = {}  # slot → process
        self.exits: list[int | None] = []
        self.events: list[str] = []
        self.started = 0.0
        self.drained = False
        self.as_of = 0.0  # when the queue drained: the run is judged at that moment
        self.tap = JobTap()
        self._spawned = 0

    def kill_all(self) -> None:
        """What is still running after an interrupted run: nothing of ours outlives the bench."""
        for proc in [*self.workers.values(), *self.schedulers]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.redis.stop()

    def note(self, text: str) -> None:
        line = f"{time.monotonic() - self.started:6.1f} s  {text}"
        self.events.append(line)
        print(f"[{self.name}] {line}", flush=True)

    def _spawn(self, role: str, url: str, prefix: list[str]) -> subprocess.Popen[bytes]:
        self._spawned += 1
        env = {**os.environ, "GOVMON_REDIS_URL": url, "GOVMON_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
        with (self.directory / f"{role}{self._spawned}.log").open("wb") as log:
            return subprocess.Popen(
                [*prefix, sys.executable, "-m", "monitor", role, "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip

    def start_scheduler(self) -> None:
        self.schedulers.append(self._spawn("scheduler", self.redis.url, []))

    def start_worker(self, slot: str) -> None:
        assert self.relay is not None
        prefix = ["ip", "netns", "exec", slot] if self.setup.netns else []
        self.workers[slot] = self._spawn(
            "worker", f"redis://{self.relay.listen_host}:{self.relay.port}/0", prefix
        )

    async def leader_pid(self) -> int | None:
        """The pid in the scheduler lease's holder (``host:pid:role:…``)."""
        redis = client(self.redis.url)
        try:
            holder = await redis.get(f"{PREFIX}:lease:scheduler")
        finally:
            await redis.aclose()
        if not holder:
            return None
        return int((holder.decode() if isinstance(holder, bytes) else holder).split(":")[1])


async def run_once(run: Run, slots: list[str], faults: bool) -> None:
    args = run.args
    run_s = args.minutes * 60
    run.redis.start()
    run.relay = faultnet.Relay(run.setup.relay_host, ("127.0.0.1", run.redis.port))
    await run.relay.start()
    run.started = time.monotonic()
    tapping = asyncio.create_task(run.tap.follow(run.redis.url))
    run.start_scheduler()
    run.start_scheduler()
    for slot in slots:
        run.start_worker(slot)
    run.note(
        f"started: 2 schedulers, {len(slots)} workers ({'namespaces' if run.setup.netns else 'processes'})"
    )
    plan = fault_plan(args, slots) if faults else []
    for at_s, what, detail in plan:
        await asyncio.sleep(max(0.0, run.started + at_s - time.monotonic()))
        await inflict(run, what, detail)
    await asyncio.sleep(max(0.0, run.started + run_s - time.monotonic()))
    run.note("load phase over: schedulers stopped, the workers drain the queue")
    for proc in run.schedulers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    run.drained = await drain(run, timeout_s=120)
    run.as_of = time.time()
    run.note("queue drained" if run.drained else "queue NOT drained within 120 s")
    for proc in run.workers.values():
        proc.send_signal(signal.SIGTERM)
    for proc in [*run.workers.values(), *run.schedulers]:
        try:
            run.exits.append(await asyncio.to_thread(proc.wait, 30))
        except subprocess.TimeoutExpired:
            proc.kill()
            run.exits.append(await asyncio.to_thread(proc.wait))
    run.tap.stop()
    await tapping
    await run.relay.cut()


def fault_plan(args: argparse.Namespace, slots: list[str]) -> list[tuple[float, str, str]]:
    """When each fault strikes (seconds into the run): the cut at a quarter, the scheduler failover past
    half-way, the Redis restart near the end, and random worker SIGKILLs (each followed by a replacement)
    throughout."""
    run_s = args.minutes * 60
    rng = random.Random(args.seed)
    cut_at = run_s * 0.25
    plan = [
        (run_s * 0.6, "failover", ""),
        (cut_at, "cut", ""),
        (max(run_s * 0.85, cut_at + args.cut_s + 8), "redis-restart", ""),
    ]
    kills = args.kills if args.kills is not None else max(2, round(args.minutes))
    plan += [(rng.uniform(run_s * 0.05, run_s * 0.95), "kill", rng.choice(slots)) for _ in range(kills)]
    plan.append((cut_at + args.cut_s, "restore", ""))
    return sorted(plan)


async def inflict(run: Run, what: str, detail: str) -> None:
    assert run.relay is not None
    if what == "kill":
        proc = run.workers[detail]
        proc.kill()
        await asyncio.to_thread(proc.wait)
        run.start_worker(detail)
        run.note(f"worker in {detail} SIGKILLed (pid {proc.pid}); a replacement started there")
    elif what == "failover":
        pid = await run.leader_pid()
        deadline = time.monotonic() + 30
        while pid is None and time.monotonic() < deadline:  # the first election may still be under way
            await asyncio.sleep(0.2)
            pid = await run.leader_pid()
        leader = next((p for p in run.schedulers if p.pid == pid), None)
        if leader is None:
            run.note(f"failover skipped: the lease names pid {pid}, not one of ours")
            return
        leader.kill()
        await asyncio.to_thread(leader.wait)
        run.note(f"leading scheduler SIGKILLed (pid {pid})")
        deadline = time.monotonic() + 30
        new = await run.leader_pid()
        while new in (None, pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            new = await run.leader_pid()
        run.note(f"scheduler pid {new} holds the lease now")
        run.start_scheduler()  # a new standby, as a supervisor would restart the dead one
    elif what == "cut":
        await run.relay.cut()
        run.note(f"link to Redis cut (relay stopped) for {run.args.cut_s:g} s")
    elif what == "restore":
        await run.relay.start()
        run.note("link to Redis restored")
    elif what == "redis-restart":
        await asyncio.to_thread(run.redis.kill)
        await asyncio.to_thread(run.redis.start)
        run.note("Redis SIGKILLed and restarted on its AOF")


async def drain(run: Run, timeout_s: float) -> bool:
    redis = client(run.redis.url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                length = await redis.xlen(f"{PREFIX}:jobs")
                pending = (await redis.xpending(f"{PREFIX}:jobs", "workers"))["pending"]
                if length == 0 and pending == 0:
                    return True
            await asyncio.sleep(0.5)
        return False
    finally:
        await redis.aclose()
