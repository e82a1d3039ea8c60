"""Observations in Redis: the newest per (check, target) and a history trimmed by age and count.

Writing a job's result and acking its message is one Lua script, so it is atomic; it is also idempotent:
a ``done`` marker per ``job_id`` (``SET NX EX``) lets exactly one delivery of a job write its result.
A worker killed after the script ran but before it heard the reply, or a job delivered twice because
its first worker was slow, repeats the script harmlessly: the second run only acks.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis

from monitor.deadlines import day_of
from monitor.engine import samples
from monitor.engine.batch import ScriptBatch
from monitor.engine.kv.keys import Keys
from monitor.engine.retention import HistoryBound
from monitor.model import Claim, Observation, Outcome

if TYPE_CHECKING:
    from monitor.engine.queue import JobQueue

CHECKED_TTL_S = 200 * 86400
"""How long a day's set of checked targets lives: the current and the previous quarter (≤ 184 days) and a
margin, so ``govmon report`` can count the previous quarter's 检查数."""

DONE_TTL_S = 86400.0
"""How long a job's ``done`` marker lives: far beyond max_deliveries × visibility timeout, the longest a
duplicate delivery can trail the first."""

# KEYS: done, latest, history, stream, job_errors, checked_day, samples
# ARGV: done_ttl_s, observation JSON ('' = nothing to record), observed_at, cutoff, max_history, retention_s,
#       group, message_id ('' = nothing to ack), job_id, target_id, checked_ttl_s,
#       packed sample ('' = the observation goes to the history ZSET), '1' when the observation supersedes the
#       older entries of its history (``HistoryBound.supersedes``: they are removed)
# A packed sample is added to the end of the samples STRING; when its oldest record is past the cutoff (about once
# per probe interval) the string is rewritten without the records past it, and cut to max_history records.
_RECORD_AND_ACK = """
local recorded = 0
if ARGV[2] ~= '' and redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  local current = redis.call('GET', KEYS[2])
  if (not current) or tonumber(cjson.decode(current)['observed_at']) <= tonumber(ARGV[3]) then
    redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[6])
  end
  if ARGV[12] ~= '' then
    local packed = (redis.call('GET', KEYS[7]) or '') .. ARGV[12]
    local cutoff = tonumber(ARGV[4])
    local function time_of(offset)
      local head = 0
      for i = offset, offset + 4 do head = head * 128 + string.byte(packed, i) end
      return math.floor(head / 8)
    end
    if time_of(1) < cutoff or #packed > 9 * tonumber(ARGV[5]) then
      local kept = {}
      for offset = 1, #packed - 8, 9 do
        if time_of(offset) >= cutoff then
          kept[#kept + 1] = string.sub(packed, offset, offset + 8)
        end
      end
      local start = math.max(1, #kept - tonumber(ARGV[5]) + 1)
      packed = table.concat(kept, '', start)
    end
    redis.call('SET', KEYS[7], packed)  -- SET, not APPEND: APPEND's string keeps room to grow
    redis.call('EXPIRE', KEYS[7], ARGV[6])
  else
    redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
    local oldest_kept = ARGV[4]
    if ARGV[13] == '1' then oldest_kept = ARGV[3] end
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. oldest_kept)
    local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[5])
    if excess > 0 then
      redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1)
    end
    redis.call('EXPIRE', KEYS[3], ARGV[6])
  end
  redis.call('SADD', KEYS[6], ARGV[10])
  redis.call('EXPIRE', KEYS[6], ARGV[11])
  recorded = 1
end
if ARGV[8] ~= '' then
  redis.call('XACK', KEYS[4], ARGV[7], ARGV[8])
  redis.call('XDEL', KEYS[4], ARGV[8])
  redis.call('HDEL', KEYS[5], ARGV[9])
end
return recorded
"""

# KEYS: history ZSETs; returns each one's newest score (observed_at), nil where it is empty or absent
_NEWEST_SCORES = """
local newest = {}
for i, key in ipairs(KEYS) do
  local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  newest[i] = top[2] or false
end
return newest
"""

_LATEST_HEADS = """
local heads = {}
for i, key in ipairs(KEYS) do
  local head = redis.call('GETRANGE', key, 0, 511)
  if head == '' then
    heads[i] = ''
  else
    local at = string.match(head, '"observed_at":([-0-9.eE+]+)')
    local outcome = string.match(head, '"outcome":"(%a+)"')
    if at and outcome then heads[i] = outcome .. ' ' .. at else heads[i] = '?' end
  end
end
return heads
"""
"""Per ``latest`` key: ``''`` (none), ``'?'`` (unread), or ``'<outcome> <observed_at>'`` from the document's
first 512 bytes (``_write`` sorts the keys: both come before the payload). In Lua so that a multi-byte
character cut at byte 512 never reaches the UTF-8 decoding connection."""


def day_key(keys: Keys, observed_at: float) -> str:
    """The ``checked_day`` key of an observation's calendar day (Asia/Shanghai): any observation recorded
    means govmon checked the target that day (``monitor.engine.lifecycle.checked_targets`` reads them)."""
    return keys.checked_day(day_of(observed_at).isoformat())


class Store:
    """Observations of every check. ``retention_s`` covers the longest rule window (7 days) with a day spare;
    ``max_history`` caps one (check, target) history however often it is observed. ``bounds`` trims the
    histories of the checks it names tighter, to what their rules read (``monitor.engine.retention``); the
    keys' TTLs stay ``retention_s``."""

    def __init__(
        self,
        redis: aioredis.Redis,
        keys: Keys,
        retention_s: float = 8 * 86400,
        max_history: int = 50_000,
        done_ttl_s: float = DONE_TTL_S,
        bounds: Mapping[str, HistoryBound] | None = None,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self.retention_s = retention_s
        self.max_history = max_history
        self.done_ttl_s = done_ttl_s
        self.bounds = dict(bounds or {})
        self._record = ScriptBatch(redis, redis.register_script(_RECORD_AND_ACK))
        """The record scripts of one loop turn share a round trip (``monitor.engine.batch``)."""
        self._newest = redis.register_script(_NEWEST_SCORES)
        self._heads = redis.register_script(_LATEST_HEADS)

    async def record_and_ack(self, observation: Observation | None, claim: Claim, queue: JobQueue) -> bool:
        """Record the job's result (once per job_id, whatever the deliveries) and ack its message.

        Shielded from cancellation: once started it finishes, so a worker stopping mid-call never leaves a
        result without its ack. Returns whether this call recorded the observation (False for a duplicate
        and for ``observation=None``, a job whose result lives elsewhere, which is only acked).
        """
        if observation is None:
            return await asyncio.shield(self._acked(claim, queue))
        return await asyncio.shield(self._write(observation, claim.message_id))

    async def record(self, observation: Observation) -> bool:
        """Record an observation made outside the queue (``govmon check``); idempotent by job_id as well."""
        return await self._write(observation, "")

    async def latest(self, check: str, target_id: str) -> Observation | None:
        data: Any = await self._redis.get(self._keys.latest(check, target_id))
        return Observation.from_json(json.loads(data), check, target_id) if data else None

    async def latest_heads(self, pairs: Sequence[tuple[str, str]]) -> list[Observation | None]:
        """The newest observation of each ``(check, target_id)``, for saying whether it judged its target
        (``monitor.coverage``) across a whole inventory without pulling every document out of Redis.

        An OK one is read from its document's head (``_LATEST_HEADS``) and returned with an empty payload;
        failed and discarded ones (small: their reason is at the end), availability probes (whose ``ok`` is
        in the payload) and any head that does not read as expected are read whole. None: never observed.
        500 keys per script call.
        """
        keys = [self._keys.latest(check, target_id) for check, target_id in pairs]
        heads: list[Any] = []
        for start in range(0, len(keys), 500):
            heads.extend(await self._heads(keys=keys[start : start + 500], args=[]))
        found: list[Observation | None] = []
        whole: list[int] = []
        for n, ((check, target_id), head) in enumerate(zip(pairs, heads, strict=True)):
            outcome, _, at = str(head).partition(" ")
            found.append(None)
            if not head:
                continue
            if outcome == Outcome.OK.value and check != samples.CHECK:
                found[n] = Observation(check, target_id, "", float(at), Outcome.OK, None, {})
            else:
                whole.append(n)
        if whole:
            async with self._redis.pipeline(transaction=False) as pipe:
                for n in whole:
                    pipe.get(keys[n])
                documents: list[Any] = await pipe.execute()
            for n, document in zip(whole, documents, strict=True):
                check, target_id = pairs[n]
                found[n] = Observation.from_json(json.loads(document), check, target_id) if document else None
        return found

    async def history(
        self, check: str, target_id: str, since: float, until: float | None = None
    ) -> list[Observation]:
        """Observations with ``since <= observed_at <= until``, oldest first (availability: the packed
        samples and any kept as JSON, merged)."""
        if check == samples.CHECK:
            return await self._samples(target_id, since, until)
        members: Any = await self._redis.zrangebyscore(
            self._keys.history(check, target_id), since, "+inf" if until is None else until
        )
        return [Observation.from_json(json.loads(member), check, target_id) for member in members]

    async def histories(
        self, target_id: str, since_by_check: Mapping[str, float], until: float
    ) -> dict[str, list[Observation]]:
        """``history`` of several checks of one target in one round trip (the availability samples in their
        own): rule evaluation reads a dozen checks' histories after every observation some rule reads."""
        checks = [check for check in since_by_check if check != samples.CHECK]
        async with self._redis.pipeline(transaction=False) as pipe:
            for check in checks:
                pipe.zrangebyscore(self._keys.history(check, target_id), since_by_check[check], until)
            replies: list[Any] = await pipe.execute() if checks else []
        found = {
            check: [Observation.from_json(json.loads(member), check, target_id) for member in members]
            for check, members in zip(checks, replies, strict=True)
        }
        if samples.CHECK in since_by_check:
            found[samples.CHECK] = await self._samples(target_id, since_by_check[samples.CHECK], until)
        return {check: found[check] for check in since_by_check}

    async def _samples(self, target_id: str, since: float, until: float | None) -> list[Observation]:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(self._keys.samples(target_id))
            pipe.zrangebyscore(
                self._keys.history(samples.CHECK, target_id), since, "+inf" if until is None else until
            )
            pipe.get(self._keys.latest(samples.CHECK, target_id))
            packed, members, latest = await pipe.execute()
        newest = Observation.from_json(json.loads(latest), samples.CHECK, target_id) if latest else None
        url = str(newest.payload.get("url") or "") if newest else ""
        found = [Observation.from_json(json.loads(member), samples.CHECK, target_id) for member in members]
        found += [
            o
            for o in samples.unpack(packed or "", target_id, url)
            if since <= o.observed_at and (until is None or o.observed_at <= until)
        ]
        return sorted(found, key=lambda o: o.observed_at)

    async def last_observed_at(self, pairs: Sequence[tuple[str, str]]) -> list[float | None]:
        """When each ``(check, target_id)`` was last observed (epoch seconds, None: not within retention).

        Reads only the history's newest score, so a page listing hundreds of targets does not pull their
        (possibly large) observation documents out of Redis; 500 keys per script call.
        """
        newest: list[float | None] = []
        for start in range(0, len(pairs), 500):
            chunk = [self._keys.history(check, target_id) for check, target_id in pairs[start : start + 500]]
            scores: Any = await self._newest(keys=chunk, args=[])
            newest.extend(float(score) if score is not None else None for score in scores)
        probed = [n for n, (check, _) in enumerate(pairs) if check == samples.CHECK]
        if probed:  # the packed samples' last record (appended in time order, give or take a retry)
            async with self._redis.pipeline(transaction=False) as pipe:
                for n in probed:
                    pipe.getrange(self._keys.samples(pairs[n][1]), -samples.RECORD_BYTES, -1)
                tails: list[Any] = await pipe.execute()
            for n, tail in zip(probed, tails, strict=True):
                if tail and len(tail) == samples.RECORD_BYTES:
                    at = float(samples.record_time(tail))
                    newest[n] = max(at, newest[n] or 0.0)
        return newest

    async def _acked(self, claim: Claim, queue: JobQueue) -> bool:
        await queue.ack(claim)
        return False

    def bound(self, check: str) -> HistoryBound:
        """How a check's history is trimmed: its own bound, else the store's retention and count."""
        return self.bounds.get(check) or HistoryBound(self.retention_s, self.max_history)

    async def _write(self, observation: Observation, message_id: str) -> bool:
        document = observation.to_stored()
        bound = self.bound(observation.check)
        recorded = await self._record(
            keys=[
                self._keys.done(observation.job_id),
                self._keys.latest(observation.check, observation.target_id),
                self._keys.history(observation.check, observation.target_id),
                self._keys.stream,
                self._keys.job_errors,
                day_key(self._keys, observation.observed_at),
                self._keys.samples(observation.target_id),
            ],
            args=[
                max(1, int(self.done_ttl_s)),
                document,
                repr(observation.observed_at),
                repr(observation.observed_at - bound.retention_s),
                bound.max_count,
                max(1, int(self.retention_s), math.ceil(bound.retention_s)),
                self._keys.group,
                message_id,
                observation.job_id,
                observation.target_id,
                CHECKED_TTL_S,
                (samples.pack(observation) or "") if observation.check == samples.CHECK else "",
                "1" if bound.supersedes is not None and bound.supersedes(observation) else "",
            ],
        )
        return bool(recorded)
