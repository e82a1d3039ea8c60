"""A finding as the report reads it: CONTRACT.md's finding JSON, with the lifecycle fields where given.

The report needs more than ``monitor.model.Finding`` carries (the span ``first_seen``..``last_seen``, the
lifecycle ``state``, when the status became a violation), and it reads records written elsewhere (an
export from another machine, a manual inspection), so this module checks each one at the edge and says
what is wrong in words a person fixing the file can act on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from monitor.model import SHANGHAI
from monitor.score import scoring_key

KINDS = ("site", "account")
SEVERITIES = ("veto", "deduction", "warning")
STATUSES = ("violation", "at_risk", "unverified")
STATES = ("open", "acknowledged", "dismissed", "resolved")
REQUIRED = ("target", "target_kind", "code", "severity", "status", "observed_at")


class RecordError(ValueError):
    """A finding record the report cannot use; the message names the field."""


@dataclasses.dataclass(frozen=True, slots=True)
class FindingRecord:
    """One finding over time. ``span_start``..``span_end`` is when it held (CONTRACT.md: ``first_seen``..
    ``last_seen`` where given, else the moment ``observed_at``); ``violation_since`` is when its status
    last became ``violation`` by its history (an at_risk finding that turned later), else ``span_start``."""

    target: str
    target_kind: str
    name: str
    region: str
    code: str
    severity: str
    status: str
    message: str
    evidence_url: str
    span_start: dt.datetime
    span_end: dt.datetime
    violation_since: dt.datetime
    due: dt.datetime | None = None
    state: str | None = None
    id: str = ""
    score_key: str = ""
    """The scoring table's key (``monitor.score.scoring_key``: the code, or ``column.stale.policy``)."""

    @property
    def identity(self) -> str:
        """The same problem across records: the lifecycle's id, else target + code + subject (CONTRACT.md)."""
        return self.id or f"{self.target}|{self.code}|{self.evidence_url}"


def record_from_json(data: Any) -> FindingRecord:
    """A ``FindingRecord`` from one finding object; ``RecordError`` naming the first field that is wrong."""
    if not isinstance(data, Mapping):
        raise RecordError(f"expected a JSON object (one finding), got {type(data).__name__}")
    missing = [name for name in REQUIRED if data.get(name) in (None, "")]
    if missing:
        raise RecordError(f"missing {', '.join(missing)}")
    _one_of(data, "target_kind", KINDS)
    _one_of(data, "severity", SEVERITIES)
    _one_of(data, "status", STATUSES)
    state = data.get("state")
    if state is not None:
        _one_of(data, "state", STATES)
    observed_at = _moment(data, "observed_at")
    start = _moment(data, "first_seen") if data.get("first_seen") else observed_at
    end = _moment(data, "last_seen") if data.get("last_seen") else observed_at
    if data.get("first_seen") and not data.get("last_seen"):
        end = max(start, observed_at)
    if end < start:
        raise RecordError(f"last_seen {end.isoformat()} is before first_seen {start.isoformat()}")
    evidence = data.get("evidence")
    url = evidence.get("url") if isinstance(evidence, Mapping) else None
    return FindingRecord(
        target=str(data["target"]),
        target_kind=data["target_kind"],
        name=str(data.get("name") or data["target"]),
        region=str(data.get("region") or ""),
        code=str(data["code"]),
        severity=data["severity"],
        status=data["status"],
        message=str(data.get("message") or ""),
        evidence_url=str(url or ""),
        span_start=start,
        span_end=end,
        violation_since=_violation_since(data, start, end),
        due=_moment(data, "due") if data.get("due") else None,
        state=state,
        id=str(data.get("id") or ""),
        score_key=scoring_key(str(data["code"]), evidence if isinstance(evidence, Mapping) else None),
    )


def _violation_since(data: Mapping[str, Any], start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """When the status last turned to ``violation``, by the history's status entries; ``start`` without them.

    A finding keeps its id when an at_risk turns into a violation, so its span alone would count the
    at_risk days as violation days."""
    since = start
    previous = None
    history = data.get("history")
    for entry in history if isinstance(history, list) else ():
        if not isinstance(entry, Mapping) or entry.get("status") is None or not entry.get("at"):
            continue
        try:
            at = _parse(str(entry["at"]))
        except ValueError:
            continue
        if entry["status"] == "violation" and previous != "violation":
            since = at
        previous = entry["status"]
    return min(max(since, start), end)


def _one_of(data: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    if data[name] not in allowed:
        raise RecordError(f"{name}: {data[name]!r} is not one of {', '.join(allowed)}")


def _moment(data: Mapping[str, Any], name: str) -> dt.datetime:
    try:
        return _parse(str(data[name]))
    except ValueError:
        raise RecordError(f"{name}: {data[name]!r} is not an ISO 8601 date-time") from None


def _parse(text: str) -> dt.datetime:
    """ISO 8601; without a zone Asia/Shanghai (CONTRACT.md), a bare date its first moment."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
