"""``ctx.state``: the little a check keeps between runs (conditional-GET validators, link verdicts).

JSON values under short names (``media:<account id>``, ``link:<url digest>``), each with a TTL. Workers get
the Redis-backed one (``monitor.engine.kv.state.RedisState``: shared by every worker, one key per name under
the deployment's prefix, documented in ``monitor.engine.kv.keys``); a context built without Redis (a test, a
benchmark, a one-shot tool) gets ``MemoryState``, bounded, in this process only. Checks never see Redis.
"""

from __future__ import annotations

import collections
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class StateUnavailable(Exception):
    """The shared state could not be read or written (Redis down): a cache may carry on without it."""


class State(Protocol):
    async def get_many(self, names: Sequence[str]) -> list[Any]:
        """The values under ``names`` (None where there is none, it expired, or it is not JSON)."""
        ...

    async def set_many(self, values: Mapping[str, Any], ttl_s: float) -> None:
        """Store each value for ``ttl_s`` seconds (one round trip for all of them)."""
        ...

    async def touch(self, name: str, ttl_s: float) -> bool:
        """Push ``name``'s expiry to ``ttl_s`` from now; False when there is no such value."""
        ...


async def get(state: State, name: str) -> Any:
    """The value under ``name``, or None."""
    [value] = await state.get_many([name])
    return value


async def put(state: State, name: str, value: Any, ttl_s: float) -> None:
    await state.set_many({name: value}, ttl_s)


MEMORY_ENTRIES = 100_000
"""Values kept in process: enough for a province's accounts and a crawl's links, bounded for a hostile
inventory (the least recently written go first)."""


class MemoryState:
    """``State`` in this process, for runs without a shared Redis. Values are stored as JSON text, so a
    caller mutating what it read does not change what is stored (as with Redis)."""

    def __init__(self, max_entries: int = MEMORY_ENTRIES) -> None:
        self._values: collections.OrderedDict[str, tuple[str, float]] = collections.OrderedDict()
        self._max_entries = max_entries

    async def get_many(self, names: Sequence[str]) -> list[Any]:
        now = time.monotonic()
        found: list[Any] = []
        for name in names:
            held = self._values.get(name)
            found.append(json.loads(held[0]) if held is not None and held[1] > now else None)
        return found

    async def set_many(self, values: Mapping[str, Any], ttl_s: float) -> None:
        until = time.monotonic() + ttl_s
        for name, value in values.items():
            self._values[name] = (json.dumps(value, ensure_ascii=False), until)
            self._values.move_to_end(name)
        while len(self._values) > self._max_entries:
            self._values.popitem(last=False)

    async def touch(self, name: str, ttl_s: float) -> bool:
        held = self._values.get(name)
        if held is None or held[1] <= time.monotonic():
            return False
        self._values[name] = (held[0], time.monotonic() + ttl_s)
        return True
