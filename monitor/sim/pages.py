"""One site's pages: homepage, column lists, articles, error pages, assets; rendered from its records.

``SiteRenderer.render(path)`` is pure given the site, "now" and the port: the same inputs give the
same bytes, which is what the determinism test holds and what makes caching safe.
"""

from __future__ import annotations

import datetime as dt
import html
import random

from monitor.sim import columnkinds, contentcases, fidelity, homepagecases, peers, searchcases
from monitor.sim.catalogue import PLATFORM_HOST
from monitor.sim.chrome import Frame
from monitor.sim.dates import chinese_date, spell
from monitor.sim.listing import page_name, pager, render_rows
from monitor.sim.records import SimColumn, SimItem, SimLink, SimSite
from monitor.sim.reply import Reply

esc = html.escape
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
SOFT_404_TEXTS = ("抱歉，页面不存在", "您访问的页面已删除")
XINFANG_PAGES = {"/hdjl/wsxf/": "网上信访", "/hdjl/jjjb/": "纪检监察举报"}
"""A ``xinfang_only`` site's 互动交流: channels that exist and work but are not consultation channels."""


def homepage_blocks(site: SimSite) -> list[tuple[SimColumn, tuple[SimItem, ...]]]:
    """The dated rows the homepage shows, per column: what a reader takes as the homepage's freshness."""
    wanted = {"news": 7, "notice": 6, "topic": 4}
    blocks: list[tuple[SimColumn, tuple[SimItem, ...]]] = []
    if site.spec.homepage_nav_only:  # a navigation-only homepage: judged by its second-level pages
        return blocks
    for column in site.columns:
        rows = wanted.get(column.category)
        if rows and column.first_level and column.slug not in ("bmdt", "xzdt"):
            blocks.append((column, tuple(i for i in column.items if not i.pinned)[:rows]))
    return blocks


def homepage_titles(site: SimSite) -> list[str]:
    """The item titles the homepage links: its blocks' rows and the picture slider's captions."""
    titles = [i.title for _, items in homepage_blocks(site) for i in items]
    return titles + [i.title for c in site.columns if c.slug == "tpxw" for i in c.items[:4]]


def homepage_newest(site: SimSite) -> dt.datetime | None:
    return max((i.published for _, items in homepage_blocks(site) for i in items), default=None)


class SiteRenderer:
    def __init__(self, site: SimSite, now: dt.datetime, port: int) -> None:
        self.site = site
        self.now = now
        self.frame = Frame(site, now, port)
        self.pages: dict[str, tuple[SimColumn, int]] = {}
        self.articles: dict[str, tuple[SimColumn, SimItem]] = {}
        for column in site.columns:
            self.pages[column.path] = (column, 0)
            for index in range(column.pages):
                self.pages[column.path + page_name(index)] = (column, index)
            for item in column.items:
                self.articles[item.path] = (column, item)
        self.faults = {link.url_path: link for link in site.links if link.host == site.host}
        self.article_links: dict[str, list[SimLink]] = {}  # ``peers``: an article's broken links
        for link in site.links:
            if link.page in self.articles:
                self.article_links.setdefault(link.page, []).append(link)
        self.defaced = False
        """``SimWeb.deface``: the homepage is replaced wholesale from then on (``contentcases.replaced``)."""
        self.local_services = {s.path: s.name for s in site.services if s.host == site.host}
        newest = sorted(
            (i for c in site.columns if c.category == "news" for i in c.items), key=lambda i: i.published
        )[-6:]
        self.hot = "".join(
            f'<li><a href="{i.path}" target="_blank">{esc(i.title)}</a><span>{i.published:%Y-%m-%d}</span></li>'
            for i in reversed(newest)
        )
        rng = random.Random(f"home:{site.id}")
        shown = [i.published for _, items in homepage_blocks(site) for i in items]
        recent = all(0 <= (now - d).days < 300 and d <= now for d in shown)
        self.home_format = rng.choice(("iso", "md", "bracket_md", "cn") if recent else ("iso", "slash", "cn"))

    def encode(self, text: str, status: int = 200) -> Reply:
        """UTF-8 pages say so in the header; GBK pages declare their charset only in ``<meta>``."""
        if self.site.encoding == "utf-8":
            return Reply(status, text.encode("utf-8"))
        return Reply(status, text.encode(self.site.encoding, errors="xmlcharrefreplace"), "text/html")

    def render(self, path: str) -> Reply:
        if path in ("/", "/index.html", "/index.shtml"):
            if self.defaced:
                return Reply(200, contentcases.replacement_page(self.frame.url).encode("utf-8"))
            return self.encode(self.home())
        if (
            path == contentcases.attachment_path(self.site.id)
            and "privacy_attachment" in self.site.spec.content
        ):
            return Reply(200, contentcases.attachment(self.site.id), "text/csv")
        if (
            path == contentcases.attachment_pdf_path(self.site.id)
            and "privacy_attachment" in self.site.spec.content
        ):
            return Reply(200, contentcases.attachment_pdf(self.site.id), "application/pdf")
        if path in self.pages:
            column, index = self.pages[path]
            return self.encode(self.column_page(column, index))
        if path in self.articles:
            return self.encode(self.article(*self.articles[path]))
        if path in self.faults:
            return self.fault(self.faults[path])
        if self.site.spec.guides and path == searchcases.GUIDE_LIST_PATH:
            links = searchcases.guide_links(self.site.spec.guides, self.site, PLATFORM_HOST, self.frame.url)
            return self.encode(self.plain("办事指南", searchcases.guide_list_body(links)))
        guide = searchcases.guide_index(path, self.site.spec.guides)
        if guide is not None:
            name = searchcases.guide_name(guide)
            return self.encode(self.plain(name, searchcases.guide_body(name, self.site.spec.guides[guide])))
        if path in self.local_services:
            return self.encode(
                self.plain(self.local_services[path], "<p>办理条件、申请材料、办理流程、收费标准。</p>")
            )
        channel = fidelity.channel_page(self.site.spec.channel, path, "")
        if isinstance(channel, str):
            return Reply.redirect(self.frame.url(self.site.host, channel))
        if channel is not None:
            return self.encode(self.plain(*channel))
        if path in XINFANG_PAGES and self.site.spec.channel == "xinfang_only":
            return self.encode(self.plain(XINFANG_PAGES[path], "<p>请如实填写信访事项，我们将依法受理。</p>"))
        linked = homepagecases.page(path)
        if isinstance(linked, Reply):
            return linked
        if linked is not None:
            return self.encode(self.plain(*linked))
        if path.startswith(("/images/", "/js/", "/css/")):
            return asset(path)
        if path.startswith("/wzgl/") or path.startswith("/search/"):
            return self.encode(self.plain("网站管理", self.sitemap()))
        return self.encode(self.error_page("404 页面不存在"), 404)

    def search(self, path: str, raw_query: str, body: bytes, method: str) -> Reply | None:
        """The site search (``searchcases``): None when ``path`` is not the search. Never cached: the answer
        depends on the query."""
        kind = self.site.spec.search
        if path not in searchcases.SEARCH_PATHS or kind in ("none", "script_only"):
            return None
        if kind == "error":
            return self.encode(self.error_page("系统错误，请稍后再试"), 500)
        posted = path == "/search/post/"
        if posted != (kind == "post"):
            return None
        if posted and method != "POST":
            return Reply(405, b"Method Not Allowed", "text/plain")
        field = "searchWord" if posted else "q"
        encoding = "utf-8" if kind == "script" else self.site.encoding
        query = searchcases.query_of(raw_query, body, field, encoding)
        middle = searchcases.results_body(self.site, query, field, self.frame.url, zero=kind == "zero")
        return self.encode(self.plain("搜索结果", middle))

    def fault(self, link: SimLink) -> Reply:
        if link.kind == "soft404":
            text = SOFT_404_TEXTS[len(link.url_path) % 2]
            return self.encode(self.error_page(text))
        if link.kind == "redirect_home":
            return Reply.redirect(self.frame.url(self.site.host, "/"))
        if link.kind == "head_refused":  # GET works; the server answers HEAD with 405
            return Reply(200, b"%PDF-1.4\n% sim attachment\n" + b"0" * 4096, "application/pdf")
        if link.kind == "deep_redirect":  # a moved article: 301 to another deep page, healthy
            moved_to = next(iter(self.articles), next(iter(self.pages), "/"))
            return Reply.redirect(self.frame.url(self.site.host, moved_to), 301)
        return self.encode(self.error_page("404 页面不存在"), 404)

    def refuses_head(self, path: str) -> bool:
        """A file server that answers HEAD with 405 (many government attachment servers do)."""
        link = self.faults.get(path)
        return link is not None and link.kind == "head_refused"

    # ------------------------------------------------------------------------------------------ pages
    def home(self) -> str:
        s, f = self.site, self.frame
        blocks = []
        mixed = s.spec.homepage_mixed
        for column, items in homepage_blocks(s):
            if mixed and column.category == "news":
                blocks.append(fidelity.undated_block(column.name, column.path, items, mixed))
                continue
            rows = "".join(
                f'<li><a href="{i.path}" target="_blank" title="{esc(i.title)}">{esc(i.title)}</a>'
                f'<span class="date">{spell(i.published, self.home_format)}</span></li>'
                for i in items
            )
            blocks.append(
                f'<div class="home-block {column.category}"><div class="hd"><h2>{esc(column.name)}</h2>'
                f'<a class="more" href="{column.path}">更多&gt;&gt;</a></div><ul>{rows}</ul></div>'
            )
        pictures = "".join(
            f'<li><a href="{i.path}" target="_blank"><img src="/images/pic/{n}.jpg" alt="{esc(i.title)}"></a></li>'
            for c in s.columns
            if c.slug == "tpxw"
            for n, i in enumerate(c.items[:4])
        )
        parts = [f'<div class="main w1200"><div class="banner"><ul class="slider">{pictures}</ul></div>']
        parts += blocks
        parts.append(homepagecases.home_blocks(s.spec.annual_report, s.spec.topic_banner, self.now.year))
        parts.append(self._service_block())
        interaction = [c for c in s.columns if c.category == "interaction"]
        if interaction:
            links = "".join(f'<li><a href="{c.path}">{esc(c.name)}</a></li>' for c in interaction)
            parts.append(
                f'<div class="home-block hdjl"><div class="hd"><h2>互动交流</h2></div><ul>{links}</ul></div>'
            )
        if s.spec.channel == "xinfang_only":
            links = "".join(f'<li><a href="{path}">{name}</a></li>' for path, name in XINFANG_PAGES.items())
            parts.append(
                f'<div class="home-block hdjl"><div class="hd"><h2>互动交流</h2></div><ul>{links}</ul></div>'
            )
        parts.append(fidelity.channel_block(s.spec.channel))
        injected = "".join(
            f"<li>{injected_link(f.url(link.host, link.url_path), link)}</li>"
            for link in s.links
            if link.page == "/"
        )
        kinds = s.spec.content
        parts.append(contentcases.body_extra(kinds, f.url, s.id))
        parts.append(
            '<div class="home-block links"><div class="hd"><h2>友情链接</h2></div><ul>'
            f'<li><a href="{f.url("www.gov.cn", "/")}" target="_blank">中国政府网</a></li>{injected}</ul></div></div>'
        )
        page = f.page(contentcases.defaced_title(kinds, s.name), "首页", "".join(parts))
        extra = contentcases.head_extra(kinds, f.url)
        return page.replace("</head>", extra + "</head>", 1) if extra else page

    def _service_block(self) -> str:
        s, f = self.site, self.frame
        if not s.services:
            return ""
        if s.spec.service == "renamed":
            items = [(f.url(svc.host, svc.path), svc.name) for svc in s.services]
            return fidelity.renamed_service_block(items, f.url(PLATFORM_HOST, "/"))
        if s.spec.service == "image":
            return fidelity.image_service_block(f.url(PLATFORM_HOST, "/"))
        links = "".join(
            f'<li><a href="{f.url(svc.host, svc.path)}" target="_blank">{esc(svc.name)}</a></li>'
            for svc in s.services
        )
        portal = ""
        if any(svc.state != "local" for svc in s.services):
            portal = f'<a class="more" href="{f.url(PLATFORM_HOST, "/")}" target="_blank">网上办事大厅</a>'
        if s.spec.guides:
            links += f'<li><a href="{searchcases.GUIDE_LIST_PATH}" target="_blank">办事指南</a></li>'
        return f'<div class="home-block bsfw"><div class="hd"><h2>办事服务</h2>{portal}</div><ul>{links}</ul></div>'

    def column_page(self, column: SimColumn, index: int) -> str:
        s, f = self.site, self.frame
        crumbs = (
            f'<div class="crumbs">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="{column.path}">{esc(column.name)}</a></div>'
        )
        if column.category == "service":
            body = self._service_block() or '<div class="no-data">暂无信息</div>'
        elif column.template == "static":  # 机构职能, 领导信息: no list (columnkinds)
            body = columnkinds.static_body(column.name, s.org)
        elif column.slug in s.spec.landing:
            subs = [c for c in s.columns if not c.first_level] or [c for c in s.columns if c is not column]
            body = fidelity.landing_tiles([(c.path, c.name) for c in subs])
        elif column.category == "interaction" and s.spec.messages == "statuses" and column.items:
            shown = column.items[index * column.page_size : (index + 1) * column.page_size]
            body = fidelity.status_table(column, shown) + pager(column, index, s.flavor)
        else:
            body = render_rows(column, index, s.org) + (
                pager(column, index, s.flavor) if column.items else ""
            )
            body += "".join(
                f'<p class="extra">{injected_link(f.url(link.host, link.url_path), link)}</p>'
                for link in s.links
                if link.page == column.path and index == 0
            )
        main = (
            f'<div class="main w1200">{crumbs}{f.sidebar(column, self.hot)}<div class="side-right">'
            f'<div class="column-title"><h2>{esc(column.name)}</h2></div>{body}</div></div>'
        )
        return f.page(f"{column.name}_{s.name}", column.name, main)

    def article(self, column: SimColumn, item: SimItem) -> str:
        s, f = self.site, self.frame
        rng = random.Random(item.path)
        when = item.published
        label = rng.choice(
            (f"发布时间：{when:%Y-%m-%d %H:%M}", f"发布日期：{when:%Y-%m-%d}", f"发布时间：{when:%Y-%m-%d %H:%M:%S}",
             f"时间：{when.year}年{when.month:02d}月{when.day:02d}日")
        )  # fmt: skip
        republished = min(when + dt.timedelta(hours=rng.choice((0, 0, 0, 5, 30))), max(when, self.now))
        meta = (
            f'<meta name="ArticleTitle" content="{esc(item.title)}">\n'
            f'<meta name="PubDate" content="{republished:%Y-%m-%d %H:%M}">\n'
            f'<meta name="ContentSource" content="{esc(s.org)}">\n<meta name="Keywords" content="{esc(column.name)}">\n'
            f'<meta name="Author" content="{esc(s.org)}">\n<meta name="Description" content="{esc(item.title)}">\n'
            f'<meta name="Url" content="{f.url(s.host, item.path)}">\n'
        )
        signed = (when - dt.timedelta(days=rng.randint(0, 5))).date()
        info = ""
        if column.category == "notice":
            info = (
                '<table class="xxgk-info"><tr><td>索引号：</td>'
                f"<td>{s.id}/{when.year}-{rng.randint(10000, 99999)}</td><td>发布机构：</td><td>{esc(s.org)}</td></tr>"
                f"<tr><td>成文日期：</td><td>{chinese_date(signed)}</td>"
                f"<td>文号：</td><td>{item.doc_no or '无'}</td></tr>"
                f"<tr><td>发布日期：</td><td>{when:%Y-%m-%d}</td><td>主题分类：</td><td>{esc(column.name)}</td></tr></table>"
            )
        effective = when.date() + dt.timedelta(days=30 + rng.randint(0, 60))
        yesterday = when.date() - dt.timedelta(days=1)
        paragraphs = "".join(
            f"<p>{yesterday.month}月{yesterday.day}日，{esc(s.org)}有关负责同志就{esc(item.title)}作出部署，"
            f"要求各单位压实责任、狠抓落实，确保各项工作取得实效。第{n + 1}条 相关要求详见附件。</p>"
            for n in range(rng.randint(6, 12))
        )
        if column.category == "notice":
            paragraphs += f"<p>本文件自{effective.year}年{effective.month}月{effective.day}日起施行。</p>"
            paragraphs += f'<p class="sign">{esc(s.org)}<br>{chinese_date(signed)}</p>'
        main = (
            f'<div class="main w1200"><div class="crumbs">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="{column.path}">{esc(column.name)}</a> &gt; 正文</div>{info}'
            f'<div class="article"><h1 class="title">{esc(item.title)}</h1>'
            f'<div class="info"><span>{label}</span><span>来源：{esc(s.org)}</span>'
            '<span>字号：<a href="javascript:setFontSize(16)">大</a> '
            '<a href="javascript:setFontSize(14)">中</a></span></div>'
            f'<div class="content" id="zoom">{paragraphs}</div></div>'
            f'<div class="related"><h3>相关阅读</h3><ul>{self.hot}</ul></div></div>'
        )
        if s.spec.article_links:
            own = self.article_links.get(item.path, [])
            main += peers.related_block(item.path, list(self.articles), own, s.services, f.url)
        return f.page(f"{item.title}_{s.name}", column.name, main, meta)

    def error_page(self, text: str) -> str:
        return self.frame.page(
            text,
            "",
            f'<div class="main w1200 error-page"><h2>{text}</h2><p><a href="/">返回首页</a></p></div>',
        )

    def plain(self, title: str, body: str) -> str:
        return self.frame.page(
            f"{title}_{self.site.name}", title, f'<div class="main w1200"><h2>{esc(title)}</h2>{body}</div>'
        )

    def sitemap(self) -> str:
        return (
            "<ul>"
            + "".join(f'<li><a href="{c.path}">{esc(c.name)}</a></li>' for c in self.site.columns)
            + "</ul>"
        )


def injected_link(url: str, link: SimLink) -> str:
    """An injected link as markup: an ``<img>`` for the image kind, an anchor otherwise."""
    if link.kind == "image":
        return f'<img src="{esc(url)}" alt="{esc(link.text)}">'
    return f'<a href="{esc(url)}" target="_blank">{esc(link.text)}</a>'


def asset(path: str) -> Reply:
    """Stylesheets, scripts and images every page references: tiny, but present (a broken image counts)."""
    if path.endswith(".css"):
        return Reply(200, b"body{margin:0}", "text/css")
    if path.endswith(".js"):
        return Reply(200, b"/* sim */", "application/javascript")
    return Reply(200, PNG_1PX, "image/png")
