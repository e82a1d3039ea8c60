"""List-page templates (pages.md): the row markups real CMSs produce, and their pagers.

``ul_after`` / ``ul_before``: ``ul/li`` with a ``<span>`` date after or before the title; ``table``: a
``td`` per field; ``div``: title in ``<h1>`` with the date in an info line below; ``title_attr``: the date
only in the link's ``title`` attribute; ``hanweb``: rows as CDATA records inside a ``<script
type="text/xml"><datastore>`` that a script would render. Pagers: TRS ``createPageHTML(pages, current,
"index", "html")`` or plain links; pages are ``index.html``, ``index_1.html`` …
"""

from __future__ import annotations

import html

from monitor.sim.dates import spell
from monitor.sim.records import SimColumn, SimItem

esc = html.escape
EMPTY = '<div class="no-data">暂无信息</div>'


def page_name(index: int) -> str:
    return "index.html" if index == 0 else f"index_{index}.html"


def rows_on_page(column: SimColumn, index: int) -> tuple[SimItem, ...]:
    return column.items[index * column.page_size : (index + 1) * column.page_size]


def render_rows(column: SimColumn, index: int, org: str) -> str:
    """The rows of one list page, drawn in the column's template; ``暂无信息`` when there are none."""
    items = rows_on_page(column, index)
    if not items:
        return EMPTY
    fmt = column.date_format
    t = column.template
    if t == "ul_after":
        rows = "".join(
            f'<li{_top(i)}>{_pin(i)}<a href="{i.path}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a>'
            f'<span class="date">{spell(i.published, fmt)}</span></li>\n'
            for i in items
        )
        return f'<ul class="list">\n{rows}</ul>'
    if t == "ul_before":
        rows = "".join(
            f'<li{_top(i)}><span class="date">{spell(i.published, fmt)}</span>{_pin(i)}'
            f'<a href="{i.path}" target="_blank">{esc(i.title)}</a></li>\n'
            for i in items
        )
        return f'<ul class="news-list">\n{rows}</ul>'
    if t == "table":
        return _table(column, items)
    if t == "div":
        rows = "".join(
            f'<div class="listItem">{_pin(i)}<h1><a href="{i.path}" target="_blank">{esc(i.title)}</a></h1>'
            f'<div class="listItem_infor"><span>发布时间：{spell(i.published, fmt)}</span>'
            f"<span>来源：{esc(org)}</span></div></div>\n"
            for i in items
        )
        return f'<div class="listBox">\n{rows}</div>'
    if t == "title_attr":
        rows = "".join(
            f'<li{_top(i)}><a href="{i.path}" target="_blank" '
            f'title="{esc(i.title)} 发布时间：{spell(i.published, fmt)}">{esc(i.title)}</a></li>\n'
            for i in items
        )
        return f'<ul class="list-tit">\n{rows}</ul>'
    if t == "hanweb":
        records = "".join(
            f'<record><![CDATA[\n<li><a href="{i.path}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a>'
            f"<span>{spell(i.published, fmt)}</span></li>]]></record>\n"
            for i in items
        )
        return (
            f'<div id="{column.slug}_list" class="default_pgContainer"><script type="text/xml">'
            f"<datastore><recordset>\n{records}</recordset></datastore></script></div>"
        )
    raise ValueError(f"unknown list template {t!r}")


def _table(column: SimColumn, items: tuple[SimItem, ...]) -> str:
    fmt = column.date_format
    if column.category == "interaction":
        head = "<tr><th>标题</th><th>来信时间</th><th>状态</th></tr>"
        rows = "".join(
            f'<tr><td class="title"><a href="{i.path}" target="_blank">{esc(i.title)}</a></td>'
            f'<td class="date">{spell(i.published, fmt)}</td><td>已回复</td></tr>\n'
            for i in items
        )
    else:
        head = "<tr><th>序号</th><th>标题</th><th>发布日期</th></tr>"
        rows = "".join(
            f'<tr><td>{n + 1}</td><td class="title">{_pin(i)}<a href="{i.path}" target="_blank">{esc(i.title)}</a>'
            f'</td><td class="date">{spell(i.published, fmt)}</td></tr>\n'
            for n, i in enumerate(items)
        )
    return f'<table class="list-table" width="100%">\n{head}\n{rows}</table>'


def _top(item: SimItem) -> str:
    return ' class="top"' if item.pinned else ""


def _pin(item: SimItem) -> str:
    return '<span class="zd">[置顶]</span>' if item.pinned else ""


def pager(column: SimColumn, index: int, flavor: str) -> str:
    pages = column.pages
    if flavor == "trs":
        return (
            '<div class="page"><script type="text/javascript">\n'
            f"var countPage = {pages};//共多少页\nvar currentPage = {index};//当前页\n"
            f'createPageHTML(countPage, currentPage, "index", "html");\n</script></div>'
        )
    links = [f'<a href="{page_name(0)}">首页</a>']
    if index > 0:
        links.append(f'<a href="{page_name(index - 1)}">上一页</a>')
    links.append(f"<span>{index + 1}/{pages}</span>")
    if index + 1 < pages:
        links.append(f'<a href="{page_name(index + 1)}">下一页</a>')
    links.append(f'<a href="{page_name(pages - 1)}">尾页</a>')
    return f'<div class="pagination">{"".join(links)} 共{len(column.items)}条</div>'
