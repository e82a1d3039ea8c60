"""Acceptance of the media slice: ``govmon check`` judges every simulated account as the simulator's truth
says (every feed dialect, a list page, zones, GBK, hostile XML, a future entry, a slow bridge), a second
run is answered with 304s and keeps the verdicts, and ``govmon inspect FEED_URL`` shows the entries."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest
import yaml

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
