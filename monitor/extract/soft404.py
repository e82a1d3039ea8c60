"""Soft 404s: a page answered 200 whose own words say it is an error page.

Chinese CMSs rarely send 404: a removed article, a retired 办事事项 or a site under maintenance comes
back ``200 OK`` with 页面不存在 / 该事项不存在 / 系统维护 in its title or first lines. Inspectors count such a
link as broken (国办秘函〔2019〕19号 "首页链接不可用 / 其他页面链接不可用"), so a status code alone is not a verdict.

Cheap on purpose — it runs on every HTML page a link check reads: only the title and the first
``visible_chars`` characters of visible text (scripts, styles and templates dropped) are looked at, and
only the first ``max_html_chars`` of markup is parsed. Error pages say what they are at the top; a long
article that merely mentions 已删除 in paragraph twelve is not flagged. Link text never counts: a list
page whose rows read 关于政务服务网系统维护的公告 is a list, not a maintenance page (error pages state their
message in text, and link only to 返回首页).

A pattern made only of ASCII letters and digits (``404``, ``not found``) must stand as a whole word, and a
purely numeric one (``404``) is looked for in the title and headings only: ``404`` in a body is as likely
a phone extension or a document number as an error.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence

from selectolax.lexbor import LexborHTMLParser

DEFAULT_SOFT404_PATTERNS: tuple[str, ...] = (
    "页面不存在",
    "页面未找到",
    "找不到页面",
    "找不到您要访问的页面",
    "页面已删除",
    "已删除",
    "已被删除",
    "该事项不存在",
    "事项不存在",
    "信息不存在",
    "文章不存在",
    "内容不存在",
    "已下线",
    "已停止服务",
    "系统维护",
    "系统升级维护",
    "404",
    "not found",
    "page not found",
)
"""What Chinese government CMSs (TRS, Hanweb, 政务服务平台) put on their error pages; users extend it in
``links.soft404_patterns``."""

_INVISIBLE = ["script", "style", "noscript", "template", "head"]
_LINKS = ["a"]
_HEADINGS = "title, h1, h2, h3"


@dataclasses.dataclass(frozen=True, slots=True)
class _Pattern:
    name: str  # lower-cased, whitespace collapsed: also the needle searched for
    bounded: re.Pattern[str] | None  # whole-word check, for ASCII and numeric patterns
    headings_only: bool  # purely numeric patterns


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> tuple[_Pattern, ...]:
    """Each pattern as a plain needle (``str.find`` is C-fast; one regex alternation of twenty
    patterns was the link check's costliest step) plus, where needed, a regex for word boundaries."""
    compiled = []
    for raw in patterns:
        p = " ".join(raw.split()).lower()
        if not p:
            continue
        bounded = None
        if p.isdigit():  # not a document number: 第404号, 〔2019〕404号
            bounded = re.compile(rf"(?<![0-9第〔]){re.escape(p)}(?![0-9号期条])")
        elif re.fullmatch(r"[a-z0-9 ]+", p):
            bounded = re.compile(rf"(?<![a-z0-9]){re.escape(p)}(?![a-z0-9])")
        compiled.append(_Pattern(p, bounded, p.isdigit()))
    return tuple(compiled)


def _match(patterns: tuple[_Pattern, ...], text: str, *, headings: bool) -> str | None:
    """The leftmost match in ``text`` (already lower-cased, whitespace collapsed), longest on a tie."""
    best: tuple[int, int, str] | None = None
    for pattern in patterns:
        if pattern.headings_only and not headings:
            continue
        at = text.find(pattern.name)
        if at < 0:
            continue
        if pattern.bounded is not None:
            m = pattern.bounded.search(text, at)
            if m is None:
                continue
            at = m.start()
        candidate = (at, -len(pattern.name), pattern.name)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else None


def _normalized(text: str) -> str:
    return " ".join(text.split()).lower()


def soft404_reason(
    text: str, patterns: Sequence[str], *, visible_chars: int = 3000, max_html_chars: int = 200_000
) -> str | None:
    """The matched pattern when a 200 page's title or first visible text says it is an error page
    (页面不存在, 404, 已删除, 该事项不存在, 已下线, 系统维护 …), else None.

    ``text`` is the decoded HTML (or plain text). Pure; no I/O."""
    compiled = _compiled(tuple(patterns))
    if not compiled:
        return None
    tree = LexborHTMLParser(text[:max_html_chars])
    tree.strip_tags(_LINKS)
    headings = _normalized(" ".join(node.text(deep=True) for node in tree.css(_HEADINGS)))
    found = _match(compiled, headings, headings=True)
    if found:
        return found
    tree.strip_tags(_INVISIBLE)
    body = tree.body
    visible = _normalized(body.text(deep=True, separator=" ") if body is not None else "")
    return _match(compiled, visible[:visible_chars], headings=False)
