"""Acceptance of the media slice: ``govmon check`` judges every simulated account as the simulator's truth
says (every feed dialect, a list page, zones, GBK, hostile XML, a future entry, a slow bridge), a second
run is answered with 304s and keeps the verdicts, and ``govmon inspect FEED_URL`` shows the entries."""

from __future__ import annotations

import asyncio
import datetime as dt
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
from monitor.model import SHANGHAI
from monitor.sim import SimWeb

pytestmark = pytest.mark.slow


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(data_dir)
    return env


async def govmon(*args: str, data_dir: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", *args, env=env_for(data_dir),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def verdicts(findings: list[dict[str, object]]) -> dict[str, dict[str, str]]:
    judged: dict[str, dict[str, str]] = {}
    for f in findings:
        if f["target_kind"] == "account":
            judged.setdefault(str(f["target"]), {})[str(f["code"])] = str(f["status"])
    return judged


async def test_check_judges_every_simulated_account_as_the_truth_says(tmp_path: Path) -> None:
    # "now" a little ahead of the wall clock, so the observations this run makes fall before --as-of
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(seconds=90)).replace(microsecond=0)
    async with SimWeb(seed=5, now=now, sites=[], media_cases=True, slow_bridge_latency_s=1.0) as sim:
        truth = sim.truth()["accounts"]
        expected = {account: t["expected"] for account, t in truth.items() if t["expected"]}
        assert len(truth) >= 20 and len(expected) >= 12
        config = tmp_path / "govmon.yaml"
        config.write_text(yaml.safe_dump(sim.inventory(), allow_unicode=True), encoding="utf-8")
        data_dir = tmp_path / "data"
        as_of = now.isoformat()

        code, out, err = await govmon(
            "check", "-c", str(config), "--json", "--as-of", as_of, data_dir=data_dir
        )
        assert verdicts(json.loads(out)) == expected, err[-2000:]
        assert code == 1  # veto violations among them
        stale = next(
            f for f in json.loads(out) if f["target"] == "case-future" and f["code"] == "media.stale"
        )
        assert stale["due"] and stale["due"].endswith("T00:00:00+08:00")

        before = sim.stats(sim.bridge_host).not_modified
        code, out, err = await govmon(
            "check", "-c", str(config), "--json", "--as-of", as_of, data_dir=data_dir
        )
        assert verdicts(json.loads(out)) == expected, err[-2000:]
        answered_304 = sim.stats(sim.bridge_host).not_modified - before
        with_validators = [a for a in sim.accounts if a.validators != "none" and a.host == sim.bridge_host]
        assert answered_304 >= len([a for a in with_validators if a.archetype != "broken"])


async def test_inspect_shows_a_feeds_entries_and_newest(tmp_path: Path) -> None:
    now = dt.datetime.now(SHANGHAI).replace(microsecond=0)
    async with SimWeb(seed=5, now=now, sites=[], media_cases=True) as sim:
        config = tmp_path / "govmon.yaml"
        config.write_text(yaml.safe_dump(sim.inventory(), allow_unicode=True), encoding="utf-8")
        account = next(a for a in sim.accounts if a.id == "case-gbk")
        code, out, err = await govmon(
            "inspect", account.feed, "--json", "-c", str(config), data_dir=tmp_path / "data"
        )
    assert code == 0, err[-2000:]
    report = json.loads(out)
    assert report["kind"] == "feed"
    assert len(report["items"]) == len(account.entries)
    newest = max(e.published for e in account.entries)
    assert report["newest"] == newest.isoformat()
    assert report["items"][0]["title"] == account.entries[0].title  # GBK decoded


async def test_daemon_polls_with_304s_and_reports_the_truth(tmp_path: Path) -> None:
    """``govmon run``: workers poll every account (validators in the daemon's Redis), the bridge answers
    the repeated polls with 304, and /api/findings says what the truth says."""
    async with SimWeb(seed=6, sites=[], media_cases=True, slow_bridge_latency_s=0.5) as sim:
        expected = {k: t["expected"] for k, t in sim.truth()["accounts"].items() if t["expected"]}
        config = tmp_path / "govmon.yaml"
        scaled = {"media": {"poll_interval_s": 2}, "engine": {"evaluate_interval_s": 1, "tick_s": 0.1}}
        config.write_text(yaml.safe_dump({**sim.inventory(), **scaled}, allow_unicode=True), encoding="utf-8")
        port = free_port()
        daemon = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "run", "-c", str(config), "--listen", f"127.0.0.1:{port}",
            env=env_for(tmp_path / "data"), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        with_validators = [a for a in sim.accounts if a.validators != "none" and a.archetype != "broken"]
        enough_304s = len(with_validators) // 2  # half of them polled twice already shows the mechanism
        seen: dict[str, dict[str, str]] = {}
        try:
            async with aiohttp.ClientSession() as session:
                deadline = time.monotonic() + 40
                while time.monotonic() < deadline:
                    try:
                        async with session.get(f"http://127.0.0.1:{port}/api/findings") as response:
                            seen = verdicts(await response.json())
                    except aiohttp.ClientError:
                        seen = {}
                    answered_304 = sum(
                        sim.stats(h).not_modified for h in (sim.bridge_host, sim.slow_bridge_host)
                    )
                    if seen == expected and answered_304 >= enough_304s:
                        break
                    await asyncio.sleep(0.5)
        finally:
            daemon.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(daemon.wait(), 30) == 0
        assert seen == expected
        assert answered_304 >= enough_304s
