"""A browser's way past the API token to the status pages: the token once in the address, then a cookie.

A browser cannot send ``Authorization: Bearer``, and the link an owner gets from ops must open the page.
So, for the pages only (GET or HEAD of ``/``, ``/targets/…`` and the evidence snapshots they link), the
token middleware (``monitor.api.auth``) hands a request without a bearer token to ``page_access``:

- ``?token=TOKEN`` (right): a 303 to the same page without the token in its address (nor in history,
  bookmarks or a Referer), setting a cookie;
- the cookie (right): the page;
- otherwise: a 401 page in Chinese saying how to get in.

The cookie holds an HMAC of the token, not the token: a stolen cookie reads pages and nothing else (the
JSON API and every POST still need the bearer token, so no cross-site form can use it), and changing the
token ends every cookie. HttpOnly (no script reads it), SameSite=Lax (a link from an e-mail or a chat
carries it; a cross-site POST does not), Secure when the request came over TLS.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from monitor.api.pages import render

log = structlog.get_logger(__name__)

COOKIE = "govmon_pages"
COOKIE_MAX_AGE_S = 30 * 86400
"""A month: an owner opens the link from ops once a quarter's work, not once a visit."""
QUERY = "token"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


PAGE_PREFIXES = ("/targets/", "/api/evidence/")
"""Besides ``/``: the target pages, and the evidence snapshots they link (served inert by
``monitor.api.evidence``: text, or HTML under a sandbox CSP)."""


def is_page(request: web.Request) -> bool:
    """A read of a status page or a snapshot it links (the JSON API and every write keep to the bearer)."""
    return request.method in ("GET", "HEAD") and (
        request.path == "/" or request.path.startswith(PAGE_PREFIXES)
    )


def cookie_value(token: str) -> str:
    return hmac.new(token.encode(), b"govmon status pages", hashlib.sha256).hexdigest()


def _equal(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _secure(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


async def page_access(request: web.Request, handler: Handler, token: str) -> web.StreamResponse:
    """A status page requested without a bearer token: the cookie, the token once in the address, or 401."""
    if _equal(request.cookies.get(COOKIE, ""), cookie_value(token)):
        return await handler(request)
    given = request.query.get(QUERY)
    if given is not None and _equal(given, token):
        kept = [(name, value) for name, value in request.query.items() if name != QUERY]
        response = web.Response(
            status=303,
            headers={"Location": str(request.rel_url.with_query(kept)), "Referrer-Policy": "no-referrer"},
        )
        response.set_cookie(
            COOKIE,
            cookie_value(token),
            max_age=COOKIE_MAX_AGE_S,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=_secure(request),
        )
        log.info("pages.cookie_set", path=request.path)
        return response
    log.info("pages.unauthorized", path=request.path, token_given=given is not None)
    return render("unauthorized.html", 401, wrong_token=given is not None)
