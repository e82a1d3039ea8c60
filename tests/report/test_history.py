"""The report from govmon's own history: the findings lifecycle's records over the window, the targets
observed in it (检查数), and 附件1 from the interaction check's stored message lists; the real embedded
Redis of tests/conftest.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

import redis.asyncio as aioredis

from monitor.deadlines import SamplingWindow
from monitor.engine.kv.keys import Keys
from monitor.engine.lifecycle import Lifecycle
from monitor.engine.store import Store
from monitor.model import SHANGHAI, Finding, Observation, Outcome, Severity, Site, Status
from monitor.report.build import build_report
from monitor.report.markdown import render_markdown
from monitor.report.sources import read_history
from monitor.settings import Settings


async def test_history_in_redis_gives_findings_checked_targets_and_replies(
    redis: aioredis.Redis, keys: Keys
) -> None:
    """The lifecycle's records over the window, the targets observed in it (检查数) and 附件1 from the
    interaction check's stored message lists."""
    sites = [
        Site("s1", "甲市政府门户网站", "https://a.gov.cn/", "甲市"),
        Site("s2", "乙县网站", "https://b.gov.cn/", "乙县"),
        Site("s3", "乙县教育局网站", "https://c.gov.cn/", "乙县"),
    ]
    store = Store(redis, keys, retention_s=10 * 365 * 86400)
    lifecycle = Lifecycle(redis, keys)
    veto = Finding(
        "s2", "site", "乙县网站", "乙县", "interaction.missing", Severity.VETO, Status.VIOLATION,
        "未提供网上有效咨询建言渠道", at(2022, 2, 1),
    )  # fmt: skip
    await lifecycle.apply(sites[1], [veto], at(2022, 2, 1).timestamp())
    before = dataclasses.replace(veto, target="s3", name="乙县教育局网站", observed_at=at(2021, 12, 1))
    await lifecycle.apply(sites[2], [before], at(2021, 12, 1).timestamp())
    await lifecycle.apply(sites[2], [], at(2021, 12, 20).timestamp())  # resolved before the window
    messages = [
        {"title": "问1", "url": None, "asked": "2022-02-07", "replied": "2022-02-08", "answered": True},
        {"title": "问2", "url": None, "asked": "2022-02-11", "replied": "2022-02-15", "answered": True},
        {"title": "问3", "url": None, "asked": "2021-12-01", "replied": "2021-12-01", "answered": True},
    ]
    payload = {"url": "https://a.gov.cn/", "final_url": "https://a.gov.cn/", "status": 200, "channels": []}
    for site, moment in ((sites[0], at(2022, 3, 1)), (sites[1], at(2022, 2, 1)), (sites[2], at(2021, 12, 1))):
        job_id = f"interaction:{site.id}:{int(moment.timestamp())}"
        body = payload | {"messages": messages if site.id == "s1" else []}
        await store.record(
            Observation("interaction", site.id, job_id, moment.timestamp(), Outcome.OK, None, body)
        )
    window = SamplingWindow("2022Q1", dt.date(2022, 1, 8), dt.date(2022, 3, 11))

    loaded = await read_history(redis, keys, window, Settings(), sites)
    report = build_report(
        quarter="2022Q1", window=window, sites=sites, accounts=[], records=loaded.records,
        checked=loaded.checked, replies=loaded.replies,
    )  # fmt: skip

    assert [entry.target for entry in report.problems] == ["s2"]
    rows = [(row.region, row.running, row.checked, row.problems) for row in report.table("site").rows]
    assert rows == [("甲市", 1, 1, 0), ("乙县", 2, 1, 1)]  # s3 was observed only before the window
    # 附件1: of 甲市's two messages asked in the window (2022-02-07 a Monday, answered Tuesday; 2022-02-11 a
    # Friday answered the next Tuesday, two working days later), one was answered within 1 working day
    assert [(row.region, row.asked, row.within_workday, row.share_text) for row in report.replies] == [
        ("甲市", 2, 1, "50.00%")
    ]
    assert "附件1" in render_markdown(report)


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=SHANGHAI)
