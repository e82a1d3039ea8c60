"""The fault bench's accounts (``bench/faults.py``): which jobs were enqueued, which recorded, how often,
what was dead-lettered, and the findings the rules give at one moment.

``JobTap`` follows the job stream with plain XREAD (no consumer group, so the workers never see it) on its
own connection straight to Redis, noting each entry's job id as it arrives. An entry lives until a worker
has run its job and acked it, far longer than the tap takes to read it; should one slip by all the same,
it shows as a recorded job the tap never saw (``unseen``), not as a loss.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from monitor.engine.evaluate import JOB_KIND as EVALUATE
from monitor.engine.evaluate import Evaluator
from monitor.engine.kv.connect import client
from monitor.engine.queue import decode_job
from monitor.engine.retention import SUPERSEDES
from monitor.engine.samples import RECORD_BYTES
from monitor.inventory import load_config
from monitor.runtime import open_runtime

PREFIX = "govmon"


class JobTap:
    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    async def follow(self, redis_url: str) -> None:
        last = "0-0"
        while not self._stopping:
            redis = client(redis_url)
            try:
                while not self._stopping:
                    reply: Any = await redis.xread({f"{PREFIX}:jobs": last}, count=1000, block=200)
                    for _stream, entries in reply or ():
                        for message_id, fields in entries:
                            last = message_id
                            self.seen[decode_job(_text(fields)).job_id] += 1
            except Exception:  # Redis restarting or not up yet: read on once it answers
                await asyncio.sleep(0.1)
            finally:
                with contextlib.suppress(Exception):
                    await redis.aclose()


def _text(fields: dict[Any, Any]) -> dict[str, str]:
    return {
        (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
        for k, v in fields.items()
    }


@dataclasses.dataclass
class Audit:
    enqueued: int  # distinct job ids the tap saw, rule evaluations aside
    enqueued_again: int  # entries beyond the first of a job id (a release re-adds; a restart may re-add)
    recorded: int  # done markers
    kept_recorded: int  # done markers of the checks whose histories keep every observation
    kept_observations: int  # their history entries plus packed samples (media's is pruned when superseded)
    recorded_twice: int  # job ids found twice in the histories
    retried: int  # reclaimed deliveries (the engine's own counter)
    lost: int  # seen, not recorded, not dead-lettered
    unseen: int  # recorded, never seen by the tap
    deadletter: Counter[tuple[str, str]]
    findings: set[tuple[str, str, str]]
    drained: bool


async def account(redis_url: str, config_path: Path, as_of: float, tap: JobTap, drained: bool) -> Audit:
    redis = client(redis_url)
    try:
        done = {
            _key(k).removeprefix(f"{PREFIX}:done:") async for k in redis.scan_iter(f"{PREFIX}:done:*", 2000)
        }
        history_ids: Counter[str] = Counter()
        observations: Counter[str] = Counter()  # by check
        async for key in redis.scan_iter(f"{PREFIX}:hist:*", 2000):
            members: Any = await redis.zrange(_key(key), 0, -1)
            for member in members:
                observations[_key(key).split(":")[2]] += 1
                history_ids[json.loads(member)["job_id"]] += 1
        async for key in redis.scan_iter(f"{PREFIX}:samples:*", 2000):
            observations["availability"] += int(await redis.strlen(_key(key))) // RECORD_BYTES
        stats = _text(await redis.hgetall(f"{PREFIX}:stats"))
        dead: Counter[tuple[str, str]] = Counter()
        dead_ids = set()
        entries: Any = await redis.xrange(f"{PREFIX}:deadletter")
        for _id, fields in entries:
            job = decode_job(_text(fields))
            dead[(job.check, job.target_id)] += 1
            dead_ids.add(job.job_id)
    finally:
        await redis.aclose()
    seen = {job_id for job_id in tap.seen if not job_id.startswith(f"{EVALUATE}:")}
    kept = {job_id for job_id in done if job_id.split(":")[0] not in SUPERSEDES}
    return Audit(
        enqueued=len(seen),
        enqueued_again=sum(n - 1 for job_id, n in tap.seen.items() if job_id in seen),
        recorded=len(done),
        kept_recorded=len(kept),
        kept_observations=sum(n for check, n in observations.items() if check not in SUPERSEDES),
        recorded_twice=sum(1 for n in history_ids.values() if n > 1),
        retried=int(stats.get("reclaimed", 0)),
        lost=len(seen - done - dead_ids),
        unseen=len(done - seen),
        deadletter=dead,
        findings=await judged(redis_url, config_path, as_of),
        drained=drained,
    )


async def judged(redis_url: str, config_path: Path, as_of: float) -> set[tuple[str, str, str]]:
    """(code, target, status) of every finding the rules give at ``as_of`` on what this run stored."""
    previous = os.environ.get("GOVMON_REDIS_URL")
    os.environ["GOVMON_REDIS_URL"] = redis_url
    try:
        loaded = load_config(config_path)
        async with open_runtime(loaded) as runtime:
            evaluator = Evaluator(runtime.store(), runtime.findings(), runtime.settings, lifecycle=False)
            found = set()
            for target in runtime.targets.values():
                for finding in await evaluator.evaluate(target, as_of):
                    found.add((finding.code, finding.target, str(finding.status)))
            return found
    finally:
        if previous is None:
            os.environ.pop("GOVMON_REDIS_URL", None)
        else:
            os.environ["GOVMON_REDIS_URL"] = previous


def _key(key: Any) -> str:
    return key.decode() if isinstance(key, bytes) else str(key)
