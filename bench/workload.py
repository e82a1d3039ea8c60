"""The pages every contender fetches, and how each one's cost is measured.

The simulator runs as its own process (its CPU is never counted). The workload is the homepages of the
sites whose truth ``health`` is ``healthy`` or ``gbk`` — every fetch succeeds for every contender — plus the
simulator's ``resolve`` map (each host has its own loopback address; the simulator routes by Host header).
Contenders run as separate processes and report, as one JSON line on stdout, the pages and the CPU
(user + system, ``psutil``, all threads) and wall time of their measured part: from the end of their
warm-up to their last page.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import yaml

FETCHABLE_HEALTHS = ("healthy", "gbk")


@dataclasses.dataclass(frozen=True)
class Workload:
    urls: tuple[str, ...]
    site_ids: tuple[str, ...]
    resolve: dict[str, str]

    def save(self, path: Path) -> Path:
        path.write_text(json.dumps(dataclasses.asdict(self), ensure_ascii=False), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> Workload:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(tuple(data["urls"]), tuple(data["site_ids"]), dict(data["resolve"]))


@dataclasses.dataclass(frozen=True)
class Sample:
    """One contender's measured part."""

    pages: int
    wall_s: float
    cpu_s: float
    failures: int = 0
    note: str = ""

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_s / self.pages if self.pages else float("nan")


def cpu_seconds(*pids: int) -> float:
    """User + system CPU of these processes and all their descendants (threads included)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = proc.cpu_times()
                    total += times.user + times.system
    return total


def own_cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


def emit(sample: Sample) -> None:
    """A contender's last stdout line: its sample as JSON, read by ``run_contender``."""
    print(json.dumps(dataclasses.asdict(sample)), flush=True)


def run_contender(module: str, *args: str, timeout_s: float = 900) -> Sample:
    """Run ``python -m module args`` as its own process and read the sample it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{module} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return Sample(**json.loads(lines[-1]))


@dataclasses.dataclass(frozen=True)
class SimProcess:
    pid: int
    config: dict[str, Any]
    """The govmon configuration the simulator wrote (its whole inventory)."""
    truth: dict[str, Any]


@contextlib.contextmanager
def simulator(directory: Path, *, seed: int, sites: int) -> Iterator[SimProcess]:
    """The simulator as its own process (``python -m monitor.sim serve``), once it listens."""
    config_path, truth_path = directory / "sim-config.yaml", directory / "sim-truth.json"
    for path in (config_path, truth_path):
        path.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "monitor.sim", "serve", "--seed", str(seed), "--sites", str(sites),
            "--write-config", str(config_path), "--write-truth", str(truth_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (config_path.exists() and truth_path.exists()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"simulator did not start: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.05)
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        yield SimProcess(proc.pid, config, truth)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def workload_from(sim: SimProcess) -> Workload:
    """The homepages every contender can fetch without a single failure."""
    wanted = {sid for sid, site in sim.truth["sites"].items() if site["health"] in FETCHABLE_HEALTHS}
    sites = [site for site in sim.config["sites"] if site["id"] in wanted]
    return Workload(
        urls=tuple(site["url"] for site in sites),
        site_ids=tuple(site["id"] for site in sites),
        resolve=dict(sim.config["resolve"]),
    )


def contender_args(prog: str, description: str | None) -> argparse.Namespace:
    """The command line every measured contender takes: a workload file, pages, concurrency, warm-up."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("workload", type=Path)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=500)
    return parser.parse_args()
