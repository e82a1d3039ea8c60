"""``govmon check --full`` on the ``peers`` cluster: wall time, CPU, and every dead URL and soft 404 found.

``python -m bench.links_cluster [--rounds 1] [--write docs/benchmarks.md]`` (repository root).

The simulator runs in its own process (``python -m monitor.sim serve --scenario peers``: 8 county portals,
≈1,900 pages of ≈27 KB, ≈90,000 link occurrences, 2 GBK sites declared only in ``<meta>``, one shared
一体化平台; each article links to other articles, www.gov.cn and a platform item, and seeded ones to a 404
page, a soft 404 or a missing platform item). govmon runs as a user would: ``govmon check --full --json``
in a child process, with the per-host limits of the tools it is compared with in issue 13 (8 requests per
host at once, no rate limit, no retries). CPU is the child's user + system time (the simulator is elsewhere).
"Found" compares the findings with the simulator's truth: 404 and soft-404 pages as ``links.broken``,
missing platform items as ``service.broken``.

Peers (linkinator, lychee, Scrapy) are not run here yet: linkinator and Scrapy need the simulator's host
names resolved (no resolve map of their own), lychee does not crawl. Their figures in issue 13 were taken
by hand on the same cluster; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
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

from bench.report import replace_section

SEED = 5
PER_HOST = 8
CODE_OF_KIND = {"404": "links.broken", "soft404": "links.broken", "platform_missing": "service.broken"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.links_cluster", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--write", type=Path, help="replace the links-cluster section of this markdown file")
    return parser.parse_args()


@contextlib.contextmanager
def simulator(directory: Path) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """The simulator in a child process; yields (govmon configuration, truth)."""
    config, truth = directory / "sim.yaml", directory / "truth.json"
    command = [sys.executable, "-m", "monitor.sim", "serve", "--seed", str(SEED), "--scenario", "peers",
               "--write-config", str(config), "--write-truth", str(truth)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (config.exists() and truth.exists()):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the simulator did not start")
            time.sleep(0.1)
        time.sleep(0.3)
        yield (
            yaml.safe_load(config.read_text(encoding="utf-8")),
            json.loads(truth.read_text(encoding="utf-8")),
        )
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


def govmon_full(inventory: dict[str, Any], directory: Path, time_limit_s: float) -> dict[str, Any]:
    config = inventory | {
        "fetch": {"per_host_concurrency": PER_HOST, "per_host_rate": {"requests": 100_000, "period_s": 1.0},
                  "retries": 0},
        "links": {"concurrency": 64, "timeout_s": 15.0, "bot_retry_after_s": 0},
    }  # fmt: skip
    path = directory / "govmon.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(directory / f"data-{time.monotonic_ns()}")
    command = [sys.executable, "-m", "monitor", "check", "-c", str(path), "--json", "--full",
               "--time-limit", f"{time_limit_s:g}"]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=time_limit_s + 300, check=False
    )
    wall_s = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not done.stdout.strip().startswith("["):
        raise SystemExit(f"govmon check failed: {done.stderr[-2000:]}")
    return {
        "wall_s": wall_s,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "findings": json.loads(done.stdout),
    }


def score(findings: list[dict[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    expected = {
        (site, CODE_OF_KIND[link["kind"]], link["url"]): link["kind"]
        for site, t in truth["sites"].items()
        for link in t["broken_links"]
        if link["kind"] in CODE_OF_KIND
    }
    found = {
        (f["target"], f["code"], f["evidence"].get("url"))
        for f in findings
        if f["code"] in ("links.broken", "links.broken_homepage", "service.broken")
    }
    by_kind: dict[str, list[int]] = {}
    for key, kind in expected.items():
        by_kind.setdefault(kind, [0, 0])
        by_kind[kind][1] += 1
        by_kind[kind][0] += key in found
    return {"by_kind": by_kind, "false": len(found - set(expected))}


def main() -> None:
    args = parse_args()
    directory = Path(tempfile.mkdtemp(prefix="govmon-cluster-bench-"))
    rows = []
    try:
        with simulator(directory) as (inventory, truth):
            for n in range(args.rounds):
                run = govmon_full(inventory, directory, args.time_limit)
                run |= score(run.pop("findings"), truth)
                rows.append(run)
                print(
                    f"round {n + 1}: {run['wall_s']:.1f} s wall, {run['cpu_s']:.1f} s CPU, {run}", flush=True
                )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    text = render(rows, args)
    print(text)
    if args.write:
        replace_section(args.write, "links-cluster", text)


def render(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    best = min(rows, key=lambda r: r["wall_s"])
    found = ", ".join(f"{kind} {got} of {total}" for kind, (got, total) in sorted(best["by_kind"].items()))
    return "\n".join(
        [
            f"`python -m bench.links_cluster --rounds {args.rounds}` — simulator scenario `peers` (seed {SEED}), "
            f"`govmon check --full --json --time-limit {args.time_limit:g}` in a child process, {PER_HOST} "
            "requests in flight per host, no rate limit, no retries; best of the rounds.",
            "",
            "| run | wall s | CPU s (govmon process) | found (truth) | reported but not in the truth |",
            "| --- | ---: | ---: | --- | ---: |",
            f"| govmon check --full | {best['wall_s']:.1f} | {best['cpu_s']:.1f} | {found} | {best['false']} |",
        ]
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
