"""The feed bridge host (an RSSHub look-alike): RSS 2.0, Atom 1.0 and JSON Feed 1.1 per account.

The format is chosen like RSSHub's ``?format=atom|json`` (RSS by default), so one account can be read
in all three. Feed-level dates (``lastBuildDate``, Atom ``updated``) are "now" even for a silent
account: only entry dates tell when the account last published. The ``broken`` account answers 503.
"""

from __future__ import annotations

import email.utils
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
}


class FeedRenderer:
    def __init__(self, accounts: Iterable[SimAccount], now_iso: str, now_rfc: str) -> None:
        self.accounts = {a.path: a for a in accounts}
        self.now_iso = now_iso
        self.now_rfc = now_rfc

    def render(self, path: str, fmt: str) -> Reply:
        account = self.accounts.get(path)
        if account is None:
            return Reply(404, b'{"error":"route not found"}', "application/json")
        if account.archetype == "broken":
            return Reply(503, b"<h1>503 Service Unavailable</h1><p>upstream timeout</p>", "text/html")
        fmt = fmt if fmt in CONTENT_TYPES else "rss"
        body = {"rss": self.rss, "atom": self.atom, "json": self.json_feed}[fmt](account)
        return Reply(200, body.encode("utf-8"), CONTENT_TYPES[fmt])

    def _title(self, a: SimAccount) -> str:
        return f"{a.name} - {PLATFORM_LABELS.get(a.platform, a.platform)}"

    def rss(self, a: SimAccount) -> str:
        items = "".join(
            f"<item><title><![CDATA[{e.title}]]></title><link>{escape(e.link)}</link>"
            f'<guid isPermaLink="false">{escape(e.link)}</guid>'
            f"<pubDate>{email.utils.format_datetime(e.published)}</pubDate>"
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
            f'<link href="{escape(e.link)}"/><published>{e.published.isoformat()}</published>'
            f"<updated>{e.published.isoformat()}</updated>"
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
                        "date_published": e.published.isoformat(),
                    }
                    for e in a.entries
                ],
            },
            ensure_ascii=False,
        )
