"""National load, simulated: 15,000 sites and 150,000 accounts on one machine, at the default cadences.

``python -m bench.national [--sites 15000] [--accounts 150000] [--minutes 5] [--workers 1,2,4]
[--steady-workers 4] [--phases heavy,saturated,steady] [--evaluate-interval-s 3600] [--keep raw.json]
[--write docs/benchmarks.md [--section national]]`` (repository root); ``--render raw.json`` renders a kept run again.

Processes: the simulator (``python -m monitor.sim serve``: every site and feed, the sites on a few shared
loopback addresses, virtual hosts by Host header), an embedded redis-server, ``govmon scheduler`` and
``govmon worker`` processes (``--listen``, their ``/metrics`` scraped), and at the end ``govmon api`` for the
scrape of the whole state. CPU is user + system of each process (``psutil``): the machine is shared, so
CPU seconds are the figures to trust, wall time less so.

Cadences: availability 24 probes a day, homepage and media hourly (the issue's figures; the homepage's
default is 6 h, so this is the heavier case), rules every ``engine.evaluate_interval_s`` (default an hour)
and 2 s after an observation a rule reads. Columns, links, services and interaction are pushed out of the
run (interval ten years) and measured on their own, on a sample of sites, one kind at a time with nothing
else due.

Phases:

1. *Each check alone* (``heavy``): everything pushed a day out; for each of columns, links, services,
   interaction, then availability, homepage and media (their cost apart from the mix), ``--sample`` targets'
   entries made due; CPU of the worker, Redis and the simulator until they are done.
2. *Saturated*: every availability, homepage and media entry made due (in a random order of kinds), with
   1, 2, 4 worker processes in turn for ``--saturated-s`` each: jobs/s and CPU per process, to show which
   process runs out first. This also warms the state the daemon has after a day (media validators, content
   scan marks, tamper baselines, link verdicts), so the steady phase is not a first hour.
3. *Steady*: the schedule re-spread as the daemon has it after a day (each entry at a point of its interval
   fixed by a hash of its name, from now), ``--steady-workers`` workers, a warm-up, then ``--minutes``:
   start lag (due → claim, ``govmon_job_start_lag_seconds``) per check kind, CPU per process.
4. Redis memory per key family per target (``MEMORY USAGE`` of every key), and the API's ``/metrics``
   scrape of the whole state (first and second scrape: time and size).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import math
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
import yaml

from bench.govmon_run import REPO, daemon, scrape
from bench.report import replace_section
from bench.workload import cpu_seconds
from monitor.engine.kv.connect import EmbeddedRedis, free_port
from monitor.engine.kv.keys import Keys
from monitor.settings import EngineSettings

HOUR_S = 3600.0
FAR_S = 10 * 365 * 86400.0
"""The interval that keeps the heavy checks out of the national run (measured on their own instead)."""
HEAVY = ("columns", "links", "services", "interaction")
CADENCED = ("availability", "homepage", "media")
BRIDGE_RATE = 1000
"""Requests a second the feed bridge takes (``fetch.hosts``): one bridge serves every account, as an RSSHub
the ops team runs would; the default 4/s per host is for government sites."""
LAG = "govmon_job_start_lag_seconds"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=15_000)
    parser.add_argument("--accounts", type=int, default=150_000)
    parser.add_argument("--minutes", type=float, default=5.0, help="the steady phase's measured minutes")
    parser.add_argument("--warmup-s", type=float, default=60.0, help="steady phase: before measuring")
    parser.add_argument("--workers", default="1,2,4", help="worker processes of the saturated phase, in turn")
    parser.add_argument("--steady-workers", type=int, default=4)
    parser.add_argument("--saturated-s", type=float, default=60.0, help="measured seconds per worker count")
    parser.add_argument("--sample", type=int, default=40, help="sites per heavy check")
    parser.add_argument("--drain-s", type=float, default=300.0, help="after the saturated phase, at most")
    parser.add_argument("--site-addresses", type=int, default=8)
    parser.add_argument("--write", type=Path, help="replace the national section of this markdown file")
    parser.add_argument("--keep", type=Path, help="also write the raw results (JSON) here")
    parser.add_argument("--render", type=Path, help="no run: render the raw results a --keep run wrote")
    parser.add_argument(
        "--evaluate-interval-s",
        type=float,
        default=EngineSettings().evaluate_interval_s,
        help=f"engine.evaluate_interval_s (govmon's default: {EngineSettings().evaluate_interval_s:g})",
    )
    parser.add_argument(
        "--section", default="national", help="the <!-- bench:NAME --> section of --write to replace"
    )
    parser.add_argument(
        "--phases", default="heavy,saturated,steady", help="which phases to run (the steady one always runs)"
    )
    return parser.parse_args()


# --------------------------------------------------------------------------------------------- processes
@contextlib.contextmanager
def simulator(
    directory: Path, sites: int, accounts: int, site_addresses: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The simulator as its own process, once it listens: (pid, the govmon configuration it wrote)."""
    config_path = directory / "sim-config.yaml"
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "monitor.sim", "serve", "--sites", str(sites),
            "--accounts", str(max(0, accounts - 5)), "--site-addresses", str(site_addresses),
            "--write-config", str(config_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=(directory / "sim.log").open("wb"),
        cwd=REPO,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 900
        while not config_path.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"simulator did not start: {(directory / 'sim.log').read_text()[-2000:]}")
            time.sleep(0.5)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        yield proc.pid, yaml.load(config_path.read_text(encoding="utf-8"), Loader=loader)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def national_config(
    sim_config: dict[str, Any], redis_url: str, data_dir: Path, evaluate_interval_s: float
) -> dict[str, Any]:
    """The simulator's inventory with the national run's settings; everything else is govmon's default."""
    config = dict(sim_config)
    bridge = next(a["feed"] for a in config["accounts"] if "feed" in a).split("/")[2].split(":")[0]
    config.update(
        {
            "redis_url": redis_url,
            "data_dir": str(data_dir),
            "crawl": {"homepage_interval_s": HOUR_S, "columns_interval_s": FAR_S},
            "links": {"interval_s": FAR_S},
            "services": {"interval_s": FAR_S},
            "interaction": {"interval_s": FAR_S},
            "engine": {"evaluate_interval_s": evaluate_interval_s},
            "fetch": {
                "hosts": {
                    bridge: {
                        "per_host_concurrency": 64,
                        "per_host_rate": {"requests": BRIDGE_RATE, "period_s": 1},
                    }
                }
            },
        }
    )
    return config


@dataclasses.dataclass
class Fleet:
    """The govmon processes of the run and where their metrics are."""

    directory: Path
    config: Path
    stack: contextlib.ExitStack
    workers: list[tuple[subprocess.Popen[bytes], str]] = dataclasses.field(default_factory=list)
    scheduler: tuple[subprocess.Popen[bytes], str] | None = None

    def start(self, role: str) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        n = len(self.workers)
        log = self.directory / (f"worker{n}.log" if role == "worker" else f"{role}.log")
        proc = self.stack.enter_context(daemon(role, self.config, log, "--listen", f"127.0.0.1:{port}"))
        entry = (proc, f"http://127.0.0.1:{port}/metrics")
        if role == "worker":
            self.workers.append(entry)
        elif role == "scheduler":
            self.scheduler = entry
        wait_up(entry, log)
        return entry

    def scale(self, workers: int) -> None:
        while len(self.workers) < workers:
            self.start("worker")
        while len(self.workers) > workers:
            proc, _ = self.workers.pop()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)

    def worker_samples(self) -> list[Samples]:
        return [scrape(url) for _, url in self.workers]


def wait_up(entry: tuple[subprocess.Popen[bytes], str], log: Path, timeout_s: float = 300) -> None:
    """Until the process answers its /healthz (the inventory is loaded by then)."""
    proc, url = entry
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{log.name}: exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):  # /healthz: the api's first /metrics is itself measured
            urllib.request.urlopen(url.removesuffix("/metrics") + "/healthz", timeout=30).read()
            return
        time.sleep(0.5)
    raise RuntimeError(f"{log.name}: no /healthz within {timeout_s} s")


# ---------------------------------------------------------------------------------------------- schedule
def fraction(value: str) -> float:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big") / 2**64


def schedule_entries(kv: redis.Redis, keys: Keys) -> list[str]:
    return [m.decode() if isinstance(m, bytes) else m for m in kv.zrange(keys.schedule, 0, -1)]


def set_due(kv: redis.Redis, keys: Keys, scores: dict[str, float]) -> None:
    items = list(scores.items())
    for start in range(0, len(items), 5000):
        kv.zadd(keys.schedule, dict(items[start : start + 5000]), xx=True)


def interval_of(check: str, evaluate_interval_s: float) -> float:
    if check == "evaluate":
        return evaluate_interval_s
    return HOUR_S if check in CADENCED else FAR_S  # the heavy checks, and any other, measured apart


def respread(kv: redis.Redis, keys: Keys, members: list[str], now: float, evaluate_interval_s: float) -> None:
    """Each entry due at a point of its interval fixed by a hash of its name: the spread the schedule has
    after a day of running (the scheduler's own first sync spreads the same way; its jitter keeps it)."""
    scores = {}
    for value in members:
        check = value.split("|", 1)[0]
        scores[value] = now + fraction(f"{value}#steady") * interval_of(check, evaluate_interval_s)
    set_due(kv, keys, scores)


# --------------------------------------------------------------------------------------------- measuring
def counts(samples: list[Samples], name: str) -> dict[str, float]:
    """A counter summed over processes, by its ``check`` label."""
    total: dict[str, float] = defaultdict(float)
    for one in samples:
        for (metric, labels), value in one.items():
            if metric == name:
                total[dict(labels).get("check", "")] += value
    return dict(total)


def jobs_done(samples: list[Samples]) -> dict[str, float]:
    """``govmon_jobs_total`` summed over processes and outcomes, by check."""
    return counts(samples, "govmon_jobs_total")


def lag_buckets(samples: list[Samples]) -> dict[str, dict[float, float]]:
    """``govmon_job_start_lag_seconds_bucket`` summed over processes: {check: {le: cumulative count}}."""
    found: dict[str, dict[float, float]] = defaultdict(lambda: defaultdict(float))
    for one in samples:
        for (metric, labels), value in one.items():
            if metric == f"{LAG}_bucket":
                label = dict(labels)
                found[label["check"]][float(label["le"])] += value
    return {check: dict(buckets) for check, buckets in found.items()}


def quantile_bound(buckets: dict[float, float], q: float) -> float:
    """The smallest bucket bound holding at least ``q`` of the observations (an upper bound of the quantile)."""
    total = buckets.get(math.inf, 0.0)
    for bound in sorted(buckets):
        if buckets[bound] >= q * total:
            return bound
    return math.inf


def delta_buckets(
    before: dict[str, dict[float, float]], after: dict[str, dict[float, float]]
) -> dict[str, dict[float, float]]:
    return {
        check: {le: value - before.get(check, {}).get(le, 0.0) for le, value in buckets.items()}
        for check, buckets in after.items()
    }


@dataclasses.dataclass
class Cpu:
    """CPU seconds of each process group at one moment."""

    at: float
    workers: float
    scheduler: float
    redis: float
    sim: float

    @classmethod
    def now(cls, fleet: Fleet, redis_pid: int, sim_pid: int) -> Cpu:
        assert fleet.scheduler is not None
        return cls(
            time.perf_counter(),
            sum(cpu_seconds(proc.pid) for proc, _ in fleet.workers),
            cpu_seconds(fleet.scheduler[0].pid),
            cpu_seconds(redis_pid),
            cpu_seconds(sim_pid),
        )

    def minus(self, start: Cpu) -> dict[str, float]:
        return {
            "wall_s": self.at - start.at,
            "workers_cpu_s": self.workers - start.workers,
            "scheduler_cpu_s": self.scheduler - start.scheduler,
            "redis_cpu_s": self.redis - start.redis,
            "sim_cpu_s": self.sim - start.sim,
        }


def wait_jobs(fleet: Fleet, check: str, at_least: float, timeout_s: float) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        done = jobs_done(fleet.worker_samples()).get(check, 0.0)
        if done >= at_least:
            return done
        time.sleep(1.0)
    return jobs_done(fleet.worker_samples()).get(check, 0.0)


def heavy_checks(
    fleet: Fleet, kv: redis.Redis, keys: Keys, members: list[str], sample: int, pids: tuple[int, int]
) -> dict[str, dict[str, float]]:
    """Each check kind on ``sample`` targets with nothing else due: CPU per run (the heavy ones, which the
    national run leaves out, and the cadenced ones, for their cost apart from the mix)."""
    now = time.time()
    set_due(kv, keys, {m: now + 86400 + fraction(m) * 3600 for m in members})  # everything out of the way
    time.sleep(2.0)
    rng = random.Random(7)
    results = {}
    for check in (*HEAVY, *CADENCED):
        mine = sorted(m for m in members if m.startswith(f"{check}|"))
        chosen = rng.sample(mine, min(sample, len(mine)))
        before_jobs = jobs_done(fleet.worker_samples()).get(check, 0.0)
        evaluations = jobs_done(fleet.worker_samples()).get("evaluate", 0.0)
        start = Cpu.now(fleet, *pids)
        set_due(kv, keys, {m: time.time() - 1 for m in chosen})
        done = wait_jobs(fleet, check, before_jobs + len(chosen), timeout_s=600) - before_jobs
        time.sleep(4.0)  # the evaluations they bring forward (2 s later) run too: part of the cost
        spent = Cpu.now(fleet, *pids).minus(start)
        spent["runs"] = done
        spent["evaluations"] = jobs_done(fleet.worker_samples()).get("evaluate", 0.0) - evaluations
        results[check] = spent
        print(f"heavy {check}: {json.dumps(spent)}", flush=True)
    return results


def saturated(
    fleet: Fleet, kv: redis.Redis, keys: Keys, members: list[str], worker_counts: list[int], seconds: float,
    pids: tuple[int, int],
) -> dict[int, dict[str, Any]]:  # fmt: skip
    """Every probe, homepage and feed due at once (kinds in a random order); jobs/s per worker count."""
    now = time.time()
    cadenced = [m for m in members if m.split("|", 1)[0] in CADENCED]
    set_due(kv, keys, {m: now - 600 * fraction(f"{m}#saturate") for m in cadenced})
    results = {}
    for workers in worker_counts:
        fleet.scale(workers)
        time.sleep(10.0)  # the new processes reach their pace
        jobs_before = jobs_done(fleet.worker_samples())
        start = Cpu.now(fleet, *pids)
        time.sleep(seconds)
        spent = Cpu.now(fleet, *pids).minus(start)
        jobs_after = jobs_done(fleet.worker_samples())
        jobs = {check: jobs_after.get(check, 0.0) - jobs_before.get(check, 0.0) for check in jobs_after}
        overdue = int(kv.zcount(keys.schedule, "-inf", time.time()))
        results[workers] = {**spent, "jobs": jobs, "overdue_after": overdue}
        print(f"saturated {workers}: {json.dumps(results[workers])}", flush=True)
    return results


def drain(kv: redis.Redis, keys: Keys, limit_s: float) -> float:
    """Wait until nothing cadenced is overdue (or ``limit_s``); returns the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        overdue = int(kv.zcount(keys.schedule, "-inf", time.time() - 5))
        if overdue < 100:
            break
        time.sleep(2.0)
    return time.monotonic() - started


def steady(
    fleet: Fleet, kv: redis.Redis, keys: Keys, members: list[str], workers: int, warmup_s: float,
    minutes: float, evaluate_interval_s: float, pids: tuple[int, int],
) -> dict[str, Any]:  # fmt: skip
    fleet.scale(workers)
    respread(kv, keys, members, time.time(), evaluate_interval_s)
    time.sleep(warmup_s)
    before = fleet.worker_samples()
    start = Cpu.now(fleet, *pids)
    loop_lag: list[float] = []
    overdue: list[int] = []
    end = time.monotonic() + minutes * 60
    while time.monotonic() < end:
        time.sleep(5.0)
        overdue.append(int(kv.zcount(keys.schedule, "-inf", time.time() - 1)))
        for one in fleet.worker_samples():
            loop_lag.append(one.get(("govmon_event_loop_lag_seconds", frozenset()), 0.0))
    after = fleet.worker_samples()
    spent = Cpu.now(fleet, *pids).minus(start)
    jobs_before, jobs_after = jobs_done(before), jobs_done(after)
    jobs = {check: jobs_after.get(check, 0.0) - jobs_before.get(check, 0.0) for check in jobs_after}
    lags = delta_buckets(lag_buckets(before), lag_buckets(after))
    outcomes = {
        f"{dict(labels)['check']}/{dict(labels)['outcome']}": value
        for one in after
        for (name, labels), value in one.items()
        if name == "govmon_jobs_total"
    }
    discarded = sum(
        value for one in after for (name, _), value in one.items()
        if name == "govmon_availability_probes_discarded_total"
    )  # fmt: skip
    return {
        **spent,
        "workers": workers,
        "jobs": jobs,
        "outcomes_total": outcomes,
        "lag": {
            check: {
                "count": b.get(math.inf, 0.0),
                "p50_le": quantile_bound(b, 0.5),
                "p99_le": quantile_bound(b, 0.99),
                "max_le": quantile_bound(b, 1.0),
                "over_1s": b.get(math.inf, 0.0) - b.get(1.0, 0.0),
            }
            for check, b in lags.items()
        },
        "overdue_max": max(overdue, default=0),
        "loop_lag_max_s": max(loop_lag, default=0.0),
        "probes_discarded_total": discarded,
    }


def family(key: str, prefix: str) -> str:
    """``obs:<check>``, ``hist:<check>``, ``samples:availability``, else the key's first part."""
    parts = key.removeprefix(prefix + ":").split(":")
    if parts[0] in ("obs", "hist", "samples") and len(parts) > 1:
        return f"{parts[0]}:{parts[1]}"
    return parts[0]


def memory_by_family(kv: redis.Redis, prefix: str) -> dict[str, tuple[int, int]]:
    usage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    batch: list[str] = []

    def flush() -> None:
        with kv.pipeline(transaction=False) as pipe:
            for name in batch:
                pipe.memory_usage(name, samples=0)
            for name, used in zip(batch, pipe.execute(), strict=True):
                usage[family(name, prefix)][0] += int(used or 0)
                usage[family(name, prefix)][1] += 1
        batch.clear()

    for key in kv.scan_iter(match=f"{prefix}:*", count=2000):
        batch.append(key.decode() if isinstance(key, bytes) else key)
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    return {name: (total, count) for name, (total, count) in usage.items()}


def api_scrape(fleet: Fleet) -> dict[str, float]:
    """``govmon api``'s /metrics, twice: the first reads every history, the second only what is new."""
    proc, url = fleet.start("api")
    results = {}
    for label in ("first", "second"):
        started = time.perf_counter()
        cpu_before = cpu_seconds(proc.pid)
        body = b""
        for _ in range(5):  # a first scrape past the client's timeout finishes for the next one
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url, timeout=300) as response:
                    body = response.read()
                break
        results[f"{label}_s"] = time.perf_counter() - started
        results[f"{label}_cpu_s"] = cpu_seconds(proc.pid) - cpu_before
        results[f"{label}_bytes"] = float(len(body))
        results[f"{label}_series"] = float(
            sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))
        )
    return results


# ----------------------------------------------------------------------------------------------- report
def render(args: argparse.Namespace, results: dict[str, Any]) -> str:
    machine = f"{os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}"
    targets = results["sites"] + results["accounts"]
    lines = [
        f"`python -m bench.national --sites {args.sites} --accounts {args.accounts} --minutes {args.minutes:g} "
        f"--workers {args.workers} --steady-workers {args.steady_workers} --phases {args.phases} "
        f"--evaluate-interval-s {args.evaluate_interval_s:g}` — {results['sites']:,} sites and "
        f"{results['accounts']:,} accounts served by the simulator from {results['addresses']} loopback "
        f"addresses; embedded redis-server; {machine}; load average {results['load_before']:.1f} before the run "
        f"(the machine is shared with other engineers: CPU seconds are the figures to trust). govmon "
        f"{results['commit']}, {results['date']}.",
        "",
        "**Steady state** (schedule re-spread as after a day; availability 24/day, homepage and media hourly, "
        f"rules every {args.evaluate_interval_s:g} s and 2 s after an observation), "
        f"{results['steady']['workers']} worker processes, "
        f"{results['steady']['wall_s'] / 60:.1f} min measured:",
        "",
        "| check | jobs | per s | start lag p50 ≤ | p99 ≤ | max ≤ | claimed > 1 s late |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    st = results["steady"]
    for check in ("availability", "homepage", "media", "evaluate"):
        lag = st["lag"].get(check)
        jobs = st["jobs"].get(check, 0.0)
        if lag is None:
            continue
        lines.append(
            f"| {check} | {jobs:,.0f} | {jobs / st['wall_s']:.1f} | {lag['p50_le']:g} s | {lag['p99_le']:g} s "
            f"| {lag['max_le']:g} s | {lag['over_1s']:,.0f} of {lag['count']:,.0f} |"
        )
    cores = {k: st[f"{k}_cpu_s"] / st["wall_s"] for k in ("workers", "scheduler", "redis", "sim")}
    lines += [
        "",
        f"CPU (cores busy on average): workers {cores['workers']:.2f}, scheduler {cores['scheduler']:.2f}, "
        f"Redis {cores['redis']:.2f}, simulator {cores['sim']:.2f}. Most overdue entries seen: "
        f"{st['overdue_max']:,}; worst event-loop lag a worker reported: {st['loop_lag_max_s']:.3f} s. "
        f"Worker CPU per job: {st['workers_cpu_s'] / max(sum(st['jobs'].values()), 1) * 1000:.2f} ms; Redis "
        f"{st['redis_cpu_s'] / max(sum(st['jobs'].values()), 1) * 1000:.2f} ms.",
    ]
    if results["saturated"]:
        lines += [
            "",
            f"**Saturated** (every probe, homepage and feed due at once; {args.saturated_s:g} s per count):",
            "",
            "| workers | jobs/s | availability | homepage | media | evaluate | worker CPU s/s | worker CPU ms/job "
            "| scheduler | Redis | sim |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
    for workers, row in results["saturated"].items():
        wall = row["wall_s"]
        jobs = row["jobs"]
        per = {c: jobs.get(c, 0.0) / wall for c in (*CADENCED, "evaluate")}
        lines.append(
            f"| {workers} | {sum(jobs.values()) / wall:.0f} | {per['availability']:.0f} | {per['homepage']:.0f} "
            f"| {per['media']:.0f} | {per['evaluate']:.0f} | {row['workers_cpu_s'] / wall:.2f} "
            f"| {row['workers_cpu_s'] / max(sum(jobs.values()), 1) * 1000:.2f} "
            f"| {row['scheduler_cpu_s'] / wall:.2f} | {row['redis_cpu_s'] / wall:.2f} | {row['sim_cpu_s'] / wall:.2f} |"
        )
    if results["heavy"]:
        lines += [
            "",
            f"**Each check on its own** ({args.sample} targets each, nothing else due; worker CPU includes the "
            "rule evaluation each run brings forward; a day per 1,000 targets at govmon's default intervals):",
            "",
            "| check | runs | evaluations | worker CPU s per run | Redis CPU s per run | runs a day per target "
            "| worker CPU s a day per 1,000 targets |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
    for check, row in results["heavy"].items():
        runs = max(row["runs"], 1.0)
        per_day = results["runs_per_day"][check]
        lines.append(
            f"| {check} | {row['runs']:.0f} | {row['evaluations']:.0f} | {row['workers_cpu_s'] / runs:.3f} "
            f"| {row['redis_cpu_s'] / runs:.4f} "
            f"| {per_day:g} | {row['workers_cpu_s'] / runs * per_day * 1000:,.0f} |"
        )
    lines += [
        "",
        f"**Redis** after the run: used_memory {results['redis_used_mb']:,.0f} MB for {targets:,} targets. "
        "By key family (`MEMORY USAGE`), per target of the kind that owns it:",
        "",
        "| key family | keys | MB | bytes per key | bytes per owner |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, (total, count) in sorted(results["memory"].items(), key=lambda item: -item[1][0]):
        owners = results["accounts"] if name in ("obs:media", "hist:media", "media") else results["sites"]
        if name in ("schedule", "lifecycle", "findings", "checked"):
            owners = targets
        lines.append(
            f"| `{name}` | {count:,} | {total / 1e6:,.1f} | {total / count:,.0f} | {total / owners:,.0f} |"
        )
    api = results["api"]
    lines += [
        "",
        f"**The API's scrape of the whole state** (`govmon api`, /metrics): first {api['first_s']:.1f} s "
        f"({api['first_cpu_s']:.1f} s CPU, {api['first_bytes'] / 1e6:.1f} MB, {api['first_series']:,.0f} series), "
        f"second {api['second_s']:.1f} s ({api['second_cpu_s']:.1f} s CPU).",
    ]
    return "\n".join(lines)


def runs_per_day(check: str) -> float:
    """At govmon's default intervals (settings): columns and links every 6 h, services and interaction daily;
    availability 24 a day, the homepage every 6 h, media hourly."""
    from monitor.settings import Settings

    settings = Settings()
    interval = {
        "availability": 86400 / settings.availability.probes_per_day,
        "homepage": settings.crawl.homepage_interval_s,
        "media": settings.media.poll_interval_s,
        "columns": settings.crawl.columns_interval_s,
        "links": settings.links.interval_s,
        "services": settings.services.interval_s,
        "interaction": settings.interaction.interval_s,
    }[check]
    return 86400 / interval


def main() -> None:
    args = parse_args()
    if args.render:
        text = render(args, json.loads(args.render.read_text()))
        print(text)
        if args.write:
            replace_section(args.write, args.section, text)
        return
    worker_counts = [int(n) for n in args.workers.split(",") if n]
    load_before = os.getloadavg()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
    ).stdout.strip()
    directory = Path(tempfile.mkdtemp(prefix="govmon-national-", dir="/tmp"))
    results: dict[str, Any] = {
        "load_before": load_before,
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    server = EmbeddedRedis(directory / "redis", port=free_port()).start()
    try:
        assert server.process is not None
        with simulator(directory, args.sites, args.accounts, args.site_addresses) as (sim_pid, sim_config):
            results["sites"], results["accounts"] = len(sim_config["sites"]), len(sim_config["accounts"])
            results["addresses"] = len(set(sim_config["resolve"].values()))
            config = national_config(sim_config, server.url, directory / "data", args.evaluate_interval_s)
            config_path = directory / "govmon.yaml"
            dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
            config_path.write_text(yaml.dump(config, Dumper=dumper, allow_unicode=True, sort_keys=False))
            del sim_config, config
            kv = redis.Redis(unix_socket_path=str(server.socket_path), decode_responses=True)
            keys = Keys()
            pids = (server.process.pid, sim_pid)
            with contextlib.ExitStack() as stack:
                fleet = Fleet(directory, config_path, stack)
                fleet.start("scheduler")
                fleet.start("worker")
                deadline = time.monotonic() + 300
                while kv.zcard(keys.schedule) == 0 and time.monotonic() < deadline:
                    time.sleep(1.0)
                members = schedule_entries(kv, keys)
                print(f"schedule: {len(members):,} entries", flush=True)
                results["runs_per_day"] = {check: runs_per_day(check) for check in (*HEAVY, *CADENCED)}
                phases = set(args.phases.split(","))
                results["heavy"] = (
                    heavy_checks(fleet, kv, keys, members, args.sample, pids) if "heavy" in phases else {}
                )
                results["saturated"] = (
                    saturated(fleet, kv, keys, members, worker_counts, args.saturated_s, pids)
                    if "saturated" in phases
                    else {}
                )
                fleet.scale(max([*worker_counts, args.steady_workers]))
                results["drain_s"] = drain(kv, keys, limit_s=args.drain_s)
                results["steady"] = steady(
                    fleet,
                    kv,
                    keys,
                    members,
                    args.steady_workers,
                    args.warmup_s,
                    args.minutes,
                    args.evaluate_interval_s,
                    pids,
                )
                print(f"steady: {json.dumps(results['steady'])}", flush=True)
                results["redis_used_mb"] = int(kv.info("memory")["used_memory"]) / 1e6
                results["memory"] = memory_by_family(kv, keys.prefix)
                results["api"] = api_scrape(fleet)
    finally:
        server.stop()
    if args.keep:
        args.keep.write_text(json.dumps(results, indent=1, default=str))
    text = render(args, results)
    print(text)
    if args.write:
        replace_section(args.write, args.section, text)
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
