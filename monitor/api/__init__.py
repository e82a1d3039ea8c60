"""HTTP: ``/metrics``, ``/healthz``, ``/api/findings``, ``/api/targets`` (CONTRACT.md, default 127.0.0.1:9731).

With ``api.token`` set, everything but ``/healthz`` and ``/metrics`` needs it (``monitor.api.auth``).

Counters (jobs, fetches, probes) are per process: every process with ``--listen`` serves its own, and
Prometheus sums them. Gauges of shared state (queue depth, findings) are read from Redis at scrape time,
only by processes serving the API role, so that summing never counts them twice.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections import Counter
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from monitor.api import evidence as evidence_api
from monitor.api import findings as findings_api
from monitor.api import targets as targets_api
from monitor.api.auth import token_middleware
from monitor.api.compliance import Compliance, ComplianceCollector
from monitor.api.pages import StatusPages
from monitor.engine.queue import JobQueue
from monitor.engine.schedule import Schedule
from monitor.runtime import Runtime

log = structlog.get_logger(__name__)
RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime")
SHARED_GAUGES: web.AppKey[bool] = web.AppKey("shared_gauges")
COMPLIANCE: web.AppKey[Compliance] = web.AppKey("compliance")


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=1), status=status, content_type="application/json"
    )


async def refresh_shared_gauges(runtime: Runtime) -> None:
    metrics = runtime.metrics
    queue = JobQueue(runtime.redis, runtime.keys, metrics, runtime.settings.engine)
    backlog, pending = await queue.depth()
    metrics.queue_backlog.set(backlog)
    metrics.queue_pending.set(pending)
    metrics.deadletter_size.set(await queue.deadletter_size())
    schedule = Schedule(runtime.redis, runtime.keys, metrics, runtime.clock)
    now = runtime.clock.now()
    overdue, oldest_due = await schedule.overdue(now)
    metrics.schedule_overdue.set(overdue)
    metrics.queue_lag_seconds.set(max(0.0, now - oldest_due) if oldest_due is not None else 0.0)
    from monitor.notify.outbox import Outbox

    waiting, oldest_at, dead = await Outbox(runtime.redis, runtime.keys).depth()
    metrics.outbox_depth.set(waiting)
    metrics.outbox_oldest_seconds.set(max(0.0, now - oldest_at) if oldest_at is not None else 0.0)
    metrics.notices_dead.set(dead)
    findings = await runtime.findings().query()
    counts = Counter((f.code, f.severity.value, f.status.value) for f in findings)
    metrics.findings.clear()
    for (code, severity, status), count in counts.items():
        metrics.findings.labels(code, severity, status).set(count)


def metrics_authorized(request: web.Request, token: str | None) -> bool:
    """``api.metrics_token`` set: a scrape must carry ``Authorization: Bearer <token>``."""
    if token is None:
        return True
    return hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}")


async def metrics_view(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    if not metrics_authorized(request, runtime.settings.api.metrics_token()):
        return web.Response(
            status=401, text="401: a bearer token is required\n", headers={"WWW-Authenticate": "Bearer"}
        )
    if request.app[SHARED_GAUGES]:
        try:
            await refresh_shared_gauges(runtime)
        except Exception as exc:  # a Redis hiccup must not hide the process' own counters
            log.warning("metrics.refresh_failed", error=str(exc))
        try:
            await request.app[COMPLIANCE].refresh(runtime)
        except Exception as exc:  # the previous snapshot is served
            log.warning("metrics.compliance_failed", error=str(exc))
    body = generate_latest(runtime.metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def healthz_view(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        async with asyncio.timeout(2):
            await runtime.redis.ping()
    except Exception as exc:
        return _json({"status": "unhealthy", "redis": str(exc)}, status=503)
    return _json({"status": "ok", "redis": "ok"})


def build_app(runtime: Runtime, *, shared_gauges: bool = True) -> web.Application:
    app = web.Application(middlewares=[token_middleware(runtime.settings.api.token())])
    app[RUNTIME] = runtime
    app[SHARED_GAUGES] = shared_gauges
    app[COMPLIANCE] = Compliance()
    if shared_gauges:
        collector = ComplianceCollector(app[COMPLIANCE])
        runtime.metrics.registry.register(collector)

        async def unregister(_: web.Application) -> None:
            runtime.metrics.registry.unregister(collector)

        app.on_cleanup.append(unregister)
    app.router.add_get("/metrics", metrics_view)
    app.router.add_get("/healthz", healthz_view)
    findings_api.add_routes(app.router, runtime)
    evidence_api.add_routes(app.router, runtime)
    targets_api.add_routes(app.router, runtime)
    StatusPages(runtime).add_to(app.router)
    return app


async def serve(
    runtime: Runtime, stop: asyncio.Event, listen: tuple[str, int], *, shared_gauges: bool = True
) -> None:
    runner = web.AppRunner(build_app(runtime, shared_gauges=shared_gauges), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, listen[0], listen[1])
    await site.start()
    log.info("api.listening", host=listen[0], port=listen[1])
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
