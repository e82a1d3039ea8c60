"""``parse_fetched``: a UTF-8 page is parsed from its bytes (faster), and the tree must be the very tree the
decoded text gives, whatever the bytes hold: real pages, GBK pages, a BOM, a ``<meta charset>`` that
lies, invalid bytes and a character cut at the size cap."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.extract.html import parse, parse_fetched
from monitor.fetch.decode import decode_body
from monitor.model import FetchResult

REALPAGES = sorted((Path(__file__).parent / "realpages").glob("*.html"))


def fetched(body: bytes, content_type: str = "text/html") -> FetchResult:
    encoding, text = decode_body(body, content_type)
    return FetchResult("http://x.gov.cn/", "http://x.gov.cn/", 200, 0.1, body, encoding, text, "text/html")


def same_tree(result: FetchResult) -> None:
    expected = parse(result.text)
    got = parse_fetched(result)
    assert got.html == expected.html
    assert [n.text(deep=True) for n in got.css("a")] == [n.text(deep=True) for n in expected.css("a")]


@pytest.mark.parametrize("path", REALPAGES, ids=lambda p: p.name)
def test_real_pages_parse_the_same_from_bytes(path: Path) -> None:
    result = fetched(path.read_bytes())
    assert result.encoding == "utf-8"
    same_tree(result)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('<meta charset="gbk"><title>政府网站</title><a href="/n">年度报表</a>'.encode("gbk"), "text/html"),
        ("<title>政府网站</title><a>年报</a>".encode("gbk"), "text/html; charset=GBK"),
        (codecs.BOM_UTF8 + "<title>政府</title><a>年度报表</a>".encode(), "text/html"),
        ('<meta charset="gbk"><title>政府网站</title>'.encode(), "text/html; charset=utf-8"),  # meta lies
        ("<p>年度报表</p>".encode() + b"\xff\xfe<a>x</a>", "text/html; charset=utf-8"),  # invalid bytes
        ("<p>年度报表</p><a>政府".encode()[:-2], "text/html; charset=utf-8"),  # cut at the cap
        (b"", "text/html"),
    ],
    ids=["gbk-meta", "gbk-header", "utf8-bom", "meta-lies", "invalid-bytes", "cut-character", "empty"],
)
def test_other_charsets_and_damaged_bytes_parse_the_same(body: bytes, content_type: str) -> None:
    same_tree(fetched(body, content_type))


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300), st.binary(max_size=8))
def test_any_text_with_any_stray_bytes_parses_the_same(text: str, stray: bytes) -> None:
    body = f"<html><body><a href='/a'>{text}</a>".encode() + stray + "<p>尾</p>".encode()
    same_tree(fetched(body, "text/html; charset=utf-8"))
