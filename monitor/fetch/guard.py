"""SSRF guard: which addresses the fetcher may connect to, checked after DNS resolution.

govmon fetches URLs that come from pages it does not control (links, redirects, feeds), so a hostile
page could point it at the worker's own network: a Redis on 127.0.0.1, an intranet on 10.x, the cloud
metadata service. The guard therefore judges the *address* a name resolves to, not the name, and runs
inside aiohttp's connector as its resolver: the address checked is the address connected to, so DNS
rebinding between a check and the connect cannot slip through. IP-literal URLs never reach a resolver
(aiohttp connects to them directly), so the fetcher calls :meth:`AddressPolicy.check_host` on every hop.

The ``resolve`` map (``{host: address}``, like ``curl --resolve``) is applied here as well; it is how
the simulator's loopback servers get real ``.gov.cn`` names. A mapped address is judged like any other.
As with curl, a host may map to several addresses, comma-separated (``"127.0.0.5,::1"``: an A and an AAAA
record): a connection asked for one family (the IPv6 check's) gets that family's, any other gets the first.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Cloud metadata services hand out credentials; no government website lives there, so they are blocked
# even when private networks are allowed.
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
CGNAT = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT: not reachable from the Internet


class BlockedAddressError(OSError):
    """Raised by the resolver for a blocked address. An ``OSError``, so aiohttp wraps it in its
    ``ClientConnectorDNSError`` and ``monitor.fetch.errors`` finds it again as the cause."""

    def __init__(self, host: str, address: str, why: str) -> None:
        super().__init__(f"{host} resolves to {address}, {why}: blocked")
        self.host = host
        self.address = address
        self.why = why


def address_category(address: IPAddress) -> str | None:
    """What makes an address non-public (``"loopback"``, ``"private"`` …), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_category(address.ipv4_mapped)  # ::ffff:127.0.0.1 is 127.0.0.1
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in CGNAT:
        return "a carrier-grade NAT address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "a non-global address"
    return None


def mapped_addresses(value: str) -> tuple[str, ...]:
    """The addresses of one ``resolve`` entry: ``"127.0.0.5"`` or ``"127.0.0.5,::1"``."""
    return tuple(part.strip() for part in value.split(",") if part.strip())


@functools.lru_cache(maxsize=8192)
def parse_ip(host: str) -> IPAddress | None:
    """The address of an IP-literal host (``[::1]`` or ``::1``), or None for a name. Cached: it runs on
    every hop of every fetch, and ``ipaddress`` showed in the pipeline's profile."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


class AddressPolicy:
    """Which addresses may be connected to.

    ``allow_private`` (``allow_private_networks`` / ``GOVMON_ALLOW_PRIVATE_NETWORKS=1``) opens every
    non-public address but the metadata services. ``allow_networks`` opens only the networks named, for a
    deployment that must reach one intranet (政务外网) while still refusing loopback and the rest.
    """

    def __init__(self, *, allow_private: bool, allow_networks: Iterable[str] = ()) -> None:
        self.allow_private = allow_private
        self.allow_networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(net, strict=False) for net in allow_networks
        )

    def why_blocked(self, address: IPAddress) -> str | None:
        """Why connecting to ``address`` is refused, or None when it is allowed."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address in METADATA_ADDRESSES:
            return "a cloud metadata address"
        category = address_category(address)
        if category is None or self.allow_private:
            return None
        if any(address.version == net.version and address in net for net in self.allow_networks):
            return None
        return category

    def check_host(self, host: str) -> str | None:
        """For an IP-literal URL host, why it is blocked (None when allowed or when ``host`` is a name;
        names are judged by :class:`GuardedResolver` once resolved)."""
        address = parse_ip(host)
        if address is None:
            return None
        why = self.why_blocked(address)
        return f"{address} is {why}" if why else None


class GuardedResolver(AbstractResolver):
    """aiohttp resolver: the ``resolve`` map first, else ``fallback`` (the system resolver), then the
    policy. Blocked addresses are dropped; when none is left the lookup fails with BlockedAddressError,
    so a name resolving to both a public and a private address is only ever connected on the public one.
    """

    def __init__(
        self,
        policy: AddressPolicy,
        resolve: Mapping[str, str] | None = None,
        fallback: AbstractResolver | None = None,
    ) -> None:
        self._policy = policy
        self._resolve = {
            host.lower().rstrip("."): mapped_addresses(address) for host, address in (resolve or {}).items()
        }
        self._fallback = fallback

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        mapped = self._resolve.get(host.lower().rstrip("."))
        if mapped and all(parse_ip(address) is not None for address in mapped):
            results = [_result(host, address, port) for address in _for_family(mapped, family)]
            if not results:
                raise OSError(f"{host} has no {'IPv6' if family == socket.AF_INET6 else 'IPv4'} address")
        else:
            results = await self._resolver().resolve(mapped[0] if mapped else host, port, family)
        allowed: list[ResolveResult] = []
        refused: tuple[str, str] | None = None
        for result in results:
            address = parse_ip(result["host"])
            why = self._policy.why_blocked(address) if address is not None else "not an address"
            if why is None:
                allowed.append({**result, "hostname": host})
            elif refused is None:
                refused = (result["host"], why)
        if not allowed:
            if refused is None:
                raise OSError(f"{host} resolves to no address")
            raise BlockedAddressError(host, *refused)
        return allowed

    async def close(self) -> None:
        if self._fallback is not None:
            await self._fallback.close()

    def _resolver(self) -> AbstractResolver:
        if self._fallback is None:
            self._fallback = ThreadedResolver()
        return self._fallback


def _for_family(addresses: tuple[str, ...], family: socket.AddressFamily) -> tuple[str, ...]:
    """The mapped addresses a connection of ``family`` uses: that family's, or the first for any family."""
    if family in (socket.AF_INET, socket.AF_INET6):
        version = 6 if family == socket.AF_INET6 else 4
        return tuple(a for a in addresses if (ip := parse_ip(a)) is not None and ip.version == version)
    return addresses[:1]


def _result(host: str, address: str, port: int) -> ResolveResult:
    ip = parse_ip(address)
    family: Any = socket.AF_INET6 if ip is not None and ip.version == 6 else socket.AF_INET
    return ResolveResult(
        hostname=host,
        host=str(ip) if ip is not None else address,
        port=port,
        family=family,
        proto=0,
        flags=socket.AI_NUMERICHOST,
    )
