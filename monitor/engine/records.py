"""A finding's lifecycle record: its JSON in Redis, reading it back, bounding it, and its episodes.

A record is CONTRACT.md's finding JSON with the lifecycle block (``state``, ``first_seen``, ``last_seen``,
``history``) plus three private fields the lifecycle needs and nobody else reads: ``_rule`` (the rule that
produced it, so an evaluation without data for that rule does not count as its absence), ``_manual`` (a
person entered it: only a person resolves it) and ``_absent_since`` (epoch seconds since when the rules have
not found it: the settling clock). ``public`` strips them. Only ``monitor.engine.lifecycle`` writes records;
this module is the shared reading side (``FindingStore.query``, the report, the pages).

``first_seen``..``last_seen`` is the current (or last) episode: a finding that resolved and came back starts
a new one, and earlier episodes live on in ``history`` (a resolved entry carries the ``last_seen`` it had), so
the report counts the days a problem held, not the gap between two of its episodes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import redis.asyncio as aioredis

from monitor.clock import to_datetime
from monitor.deadlines import quarter_bounds, quarter_of, start_of
from monitor.engine.kv.keys import Keys
from monitor.model import Finding, State

Record = dict[str, Any]

CLOCK_FIELD = "@evaluated_at"
"""The field of a target's record hash holding when it was last evaluated (epoch s), not a record."""

LIVE_STATES = (State.OPEN.value, State.ACKNOWLEDGED.value)
"""States of a finding that still holds (what ``FindingStore.query`` shows by default)."""

MAX_HISTORY_ENTRIES = 200
"""History entries kept per record beyond the quarter bound: a finding flapping every few hours for two
quarters would otherwise grow without limit."""


def iso(epoch_s: float) -> str:
    """A moment as CONTRACT.md writes them: ISO 8601 in Asia/Shanghai, to the second."""
    return to_datetime(epoch_s).isoformat(timespec="seconds")


def epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def new_record(finding: Finding, now: float, *, rule: str | None, manual: bool = False) -> Record:
    """A record for a finding seen for the first time (no history yet: the caller appends the opening)."""
    record = public(finding.to_json()) | {
        "state": State.OPEN.value,
        "first_seen": iso(now),
        "last_seen": iso(now),
        "history": [],
    }
    record |= {"_rule": rule, "_manual": manual, "_absent_since": None}
    return record


def refresh(record: Record, finding: Finding, now: float) -> None:
    """Take the rule's newest verdict (status, message, evidence, due) into the record; seen now."""
    verdict = finding.to_json()
    for name in (
        "name",
        "region",
        "severity",
        "status",
        "message",
        "count",
        "evidence",
        "observed_at",
        "due",
    ):
        record[name] = verdict[name]
    record["last_seen"] = iso(now)
    record["_absent_since"] = None


def public(record: Mapping[str, Any]) -> Record:
    """CONTRACT.md's finding JSON: the record without its private fields."""
    return {name: value for name, value in record.items() if not name.startswith("_")}


def to_finding(record: Mapping[str, Any]) -> Finding:
    return Finding.from_json(record)


def with_lifecycle(finding: Finding, record: Mapping[str, Any]) -> Finding:
    """The rule's current finding with the lifecycle fields of its record."""
    stored = to_finding(record)
    return dataclasses.replace(
        finding,
        state=stored.state,
        first_seen=stored.first_seen,
        last_seen=stored.last_seen,
        history=stored.history,
    )


def decode(raw: Mapping[str, str]) -> dict[str, Record]:
    """A target's record hash as records by id (the clock field left out)."""
    return {fid: json.loads(body) for fid, body in raw.items() if not fid.startswith("@")}


def encode(record: Record) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


async def read_records(redis: aioredis.Redis, keys: Keys, target_id: str | None = None) -> dict[str, Record]:
    """Every record of one target (or of all targets), by finding id."""
    if target_id is not None:
        targets: Iterable[str] = [target_id]
    else:
        members: Any = await redis.smembers(keys.finding_targets)
        targets = sorted(members)
    records: dict[str, Record] = {}
    async with redis.pipeline(transaction=False) as pipe:
        for target in targets:
            pipe.hgetall(keys.finding_records(target))
        for raw in await pipe.execute():
            records |= decode(raw)
    return records


async def read_record(redis: aioredis.Redis, keys: Keys, finding_id: str) -> Record | None:
    target_id: Any = await redis.hget(keys.finding_ids, finding_id)
    if not target_id:
        return None
    body: Any = await redis.hget(keys.finding_records(target_id), finding_id)
    return json.loads(body) if body else None


# --------------------------------------------------------------------------------------------- bounds
def retention_start(now: float) -> dt.datetime:
    """The start of the previous quarter: what the report may still ask for (the current and previous one)."""
    first_day, _ = quarter_bounds(quarter_of(to_datetime(now).date()))
    previous_first, _ = quarter_bounds(quarter_of(first_day - dt.timedelta(days=1)))
    return start_of(previous_first)


def expired(record: Mapping[str, Any], cutoff: dt.datetime) -> bool:
    """A resolved or dismissed record last seen before ``cutoff`` can go: no report reaches back that far
    (a dismissal still found keeps being seen, so it stays)."""
    if record.get("state") not in (State.RESOLVED.value, State.DISMISSED.value):
        return False
    return dt.datetime.fromisoformat(record["last_seen"]) < cutoff


def trim_history(record: Record, cutoff: dt.datetime) -> None:
    """Entries before ``cutoff`` go, except the last of them (the state in force at the cutoff), and at most
    ``MAX_HISTORY_ENTRIES`` of the newest stay."""
    history: list[dict[str, Any]] = record.get("history") or []
    before = [i for i, entry in enumerate(history) if dt.datetime.fromisoformat(entry["at"]) < cutoff]
    if len(before) > 1:
        history = history[before[-1] :]
    record["history"] = history[-MAX_HISTORY_ENTRIES:]


# --------------------------------------------------------------------------------------------- episodes
@dataclasses.dataclass(frozen=True, slots=True)
class Episode:
    """One stretch during which a finding held: from its opening to its resolution (``end`` None: still open)
    with the status it last had in that stretch."""

    start: dt.datetime
    last_seen: dt.datetime
    end: dt.datetime | None
    status: str


def episodes(record: Mapping[str, Any]) -> list[Episode]:
    """The record's episodes, oldest first: earlier ones from its history, the last from its fields."""
    found: list[Episode] = []
    start: dt.datetime | None = None
    status = record["status"]
    for entry in record.get("history") or ():
        at = dt.datetime.fromisoformat(entry["at"])
        state = entry.get("state")
        if state == State.RESOLVED.value:
            if start is not None:
                seen = dt.datetime.fromisoformat(entry["last_seen"]) if entry.get("last_seen") else at
                found.append(Episode(start, max(start, min(seen, at)), at, entry.get("status") or status))
            start = None
        elif state != State.DISMISSED.value and start is None:
            start = at
        if entry.get("status"):
            status = entry["status"]
    first_seen = dt.datetime.fromisoformat(record["first_seen"])
    last_seen = dt.datetime.fromisoformat(record["last_seen"])
    if record["state"] == State.RESOLVED.value:
        # the latest episode is the one ``first_seen``..``last_seen`` describes; history may lack its start
        if not found or found[-1].start < first_seen:
            found.append(Episode(first_seen, last_seen, last_seen, record["status"]))
        else:
            found[-1] = dataclasses.replace(found[-1], start=first_seen, last_seen=last_seen)
    else:
        found.append(Episode(first_seen, last_seen, None, record["status"]))
    return found
