"""Read a new-media account's posts (政务新媒体, 国办发〔2018〕123号): the data the media rules judge.

The account's source (``monitor.checks.media.sources``: feed or HTML list page) is read with a conditional GET:
the last full reading's ETag / Last-Modified go out as If-None-Match / If-Modified-Since, and a 304 means
the previous reading still holds, so it is carried into this observation (``not_modified: true``). The
validators, the last reading and when govmon first watched the account live in ``ctx.state`` (one record per
account, ``media:<account id>``, TTL ``media.validators_ttl_s`` refreshed on every poll): shared by all
workers through Redis, in this process only where the context has no Redis.

Payload: ``monitor.observations.MediaRead``. OK: the reading (``MediaReading``: counts, ``newest`` the
newest entry moment not after the observation, ``recent`` up to ``RECENT_SHOWN`` such entries newest first —
the rules recompute the newest as of their own ``now`` from it —, ``future`` the entries dated after the
observation, ignored; ``read_at`` when the carried reading was taken), ``not_modified`` and ``watched_since``.
FAILED: ``reason`` is a ``FailureReason`` value, ``hostile_xml``, ``invalid_feed``, ``bad_selector``,
``selector_unmatched`` (a list page whose selectors find no row or no date: it changed shape) or
``no_source``; the payload has ``url``, ``status`` and ``detail``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from monitor.checks.base import Check, CheckContext
from monitor.checks.media.posts import Post, Posts, Validators
from monitor.checks.media.sources import source_for
from monitor.checks.state import get, put
from monitor.clock import to_datetime
from monitor.model import Account, Observation, Outcome
from monitor.observations import MEDIA as NAME
from monitor.observations import MediaRead, MediaReading, RecentPost
from monitor.settings import Settings

RECENT_SHOWN = 10
FUTURE_SHOWN = 5
FUTURE_TOLERANCE_S = 300.0
"""Entries up to this far ahead of govmon's clock are clock skew between the bridge and us, not faked dates."""


def summarize(posts: Posts, now: dt.datetime) -> MediaReading:
    """The reading part of the payload: counts, the newest non-future entries, the future ones."""
    dated = [p for p in posts.entries if p.published is not None]
    cutoff = now + dt.timedelta(seconds=FUTURE_TOLERANCE_S)
    future = sorted((p for p in dated if _moment(p) > cutoff), key=_moment)
    past = sorted((p for p in dated if _moment(p) <= cutoff), key=_moment, reverse=True)
    return MediaReading(
        kind=posts.kind,
        title=posts.title,
        entries=len(posts.entries),
        undated=len(posts.entries) - len(dated),
        future=len(future),
        future_dates=tuple(_iso(p.published) for p in future[:FUTURE_SHOWN]),
        newest=_iso(past[0].published) if past else None,
        recent=tuple(RecentPost(p.title, p.url, _iso(p.published)) for p in past[:RECENT_SHOWN]),
        interaction=posts.interaction,
        read_at=now.isoformat(timespec="seconds"),
    )


def interval_s(settings: Settings) -> float:
    return settings.media.poll_interval_s


async def poll_account(target: Account, job_id: str, ctx: CheckContext) -> Observation:
    """Read the account's source (conditional GET against the stored validators) into a ``MediaRead``."""
    observed_at = ctx.clock.now()
    now = to_datetime(observed_at)
    source = source_for(target)
    if source is None:
        none = MediaRead(None, None, None, None, detail="the account has neither a feed nor a list page")
        return Observation(
            NAME, target.id, job_id, observed_at, Outcome.FAILED, "no_source", none.to_payload()
        )
    record = await _load(target.id, ctx)
    reading = record.get("reading")
    validators = Validators(record.get("etag"), record.get("last_modified")) if reading else Validators()
    posts = await source.read(target, ctx.fetcher, validators, now)
    base = MediaRead(
        url=target.feed or (target.list.url if target.list else None),
        final_url=posts.url,
        status=posts.status,
        source=source.name,
    )
    watched_since = record.get("watched_since") or now.date().isoformat()
    if posts.not_modified and not reading:  # a 304 to a request that named no validators
        posts = Posts(failure="protocol_error", detail="HTTP 304 to an unconditional request", status=304)
    if not posts.ok:
        await _save(target.id, ctx, {**record, "watched_since": watched_since})
        failed = dataclasses.replace(base, detail=posts.detail, kind=posts.kind or None)
        return Observation(
            NAME, target.id, job_id, observed_at, Outcome.FAILED, posts.failure, failed.to_payload()
        )
    if posts.not_modified and reading:
        summary = MediaReading.from_payload(reading)
    else:
        summary = summarize(posts, now)
        record = {
            "etag": posts.validators.etag,
            "last_modified": posts.validators.last_modified,
            "reading": summary.to_payload(),
        }
    unchanged = posts.not_modified and record.get("watched_since") == watched_since
    await _save(target.id, ctx, {**record, "watched_since": watched_since}, unchanged=unchanged)
    observed = dataclasses.replace(
        base,
        reading=summary,
        encoding=posts.encoding,
        not_modified=posts.not_modified,
        watched_since=watched_since,
    )
    return Observation(NAME, target.id, job_id, observed_at, Outcome.OK, None, observed.to_payload())


async def _load(account_id: str, ctx: CheckContext) -> dict[str, Any]:
    data = await get(ctx.state, state_name(account_id))
    return data if isinstance(data, dict) else {}


async def _save(
    account_id: str, ctx: CheckContext, record: dict[str, Any], *, unchanged: bool = False
) -> None:
    """Write the record (or, ``unchanged`` after a 304, only push its expiry back)."""
    ttl_s = max(1.0, float(int(ctx.settings.media.validators_ttl_s)))
    name = state_name(account_id)
    if unchanged and await ctx.state.touch(name, ttl_s):
        return
    await put(ctx.state, name, record, ttl_s)


def state_name(account_id: str) -> str:
    """The account's record's name in ``ctx.state`` (``Keys.media_record`` documents its Redis key)."""
    return f"media:{account_id}"


def _moment(post: Post) -> dt.datetime:
    assert post.published is not None
    return post.published


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


CHECK = Check(NAME, Account, interval_s, poll_account)
