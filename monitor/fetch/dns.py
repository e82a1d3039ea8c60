"""Asking DNS for a name's addresses of one family, telling "the name has none" from "DNS could not be asked".

IPv6 支持 (国办秘函〔2019〕19号) is judged on the AAAA record: a name with none is a finding, but a resolver
that times out or fails says nothing about the site, and must not become one (``Lookup.error``: the rule
says ``unverified``). The ``resolve`` map (``{host: "127.0.0.5,::1"}``, like curl's ``--resolve``) answers
first, so the simulator's names have the records a test gives them; an IP-literal host is its own answer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from monitor.fetch.guard import mapped_addresses, parse_ip

GetAddrInfo = Callable[..., Awaitable[list[tuple[Any, ...]]]]
"""``loop.getaddrinfo``'s shape: ``(host, port, *, family, type)`` → addrinfo tuples."""

NO_RECORD_ERRORS = frozenset(
    code
    for code in (
        getattr(socket, "EAI_NONAME", None),  # no such name (NXDOMAIN)
        getattr(socket, "EAI_NODATA", None),  # the name exists, without a record of that family
        getattr(socket, "EAI_ADDRFAMILY", None),  # the same, as some resolvers say it
    )
    if code is not None
)
"""Answers that say the record does not exist; every other resolver error means it could not be asked."""


@dataclasses.dataclass(frozen=True, slots=True)
class Lookup:
    """The addresses of one family (empty: the name has none), or ``error``: why DNS could not answer."""

    addresses: tuple[str, ...] = ()
    error: str | None = None


def _of_family(addresses: tuple[str, ...], family: socket.AddressFamily) -> tuple[str, ...]:
    version = 6 if family == socket.AF_INET6 else 4
    kept = []
    for address in addresses:
        ip = parse_ip(address)
        if ip is not None and ip.version == version and address not in kept:
            kept.append(address)
    return tuple(kept)


async def lookup(
    host: str,
    family: socket.AddressFamily,
    *,
    resolve: Mapping[str, str],
    getaddrinfo: GetAddrInfo,
    timeout_s: float,
) -> Lookup:
    """The ``family`` addresses of ``host`` (AF_INET6: its AAAA records)."""
    name = host.lower().rstrip(".").strip("[]")
    mapped = {h.lower().rstrip("."): a for h, a in resolve.items()}.get(name)
    if mapped is not None:
        return Lookup(_of_family(mapped_addresses(mapped), family))
    if parse_ip(name) is not None:
        return Lookup(_of_family((name,), family))
    try:
        async with asyncio.timeout(timeout_s):
            infos = await getaddrinfo(name, None, family=family, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        if error.errno in NO_RECORD_ERRORS:
            return Lookup()
        return Lookup(error=f"the resolver failed for {name}: {error.strerror or error}")
    except TimeoutError:
        return Lookup(error=f"the resolver did not answer for {name} within {timeout_s:g} s")
    except OSError as error:
        return Lookup(error=f"the resolver failed for {name}: {error}")
    found = tuple(str(info[4][0]) for info in infos if info[0] == family)
    if family == socket.AF_INET6:  # an IPv4 address mapped into IPv6 is no AAAA record
        found = tuple(
            a for a in found if (ip := parse_ip(a)) is not None and not getattr(ip, "ipv4_mapped", None)
        )
    return Lookup(_of_family(found, family))
