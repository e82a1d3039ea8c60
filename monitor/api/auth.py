"""The API token (CONTRACT.md): with ``api.token`` set, every path but ``/healthz`` and ``/metrics`` needs
``Authorization: Bearer TOKEN``. One middleware, so that no route can forget it.

``/metrics`` has its own token (``api.metrics_token``, checked by its view) because Prometheus scrapes it
with other credentials than people and scripts use; ``/healthz`` stays open for load balancers. The token is
compared in constant time and never logged. A browser reading the status pages may instead give the token
once as ``?token=`` and then show a cookie (``monitor.api.pageauth``); the JSON API never takes the cookie.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web
from aiohttp.typedefs import Middleware

from monitor.api.pageauth import is_page, page_access

log = structlog.get_logger(__name__)

OPEN_PATHS = frozenset({"/healthz", "/metrics"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def bearer_token(request: web.Request) -> str | None:
    """The token a request presents (``Authorization: Bearer …``), None without one."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def token_middleware(token: str | None) -> Middleware:
    """A middleware that answers 401 to a request without the token (None: the API is open)."""

    @web.middleware
    async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        if token is None or request.path in OPEN_PATHS:
            return await handler(request)
        presented = bearer_token(request)
        if presented is not None and hmac.compare_digest(presented.encode(), token.encode()):
            return await handler(request)
        if presented is None and is_page(request):  # a browser: ?token= once, then a cookie (pageauth)
            return await page_access(request, handler, token)
        log.info(
            "api.unauthorized", path=request.path, method=request.method, token_given=presented is not None
        )
        body = {"error": "this API needs its token: send the header Authorization: Bearer TOKEN"}
        return web.Response(
            text=json.dumps(body, ensure_ascii=False),
            status=401,
            content_type="application/json",
            headers={"WWW-Authenticate": 'Bearer realm="govmon"'},
        )

    return require_token
