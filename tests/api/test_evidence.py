"""GET /api/evidence/HASH: a stored snapshot served inert (text, or sandboxed HTML), 400/404, the token."""

from __future__ import annotations

import datetime as dt

import pytest
from aiohttp.test_utils import TestClient, TestServer

from monitor.api import build_app
from monitor.clock import FixedClock
from monitor.engine.evidence import EvidenceStore
from monitor.inventory import Loaded
from monitor.model import SHANGHAI
from monitor.runtime import Runtime
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 24, 10, tzinfo=SHANGHAI).timestamp()
PAGE = "<html><head><title>首页</title><script>alert(1)</script></head><body>公示 4301**********1234</body></html>"


@pytest.fixture
def runtime(redis, keys, metrics) -> Runtime:
    return Runtime(Loaded(Settings(), (), (), (), ()), redis, keys, metrics, FixedClock(NOW), "unused")


async def test_a_snapshot_is_served_inert(runtime, monkeypatch) -> None:
    store = EvidenceStore(runtime.redis, runtime.keys, budget_bytes=1_000_000)
    digest = await store.put(PAGE, url="http://www.example.gov.cn/", status=200, observed_at=NOW)
    async with TestClient(TestServer(build_app(runtime))) as client:
        plain = await client.get(f"/api/evidence/{digest}")
        assert plain.status == 200 and await plain.text() == PAGE
        assert plain.content_type == "text/plain"
        assert plain.headers["X-Content-Type-Options"] == "nosniff"
        assert plain.headers["X-Govmon-Url"] == "http://www.example.gov.cn/"
        html = await client.get(f"/api/evidence/{digest}?format=html")
        assert html.content_type == "text/html" and html.headers["Content-Security-Policy"].startswith(
            "sandbox"
        )
        facts = await (await client.get(f"/api/evidence/{digest}?format=json")).json()
        assert facts["url"] == "http://www.example.gov.cn/" and facts["status"] == 200
        assert facts["observed_at"] == "2026-11-24T10:00:00+08:00" and facts["text"] == PAGE
        assert (await client.get("/api/evidence/not-a-hash")).status == 400
        assert (await client.get("/api/evidence/" + "0" * 64)).status == 404
    monkeypatch.setenv("GOVMON_API_TOKEN", "t0ken-for-tests")
    async with TestClient(TestServer(build_app(runtime))) as client:
        assert (await client.get(f"/api/evidence/{digest}")).status == 401
        ok = await client.get(f"/api/evidence/{digest}", headers={"Authorization": "Bearer t0ken-for-tests"})
        assert ok.status == 200
