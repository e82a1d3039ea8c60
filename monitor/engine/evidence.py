"""Evidence kept (整改留痕): a content-addressed, compressed snapshot of each page govmon judged, in Redis.

A finding links a snapshot as ``evidence.snapshot``: the SHA-256 of the stored bytes (zlib-compressed, so
deterministic: the same page is stored once, whichever site, check or machine saw it); Redis holds them
base64-encoded (the clients decode replies as text), and sizes and the budget count those base64 bytes.
The page is stored as govmon decoded it, with personal data masked **before** it is hashed or stored
(``monitor.extract.privacy.mask_text``): the store never holds a number whole.

Bounds (keys in ``monitor.engine.kv.keys``): a byte budget (``evidence.budget_bytes``) with the oldest
snapshots out first, and a retention covering the current and the previous quarter (``evidence.retention_days``,
184 days by default; a snapshot seen again is kept from that sighting). Any role on any machine serves a
snapshot from Redis (``GET /api/evidence/HASH``).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis.asyncio as aioredis

    from monitor.engine.kv.keys import Keys

HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")
MAX_PAGE_CHARS = 2_000_000
"""Text beyond this is cut before compression: a snapshot is evidence, not an archive of huge pages."""

# KEYS: blob, index, total ; ARGV: digest, data, url, status, observed_at, content_type, cutoff, budget
# Stores a new snapshot (or records a new sighting of a known one), drops up to 100 snapshots last seen before
# the cutoff (the retention), then the oldest until the total fits the budget. Snapshots carry no TTL of their
# own: every removal goes through here or _EXPIRE_OLD, so the total stays exact. Returns the total.
_PUT = """
local size = string.len(ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'data', ARGV[2], 'url', ARGV[3], 'status', ARGV[4], 'observed_at', ARGV[5],
    'content_type', ARGV[6], 'size', size)
  redis.call('INCRBY', KEYS[3], size)
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
local prefix = string.sub(KEYS[1], 1, string.len(KEYS[1]) - string.len(ARGV[1]))
local function drop(digest)
  local key = prefix .. digest
  local gone = tonumber(redis.call('HGET', key, 'size') or '0')
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[2], digest)
  return tonumber(redis.call('DECRBY', KEYS[3], gone))
end
for _, digest in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7], 'LIMIT', 0, 100)) do
  drop(digest)
end
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
local budget = tonumber(ARGV[8])
while total > budget do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)
  if #oldest == 0 or oldest[1] == ARGV[1] then break end
  total = drop(oldest[1])
end
return total
"""

# KEYS: index, total ; ARGV: cutoff, blob key prefix. Drops snapshots last seen before the cutoff.
_EXPIRE_OLD = """
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
for _, digest in ipairs(old) do
  local key = ARGV[2] .. digest
  local gone = tonumber(redis.call('HGET', key, 'size') or '0')
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], digest)
  redis.call('DECRBY', KEYS[2], gone)
end
return #old
"""


@dataclasses.dataclass(frozen=True, slots=True)
class Snapshot:
    """A stored page: the text as govmon saw it (masked), where and when, the HTTP status."""

    digest: str
    text: str
    url: str
    status: int | None
    observed_at: float
    content_type: str
    stored_bytes: int


def compress(text: str) -> bytes:
    return zlib.compress(text[:MAX_PAGE_CHARS].encode("utf-8"), 6)


def digest_of(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


class EvidenceStore:
    def __init__(
        self, redis: aioredis.Redis, keys: Keys, *, budget_bytes: int, retention_days: float = 184.0
    ) -> None:
        self.redis = redis
        self.keys = keys
        self.budget_bytes = budget_bytes
        self.retention_s = int(retention_days * 86400)

    async def put(
        self,
        masked_text: str,
        *,
        url: str,
        status: int | None,
        observed_at: float,
        content_type: str = "text/html",
    ) -> str:
        """Store a page (already masked by the caller) and return its digest, the finding's
        ``evidence.snapshot``."""
        blob = compress(masked_text)
        digest = digest_of(blob)
        # the clients decode replies as UTF-8, so the zlib bytes travel and rest as base64 (4/3 of their size)
        await self.redis.eval(
            _PUT,
            3,
            self.keys.evidence(digest),
            self.keys.evidence_index,
            self.keys.evidence_bytes,
            digest,
            base64.b64encode(blob).decode("ascii"),
            url,
            "" if status is None else str(status),
            repr(observed_at),
            content_type,
            repr(observed_at - self.retention_s),
            self.budget_bytes,
        )
        return digest

    async def touch(self, digest: str, seen_at: float) -> bool:
        """A new sighting of a stored snapshot (a page read again unchanged): it moves to the young end and
        its retention counts from now. False when it is gone (evicted): the caller stores the page again."""
        if not await self.redis.exists(self.keys.evidence(digest)):
            return False
        await self.redis.zadd(self.keys.evidence_index, {digest: seen_at})
        return True

    async def get(self, digest: str) -> Snapshot | None:
        if not HASH_PATTERN.match(digest):
            return None
        fields = await self.redis.hgetall(self.keys.evidence(digest))
        if not fields:
            return None
        decoded = {(k.decode() if isinstance(k, bytes) else k): v for k, v in fields.items()}

        def text(name: str) -> str:
            value = decoded.get(name, "")
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

        blob = base64.b64decode(text("data"))
        status = text("status")
        return Snapshot(
            digest=digest,
            text=zlib.decompress(blob).decode("utf-8", "replace"),
            url=text("url"),
            status=int(status) if status.isdigit() else None,
            observed_at=float(text("observed_at") or 0.0),
            content_type=text("content_type") or "text/html",
            stored_bytes=int(text("size") or 0),
        )

    async def trim(self, now: float) -> int:
        """Drop snapshots last seen before the retention; returns how many went."""
        prefix = self.keys.evidence("")
        return int(
            await self.redis.eval(
                _EXPIRE_OLD,
                2,
                self.keys.evidence_index,
                self.keys.evidence_bytes,
                now - self.retention_s,
                prefix,
            )
        )

    async def total_bytes(self) -> int:
        return int(await self.redis.get(self.keys.evidence_bytes) or 0)

    async def count(self) -> int:
        return int(await self.redis.zcard(self.keys.evidence_index))
