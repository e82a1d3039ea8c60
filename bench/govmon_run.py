"""Contender (b): govmon's real daemon processes — ``govmon scheduler`` and one ``govmon worker`` — against
an embedded redis-server that this benchmark starts (so its CPU is not counted against govmon).

The configuration is the simulator's inventory restricted to the workload's sites, with availability
probes effectively off (one a day), the homepage crawl due far more often than the worker can serve (the
scheduler's back-pressure then keeps the stream backlog bounded and the worker's 64 slots full), and rule
evaluation only when brought forward by an observation (so rules run once per page, not on a timer).
Pages are the worker's ``govmon_jobs_total{check="homepage",outcome="ok"}`` (read from ``/metrics`` via
``--listen``) over a fixed window after a warm-up; CPU is user + system of both process trees.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
import yaml

from bench import profile
from bench.workload import Sample, SimProcess, Workload, cpu_seconds
from monitor.engine.kv.connect import EmbeddedRedis, free_port
from monitor.engine.kv.keys import Keys


@dataclasses.dataclass(frozen=True)
class PipelineKnobs:
    """The settings this benchmark chooses; everything else is govmon's default."""

    slots: int = 64
    homepage_interval_s: float = 0.05
    tick_s: float = 0.02
    per_host_rate: int = 1000
    """Per-host request starts a second. The default (4/s) would cap 184 sites at 736 pages/s, and
    Scrapy's default has no per-domain rate at all, so the comparison lifts it (see docs/benchmarks.md)."""
    evaluate_interval_s: float = 86400.0
    probes_per_day: int = 1
    content_pages: int = 0
    """Same-site pages the homepage check reads after the homepage for content safety (default 8). The
    workload is one page a job, as for the other contenders; content safety's own cost per page is measured
    by ``bench.content_cost``. The homepage's own content scan stays on."""


@dataclasses.dataclass(frozen=True)
class PipelineSample:
    sample: Sample
    worker_cpu_s: float
    scheduler_cpu_s: float
    redis_cpu_s: float
    sim_cpu_s: float
    jobs: dict[str, float]
    mean_in_flight: float
    mean_backlog: float
    profile: tuple[int, list[tuple[str, float]], list[tuple[str, float]]] | None = None
    """(samples, buckets, cross-cutting shares) of the worker's CPU, when profiled (``bench.profile``)."""


def pipeline_config(
    sim: SimProcess, workload: Workload, redis_url: str, data_dir: Path, knobs: PipelineKnobs
) -> dict[str, Any]:
    wanted = set(workload.site_ids)
    config = {key: value for key, value in sim.config.items() if key not in ("sites", "accounts")}
    config["sites"] = [site for site in sim.config["sites"] if site["id"] in wanted]
    config.update(
        {
            "redis_url": redis_url,
            "data_dir": str(data_dir),
            "availability": {"probes_per_day": knobs.probes_per_day},
            # every job reads its page: no homepage read shared between jobs (the daemon shares one
            # among the checks of a site due together; here only homepage jobs run, each its own read)
            "crawl": {"homepage_interval_s": knobs.homepage_interval_s, "homepage_reuse_s": 0},
            "engine": {
                "slots": knobs.slots,
                "tick_s": knobs.tick_s,
                "evaluate_interval_s": knobs.evaluate_interval_s,
            },
            "fetch": {"per_host_rate": {"requests": knobs.per_host_rate, "period_s": 1.0}},
            "content": {"pages": knobs.content_pages},
        }
    )
    return config


_SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def scrape(url: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Prometheus text exposition → {(name, labels): value}."""
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if not match:
            continue
        labels = frozenset(
            tuple(part.split("=", 1)) for part in re.findall(r'\w+="[^"]*"', match["labels"] or "")
        )
        labels = frozenset((k, v.strip('"')) for k, v in labels)
        samples[(match["name"], labels)] = float(match["value"])
    return samples


def jobs_by_check(samples: dict[tuple[str, frozenset[tuple[str, str]]], float]) -> dict[str, float]:
    """``govmon_jobs_total`` as {"check/outcome": count}."""
    jobs: dict[str, float] = {}
    for (name, labels), value in samples.items():
        if name == "govmon_jobs_total":
            label = dict(labels)
            jobs[f"{label['check']}/{label['outcome']}"] = value
    return jobs


REPO = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def daemon(
    role: str, config: Path, log: Path, *extra: str, launcher: tuple[str, ...] = ("-m", "monitor")
) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m monitor ROLE -c CONFIG …`` (or through ``bench.whatif``), stopped with SIGTERM."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVMON_")}
    env["GOVMON_LOG_LEVEL"] = "WARNING"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, *launcher, role, "-c", str(config), *extra],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def launcher_for(whatif: str, site: str | None) -> tuple[str, ...]:
    """How to start a role: plain govmon, or through ``bench.whatif`` with those patches."""
    if not whatif:
        return ("-m", "monitor")
    return ("-m", "bench.whatif", "--apply", whatif, *(("--site", site) if site else ()))


def run_pipeline(
    sim: SimProcess,
    workload: Workload,
    *,
    warmup_s: float,
    seconds: float,
    knobs: PipelineKnobs,
    profile_s: float = 0.0,
    launcher: tuple[str, ...] = ("-m", "monitor"),
) -> PipelineSample:
    """Start Redis and the two daemons, measure ``seconds`` after ``warmup_s``, then (with ``profile_s``)
    profile the still saturated worker with py-spy, and stop everything."""
    with tempfile.TemporaryDirectory(prefix="govmon-bench-", dir="/tmp") as tmp:
        directory = Path(tmp)
        server = EmbeddedRedis(directory / "redis").start()
        try:
            config_path = directory / "govmon.yaml"
            config = pipeline_config(sim, workload, server.url, directory / "data", knobs)
            config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
            port = free_port()
            metrics_url = f"http://127.0.0.1:{port}/metrics"
            with (
                daemon(
                    "worker",
                    config_path,
                    directory / "worker.log",
                    "--listen",
                    f"127.0.0.1:{port}",
                    launcher=launcher,
                ) as worker,
                daemon("scheduler", config_path, directory / "scheduler.log", launcher=launcher) as scheduler,
            ):
                measured = _measure(
                    sim, server, worker, scheduler, metrics_url, directory, warmup_s=warmup_s, seconds=seconds
                )
                if profile_s > 0:
                    raw = profile.record(worker.pid, profile_s, directory / "worker.pyspy")
                    if raw is not None:
                        measured = dataclasses.replace(measured, profile=profile.summarize(raw))
                return measured
        finally:
            server.stop()


def _measure(
    sim: SimProcess,
    server: EmbeddedRedis,
    worker: subprocess.Popen[bytes],
    scheduler: subprocess.Popen[bytes],
    metrics_url: str,
    directory: Path,
    *,
    warmup_s: float,
    seconds: float,
) -> PipelineSample:
    assert server.process is not None
    kv = redis.Redis(unix_socket_path=str(server.socket_path), decode_responses=True)
    deadline = time.monotonic() + 60
    while True:  # up, and pages flowing
        for proc in (worker, scheduler):
            if proc.poll() is not None:
                log = (directory / f"{'worker' if proc is worker else 'scheduler'}.log").read_text()
                raise RuntimeError(f"govmon exited with {proc.returncode}:\n{log[-3000:]}")
        with contextlib.suppress(OSError):
            if jobs_by_check(scrape(metrics_url)).get("homepage/ok", 0) > 0:
                break
        if time.monotonic() > deadline:
            raise RuntimeError("govmon did not complete a homepage job within 60 s")
        time.sleep(0.2)
    time.sleep(warmup_s)

    def snapshot() -> tuple[float, float, float, float, float, dict[str, float]]:
        return (
            time.perf_counter(),
            cpu_seconds(worker.pid),
            cpu_seconds(scheduler.pid),
            cpu_seconds(server.process.pid),  # type: ignore[union-attr]
            cpu_seconds(sim.pid),
            jobs_by_check(scrape(metrics_url)),
        )

    start = snapshot()
    in_flight: list[float] = []
    backlog: list[float] = []
    while time.perf_counter() - start[0] < seconds:
        time.sleep(0.5)
        samples = scrape(metrics_url)
        in_flight.append(samples.get(("govmon_jobs_in_flight", frozenset()), 0.0))
        backlog.append(_backlog(kv))
    end = snapshot()
    kv.close()
    jobs = {key: end[5].get(key, 0) - start[5].get(key, 0) for key in end[5]}
    pages = int(jobs.get("homepage/ok", 0))
    failures = int(sum(v for k, v in jobs.items() if k.startswith("homepage/") and k != "homepage/ok"))
    return PipelineSample(
        sample=Sample(
            pages=pages,
            wall_s=end[0] - start[0],
            cpu_s=(end[1] - start[1]) + (end[2] - start[2]),
            failures=failures,
            note=", ".join(f"{k} {v:.0f}" for k, v in sorted(jobs.items()) if v),
        ),
        worker_cpu_s=end[1] - start[1],
        scheduler_cpu_s=end[2] - start[2],
        redis_cpu_s=end[3] - start[3],
        sim_cpu_s=end[4] - start[4],
        jobs=jobs,
        mean_in_flight=sum(in_flight) / max(1, len(in_flight)),
        mean_backlog=sum(backlog) / max(1, len(backlog)),
    )


def _backlog(kv: redis.Redis) -> float:
    """Stream entries not yet delivered (the same arithmetic as ``JobQueue.depth``)."""
    try:
        keys = Keys()
        length = int(kv.xlen(keys.stream))
        pending = int(kv.xpending(keys.stream, keys.group)["pending"])
    except redis.RedisError:
        return float("nan")
    return float(max(0, length - pending))
