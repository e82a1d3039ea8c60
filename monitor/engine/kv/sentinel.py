"""``redis+sentinel://`` URLs (CONTRACT.md): Redis high availability through Sentinel.

Grammar: ``redis+sentinel://[[USER]:PASSWORD@]HOST:PORT[,HOST:PORT…]/SERVICE[/DB][?sentinel_password=…]``.
The password is the master's; the sentinels' comes from the query. redis-py's Sentinel client asks the
sentinels for the current master on every new connection, so after a failover the next command that
fails on the old master's connection reconnects to the promoted replica (the roles already retry a
failed Redis call: the worker releases its jobs, the scheduler's lease lapses and is taken again).
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs, unquote

import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel

SCHEME = "redis+sentinel"


class SentinelUrlError(ValueError):
    """A ``redis+sentinel://`` URL that does not follow the grammar; the message says what is wrong."""


@dataclasses.dataclass(frozen=True, slots=True)
class SentinelUrl:
    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_password: str | None = None


def is_sentinel_url(url: str) -> bool:
    return url.lower().startswith(f"{SCHEME}://")


def parse_sentinel_url(url: str) -> SentinelUrl:
    """Split a Sentinel URL by hand: ``urllib`` cannot read a comma-separated list of host:port pairs."""
    if not is_sentinel_url(url):
        raise SentinelUrlError(f"expected {SCHEME}://…, got {url.split('://', 1)[0]}://")
    rest = url[len(SCHEME) + 3 :]
    rest, _, query = rest.partition("?")
    location, _, path = rest.partition("/")
    credentials, at, hosts = location.rpartition("@")
    username = password = None
    if at:
        user, colon, secret = credentials.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if colon else None
    sentinels = tuple(_host_port(part) for part in hosts.split(",") if part)
    if not sentinels:
        raise SentinelUrlError("no sentinel HOST:PORT given")
    service, _, db_text = path.partition("/")
    if not service:
        raise SentinelUrlError("no service name: write …/SERVICE after the sentinels, e.g. /govmon/0")
    db_text = db_text.strip("/")
    if db_text and not db_text.isdigit():
        raise SentinelUrlError(f"database must be a number, got {db_text!r}")
    options = parse_qs(query)
    unknown = sorted(set(options) - {"sentinel_password"})
    if unknown:
        raise SentinelUrlError(f"unknown option {unknown[0]!r}; the only one is sentinel_password")
    sentinel_password = options.get("sentinel_password", [None])[-1]
    return SentinelUrl(sentinels, unquote(service), int(db_text or 0), username, password, sentinel_password)


def _host_port(text: str) -> tuple[str, int]:
    host, colon, port = text.rpartition(":")
    if not colon or not port.isdigit():
        raise SentinelUrlError(f"sentinel {text!r}: expected HOST:PORT (Sentinel's default port is 26379)")
    return host.strip("[]"), int(port)


def sentinel_client(url: str, **connection_kwargs: Any) -> aioredis.Redis:
    """A client of the service's current master, rediscovered through the sentinels on reconnect."""
    parsed = parse_sentinel_url(url)
    sentinel_kwargs: dict[str, Any] = {
        "socket_connect_timeout": connection_kwargs.get("socket_connect_timeout")
    }
    if parsed.sentinel_password:
        sentinel_kwargs["password"] = parsed.sentinel_password
    sentinel = Sentinel(parsed.sentinels, sentinel_kwargs=sentinel_kwargs, **connection_kwargs)
    return sentinel.master_for(
        parsed.service, db=parsed.db, username=parsed.username, password=parsed.password
    )
