"""Who hears what, and when: pure functions from finding events, open findings, recipients, the calendar and
``now`` to ``Notice``s (no I/O; the clock is an argument), so the schedule is tested with literal inputs.
This module decides on lifecycle events and storms; ``reminders`` decides the calendar's notices.

Rules (issue 9, docs/notify.md):
- a veto violation that opens (or an at_risk one that becomes a violation): at once, to the target's owners
  and its region's supervisors; a veto at_risk finding: a 【预警】 with its due date to the owners, then
  reminders ``notify.remind_days`` before due (supervisors join the last) and ``notify.window_remind_days``
  before the next sampling window opens; deductions and warnings: one daily digest per owner; a veto that
  resolves: 【已恢复】 to those who heard of it.
- the findings of one target that change at once make one message; acknowledged findings get no reminders;
  dismissed and unverified ones never notify; a muted target notifies nobody until its time (the findings are
  still recorded); quiet hours delay all but vetoes (``vetoes_pierce_quiet``).
- storm control: when one code opens on ``storm_targets`` targets within ``storm_window_s``, supervisors and
  ops get one 【汇总】 instead of one notice per target (owners still get their own), and one closing 【汇总】
  when the window ends with more targets than first announced.

A notice's id is a digest of its kind, its subject and the moment it was decided for (the event's time, the
reminder's day, the digest's date, the storm's window), so deciding again — a redelivered event, a second
leader, a restart — yields the same id, and the outbox sends it once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from monitor.model import SHANGHAI, EventKind, Finding, FindingEvent, Severity, State, Status
from monitor.notify.words import KIND_WORDS
from monitor.settings import NotifySettings
from monitor.words import words_for


class NoticeKind(enum.StrEnum):
    VETO = "veto"
    AT_RISK = "at_risk"
    REMINDER = "reminder"
    RESOLVED = "resolved"
    DIGEST = "digest"
    STORM = "storm"
    TEST = "test"


@dataclasses.dataclass(frozen=True, slots=True)
class TargetInfo:
    id: str
    name: str
    region: str


@dataclasses.dataclass(frozen=True, slots=True)
class Notice:
    """One message to one or more recipients (apprise URLs as configured; the outbox sends one per URL)."""

    id: str
    kind: NoticeKind
    recipients: tuple[str, ...]
    findings: tuple[Finding, ...]
    title: str
    due: dt.datetime | None
    decided_at: float
    not_before: float
    target: TargetInfo | None = None
    targets: tuple[TargetInfo, ...] = ()  # a storm's targets
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "recipients": list(self.recipients),
            "findings": [f.to_json() for f in self.findings],
            "title": self.title,
            "due": self.due.isoformat() if self.due else None,
            "decided_at": self.decided_at,
            "not_before": self.not_before,
            "target": dataclasses.asdict(self.target) if self.target else None,
            "targets": [dataclasses.asdict(t) for t in self.targets],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Notice:
        return cls(
            id=data["id"],
            kind=NoticeKind(data["kind"]),
            recipients=tuple(data["recipients"]),
            findings=tuple(Finding.from_json(f) for f in data["findings"]),
            title=data["title"],
            due=dt.datetime.fromisoformat(data["due"]) if data.get("due") else None,
            decided_at=float(data["decided_at"]),
            not_before=float(data["not_before"]),
            target=TargetInfo(**data["target"]) if data.get("target") else None,
            targets=tuple(TargetInfo(**t) for t in data.get("targets") or ()),
            note=data.get("note", ""),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Audience:
    """Everyone who may hear: each target's owners, supervisors per region, the ops channel."""

    targets: Mapping[str, TargetInfo]
    owners: Mapping[str, tuple[str, ...]]
    regions: Mapping[str, tuple[str, ...]]
    ops: tuple[str, ...]

    def supervisors(self, target_id: str) -> tuple[str, ...]:
        info = self.targets.get(target_id)
        return self.regions.get(info.region, ()) if info else ()

    def info(self, finding: Finding) -> TargetInfo:
        return self.targets.get(finding.target) or TargetInfo(finding.target, finding.name, finding.region)


@dataclasses.dataclass(frozen=True, slots=True)
class Storm:
    """A storm of one code: its window bucket, when it started and how many targets were announced."""

    code: str
    bucket: int
    started_at: float
    announced: int


@dataclasses.dataclass(frozen=True, slots=True)
class EventDecision:
    notices: list[Notice]
    openings: dict[str, dict[str, float]]  # code → target → when its veto opened (to remember for storms)
    storms: list[Storm]  # storms this batch started


def notice_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]


def _unique(urls: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u for u in urls if u))


def is_live(f: Finding) -> bool:
    """Open for notices: not dismissed, not resolved, and judged (unverified never notifies owners)."""
    return f.state in (None, State.OPEN, State.ACKNOWLEDGED) and f.status != Status.UNVERIFIED


def muted(target_id: str, settings: NotifySettings, now: float) -> bool:
    until = settings.mute.get(target_id)
    if until is None:
        return False
    until = until if until.tzinfo else until.replace(tzinfo=SHANGHAI)
    return now < until.timestamp()


def quiet_until(now: float, settings: NotifySettings) -> float:
    """``now``, or the end of the quiet hours ``now`` falls in (a window may span midnight)."""
    if settings.quiet_hours is None:
        return now
    start, end = settings.quiet_hours
    local = dt.datetime.fromtimestamp(now, tz=SHANGHAI)
    today_end = dt.datetime.combine(local.date(), end, tzinfo=SHANGHAI)
    clock = local.time()
    inside = start <= clock < end if start <= end else (clock >= start or clock < end)
    if not inside:
        return now
    return (today_end if clock < end else today_end + dt.timedelta(days=1)).timestamp()


def title_for(
    kind: NoticeKind, target: TargetInfo | None, findings: Sequence[Finding], extra: str = ""
) -> str:
    head = f"【{KIND_WORDS[kind]}】"
    if target is not None:
        head += f"{target.name}（{target.id}）"
    indicators = list(dict.fromkeys(words_for(f.code).indicator for f in findings))
    if indicators:
        head += "：" + "、".join(indicators[:3]) + ("等" if len(indicators) > 3 else "")
    return head + extra


def build_notice(
    kind: NoticeKind,
    recipients: Iterable[str],
    findings: Sequence[Finding],
    *,
    id_parts: Sequence[object],
    now: float,
    settings: NotifySettings,
    target: TargetInfo | None = None,
    targets: tuple[TargetInfo, ...] = (),
    note: str = "",
    title_extra: str = "",
    title: str | None = None,
) -> Notice | None:
    urls = _unique(recipients)
    if not urls:
        return None
    pierce = kind in (NoticeKind.VETO, NoticeKind.TEST) and settings.vetoes_pierce_quiet
    dues = [f.due for f in findings if f.due is not None]
    return Notice(
        id=notice_id(kind.value, *id_parts),
        kind=kind,
        recipients=urls,
        findings=tuple(findings),
        title=title or title_for(kind, target, findings, title_extra),
        due=min(dues) if dues else None,
        decided_at=now,
        not_before=now if pierce else quiet_until(now, settings),
        target=target,
        targets=targets,
        note=note,
    )


# ------------------------------------------------------------------------------------------------- events
def _event_kind(event: FindingEvent) -> NoticeKind | None:
    f = event.finding
    if f.severity != Severity.VETO or f.state == State.DISMISSED or f.status == Status.UNVERIFIED:
        return None
    if event.kind in (EventKind.OPENED, EventKind.CHANGED):
        if f.status == Status.VIOLATION and event.previous_status != Status.VIOLATION:
            return NoticeKind.VETO
        if f.status == Status.AT_RISK and event.kind == EventKind.OPENED:
            return NoticeKind.AT_RISK
    if event.kind == EventKind.RESOLVED and f.status == Status.VIOLATION:
        return NoticeKind.RESOLVED
    return None


def decide_events(
    events: Sequence[FindingEvent],
    audience: Audience,
    settings: NotifySettings,
    now: float,
    recent_openings: Mapping[str, Mapping[str, float]],
    storms: Mapping[str, Storm],
) -> EventDecision:
    """Notices for a batch of lifecycle events. ``recent_openings``: code → target → when a veto of that
    code opened there, within the storm window before this batch; ``storms``: storms in progress."""
    groups: dict[tuple[NoticeKind, str], list[FindingEvent]] = {}
    openings: dict[str, dict[str, float]] = {}
    for event in events:
        kind = _event_kind(event)
        if kind is None:
            continue
        groups.setdefault((kind, event.finding.target), []).append(event)
        if kind == NoticeKind.VETO:
            openings.setdefault(event.finding.code, {})[event.finding.target] = event.at
    # a storm's supervisors stay folded into its 【汇总】 for one window (and one more while the leader closes
    # it); without a leader (``check --notify``) it simply lapses
    storming = {c: s for c, s in storms.items() if now < s.started_at + 2 * settings.storm_window_s}
    started: list[Storm] = []
    notices: list[Notice] = []
    for code, fresh in openings.items():
        latest = max(fresh.values())
        window = {
            t: at
            for t, at in {**recent_openings.get(code, {}), **fresh}.items()
            if at > latest - settings.storm_window_s
        }
        if code not in storming and len(window) >= settings.storm_targets:
            storm = Storm(code, int(latest // settings.storm_window_s), min(window.values()), len(window))
            storming[code] = storm
            started.append(storm)
            notices.extend(_storm_notice(storm, sorted(window), audience, settings, now, final=False))
    for (kind, target_id), group in sorted(groups.items()):
        if muted(target_id, settings, now):
            continue
        findings = [e.finding for e in group]
        info = audience.info(findings[0])
        recipients = list(audience.owners.get(target_id, ()))
        if kind in (NoticeKind.VETO, NoticeKind.RESOLVED) and not any(f.code in storming for f in findings):
            recipients += audience.supervisors(target_id)
        ids = sorted(f.id for f in findings)
        at = max(e.at for e in group)
        notice = build_notice(kind, recipients, findings, id_parts=(target_id, at, *ids), now=now,
                         settings=settings, target=info)  # fmt: skip
        if notice:
            notices.append(notice)
    return EventDecision(notices, openings, started)


def _storm_notice(
    storm: Storm,
    target_ids: Sequence[str],
    audience: Audience,
    settings: NotifySettings,
    now: float,
    *,
    final: bool,
) -> list[Notice]:
    infos = tuple(audience.targets.get(t) or TargetInfo(t, t, "") for t in target_ids)
    regions = sorted({i.region for i in infos})
    recipients = [*audience.ops, *(u for r in regions for u in audience.regions.get(r, ()))]
    words = words_for(storm.code)
    note = f"{len(infos)} 个目标出现“{words.indicator}”（{storm.code}）" + (
        "，窗口结束时的最终统计。"
        if final
        else "，此后新增的目标不再逐一通知监管人员，窗口结束时另发最终汇总。"
    )
    notice = build_notice(
        NoticeKind.STORM, recipients, (), id_parts=(storm.code, storm.bucket, "final" if final else "first"),
        now=now, settings=settings, targets=infos, note=note,
        title_extra=f"{words.indicator}（{storm.code}）：{len(infos)} 个目标",
    )  # fmt: skip
    return [notice] if notice else []


def decide_storm_close(
    storm: Storm, target_ids: Sequence[str], audience: Audience, settings: NotifySettings, now: float
) -> tuple[bool, list[Notice]]:
    """(ended, notices): a storm ends one window after it began; a closing 【汇总】 when it grew."""
    if now < storm.started_at + settings.storm_window_s:
        return False, []
    if len(target_ids) <= storm.announced:
        return True, []
    return True, _storm_notice(storm, target_ids, audience, settings, now, final=True)


def trial_notice(
    target: TargetInfo, audience: Audience, settings: NotifySettings, now: float
) -> Notice | None:
    """``govmon notices test TARGET``: one message to everyone who would hear of that target's vetoes."""
    recipients = [*audience.owners.get(target.id, ()), *audience.supervisors(target.id)]
    return build_notice(
        NoticeKind.TEST, recipients, (), id_parts=(target.id, now), now=now, settings=settings, target=target,
        note="这是一条测试消息：收到即表示 govmon 能把通知送到这里。",
    )  # fmt: skip


def audience_of(targets: Iterable[Any], settings: NotifySettings) -> Audience:
    """The audience from the inventory's targets (``Site``/``Account``: id, name, region, owners)."""
    listed = list(targets)
    return Audience(
        targets={t.id: TargetInfo(t.id, t.name, t.region) for t in listed},
        owners={t.id: tuple(t.owners) for t in listed if t.owners},
        regions=settings.regions,
        ops=settings.ops,
    )
