"""``govmon check --json`` against the simulator's freshness scenario reports exactly the freshness,
footer and domain faults the simulator injected (and the ones its truth implies, such as at_risk
columns near their window's end): each fault found, nothing on healthy sites.

The expectation is computed from the simulator's truth (column ages, categories, levels, footer parts,
hosts) with indicators.md's arithmetic, independently of govmon's rules.
"""

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

from monitor.sim import SimWeb

pytestmark = pytest.mark.slow

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CODES = {
    "homepage.stale", "column.stale", "column.empty", "columns.stale", "columns.long_stale", "columns.empty",
    "content.future_date", "column.misfiled", "topic.expired", "footer.identifier_missing",
    "site.domain_nonconforming",
}  # fmt: skip
LEAD = {"news": 5, "notice": 30, "planning": 60, "other": 30}
FAST = {"fetch": {"per_host_rate": {"requests": 100, "period_s": 1.0}, "per_host_concurrency": 8}}

Key = tuple[str, str, str, str]  # target, code, column name / footer item / "", status


def column_expectations(sid: str, site: dict[str, Any]) -> set[Key]:
    """Per column from its own window (the truth's ``window_days``: news 14, 通知公告/政策文件 183, 政策解读,
    统计公报 … and planning 365); the three counts as the truth's ``column_counts`` holds them."""
    found: set[Key] = set()
    for c in site["columns"]:
        if not c["judged"]:
            continue
        if c["injected"] == "empty":
            found.add((sid, "column.empty", c["name"], "violation"))
            continue
        window, age = c["window_days"], c["age_days"]
        if age is None or age < 0:  # a future-dated row heads the list; the rest are fresh
            continue
        if age > window:
            found.add((sid, "column.stale", c["name"], "violation"))
        elif window + 1 - age <= LEAD[c["category"]]:
            found.add((sid, "column.stale", c["name"], "at_risk"))
    for code, count in site["column_counts"].items():
        if count["status"]:
            found.add((sid, code, "", count["status"]))
    return found


def homepage_expectation(sid: str, site: dict[str, Any], today: dt.date) -> set[Key]:
    if site["homepage_navigation_only"]:
        ages = [c["age_days"] for c in site["columns"] if c["first_level"] and c["age_days"] is not None]
        age = min(ages) if ages else None
    else:
        newest = site["homepage_newest"]
        age = (today - dt.date.fromisoformat(newest)).days if newest else None
    if age is None or age > 14:
        return {(sid, "homepage.stale", "", "violation")}
    return {(sid, "homepage.stale", "", "at_risk")} if age >= 10 else set()


def expected(truth: dict[str, Any], today: dt.date) -> set[Key]:
    found: set[Key] = set()
    for sid, site in truth.items():
        found |= column_expectations(sid, site) | homepage_expectation(sid, site, today)
        found |= {(sid, "column.misfiled", name, "violation") for name in site["misfiled"]}
        found |= {(sid, "topic.expired", name, "violation") for name in site["expired_topics"]}
        found |= {(sid, "footer.identifier_missing", part, "violation") for part in site["footer_missing"]}
        if site["future_item"]:
            found.add((sid, "content.future_date", "", "violation"))
        if site["domain_nonconforming"]:
            found.add((sid, "site.domain_nonconforming", "", "violation"))
    return found


def key_of(finding: dict[str, Any]) -> Key:
    evidence = finding["evidence"]
    label = evidence.get("item", "") if finding["code"].startswith("footer.") else ""
    if finding["code"].startswith(("column.", "topic.")):
        label = evidence["name"]
    return finding["target"], finding["code"], label, finding["status"]


@pytest.mark.parametrize(
    ("seed", "sites"),
    [(3, "freshness"), (5, 20)],  # every fault once; a seeded mix of 20 mostly healthy sites
    ids=["freshness", "mix20"],
)
async def test_check_reports_exactly_the_injected_freshness_faults(
    tmp_path: Path, seed: int, sites: str | int
):
    async with SimWeb(seed=seed, sites=sites) as sim:
        # govmon judges only pages it read: sites made unreachable are left to site.unreachable
        truth = {sid: t for sid, t in sim.truth()["sites"].items() if t["health"] in ("healthy", "gbk")}
        config = tmp_path / "govmon.yaml"
        config.write_text(yaml.safe_dump({**sim.inventory(), **FAST}, allow_unicode=True), encoding="utf-8")
        as_of = dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=2)
        if as_of.date() != sim.now.date():
            pytest.skip("the simulator's day ends during the run")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
        env["GOVMON_DATA_DIR"] = str(tmp_path / "data")
        check = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor", "check", "-c", str(config), "--json",
            "--as-of", as_of.isoformat(timespec="seconds"),
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(check.communicate(), 90)
    assert out, err.decode()[-2000:]
    findings = [f for f in json.loads(out) if f["code"] in CODES and f["target"] in truth]
    got = {key_of(f) for f in findings}
    want = expected(truth, sim.now.date())
    assert got == want, f"missed: {sorted(want - got)}\nunexpected: {sorted(got - want)}"
    if sites == "freshness":  # the scenario covers every count rule's violation and warning
        for code in ("columns.stale", "columns.long_stale", "columns.empty"):
            assert {k[3] for k in want if k[1] == code} >= {"violation"}, code
        assert {k[1] for k in want if k[3] == "at_risk"} >= {"columns.stale", "columns.empty"}
    for f in findings:
        if f["status"] == "at_risk":
            assert f["due"] and dt.datetime.fromisoformat(f["due"]).time() == dt.time(0, 0)
        if f["code"] in ("column.stale", "column.empty"):
            assert set(f["evidence"]) >= {"name", "url", "category", "first_level", "newest"}
    assert check.returncode == 1  # veto violations


async def test_inspect_lists_a_homepages_first_level_columns_with_their_newest_dates():
    from monitor.commands.inspect import inspect_location
    from monitor.inventory import Loaded
    from monitor.settings import Settings

    async with SimWeb(seed=3, sites="freshness") as sim:
        inventory = sim.inventory()
        site = inventory["sites"][0]
        truth = sim.truth()["sites"][site["id"]]
        settings = Settings.model_validate({"resolve": inventory["resolve"], "allow_private_networks": True})
        report = await inspect_location(site["url"], Loaded(settings, (), (), (), ()), None)
    shown = {c["url"]: (c["name"], c["category"], c["first_level"]) for c in report["columns"]}
    first_level = {c["url"]: (c["name"], c["category"], True) for c in truth["columns"] if c["first_level"]}
    assert shown == first_level
    [news] = [c for c in report["columns"] if c["name"] == "工作动态"]
    [true_news] = [c for c in truth["columns"] if c["name"] == "工作动态"]
    assert (news["newest"], news["count"]) == (true_news["newest"], true_news["first_page_count"])


async def test_pinned_columns_win_over_discovery():
    """A pinned column keeps the inventory's name and category, and is read even where no menu links it."""
    import structlog

    from monitor.checks.base import CheckContext
    from monitor.checks.columns import CHECK
    from monitor.clock import SystemClock
    from monitor.fetch import Fetcher
    from monitor.model import Column, Site
    from monitor.settings import Settings

    async with SimWeb(seed=3, sites="freshness") as sim:
        row = sim.inventory()["sites"][0]
        truth = sim.truth()["sites"][row["id"]]
        by_name = {c["name"]: c for c in truth["columns"]}
        pinned = (
            Column("本级动态", by_name["工作动态"]["url"], "news"),  # renamed by the owner
            Column("财政资金", by_name["规范性文件"]["url"], "planning"),  # a sub-column, recategorised
        )
        site = Site(row["id"], row["name"], row["url"], row["region"], columns=pinned)
        settings = Settings.model_validate(
            {"resolve": sim.inventory()["resolve"], "allow_private_networks": True}
        )
        async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
            ctx = CheckContext(fetcher, settings, SystemClock(), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
            observation = await CHECK.run(site, "columns:test", ctx)
    columns = {c["url"]: c for c in observation.payload["columns"]}
    gzdt = columns[by_name["工作动态"]["url"]]
    assert (gzdt["name"], gzdt["category"], gzdt["source"], gzdt["first_level"]) == (
        "本级动态",
        "news",
        "pinned",
        True,
    )
    assert gzdt["newest"] == by_name["工作动态"]["newest"]
    gfxwj = columns[by_name["规范性文件"]["url"]]
    assert (gfxwj["name"], gfxwj["category"], gfxwj["source"]) == ("财政资金", "planning", "pinned")
    assert gfxwj["first_level"] is False  # linked from second-level pages, not from the homepage
    assert sum(1 for c in observation.payload["columns"] if c["url"] == gfxwj["url"]) == 1


async def test_a_spent_crawl_budget_leaves_the_remaining_columns_unread_not_stale():
    import structlog

    from monitor.checks.base import CheckContext
    from monitor.checks.columns import BUDGET_SPENT, CHECK
    from monitor.clock import SystemClock
    from monitor.fetch import Fetcher
    from monitor.model import Site
    from monitor.rules.columns import COLUMN_RULE
    from monitor.settings import Settings

    async with SimWeb(seed=3, sites="freshness") as sim:
        row = sim.inventory()["sites"][1]  # five stale columns
        site = Site(row["id"], row["name"], row["url"], row["region"])
        settings = Settings.model_validate(
            {
                "resolve": sim.inventory()["resolve"],
                "allow_private_networks": True,
                "columns": {"budget_s": 1e-6},
            }
        )
        async with Fetcher(settings.fetch, allow_private=True, resolve=settings.resolve) as fetcher:
            ctx = CheckContext(fetcher, settings, SystemClock(), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
            observation = await CHECK.run(site, "columns:test", ctx)
    assert observation.payload["columns"]
    assert {c["error"] for c in observation.payload["columns"]} == {BUDGET_SPENT}
    history = {"columns": [observation]}
    assert COLUMN_RULE.evaluate(site, history, observation.observed_at + 1, settings) == []
