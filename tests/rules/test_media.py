"""The media rules on literal observations: day counting, at_risk and due, 304s, failures, overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitor.model import SHANGHAI, Account, Finding, ListSource, Observation, Outcome
from monitor.rules.media import RULE
from monitor.settings import Settings

FEED = "http://rsshub.example.net/wechat/user/x"
ACCOUNT = Account("x", "株洲发布", "wechat", "株洲市", feed=FEED)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


NOW = at(2026, 11, 27, 10, 0)


def reading(
    newest: dt.datetime | None, *, observed: dt.datetime = NOW, entries: int | None = None, **extra: Any
) -> Observation:
    recent = [{"title": "t", "url": "u", "published": newest.isoformat()}] if newest else []
    payload = {
        "url": FEED,
        "entries": len(recent) if entries is None else entries,
        "newest": newest.isoformat() if newest else None,
        "recent": recent,
        "future": 0,
        "interaction": None,
        "not_modified": False,
        "watched_since": "2026-10-01",
        **extra,
    }
    return Observation(
        "media", "x", f"media:x:{observed.timestamp()}", observed.timestamp(), Outcome.OK, None, payload
    )


def failed(observed: dt.datetime, reason: str = "http_error") -> Observation:
    payload = {"url": FEED, "status": 503, "detail": "HTTP 503"}
    return Observation(
        "media", "x", f"media:x:{observed.timestamp()}", observed.timestamp(), Outcome.FAILED, reason, payload
    )


def judge(
    *observations: Observation,
    account: Account = ACCOUNT,
    now: dt.datetime = NOW,
    settings: Settings | None = None,
) -> dict[str, Finding]:
    found = RULE.evaluate(account, {"media": list(observations)}, now.timestamp(), settings or Settings())
    assert len({f.code for f in found}) == len(found)
    return {f.code: f for f in found}


def statuses(found: dict[str, Finding]) -> dict[str, str]:
    return {code: f.status.value for code, f in found.items()}


def test_posted_14_days_ago_is_within_the_window_and_15_is_stale() -> None:
    day14 = judge(reading(at(2026, 11, 13, 23, 59)))
    assert statuses(day14) == {"media.stale": "at_risk", "media.stale_week": "violation"}
    assert day14["media.stale"].due == at(2026, 11, 28, 0, 0)
    day15 = judge(reading(at(2026, 11, 12, 0, 1)))
    assert statuses(day15) == {"media.stale": "violation"}  # counted once, under the veto


def test_week_window_boundary_and_its_at_risk_due() -> None:
    assert statuses(judge(reading(at(2026, 11, 20, 8, 0)))) == {"media.stale_week": "at_risk"}
    assert judge(reading(at(2026, 11, 20, 8, 0)))["media.stale_week"].due == at(2026, 11, 28, 0, 0)
    assert statuses(judge(reading(at(2026, 11, 19, 8, 0)))) == {"media.stale_week": "violation"}
    assert judge(reading(at(2026, 11, 23, 8, 0))) == {}  # 4 days: not even at risk


def test_ten_silent_days_are_a_deduction_now_and_a_veto_due_in_five_days() -> None:
    found = judge(reading(at(2026, 11, 17, 9, 0)))
    assert statuses(found) == {"media.stale_week": "violation", "media.stale": "at_risk"}
    assert found["media.stale"].due == at(2026, 12, 2, 0, 0)
    assert found["media.stale"].due.tzinfo is not None
    assert found["media.stale"].evidence["url"] == FEED


def test_an_active_account_has_no_findings() -> None:
    assert judge(reading(at(2026, 11, 27, 8, 0))) == {}


def test_at_risk_only_when_the_stale_day_can_still_be_sampled() -> None:
    # the province samples Q4 only up to 11-30 and Q1 from 2027-03-01: 12-02 falls between them, but the
    # violation would persist into the next window, so it stays at risk
    windows = {"2026Q4": ["2026-10-10", "2026-11-30"], "2027Q1": ["2027-03-01", "2027-03-10"]}
    found = judge(reading(at(2026, 11, 17, 9, 0)), settings=Settings(inspection={"windows": windows}))
    assert found["media.stale"].status.value == "at_risk"


def test_an_empty_readable_feed_is_never_published_since_registration() -> None:
    registered = Account("x", "祁东司法", "wechat", "衡阳市", feed=FEED, registered_at=dt.date(2026, 9, 28))
    found = judge(reading(None), account=registered)
    assert statuses(found) == {"media.never_published": "violation"}
    fresh = Account("x", "祁东司法", "wechat", "衡阳市", feed=FEED, registered_at=dt.date(2026, 11, 20))
    early = judge(reading(None), account=fresh)
    assert statuses(early) == {"media.never_published": "at_risk"}
    assert early["media.never_published"].due == at(2026, 12, 5, 0, 0)


def test_without_registration_never_published_counts_from_when_govmon_first_watched() -> None:
    assert statuses(judge(reading(None, watched_since="2026-11-12"))) == {
        "media.never_published": "violation"
    }
    assert statuses(judge(reading(None, watched_since="2026-11-13"))) == {"media.never_published": "at_risk"}


def test_entries_without_dates_count_as_not_updated() -> None:
    found = judge(reading(None, entries=3))
    assert statuses(found) == {"media.stale": "violation"}


def test_future_entries_do_not_make_an_account_fresh() -> None:
    obs = reading(at(2026, 11, 1, 9, 0), future=1)
    obs.payload["recent"].append({"title": "f", "url": "u", "published": at(2026, 12, 1).isoformat()})  # type: ignore[attr-defined]
    assert statuses(judge(obs)) == {"media.stale": "violation"}


def test_a_failed_latest_read_is_unverified_and_judges_nothing_else() -> None:
    found = judge(
        reading(at(2026, 11, 1, 9, 0), observed=at(2026, 11, 27, 8, 0)),
        failed(at(2026, 11, 27, 9, 0)),
        failed(NOW),
    )
    assert statuses(found) == {"media.feed_unreachable": "unverified"}
    finding = found["media.feed_unreachable"]
    assert finding.severity.value == "warning" and finding.count == 2
    assert finding.evidence["reason"] == "http_error"


def test_a_304_carries_the_previous_reading() -> None:
    full = reading(at(2026, 11, 10, 9, 0), observed=at(2026, 11, 27, 8, 0))
    not_modified = Observation(
        "media",
        "x",
        "m2",
        NOW.timestamp(),
        Outcome.OK,
        None,
        {"url": FEED, "not_modified": True, "status": 304},
    )
    assert statuses(judge(full, not_modified)) == {"media.stale": "violation"}


def test_a_read_after_failures_clears_the_warning() -> None:
    assert judge(failed(at(2026, 11, 27, 8, 0)), reading(at(2026, 11, 27, 9, 0))) == {}


def test_interaction_missing_only_from_inventory_or_source() -> None:
    closed = Account("x", "n", "weibo", "r", feed=FEED, interaction=False)
    assert statuses(judge(reading(at(2026, 11, 27, 8, 0)), account=closed)) == {
        "media.interaction_missing": "violation"
    }
    assert statuses(judge(reading(at(2026, 11, 27, 8, 0), interaction=False))) == {
        "media.interaction_missing": "violation"
    }
    assert judge(reading(at(2026, 11, 27, 8, 0), interaction=None)) == {}  # never guessed
    assert statuses(judge(account=closed)) == {
        "media.interaction_missing": "violation"
    }  # even before any read


def test_no_observation_no_verdict() -> None:
    assert judge() == {}


def test_windows_per_region_and_per_account() -> None:
    settings = Settings(
        media={
            "overrides": {
                "regions": {"株洲市": {"stale_days": 7, "warn_days": 5}},
                "targets": {"y": {"stale_days": 10}},
            }
        }
    )
    eight_days = reading(at(2026, 11, 19, 9, 0))
    assert statuses(judge(eight_days, settings=settings))["media.stale"] == "violation"
    other = Account("y", "n", "wechat", "株洲市", feed=FEED)
    found = judge(eight_days, account=other, settings=settings)
    assert found["media.stale"].status.value == "at_risk" and found["media.stale"].due == at(2026, 11, 30)


def test_list_accounts_are_judged_the_same_way() -> None:
    listed = Account("x", "n", "app", "r", list=ListSource("http://x.gov.cn/list/", "li", "span"))
    found = judge(reading(at(2026, 11, 1, 9, 0)), account=listed)
    assert found["media.stale"].evidence["url"] == "http://x.gov.cn/list/"


def test_not_at_risk_when_the_stale_day_comes_after_every_window_still_to_sample() -> None:
    # Q4's window is over and Q1's ends on 2027-01-02: silent since 12-20, the account turns stale on
    # 2027-01-04, after the last day an inspector may pick; only the week rule already applies
    windows = {"2026Q4": ["2026-10-08", "2026-12-10"], "2027Q1": ["2027-01-01", "2027-01-02"]}
    settings = Settings(inspection={"windows": windows})
    late = at(2026, 12, 30, 10, 0)
    found = judge(reading(at(2026, 12, 20, 9, 0), observed=late), now=late, settings=settings)
    assert statuses(found) == {"media.stale_week": "violation"}
    sampled_later = {"2026Q4": ["2026-10-08", "2026-12-10"], "2027Q1": ["2027-01-01", "2027-03-10"]}
    found = judge(
        reading(at(2026, 12, 20, 9, 0), observed=late),
        now=late,
        settings=Settings(inspection={"windows": sampled_later}),
    )
    assert statuses(found) == {"media.stale_week": "violation", "media.stale": "at_risk"}
    assert found["media.stale"].due == at(2027, 1, 4)
