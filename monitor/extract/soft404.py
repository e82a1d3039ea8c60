"""Soft 404s: a page answered 200 whose own words say it is an error page.

Chinese CMSs rarely send 404: a removed article, a retired 办事事项 or a site under maintenance comes
back ``200 OK`` with 页面不存在 / 该事项不存在 / 系统维护 in its title or first lines. Inspectors count such a
link as broken (国办秘函〔2019〕19号 "首页链接不可用 / 其他页面链接不可用"), so a status code alone is not a verdict.

Cheap on purpose — it runs on every HTML page a link check reads: only the title and the first
``visible_chars`` characters of visible text (scripts, styles and templates dropped) are looked at, and
only the first ``max_html_chars`` of markup is parsed. Error pages say what they are at the top; a long
article that merely mentions 已删除 in paragraph twelve is not flagged.

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
_HEADINGS = "title, h1, h2, h3"


@dataclasses.dataclass(frozen=True, slots=True)
class _Compiled:
    anywhere: re.Pattern[str] | None  # title, headings and first visible text
    headings_only: re.Pattern[str] | None  # purely numeric patterns
    names: tuple[str, ...]  # group index → the pattern as the user wrote it (normalized)


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> _Compiled:
    """One alternation per place, each alternative a named group, so a match says which pattern hit."""
    anywhere: list[str] = []
    headings_only: list[str] = []
    names: list[str] = []
    for raw in patterns:
        p = " ".join(raw.split()).lower()
        if not p:
            continue
        body = re.escape(p).replace(r"\ ", r"\s+")
        if p.isdigit():  # not a document number: 第404号, 〔2019〕404号
            body = rf"(?<![0-9第〔]){body}(?![0-9号期条])"
        elif re.fullmatch(r"[a-z0-9 ]+", p):
            body = rf"(?<![a-z0-9]){body}(?![a-z0-9])"
        (headings_only if p.isdigit() else anywhere).append(f"(?P<p{len(names)}>{body})")
        names.append(p)

    def build(parts: list[str]) -> re.Pattern[str] | None:
        return re.compile("|".join(parts)) if parts else None

    return _Compiled(build(anywhere), build(headings_only), tuple(names))


def _match(regex: re.Pattern[str] | None, text: str, names: tuple[str, ...]) -> str | None:
    if regex is None:
        return None
    m = regex.search(text.lower())
    if m is None or m.lastgroup is None:
        return None
    return names[int(m.lastgroup[1:])]


def soft404_reason(
    text: str, patterns: Sequence[str], *, visible_chars: int = 3000, max_html_chars: int = 200_000
) -> str | None:
    """The matched pattern when a 200 page's title or first visible text says it is an error page
    (页面不存在, 404, 已删除, 该事项不存在, 已下线, 系统维护 …), else None.

    ``text`` is the decoded HTML (or plain text). Pure; no I/O."""
    c = _compiled(tuple(patterns))
    if not c.names:
        return None
    tree = LexborHTMLParser(text[:max_html_chars])
    headings = " ".join(node.text(deep=True) for node in tree.css(_HEADINGS))
    found = _match(c.anywhere, headings, c.names) or _match(c.headings_only, headings, c.names)
    if found:
        return found
    tree.strip_tags(_INVISIBLE)
    body = tree.body
    visible = " ".join((body.text(deep=True, separator=" ") if body is not None else "").split())
    return _match(c.anywhere, visible[:visible_chars], c.names)
