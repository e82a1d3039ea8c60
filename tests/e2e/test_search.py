"""``govmon check --as-of`` on the simulator's ``search`` scenario finds exactly the seeded site-search and
service-guide problems: a search answering 500 and one finding nothing for anything are ``site.search_broken``
violations, a box whose URL a script builds out of sight and a homepage without a search box are
``unverified``; the GET, POST, search-host, script-template and GBK searches work (no finding). Each guide
lacking an element is one ``service.guide_incomplete`` naming what it lacks; complete guides (under the
synonyms too) and the platform's guide (not judged by default) yield nothing, and the down site nothing at all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.model import SHANGHAI
from monitor.sim import SimWeb
from tests.e2e.support import govmon

pytestmark = pytest.mark.slow

FAST = {  # only this test's checks matter here: no link crawl, no politeness pauses on the loopback web
    "links": {"crawl_pages": 0, "crawl_depth": 0},
    "fetch": {"per_host_rate": {"requests": 200}, "per_host_concurrency": 16},
}
OURS = ("site.search_broken", "service.guide_incomplete")


async def check(sim: SimWeb, directory: Path, extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    config = directory / "govmon.yaml"
    text = yaml.safe_dump({**sim.inventory(), **FAST, **(extra or {})}, allow_unicode=True)
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(config.write_text, text, encoding="utf-8")
    code, out, err = await govmon(
        "check", "-c", str(config), "--json", "--as-of", sim.now.isoformat(), data_dir=directory / "data"
    )
    assert code in (0, 1), err[-3000:]
    return [f for f in json.loads(out) if f["code"] in OURS]


def expected(truth: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    """(target, code, status, reason or missing elements) for every seeded problem, from the truth."""
    problems = set()
    for sid, site in truth.items():
        if site["health"] == "down":
            continue  # the homepage never opens: nothing is judged
        if site["search_expected"]:
            status, reason = site["search_expected"]
            problems.add((sid, "site.search_broken", status, reason))
        for guide in site["incomplete_guides"]:
            problems.add((sid, "service.guide_incomplete", "violation", "、".join(guide["missing"])))
    return problems


def seen(findings: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    out = set()
    for f in findings:
        evidence = f["evidence"]
        if f["code"] == "site.search_broken":
            detail = evidence["reason"] if f["status"] == "unverified" else evidence["result"]
        else:
            detail = "、".join(evidence["missing"])
        out.add((f["target"], f["code"], f["status"], detail))
    return out


async def test_check_finds_exactly_the_seeded_search_and_guide_problems(tmp_path: Path) -> None:
    now = (dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=10)).replace(microsecond=0)
    async with SimWeb(seed=3, now=now, scenario="search") as sim:
        truth = sim.truth()["sites"]
        found = await check(sim, tmp_path / "normal")
        assert seen(found) == expected(truth)
        assert len(found) == len(expected(truth))  # one finding per guide, one per site's search
        kinds = {site["search"] for site in truth.values() if site["health"] != "down"}
        assert kinds == {"get", "post", "host", "script", "error", "zero", "script_only", "none"}
        by_site = {f["target"]: f for f in found if f["code"] == "site.search_broken"}
        zero = next(sid for sid, s in truth.items() if s["search"] == "zero")
        assert "找到0条" in by_site[zero]["evidence"]["reason"]  # the results page's own words
        assert len(by_site[zero]["evidence"]["snapshot"]) >= 32  # that page, kept as evidence
        assert by_site[zero]["evidence"]["headline_url"].startswith(truth[zero]["url"].rstrip("/"))
        guide_urls = {f["evidence"]["url"] for f in found if f["code"] == "service.guide_incomplete"}
        assert guide_urls == {
            g["url"] for s in truth.values() if s["health"] != "down" for g in s["incomplete_guides"]
        }

        # the platform's own guide is judged only when settings say so: then it lacks three elements
        judged = await check(sim, tmp_path / "platform", {"guides": {"judge_platform": True}})
        platform = {g["url"] for s in truth.values() for g in s["guides"] if g["platform"]}
        extra = [f for f in judged if f["evidence"].get("url") in platform]
        assert [f["evidence"]["missing"] for f in extra] == [["办理条件", "申请材料", "办理流程"]]
