"""The frozen records that flow through govmon: inventory → job → fetch → observation → finding.

Nothing here does I/O. Every module boundary passes one of these, never a dict of dicts; the only
dicts are JSON-shaped payloads (``Observation.payload``, one typed record per check in
``monitor.observations``) and ``Finding.evidence``, whose shape CONTRACT.md fixes.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""All calendar days in the indicators are days in Asia/Shanghai (国办秘函〔2019〕19号 as inspectors apply it)."""

CATEGORIES = ("news", "notice", "planning", "topic", "interaction", "service", "other")
PLATFORMS = ("wechat", "weibo", "douyin", "toutiao", "app", "other")


# ---------------------------------------------------------------------------------------------- inventory
@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """A column (栏目) pinned in the inventory; pinned columns win over discovery."""

    name: str
    url: str
    category: str


@dataclasses.dataclass(frozen=True, slots=True)
class Site:
    """A government website. ``id`` is the 网站标识码 where known, else any unique string."""

    id: str
    name: str
    url: str
    region: str
    org: str | None = None
    owners: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    type: str | None = None
    """``SITE_TYPES``, as the national registry classes sites; None: not given (judged as a portal)."""

    @property
    def kind(self) -> str:
        return "site"


SITE_TYPES = ("portal", "department", "other")
"""门户网站, 部门网站, other (专项 sites …): 服务不实用 applies to portals and department sites, which carry the
external service functions (国办秘函〔2019〕19号), not to ``other`` sites."""


@dataclasses.dataclass(frozen=True, slots=True)
class ListSource:
    """An account read from an HTML list page instead of a feed: CSS selectors for rows and their dates."""

    url: str
    item: str
    date: str


@dataclasses.dataclass(frozen=True, slots=True)
class Account:
    """A government new-media account (政务新媒体), read through a feed or an HTML list page."""

    id: str
    name: str
    platform: str
    region: str
    feed: str | None = None
    list: ListSource | None = None
    registered_at: dt.date | None = None
    interaction: bool | None = None
    owners: tuple[str, ...] = ()
    org: str | None = None
    """The organ that runs the account (主办单位), as the 通报 names it."""

    @property
    def kind(self) -> str:
        return "account"


Target = Site | Account


# ---------------------------------------------------------------------------------------------- fetching
class FailureReason(enum.StrEnum):
    """Why a fetch failed, as data. Only ``monitor.fetch.errors`` maps library exceptions onto these."""

    TIMEOUT = "timeout"  # the whole response was not received in time (the 15 s rule)
    CONNECT_TIMEOUT = "connect_timeout"
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_RESET = "connection_reset"
    DNS = "dns"
    TLS = "tls"
    HTTP_ERROR = "http_error"  # a 4xx/5xx status
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    BODY_TOO_LARGE = "body_too_large"
    DECOMPRESSION_BOMB = "decompression_bomb"
    BLOCKED_ADDRESS = "blocked_address"  # SSRF guard: private, loopback, link-local or metadata address
    INVALID_URL = "invalid_url"
    PROTOCOL_ERROR = "protocol_error"  # malformed HTTP, broken chunking, truncated body
    OTHER = "other"

    @property
    def transient(self) -> bool:
        """Worth a retry when crawling (never for availability probes, whose samples stand as measured)."""
        return self in _TRANSIENT


_TRANSIENT = frozenset(
    {
        FailureReason.TIMEOUT,
        FailureReason.CONNECT_TIMEOUT,
        FailureReason.CONNECTION_RESET,
        FailureReason.PROTOCOL_ERROR,
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET or HEAD produced. The fetcher never raises for a target's trouble: it returns this.

    ``body`` is capped (``fetch.max_body_bytes`` after decompression); ``encoding`` is the charset
    govmon decided on (header, then ``<meta>``, then detection) and ``text`` the body decoded with it.
    """

    url: str
    final_url: str
    status: int | None
    elapsed_s: float
    body: bytes = b""
    encoding: str | None = None
    text: str = ""
    content_type: str = ""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    redirects: tuple[str, ...] = ()
    failure: FailureReason | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.failure is None and self.status is not None and self.status < 400

    @property
    def reason(self) -> str:
        """Why the fetch did not give a page, as observations store it: the failure, else ``http_error``
        (an error status)."""
        return self.failure.value if self.failure else "http_error"


# ---------------------------------------------------------------------------------------------- engine
@dataclasses.dataclass(frozen=True, slots=True)
class Job:
    """One run of one check on one target, due at ``due_at`` (epoch seconds).

    ``job_id`` is deterministic, so a job delivered twice (a worker killed between recording its
    result and acking it) is recorded once.
    """

    check: str
    target_id: str
    due_at: float
    attempt: int = 0

    @property
    def job_id(self) -> str:
        return f"{self.check}:{self.target_id}:{int(self.due_at * 1000)}"


@dataclasses.dataclass(frozen=True, slots=True)
class Claim:
    """A job as one worker holds it: the stream message it came in and how often it was delivered."""

    job: Job
    message_id: str
    deliveries: int = 1


class Outcome(enum.StrEnum):
    OK = "ok"  # the check ran and saw the target (whatever it saw: a failed probe is an OK observation)
    FAILED = "failed"  # the check could not observe the target (hostile page, unreadable feed)
    DISCARDED = "discarded"  # govmon was not healthy enough to judge (loop lag, control probes down)


PACK_ABOVE_CHARS = 2048
"""A stored observation longer than this (in characters) keeps its payload compressed (``to_stored``)."""


def _compact_json(value: Any) -> str:
    """JSON as Redis keeps it: sorted keys (``observed_at`` and ``outcome`` ahead of the payload), no spaces."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _unpacked(packed: str | None) -> dict[str, Any]:
    """A payload ``to_stored`` compressed; an empty one when there is none."""
    if not packed:
        return {}
    payload: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(packed)))
    return payload


@dataclasses.dataclass(frozen=True, slots=True)
class Observation:
    """What one check saw on one target at ``observed_at`` (epoch seconds).

    ``payload`` is JSON-shaped: ``to_payload()`` of the check's record in ``monitor.observations``, which
    rules read back with ``from_observation()``, never by poking keys.
    """

    check: str
    target_id: str
    job_id: str
    observed_at: float
    outcome: Outcome
    reason: str | None = None
    payload: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "target_id": self.target_id,
            "job_id": self.job_id,
            "observed_at": self.observed_at,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "payload": dict(self.payload),
        }

    def to_document(self) -> dict[str, Any]:
        """The stored form (``obs:`` and ``hist:`` keys): ``to_json()`` less what the key and the job id already
        say (check, target_id) and a null reason. ~60 B an observation, and what keeps an availability target
        (schedule entry, packed samples, newest observation) within its 2 KB (docs/benchmarks.md)."""
        document = self.to_json()
        del document["check"], document["target_id"]
        if self.reason is None:
            del document["reason"]
        return document

    def to_stored(self) -> str:
        """``to_document()`` as the JSON text Redis keeps. A long one (a county site's columns observation is
        ~37 kB, its interaction one ~10 kB: most of a site's Redis memory) keeps its payload compressed
        (``payload_z``: zlib, base64; ~6 times smaller); the rest is unchanged, so the record script and the
        coverage heads still read ``observed_at`` and ``outcome``, and short ones (every availability probe,
        the homepage read) cost nothing more. ``from_json`` reads both forms."""
        document = self.to_document()
        text = _compact_json(document)
        if len(text) <= PACK_ABOVE_CHARS:
            return text
        payload = _compact_json(document.pop("payload")).encode()
        document["payload_z"] = base64.b64encode(zlib.compress(payload, 6)).decode("ascii")
        return _compact_json(document)

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], check: str | None = None, target_id: str | None = None
    ) -> Observation:
        """From ``to_json()`` or a stored ``to_document()``: the check and target a document leaves out are the
        reader's (it knows the key it read), else the job id's (``check:target:ms``)."""
        job_id = str(data["job_id"])
        job_check, _, rest = job_id.partition(":")
        return cls(
            check=data.get("check") or check or job_check,
            target_id=data.get("target_id") or target_id or rest.rpartition(":")[0],
            job_id=job_id,
            observed_at=float(data["observed_at"]),
            outcome=Outcome(data["outcome"]),
            reason=data.get("reason"),
            payload=data.get("payload") or _unpacked(data.get("payload_z")),
        )


# ---------------------------------------------------------------------------------------------- findings
class Severity(enum.StrEnum):
    VETO = "veto"  # 单项否决
    DEDUCTION = "deduction"  # 扣分
    WARNING = "warning"  # operational


class Status(enum.StrEnum):
    VIOLATION = "violation"
    AT_RISK = "at_risk"
    UNVERIFIED = "unverified"


class State(enum.StrEnum):
    """A finding's lifecycle (CONTRACT.md): what people and time have done with it, beside the rule's verdict."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISMISSED = "dismissed"  # a false positive, with a reason; stays dismissed for that subject
    RESOLVED = "resolved"


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """What the rules say about a target now; its JSON is fixed by CONTRACT.md.

    The lifecycle block (``state``, ``first_seen``, ``last_seen``, ``history``) is filled in by the findings
    lifecycle (``monitor.engine.lifecycle``); a finding straight from a rule has ``state`` None and its JSON
    carries the first block only (plus ``id``, which is derived and always present).
    """

    target: str
    target_kind: str
    name: str
    region: str
    code: str
    severity: Severity
    status: Status
    message: str
    observed_at: dt.datetime
    count: int | None = None
    evidence: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    due: dt.datetime | None = None
    state: State | None = None
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    history: tuple[Mapping[str, Any], ...] = ()

    @property
    def key(self) -> str:
        """Identity across evaluations: one finding per (target, code, subject); the subject is
        ``evidence.url`` where there is one (the column, link or item the finding is about)."""
        return f"{self.target}|{self.code}|{self.evidence.get('url', '')}"

    @property
    def id(self) -> str:
        """CONTRACT.md's stable id: the same problem keeps it across checks, restarts and machines."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:20]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "target": self.target,
            "target_kind": self.target_kind,
            "name": self.name,
            "region": self.region,
            "code": self.code,
            "severity": self.severity.value,
            "status": self.status.value,
            "message": self.message,
            "count": self.count,
            "evidence": dict(self.evidence),
            "observed_at": _iso(self.observed_at),
            "due": _iso(self.due) if self.due else None,
            "id": self.id,
        }
        if self.state is not None:
            data |= {
                "state": self.state.value,
                "first_seen": _iso(self.first_seen) if self.first_seen else None,
                "last_seen": _iso(self.last_seen) if self.last_seen else None,
                "history": [dict(change) for change in self.history],
            }
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        due, state = data.get("due"), data.get("state")
        first_seen, last_seen = data.get("first_seen"), data.get("last_seen")
        return cls(
            target=data["target"],
            target_kind=data["target_kind"],
            name=data["name"],
            region=data["region"],
            code=data["code"],
            severity=Severity(data["severity"]),
            status=Status(data["status"]),
            message=data["message"],
            count=data.get("count"),
            evidence=data.get("evidence") or {},
            observed_at=dt.datetime.fromisoformat(data["observed_at"]),
            due=dt.datetime.fromisoformat(due) if due else None,
            state=State(state) if state else None,
            first_seen=dt.datetime.fromisoformat(first_seen) if first_seen else None,
            last_seen=dt.datetime.fromisoformat(last_seen) if last_seen else None,
            history=tuple(data.get("history") or ()),
        )


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


class EventKind(enum.StrEnum):
    """What happened to a finding, as the lifecycle tells the notifier."""

    OPENED = "opened"  # first seen (or seen again after it resolved)
    CHANGED = "changed"  # its status changed while open (at_risk → violation, a new due date)
    RESOLVED = "resolved"  # absent for the settling time
    ACKNOWLEDGED = "acknowledged"
    DISMISSED = "dismissed"


@dataclasses.dataclass(frozen=True, slots=True)
class FindingEvent:
    """One change of one finding's lifecycle, at ``at`` (epoch seconds); the notifier's only input."""

    kind: EventKind
    finding: Finding
    at: float
    previous_status: Status | None = None
    by: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "finding": self.finding.to_json(),
            "at": self.at,
            "previous_status": self.previous_status.value if self.previous_status else None,
            "by": self.by,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FindingEvent:
        previous = data.get("previous_status")
        return cls(
            kind=EventKind(data["kind"]),
            finding=Finding.from_json(data["finding"]),
            at=float(data["at"]),
            previous_status=Status(previous) if previous else None,
            by=data.get("by"),
            note=data.get("note"),
        )
