"""Faults under load, the long version (issue 13 item 3): the same province watched twice, once in peace and
once through worker SIGKILLs, a scheduler failover, a 30-second cut of the link to Redis and a Redis restart;
afterwards the findings must be equal, every job recorded once (or retried, or dead-lettered when the
simulator made it poisonous), nothing lost.

``python -m bench.faults [--minutes 3] [--sites 20] [--workers 3] [--seed 1] [--cut-s 30] [--kills N]
[--job-timeout-s 20] [--max-deliveries 3] [--no-netns] [--write docs/benchmarks.md]`` (repository root, as
root for the namespaces; otherwise the workers run as plain processes, and it says so).

Each run: its own embedded redis-server (AOF on); two ``govmon scheduler`` processes straight on Redis (one
holds the lease); ``--workers`` ``govmon worker`` processes, each in its own network namespace
(``bench/faultnet.py``), reaching Redis through a relay the bench can cut, and the simulated web (one process
for both runs) through relays of their own. The two runs go side by side, so that both bear the same load of
the machine. Cadences are compressed (a probe every 2 s, each content check every third of the run), and each
run is judged by the rules at the moment its queue drained (``Evaluator`` at that ``as_of``, as
``govmon check --as-of`` does), so their findings are comparable: (code, target, status) of each.

The poison: one extra account whose feed is the simulator's endless response (``/hostile/endless``), a trickle
that never ends, so its media poll outlives ``engine.job_timeout_s`` every time it is delivered; the
dead-letter stream must hold that account's media jobs and nothing else.

Accounting: a reader follows the job stream (XREAD on its own connection, straight to Redis) and notes every
job id enqueued; afterwards each one (rule evaluations aside: they record nothing) must have its ``done``
marker (recorded) or a dead-letter entry; the histories and packed samples must hold exactly as many
observations as there are ``done`` markers (media aside: its history drops a poll a newer one supersedes),
no job id twice.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import yaml

from bench import faultnet
from bench.faultaudit import Audit, account
from bench.faultruns import Run, Setup, run_once
from bench.report import machine, replace_section, revision, table, today

PROBE_TIMEOUT_S = 3.0
POISON_ID = "poison-feed"
MAX_DELIVERIES = 3
"""A job whose worker dies under it is delivered again; at 2 worker SIGKILLs a minute, a job whose second
worker was killed too was no rarity (7 of 2,300 jobs dead-lettered at max_deliveries 2 in a 5-minute run);
at one a minute, a third time is. The poison pays it: its media poll is dead-lettered after 3 job timeouts."""
POLITENESS = {"per_host_concurrency": 8, "per_host_rate": {"requests": 50, "period_s": 1.0}}
"""At the compressed cadences a day's requests to a host come within minutes: the default 4 a second per
host left the services check without time to open its platform links (``unchecked``, so ``service.broken``
unverified) in one run and not in the other, as chance had the checks of one site coincide; a deployment's
cadences spread them over hours. The simulator answers at once and is ours to load."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="load phase of each run")
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cut-s", type=float, default=30.0, help="how long the link to Redis is down")
    parser.add_argument("--kills", type=int, help="worker SIGKILLs (default: one a minute, at least 2)")
    parser.add_argument(
        "--max-deliveries",
        type=int,
        default=MAX_DELIVERIES,
        help="engine.max_deliveries (default %(default)s)",
    )
    parser.add_argument(
        "--job-timeout-s",
        type=float,
        default=20.0,
        help="engine.job_timeout_s: how long the poison holds a slot",
    )
    parser.add_argument("--no-netns", action="store_true", help="workers as plain processes")
    parser.add_argument("--write", type=Path, help="replace the faults section of this markdown file")
    args = parser.parse_args(argv)
    args.started_at, args.revision = today(), revision()  # the code the processes start with
    if args.minutes * 60 < args.cut_s + 20:
        parser.error(f"--minutes must leave 20 s beside the {args.cut_s:g} s cut")
    return args


def govmon_config(setup: Setup, args: argparse.Namespace) -> dict[str, Any]:
    """The simulator's inventory, the poison account, and cadences compressed to the run's length."""
    run_s = args.minutes * 60
    content_s = max(10.0, run_s / 3)
    config = json.loads(json.dumps(setup.sim_config))
    config["resolve"] = setup.resolve
    hostile = next(h for h in setup.resolve if h.startswith("hostile."))
    port = config["control_urls"][0].rsplit(":", 1)[1].split("/")[0]
    feed = f"http://{hostile}:{port}/hostile/endless"
    region = config["accounts"][0]["region"]
    config["accounts"].append(
        {"id": POISON_ID, "name": "无尽订阅", "platform": "wechat", "feed": feed, "region": region}
    )
    config.update(
        {
            "availability": {
                "probes_per_day": 43200, "timeout_s": PROBE_TIMEOUT_S, "window_days": 1, "min_probes": 10,
                "fail_ratio": 0.05, "warn_ratio": 0.03, "control_cache_s": 5,
            },
            "engine": {
                "evaluate_interval_s": 30, "visibility_timeout_s": 5, "job_timeout_s": args.job_timeout_s,
                "max_deliveries": args.max_deliveries, "slots": 16, "tick_s": 0.25, "lease_ttl_s": 3,
                "shutdown_grace_s": 2,
            },
            "fetch": {
                "connect_timeout_s": 3, "read_timeout_s": 10, "total_timeout_s": 60, **POLITENESS,
            },
            "crawl": {"homepage_interval_s": content_s, "columns_interval_s": content_s},
            "links": {"interval_s": content_s},
            "services": {"interval_s": content_s},
            "interaction": {"interval_s": content_s},
            "media": {"poll_interval_s": content_s},
            "data_dir": str(setup.directory / "data"),
        }
    )  # fmt: skip
    return config


def launch_sim(args: argparse.Namespace, directory: Path) -> subprocess.Popen[bytes]:
    """The simulated province in its own process (its CPU is not the workers'), for both runs."""
    with (directory / "sim.log").open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "monitor.sim", "serve", "--seed", str(args.seed), "--sites", str(args.sites),
             "--probe-timeout-s", str(PROBE_TIMEOUT_S), "--slow-latency-s", str(PROBE_TIMEOUT_S + 1.5),
             "--write-config", str(directory / "sim.yaml"), "--write-truth", str(directory / "truth.json")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


async def start_sim(
    args: argparse.Namespace, directory: Path
) -> tuple[subprocess.Popen[bytes], dict[str, Any], dict[str, Any]]:
    config_path, truth_path = directory / "sim.yaml", directory / "truth.json"
    proc = launch_sim(args, directory)
    deadline = time.monotonic() + 60
    while not truth_path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"bench.faults: the simulator did not start (see {directory / 'sim.log'})")
        await asyncio.sleep(0.2)
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    return proc, config, json.loads(truth_path.read_text(encoding="utf-8"))


@dataclasses.dataclass
class Outcome:
    runs: dict[str, Run]
    audits: dict[str, Audit]
    why_not: str | None  # why the workers ran without namespaces, or None


async def bench(args: argparse.Namespace, directory: Path) -> Outcome:
    why_not = "--no-netns" if args.no_netns else faultnet.unavailable()
    netns = None if why_not else faultnet.Network()
    if why_not:
        print(
            f"bench.faults: no network namespaces ({why_not}): the workers run as plain processes", flush=True
        )
    sim, sim_config, truth = await start_sim(args, directory)
    relays: list[faultnet.Relay] = []
    runs: dict[str, Run] = {}
    try:
        resolve = sim_config["resolve"]
        relay_host = "127.0.0.1"
        if netns is not None:
            netns.open()
            down = {h["address"] for h in truth["hosts"].values() if h["down"]}
            resolve, relays = await faultnet.relay_hosts(resolve, down, truth["port"])
            relay_host = faultnet.REDIS_RELAY_ADDRESS
        setup = Setup(directory, sim_config, netns, relay_host, resolve)
        config_path = directory / "govmon.yaml"
        config_path.write_text(
            yaml.safe_dump(govmon_config(setup, args), allow_unicode=True, sort_keys=False)
        )
        runs = {name: Run(name, setup, args, config_path) for name in ("fault-free", "faults")}
        slots = {  # every worker its own namespace (a killed one's replacement takes over its namespace)
            name: [netns.add_slot() if netns else f"{name}-w{n + 1}" for n in range(args.workers)]
            for name in runs
        }
        # side by side, on one simulator, so that both bear the same load of the machine
        await asyncio.gather(
            run_once(runs["fault-free"], slots["fault-free"], False),
            run_once(runs["faults"], slots["faults"], True),
        )
        audits: dict[str, Audit] = {}
        for name, run in runs.items():
            audits[name] = await account(run.redis.url, config_path, run.as_of, run.tap, run.drained)
    finally:
        for run in runs.values():
            await asyncio.to_thread(run.kill_all)
        for relay in relays:
            await relay.cut()
        if netns is not None:
            netns.close()
        sim.send_signal(signal.SIGTERM)
        await asyncio.to_thread(sim.wait)
    return Outcome(runs, audits, why_not)


def render(
    args: argparse.Namespace, runs: dict[str, Run], audits: dict[str, Audit], why_not: str | None
) -> tuple[str, bool]:
    free, hurt = audits["fault-free"], audits["faults"]
    equal = free.findings == hurt.findings
    rows = []
    for name, a in audits.items():
        rows.append(
            [name, f"{a.enqueued:,}", f"{a.recorded:,}", f"{a.kept_observations:,} / {a.kept_recorded:,}",
             a.recorded_twice, a.retried,
             a.lost, ", ".join(f"{c}:{t} ×{n}" for (c, t), n in sorted(a.deadletter.items())) or "none",
             len(a.findings)]
        )  # fmt: skip
    by_code = ", ".join(
        f"{code} {status} ×{n}"
        for (code, status), n in sorted(Counter((c, s) for c, _, s in hurt.findings).items())
    )
    ok = equal and all(
        a.lost == 0 and a.recorded_twice == 0 and a.kept_observations == a.kept_recorded and a.drained
        and set(a.deadletter) <= {("media", POISON_ID)}
        for a in audits.values()
    ) and ("media", POISON_ID) in hurt.deadletter  # fmt: skip
    where = (
        f"plain processes ({why_not})"
        if why_not
        else "each in its own network namespace (veth, its own 10.77.K.2)"
    )
    lines = [
        f"`python -m bench.faults --minutes {args.minutes:g} --sites {args.sites} --workers {args.workers} "
        f"--seed {args.seed} --cut-s {args.cut_s:g}` — started {args.started_at}, govmon {args.revision}; {machine()}.",
        "",
        f"Workers: {where}; "
        f"two schedulers; load phase {args.minutes:g} min per run, then the queue drained. Both runs side by side on "
        "one simulator; each judged by the rules (`Evaluator`, as `govmon check --as-of`) at the moment its queue "
        "drained; findings compared as (code, target, status).",
        "",
        table(
            ["run", "jobs enqueued", "recorded (done)", "observations kept / recorded †", "recorded twice",
             "retried (reclaimed)",
             "lost", "dead-lettered", "findings"],
            rows,
        ),
        "",
        f"Findings equal: **{'yes' if equal else 'NO'}**"
        + ("" if equal else f" — only fault-free: {sorted(free.findings - hurt.findings)}; only under faults: "
           f"{sorted(hurt.findings - free.findings)}"),
        "",
        "† checks whose histories keep every observation (all but media, whose history drops a poll a newer one "
        "supersedes: `monitor.engine.retention`).",
        "",
        f"Findings by (code, status) under faults: {by_code}. Jobs the stream tap missed (recorded, never seen "
        f"enqueued): {', '.join(f'{n} {a.unseen}' for n, a in audits.items())}; entries enqueued again for a job id "
        f"(a release on shutdown, a move Redis lost in its restart): "
        f"{', '.join(f'{n} {a.enqueued_again}' for n, a in audits.items())}. Exit codes after SIGTERM "
        f"(workers, schedulers): {'; '.join(f'{n} {r.exits}' for n, r in runs.items())}.",
        "",
        "Faults (seconds into the run):",
        "",
        "```",
        *runs["faults"].events,
        "```",
        "",
        f"Verdict: **{'held' if ok else 'NOT held'}**.",
    ]  # fmt: skip
    return "\n".join(lines), ok


async def interruptible(work: Coroutine[Any, Any, Outcome]) -> Outcome:
    """SIGTERM as Ctrl-C: the run is cancelled and cleans up (processes, namespaces) on the way out."""
    current = asyncio.current_task()
    assert current is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, current.cancel)
    return await work


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="govmon-faults-"))
    text, ok = "", False
    try:
        outcome = asyncio.run(interruptible(bench(args, directory)))
        text, ok = render(args, outcome.runs, outcome.audits, outcome.why_not)
    except (KeyboardInterrupt, asyncio.CancelledError):
        print(f"bench.faults: interrupted; namespaces removed; logs in {directory}", file=sys.stderr)
        return 130
    print(text)
    if args.write:
        replace_section(args.write, "faults", text)
    if ok:
        shutil.rmtree(directory, ignore_errors=True)
    else:
        print(f"bench.faults: logs kept in {directory}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
