"""Contender (c): Scrapy over the same homepages — ``CONCURRENT_REQUESTS`` 64, links read with
``response.css``, AutoThrottle and robots.txt off; every other setting is Scrapy's default.

Host names resolve to the simulator's loopback addresses through a resolver installed with Scrapy's own
``TWISTED_DNS_RESOLVER`` setting, so the URLs, Host headers and per-domain download slots are exactly
those a real crawl of these sites would have. Scrapy is not a govmon dependency: ``pip install scrapy``
into the venv to run this (docs/benchmarks.md).

``python -m bench.scrapy_crawl WORKLOAD.json --pages N [--concurrency 64] [--warmup W]``
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

from bench.workload import Sample, Workload, contender_args, emit, own_cpu_seconds


class MapResolver(CachingThreadedResolver):
    """Scrapy's default resolver, answering from the simulator's ``resolve`` map instead of DNS."""

    mapping: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> MapResolver:
        resolver = super().from_crawler(crawler, reactor)
        MapResolver.mapping = dict(crawler.settings.getdict("BENCH_RESOLVE"))
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        address = self.mapping.get(name)
        return defer.succeed(address) if address else super().getHostByName(name, timeout)


class HomepageSpider(scrapy.Spider):
    name = "homepages"

    def __init__(self, urls: tuple[str, ...], total: int, warmup: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.total = total
        self.warmup = warmup
        self.completed = self.failures = self.links = 0
        self.started: tuple[float, float] | None = None
        self.ended: tuple[float, float] | None = None

    async def start(self) -> AsyncIterator[Any]:
        for index in range(self.total):
            url = self.urls[index % len(self.urls)]
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Any) -> None:
        self.links += len(response.css("a[href]::attr(href)").getall())
        self._done()

    def failed(self, failure: Any) -> None:
        self.failures += 1
        self._done()

    def _done(self) -> None:
        self.completed += 1
        if self.completed == self.warmup:
            self.started = (time.perf_counter(), own_cpu_seconds())
        if self.completed == self.total:
            self.ended = (time.perf_counter(), own_cpu_seconds())


def main() -> None:
    args = contender_args("python -m bench.scrapy_crawl", __doc__)
    workload = Workload.load(args.workload)
    warmup = max(1, args.warmup)
    process = CrawlerProcess(
        settings={
            "CONCURRENT_REQUESTS": args.concurrency,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "TWISTED_DNS_RESOLVER": f"{__name__}.MapResolver",
            "BENCH_RESOLVE": workload.resolve,
        }
    )
    crawler = process.create_crawler(HomepageSpider)
    process.crawl(crawler, urls=workload.urls, total=warmup + args.pages, warmup=warmup)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, HomepageSpider) and spider.started and spider.ended
    emit(
        Sample(
            pages=args.pages,
            wall_s=spider.ended[0] - spider.started[0],
            cpu_s=spider.ended[1] - spider.started[1],
            failures=spider.failures,
            note=f"{spider.links / max(1, spider.completed - spider.failures):.0f} links a page",
        )
    )


if __name__ == "__main__":
    main()
