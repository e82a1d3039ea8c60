"""The 一体化政务服务平台 host: service item pages and the error pages inspectors look for.

Item states come from the sites' ``ServiceLink`` records: ``ok`` is a working 办事指南, ``missing``
(该事项不存在) and ``offline`` (该事项已下线) answer 200 like the real platforms do, so only the page
text tells; ``maintenance`` (系统维护) answers 503. An unknown item code is ``missing``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from monitor.sim import searchcases
from monitor.sim.records import SimSite
from monitor.sim.reply import Reply

esc = html.escape
PLATFORM_NAME = "湖南省政务服务网"
ERROR_TEXTS = {
    "missing": "该事项不存在",
    "offline": "该事项已下线，请选择其他事项办理",
    "maintenance": "系统维护中，请稍后访问",
}


class PlatformRenderer:
    def __init__(self, sites: Iterable[SimSite]) -> None:
        self.items: dict[str, tuple[str, str, str]] = {}  # path → (service name, org, state)
        for site in sites:
            for service in site.services:
                if service.state != "local":
                    self.items[service.path] = (service.name, site.org, service.state)

    def render(self, path: str) -> Reply:
        if path in ("/", "/index.html", "/hnzwfw/", "/hnzwfw/index.html"):
            return Reply.html(self.portal())
        if path.startswith("/hnzwfw/guide/"):  # a 办事指南 on the platform (``searchcases``: lacks elements)
            return Reply.html(self.page("办事指南", searchcases.guide_body("办事指南", "platform")))
        if path.startswith("/hnzwfw/item/"):
            name, org, state = self.items.get(path, ("", "", "missing"))
            if state == "ok":
                return Reply.html(self.item_page(name, org))
            status = 503 if state == "maintenance" else 200
            return Reply.html(
                self.page(ERROR_TEXTS[state], f'<div class="error-tip">{ERROR_TEXTS[state]}</div>'), status
            )
        return Reply.html(self.page("页面不存在", "<p>404</p>"), 404)

    def portal(self) -> str:
        links = "".join(
            f'<li><a href="{path}">{esc(name)}</a><span>{esc(org)}</span></li>'
            for path, (name, org, state) in list(self.items.items())[:80]
            if state == "ok"
        )
        return self.page(PLATFORM_NAME, f'<div class="hot-items"><h2>热门事项</h2><ul>{links}</ul></div>')

    def item_page(self, name: str, org: str) -> str:
        rows = "".join(
            f"<tr><th>{label}</th><td>{value}</td></tr>"
            for label, value in (
                ("事项名称", esc(name)),
                ("实施主体", esc(org)),
                ("事项类型", "行政许可"),
                ("办理形式", "窗口办理、网上办理"),
                ("法定办结时限", "20个工作日"),
                ("承诺办结时限", "5个工作日"),
                ("收费标准", "不收费"),
            )
        )
        body = (
            f'<div class="item-detail"><h2>{esc(name)}</h2><table class="bszn">{rows}</table>'
            '<div class="apply"><a class="btn" href="#apply">在线办理</a></div></div>'
        )
        return self.page(f"{name}_{PLATFORM_NAME}", body)

    @staticmethod
    def page(title: str, body: str) -> str:
        return (
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="SiteName" content="{PLATFORM_NAME}"></head><body><div class="header">'
            f'<a href="/">{PLATFORM_NAME}</a></div><div class="main">{body}</div>'
            '<div class="footer">主办：湖南省人民政府办公厅 承办：湖南省政务管理服务局</div></body></html>'
        )
