"""/api/findings with the lifecycle: filters by state and region, 400s that name what is allowed, manual
findings by POST, and the API token (everything but /healthz and /metrics behind it)."""

from __future__ import annotations

import datetime as dt

import pytest
from aiohttp.test_utils import TestClient, TestServer

from monitor.api import build_app
from monitor.clock import FixedClock
from monitor.engine.lifecycle import Lifecycle
from monitor.inventory import Loaded
from monitor.model import SHANGHAI, Account, Finding, Severity, Site, Status
from monitor.rules.base import make_finding
from monitor.runtime import Runtime
from monitor.settings import Settings

SITES = (
    Site(id="4300000001", name="湖南省人民政府门户网站", url="https://www.hunan.gov.cn/", region="省直"),
    Site(id="4305000001", name="邵阳市人民政府门户网站", url="https://www.shaoyang.gov.cn/", region="邵阳市"),
)
ACCOUNTS = (Account(id="hngz-wechat", name="湖南国资", platform="wechat", region="省直"),)
NOW = dt.datetime(2026, 11, 24, 10, tzinfo=SHANGHAI).timestamp()
TOKEN = "s3cret-token-for-tests"


def unreachable(site: Site, status: Status) -> Finding:
    return make_finding(site, "site.unreachable", Severity.VETO, status, "7 天内 6% 的探测失败", NOW,
                        evidence={"url": site.url})  # fmt: skip


@pytest.fixture
def runtime(redis, keys, metrics) -> Runtime:
    return Runtime(
        Loaded(Settings(), SITES, ACCOUNTS, (), ()), redis, keys, metrics, FixedClock(NOW), "unused"
    )


@pytest.fixture
async def client(runtime):
    lifecycle = Lifecycle(runtime.redis, runtime.keys, runtime.settings.findings)
    for site, status in ((SITES[0], Status.VIOLATION), (SITES[1], Status.AT_RISK)):
        finding = unreachable(site, status)
        await runtime.findings().replace(site.id, [finding])
        await lifecycle.apply(site, [finding], NOW)
    await lifecycle.dismiss(unreachable(SITES[1], Status.AT_RISK).id, "张三", "探测点网络故障", NOW + 1)
    async with TestClient(TestServer(build_app(runtime))) as client:
        yield client


@pytest.fixture
async def guarded(runtime, monkeypatch):
    monkeypatch.setenv("GOVMON_API_TOKEN", TOKEN)
    async with TestClient(TestServer(build_app(runtime))) as client:
        yield client


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_findings_carry_their_lifecycle_and_filter_by_state_and_region(client):
    holding = await (await client.get("/api/findings")).json()
    assert [(f["target"], f["state"]) for f in holding] == [("4300000001", "open")]
    assert holding[0]["first_seen"] == "2026-11-24T10:00:00+08:00"
    assert holding[0]["history"] == [
        {"at": "2026-11-24T10:00:00+08:00", "state": "open", "status": "violation"}
    ]
    dismissed = await (await client.get("/api/findings", params={"state": "dismissed"})).json()
    assert [(f["target"], f["history"][-1]["note"]) for f in dismissed] == [("4305000001", "探测点网络故障")]
    assert await (await client.get("/api/findings", params={"region": "邵阳市"})).json() == []
    in_region = await (
        await client.get("/api/findings", params={"region": "省直", "status": "violation"})
    ).json()
    assert [f["target"] for f in in_region] == ["4300000001"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("status", "broken", "unknown status 'broken'; use one of violation, at_risk, unverified"),
        ("state", "closed", "unknown state 'closed'; use one of open, acknowledged, dismissed, resolved"),
        ("severity", "fatal", "unknown severity 'fatal'; use one of veto, deduction, warning"),
        ("colour", "red", "unknown filter 'colour'; use target, code, severity, status, state, region"),
    ],
)
async def test_unknown_filter_values_answer_400_naming_the_allowed_ones(client, name, value, message):
    response = await client.get("/api/findings", params={name: value})
    assert response.status == 400
    assert (await response.json()) == {"error": message}


async def test_a_manual_finding_posted_opens_with_its_author_and_is_listed(client):
    body = {"target": "4305000001", "code": "content.serious_error", "evidence": "https://www.shaoyang.gov.cn/a/1.html",
            "note": "领导职务表述错误", "by": "李四"}  # fmt: skip
    response = await client.post("/api/findings", json=body)
    assert response.status == 201
    created = await response.json()
    assert (created["state"], created["severity"], created["status"]) == ("open", "veto", "violation")
    assert created["message"] == "领导职务表述错误"
    assert created["history"][0]["by"] == "李四"
    listed = await (await client.get("/api/findings", params={"code": "content.serious_error"})).json()
    assert [f["id"] for f in listed] == [created["id"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"target": "nope", "code": "site.unreachable", "evidence": "https://x.gov.cn/", "note": "n"},
         "unknown target 'nope': not in the inventory"),
        ({"target": "4305000001", "code": "site.slow", "evidence": "https://x.gov.cn/", "note": "n"},
         "unknown code 'site.slow': use one of docs/indicators.md's codes (site.unreachable, homepage.stale"),
        ({"target": "4305000001", "code": "media.stale", "evidence": "https://x.gov.cn/", "note": "n"},
         "code 'media.stale' is not about a site"),
        ({"target": "4305000001", "code": "site.unreachable", "evidence": "x.gov.cn", "note": "n"},
         "evidence must be an http(s) URL"),
        ({"target": "4305000001", "code": "site.unreachable", "evidence": "https://x.gov.cn/"},
         "missing field 'note'"),
        ({"target": "4305000001", "code": "site.unreachable", "evidence": "https://x.gov.cn/", "note": "n",
          "severity": "veto"}, "unknown field 'severity'; use target, code, evidence, note, status, by"),
        ({"target": "4305000001", "code": "site.unreachable", "evidence": "https://x.gov.cn/", "note": "n",
          "status": "unverified"}, "status must be one of violation, at_risk, not 'unverified'"),
    ],
)  # fmt: skip
async def test_a_bad_manual_finding_answers_400_saying_what_is_wrong(client, body, message):
    response = await client.post("/api/findings", json=body)
    assert response.status == 400
    assert (await response.json())["error"].startswith(message)


async def test_with_a_token_set_everything_but_healthz_and_metrics_needs_it(guarded):
    for path in ("/api/findings", "/api/targets"):
        denied = await guarded.get(path)
        assert denied.status == 401, path
        assert "Authorization: Bearer TOKEN" in (await denied.json())["error"]
        assert (await guarded.get(path, headers=bearer("wrong"))).status == 401
        assert (await guarded.get(path, headers=bearer())).status == 200
    assert (await guarded.get("/healthz")).status == 200
    assert (await guarded.get("/metrics")).status == 200


async def test_posting_a_manual_finding_needs_the_token(guarded):
    body = {"target": "4300000001", "code": "privacy.exposed", "evidence": "https://www.hunan.gov.cn/gs/2.html",
            "note": "公示名单中身份证号未脱敏"}  # fmt: skip
    assert (await guarded.post("/api/findings", json=body)).status == 401
    assert (
        await (
            await guarded.get("/api/findings", headers=bearer(), params={"code": "privacy.exposed"})
        ).json()
        == []
    )
    created = await guarded.post("/api/findings", json=body, headers=bearer())
    assert created.status == 201
    assert (await created.json())["history"][0]["by"] == "api"
