"""Confirmed serious errors: a person's word that a dictionary hit is a real error (``govmon findings confirm``).

A serious-error hit is a candidate (``unverified``, never counted) until a person reads it in context; once
confirmed, the rule's finding on that subject is a violation at every later evaluation (the rules stay pure:
the evaluator applies the confirmations it reads here to what they return). A dismissal says the opposite
and is the lifecycle's (``govmon findings dismiss``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

import redis.asyncio as aioredis

from monitor.clock import to_datetime
from monitor.engine.kv.keys import Keys
from monitor.model import Finding, Status

CONFIRMABLE = frozenset({"content.serious_error"})
"""Codes whose findings wait for a person: the rule says ``unverified``, a confirmation makes a violation."""
KEEP_S = 184 * 86400
"""A target's confirmations live two quarters from the last one (a finding gone that long is history)."""


class NotConfirmable(ValueError):
    """The finding is not one a person confirms (another code, or already a violation)."""


def apply(findings: Sequence[Finding], confirmed: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    """``findings`` with each confirmed candidate turned into a violation, who confirmed it in its evidence."""
    out = []
    for finding in findings:
        record = confirmed.get(finding.id)
        if record and finding.code in CONFIRMABLE and finding.status is Status.UNVERIFIED:
            finding = dataclasses.replace(
                finding,
                status=Status.VIOLATION,
                message=finding.message.replace("（待人工确认）", "（已人工确认）"),
                evidence={**finding.evidence, "confirmed": dict(record)},
            )
        out.append(finding)
    return out


class Confirmations:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    async def confirm(self, finding: Finding, by: str, note: str, now: float) -> None:
        if finding.code not in CONFIRMABLE:
            raise NotConfirmable(
                f"{finding.code} findings are not confirmed by a person (only {sorted(CONFIRMABLE)})"
            )
        record = {"by": by, "note": note, "at": to_datetime(now).isoformat(timespec="seconds")}
        key = self.keys.confirmed(finding.target)
        await self.redis.hset(key, finding.id, json.dumps(record, ensure_ascii=False))
        await self.redis.expire(key, KEEP_S)

    async def of(self, target_id: str) -> dict[str, dict[str, Any]]:
        raw = await self.redis.hgetall(self.keys.confirmed(target_id))
        return {str(k): json.loads(v) for k, v in raw.items()}

    async def applied(self, target_id: str, findings: Sequence[Finding]) -> list[Finding]:
        """``apply`` with this target's confirmations (one read, skipped when nothing is confirmable)."""
        if not any(f.code in CONFIRMABLE and f.status is Status.UNVERIFIED for f in findings):
            return list(findings)
        return apply(findings, await self.of(target_id))
