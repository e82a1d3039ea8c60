"""Main-list extraction on literal pages: each row markup, each trap pages.md names, pagers, articles."""

from __future__ import annotations

import datetime as dt

from monitor.extract.article import article_date
from monitor.extract.html import parse
from monitor.extract.listing import homepage_items, read_listing

AS_OF = dt.date(2026, 11, 27)
URL = "http://www.example.gov.cn/xwzx/gzdt/index.html"
D = dt.date

HEADER = (
    '<div class="topbar"><span class="today">今天是2026年11月27日 星期五</span></div>'
    '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li></ul></div>'
)
FOOTER = (
    '<div class="footer"><p>版权所有 © 2026 某某市人民政府</p><p>网站标识码：4300000001 '
    "湘ICP备12345678号 湘公网安备 43010202000123号</p><p>地址：人民路1号 邮编：410011 电话：0731-88886666</p></div>"
)
SIDEBAR_NEWER = (
    '<div class="side-left"><div class="side-hot"><h3>热点信息</h3><ul class="hot-list">'
    + "".join(f'<li><a href="/hot/{n}.html">热点{n}</a><span>2026-11-2{n}</span></li>' for n in range(6))
    + "</ul></div></div>"
)


def page(main: str, head: str = "") -> str:
    body = f'{HEADER}{SIDEBAR_NEWER}<div class="side-right">{main}</div>{FOOTER}'
    return f"<html><head>{head}</head><body>{body}</body></html>"


def rows(template: str, dates: list[str]) -> str:
    return "".join(template.format(n=n, d=d) for n, d in enumerate(dates))


def listing_of(main: str, head: str = "") -> tuple[list[dt.date | None], object]:
    listing = read_listing(parse(page(main, head)), URL, AS_OF)
    return [item.date for item in listing.items], listing


def test_ul_with_trailing_span_dates_ignores_newer_sidebar_clock_and_footer() -> None:
    main = (
        '<ul class="list">'
        + rows(
            '<li><a href="./202611/t{n}.html">标题{n}</a><span>{d}</span></li>', ["2026-11-10", "2026-11-03"]
        )
        + "</ul>"
    )
    dates, listing = listing_of(main)
    assert dates == [D(2026, 11, 10), D(2026, 11, 3)]
    assert listing.newest == D(2026, 11, 10)  # not the sidebar's 2026-11-25, not the clock's 11-27
    assert listing.items[0].url == "http://www.example.gov.cn/xwzx/gzdt/202611/t0.html"
    assert listing.items[0].title == "标题0"


def test_leading_dates_in_every_spelling() -> None:
    spellings = ["2026-11-04", "2026-9-7", "2026/08/06", "2026.07.05", "2026年6月4日", "2026-05-03 10:20:30"]
    main = (
        '<ul class="news">'
        + rows('<li><span class="date">{d}</span><a href="/a/{n}.html">新闻{n}</a></li>', spellings)
        + "</ul>"
    )
    dates, _ = listing_of(main)
    assert dates == [
        D(2026, 11, 4),
        D(2026, 9, 7),
        D(2026, 8, 6),
        D(2026, 7, 5),
        D(2026, 6, 4),
        D(2026, 5, 3),
    ]


def test_year_less_bracketed_dates_take_the_latest_year_not_after_as_of() -> None:
    main = (
        "<ul>"
        + rows('<li><a href="/a/{n}.html">通知{n}</a><span>{d}</span></li>', ["[11-20]", "[12-30]"])
        + "</ul>"
    )
    dates, listing = listing_of(main)
    assert dates == [D(2026, 11, 20), D(2025, 12, 30)]
    assert listing.newest == D(2026, 11, 20)


def test_pinned_old_row_on_top_is_counted_but_not_the_newest() -> None:
    main = (
        '<ul class="list"><li class="top"><span class="zd">[置顶]</span><a href="/a/0.html">办事指南</a>'
        "<span>2024-03-01</span></li>"
        + rows('<li><a href="/a/{n}.html">公告{n}</a><span>{d}</span></li>', ["2026-11-20", "2026-11-01"])
        + "</ul>"
    )
    _, listing = listing_of(main)
    assert listing.count == 3
    assert listing.newest == D(2026, 11, 20)


def test_dates_and_document_numbers_inside_titles_are_not_row_dates() -> None:
    titles = [
        "关于2026年11月26日停电的通知",
        "某某市2027年工作要点",
        "印发办法的通知（湘政发〔2026〕3号）",
        "2026年第45号令 某某办法",
        "公示（咨询电话：0731-88886666）",
        "评估报告公示（2026-1）",
    ]
    main = (
        '<ul class="list">'
        + "".join(
            f'<li><a href="/a/{n}.html">{t}</a><span>2026-10-0{n + 1}</span></li>'
            for n, t in enumerate(titles)
        )
        + "</ul>"
    )
    dates, listing = listing_of(main)
    assert dates == [D(2026, 10, n + 1) for n in range(6)]
    assert listing.newest == D(2026, 10, 6)


def test_table_rows_use_the_published_column_not_the_signed_one() -> None:
    main = (
        '<table class="list-table"><tr><th>标题</th><th>文号</th><th>成文日期</th><th>发布日期</th></tr>'
        '<tr><td><a href="/a/0.html">办法</a></td><td>湘政发〔2026〕3号</td><td>2026-11-01</td><td>2026-11-05</td></tr>'
        '<tr><td><a href="/a/1.html">规定</a></td><td>湘政发〔2026〕2号</td><td>2026-10-01</td><td>2026-10-08</td></tr>'
        "</table>"
    )
    dates, _ = listing_of(main)
    assert dates == [D(2026, 11, 5), D(2026, 10, 8)]


def test_message_table_rows_are_dated_by_the_first_date_column() -> None:
    main = (
        "<table><tr><th>标题</th><th>来信时间</th><th>回复时间</th></tr>"
        '<tr><td><a href="/m/0.html">咨询</a></td><td>2026-11-01</td><td>2026-11-20</td></tr>'
        '<tr><td><a href="/m/1.html">建议</a></td><td>2026-10-01</td><td></td></tr></table>'
    )
    dates, _ = listing_of(main)
    assert dates == [D(2026, 11, 1), D(2026, 10, 1)]


def test_div_rows_with_labelled_date_under_the_title() -> None:
    main = (
        '<div class="listBox">'
        + rows(
            '<div class="listItem"><h1><a href="/a/{n}.html">标题{n}</a></h1>'
            '<div class="listItem_infor"><span>发布时间：{d}</span><span>来源：某局</span></div></div>',
            ["2026-11-02", "2026-10-02"],
        )
        + "</div>"
    )
    dates, _ = listing_of(main)
    assert dates == [D(2026, 11, 2), D(2026, 10, 2)]


def test_date_only_in_the_link_title_attribute() -> None:
    main = (
        '<ul class="list-tit">'
        + rows(
            '<li><a href="/a/{n}.html" title="标题{n} 发布时间：{d}">标题{n}</a></li>',
            ["2026-11-02", "[10-02]"],
        )
        + "</ul>"
    )
    dates, _ = listing_of(main)
    assert dates == [D(2026, 11, 2), D(2026, 10, 2)]


def test_date_split_across_elements() -> None:
    main = (
        '<ul class="list-split">'
        + rows(
            '<li><div class="date-box"><span class="day">{d}</span><span class="ym">2026-11</span></div>'
            '<a href="/a/{n}.html">标题{n}</a></li>',
            ["04", "02"],
        )
        + "</ul>"
    )
    dates, _ = listing_of(main)
    assert dates == [D(2026, 11, 4), D(2026, 11, 2)]


def test_hanweb_datastore_records_are_rows() -> None:
    records = "".join(
        f'<record><![CDATA[\n<li><a href="/art/2026/11/{n}/art_{n}.html">标题{n}</a>'
        f"<span>2026-11-0{n}</span></li>]]></record>"
        for n in (3, 2, 1)
    )
    store = f"<datastore><recordset>{records}</recordset></datastore>"
    main = f'<div id="1_list"><script type="text/xml">{store}</script></div>'
    dates, listing = listing_of(main)
    assert dates == [D(2026, 11, 3), D(2026, 11, 2), D(2026, 11, 1)]
    assert listing.items[0].url == "http://www.example.gov.cn/art/2026/11/3/art_3.html"


def test_hidden_popup_and_related_blocks_with_newer_dates_are_not_the_list() -> None:
    main = (
        '<ul class="list">'
        + rows('<li><a href="/a/{n}.html">标题{n}</a><span>{d}</span></li>', ["2026-10-02", "2026-10-01"])
        + "</ul>"
        '<div class="xgyd"><h3>相关阅读</h3><ul>'
        + rows('<li><a href="/r/{n}.html">阅读{n}</a><span>{d}</span></li>', ["2026-11-20"] * 3)
        + "</ul></div>"
        '<div class="popbox" style="display:none"><ul>'
        + rows('<li><a href="/p/{n}.html">解读{n}</a><span>{d}</span></li>', ["2026-11-21"] * 5)
        + "</ul></div>"
    )
    _, listing = listing_of(main)
    assert listing.count == 2
    assert listing.newest == D(2026, 10, 2)


def test_undated_rows_are_listed_and_counted_apart() -> None:
    main = (
        '<ul class="list"><li><a href="/a/0.html">有日期</a><span>2026-11-02</span></li>'
        '<li><a href="/a/1.html">无日期</a></li><li><a href="/a/2.html">有日期</a><span>2026-11-01</span></li></ul>'
    )
    dates, listing = listing_of(main)
    assert dates == [D(2026, 11, 2), None, D(2026, 11, 1)]
    assert (listing.count, listing.undated) == (2, 1)


def test_list_filled_by_script_has_no_rows_and_says_so() -> None:
    main = (
        '<ul id="list" class="news-list"></ul><script>$.ajax({url: "/api/list.json", dataType: "json", '
        "success: function(r){ $('#list').html(r); }});</script>"
    )
    _, listing = listing_of(main)
    assert listing.items == ()
    assert listing.newest is None
    assert listing.script_filled


def test_trs_pager_gives_the_next_page() -> None:
    main = (
        '<ul class="list"><li><a href="/a/0.html">标题</a><span>2026-11-02</span></li></ul>'
        "<script>var countPage = 5;var currentPage = 0;"
        'createPageHTML(countPage, currentPage, "index", "html");</script>'
    )
    _, listing = listing_of(main)
    assert listing.next_page == "http://www.example.gov.cn/xwzx/gzdt/index_1.html"
    last = main.replace("currentPage = 0", "currentPage = 4")
    assert listing_of(last)[1].next_page is None


def test_plain_pager_link() -> None:
    main = (
        '<ul class="list"><li><a href="/a/0.html">标题</a><span>2026-11-02</span></li></ul>'
        '<div class="pagination"><a href="index.html">首页</a><a href="index_1.html">下一页</a></div>'
    )
    _, listing = listing_of(main)
    assert listing.next_page == "http://www.example.gov.cn/xwzx/gzdt/index_1.html"


def test_homepage_items_skip_clock_and_footer() -> None:
    blocks = "".join(
        f'<div class="home-block"><h2>栏目{b}</h2><ul>'
        + rows(
            f'<li><a href="/b{b}/{{n}}.html">标题{{n}}</a><span class="date">{{d}}</span></li>',
            [f"2026-11-1{b}", "2026-11-01"],
        )
        + "</ul></div>"
        for b in range(3)
    )
    html = f"<html><body>{HEADER}{blocks}{FOOTER}</body></html>"
    items = homepage_items(parse(html), "http://www.example.gov.cn/", AS_OF)
    assert len(items) == 6
    assert max(i.date for i in items if i.date) == D(2026, 11, 12)


def article(body: str, meta: str = "") -> dt.date | None:
    html = f"<html><head>{meta}</head><body>{HEADER}{body}{FOOTER}</body></html>"
    return article_date(parse(html), AS_OF)


def test_article_printed_publication_date_wins_over_pubdate_meta_and_body_dates() -> None:
    body = (
        '<h1>关于某事的通知</h1><div class="info"><span>发布时间：2026-11-05 10:00</span><span>来源：某局</span></div>'
        "<p>11月3日，会议决定……</p><p>本办法自2026年12月1日起施行。</p><p>某局<br>二〇二六年十一月一日</p>"
    )
    assert article(body, '<meta name="PubDate" content="2026-11-06 08:00">') == D(2026, 11, 5)


def test_article_label_split_from_its_date() -> None:
    assert article('<div class="info"><span>发布日期：</span><span>2026/11/05</span></div>') == D(2026, 11, 5)


def test_article_without_printed_label_falls_back_to_pubdate_meta() -> None:
    assert article("<h1>标题</h1><p>正文</p>", '<meta name="PubDate" content="2026-11-06 08:00">') == D(
        2026, 11, 6
    )
    assert article("<h1>标题</h1>", '<meta name="firstpublishedtime" content="2026-11-07">') == D(2026, 11, 7)


def test_article_signed_date_only_when_nothing_else() -> None:
    body = "<table><tr><td>成文日期：</td><td>二〇二六年十月九日</td></tr></table><p>会议时间：2026年11月20日</p>"
    assert article(body) == D(2026, 10, 9)
    body_with_published = body + "<table><tr><td>发布日期：</td><td>2026-10-12</td></tr></table>"
    assert article(body_with_published) == D(2026, 10, 12)


def test_article_with_no_date_at_all() -> None:
    assert article("<h1>标题</h1><p>正文2022年工作要点</p>") is None


def test_last_page_with_one_row_under_a_pager_and_beside_a_side_tree() -> None:
    main = (
        '<div class="crumbs"><a href="/">首页</a> &gt; <a href="/xwzx/gzdt/">工作动态</a></div>'
        '<div class="side-tree"><ul><li><a href="/xwzx/gzdt/">工作动态</a></li>'
        '<li><a href="/x/">政务要闻</a></li></ul></div>'
        '<div class="con"><ul class="list"><li><a href="/a/9.html">最后一条</a><span>2026-02-03</span></li></ul>'
        '<div class="pagination"><a href="index.html">首页</a><a href="index_1.html">上一页</a><span>2/2</span>'
        '<a href="index_1.html">尾页</a> 共21条</div></div>'
    )
    dates, listing = listing_of(main)
    assert dates == [D(2026, 2, 3)]  # not 上一页 dated 02-02 by the page counter, nor the side tree
    assert listing.items[0].title == "最后一条"
    assert listing.next_page is None


def test_flat_list_without_row_elements() -> None:
    main = (
        '<div class="list">'
        + rows(
            '<a href="/a/{n}.html">标题{n}</a><span class="date">{d}</span><br>', ["2026-11-02", "2026-11-01"]
        )
        + "</div>"
    )
    _, listing = listing_of(main)
    assert [(i.title, i.date) for i in listing.items] == [
        ("标题0", D(2026, 11, 2)),
        ("标题1", D(2026, 11, 1)),
    ]
    assert listing.items[1].url == "http://www.example.gov.cn/a/1.html"


def test_list_on_the_left_with_a_hot_block_on_the_right() -> None:
    html = (
        f'<html><body>{HEADER}<div class="con-left"><ul class="list">'
        + rows(
            '<li><a href="/a/{n}.html">标题{n}</a><span>{d}</span></li>',
            ["2026-10-03", "2026-10-02", "2026-10-01"],
        )
        + '</ul></div><div class="con-right"><div class="rdph"><h3>热点排行</h3><ul class="rank">'
        + rows('<li><a href="/h/{n}.html">热点{n}</a><span>{d}</span></li>', ["2026-11-20"] * 5)
        + f"</ul></div></div>{FOOTER}</body></html>"
    )
    listing = read_listing(parse(html), URL, AS_OF)
    assert (listing.count, listing.newest) == (3, D(2026, 10, 3))


def test_one_list_split_into_twin_containers() -> None:
    half = '<li><a href="/a/{n}.html">标题{n}</a><span>{d}</span></li>'
    main = (
        '<ul class="list">' + rows(half, ["2026-11-05", "2026-11-04"]) + '</ul><div class="line"></div>'
        '<ul class="list">' + rows(half, ["2026-11-03", "2026-11-02"]) + "</ul>"
    )
    dates, listing = listing_of(main)
    assert dates == [D(2026, 11, 5), D(2026, 11, 4), D(2026, 11, 3), D(2026, 11, 2)]
    assert listing.count == 4


def test_date_inside_the_link_is_not_part_of_the_title() -> None:
    main = (
        '<ul class="list">'
        + rows(
            '<li><a href="/a/{n}.html"><span class="tit">关于2026年工作的通知{n}</span>'
            '<span class="time">{d}</span></a></li>',
            ["2026-11-05", "[11-04]"],
        )
        + "</ul>"
    )
    _, listing = listing_of(main)
    assert [(i.title, i.date) for i in listing.items] == [
        ("关于2026年工作的通知0", D(2026, 11, 5)),
        ("关于2026年工作的通知1", D(2026, 11, 4)),
    ]
