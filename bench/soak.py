"""A soak: the daemon as a deployment runs it, for half an hour, watched for memory that creeps.

``python -m bench.soak [--minutes 30] [--sites 30] [--seed 1] [--sample-s 30] [--write docs/benchmarks.md]``
(repository root).

The simulated web serves a province in its own process; an embedded redis-server (AOF on) is shared by
``govmon scheduler``, two ``govmon worker`` processes (each also runs the notifier's event consumer and outbox;
the scheduler process runs the notifier's leader) and ``govmon api``, each its own process, as a systemd
deployment has them. Cadences are ``govmon demo``'s (a probe every 2 s, content every one to two minutes), so
half an hour does what weeks of the default cadences do to the per-target keys. Every ``--sample-s`` the
bench reads each process's RSS (``/proc/PID/status``), Redis ``INFO memory`` and the keys by family (the
families of ``bench/redis_memory.py``, budgets in docs/deploy.md).

Verdicts: after ``--warmup-minutes`` each process's RSS slope (least squares) stays under ``--rss-slope-mib``
MiB per minute; every family bounded by the inventory holds no more keys at the end than when warm-up ended;
the families bounded by time (``done`` markers live 24 h, link verdicts ``links.cache_ttl_s`` …) are shown
with their growth and the bound that stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.redis_memory import family
from bench.report import machine, replace_section, revision, table, today
from monitor.commands.demo import DEMO_SETTINGS
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port

PREFIX = "govmon"
HELPERS = ("sim", "sink")
"""Processes of the bench, not of govmon: not sampled, stopped last."""
TIME_BOUNDED = {
    "done": "TTL 24 h (DONE_TTL_S): one per job recorded",
    "link": "TTL links.cache_ttl_s: one per distinct link URL",
    "checked": "EX two quarters: one per calendar day",
    "notice": "EX notify.sent_mark_ttl_s: one per delivery",
    "notify": "EX two rate windows / the storm window",
    "evidence": "evidence.budget_bytes in all",
}
"""Families whose key count is bounded by time or bytes, not by the inventory: they may grow during a soak
shorter than their bound, and the table says what stops them."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--sites", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample-s", type=float, default=30.0)
    parser.add_argument("--warmup-minutes", type=float, help="default: a third of --minutes, at most 10")
    parser.add_argument(
        "--rss-slope-mib", type=float, default=0.1, help="bound on MiB per minute per process"
    )
    parser.add_argument(
        "--worker-variants",
        default="",
        help=f"comma-separated, one per worker (default: all plain): {', '.join(VARIANTS)}",
    )
    parser.add_argument("--write", type=Path, help="replace the soak section of this markdown file")
    return parser.parse_args(argv)


VARIANTS = {
    "plain": "as deployed",
    "arena2": "MALLOC_ARENA_MAX=2 (glibc: at most two malloc arenas)",
    "trim": "a thread calling glibc's malloc_trim(0) every 30 s",
    "stats": "a thread writing pymalloc's arenas and blocks (sys._debugmallocstats) to the log every 60 s",
    "sysmalloc": "PYTHONMALLOC=malloc (Python's small objects from glibc's malloc instead of pymalloc's arenas)",
    "jemalloc": "LD_PRELOAD=libjemalloc.so.2 (jemalloc instead of glibc's malloc: Debian's libjemalloc2)",
    "traced": "tracemalloc (10 frames) from the start; every 5 min after the warm-up, the allocations still live"
    " that grew most since its end, by traceback, in the log (slows the worker: measure RSS on the others)",
}
"""Ways to start a worker, to tell the allocator's share of its RSS from a leak (``--worker-variants``;
``trim+stats`` combines two)."""
VARIANT_ENV = {
    "arena2": {"MALLOC_ARENA_MAX": "2"},
    "sysmalloc": {"PYTHONMALLOC": "malloc"},
    "trim": {"SOAK_TRIM": "1"},
    "stats": {"SOAK_MALLOC_STATS": "1"},
    "traced": {"SOAK_TRACEMALLOC": "1"},
    "jemalloc": {"LD_PRELOAD": "libjemalloc.so.2"},
}
"""What each variant sets in the worker's environment (``SOAK_*``: read by ``SHIM``)."""
SHIM = """
import ctypes, os, runpy, sys, threading, time

def every(seconds, do):
    def loop():
        while True:
            time.sleep(seconds)
            do()
    threading.Thread(target=loop, daemon=True).start()

if os.environ.get("SOAK_TRIM"):
    every(30.0, lambda: ctypes.CDLL("libc.so.6").malloc_trim(0))
def stats():
    print("mallocstats", time.time(), sys.getallocatedblocks(), flush=True)
    sys._debugmallocstats()

if os.environ.get("SOAK_MALLOC_STATS"):
    every(60.0, stats)

if os.environ.get("SOAK_TRACEMALLOC"):
    import tracemalloc
    tracemalloc.start(10)
    base = []
    def grown():
        snapshot = tracemalloc.take_snapshot()
        if not base:
            base.append(snapshot)
            print("tracemalloc base", time.time(), tracemalloc.get_traced_memory(), flush=True)
            return
        print("tracemalloc grown", time.time(), tracemalloc.get_traced_memory(), flush=True)
        for stat in snapshot.compare_to(base[0], "traceback")[:12]:
            print("tracemalloc", stat.size_diff, stat.count_diff, flush=True)
            for line in stat.traceback.format()[-12:]:
                print("tracemalloc   ", line, flush=True)
    delay = float(os.environ.get("SOAK_WARMUP_S", "600"))
    threading.Timer(delay, lambda: (grown(), every(300.0, grown))).start()
sys.argv = ["govmon", *sys.argv[1:]]
runpy.run_module("monitor", run_name="__main__", alter_sys=True)
"""
"""``python -m monitor`` with the variants' threads (``trim``, ``stats``)."""


@dataclass
class Sample:
    at_min: float
    rss_mib: dict[str, float]
    anon_mib: dict[str, tuple[float, float, int]]
    """Per process: RSS of the brk heap (glibc's main arena), of other anonymous mappings (thread arenas,
    mmapped blocks, Python's arenas), and the thread count."""
    used_memory_mib: float
    keys: Counter[str]


@dataclass
class Soak:
    directory: Path
    redis_url: str = ""
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)


def rss_mib(pid: int) -> float:
    """Resident set of one process (VmRSS), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def anon_mib(pid: int) -> tuple[float, float, int]:
    """(brk heap RSS, other anonymous RSS, threads) from ``/proc/PID/smaps`` and ``status``; zeros when gone."""
    heap_kib = other_kib = 0
    name = ""
    try:
        for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
            head = line.split(None, 6)
            if not head:
                continue
            if "-" in head[0] and not head[0].endswith(":"):
                name = head[5] if len(head) > 5 else ""
            elif head[0] == "Rss:":
                if name == "[heap]":
                    heap_kib += int(head[1])
                elif name == "":
                    other_kib += int(head[1])
        threads = next(
            int(line.split()[1])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("Threads:")
        )
    except (OSError, StopIteration):
        return 0.0, 0.0, 0
    return heap_kib / 1024, other_kib / 1024, threads


SINK = """
import sys
from aiohttp import web

async def received(request):
    await request.read()
    return web.Response(text="ok")

app = web.Application()
app.router.add_route("POST", "/{tail:.*}", received)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""
"""The owners' webhook: takes every notice and answers 200, so the notifier's outbox, sent marks and log
run as in a deployment (apprise's ``json://`` posts here)."""


def soak_config(sim_config: Path, data_dir: Path, sink_port: int) -> dict[str, Any]:
    config = yaml.safe_load(sim_config.read_text(encoding="utf-8"))
    config.update(DEMO_SETTINGS)
    config["engine"] = {**DEMO_SETTINGS["engine"], "shutdown_grace_s": 2.0}
    config["data_dir"] = str(data_dir)
    for row in [*(config.get("sites") or ()), *(config.get("accounts") or ())]:
        row["owners"] = [f"json://127.0.0.1:{sink_port}/owner/{row['id']}"]
    config["notify"] = {"public_url": "http://127.0.0.1:9731"}
    return dict(config)


def spawn(name: str, argv: list[str], soak: Soak, env: dict[str, str]) -> None:
    log = (soak.directory / f"{name}.log").open("wb")
    soak.procs[name] = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    log.close()


def start(args: argparse.Namespace, soak: Soak, redis: EmbeddedRedis) -> None:
    python = sys.executable
    sim_config = soak.directory / "sim.yaml"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    spawn(
        "sim",
        [python, "-m", "monitor.sim", "serve", "--seed", str(args.seed), "--sites", str(args.sites),
         "--probe-timeout-s", str(DEMO_SETTINGS["availability"]["timeout_s"]), "--write-config", str(sim_config)],
        soak,
        env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not sim_config.exists():
        if soak.procs["sim"].poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"bench.soak: the simulator did not start (see {soak.directory / 'sim.log'})")
        time.sleep(0.2)
    sink_port = free_port()
    spawn("sink", [python, "-c", SINK, str(sink_port)], soak, env)
    config = soak.directory / "govmon.yaml"
    settings = soak_config(sim_config, soak.directory / "data", sink_port)
    config.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False))
    env = {**env, "GOVMON_REDIS_URL": redis.url, "GOVMON_LOG_LEVEL": "WARNING"}
    govmon = [python, "-m", "monitor"]
    spawn("scheduler", [*govmon, "scheduler", "-c", str(config)], soak, env)
    variants = worker_variants(args)
    for n, variant in enumerate(variants):
        parts = set(variant.split("+"))
        worker_env = {**env, "SOAK_WARMUP_S": str(warmup_minutes(args) * 60)}
        for part in parts:
            worker_env.update(VARIANT_ENV.get(part, {}))
        command = [python, "-c", SHIM] if parts & {"trim", "stats", "traced"} else govmon
        spawn(f"worker{n + 1}", [*command, "worker", "-c", str(config)], soak, worker_env)
    listen = f"127.0.0.1:{free_port()}"
    spawn("api", [*govmon, "api", "-c", str(config), "--listen", listen], soak, env)


def worker_variants(args: argparse.Namespace) -> list[str]:
    variants = [v.strip() for v in args.worker_variants.split(",") if v.strip()] or ["plain"] * args.workers
    unknown = [v for v in variants if not set(v.split("+")) <= set(VARIANTS)]
    if unknown or len(variants) != args.workers:
        raise SystemExit(f"bench.soak: --worker-variants needs {args.workers} of {', '.join(VARIANTS)}")
    return variants


async def bytes_by_family(redis_url: str) -> Counter[str]:
    """``MEMORY USAGE`` of every key, summed by family (once, at the end: it touches every key)."""
    redis = client(redis_url)
    usage: Counter[str] = Counter()
    try:
        names = [
            k.decode() if isinstance(k, bytes) else k async for k in redis.scan_iter(f"{PREFIX}:*", 2000)
        ]
        for at in range(0, len(names), 1000):
            async with redis.pipeline(transaction=False) as pipe:
                for name in names[at : at + 1000]:
                    pipe.memory_usage(name, samples=0)
                for name, used in zip(names[at : at + 1000], await pipe.execute(), strict=True):
                    usage[family(name, PREFIX)] += int(used or 0)
    finally:
        await redis.aclose()
    return usage


async def notices_logged(redis_url: str) -> dict[str, int]:
    """The notifier's log of deliveries (``Keys.notices_log``), counted by outcome."""
    redis = client(redis_url)
    try:
        entries: Any = await redis.xrange(f"{PREFIX}:notices:log")
    finally:
        await redis.aclose()
    return dict(Counter(str(json.loads(fields["entry"]).get("result")) for _, fields in entries))


async def sample(soak: Soak, started: float) -> Sample:
    redis = client(soak.redis_url)
    try:
        info: Any = await redis.info("memory")
        keys: Counter[str] = Counter()
        async for key in redis.scan_iter(match=f"{PREFIX}:*", count=2000):
            keys[family(key.decode() if isinstance(key, bytes) else key, PREFIX)] += 1
    finally:
        await redis.aclose()
    ours = {name: proc.pid for name, proc in soak.procs.items() if name not in HELPERS}
    rss = {name: rss_mib(pid) for name, pid in ours.items()}
    anon = {name: anon_mib(pid) for name, pid in ours.items()}
    return Sample((time.monotonic() - started) / 60, rss, anon, info["used_memory"] / 2**20, keys)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope (y per x); 0 for fewer than two points."""
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def verdicts(
    samples: list[Sample],
    warmup_min: float,
    bound_mib_min: float,
    usage: Counter[str],
    sites: int,
    variants: dict[str, str] | None = None,
) -> tuple[str, bool]:
    """The report's tables and whether every verdict held."""
    after = [s for s in samples if s.at_min >= warmup_min] or samples[-1:]
    first, last = after[0], samples[-1]
    ok = True
    rows = []
    for name in samples[0].rss_mib:
        points = [(s.at_min, s.rss_mib[name]) for s in after if s.rss_mib.get(name)]
        rate = slope(points)
        held = rate <= bound_mib_min and last.rss_mib.get(name, 0) > 0
        ok &= held
        heap_rate = slope([(s.at_min, s.anon_mib[name][0]) for s in after if name in s.anon_mib])
        other_rate = slope([(s.at_min, s.anon_mib[name][1]) for s in after if name in s.anon_mib])
        heap, other, threads = last.anon_mib.get(name, (0.0, 0.0, 0))
        variant = (variants or {}).get(name)
        rows.append(
            [f"{name} ({variant})" if variant else name, f"{first.rss_mib[name]:.1f}",
             f"{max(y for _, y in points):.1f}" if points else "—", f"{last.rss_mib[name]:.1f}", f"{rate:+.3f}",
             f"{heap:.1f} ({heap_rate:+.3f})", f"{other:.1f} ({other_rate:+.3f})", str(threads),
             "ok" if held else "**over**"]
        )  # fmt: skip
    redis_rate = slope([(s.at_min, s.used_memory_mib) for s in after])
    rows.append(
        ["redis used_memory", f"{first.used_memory_mib:.1f}", f"{max(s.used_memory_mib for s in after):.1f}",
         f"{last.used_memory_mib:.1f}", f"{redis_rate:+.3f}", "", "", "", "(time-bounded keys, below)"]
    )  # fmt: skip
    rss_table = table(
        ["process", "RSS at warm-up end (MiB)", "max after", "at end", "slope (MiB/min)",
         "brk heap at end (slope)", "other anonymous at end (slope)", "threads", "verdict"],
        rows,
    )  # fmt: skip
    key_rows = []
    for name in sorted(set(first.keys) | set(last.keys)):
        begin, end = first.keys.get(name, 0), last.keys.get(name, 0)
        peak = max(s.keys.get(name, 0) for s in after)
        bound = TIME_BOUNDED.get(name)
        if bound is None:
            held = end <= begin + _transient(name)
            ok &= held
            verdict = "flat" if held else "**grew**"
        else:
            verdict = bound
        per_site = f"{usage[name] / sites:,.0f}" if name in usage else "—"
        key_rows.append([f"`{name}`", f"{begin:,}", f"{peak:,}", f"{end:,}", per_site, verdict])
    key_table = table(
        [
            "key family",
            "keys at warm-up end",
            "max after",
            "at end",
            "bytes per site at end",
            "verdict / bound",
        ],
        key_rows,
    )
    return f"{rss_table}\n\n{key_table}", ok


def _transient(name: str) -> int:
    """Families whose count moves with the work in flight (the job stream's entries are not keys)."""
    return 1 if name in ("joberrors", "lease", "jobs", "deadletter") else 0


def stop_all(soak: Soak) -> dict[str, int | None]:
    """SIGTERM every govmon process first (they drain and exit 0), then the simulator."""
    codes: dict[str, int | None] = {}
    order = [n for n in soak.procs if n not in HELPERS] + [n for n in HELPERS if n in soak.procs]
    for name in order:
        proc = soak.procs[name]
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for name in order:
        proc = soak.procs[name]
        try:
            codes[name] = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            codes[name] = proc.wait()
    return codes


def warmup_minutes(args: argparse.Namespace) -> float:
    return args.warmup_minutes if args.warmup_minutes is not None else min(10.0, args.minutes / 3)


def run(args: argparse.Namespace) -> tuple[str, bool]:
    warmup_min = warmup_minutes(args)
    started_at, code = today(), revision()  # the code the processes start with, not what HEAD is by the end
    directory = Path(tempfile.mkdtemp(prefix="govmon-soak-"))
    soak = Soak(directory)
    redis = EmbeddedRedis(directory / "redis", port=free_port()).start()
    soak.redis_url = redis.url
    stopping = False

    def interrupted(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        start(args, soak, redis)
        started = time.monotonic()
        print(f"bench.soak: {len(soak.procs)} processes, logs in {directory}", flush=True)
        while not stopping:
            item = asyncio.run(sample(soak, started))
            soak.samples.append(item)
            dead = [n for n, p in soak.procs.items() if p.poll() is not None]
            print(
                f"{item.at_min:6.1f} min  redis {item.used_memory_mib:6.1f} MiB  keys {sum(item.keys.values()):7,}  "
                + "  ".join(
                    f"{n} {v:.0f} (heap {item.anon_mib[n][0]:.0f}, anon {item.anon_mib[n][1]:.0f}, "
                    f"{item.anon_mib[n][2]} thr)"
                    for n, v in item.rss_mib.items()
                )
                + (f"  DEAD: {dead}" if dead else ""),
                flush=True,
            )
            if dead or item.at_min >= args.minutes:
                break
            next_at = started + len(soak.samples) * args.sample_s
            while not stopping and time.monotonic() < next_at:
                time.sleep(min(1.0, next_at - time.monotonic()))
        exits = {n: p.poll() for n, p in soak.procs.items()}
        usage = asyncio.run(bytes_by_family(redis.url))
        notices = asyncio.run(notices_logged(redis.url))
    finally:
        codes = stop_all(soak)
        redis.stop()
        signal.signal(signal.SIGINT, previous)
    crashed = {n: c for n, c in exits.items() if c is not None}
    named = {f"worker{n + 1}": v for n, v in enumerate(worker_variants(args))}
    body, ok = verdicts(
        soak.samples,
        warmup_min,
        args.rss_slope_mib,
        usage,
        args.sites,
        named if args.worker_variants else None,
    )
    ok &= not crashed and all(code == 0 for name, code in codes.items() if name not in HELPERS)
    minutes = soak.samples[-1].at_min if soak.samples else 0.0
    text = "\n".join(
        [
            f"`python -m bench.soak --minutes {args.minutes:g} --sites {args.sites} --seed {args.seed}` — "
            f"started {started_at}, govmon {code}; {machine()} (shared with other work while it ran).",
            "",
            f"{minutes:.1f} minutes, {len(soak.samples)} samples every {args.sample_s:g} s; scheduler, "
            f"{args.workers} workers (each with the notifier's event consumer and outbox; the notifier's leader "
            "in the scheduler) and api as processes on one embedded Redis; every owner's notices to a webhook "
            f"sink; the simulated province ({args.sites} sites and its accounts) in its own process; "
            "`govmon demo`'s cadences (a probe "
            f"every 2 s per site, content every 1–2 min). Verdicts after a {warmup_min:.1f}-minute warm-up: "
            f"RSS slope ≤ {args.rss_slope_mib:g} MiB/min per process; families bounded by the inventory "
            "no larger at the end than at warm-up's end.",
            "",
            body,
            "",
            f"Notices in the notifier's log (delivered to the owners' webhook, or dead): {notices or 'none'}. "
            f"Exit codes after SIGTERM: {', '.join(f'{n} {c}' for n, c in codes.items())}"
            + (f"; died during the run: {crashed}" if crashed else "")
            + f". Verdict: **{'held' if ok else 'NOT held'}**.",
        ]
    )
    if ok and "stats" not in args.worker_variants:  # the stats variant's findings are in its log
        shutil.rmtree(directory, ignore_errors=True)
    else:
        print(f"bench.soak: logs kept in {directory}", flush=True)  # printed only: docs name no local path
    return text, ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    text, ok = run(args)
    print(text)
    if args.write:
        replace_section(args.write, "soak", text)
    return 0 if ok else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
