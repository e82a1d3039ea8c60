"""Whether each check could judge a target, and why not (issue 14 item 9): one logic for ``govmon check``'s
"judged N of M" line and ``/api/targets``.

"No findings" for sites govmon could not read reads as "all fine": an offline run used to print it and exit
0 for every site. Each check's newest observation says whether it judged its target (``ok``) or not (failed:
its reason, such as ``timeout`` or ``dns``; discarded: govmon's own trouble, such as ``control_failed`` when
the control URLs failed too); a check with no observation yet has not judged (``never_observed``). A target
is judged when every check judged it, partly when some did, not judged when none did.

Pure: observations in, plain records out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from monitor.model import Observation, Outcome
from monitor.observations import AVAILABILITY

NEVER_OBSERVED = "never_observed"
"""Why a check has not judged a target it has not run on yet (a new target, or before the daemon's first round)."""
JUDGED, PARTLY, NOT_JUDGED = "judged", "partly", "not_judged"

Outcomes = dict[str, dict[str, str | None]]
"""target id → check name → None (judged) or why not."""


def not_judged_because(observation: Observation | None) -> str | None:
    """None when the observation judged its target; else why not. A failed availability probe is a
    sample, not a verdict (that takes a week of them), so it counts as not judged here, with its reason."""
    if observation is None:
        return NEVER_OBSERVED
    if observation.outcome is not Outcome.OK:
        return observation.reason or observation.outcome.value
    if observation.check == AVAILABILITY and observation.payload.get("ok") is False:
        return observation.reason or "probe_failed"
    return None


def judged_state(checks: Mapping[str, str | None]) -> str:
    """``judged`` (every check judged), ``partly`` (some did), ``not_judged`` (none did)."""
    failed = sum(why is not None for why in checks.values())
    if not failed:
        return JUDGED
    return NOT_JUDGED if failed == len(checks) else PARTLY


@dataclasses.dataclass(frozen=True, slots=True)
class Coverage:
    judged: tuple[str, ...]
    partly: dict[str, dict[str, str]]  # target → the checks that could not judge it, with why
    not_judged: dict[str, dict[str, str]]

    @property
    def summary(self) -> str:
        total = len(self.judged) + len(self.partly) + len(self.not_judged)
        return (
            f"judged {len(self.judged)} of {total} targets; partly judged {len(self.partly)}; "
            f"not judged {len(self.not_judged)}"
        )

    def to_json(self) -> dict[str, Any]:
        return {"judged": len(self.judged), "partly": self.partly, "not_judged": self.not_judged}


def coverage(outcomes: Outcomes) -> Coverage:
    judged: list[str] = []
    partly: dict[str, dict[str, str]] = {}
    not_judged: dict[str, dict[str, str]] = {}
    for target, checks in sorted(outcomes.items()):
        failed = {name: why for name, why in sorted(checks.items()) if why is not None}
        state = judged_state(checks)
        if state == JUDGED:
            judged.append(target)
        elif state == NOT_JUDGED:
            not_judged[target] = failed
        else:
            partly[target] = failed
    return Coverage(tuple(judged), partly, not_judged)
