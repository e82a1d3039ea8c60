"""Where the report's findings come from: an exported JSONL file, or govmon's own history in Redis.

A file may come from another machine or a manual inspection, so a bad line is reported as
``FILE:LINE: what is wrong`` and the rest is used: one typo does not lose a quarter. Redis is read through
the findings lifecycle (``monitor.engine.lifecycle``): every finding open at some moment of the window, one
record per episode, and the targets observed on each day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import redis.asyncio as aioredis
import structlog

from monitor.deadlines import SamplingWindow, start_of
from monitor.engine import lifecycle
from monitor.engine.kv.keys import Keys
from monitor.engine.store import Store
from monitor.model import Site
from monitor.report.build import ReplyCount
from monitor.report.records import FindingRecord, RecordError, record_from_json
from monitor.report.replies import reply_count
from monitor.settings import Settings
from monitor.workdays import WorkCalendar

log = structlog.get_logger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class Loaded:
    """Finding records, the targets checked in the window (None: every one), 附件1's counts, and the
    problems met while reading (one line each, for stderr)."""

    records: tuple[FindingRecord, ...]
    checked: set[str] | None = None
    replies: dict[str, ReplyCount] = dataclasses.field(default_factory=dict)
    problems: tuple[str, ...] = ()


def read_findings_file(path: Path, name: str | None = None) -> Loaded:
    """Records from a JSONL file, one finding per line (blank lines skipped); ``OSError`` when unreadable.

    Every inventory target counts as checked: an export does not say which targets were looked at."""
    label = name or str(path)
    records: list[FindingRecord] = []
    problems: list[str] = []
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
            except UnicodeDecodeError:
                problems.append(f"{label}:{number}: not UTF-8 text")
                continue
            if not text:
                continue
            try:
                records.append(record_from_json(json.loads(text)))
            except json.JSONDecodeError as exc:
                problems.append(f"{label}:{number}: not JSON ({exc.msg} at column {exc.colno})")
            except RecordError as exc:
                problems.append(f"{label}:{number}: {exc}")
    log.info("report.file_read", path=label, records=len(records), bad_lines=len(problems))
    return Loaded(tuple(records), None, {}, tuple(problems))


async def read_history(
    redis: aioredis.Redis,
    keys: Keys,
    window: SamplingWindow,
    settings: Settings,
    sites: Sequence[Site],
) -> Loaded:
    """Records, checked targets (observed on at least one day of the window) and 附件1's counts from
    govmon's Redis, over the sampling window."""
    start = start_of(window.first_day)
    end = start_of(window.last_day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)
    raw = await lifecycle.quarter_records(redis, keys, start, end)
    checked = await lifecycle.checked_targets(redis, keys, window.first_day, window.last_day)
    records: list[FindingRecord] = []
    problems: list[str] = []
    for data in raw:
        try:
            records.append(record_from_json(data))
        except RecordError as exc:
            problems.append(f"redis finding {data.get('id') or data.get('target')}: {exc}")
    replies = await read_replies(redis, keys, window, settings, sites)
    log.info("report.history_read", records=len(records), checked=None if checked is None else len(checked))
    return Loaded(tuple(records), checked, replies, tuple(problems))


async def read_replies(
    redis: aioredis.Redis,
    keys: Keys,
    window: SamplingWindow,
    settings: Settings,
    sites: Sequence[Site],
) -> dict[str, ReplyCount]:
    """附件1's counts per site from the newest interaction observation (it lists a year of messages)."""
    store = Store(redis, keys)
    calendar = WorkCalendar(settings.interaction.workdays)
    counts: dict[str, ReplyCount] = {}
    for site in sites:
        observation = await store.latest("interaction", site.id)
        if observation is None:
            continue
        count = reply_count(observation, window, calendar)
        if count is not None:
            counts[site.id] = count
    return counts
