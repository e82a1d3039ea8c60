"""Service guides (办事指南): the links to them and which required elements a guide page names, on guide pages
as real sites and the 一体化平台 draw them (tables, definition lists, spaced-out headers, synonyms)."""

from __future__ import annotations

from monitor.extract.guides import guide_elements, guide_links, page_title
from monitor.extract.html import parse
from monitor.settings import Settings

ELEMENTS = Settings().guides.elements
KEYWORDS = Settings().guides.link_keywords

TABLE_GUIDE = """<html><head><title>居民身份证换领_某市人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/bsfw/">办事服务</a></div>
<h1>居民身份证换领办事指南</h1>
<table class="bszn">
<tr><th>事项名称</th><td>居民身份证换领</td></tr>
<tr><th>受 理 条 件</th><td>居民身份证有效期满、相关信息变更或证件严重损坏不能辨认的。</td></tr>
<tr><th>申报材料</th><td>1. 原居民身份证；2. 户口簿。</td></tr>
<tr><th>办理程序</th><td>申请—受理—审核—制证—发证。</td></tr>
<tr><th>法定时限</th><td>60日</td></tr>
</table></body></html>"""

DL_GUIDE_WITHOUT_TIME = """<body><div class="guide"><h2>个体工商户设立登记服务指南</h2>
<dl><dt>一、申请条件</dt><dd>有经营能力的公民。</dd>
<dt>二、所需材料</dt><dd>《个体工商户登记（备案）申请书》。</dd>
<dt>三、办事流程</dt><dd>网上申请或窗口申请。</dd>
<dt>四、收费标准</dt><dd>不收费。</dd></dl>
<script>var t = "办理时限";</script></div></body>"""

LIST_PAGE = """<body><h2>办事指南</h2><ul>
<li><a href="/bsfw/bszn/1.html">居民身份证换领办事指南</a></li>
<li><a href="/bsfw/bszn/2.html">个体工商户设立登记服务指南</a></li>
<li><a href="/bsfw/bszn/">办事指南</a></li>
<li><a href="/xwzx/1.html">我市召开优化营商环境大会，会上发布了新版办事指南汇编并解读了
政务服务改革的最新举措与成效</a></li>
</ul></body>"""


def test_a_table_guide_under_synonyms_names_every_element() -> None:
    elements = guide_elements(parse(TABLE_GUIDE), ELEMENTS)
    assert elements.found == ("办理条件", "申请材料", "办理流程", "办理时限")
    assert elements.missing == ()
    assert page_title(parse(TABLE_GUIDE)) == "居民身份证换领办事指南"


def test_a_guide_lacking_its_time_limit_names_what_is_missing_script_words_aside() -> None:
    elements = guide_elements(parse(DL_GUIDE_WITHOUT_TIME), ELEMENTS)
    assert elements.missing == ("办理时限",)
    assert elements.is_guide


def test_a_list_of_guides_names_no_element_and_links_each_guide_once() -> None:
    tree = parse(LIST_PAGE)
    assert not guide_elements(tree, ELEMENTS).is_guide
    links = guide_links(tree, "http://www.a.gov.cn/bsfw/bszn/", KEYWORDS)
    assert [(g.url, g.text) for g in links] == [
        ("http://www.a.gov.cn/bsfw/bszn/1.html", "居民身份证换领办事指南"),
        ("http://www.a.gov.cn/bsfw/bszn/2.html", "个体工商户设立登记服务指南"),
    ]  # not the page itself, not a headline that mentions 办事指南


def test_the_required_elements_come_from_settings() -> None:
    settings = Settings.model_validate({"guides": {"elements": {"收费标准": ["收费标准", "收费依据"]}}})
    assert guide_elements(parse(DL_GUIDE_WITHOUT_TIME), settings.guides.elements).missing == ()
    assert guide_elements(parse(TABLE_GUIDE), settings.guides.elements).missing == ("收费标准",)


def test_a_malformed_guide_link_is_skipped() -> None:
    page = '<a href="http://[x/a">甲办事指南</a><a href="/b.html">乙办事指南</a>'
    assert [g.url for g in guide_links(parse(page), "http://www.a.gov.cn/", KEYWORDS)] == [
        "http://www.a.gov.cn/b.html"
    ]
