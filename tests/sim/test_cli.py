"""``python -m monitor.sim serve`` runs as its own process, writes the configuration once serving,
and exits 0 on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path

import aiohttp
import yaml

from tests.sim.conftest import MapResolver


async def test_serve_writes_the_config_serves_it_and_stops_on_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "govmon.yaml"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor.sim", "serve", "--scenario", "demo", "--now", "2026-11-27T10:00",
        "--write-config", str(config), "--write-truth", str(tmp_path / "truth.json"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not config.exists():
            assert process.returncode is None, "the simulator exited early"
            assert time.monotonic() < deadline, "no configuration written"
            await asyncio.sleep(0.05)
        inventory = yaml.safe_load(config.read_text(encoding="utf-8"))
        assert len(inventory["sites"]) == 12
        connector = aiohttp.TCPConnector(resolver=MapResolver(inventory["resolve"]))
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            session.get(inventory["sites"][0]["url"]) as response,
        ):
            assert response.status == 200
            assert "今天是2026年11月27日 星期五" in await response.text()
        assert (tmp_path / "truth.json").exists()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(10):
                returncode = await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
    assert returncode == 0
