"""Per-host health at runtime: latency, failure ratio and failure modes, up or down; and what was served.

A flaky host's failures follow a sequence drawn from the seed, one draw per request, so two runs that
send requests in the same order see the same failures.
"""

from __future__ import annotations

import collections
import dataclasses
import random

FAIL_MODES = ("500", "503", "drop")
MAX_PATHS = 10_000
"""Paths counted per host, at most: a crawl of a hostile host must not grow the counter without bound."""


@dataclasses.dataclass(slots=True)
class HostProfile:
    latency_s: float = 0.0
    fail_ratio: float = 0.0
    down: bool = False
    fail_modes: tuple[str, ...] = FAIL_MODES
    rng: random.Random = dataclasses.field(default_factory=random.Random, repr=False, compare=False)

    def draw(self) -> str | None:
        """The failure mode for the next request, or None when it should be served."""
        roll = self.rng.random()
        if roll >= self.fail_ratio or not self.fail_modes:
            return None
        return self.fail_modes[int(roll / self.fail_ratio * len(self.fail_modes)) % len(self.fail_modes)]

    def as_dict(self) -> dict[str, object]:
        return {
            "latency_s": self.latency_s,
            "fail_ratio": self.fail_ratio,
            "down": self.down,
            "fail_modes": list(self.fail_modes),
        }


@dataclasses.dataclass(slots=True)
class HostStats:
    """Requests a host received and the most it had in flight at once (for politeness tests)."""

    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    failures_injected: int = 0
    not_modified: int = 0  # conditional GETs answered 304 (the feed bridge)
    user_agents: set[str] = dataclasses.field(default_factory=set)
    paths: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    """Requests by path (a test asks how often one page was read); at most ``MAX_PATHS`` paths counted."""
