"""One inventory row (a site or an account written in YAML) checked and turned into its record.

A row is loaded exactly as written or not at all: every problem in it is reported (not only the first),
and a row with any problem is skipped, so a typo never turns into a silently different target. The
checks for values that also appear in settings and CSV (URLs, host names, apprise URLs) live here too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from monitor.inventory.yamlnodes import Node
from monitor.model import CATEGORIES, PLATFORMS, SITE_TYPES, Account, Column, ListSource, Site

SITE_KEYS = ("id", "name", "url", "region", "org", "type", "owners", "columns")
ACCOUNT_KEYS = (
    "id", "name", "platform", "region", "org", "feed", "list", "registered_at", "interaction", "owners",
)  # fmt: skip
COLUMN_KEYS = ("name", "url", "category")
LIST_KEYS = ("url", "item", "date")

MISSING_HINTS = {
    "id": "the 网站标识码, or any unique string",
    "name": "as the report should name it",
    "url": "the homepage, e.g. https://www.hunan.gov.cn/",
    "region": "the 市州 or 部门 it is reported under",
    "platform": "one of " + ", ".join(PLATFORMS),
    "category": "one of " + ", ".join(CATEGORIES),
    "item": "a CSS selector for one entry of the list",
    "date": "a CSS selector for the date within an entry",
}
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)\Z", re.IGNORECASE)
_APPRISE = re.compile(r"[a-z][a-z0-9+.-]*://\S+\Z", re.IGNORECASE)
_CSS = LexborHTMLParser("<p></p>")


class Issue(NamedTuple):
    """A problem before it is tied to a file: ``monitor.inventory.Problem`` adds the file."""

    line: int | None
    field: str
    message: str
    fatal: bool = False
    warning: bool = False


# ---------------------------------------------------------------------------------------------- values
def is_host(value: str) -> bool:
    """A bare DNS host name (IDN allowed): no scheme, port, path or trailing dot."""
    if not value or len(value) > 253:
        return False
    try:
        ascii_name = value.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(_LABEL.match(label) for label in ascii_name.split("."))


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def url_problem(value: str) -> str | None:
    """None for an http(s) URL with a host; else what is wrong and how to write it."""
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced "[" (IPv6 brackets)
        parts = urlsplit("")
    host = parts.hostname or ""
    if parts.scheme in ("http", "https") and (is_host(host) or is_ip(host)) and not re.search(r"\s", value):
        return None
    hint = ""
    if "://" not in value and is_host(value.split("/", 1)[0]):
        hint = f" (write it as https://{value}{'' if '/' in value else '/'})"
    return f"not an http(s) URL: {value!r}{hint}"


def owner_problem(value: str) -> str | None:
    """None for an apprise URL that apprise's own parser accepts (after ``${VAR}`` expansion from the
    environment), else what to fix (``monitor.notify.urls``)."""
    from monitor.notify.urls import url_problem

    if not _APPRISE.match(value) and re.fullmatch(r"[^@\s:/]+@[^@\s:/]+", value):
        return f"not an apprise URL: {value!r} (write it as mailto://{value})"
    return url_problem(value)


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def show(value: object) -> str:
    """A value as a message quotes it: strings quoted, YAML's spelling for the rest."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(item) for item in value) + "]"
    return repr(value)


def _kind(node: Node) -> str:
    return "a mapping" if node.is_mapping else "a list" if node.is_sequence else show(node.value)


# ---------------------------------------------------------------------------------------------- rows
class _Row:
    """Reads the keys of one mapping, collecting an Issue for everything wrong with it."""

    def __init__(self, node: Node, where: str, keys: tuple[str, ...], issues: list[Issue]) -> None:
        self.node = node
        self.where = where
        self.issues = issues
        self.entries: dict[str, Node] = {}
        if not node.is_mapping:
            self.fail(node.line, "", f"must be a mapping of {', '.join(keys)}, got {_kind(node)}")
            return
        for key, child in node.value.items():
            if key in keys:
                self.entries[key] = child
            else:
                self.fail(child.line, str(key), f"unknown key{did_you_mean(key, keys)}")
        for key, line, first in node.duplicates:
            self.fail(line, str(key), f"given twice (first at line {first})")

    def fail(self, line: int | None, key: str, message: str) -> None:
        field = f"{self.where}.{key}" if key else self.where
        self.issues.append(Issue(line, field, message))

    def given(self, key: str) -> Node | None:
        child = self.entries.get(key)
        return None if child is None or child.value is None else child

    def text(self, key: str, *, required: bool = False) -> str | None:
        child = self.given(key)
        if child is None:
            if required and self.node.is_mapping:
                self.fail(self.node.line, key, f"missing ({MISSING_HINTS[key]})")
            return None
        if not child.is_scalar or not isinstance(child.value, str | int | float | bool | dt.date):
            self.fail(child.line, key, f"must be text, got {_kind(child)}")
            return None
        text = (child.text or "").strip()
        if not text:
            self.fail(child.line, key, "is empty")
            return None
        return text

    def url(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        problem = None if value is None else url_problem(value)
        if problem:
            self.fail(self.entries[key].line, key, problem)
            return None
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(key, required=True)
        if value is None or value in choices:
            return value
        self.fail(
            self.entries[key].line,
            key,
            f"unknown {key} {value!r}{did_you_mean(value, choices)} (one of {', '.join(choices)})",
        )
        return None

    def selector(self, key: str) -> str | None:
        value = self.text(key, required=True)
        if value is None:
            return None
        try:
            _CSS.css(value)
        except Exception:  # selectolax raises its own error class for any unreadable selector
            self.fail(self.entries[key].line, key, f"not a CSS selector: {value!r}")
            return None
        return value

    def owners(self) -> tuple[str, ...]:
        child = self.given("owners")
        if child is None:
            return ()
        if not child.is_sequence:
            self.fail(child.line, "owners", f"must be a list of apprise URLs, got {_kind(child)}")
            return ()
        owners = []
        for index, item in enumerate(child.value):
            value = item.value if isinstance(item.value, str) else None
            problem = owner_problem(value) if value else f"must be an apprise URL, got {_kind(item)}"
            if problem:
                self.fail(item.line, f"owners[{index}]", problem)
            elif value:
                owners.append(value)
        return tuple(owners)


def site_from_node(node: Node, where: str) -> tuple[Site | None, list[Issue]]:
    """The site a YAML row describes, or None and every problem in the row."""
    issues: list[Issue] = []
    row = _Row(node, where, SITE_KEYS, issues)
    site_id, name = row.text("id", required=True), row.text("name", required=True)
    url, region = row.url("url", required=True), row.text("region", required=True)
    org, owners = row.text("org"), row.owners()
    site_type = row.text("type")
    if site_type is not None and site_type not in SITE_TYPES:
        row.fail(
            row.entries["type"].line, "type", f"must be one of {', '.join(SITE_TYPES)}, got {site_type!r}"
        )
    columns = _columns(row)
    if issues or not (site_id and name and url and region):
        return None, issues
    site = Site(site_id, name, url, region, org=org, owners=owners, columns=columns, type=site_type)
    return site, issues


def _columns(row: _Row) -> tuple[Column, ...]:
    child = row.given("columns")
    if child is None:
        return ()
    if not child.is_sequence:
        row.fail(child.line, "columns", f"must be a list of {{name, url, category}}, got {_kind(child)}")
        return ()
    columns = []
    for index, item in enumerate(child.value):
        column = _Row(item, f"{row.where}.columns[{index}]", COLUMN_KEYS, row.issues)
        name, url = column.text("name", required=True), column.url("url", required=True)
        category = column.choice("category", CATEGORIES)
        if name and url and category:
            columns.append(Column(name, url, category))
    return tuple(columns)


def account_from_node(node: Node, where: str) -> tuple[Account | None, list[Issue]]:
    """The account a YAML row describes, or None and every problem in the row."""
    issues: list[Issue] = []
    row = _Row(node, where, ACCOUNT_KEYS, issues)
    account_id, name = row.text("id", required=True), row.text("name", required=True)
    platform, region = row.choice("platform", PLATFORMS), row.text("region", required=True)
    has_feed, has_list = row.given("feed") is not None, row.given("list") is not None
    if node.is_mapping and has_feed == has_list:
        row.fail(
            node.line,
            "",
            "has both feed and list; keep exactly one"
            if has_feed
            else "has neither feed nor list; give exactly one (feed: an RSS/Atom/JSON Feed URL, "
            "list: {url, item, date})",
        )
    feed = row.url("feed")
    source = _list_source(row)
    registered_at, interaction = _registered_at(row), _interaction(row)
    owners, org = row.owners(), row.text("org")
    if issues or not (account_id and name and platform and region):
        return None, issues
    account = Account(
        account_id,
        name,
        platform,
        region,
        feed=feed,
        list=source,
        registered_at=registered_at,
        interaction=interaction,
        owners=owners,
        org=org,
    )
    return account, issues


def _list_source(row: _Row) -> ListSource | None:
    child = row.given("list")
    if child is None:
        return None
    source = _Row(child, f"{row.where}.list", LIST_KEYS, row.issues)
    if not child.is_mapping:
        return None
    url, item, date = source.url("url", required=True), source.selector("item"), source.selector("date")
    return ListSource(url, item, date) if url and item and date else None


def _registered_at(row: _Row) -> dt.date | None:
    child = row.given("registered_at")
    if child is None:
        return None
    value = child.value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    got = repr(child.text) if child.is_scalar else _kind(child)
    row.fail(child.line, "registered_at", f"not an ISO date (YYYY-MM-DD): {got}")
    return None


def _interaction(row: _Row) -> bool | None:
    child = row.given("interaction")
    if child is None:
        return None
    if isinstance(child.value, bool):
        return child.value
    row.fail(child.line, "interaction", f"must be true or false, got {_kind(child)}")
    return None
