"""Availability samples packed 9 bytes each, instead of one JSON observation per ZSET member.

A site is probed 24 times a day and the rule looks 7 days back: ~190 samples a site. As ZSET members of
the full observation JSON they took ~370 bytes each in Redis (skiplist encoding past 128 members): ~70 KB
a site, ~1 GB for the country's 14,500 sites. Packed, a sample is 9 bytes in one STRING per site
(``Keys.samples``), appended by the worker's record script and trimmed by age there.

A record is one 63-bit number in nine 7-bit bytes, big-endian (7 bits so that the STRING is ASCII: the
connections decode replies as UTF-8): ``observed_at`` (whole seconds, 32 bits) · outcome (2: ok,
discarded loop_lag, discarded control_failed) · ok (1) · latency in 2 ms (13, up to 16.38 s: past the 15 s
probe timeout) · reason index (5) · HTTP status (10, 0 = none). The record script reads a record's time as
its first five bytes ÷ 8.

What does not fit (an unknown reason, a status above 1023, an outcome a probe never gives) is recorded as
before, a JSON member of the history ZSET; readers merge both, so samples written by an older govmon
(JSON members, until they age out) read as they always did. Dropped on the way: the job id and the URL
(the target's own, taken from the newest observation when read back), sub-second times and latency below
2 ms — none of which a rule or a dashboard uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monitor.model import FailureReason, Observation, Outcome

CHECK = "availability"
RECORD_BYTES = 9
DISCARD_REASONS = ("loop_lag", "control_failed")
"""``monitor.checks.availability.DiscardReason``: a DISCARDED sample's reason (outcome codes 1 and 2)."""
REASONS: tuple[str | None, ...] = (None, *(r.value for r in FailureReason))
HTTP_STATUS_REASON = 31
"""Reason index of ``http_<status>`` reasons, rebuilt from the status."""
MAX_STATUS = 1023
PROBE_KEYS = frozenset({"ok", "latency_s", "status", "reason", "url"})
"""``monitor.observations.ProbeSample``'s payload: anything else in a payload is kept as JSON."""
LATENCY_UNIT_S = 0.002
MAX_LATENCY_UNITS = (1 << 13) - 1


def pack(observation: Observation) -> str | None:
    """The record of an availability observation, or None when it does not fit (kept as JSON)."""
    payload = observation.payload
    if not set(payload) <= PROBE_KEYS or not isinstance(payload.get("ok"), bool):
        return None  # not a probe's sample: kept whole
    if not isinstance(payload.get("latency_s"), int | float):
        return None
    if observation.outcome is Outcome.OK:
        outcome_code = 0
    elif observation.outcome is Outcome.DISCARDED and observation.reason in DISCARD_REASONS:
        outcome_code = 1 + DISCARD_REASONS.index(observation.reason)
    else:
        return None
    reason = payload.get("reason")
    status = payload.get("status")
    if status is not None and not (isinstance(status, int) and 0 < status <= MAX_STATUS):
        return None
    if reason in REASONS:
        reason_index = REASONS.index(reason)
    elif status is not None and reason == f"http_{status}":
        reason_index = HTTP_STATUS_REASON
    else:
        return None
    if observation.outcome is Outcome.OK and observation.reason != reason:
        return None
    at = int(observation.observed_at)
    if not 0 <= at < 1 << 32:
        return None
    latency_units = min(MAX_LATENCY_UNITS, round(float(payload.get("latency_s") or 0.0) / LATENCY_UNIT_S))
    value = at << 31 | outcome_code << 29 | int(bool(payload.get("ok"))) << 28 | latency_units << 15
    value |= reason_index << 10 | (status or 0)
    return "".join(chr(value >> (7 * (RECORD_BYTES - 1 - i)) & 0x7F) for i in range(RECORD_BYTES))


def record_time(record: str | bytes) -> int:
    """A record's ``observed_at`` (whole seconds)."""
    codes = record.encode("ascii") if isinstance(record, str) else record
    head = 0
    for code in codes[:5]:
        head = head << 7 | code
    return head >> 3


def unpack(data: str | bytes, target_id: str, url: str = "") -> Iterator[Observation]:
    """The observations of a packed STRING, in the order they were appended."""
    codes = data.encode("ascii") if isinstance(data, str) else data
    for offset in range(0, len(codes) - RECORD_BYTES + 1, RECORD_BYTES):
        value = 0
        for code in codes[offset : offset + RECORD_BYTES]:
            value = value << 7 | code
        at, outcome_code = value >> 31, value >> 29 & 3
        ok, latency_units = bool(value >> 28 & 1), value >> 15 & MAX_LATENCY_UNITS
        reason_index, status = value >> 10 & 31, value & MAX_STATUS
        reason = f"http_{status}" if reason_index == HTTP_STATUS_REASON else REASONS[reason_index]
        payload: dict[str, Any] = {
            "ok": ok,
            "latency_s": round(latency_units * LATENCY_UNIT_S, 4),
            "status": status or None,
            "reason": reason,
            "url": url,
        }
        outcome, observed_reason = Outcome.OK, reason
        if outcome_code:
            outcome, observed_reason = Outcome.DISCARDED, DISCARD_REASONS[outcome_code - 1]
        yield Observation(CHECK, target_id, "", float(at), outcome, observed_reason, payload)
