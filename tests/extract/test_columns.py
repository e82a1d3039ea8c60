"""Column discovery and classification on literal pages (extract/columns.py)."""

from __future__ import annotations

from monitor.extract.columns import classify, homepage_columns, rename, sub_columns
from monitor.extract.html import parse
from monitor.settings import ColumnsSettings

CFG = ColumnsSettings()
HOME = "http://www.example.gov.cn/"
HOMEPAGE = """
<html><body>
<div class="topbar"><span>今天是2026年11月20日 星期五</span><a href="javascript:void(0)">设为首页</a></div>
<div class="nav"><ul>
  <li><a href="/">首页</a></li>
  <li class="nav-item"><a href="/xwzx/gzdt/">新闻中心</a>
    <div class="nav-drop"><ul><li><a href="/xwzx/gzdt/index.html">工作动态</a></li>
    <li><a href="/xwzx/bmdt/">部门动态</a></li></ul></div></li>
  <li class="nav-item"><a href="/zwgk/">政务公开</a></li>
  <li class="nav-item"><a href="/rsxx/">人事信息</a></li>
  <li class="nav-item"><a href="http://www.other.gov.cn/hdjl/">互动交流</a></li>
</ul></div>
<div class="home-block"><div class="hd"><h2>通知公告</h2><a class="more" href="/zwgk/tzgg/">更多&gt;&gt;</a></div>
  <ul><li><a href="/zwgk/tzgg/202611/t20261118_1.html">关于做好防汛工作的通知</a><span>2026-11-18</span></li></ul></div>
<div class="home-block"><div class="hd"><span class="title">专题专栏</span><a href="/ztzl/">更多</a></div></div>
<div class="footer"><a href="/wzgl/lxwm/">联系我们</a></div>
</body></html>
"""
SECOND_LEVEL = """
<html><head><meta name="ColumnName" content="政务公开"></head><body>
<div class="nav"><ul><li><a href="/xwzx/gzdt/">新闻中心</a></li></ul></div>
<div class="side-left"><div class="side-tree"><h3>栏目导航</h3><ul>
  <li><a href="/zwgk/tzgg/">通知公告</a></li>
  <li><a href="/zwgk/gfxwj/">规范性文件</a></li>
  <li><a href="/zwgk/zcjd/">政策解读</a></li></ul></div>
  <div class="side-hot"><ul><li><a href="/xwzx/gzdt/202611/t20261119_7.html">某市召开会议</a></li></ul></div></div>
<div class="side-right"><ul class="list"><li><a href="/zwgk/202611/t20261101_3.html">某文件</a></li></ul>
  <div class="pagination"><a href="index_1.html">下一页</a><a href="index_9.html">尾页</a></div></div>
</body></html>
"""


def by_url(columns) -> dict[str, tuple[str, str, bool]]:
    return {c.url: (c.name, c.category, c.first_level) for c in columns}


def test_homepage_navigation_and_more_links_are_first_level_columns():
    found = by_url(homepage_columns(parse(HOMEPAGE), HOME, CFG))
    assert found == {
        "http://www.example.gov.cn/xwzx/gzdt/": ("新闻中心", "news", True),
        "http://www.example.gov.cn/xwzx/bmdt/": ("部门动态", "news", True),
        "http://www.example.gov.cn/zwgk/": ("政务公开", "other", True),
        "http://www.example.gov.cn/rsxx/": ("人事信息", "planning", True),
        "http://www.example.gov.cn/zwgk/tzgg/": ("通知公告", "notice", True),
        "http://www.example.gov.cn/ztzl/": ("专题专栏", "topic", True),
    }  # not: the homepage itself, another host, javascript:, articles, the footer


def test_second_level_page_sub_columns_are_not_first_level():
    first = homepage_columns(parse(HOMEPAGE), HOME, CFG)
    page = "http://www.example.gov.cn/zwgk/"
    subs = by_url(sub_columns(parse(SECOND_LEVEL), page, HOME, [c.url for c in first], CFG))
    assert subs == {
        "http://www.example.gov.cn/zwgk/gfxwj/": ("规范性文件", "notice", False),
        "http://www.example.gov.cn/zwgk/zcjd/": ("政策解读", "notice", False),
    }  # not: the known 通知公告, articles of the 热点 list, pager links


def test_categories_by_keyword():
    names = {
        "工作动态": "news", "政务要闻": "news", "乡镇动态": "news", "图片新闻": "news",
        "通知公告": "notice", "公示公告": "notice", "政策文件": "notice", "规范性文件": "notice",
        "政策解读": "notice", "人事信息": "planning", "人事任免": "planning", "规划计划": "planning",
        "招聘公告": "planning", "专题专栏": "topic", "领导信箱": "interaction", "在线咨询": "interaction",
        "办事服务": "service", "机构概况": "other",
    }  # fmt: skip
    assert {name: classify(name, CFG) for name in names} == names


def test_user_keywords_extend_the_defaults():
    cfg = ColumnsSettings.model_validate({"extra_keywords": {"news": ["乡村振兴"], "notice": ["财政预决算"]}})
    assert classify("乡村振兴", cfg) == "news"
    assert classify("财政预决算", cfg) == "notice"
    assert classify("财政预决算", CFG) == "other"


def test_column_page_meta_name_renames_a_menu_label():
    [column] = [c for c in homepage_columns(parse(HOMEPAGE), HOME, CFG) if c.name == "新闻中心"]
    renamed = rename(column, "工作动态", CFG)
    assert (renamed.name, renamed.category) == ("工作动态", "news")
    assert rename(column, "", CFG) == column


def test_malformed_hrefs_are_no_columns_and_never_raise():
    html = (
        '<div class="nav"><a href="http://[::1/x">工作动态</a><a href="//[zz/">政务要闻</a>'
        '<a href="javascript:void(0)">通知公告</a><a href="mailto:a@b.cn">领导信箱</a></div>'
    )
    assert homepage_columns(parse(html), HOME, CFG) == ()


def test_icon_font_glyphs_are_not_part_of_a_column_name():
    html = '<ul class="menu"><li><a href="/dt/"><i>\ue6a2</i>动态</a></li><li><a href="/hd/">\ue633互动</a></li></ul>'
    assert by_url(homepage_columns(parse(html), HOME, CFG)) == {
        "http://www.example.gov.cn/dt/": ("动态", "news", True),
        "http://www.example.gov.cn/hd/": ("互动", "interaction", True),
    }
