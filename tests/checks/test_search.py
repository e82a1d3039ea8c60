"""How one answer of the site search is read, from literal fetch results: what a visitor sees as an error is
an error at once; what may be our own network (a timeout, a refused connection) is only ``unreachable``."""

from __future__ import annotations

import pytest

from monitor.checks.search import judged
from monitor.model import FailureReason, FetchResult
from monitor.settings import Settings

SETTINGS = Settings()
SEARCH = "http://www.a.gov.cn/search/?q=%E5%AE%89%E5%85%A8"
TITLE = "株洲市召开2026年第四季度安全生产工作会议"


def answer(status: int | None, text: str = "", **extra: object) -> FetchResult:
    defaults: dict[str, object] = {"final_url": SEARCH, "content_type": "text/html"}
    return FetchResult(url=SEARCH, status=status, elapsed_s=0.1, text=text, **(defaults | extra))  # type: ignore[arg-type]


def read(result: FetchResult) -> tuple[str, str | None]:
    return judged(result, "安全生产工作会议", TITLE, "http://www.a.gov.cn/gzdt/1.html", SETTINGS)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (answer(500, "<h1>系统错误</h1>", failure=FailureReason.HTTP_ERROR), ("error", "http_500")),
        (answer(404, "", failure=FailureReason.HTTP_ERROR), ("error", "http_404")),
        (answer(302, failure=FailureReason.REDIRECT_LOOP), ("error", "redirect_loop")),
        (answer(None, failure=FailureReason.TIMEOUT), ("unreachable", "timeout")),
        (answer(None, failure=FailureReason.CONNECTION_REFUSED), ("unreachable", "connection_refused")),
        (answer(403, "<p>访问受限</p>", failure=FailureReason.HTTP_ERROR), ("blocked", "http_403")),
        (answer(200, "<title>首页</title>", final_url="http://www.a.gov.cn/", redirects=("http://www.a.gov.cn/",)),
         ("error_page", "redirect_home")),
        (answer(200, '<input value="安全生产工作会议"><p>找到0条结果</p>'), ("no_results", "找到0条")),
        (answer(200, '<ul><li><a href="/gzdt/1.html">株洲市召开<em>安全生产工作会议</em></a></li></ul>'),
         ("found", None)),
    ],
)  # fmt: skip
def test_each_answer_reads_as_a_visitor_would(result: FetchResult, expected: tuple[str, str | None]) -> None:
    assert read(result) == expected
