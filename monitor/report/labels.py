"""The inspector's words: each finding code as the indicator names it (国办秘函〔2019〕19号, indicators.md),
and the headers of the 通报's tables. A code not listed here (a manual finding) is shown by its message."""

from __future__ import annotations

import datetime as dt

INDICATORS = {
    "site.unreachable": "站点无法访问",
    "homepage.stale": "首页不更新",
    "columns.stale": "栏目不更新",
    "columns.long_stale": "栏目不更新（长期未更新）",
    "columns.empty": "栏目不更新（空白栏目）",
    "interaction.missing": "互动回应差（无有效咨询建言渠道）",
    "interaction.unanswered": "互动回应差（留言超过3个月未答复）",
    "service.missing": "服务不实用",
    "content.hidden_link": "安全问题（暗链）",
    "content.tampered": "安全问题（内容被篡改）",
    "content.future_date": "弄虚作假",
    "content.serious_error": "严重表述错误",
    "column.stale": "栏目更新不及时",
    "column.empty": "空白栏目",
    "links.broken_homepage": "首页不可用链接",
    "links.broken": "其他页面不可用链接",
    "service.not_linked": "办事服务未链接一体化平台",
    "service.broken": "一体化平台链接不可用",
    "interaction.replies_stale": "留言答复未更新",
    "homepage.annual_report_missing": "未在首页展示政府网站工作年度报表",
    "homepage.required_topic_missing": "未按要求转载重要专题",
    "topic.expired": "过期专题未及时归档",
    "column.misfiled": "栏目内容错放",
    "footer.identifier_missing": "网站标识缺失",
    "site.domain_nonconforming": "域名不规范",
    "privacy.exposed": "个人隐私未脱敏",
    "site.search_broken": "搜索功能不可用",
    "site.ipv6_missing": "不支持IPv6",
    "service.guide_incomplete": "办事指南要素缺失",
    "media.stale": "监测时间点前2周内无更新",
    "media.never_published": "纳入监管后从未发布信息",
    "media.interaction_missing": "未提供有效互动交流功能",
    "media.stale_week": "1周内无更新",
    "media.feed_unreachable": "无法读取",
}

KIND_NOUN = {"site": "政府网站", "account": "政务新媒体"}
"""What one target of a kind is called in the 通报's sentences."""

TABLE_TITLE = {"site": "全省政府网站检查情况", "account": "全省政务新媒体检查情况"}

TABLE_HEADERS = {
    "site": ("市州/部门", "实际运行网站数", "检查网站数", "发现存在突出问题的网站数", "占检查数比例"),
    "account": (
        "市州/部门",
        "实际运行政务新媒体数",
        "检查政务新媒体数",
        "发现存在突出问题的政务新媒体数",
        "占检查数比例",
    ),
}
"""The 通报's column headings (附件2 and 附件3), its two-row header flattened into one."""

CSV_HEADER = ("地区", "实际运行数", "检查数", "发现存在突出问题数", "占检查数比例")
"""CONTRACT.md's header of ``websites.csv`` and ``new-media.csv``."""

TOTAL = "合计"

FORECAST_LABELS = {"open": "预计：违规未整改，检查时仍存在", "at_risk": "预计：到期"}
"""How a forecast problem is marked; an at_risk one is followed by its due day."""


def indicator(code: str, message: str) -> str:
    """The problem as the inspector words it: the indicator's name, else the finding's own message."""
    return INDICATORS.get(code, message)


def quarter_words(quarter: str) -> str:
    """``2022Q1`` → ``2022年第一季度``."""
    return f"{quarter[:4]}年第{'一二三四'[int(quarter[5]) - 1]}季度"


def range_words(first: dt.date, last: dt.date) -> str:
    """``2022年1月8日至3月11日``: the year once when both days share it."""
    if first.year == last.year:
        return f"{day_words(first)}至{last.month}月{last.day}日"
    return f"{day_words(first)}至{day_words(last)}"


def day_words(day: dt.date) -> str:
    """A date as the 通报 writes it: ``2022年1月8日``."""
    return f"{day.year}年{day.month}月{day.day}日"
