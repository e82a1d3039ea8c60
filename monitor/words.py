"""Every finding code in the inspector's words (docs/indicators.md, 国办秘函〔2019〕19号) and what an owner
should do about it, and the words of severities and verdicts: the one table that notices, the status pages
and the quarterly report read, so an owner meets one name for a problem in all three. ``tests/notify``
checks it covers every code."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class CodeWords:
    indicator: str  # the indicator's name as the 通报 prints it
    rule: str  # the rule, as an inspector would state it
    action: str  # what to do before the due date


CODE_WORDS: dict[str, CodeWords] = {
    # ---- websites: single-veto items (单项否决)
    "site.unreachable": CodeWords(
        "站点无法访问",
        "连续一周每天不少于 20 次监测，首页 15 秒内打不开的次数累计超过总监测次数的 5%",
        "排查服务器、网络、防护设备与域名解析，确保首页稳定可访问",
    ),
    "homepage.stale": CodeWords(
        "首页不更新", "监测时间点前 2 周内首页无新增信息", "在首页发布新的、注明日期的信息"
    ),
    "columns.stale": CodeWords(
        "栏目不更新",
        "动态、要闻类栏目超过 2 周未更新，与通知公告、政策文件类一级栏目超过 6 个月未更新，合计 5 个以上",
        "更新所列栏目，或将不再维护的栏目整合、归档并撤除入口",
    ),
    "columns.long_stale": CodeWords(
        "栏目不更新（长期未更新）",
        "应更新但长期未更新的栏目数量超过 10 个",
        "更新所列栏目，或整合、归档长期不更新的栏目",
    ),
    "columns.empty": CodeWords(
        "栏目不更新（空白栏目）",
        "空白栏目（栏目页无任何信息，含显示“暂无信息”的子栏目）数量超过 5 个",
        "补充内容或撤除空白栏目",
    ),
    "interaction.missing": CodeWords(
        "互动回应差（无有效咨询建言渠道）",
        "未提供有效的在线咨询、建言、留言、信箱等互动渠道（信访、纪检举报不计）",
        "开通并保持可用的咨询或留言渠道",
    ),
    "interaction.unanswered": CodeWords(
        "互动回应差（留言超过3个月未答复）",
        "近 1 年内留言超过 3 个月未回应",
        "尽快答复所列留言并公开答复日期",
    ),
    "service.missing": CodeWords(
        "服务不实用", "未提供任何办事服务", "提供办事服务入口，链接到一体化政务服务平台"
    ),
    "content.hidden_link": CodeWords(
        "安全问题（暗链）",
        "网站存在暗链（指向赌博、色情、彩票等非法内容的隐藏链接）",
        "立即删除暗链，排查并修补被入侵环节",
    ),
    "content.tampered": CodeWords(
        "安全问题（内容被篡改）",
        "网站有被篡改迹象（外来脚本或框架、首页标题或内容被替换）",
        "立即核查并恢复页面，排查入侵途径",
    ),
    "content.future_date": CodeWords("弄虚作假", "信息发布日期晚于监测时间点", "核实并更正发布日期"),
    "content.serious_error": CodeWords(
        "严重表述错误", "存在领导人姓名、职务等严重表述错误", "立即更正错误表述并复核同类内容"
    ),
    # ---- websites: deductions (扣分)
    "column.stale": CodeWords(
        "栏目更新不及时",
        "栏目超过更新期限（动态要闻 2 周、通知公告 6 个月、人事规划 1 年）",
        "更新该栏目",
    ),
    "column.empty": CodeWords("空白栏目", "栏目页无任何信息", "补充内容或撤除该栏目"),
    "links.broken_homepage": CodeWords(
        "首页不可用链接", "首页链接（页面、图片、附件）打不开或指向错误页", "修复或删除该链接"
    ),
    "links.broken": CodeWords("其他页面不可用链接", "其他页面链接打不开或指向错误页", "修复或删除该链接"),
    "service.not_linked": CodeWords(
        "办事服务未链接一体化平台",
        "办事服务入口未链接到一体化政务服务平台",
        "将办事入口链接到一体化政务服务平台",
    ),
    "service.broken": CodeWords(
        "一体化平台链接不可用",
        "一体化平台链接打不开或指向平台错误页（事项不存在、已下线、系统维护）",
        "更新平台事项链接",
    ),
    "interaction.replies_stale": CodeWords(
        "留言答复未更新", "监测时间点前 2 个月内未公开答复留言", "公开最近的留言答复"
    ),
    "homepage.annual_report_missing": CodeWords(
        "未在首页展示政府网站工作年度报表",
        "2 月 1 日起首页未链接上一年度政府网站工作年度报表",
        "在首页发布并链接上年度工作年度报表",
    ),
    "homepage.required_topic_missing": CodeWords(
        "未按要求转载重要专题", "要求的专题未在首页显著位置展示", "在首页首屏展示该专题入口"
    ),
    "topic.expired": CodeWords("过期专题未及时归档", "专题长期未更新仍作为当前专题展示", "将过期专题归档"),
    "column.misfiled": CodeWords(
        "栏目内容错放", "政策文件类栏目中发布了动态新闻类信息", "将信息移至对应栏目"
    ),
    "footer.identifier_missing": CodeWords(
        "网站标识缺失",
        "页脚缺少网站标识码、党政机关网站标识、ICP 备案号、公安机关备案号或“我为政府网站找错”入口",
        "在页脚补全所缺标识",
    ),
    "site.domain_nonconforming": CodeWords(
        "域名不规范", "域名不在 .gov.cn（或 .政务）下，或部门网站不在门户网站域名下", "按规范迁移域名"
    ),
    "privacy.exposed": CodeWords(
        "个人隐私未脱敏", "页面公开了未脱敏的身份证号或手机号", "立即对个人信息脱敏或撤下页面"
    ),
    "site.search_broken": CodeWords("搜索功能不可用", "站内搜索报错或搜不到本站近期信息", "修复站内搜索"),
    "site.ipv6_missing": CodeWords("IPv6 支持", "无 AAAA 记录或首页无法通过 IPv6 访问", "开通 IPv6 访问"),
    "service.guide_incomplete": CodeWords(
        "办事指南要素缺失", "办事指南缺少办理条件、申请材料、办理流程、办理时限等要素", "补全办事指南要素"
    ),
    # ---- new media (政务新媒体)
    "media.stale": CodeWords("监测时间点前2周内无更新", "监测时间点前 2 周内无更新", "发布新的信息"),
    "media.never_published": CodeWords(
        "纳入监管后从未发布信息", "开通或纳入监管以来从未发布信息", "发布信息或按程序关停"
    ),
    "media.interaction_missing": CodeWords("未提供有效互动交流功能", "无可用的互动功能", "开通互动功能"),
    "media.stale_week": CodeWords("1周内无更新", "1 周内无更新", "发布新的信息"),
    "media.feed_unreachable": CodeWords(
        "无法读取", "govmon 读不到该账号的信息源（不作为违规）", "检查信息源地址或转换服务"
    ),
}

SEVERITY_WORDS = {"veto": "单项否决", "deduction": "扣分", "warning": "运行提示"}
STATUS_WORDS = {"violation": "已违规", "at_risk": "预警", "unverified": "无法判断"}


def words_for(code: str) -> CodeWords:
    """The words of a code; a code this table does not know yet is shown as itself, never dropped."""
    return CODE_WORDS.get(code, CodeWords(code, code, "核查并整改"))
