"""Try the site search as a visitor would (搜索功能, 国办秘函〔2019〕19号), once a day.

homepage → its search box (``monitor.extract.search.find_search``: a form, GET or POST, on the site or a search
host; or a script's URL template) → up to ``search.headlines`` recent homepage headlines, each asked for by a
distinctive part of its title → each results page judged (``judge_results``). The first headline found ends the
run: the search works. The rule (``monitor.rules.search``) decides what the queries mean.

The query is encoded as a browser would: a form in its ``accept-charset`` or the page's charset (a GBK site's
search expects GBK), a script template in UTF-8 when it calls encodeURIComponent.

Payload: ``monitor.observations.SearchRead``. The homepage not opening makes a FAILED observation: nothing is
judged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from monitor.checks.base import Check, CheckContext
from monitor.checks.services import BOT_STATUSES, Budget, redirected_home
from monitor.clock import to_datetime
from monitor.extract.html import parse_fetched
from monitor.extract.listing import homepage_items
from monitor.extract.privacy import mask_text
from monitor.extract.search import (
    FORM,
    SCRIPT,
    SearchBox,
    find_search,
    judge_results,
    pick_headlines,
    query_for,
    search_request,
)
from monitor.model import FailureReason, FetchResult, Observation, Outcome, Site
from monitor.observations import SEARCH as NAME
from monitor.observations import SearchQuery, SearchRead
from monitor.settings import Settings

PURPOSE = "search"
ASKS = 2
"""A query answered with a 5xx or not at all is asked once more before the answer stands (the fetcher itself
retries only timeouts and dropped connections): one flaky moment is not a broken search."""
VISITOR_ERRORS = (FailureReason.HTTP_ERROR, FailureReason.REDIRECT_LOOP, FailureReason.TOO_MANY_REDIRECTS)
"""What a visitor sees as the search erring (a status ≥ 400, a redirect loop): broken at once. Other failures
(a timeout, a refused connection) count only when seen twice running (``monitor.rules.search``)."""
RESULTS_BODY_BYTES = 1024 * 1024


def interval_s(settings: Settings) -> float:
    return settings.search.interval_s


def judged(
    result: FetchResult, query: str, headline: str, headline_url: str | None, settings: Settings
) -> tuple[str, str | None]:
    """(result, reason) of one results page, in ``SearchQuery.result``'s words."""
    if result.status in BOT_STATUSES:
        return "blocked", f"http_{result.status}"
    if result.failure in VISITOR_ERRORS or (result.failure is None and not result.ok):
        by_status = result.failure in (None, FailureReason.HTTP_ERROR) and result.status is not None
        return "error", f"http_{result.status}" if by_status else result.reason
    if result.failure is not None:
        return "unreachable", result.reason  # timeout, refused, DNS, our own body cap: not seen as a visitor
    if redirected_home(result) and urlsplit(result.final_url).netloc == urlsplit(result.url).netloc:
        return "error_page", "redirect_home"
    tree = parse_fetched(result)
    return judge_results(
        tree,
        result.text,
        result.final_url,
        query,
        headline,
        headline_url,
        settings.search.all_no_result_patterns(),
        settings.links.all_soft404_patterns(),
    )


def momentary_trouble(result: FetchResult) -> bool:
    """A server error (5xx) or a lost connection may be a moment's trouble: the query is asked once more."""
    return (result.status is not None and result.status >= 500) or (
        result.status is None and result.failure is not None
    )


async def ask(
    box: SearchBox, item_title: str, item_url: str | None, item_date: str | None, encoding: str | None,
    ctx: CheckContext, budget: Budget,
) -> SearchQuery | None:  # fmt: skip
    """One headline asked for (twice when the first answer is a 5xx or no answer); None: no time left."""
    query = query_for(item_title, ctx.settings.search.query_max_chars)
    request = search_request(box, query, encoding)
    result: FetchResult | None = None
    for _attempt in range(ASKS):
        timeout_s = budget.timeout_s()
        if timeout_s is None:
            break
        result = await ctx.fetcher.get(
            request.url,
            purpose=PURPOSE,
            method=request.method,
            form=request.form,
            timeout_s=timeout_s,
            max_body_bytes=RESULTS_BODY_BYTES,
        )
        if not momentary_trouble(result):
            break
    if result is None:
        return None
    verdict, reason = judged(result, query, item_title, item_url, ctx.settings)
    snapshot = await keep(result, ctx) if verdict in KEPT else None
    return SearchQuery(
        item_title, item_url, item_date, query, request.method, request.url, verdict, result.status, reason,
        result.final_url, snapshot,
    )  # fmt: skip


KEPT = ("not_found", "no_results", "error_page", "error")
"""Answers whose page is kept as evidence: what the owner is shown beside a 搜索功能 finding."""


async def keep(result: FetchResult, ctx: CheckContext) -> str | None:
    """The results page, masked, in the evidence store; its digest (None: no store, or no page)."""
    if ctx.evidence is None or not result.text:
        return None
    return await ctx.evidence.put(
        mask_text(result.text),
        url=result.final_url,
        status=result.status,
        observed_at=ctx.clock.now(),
        content_type=result.content_type or "text/html",
    )


async def try_search(target: Site, job_id: str, ctx: CheckContext) -> Observation:
    """Find the homepage's search and ask it for the site's own recent headlines."""
    cfg = ctx.settings.search
    budget = Budget(ctx.settings)
    home = await ctx.homepage(target)
    observed = SearchRead(target.url, home.final_url, home.status)
    if not home.ok:
        return Observation(
            NAME, target.id, job_id, ctx.clock.now(), Outcome.FAILED, home.reason, observed.to_payload()
        )
    tree = parse_fetched(home)
    box = find_search(tree, home.final_url)
    queries: list[SearchQuery] = []
    if box.kind in (FORM, SCRIPT):
        as_of = to_datetime(ctx.clock.now()).date()
        items = homepage_items(tree, home.final_url, as_of)
        ages = (cfg.min_headline_age_days, cfg.max_headline_age_days)
        chosen = pick_headlines(items, as_of, *ages, cfg.headlines, home.final_url)
        for item in chosen:
            date = item.date.isoformat() if item.date else None
            asked = await ask(box, item.title, item.url, date, home.encoding, ctx, budget)
            if asked is None:
                break
            queries.append(asked)
            if asked.result == "found":
                break
    observed = SearchRead(
        target.url, home.final_url, home.status, box.kind, box.url, box.method if box.url else None, box.field,
        box.markup[:300], tuple(queries),
    )  # fmt: skip
    return Observation(NAME, target.id, job_id, ctx.clock.now(), Outcome.OK, None, observed.to_payload())


CHECK = Check(NAME, Site, interval_s, try_search, reads_homepage=True)
