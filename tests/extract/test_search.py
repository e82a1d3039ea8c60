"""The site search as govmon reads it: real homepages' boxes (the development set's saved pages), the request a
browser would send, the query it types, and how a results page is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.extract.html import parse
from monitor.extract.listing import ListItem, homepage_items
from monitor.extract.search import (
    FORM,
    NONE,
    SCRIPT,
    SCRIPT_ONLY,
    find_search,
    judge_results,
    pick_headlines,
    query_for,
    search_request,
)
from monitor.settings import Settings

REAL = Path(__file__).parent / "realpages"
NO_RESULTS = Settings().search.all_no_result_patterns()
ERRORS = Settings().links.all_soft404_patterns()


def real(name: str, url: str):  # type: ignore[no-untyped-def]
    return find_search(parse((REAL / f"{name}.html").read_text(encoding="utf-8")), url)


def test_a_get_form_with_hidden_fields_is_submitted_as_a_browser_does() -> None:
    box = real("d004", "http://zrzyt.xinjiang.gov.cn/xjgtzy/kyqsc/common_list.shtml")  # 新疆自然资源厅
    assert (box.kind, box.method, box.field) == (FORM, "GET", "searchWord")
    assert box.url == "http://zrzyt.xinjiang.gov.cn/guestweb5/html/searchResult.html"
    request = search_request(box, "矿业权出让", "utf-8")
    assert request.method == "GET" and request.form is None
    assert parse_qsl(urlsplit(request.url).query) == [
        ("uc", "1"), ("siteCode", "6500000049"), ("column", "全部"), ("searchWord", "矿业权出让"),
    ]  # fmt: skip


def test_a_post_form_to_a_search_host_posts_its_fields() -> None:
    box = real("d009", "https://www.mnr.gov.cn/dt/zrzs/")  # 自然资源部: search.mnr.gov.cn
    assert (box.kind, box.method, box.url) == (FORM, "POST", "https://search.mnr.gov.cn/was5/web/search")
    request = search_request(box, "国土", "utf-8")
    assert (request.method, request.url) == ("POST", "https://search.mnr.gov.cn/was5/web/search")
    assert parse_qsl((request.form or b"").decode()) == [("channelid", "227454"), ("searchword", "国土")]


def test_the_form_with_an_action_wins_over_a_script_submitted_one() -> None:
    box = real("d010", "http://dnr.shandong.gov.cn/zwgk_324/")  # a header form without action, then /was5
    assert (box.kind, box.url, box.field) == (
        FORM,
        "http://dnr.shandong.gov.cn/was5/web/search",
        "searchword",
    )


def test_a_plain_get_form() -> None:
    box = real("d005", "http://www.mee.gov.cn/ywgz/zysthjbhdc/dcjl/")
    assert (box.kind, box.url, box.method, box.field) == (
        FORM,
        "http://www.mee.gov.cn/searchnew/",
        "GET",
        "searchword",
    )


def test_a_script_template_is_read_and_a_commented_out_one_skipped() -> None:
    box = real("d006", "https://zrzy.guizhou.gov.cn/zwgk/")
    assert box.kind == SCRIPT
    assert box.url == (
        "https://zrzy.guizhou.gov.cn/so/search.shtml?tenantId=168&tenantIds=&configTenantId=&dataTypeId=310&searchWord="
    )  # the live line, not the commented-out /search.html?searchWord=
    assert search_request(box, "矿产", "utf-8").url.endswith("searchWord=%E7%9F%BF%E4%BA%A7")


def test_a_client_side_route_is_search_only_in_script() -> None:
    assert (
        real("d002", "https://zrzyt.shanxi.gov.cn/tzgg/").kind == SCRIPT_ONLY
    )  # /dept_search/#/Door?keywords=


def test_a_page_without_a_box_has_no_search() -> None:
    assert real("d003", "https://www.ndrc.gov.cn/xxgk/zcfb/fzggwl/").kind == NONE


def test_a_gbk_form_sends_its_query_in_gbk_and_encode_uri_component_in_utf8() -> None:
    page = (
        '<form action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键字"></form>'
    )
    box = find_search(parse(page), "http://www.a.gov.cn/")
    assert search_request(box, "长沙", "gbk").url == "http://www.a.gov.cn/search/?q=%B3%A4%C9%B3"
    scripted = (
        '<input id="kw" class="search-input"><button onclick="window.open(\'/s/search?q=\' + '
        "encodeURIComponent(document.getElementById('kw').value))\">搜索</button>"
    )
    box = find_search(parse(scripted), "http://www.a.gov.cn/")
    assert box.kind == SCRIPT and box.utf8
    assert search_request(box, "长沙", "gbk").url == "http://www.a.gov.cn/s/search?q=%E9%95%BF%E6%B2%99"


def test_message_and_login_forms_are_not_the_search() -> None:
    page = (
        '<form action="/hdjl/submit" method="post"><input type="text" name="title">'
        '<textarea name="c"></textarea></form>'
        '<form action="/login" method="post"><input type="text" name="user"><input type="password" name="p"></form>'
    )
    assert find_search(parse(page), "http://www.a.gov.cn/").kind == NONE


def test_a_box_whose_script_is_elsewhere_is_search_only_in_script() -> None:
    page = (
        '<div class="search"><input type="text" id="kw" placeholder="请输入关键词">'
        '<button onclick="doSearch()">搜索</button></div>'
    )
    assert find_search(parse(page), "http://www.a.gov.cn/").kind == SCRIPT_ONLY


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("【图解】关于开展2026年全省安全生产大检查的通知", "关于开展2026年全省安全生产大"),
        ("株洲市召开2026年第四季度安全生产工作会议", "株洲市召开2026年第四季度安全"),
        ("省政府常务会议：部署冬季“三防”工作…", "省政府常务会议"),
        ("我市召开会议", "我市召开会议"),
    ],
)
def test_the_query_is_the_headlines_longest_phrase_cut_to_sixteen_characters(title: str, query: str) -> None:
    assert query_for(title, 16) == query


@given(st.text(max_size=80))
def test_any_title_gives_a_short_query(title: str) -> None:
    query = query_for(title, 16)
    assert len(query) <= 16
    assert not any(c.isspace() for c in query) or query == ""


def test_headlines_are_dated_at_least_a_day_ago_newest_first() -> None:
    today = dt.date(2026, 11, 27)
    items = [
        ListItem("今天刚发布的要闻标题一则", "http://a/1.html", today),
        ListItem("前天的工作动态标题一则", "http://a/2.html", today - dt.timedelta(days=2)),
        ListItem("昨天的工作动态标题一则", "http://a/3.html", today - dt.timedelta(days=1)),
        ListItem("短标题", "http://a/4.html", today - dt.timedelta(days=1)),
        ListItem("没有日期的标题一则啊", "http://a/5.html", None),
        ListItem("两年前的旧标题一则啊", "http://a/6.html", today - dt.timedelta(days=800)),
    ]
    chosen = pick_headlines(items, today, 1, 365, 2, "http://a/")
    assert [i.url for i in chosen] == ["http://a/3.html", "http://a/2.html"]


def test_only_headlines_on_the_site_itself_are_searched_for() -> None:
    today = dt.date(2026, 11, 27)
    yesterday = today - dt.timedelta(days=1)
    items = [
        ListItem(
            "国务院常务会议部署稳就业工作", "https://www.gov.cn/yaowen/1.htm", yesterday
        ),  # 转载: not ours
        ListItem("市政府信息公开年度报告发布", "http://xxgk.zhuzhou.gov.cn/a/1.html", yesterday),
        ListItem("株洲市召开安全生产工作会议", "http://www.zhuzhou.gov.cn/gzdt/1.html", yesterday),
    ]
    chosen = pick_headlines(items, today, 1, 365, 5, "http://www.zhuzhou.gov.cn/")
    assert [i.url for i in chosen] == [
        "http://xxgk.zhuzhou.gov.cn/a/1.html",
        "http://www.zhuzhou.gov.cn/gzdt/1.html",
    ]


TITLE = "株洲市召开2026年第四季度安全生产工作会议"
HEADLINE_URL = "http://www.a.gov.cn/gzdt/1.html"


def judge(page: str, query: str = "安全生产工作会议") -> tuple[str, str | None]:
    return judge_results(
        parse(page), page, "http://www.a.gov.cn/search/?q=x", query, TITLE, HEADLINE_URL, NO_RESULTS, ERRORS
    )


def test_a_results_page_listing_the_headline_finds_it_highlighting_aside() -> None:
    page = (
        '<p>找到2条结果</p><ul><li><a href="/gzdt/9.html">株洲市召开<em>安全生产</em>工作会议</a></li></ul>'
    )
    assert judge(page) == ("found", None)
    by_url = '<ul><li><a href="http://www.a.gov.cn/gzdt/1.html">株洲市召开安全生产…</a></li></ul>'
    assert judge(by_url) == ("found", None)


def test_a_result_whose_title_is_cut_short_or_shown_outside_a_link_is_found() -> None:
    cut = '<ul><li><a href="/s?id=9">株洲市召开2026年第四季度...</a></li></ul>'
    assert judge(cut) == ("found", None)
    plain = (
        '<input name="q" value="安全生产工作会议"><p>找到1条结果</p>'
        '<div class="item"><h3>株洲市召开2026年第四季度安全生产工作会议</h3><a href="/s?id=9">查看</a></div>'
    )
    assert judge(plain) == ("found", None)
    short = '<ul><li><a href="/s?id=9">株洲市召开…</a></li></ul><input value="安全生产工作会议">'
    assert judge(short) == ("not_found", None)  # five characters are no evidence


def test_zero_results_error_pages_and_other_results_are_misses() -> None:
    echo = '<input name="q" value="安全生产工作会议">'
    assert judge(echo + "<p>找到0条结果</p>") == ("no_results", "找到0条")
    assert judge(echo + "<p>抱歉，没有找到相关信息</p>") == ("no_results", "没有找到")
    assert judge("<title>页面不存在</title><h1>页面不存在</h1>") == ("error_page", "页面不存在")
    others = echo + '<p>找到1条结果</p><ul><li><a href="/x.html">关于春节放假的通知</a></li></ul>'
    assert judge(others) == ("not_found", None)


def test_a_page_that_neither_lists_nor_echoes_is_unreadable() -> None:
    shell = '<div id="app"></div><script src="/static/search.js"></script>'
    assert judge(shell) == ("unreadable", "query_not_shown")


HOSTILE_PIECES = st.sampled_from(
    [
        "<form", "<form action='/s' method=post>", "<input type=text name=q>", "<input name=searchWord>",
        "<script>window.open('/search?q='+", "location.href = \"/so/s?w=\" + k", "<!--", "//", "/*", "*/",
        "</script>", "<a href='/x'>", "找到0条", "<textarea>", "'", '"', "\x00", "\ufeff", "<",
    ]
)  # fmt: skip


@given(st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=20)), max_size=40))
def test_any_page_gives_a_search_box_and_a_verdict_never_an_exception(pieces: list[str]) -> None:
    page = "".join(pieces)
    box = find_search(parse(page), "http://www.a.gov.cn/")
    assert box.kind in (FORM, SCRIPT, SCRIPT_ONLY, NONE)
    if box.kind in (FORM, SCRIPT):
        assert search_request(box, "安全生产", "gbk").url.startswith("http")
    verdict, _ = judge_results(
        parse(page), page, "http://www.a.gov.cn/s", "安全生产", TITLE, None, NO_RESULTS, ERRORS
    )
    assert verdict in ("found", "not_found", "no_results", "error_page", "unreadable")


def test_malformed_or_foreign_urls_are_skipped_not_raised() -> None:
    page = (
        '<form action="http://[x/s"><input name="q" placeholder="搜索"></form>'
        '<form action="ftp://a.gov.cn/s"><input name="q" placeholder="搜索"></form>'
        '<script>window.open("http://[x/search?q=" + k)</script>'
    )
    assert find_search(parse(page), "http://www.a.gov.cn/").kind == SCRIPT_ONLY
    assert judge("<a href='http://[x/'>x</a><input value='安全生产工作会议'>") == ("not_found", None)


def test_rows_with_malformed_links_are_not_asked_for() -> None:
    rows = "".join(
        f'<li><a href="{href}">某县召开安全生产工作会议{n}</a><span>2026-11-2{n}</span></li>'
        for n, href in enumerate(("//[x/a", "http://[x/b", "/gzdt/c.html"))
    )
    items = homepage_items(parse(f"<ul>{rows}</ul>"), "http://www.a.gov.cn/", dt.date(2026, 11, 27))
    chosen = pick_headlines(items, dt.date(2026, 11, 27), 1, 365, 5, "http://www.a.gov.cn/")
    assert [i.url for i in chosen] == ["http://www.a.gov.cn/gzdt/c.html"]
