"""site.unreachable as indicators.md states it, on literal sample histories (scaled: 20 probes minimum)."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.model import SHANGHAI, Observation, Outcome, Site, Status
from monitor.rules.availability import RULE
from monitor.settings import Settings

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI).timestamp()
SITE = Site(id="4300000001", name="湖南省人民政府门户网站", url="https://www.hunan.gov.cn/", region="省直")
SETTINGS = Settings.model_validate(
    {"availability": {"probes_per_day": 24, "min_probes": 20, "fail_ratio": 0.05, "warn_ratio": 0.03}}
)


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
    assert judge(history(19, 19)) == []


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
