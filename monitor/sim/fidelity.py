"""Pages real provinces draw that an inspector reads as fine but a keyword reader may veto (issue 14).

Each shape is a ``SiteSpec`` value; the truth says the site is healthy on that point:

- ``channel="named"``: the 互动交流 block lists 我要写信, 网上问政, 12345热线 and 在线访谈, none with a
  consultation keyword (咨询、建言、留言、信箱); 我要写信 and 网上问政 open a form a visitor can fill in.
- ``channel="login"``: the block's 我要写信 redirects to a login page (统一身份认证) before the form: a
  working channel that asks the visitor to sign in.
- ``service="renamed"``: no 办事服务 wording anywhere; a block headed 我要办 lists 个人办事 / 法人办事 /
  部门办事 to the 一体化平台, then the platform's item pages.
- ``service="image"``: the only service entry is a banner image (no alt text) linking the platform host.
- ``messages="statuses"``: the 咨询 list shows a status column only (办理完毕, 已办结, 不予受理 with its reason,
  已答复 …), no reply date; the 领导信箱 list shows question and date only (no reply shown: not judged).

Imports nothing from the rest of ``monitor`` (the simulator shares no code with what it tests).
"""

from __future__ import annotations

import html

from monitor.sim.dates import spell
from monitor.sim.records import SimColumn, SimItem
from monitor.sim.reply import Reply, simple_page

esc = html.escape

NAMED_CHANNELS = {
    "/hdjl/wyxx/": "我要写信",
    "/hdjl/wswz/": "网上问政",
    "/hdjl/12345/": "12345热线",
    "/hdjl/zxft/": "在线访谈",
}
LOGIN_CHANNELS = {"/hdjl/wyxx/": "我要写信", "/hdjl/myzj/": "民意征集"}
LOGIN_PATH = "/sso/login"
RENAMED_ITEMS = ("个人办事", "法人办事", "部门办事")
ANSWERED_STATUSES = ("办理完毕", "已办结", "不予受理（不属于本机关职责范围）", "已答复", "已回复", "办结")


def channel_block(channel: str) -> str:
    """The homepage's 互动交流 block for a ``named`` or ``login`` site (empty for other channels)."""
    pages = NAMED_CHANNELS if channel == "named" else LOGIN_CHANNELS if channel == "login" else {}
    if not pages:
        return ""
    links = "".join(f'<li><a href="{path}" target="_blank">{name}</a></li>' for path, name in pages.items())
    return (
        f'<div class="home-block hdjl"><div class="title"><span>互动交流</span></div><ul>{links}</ul></div>'
    )


def channel_page(channel: str, path: str, query: str) -> tuple[str, str] | str | None:
    """(title, body) of a channel page; a str is a redirect location; None: not one of this site's paths."""
    if channel == "login":
        if path == LOGIN_PATH:
            return "统一身份认证平台", (
                '<form class="login" method="post" action="/sso/login"><label>用户名</label>'
                '<input type="text" name="username"><label>密码</label><input type="password" name="password">'
                '<button type="submit">登录</button></form><p>登录后方可写信。</p>'
            )
        if path in LOGIN_CHANNELS:
            return f"{LOGIN_PATH}?returnUrl={path}"
        return None
    if channel != "named" or path not in NAMED_CHANNELS:
        return None
    name = NAMED_CHANNELS[path]
    if path in ("/hdjl/wyxx/", "/hdjl/wswz/"):
        return name, (
            f'<form class="letter" method="post" action="{path}submit"><p>您的诉求我们将在 5 个工作日内回复。</p>'
            '<label>姓名</label><input type="text" name="name"><label>联系电话</label><input type="text" name="tel">'
            '<label>标题</label><input type="text" name="title"><label>内容</label>'
            '<textarea name="content" rows="8"></textarea><button type="submit">提交</button></form>'
        )
    if path == "/hdjl/12345/":
        return name, "<p>12345政务服务便民热线：拨打 12345，或在线提交诉求。</p>"
    return name, "<p>在线访谈：嘉宾与网友在线交流，往期访谈实录。</p>"


def renamed_service_block(items: list[tuple[str, str]], platform_root: str) -> str:
    """A 我要办 block: 个人办事 / 法人办事 / 部门办事 to the platform, then its item pages (url, name)."""
    heads = "".join(
        f'<li><a href="{platform_root}#{n}" target="_blank">{name}</a></li>'
        for n, name in enumerate(RENAMED_ITEMS)
    )
    rows = "".join(f'<li><a href="{url}" target="_blank">{esc(name)}</a></li>' for url, name in items)
    return f'<div class="home-block wyb"><div class="hd"><h2>我要办</h2></div><ul>{heads}{rows}</ul></div>'


def image_service_block(platform_root: str) -> str:
    """A banner with no alt text, linking the platform host: the site's only service entry."""
    return (
        f'<div class="banner-zwfw"><a href="{platform_root}" target="_blank">'
        '<img src="/images/zwfw_banner.jpg" width="1200" height="90"></a></div>'
    )


def status_table(column: SimColumn, items: tuple[SimItem, ...]) -> str:
    """A ``statuses`` site's message list: 咨询 shows a status only; 领导信箱 shows no reply at all."""
    fmt = column.date_format
    if column.slug == "zxzx":
        head = "<tr><th>标题</th><th>来信时间</th><th>办理状态</th></tr>"
        rows = "".join(
            f'<tr><td class="title"><a href="{i.path}" target="_blank">{esc(i.title)}</a></td>'
            f'<td class="date">{spell(i.published, fmt)}</td>'
            f"<td>{ANSWERED_STATUSES[n % len(ANSWERED_STATUSES)]}</td></tr>\n"
            for n, i in enumerate(items)
        )
    else:
        head = "<tr><th>标题</th><th>来信时间</th></tr>"
        rows = "".join(
            f'<tr><td class="title"><a href="{i.path}" target="_blank">{esc(i.title)}</a></td>'
            f'<td class="date">{spell(i.published, fmt)}</td></tr>\n'
            for i in items
        )
    return f'<table class="list-table" width="100%">\n{head}\n{rows}</table>'


MIXED_HOMEPAGES = ("undated_news", "slider_only")
"""``SiteSpec.homepage_mixed``: the news blocks print no date (``undated_news``: a 头条 and plain rows), or
are not shown at all (``slider_only``: the 图片新闻 slider alone carries the news); the 通知公告 and 专题
blocks beside them are dated and may be weeks old. The homepage is fresh when its news is."""


def undated_block(name: str, path: str, items: tuple[SimItem, ...], mixed: str) -> str:
    """A news block without dates: a 头条 headline over plain rows (``undated_news``), or nothing."""
    if mixed != "undated_news" or not items:
        return ""
    top, rest = items[0], items[1:]
    rows = "".join(f'<li><a href="{i.path}" target="_blank">{esc(i.title)}</a></li>' for i in rest)
    return (
        f'<div class="home-block yw"><div class="hd"><h2>{esc(name)}</h2><a class="more" href="{path}">更多</a>'
        f'</div><div class="headline"><a href="{top.path}" target="_blank"><h3>{esc(top.title)}</h3></a></div>'
        f"<ul>{rows}</ul></div>"
    )


FIREWALLS = ("bots", "bots_429", "everyone")
"""``SiteSpec.firewall``: a web application firewall in front of the whole site answering robots' user agents
(govmon, python, aiohttp …) 403 (``bots``) or 429 (``bots_429``) while browsers get the site; or refusing
everybody (``everyone``: the site is down to its visitors too)."""
ROBOT_MARKERS = (
    "govmon",
    "python",
    "aiohttp",
    "curl",
    "wget",
    "bot",
    "spider",
    "scrapy",
    "lychee",
    "linkchecker",
)


def firewall_reply(firewall: str, user_agent: str) -> Reply | None:
    """The firewall's answer to a request, or None to let it through."""
    robot = any(marker in user_agent.lower() for marker in ROBOT_MARKERS) or not user_agent
    if firewall == "everyone" or (robot and firewall == "bots"):
        return Reply(
            403, simple_page("403 Forbidden", "<p>您的访问被拒绝（Web应用防火墙）</p>").encode("utf-8")
        )
    if robot and firewall == "bots_429":
        return Reply(429, b"Too Many Requests", "text/plain", (("Retry-After", "1"),))
    return None


EVENT_TITLES = (
    "关于召开{place}优化营商环境大会的预告",
    "{place}将于下周举行政府开放日活动",
    "在线访谈预告：{place}卫生健康委负责人谈冬季疾病防控",
    "关于公开征求《{place}物业管理办法（征求意见稿）》意见的公告",
    "{place}2026年下半年事业单位公开招聘报名通知",
)
"""``SiteSpec.future_event``: a row dated with the day of its event (a 预告, an 在线访谈 next week, a
consultation open until a later date), as many CMSs list them: not a 伪造发稿日期."""


def future_event_title(place: str) -> str:
    return EVENT_TITLES[sum(map(ord, place)) % len(EVENT_TITLES)].format(place=place)


def is_event_title(title: str) -> bool:
    """Whether ``title`` is one of ``EVENT_TITLES`` (what the truth leaves out of ``future_item``)."""
    return any(all(part in title for part in pattern.split("{place}") if part) for pattern in EVENT_TITLES)


def landing_tiles(subs: list[tuple[str, str]]) -> str:
    """A column landing page (``SiteSpec.landing``): tiles to its sub-columns, no rows of its own. Not an
    empty column: its sub-columns are what an inspector judges."""
    tiles = "".join(
        f'<li class="tile"><a href="{path}"><img src="/images/tile.png" alt=""><span>{esc(name)}</span></a></li>'
        for path, name in subs
    )
    return f'<div class="landing"><ul class="tiles">{tiles}</ul></div>'
