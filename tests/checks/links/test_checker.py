"""The checker against a scripted fetcher and the session Redis: HEAD then GET for files, one polite
retry for bot answers, one fetch per URL however many ask at once, verdicts shared through Redis."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from monitor.checks.links.checker import LOOKUPS_AT_ONCE, LinkChecker, url_digest
from monitor.engine.kv.state import RedisState
from monitor.model import FailureReason, FetchResult
from monitor.settings import LinkSettings


class ScriptedFetcher:
    """Answers by (method, url) from a table; counts requests."""

    def __init__(self, answers: dict[tuple[str, str], list[FetchResult]], delay_s: float = 0.0) -> None:
        self.answers = answers
        self.calls: Counter[tuple[str, str]] = Counter()
        self.delay_s = delay_s

    async def get(self, url: str, *, method: str = "GET", **_: Any) -> FetchResult:
        self.calls[method, url] += 1
        await asyncio.sleep(self.delay_s)
        script = self.answers[method, url]
        return script[min(self.calls[method, url], len(script)) - 1]


def ok(url: str, text: str = "<title>正文</title>") -> FetchResult:
    return FetchResult(url, url, 200, 0.01, text=text, content_type="text/html")


def failed(url: str, status: int, headers: dict[str, str] | None = None) -> FetchResult:
    return FetchResult(url, url, status, 0.01, headers=headers or {}, failure=FailureReason.HTTP_ERROR)


SETTINGS = LinkSettings(bot_retry_after_s=0.01)


async def test_a_file_server_refusing_head_is_read_with_get_and_found_fine() -> None:
    pdf = "http://x.gov.cn/fj/a.pdf"
    fetcher = ScriptedFetcher({("HEAD", pdf): [failed(pdf, 405)], ("GET", pdf): [ok(pdf)]})
    checked = await LinkChecker(fetcher, SETTINGS).check(pdf, is_file=True)  # type: ignore[arg-type]
    assert checked.verdict.state == "ok"
    assert fetcher.calls == {("HEAD", pdf): 1, ("GET", pdf): 1}


async def test_a_missing_file_is_broken_after_head_and_get() -> None:
    doc = "http://x.gov.cn/fj/b.doc"
    fetcher = ScriptedFetcher({("HEAD", doc): [failed(doc, 404)], ("GET", doc): [failed(doc, 404)]})
    checked = await LinkChecker(fetcher, SETTINGS).check(doc, is_file=True)  # type: ignore[arg-type]
    assert (checked.verdict.state, checked.verdict.http_status) == ("broken", 404)


async def test_a_bot_answer_is_retried_once_then_unverified() -> None:
    url = "http://news.example.cn/a.html"
    fetcher = ScriptedFetcher({("GET", url): [failed(url, 403), failed(url, 403)]})
    checked = await LinkChecker(fetcher, SETTINGS).check(url, is_file=False)  # type: ignore[arg-type]
    assert (checked.verdict.state, checked.verdict.http_status) == ("unverified", 403)
    assert fetcher.calls[("GET", url)] == 2


async def test_a_429_that_asks_for_a_long_pause_is_not_hammered() -> None:
    url = "http://news.example.cn/b.html"
    fetcher = ScriptedFetcher({("GET", url): [failed(url, 429, {"Retry-After": "3600"})]})
    checked = await LinkChecker(fetcher, SETTINGS).check(url, is_file=False)  # type: ignore[arg-type]
    assert checked.verdict.state == "unverified" and fetcher.calls[("GET", url)] == 1


async def test_a_bot_answer_that_clears_on_retry_is_judged_on_the_retry() -> None:
    url = "http://news.example.cn/c.html"
    fetcher = ScriptedFetcher({("GET", url): [failed(url, 429, {"Retry-After": "0"}), ok(url)]})
    checked = await LinkChecker(fetcher, SETTINGS).check(url, is_file=False)  # type: ignore[arg-type]
    assert checked.verdict.state == "ok"


async def test_concurrent_checks_of_one_url_fetch_it_once() -> None:
    url = "http://www.gov.cn/"
    fetcher = ScriptedFetcher({("GET", url): [ok(url)]}, delay_s=0.05)
    checker = LinkChecker(fetcher, SETTINGS)  # type: ignore[arg-type]
    results = await asyncio.gather(*(checker.check(url, is_file=False) for _ in range(20)))
    assert fetcher.calls[("GET", url)] == 1
    assert sum(r.cached for r in results) == 19 and {r.verdict.state for r in results} == {"ok"}


async def test_verdicts_are_shared_through_redis_until_they_expire(redis, keys) -> None:
    url, gone = "http://www.gov.cn/", "http://www.gov.cn/old.html"
    answers = {("GET", url): [ok(url)], ("GET", gone): [failed(gone, 404)]}
    first, second = ScriptedFetcher(answers), ScriptedFetcher(answers)
    settings = LinkSettings(cache_ttl_s=60)
    a = await LinkChecker(first, settings, state=RedisState(redis, keys)).check_many(
        {url: False, gone: False}
    )  # type: ignore[arg-type]
    b = await LinkChecker(second, settings, state=RedisState(redis, keys)).check_many(
        {url: False, gone: False}
    )  # type: ignore[arg-type]
    assert [c.verdict.state for c in a.values()] == [c.verdict.state for c in b.values()] == ["ok", "broken"]
    assert sum(second.calls.values()) == 0 and all(c.cached for c in b.values())
    assert 0 < await redis.pttl(keys.link_verdict(url_digest(gone))) <= 60_000


async def test_a_server_error_is_asked_once_more_before_the_link_is_broken() -> None:
    flaky, dead = "http://x.gov.cn/flaky.html", "http://x.gov.cn/dead.html"
    answers = {("GET", flaky): [failed(flaky, 503), ok(flaky)], ("GET", dead): [failed(dead, 502)]}
    checker = LinkChecker(ScriptedFetcher(answers), SETTINGS)  # type: ignore[arg-type]
    assert (await checker.check(flaky, is_file=False)).verdict.state == "ok"
    assert (await checker.check(dead, is_file=False)).verdict.reason == "http_502"


async def test_a_host_that_kept_refusing_is_not_retried_for_its_other_links() -> None:
    a, b = "http://news.example.cn/a.html", "http://news.example.cn/b.html"
    fetcher = ScriptedFetcher({("GET", a): [failed(a, 403)], ("GET", b): [failed(b, 403)]})
    checker = LinkChecker(fetcher, SETTINGS)  # type: ignore[arg-type]
    assert (await checker.check(a, is_file=False)).verdict.state == "unverified"
    assert (await checker.check(b, is_file=False)).verdict.state == "unverified"
    assert (fetcher.calls[("GET", a)], fetcher.calls[("GET", b)]) == (2, 1)


class CountingState(RedisState):
    """The Redis state, counting how many lookups are in flight at once."""

    in_flight = most = 0

    async def get_many(self, names: Any) -> list[Any]:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.01)
            return await super().get_many(names)
        finally:
            self.in_flight -= 1


async def test_many_pages_at_once_take_a_few_redis_connections_not_one_each(redis, keys) -> None:
    urls = [f"http://www.gov.cn/{n}.html" for n in range(200)]
    fetcher = ScriptedFetcher({("GET", url): [ok(url)] for url in urls})
    state = CountingState(redis, keys)
    checker = LinkChecker(fetcher, LinkSettings(cache_ttl_s=60), state=state)  # type: ignore[arg-type]
    batches = await asyncio.gather(*(checker.check_many({url: False}) for url in urls))  # a page's links each
    assert [c.verdict.state for batch in batches for c in batch.values()] == ["ok"] * 200
    assert state.most == LOOKUPS_AT_ONCE
