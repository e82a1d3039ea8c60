"""/api/targets and /api/targets/ID over real HTTP with a real Redis (issue 14 items 9 and 12): per target,
whether each check could judge it and why not (fetch errors, control URLs failing, never observed yet, a
crawl's spent time budget), and its deduction score with the deductions that made it."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient, TestServer

from monitor.api import build_app
from monitor.checks import CHECKS
from monitor.clock import SystemClock
from monitor.inventory import Loaded
from monitor.model import SHANGHAI, Observation, Outcome, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.runtime import Runtime
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=SHANGHAI).timestamp()
JUDGED = Site(id="4300000001", name="湖南省人民政府门户网站", url="https://www.hunan.gov.cn/", region="省直")
PARTLY = Site(id="4305000001", name="邵阳市人民政府门户网站", url="https://www.shaoyang.gov.cn/", region="邵阳市",
              type="portal", org="邵阳市人民政府办公室")  # fmt: skip
NEW = Site(id="4306000001", name="岳阳市人民政府门户网站", url="https://www.yueyang.gov.cn/", region="岳阳市")
SETTINGS = Settings.model_validate({"scoring": {"deductions": {"links.broken": {"points": 1, "max": 4}}}})


def checks_of(site: Site) -> list[str]:
    return [name for name, check in CHECKS.items() if check.applies_to(site)]


def observation(site: Site, check: str, outcome: Outcome = Outcome.OK, reason: str | None = None, **payload):
    if check == "availability":
        ok = outcome is Outcome.OK and reason is None
        payload = {
            "ok": ok,
            "latency_s": 0.2,
            "status": 200 if ok else None,
            "reason": reason,
            "url": site.url,
        }
    # a document long enough that its payload runs past the head the list reads
    payload.setdefault("filler", "栏目" * 400)
    return Observation(check, site.id, f"{check}:{site.id}:{NOW}", NOW, outcome, reason, payload)


async def client_for(redis, keys, metrics) -> TestClient:
    runtime = Runtime(
        Loaded(SETTINGS, (JUDGED, PARTLY, NEW), (), (), ()), redis, keys, metrics, SystemClock(), "x"
    )
    store = runtime.store()
    for check in checks_of(JUDGED):
        await store.record(observation(JUDGED, check, budget_spent=check == "links"))
    for check in checks_of(PARTLY):
        if check == "availability":  # the site failed and the control URLs too: govmon's trouble
            await store.record(observation(PARTLY, check, Outcome.DISCARDED, "control_failed"))
        elif check == "homepage":
            await store.record(observation(PARTLY, check, Outcome.FAILED, "timeout"))
        elif check != "search":  # never run yet
            await store.record(observation(PARTLY, check))
    deductions = [
        make_finding(JUDGED, "links.broken", Severity.DEDUCTION, Status.VIOLATION, "…", NOW,
                     evidence={"url": f"https://www.hunan.gov.cn/broken/{i}"})
        for i in range(6)
    ]  # fmt: skip
    deductions.append(
        make_finding(JUDGED, "interaction.replies_stale", Severity.DEDUCTION, Status.VIOLATION, "…", NOW,
                     evidence={"url": "https://www.hunan.gov.cn/hdjl/"})
    )  # fmt: skip
    await runtime.findings().replace(JUDGED.id, deductions)
    veto = make_finding(PARTLY, "homepage.stale", Severity.VETO, Status.VIOLATION, "…", NOW,
                        evidence={"url": PARTLY.url})  # fmt: skip
    await runtime.findings().replace(PARTLY.id, [veto])
    client = TestClient(TestServer(build_app(runtime)))
    await client.start_server()
    return client


async def test_targets_say_per_check_whether_it_judged_and_why_not(redis, keys, metrics):
    client = await client_for(redis, keys, metrics)
    try:
        response = await client.get("/api/targets")
        assert response.status == 200
        listed = {t["id"]: t for t in await response.json()}
    finally:
        await client.close()
    judged, partly, new = listed[JUDGED.id], listed[PARTLY.id], listed[NEW.id]
    assert (judged["judged"], judged["not_judged"]) == ("judged", {})
    assert partly["judged"] == "partly"
    assert partly["not_judged"] == {
        "availability": "control_failed",
        "homepage": "timeout",
        "search": "never_observed",
    }
    assert new["judged"] == "not_judged"
    assert new["not_judged"] == dict.fromkeys(checks_of(NEW), "never_observed")
    assert (partly["type"], partly["org"]) == ("portal", "邵阳市人民政府办公室")


async def test_targets_carry_the_score_and_the_verdict(redis, keys, metrics):
    client = await client_for(redis, keys, metrics)
    try:
        listed = {t["id"]: t for t in await (await client.get("/api/targets")).json()}
    finally:
        await client.close()
    # 6 broken links at 1 point capped at 4, and the indicator's −3 for replies not updated
    assert (listed[JUDGED.id]["score"], listed[JUDGED.id]["verdict"], listed[JUDGED.id]["findings"]) == (
        93,
        "合格",
        7,
    )
    assert (listed[PARTLY.id]["score"], listed[PARTLY.id]["verdict"]) == (100, "不合格")  # a veto violation
    # never observed: no score, rather than a 100 it never earned
    new = listed[NEW.id]
    assert (new["score"], new["verdict"], new["findings"]) == (None, None, 0)


async def test_one_target_has_its_score_deductions_checks_and_findings(redis, keys, metrics):
    client = await client_for(redis, keys, metrics)
    try:
        one = await (await client.get(f"/api/targets/{JUDGED.id}")).json()
        other = await (await client.get(f"/api/targets/{PARTLY.id}")).json()
        missing = await client.get("/api/targets/nope")
        assert missing.status == 404 and "nope" in (await missing.json())["error"]
    finally:
        await client.close()
    assert one["score"] == {
        "score": 93, "pass_line": 60, "verdict": "合格", "passed": True, "vetoes": [],
        "deductions": [
            {"code": "links.broken", "count": 6, "points_each": 1, "max": 4, "points": 4},
            {"code": "interaction.replies_stale", "count": 1, "points_each": 3, "max": None, "points": 3},
        ],
    }  # fmt: skip
    links = next(c for c in one["checks"] if c["check"] == "links")
    assert links == {"check": "links", "judged": True, "why": None, "observed_at": "2026-11-24T10:00:00+08:00",
                     "budget_spent": True}  # fmt: skip
    assert len(one["findings"]) == 7 and {f["code"] for f in one["findings"]} == {
        "links.broken",
        "interaction.replies_stale",
    }
    assert other["score"]["vetoes"] == ["homepage.stale"] and other["score"]["verdict"] == "不合格"
    assert {c["check"]: c["why"] for c in other["checks"]}["availability"] == "control_failed"
    assert other["not_judged"]["search"] == "never_observed"
    never = await client_again(redis, keys, metrics, f"/api/targets/{NEW.id}")
    assert never["score"] is None and never["judged"] == "not_judged"


async def client_again(redis, keys, metrics, path: str):
    client = await client_for(redis, keys, metrics)
    try:
        return await (await client.get(path)).json()
    finally:
        await client.close()


async def test_the_list_reads_only_the_head_of_an_ok_observation_and_failed_ones_whole(redis, keys, metrics):
    runtime = Runtime(Loaded(SETTINGS, (JUDGED,), (), (), ()), redis, keys, metrics, SystemClock(), "x")
    store = runtime.store()
    chinese = Site(id="湖南-某网站", name="某网站", url="https://x.hunan.gov.cn/", region="省直")
    await store.record(
        observation(chinese, "columns", filler="栏" * 5000)
    )  # a character cut at the head's end
    await store.record(observation(JUDGED, "homepage", Outcome.FAILED, "dns"))
    heads = await store.latest_heads([("columns", chinese.id), ("homepage", JUDGED.id), ("links", JUDGED.id)])
    assert heads[0] is not None and heads[0].outcome is Outcome.OK and heads[0].payload == {}
    assert heads[0].observed_at == NOW
    assert heads[1] is not None and heads[1].reason == "dns" and heads[1].payload["filler"]
    assert heads[2] is None
