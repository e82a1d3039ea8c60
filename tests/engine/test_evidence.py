"""The evidence store: content-addressed, compressed, masked before hashing, bounded by bytes and by age."""

from __future__ import annotations

import base64
import hashlib

import redis.asyncio as aioredis

from monitor.engine.evidence import EvidenceStore, compress
from monitor.engine.kv.keys import Keys
from monitor.extract.privacy import mask_text


def stored(text: str) -> int:
    """Bytes a snapshot takes in the store (its zlib stream, base64)."""
    return len(base64.b64encode(compress(text)))


PAGE = "<html><body><p>公示：张某某 430102198506120037</p>" + "<p>正文内容</p>" * 200 + "</body></html>"


async def test_same_page_stored_once_and_read_back(redis: aioredis.Redis, keys: Keys) -> None:
    store = EvidenceStore(redis, keys, budget_bytes=10_000_000)
    masked = mask_text(PAGE)
    first = await store.put(masked, url="http://a.gov.cn/", status=200, observed_at=1000.0)
    again = await store.put(masked, url="http://b.gov.cn/", status=200, observed_at=2000.0)
    assert first == again == hashlib.sha256(compress(masked)).hexdigest()
    assert await store.count() == 1
    snapshot = await store.get(first)
    assert snapshot is not None
    assert snapshot.text == masked and snapshot.url == "http://a.gov.cn/" and snapshot.status == 200
    assert "430102198506120037" not in snapshot.text
    assert await store.total_bytes() == snapshot.stored_bytes == stored(masked) < len(masked.encode())
    assert await store.get("0" * 64) is None
    assert await store.get("../../etc") is None


async def test_budget_drops_the_oldest_first(redis: aioredis.Redis, keys: Keys) -> None:
    store = EvidenceStore(redis, keys, budget_bytes=1)
    pages = [f"<p>{n}</p>" * 50 + str(n) for n in range(5)]
    sizes = [stored(p) for p in pages]
    store.budget_bytes = sizes[0] + sizes[1] + sizes[2] + 1
    digests = [
        await store.put(p, url=f"u{n}", status=200, observed_at=100.0 + n) for n, p in enumerate(pages)
    ]
    kept = [d for d in digests if await store.get(d) is not None]
    assert kept == digests[2:]
    assert await store.total_bytes() == sum(sizes[2:]) <= store.budget_bytes


async def test_retention_drops_snapshots_not_seen_since(redis: aioredis.Redis, keys: Keys) -> None:
    store = EvidenceStore(redis, keys, budget_bytes=10_000_000, retention_days=1)
    old = await store.put("old page", url="u", status=200, observed_at=0.0)
    kept = await store.put("kept page", url="u", status=200, observed_at=3600.0)
    seen_again = await store.put("old page", url="u", status=200, observed_at=80000.0)  # a sighting renews
    assert seen_again == old
    new = await store.put("new page", url="u", status=200, observed_at=86400.0 * 1.5)  # a store trims too
    assert await store.get(kept) is None and await store.get(old) is not None
    assert await store.trim(now=86400.0 * 2) == 1  # the old page, last seen at 80000 s
    assert await store.get(old) is None and await store.get(new) is not None
    assert await store.total_bytes() == stored("new page")
    assert await store.touch(new, 86400.0 * 3) and not await store.touch(old, 86400.0 * 3)
