"""``govmon check --full`` walks whole sites: a broken link on a column page that a daemon-sized cycle
(here one with no page beyond the homepage) never reaches is found; ``--time-limit`` needs ``--full``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from monitor.model import SHANGHAI
from monitor.sim import SimWeb
from tests.e2e.support import govmon

pytestmark = pytest.mark.slow


def broken_links(out: str) -> set[str]:
    return {f["evidence"]["url"] for f in json.loads(out) if f["code"] == "links.broken"}


async def test_full_finds_the_deep_broken_links_a_cycle_leaves_for_later(tmp_path: Path) -> None:
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(seconds=120)).replace(microsecond=0)
    async with SimWeb(seed=3, now=now, sites="links") as sim:
        truth = sim.truth()["sites"]
        deep = {
            link["url"]
            for t in truth.values()
            for link in t["broken_links"]
            if not link["on_homepage"] and link["kind"] in ("404", "soft404")
        }
        assert deep
        config = sim.inventory() | {
            "links": {"timeout_s": 1.5, "bot_retry_after_s": 0, "crawl_depth": 1, "crawl_pages": 0},
            "fetch": {"per_host_rate": {"requests": 1000, "period_s": 1.0}},
        }
        path = tmp_path / "govmon.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        args = ("check", "-c", str(path), "--json", "--as-of", now.isoformat())

        _, out, _ = await govmon(*args, data_dir=tmp_path / "cycle")
        assert not deep & broken_links(out)
        _, out, err = await govmon(*args, "--full", "--time-limit", "60", data_dir=tmp_path / "full")
        assert deep <= broken_links(out), err[-2000:]
        assert "checks done" not in err  # progress only on a terminal

        code, _, err = await govmon("check", "-c", str(path), "--time-limit", "60", data_dir=tmp_path / "x")
        assert code == 2 and "--time-limit" in err
