"""``govmon check`` never notifies without ``--notify``; with it, the veto it found reaches the owner."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import yaml

from monitor.sim import SimWeb
from tests.notify.support import Receiver


async def check(config, data_dir, *extra: str) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(data_dir)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "check", "-c", str(config), "--target", "case-closed", *extra,
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode in (0, 1), err.decode()[-2000:]
    return proc.returncode


async def test_check_notifies_only_when_asked(tmp_path):
    async with Receiver() as hook, SimWeb(seed=3, scenario="demo", media_cases=True) as sim:
        config: dict[str, Any] = dict(sim.inventory())
        for row in config["accounts"]:
            row["owners"] = [hook.url(f"owner/{row['id']}")]
        path = tmp_path / "govmon.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        assert await check(path, tmp_path / "data") == 1  # media.interaction_missing: a veto violation
        assert hook.received == []
        assert await check(path, tmp_path / "data", "--notify") == 1
        (got,) = hook.received
        assert got.path == "/owner/case-closed"
        assert got.body["title"].startswith("【单项否决】株洲税务（case-closed）：未提供有效互动交流功能")
