"""Hidden links (暗链): links a visitor cannot see but a search engine reads, leading to illicit sites.

A hacked CMS page carries them in a hidden block: hidden by CSS (``display:none``, ``visibility:hidden``,
off-screen positions, zero font size, a zero-size box with overflow clipped, ``clip``, ``opacity:0``) in a
``style`` attribute or a ``<style>`` block (simple selectors: tag, ``#id``, ``.class`` and descendants),
inside a hidden or zero-speed ``<marquee>``, or written by an inline script (``document.write``,
``innerHTML``). A link counts only when it is hidden **and** leads to an entry of the lists
(``monitor.extract.badlists``), and never when it leads to the site's own hosts, a government host or the
platform: a visible link to a lottery centre is not hidden, a hidden menu of the site's own pages is not
illicit.

Pure: a parsed tree in, records out. The hidden test runs only for links that match a list, so a clean
page costs one pass over its anchors.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from monitor.extract.badlists import GOVERNMENT_SUFFIXES, BadLists, Match, host_excluded
from monitor.extract.html import clean_text

METHODS = (
    "display_none",
    "visibility_hidden",
    "opacity_zero",
    "off_screen",
    "font_size_zero",
    "zero_size",
    "clipped",
    "hidden_attribute",
    "marquee",
    "script_write",
)
"""Every hiding method this module names in evidence."""

OFF_SCREEN_PX = -100.0
"""A box placed further left/up than this (or text indented so) is off the screen: layouts never do it to
content a reader should see."""
TEXT_CHARS = 80

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMPOUND = re.compile(r"^([a-z][a-z0-9]*)?((?:[#.][-_a-z0-9]+)*)$")
_LENGTH = re.compile(r"^(-?\d+(?:\.\d+)?)(px|pt|em|rem|%|vw|vh)?$")
_SCRIPT_ANCHOR = re.compile(r"<a\b[^>]*?\bhref\s*=\s*(?:\\?[\"'])?([^\"'\\\s>]+)[^>]*>(.*?)</a>", re.I | re.S)
_ESCAPED = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")
ABSOLUTE_HOST = re.compile(r"(?:https?:)?//([^/:?#\s\\]+)", re.I)
"""An absolute (or protocol-relative) link's host, read without parsing the URL: most links are the site's."""
_WRITES = ("document.write", "innerhtml", "insertadjacenthtml", "outerhtml")


@dataclasses.dataclass(frozen=True, slots=True)
class HiddenLink:
    """A hidden link to an illicit destination: its URL and text, how it is hidden, which list entry it hit."""

    url: str
    text: str
    method: str
    category: str
    matched: str

    def to_json(self) -> dict[str, str]:
        return dataclasses.asdict(self)


# ------------------------------------------------------------------------------------------------ declarations
def declarations(style: str) -> dict[str, str]:
    """``prop: value`` pairs of a declaration block, lower-cased, ``!important`` dropped; later ones win."""
    decls: dict[str, str] = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            decls[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return decls


def _px(value: str | None) -> float | None:
    if not value:
        return None
    found = _LENGTH.match(value.split()[0]) if value.split() else None
    return float(found.group(1)) if found else None


def hiding_method(decls: dict[str, str]) -> str | None:
    """The hiding method a declaration block applies to its element, or None when it leaves it visible."""
    if decls.get("display") == "none":
        return "display_none"
    if decls.get("visibility") in ("hidden", "collapse"):
        return "visibility_hidden"
    if _px(decls.get("opacity")) == 0:
        return "opacity_zero"
    if _px(decls.get("font-size")) == 0:
        return "font_size_zero"
    for prop in ("left", "top", "text-indent", "margin-left", "margin-top"):
        offset = _px(decls.get(prop))
        if (
            offset is not None
            and offset <= OFF_SCREEN_PX
            and (
                prop.startswith("text")
                or prop.startswith("margin")
                or decls.get("position") in ("absolute", "fixed")
            )
        ):
            return "off_screen"
    clipped = decls.get("overflow") == "hidden" or decls.get("overflow-x") == "hidden"
    for prop in ("width", "height", "max-height", "max-width"):
        size = _px(decls.get(prop))
        if size is not None and size <= 1 and clipped:
            return "zero_size"
    clip = decls.get("clip", "") + decls.get("clip-path", "")
    if "rect(0" in clip.replace(" ", "") or "inset(50%" in clip.replace(" ", ""):
        return "clipped"
    return None


# ------------------------------------------------------------------------------------------------ stylesheets
@dataclasses.dataclass(frozen=True, slots=True)
class _Compound:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]

    def matches(self, node: Node) -> bool:
        if self.tag and node.tag != self.tag:
            return False
        attrs = node.attributes
        if self.ids and (attrs.get("id") or "") not in self.ids:
            return False
        if self.classes:
            have = set((attrs.get("class") or "").split())
            if not set(self.classes) <= have:
                return False
        return True


@dataclasses.dataclass(frozen=True, slots=True)
class HidingRule:
    """A stylesheet rule that hides what it matches: compounds left to right (descendant combinators)."""

    compounds: tuple[_Compound, ...]
    method: str

    def matches(self, node: Node) -> bool:
        *ancestors, last = self.compounds
        if not last.matches(node):
            return False
        parent = node.parent
        for compound in reversed(ancestors):
            while parent is not None and not (parent.tag and compound.matches(parent)):
                parent = parent.parent
            if parent is None:
                return False
            parent = parent.parent
        return True


def _compounds(selector: str) -> tuple[_Compound, ...] | None:
    """A selector of tags, ids, classes and descendant (or child, read as descendant) combinators; None for
    anything else (pseudo-classes such as ``:hover`` hide nothing a reader cannot reveal)."""
    parts = selector.replace(">", " ").lower().split()
    compounds = []
    for part in parts:
        found = _COMPOUND.match(part)
        if not found or not part:
            return None
        pieces = re.findall(r"([#.])([-_a-z0-9]+)", found.group(2) or "")
        compounds.append(
            _Compound(
                found.group(1),
                tuple(name for mark, name in pieces if mark == "#"),
                tuple(name for mark, name in pieces if mark == "."),
            )
        )
    return tuple(compounds) or None


def hiding_rules(css: str) -> list[HidingRule]:
    """The rules of a ``<style>`` block that hide their elements (``@media`` blocks read as always on)."""
    rules = []
    for selectors, block in _RULE.findall(_COMMENT.sub("", css)):
        method = hiding_method(declarations(block))
        if method is None:
            continue
        for selector in selectors.split(","):
            compounds = _compounds(selector.strip())
            if compounds:
                rules.append(HidingRule(compounds, method))
    return rules


class Visibility:
    """Answers "is this node hidden, and how" for one page, memoising each element it looks at."""

    def __init__(self, tree: HTMLParser) -> None:
        self.rules = [rule for node in tree.css("style") for rule in hiding_rules(node.text(deep=True) or "")]
        self._seen: dict[int, str | None] = {}

    def own_method(self, node: Node) -> str | None:
        attrs = node.attributes
        if "hidden" in attrs:
            return "hidden_attribute"
        style = attrs.get("style")
        inline = declarations(style) if style else {}
        method = hiding_method(inline) if inline else None
        if method:
            return method
        if node.tag == "marquee" and _marquee_hidden(node):
            return "marquee"
        for rule in self.rules:
            if rule.matches(node):
                # an inline declaration of the same property shows it again (display:block over a rule)
                if inline and hiding_method({**_rule_decls(rule.method), **inline}) is None:
                    continue
                return "marquee" if node.tag == "marquee" else rule.method
        return None

    def method(self, node: Node) -> str | None:
        """How ``node`` or its nearest hiding ancestor hides it, or None when it is visible."""
        chain: list[Node] = []
        current: Node | None = node
        found: str | None = None
        while current is not None and current.tag not in (None, "html", "-document"):
            key = current.mem_id
            if key in self._seen:
                found = self._seen[key]
                break
            chain.append(current)
            own = self.own_method(current)
            if own:
                found = own
                break
            current = current.parent
        for visited in chain:
            self._seen[visited.mem_id] = found
        return found


def _rule_decls(method: str) -> dict[str, str]:
    """The one declaration a rule's method stands for, to test whether an inline style overrides it."""
    return {
        "display_none": {"display": "none"},
        "visibility_hidden": {"visibility": "hidden"},
        "opacity_zero": {"opacity": "0"},
        "font_size_zero": {"font-size": "0"},
    }.get(method, {})


def _marquee_hidden(node: Node) -> bool:
    attrs = node.attributes
    if (attrs.get("scrollamount") or "").strip() == "0":
        return True
    for name in ("width", "height"):
        size = _px((attrs.get(name) or "").strip() or None)
        if size is not None and size <= 1:
            return True
    return False


# ------------------------------------------------------------------------------------------------ the scan
def _unescape_script(code: str) -> str:
    code = _ESCAPED.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), code)
    if "%3c" in code.lower():
        code = unquote(code)
    return code.replace("\\/", "/")


def script_links(tree: HTMLParser) -> Iterator[tuple[str, str]]:
    """``(href, text)`` of every anchor an inline script writes into the page (document.write, innerHTML)."""
    for node in tree.css("script"):
        if node.attributes.get("src"):
            continue
        code = node.text(deep=True) or ""
        lowered = code.lower()
        if not any(w in lowered for w in _WRITES):
            continue
        for href, text in _SCRIPT_ANCHOR.findall(_unescape_script(code)):
            yield href, clean_text(re.sub(r"<[^>]+>", " ", text))


def excluded_hosts(page_url: str, own_hosts: Iterable[str], excluded: Iterable[str]) -> tuple[str, ...]:
    """Hosts whose links are never illicit: the page's and the site's own, government hosts, ``excluded``."""
    page_host = urlsplit(page_url).hostname or ""
    return tuple(h for h in (page_host, *own_hosts, *GOVERNMENT_SUFFIXES, *excluded) if h)


def _anchor_text(node: Node) -> str:
    return clean_text(node.text(deep=True))[:TEXT_CHARS]


def _candidate(
    raw: str, text: Callable[[], str], base: str, lists: BadLists, excluded: tuple[str, ...]
) -> tuple[str, Match, str] | None:
    """``(absolute URL, list entry, text)`` of a link to a foreign host on the lists; the text is read only
    then (most links are relative: the page's own host, excluded before anything is parsed)."""
    found_host = ABSOLUTE_HOST.match(raw.strip())
    if not found_host or host_excluded(found_host.group(1), excluded):
        return None
    url = urljoin(base, raw.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    shown = text()
    found = lists.match_link(url, shown)
    return (url, found, shown) if found else None


def hidden_links(
    tree: HTMLParser,
    page_url: str,
    lists: BadLists,
    *,
    own_hosts: Iterable[str] = (),
    excluded: Iterable[str] = (),
) -> list[HiddenLink]:
    """Every hidden link on the page that leads to an entry of ``lists`` (one per URL, page order)."""
    skip = excluded_hosts(page_url, own_hosts, excluded)
    base_node = tree.css_first("base[href]")
    base = urljoin(page_url, base_node.attributes.get("href") or "") if base_node else page_url
    visibility: Visibility | None = None
    found: list[HiddenLink] = []
    seen: set[str] = set()
    for node in tree.css("a[href], area[href]"):
        hit = _candidate(
            node.attributes.get("href") or "",
            functools.partial(_anchor_text, node),
            base,
            lists,
            skip,
        )
        if hit is None or hit[0] in seen:
            continue
        visibility = visibility or Visibility(tree)
        method = visibility.method(node)
        if method:
            seen.add(hit[0])
            found.append(HiddenLink(hit[0], hit[2], method, hit[1].category, hit[1].value))
    for href, text in script_links(tree):
        hit = _candidate(href, functools.partial(str, text), base, lists, skip)
        if hit and hit[0] not in seen:
            seen.add(hit[0])
            found.append(HiddenLink(hit[0], text[:TEXT_CHARS], "script_write", hit[1].category, hit[1].value))
    return found
