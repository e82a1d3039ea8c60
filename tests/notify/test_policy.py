"""Who hears what, and when: the pure policy over literal events, findings and a driven calendar."""

from __future__ import annotations

import datetime as dt

from monitor.model import EventKind, State, Status
from monitor.model import Severity as S
from monitor.notify.policy import (
    Audience,
    NoticeKind,
    Storm,
    TargetInfo,
    decide_events,
    decide_storm_close,
)
from monitor.notify.reminders import decide_tick
from monitor.settings import InspectionSettings, NotifySettings
from tests.notify.support import T0, event, finding

OWNER_A, OWNER_B, SUPERVISOR, OPS = "json://a/", "mailto://b@x.cn", "json://sup/", "json://ops/"


def audience(n: int = 3) -> Audience:
    ids = [f"43000000{i:02d}" for i in range(1, n + 1)]
    return Audience(
        targets={t: TargetInfo(t, f"站点{t}", "长沙市") for t in ids},
        owners={t: (OWNER_A,) if i % 2 == 0 else (OWNER_B,) for i, t in enumerate(ids)},
        regions={"长沙市": (SUPERVISOR,)},
        ops=(OPS,),
    )


def decide(events, settings=None, now=T0, recent=None, storms=None):
    return decide_events(events, audience(30), settings or NotifySettings(), now.timestamp(), recent or {},
                         storms or {})  # fmt: skip


def test_new_veto_violation_goes_at_once_to_owners_and_region_supervisors():
    (notice,) = decide([event(EventKind.OPENED, finding("4300000001"))]).notices
    assert notice.kind == NoticeKind.VETO
    assert notice.recipients == (OWNER_A, SUPERVISOR)
    assert notice.title.startswith("【单项否决】站点4300000001（4300000001）")
    assert notice.not_before == T0.timestamp()


def test_several_findings_of_one_target_at_once_make_one_message():
    events = [event(EventKind.OPENED, finding(code=c)) for c in ("site.unreachable", "homepage.stale")]
    (notice,) = decide(events).notices
    assert {f.code for f in notice.findings} == {"site.unreachable", "homepage.stale"}


def test_deciding_the_same_events_again_gives_the_same_notice_id():
    events = [event(EventKind.OPENED, finding())]
    assert decide(events).notices[0].id == decide(events, now=T0 + dt.timedelta(hours=1)).notices[0].id


def test_unverified_dismissed_and_deductions_notify_nobody_at_once():
    events = [
        event(EventKind.OPENED, finding(status=Status.UNVERIFIED)),
        event(EventKind.OPENED, finding(state=State.DISMISSED)),
        event(EventKind.DISMISSED, finding()),
        event(EventKind.OPENED, finding(code="links.broken", severity=S.DEDUCTION)),
    ]
    assert decide(events).notices == []


def test_veto_at_risk_gets_a_warning_with_its_due_date_and_a_violation_later_a_veto():
    due = T0 + dt.timedelta(days=4)
    (warning,) = decide([event(EventKind.OPENED, finding(status=Status.AT_RISK, due=due))]).notices
    assert warning.kind == NoticeKind.AT_RISK and warning.title.startswith("【预警】")
    assert warning.due == due and warning.recipients == (OWNER_A,)
    changed = event(EventKind.CHANGED, finding(), at=due, previous=Status.AT_RISK)
    (veto,) = decide([changed], now=due).notices
    assert veto.kind == NoticeKind.VETO


def test_a_resolved_veto_tells_owners_and_supervisors_it_recovered():
    (notice,) = decide([event(EventKind.RESOLVED, finding(state=State.RESOLVED))]).notices
    assert notice.kind == NoticeKind.RESOLVED and notice.title.startswith("【已恢复】")
    assert notice.recipients == (OWNER_A, SUPERVISOR)


def test_quiet_hours_delay_warnings_but_vetoes_pierce_them():
    settings = NotifySettings(quiet_hours=(dt.time(22, 0), dt.time(7, 30)))
    night = T0.replace(hour=23)
    at_risk = finding(status=Status.AT_RISK, due=night + dt.timedelta(days=5))
    notices = decide([event(EventKind.OPENED, finding("4300000001")), event(EventKind.OPENED, at_risk)], settings,
                     now=night).notices  # fmt: skip
    by_kind = {n.kind: n for n in notices}
    assert by_kind[NoticeKind.VETO].not_before == night.timestamp()
    morning = (night + dt.timedelta(days=1)).replace(hour=7, minute=30)
    assert by_kind[NoticeKind.AT_RISK].not_before == morning.timestamp()


def test_a_muted_target_notifies_nobody_until_its_time():
    settings = NotifySettings(mute={"4300000001": T0 + dt.timedelta(hours=2)})
    assert decide([event(EventKind.OPENED, finding())], settings).notices == []
    later = T0 + dt.timedelta(hours=3)
    assert len(decide([event(EventKind.OPENED, finding(), at=later)], settings, now=later).notices) == 1


def test_storm_one_code_on_ten_targets_gives_supervisors_and_ops_one_summary_owners_their_own():
    settings = NotifySettings(storm_targets=10, storm_window_s=600)
    events = [event(EventKind.OPENED, finding(f"43000000{i:02d}"), at=T0 + dt.timedelta(seconds=i))
              for i in range(1, 13)]  # fmt: skip
    decision = decide(events, settings)
    owners = [n for n in decision.notices if n.kind == NoticeKind.VETO]
    storms = [n for n in decision.notices if n.kind == NoticeKind.STORM]
    assert len(owners) == 12 and all(SUPERVISOR not in n.recipients for n in owners)
    (storm,) = storms
    assert storm.title.startswith("【汇总】") and set(storm.recipients) == {OPS, SUPERVISOR}
    assert len(storm.targets) == 12
    assert decision.storms[0].announced == 12


def test_below_the_storm_threshold_supervisors_hear_each_target():
    settings = NotifySettings(storm_targets=10, storm_window_s=600)
    recent = {
        "site.unreachable": {f"43000000{i:02d}": T0.timestamp() - 900 for i in range(10, 20)}
    }  # too old
    notices = decide([event(EventKind.OPENED, finding())], settings, recent=recent).notices
    assert [n.kind for n in notices] == [NoticeKind.VETO] and SUPERVISOR in notices[0].recipients


def test_a_storm_that_grew_closes_with_one_more_summary():
    settings = NotifySettings(storm_targets=10, storm_window_s=600)
    storm = Storm("site.unreachable", 0, T0.timestamp(), announced=10)
    targets = [f"43000000{i:02d}" for i in range(1, 26)]
    assert decide_storm_close(storm, targets, audience(30), settings, T0.timestamp() + 60) == (False, [])
    ended, (closing,) = decide_storm_close(storm, targets, audience(30), settings, T0.timestamp() + 601)
    assert ended and len(closing.targets) == 25 and "25 个目标" in closing.title


# ----------------------------------------------------------------------------------------- the calendar
def tick(findings, at, settings=None, inspection=None):
    return decide_tick(findings, audience(), settings or NotifySettings(), inspection or InspectionSettings(),
                       at.timestamp())  # fmt: skip


def test_at_risk_reminders_at_7_3_1_days_before_due_supervisors_join_the_last():
    due = dt.datetime(2026, 12, 20, 0, 0, tzinfo=T0.tzinfo)
    f = finding(status=Status.AT_RISK, due=due, first_seen=T0)
    seen: dict[str, tuple[str, ...]] = {}
    day = T0
    while day < due + dt.timedelta(days=1):  # a compressed calendar: the clock driven hour by hour
        for notice in tick([f], day):
            if notice.kind == NoticeKind.REMINDER:
                seen.setdefault(notice.id, notice.recipients)
        day += dt.timedelta(hours=1)
    assert len(seen) == 3
    assert sorted(seen.values(), key=len) == [(OWNER_A,), (OWNER_A,), (OWNER_A, SUPERVISOR)]


def test_acknowledged_findings_get_no_reminders():
    due = T0 + dt.timedelta(days=2)
    f = finding(
        status=Status.AT_RISK, due=due, first_seen=T0 - dt.timedelta(days=10), state=State.ACKNOWLEDGED
    )
    assert [n for n in tick([f], due - dt.timedelta(hours=1)) if n.kind == NoticeKind.REMINDER] == []


def test_reminder_before_the_next_sampling_window_opens():
    inspection = InspectionSettings(windows={"2027Q1": (dt.date(2027, 1, 8), dt.date(2027, 3, 11))})
    f = finding(first_seen=T0)
    at = dt.datetime(2027, 1, 1, 12, 0, tzinfo=T0.tzinfo)  # 7 days before 01-08
    (notice,) = tick([f], at, inspection=inspection)
    assert "抽查窗口 7 天后开始" in notice.title and SUPERVISOR in notice.recipients


def test_one_daily_digest_per_owner_of_deductions_from_digest_time():
    fs = [finding(f"43000000{i:02d}", "links.broken", severity=S.DEDUCTION) for i in (1, 2, 3)]
    assert tick(fs, T0.replace(hour=8)) == []
    digests = tick(fs, T0.replace(hour=9, minute=1))
    assert {n.recipients for n in digests} == {(OWNER_A,), (OWNER_B,)}
    assert all(n.title.startswith("【每日汇总】") for n in digests)
    again = tick(fs, T0.replace(hour=17))
    assert {n.id for n in again} == {n.id for n in digests}  # the same day decides the same notices
    tomorrow = tick(fs, T0.replace(hour=9, minute=1) + dt.timedelta(days=1))
    assert not {n.id for n in tomorrow} & {n.id for n in digests}
