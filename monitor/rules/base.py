"""What a rule is: a record naming the codes it emits, around a pure function from stored observations
and a clock to findings.

No I/O, no reading the time: ``now`` is an argument, so a rule is unit-tested with literal inputs and
``govmon check --as-of`` judges any moment. ``needs`` names the checks whose history the runner loads,
``lookback`` how far back; ``codes`` the finding codes ``evaluate`` may emit, with their severity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from monitor.clock import to_datetime
from monitor.model import Finding, Observation, Outcome, Severity, Status, Target
from monitor.settings import Settings

History = Mapping[str, Sequence[Observation]]


Evaluate = Callable[[Target, History, float, Settings], list[Finding]]
"""(target, history by check name, now in epoch seconds, settings) → the findings on that target now."""


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    """One rule: ``RULES`` lists these, so it says which rule emits which code (docs/indicators.md names
    each code's deciding function; tests/rules/test_registry.py holds the two together)."""

    name: str
    """The rule's identity in the findings lifecycle (which rule had data to judge)."""
    codes: Mapping[str, Severity]
    needs: tuple[str, ...]
    lookback: Callable[[Settings], float]
    """Seconds of history the rule reads, back from ``now``."""
    evaluate: Evaluate

    def lookback_s(self, settings: Settings) -> float:
        return self.lookback(settings)


def latest(history: History, check: str, now: float) -> Observation | None:
    """The newest observation of ``check`` at or before ``now`` (whatever its outcome)."""
    seen = [o for o in history.get(check, ()) if o.observed_at <= now]
    return max(seen, key=lambda o: o.observed_at, default=None)


def newest_if_ok(history: History, check: str, now: float) -> Observation | None:
    """The newest observation of ``check`` at or before ``now`` if it is OK, else None: a newest read that
    failed judges nothing (no verdict on what was not seen), and an older read is no longer current."""
    newest = latest(history, check, now)
    return newest if newest is not None and newest.outcome is Outcome.OK else None


def latest_ok(history: History, check: str, now: float) -> Observation | None:
    """The newest OK observation of ``check`` at or before ``now``."""
    candidates = [o for o in history.get(check, ()) if o.outcome is Outcome.OK and o.observed_at <= now]
    return max(candidates, key=lambda o: o.observed_at, default=None)


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
