"""The breadth-first walk of one site: which pages are read next, within the cycle's budget.

Pure bookkeeping; the check does the fetching. A page is crawled when it is on the site's own host, is
a page (not a file), was linked from a page at depth < ``links.crawl_depth``, and the budget
(``links.crawl_pages`` pages beyond the homepage per cycle) is not spent. Document order within a depth:
the navigation and columns a homepage lists first are read first, as an inspector clicks through them.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from monitor.checks.links.urls import ASSET_TAGS, checkable, is_file, same_site
from monitor.extract.html import Link, host_matches

TEXT_CHARS = 100
"""A link's text is cut to this many characters in payloads and evidence."""


@dataclasses.dataclass(frozen=True, slots=True)
class FoundLink:
    """A link as first seen in this cycle: where (``page``), with what text, at which crawl depth."""

    url: str
    text: str
    tag: str
    page: str
    on_homepage: bool

    @property
    def is_file(self) -> bool:
        return is_file(self.url, self.tag)


def select_links(links: Iterable[Link], *, check_assets: bool, skip_hosts: Sequence[str] = ()) -> list[Link]:
    """The links of a page that are checked: not scripts/mail/phone/anchors; assets only when asked;
    none on ``skip_hosts`` (the 一体化平台: its links are judged by the service checks)."""
    return [link for link in links if is_selected(link, check_assets=check_assets, skip_hosts=skip_hosts)]


def is_selected(link: Link, *, check_assets: bool, skip_hosts: Sequence[str] = ()) -> bool:
    """``select_links`` for one link."""
    if not checkable(link.url) or (link.tag in ASSET_TAGS and not check_assets):
        return False
    return not (skip_hosts and host_matches(urlsplit(link.url).hostname or "", tuple(skip_hosts)))


class Frontier:
    """Pages still to read, by depth, with the budget left."""

    def __init__(self, site_url: str, *, pages: int, depth: int) -> None:
        self._site_url = site_url
        self._budget = pages
        self._max_depth = depth
        self._seen: set[str] = set()
        self._levels: dict[int, collections.deque[str]] = {}

    def visited(self, url: str) -> None:
        """A page already read (the homepage, its final URL) is never queued."""
        self._seen.add(url)

    def offer(self, link: FoundLink, depth: int) -> None:
        """``link`` was found on a page at ``depth - 1``; queue it when it is a same-site page."""
        if depth > self._max_depth or link.url in self._seen or link.tag != "a" or link.is_file:
            return
        if not same_site(link.url, self._site_url):
            return
        self._seen.add(link.url)
        self._levels.setdefault(depth, collections.deque()).append(link.url)

    def next_page(self) -> tuple[int, str] | None:
        """The first queued page of the shallowest depth and that depth (one page of the budget spent), or
        None when nothing is queued or the budget is spent. Pages found later at a shallower depth come
        before deeper ones still queued: breadth-first, without waiting for a depth to be done."""
        while self._levels and self._budget > 0:
            depth = min(self._levels)
            queued = self._levels[depth]
            if queued:
                self._budget -= 1
                url = queued.popleft()
                if not queued:
                    del self._levels[depth]
                return depth, url
            del self._levels[depth]
        return None
