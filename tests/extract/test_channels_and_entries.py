"""Channels and service entries under the names real sites give them (issue 14: no false vetoes).

Each page is in the shape a province's CMS draws it; a channel or entry an inspector would use is found,
and a 信访 or 纪检举报 one is not counted."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.extract.html import parse
from monitor.extract.messages import parse_messages
from monitor.extract.services import (
    channel_candidates,
    has_message_form,
    is_login_url,
    links_to_hosts,
    service_entries,
)
from monitor.settings import InteractionSettings, ServiceSettings

BASE = "http://www.example.gov.cn/"
INTERACTION = InteractionSettings()
SERVICE = ServiceSettings()
PLATFORM = ("zwfw.hunan.gov.cn",)


def candidates(page: str) -> dict[str, str]:
    found = channel_candidates(
        parse(page),
        BASE,
        INTERACTION.all_channel_keywords(),
        INTERACTION.hub_keywords,
        INTERACTION.all_excluded_keywords(),
        INTERACTION.max_label_chars,
    )
    return {e.text: e.via for e in found}


HANWEB_BLOCK = """<div class="hdjl"><div class="title"><span>互动交流</span></div><ul>
<li><a href="/col/col1234/">我要写信</a></li><li><a href="/col/col1235/">网上问政</a></li>
<li><a href="/col/col1236/">12345热线</a></li><li><a href="/col/col1237/">民意征集</a></li>
<li><a href="/col/col1238/">网上信访</a></li><li><a href="/col/col1239/">纪检监察举报</a></li></ul></div>"""
TRS_TABS = """<div class="zmhd-box"><h3 class="bt">政民互动</h3><div class="tabs">
<a href="./zmhd/szxx/">书记市长</a><a href="./zmhd/wlwz/">网络问政</a><a href="./zmhd/zxft/">在线访谈</a>
<a href="./zmhd/dczj/">调查征集</a></div></div>"""
ICON_NAV = """<ul class="quick"><li><a href="/hudong/xiexin.html"><img src="/img/xx.png" alt="我要写信"></a></li>
<li><a href="/hudong/shuqiu.html"><i class="icon"></i>我要诉求</a></li></ul>"""


@pytest.mark.parametrize(
    ("page", "wanted", "left_out"),
    [
        (HANWEB_BLOCK, {"我要写信", "网上问政", "12345热线", "民意征集"}, {"网上信访", "纪检监察举报"}),
        (TRS_TABS, {"书记市长", "网络问政", "在线访谈", "调查征集"}, set()),
        (ICON_NAV, {"我要写信", "我要诉求"}, set()),
    ],
    ids=["hanweb_block", "trs_tabs", "icon_nav"],
)
def test_every_channel_a_visitor_would_try_is_a_candidate(page, wanted, left_out) -> None:
    found = candidates(f"<html><body>{page}</body></html>")
    assert wanted <= set(found)
    assert not left_out & set(found)


def test_a_block_item_without_a_channel_word_is_judged_by_what_it_opens() -> None:
    found = candidates(f"<html><body>{TRS_TABS}</body></html>")
    assert found["书记市长"] == "block"  # opened, then judged by its form or list
    assert found["网络问政"] == "label"


@pytest.mark.parametrize(
    "page",
    [
        '<form action="/submit"><textarea name="content"></textarea><button>提交</button></form>',
        '<div class="letter"><textarea></textarea></div>',
        '<form><input type="text" name="u"><input type="password" name="p"></form>',
    ],
)
def test_a_form_to_write_in_or_to_sign_in_is_a_channel_page(page) -> None:
    assert has_message_form(parse(f"<html><body>{page}</body></html>"))


def test_a_search_form_is_not_a_channel_page() -> None:
    assert not has_message_form(parse('<html><body><form><input type="text" name="q"></form></body></html>'))


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("http://www.example.gov.cn/sso/login?returnUrl=/hdjl/wyxx/", True),
        ("https://tyrz.hunan.gov.cn/cas/login?service=http%3A%2F%2Fwww.example.gov.cn%2F", True),
        ("http://www.example.gov.cn/member/signin.jsp", True),
        ("http://www.example.gov.cn/hdjl/wyxx/", False),
    ],
)
def test_a_channel_landing_on_a_sign_in_page_is_recognised(url, login) -> None:
    assert is_login_url(url) is login


def test_a_banner_image_to_the_platform_is_a_service_entry() -> None:
    page = (
        '<html><body><div class="banner"><a href="https://zwfw.hunan.gov.cn/" target="_blank">'
        '<img src="/images/zwfw.jpg"></a></div><a href="https://www.gov.cn/">中国政府网</a></body></html>'
    )
    found = links_to_hosts(parse(page), BASE, PLATFORM)
    assert [(e.url, e.text, e.via) for e in found] == [
        ("https://zwfw.hunan.gov.cn/", "zwfw.hunan.gov.cn", "host")
    ]


@pytest.mark.parametrize(
    "block",
    [
        '<div class="box"><div class="hd"><h2>我要办</h2></div><ul><li><a href="/grbs/">个人办事</a></li>'
        '<li><a href="/frbs/">法人办事</a></li></ul></div>',
        '<div class="quick"><a href="/grbs/">个人办事</a><a href="/frbs/">法人办事</a></div>',
        '<div class="box"><h3>一网通办</h3><a href="/a/">出生登记</a><a href="/b/">社保查询</a></div>',
    ],
    ids=["wyb_block", "bare_items", "ywtb_block"],
)
def test_services_under_other_names_are_entries(block) -> None:
    page = f"<html><body>{block}</body></html>"
    assert service_entries(parse(page), BASE, SERVICE.all_entry_keywords(), SERVICE.max_label_chars)


@pytest.mark.parametrize(
    "status", ["办理完毕", "已办结", "不予受理（不属于本机关职责范围）", "已答复", "已回复", "答复完毕"]
)
def test_a_closing_status_answers_the_message(status) -> None:
    page = (
        "<html><body><table><tr><th>标题</th><th>来信时间</th><th>办理状态</th></tr>"
        f'<tr><td><a href="/x/1.html">关于小区路灯的问题</a></td><td>2026-01-05</td><td>{status}</td></tr>'
        "</table></body></html>"
    )
    listing = parse_messages(parse(page), BASE, dt.date(2026, 11, 27))
    assert listing.shows_replies
    assert [m.unanswered for m in listing.messages] == [False]


def test_an_open_status_stays_unanswered() -> None:
    page = (
        "<html><body><table><tr><th>标题</th><th>来信时间</th><th>办理状态</th></tr>"
        '<tr><td><a href="/x/1.html">关于小区路灯的问题</a></td><td>2026-01-05</td><td>未办结</td></tr>'
        "</table></body></html>"
    )
    listing = parse_messages(parse(page), BASE, dt.date(2026, 11, 27))
    assert [m.unanswered for m in listing.messages] == [True]


MIXED_HOME = """<html><body><div class="header"><ul class="nav">
<li><a href="/xwzx/index.html">新闻中心动态要闻栏目</a></li></ul></div>
<div class="banner"><ul class="slider"><li><a href="/art/2026/11/26/art_1_1.html">
<img src="/p/1.jpg" alt="市政府召开第十二次常务会议研究部署冬季安全生产"></a></li></ul></div>
<div class="headline"><a href="/art/2026/11/25/art_1_2.html"><h3>全市经济运行稳中有进、稳中向好</h3></a></div>
<div class="tzgg"><h2>通知公告</h2><ul><li><a href="/art/2026/9/1/art_2_1.html">关于开展2026年度统计执法检查的通知</a>
<span>2026-09-01</span></li><li><a href="/art/2026/8/20/art_2_2.html">关于公布第三批行政许可事项清单的公告</a>
<span>2026-08-20</span></li></ul></div>
<div class="footer"><a href="/art/2026/1/1/art_9_9.html">网站地图与无障碍浏览说明页面</a></div></body></html>"""


def test_a_homepages_undated_headlines_are_found_in_page_order_without_the_dated_rows_or_chrome() -> None:
    from monitor.extract.headlines import undated_headlines

    dated = {
        "http://www.example.gov.cn/art/2026/9/1/art_2_1.html",
        "http://www.example.gov.cn/art/2026/8/20/art_2_2.html",
    }
    assert undated_headlines(parse(MIXED_HOME), BASE, dated, 4) == (
        "http://www.example.gov.cn/art/2026/11/26/art_1_1.html",
        "http://www.example.gov.cn/art/2026/11/25/art_1_2.html",
    )
