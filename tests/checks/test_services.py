"""How one fetched platform page (or channel page) is judged, from literal fetch results."""

from __future__ import annotations

import pytest

from monitor.checks.services import Budget, verdict
from monitor.model import FailureReason, FetchResult
from monitor.settings import Settings

PATTERNS = Settings().links.all_soft404_patterns()
ITEM = "http://zwfw.hunan.gov.cn/hnzwfw/item/1.html"


def page(status: int | None, text: str = "", **extra: object) -> FetchResult:
    defaults: dict[str, object] = {"final_url": ITEM, "content_type": "text/html"}
    return FetchResult(url=ITEM, status=status, elapsed_s=0.1, text=text, **(defaults | extra))  # type: ignore[arg-type]


def test_a_working_item_page_is_ok() -> None:
    assert verdict(page(200, "<title>居民身份证换领</title><table><th>事项名称</th></table>"), PATTERNS) == (
        "ok",
        None,
    )


def test_the_platforms_200_error_pages_are_error_pages() -> None:
    missing = '<title>该事项不存在</title><div class="error-tip">该事项不存在</div>'
    assert verdict(page(200, missing), PATTERNS) == ("error_page", "该事项不存在")
    assert verdict(page(200, "<div>该事项已下线，请选择其他事项办理</div>"), PATTERNS) == (
        "error_page",
        "已下线",
    )


def test_an_error_status_is_broken_with_the_page_words_as_reason() -> None:
    assert verdict(page(503, "<h2>系统维护中，请稍后访问</h2>"), PATTERNS) == ("broken", "系统维护")
    assert verdict(page(404, ""), PATTERNS) == ("broken", "http_error")
    refused = page(None, failure=FailureReason.CONNECTION_REFUSED)
    assert verdict(refused, PATTERNS) == ("broken", "connection_refused")


def test_a_deep_link_redirected_to_the_homepage_is_an_error_page() -> None:
    home = page(
        200, "<title>湖南省政务服务网</title>", final_url="http://zwfw.hunan.gov.cn/", redirects=(ITEM,)
    )
    assert verdict(home, PATTERNS) == ("error_page", "redirect_home")


def test_bot_blocking_is_not_a_verdict() -> None:
    assert verdict(page(403, "<p>访问受限</p>"), PATTERNS) == ("blocked", "http_403")
    assert verdict(page(429, ""), PATTERNS) == ("blocked", "http_429")


def test_pages_beyond_the_homepage_share_what_is_left_of_the_job_timeout() -> None:
    assert Budget(Settings()).timeout_s() == 15.0  # 150 s job: every page gets the probe's 15 s
    tight = Settings.model_validate({"engine": {"job_timeout_s": 20}})
    assert Budget(tight).timeout_s() == pytest.approx(16 / 3, abs=0.1)  # 80 % of 20 s, three attempts
    assert Budget(Settings.model_validate({"engine": {"job_timeout_s": 5}})).timeout_s() is None
