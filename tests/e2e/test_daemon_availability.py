"""The foundation's acceptance test: ``govmon run`` against the simulated government web, with
unreachability injected and availability scaled down from days to seconds, reports exactly the injected
sites at /api/findings, then stops cleanly on SIGTERM; a following ``govmon check`` (its embedded Redis
restarted from the AOF) reports the same sites and exits 1."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest
import yaml

from monitor.engine.kv.connect import free_port
from monitor.sim import SimWeb

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

UNREACHABLE_HEALTHS = {"down", "error", "slow", "flaky"}
SCALED = {
    # a probe every 0.5 s, a verdict from 20 samples; the same 5 % / 3 % lines as the indicator
    "availability": {
        "probes_per_day": 172800,
        "timeout_s": 1.0,
        "window_days": 1,
        "min_probes": 20,
        "control_cache_s": 5,
    },
    "engine": {"evaluate_interval_s": 1, "tick_s": 0.1, "shutdown_grace_s": 3},
    "crawl": {"homepage_interval_s": 3600},
}


def write_config(sim: SimWeb, directory: Path) -> Path:
    config = {**sim.inventory(), **SCALED}
    path = directory / "govmon.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(data_dir)  # no GOVMON_REDIS_URL: the embedded redis-server
    return env


async def save_stream(stream: asyncio.StreamReader, path: Path) -> None:
    """The daemon's log, kept for the failure message (read off the pipe so it never blocks the daemon)."""
    chunks = [chunk async for chunk in stream]
    await asyncio.to_thread(path.write_bytes, b"".join(chunks))


async def unreachable_now(session: aiohttp.ClientSession, api: str) -> dict[str, str]:
    async with session.get(f"{api}/api/findings", params={"code": "site.unreachable"}) as response:
        return {f["target"]: f["status"] for f in await response.json()}


async def test_daemon_reports_exactly_the_injected_unreachable_sites(tmp_path):
    async with SimWeb(seed=7, scenario="demo", probe_timeout_s=1.0, slow_latency_s=2.0) as sim:
        truth = sim.truth()["sites"]
        injected = {sid for sid, t in truth.items() if t["health"] in UNREACHABLE_HEALTHS}
        healthy = set(truth) - injected
        assert len(injected) == 4 and len(healthy) >= 6  # the demo scenario's mix
        config = write_config(sim, tmp_path)
        port = free_port()
        api = f"http://127.0.0.1:{port}"
        log_path = tmp_path / "log"
        daemon = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "run", "-c", str(config), "--listen", f"127.0.0.1:{port}",
            env=env_for(tmp_path / "data"), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert daemon.stderr is not None
        drain = asyncio.create_task(save_stream(daemon.stderr, log_path))
        try:
            seen: dict[str, str] = {}
            async with aiohttp.ClientSession() as session:
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline:
                    try:
                        seen = await unreachable_now(session, api)
                    except aiohttp.ClientError:
                        seen = {}
                    violations = {t for t, status in seen.items() if status == "violation"}
                    if violations >= injected:
                        break
                    await asyncio.sleep(0.5)
                async with session.get(f"{api}/metrics") as response:
                    metrics_text = await response.text()
            assert {t for t, s in seen.items() if s == "violation"} == injected, (
                tmp_path / "log"
            ).read_text()[-3000:]
            assert not set(seen) & healthy  # not even at_risk
            assert (
                'govmon_findings{code="site.unreachable",severity="veto",status="violation"} 4.0'
                in metrics_text
            )
        finally:
            daemon.send_signal(signal.SIGTERM)
            returncode = await asyncio.wait_for(daemon.wait(), 30)
            await drain
        assert returncode == 0, log_path.read_text()[-3000:]

        check = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "check", "-c", str(config), "--json",
            env=env_for(tmp_path / "data"), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        # A guard against a hung process, not a timing goal: this check also crawls every demo site for
        # columns, links and services (~45 s alone, more on a loaded CI machine).
        out, err = await asyncio.wait_for(check.communicate(), 240)
    findings = json.loads(out)
    unreachable = {
        f["target"] for f in findings if f["code"] == "site.unreachable" and f["status"] == "violation"
    }
    assert unreachable == injected, err.decode()[-2000:]
    assert check.returncode == 1  # a veto violation
