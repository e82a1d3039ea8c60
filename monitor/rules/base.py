"""What a rule is: a pure function from stored observations and a clock to findings.

No I/O, no reading the time: ``now`` is an argument, so a rule is unit-tested with literal inputs and
``govmon check --as-of`` judges any moment. ``needs`` names the checks whose history the runner loads,
``lookback_s`` how far back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from monitor.clock import to_datetime
from monitor.model import Finding, Observation, Severity, Status, Target
from monitor.settings import Settings

History = Mapping[str, Sequence[Observation]]


class Rule(Protocol):
    name: str
    needs: tuple[str, ...]

    def lookback_s(self, settings: Settings) -> float: ...

    def evaluate(self, target: Target, history: History, now: float, settings: Settings) -> list[Finding]: ...


def make_finding(
    target: Target,
    code: str,
    severity: Severity,
    status: Status,
    message: str,
    now: float,
    *,
    evidence: Mapping[str, Any] | None = None,
    count: int | None = None,
    due: dt.datetime | None = None,
) -> Finding:
    """A finding about ``target`` with the identity fields CONTRACT.md asks for filled in."""
    return Finding(
        target=target.id,
        target_kind=target.kind,
        name=target.name,
        region=target.region,
        code=code,
        severity=severity,
        status=status,
        message=message,
        observed_at=to_datetime(now),
        count=count,
        evidence=evidence or {},
        due=due,
    )
