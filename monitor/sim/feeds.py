"""The feed bridge host (an RSSHub look-alike): RSS 2.0, Atom 1.0 and JSON Feed 1.1 per account.

The format is chosen like RSSHub's ``?format=atom|json`` (RSS by default), so one account can be read
in all three; the media cases add ``rss091``, ``rdf`` (RSS 1.0), ``html`` (a list page), zone spellings,
GBK, invalid XML and an entity bomb. Each 200 carries the validators its account's bridge sends (ETag,
Last-Modified); the server answers a matching conditional GET with 304. Feed-level dates
(``lastBuildDate``, Atom ``updated``) are "now" even for a silent account: only entry dates tell when the
account last published. The ``broken`` account answers 503.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
from collections.abc import Iterable
from xml.sax.saxutils import escape

from monitor.sim.records import SimAccount
from monitor.sim.reply import Reply

PLATFORM_LABELS = {
    "wechat": "微信公众号",
    "weibo": "微博",
    "douyin": "抖音",
    "toutiao": "今日头条",
    "app": "客户端",
}
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
    "rss091": "text/xml; charset=utf-8",
    "rdf": "application/rdf+xml; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


class FeedRenderer:
    def __init__(self, accounts: Iterable[SimAccount], now_iso: str, now_rfc: str) -> None:
        self.accounts = {a.path: a for a in accounts}
        self.now_iso = now_iso
        self.now_rfc = now_rfc
        self.now_http = email.utils.format_datetime(
            dt.datetime.fromisoformat(now_iso).astimezone(dt.UTC), usegmt=True
        )

    def render(self, path: str, fmt: str) -> Reply:
        account = self.accounts.get(path)
        if account is None:
            return Reply(404, b'{"error":"route not found"}', "application/json")
        if account.variant in HOSTILE_VARIANTS:
            return Reply(200, HOSTILE_VARIANTS[account.variant], "application/rss+xml")
        if account.archetype == "broken":
            return Reply(503, b"<h1>503 Service Unavailable</h1><p>upstream timeout</p>", "text/html")
        fmt = fmt if fmt in CONTENT_TYPES else "rss"
        renderers = {
            "rss": self.rss,
            "atom": self.atom,
            "json": self.json_feed,
            "rss091": self.rss091,
            "rdf": self.rdf,
            "html": self.html_list,
        }
        text = renderers[fmt](account)
        if account.variant == "gbk":  # declared only in the XML prolog, as old bridges do
            body = text.replace('encoding="UTF-8"', 'encoding="gbk"', 1).encode("gbk")
            content_type = "application/rss+xml"
        else:
            body, content_type = text.encode("utf-8"), CONTENT_TYPES[fmt]
        return Reply(200, body, content_type, self._validators(account, body))

    def _validators(self, a: SimAccount, body: bytes) -> tuple[tuple[str, str], ...]:
        """ETag (a hash of the body) and Last-Modified (the render time), as the account's bridge sends them."""
        headers = []
        if a.validators in ("both", "etag"):
            headers.append(("ETag", f'"{hashlib.sha1(body).hexdigest()[:20]}"'))
        if a.validators in ("both", "last_modified"):
            headers.append(("Last-Modified", self.now_http))
        return tuple(headers)

    def rss091(self, a: SimAccount) -> str:
        items = "".join(
            f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
            f"<pubDate>{rfc_date(e.published, a.zone)}</pubDate></item>\n"
            for e in a.entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS '
            '0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel>'
            f"<title>{escape(self._title(a))}</title><link>https://mp.example.net/{a.id}</link>"
            f"<description>{escape(a.name)}</description><language>zh-cn</language>"
            f"<lastBuildDate>{self.now_rfc}</lastBuildDate>\n{items}</channel></rss>\n"
        )

    def rdf(self, a: SimAccount) -> str:
        about = "".join(f'<rdf:li rdf:resource="{escape(e.link)}"/>' for e in a.entries)
        items = "".join(
            f'<item rdf:about="{escape(e.link)}"><title>{escape(e.title)}</title><link>{escape(e.link)}</link>'
            f"<dc:date>{iso_date(e.published, a.zone)}</dc:date></item>\n"
            for e in a.entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="https://mp.example.net/{a.id}"><title>{escape(self._title(a))}</title>'
            f"<link>https://mp.example.net/{a.id}</link><description>{escape(a.name)}</description>"
            f"<dc:date>{self.now_iso}</dc:date><items><rdf:Seq>{about}</rdf:Seq></items></channel>\n"
            f"{items}</rdf:RDF>\n"
        )

    def html_list(self, a: SimAccount) -> str:
        """A plain list page (an app's or a platform's web view): rows with a link and a dated span; the
        ``reshaped`` and ``date_moved`` variants are the same page after a redesign (the inventory's
        selectors match no row, or no date)."""
        if a.variant == "reshaped":
            rows = "".join(
                f'<div class="item"><a href="/{a.platform}/post/{a.id}/{n}.html">{escape(e.title)}</a>'
                f'<span class="pub">{e.published.strftime("%Y-%m-%d %H:%M")}</span></div>\n'
                for n, e in enumerate(a.entries)
            )
            return (
                '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                f"<title>{escape(self._title(a))}</title></head><body><h1>{escape(a.name)}</h1>"
                f'<div class="news-list">\n{rows}</div></body></html>\n'
            )
        tag, cls = ("em", "time") if a.variant == "date_moved" else ("span", "pub")
        rows = "".join(
            f'<li><a href="/{a.platform}/post/{a.id}/{n}.html">{escape(e.title)}</a>'
            f'<{tag} class="{cls}">{e.published.strftime("%Y-%m-%d %H:%M")}</{tag}></li>\n'
            for n, e in enumerate(a.entries)
        )
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(self._title(a))}</title></head><body><h1>{escape(a.name)}</h1>"
            f'<p class="clock">今天是{self.now_iso[:10]}</p><ul class="feed-list">\n{rows}</ul></body></html>\n'
        )

    def _title(self, a: SimAccount) -> str:
        return f"{a.name} - {PLATFORM_LABELS.get(a.platform, a.platform)}"

    def rss(self, a: SimAccount) -> str:
        items = "".join(
            f"<item><title><![CDATA[{e.title}]]></title><link>{escape(e.link)}</link>"
            f'<guid isPermaLink="false">{escape(e.link)}</guid>'
            f"<pubDate>{rfc_date(e.published, a.zone)}</pubDate>"
            f"<description><![CDATA[<p>{e.title}</p>]]></description></item>\n"
            for e in a.entries
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title><![CDATA[{self._title(a)}]]></title><link>https://mp.example.net/{a.id}</link>"
            f"<description><![CDATA[{a.name}]]></description><generator>RSSHub</generator>"
            f"<lastBuildDate>{self.now_rfc}</lastBuildDate><ttl>5</ttl>\n{items}</channel></rss>\n"
        )

    def atom(self, a: SimAccount) -> str:
        entries = "".join(
            f"<entry><title>{escape(e.title)}</title><id>{escape(e.link)}</id>"
            f'<link href="{escape(e.link)}"/><published>{iso_date(e.published, a.zone)}</published>'
            f"<updated>{iso_date(e.published, a.zone)}</updated>"
            f'<content type="html">{escape("<p>" + e.title + "</p>")}</content></entry>\n'
            for e in a.entries
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(self._title(a))}</title><id>urn:rsshub:{a.id}</id>"
            f'<link href="https://mp.example.net/{a.id}"/><updated>{self.now_iso}</updated>'
            f"<generator>RSSHub</generator>\n{entries}</feed>\n"
        )

    def json_feed(self, a: SimAccount) -> str:
        return json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": self._title(a),
                "home_page_url": f"https://mp.example.net/{a.id}",
                "items": [
                    {
                        "id": e.link,
                        "url": e.link,
                        "title": e.title,
                        "content_html": f"<p>{e.title}</p>",
                        "date_published": iso_date(e.published, a.zone),
                    }
                    for e in a.entries
                ],
            },
            ensure_ascii=False,
        )


def rfc_date(moment: dt.datetime, zone: str) -> str:
    """An RFC 822 date as bridges write it: +0800 (cst), +0000 (utc), GMT (gmt) or without a zone (naive)."""
    if zone == "utc":
        return email.utils.format_datetime(moment.astimezone(dt.UTC))
    if zone == "gmt":
        return email.utils.format_datetime(moment.astimezone(dt.UTC), usegmt=True)
    if zone == "naive":
        return moment.strftime("%Y-%m-%d %H:%M:%S")  # Shanghai wall time, no zone (seen on Chinese bridges)
    return email.utils.format_datetime(moment)


def iso_date(moment: dt.datetime, zone: str) -> str:
    """An RFC 3339 date: +08:00 (cst), +00:00 (utc), Z (gmt) or without a zone (naive)."""
    if zone == "utc":
        return moment.astimezone(dt.UTC).isoformat()
    if zone == "gmt":
        return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if zone == "naive":
        return moment.replace(tzinfo=None).isoformat()
    return moment.isoformat()


def _entity_bomb(levels: int = 10) -> bytes:
    """Billion laughs: 10 levels of 10 references each, 10^10 "lol"s once expanded."""
    entities = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, levels))
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol0 "lol">{entities}]>\n'
        f'<rss version="2.0"><channel><title>&lol{levels - 1};</title><item><title>&lol{levels - 1};</title>'
        "<pubDate>Fri, 27 Nov 2026 09:00:00 +0800</pubDate></item></channel></rss>\n"
    ).encode()


HOSTILE_VARIANTS = {
    # a bridge error rendered half-way: an unescaped "&" and a tag never closed, no item
    "invalid_xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>R&D \xe5\x8f\x91'
    b"\xe5\xb8\x83</title><description>upstream error: <b>timeout</description>\n",
    "entity_bomb": _entity_bomb(),
}
