"""Body caps and charsets, as pure functions on bytes (no network)."""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator, Iterable

from hypothesis import given
from hypothesis import strategies as st

from monitor.fetch.decode import (
    BodyCaps,
    charset_from_content_type,
    charset_from_meta,
    decode_body,
    detect_charset,
    is_textual,
    judge_size,
    read_body,
)
from monitor.model import FailureReason

CAPS = BodyCaps(max_body_bytes=10_000, max_decompressed_bytes=40_000)
NEWS = (
    "湖南省人民政府门户网站 工作动态 省政府召开常务会议研究部署经济工作 "
    "通知公告 关于做好政府网站检查工作的通知"
)


# ------------------------------------------------------------------------------------------ caps
def test_within_caps_is_fine() -> None:
    assert judge_size(10_000, 10_000, CAPS) is None
    assert judge_size(5_000, 40_000, CAPS) is None  # a well-compressed page within the decompressed cap


def test_large_on_the_wire_is_too_large() -> None:
    assert judge_size(10_001, 10_001, CAPS) == (FailureReason.BODY_TOO_LARGE, "body larger than 10000 bytes")


def test_inflating_past_the_cap_at_a_bomb_ratio_is_a_bomb() -> None:
    reason, detail = judge_size(400, 40_001, CAPS) or (None, "")
    assert reason is FailureReason.DECOMPRESSION_BOMB
    assert "400 compressed bytes" in detail


def test_inflating_past_the_cap_at_a_text_ratio_is_merely_large() -> None:
    reason, _ = judge_size(8_000, 40_001, CAPS) or (None, "")
    assert reason is FailureReason.BODY_TOO_LARGE


def test_scaled_caps_keep_the_proportion() -> None:
    assert CAPS.scaled(1_000) == BodyCaps(1_000, 4_000)


async def _chunks(parts: Iterable[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_read_body_collects_everything_within_caps() -> None:
    read = await read_body(_chunks([b"a" * 4000, b"b" * 4000]), CAPS)
    assert read.failure is None
    assert read.body == b"a" * 4000 + b"b" * 4000


async def test_read_body_stops_at_the_first_cap_and_keeps_nothing() -> None:
    consumed: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for n in range(1000):
            consumed.append(n)
            yield b"x" * 1000

    read = await read_body(endless(), CAPS)

    assert read.failure is FailureReason.BODY_TOO_LARGE
    assert read.body == b""
    assert len(consumed) == 11  # stopped right after crossing 10,000 bytes


async def test_read_body_refuses_a_declared_length_above_the_cap_before_reading() -> None:
    consumed: list[bytes] = []

    async def body() -> AsyncIterator[bytes]:
        consumed.append(b"x")
        yield b"x"

    read = await read_body(body(), CAPS, declared_length=20_000)

    assert read.failure is FailureReason.BODY_TOO_LARGE
    assert "Content-Length 20000" in read.detail
    assert consumed == []


async def test_read_body_uses_wire_bytes_to_tell_a_bomb() -> None:
    read = await read_body(_chunks([b"\0" * 20_000] * 3), CAPS, wire_bytes=lambda: 300)
    assert read.failure is FailureReason.DECOMPRESSION_BOMB


# ------------------------------------------------------------------------------------------ charset
def test_header_charset_wins_over_meta() -> None:
    body = '<meta charset="gbk"><p>政府网站</p>'.encode()
    assert decode_body(body, "text/html; charset=UTF-8") == ("utf-8", '<meta charset="gbk"><p>政府网站</p>')


def test_meta_only_gbk_decodes() -> None:
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><p>{NEWS}</p>'
    )
    assert decode_body(html.encode("gbk"), "text/html") == ("gbk", html)


def test_meta_charset_attribute_after_long_head() -> None:
    html = "<!-- " + "x" * 2000 + f" --><meta charset='GB2312' /><p>{NEWS}</p>"
    assert charset_from_meta(html.encode("gb2312")) == "gb2312"


def test_gb2312_declared_text_with_characters_outside_gb2312_decodes_via_gb18030() -> None:
    # 镕 and 喆 are not in GB2312; CMSs that declare gb2312 emit them in GBK/GB18030 anyway.
    html = '<meta charset="gb2312"><p>朱镕基 张喆 ' + NEWS + "</p>"
    body = html.encode("gb18030")
    assert b"?" not in body
    encoding, text = decode_body(body, "text/html")
    assert encoding == "gb2312"  # the declared name is reported
    assert text == html
    assert "\ufffd" not in text


def test_detection_fallback_reads_undeclared_gbk() -> None:
    html = f"<html><body><ul><li>{NEWS}</li><li>{NEWS}</li></ul></body></html>"
    encoding, text = decode_body(html.encode("gbk"), "")
    assert text == html
    assert codecs.lookup(encoding).name in ("gb18030", "gbk", "gb2312")


def test_detection_prefers_valid_utf8() -> None:
    assert detect_charset(NEWS.encode("utf-8")) == "utf-8"


def test_bom_outranks_the_header() -> None:
    body = codecs.BOM_UTF8 + NEWS.encode("utf-8")
    assert decode_body(body, "text/html; charset=gbk") == ("utf-8", NEWS)


def test_unknown_or_absent_labels_are_ignored() -> None:
    assert charset_from_content_type("text/html; charset=x-no-such-charset") is None
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type('text/html; charset="GBK"') == "gbk"
    assert charset_from_meta(b"<meta name='SiteName' content='charset'>") is None


def test_textual_types() -> None:
    assert is_textual("text/html; charset=gbk")
    assert is_textual("application/rss+xml")
    assert is_textual("application/json")
    assert is_textual("")
    assert not is_textual("image/png")
    assert not is_textual("application/pdf")


@given(
    st.binary(max_size=3000),
    st.sampled_from(["", "text/html", "text/html; charset=gb2312", "text/plain; charset=utf-8"]),
)
def test_decoding_never_fails(body: bytes, content_type: str) -> None:
    encoding, text = decode_body(body, content_type)
    assert isinstance(encoding, str) and encoding
    assert isinstance(text, str)
