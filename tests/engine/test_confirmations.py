"""Confirmed serious errors: a confirmation turns that candidate (and only it) into a violation."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from monitor.engine.confirmations import Confirmations, NotConfirmable
from monitor.engine.kv.keys import Keys
from monitor.model import Severity, Site, Status
from monitor.rules.base import make_finding

SITE = Site(id="4300000001", name="某某市人民政府", url="http://www.example.gov.cn/", region="省直")


def candidate(url: str):  # type: ignore[no-untyped-def]
    return make_finding(SITE, "content.serious_error", Severity.VETO, Status.UNVERIFIED,
                        "页面疑似严重表述错误（待人工确认）", 1000.0, evidence={"url": url})  # fmt: skip


async def test_only_the_confirmed_candidate_becomes_a_violation(redis: aioredis.Redis, keys: Keys) -> None:
    confirmations = Confirmations(redis, keys)
    one, other = candidate("http://www.example.gov.cn/a.html"), candidate("http://www.example.gov.cn/b.html")
    await confirmations.confirm(one, "张三", "核对原文", 2000.0)
    judged = await confirmations.applied(SITE.id, [one, other])
    assert [(f.id, f.status) for f in judged] == [(one.id, Status.VIOLATION), (other.id, Status.UNVERIFIED)]
    assert judged[0].evidence["confirmed"]["by"] == "张三" and "已人工确认" in judged[0].message
    assert 0 < await redis.ttl(keys.confirmed(SITE.id)) <= 184 * 86400


async def test_other_codes_are_not_confirmed(redis: aioredis.Redis, keys: Keys) -> None:
    finding = make_finding(SITE, "privacy.exposed", Severity.DEDUCTION, Status.VIOLATION, "x", 1000.0)
    with pytest.raises(NotConfirmable):
        await Confirmations(redis, keys).confirm(finding, "张三", "x", 2000.0)
