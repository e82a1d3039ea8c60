"""Hidden links (暗链) on literal pages: every hiding method is named, visible and own links are not flagged."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.extract import badlists
from monitor.extract.hidden_links import declarations, hidden_links, hiding_method
from monitor.extract.html import parse

LISTS = badlists.load()
URL = "http://www.example.gov.cn/"


def found(body: str, head: str = "") -> list[tuple[str, str, str]]:
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    return [(h.url, h.method, h.category) for h in hidden_links(parse(page), URL, LISTS)]


@pytest.mark.parametrize(
    ("wrapper", "method"),
    [
        ('<div style="display:none">{a}</div>', "display_none"),
        ('<div style="DISPLAY: NONE !important">{a}</div>', "display_none"),
        ('<div style="visibility:hidden">{a}</div>', "visibility_hidden"),
        ('<div style="position:absolute;left:-9999px">{a}</div>', "off_screen"),
        ('<p style="text-indent:-5000px">{a}</p>', "off_screen"),
        ('<span style="font-size:0">{a}</span>', "font_size_zero"),
        ('<div style="height:0;overflow:hidden">{a}</div>', "zero_size"),
        ('<div style="width:1px;height:1px;overflow:hidden">{a}</div>', "zero_size"),
        ('<div style="position:absolute;clip:rect(0 0 0 0)">{a}</div>', "clipped"),
        ('<div style="opacity:0">{a}</div>', "opacity_zero"),
        ("<div hidden>{a}</div>", "hidden_attribute"),
        ('<marquee scrollamount="0">{a}</marquee>', "marquee"),
        ('<marquee height="1" width="1">{a}</marquee>', "marquee"),
        ('<div><ul><li><div style="display:none"><p>{a}</p></div></li></ul></div>', "display_none"),
    ],
)
def test_inline_hiding_methods(wrapper: str, method: str) -> None:
    a = '<a href="http://bet.example.net/">澳门百家乐</a>'
    assert found(wrapper.format(a=a)) == [("http://bet.example.net/", method, "gambling")]


@pytest.mark.parametrize(
    ("css", "body", "method"),
    [
        (".hd{display:none}", '<div class="hd">{a}</div>', "display_none"),
        ("#f1 { position: absolute; top: -999px }", '<div id="f1"><span>{a}</span></div>', "off_screen"),
        ("div.x a{font-size:0px}", '<div class="x y">{a}</div>', "font_size_zero"),
        ("@media screen { .m { visibility: hidden } }", '<p class="m">{a}</p>', "visibility_hidden"),
        ("/* c */ marquee{display:none}", "<marquee>{a}</marquee>", "marquee"),
    ],
)
def test_style_block_hiding(css: str, body: str, method: str) -> None:
    a = '<a href="http://x.example.com/">六合彩资料</a>'
    assert found(body.format(a=a), f"<style>{css}</style>") == [("http://x.example.com/", method, "lottery")]


def test_script_written_links_plain_and_escaped() -> None:
    body = (
        "<script>document.write('<a href=\"http://sf.example.net/\">传奇私服</a>');</script>"
        '<script>el.innerHTML = "\\x3ca href=\\"http://y.example.com/\\">成人视频\\x3c/a>";</script>'
        "<script>document.write(unescape('%3Ca%20href%3D%22http%3A//z.example.com/%22%3E%E5%8D%9A%E5%BD%A9%3C/a%3E'))"
        "</script>"
    )
    assert found(body) == [
        ("http://sf.example.net/", "script_write", "game_server"),
        ("http://y.example.com/", "script_write", "adult"),
        ("http://z.example.com/", "script_write", "gambling"),
    ]


def test_healthy_pages_are_not_flagged() -> None:
    body = (
        '<a href="http://www.hnlottery.cn/">湖南省体育彩票管理中心</a>'  # visible: not hidden
        '<div style="display:none"><a href="/zwgk/">政务公开</a></div>'  # hidden menu of the site itself
        '<div style="display:none"><a href="http://www.hunan.gov.cn/">六合彩 专项整治</a></div>'  # government
        '<div style="display:none"><a href="http://www.example.com/news">新闻</a></div>'  # hidden, not illicit
        '<div class="menu"><a href="http://bet.example.net/">x</a></div>'  # :hover rules hide nothing
        '<marquee scrollamount="3"><a href="http://www.example.com/">滚动通知</a></marquee>'
        "<script>document.write('<a href=\"http://www.gov.cn/\">中国政府网</a>')</script>"
    )
    assert found(body, "<style>.menu:hover{display:none}</style>") == []


def test_inline_style_shows_what_a_rule_hides() -> None:
    body = '<div class="hd" style="display:block"><a href="http://bet.example.net/">百家乐</a></div>'
    assert found(body, "<style>.hd{display:none}</style>") == []


def test_ascii_keywords_match_whole_tokens_only() -> None:
    hidden = '<div style="display:none"><a href="http://www.example.com/java/avatar.html">Java</a></div>'
    assert found(hidden) == []
    assert found(hidden.replace("java/avatar", "casino/1")) == [
        ("http://www.example.com/casino/1.html", "display_none", "gambling")
    ]


def test_extra_lists_and_their_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "more.txt"
    extra.write_text("# ours\ngambling host bad.example\n", encoding="utf-8")
    lists = badlists.load([extra])
    assert lists.match_host("www.bad.example") == badlists.Match("gambling", "host", "bad.example")
    extra.write_text("gambling domain bad.example\n", encoding="utf-8")
    with pytest.raises(badlists.ListError, match=r"more.txt:1: expected"):
        badlists.load([extra])


def test_declarations_and_methods() -> None:
    assert declarations("Display : None ; color:red") == {"display": "none", "color": "red"}
    assert hiding_method({"position": "relative", "left": "-20px"}) is None
    assert hiding_method({"height": "0"}) is None  # no overflow clipping: the content still shows


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' adivstylehrf:;{}#.-0x博彩script()")), max_size=300))
def test_any_markup_is_read_without_error(markup: str) -> None:
    hidden_links(parse(markup), URL, LISTS)
