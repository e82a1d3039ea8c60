"""Histories keep what their rules read and no more: the availability samples 7 days (not 8), the homepage
12 hours, and so on; the rules judge the same on what is kept; what an older govmon stored still reads."""

from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

import pytest

from monitor.checks import CHECKS
from monitor.engine.retention import HistoryBound, history_bounds, holds_media_reading
from monitor.engine.store import Store
from monitor.model import Account, Observation, Outcome, Site
from monitor.observations import MediaRead, MediaReading, RecentPost
from monitor.rules import RULES
from monitor.rules.availability import site_unreachable
from monitor.rules.media import judge_media
from monitor.settings import Settings

T = 1_800_000_000.0
HOUR = 3600.0
SETTINGS = Settings()
INTERVALS = {name: check.interval(SETTINGS) for name, check in CHECKS.items()}
BOUNDS = history_bounds(SETTINGS, INTERVALS)
SITE = Site("site-1", "某县人民政府", "https://www.x.gov.cn/", "某县")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def probe(at: float, *, ok: bool = True) -> Observation:
    payload = {"ok": ok, "latency_s": 0.2, "status": 200 if ok else 503, "reason": None if ok else "http_503"}
    payload["url"] = SITE.url
    job_id = f"availability:site-1:{at!r}"
    return Observation("availability", SITE.id, job_id, at, Outcome.OK, payload["reason"], payload)


def test_every_check_a_rule_reads_keeps_that_rules_lookback_and_the_runs_it_holds() -> None:
    for rule in RULES:
        for check in rule.needs:
            bound = BOUNDS[check]
            assert bound.retention_s >= rule.lookback_s(SETTINGS), (rule.name, check)
            runs = rule.lookback_s(SETTINGS) / (INTERVALS[check] * 0.9)
            assert bound.max_count >= math.ceil(runs), (rule.name, check)


def test_the_availability_window_is_seven_days_and_five_minutes_and_a_homepage_history_twelve_hours() -> None:
    assert BOUNDS["availability"].retention_s == 7 * 86400 + 300
    assert BOUNDS["homepage"].retention_s == 12 * HOUR + 300
    assert history_bounds(SETTINGS, {}) == {}  # no interval known: the store's defaults


async def test_eight_days_of_hourly_probes_keep_seven_and_the_rule_judges_the_same(redis, keys) -> None:
    unbounded = Store(redis, keys.__class__(prefix=keys.prefix + "-old"), retention_s=8 * 86400)
    bounded = Store(redis, keys, retention_s=8 * 86400, bounds=BOUNDS)
    for n in range(24 * 8):  # one failure in 20, the rest fine
        for store in (unbounded, bounded):
            await store.record(probe(T + n * HOUR, ok=n % 20 != 0))
    now = T + (24 * 8 - 1) * HOUR + 60
    everything = await unbounded.history("availability", SITE.id, since=0)
    kept = await bounded.history("availability", SITE.id, since=0)
    assert len(everything) == 192 and len(kept) == 169
    assert await redis.strlen(keys.samples(SITE.id)) == 169 * 9  # 1,521 bytes: jemalloc's 1,536 class
    judged = {
        name: site_unreachable(SITE, {"availability": history}, now, SETTINGS)
        for name, history in (("all", everything), ("kept", kept))
    }
    assert judged["kept"] == judged["all"] and judged["kept"]  # the same finding (a warning) from either
    assert await redis.ttl(keys.samples(SITE.id)) > 7.9 * 86400  # the key's TTL is the store's, not the bound


async def test_an_eight_day_string_an_older_govmon_stored_reads_whole_then_trims_at_the_next_probe(
    redis, keys
) -> None:
    older = Store(redis, keys, retention_s=8 * 86400)
    for n in range(24 * 8):
        await older.record(probe(T + n * HOUR))
    now_store = Store(redis, keys, retention_s=8 * 86400, bounds=BOUNDS)
    assert len(await now_store.history("availability", SITE.id, since=0)) == 192

    await now_store.record(probe(T + 24 * 8 * HOUR))

    kept = await now_store.history("availability", SITE.id, since=0)
    assert len(kept) == 169 and kept[0].observed_at == T + 24 * HOUR


async def test_a_homepage_history_is_trimmed_to_its_bound_and_its_newest_read_lives_a_week(
    redis, keys
) -> None:
    store = Store(redis, keys, retention_s=8 * 86400, bounds={"homepage": HistoryBound(12 * HOUR, 5)})
    for n in range(48):
        payload = {"url": SITE.url, "title": f"read {n}"}
        await store.record(
            Observation("homepage", SITE.id, f"homepage:{n}", T + n * HOUR, Outcome.OK, None, payload)
        )
    kept = await store.history("homepage", SITE.id, since=0)
    assert [o.payload["title"] for o in kept] == [f"read {n}" for n in range(43, 48)]  # the count cap: 5
    assert await redis.ttl(keys.latest("homepage", SITE.id)) > 7.9 * 86400
    assert await redis.ttl(keys.history("homepage", SITE.id)) > 7.9 * 86400


def media_poll(at: float, kind: str, newest_day: int) -> Observation:
    """A media poll: ``read`` (a full reading, newest post ``newest_day`` days after T), ``304`` (OK, nothing
    carried) or ``failed``."""
    url = "https://rsshub.example.net/wechat/acct-1"
    job_id = f"media:acct-1:{at!r}"
    if kind == "failed":
        payload = MediaRead(url, url, 503, "feed", detail="HTTP 503", kind="rss").to_payload()
        return Observation("media", "acct-1", job_id, at, Outcome.FAILED, "http_error", payload)
    reading = None
    if kind == "read":
        newest = dt.datetime.fromtimestamp(T + newest_day * 86400, SHANGHAI).isoformat()
        post = RecentPost("某县发布", "https://mp.example.net/1", newest)
        reading = MediaReading("rss", "某县发布", 12, 0, 0, (), newest, (post,), True, newest)
    payload = MediaRead(url, url, 200 if reading else 304, "feed", reading, not_modified=reading is None)
    return Observation("media", "acct-1", job_id, at, Outcome.OK, None, payload.to_payload())


@pytest.mark.parametrize("seed", range(6))
async def test_a_media_history_keeps_its_newest_reading_and_the_rule_judges_the_same(
    redis, keys, seed
) -> None:
    rng = random.Random(seed)
    account = Account("acct-1", "某县发布", "wechat", "某县", feed="https://rsshub.example.net/wechat/acct-1")
    everything = Store(redis, keys.__class__(prefix=f"{keys.prefix}-all{seed}"), retention_s=8 * 86400)
    bounded = Store(
        redis, keys.__class__(prefix=f"{keys.prefix}-kept{seed}"), retention_s=8 * 86400, bounds=BOUNDS
    )
    newest_day = findings = 0
    for n in range(24 * 3):  # three days hourly: readings, 304s and failure streaks in a seeded mix
        newest_day += rng.random() < 0.02
        kind = rng.choices(("read", "304", "failed"), weights=(5, 3, 2 if n < 60 else 6))[0]
        for store in (everything, bounded):
            await store.record(media_poll(T + n * HOUR, kind, newest_day))
        now = T + n * HOUR + 30
        judged = [
            judge_media(
                account, {"media": await store.history("media", "acct-1", since=now - 86400)}, now, SETTINGS
            )
            for store in (everything, bounded)
        ]
        assert judged[0] == judged[1], n
        findings += len(judged[0])
    kept = await bounded.history("media", "acct-1", since=0)
    assert findings  # feed_unreachable after the failure streaks: the comparison judged something
    assert len(kept) < 24 and sum(holds_media_reading(o) for o in kept) <= 1
