"""The lists of illicit destinations (gambling, lottery, adult, private game servers …) that hidden links and
injected scripts lead to: loaded from the package's ``data/badlinks.txt`` and a province's own files.

Pure apart from reading the files it is given. A file's problems are reported with its path and line, so a
bad entry in a province's list is found without guessing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

KINDS = ("keyword", "host")
_TOKEN = re.compile(r"[a-z0-9]+")


class ListError(ValueError):
    """A list file that cannot be used; the message names the file and the line."""


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    category: str
    kind: str  # keyword | host
    value: str


@dataclasses.dataclass(frozen=True, slots=True)
class BadLists:
    """Keywords (CJK ones as substrings, ASCII ones as whole URL tokens) and hosts, each with its category."""

    keywords: tuple[tuple[str, str], ...]  # (keyword, category), CJK or mixed
    tokens: dict[str, str]  # ASCII keyword → category
    hosts: dict[str, str]  # host → category

    def match_host(self, host: str) -> Match | None:
        host = host.lower().rstrip(".")
        parts = host.split(".")
        for i in range(len(parts) - 1):
            category = self.hosts.get(".".join(parts[i:]))
            if category:
                return Match(category, "host", ".".join(parts[i:]))
        return None

    def match_text(self, text: str) -> Match | None:
        """A keyword in free text (a title, a link's text): CJK keywords as substrings, ASCII as tokens."""
        lowered = text.lower()
        for keyword, category in self.keywords:
            if keyword in lowered:
                return Match(category, "keyword", keyword)
        for token in _TOKEN.findall(lowered):
            token_category = self.tokens.get(token)
            if token_category:
                return Match(token_category, "keyword", token)
        return None

    def match_link(self, url: str, text: str = "") -> Match | None:
        """The first list entry a link's host, URL or text matches, or None."""
        host = urlsplit(url).hostname or ""
        return self.match_host(host) or self.match_text(unquote(url)) or self.match_text(text)


def parse_lines(lines: Iterable[str], source: str) -> list[tuple[str, str, str]]:
    """``(category, kind, value)`` of each entry; a malformed line raises ``ListError`` naming ``source:line``."""
    entries = []
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) != 3 or parts[1] not in KINDS:
            raise ListError(f"{source}:{number}: expected 'CATEGORY keyword|host VALUE', got {raw.strip()!r}")
        category, kind, value = parts
        entries.append((category, kind, value.strip().lower()))
    return entries


def build(entries: Iterable[tuple[str, str, str]]) -> BadLists:
    keywords: list[tuple[str, str]] = []
    tokens: dict[str, str] = {}
    hosts: dict[str, str] = {}
    for category, kind, value in entries:
        if kind == "host":
            hosts.setdefault(value.rstrip("."), category)
        elif value.isascii() and _TOKEN.fullmatch(value):
            tokens.setdefault(value, category)
        else:
            keywords.append((value, category))
    return BadLists(tuple(keywords), tokens, hosts)


def shipped_lines() -> list[str]:
    return resources.files("monitor.extract").joinpath("data/badlinks.txt").read_text("utf-8").splitlines()


def load(extra_files: Iterable[str | Path] = ()) -> BadLists:
    """The shipped list plus each of ``extra_files`` (same format)."""
    entries = parse_lines(shipped_lines(), "badlinks.txt")
    for path in extra_files:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ListError(f"{path}: cannot read: {exc}") from exc
        entries += parse_lines(text.splitlines(), str(path))
    return build(entries)


def host_excluded(host: str, excluded: Iterable[str]) -> bool:
    """``host`` is one of ``excluded`` (or under one): the site itself, government hosts, the platform."""
    host = host.lower().rstrip(".")
    for domain in excluded:
        domain = domain.lower().strip(".")
        if host == domain or host.endswith("." + domain):
            return True
    return False


GOVERNMENT_SUFFIXES = ("gov.cn", "政务", "xn--zfr164b")
"""Government hosts, never an illicit destination (a hacked .gov.cn page linking to another is a different
story, told by the other host's own checks)."""
