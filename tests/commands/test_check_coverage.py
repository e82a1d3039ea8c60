"""``govmon check`` says what it could not judge (issue 14 item 9): a site that never answers is not "all
fine"; the summary counts judged / partly / not judged; ``--strict`` exits 3 when a target could not be
judged at all, while the exit status otherwise keeps its meaning."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from monitor.sim import SimWeb
from monitor.sim.records import SiteSpec

pytestmark = pytest.mark.slow

FAST = {
    "links": {"crawl_pages": 0, "crawl_depth": 0},
    "fetch": {"per_host_rate": {"requests": 200}, "per_host_concurrency": 16, "retries": 0},
}


async def govmon_check(config: Path, data: Path, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(data)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "check", "-c", str(config), *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_site_that_never_answers_is_reported_not_judged(tmp_path: Path) -> None:
    async with SimWeb(seed=9, sites=[SiteSpec(kind="department"), SiteSpec(health="down")]) as sim:
        healthy, down = sim.sites
        config = tmp_path / "govmon.yaml"
        inventory = sim.inventory()
        inventory["accounts"] = []
        config.write_text(yaml.safe_dump({**inventory, **FAST}, allow_unicode=True), encoding="utf-8")
        code, out, _ = await govmon_check(config, tmp_path / "data")
        strict, _, _ = await govmon_check(config, tmp_path / "data", "--strict")
        code_json, out_json, err_json = await govmon_check(config, tmp_path / "data", "--json")
    assert f"({down.id}) not judged: " in out
    assert f"({healthy.id})" not in out.split("judged 1 of 2")[0].split("\n")[-1]
    assert "judged 1 of 2 targets; partly judged 0; not judged 1" in out
    assert code == 0 and code_json == 0  # no veto found: the exit status keeps its meaning
    assert strict == 3
    assert isinstance(json.loads(out_json), list)  # stdout stays the findings array
    assert "not judged 1" in err_json
