"""The findings lifecycle against a real Redis, with a driven clock: literal sequences of evaluations and what
an owner, the notifier and the report then see."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from monitor.engine.evaluate import Evaluator
from monitor.engine.findings import FindingStore
from monitor.engine.kv.connect import client
from monitor.engine.lifecycle import (
    Lifecycle,
    LifecycleError,
    UnknownFinding,
    checked_targets,
    quarter_records,
)
from monitor.engine.store import Store
from monitor.model import (
    SHANGHAI,
    EventKind,
    Finding,
    FindingEvent,
    Observation,
    Outcome,
    Severity,
    Site,
    State,
    Status,
)
from monitor.rules.base import make_finding
from monitor.settings import FindingsSettings, Settings

SITE = Site(
    id="4305000001", name="邵阳市人民政府门户网站", url="https://www.shaoyang.gov.cn/", region="邵阳市"
)
SETTLE_S = 3600.0
T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI).timestamp()
COLUMN = "https://www.shaoyang.gov.cn/xxgk/tzgg/"


def stale_column(now: float, status: Status = Status.VIOLATION, url: str = COLUMN) -> Finding:
    return make_finding(SITE, "column.stale", Severity.DEDUCTION, status, "通知公告 超过 183 天未更新", now,
                        evidence={"name": "通知公告", "url": url, "category": "notice"})  # fmt: skip


def moment(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()


@pytest.fixture
def lifecycle(redis, keys) -> Lifecycle:
    return Lifecycle(redis, keys, FindingsSettings(settle_s=SETTLE_S))


async def events_in_stream(redis, keys) -> list[FindingEvent]:
    entries = await redis.xrange(keys.finding_events)
    return [FindingEvent.from_json(json.loads(fields["event"])) for _, fields in entries]


def kinds(events: list[FindingEvent]) -> list[str]:
    return [e.kind.value for e in events]


async def test_open_stays_open_survives_one_clean_evaluation_and_resolves_after_settling(
    redis, keys, lifecycle
):
    finding = stale_column(T0)
    assert kinds(await lifecycle.apply(SITE, [finding], T0)) == ["opened"]
    assert await lifecycle.apply(SITE, [stale_column(T0 + 300)], T0 + 300) == []
    assert await lifecycle.apply(SITE, [], T0 + 600) == [], "one clean evaluation does not resolve"
    assert await lifecycle.apply(SITE, [stale_column(T0 + 900)], T0 + 900) == [], "nor does the next re-open"
    assert await lifecycle.apply(SITE, [], T0 + 1200) == []
    assert await lifecycle.apply(SITE, [], T0 + 1200 + SETTLE_S - 1) == []
    resolved = await lifecycle.apply(SITE, [], T0 + 1200 + SETTLE_S)
    assert kinds(resolved) == ["resolved"]
    assert resolved[0].finding.id == finding.id

    store = FindingStore(redis, keys)
    assert await store.query() == []
    [closed] = await store.query(state="resolved")
    assert closed.first_seen == dt.datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    assert closed.last_seen == dt.datetime(2026, 11, 20, 9, 15, tzinfo=SHANGHAI)
    assert [(h["state"], h["status"]) for h in closed.history] == [
        ("open", "violation"),
        ("resolved", "violation"),
    ]
    assert kinds(await events_in_stream(redis, keys)) == ["opened", "resolved"]


async def test_a_finding_back_after_it_resolved_opens_again_as_a_new_episode(redis, keys, lifecycle):
    await lifecycle.apply(SITE, [stale_column(T0)], T0)
    await lifecycle.apply(SITE, [], T0 + 60)
    await lifecycle.apply(SITE, [], T0 + 60 + SETTLE_S)
    back = await lifecycle.apply(SITE, [stale_column(T0 + 86400)], T0 + 86400)
    assert kinds(back) == ["opened"]
    assert back[0].finding.first_seen == dt.datetime(2026, 11, 21, 9, 0, tzinfo=SHANGHAI)
    assert [h["state"] for h in back[0].finding.history] == ["open", "resolved", "open"]


async def test_at_risk_turning_into_a_violation_is_changed_with_the_previous_status(redis, keys, lifecycle):
    await lifecycle.apply(SITE, [stale_column(T0, Status.AT_RISK)], T0)
    changed = await lifecycle.apply(SITE, [stale_column(T0 + 86400)], T0 + 86400)
    assert kinds(changed) == ["changed"]
    assert changed[0].previous_status is Status.AT_RISK
    assert changed[0].finding.status is Status.VIOLATION
    assert changed[0].finding.state is State.OPEN
    assert [(h["state"], h["status"]) for h in changed[0].finding.history] == [
        ("open", "at_risk"),
        ("open", "violation"),
    ]
    [stored] = await FindingStore(redis, keys).query()
    assert stored.status is Status.VIOLATION and stored.first_seen == changed[0].finding.first_seen


async def test_a_dismissed_finding_stays_dismissed_and_emits_nothing_while_the_rule_keeps_finding_it(
    redis, keys, lifecycle
):
    finding = stale_column(T0)
    await lifecycle.apply(SITE, [finding], T0)
    dismissed = await lifecycle.dismiss(finding.id, "张三", "该栏目已撤销，页面保留存档", T0 + 60)
    assert dismissed.state is State.DISMISSED
    for hour in range(1, 6):
        now = T0 + hour * 3600
        assert await lifecycle.apply(SITE, [stale_column(now, Status.AT_RISK)], now) == []
    assert await lifecycle.apply(SITE, [], T0 + 10 * 3600) == []
    assert await lifecycle.apply(SITE, [], T0 + 20 * 3600) == []
    assert await lifecycle.apply(SITE, [stale_column(T0 + 30 * 3600)], T0 + 30 * 3600) == []

    assert kinds(await events_in_stream(redis, keys)) == ["opened", "dismissed"]
    store = FindingStore(redis, keys)
    assert await store.query() == []
    [kept] = await store.query(state="dismissed")
    assert kept.history[-1] == {
        "at": "2026-11-20T09:01:00+08:00",
        "state": "dismissed",
        "by": "张三",
        "note": "该栏目已撤销，页面保留存档",
    }
    start, end = dt.datetime(2026, 10, 1, tzinfo=SHANGHAI), dt.datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI)
    assert await quarter_records(redis, keys, start, end) == []


async def test_an_acknowledged_finding_stays_acknowledged_while_open_and_opens_fresh_after_it_resolved(
    redis, keys, lifecycle
):
    finding = stale_column(T0, Status.AT_RISK)
    await lifecycle.apply(SITE, [finding], T0)
    acked = await lifecycle.acknowledge(finding.id, "李四", "本周五前发布新通知", T0 + 60)
    assert acked.state is State.ACKNOWLEDGED
    assert acked.history[-1] == {"at": "2026-11-20T09:01:00+08:00", "state": "acknowledged", "by": "李四",
                                 "note": "本周五前发布新通知"}  # fmt: skip
    changed = await lifecycle.apply(SITE, [stale_column(T0 + 86400)], T0 + 86400)
    assert kinds(changed) == ["changed"] and changed[0].finding.state is State.ACKNOWLEDGED
    [listed] = await FindingStore(redis, keys).query(state="acknowledged")
    assert listed.status is Status.VIOLATION

    await lifecycle.apply(SITE, [], T0 + 2 * 86400)
    assert kinds(await lifecycle.apply(SITE, [], T0 + 2 * 86400 + SETTLE_S)) == ["resolved"]
    again = await lifecycle.apply(SITE, [stale_column(T0 + 3 * 86400)], T0 + 3 * 86400)
    assert kinds(again) == ["opened"] and again[0].finding.state is State.OPEN
    closed = await lifecycle.resolve(finding.id, "李四", "已发布", T0 + 3 * 86400 + 1)
    assert closed.state is State.RESOLVED
    with pytest.raises(
        LifecycleError, match="is resolved; only open or acknowledged findings can be resolved"
    ):
        await lifecycle.resolve(finding.id, "李四", "again", T0 + 3 * 86400 + 2)
    assert kinds(await events_in_stream(redis, keys)) == [
        "opened", "acknowledged", "changed", "resolved", "opened", "resolved"
    ]  # fmt: skip


async def test_two_evaluators_racing_on_one_target_open_a_finding_once(redis_url, keys):
    connections = [client(redis_url) for _ in range(6)]
    try:
        racers = [Lifecycle(conn, keys, FindingsSettings(settle_s=SETTLE_S)) for conn in connections]
        findings = [stale_column(T0), stale_column(T0, url=COLUMN + "zcwj/")]
        results = await asyncio.gather(*(racer.apply(SITE, findings, T0) for racer in racers))
        assert sorted(kinds([e for events in results for e in events])) == ["opened", "opened"]
        assert kinds(await events_in_stream(connections[0], keys)) == ["opened", "opened"]
    finally:
        for conn in connections:
            await conn.aclose()


async def test_an_evaluation_older_than_the_last_applied_one_changes_nothing(redis, keys, lifecycle):
    await lifecycle.apply(SITE, [stale_column(T0 + 600)], T0 + 600)
    await lifecycle.apply(SITE, [], T0 + 700)
    assert kinds(await lifecycle.apply(SITE, [], T0 + 700 + SETTLE_S)) == ["resolved"]
    assert await lifecycle.apply(SITE, [stale_column(T0 + 900)], T0 + 900) == []
    assert await FindingStore(redis, keys).query() == []


async def test_a_rule_without_observations_does_not_resolve_its_findings(redis, keys, lifecycle):
    finding = stale_column(T0)
    rule_of = {finding.id: "column.stale"}
    await lifecycle.apply(SITE, [finding], T0, judged={"column.stale": True}, rule_of=rule_of)
    for hours in (1, 5, 24):
        now = T0 + hours * 3600
        assert await lifecycle.apply(SITE, [], now, judged={"column.stale": False, "links": True}) == []
    [still] = await FindingStore(redis, keys).query()
    assert still.state is State.OPEN
    await lifecycle.apply(SITE, [], T0 + 30 * 3600, judged={"column.stale": True})
    resolved = await lifecycle.apply(SITE, [], T0 + 30 * 3600 + SETTLE_S, judged={"column.stale": True})
    assert kinds(resolved) == ["resolved"]


async def test_a_manual_finding_is_resolved_by_a_person_not_by_the_rules_absence(redis, keys, lifecycle):
    manual = make_finding(SITE, "content.serious_error", Severity.VETO, Status.VIOLATION, "领导姓名错误", T0,
                          evidence={"url": "https://www.shaoyang.gov.cn/xxgk/art/1.html"})  # fmt: skip
    opened = await lifecycle.add(manual, "王五", "人工抽查发现", T0)
    assert opened is not None and opened.kind is EventKind.OPENED and opened.by == "王五"
    assert opened.finding.history[0]["by"] == "王五"
    for days in (1, 2, 30):
        assert await lifecycle.apply(SITE, [], T0 + days * 86400) == []
    [held] = await FindingStore(redis, keys).query(code="content.serious_error")
    assert held.state is State.OPEN and held.message == "领导姓名错误"
    closed = await lifecycle.resolve(manual.id, "王五", "已更正", T0 + 31 * 86400)
    assert closed.state is State.RESOLVED
    assert closed.history[-1]["by"] == "王五" and closed.history[-1]["note"] == "已更正"
    assert kinds(await events_in_stream(redis, keys)) == ["opened", "resolved"]


async def test_actions_on_an_unknown_id_name_it(lifecycle):
    with pytest.raises(UnknownFinding, match="unknown finding 'nosuchid'"):
        await lifecycle.acknowledge("nosuchid", "a", "b", T0)


async def test_a_finding_only_in_the_current_findings_can_be_acknowledged(redis, keys, lifecycle):
    finding = stale_column(T0)
    await FindingStore(redis, keys).replace(SITE.id, [finding])
    acked = await lifecycle.acknowledge(finding.id, "李四", "处理中", T0 + 5)
    assert acked.state is State.ACKNOWLEDGED
    assert (await FindingStore(redis, keys).get(finding.id)).state is State.ACKNOWLEDGED


async def test_quarter_records_hold_every_episode_open_in_the_window_and_nothing_outside(
    redis, keys, lifecycle
):
    ends_before = stale_column(0, url=COLUMN + "a/")
    crosses_start = stale_column(0, url=COLUMN + "b/")
    starts_at_end = stale_column(0, url=COLUMN + "c/")
    settle = FindingsSettings(settle_s=0)
    lifecycle = Lifecycle(redis, keys, settle)

    async def evaluate(at: str, *findings: Finding) -> None:
        await lifecycle.apply(SITE, list(findings), moment(at))

    await evaluate("2026-02-10T10:00", ends_before, crosses_start)
    await evaluate("2026-03-31T23:59:59", ends_before, crosses_start)
    await evaluate("2026-04-01T00:00:01", crosses_start)  # ends_before resolves, last seen 23:59:59 on 3-31
    await evaluate("2026-04-02T08:00", crosses_start)
    await evaluate("2026-04-03T08:00")  # crosses_start resolves
    await evaluate("2026-04-05T08:00", crosses_start)  # … and comes back: a second episode
    await evaluate("2026-04-06T08:00")
    await evaluate("2026-06-30T23:59:59", starts_at_end)

    start, end = (
        dt.datetime(2026, 4, 1, tzinfo=SHANGHAI),
        dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=SHANGHAI),
    )
    records = await quarter_records(redis, keys, start, end)
    spans = [(r["evidence"]["url"][-2:], r["state"], r["first_seen"], r["last_seen"]) for r in records]
    assert spans == [
        ("b/", "resolved", "2026-02-10T10:00:00+08:00", "2026-04-02T08:00:00+08:00"),
        ("b/", "resolved", "2026-04-05T08:00:00+08:00", "2026-04-05T08:00:00+08:00"),
        ("c/", "open", "2026-06-30T23:59:59+08:00", "2026-06-30T23:59:59+08:00"),
    ]
    q1 = await quarter_records(redis, keys, dt.datetime(2026, 1, 1, tzinfo=SHANGHAI), start)
    assert sorted(r["evidence"]["url"][-2:] for r in q1) == ["a/", "b/"]
    for record in records:
        assert Finding.from_json(record).id == record["id"]
        assert not any(name.startswith("_") for name in record)


async def test_records_resolved_before_the_previous_quarter_are_dropped(redis, keys):
    lifecycle = Lifecycle(redis, keys, FindingsSettings(settle_s=0))
    await lifecycle.apply(SITE, [stale_column(0)], moment("2026-01-05T10:00"))
    await lifecycle.apply(SITE, [], moment("2026-01-06T10:00"))
    await lifecycle.apply(SITE, [], moment("2026-06-30T10:00"))  # Q2: Q1 is the previous quarter, kept
    assert len(await FindingStore(redis, keys).query(state="resolved")) == 1
    await lifecycle.apply(SITE, [], moment("2026-07-01T10:00"))  # Q3: only Q2 onwards is kept
    assert await FindingStore(redis, keys).query(state="resolved") == []
    assert await redis.hlen(keys.finding_ids) == 0


async def test_checked_targets_are_the_targets_observed_on_the_days_asked_for(redis, keys):
    store = Store(redis, keys)

    async def observe(target: str, at: str) -> None:
        stamp = moment(at)
        await store.record(
            Observation("availability", target, f"availability:{target}:{stamp}", stamp, Outcome.OK)
        )

    await observe("a", "2026-03-31T23:59:00")  # still 3-31 in Shanghai
    await observe("b", "2026-04-01T00:01:00")
    await observe("c", "2026-04-03T12:00:00")
    await observe("d", "2026-04-04T00:00:00")
    assert await checked_targets(redis, keys, dt.date(2026, 4, 1), dt.date(2026, 4, 3)) == {"b", "c"}
    assert await checked_targets(redis, keys, dt.date(2026, 3, 31), dt.date(2026, 3, 31)) == {"a"}
    assert await redis.ttl(keys.checked_day("2026-04-01")) > 180 * 86400


class StaleColumnRule:
    """A literal rule for the evaluator: the newest OK ``columns`` observation of the last hour says whether
    the column is stale."""

    name = "column.stale"
    needs = ("columns",)

    def lookback_s(self, settings: Settings) -> float:
        return 3600.0

    def evaluate(self, target, history, now, settings) -> list[Finding]:
        read = [
            o for o in history.get("columns", ()) if o.outcome is Outcome.OK and o.observed_at > now - 3600
        ]
        if not read or not max(read, key=lambda o: o.observed_at).payload["stale"]:
            return []
        return [stale_column(now)]


async def test_the_evaluator_resolves_only_on_observations_that_could_have_found_the_finding(redis, keys):
    store = Store(redis, keys)
    settings = Settings(findings=FindingsSettings(settle_s=600))
    evaluator = Evaluator(store, FindingStore(redis, keys), settings, (StaleColumnRule(),))

    async def observe(at: float, outcome: Outcome, stale: bool = False) -> None:
        await store.record(Observation("columns", SITE.id, f"columns:{SITE.id}:{at}", at, outcome, None,
                                       {"stale": stale}))  # fmt: skip

    assert await evaluator.evaluate(SITE, T0) == []
    await observe(T0 + 10, Outcome.OK, stale=True)
    assert len(await evaluator.evaluate(SITE, T0 + 20)) == 1
    await observe(T0 + 3700, Outcome.FAILED)  # the site could not be read: no verdict for an hour and more
    for minutes in (65, 80, 120):
        assert await evaluator.evaluate(SITE, T0 + minutes * 60) == []
    [held] = await FindingStore(redis, keys).query()
    assert held.state is State.OPEN
    await observe(T0 + 7300, Outcome.OK, stale=False)
    await evaluator.evaluate(SITE, T0 + 7310)
    await evaluator.evaluate(SITE, T0 + 7310 + 600)
    assert await FindingStore(redis, keys).query() == []
    assert kinds(await events_in_stream(redis, keys)) == ["opened", "resolved"]


async def test_a_target_gone_from_the_inventory_leaves_no_open_findings_behind(redis, keys, lifecycle):
    finding = stale_column(T0)
    await FindingStore(redis, keys).replace(SITE.id, [finding])
    await lifecycle.apply(SITE, [finding], T0)
    await FindingStore(redis, keys).forget_except(["4300000001"])
    assert await FindingStore(redis, keys).query() == []
    assert await FindingStore(redis, keys).get(finding.id) is None
