"""Real receivers on loopback: a JSON webhook that can be down for a while, an SMTP server (aiosmtpd), a
DingTalk-shaped Markdown robot reached through a custom apprise schema (apprise's dingtalk:// posts only to
oapi.dingtalk.com, so chat Markdown is tested on loopback this way and through json://)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email
import email.policy
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from monitor.engine.kv.connect import free_port
from monitor.model import SHANGHAI, EventKind, Finding, FindingEvent, Severity, Status

T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)


def finding(
    target: str = "4300000001",
    code: str = "site.unreachable",
    *,
    severity: Severity = Severity.VETO,
    status: Status = Status.VIOLATION,
    due: dt.datetime | None = None,
    at: dt.datetime = T0,
    region: str = "长沙市",
    url: str = "",
    **extra: Any,
) -> Finding:
    evidence = {"url": url or f"https://{target}.gov.cn/", "http_status": 503}
    return Finding(
        target, "site", f"站点{target}", region, code, severity, status, f"{code} 的情况", at, evidence=evidence,
        due=due, first_seen=extra.pop("first_seen", at), **extra,
    )  # fmt: skip


def event(kind: EventKind, f: Finding, at: dt.datetime = T0, previous: Status | None = None) -> FindingEvent:
    return FindingEvent(kind, f, at.timestamp(), previous_status=previous)


@dataclasses.dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float


class Receiver:
    """An HTTP receiver on 127.0.0.1: records every POST; ``down_until`` (monotonic) answers 503 until then;
    ``hold_s`` keeps the first request waiting before answering (a worker can be killed meanwhile)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.refused = 0
        self.down_until = 0.0
        self.hold_s = 0.0
        self.on_receive: Callable[[Received], None] | None = None
        self._runner: web.AppRunner | None = None

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    @property
    def base(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        if time.monotonic() < self.down_until:
            self.refused += 1
            return web.Response(status=503, text="down")
        body = await request.json()
        got = Received(request.path, dict(request.headers), body, time.time())
        if self.hold_s:
            hold, self.hold_s = self.hold_s, 0.0
            self.received.append(got)
            await asyncio.sleep(hold)
            return web.json_response({"errcode": 0})
        self.received.append(got)
        if self.on_receive:
            self.on_receive(got)
        return web.json_response({"errcode": 0})

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    def payloads(self) -> list[dict[str, Any]]:
        """The notices as a ticket system reads them: apprise's envelope ``message`` holds our JSON."""
        return [json.loads(r.body["message"]) for r in self.received if r.path != "/robot"]

    async def wait_for(self, count: int, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"only {len(self.received)} of {count} messages arrived"
            await asyncio.sleep(0.02)


class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback; messages parsed as an owner's mail client would."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def url(self, to: str = "owner@example.gov.cn") -> str:
        return f"mailto://127.0.0.1:{self.port}?mode=insecure&from=govmon@example.gov.cn&to={to}"

    def __enter__(self) -> Mailbox:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def register_robot_schema(receiver: Receiver, scheme: str = "dtloop") -> None:
    """A DingTalk-shaped robot on loopback: apprise hands it the Markdown body as it would to dingtalk://."""
    import apprise
    import requests

    @apprise.decorators.notify(on=scheme, name="loopback robot")
    def robot(
        body: str, title: str, notify_type: Any, meta: dict[str, Any], *args: Any, **kwargs: Any
    ) -> bool:
        host = f"{meta['host']}:{meta['port']}"
        payload = {"msgtype": "markdown", "markdown": {"title": title, "text": body}}
        return requests.post(f"http://{host}/robot", json=payload, timeout=5).ok
