"""Reading a body within caps, and deciding its charset. No network: bytes (or chunks of them) in.

Size caps, the rule (``fetch.max_body_bytes`` B, ``fetch.max_decompressed_bytes`` D):

* **wire bytes** (as sent, compressed or not) above B → ``BODY_TOO_LARGE``: the page is merely large.
  A declared ``Content-Length`` above B fails before a byte is read.
* **decompressed bytes** (aiohttp inflates gzip/deflate/br itself; we count what it hands us) above D →
  ``DECOMPRESSION_BOMB`` when they are at least ``BOMB_RATIO`` times the wire bytes received so far (HTML
  compresses 3–15×, a run of zeros ~1000×), else ``BODY_TOO_LARGE`` (a big page that compressed normally).
* Reading stops at the first cap crossed, so memory stays near the cap whatever the server sends; aiohttp
  inflates in bounded steps as we read, so a bomb is never inflated beyond what we asked for.

A failed read keeps no body: callers get the complete body or none.

Charset, in order: a byte-order mark (it outranks everything, as in the HTML standard), the
``Content-Type`` header's ``charset``, a ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` in the
first 4 KB, then detection: strict UTF-8 if the bytes are valid UTF-8, else charset-normalizer. Labels of
the GB family (gb2312, gbk, …) are decoded with gb18030, their superset: pages declared gb2312 routinely
carry characters outside it (人名 such as 镕 or 喆), which a strict gb2312 decoder would mangle. The name
reported is the one declared. Decoding never fails: errors="replace".
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import AsyncIterable, Callable

from charset_normalizer import from_bytes

from monitor.model import FailureReason

BOMB_RATIO = 100
"""Decompressed ÷ wire bytes at or above which an oversized compressed body is called a bomb."""
META_SCAN_BYTES = 4096
"""How far into the body ``<meta charset>`` is looked for (the HTML standard pre-scans 1024; pages here
often put it after long comments and scripts)."""
DETECT_SAMPLE_BYTES = 64 * 1024
"""How much of the body charset detection reads; enough to decide, cheap enough for the event loop."""

# Labels decoded with a superset codec; the reported name stays the declared one.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "csgb2312": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",  # the HTML standard treats latin-1 labels as windows-1252
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([a-zA-Z0-9_:.+-]+)""", re.IGNORECASE)
_TEXTUAL = ("text/", "html", "xml", "json", "javascript", "rss", "atom")


# ------------------------------------------------------------------------------------------- size caps
@dataclasses.dataclass(frozen=True, slots=True)
class BodyCaps:
    max_body_bytes: int
    max_decompressed_bytes: int

    def scaled(self, max_body_bytes: int) -> BodyCaps:
        """Caps for a caller's smaller (or larger) wire cap, keeping the decompressed/wire proportion."""
        ratio = self.max_decompressed_bytes / self.max_body_bytes
        return BodyCaps(max_body_bytes, max(max_body_bytes, int(max_body_bytes * ratio)))


@dataclasses.dataclass(frozen=True, slots=True)
class BodyRead:
    body: bytes
    failure: FailureReason | None = None
    detail: str = ""


def judge_size(wire_bytes: int, decompressed_bytes: int, caps: BodyCaps) -> tuple[FailureReason, str] | None:
    """Whether a body with these counts so far has crossed a cap, and which (the module docstring's rule)."""
    if wire_bytes > caps.max_body_bytes:
        return FailureReason.BODY_TOO_LARGE, f"body larger than {caps.max_body_bytes} bytes"
    if decompressed_bytes > caps.max_decompressed_bytes:
        if decompressed_bytes >= BOMB_RATIO * max(wire_bytes, 1):
            return (
                FailureReason.DECOMPRESSION_BOMB,
                f"{wire_bytes} compressed bytes inflated past {caps.max_decompressed_bytes} bytes",
            )
        return (
            FailureReason.BODY_TOO_LARGE,
            f"body larger than {caps.max_decompressed_bytes} bytes decompressed",
        )
    return None


def judge_declared_length(content_length: int | None, caps: BodyCaps) -> tuple[FailureReason, str] | None:
    """A declared ``Content-Length`` (wire bytes) above the cap fails before anything is read."""
    if content_length is not None and content_length > caps.max_body_bytes:
        return (
            FailureReason.BODY_TOO_LARGE,
            f"Content-Length {content_length} exceeds {caps.max_body_bytes} bytes",
        )
    return None


async def read_body(
    chunks: AsyncIterable[bytes],
    caps: BodyCaps,
    *,
    wire_bytes: Callable[[], int] | None = None,
    declared_length: int | None = None,
) -> BodyRead:
    """Collect decompressed ``chunks`` until the end or the first cap crossed.

    ``wire_bytes`` tells how many bytes arrived on the wire so far (aiohttp's
    ``resp.content.total_raw_bytes``); without it the decompressed count stands in. Network exceptions
    from ``chunks`` propagate: the caller maps them.
    """
    declared = judge_declared_length(declared_length, caps)
    if declared is not None:
        return BodyRead(b"", *declared)
    parts: list[bytes] = []
    received = 0
    async for chunk in chunks:
        parts.append(chunk)
        received += len(chunk)
        crossed = judge_size(wire_bytes() if wire_bytes else received, received, caps)
        if crossed is not None:
            return BodyRead(b"", *crossed)
    return BodyRead(b"".join(parts))


# ------------------------------------------------------------------------------------------- charset
def is_textual(content_type: str) -> bool:
    """Whether a body of this media type is text to decode (an empty type is sniffed as text)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return not media or any(marker in media for marker in _TEXTUAL)


def charset_from_content_type(value: str) -> str | None:
    """The usable charset label of a ``Content-Type`` header value, lowercased; None if absent or unknown."""
    match = _HEADER_CHARSET.search(value or "")
    return _known(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    """The charset a ``<meta>`` in the first ``META_SCAN_BYTES`` declares, lowercased; None if none."""
    for tag in _META.finditer(body[:META_SCAN_BYTES]):
        found = _META_CHARSET.search(tag.group(0))
        if found is None:
            continue
        label = _known(found.group(1).decode("ascii", "replace"))
        if label is not None:
            # A <meta> read as ASCII cannot truthfully declare UTF-16 (HTML standard: treat as UTF-8).
            return "utf-8" if label.startswith("utf-16") else label
    return None


def detect_charset(body: bytes) -> str:
    """A guess for undeclared bytes: UTF-8 when they are valid UTF-8, else charset-normalizer's best."""
    sample = body[:DETECT_SAMPLE_BYTES]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(sample) == DETECT_SAMPLE_BYTES and exc.start >= len(sample) - 3:
            return "utf-8"  # only the cut through the last character is invalid
    best = from_bytes(sample).best()
    if best is None:
        return "gb18030"  # the likeliest legacy encoding of a Chinese government page
    return _known(best.encoding) or "gb18030"


def choose_encoding(body: bytes, content_type: str = "") -> str:
    """The charset label to report for ``body``: BOM, header, ``<meta>``, then detection."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return charset_from_content_type(content_type) or charset_from_meta(body) or detect_charset(body)


def codec_for(label: str) -> str:
    """The codec that decodes a label: its superset where one exists (gb2312 → gb18030)."""
    return _SUPERSETS.get(label, label)


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """``(encoding, text)``: the charset reported for ``body`` and the body decoded with it."""
    label = choose_encoding(body, content_type)
    codec = codec_for(label)
    if label.startswith("utf-8") and body.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    return label, body.decode(codec, errors="replace")


def _known(label: str) -> str | None:
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    if label in _SUPERSETS:
        return label
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # Report the declared spelling for well-known labels, the codec's canonical name otherwise.
    return label if label in ("utf-8", "gb18030", "big5hkscs", "windows-1252") else name
