"""One link's verdict from a literal fetch result: what is broken, what is only unverified, what is fine."""

from __future__ import annotations

import pytest

from monitor.checks.links.urls import checkable, is_file, same_site
from monitor.checks.links.verdict import BROKEN, OK, UNVERIFIED, judge
from monitor.extract.soft404 import DEFAULT_SOFT404_PATTERNS
from monitor.model import FailureReason, FetchResult

URL = "http://www.example.gov.cn/xwzx/2020/t1.html"
PAGE = "<title>关于开展安全生产检查的通知</title><body><p>正文</p></body>"


def result(status: int | None, *, failure: FailureReason | None = None, text: str = "", final: str = URL,
           redirects: tuple[str, ...] = (), content_type: str = "text/html") -> FetchResult:  # fmt: skip
    return FetchResult(URL, final, status, 0.1, text=text, content_type=content_type, redirects=redirects,
                       failure=failure, detail=failure.value if failure else "")  # fmt: skip


@pytest.mark.parametrize(
    ("fetched", "reason"),
    [
        (result(404, failure=FailureReason.HTTP_ERROR), "http_404"),
        (result(500, failure=FailureReason.HTTP_ERROR), "http_500"),
        (result(None, failure=FailureReason.DNS), "dns"),
        (result(None, failure=FailureReason.CONNECTION_REFUSED), "connection_refused"),
        (result(None, failure=FailureReason.TLS), "tls"),
        (result(None, failure=FailureReason.TIMEOUT), "timeout"),
        (result(302, failure=FailureReason.REDIRECT_LOOP), "redirect_loop"),
        (result(200, text="<title>抱歉，页面不存在</title>"), "soft404"),
        (
            result(
                200, text=PAGE, final="http://www.example.gov.cn/", redirects=("http://www.example.gov.cn/",)
            ),
            "redirect_home",
        ),
    ],
)
def test_broken(fetched: FetchResult, reason: str) -> None:
    verdict = judge(URL, fetched, DEFAULT_SOFT404_PATTERNS)
    assert (verdict.state, verdict.reason) == (BROKEN, reason)


@pytest.mark.parametrize("status", [403, 429])
def test_a_host_refusing_robots_is_unverified_not_broken(status: int) -> None:
    verdict = judge(URL, result(status, failure=FailureReason.HTTP_ERROR), DEFAULT_SOFT404_PATTERNS)
    assert (verdict.state, verdict.http_status, verdict.reason) == (UNVERIFIED, status, "bot_blocked")


@pytest.mark.parametrize(
    "fetched",
    [
        result(200, text=PAGE),
        result(200, text=PAGE, final="http://www.example.gov.cn/xwzx/2021/t2.html", redirects=("…",)),
        result(200, failure=FailureReason.BODY_TOO_LARGE),  # it opens; only too big to read
        result(200, content_type="application/pdf"),  # a HEAD answer: no body
        result(200, text="页面不存在", content_type="application/json"),  # not a page
    ],
)
def test_ok(fetched: FetchResult) -> None:
    assert judge(URL, fetched, DEFAULT_SOFT404_PATTERNS).state == OK


def test_a_homepage_link_redirected_to_the_homepage_is_fine() -> None:
    root = "http://example.gov.cn/"
    fetched = FetchResult(root, "https://www.example.gov.cn/", 200, 0.1, text=PAGE, content_type="text/html",
                          redirects=("https://www.example.gov.cn/",))  # fmt: skip
    assert judge(root, fetched, DEFAULT_SOFT404_PATTERNS).state == OK


def test_which_links_are_checked_and_how() -> None:
    assert not any(map(checkable, ["javascript:void(0)", "mailto:a@b.cn", "tel:12345", "#top", "ftp://x/"]))
    assert checkable("https://www.gov.cn/zhengce/")
    assert is_file("http://x.gov.cn/fj/P020.PDF") and is_file("http://x.gov.cn/a.xlsx?id=1")
    assert is_file("http://x.gov.cn/pic", "img") and not is_file("http://x.gov.cn/art/2020/1.html")
    assert same_site("http://x.gov.cn/a", "http://www.x.gov.cn/") and not same_site(
        "http://y.gov.cn/", "http://x.gov.cn/"
    )
