"""Feed parsing on literal feeds: every dialect, every zone spelling, and hostile XML."""

from __future__ import annotations

import datetime as dt
import time

from monitor.checks.media.check import summarize
from monitor.checks.media.feed import looks_like_feed, parse_feed
from monitor.checks.media.listpage import parse_list
from monitor.checks.media.posts import Posts
from monitor.model import SHANGHAI


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


RSS20 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>\xe6\xa0\xaa\xe6\xb4\xb2\xe5\x8f\x91\xe5\xb8\x83</title>
<lastBuildDate>Fri, 27 Nov 2026 02:00:00 GMT</lastBuildDate>
<item><title>a</title><link>https://mp.example.net/a</link><pubDate>Thu, 26 Nov 2026 16:30:00 GMT</pubDate></item>
<item><title>b</title><link>https://mp.example.net/b</link><pubDate>Tue, 24 Nov 2026 09:00:00 +0800</pubDate></item>
<item><title>c</title><link>https://mp.example.net/c</link><pubDate>2026-11-20 08:15:00</pubDate></item>
<item><title>d</title><link>https://mp.example.net/d</link></item>
</channel></rss>"""


def test_rss20_entry_dates_in_every_zone_spelling_become_shanghai_moments() -> None:
    feed = parse_feed(RSS20, "application/rss+xml")
    assert feed.failure is None and feed.kind == "rss20"
    assert feed.title == "株洲发布"
    moments = [post.published for post in feed.entries]
    # 16:30 GMT is 00:30 the next day in Shanghai; a date without a zone is Shanghai wall time
    assert moments == [at(2026, 11, 27, 0, 30), at(2026, 11, 24, 9, 0), at(2026, 11, 20, 8, 15), None]
    assert feed.undated == 1


def test_newest_comes_from_the_entries_never_from_the_feed_level_date() -> None:
    feed = parse_feed(
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b"<updated>2026-11-27T10:00:00+08:00</updated>"
        b'<entry><title>old</title><link href="https://x/1"/><published>2026-11-01T12:00:00+00:00</published>'
        b"<updated>2026-11-01T12:00:00+00:00</updated></entry></feed>",
        "application/atom+xml",
    )
    summary = summarize(Posts(entries=feed.entries), at(2026, 11, 27, 10, 0))
    assert feed.kind == "atom10"
    assert summary.newest == "2026-11-01T20:00:00+08:00"


def test_rss091_and_rss10_rdf_are_read() -> None:
    rss091 = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>t</title>'
        b"<item><title>x</title><link>https://x/1</link><pubDate>Wed, 25 Nov 2026 01:00:00 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<channel rdf:about="https://x/"><title>t</title></channel>'
        b'<item rdf:about="https://x/1"><title>x</title><link>https://x/1</link>'
        b"<dc:date>2026-11-25T09:00:00+08:00</dc:date></item></rdf:RDF>"
    )
    old = parse_feed(rss091, "text/xml")
    new = parse_feed(rdf, "application/rdf+xml")
    assert old.kind.startswith("rss09") and [p.published for p in old.entries] == [at(2026, 11, 25, 9, 0)]
    assert new.kind == "rss10" and [p.published for p in new.entries] == [at(2026, 11, 25, 9, 0)]


def test_json_feed_items_with_offsets() -> None:
    body = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "湘潭教育", "items": ['
        '{"id": "1", "url": "https://x/1", "title": "a", "date_published": "2026-11-07T01:00:00Z"},'
        '{"id": "2", "title": "b", "date_modified": "2026-11-06T09:00:00+08:00"},'
        '{"id": "3", "content_text": "no date"}]}'
    ).encode()
    feed = parse_feed(body, "application/feed+json")
    assert feed.kind == "json" and feed.title == "湘潭教育"
    assert [p.published for p in feed.entries] == [at(2026, 11, 7, 9, 0), at(2026, 11, 6, 9, 0), None]
    assert feed.entries[0].url == "https://x/1"


def test_gbk_feed_declared_in_the_prolog() -> None:
    body = (
        '<?xml version="1.0" encoding="gbk"?><rss version="2.0"><channel><title>祁东司法</title>'
        "<item><title>普法宣传</title><link>https://x/1</link><pubDate>Wed, 25 Nov 2026 01:00:00 GMT</pubDate>"
        "</item></channel></rss>"
    ).encode("gbk")
    feed = parse_feed(body, "application/xml")
    assert feed.failure is None
    assert feed.title == "祁东司法" and feed.entries[0].title == "普法宣传"


def test_an_empty_but_valid_feed_is_data_not_a_failure() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>', "application/rss+xml")
    assert feed.failure is None and feed.entries == ()


def test_invalid_xml_without_entries_is_a_failure() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>t & </titl></channel>', "application/rss+xml")
    assert feed.failure == "invalid_feed"
    assert parse_feed(b"<html><body>502 Bad Gateway</body></html>", "text/html").failure == "invalid_feed"
    assert parse_feed(b'{"error": "route not found"}', "application/json").failure == "invalid_feed"


def test_entity_bomb_is_refused_quickly_without_expansion() -> None:
    levels = "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{levels}]>'
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>'
    ).encode()
    started = time.process_time()
    feed = parse_feed(body, "application/rss+xml")
    assert feed.failure == "hostile_xml"
    assert time.process_time() - started < 1.0  # 10^9 "lol"s would take minutes and gigabytes


def test_external_entities_are_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&xxe;</title></channel></rss>'
    )
    feed = parse_feed(body, "application/rss+xml")
    assert feed.failure == "hostile_xml"
    assert "root:" not in feed.title


def test_a_body_that_looks_like_a_path_or_url_is_never_opened() -> None:
    for body in (b"/etc/passwd", b"http://169.254.169.254/latest/meta-data/"):
        feed = parse_feed(body, "application/rss+xml")
        assert feed.failure == "invalid_feed" and feed.entries == ()


def test_future_entries_are_ignored_and_counted() -> None:
    feed = parse_feed(RSS20, "application/rss+xml")
    summary = summarize(Posts(entries=feed.entries), at(2026, 11, 25, 12, 0))
    assert summary.future == 1 and summary.future_dates == ("2026-11-27T00:30:00+08:00",)
    assert summary.newest == "2026-11-24T09:00:00+08:00"
    assert summary.entries == 4 and summary.undated == 1


def test_sniffing_tells_feeds_from_pages() -> None:
    assert looks_like_feed(RSS20, "text/xml")
    assert looks_like_feed(b'{"version":"https://jsonfeed.org/version/1","items":[]}', "application/json")
    assert not looks_like_feed(b"<!DOCTYPE html><html><head><title>x</title></head></html>", "text/html")


def test_html_list_page_with_inventory_selectors() -> None:
    page = """<html><body><ul class="list">
    <li><a href="/a/1.html">第一条</a><span class="date">2026-11-20</span></li>
    <li><a href="/a/2.html">第二条</a><span class="date">2026年11月3日</span></li>
    <li><a href="/a/3.html">无日期</a></li></ul></body></html>"""
    posts = parse_list(
        page, "http://example.gov.cn/list/", "ul.list li", "span.date", at(2026, 11, 27, 10, 0)
    )
    assert [p.title for p in posts] == ["第一条", "第二条", "无日期"]
    assert posts[0].url == "http://example.gov.cn/a/1.html"
    assert [p.published for p in posts] == [at(2026, 11, 20, 0, 0), at(2026, 11, 3, 0, 0), None]


def test_the_fast_path_reads_what_feedparser_reads() -> None:
    from monitor.checks.media.feed import parse_with_feedparser
    from monitor.sim import SimWeb
    from monitor.sim.feeds import FeedRenderer

    sim = SimWeb(seed=3, sites=[], media_cases=True)
    renderer = FeedRenderer(sim.accounts, sim.now.isoformat(), "Fri, 27 Nov 2026 02:00:00 GMT")
    compared = 0
    for account in sim.accounts:
        if account.format == "json" or account.archetype == "broken" or account.list_selectors:
            continue
        reply = renderer.render(account.path, account.format)
        fast, liberal = (
            parse_feed(reply.body, reply.content_type),
            parse_with_feedparser(reply.body, reply.content_type),
        )
        assert fast.entries == liberal.entries, account.id
        assert fast.title == liberal.title and fast.failure is None
        compared += 1
    assert compared >= 12
