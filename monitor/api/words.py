"""The status pages' Chinese words: severities, verdicts, lifecycle states, checks, evidence fields, and
moments written the way an owner reads them (Asia/Shanghai, ``2026-11-24 10:00``).

Codes stay visible beside their words on every page (an owner quotes the code to the ops team); the words
are what the inspector would say (国办秘函〔2019〕19号). A code or key missing here is shown as it is.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from monitor.model import SHANGHAI, Finding, Severity, State, Status
from monitor.words import CODE_WORDS, SEVERITY_WORDS, STATUS_WORDS

SEVERITY = {severity: SEVERITY_WORDS[severity.value] for severity in Severity}
STATUS = {status: STATUS_WORDS[status.value] for status in Status}
STATE = {
    State.OPEN: "待处理",
    State.ACKNOWLEDGED: "已确认",
    State.DISMISSED: "已排除（误报）",
    State.RESOLVED: "已恢复",
}
HISTORY = {
    State.OPEN: "发现",
    State.ACKNOWLEDGED: "已确认",
    State.DISMISSED: "排除为误报",
    State.RESOLVED: "已恢复",
}
"""A history entry's state as the event it records (the finding opened, was acknowledged …)."""
KIND = {"site": "政府网站", "account": "政务新媒体"}
PLATFORM = {
    "wechat": "微信公众号",
    "weibo": "微博",
    "douyin": "抖音",
    "toutiao": "头条号",
    "app": "客户端",
    "other": "其他",
}
CHECK = {
    "availability": "可访问性探测",
    "homepage": "首页更新",
    "columns": "栏目更新",
    "media": "新媒体更新",
    "links": "链接可用性",
    "services": "办事服务",
    "interaction": "互动交流",
}
OUTCOME = {"ok": "已完成", "failed": "未能读取", "discarded": "作废（监测端异常，不计入）"}
REASON = {
    "timeout": "超时",
    "connect_timeout": "连接超时",
    "connection_refused": "连接被拒绝",
    "connection_reset": "连接中断",
    "dns": "域名无法解析",
    "tls": "证书或加密错误",
    "http_error": "HTTP 错误",
    "too_many_redirects": "重定向过多",
    "redirect_loop": "重定向循环",
    "body_too_large": "页面过大",
    "decompression_bomb": "压缩炸弹",
    "blocked_address": "地址不允许访问",
    "invalid_url": "地址无效",
    "protocol_error": "协议错误",
    "soft404": "页面显示错误信息",
    "redirect_home": "跳转到首页",
    "bot_blocked": "拒绝自动访问",
    "other": "其他错误",
}
EVIDENCE = {
    "url": "地址",
    "text": "链接文字",
    "http_status": "HTTP 状态",
    "reason": "原因",
    "page": "所在页面",
    "detail": "详情",
    "name": "栏目",
    "category": "类别",
    "first_level": "一级栏目",
    "newest": "最新日期",
    "items": "栏目",
    "item": "条目",
    "entries": "条目",
    "messages": "留言",
    "channels": "渠道",
    "window_days": "期限（天）",
    "limit_days": "期限（天）",
    "threshold": "否决线",
    "stale": "超期栏目数",
    "empty": "空白栏目数",
    "since": "起算日期",
    "source": "来源",
    "probes": "探测次数",
    "failures": "失败次数",
    "host": "主机",
    "future": "未来日期条目",
    "last_reply": "最近答复",
    "due": "到期",
    "navigation_only": "首页仅为导航",
    "title": "标题",
    "date": "日期",
    "asked": "提问日期",
    "answered": "答复日期",
    "note": "备注",
    "by": "处理人",
    "snapshot": "页面快照",
}
CATEGORY = {
    "news": "动态要闻",
    "notice": "通知公告/政策文件",
    "planning": "人事/规划计划",
    "topic": "专题",
    "interaction": "互动",
    "service": "办事服务",
    "other": "其他",
}


def indicator(code: str) -> str:
    """The problem as the inspector names it (the report's table, one list for every page and document);
    '' for a code not in it: the page prints the code beside the words anyway."""
    return CODE_WORDS[code].indicator if code in CODE_WORDS else ""


def moment(value: dt.datetime | float | str | None) -> str:
    """``2026-11-24 10:00`` in Asia/Shanghai; epoch seconds and ISO text are read too; '' for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            moment_at = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    elif isinstance(value, int | float):
        moment_at = dt.datetime.fromtimestamp(value, tz=SHANGHAI)
    else:
        moment_at = value
    if moment_at.tzinfo is None:
        moment_at = moment_at.replace(tzinfo=SHANGHAI)
    return moment_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def days_left(due: dt.datetime, now_s: float) -> str:
    """How far the due date is, in calendar days of Asia/Shanghai: ``还剩 4 天``, ``今天到期``, ``已过期 2 天``."""
    today = dt.datetime.fromtimestamp(now_s, tz=SHANGHAI).date()
    days = (due.astimezone(SHANGHAI).date() - today).days
    if days > 0:
        return f"还剩 {days} 天"
    return "今天到期" if days == 0 else f"已过期 {-days} 天"


def web_url(value: object) -> str | None:
    """The value as a link target only when it is an http(s) URL: evidence comes from hostile pages, and a
    ``javascript:`` or ``data:`` URL must never become a clickable link."""
    if not isinstance(value, str):
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value.strip() if scheme in ("http", "https") else None


def finding_class(finding: Finding) -> str:
    """Which column of the overview a finding counts in: ``veto`` (a veto violation, what the 通报 names),
    ``at_risk`` (will become a violation at its due date), or ``other`` (deductions, warnings, unverified)."""
    if finding.status is Status.AT_RISK:
        return "at_risk"
    if finding.severity is Severity.VETO and finding.status is Status.VIOLATION:
        return "veto"
    return "other"
