"""The notifier's calendar: at_risk reminders before due, reminders before the next sampling window opens,
and the daily digest of deductions and warnings, decided over the open findings at ``now``.

Pure (the clock is an argument), like ``policy``; run by the leader (``monitor.notify.leader``) every
``notify.tick_s``. A reminder's id carries its target, its point (days before due, or before the window) and
the due day or quarter; a digest's its owner URL and date: deciding them again at every tick, or on another
leader after a failover, gives the same ids, which the outbox takes once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from monitor.deadlines import SamplingWindow, start_of, upcoming_windows
from monitor.model import SHANGHAI, Finding, Severity, State, Status
from monitor.notify.policy import Audience, Notice, NoticeKind, build_notice, is_live, muted
from monitor.settings import InspectionSettings, NotifySettings


def decide_tick(
    findings: Sequence[Finding],
    audience: Audience,
    settings: NotifySettings,
    inspection: InspectionSettings,
    now: float,
) -> list[Notice]:
    """The leader's periodic decisions over the open findings: reminders and digests."""
    live = [f for f in findings if is_live(f) and not muted(f.target, settings, now)]
    reminding = [f for f in live if f.state != State.ACKNOWLEDGED]
    return [
        *_due_reminders(reminding, audience, settings, now),
        *_window_reminders(reminding, audience, settings, inspection, now),
        *_digests(reminding, audience, settings, now),
    ]


def _seen(f: Finding) -> float:
    moment = f.first_seen or f.observed_at
    return moment.timestamp()


def _by_target(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for f in findings:
        grouped.setdefault(f.target, []).append(f)
    return grouped


def _due_reminders(
    findings: Sequence[Finding], audience: Audience, settings: NotifySettings, now: float
) -> list[Notice]:
    """The latest passed point ``due − d days`` of each at_risk veto finding that was open before it."""
    last = min(settings.remind_days, default=0)
    groups: dict[tuple[str, int, dt.date], list[Finding]] = {}
    for f in findings:
        if f.severity != Severity.VETO or f.status != Status.AT_RISK or f.due is None:
            continue
        due = f.due.timestamp()
        passed = [d for d in settings.remind_days if due - d * 86400 <= now < due]
        if passed:
            days = min(passed)
            if _seen(f) <= due - days * 86400:
                groups.setdefault((f.target, days, f.due.astimezone(SHANGHAI).date()), []).append(f)
    notices = []
    for (target_id, days, due_day), group in sorted(groups.items()):
        recipients = [*audience.owners.get(target_id, ())]
        if days == last:
            recipients += audience.supervisors(target_id)
        notice = build_notice(
            NoticeKind.REMINDER, recipients, group, id_parts=(target_id, "due", due_day, days), now=now,
            settings=settings, target=audience.info(group[0]), note=f"距到期还有 {days} 天",
            title_extra=f"（{days} 天后到期）",
        )  # fmt: skip
        if notice:
            notices.append(notice)
    return notices


def _next_window(today: dt.date, inspection: InspectionSettings) -> SamplingWindow | None:
    return next((w for w in upcoming_windows(today, inspection) if w.first_day > today), None)


def _window_reminders(
    findings: Sequence[Finding],
    audience: Audience,
    settings: NotifySettings,
    inspection: InspectionSettings,
    now: float,
) -> list[Notice]:
    """Open veto findings (violations and at_risk) shortly before the next sampling window opens."""
    today = dt.datetime.fromtimestamp(now, tz=SHANGHAI).date()
    window = _next_window(today, inspection)
    if window is None:
        return []
    opens = start_of(window.first_day).timestamp()
    passed = [d for d in settings.window_remind_days if opens - d * 86400 <= now < opens]
    if not passed:
        return []
    days = min(passed)
    point = opens - days * 86400
    notices = []
    vetoes = [f for f in findings if f.severity == Severity.VETO and _seen(f) <= point]
    for target_id, group in sorted(_by_target(vetoes).items()):
        recipients = [*audience.owners.get(target_id, ()), *audience.supervisors(target_id)]
        note = f"{window.quarter} 抽查窗口 {window.first_day} 至 {window.last_day}，{days} 天后开始"
        notice = build_notice(
            NoticeKind.REMINDER, recipients, group, id_parts=(target_id, "window", window.quarter, days),
            now=now, settings=settings, target=audience.info(group[0]), note=note,
            title_extra=f"（抽查窗口 {days} 天后开始）",
        )  # fmt: skip
        if notice:
            notices.append(notice)
    return notices


def _digests(
    findings: Sequence[Finding], audience: Audience, settings: NotifySettings, now: float
) -> list[Notice]:
    """One digest a day per owner URL: its targets' open deductions and warnings, from ``digest_at``."""
    local = dt.datetime.fromtimestamp(now, tz=SHANGHAI)
    if local.time() < settings.digest_at:
        return []
    per_owner: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity == Severity.VETO:
            continue
        for url in audience.owners.get(f.target, ()):
            per_owner.setdefault(url, []).append(f)
    notices = []
    for url, group in sorted(per_owner.items()):
        group.sort(key=lambda f: (f.target, f.code))
        targets = tuple(dict.fromkeys(audience.info(f) for f in group))
        notice = build_notice(
            NoticeKind.DIGEST, [url], group, id_parts=(url, local.date()), now=now, settings=settings,
            target=targets[0] if len(targets) == 1 else None, targets=targets,
            note=f"{local.date()}：{len(targets)} 个目标，{len(group)} 项扣分或提示",
            title=f"【每日汇总】{local.date()} "
            + (f"{targets[0].name}（{targets[0].id}）" if len(targets) == 1 else f"{len(targets)} 个目标")
            + f"：{len(group)} 项扣分或提示",
        )  # fmt: skip
        if notice:
            notices.append(notice)
    return notices
