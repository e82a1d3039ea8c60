"""Reading the homepage's 年度报表 and 重要专题 links from realistic markup (monitor.extract.homepage_links)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.extract.homepage_links import (
    is_report_label,
    labelled_links,
    report_links,
    report_year,
    topic_links,
)
from monitor.extract.html import parse

BASE = "http://www.zhuzhou.gov.cn/"

FOOTER = """
<div class="footer"><div class="foot-links">
  <a href="/wzgl/lxwm/">联系我们</a> | <a href="/wzgl/wzdt/">网站地图</a> |
  <a href="/zwgk/ndbb/202601/t20260120_1234.html" target="_blank">2025年度政府网站工作年度报表</a>
</div><p>网站标识码：4302000001 <a href="https://beian.miit.gov.cn/">湘ICP备05000000号</a></p></div>
"""

IMAGE_LINK = """
<div class="zwgk-block"><h2>政务公开</h2><ul>
  <li><a href="/xxgk/ndbg/">政府信息公开工作年度报告</a></li>
  <li><a href="/u/cms/www/202601/2025ndbb.pdf"><img src="/images/ndbb.png" alt="政府网站年度报表"></a></li>
</ul></div>
"""

OLD_YEAR = """
<ul class="gongkai">
  <li><a href="/zwgk/ndbb/2024.pdf" title="网站工作年度报表（2024年）">网站工作年度报表（2024年）</a></li>
  <li><a href="/zwgk/tjsj/">统计年报</a></li>
</ul>
"""

UNDATED = '<div class="foot"><a href="/ndbb/">政府网站年度报表</a> <a href="/sitemap/">网站地图</a></div>'

BANNER = """
<div class="banner"><a href="/ztzl/2026qglh/" target="_blank">
  <img src="/images/zt/lh2026.jpg" alt="聚焦2026年全国两会"></a></div>
<map name="zt"><area shape="rect" coords="0,0,300,80" href="/ztzl/xxgcddjs/" alt="学习贯彻党的二十届四中全会精神"></map>
<div class="zt-list"><a href="/ztzl/yhyshj/" title="优化营商环境专栏"><img src="/images/zt/yh.jpg"></a></div>
"""


def reports(html: str) -> list[tuple[str, int | None]]:
    return [(r.url, r.year) for r in report_links(labelled_links(parse(html), BASE))]


def test_footer_text_link_names_its_year() -> None:
    assert reports(FOOTER) == [("http://www.zhuzhou.gov.cn/zwgk/ndbb/202601/t20260120_1234.html", 2025)]


def test_image_link_with_alt_text_and_pdf_file_name_year() -> None:
    # the 信息公开 年度报告 beside it is another report; the year comes from the PDF's file name
    assert reports(IMAGE_LINK) == [("http://www.zhuzhou.gov.cn/u/cms/www/202601/2025ndbb.pdf", 2025)]


def test_older_year_in_brackets_is_read_as_that_year() -> None:
    assert reports(OLD_YEAR) == [("http://www.zhuzhou.gov.cn/zwgk/ndbb/2024.pdf", 2024)]


def test_a_link_without_a_year_is_found_without_one() -> None:
    assert reports(UNDATED) == [("http://www.zhuzhou.gov.cn/ndbb/", None)]


def test_no_report_link_on_a_page_without_one() -> None:
    assert reports(BANNER) == []
    assert reports("<html><body><p>2025年度政府网站工作年度报表</p></body></html>") == []  # text, no link


def test_report_labels() -> None:
    assert is_report_label("2025年度政府网站工作年度报表")
    assert is_report_label("政府网站年报")
    assert is_report_label("年度报表")
    assert is_report_label("2025年度报表")
    assert not is_report_label("2025年政府信息公开工作年度报告")
    assert not is_report_label("政府信息公开年报")
    assert not is_report_label("统计年报")
    assert not is_report_label("2025年部门决算年度报表")


def test_report_year_is_the_report_year_not_the_publication_date() -> None:
    assert report_year("2025年度政府网站工作年度报表（2026年1月20日发布）", "") == 2025
    assert report_year("二〇二五年度政府网站工作年度报表", "") == 2025
    assert report_year("政府网站工作年度报表 2025", "") == 2025
    assert report_year("政府网站年度报表 2026-01-20", "/a/b.html") is None
    assert report_year("政府网站年度报表", "http://x.gov.cn/art/2026/1/20/art_5_123.html") is None
    assert report_year("政府网站年度报表", "http://x.gov.cn/ndbb/ndbb_2025.html") == 2025
    assert report_year("政府网站年度报表", "javascript:openReport('2025')") is None


def test_topic_banner_found_by_alt_text_area_and_title() -> None:
    links = labelled_links(parse(BANNER), BASE)
    found = topic_links(
        links,
        {
            "全国两会专题": (("两会",), ()),
            "四中全会": ((), (r"二十届.{0,2}中全会",)),
            "营商环境": (("营商环境",), ()),
            "乡村振兴": (("乡村振兴",), ()),
        },
    )
    lianghui, plenum, business = found["全国两会专题"], found["四中全会"], found["营商环境"]
    assert lianghui is not None and lianghui.url == "http://www.zhuzhou.gov.cn/ztzl/2026qglh/"
    assert lianghui.label == "聚焦2026年全国两会"
    assert plenum is not None and plenum.url == "http://www.zhuzhou.gov.cn/ztzl/xxgcddjs/"
    assert business is not None and business.label == "优化营商环境专栏"
    assert found["乡村振兴"] is None


def test_javascript_link_is_kept_as_written() -> None:
    html = "<a href=\"javascript:window.open('/ndbb/2025.pdf')\">2025年度政府网站工作年度报表</a>"
    assert reports(html) == [("javascript:window.open('/ndbb/2025.pdf')", 2025)]


@given(st.text(max_size=300))
def test_any_markup_is_read_without_error(html: str) -> None:
    links = labelled_links(parse(html), BASE)
    report_links(links)
    topic_links(links, {"t": (("两会",), (r"\d+",))})
