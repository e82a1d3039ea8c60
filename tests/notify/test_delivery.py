"""Delivery through the Redis outbox to real receivers on loopback: JSON webhooks, email (aiosmtpd), a
Markdown robot; a channel down for a while and back; restarts and a second leader sending nothing twice."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import time

import pytest

from monitor.clock import FixedClock, SystemClock
from monitor.engine.findings import FindingStore
from monitor.model import EventKind, Status
from monitor.model import Severity as S
from monitor.notify.consumer import EventConsumer
from monitor.notify.deliver import Deliverer
from monitor.notify.leader import NoticeLeader
from monitor.notify.policy import Audience, TargetInfo
from monitor.settings import InspectionSettings, NotifySettings
from tests.notify.support import T0, Mailbox, Receiver, event, finding, register_robot_schema

FAST = {
    "retry_base_s": 0.05,
    "retry_max_s": 0.2,
    "poll_s": 0.02,
    "send_timeout_s": 5,
    "rate_per_channel": 1000,
    "event_max_age_s": 10 * 365 * 86400.0,  # the events here are dated T0, whatever the system clock says
}


def audience_for(owners: dict[str, tuple[str, ...]], supervisors: tuple[str, ...] = ()) -> Audience:
    return Audience(
        targets={t: TargetInfo(t, f"站点{t}", "长沙市") for t in owners},
        owners=owners,
        regions={"长沙市": supervisors},
        ops=(),
    )


async def append(redis, keys, *events) -> None:
    """What the lifecycle does: each FindingEvent as JSON on the events stream."""
    for e in events:
        await redis.xadd(keys.finding_events, {"event": json.dumps(e.to_json(), ensure_ascii=False)})


async def drain(redis, keys, settings, audience, metrics, clock, **kwargs) -> Deliverer:
    consumer = EventConsumer(redis, keys, settings, audience, clock, consumer="c1")
    await consumer.run(asyncio.Event(), until_idle=True)
    deliverer = Deliverer(redis, keys, settings, metrics, clock, **kwargs)
    await deliverer.run(asyncio.Event(), until_idle=True)
    return deliverer


async def test_json_webhook_gets_title_text_and_the_findings_with_the_notice_id(redis, keys, metrics):
    async with Receiver() as hook:
        settings = NotifySettings(public_url="https://govmon.example.cn", **FAST)
        await append(redis, keys, event(EventKind.OPENED, finding("4300000001")))
        await drain(
            redis, keys, settings, audience_for({"4300000001": (hook.url(),)}), metrics, FixedClock(T0)
        )
        (got,) = hook.received
        payload = json.loads(got.body["message"])
        assert got.body["title"].startswith("【单项否决】站点4300000001（4300000001）")
        assert payload["findings"][0]["code"] == "site.unreachable"
        assert payload["findings"][0]["target"] == "4300000001"
        assert "https://govmon.example.cn/targets/4300000001" in payload["text"]
        assert got.headers["X-Govmon-Notice"] == payload["notice_id"]
        assert metrics.notices.labels("json", "veto", "sent")._value.get() == 1


async def test_email_has_html_and_text_parts_and_markdown_robot_gets_markdown(redis, keys, metrics):
    async with Receiver() as robot:
        register_robot_schema(robot)
        with Mailbox() as mailbox:
            settings = NotifySettings(markdown_schemes=("dtloop",), **FAST)
            owners = (mailbox.url(), f"dtloop://{robot.base}/")
            await append(redis, keys, event(EventKind.OPENED, finding("4300000001")))
            await drain(redis, keys, settings, audience_for({"4300000001": owners}), metrics, FixedClock(T0))
            (mail,) = mailbox.messages
            assert mail["Subject"].startswith("【单项否决】")
            text = mail.get_body(("plain",)).get_content()
            html = mail.get_body(("html",)).get_content()
            assert "site.unreachable" in text and "<br>· 规则：" in html and "4300000001" in text
            assert "\n· 情况：" in text.replace("\r\n", "\n")  # one line per fact, as a mail client shows it
            (markdown,) = robot.received
            body = markdown.body["markdown"]["text"]
            assert body.startswith("### 【单项否决】") and "**1. 站点无法访问**（site.unreachable）" in body


async def test_a_channel_down_for_a_while_delays_and_loses_nothing(redis, keys, metrics):
    async with Receiver() as hook:
        hook.down_until = time.monotonic() + 1.0
        settings = NotifySettings(**FAST)
        fs = [finding(f"43000000{i:02d}") for i in range(1, 6)]
        await append(redis, keys, *(event(EventKind.OPENED, f) for f in fs))
        consumer = EventConsumer(redis, keys, settings, audience_for({f.target: (hook.url(),) for f in fs}),
                                 FixedClock(T0), consumer="c1")  # fmt: skip
        await consumer.run(asyncio.Event(), until_idle=True)
        stop = asyncio.Event()
        deliverer = Deliverer(redis, keys, settings, metrics, SystemClock())
        task = asyncio.create_task(deliverer.run(stop))
        try:
            await hook.wait_for(5, timeout_s=10)
        finally:
            stop.set()
            await task
        assert hook.refused >= 5
        assert sorted(p["target"]["id"] for p in hook.payloads()) == [f.target for f in fs]
        assert metrics.notices.labels("json", "veto", "failed")._value.get() >= 5
        assert (await deliverer.outbox.depth())[0] == 0


async def test_dead_letter_after_max_attempts_and_retry_sends_it(redis, keys, metrics):
    async with Receiver() as hook:
        hook.down_until = time.monotonic() + 3600
        settings = NotifySettings(max_attempts=2, **FAST)
        await append(redis, keys, event(EventKind.OPENED, finding()))
        aud = audience_for({"4300000001": (hook.url(),)})
        deliverer = await drain(redis, keys, settings, aud, metrics, SystemClock())
        deadline = time.monotonic() + 5
        while not await deliverer.outbox.dead():
            assert time.monotonic() < deadline
            await deliverer.run(asyncio.Event(), until_idle=True)
            await asyncio.sleep(0.05)
        (dead,) = await deliverer.outbox.dead()
        assert dead.attempts == 2 and "503" in dead.error
        hook.down_until = 0
        assert await deliverer.outbox.revive(None, time.time()) == 1
        await deliverer.run(asyncio.Event(), until_idle=True)
        assert len(hook.received) == 1 and await deliverer.outbox.dead() == []


async def test_restart_and_redelivered_events_send_nothing_twice(redis, keys, metrics):
    async with Receiver() as hook:
        settings = NotifySettings(**FAST)
        events = [event(EventKind.OPENED, finding(f"43000000{i:02d}")) for i in range(1, 4)]
        aud = audience_for({e.finding.target: (hook.url(),) for e in events})
        await append(redis, keys, *events)
        await drain(redis, keys, settings, aud, metrics, FixedClock(T0))
        assert len(hook.received) == 3
        # the same events again (as after a crash before XACK), decided and delivered by "restarted" processes
        await append(redis, keys, *events)
        await drain(redis, keys, settings, aud, metrics, FixedClock(T0 + dt.timedelta(minutes=5)))
        assert len(hook.received) == 3


async def test_a_second_leader_deciding_the_same_digest_sends_it_once(redis, keys, metrics):
    async with Receiver() as hook:
        settings = NotifySettings(**FAST)
        fs = [finding("4300000001", "links.broken", severity=S.DEDUCTION, status=Status.VIOLATION)]
        await FindingStore(redis, keys).replace("4300000001", fs)
        aud = audience_for({"4300000001": (hook.url(),)})
        clock = FixedClock(T0)  # 10:00, after the 09:00 digest time
        leaders = [NoticeLeader(redis, keys, settings, InspectionSettings(), aud, clock) for _ in range(2)]
        for leader in leaders:  # a failover: the standby decides the same round again
            await leader.tick()
        clock.advance(3600)
        await leaders[1].tick()
        await Deliverer(redis, keys, settings, metrics, clock).run(asyncio.Event(), until_idle=True)
        (got,) = hook.received
        assert got.body["title"].startswith("【每日汇总】")


@pytest.mark.parametrize("limit", [2])
async def test_rate_limit_defers_the_rest_to_the_next_period(redis, keys, metrics, limit):
    async with Receiver() as hook:
        settings = NotifySettings(**{**FAST, "rate_per_channel": limit, "rate_period_s": 3600})
        events = [event(EventKind.OPENED, finding(f"43000000{i:02d}")) for i in range(1, 5)]
        aud = audience_for({e.finding.target: (hook.url(),) for e in events})
        await append(redis, keys, *events)
        deliverer = await drain(redis, keys, settings, aud, metrics, SystemClock())
        assert len(hook.received) == limit
        assert (await deliverer.outbox.depth())[0] == 4 - limit
        assert metrics.notices.labels("json", "veto", "deferred")._value.get() == 4 - limit


async def test_storm_over_two_batches_one_summary_to_supervisors_and_ops_then_a_closing_one(
    redis, keys, metrics
):
    async with Receiver() as hook:
        settings = NotifySettings(storm_targets=5, storm_window_s=60, **FAST)
        targets = [f"43000000{i:02d}" for i in range(1, 9)]
        aud = Audience(
            targets={t: TargetInfo(t, f"站点{t}", "长沙市") for t in targets},
            owners={t: (hook.url(f"owner/{t}"),) for t in targets},
            regions={"长沙市": (hook.url("supervisor"),)},
            ops=(hook.url("ops"),),
        )
        clock = FixedClock(T0)
        for batch in (targets[:3], targets[3:6], targets[6:]):  # three evaluations' worth of events
            opened = [
                event(EventKind.OPENED, finding(t), at=T0 + dt.timedelta(seconds=int(t[-2:]))) for t in batch
            ]
            await append(redis, keys, *opened)
            await drain(redis, keys, settings, aud, metrics, clock)
        by_path: dict[str, list[str]] = {}
        for r in hook.received:
            by_path.setdefault(r.path, []).append(r.body["title"])
        assert all(len(by_path[f"/owner/{t}"]) == 1 for t in targets)  # owners still get their own
        # supervisors heard the first batch one by one, then one 【汇总】 when the 5th opened; ops only that
        assert [t[:6] for t in by_path["/supervisor"]].count("【单项否决】") == 3
        assert [t for t in by_path["/ops"]] == [t for t in by_path["/supervisor"] if t.startswith("【汇总】")]
        assert len(by_path["/ops"]) == 1 and "6 个目标" in by_path["/ops"][0]
        clock.advance(120)  # the window is over: the closing count of all 8
        await NoticeLeader(redis, keys, settings, InspectionSettings(), aud, clock).tick()
        await Deliverer(redis, keys, settings, metrics, clock).run(asyncio.Event(), until_idle=True)
        assert len(hook.received) - sum(len(v) for v in by_path.values()) == 2
        assert "8 个目标" in hook.received[-1].body["title"]


async def test_scheduler_failover_the_standby_takes_the_lease_and_repeats_nothing(redis, keys, metrics):
    async with Receiver() as hook:
        settings = NotifySettings(**{**FAST, "tick_s": 0.05})
        fs = [finding("4300000001", "links.broken", severity=S.DEDUCTION, status=Status.VIOLATION)]
        await FindingStore(redis, keys).replace("4300000001", fs)
        aud = audience_for({"4300000001": (hook.url(),)})
        clock = FixedClock(T0)  # 10:00, after the 09:00 digest time

        def leader() -> NoticeLeader:
            return NoticeLeader(redis, keys, settings, InspectionSettings(), aud, clock)

        first = asyncio.create_task(leader().run(asyncio.Event(), owner="scheduler-a", lease_ttl_s=0.5))
        deadline = time.monotonic() + 5
        while not await redis.zcard(keys.outbox_due):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)
        first.cancel()  # dies holding the lease: the standby waits for it to expire
        with contextlib.suppress(asyncio.CancelledError):
            await first
        stop = asyncio.Event()
        standby = asyncio.create_task(leader().run(stop, owner="scheduler-b", lease_ttl_s=0.5))
        while await redis.get(keys.lease("notifier")) != "scheduler-b":
            assert time.monotonic() < deadline
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # a few of the new leader's ticks
        stop.set()
        await standby
        await Deliverer(redis, keys, settings, metrics, clock).run(asyncio.Event(), until_idle=True)
        assert [r.body["title"][:6] for r in hook.received] == ["【每日汇总】"]


async def test_events_older_than_a_day_are_history_not_news(redis, keys, metrics):
    async with Receiver() as hook:
        settings = NotifySettings(**{**FAST, "event_max_age_s": 86400.0})
        aud = audience_for({t: (hook.url(),) for t in ("4300000001", "4300000002")})
        old = event(EventKind.OPENED, finding("4300000001"), at=T0 - dt.timedelta(days=2))
        new = event(EventKind.OPENED, finding("4300000002"), at=T0 - dt.timedelta(hours=1))
        await append(redis, keys, old, new)  # e.g. the stream a lifecycle filled before the notifier existed
        await drain(redis, keys, settings, aud, metrics, FixedClock(T0))
        assert [p["target"]["id"] for p in hook.payloads()] == ["4300000002"]


async def test_a_broken_user_template_fails_its_deliveries_not_the_worker(redis, keys, metrics, tmp_path):
    async with Receiver() as hook:
        (tmp_path / "notice.txt.j2").write_text("{{ no_such_field.x }}\n")
        settings = NotifySettings(**{**FAST, "templates": tmp_path, "max_attempts": 1})
        await append(redis, keys, event(EventKind.OPENED, finding()))
        deliverer = await drain(redis, keys, settings, audience_for({"4300000001": (hook.url(),)}), metrics,
                                FixedClock(T0))  # fmt: skip
        (dead,) = await deliverer.outbox.dead()
        assert "UndefinedError" in dead.error and hook.received == []
