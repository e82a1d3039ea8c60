"""The findings lifecycle in Redis: open → (acknowledged) → resolved, or dismissed; events for the notifier.

After each evaluation of a target, ``Lifecycle.apply`` merges what the rules found with the stored records
(``monitor.engine.records``): a new finding opens (OPENED), a status change is CHANGED (with the previous
status), and a finding the rules no longer find resolves only once it has been absent for
``findings.settle_s`` (hysteresis: one clean evaluation after a flaky one neither resolves nor re-opens it).
Absence counts only where the evaluation could have found it: the evaluator says which rules had
observations to judge from, and a rule without data leaves its findings as they were. A dismissed finding
stays dismissed (no events) however often the rule finds it; an acknowledged one stays acknowledged while
open; a manual finding (entered by a person) is resolved only by a person.

Atomicity: one target's records live in one HASH, updated in an optimistic transaction (WATCH the hash,
read, merge in Python, MULTI … EXEC with the events' XADD). Two workers evaluating the same target race
harmlessly: the loser's EXEC fails, it re-reads the winner's records and merges again, so a new finding is
OPENED once. An evaluation older than the last one applied (``@evaluated_at``) is ignored, so a slow worker
cannot roll a target back. Events are appended to ``Keys.finding_events`` in the same EXEC: an event exists
exactly when its change does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import redis.asyncio as aioredis
import structlog
from redis.exceptions import WatchError

from monitor.engine.kv.keys import Keys
from monitor.engine.records import (
    CLOCK_FIELD,
    LIVE_STATES,
    Record,
    decode,
    encode,
    episodes,
    expired,
    iso,
    new_record,
    public,
    read_record,
    read_records,
    refresh,
    retention_start,
    to_finding,
    trim_history,
)
from monitor.model import EventKind, Finding, FindingEvent, State, Status, Target
from monitor.settings import FindingsSettings

log = structlog.get_logger(__name__)

MANUAL = "manual"
"""The ``_rule`` of a finding a person entered."""

TX_ATTEMPTS = 50
"""Optimistic retries of one target's transaction; only a storm of writers on one target exhausts them."""


class LifecycleError(ValueError):
    """A person's action that cannot apply (an unknown id, acknowledging a resolved finding); the message
    says which and why, for the CLI's stderr and the API's 400."""


class UnknownFinding(LifecycleError):
    """No finding has this id."""


@dataclasses.dataclass(slots=True)
class _Pending:
    """An event decided inside a transaction, built once the records are final."""

    kind: EventKind
    finding_id: str
    previous_status: Status | None = None
    by: str | None = None
    note: str | None = None


Change = Callable[[dict[str, Record]], list[_Pending]]


def merge(
    records: dict[str, Record],
    findings: Sequence[Finding],
    now: float,
    settle_s: float,
    *,
    judged: Mapping[str, bool] | None = None,
    rule_of: Mapping[str, str] | None = None,
) -> list[_Pending]:
    """Merge one evaluation into a target's records (mutated in place); the events it causes. Pure.

    ``judged``: rule name → whether that rule had observations to judge from (None: every rule had);
    ``rule_of``: finding id → the rule that produced it."""
    pending: list[_Pending] = []
    present = {f.id: f for f in findings}
    for fid, finding in present.items():
        rule = (rule_of or {}).get(fid)
        record = records.get(fid)
        if record is None:
            records[fid] = record = new_record(finding, now, rule=rule)
            _opened(record, now)
            pending.append(_Pending(EventKind.OPENED, fid))
            continue
        previous = Status(record["status"])
        state = record["state"]
        refresh(record, finding, now)
        record["_rule"] = rule or record.get("_rule")
        if state == State.DISMISSED.value:
            continue  # a false positive stays one: seen, never announced
        if state == State.RESOLVED.value:
            record["first_seen"] = iso(now)
            _opened(record, now)
            pending.append(_Pending(EventKind.OPENED, fid))
        elif finding.status != previous:
            record["history"].append({"at": iso(now), "state": state, "status": finding.status.value})
            pending.append(_Pending(EventKind.CHANGED, fid, previous_status=previous))
    for fid, record in records.items():
        if fid in present or record["state"] not in LIVE_STATES or record.get("_manual"):
            continue
        rule = record.get("_rule")
        if judged is not None and rule is not None and not judged.get(rule, True):
            continue  # no verdict from its rule this time: not evidence of absence
        if record.get("_absent_since") is None:
            record["_absent_since"] = now
        if now - record["_absent_since"] >= settle_s:
            _resolved(record, now)
            pending.append(_Pending(EventKind.RESOLVED, fid))
    return pending


def _opened(record: Record, now: float, **person: str | None) -> None:
    record["state"] = State.OPEN.value
    record["_absent_since"] = None
    entry = {"at": iso(now), "state": State.OPEN.value, "status": record["status"]}
    record["history"].append(entry | {k: v for k, v in person.items() if v})


def _resolved(record: Record, now: float, **person: str | None) -> None:
    entry = {"at": iso(now), "state": State.RESOLVED.value, "status": record["status"]}
    record["history"].append(
        entry | {"last_seen": record["last_seen"]} | {k: v for k, v in person.items() if v}
    )
    record["state"] = State.RESOLVED.value
    record["_absent_since"] = None


class Lifecycle:
    """The only writer of lifecycle records and finding events."""

    def __init__(self, redis: aioredis.Redis, keys: Keys, settings: FindingsSettings | None = None) -> None:
        self._redis = redis
        self._keys = keys
        self._settings = settings or FindingsSettings()

    async def apply(
        self,
        target: Target,
        findings: Sequence[Finding],
        now: float,
        *,
        judged: Mapping[str, bool] | None = None,
        rule_of: Mapping[str, str] | None = None,
    ) -> list[FindingEvent]:
        """Merge one evaluation of ``target`` at ``now`` (see ``merge``); the events it caused, in order."""

        def change(records: dict[str, Record]) -> list[_Pending]:
            return merge(records, findings, now, self._settings.settle_s, judged=judged, rule_of=rule_of)

        events = await self._transact(target.id, change, now, evaluated_at=now)
        if events:
            log.info("lifecycle.events", target=target.id, events=[e.kind.value for e in events])
        return events

    # ----------------------------------------------------------------------------------- a person's actions
    async def acknowledge(self, finding_id: str, by: str, note: str, now: float) -> Finding:
        """Someone is on it: the finding stays acknowledged while it holds (reminders stop). Repeating the
        same acknowledgement changes nothing."""

        def change(record: Record) -> _Pending | None:
            _require(record, LIVE_STATES, "acknowledged")
            last = (record["history"] or [{}])[-1]
            if record["state"] == State.ACKNOWLEDGED.value and (last.get("by"), last.get("note")) == (
                by,
                note,
            ):
                return None
            record["state"] = State.ACKNOWLEDGED.value
            record["history"].append(
                {"at": iso(now), "state": State.ACKNOWLEDGED.value, "by": by, "note": note}
            )
            return _Pending(EventKind.ACKNOWLEDGED, finding_id, by=by, note=note)

        return await self._act(finding_id, change, now)

    async def dismiss(self, finding_id: str, by: str, reason: str, now: float) -> Finding:
        """A false positive: the subject stays dismissed (no notices, not in the report) while found."""

        def change(record: Record) -> _Pending | None:
            _require(record, (*LIVE_STATES, State.RESOLVED.value), "dismissed")
            record["state"] = State.DISMISSED.value
            record["history"].append(
                {"at": iso(now), "state": State.DISMISSED.value, "by": by, "note": reason}
            )
            return _Pending(EventKind.DISMISSED, finding_id, by=by, note=reason)

        return await self._act(finding_id, change, now)

    async def resolve(self, finding_id: str, by: str, note: str, now: float) -> Finding:
        """A person closes a finding (a manual one's only way out; a rule's re-opens if still found)."""

        def change(record: Record) -> _Pending | None:
            _require(record, LIVE_STATES, "resolved")
            _resolved(record, now, by=by, note=note)
            return _Pending(EventKind.RESOLVED, finding_id, by=by, note=note)

        return await self._act(finding_id, change, now)

    async def add(self, finding: Finding, by: str, note: str, now: float) -> FindingEvent | None:
        """A finding from a manual inspection: opened (or re-opened) and held until a person resolves it.
        The same subject already open only becomes manual (CHANGED when the status differs, else no event)."""

        def change(records: dict[str, Record]) -> list[_Pending]:
            fid = finding.id
            record = records.get(fid)
            if record is None:
                records[fid] = record = new_record(finding, now, rule=MANUAL, manual=True)
                _opened(record, now, by=by, note=note)
                return [_Pending(EventKind.OPENED, fid, by=by, note=note)]
            previous, state = Status(record["status"]), record["state"]
            refresh(record, finding, now)
            record["_manual"] = True
            if state not in LIVE_STATES:
                record["first_seen"] = iso(now)
                _opened(record, now, by=by, note=note)
                return [_Pending(EventKind.OPENED, fid, by=by, note=note)]
            record["history"].append(
                {"at": iso(now), "state": state, "status": finding.status.value, "by": by, "note": note}
            )
            if finding.status == previous:
                return []
            return [_Pending(EventKind.CHANGED, fid, previous_status=previous, by=by, note=note)]

        events = await self._transact(finding.target, change, now)
        return events[0] if events else None

    async def _act(self, finding_id: str, change: Callable[[Record], _Pending | None], now: float) -> Finding:
        """One person's action on one finding, by id; the finding as it stands afterwards."""
        target_id, current = await self._locate(finding_id)

        def on_records(records: dict[str, Record]) -> list[_Pending]:
            record = records.get(finding_id)
            if record is None:
                if current is None:
                    raise UnknownFinding(f"unknown finding {finding_id!r}")
                records[finding_id] = record = new_record(current, now, rule=None)
                _opened(record, now)
            pending = change(record)
            return [pending] if pending else []

        await self._transact(target_id, on_records, now)
        record = await read_record(self._redis, self._keys, finding_id)
        if record is None:  # dropped meanwhile by its retention
            raise UnknownFinding(f"unknown finding {finding_id!r}")
        return to_finding(record)

    async def _locate(self, finding_id: str) -> tuple[str, Finding | None]:
        """The target of a finding id, and the rule's current finding when it has no record yet."""
        target_id: Any = await self._redis.hget(self._keys.finding_ids, finding_id)
        if target_id:
            return target_id, None
        current: Any = await self._redis.hgetall(self._keys.findings)
        for body in current.values():
            for item in json.loads(body):
                if item.get("id") == finding_id:
                    return item["target"], Finding.from_json(item)
        raise UnknownFinding(f"unknown finding {finding_id!r}")

    # ----------------------------------------------------------------------------------- the transaction
    async def _transact(
        self, target_id: str, change: Change, now: float, evaluated_at: float | None = None
    ) -> list[FindingEvent]:
        key = self._keys.finding_records(target_id)
        cutoff = retention_start(now)
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(TX_ATTEMPTS):
                try:
                    await pipe.watch(key)
                    raw: Any = await pipe.hgetall(key)
                    if evaluated_at is not None and evaluated_at < float(raw.get(CLOCK_FIELD, "-inf")):
                        await pipe.unwatch()
                        log.info("lifecycle.stale_evaluation", target=target_id, at=evaluated_at)
                        return []
                    records = decode(raw)
                    pending = change(records)
                    events = [self._event(p, records[p.finding_id], now) for p in pending]
                    pipe.multi()
                    self._write(pipe, target_id, raw, records, cutoff, evaluated_at)
                    for event in events:
                        pipe.xadd(
                            self._keys.finding_events,
                            {"event": json.dumps(event.to_json(), ensure_ascii=False)},
                            maxlen=self._settings.events_maxlen,
                            approximate=True,
                        )
                    await pipe.execute()
                    return events
                except WatchError:
                    continue
        raise RuntimeError(f"lifecycle: target {target_id} kept changing under {TX_ATTEMPTS} attempts")

    def _write(
        self,
        pipe: Any,
        target_id: str,
        raw: Mapping[str, str],
        records: dict[str, Record],
        cutoff: dt.datetime,
        evaluated_at: float | None,
    ) -> None:
        key = self._keys.finding_records(target_id)
        gone = [fid for fid, record in records.items() if expired(record, cutoff)]
        for fid in gone:
            del records[fid]
        changed: dict[str, str] = {}
        for fid, record in records.items():
            trim_history(record, cutoff)
            body = encode(record)
            if raw.get(fid) != body:
                changed[fid] = body
        if gone:
            pipe.hdel(key, *gone)
            pipe.hdel(self._keys.finding_ids, *gone)
        if changed:
            pipe.hset(key, mapping=changed)
            pipe.hset(self._keys.finding_ids, mapping=dict.fromkeys(changed, target_id))
        if evaluated_at is not None:
            pipe.hset(key, CLOCK_FIELD, repr(evaluated_at))
        if changed or evaluated_at is not None:
            pipe.sadd(self._keys.finding_targets, target_id)

    @staticmethod
    def _event(pending: _Pending, record: Record, now: float) -> FindingEvent:
        return FindingEvent(
            pending.kind,
            to_finding(public(record)),
            now,
            previous_status=pending.previous_status,
            by=pending.by,
            note=pending.note,
        )


def _require(record: Record, states: Sequence[str], verb: str) -> None:
    if record["state"] not in states:
        raise LifecycleError(
            f"finding {record['id']} is {record['state']}; only {' or '.join(states)} findings can be {verb}"
        )


# --------------------------------------------------------------------------------------------- the report
async def quarter_records(
    redis: aioredis.Redis, keys: Keys, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """Every finding open at some moment in [start, end], as CONTRACT.md's finding JSON with lifecycle
    fields, one per episode (``first_seen``..``last_seen`` its span; a resolved one carries ``state``
    resolved); dismissed findings are left out. A finding still open counts as holding until now."""
    found: list[dict[str, Any]] = []
    for record in (await read_records(redis, keys)).values():
        if record["state"] == State.DISMISSED.value:
            continue
        for episode in episodes(record):
            if episode.start > end or (episode.end is not None and episode.last_seen < start):
                continue
            item = public(record) | {
                "first_seen": episode.start.isoformat(timespec="seconds"),
                "last_seen": episode.last_seen.isoformat(timespec="seconds"),
                "status": episode.status,
            }
            if episode.end is not None:
                item["state"] = State.RESOLVED.value
            found.append(item)
    found.sort(key=lambda item: (item["region"], item["target"], item["code"], item["first_seen"]))
    return found


async def checked_targets(
    redis: aioredis.Redis, keys: Keys, first_day: dt.date, last_day: dt.date
) -> set[str]:
    """Targets govmon observed on at least one day of ``first_day``..``last_day`` (Asia/Shanghai)."""
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    if not days:
        return set()
    members: Any = await redis.sunion([keys.checked_day(day.isoformat()) for day in days])
    return set(members)
