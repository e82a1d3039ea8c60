"""The frame around every page of a site: head metadata, header clock, menu, sidebar, footer.

Built once per site (the clock is the simulator's fixed "now"), then each page only fills its middle.
The frame carries the traps that are not item dates (header clock, copyright year, 网站标识码, ICP and
公安备案 numbers, phone numbers) and the CSS and scripts that make pages as heavy as real ones (~20–60 KB).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import random

from monitor.sim import homepagecases, searchcases
from monitor.sim.content import COLUMN_DEFS, SECTION_NAMES
from monitor.sim.dates import header_clock
from monitor.sim.records import SimColumn, SimSite

esc = html.escape
SECTION_OF = {d.slug: d.section for d in COLUMN_DEFS}
ON = ' class="on"'


@functools.lru_cache(maxsize=8)
def filler_css(flavor: str) -> str:
    """A realistic-looking stylesheet (~12 KB), the bulk real CMS pages inline in their head."""
    rng = random.Random(f"css:{flavor}")
    parts = ["body{margin:0;font:14px/1.6 'Microsoft YaHei',SimSun,sans-serif;color:#333}"]
    blocks = ("header", "nav", "list", "news", "notice", "footer", "side", "banner", "tab", "service", "zt")
    for n in range(160):
        block = blocks[n % len(blocks)]
        parts.append(
            f".{block}-{n} .{rng.choice(('item', 'title', 'more', 'date', 'con', 'hd', 'bd'))}"
            f"{{width:{rng.randint(40, 1200)}px;margin:{rng.randint(0, 20)}px auto;"
            f"padding:{rng.randint(0, 16)}px {rng.randint(0, 16)}px;color:#{rng.randrange(0xFFFFFF):06x};"
            f"background:#{rng.randrange(0xFFFFFF):06x};line-height:{rng.randint(18, 40)}px}}"
        )
    return "\n".join(parts)


FILLER_SCRIPT = """
var _hmt = _hmt || [];
(function(){ var tabs=document.querySelectorAll('.tab-hd li');
 for(var i=0;i<tabs.length;i++){ tabs[i].onmouseover=function(){ var p=this.parentNode.children;
  for(var j=0;j<p.length;j++){p[j].className='';} this.className='on'; }; } })();
function setFontSize(s){ document.getElementById('zoom').style.fontSize=s+'px'; }
""".strip()


class Frame:
    """The per-site page frame. ``port`` makes cross-host links (platform, 备案 sites) reachable."""

    def __init__(self, site: SimSite, now: dt.datetime, port: int) -> None:
        self.site = site
        self.port = port
        self.clock = header_clock(now)
        self.year = now.year
        self._charset_meta = {
            "utf-8": '<meta charset="utf-8">',
            "gbk": '<meta charset="gbk">',
            "gb2312": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
        }[site.encoding]
        self._header = self._render_header()
        self._footer = self._render_footer()
        self._css = filler_css(site.flavor)

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def page(self, title: str, column: str, body: str, extra_meta: str = "") -> str:
        s = self.site
        return (
            f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{self._charset_meta}\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="SiteName" content="{esc(s.name)}">\n<meta name="SiteDomain" content="{s.host}">\n'
            f'<meta name="SiteIDCode" content="{s.id}">\n<meta name="ColumnName" content="{esc(column)}">\n'
            f'<meta name="ColumnDescription" content="{esc(column)}">\n'
            f'<meta name="ColumnKeywords" content="{esc(column)}">\n<meta name="ColumnType" content="">\n'
            f"{extra_meta}<title>{esc(title)}</title>\n"
            '<link rel="stylesheet" href="/images/base.css">\n'
            f'<style type="text/css">\n{self._css}\n</style>\n'
            '<script type="text/javascript" src="/js/jquery-1.12.4.min.js"></script>\n'
            f"</head>\n<body>\n{self._header}\n{body}\n{self._footer}\n</body>\n</html>\n"
        )

    def sidebar(self, current: SimColumn | None, hot: str) -> str:
        """Sibling columns of ``current`` and a 热点 block of site-wide newest rows (a date trap)."""
        siblings = [
            c
            for c in self.site.columns
            if current is None or SECTION_OF.get(c.slug) == SECTION_OF.get(current.slug)
        ]
        tree = "".join(
            f'<li{ON if c is current else ""}><a href="{c.path}">{esc(c.name)}</a></li>' for c in siblings
        )
        return (
            f'<div class="side-left"><div class="side-tree"><h3>栏目导航</h3><ul>{tree}</ul></div>'
            f'<div class="side-hot"><h3>热点信息</h3><ul class="hot-list">{hot}</ul></div></div>'
        )

    def _render_header(self) -> str:
        s = self.site
        menu = []
        for section, label in SECTION_NAMES.items():
            # sub-columns (规范性文件, 政策解读) are reached from their section's pages, not from here
            subs = [c for c in s.columns if SECTION_OF.get(c.slug) == section and c.first_level]
            if not subs:
                continue
            items = "".join(f'<li><a href="{c.path}" target="_blank">{esc(c.name)}</a></li>' for c in subs)
            menu.append(
                f'<li class="nav-item"><a href="{subs[0].path}">{label}</a>'
                f'<div class="nav-drop"><ul>{items}</ul></div></li>'
            )
        return (
            '<div class="topbar"><div class="w1200 clearfix">'
            f'<span class="today" id="today">{self.clock}</span>'
            '<div class="top-links"><a href="javascript:void(0)" onclick="SetHome(this)">设为首页</a>'
            '<a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a>'
            '<a href="javascript:void(0)" id="toolbarSwitch">无障碍浏览</a>'
            '<a href="javascript:void(0)" id="StranLink">繁體</a></div></div></div>\n'
            f'<div class="header"><div class="w1200"><a class="logo" href="/">'
            f'<img src="/images/logo.png" alt="{esc(s.name)}"></a>'
            f"{searchcases.search_box(s.spec.search, s.id, self.url)}</div></div>\n"
            f'<div class="nav"><ul class="w1200"><li class="nav-item"><a href="/">首页</a></li>{"".join(menu)}'
            "</ul></div>"
        )

    def _render_footer(self) -> str:
        s = self.site
        missing = set(s.footer_missing)
        province = s.region if s.region != "省直" else "湖南省"
        icp_no = f"湘ICP备{int(s.id[:8]) % 90_000_000 + 10_000_000:08d}号"
        police_no = f"湘公网安备 {s.id[:6]}{int(s.id[-6:]) * 7 % 100_000_000:08d}号"
        phone = f"0731-{80_000_000 + int(s.id[-7:]) % 9_999_999:08d}"[:13]
        parts = [
            '<div class="footer"><div class="w1200 clearfix"><div class="foot-links">',
            '<a href="/wzgl/lxwm/">联系我们</a> | <a href="/wzgl/wzdt/">网站地图</a> | ',
            f'<a href="/wzgl/smsm/">隐私声明</a>{homepagecases.footer_link(s.spec.annual_report, self.year)}</div>',
        ]
        if "conac" not in missing:
            conac = self.url("bszs.conac.cn", f"/visitor.html?sitecode={s.id}")
            parts.append(
                f'<div class="conac"><a href="{conac}" target="_blank">'
                '<img src="/images/red.png" alt="党政机关网站标识"></a></div>'
            )
        parts.append(
            f'<div class="foot-info"><p>主办：{esc(s.org)} 承办：{esc(province)}政务服务中心</p>'
            f"<p>地址：{esc(province)}人民路1号 邮编：410011 联系电话：{phone}</p>"
            f"<p>版权所有 © {self.year} {esc(s.org)}</p><p>"
        )
        if "id_code" not in missing:
            parts.append(f"网站标识码：{s.id} ")
        if "icp" not in missing:
            parts.append(f'<a href="{self.url("beian.miit.gov.cn", "/")}" target="_blank">{icp_no}</a> ')
        if "police" not in missing:
            police = self.url("www.beian.gov.cn", f"/portal/registerSystemInfo?recordcode={s.id}")
            parts.append(
                f'<a href="{police}" target="_blank"><img src="/images/ga.png" alt="">{police_no}</a>'
            )
        parts.append("</p></div>")
        if "jiucuo" not in missing:
            jiucuo = self.url("zfwzgl.www.gov.cn", "/exposure/jiucuo.js")
            parts.append(
                f"<div class=\"jiucuo\"><script id=\"_jiucuo_\" sitecode='{s.id}' src='{jiucuo}'></script></div>"
            )
        parts.append(f'</div></div>\n<script type="text/javascript">\n{FILLER_SCRIPT}\n</script>')
        return "".join(parts)
