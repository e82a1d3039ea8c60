"""Redis memory per target, by key family: what a province and the country cost in Redis.

``python -m bench.redis_memory [--sites 200] [--write docs/benchmarks.md]`` (repository root).

An embedded redis-server (default settings: listpack limits 128 entries / 64 bytes) is filled the way a
week of ``govmon run`` fills it for ``--sites`` sites: every site check of the registry in the schedule,
8 days of hourly availability probes recorded through ``Store.record`` (the worker's script: latest,
history, done marker, checked-day set), one latest observation of every other check with a payload of
the size real sites give. ``MEMORY USAGE`` of every key, summed by family and divided by the sites.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.report import replace_section
from monitor.checks import CHECKS
from monitor.clock import SystemClock
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.engine.schedule import Schedule
from monitor.engine.store import Store
from monitor.metrics import Metrics
from monitor.model import Observation, Outcome, Site
from monitor.settings import Settings

PROBES_PER_DAY = 24
DAYS = 8
OTHER_PAYLOAD_BYTES = {"homepage": 400, "columns": 3000, "links": 1500, "services": 1500, "interaction": 800}
"""Rough JSON sizes of the newest observation of the other checks on an ordinary county site."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.redis_memory", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--write", type=Path, help="replace the redis-memory section of this markdown file")
    return parser.parse_args()


def family(key: str, prefix: str) -> str:
    parts = key.removeprefix(prefix + ":").split(":")
    if parts[0] in ("obs", "hist", "samples"):
        return f"{parts[0]}:{parts[1]}"
    return parts[0]


async def fill(redis_url: str, sites: int, prefix: str) -> dict[str, tuple[int, int]]:
    redis = client(redis_url)
    keys = Keys(prefix=prefix)
    settings = Settings()
    now = SystemClock().now()
    store = Store(redis, keys)
    targets = [Site(f"43{n:08d}", f"县{n}", f"https://www{n}.x.gov.cn/", "某县") for n in range(sites)]
    schedule = Schedule(redis, keys, Metrics(), SystemClock())
    await schedule.sync(
        (check.name, t.id, check.interval_s(t, settings))
        for t in targets
        for check in CHECKS.values()
        if check.applies_to(t)
    )
    for site in targets:
        for n in range(PROBES_PER_DAY * DAYS):
            at = now - (PROBES_PER_DAY * DAYS - n) * 3600.0
            payload = {"ok": True, "latency_s": 0.2134, "status": 200, "reason": None, "url": site.url}
            job_id = f"availability:{site.id}:{at:.3f}"
            await store.record(Observation("availability", site.id, job_id, at, Outcome.OK, None, payload))
        for check, size in OTHER_PAYLOAD_BYTES.items():
            payload = {"url": site.url, "filler": "x" * size}
            observation = Observation(
                check, site.id, f"{check}:{site.id}:{now:.3f}", now, Outcome.OK, None, payload
            )
            await store.record(observation)
    usage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    async for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
        name = key.decode() if isinstance(key, bytes) else key
        used: Any = await redis.memory_usage(name, samples=0)
        usage[family(name, prefix)][0] += int(used or 0)
        usage[family(name, prefix)][1] += 1
    await redis.aclose()
    return {name: (total, count) for name, (total, count) in usage.items()}


def jobs_per_day() -> float:
    """Jobs a site causes a day at the default intervals (each leaves a done marker for 24 h)."""
    settings = Settings()
    site = Site("x", "x", "https://x.gov.cn/", "x")
    return sum(86400 / c.interval_s(site, settings) for c in CHECKS.values() if c.applies_to(site))


def render(usage: dict[str, tuple[int, int]], sites: int) -> str:
    daily_jobs = jobs_per_day()
    lines = [
        f"`python -m bench.redis_memory --sites {sites}` — embedded redis-server (default listpack limits), "
        f"{sites} sites, {PROBES_PER_DAY * DAYS} availability samples each (8 days hourly), the newest "
        f"observation of every other check; Python {platform.python_version()}.",
        "",
        "| key family | keys | bytes per site |",
        "| --- | ---: | ---: |",
    ]
    per_site: dict[str, float] = {}
    for name, (total, count) in usage.items():
        per_site[name] = total / sites
        if name == "done":  # this fill writes 8 days of jobs at once; a done marker lives 24 h (DONE_TTL_S)
            per_site[name] = total / count * daily_jobs
    for name, (total, count) in sorted(usage.items(), key=lambda item: -per_site[item[0]]):
        note = f" ({daily_jobs:.0f} jobs a day × {total / count:.0f} B, 24 h each)" if name == "done" else ""
        lines.append(f"| `{name}`{note} | {count:,} | {per_site[name]:,.0f} |")
    lines.append(f"| **all** | {sum(c for _, c in usage.values()):,} | **{sum(per_site.values()):,.0f}** |")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    directory = Path(tempfile.mkdtemp(prefix="govmon-redis-memory-"))
    server = EmbeddedRedis(directory / "redis", port=free_port()).start()
    try:
        usage = asyncio.run(fill(server.url, args.sites, "mem"))
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    text = render(usage, args.sites)
    print(text)
    if args.write:
        replace_section(args.write, "redis-memory", text)


if __name__ == "__main__":
    main()
