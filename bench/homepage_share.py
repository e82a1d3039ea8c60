"""The shared homepage read (``monitor.checks.homepage_reads``): what the five checks that start from a
site's homepage cost when they fall due together, each reading the homepage itself vs sharing one read.

    python -m bench.homepage_share --sites 60 --rounds 3

One simulator process (not counted); in this process, for every healthy site, the homepage, columns, links,
services and interaction checks run together as a worker runs the jobs one tick enqueued side by side, in
a fresh context each round (no link verdicts cached from the round before; links crawl no page beyond the
homepage). Reported: homepage fetches per site and this process's CPU per site, by mode, each the median of
the rounds (the modes alternate within a round).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import structlog

from bench.workload import simulator, workload_from
from monitor.checks import CHECKS
from monitor.checks.base import CheckContext
from monitor.checks.controls import ControlProbe
from monitor.checks.homepage_reads import HomepageReads
from monitor.clock import SystemClock
from monitor.engine.loopwatch import LoopWatch
from monitor.fetch import Fetcher
from monitor.logs import configure as configure_logging
from monitor.metrics import Metrics
from monitor.model import Site
from monitor.settings import Settings

FIVE = ("homepage", "columns", "links", "services", "interaction")


async def one_round(sites: list[Site], settings: Settings, shared: bool) -> tuple[float, float]:
    """(homepage fetches per site, CPU seconds per site) of one pass over ``sites``."""
    metrics = Metrics()
    async with Fetcher(
        settings.fetch, allow_private=True, resolve=settings.resolve, metrics=metrics
    ) as fetcher:
        ctx = CheckContext(
            fetcher, settings, SystemClock(), metrics, LoopWatch(), ControlProbe(fetcher, (), timeout_s=5, cache_s=5),
            structlog.get_logger(), homepages=HomepageReads(fetcher, 600) if shared else None,
        )  # fmt: skip
        started = time.process_time()
        gate = asyncio.Semaphore(8)  # sites at once, as a worker's slots hold several sites' jobs

        async def site_cycle(site: Site) -> None:
            async with gate, asyncio.TaskGroup() as group:
                for name in FIVE:
                    group.create_task(CHECKS[name].run(site, f"{name}:bench", ctx))

        async with asyncio.TaskGroup() as group:
            for site in sites:
                group.create_task(site_cycle(site))
        cpu_s = time.process_time() - started
    fetched = sum(
        s.value
        for m in metrics.fetches.collect()
        for s in m.samples
        if s.name.endswith("_total") and s.labels.get("purpose") == "homepage"
    )
    return fetched / len(sites), cpu_s / len(sites)


async def measure(
    config: dict[str, Any], site_ids: set[str], rounds: int
) -> dict[str, list[tuple[float, float]]]:
    settings = Settings.model_validate(
        {
            "resolve": config["resolve"],
            "allow_private_networks": True,
            "links": {"crawl_pages": 0, "crawl_depth": 0},
            "fetch": {"per_host_rate": {"requests": 1000, "period_s": 1.0}, "per_host_concurrency": 16},
        }
    )
    sites = [Site(s["id"], s["name"], s["url"], s["region"]) for s in config["sites"] if s["id"] in site_ids]
    results: dict[str, list[tuple[float, float]]] = {"own": [], "shared": []}
    for _ in range(rounds):
        for mode in ("own", "shared"):
            results[mode].append(await one_round(sites, settings, mode == "shared"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.homepage_share", description=__doc__)
    parser.add_argument("--sites", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    configure_logging("warning")
    with tempfile.TemporaryDirectory() as tmp, simulator(Path(tmp), seed=args.seed, sites=args.sites) as sim:
        workload = workload_from(sim)
        results = asyncio.run(measure(sim.config, set(workload.site_ids), args.rounds))
    print(
        f"{len(workload.site_ids)} healthy sites of {args.sites}, {args.rounds} rounds, the five checks together"
    )
    print("| mode | homepage fetches a site | CPU ms a site (median) | CPU ms a site, all rounds |")
    print("| --- | --- | --- | --- |")
    for mode, rows in results.items():
        cpu = [c * 1000 for _f, c in rows]
        print(
            f"| {mode} | {statistics.median(f for f, _c in rows):.1f} | {statistics.median(cpu):.1f} "
            f"| {min(cpu):.1f}–{max(cpu):.1f} |"
        )


if __name__ == "__main__":
    main()
