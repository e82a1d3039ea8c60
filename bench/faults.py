"""Faults under load, the long version (issue 13 item 3): the same province watched twice, once in peace and
once through worker SIGKILLs, a scheduler failover, a 30-second cut of the link to Redis and a Redis restart;
afterwards the findings must be equal, every job recorded once (or retried, or dead-lettered when the
simulator made it poisonous), nothing lost.

``python -m bench.faults [--minutes 3] [--sites 20] [--workers 3] [--seed 1] [--cut-s 30] [--write docs/benchmarks.md]``
(repository root, as root for the namespaces; otherwise the workers run as plain processes, and it says so).

Each run: its own embedded redis-server (AOF on); two ``govmon scheduler`` processes straight on Redis (one
holds the lease); ``--workers`` ``govmon worker`` processes, each in its own network namespace
(``bench/faultnet.py``), reaching Redis through a relay the bench can cut, and the simulated web (one process
for both runs) through relays of their own. Cadences are compressed (a probe every 2 s, each content check
every third of the run), and both runs are judged by the same rules at the same moment (``Evaluator`` at one
``as_of``, as ``govmon check --as-of`` does), so their findings are comparable: (code, target, status) of each.

The poison: one extra account whose feed is the simulator's endless response (``/hostile/endless``), a trickle
that never ends, so its media poll outlives ``engine.job_timeout_s`` every time it is delivered; the
dead-letter stream must hold that account's media jobs and nothing else.

Accounting: a reader follows the job stream (XREAD on its own connection, straight to Redis) and notes every
job id enqueued; afterwards each one (rule evaluations aside: they record nothing) must have its ``done``
marker (recorded) or a dead-letter entry; the histories and packed samples must hold exactly as many
observations as there are ``done`` markers, no job id twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
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
from bench.faultaudit import Audit, JobTap, account
from bench.report import machine, replace_section, revision, table, today
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port

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
PREFIX = "govmon"


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


@dataclasses.dataclass
class Setup:
    directory: Path
    sim_config: dict[str, Any]
    netns: faultnet.Network | None
    relay_host: str
    resolve: dict[str, str]


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


class Run:
    """One run's processes, Redis and relay; ``faults`` decides whether anything is done to them."""

    def __init__(self, name: str, setup: Setup, args: argparse.Namespace, config_path: Path) -> None:
        self.name = name
        self.setup = setup
        self.args = args
        self.config_path = config_path
        self.directory = setup.directory / name
        self.directory.mkdir()
        self.redis = EmbeddedRedis(self.directory / "redis", port=free_port())
        self.relay: faultnet.Relay | None = None
        self.schedulers: list[subprocess.Popen[bytes]] = []
        self.workers: dict[str, subprocess.Popen[bytes]] = {}  # slot → process
        self.exits: list[int | None] = []
        self.events: list[str] = []
        self.started = 0.0
        self.drained = False
        self.as_of = 0.0  # when the queue drained: the run is judged at that moment
        self.tap = JobTap()
        self._spawned = 0

    def kill_all(self) -> None:
        """What is still running after an interrupted run: nothing of ours outlives the bench."""
        for proc in [*self.workers.values(), *self.schedulers]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.redis.stop()

    def note(self, text: str) -> None:
        line = f"{time.monotonic() - self.started:6.1f} s  {text}"
        self.events.append(line)
        print(f"[{self.name}] {line}", flush=True)

    def _spawn(self, role: str, url: str, prefix: list[str]) -> subprocess.Popen[bytes]:
        self._spawned += 1
        env = {**os.environ, "GOVMON_REDIS_URL": url, "GOVMON_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
        with (self.directory / f"{role}{self._spawned}.log").open("wb") as log:
            return subprocess.Popen(
                [*prefix, sys.executable, "-m", "monitor", role, "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip

    def start_scheduler(self) -> None:
        self.schedulers.append(self._spawn("scheduler", self.redis.url, []))

    def start_worker(self, slot: str) -> None:
        assert self.relay is not None
        prefix = ["ip", "netns", "exec", slot] if self.setup.netns else []
        self.workers[slot] = self._spawn(
            "worker", f"redis://{self.relay.listen_host}:{self.relay.port}/0", prefix
        )

    async def leader_pid(self) -> int | None:
        """The pid in the scheduler lease's holder (``host:pid:role:…``)."""
        redis = client(self.redis.url)
        try:
            holder = await redis.get(f"{PREFIX}:lease:scheduler")
        finally:
            await redis.aclose()
        if not holder:
            return None
        return int((holder.decode() if isinstance(holder, bytes) else holder).split(":")[1])


async def run_once(run: Run, slots: list[str], faults: bool) -> None:
    args = run.args
    run_s = args.minutes * 60
    run.redis.start()
    run.relay = faultnet.Relay(run.setup.relay_host, ("127.0.0.1", run.redis.port))
    await run.relay.start()
    run.started = time.monotonic()
    tapping = asyncio.create_task(run.tap.follow(run.redis.url))
    run.start_scheduler()
    run.start_scheduler()
    for slot in slots:
        run.start_worker(slot)
    run.note(
        f"started: 2 schedulers, {len(slots)} workers ({'namespaces' if run.setup.netns else 'processes'})"
    )
    plan = fault_plan(args, slots) if faults else []
    for at_s, what, detail in plan:
        await asyncio.sleep(max(0.0, run.started + at_s - time.monotonic()))
        await inflict(run, what, detail)
    await asyncio.sleep(max(0.0, run.started + run_s - time.monotonic()))
    run.note("load phase over: schedulers stopped, the workers drain the queue")
    for proc in run.schedulers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    run.drained = await drain(run, timeout_s=120)
    run.as_of = time.time()
    run.note("queue drained" if run.drained else "queue NOT drained within 120 s")
    for proc in run.workers.values():
        proc.send_signal(signal.SIGTERM)
    for proc in [*run.workers.values(), *run.schedulers]:
        try:
            run.exits.append(await asyncio.to_thread(proc.wait, 30))
        except subprocess.TimeoutExpired:
            proc.kill()
            run.exits.append(await asyncio.to_thread(proc.wait))
    run.tap.stop()
    await tapping
    await run.relay.cut()


def fault_plan(args: argparse.Namespace, slots: list[str]) -> list[tuple[float, str, str]]:
    """When each fault strikes (seconds into the run): the cut at a quarter, the scheduler failover past
    half-way, the Redis restart near the end, and random worker SIGKILLs (each followed by a replacement)
    throughout."""
    run_s = args.minutes * 60
    rng = random.Random(args.seed)
    cut_at = run_s * 0.25
    plan = [
        (run_s * 0.6, "failover", ""),
        (cut_at, "cut", ""),
        (max(run_s * 0.85, cut_at + args.cut_s + 8), "redis-restart", ""),
    ]
    kills = args.kills if args.kills is not None else max(2, round(args.minutes))
    plan += [(rng.uniform(run_s * 0.05, run_s * 0.95), "kill", rng.choice(slots)) for _ in range(kills)]
    plan.append((cut_at + args.cut_s, "restore", ""))
    return sorted(plan)


async def inflict(run: Run, what: str, detail: str) -> None:
    assert run.relay is not None
    if what == "kill":
        proc = run.workers[detail]
        proc.kill()
        await asyncio.to_thread(proc.wait)
        run.start_worker(detail)
        run.note(f"worker in {detail} SIGKILLed (pid {proc.pid}); a replacement started there")
    elif what == "failover":
        pid = await run.leader_pid()
        deadline = time.monotonic() + 30
        while pid is None and time.monotonic() < deadline:  # the first election may still be under way
            await asyncio.sleep(0.2)
            pid = await run.leader_pid()
        leader = next((p for p in run.schedulers if p.pid == pid), None)
        if leader is None:
            run.note(f"failover skipped: the lease names pid {pid}, not one of ours")
            return
        leader.kill()
        await asyncio.to_thread(leader.wait)
        run.note(f"leading scheduler SIGKILLed (pid {pid})")
        deadline = time.monotonic() + 30
        new = await run.leader_pid()
        while new in (None, pid) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            new = await run.leader_pid()
        run.note(f"scheduler pid {new} holds the lease now")
        run.start_scheduler()  # a new standby, as a supervisor would restart the dead one
    elif what == "cut":
        await run.relay.cut()
        run.note(f"link to Redis cut (relay stopped) for {run.args.cut_s:g} s")
    elif what == "restore":
        await run.relay.start()
        run.note("link to Redis restored")
    elif what == "redis-restart":
        await asyncio.to_thread(run.redis.kill)
        await asyncio.to_thread(run.redis.start)
        run.note("Redis SIGKILLed and restarted on its AOF")


async def drain(run: Run, timeout_s: float) -> bool:
    redis = client(run.redis.url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                length = await redis.xlen(f"{PREFIX}:jobs")
                pending = (await redis.xpending(f"{PREFIX}:jobs", "workers"))["pending"]
                if length == 0 and pending == 0:
                    return True
            await asyncio.sleep(0.5)
        return False
    finally:
        await redis.aclose()


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
