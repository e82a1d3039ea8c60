"""The SSRF guard: addresses are judged after resolution, on every hop, IP literals included.

Only loopback addresses ever see traffic here: 10.x, 169.254.169.254 and other private or public
addresses are checked through the resolver and the policy directly, never by connecting.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from monitor.fetch.guard import AddressPolicy, BlockedAddressError, GuardedResolver, address_category
from monitor.model import FailureReason
from tests.fetch.conftest import FetcherFn, ServeFn


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.1", "a private address"),
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("169.254.1.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("100.64.0.1", "a carrier-grade NAT address"),
        ("fc00::1", "a private address"),
        ("240.0.0.1", "a reserved address"),
        ("::ffff:127.0.0.1", "a loopback address"),  # IPv4-mapped IPv6 is the IPv4 address
        ("::ffff:10.0.0.1", "a private address"),
        ("202.96.0.1", None),  # public
        ("2400:da00::6666", None),
    ],
)
def test_address_categories(address: str, category: str | None) -> None:
    assert address_category(ipaddress.ip_address(address)) == category


def test_policy_blocks_non_public_unless_allowed_but_metadata_always() -> None:
    closed = AddressPolicy(allow_private=False)
    open_ = AddressPolicy(allow_private=True)
    for address in ("10.0.0.1", "127.0.0.1", "::1", "100.64.1.1"):
        ip = ipaddress.ip_address(address)
        assert closed.why_blocked(ip) is not None
        assert open_.why_blocked(ip) is None
    metadata = ipaddress.ip_address("169.254.169.254")
    assert open_.why_blocked(metadata) == "a cloud metadata address"
    assert open_.why_blocked(ipaddress.ip_address("::ffff:169.254.169.254")) == "a cloud metadata address"


def test_policy_allow_networks_opens_only_those() -> None:
    policy = AddressPolicy(allow_private=False, allow_networks=("10.20.0.0/16",))
    assert policy.why_blocked(ipaddress.ip_address("10.20.3.4")) is None
    assert policy.why_blocked(ipaddress.ip_address("10.21.3.4")) == "a private address"
    assert policy.why_blocked(ipaddress.ip_address("127.0.0.1")) == "a loopback address"


def test_check_host_judges_ip_literals_and_leaves_names_to_the_resolver() -> None:
    policy = AddressPolicy(allow_private=False)
    assert policy.check_host("10.0.0.1") == "10.0.0.1 is a private address"
    assert policy.check_host("[::1]") == "::1 is a loopback address"
    assert policy.check_host("169.254.169.254") == "169.254.169.254 is a cloud metadata address"
    assert policy.check_host("202.96.0.1") is None
    assert policy.check_host("www.hunan.gov.cn") is None


class FakeDNS(AbstractResolver):
    """What a public DNS might answer, without asking one."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        return [
            ResolveResult(hostname=host, host=a, port=port, family=socket.AF_INET, proto=0, flags=0)
            for a in self.answers[host]
        ]

    async def close(self) -> None:
        pass


async def test_public_name_resolving_to_private_address_is_blocked() -> None:
    dns = FakeDNS({"www.rebind.example": ["10.0.0.7"]})
    resolver = GuardedResolver(AddressPolicy(allow_private=False), fallback=dns)

    with pytest.raises(BlockedAddressError) as caught:
        await resolver.resolve("www.rebind.example", 80)

    assert caught.value.address == "10.0.0.7"
    assert "10.0.0.7" in str(caught.value)


async def test_only_public_addresses_of_a_mixed_answer_are_returned() -> None:
    dns = FakeDNS({"www.mixed.example": ["127.0.0.1", "202.96.0.1"]})
    resolver = GuardedResolver(AddressPolicy(allow_private=False), fallback=dns)

    results = await resolver.resolve("www.mixed.example", 443)

    assert [r["host"] for r in results] == ["202.96.0.1"]


async def test_resolve_map_wins_over_dns_and_is_judged_too() -> None:
    dns = FakeDNS({})
    mapping = {"WWW.Example.GOV.CN": "10.9.8.7", "metadata.example.gov.cn": "169.254.169.254"}
    closed = GuardedResolver(AddressPolicy(allow_private=False), mapping, fallback=dns)
    opened = GuardedResolver(AddressPolicy(allow_private=True), mapping, fallback=dns)

    with pytest.raises(BlockedAddressError):
        await closed.resolve("www.example.gov.cn", 80)
    [result] = await opened.resolve("www.example.gov.cn", 8080)
    with pytest.raises(BlockedAddressError):
        await opened.resolve("metadata.example.gov.cn", 80)

    assert (result["host"], result["port"], result["hostname"]) == ("10.9.8.7", 8080, "www.example.gov.cn")
    assert dns.asked == []


# ------------------------------------------------------------------------------ through the fetcher
async def test_loopback_ip_literals_blocked_when_private_not_allowed(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    site = await serve({"/": _ok})
    fetcher = await make_fetcher(allow_private=False)

    result = await fetcher.get(site.url("/"))

    assert result.failure is FailureReason.BLOCKED_ADDRESS
    assert "127.0.0.1" in result.detail
    assert site.hits.total() == 0


async def test_ipv6_loopback_blocked(make_fetcher: FetcherFn, closed_port: int) -> None:
    fetcher = await make_fetcher(allow_private=False)

    result = await fetcher.probe(f"http://[::1]:{closed_port}/", timeout_s=1.0)

    assert result.failure is FailureReason.BLOCKED_ADDRESS  # refused by the guard, not by the port
    assert "::1" in result.detail


async def test_mapped_name_blocked_when_not_allowed_and_fetched_when_allowed(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    hosts: list[str] = []

    async def home(request: web.Request) -> web.Response:
        hosts.append(request.host)
        return await _ok(request)

    site = await serve({"/": home})
    resolve = {"www.example.gov.cn": "127.0.0.1"}
    url = f"http://www.example.gov.cn:{site.port}/"

    blocked = await (await make_fetcher(allow_private=False, resolve=resolve)).get(url)
    fetched = await (await make_fetcher(allow_private=True, resolve=resolve)).get(url)

    assert blocked.failure is FailureReason.BLOCKED_ADDRESS
    assert "127.0.0.1" in blocked.detail
    assert fetched.ok, fetched.detail
    assert hosts == [f"www.example.gov.cn:{site.port}"]  # only the allowed fetch arrived, under its name


async def test_redirect_from_allowed_host_to_private_address_is_blocked(
    serve: ServeFn, make_fetcher: FetcherFn
) -> None:
    """The public side is played by 127.0.0.1 (allowed by ``allow_networks``); 127.0.0.2 is the private
    service a hostile page points at, listening so that a leak would be seen."""
    secret = await serve({"/admin": _ok}, host="127.0.0.2")
    public = await serve(
        {
            "/literal": _redirect(secret.url("/admin")),
            "/named": _redirect(f"http://intranet.example.gov.cn:{secret.port}/admin"),
        }
    )
    fetcher = await make_fetcher(
        allow_private=False,
        allow_networks=("127.0.0.1/32",),
        resolve={"intranet.example.gov.cn": "127.0.0.2"},
    )

    literal = await fetcher.get(public.url("/literal"))
    named = await fetcher.get(public.url("/named"))

    for result in (literal, named):
        assert result.failure is FailureReason.BLOCKED_ADDRESS
        assert result.status is None
        assert "127.0.0.2" in result.detail
        assert result.redirects == (result.final_url,)
    assert public.hits == {"/literal": 1, "/named": 1}
    assert secret.hits.total() == 0


async def _ok(request: web.Request | None = None) -> web.Response:
    return web.Response(text="ok", content_type="text/plain")


def _redirect(location: str):
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": location})

    return handler
