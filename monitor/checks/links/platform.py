"""The 一体化平台's links found anywhere on a site, judged the way the services check judges its 30 entries.

The services check follows only the 办事服务 entries of the homepage; a dead platform item linked from an
article deep in the site (the links 国办秘函〔2019〕19号 cares most about: 一体化平台链接不可用) would never be
opened. So the link walk keeps the platform links it finds and hands them here:

* each goes through the same ``LinkChecker`` (the platform host's own politeness slot in the fetcher, and
  the shared verdict cache: a platform item linked by a hundred county sites is opened once per
  ``links.cache_ttl_s``), judged by the ``links`` soft-404 phrases plus ``services.platform_error_patterns``;
* a failing link's platform root is opened once (cached too): when the root fails as well the platform was
  down, and the link is ``platform_down`` (the rule reports it unverified, not the site's fault).

Results use the services check's vocabulary (``monitor.observations.PlatformLink``): ``broken``,
``error_page`` (a soft 404 or a redirect to the platform's homepage), ``blocked`` (403/429), ``platform_down``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from monitor.checks.links.checker import Checked, LinkChecker
from monitor.checks.links.crawl import FoundLink
from monitor.checks.links.verdict import BROKEN, OK, UNVERIFIED, Verdict
from monitor.checks.services import error_patterns, root_of
from monitor.observations import PlatformLink
from monitor.settings import Settings

ERROR_PAGE_REASONS = frozenset({"soft404", "redirect_home"})


def result_of(verdict: Verdict) -> str:
    """A link verdict in the services check's words."""
    if verdict.state == OK:
        return "ok"
    if verdict.state == UNVERIFIED:
        return "blocked"
    return "error_page" if verdict.reason in ERROR_PAGE_REASONS else "broken"


def reason_of(verdict: Verdict) -> str | None:
    if verdict.reason == "soft404" and verdict.detail:
        return verdict.detail.removeprefix("the page says ").strip("'\"")
    return verdict.reason


async def judge_platform(
    links: Mapping[str, FoundLink],
    checker: LinkChecker,
    settings: Settings,
    *,
    into: dict[str, Checked],
    gate: asyncio.Semaphore,
) -> None:
    """Verdicts of platform ``links`` (and of the roots of the failing ones) into ``into``, as they come."""
    patterns = error_patterns(settings)
    urls = {url: link.is_file for url, link in links.items() if url not in into}
    await checker.check_many(urls, into=into, gate=gate, patterns=patterns)
    roots = {root_of(url): False for url in links if url in into and into[url].verdict.state == BROKEN}
    roots = {root: False for root in roots if root not in into}
    if roots:
        await checker.check_many(roots, into=into, gate=gate, patterns=patterns)


def platform_problems(links: Mapping[str, FoundLink], verdicts: Mapping[str, Checked]) -> list[PlatformLink]:
    """The platform links judged not ``ok``, with ``platform_down`` where the platform's root failed too.
    Links not judged in time are left out: the services check's entries report their own."""
    problems = []
    for url, link in links.items():
        checked = verdicts.get(url)
        if checked is None:
            continue
        result = result_of(checked.verdict)
        if result == "ok":
            continue
        root = verdicts.get(root_of(url))
        root_down = root is not None and root.verdict.state == BROKEN and root_of(url) != url
        if result in ("broken", "error_page") and root_down:
            result = "platform_down"
        problems.append(
            PlatformLink(url, link.text, result, checked.verdict.http_status, reason_of(checked.verdict))
        )
    return problems
