"""Each hostile endpoint behaves as its name says; every read here is bounded."""

from __future__ import annotations

import asyncio
import time
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest

from monitor.sim import SimWeb
from monitor.sim.gzipbomb import MIB, crc32_of_zeros, gzip_bomb
from tests.sim.conftest import BROWSER_UA, NOW, session_for


@pytest.fixture
async def hostile() -> AsyncIterator[tuple[SimWeb, aiohttp.ClientSession]]:
    async with SimWeb(seed=1, now=NOW, sites=2) as sim, session_for(sim) as session:
        yield sim, session


def _url(sim: SimWeb, path: str) -> str:
    return sim.url(sim.hostile_host, path)


async def test_delay_answers_after_the_asked_seconds(hostile: tuple[SimWeb, aiohttp.ClientSession]) -> None:
    sim, session = hostile
    started = time.perf_counter()
    async with session.get(_url(sim, "/hostile/delay?s=0.3")) as response:
        assert response.status == 200
    assert 0.3 <= time.perf_counter() - started < 3


async def test_endless_keeps_sending_and_does_not_block_other_hosts(
    hostile: tuple[SimWeb, aiohttp.ClientSession],
) -> None:
    sim, session = hostile
    async with session.get(_url(sim, "/hostile/endless")) as response:
        assert response.status == 200
        received = 0
        async with asyncio.timeout(5):
            while received < 100:
                chunk = await response.content.readany()
                assert chunk, "the endless body ended"
                received += len(chunk)
        started = time.perf_counter()
        async with session.get(sim.sites[0].url) as other:
            assert other.status == 200
        assert time.perf_counter() - started < 1.0
    started = time.perf_counter()
    async with session.get(_url(sim, "/hostile/endless")) as response:
        await response.content.readany()
        await sim.stop()  # shutdown is not held up by a response that never ends
    assert time.perf_counter() - started < 3


async def test_drop_partial_and_bad_chunked_break_the_body(
    hostile: tuple[SimWeb, aiohttp.ClientSession],
) -> None:
    sim, session = hostile
    for path in ("/hostile/drop", "/hostile/partial", "/hostile/bad-chunked"):
        with pytest.raises(aiohttp.ClientError):
            async with session.get(_url(sim, path)) as response:
                async with asyncio.timeout(5):
                    await response.read()
    async with session.get(_url(sim, "/hostile/partial")) as response:
        assert response.headers["Content-Length"] == "100000"


async def test_wrong_type_is_binary_declared_as_html(hostile: tuple[SimWeb, aiohttp.ClientSession]) -> None:
    sim, session = hostile
    async with session.get(_url(sim, "/hostile/wrong-type")) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        assert (await response.content.read(8)) == b"\x89PNG\r\n\x1a\n"


async def test_huge_body_is_streamed_with_its_full_length(
    hostile: tuple[SimWeb, aiohttp.ClientSession],
) -> None:
    sim, session = hostile
    async with session.get(_url(sim, "/hostile/huge")) as response:
        assert int(response.headers["Content-Length"]) == 50 * MIB
        received = 0
        while received < MIB:
            received += len(await response.content.read(64 * 1024))
        response.close()
    async with session.get(_url(sim, "/hostile/huge?mb=1&chunked=1")) as response:
        assert "Content-Length" not in response.headers
        assert len(await response.read()) == MIB


async def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(
    hostile: tuple[SimWeb, aiohttp.ClientSession],
) -> None:
    sim, session = hostile
    async with session.get(_url(sim, "/hostile/gzip-bomb"), auto_decompress=False) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert int(response.headers["Content-Length"]) < 5 * MIB  # 4 GiB inflated
        compressed = await response.content.read(16 * 1024)
        response.close()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflated = inflater.decompress(compressed, 10 * MIB)
    assert len(inflated) == 10 * MIB and inflater.unconsumed_tail  # and there is much more to come


def test_gzip_bomb_stream_is_a_valid_gzip_file() -> None:
    data = b"".join(gzip_bomb(3))
    assert zlib.decompress(data, 16 + zlib.MAX_WBITS) == bytes(3 * MIB)
    assert crc32_of_zeros(5) == zlib.crc32(bytes(5 * MIB))


async def test_redirects_loop_chain_and_point_at_private_addresses(
    hostile: tuple[SimWeb, aiohttp.ClientSession],
) -> None:
    sim, session = hostile
    with pytest.raises(aiohttp.TooManyRedirects):
        async with session.get(_url(sim, "/hostile/redirect-loop"), max_redirects=6):
            pass
    async with session.get(_url(sim, "/hostile/redirects?n=3")) as response:
        assert response.status == 200 and len(response.history) == 3
    targets = {
        "/hostile/redirect-private": "http://10.0.0.1/",
        "/hostile/redirect-metadata": "http://169.254.169.254/latest/meta-data/",
    }
    for path, location in targets.items():
        async with session.get(_url(sim, path), allow_redirects=False) as response:
            assert response.status == 302 and response.headers["Location"] == location


async def test_gbk_meta_and_soft404_and_xml_bomb(hostile: tuple[SimWeb, aiohttp.ClientSession]) -> None:
    sim, session = hostile
    async with session.get(_url(sim, "/hostile/gbk-meta")) as response:
        assert response.headers["Content-Type"] == "text/html"
        body = await response.read()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "通知公告" in body.decode("gbk")
    async with session.get(_url(sim, "/hostile/soft404")) as response:
        assert response.status == 200 and "页面不存在" in await response.text()
    async with session.get(_url(sim, "/hostile/xml-bomb")) as response:
        assert "<!ENTITY lol9" in await response.text()


@pytest.mark.parametrize(
    "agent", ["govmon/0.1", "python-requests/2.31", "lychee/0.15", "LinkChecker/10", "Scrapy/2.11"]
)
async def test_bots_are_refused_and_browsers_are_not(
    hostile: tuple[SimWeb, aiohttp.ClientSession], agent: str
) -> None:
    sim, session = hostile
    async with session.get(_url(sim, "/hostile/bot"), headers={"User-Agent": agent}) as response:
        assert response.status == 403
    async with session.get(_url(sim, "/hostile/bot-429"), headers={"User-Agent": agent}) as response:
        assert response.status == 429 and response.headers["Retry-After"]
    async with session.get(sim.url(sim.bot_host, "/"), headers={"User-Agent": agent}) as response:
        assert response.status == 403
    async with session.get(_url(sim, "/hostile/bot"), headers={"User-Agent": BROWSER_UA}) as response:
        assert response.status == 200
