"""``govmon check --as-of`` against the simulator's ``homepage`` scenario finds exactly the 年度报表 and 重要专题
faults it injected: last year's report linked in the footer, as an image (alt text, a PDF) or in a 政务公开
block is found; the year before last, a link naming no year and no link are not; a required 全国两会 topic is
found as a banner image or a text link and missing elsewhere.

The expectation comes from the simulator's truth (each site's shape), independently of govmon's rules.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.sim import SimWeb
from tests.e2e.support import govmon

pytestmark = pytest.mark.slow

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CODES = ("homepage.annual_report_missing", "homepage.required_topic_missing")
FAST = {"fetch": {"per_host_rate": {"requests": 100, "period_s": 1.0}, "per_host_concurrency": 8}}

Key = tuple[str, str, str]  # target, code, status


def expected(truth: dict[str, Any], today: dt.date, due: dt.date) -> set[Key]:
    """From the due day a site without last year's report is a violation (at risk before it), one whose
    link names no year unverified; the required topic is missing where no homepage link names 两会 (a
    banner, or a row of the homepage's 专题 block)."""
    found: set[Key] = set()
    for sid, site in truth.items():
        report = site["annual_report"]
        if report["shape"] == "undated":
            found.add((sid, CODES[0], "unverified"))
        elif not report["linked"]:
            found.add((sid, CODES[0], "at_risk" if today < due else "violation"))
        if not site["lianghui_shown"]:
            found.add((sid, CODES[1], "violation"))
    return found


@pytest.mark.parametrize("before_due", [False, True], ids=["due", "before-due"])
async def test_check_finds_exactly_the_injected_report_and_topic_faults(tmp_path: Path, before_due: bool):
    """The simulator's day is today (``govmon check`` reads pages now), so the dates are set around it: the
    两会 topic required from yesterday to tomorrow (and a second one only from tomorrow, not yet judged);
    the report due on 1 February, or tomorrow for the at-risk run."""
    async with SimWeb(seed=4, sites="homepage") as sim:
        today = sim.now.date()
        due = today + dt.timedelta(days=1) if before_due else dt.date(today.year, 2, 1)
        if due.year != today.year or (not before_due and today < due):
            pytest.skip("the due day this run needs is not in this year")
        truth = {sid: t for sid, t in sim.truth()["sites"].items() if t["health"] == "healthy"}
        down = [sid for sid, t in sim.truth()["sites"].items() if t["health"] == "down"]
        topics = [
            {"name": "全国两会专题", "keywords": ["两会"], "start": str(today - dt.timedelta(days=1)),
             "end": str(today + dt.timedelta(days=1))},
            {"name": "明日专题", "keywords": ["明日"], "start": str(today + dt.timedelta(days=1)),
             "end": str(today + dt.timedelta(days=9))},
        ]  # fmt: skip
        homepage = {"required_topics": topics, "annual_report_due": f"{due:%m-%d}"}
        config = tmp_path / "govmon.yaml"
        settings = {**sim.inventory(), **FAST, "homepage": homepage}
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        as_of = dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=2)
        if as_of.date() != today:
            pytest.skip("the simulator's day ends during the run")
        _, out, err = await govmon(
            "check", "-c", str(config), "--json", "--as-of", as_of.isoformat(timespec="seconds"),
            data_dir=tmp_path / "data", timeout_s=150,
        )  # fmt: skip
    assert out, err[-2000:]
    findings = [f for f in json.loads(out) if f["code"] in CODES]
    got = {(f["target"], f["code"], f["status"]) for f in findings}
    want = expected(truth, today, due)
    assert got == want, f"missed: {sorted(want - got)}\nunexpected: {sorted(got - want)}"
    assert {k[2] for k in want} >= {"unverified", "at_risk" if before_due else "violation"}
    assert down and not [f for f in findings if f["target"] in down]  # nothing read, nothing judged
    last_year = today.year - 1
    for f in findings:
        assert f["severity"] == "deduction"
        if f["code"] == CODES[0]:
            assert f["evidence"]["year"] == last_year and f"{last_year}年度" in f["message"]
            if f["status"] == "at_risk":
                assert dt.datetime.fromisoformat(f["due"]) == dt.datetime.combine(due, dt.time(), SHANGHAI)
        else:
            assert f["evidence"]["topic"] == "全国两会专题"


async def test_check_judges_ipv6_where_required_on_the_simulated_sites(tmp_path: Path):
    """``ipv6.required``: a site with an AAAA record (::1) that answers there passes; one whose IPv6 side
    answers 502, and every site without an AAAA record (the down one too: DNS says so), fail."""
    from monitor.sim.ipv6 import loopback_usable

    if not loopback_usable():
        pytest.skip("no IPv6 loopback (::1) on this machine")
    async with SimWeb(seed=4, sites="homepage") as sim:
        truth = sim.truth()
        assert truth["ipv6"]
        config = tmp_path / "govmon.yaml"
        settings = {**sim.inventory(), **FAST, "ipv6": {"required": True, "timeout_s": 5}}
        config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
        _, out, err = await govmon(
            "check", "-c", str(config), "--json", data_dir=tmp_path / "data", timeout_s=150
        )
    assert out, err[-2000:]
    findings = [f for f in json.loads(out) if f["code"] == "site.ipv6_missing"]
    got = {(f["target"], f["status"]) for f in findings}
    want = {(sid, "violation") for sid, t in truth["sites"].items() if t["ipv6"] != "dual"}
    assert got == want, f"missed: {sorted(want - got)}\nunexpected: {sorted(got - want)}"
    broken = [f for f in findings if truth["sites"][f["target"]]["ipv6"] == "broken"]
    assert broken and all("无法通过 IPv6 打开" in f["message"] for f in broken)
    assert {f["evidence"]["http_status"] for f in broken} == {502}
