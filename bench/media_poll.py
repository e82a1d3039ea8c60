"""Accounts polled per second against one simulated feed bridge, with and without 304s.

``python -m bench.media_poll [--accounts 2000] [--concurrency 64] [--rounds 3] [--no-redis]`` (from the
repository root).

The simulator runs in its own process (``python -m monitor.sim serve --sites 0 --accounts N``), so its CPU
is not counted: every account sits on one bridge host (``rsshub.example.net``), a third each in RSS 2.0,
Atom and JSON Feed, 8–20 entries a feed. This process runs the ``media`` check itself (``poll_account``:
conditional GET through the shared ``Fetcher``, parse, summarise, keep the validators in ``ctx.state``:
Redis) over every
account, ``--concurrency`` at a time, in three passes per round:

* ``cold``: first poll of every account (connections opened, the simulator renders and caches each feed);
* ``full``: a fresh check (no validators kept), so every feed is fetched and parsed again: polling without
  304s;
* ``304``: the same check again: every poll sends If-None-Match / If-Modified-Since and gets a 304.

Politeness: the bridge's per-host limits are raised to ``--concurrency`` and ``--per-host-rate`` (an
ops-run bridge; the default 4 requests/s per host would make this a measure of politeness, not of govmon).
CPU is this process's user + system time (``time.process_time``), divided by accounts polled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
import structlog
import yaml

from monitor.checks.base import CheckContext
from monitor.checks.controls import ControlProbe
from monitor.checks.media.check import poll_account
from monitor.checks.state import MemoryState
from monitor.clock import SystemClock
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.engine.kv.state import RedisState
from monitor.engine.loopwatch import LoopWatch
from monitor.fetch import Fetcher
from monitor.metrics import Metrics
from monitor.model import Account, Outcome
from monitor.settings import Settings


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.media_poll", description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64, help="polls in flight (worker slots)")
    parser.add_argument(
        "--per-host-rate", type=int, default=100_000, help="bridge requests started per second"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three passes; medians reported")
    parser.add_argument("--no-redis", action="store_true", help="keep validators in process, not in Redis")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


@contextlib.contextmanager
def simulator(directory: Path, accounts: int, seed: int) -> Any:
    """The simulator in a child process; yields the govmon configuration it wrote."""
    config = directory / "sim.yaml"
    command = [sys.executable, "-m", "monitor.sim", "serve", "--seed", str(seed), "--sites", "0",
               "--accounts", str(accounts), "--write-config", str(config)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not config.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the simulator did not start")
            time.sleep(0.1)
        yield yaml.safe_load(config.read_text(encoding="utf-8"))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


@contextlib.asynccontextmanager
async def context(
    inventory: dict[str, Any], args: argparse.Namespace, directory: Path
) -> AsyncIterator[tuple[CheckContext, aioredis.Redis | None]]:
    settings = Settings(
        resolve=inventory["resolve"],
        allow_private_networks=True,
        fetch={
            "concurrency": args.concurrency,
            "per_host_concurrency": args.concurrency,
            "per_host_rate": {"requests": args.per_host_rate, "period_s": 1.0},
        },
    )
    redis_server = None if args.no_redis else EmbeddedRedis(directory / "redis", port=free_port()).start()
    redis = client(redis_server.url) if redis_server else None
    try:
        async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
            controls = ControlProbe(fetcher, (), timeout_s=15.0, cache_s=30.0)
            state = RedisState(redis, Keys(prefix="bench")) if redis is not None else MemoryState()
            yield CheckContext(
                fetcher, settings, SystemClock(), Metrics(), LoopWatch(), controls, structlog.get_logger(),
                state=state,
            ), redis  # fmt: skip
    finally:
        if redis is not None:
            await redis.aclose()
        if redis_server is not None:
            redis_server.stop()


async def forget(ctx: CheckContext, redis: aioredis.Redis | None) -> CheckContext:
    """The context with every account's validators forgotten (the next poll of each is a full read)."""
    if redis is None:
        return dataclasses.replace(ctx, state=MemoryState())
    await redis.flushdb()
    return ctx


async def poll_all(accounts: list[Account], ctx: CheckContext, concurrency: int) -> dict[str, float]:
    """One pass: every account polled once. Returns wall seconds, CPU seconds and the outcomes."""
    gate = asyncio.Semaphore(concurrency)
    outcomes = {"ok": 0, "not_modified": 0, "failed": 0}

    async def one(account: Account) -> None:
        async with gate:
            obs = await poll_account(account, f"bench:{account.id}", ctx)
        if obs.outcome is not Outcome.OK:
            outcomes["failed"] += 1
        elif obs.payload.get("not_modified"):
            outcomes["not_modified"] += 1
        else:
            outcomes["ok"] += 1

    started, cpu_started = time.perf_counter(), time.process_time()
    async with asyncio.TaskGroup() as group:
        for account in accounts:
            group.create_task(one(account))
    return {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu_started, **outcomes}


async def measure(
    args: argparse.Namespace, inventory: dict[str, Any], directory: Path
) -> dict[str, list[dict[str, float]]]:
    accounts = [
        Account(row["id"], row["name"], row["platform"], row["region"], feed=row["feed"])
        for row in inventory["accounts"]
        if row["id"] != "hyjj-douyin"  # the 503 archetype: a failure per poll is not a poll rate
    ]
    results: dict[str, list[dict[str, float]]] = {"cold": [], "full": [], "304": []}
    async with context(inventory, args, directory) as (ctx, redis):
        for round_number in range(args.rounds):
            ctx = await forget(ctx, redis)
            results["cold"].append(await poll_all(accounts, ctx, args.concurrency))
            ctx = await forget(ctx, redis)  # forget the validators: every poll fetches and parses
            results["full"].append(await poll_all(accounts, ctx, args.concurrency))
            results["304"].append(await poll_all(accounts, ctx, args.concurrency))
            print(f"round {round_number + 1}: " + ", ".join(
                f"{name} {len(accounts) / r[-1]['wall_s']:.0f}/s" for name, r in results.items()
            ), flush=True)  # fmt: skip
    return results


def summary(results: dict[str, list[dict[str, float]]], polled: int) -> str:
    lines = ["| pass | accounts/s (median) | CPU ms per account (median) | 200 / 304 / failed (last round) |",
             "| --- | --- | --- | --- |"]  # fmt: skip
    for name, runs in results.items():
        rate = statistics.median(polled / r["wall_s"] for r in runs)
        cpu_ms = statistics.median(1000 * r["cpu_s"] / polled for r in runs)
        last = runs[-1]
        outcomes = f"{last['ok']:.0f} / {last['not_modified']:.0f} / {last['failed']:.0f}"
        lines.append(f"| {name} | {rate:.0f} | {cpu_ms:.2f} | {outcomes} |")
    return "\n".join(lines)


def main() -> int:
    args = parse_args()
    directory = Path(tempfile.mkdtemp(prefix="govmon-media-bench-"))
    try:
        with simulator(directory, args.accounts, args.seed) as inventory:
            results = asyncio.run(measure(args, inventory, directory))
        polled = len(inventory["accounts"]) - 1
        print(f"\n{polled} accounts on one bridge, concurrency {args.concurrency}, rounds {args.rounds}, "
              f"validators in {'process memory' if args.no_redis else 'Redis'}, cpus {os.cpu_count()}")  # fmt: skip
        print(summary(results, polled))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
