"""``resolve_link`` resolves links written from the root or in full once per host: the result must be exactly
what resolving against the page itself gives, for any page and any link."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from monitor.extract.html import extract_page, origin_of, parse, resolve_link

SEGMENT = st.sampled_from(["a", "b.html", "..", ".", "", "x y", "%2e%2e", "中文", "index.shtml", ";p=1"])
PATH = st.lists(SEGMENT, max_size=5).map("/".join)
QUERY = st.sampled_from(["", "?", "?q=1", "?a=b&c=d"])
FRAGMENT = st.sampled_from(["", "#", "#top"])
HOST = st.sampled_from(["www.gov.cn", "WWW.Hunan.gov.cn:8080", "127.0.0.1:33771", "h", ""])
SCHEME = st.sampled_from(["http", "https", "ftp", "file"])
BASE = st.builds(lambda s, h, p, q: f"{s}://{h}/{p}{q}", SCHEME, HOST, PATH, QUERY)
RAW = st.one_of(
    st.builds(lambda p, q, f: f"/{p}{q}{f}", PATH, QUERY, FRAGMENT),
    st.builds(lambda s, h, p, q, f: f"{s}://{h}/{p}{q}{f}", SCHEME, HOST, PATH, QUERY, FRAGMENT),
    st.builds(lambda p, q, f: f"{p}{q}{f}", PATH, QUERY, FRAGMENT),
    st.builds(lambda h, p: f"//{h}/{p}", HOST, PATH),
    st.sampled_from(["http:rel.html", "https:", "?only=query", "#only", "../../up.html", "/", "//"]),
)


def reference(base: str, raw: str) -> str | None:
    absolute = urldefrag(urljoin(base, raw)).url
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


@given(BASE, RAW)
def test_resolving_once_per_host_equals_resolving_against_the_page(base: str, raw: str) -> None:
    assert resolve_link(base, raw, origin_of(base)) == reference(base, raw)


def test_a_menu_link_resolves_to_the_same_url_on_pages_at_every_depth() -> None:
    html = (
        '<a href="/xwzx/">新闻</a><a href="t1.html">文章</a><a href="http://www.gov.cn/zhengce/#x">国务院</a>'
    )
    first = extract_page(parse(html), "http://www.hunan.gov.cn/").links
    deep = extract_page(parse(html), "http://www.hunan.gov.cn/xwzx/gzdt/202611/t1.html").links
    assert [link.url for link in first] == [
        "http://www.hunan.gov.cn/xwzx/",
        "http://www.hunan.gov.cn/t1.html",
        "http://www.gov.cn/zhengce/",
    ]
    assert [link.url for link in deep] == [
        "http://www.hunan.gov.cn/xwzx/",
        "http://www.hunan.gov.cn/xwzx/gzdt/202611/t1.html",
        "http://www.gov.cn/zhengce/",
    ]
