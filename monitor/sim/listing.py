"""List-page templates (pages.md): the row markups real CMSs produce, and their pagers.

``ul_after`` / ``ul_before``: ``ul/li`` with a ``<span>`` date after or before the title; ``table``: a
``td`` per field; ``div``: title in ``<h1>`` with the date in an info line below; ``title_attr``: the date
only in the link's ``title`` attribute; ``hanweb``: rows as CDATA records inside a ``<script
type="text/xml"><datastore>`` that a script would render; ``split``: the day and the year-month in
separate elements (``<span class="day">04</span><span class="ym">2026-11</span>``); ``script``: the list
is filled by JavaScript from an API, so the HTML holds no row at all. Pagers: TRS ``createPageHTML(pages,
current, "index", "html")`` or plain links; pages are ``index.html``, ``index_1.html`` …

A column with ``traps`` set also shows what a list page carries that is not its own rows (pages.md):
titles with 文号, 令号, dates, phone numbers and serials inside them, and after the list a 相关阅读 block,
a 排行 block and a hidden 解读 pop-up whose dated rows are *newer* than the list's.
"""

from __future__ import annotations

import datetime as dt
import html

from monitor.sim.dates import spell
from monitor.sim.records import SimColumn, SimItem

esc = html.escape
EMPTY = '<div class="no-data">暂无信息</div>'
MORE_TEMPLATES = ("split", "script")
"""Templates no catalogue site draws by itself (``SiteSpec.list_templates`` or the benchmarks pick them)."""


def page_name(index: int) -> str:
    return "index.html" if index == 0 else f"index_{index}.html"


def rows_on_page(column: SimColumn, index: int) -> tuple[SimItem, ...]:
    return column.items[index * column.page_size : (index + 1) * column.page_size]


def render_rows(column: SimColumn, index: int, org: str) -> str:
    """The rows of one list page, drawn in the column's template; ``暂无信息`` when there are none."""
    items = rows_on_page(column, index)
    if not items:
        return EMPTY
    if column.template == "script":
        return _script_filled(column, index)
    if column.traps:
        items = tuple(_trap_title(item, n) for n, item in enumerate(items))
        return _rows(column, items, org) + _trap_blocks(column, items)
    return _rows(column, items, org)


def _rows(column: SimColumn, items: tuple[SimItem, ...], org: str) -> str:
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
    if t == "split":
        rows = "".join(
            f'<li{_top(i)}><div class="date-box"><span class="day">{i.published.day:02d}</span>'
            f'<span class="ym">{_year_month(i.published, fmt)}</span></div>{_pin(i)}'
            f'<a href="{i.path}" target="_blank">{esc(i.title)}</a></li>\n'
            for i in items
        )
        return f'<ul class="list-split">\n{rows}</ul>'
    raise ValueError(f"unknown list template {t!r}")


def _year_month(when: dt.datetime, fmt: str) -> str:
    if fmt in ("cn",):
        return f"{when.year}年{when.month}月"
    if fmt in ("slash", "dot"):
        sep = "/" if fmt == "slash" else "."
        return f"{when.year}{sep}{when.month:02d}"
    return f"{when.year}-{when.month:02d}"


def _script_filled(column: SimColumn, index: int) -> str:
    """An empty list that a script fills from a JSON API (nothing for a reader of the HTML to count)."""
    return (
        f'<div class="list-box"><ul id="{column.slug}_list" class="news-list"></ul><div id="pagebar"></div></div>'
        '<script type="text/javascript">\n$(function(){ $.ajax({ url: "/api/list.json", type: "GET", '
        f'dataType: "json", data: {{ col: "{column.slug}", page: {index} }}, success: function(res){{ '
        "var h=''; $.each(res.data, function(i, r){ h += '<li><a href=\"'+r.url+'\">'+r.title+'</a>'"
        f"+'<span>'+r.date+'</span></li>'; }}); $('#{column.slug}_list').html(h); }} }}); }});\n</script>"
    )


def _trap_title(item: SimItem, n: int) -> SimItem:
    """The row's title with a trap that is not its date: a date, 文号, 令号, phone number or serial."""
    when = item.published
    later = when + dt.timedelta(days=2)
    year = when.year
    kind = n % 7
    if kind == 1:
        title = f"关于{later.year}年{later.month}月{later.day}日{item.title}"
    elif kind == 2:
        title = f"{item.title}（湘政办发〔{year}〕{n + 3}号）"
    elif kind == 3:
        title = f"{item.title}（咨询电话：0731-8{n:07d}）"
    elif kind == 4:
        title = f"{item.title}（{year}-{n % 9 + 1}）"
    elif kind == 5:
        title = f"{year}年第{n + 40}号令 {item.title}"
    elif kind == 6:
        title = f"{item.title}（{year}—{year + 2}年） {later:%Y-%m-%d}起施行"
    else:
        return item
    return SimItem(title, item.published, item.path, item.pinned, item.doc_no)


def _trap_blocks(column: SimColumn, items: tuple[SimItem, ...]) -> str:
    """相关阅读, 排行 and a hidden 解读 pop-up after the list, dated *after* every row of it."""
    newest = max(i.published for i in items)
    base = newest + dt.timedelta(days=3)
    related = "".join(
        f'<li><a href="/xgyd/{n}.html" target="_blank">相关阅读第{n + 1}条</a>'
        f"<span>{base + dt.timedelta(days=n):%Y-%m-%d}</span></li>"
        for n in range(4)
    )
    rank = "".join(
        f'<li><em>{n + 1}</em><a href="/rank/{n}.html">排行第{n + 1}条</a><span>{base:%Y-%m-%d}</span></li>'
        for n in range(5)
    )
    pop = "".join(
        f'<li><a href="/jd/{n}.html">政策解读{n + 1}</a><span class="time">{base:%Y-%m-%d}</span></li>'
        for n in range(len(items) + 3)
    )
    return (
        f'<div class="xgyd"><h3>相关阅读</h3><ul>{related}</ul></div>'
        f'<div class="rank-box"><h3>点击排行</h3><ul>{rank}</ul></div>'
        f'<div class="popbox" style="display:none"><h3>相关解读</h3><ul>{pop}</ul></div>'
    )


def _table(column: SimColumn, items: tuple[SimItem, ...]) -> str:
    fmt = column.date_format
    if column.category == "interaction":
        head = "<tr><th>标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>"
        rows = "".join(
            f'<tr><td class="title"><a href="{i.path}" target="_blank">{esc(i.title)}</a></td>'
            f'<td class="date">{spell(i.published, fmt)}</td>'
            f'<td class="date">{spell(i.replied, fmt) if i.replied else ""}</td>'
            f"<td>{'已回复' if i.replied else '未回复'}</td></tr>\n"
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
    if column.template == "script":  # the script draws its own pager
        return ""
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
