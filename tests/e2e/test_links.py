"""Acceptance of the link slice: ``govmon check`` on the simulator's ``links`` scenario finds exactly the
injected broken links (404, soft 404, redirect to the homepage, refused connection, DNS failure, timeout,
redirect loop, missing image and attachment), on the homepage or deeper, marks bot-blocking hosts
(403, 429) ``unverified``, and says nothing about healthy links (a file server refusing HEAD, a moved
article) or healthy sites. A second run takes its verdicts from the shared cache: the bot host is not
asked again."""

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
LINK_CODES = ("links.broken_homepage", "links.broken")


def link_findings(out: str) -> set[tuple[str, str, str, str]]:
    return {
        (f["target"], f["code"], f["evidence"]["url"], f["status"])
        for f in json.loads(out)
        if f["code"] in LINK_CODES
    }


async def test_check_finds_exactly_the_injected_broken_links(tmp_path: Path) -> None:
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(seconds=120)).replace(microsecond=0)
    async with SimWeb(seed=3, now=now, sites="links") as sim:
        truth = sim.truth()["sites"]
        expected = {
            (
                site,
                "links.broken_homepage" if link["on_homepage"] else "links.broken",
                link["url"],
                link["status"],
            )
            for site, t in truth.items()
            for link in t["broken_links"]
        }
        kinds = {link["kind"] for t in truth.values() for link in t["broken_links"]}
        assert kinds >= {"404", "soft404", "redirect_home", "unreachable", "dns", "timeout", "redirect_loop",
                         "image", "attachment", "bot_blocked", "bot_429"}  # fmt: skip
        healthy = {link["url"] for t in truth.values() for link in t["healthy_links"]}
        assert len(healthy) == 2
        config = sim.inventory() | {
            "links": {"timeout_s": 1.5, "bot_retry_after_s": 1.0, "crawl_depth": 1, "crawl_pages": 40},
            "fetch": {"per_host_rate": {"requests": 1000, "period_s": 1.0}},
        }
        path = tmp_path / "govmon.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        data_dir = tmp_path / "data"
        args = ("check", "-c", str(path), "--json", "--as-of", now.isoformat())

        _, out, err = await govmon(*args, data_dir=data_dir)
        found = link_findings(out)
        assert found == expected, err[-3000:]
        assert not {url for _, _, url, _ in found} & healthy
        evidence = next(
            f["evidence"]
            for f in json.loads(out)
            if f["code"] == "links.broken_homepage" and f["evidence"]["http_status"] == 404
        )
        assert evidence["text"] and evidence["reason"] == "http_404" and evidence["page"]

        bot_requests = sim.stats(sim.bot_host).requests
        _, out, err = await govmon(*args, data_dir=data_dir)
        assert link_findings(out) == expected, err[-3000:]
        assert sim.stats(sim.bot_host).requests == bot_requests  # verdicts came from the shared cache
