"""How fast the findings lifecycle merges evaluations, against a real embedded redis-server.

A province-sized round: ``--targets`` sites with ``--findings`` findings each are opened (every finding an
OPENED event), evaluated again unchanged (the steady state: last_seen refreshed, no event), then clean twice
(settle_s 0: the first resolves every finding, the second changes nothing). Then ``--racers`` lifecycles
apply the same new findings to one target at once (WATCH conflicts): the OPENED count must equal the findings.

``python -m bench.lifecycle_apply [--targets 600] [--findings 30] [--concurrency 16] [--racers 8]``
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from monitor.engine.kv.connect import EmbeddedRedis, client
from monitor.engine.kv.keys import Keys
from monitor.engine.lifecycle import Lifecycle
from monitor.model import Finding, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.settings import FindingsSettings

T0 = 1_795_000_000.0


def findings_of(site: Site, count: int, now: float) -> list[Finding]:
    return [
        make_finding(
            site,
            "links.broken",
            Severity.DEDUCTION,
            Status.VIOLATION,
            "链接不可用",
            now,
            evidence={"url": f"{site.url}page/{n}.html", "http_status": 404},
        )
        for n in range(count)
    ]


async def round_trip(
    lifecycles: list[Lifecycle], sites: list[Site], count: int, now: float, label: str
) -> int:
    semaphore = asyncio.Semaphore(len(lifecycles))
    events = 0

    async def one(index: int, site: Site) -> None:
        nonlocal events
        async with semaphore:
            found = findings_of(site, count, now) if count else []
            happened = await lifecycles[index % len(lifecycles)].apply(site, found, now)
            events += len(happened)

    started = time.perf_counter()
    await asyncio.gather(*(one(i, site) for i, site in enumerate(sites)))
    elapsed = time.perf_counter() - started
    print(f"{label:<22} {len(sites)} targets in {elapsed:6.2f} s  {len(sites) / elapsed:7.1f} targets/s  "
          f"{events} events")  # fmt: skip
    return events


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        server = EmbeddedRedis(Path(directory) / "redis").start()
        connections = [client(server.url) for _ in range(args.concurrency)]
        try:
            keys = Keys(prefix="bench")
            settings = FindingsSettings(settle_s=0)
            lifecycles = [Lifecycle(conn, keys, settings) for conn in connections]
            sites = [Site(id=f"43{n:08d}", name=f"站点{n}", url=f"https://s{n}.gov.cn/", region="省直")
                     for n in range(args.targets)]  # fmt: skip
            print(f"{args.targets} targets × {args.findings} findings, {args.concurrency} connections")
            await round_trip(lifecycles, sites, args.findings, T0, "open")
            await round_trip(lifecycles, sites, args.findings, T0 + 300, "steady (unchanged)")
            await round_trip(lifecycles, sites, 0, T0 + 600, "absent (resolves)")
            await round_trip(lifecycles, sites, 0, T0 + 900, "absent again")
            racer_site = Site(id="race", name="竞争", url="https://race.gov.cn/", region="省直")
            racers = lifecycles[: args.racers]
            started = time.perf_counter()
            results = await asyncio.gather(
                *(racer.apply(racer_site, findings_of(racer_site, args.findings, T0), T0) for racer in racers)
            )
            opened = sum(len(events) for events in results)
            print(f"{len(racers)} racers on one target: {opened} OPENED for {args.findings} findings "
                  f"in {time.perf_counter() - started:.2f} s")  # fmt: skip
            print(f"events stream length: {await connections[0].xlen(keys.finding_events)}")
        finally:
            for conn in connections:
                await conn.aclose()
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=600)
    parser.add_argument("--findings", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--racers", type=int, default=8)
    asyncio.run(main(parser.parse_args()))
