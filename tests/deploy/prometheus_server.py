"""Debian's prometheus binary on loopback for tests and the bench: its own data dir, a fast scrape, and the
alert rules from a test copy with ``for:`` shortened."""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from monitor.engine.kv.connect import free_port

PROMETHEUS = shutil.which("prometheus")


def shortened_rules(source: Path, target: Path, for_s: int) -> Path:
    """The rule file with every ``for:`` set to ``for_s`` seconds, so alerts turn pending and firing within
    a test."""
    text = re.sub(r"^(\s+for:\s*)\S+", rf"\g<1>{for_s}s", source.read_text(encoding="utf-8"), flags=re.M)
    target.write_text(text, encoding="utf-8")
    return target


def write_config(directory: Path, scrape: list[str], rule_files: list[Path], interval_s: float = 1.0) -> Path:
    every = f"{round(interval_s * 1000)}ms"
    config = {
        "global": {"scrape_interval": every, "evaluation_interval": every},
        "rule_files": [str(p) for p in rule_files],
        "scrape_configs": [
            {"job_name": "govmon-api", "scrape_timeout": every, "static_configs": [{"targets": scrape}]}
        ],
    }
    path = directory / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


class Prometheus:
    """``async with Prometheus(config, data_dir) as prom: await prom.query(expr)``."""

    def __init__(self, config: Path, data_dir: Path) -> None:
        assert PROMETHEUS is not None
        self.config = config
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / "prometheus.log"
        self._process: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Prometheus:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log.open("wb")
        self._process = await asyncio.create_subprocess_exec(
            str(PROMETHEUS),
            f"--config.file={self.config}",
            f"--storage.tsdb.path={self.data_dir / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{self.port}",
            "--web.enable-lifecycle",
            stdout=log,
            stderr=log,
        )
        self._session = aiohttp.ClientSession()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                async with self._session.get(f"{self.url}/-/ready") as response:
                    if response.status == 200:
                        return self
            except aiohttp.ClientError:
                pass
            if self._process.returncode is not None:
                break
            await asyncio.sleep(0.2)
        await self.__aexit__()
        raise RuntimeError(f"prometheus did not start: {self.log.read_text()[-2000:]}")

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await asyncio.wait_for(self._process.wait(), 20)

    async def api(self, path: str, **params: Any) -> Any:
        assert self._session is not None
        async with self._session.get(f"{self.url}/api/v1/{path}", params=params) as response:
            body = await response.json()
        if body.get("status") != "success":
            raise ValueError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
        return body["data"]

    async def query(self, expr: str) -> list[dict[str, Any]]:
        data = await self.api("query", query=expr)
        return data["result"] if data["resultType"] in ("vector", "matrix") else [data["result"]]

    async def query_range(self, expr: str, start: float, end: float, step_s: float) -> list[dict[str, Any]]:
        data = await self.api("query_range", query=expr, start=start, end=end, step=step_s)
        return data["result"]

    async def alerts(self) -> list[dict[str, Any]]:
        return (await self.api("alerts"))["alerts"]

    async def targets_up(self) -> bool:
        active = (await self.api("targets"))["activeTargets"]
        return bool(active) and all(t["health"] == "up" for t in active)
