"""How much of each check's history Redis keeps: what the rules read, and no more.

Redis holds every observation history, and at a nation's scale (15,000 sites, 150,000 accounts) it is most of
the memory. A rule reads a check's history only ``Rule.lookback`` back (the evaluator loads no more), so a
history is trimmed, at each write, to the longest lookback of the rules that read it plus a margin, and capped
by the count that span holds at the check's interval. The availability samples so keep 7 days and 5 minutes
(about 169 probes, 1.5 kB packed) instead of the 8 days every history kept before; the homepage and columns
histories 12 hours and one day instead of 8 days of full observations.

A check whose rules read only its newest full reading (and the failures since) names a ``supersedes`` test:
an observation passing it removes the older entries of its history at once. The media rule is one
(``monitor.rules.media``: the newest OK poll holding a reading, then the streak of failed polls after it), so
an account's history holds one reading instead of a day of them (25 polls of ~2 kB each: 8 GB for 150,000
accounts, ~2 kB each with it). A ``govmon check --as-of`` before that reading finds no older one there and
judges no silence (no verdict, never a false one).

Only the trimming of old entries uses these bounds. The keys' TTLs stay the store's ``retention_s`` (8 days),
so the newest observation of a check that stopped running is still there for a week.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence

from monitor.model import Observation, Outcome
from monitor.observations import MediaRead
from monitor.rules import RULES
from monitor.rules.base import Rule
from monitor.settings import Settings

INTERVAL_JITTER = 0.1
"""The scheduler's ±10 % (``monitor.engine.schedule.JITTER``): runs can come this much closer together."""
SPARE_COUNT = 4
"""Observations beyond what the span holds at the interval: a retry, a ``govmon check`` run."""
HISTORY_MARGIN_S = 300.0
"""Kept beyond the longest lookback: clocks of two machines apart, a ``govmon check --as-of`` minutes back."""


@dataclasses.dataclass(frozen=True, slots=True)
class HistoryBound:
    """One check's history: entries older than ``retention_s`` before the newest are dropped, and the oldest
    beyond ``max_count``."""

    retention_s: float
    max_count: int
    supersedes: Callable[[Observation], bool] | None = None
    """An observation for which this is true makes every older entry of the history one no rule reads."""


def holds_media_reading(observation: Observation) -> bool:
    """A media poll the media rule reads as the account's newest reading (``rules.media.last_reading``): OK
    and holding a reading (a 304 that carried none does not count; the rule looks past it)."""
    return observation.outcome is Outcome.OK and MediaRead.from_observation(observation).reading is not None


SUPERSEDES: dict[str, Callable[[Observation], bool]] = {"media": holds_media_reading}
"""Per check whose rules read only its newest full reading and the failures after it."""


def history_bounds(
    settings: Settings, intervals: Mapping[str, float], rules: Sequence[Rule] = RULES
) -> dict[str, HistoryBound]:
    """The bound of each check some rule reads (a check no rule reads keeps the store's default).

    ``retention_s``: the longest ``lookback`` of the rules that read the check, plus ``HISTORY_MARGIN_S``
    (the margin for clocks of two machines and a ``govmon check --as-of`` a few minutes back; the evaluator
    reads ``now - lookback`` with ``now`` never before the newest write, so the lookback alone would do).
    ``max_count``: what that span holds at the check's interval (``intervals``, seconds) when every run
    comes 10 % early, plus a few spare. A check without an interval keeps the store's default.
    """
    lookbacks: dict[str, float] = {}
    for rule in rules:
        for check in rule.needs:
            lookbacks[check] = max(lookbacks.get(check, 0.0), rule.lookback_s(settings))
    margin_s = HISTORY_MARGIN_S
    bounds: dict[str, HistoryBound] = {}
    for check, lookback_s in lookbacks.items():
        retention_s = lookback_s + margin_s
        interval_s = intervals.get(check)
        if interval_s is None or interval_s <= 0:
            continue
        max_count = math.ceil(retention_s / (interval_s * (1 - INTERVAL_JITTER))) + SPARE_COUNT
        bounds[check] = HistoryBound(retention_s, max_count, SUPERSEDES.get(check))
    return bounds
