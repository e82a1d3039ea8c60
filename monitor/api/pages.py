"""The owners' status pages (issue 9, item 5): ``/`` (regions and their targets with open findings, laid out
like the 通报's table) and ``/targets/ID`` (one target's deduction score with the deductions that made it,
its findings with evidence, due dates, history, and when each check last ran on it).

Read-only HTML rendered by Jinja2 with autoescaping on for every template: evidence comes from hostile pages,
so every value is escaped and only http(s) URLs ever become links. No script, no external asset: the CSS
is inline and the Content-Security-Policy forbids everything else, so a page that slipped an element
through escaping still could not run or load anything. The token (when set) is checked before these
views run, by the API's auth middleware.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

import jinja2
import structlog
from aiohttp import web

from monitor.api import status, words
from monitor.api.targets import shown_score
from monitor.clock import to_datetime
from monitor.coverage import judged_state, not_judged_because
from monitor.model import Target
from monitor.runtime import Runtime
from monitor.score import EXTRA_KEYS, score_findings

log = structlog.get_logger(__name__)

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
MAX_LISTED_FINDINGS = 3
"""Findings named per target on the overview; the rest are counted, and the target's page has them all."""
MAX_EVIDENCE_ROWS = 50
"""Rows of one evidence list shown (a site with 300 broken links stays readable; the API has them all)."""


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("monitor.api", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters |= {
        "moment": words.moment,
        "web_url": words.web_url,
        "path": lambda value: quote(str(value), safe=""),
    }
    env.globals |= {
        "w": words,
        "finding_class": words.finding_class,
        "days_left": words.days_left,
        "indicator": words.indicator,
        "MAX_LISTED_FINDINGS": MAX_LISTED_FINDINGS,
        "MAX_EVIDENCE_ROWS": MAX_EVIDENCE_ROWS,
        "score_words": EXTRA_KEYS,
    }
    return env


def render(template: str, status_code: int = 200, **context: object) -> web.Response:
    body = environment().get_template(template).render(**context)
    response = web.Response(
        text=body, status=status_code, content_type="text/html", charset="utf-8", headers=HEADERS
    )
    response.enable_compression()  # when the browser accepts it: a province's overview is ~1 MB of HTML
    return response


class StatusPages:
    """The two pages and the 404 page, bound to one runtime; ``add_to`` registers the routes."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_get("/", self.overview)
        router.add_get("/targets/{target_id}", self.target)

    def _now_s(self) -> float:
        return self._runtime.clock.now()

    async def overview(self, request: web.Request) -> web.Response:
        only_region = request.query.get("region") or None
        regions = status.region_order(self._runtime.targets.values(), self._runtime.settings.regions)
        if only_region is not None and only_region not in regions:
            return self.not_found(f"没有名为“{only_region}”的地区。", regions)
        overview = await status.load_overview(self._runtime, only_region)
        now_s = self._now_s()
        return render(
            "overview.html",
            overview=overview,
            regions=regions,
            only_region=only_region,
            now=to_datetime(now_s),
            now_s=now_s,
        )

    async def target(self, request: web.Request) -> web.Response:
        target_id = request.match_info["target_id"]
        target: Target | None = self._runtime.targets.get(target_id)
        if target is None:
            regions = status.region_order(self._runtime.targets.values(), self._runtime.settings.regions)
            return self.not_found(f"监测清单中没有标识为“{target_id}”的网站或政务新媒体。", regions)
        open_findings, closed = await status.load_target(self._runtime, target)
        runs = await status.load_check_runs(self._runtime, target)
        now_s = self._now_s()
        return render(
            "target.html",
            target=target,
            kind=target.kind,
            open_findings=open_findings,
            closed=closed,
            runs=runs,
            summary=status.TargetStatus(target, open_findings),
            score=shown_score(
                score_findings(open_findings, self._runtime.settings.scoring),
                judged_state({run.check: not_judged_because(run.observation) for run in runs}),
            ),
            pass_line=self._runtime.settings.scoring.pass_line,
            now=to_datetime(now_s),
            now_s=now_s,
        )

    def not_found(self, message: str, regions: list[str]) -> web.Response:
        return render("not_found.html", 404, message=message, regions=regions, now=to_datetime(self._now_s()))
