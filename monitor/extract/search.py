"""The site search (搜索功能) as plain data: where a homepage's search box sends a query, which headline to ask
for, and what the results page says.

Inspectors judge the search as a visitor uses it (国办秘函〔2019〕19号: the search errors, or a query for one of
the site's own recent headlines finds nothing). Real homepages carry it in three shapes:

- a ``<form>`` with a text input, GET or POST, its action on the site (``/search/``, ``/was5/web/search``) or on
  a search host (``search.mnr.gov.cn``, ``so.xxx.gov.cn``), often with hidden fields (``siteCode``,
  ``channelid``); the field is named ``q``, ``searchWord``, ``searchword``, ``keyword``, ``qt`` …;
- a box with no form action whose script builds the URL: ``window.open('/search?q=' + …)``,
  ``location.href = "/so/search.shtml?…&searchWord=" + key`` (the template is read from the page; commented-out
  lines are skipped);
- a box whose script govmon cannot read (the URL is built in an external file, or is a client-side route
  ``/#/…?keywords=``): ``script_only``, judged by nobody (``unverified``).

Pure: a parsed tree (and the page's own text) in, frozen records out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.extract.html import clean_text
from monitor.extract.listing import ListItem
from monitor.extract.soft404 import soft404_reason

FORM = "form"
SCRIPT = "script"
SCRIPT_ONLY = "script_only"
NONE = "none"

SEARCH_FIELDS = frozenset(
    {"q", "qt", "wd", "kw", "key", "keys", "keyword", "keywords", "searchword", "searchwords", "sword",
     "searchkey", "searchtext", "search", "query", "searchvalue", "word", "text", "title", "content"}
)  # fmt: skip
"""Field names (lower-cased) real government search forms give their query box."""
SEARCH_HINTS = ("search", "sousuo", "jsearch", "was5", "query", "/so/", "//so.", "/s?", "/ss/", "sch")
"""Markers in an action URL, a template or an element's id/class/name that it belongs to the site search."""
SEARCH_WORDS = ("搜索", "检索", "关键字", "关键词", "搜本站", "站内搜")
TEXT_TYPES = ("", "text", "search")


@dataclasses.dataclass(frozen=True, slots=True)
class SearchBox:
    """A homepage's site search: ``kind`` ``form`` (``url`` the action), ``script`` (``url`` the template the
    query is appended to), ``script_only`` or ``none``. ``charset``: what the query is encoded in (a form's
    ``accept-charset``, else None: the page's own); ``utf8``: a script that encodes with encodeURIComponent."""

    kind: str
    url: str | None = None
    method: str = "GET"
    field: str | None = None
    hidden: tuple[tuple[str, str], ...] = ()
    charset: str | None = None
    utf8: bool = False
    markup: str = ""
    """The form's opening tag or the script statement it was read from (evidence for a site owner)."""


def absolute(page_url: str, raw: str) -> str | None:
    """``raw`` resolved against the page, when it is a usable http(s) URL; None for a malformed one (a hostile
    page's ``http://[x/``) or another scheme."""
    try:
        url = urljoin(page_url, raw.strip())
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _hinted(*values: str | None) -> bool:
    text = " ".join(v for v in values if v).lower()
    return any(h in text for h in SEARCH_HINTS)


def _worded(*values: str | None) -> bool:
    text = " ".join(v for v in values if v)
    return any(w in text for w in SEARCH_WORDS)


def _text_inputs(form: LexborNode) -> list[LexborNode]:
    return [
        i
        for i in form.css("input")
        if (i.attributes.get("type") or "").strip().lower() in TEXT_TYPES and (i.attributes.get("name") or "")
    ]


def _query_input(form: LexborNode) -> LexborNode | None:
    """The form's query box: a text input named like one, else one that says it (placeholder 请输入关键词)."""
    inputs = _text_inputs(form)
    for node in inputs:
        if (node.attributes.get("name") or "").strip().lower() in SEARCH_FIELDS:
            return node
    for node in inputs:
        a = node.attributes
        if _worded(a.get("placeholder"), a.get("value"), a.get("title")) or _hinted(
            a.get("id"), a.get("class")
        ):
            return node
    return inputs[0] if len(inputs) == 1 else None


def _is_search_form(form: LexborNode, box: LexborNode) -> bool:
    if form.css_first("textarea, input[type=password], input[type=file]") is not None:
        return False  # a message form or a sign-in form, not a search
    a, b = form.attributes, box.attributes
    buttons = " ".join(
        clean_text(n.text(deep=True)) + " " + (n.attributes.get("value") or "")
        for n in form.css("button, input[type=submit], input[type=button], input[type=image]")
    )
    named = (b.get("name") or "").strip().lower() in SEARCH_FIELDS
    return (
        _hinted(a.get("action"), a.get("id"), a.get("class"), a.get("name"), b.get("id"), b.get("class"))
        or _worded(b.get("placeholder"), b.get("value"), b.get("title"), buttons, a.get("title"))
        or (named and len(_text_inputs(form)) == 1)
    )


def _action(form: LexborNode) -> str | None:
    action = (form.attributes.get("action") or "").strip()
    if not action or action.lower().startswith(("javascript:", "#")):
        return None
    return action


_COMMENT_BLOCK = re.compile(r"/\*.*?\*/", re.S)
_COMMENT_LINE = re.compile(r"^\s*//.*$|(?<![:\"'\\])//[^\n\"']*$", re.M)
_TEMPLATE = re.compile(
    r"""(?:window\.open|location\.(?:assign|replace))\s*\(\s*(?P<q1>["'])(?P<u1>[^"'\n]{1,300}?)(?P=q1)\s*\+"""
    r"""|(?:(?:window|document|top|self|parent)\.)?location(?:\.href)?\s*=\s*(?P<q2>["'])(?P<u2>[^"'\n]{1,300}?)(?P=q2)\s*\+""",
)
_ENCODED = re.compile(r"^\s*(?:encodeURIComponent|encodeURI)\s*\(")
MAX_SCRIPT_CHARS = 200_000


def _scripts(tree: LexborHTMLParser) -> Iterable[str]:
    """Inline scripts and click handlers, comments removed (a commented-out template is not the search)."""
    total = 0
    for node in tree.css("script"):
        if node.attributes.get("src"):
            continue
        text = node.text(deep=True) or ""
        total += len(text)
        if total > MAX_SCRIPT_CHARS:
            return
        yield _COMMENT_LINE.sub("", _COMMENT_BLOCK.sub("", text))
    for node in tree.css("[onclick]"):
        yield node.attributes.get("onclick") or ""


def script_template(tree: LexborHTMLParser, page_url: str) -> SearchBox | None:
    """The first search URL a script builds by appending the query: ``window.open('/search?q=' + …)``.

    A template with a ``#`` (a client-side route: the results come from a script) is ``script_only``."""
    for script in _scripts(tree):
        for match in _TEMPLATE.finditer(script):
            template = match.group("u1") or match.group("u2") or ""
            if not template.endswith("=") or not _hinted(template):
                continue
            rest = script[match.end() : match.end() + 80]
            statement = script[match.start() : match.end() + 60].strip()
            if "#" in template:
                return SearchBox(SCRIPT_ONLY, markup=statement)
            url = absolute(page_url, template)
            if url is None:
                continue
            return SearchBox(SCRIPT, url, "GET", markup=statement, utf8=bool(_ENCODED.match(rest)))
    return None


def _script_box_present(tree: LexborHTMLParser) -> bool:
    """A text box outside any usable form that says it is a search (id, class, placeholder …)."""
    for node in tree.css("input"):
        a = node.attributes
        if (a.get("type") or "").strip().lower() not in TEXT_TYPES:
            continue
        if _hinted(a.get("id"), a.get("class"), a.get("name")) or _worded(
            a.get("placeholder"), a.get("value")
        ):
            return True
    return False


def _opening_tag(node: LexborNode) -> str:
    html = node.html or ""
    return html[: html.find(">") + 1] if ">" in html else html[:200]


def find_search(tree: LexborHTMLParser, page_url: str) -> SearchBox:
    """The homepage's site search: the first search form with an action, else a script's URL template,
    else ``script_only`` when a search box is there but its URL is built out of sight, else ``none``."""
    boxed = False
    for form in tree.css("form"):
        box = _query_input(form)
        if box is None or not _is_search_form(form, box):
            continue
        boxed = True
        raw_action = _action(form)
        if raw_action is None:
            continue  # submitted by a script: its template is looked for below
        action = absolute(page_url, raw_action)
        if action is None:
            continue
        hidden = tuple(
            (n.attributes.get("name") or "", n.attributes.get("value") or "")
            for n in form.css("input[type=hidden]")
            if n.attributes.get("name")
        )
        method = "POST" if (form.attributes.get("method") or "").strip().lower() == "post" else "GET"
        charset = (form.attributes.get("accept-charset") or "").replace(",", " ").split()
        return SearchBox(
            FORM,
            action,
            method,
            (box.attributes.get("name") or "").strip(),
            hidden,
            charset[0].lower() if charset and charset[0].lower() != "unknown" else None,
            markup=_opening_tag(form),
        )
    scripted = script_template(tree, page_url)
    if scripted is not None:
        return scripted
    if boxed or _script_box_present(tree):
        return SearchBox(SCRIPT_ONLY)
    return SearchBox(NONE)


@dataclasses.dataclass(frozen=True, slots=True)
class SearchRequest:
    method: str
    url: str
    form: bytes | None = None


def search_request(box: SearchBox, query: str, page_encoding: str | None) -> SearchRequest:
    """What a browser sends for ``query``: a GET form replaces its action's query string with the fields
    (HTML's form submission), a POST form posts them; both encode in the form's charset, else the page's.
    A script template gets the query appended, UTF-8 when the script says encodeURIComponent."""
    encoding = box.charset or page_encoding or "utf-8"
    if box.kind == SCRIPT and box.url is not None:
        return SearchRequest("GET", box.url + quote(query, encoding="utf-8" if box.utf8 else encoding))
    if box.kind != FORM or box.url is None or box.field is None:
        raise ValueError(f"no request for a {box.kind} search")
    fields = urlencode((*box.hidden, (box.field, query)), encoding=encoding, errors="xmlcharrefreplace")
    if box.method == "POST":
        return SearchRequest("POST", box.url, fields.encode("ascii"))
    parts = urlsplit(box.url)
    return SearchRequest("GET", urlunsplit((parts.scheme, parts.netloc, parts.path, fields, "")))


_SPLIT = re.compile(r"[\s，,。.：:、；;！!？?“”\"'‘’《》〈〉<>()（）\[\]【】—\-·|/…~～]+")
_TAG = re.compile(r"^\s*[【\[(（][^】\])）]{1,8}[】\])）]")
MIN_TITLE_CHARS = 6
MIN_QUERY_CHARS = 4


def query_for(title: str, max_chars: int) -> str:
    """A distinctive part of a headline: its longest phrase (a tag such as 【图解】 and a truncation … cut
    off), at most ``max_chars`` characters; what a visitor would type to find it."""
    text = _TAG.sub("", clean_text(title))
    parts = [p for p in _SPLIT.split(text) if p]
    longest = max(parts, key=len, default="")
    if len(longest) < MIN_QUERY_CHARS:
        longest = "".join(text.split())
    return longest[:max_chars]


def site_domain(url: str) -> str:
    """The domain a site's own pages live under: its host without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def own_page(url: str, domain: str) -> bool:
    """Whether ``url`` is on the site (its domain or a subdomain): a row linking www.gov.cn's 要闻 is not in
    the site's own search index."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # a hostile row's http://[x/
        return False
    return bool(domain) and (host == domain or host.endswith("." + domain))


def pick_headlines(
    items: Sequence[ListItem], as_of: dt.date, min_age_days: int, max_age_days: int, count: int, site_url: str
) -> tuple[ListItem, ...]:
    """Up to ``count`` dated headlines of the homepage that link the site's own pages, newest first, aged
    ``min_age_days`` to ``max_age_days`` (a search index lags its pages), long enough to be distinctive, each
    query once."""
    domain = site_domain(site_url)
    eligible = [
        i
        for i in items
        if i.date is not None
        and min_age_days <= (as_of - i.date).days <= max_age_days
        and len(clean_text(i.title)) >= MIN_TITLE_CHARS
        and own_page(i.url, domain)
    ]
    eligible.sort(key=lambda i: i.date or as_of, reverse=True)
    chosen: dict[str, ListItem] = {}
    for item in eligible:
        chosen.setdefault(query_for(item.title, 1000), item)
        if len(chosen) >= count:
            break
    return tuple(chosen.values())


FOUND = "found"
NOT_FOUND = "not_found"
NO_RESULTS = "no_results"
ERROR_PAGE = "error_page"
UNREADABLE = "unreadable"


def _squeeze(text: str) -> str:
    return "".join(text.split())


MIN_SHOWN_CHARS = 8
"""A result's title cut short (株洲市召开2026年第四…) still names the headline when this much of it is left."""
_ELLIPSIS = ".…。 "


def _names_headline(shown: str, needle: str, title: str) -> bool:
    """A result's text names the headline: it holds the query, or it is a long enough piece of the title (a
    title cut short by the results list)."""
    if needle and needle in shown:
        return True
    cut = shown.rstrip(_ELLIPSIS)
    return len(cut) >= MIN_SHOWN_CHARS and cut in title


def judge_results(
    tree: LexborHTMLParser,
    text: str,
    page_url: str,
    query: str,
    headline: str,
    headline_url: str | None,
    no_result_patterns: Sequence[str],
    error_patterns: Sequence[str],
) -> tuple[str, str | None]:
    """(verdict, reason) for one results page: ``found`` when a result links the headline (its text holds the
    query or a long piece of the title, highlighting aside, or it points at the headline's page); else
    ``error_page`` (the page's words say it is an error), ``no_results`` (找到0条结果, 没有找到 …); else
    ``found`` when the page shows the whole title, or the query twice (an echo and a result outside a link);
    ``not_found`` when it shows the query once (the echo) and not the headline; else ``unreadable``: the page
    neither lists results nor echoes the query (results filled by a script), which govmon does not judge."""
    needle = _squeeze(query)
    title = _squeeze(headline).rstrip(_ELLIPSIS)
    target = headline_url.rstrip("/") if headline_url else None
    for anchor in tree.css("a"):
        if _names_headline(_squeeze(anchor.text(deep=True) or ""), needle, title):
            return FOUND, None
        href = (anchor.attributes.get("href") or "").strip()
        if target and href and (absolute(page_url, href) or "").rstrip("/") == target:
            return FOUND, None
    error = soft404_reason(text, tuple(error_patterns)) if text else None
    if error:
        return ERROR_PAGE, error
    visible = _squeeze(_visible(tree))
    for pattern in no_result_patterns:
        if _squeeze(pattern) in visible:
            return NO_RESULTS, pattern
    if (len(title) >= MIN_SHOWN_CHARS and title in visible) or (needle and visible.count(needle) >= 2):
        return FOUND, None
    echoed = needle in visible or any(
        needle in _squeeze(n.attributes.get("value") or "") for n in tree.css("input")
    )
    if echoed:
        return NOT_FOUND, None
    return UNREADABLE, "query_not_shown"


def _visible(tree: LexborHTMLParser) -> str:
    body = tree.body
    if body is None:
        return ""
    return " ".join(
        n.text_content or ""
        for n in body.traverse(include_text=True)
        if n.tag == "-text" and (n.parent is None or n.parent.tag not in ("script", "style", "noscript"))
    )
