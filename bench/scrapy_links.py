"""A link-checking Scrapy spider: crawl each site from its homepage, check every link once.

The contender Scrapy of ``bench/links_cluster.py``: what a team would write with Scrapy to find a cluster's
dead links. From each homepage it follows ``<a>`` links to pages of the same host (no files), and sends one
GET to every other link it finds (anchors, images, iframes, ``<area>``), each URL once (Scrapy's duplicate
filter). A link is dead when its answer is 4xx/5xx or no answer comes (refused, timeout); redirects are
followed. It reads no body for error texts, so a soft 404 (200 with 页面不存在) passes as alive, as it does for
any status-based checker.

Settings: ``CONCURRENT_REQUESTS_PER_DOMAIN`` 8 (the per-host limit every contender gets), ``CONCURRENT_REQUESTS``
64, no download delay, AutoThrottle, robots.txt and retries off, ``DOWNLOAD_TIMEOUT`` 15 s. Host names resolve to
the simulator's loopback addresses with ``bench.scrapy_crawl.MapResolver`` (Scrapy's own
``TWISTED_DNS_RESOLVER`` setting), so URLs, Host headers and per-domain slots are those of a real crawl.

``python -m bench.scrapy_links HOMEPAGES.json RESOLVE.json OUT.json``: homepages a JSON list of URLs, the
resolve map ``{host: address}``; writes ``{"pages": [...], "dead": {url: why}, "checked": n}``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

FILE_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".ofd", ".zip", ".rar",
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".mp3", ".mp4", ".css", ".js",
)  # fmt: skip
LINKS = "a::attr(href), area::attr(href), img::attr(src), iframe::attr(src)"
ERRORS = list(range(400, 600))
"""Statuses handed to the callback (recorded as dead) instead of dropped by HttpErrorMiddleware."""


class LinkSpider(scrapy.Spider):
    name = "links"

    def __init__(self, homepages: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.homepages = homepages
        self.pages: list[str] = []
        self.dead: dict[str, str] = {}
        self.checked = 0

    async def start(self) -> AsyncIterator[Any]:
        for url in self.homepages:
            yield self._request(url, crawl=True)

    def _request(self, url: str, *, crawl: bool) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.page if crawl else self.link,
            errback=self.failed,
            meta={"handle_httpstatus_list": ERRORS, "link": url},
        )

    def link(self, response: Response) -> None:
        self.checked += 1
        if response.status >= 400:
            self.dead[response.meta["link"]] = f"http_{response.status}"

    def page(self, response: Response) -> Iterator[scrapy.Request]:
        self.link(response)
        if response.status >= 400 or not isinstance(response, scrapy.http.TextResponse):
            return
        self.pages.append(response.url)
        host = urlsplit(response.url).hostname
        for href in response.css(LINKS).getall():
            url = response.urljoin(href.strip()).split("#", 1)[0]
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                continue
            crawl = parts.hostname == host and not parts.path.lower().endswith(FILE_SUFFIXES)
            yield self._request(url, crawl=crawl)

    def failed(self, failure: Any) -> None:
        self.checked += 1
        request = getattr(failure, "request", None)
        if request is not None:
            self.dead[request.meta["link"]] = type(failure.value).__name__


def main() -> None:
    homepages_path, resolve_path, out_path = (Path(arg) for arg in sys.argv[1:4])
    process = CrawlerProcess(
        settings={
            "CONCURRENT_REQUESTS": 64,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "DOWNLOAD_DELAY": 0,
            "DOWNLOAD_TIMEOUT": 15,
            "RETRY_ENABLED": False,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "TWISTED_DNS_RESOLVER": "bench.scrapy_crawl.MapResolver",
            "BENCH_RESOLVE": json.loads(resolve_path.read_text(encoding="utf-8")),
        }
    )
    crawler = process.create_crawler(LinkSpider)
    process.crawl(crawler, homepages=json.loads(homepages_path.read_text(encoding="utf-8")))
    process.start()
    spider = crawler.spider
    assert isinstance(spider, LinkSpider)
    result = {"pages": spider.pages, "dead": spider.dead, "checked": spider.checked}
    out_path.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
