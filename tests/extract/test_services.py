"""Service entries, consultation channels and message lists read from literal pages."""

from __future__ import annotations

import datetime as dt

from monitor.extract.html import parse
from monitor.extract.messages import parse_messages
from monitor.extract.services import consultation_channels, links_to_hosts, service_entries
from monitor.settings import InteractionSettings, ServiceSettings

BASE = "http://www.example.gov.cn/"
SERVICE = ServiceSettings()
INTERACTION = InteractionSettings()
TODAY = dt.date(2026, 11, 27)

HOMEPAGE = """<html><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/bsfw/">办事服务</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="home-block bsfw"><div class="hd"><h2>办事服务</h2>
<a class="more" href="https://zwfw.hunan.gov.cn/">网上办事大厅</a></div>
<ul><li><a href="https://zwfw.hunan.gov.cn/item/1.html">居民身份证换领</a></li>
<li><a href="https://zwfw.hunan.gov.cn/item/2.html">个体工商户设立登记</a></li></ul></div>
<div class="home-block news"><div class="hd"><h2>工作动态</h2></div><ul>
<li><a href="/xw/1.html">我市召开深化政务服务改革推进会暨优化营商环境工作部署会议</a></li>
<li><a href="/xw/2.html">市领导调研在线咨询平台建设</a></li></ul></div>
<div class="home-block hdjl"><div class="hd"><h2>互动交流</h2></div><ul>
<li><a href="/hdjl/szxx/">市长信箱</a></li><li><a href="/hdjl/zxzx/">在线咨询</a></li>
<li><a href="/hdjl/jyzj/">建言献策</a></li><li><a href="/hdjl/wsxf/">网上信访</a></li>
<li><a href="/hdjl/jjjb/">纪检监察举报信箱</a></li><li><a href="javascript:void(0)">留言</a></li></ul></div>
</body></html>"""


def test_service_entries_are_labelled_links_and_the_items_of_a_service_block() -> None:
    entries = service_entries(parse(HOMEPAGE), BASE, SERVICE.all_entry_keywords(), SERVICE.max_label_chars)
    by_url = {e.url: e for e in entries}
    assert by_url["http://www.example.gov.cn/bsfw/"].via == "label"
    assert by_url["https://zwfw.hunan.gov.cn/"].via == "label"  # 网上办事大厅
    assert by_url["https://zwfw.hunan.gov.cn/item/1.html"].via == "block"
    assert by_url["https://zwfw.hunan.gov.cn/item/2.html"].text == "个体工商户设立登记"
    assert "http://www.example.gov.cn/xw/1.html" not in by_url  # a headline that mentions 政务服务


def test_a_page_without_service_words_has_no_entries() -> None:
    page = '<html><body><a href="/xw/">新闻中心</a><div class="footer">承办：湖南省政务服务中心</div></body></html>'
    assert service_entries(parse(page), BASE, SERVICE.all_entry_keywords(), SERVICE.max_label_chars) == ()


def test_consultation_channels_skip_xinfang_and_discipline_reports() -> None:
    channels = consultation_channels(
        parse(HOMEPAGE),
        BASE,
        INTERACTION.all_channel_keywords(),
        INTERACTION.all_excluded_keywords(),
        INTERACTION.max_label_chars,
    )
    assert [c.text for c in channels] == ["市长信箱", "在线咨询", "建言献策"]


def test_extra_channel_keywords_extend_the_defaults() -> None:
    custom = InteractionSettings(extra_channel_keywords=("12345",))
    page = '<html><body><a href="/rx/">12345 市民热线</a></body></html>'
    found = consultation_channels(
        parse(page), BASE, custom.all_channel_keywords(), custom.all_excluded_keywords(), 10
    )
    assert [c.text for c in found] == ["12345 市民热线"]


TABLE_LIST = """<html><body><table class="list-table">
<tr><th>标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>
<tr><td><a href="/hdjl/1.html">关于医保报销的咨询</a></td><td>2026-11-20</td><td>2026-11-21</td><td>已回复</td></tr>
<tr><td><a href="/hdjl/2.html">反映小区路灯问题</a></td><td>2026年7月30日</td><td></td><td>未回复</td></tr>
<tr><td><a href="/hdjl/3.html">咨询落户办理流程</a></td><td>11-02</td><td>11-05</td><td>已回复</td></tr>
</table><div class="page"><script>var countPage = 3;//共多少页
var currentPage = 0;createPageHTML(countPage, currentPage, "index", "html");</script></div></body></html>"""


def test_a_table_list_gives_question_and_reply_dates_and_the_next_page() -> None:
    listing = parse_messages(parse(TABLE_LIST), "http://www.example.gov.cn/hdjl/zxzx/", TODAY)
    assert [(m.title, m.asked, m.replied, m.answered) for m in listing.messages] == [
        ("关于医保报销的咨询", dt.date(2026, 11, 20), dt.date(2026, 11, 21), True),
        ("反映小区路灯问题", dt.date(2026, 7, 30), None, False),
        ("咨询落户办理流程", dt.date(2026, 11, 2), dt.date(2026, 11, 5), True),
    ]
    assert listing.shows_replies
    assert listing.messages[1].unanswered and not listing.messages[0].unanswered
    assert listing.next_page == "http://www.example.gov.cn/hdjl/zxzx/index_1.html"


def test_the_last_trs_page_has_no_next_page() -> None:
    last = TABLE_LIST.replace("var currentPage = 0", "var currentPage = 2")
    assert parse_messages(parse(last), BASE, TODAY).next_page is None


LABELLED_ROWS = """<html><body><ul class="xj-list">
<li><a href="/xj/11.html">建议增设公交线路</a><p>留言时间：2026-10-08 回复时间：2026-10-09</p></li>
<li><a href="/xj/12.html">咨询公积金提取</a><p>留言时间：2026-10-10</p><p>回复时间：</p></li>
</ul><div class="pagination"><a href="index.html">首页</a><a href="index_1.html">下一页</a></div></body></html>"""


def test_rows_that_label_their_dates_inline() -> None:
    listing = parse_messages(parse(LABELLED_ROWS), "http://www.example.gov.cn/xj/", TODAY)
    assert [(m.title, m.asked, m.replied) for m in listing.messages] == [
        ("建议增设公交线路", dt.date(2026, 10, 8), dt.date(2026, 10, 9)),
        ("咨询公积金提取", dt.date(2026, 10, 10), None),
    ]
    assert listing.shows_replies
    assert listing.next_page == "http://www.example.gov.cn/xj/index_1.html"


def test_a_news_list_is_not_a_message_list() -> None:
    news = '<html><body><ul><li><a href="/1.html">工作动态</a><span>2026-11-20</span></li></ul></body></html>'
    listing = parse_messages(parse(news), BASE, TODAY)
    assert listing.messages == () and listing.next_page is None


def test_a_list_with_question_dates_only_cannot_judge_replies() -> None:
    page = TABLE_LIST.replace("<th>回复时间</th><th>状态</th>", "<th>点击</th><th>备注</th>")
    listing = parse_messages(parse(page), BASE, TODAY)
    assert len(listing.messages) == 3 and not listing.shows_replies


def test_a_deeply_nested_page_still_yields_its_one_message_and_service_block() -> None:
    depth = 3000
    row = '<a href="/x.html">咨询</a>留言时间：2026-01-02 回复时间：2026-01-03'
    nested = "<html><body>" + "<div>" * depth + row + "</div>" * depth + "</body></html>"
    (only,) = parse_messages(parse(nested), BASE, TODAY).messages
    assert (only.asked, only.replied) == (dt.date(2026, 1, 2), dt.date(2026, 1, 3))
    headings = (
        "<html><body>"
        + "<div class='hd'><h2>办事服务</h2>" * depth
        + '<a href="/bs/">x</a>'
        + "</div>" * depth
    )
    entries = service_entries(parse(headings), BASE, SERVICE.all_entry_keywords(), SERVICE.max_label_chars)
    assert [e.url for e in entries] == ["http://www.example.gov.cn/bs/"]


SPAN_LIST = """<html><body><ul class="xx-list">
<li class="head"><span>信件标题</span><span>写信时间</span><span>回复时间</span></li>
<li><span><a href="/xj/21.html">关于学校周边交通的建议</a></span><span>2026-09-01</span><span>2026-09-02</span></li>
<li><span><a href="/xj/22.html">咨询社保缴费基数</a></span><span>2026-09-03</span><span></span></li>
</ul></body></html>"""


def test_a_list_drawn_like_a_table_with_a_span_header_row() -> None:
    listing = parse_messages(parse(SPAN_LIST), BASE, TODAY)
    assert [(m.title, m.asked, m.replied) for m in listing.messages] == [
        ("关于学校周边交通的建议", dt.date(2026, 9, 1), dt.date(2026, 9, 2)),
        ("咨询社保缴费基数", dt.date(2026, 9, 3), None),
    ]
    assert listing.shows_replies and listing.messages[1].unanswered


def test_a_table_with_its_header_in_thead() -> None:
    page = (
        "<table><thead><tr><th>主题</th><th>提问时间</th><th>答复时间</th></tr></thead><tbody>"
        '<tr><td><a href="/q/1.html">公积金贷款额度</a></td><td>2026/10/12</td><td>2026/10/13</td></tr>'
        "</tbody></table>"
    )
    (only,) = parse_messages(parse(page), BASE, TODAY).messages
    assert (only.title, only.asked, only.replied) == (
        "公积金贷款额度",
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 13),
    )


def test_a_malformed_link_is_skipped_not_raised() -> None:
    page = '<base href="http://[y/"><a href="http://[x/a">办事服务</a><a href="/bsfw/">网上办事</a>'
    tree = parse(page)
    assert [e.url for e in service_entries(tree, "http://www.a.gov.cn/", ("办事服务", "网上办事"), 12)] == [
        "http://www.a.gov.cn/bsfw/"
    ]
    assert links_to_hosts(tree, "http://www.a.gov.cn/", ("zwfw.hunan.gov.cn",)) == ()
