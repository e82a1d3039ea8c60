"""site.unreachable as indicators.md states it, on literal sample histories (scaled: 20 probes minimum).

The ratio tests turn the per-day floor off (``min_probes_per_day: 0``); the floor has its own tests below,
on whole weeks of hourly probes as the indicator counts them."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.model import SHANGHAI, Observation, Outcome, Site, Status
from monitor.rules.availability import RULE
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI).timestamp()
SITE = Site(id="4300000001", name="湖南省人民政府门户网站", url="https://www.hunan.gov.cn/", region="省直")
SETTINGS = Settings.model_validate(
    {
        "availability": {
            "probes_per_day": 24,
            "min_probes": 20,
            "min_probes_per_day": 0,
            "fail_ratio": 0.05,
            "warn_ratio": 0.03,
        }
    }
)
NATIONAL = Settings()  # 140 probes over 7 days, at least 20 on each


def probe(at: float, ok: bool, outcome: Outcome = Outcome.OK) -> Observation:
    payload = {
        "ok": ok,
        "latency_s": 0.2 if ok else 15.0,
        "status": 200 if ok else None,
        "reason": None if ok else "timeout",
        "url": SITE.url,
    }
    return Observation("availability", SITE.id, f"availability:{SITE.id}:{at}", at, outcome, None, payload)


def history(total: int, failed: int, *, spacing_s: float = 3600.0, extra: list[Observation] | None = None):
    samples = [probe(NOW - i * spacing_s, ok=i >= failed) for i in range(total)]
    return {"availability": samples + (extra or [])}


def judge(hist):
    return RULE.evaluate(SITE, hist, NOW, SETTINGS)


def test_one_failure_in_twenty_probes_is_exactly_five_percent_and_a_violation():
    [finding] = judge(history(20, 1))
    assert finding.code == "site.unreachable"
    assert finding.severity == "veto" and finding.status == Status.VIOLATION
    assert finding.evidence["probes"] == 20 and finding.evidence["failures"] == 1
    assert finding.to_json()["target_kind"] == "site"


def test_one_failure_in_twenty_one_probes_is_below_five_percent_and_only_at_risk():
    [finding] = judge(history(21, 1))
    assert finding.status == Status.AT_RISK


def test_below_the_warning_ratio_there_is_no_finding():
    assert judge(history(40, 1)) == []  # 2.5 % < 3 %


def test_fewer_samples_than_required_give_no_verdict_even_when_all_failed():
    # the watch has only begun: a new site's first failed probes are no finding at all, not even unverified
    # (a finding per failed first probe would fill the first hour with noise)
    assert judge(history(19, 19)) == []
    [finding] = judge(history(20, 20))
    assert finding.status == Status.VIOLATION


def test_discarded_probes_are_not_counted_against_the_site():
    discarded = [probe(NOW - 60 * i, ok=False, outcome=Outcome.DISCARDED) for i in range(1, 50)]
    assert judge(history(20, 0, extra=discarded)) == []


def test_samples_older_than_the_seven_day_window_do_not_count():
    old_failures = [probe(NOW - 7 * 86400 - 60 * i, ok=False) for i in range(1, 10)]
    assert judge(history(20, 0, extra=old_failures)) == []


def test_at_risk_site_whose_last_day_fails_more_often_gets_a_projected_due():
    # 2 failures in 60 hourly probes (3.3 %), both in the last day (8.3 % of it): at that pace the window
    # passes 5 % once enough older, clean samples pile up behind the new ones: within the week.
    [finding] = judge(history(60, 2))
    assert finding.status == Status.AT_RISK
    assert NOW < finding.due.timestamp() <= NOW + 7 * 86400


def test_at_risk_site_whose_recent_pace_stays_below_the_line_has_no_due():
    # 1 failure in 30 probes (3.3 %), the last day at 1/24 (4.2 %): the window never reaches 5 %.
    [finding] = judge(history(30, 1))
    assert finding.status == Status.AT_RISK and finding.due is None


@pytest.mark.parametrize("failed", [2, 3, 5])
def test_message_names_the_count_and_the_share(failed):
    [finding] = judge(history(40, failed))
    assert f"{failed} 次无法访问" in finding.message


def week(failed_hours: set[int], missing_hours: set[int] = frozenset()) -> dict:
    """Hourly probes over the 7 days before NOW (hour 0 is NOW itself), the given hours failed or absent."""
    return {
        "availability": [
            probe(NOW - hour * 3600.0, ok=hour not in failed_hours)
            for hour in range(7 * 24)
            if hour not in missing_hours
        ]
    }


def test_a_full_week_of_hourly_probes_with_six_percent_failed_is_a_violation():
    [finding] = RULE.evaluate(SITE, week(set(range(10))), NOW, NATIONAL)  # 10 of 168
    assert finding.status == Status.VIOLATION and finding.evidence["probes"] == 168


def test_a_day_with_fewer_than_twenty_probes_gives_no_veto_but_unverified_naming_that_day():
    # the third day back (hours 48..71) has 12 probes: 12 missing, the rest of the week is whole
    missing = set(range(50, 62))
    [finding] = RULE.evaluate(SITE, week(set(range(10)), missing), NOW, NATIONAL)
    assert finding.status == Status.UNVERIFIED and finding.severity == "veto"
    [thin] = finding.evidence["thin_days"]
    assert thin == {
        "from": "2026-11-21T10:00:00+08:00",
        "to": "2026-11-22T10:00:00+08:00",
        "probes": 12,
        "required": 20,
    }
    assert "2026-11-21 10:00 起的一天仅 12 次" in finding.message and "每天 20 次" in finding.message
    assert "7 天中有 1 天" in finding.message


def test_a_thin_day_on_a_healthy_site_says_nothing():
    assert RULE.evaluate(SITE, week(set(), set(range(50, 62))), NOW, NATIONAL) == []


def test_exactly_twenty_probes_on_a_day_is_a_judged_day():
    # hours 48..71 with 4 absent: 20 probes that day; 10 failures of 164 (6.1 %) elsewhere
    [finding] = RULE.evaluate(SITE, week(set(range(10)), set(range(50, 54))), NOW, NATIONAL)
    assert finding.status == Status.VIOLATION and "thin_days" not in finding.evidence


def test_discarded_probes_do_not_fill_a_thin_day():
    missing = set(range(50, 62))
    hist = week(set(range(10)), missing)
    hist["availability"] += [probe(NOW - h * 3600.0, ok=True, outcome=Outcome.DISCARDED) for h in missing]
    [finding] = RULE.evaluate(SITE, hist, NOW, NATIONAL)
    assert finding.status == Status.UNVERIFIED


def test_the_floor_scales_with_a_compressed_window():
    # a demo's window of 0.5 day with a floor of 20 a day: 10 probes needed in its one half-day (min_probes
    # lower, so that the day's floor is what decides)
    scaled = Settings.model_validate({"availability": {"window_days": 0.5, "min_probes": 5}})
    samples = {"availability": [probe(NOW - i * 60.0, ok=i >= 1) for i in range(10)]}
    [finding] = RULE.evaluate(SITE, samples, NOW, scaled)
    assert finding.status == Status.VIOLATION
    samples["availability"].pop()
    [finding] = RULE.evaluate(SITE, samples, NOW, scaled)
    assert finding.status == Status.UNVERIFIED and finding.evidence["thin_days"][0]["required"] == 10
