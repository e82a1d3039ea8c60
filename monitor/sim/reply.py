"""A rendered answer: status, headers and body bytes, cheap to cache and to replay."""

from __future__ import annotations

import dataclasses

HTML_UTF8 = "text/html; charset=utf-8"


@dataclasses.dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    content_type: str = HTML_UTF8
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def html(cls, text: str, status: int = 200) -> Reply:
        return cls(status, text.encode("utf-8"))

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status, b"", "text/html", (("Location", location),))


def simple_page(title: str, body: str) -> str:
    """A small UTF-8 page, for hosts whose look does not matter (备案 sites, control host)."""
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    )
