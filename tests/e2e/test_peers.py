"""``govmon check --full`` on a small ``peers`` cluster (county portals whose articles link to each other,
to the 一体化平台 and to pages that are gone; one serves GBK declared only in ``<meta>``) finds every dead
URL and soft 404 the simulator's truth lists: dead and soft-404 pages as links.broken, missing platform
items linked from articles as service.broken; and nothing else as broken."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from monitor.model import SHANGHAI
from monitor.sim import SimWeb
from monitor.sim.peers import peer_specs
from tests.e2e.support import govmon as run_govmon

pytestmark = pytest.mark.slow
CODE_OF_KIND = {"404": "links.broken", "soft404": "links.broken", "platform_missing": "service.broken"}


async def govmon(*args: str, data_dir: Path) -> tuple[int, str, str]:
    return await run_govmon(*args, data_dir=data_dir, timeout_s=150)


async def test_check_full_finds_every_dead_url_and_soft_404_of_the_cluster(tmp_path: Path) -> None:
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(seconds=120)).replace(microsecond=0)
    async with SimWeb(seed=5, now=now, sites=list(peer_specs(sites=3, items_per_column=4))) as sim:
        truth = sim.truth()["sites"]
        expected = {
            (site, CODE_OF_KIND[link["kind"]], link["url"])
            for site, t in truth.items()
            for link in t["broken_links"]
        }
        kinds = {link["kind"] for t in truth.values() for link in t["broken_links"]}
        assert kinds == set(CODE_OF_KIND) and len(expected) >= 15
        assert any(t["encoding"] == "gbk" for t in truth.values())
        config = sim.inventory() | {
            "links": {"timeout_s": 5, "bot_retry_after_s": 0},
            "fetch": {"per_host_concurrency": 8, "per_host_rate": {"requests": 100_000, "period_s": 1.0}},
        }
        path = tmp_path / "govmon.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        args = (
            "check",
            "-c",
            str(path),
            "--json",
            "--as-of",
            now.isoformat(),
            "--full",
            "--time-limit",
            "90",
        )
        _, out, err = await govmon(*args, data_dir=tmp_path / "data")
    findings = json.loads(out)
    found = {
        (f["target"], f["code"], f["evidence"]["url"])
        for f in findings
        if f["code"] in ("links.broken", "links.broken_homepage", "service.broken")
    }
    assert found == expected, err[-3000:]
    assert all(f["status"] == "violation" for f in findings if f["code"] in CODE_OF_KIND.values())
