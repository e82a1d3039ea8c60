"""A finding a person enters from a manual inspection (``govmon findings add``, ``POST /api/findings``).

Checked at the edge like any input, with messages naming what is wrong: the target must be in the inventory,
the code one of docs/indicators.md's (``monitor.rules.codes``) and fit the target's kind, the evidence an
http(s) URL (it is the finding's subject, so its id is stable: entering the same problem twice is one
finding). The severity comes from the code, as a rule's would.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from monitor.engine.lifecycle import LifecycleError
from monitor.model import Finding, Status, Target
from monitor.rules.base import make_finding
from monitor.rules.codes import CODES, applies_to

MANUAL_STATUSES = (Status.VIOLATION.value, Status.AT_RISK.value)
"""What a person may say of a problem they saw (``unverified`` is govmon's own doubt, not a person's)."""


def manual_finding(
    targets: Mapping[str, Target],
    target_id: str,
    code: str,
    evidence_url: str,
    note: str,
    now: float,
    status: str = Status.VIOLATION.value,
) -> Finding:
    """The finding, or ``LifecycleError`` saying which input is wrong and what would be right."""
    target = targets.get(target_id)
    if target is None:
        raise LifecycleError(
            f"unknown target {target_id!r}: not in the inventory (govmon validate lists them)"
        )
    if code not in CODES:
        raise LifecycleError(
            f"unknown code {code!r}: use one of docs/indicators.md's codes ({', '.join(CODES)})"
        )
    if not applies_to(code, target.kind):
        raise LifecycleError(f"code {code!r} is not about a {target.kind} ({target_id} is one)")
    parts = urlsplit(evidence_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LifecycleError(
            f"evidence must be an http(s) URL of the page showing the problem, not {evidence_url!r}"
        )
    if status not in MANUAL_STATUSES:
        raise LifecycleError(f"status must be one of {', '.join(MANUAL_STATUSES)}, not {status!r}")
    if not note.strip():
        raise LifecycleError("a note is required: what the inspection found")
    return make_finding(
        target, code, CODES[code], Status(status), note.strip(), now, evidence={"url": evidence_url}
    )
