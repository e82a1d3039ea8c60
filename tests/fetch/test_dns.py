"""Asking for AAAA records (monitor.fetch.dns): no record is an answer, a failing resolver is not, and the
``resolve`` map (several addresses per host, like curl) answers for the simulator's names."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

from monitor.fetch.dns import lookup

V6 = socket.AF_INET6


def resolver(answer: list[tuple[Any, ...]] | BaseException, delay_s: float = 0.0) -> Any:
    asked: list[tuple[str, int]] = []

    async def getaddrinfo(host: str, port: Any, *, family: int, type: int) -> list[tuple[Any, ...]]:
        asked.append((host, family))
        await asyncio.sleep(delay_s)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    getaddrinfo.asked = asked  # type: ignore[attr-defined]
    return getaddrinfo


async def ask(
    host: str, getaddrinfo: Any = None, resolve: dict[str, str] | None = None, timeout_s: float = 1.0
):
    return await lookup(
        host, V6, resolve=resolve or {}, getaddrinfo=getaddrinfo or resolver([]), timeout_s=timeout_s
    )


async def test_the_resolve_map_answers_aaaa_with_its_ipv6_addresses_only() -> None:
    resolve = {"www.a.gov.cn": "127.0.0.5, ::1", "www.b.gov.cn": "127.0.0.6", "WWW.C.GOV.CN.": "::1"}
    unused = resolver(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"))
    assert (await ask("www.a.gov.cn", unused, resolve)).addresses == ("::1",)
    assert (await ask("www.b.gov.cn", unused, resolve)).addresses == ()
    assert (await ask("www.c.gov.cn", unused, resolve)).addresses == ("::1",)
    assert unused.asked == []  # mapped names never reach the resolver


async def test_ip_literals_are_their_own_answer() -> None:
    assert (await ask("[2001:db8::1]")).addresses == ("2001:db8::1",)
    assert (await ask("192.0.2.1")).addresses == ()


async def test_aaaa_records_from_the_resolver() -> None:
    infos = [
        (V6, socket.SOCK_STREAM, 6, "", ("2400:da00::6666", 0, 0, 0)),
        (V6, socket.SOCK_STREAM, 6, "", ("2400:da00::6666", 0, 0, 0)),
        (V6, socket.SOCK_STREAM, 6, "", ("::ffff:192.0.2.1", 0, 0, 0)),  # a mapped IPv4: no AAAA
    ]
    getaddrinfo = resolver(infos)
    found = await ask("www.gov.cn", getaddrinfo)
    assert found.addresses == ("2400:da00::6666",) and found.error is None
    assert getaddrinfo.asked == [("www.gov.cn", V6)]


async def test_no_record_is_an_answer_a_failing_resolver_is_not() -> None:
    for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
        answer = await ask("www.x.gov.cn", resolver(socket.gaierror(code, "No address associated")))
        assert answer.addresses == () and answer.error is None
    failed = await ask("www.x.gov.cn", resolver(socket.gaierror(socket.EAI_AGAIN, "Temporary failure")))
    assert failed.addresses == () and failed.error is not None and "Temporary failure" in failed.error
    slow = await ask("www.x.gov.cn", resolver([], delay_s=5), timeout_s=0.05)
    assert slow.error == "the resolver did not answer for www.x.gov.cn within 0.05 s"
    broken = await ask("www.x.gov.cn", resolver(OSError("resolver socket closed")))
    assert broken.error is not None and "resolver socket closed" in broken.error


async def test_a_connection_of_one_family_gets_that_familys_mapped_addresses_any_other_the_first() -> None:
    import pytest

    from monitor.fetch.guard import AddressPolicy, GuardedResolver

    guard = GuardedResolver(
        AddressPolicy(allow_private=True), {"www.a.gov.cn": "127.0.0.5,::1", "www.b.gov.cn": "127.0.0.6"}
    )
    assert [r["host"] for r in await guard.resolve("www.a.gov.cn", 80, socket.AF_INET6)] == ["::1"]
    assert [r["host"] for r in await guard.resolve("www.a.gov.cn", 80, socket.AF_INET)] == ["127.0.0.5"]
    assert [r["host"] for r in await guard.resolve("www.a.gov.cn", 80, socket.AF_UNSPEC)] == ["127.0.0.5"]
    assert [r["host"] for r in await guard.resolve("www.b.gov.cn", 80, socket.AF_UNSPEC)] == ["127.0.0.6"]
    with pytest.raises(OSError, match=r"www\.b\.gov\.cn has no IPv6 address"):
        await guard.resolve("www.b.gov.cn", 80, socket.AF_INET6)
