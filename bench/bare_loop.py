"""Contender (a): the floor — one aiohttp session, ``--concurrency`` requests in flight, each body parsed by
selectolax's lexbor backend and its ``a[href]`` links read. Nothing else: no queue, no politeness, no
decoding (lexbor reads the bytes; GBK text comes out garbled, the ASCII hrefs do not), no storage.

``python -m bench.bare_loop WORKLOAD.json --pages N [--concurrency 64] [--warmup W]``
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver
from selectolax.lexbor import LexborHTMLParser

from bench.workload import Sample, Workload, contender_args, emit, own_cpu_seconds


class MapResolver(AbstractResolver):
    """Host names to the simulator's loopback addresses, like curl ``--resolve``; no DNS at all."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self._mapping = mapping

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[Any]:
        address = self._mapping.get(host, host)
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        return None


async def crawl(workload: Workload, pages: int, concurrency: int, warmup: int) -> Sample:
    total = warmup + pages
    urls = workload.urls
    next_index = 0
    completed = failures = links = 0
    started: tuple[float, float] | None = None
    connector = aiohttp.TCPConnector(limit=concurrency, resolver=MapResolver(workload.resolve))

    async def fetcher(session: aiohttp.ClientSession) -> None:
        nonlocal next_index, completed, failures, links, started
        while next_index < total:
            url = urls[next_index % len(urls)]
            next_index += 1
            async with session.get(url) as response:
                body = await response.read()
                if response.status != 200:
                    failures += 1
            tree = LexborHTMLParser(body)
            links += len([node.attributes.get("href") for node in tree.css("a[href]")])
            completed += 1
            if completed == warmup:
                started = (time.perf_counter(), own_cpu_seconds())

    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(fetcher(session) for _ in range(concurrency)))
        wall_end, cpu_end = time.perf_counter(), own_cpu_seconds()
    assert started is not None
    return Sample(
        pages=pages,
        wall_s=wall_end - started[0],
        cpu_s=cpu_end - started[1],
        failures=failures,
        note=f"{links / total:.0f} links a page",
    )


def main() -> None:
    args = contender_args("python -m bench.bare_loop", __doc__)
    workload = Workload.load(args.workload)
    emit(asyncio.run(crawl(workload, args.pages, args.concurrency, max(1, args.warmup))))


if __name__ == "__main__":
    main()
