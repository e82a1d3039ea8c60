"""搜索功能 (国办秘函〔2019〕19号, deduction): ``site.search_broken`` from the newest ``search`` observation.

- A query for one of the site's own recent headlines found it: the search works, no finding.
- The search errs for the visitor (an error status, an error page, a redirect to the homepage): violation.
- Every headline asked for came back with no results, or with results that do not list it: violation.
- The search host timed out or refused once: ``unverified``; the same in the previous read as well: violation
  (a search that is down for a visitor day after day is broken; once may be our network).
- 403/429 to govmon, a results page filled by script (it shows neither results nor the query), a search box
  whose URL a script builds out of sight (``script_only``), no recent dated headline to ask for: ``unverified``.
- No search box on the homepage at all: ``unverified`` (reason ``no_search``). The indicator judges a search that
  errs or finds nothing; it does not say that a site without one is deducted, and govmon may have missed a box
  drawn in an unusual way, so it says it could not judge and never counts it.

One finding per site; evidence names the search's action, the query, the headline and what came back.
A homepage govmon could not read yields nothing.
"""

from __future__ import annotations

from typing import Any

from monitor.model import Finding, Observation, Outcome, Severity, Site, Status, Target
from monitor.observations import SEARCH as SEARCH_CHECK
from monitor.observations import SearchQuery, SearchRead
from monitor.rules.base import History, Rule, make_finding, newest_if_ok
from monitor.settings import Settings

CODE = "site.search_broken"
CONCLUSIVE_MISSES = ("not_found", "no_results")
ERRORS = ("error", "error_page")
UNSEEN = ("unreachable",)
UNJUDGED = ("blocked", "unreadable")
RESULT_TEXT = {
    "not_found": "搜索结果中没有该标题",
    "no_results": "搜索无结果",
    "error": "搜索出错",
    "error_page": "搜索返回错误页",
    "unreachable": "搜索无法打开",
    "blocked": "搜索拒绝自动访问（403/429），未能核实",
    "unreadable": "搜索结果由脚本加载，未能核实",
}


def lookback_s(settings: Settings) -> float:
    return 3 * settings.search.interval_s


def _evidence(
    target: Target, read: SearchRead, query: SearchQuery | None, reason: str | None
) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "url": target.url if isinstance(target, Site) else read.url,
        "search": read.action,
        "method": read.method,
        "field": read.field,
        "box": read.box,
        "reason": reason,
    }
    if query is not None:
        evidence |= {
            "query": query.query,
            "headline": query.headline,
            "headline_url": query.headline_url,
            "headline_date": query.headline_date,
            "request_url": query.request_url,
            "http_status": query.http_status,
            "result": query.result,
        }
        if query.snapshot:
            evidence["snapshot"] = query.snapshot  # the results page as govmon saw it
    if read.markup:
        evidence["markup"] = read.markup
    return evidence


def _previous(history: History, newest: Observation) -> SearchRead | None:
    """The OK read before ``newest`` (within the lookback), for a second sighting of an unreachable search."""
    older = [
        o
        for o in history.get(SEARCH_CHECK, ())
        if o.outcome is Outcome.OK and o.observed_at < newest.observed_at
    ]
    newest_older = max(older, key=lambda o: o.observed_at, default=None)
    return None if newest_older is None else SearchRead.from_observation(newest_older)


def _unreachable_again(previous: SearchRead | None) -> bool:
    if previous is None or not previous.queries:
        return False
    results = [q.result for q in previous.queries]
    return "found" not in results and any(r in UNSEEN for r in results)


def judge_search(target: Target, history: History, now: float, settings: Settings) -> list[Finding]:
    """At most one ``site.search_broken`` finding: what the newest read of the site search shows."""
    if not isinstance(target, Site):
        return []
    newest = newest_if_ok(history, SEARCH_CHECK, now)
    if newest is None:
        return []
    read = SearchRead.from_observation(newest)

    def finding(status: Status, message: str, query: SearchQuery | None, reason: str | None) -> Finding:
        return make_finding(
            target,
            CODE,
            Severity.DEDUCTION,
            status,
            message,
            now,
            evidence=_evidence(target, read, query, reason),
        )

    if read.box == "none":
        return [finding(Status.UNVERIFIED, "首页未发现站内搜索，未能核实搜索功能", None, "no_search")]
    if read.box == "script_only":
        return [finding(Status.UNVERIFIED, "站内搜索由脚本跳转，未能核实搜索功能", None, "search_in_script")]
    if read.box is None:
        return []
    queries = read.queries
    if not queries:
        return [
            finding(Status.UNVERIFIED, "首页没有可供检索的近期标题，未能核实搜索功能", None, "no_headline")
        ]
    if any(q.result == "found" for q in queries):
        return []
    failed = next((q for q in queries if q.result in ERRORS), None)
    if failed is not None:
        detail = f"（{failed.reason}）" if failed.reason else ""
        return [
            finding(
                Status.VIOLATION,
                f"站内搜索“{failed.query}”{RESULT_TEXT[failed.result]}{detail}",
                failed,
                failed.reason,
            )
        ]
    unseen = next((q for q in queries if q.result in UNSEEN), None)
    if unseen is not None:
        if _unreachable_again(_previous(history, newest)):
            message = f"站内搜索连续两次无法打开（{unseen.reason}）"
            return [finding(Status.VIOLATION, message, unseen, unseen.reason)]
        message = f"站内搜索本次无法打开（{unseen.reason}），未能核实"
        return [finding(Status.UNVERIFIED, message, unseen, unseen.reason)]
    unjudged = next((q for q in queries if q.result in UNJUDGED), None)
    if unjudged is not None:
        return [
            finding(Status.UNVERIFIED, f"站内搜索{RESULT_TEXT[unjudged.result]}", unjudged, unjudged.reason)
        ]
    first = queries[0]
    message = f"检索本站近期标题“{first.query}”{RESULT_TEXT[first.result]}"
    if len(queries) > 1:
        message += f"（共检索 {len(queries)} 个标题，均未找到）"
    return [finding(Status.VIOLATION, message, first, first.reason or first.result)]


RULE = Rule("search", {CODE: Severity.DEDUCTION}, (SEARCH_CHECK,), lookback_s, judge_search)
