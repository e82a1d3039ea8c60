"""Signs that a homepage was tampered with (网页篡改): on a first look, and against its last good baseline.

First look (no history needed): a script or iframe from a foreign host of a known-bad kind (the lists of
``monitor.extract.badlists``), a meta refresh or script redirect there, a redirect that fires only for
visitors coming from a search engine (the classic 黑帽 cloaking, whatever the destination), or a page whose
title is the hacker's (gambling or adult keywords: the SEO hack rewrites ``<title>``) or that announces
itself (hacked by …).

Against a baseline (``Baseline``, kept by the homepage check): a new script or iframe from a foreign host
(not the site's, not a government host, not a trusted CDN or analytics host), or the title and visible text
replaced wholesale (the title changed and fewer than ``REPLACED_OVERLAP`` of the text lines remain). A news
update changes a few lines under the same title: not tampering.

Pure: parsed tree and records in, records out.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from monitor.extract.badlists import BadLists, host_excluded
from monitor.extract.hidden_links import ABSOLUTE_HOST, excluded_hosts

REPLACED_OVERLAP = 0.3
"""Share of the baseline's text lines still present below which a retitled page is "replaced wholesale". A
news update keeps the menus, blocks and footer (typically > 80 % of the lines); a defacement keeps none."""
BASELINE_LINES = 800
DIFF_LINES = 40
DEFACED_PHRASES = ("hacked by", "owned by hacker", "被黑了", "此站已被黑", "黑客联盟", "hacked!!!", "h4ck3d")
SEARCH_ENGINES = ("baidu", "sogou", "so.com", "sm.cn", "google", "bing", "soso", "yahoo", "toutiao")
_REDIRECT = re.compile(
    r"(?:window\.|top\.|self\.|document\.)?location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*[\"']([^\"']+)[\"']",
    re.I,
)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\";\s]+)", re.I)


@dataclasses.dataclass(frozen=True, slots=True)
class Sign:
    """One sign of tampering: its kind, the URL or text that shows it, and why it counts."""

    kind: str
    """bad_script, bad_iframe, meta_refresh, http_redirect, script_redirect, cloaking, title, defaced (first
    look); new_foreign, replaced (against the baseline)."""
    detail: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True)
class Baseline:
    """What a homepage looked like when last judged good: its title, foreign script/iframe hosts, text lines
    (masked by the caller before they are stored)."""

    title: str
    foreign_hosts: tuple[str, ...]
    lines: tuple[str, ...]
    taken_at: float = 0.0
    snapshot: str | None = None
    """The evidence snapshot of that read: a later read showing the same text reuses it."""

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "foreign_hosts": list(self.foreign_hosts),
            "lines": list(self.lines),
            "taken_at": self.taken_at,
            "snapshot": self.snapshot,
        }

    def same_text(self, other: Baseline) -> bool:
        return (
            self.title == other.title
            and self.lines == other.lines
            and self.foreign_hosts == other.foreign_hosts
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Baseline:
        return cls(
            str(data.get("title") or ""),
            tuple(str(h) for h in data.get("foreign_hosts") or ()),
            tuple(str(line) for line in data.get("lines") or ()),
            float(data.get("taken_at") or 0.0),
            data.get("snapshot") or None,
        )


def foreign_resources(
    tree: HTMLParser, page_url: str, skip: Sequence[str], trusted: Iterable[str] = ()
) -> list[tuple[str, str, str]]:
    """``(tag, url, host)`` of each script, iframe, frame, embed and object from a host that is not the
    site's, a government host, or one of ``trusted`` (CDNs, analytics, 党政机关标识)."""
    trusted = tuple(trusted)
    found = []
    for tag, attr in (
        ("script", "src"),
        ("iframe", "src"),
        ("frame", "src"),
        ("embed", "src"),
        ("object", "data"),
    ):
        for node in tree.css(f"{tag}[{attr}]"):
            raw = (node.attributes.get(attr) or "").strip()
            absolute = ABSOLUTE_HOST.match(raw)
            if not absolute or host_excluded(absolute.group(1), skip):
                continue  # relative: the page's own host
            url = urljoin(page_url, raw)
            host = (urlsplit(url).hostname or "").lower()
            if (
                host
                and urlsplit(url).scheme in ("http", "https", "")
                and not host_excluded(host, (*skip, *trusted))
            ):
                found.append((tag, url, host))
    return found


def first_look(
    tree: HTMLParser,
    page_url: str,
    lists: BadLists,
    *,
    title: str,
    own_hosts: Iterable[str] = (),
    excluded: Iterable[str] = (),
) -> list[Sign]:
    """Signs of tampering that need no history."""
    skip = excluded_hosts(page_url, own_hosts, excluded)
    signs: list[Sign] = []
    for tag, url, _host in foreign_resources(tree, page_url, skip):
        hit = lists.match_link(url)
        if hit:
            kind = "bad_script" if tag == "script" else "bad_iframe"
            signs.append(Sign(kind, url, f"{tag} from a {hit.category} host ({hit.value})"))
    for node in tree.css("meta[http-equiv]"):
        if (node.attributes.get("http-equiv") or "").lower() != "refresh":
            continue
        found = _REFRESH_URL.search(node.attributes.get("content") or "")
        if found:
            url = urljoin(page_url, found.group(1))
            sign = _redirect_sign("meta_refresh", url, lists, skip)
            if sign:
                signs.append(sign)
    for node in tree.css("script"):
        if node.attributes.get("src"):
            continue
        code = node.text(deep=True) or ""
        if "location" not in code:
            continue
        for target in _REDIRECT.findall(code):
            url = urljoin(page_url, target)
            host = urlsplit(url).hostname or ""
            if not host or host_excluded(host, skip):
                continue
            lowered = code.lower()
            if "referrer" in lowered and any(engine in lowered for engine in SEARCH_ENGINES):
                signs.append(Sign("cloaking", url, "redirects visitors who come from a search engine"))
                continue
            sign = _redirect_sign("script_redirect", url, lists, skip)
            if sign:
                signs.append(sign)
    hit = lists.match_text(title)
    if hit and hit.category in ("gambling", "adult", "lottery", "game_server", "fraud"):
        signs.append(Sign("title", title, f"the title carries {hit.category} keywords ({hit.value})"))
    for node in tree.css("title, h1, h2"):
        text = (node.text(deep=True) or "").lower()
        phrase = next((p for p in DEFACED_PHRASES if p in text), None)
        if phrase:
            signs.append(Sign("defaced", " ".join(text.split())[:120], f"the page announces it ({phrase})"))
            break
    return signs


def _redirect_sign(kind: str, url: str, lists: BadLists, skip: Sequence[str]) -> Sign | None:
    host = urlsplit(url).hostname or ""
    if not host or host_excluded(host, skip):
        return None
    hit = lists.match_link(url)
    return Sign(kind, url, f"redirects to a {hit.category} host ({hit.value})") if hit else None


def overlap(before: Sequence[str], after: Sequence[str]) -> float:
    """Share of ``before``'s distinct lines still present in ``after`` (1.0 when ``before`` is empty)."""
    old = set(before)
    return len(old & set(after)) / len(old) if old else 1.0


def compare(baseline: Baseline, current: Baseline) -> list[Sign]:
    """What changed since the baseline that a legitimate update does not do."""
    signs = [
        Sign("new_foreign", host, "a script or iframe from a foreign host not on the page before")
        for host in sorted(set(current.foreign_hosts) - set(baseline.foreign_hosts))
    ]
    kept = overlap(baseline.lines, current.lines)
    if current.title != baseline.title and kept < REPLACED_OVERLAP:
        signs.append(
            Sign("replaced", current.title, f"title changed and {kept:.0%} of the page's text remains")
        )
    return signs


def text_diff(before: Sequence[str], after: Sequence[str], max_lines: int = DIFF_LINES) -> list[str]:
    """The visible text's changes as diff lines, ``-`` gone then ``+`` new, at most ``max_lines`` (half each,
    so a wholesale replacement shows what went and what came)."""
    diff = difflib.unified_diff(list(before), list(after), "baseline", "now", n=0, lineterm="")
    lines = [line for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    gone = [line for line in lines if line.startswith("-")]
    new = [line for line in lines if line.startswith("+")]
    half = max_lines // 2
    return gone[: max(half, max_lines - len(new))] + new[: max(half, max_lines - len(gone))]
