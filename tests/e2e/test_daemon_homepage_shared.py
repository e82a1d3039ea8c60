"""``govmon run`` against the simulator: the checks that start from a site's homepage (homepage, columns,
links every 10 s here; services, interaction every 20 s) fall due together on each site, one tick enqueues
them side by side, the worker claims them together, and the simulator's request counter shows each site's
homepage read once for all the checks due at one moment, not once per check."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml

from monitor.engine.kv.connect import free_port
from monitor.sim import SimWeb

from .test_daemon_availability import env_for, save_stream

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

FAST = {
    "crawl": {"homepage_interval_s": 10, "columns_interval_s": 10},
    "links": {"interval_s": 10, "crawl_pages": 0, "crawl_depth": 0},
    "services": {"interval_s": 20},
    "interaction": {"interval_s": 20},
    "availability": {"probes_per_day": 1},  # probes (their own fresh request) out of the way
    "engine": {"tick_s": 0.1, "shutdown_grace_s": 3},
    "fetch": {"per_host_rate": {"requests": 200}, "per_host_concurrency": 16},
}
READERS = ("homepage", "columns", "links", "services", "interaction")
RUN_S = 25.0


def jobs_done(metrics_text: str, check: str) -> int:
    found = re.findall(
        rf'^govmon_jobs_total\{{check="{check}",outcome="[a-z]+"\}} (\S+)$', metrics_text, re.M
    )
    return int(sum(float(value) for value in found))


async def test_each_sites_homepage_is_read_once_for_the_checks_due_together(tmp_path: Path) -> None:
    async with SimWeb(seed=5, scenario="services") as sim:
        truth = sim.truth()["sites"]
        inventory = sim.inventory()
        sites = [s for s in inventory["sites"] if truth[s["id"]]["health"] == "healthy"][:6]  # type: ignore[index]
        assert len(sites) == 6
        config = tmp_path / "govmon.yaml"
        config.write_text(
            yaml.safe_dump({**inventory, "sites": sites, "accounts": [], **FAST}, allow_unicode=True),
            encoding="utf-8",
        )
        port = free_port()
        daemon = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "run", "-c", str(config), "--listen", f"127.0.0.1:{port}",
            env=env_for(tmp_path / "data"), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert daemon.stderr is not None
        log_path = tmp_path / "log"
        drain = asyncio.create_task(save_stream(daemon.stderr, log_path))
        try:
            await asyncio.sleep(RUN_S)  # the schedule's own cadence: two or three 10-s points per site
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{port}/metrics") as response,
            ):
                metrics_text = await response.text()
            homepage_reads = sum(sim.stats(s["url"].split("/")[2]).paths["/"] for s in sites)
        finally:
            daemon.send_signal(signal.SIGTERM)
            returncode = await asyncio.wait_for(daemon.wait(), 60)
            await drain
    assert returncode == 0, log_path.read_text()[-3000:]
    jobs = {check: jobs_done(metrics_text, check) for check in READERS}
    assert jobs["homepage"] >= 2 * len(sites) and jobs["services"] >= len(sites) // 2, jobs
    assert jobs["columns"] >= jobs["homepage"] - len(sites) and jobs["links"] >= jobs["homepage"] - len(sites)
    # one read per site and moment: as many as homepage jobs (a job still running at the end may add one
    # a site), against one per check before
    assert homepage_reads <= jobs["homepage"] + len(sites), (homepage_reads, jobs)
    assert homepage_reads < sum(jobs.values()) / 2, (homepage_reads, jobs)
