"""Soft 404 detection on literal pages: what a 200 error page says, and what a normal page may say."""

from __future__ import annotations

import pytest

from monitor.extract.soft404 import DEFAULT_SOFT404_PATTERNS, soft404_reason
from monitor.settings import Settings

P = DEFAULT_SOFT404_PATTERNS
CSS = "<style>" + ".x{color:red}" * 2000 + "</style>"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<html><head><title>抱歉，页面不存在</title></head><body>返回首页</body></html>", "页面不存在"),
        (
            f"<head><title>湖南省人民政府</title>{CSS}</head><body><h2>您访问的页面已删除</h2></body>",
            "页面已删除",
        ),
        ("<title>Error 404</title><body></body>", "404"),
        ("<title>404错误</title>", "404"),
        ("<title>政务服务网</title><body><div class=msg>该事项不存在或已下线</div></body>", "该事项不存在"),
        ("<title>Page  Not Found</title>", "page not found"),
        ("plain text: 系统维护中，请稍后访问", "系统维护"),
    ],
)
def test_error_pages_are_recognized(html: str, expected: str) -> None:
    assert soft404_reason(html, P) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<title>关于印发第404号文件的通知</title><body><p>电话：0731-4040 404号房间</p></body>",
        '<title>新闻</title><body><p>正文</p><script>var msg="页面不存在";</script></body>',
        "<title>工作动态</title><body>" + "<p>正常的新闻内容。</p>" * 400 + "<p>旧链接已删除</p></body>",
        "<title>notfounded</title><body>abc</body>",
        '<title>通知公告_某市人民政府</title><body><h2>通知公告</h2><ul><li><a href="/1.html">关于政务服务网'
        '系统维护的公告</a></li><li><h3><a href="/2.html">部分栏目已下线的说明</a></h3></li></ul></body>',
    ],
)
def test_normal_pages_are_not_flagged(html: str) -> None:
    assert soft404_reason(html, P) is None


def test_users_extend_the_patterns_from_config() -> None:
    links = Settings.model_validate({"links": {"extra_soft404_patterns": ["此栏目已撤销"]}}).links
    page = "<title>某某县人民政府</title><body><p>此栏目已撤销</p></body>"
    assert soft404_reason(page, P) is None
    assert soft404_reason(page, links.all_soft404_patterns()) == "此栏目已撤销"
    assert "页面不存在" in links.all_soft404_patterns()


def test_no_patterns_means_no_verdict() -> None:
    assert soft404_reason("<title>页面不存在</title>", ()) is None
