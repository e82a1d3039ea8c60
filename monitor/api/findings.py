"""``/api/findings``: GET lists findings with their lifecycle (CONTRACT.md's JSON and filters), POST enters
a finding from a manual inspection (behind the API token when one is set, like everything but /healthz
and /metrics).

Bad input answers 400 with a message naming the field and what is allowed, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from aiohttp import web

from monitor.engine.lifecycle import Lifecycle, LifecycleError
from monitor.engine.manual import manual_finding
from monitor.model import Severity, State, Status
from monitor.runtime import Runtime

log = structlog.get_logger(__name__)

FILTERS = ("target", "code", "severity", "status", "state", "region")
ALLOWED = {
    "severity": tuple(s.value for s in Severity),
    "status": tuple(s.value for s in Status),
    "state": tuple(s.value for s in State),
}
POST_FIELDS = ("target", "code", "evidence", "note", "status", "by")
POST_REQUIRED = ("target", "code", "evidence", "note")


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, indent=1), status=status, content_type="application/json"
    )


def _error(message: str) -> web.Response:
    return _json({"error": message}, status=400)


def filter_problem(query: Any) -> str | None:
    """What is wrong with a query's filters (an unknown name or value), None when they are usable."""
    unknown = sorted(set(query) - set(FILTERS))
    if unknown:
        return f"unknown filter {unknown[0]!r}; use {', '.join(FILTERS)}"
    for name, allowed in ALLOWED.items():
        value = query.get(name)
        if value and value not in allowed:
            return f"unknown {name} {value!r}; use one of {', '.join(allowed)}"
    return None


def add_routes(router: web.UrlDispatcher, runtime: Runtime) -> None:
    async def list_findings(request: web.Request) -> web.Response:
        problem = filter_problem(request.query)
        if problem:
            return _error(problem)
        filters = {name: request.query.get(name) or None for name in FILTERS}
        findings = await runtime.findings().query(**filters)
        findings.sort(key=lambda f: (f.region, f.target, f.code, f.id))
        return _json([f.to_json() for f in findings])

    async def add_finding(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error("the body must be a JSON object: {target, code, evidence, note[, status, by]}")
        if not isinstance(body, dict):
            return _error("the body must be a JSON object: {target, code, evidence, note[, status, by]}")
        unknown = sorted(set(body) - set(POST_FIELDS))
        if unknown:
            return _error(f"unknown field {unknown[0]!r}; use {', '.join(POST_FIELDS)}")
        missing = [name for name in POST_REQUIRED if not isinstance(body.get(name), str) or not body[name]]
        if missing:
            return _error(f"missing field {missing[0]!r} (a non-empty string)")
        by = body.get("by") or "api"
        if not isinstance(by, str) or not isinstance(body.get("status", ""), str):
            return _error("by and status must be strings")
        now = runtime.clock.now()
        try:
            finding = manual_finding(
                runtime.targets,
                body["target"],
                body["code"],
                body["evidence"],
                body["note"],
                now,
                status=body.get("status") or Status.VIOLATION.value,
            )
            lifecycle = Lifecycle(runtime.redis, runtime.keys, runtime.settings.findings)
            await lifecycle.add(finding, by, finding.message, now)
        except LifecycleError as exc:
            return _error(str(exc))
        log.info("api.finding_added", target=finding.target, code=finding.code, id=finding.id)
        stored = await runtime.findings().get(finding.id)
        return _json((stored or finding).to_json(), status=201)

    router.add_get("/api/findings", list_findings)
    router.add_post("/api/findings", add_finding)
