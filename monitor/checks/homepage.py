"""Read a site's homepage for its content: the page every later website check starts from.

Unlike the availability probe this is a crawl: transient failures are retried, and a failure makes a
FAILED observation (govmon could not read the page), not an availability sample. Freshness, footer and
link checks read what this stores.

Payload: ``{"url", "final_url", "status", "encoding", "title", "site_id_code", "link_count"}``.
"""

from __future__ import annotations

from monitor.checks.base import CheckContext
from monitor.extract.html import parse, summarize
from monitor.model import Observation, Outcome, Site, Target
from monitor.settings import Settings

NAME = "homepage"


class HomepageCheck:
    name = NAME

    def applies_to(self, target: Target) -> bool:
        return isinstance(target, Site)

    def interval_s(self, target: Target, settings: Settings) -> float:
        return settings.crawl.homepage_interval_s

    async def run(self, target: Target, job_id: str, ctx: CheckContext) -> Observation:
        assert isinstance(target, Site)
        result = await ctx.fetcher.get(target.url, purpose="homepage")
        now = ctx.clock.now()
        payload = {
            "url": target.url,
            "final_url": result.final_url,
            "status": result.status,
            "encoding": result.encoding,
        }
        if not result.ok:
            reason = result.failure.value if result.failure else "http_error"
            return Observation(NAME, target.id, job_id, now, Outcome.FAILED, reason, payload)
        page = summarize(parse(result.text))
        payload |= {
            "title": page.title,
            "site_id_code": page.meta.get("SiteIDCode") or None,
            "link_count": page.anchor_count,
        }
        return Observation(NAME, target.id, job_id, now, Outcome.OK, None, payload)


CHECK = HomepageCheck()
