"""Issue 9's "Done when": ``govmon run`` against the simulated government web, every target's owner a json://
webhook on loopback that answers 503 for its first stretch (20 s here instead of a minute: the retry cap is
scaled from 60 s to 3 s with it, so the channel is still down for several tries). Every veto violation that
opened (as the lifecycle's events record it) reaches its target's owner as a 【单项否决】 naming the target id
and the code; no veto notice names a veto that never opened; after a restart of the daemon none is sent again.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from redis.exceptions import RedisError

from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.sim import SimWeb
from tests.e2e.test_daemon_availability import SCALED, env_for, save_stream
from tests.notify.support import Receiver

DOWN_S = float(os.environ.get("GOVMON_E2E_NOTICES_DOWN_S", "20"))
"""How long the owners' webhook answers 503. CI keeps 20 s; the issue's full minute, with the default 60 s retry
cap, is ``GOVMON_E2E_NOTICES_DOWN_S=60 python -m pytest tests/e2e/test_notices.py`` (about 3 minutes)."""
NOTIFY = {
    "retry_base_s": 0.5,
    "retry_max_s": 3 if DOWN_S <= 20 else 60,
    "poll_s": 0.2,
    "tick_s": 1,
    "send_timeout_s": 5,
}

pytestmark = [pytest.mark.slow, pytest.mark.timeout(200 + 2 * DOWN_S)]


def write_config(sim: SimWeb, directory: Path, hook: Receiver) -> Path:
    config: dict[str, Any] = {**sim.inventory(), **SCALED, "notify": NOTIFY}
    for row in config["sites"] + config.get("accounts", []):
        row["owners"] = [hook.url(f"owner/{row['id']}")]
    path = directory / "govmon.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


async def start(
    config: Path, data_dir: Path, log_path: Path
) -> tuple[asyncio.subprocess.Process, asyncio.Task]:
    daemon = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "run", "-c", str(config), "--listen", f"127.0.0.1:{free_port()}",
        env=env_for(data_dir), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert daemon.stderr is not None
    return daemon, asyncio.create_task(save_stream(daemon.stderr, log_path))


async def stop(daemon: asyncio.subprocess.Process, drain: asyncio.Task) -> int:
    daemon.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(daemon.wait(), 30)
    await drain
    return code


async def opened_vetoes(data_dir: Path) -> set[tuple[str, str]]:
    """(target, code) of every veto that became a violation, from the lifecycle's event stream."""
    redis = client(EmbeddedRedis(data_dir / "redis").url)
    try:
        entries = await redis.xrange(Keys().finding_events)
    except (ConnectionError, OSError, RedisError):
        return set()  # not started yet
    finally:
        await redis.aclose()
    opened = set()
    for _, fields in entries:
        event = json.loads(fields["event"])
        f = event["finding"]
        if (event["kind"] in ("opened", "changed") and f["severity"] == "veto" and f["status"] == "violation"
                and event.get("previous_status") != "violation"):  # fmt: skip
            opened.add((f["target"], f["code"]))
    return opened


def veto_notices(hook: Receiver) -> list[tuple[str, dict[str, Any]]]:
    return [
        (r.path, json.loads(r.body["message"]))
        for r in hook.received
        if r.body["title"].startswith("【单项否决】")
    ]


def delivered(hook: Receiver) -> set[tuple[str, str]]:
    pairs = set()
    for path, payload in veto_notices(hook):
        for f in payload["findings"]:
            assert path == f"/owner/{f['target']}"  # to that target's owner
            assert f["target"] in payload["title"]  # the title names the target's id
            pairs.add((f["target"], f["code"]))
    return pairs


async def test_every_opened_veto_reaches_its_owner_through_a_channel_down_at_first_and_a_restart_repeats_none(
    tmp_path,
):
    async with (
        Receiver() as hook,
        SimWeb(seed=7, scenario="demo", probe_timeout_s=1.0, slow_latency_s=2.0) as sim,
    ):
        truth = sim.truth()["sites"]
        injected = {sid for sid, t in truth.items() if t["health"] in {"down", "error", "slow", "flaky"}}
        hook.down_until = time.monotonic() + DOWN_S
        config, data_dir = write_config(sim, tmp_path, hook), tmp_path / "data"
        daemon, drain = await start(config, data_dir, tmp_path / "log1")
        try:
            deadline = time.monotonic() + 100 + 2 * DOWN_S
            while True:
                opened = await opened_vetoes(data_dir)
                unreachable = {t for t, code in opened if code == "site.unreachable"}
                if (
                    unreachable >= injected
                    and opened <= delivered(hook)
                    and time.monotonic() > hook.down_until
                ):
                    break
                assert time.monotonic() < deadline, (
                    f"opened {sorted(opened)}, delivered {sorted(delivered(hook))}, refused {hook.refused}\n"
                    + (tmp_path / "log1").read_text()[-3000:]
                    if (tmp_path / "log1").exists() else ""
                )  # fmt: skip
                await asyncio.sleep(0.5)
            opened = await opened_vetoes(data_dir)  # the embedded Redis stops with the daemon
        finally:
            assert await stop(daemon, drain) == 0
        assert hook.refused > 0  # the channel was down while the first vetoes opened
        assert delivered(hook) == opened  # every opened veto, and no veto notice for one never open
        ids_before = [p["notice_id"] for _, p in veto_notices(hook)]
        assert len(ids_before) == len(set(ids_before))  # nothing twice despite the retries

        before = len(hook.received)
        daemon, drain = await start(config, data_dir, tmp_path / "log2")
        try:  # the restarted daemon runs its consumer, outbox and leader ticks for a while
            await asyncio.sleep(8)
            newly_opened = await opened_vetoes(data_dir) - opened
        finally:
            assert await stop(daemon, drain) == 0
        again = [p["notice_id"] for _, p in veto_notices(hook)[len(ids_before) :]]
        assert not set(again) & set(ids_before), "a notice sent before the restart was sent again"
        assert {
            (f["target"], f["code"]) for _, p in veto_notices(hook)[len(ids_before) :] for f in p["findings"]
        } <= (newly_opened)
        assert len(hook.received) - before == len(again) + sum(
            1 for r in hook.received[before:] if not r.body["title"].startswith("【单项否决】")
        )
