"""``govmon demo``'s stand-in for the owners' channels: a JSON webhook on loopback that every simulated target's
owner points at (``json://127.0.0.1:PORT/owner/ID``), printing each notice as the owner receives it, so a
newcomer sees who hears what and in which words."""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from aiohttp import web

from monitor.engine.kv.connect import free_port


class DemoWebhook:
    def __init__(self, out: TextIO, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port()
        self.received = 0
        self._out = out
        self._runner: web.AppRunner | None = None

    def owner_url(self, target_id: str) -> str:
        return f"json://{self.host}:{self.port}/owner/{target_id}"

    async def _receive(self, request: web.Request) -> web.Response:
        envelope: dict[str, Any] = await request.json()
        try:
            text = json.loads(envelope.get("message") or "{}").get("text", "")
        except ValueError:
            text = str(envelope.get("message", ""))
        self.received += 1
        to = request.match_info.get("tail", "")
        lines = [line for line in text.splitlines()[1:] if line.strip()][:12]
        body = "\n".join(f"           | {line}" for line in lines)
        print(f"{time.strftime('%H:%M:%S')} notice   → {to}: {envelope.get('title', '')}\n{body}", file=self._out,
              flush=True)  # fmt: skip
        return web.json_response({"errcode": 0})

    async def __aenter__(self) -> DemoWebhook:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
