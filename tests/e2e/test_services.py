"""``govmon check`` on the simulator's ``services`` scenario finds exactly the injected 办事服务 and 互动交流
problems (no service, services not linked to the platform, dead platform items, no / 信访-only / broken
consultation channel, an unanswered message, stale replies), nothing on the healthy sites and nothing on a
site whose homepage never opens; with the whole platform host down, its links are ``unverified``."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.model import SHANGHAI
from monitor.sim import SimWeb

pytestmark = pytest.mark.slow

FAST = {  # only this test's checks matter here: no link crawl, no politeness pauses on the loopback web
    "links": {"crawl_pages": 0, "crawl_depth": 0},
    "fetch": {"per_host_rate": {"requests": 200}, "per_host_concurrency": 16},
}
OURS = ("service.", "interaction.")


async def govmon_check(sim: SimWeb, directory: Path, *targets: str) -> list[dict[str, Any]]:
    config = directory / "govmon.yaml"
    text = yaml.safe_dump({**sim.inventory(), **FAST}, allow_unicode=True)
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(config.write_text, text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(directory / "data")
    chosen = [arg for target in targets for arg in ("--target", target)]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "check", "-c", str(config), "--json", "--as-of", sim.now.isoformat(),
        *chosen, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode in (0, 1), err.decode()[-3000:]
    return [f for f in json.loads(out) if f["code"].startswith(OURS)]


def expected(truth: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    """(target, code, status, evidence url) for every injected problem, from the simulator's truth."""
    problems = set()
    for sid, site in truth.items():
        if site["health"] == "down":
            continue  # govmon could not read the homepage: it judges nothing
        if site["service"] == "none":
            problems.add((sid, "service.missing", "violation", site["url"]))
        if site["service"] == "local":
            problems.add((sid, "service.not_linked", "violation", site["url"]))
        for service in site["services"]:
            if service["state"] in ("missing", "offline", "maintenance"):
                problems.add((sid, "service.broken", "violation", service["url"]))
        if site["channel"] != "working":
            problems.add((sid, "interaction.missing", "violation", site["url"]))
        if site["unanswered_messages"]:
            problems.add((sid, "interaction.unanswered", "violation", site["url"]))
        if site["messages"] == "replies_stale":
            problems.add((sid, "interaction.replies_stale", "violation", site["url"]))
    return problems


async def test_check_finds_exactly_the_injected_service_and_interaction_problems(tmp_path):
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=10)).replace(
        microsecond=0
    )  # after every observation
    async with SimWeb(seed=5, now=now, scenario="services") as sim:
        truth = sim.truth()["sites"]
        found = await govmon_check(sim, tmp_path / "normal")
        seen = {(f["target"], f["code"], f["status"], f["evidence"]["url"]) for f in found}
        assert seen == expected(truth)
        kinds = {(site["service"], site["channel"], site["messages"]) for site in truth.values()}
        assert {("none", "working", "ok"), ("local", "working", "ok"), ("platform", "xinfang_only", "ok"),
                ("platform", "broken", "ok"), ("platform", "none", "ok"), ("platform", "working", "unanswered"),
                ("platform", "working", "replies_stale")} <= kinds  # fmt: skip
        healthy = [
            sid for sid, s in truth.items()
            if (s["service"], s["channel"], s["messages"]) == ("platform", "working", "ok")
            and all(x["state"] == "ok" for x in s["services"]) and s["health"] == "healthy"
        ]  # fmt: skip
        assert len(healthy) == 2 and not {f["target"] for f in found} & set(healthy)
        broken = [f for f in found if f["code"] == "service.broken"]
        assert len(broken) == 3
        for finding in broken:
            assert set(finding["evidence"]) >= {"url", "text", "http_status", "reason"}
            assert finding["evidence"]["text"]
        unanswered = next(f for f in found if f["code"] == "interaction.unanswered")
        (question,) = next(s for s in truth.values() if s["unanswered_messages"])["unanswered_messages"]
        assert [m["asked"] for m in unanswered["evidence"]["messages"]] == [question["asked"]]

        # the whole platform goes down: its links cannot be verified, and no site is blamed for it
        sim.set_profile(sim.platform_host, down=True)
        with_items = next(sid for sid, s in truth.items() if len(s["services"]) == 4)
        outage = await govmon_check(sim, tmp_path / "outage", with_items, healthy[0])
    statuses = {(f["target"], f["code"], f["status"]) for f in outage}
    assert statuses == {
        (with_items, "service.broken", "unverified"),
        (healthy[0], "service.broken", "unverified"),
    }
    assert all(f["evidence"]["reason"] == "platform_down" for f in outage)
