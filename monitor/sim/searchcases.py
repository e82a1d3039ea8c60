"""Site search and service guides (搜索功能, 办事指南) in the shapes real sites draw them.

Search (``SiteSpec.search``, one of ``SEARCHES``):

| kind | the box | the answer |
| --- | --- | --- |
| ``get`` | ``<form action="/search/" method="get">``, field ``q`` | results: every item whose title holds the query |
| ``post`` | ``<form action="/search/post/" method="post">``, ``searchWord`` | results to a POST; GET: 405 |
| ``host`` | a form to ``so.hunan.gov.cn/search`` (field ``qt``, hidden ``siteCode``) | results from the search host |
| ``script`` | a box and ``window.open('/search/?q=' + encodeURIComponent(…))`` | results (UTF-8 query) |
| ``error`` | the ``get`` form | 500 系统错误 |
| ``zero`` | the ``get`` form | 找到0条结果 for every query (the index is empty) |
| ``script_only`` | a box whose script lives in ``/js/search.js`` | nothing govmon can read: unverified |
| ``none`` | no search box | unverified (no_search) |

A form's query is decoded in the site's charset (a GBK site's search expects GBK, as a browser sends it); the
script's in UTF-8 (encodeURIComponent). Guides (``SiteSpec.guides``, ``GUIDE_KINDS``): the homepage's 办事服务
block links 办事指南 → a list of guides → one page per guide; ``platform`` is a guide on the 一体化平台.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from urllib.parse import parse_qsl

from monitor.sim.records import SimItem, SimSite

esc = html.escape
SEARCH_HOST = "so.hunan.gov.cn"
SEARCHES = ("get", "post", "host", "script", "error", "zero", "script_only", "none")
EXPECTED_SEARCH = {
    "get": None, "post": None, "host": None, "script": None,
    "error": ("violation", "error"), "zero": ("violation", "no_results"),
    "script_only": ("unverified", "search_in_script"), "none": ("unverified", "no_search"),
}  # fmt: skip
"""What govmon must conclude about each kind: None (works, no finding) or (status, reason)."""
SEARCH_PATHS = ("/search/", "/search/index.html", "/search/post/")
MAX_RESULTS = 10

GUIDE_KINDS = ("complete", "synonyms", "no_time", "no_materials_time", "platform")
GUIDE_LIST_PATH = "/bsfw/bszn/"
GUIDE_ROWS = {
    "complete": ("办理条件", "申请材料", "办理流程", "办理时限"),
    "synonyms": ("受理条件", "所需材料", "办理程序", "承诺时限"),
    "no_time": ("申请条件", "申报材料", "办事流程"),
    "no_materials_time": ("办理条件", "办理流程"),
    "platform": ("事项名称", "法定办结时限"),
}
GUIDE_MISSING = {
    "complete": (),
    "synonyms": (),
    "no_time": ("办理时限",),
    "no_materials_time": ("申请材料", "办理时限"),
    "platform": ("办理条件", "申请材料", "办理流程"),
}
"""The default required elements (govmon's ``guides.elements``) each kind lacks."""
GUIDE_SERVICES = (
    "居民身份证换领",
    "个体工商户设立登记",
    "建筑工程施工许可",
    "社会保障卡申领",
    "食品经营许可",
)
ROW_VALUES = {
    "条件": "申请人为本行政区域内户籍居民，或符合相关规定的其他人员。",
    "材料": "1. 申请表（原件1份）；2. 身份证明材料（原件及复印件各1份）。",
    "流程": "申请 → 受理 → 审查 → 决定 → 送达。",
    "程序": "申请 → 受理 → 审查 → 决定 → 送达。",
    "时限": "5个工作日。",
    "名称": "",
}


# ---------------------------------------------------------------------------------------------- search box
def search_box(kind: str, site_id: str, url: Callable[[str, str], str]) -> str:
    """The header's search box for ``kind`` (``none``: nothing)."""
    if kind in ("get", "error", "zero"):
        return (
            '<form class="search" action="/search/" method="get" target="_blank">'
            '<input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form>'
        )
    if kind == "post":
        return (
            '<form class="search" name="searchform" action="/search/post/" method="post" target="_blank">'
            '<input type="text" name="searchWord" id="searchWord" value="">'
            '<input type="submit" value="检索"></form>'
        )
    if kind == "host":
        return (
            f'<form id="searchForm" action="{url(SEARCH_HOST, "/search")}" method="get" target="_blank">'
            f'<input type="hidden" name="siteCode" value="{site_id}">'
            '<input type="text" name="qt" class="search-ipt" placeholder="请输入关键词">'
            '<button class="search-btn">搜 索</button></form>'
        )
    if kind == "script":
        return (
            '<div class="search"><input type="text" id="kw" class="search-input" placeholder="请输入关键词">'
            "<button onclick=\"window.open('/search/?q=' + encodeURIComponent(document.getElementById('kw').value))\">"
            "搜索</button></div>"
        )
    if kind == "script_only":
        return (
            '<div class="search"><input type="text" id="kw" class="search-input" placeholder="请输入关键词">'
            '<button onclick="doSearch()">搜索</button><script src="/js/search.js"></script></div>'
        )
    return ""


# ---------------------------------------------------------------------------------------------- results
def query_of(raw_query: str, body: bytes, field: str, encoding: str) -> str:
    """The query a browser sent: from the form body (POST) or the URL's query, in ``encoding``."""
    source = body.decode("ascii", errors="replace") if body else raw_query
    for name, value in parse_qsl(source, keep_blank_values=True, encoding=encoding, errors="replace"):
        if name == field:
            return value.strip()
    return ""


def matches(site: SimSite, query: str) -> list[SimItem]:
    """Items of the site whose title holds ``query``, newest first (what a working index returns)."""
    if not query:
        return []
    hits = [i for c in site.columns for i in c.items if query in i.title]
    return sorted(hits, key=lambda i: i.published, reverse=True)[:MAX_RESULTS]


def results_body(
    site: SimSite, query: str, field: str, url: Callable[[str, str], str], zero: bool = False
) -> str:
    """A results page's middle: the query echoed in the box, a count, the hits (the query highlighted)."""
    hits = [] if zero else matches(site, query)
    echo = f'<form action="/search/"><input type="text" name="{field}" value="{esc(query)}"></form>'
    if not hits:
        return (
            f'{echo}<div class="search-result"><p class="count">找到0条结果</p>'
            f"<p>没有找到与“{esc(query)}”相关的信息</p></div>"
        )
    rows = "".join(
        f'<li><a href="{url(site.host, i.path)}" target="_blank">'
        f"{esc(i.title).replace(esc(query), f'<em>{esc(query)}</em>')}</a>"
        f'<span class="date">{i.published:%Y-%m-%d}</span></li>'
        for i in hits
    )
    return f'{echo}<div class="search-result"><p class="count">找到{len(hits)}条结果</p><ul>{rows}</ul></div>'


# ---------------------------------------------------------------------------------------------- guides
def guide_path(index: int) -> str:
    return f"{GUIDE_LIST_PATH}{index + 1}.html"


def platform_guide_path(site_id: str, index: int) -> str:
    return f"/hnzwfw/guide/{site_id}-{index + 1}.html"


def guide_name(index: int) -> str:
    return f"{GUIDE_SERVICES[index % len(GUIDE_SERVICES)]}办事指南"


def guide_links(
    kinds: Sequence[str], site: SimSite, platform_host: str, url: Callable[[str, str], str]
) -> list[tuple[str, str, str]]:
    """(url, name, kind) of each guide the list page links."""
    links = []
    for index, kind in enumerate(kinds):
        if kind == "platform":
            links.append((url(platform_host, platform_guide_path(site.id, index)), guide_name(index), kind))
        else:
            links.append((url(site.host, guide_path(index)), guide_name(index), kind))
    return links


def guide_list_body(links: Sequence[tuple[str, str, str]]) -> str:
    rows = "".join(f'<li><a href="{esc(u)}" target="_blank">{esc(name)}</a></li>' for u, name, _ in links)
    return f'<ul class="guide-list">{rows}</ul>'


def guide_body(name: str, kind: str) -> str:
    """A guide page's table: the rows its kind carries (``GUIDE_ROWS``), plus 收费标准 and 咨询电话."""
    rows = "".join(
        f"<tr><th>{label}</th><td>{ROW_VALUES.get(label[-2:], esc(name))}</td></tr>"
        for label in (*GUIDE_ROWS[kind], "收费标准", "咨询电话")
    )
    return f'<div class="guide"><h1>{esc(name)}</h1><table class="bszn">{rows}</table></div>'


def guide_index(path: str, kinds: Sequence[str]) -> int | None:
    """Which of the site's own guides ``path`` is (None: not a guide page)."""
    for index, kind in enumerate(kinds):
        if kind != "platform" and path == guide_path(index):
            return index
    return None
