"""Delivery: any worker takes due deliveries from the outbox and sends them with apprise.

A send that fails is retried with back-off (``retry_base_s`` doubling up to ``retry_max_s``: at most a minute
between tries while a channel is down) until ``max_attempts``, then it becomes a dead letter that
``govmon notices retry`` revives: a channel that is down delays, never loses. A delivery whose sent mark
exists is never sent again, so a restart, a failover or a second worker sends nothing twice; only a worker
killed between the channel's answer and the mark may repeat one (receivers may dedupe on the notice id, which
JSON webhooks also get as the ``X-Govmon-Notice`` header). ``notify.rate_per_channel`` sends per
``rate_period_s`` per channel; the rest wait for the next period (``deferred``, not failed).

apprise is synchronous (requests, smtplib): each send runs in a thread under ``send_timeout_s``. Recipients
are logged masked; ``${VAR}`` is expanded only for the send itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import redis.asyncio as aioredis
import structlog

from monitor.clock import Clock
from monitor.engine.kv.keys import Keys
from monitor.metrics import Metrics
from monitor.notify.outbox import Delivery, Outbox
from monitor.notify.render import Message, Renderer
from monitor.notify.urls import JSON_SCHEMES, channel_id, expand, masked, scheme_of
from monitor.settings import NotifySettings

log = structlog.get_logger(__name__)

OnSent = Callable[[Delivery, Message], Awaitable[None] | None]


class _LastError(logging.Handler):
    """apprise reports why a send failed only in its log: keep the last warning/error per thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        self.local.message = record.getMessage()[:300]

    def take(self) -> str:
        message = getattr(self.local, "message", "")
        self.local.message = ""
        return str(message)


_ERRORS = _LastError()
logging.getLogger("apprise").addHandler(_ERRORS)


def with_notice_header(url: str, notice_id: str) -> str:
    """JSON webhooks get the notice id as a header (apprise's ``+Header=value`` URL arguments)."""
    if scheme_of(url) not in JSON_SCHEMES:
        return url
    return f"{url}{'&' if '?' in url else '?'}{quote('+X-Govmon-Notice')}={notice_id}"


def send_now(url: str, message: Message) -> tuple[bool, str]:
    """One synchronous send with apprise (run it in a thread); (ok, why not)."""
    import apprise

    _ERRORS.take()
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return False, "apprise cannot use this URL"
    formats = {"markdown": apprise.NotifyFormat.MARKDOWN, "html": apprise.NotifyFormat.HTML}
    fmt = formats.get(message.format, apprise.NotifyFormat.TEXT)
    # the plugin itself, not an Apprise object: it sends in this thread, so its log lines are ours
    ok = plugin.notify(body=message.body, title=message.title, body_format=fmt)
    return bool(ok), "" if ok else (_ERRORS.take() or "the channel did not accept the message")


class Deliverer:
    def __init__(
        self,
        redis: aioredis.Redis,
        keys: Keys,
        settings: NotifySettings,
        metrics: Metrics,
        clock: Clock,
        *,
        renderer: Renderer | None = None,
        on_sent: OnSent | None = None,
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._settings = settings
        self._metrics = metrics
        self._clock = clock
        self.outbox = Outbox(redis, keys)
        self._renderer = renderer or Renderer(
            settings.public_url, settings.templates, settings.markdown_schemes
        )
        self._on_sent = on_sent

    async def run(self, stop: asyncio.Event, *, until_idle: bool = False) -> None:
        """Deliver due entries every ``poll_s`` until ``stop``; ``until_idle``: return once nothing is due."""
        while not stop.is_set():
            try:
                handled = await self.deliver_due()
            except (ConnectionError, TimeoutError, OSError, aioredis.RedisError) as exc:
                log.warning("notify.outbox_unavailable", error=repr(exc))
                handled = 0
            if until_idle and handled == 0:
                return
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._settings.poll_s)

    async def deliver_due(self) -> int:
        """One pass: claim what is due (up to ``concurrency``) and send it; returns how many were handled."""
        s = self._settings
        hold_s = max(s.claim_timeout_s, s.send_timeout_s + 1)  # never re-claimed while still sending
        claimed = await self.outbox.claim(self._clock.now(), hold_s, s.concurrency)
        if claimed:
            async with asyncio.TaskGroup() as group:
                for delivery in claimed:
                    group.create_task(self._deliver(delivery))
        return len(claimed)

    async def _deliver(self, delivery: Delivery) -> None:
        s = self._settings
        notice, url = delivery.notice, delivery.recipient
        kind, scheme = notice.kind.value, scheme_of(url)
        if await self.outbox.is_sent(delivery):  # sent before a restart or by another worker: tidy up only
            await self.outbox.mark_sent(delivery, self._clock.now(), s.sent_mark_ttl_s)
            return
        if not await self._within_rate(url):
            period = s.rate_period_s
            await self.outbox.retry_later(delivery, (self._clock.now() // period + 1) * period)
            self._metrics.notices.labels(scheme, kind, "deferred").inc()
            log.info("notice.deferred", notice=notice.id, kind=kind, to=masked(url), why="rate limit")
            return
        target = expand(with_notice_header(url, notice.id))
        try:
            message = self._renderer.for_url(notice, url)
            ok, error = await asyncio.wait_for(asyncio.to_thread(send_now, target, message), s.send_timeout_s)
        except TimeoutError:
            ok, error = False, f"no answer within {s.send_timeout_s:g} s"
        except (
            Exception
        ) as exc:  # a broken user template or an apprise bug: this delivery fails, not the worker
            log.exception("notice.send_error", notice=notice.id, to=masked(url))
            ok, error = False, f"{type(exc).__name__}: {exc}"[:300]
        now = self._clock.now()
        if ok:
            await self.outbox.mark_sent(delivery, now, s.sent_mark_ttl_s)
            self._metrics.notices.labels(scheme, kind, "sent").inc()
            log.info(
                "notice.sent", notice=notice.id, kind=kind, to=masked(url), attempts=delivery.attempts + 1
            )
            if self._on_sent is not None:
                result = self._on_sent(delivery, message)
                if asyncio.iscoroutine(result):
                    await result
            return
        failed = dataclasses.replace(
            delivery, attempts=delivery.attempts + 1, error=_scrub(error, url, target)
        )
        self._metrics.notices.labels(scheme, kind, "failed").inc()
        if failed.attempts >= s.max_attempts:
            await self.outbox.bury(failed, now)
            log.warning("notice.dead", notice=notice.id, kind=kind, to=masked(url), error=failed.error)
        else:
            delay_s = min(s.retry_max_s, s.retry_base_s * 2 ** (failed.attempts - 1))
            await self.outbox.retry_later(failed, now + delay_s)
            log.info("notice.retry", notice=notice.id, to=masked(url), in_s=delay_s, error=failed.error)

    async def _within_rate(self, url: str) -> bool:
        period = self._settings.rate_period_s
        window = int(self._clock.now() // period)
        key = self._keys.notify_rate(channel_id(url), window)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, max(1, int(period * 2)))
            count, _ = await pipe.execute()
        return int(count) <= self._settings.rate_per_channel


def _scrub(error: str, *urls: str) -> str:
    """An error text safe to store and show: no URL (with its tokens) as written or expanded."""
    for url in urls:
        if url:
            error = error.replace(url, masked(url))
    return error
