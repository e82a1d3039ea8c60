"""What one link's fetch means: ``ok``, ``broken`` or ``unverified``. Pure: a FetchResult in, a verdict out.

Broken (国办秘函〔2019〕19号 "链接不可用": the link does not open or lands on an error page):

* no answer: DNS failure, connection refused or reset, TLS failure, timeout, redirect loop, too many
  redirects, a redirect to an invalid or blocked address;
* an HTTP error status (4xx, 5xx), except 403 and 429 (below);
* a soft 404: a 200 HTML page whose title or first visible text says it is an error page
  (``links.soft404_patterns``), or a deep link redirected to a homepage (the page is gone, the CMS
  sends readers to ``/``).

``unverified``: the host answered govmon with 403 or 429 — many news portals refuse crawlers while
readers get through, so that answer alone proves nothing about what an inspector's browser would see.

A body too large to read, with a good status, is ``ok``: the link opens.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from monitor.extract.soft404 import soft404_reason
from monitor.model import FailureReason, FetchResult

OK = "ok"
BROKEN = "broken"
UNVERIFIED = "unverified"
BOT_STATUSES = frozenset({403, 429})
ROOT_PATHS = frozenset(
    {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/index.php", "/default.html",
     "/default.htm", "/default.aspx", "/index.aspx"}
)  # fmt: skip
_READ_FAILURES_OF_A_GOOD_ANSWER = frozenset({FailureReason.BODY_TOO_LARGE, FailureReason.DECOMPRESSION_BOMB})
_HTML_TYPES = ("text/html", "application/xhtml+xml", "")


@dataclasses.dataclass(frozen=True, slots=True)
class Verdict:
    """One URL's verdict. ``reason``: a ``FailureReason`` value, ``http_<status>``, ``soft404``,
    ``redirect_home`` or ``bot_blocked``; ``detail`` says more (the matched pattern, the redirect target)."""

    url: str
    state: str  # ok | broken | unverified
    http_status: int | None = None
    reason: str | None = None
    detail: str = ""
    final_url: str = ""

    @property
    def broken(self) -> bool:
        return self.state == BROKEN

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        return cls(
            url=str(data["url"]),
            state=str(data["state"]),
            http_status=data.get("http_status"),
            reason=data.get("reason"),
            detail=str(data.get("detail") or ""),
            final_url=str(data.get("final_url") or ""),
        )


def is_root(url: str) -> bool:
    return urlsplit(url).path.lower() in ROOT_PATHS


def is_html(result: FetchResult) -> bool:
    return result.content_type in _HTML_TYPES or "html" in result.content_type


def judge(url: str, result: FetchResult, soft404_patterns: Sequence[str]) -> Verdict:
    """The verdict on ``url`` from the fetch of it (HEAD or GET, redirects followed)."""
    status, final = result.status, result.final_url or url

    def verdict(state: str, reason: str | None = None, detail: str = "") -> Verdict:
        return Verdict(url, state, status, reason, detail or result.detail, final)

    if status in BOT_STATUSES:
        return verdict(UNVERIFIED, "bot_blocked", f"HTTP {status}: the host refuses automated requests")
    if status is not None and status >= 400:
        return verdict(BROKEN, f"http_{status}", result.detail or f"HTTP {status}")
    if result.failure is not None and result.failure not in _READ_FAILURES_OF_A_GOOD_ANSWER:
        return verdict(BROKEN, result.failure.value)
    if status is None:
        return verdict(BROKEN, FailureReason.OTHER.value, "no response")
    if result.redirects and not is_root(url) and is_root(final):
        return verdict(BROKEN, "redirect_home", f"redirected to the homepage {final}")
    if result.text and is_html(result):
        pattern = soft404_reason(result.text, soft404_patterns)
        if pattern:
            return verdict(BROKEN, "soft404", f"the page says {pattern!r}")
    return Verdict(url, OK, status, None, "", final)
