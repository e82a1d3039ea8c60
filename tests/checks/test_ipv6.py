"""IPv6 支持 (monitor.checks.ipv6, monitor.rules.ipv6) against real servers on ::1 and 127.0.0.1.

The ``resolve`` map gives each test name its A and AAAA records (``"127.0.0.1,::1"``), as DNS would; the
resolver that fails is a ``getaddrinfo`` that raises what a dead resolver raises. Skipped, with the reason,
where the machine has no IPv6 loopback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import structlog
import yaml
from aiohttp import web

from monitor.checks import CHECKS
from monitor.checks.base import CheckContext
from monitor.checks.ipv6 import CHECK
from monitor.clock import SystemClock
from monitor.fetch import Fetcher
from monitor.model import Site, Status
from monitor.rules.ipv6 import RULE
from monitor.settings import Settings
from tests.e2e.support import govmon


def ipv6_loopback() -> str | None:
    """Why IPv6 tests cannot run here (None: ::1 can be bound)."""
    if not socket.has_ipv6:
        return "Python was built without IPv6"
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError as error:
        return f"no IPv6 loopback (::1) on this machine: {error}"
    return None


pytestmark = pytest.mark.skipif(ipv6_loopback() is not None, reason=str(ipv6_loopback()))

PAGE = "<html><head><title>某市人民政府</title></head><body><a href='/a'>要闻</a></body></html>"


async def home(request: web.Request) -> web.Response:
    return web.Response(text=PAGE, content_type="text/html")


@contextlib.asynccontextmanager
async def servers() -> AsyncIterator[dict[str, int]]:
    """Ports: ``dual`` answers on 127.0.0.1 and ::1, ``v4`` only on 127.0.0.1 (::1 refuses), ``none``
    nowhere (both refuse)."""
    app = web.Application()
    app.router.add_get("/", home)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        for _ in range(20):  # a free port on both addresses
            v4 = web.TCPSite(runner, "127.0.0.1", 0)
            await v4.start()
            port = v4._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            try:
                await web.TCPSite(runner, "::1", port).start()
                break
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                await v4.stop()
        only_v4 = web.TCPSite(runner, "127.0.0.1", 0)
        await only_v4.start()
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as unused:  # a port nothing listens on
            unused.bind(("::1", 0))
            nowhere = unused.getsockname()[1]
        yield {"dual": port, "v4": only_v4._server.sockets[0].getsockname()[1], "none": nowhere}  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


RESOLVE = {
    "www.dual.gov.cn": "127.0.0.1,::1",
    "www.v4only.gov.cn": "127.0.0.1",
    "www.broken6.gov.cn": "127.0.0.1,::1",
    "www.down.gov.cn": "127.0.0.1,::1",
}


def sites(ports: dict[str, int]) -> list[Site]:
    rows = [("dual", "www.dual.gov.cn", "dual"), ("v4only", "www.v4only.gov.cn", "dual"),
            ("broken6", "www.broken6.gov.cn", "v4"), ("down", "www.down.gov.cn", "none"),
            ("dnsfail", "www.dnsfail.gov.cn", "dual")]  # fmt: skip
    return [Site(sid, f"{sid} 网站", f"http://{host}:{ports[p]}/", "某市") for sid, host, p in rows]


async def failing_resolver(host: str, port: Any, *, family: int, type: int) -> list[Any]:
    raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")


def settings(**ipv6: Any) -> Settings:
    return Settings.model_validate(
        {
            "resolve": RESOLVE,
            "allow_private_networks": True,
            "ipv6": {"required": True, "timeout_s": 5, **ipv6},
        }
    )


async def judge(targets: list[Site], config: Settings) -> dict[str, tuple[Status, str]]:
    async with Fetcher(
        config.fetch, allow_private=True, resolve=config.resolve, getaddrinfo=failing_resolver
    ) as fetcher:
        ctx = CheckContext(fetcher, config, SystemClock(), None, None, None, structlog.get_logger())  # type: ignore[arg-type]
        verdicts = {}
        for site in targets:
            observation = await CHECK.run(site, f"ipv6:{site.id}", ctx)
            findings = RULE.evaluate(site, {"ipv6": [observation]}, observation.observed_at + 1, config)
            verdicts[site.id] = (findings[0].status, findings[0].message) if findings else (None, "")
    return verdicts  # type: ignore[return-value]


async def test_aaaa_and_homepage_over_ipv6_judged_on_real_sockets() -> None:
    async with servers() as ports:
        verdicts = await judge(sites(ports), settings())
    assert verdicts["dual"] == (None, "")
    assert verdicts["v4only"][0] is Status.VIOLATION and "没有 AAAA 记录" in verdicts["v4only"][1]
    assert verdicts["broken6"][0] is Status.VIOLATION and "无法通过 IPv6 打开" in verdicts["broken6"][1]
    assert "connection_refused" in verdicts["broken6"][1]
    # down over both: the site's availability, not its IPv6, is the problem
    assert verdicts["down"][0] is Status.UNVERIFIED and "IPv6 和 IPv4 均无法打开" in verdicts["down"][1]
    # the resolver could not be asked: nothing is known about the AAAA record
    assert verdicts["dnsfail"][0] is Status.UNVERIFIED and "无法查询" in verdicts["dnsfail"][1]
    assert "Temporary failure" in verdicts["dnsfail"][1]


def test_off_by_default_and_only_in_the_regions_named() -> None:
    site = Site("x", "x", "https://www.x.gov.cn/", "长沙市")
    assert "ipv6" in CHECKS
    assert not CHECK.applies_to(site) and not CHECK.applies_to(site, Settings())
    assert CHECK.applies_to(site, settings())
    assert CHECK.applies_to(site, settings(regions=["长沙市"]))
    assert not CHECK.applies_to(dataclasses.replace(site, region="株洲市"), settings(regions=["长沙市"]))
    observation_free = {"ipv6": []}
    assert RULE.evaluate(site, observation_free, 0.0, settings()) == []  # not checked yet: nothing judged


async def test_govmon_check_reports_ipv6_only_where_required(tmp_path: Path) -> None:
    async with servers() as ports:
        rows = [s for s in sites(ports) if s.id in ("dual", "v4only", "broken6")]
        inventory = {
            "sites": [{"id": s.id, "name": s.name, "url": s.url, "region": s.region} for s in rows],
            "resolve": RESOLVE,
            "allow_private_networks": True,
        }
        plain = tmp_path / "plain.yaml"
        plain.write_text(yaml.safe_dump(inventory, allow_unicode=True), encoding="utf-8")
        required = tmp_path / "ipv6.yaml"
        required.write_text(
            yaml.safe_dump({**inventory, "ipv6": {"required": True}}, allow_unicode=True), encoding="utf-8"
        )
        _, off, err_off = await govmon("check", "-c", str(plain), "--json", data_dir=tmp_path / "d1")
        _, on, err_on = await govmon("check", "-c", str(required), "--json", data_dir=tmp_path / "d2")
    assert off and on, err_off[-1000:] + err_on[-1000:]
    assert not [f for f in json.loads(off) if f["code"] == "site.ipv6_missing"]
    found = {(f["target"], f["status"]) for f in json.loads(on) if f["code"] == "site.ipv6_missing"}
    assert found == {("v4only", "violation"), ("broken6", "violation")}
