"""``GET /api/evidence/HASH``: one evidence snapshot (``monitor.engine.evidence``), as govmon saw the page.

The page comes from a site that may be hacked, so it is served inert: as text by default
(``text/plain``, ``nosniff``); ``?format=html`` renders it under a Content-Security-Policy ``sandbox``
that runs no script, loads nothing and submits nothing; ``?format=json`` gives the snapshot's facts and text.
Personal data was masked before the snapshot was stored. With ``api.token`` set the token is needed
(the API's auth middleware runs first).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from aiohttp import web

from monitor.clock import to_datetime
from monitor.engine.evidence import HASH_PATTERN, EvidenceStore
from monitor.runtime import Runtime

INERT = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, max-age=86400, immutable",
}


def add_routes(router: web.UrlDispatcher, runtime: Runtime) -> None:
    store = EvidenceStore(
        runtime.redis,
        runtime.keys,
        budget_bytes=runtime.settings.evidence.budget_bytes,
        retention_days=runtime.settings.evidence.retention_days,
    )

    async def evidence_view(request: web.Request) -> web.Response:
        digest = request.match_info["digest"].lower()
        if not HASH_PATTERN.match(digest):
            return web.json_response({"error": "a snapshot is named by 64 hex digits (SHA-256)"}, status=400)
        snapshot = await store.get(digest)
        if snapshot is None:
            return web.json_response(
                {"error": "no such snapshot (never stored, or past its budget or quarter)"}, status=404
            )
        facts = {
            "snapshot": snapshot.digest,
            "url": snapshot.url,
            "status": snapshot.status,
            "observed_at": to_datetime(snapshot.observed_at).isoformat(timespec="seconds"),
            "content_type": snapshot.content_type,
            "stored_bytes": snapshot.stored_bytes,
        }
        fmt = request.query.get("format", "text")
        if fmt == "json":
            body = json.dumps(facts | {"text": snapshot.text}, ensure_ascii=False, indent=1)
            return web.Response(text=body, content_type="application/json", headers=INERT)
        headers = INERT | {
            "X-Govmon-Url": quote(snapshot.url, safe=":/?&=#%+@,;~"),
            "X-Govmon-Observed-At": str(facts["observed_at"]),
        }
        if fmt == "html" and snapshot.content_type.startswith("text/html"):
            return web.Response(text=snapshot.text, content_type="text/html", headers=headers)
        return web.Response(text=snapshot.text, content_type="text/plain", headers=headers)

    router.add_get("/api/evidence/{digest}", evidence_view)
