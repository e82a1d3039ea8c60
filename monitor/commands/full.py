"""``govmon check --full``: whole sites walked in one run, within a time limit the user sets.

The daemon covers a big site over several link cycles (``links.crawl_pages`` pages and ``links.budget_s`` a
cycle, verdicts cached across cycles): polite, and right for a watch that never ends. A user who wants the
whole picture of a site at once asks for ``--full``: the crawl's page, depth and link caps are lifted and the
cycle's budget becomes ``--time-limit``; the fetcher's per-host politeness (``fetch.per_host_*``) is kept,
so a whole site takes as long as its size and that politeness say, up to the limit.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from typing import TextIO

from monitor.settings import Settings

DEFAULT_TIME_LIMIT_S = 600.0
UNBOUNDED_PAGES = 1_000_000
UNBOUNDED_DEPTH = 1_000
UNBOUNDED_LINKS = 10_000_000
JOB_SHARE = 0.8
"""``monitor.checks.base.JOB_SHARE``: a crawling check gets this share of the job timeout."""


def full_settings(settings: Settings, time_limit_s: float) -> Settings:
    """``settings`` with the link walk unbounded but for ``time_limit_s`` (the job timeout raised to fit)."""
    links = settings.links.model_copy(
        update={
            "crawl_pages": UNBOUNDED_PAGES,
            "crawl_depth": UNBOUNDED_DEPTH,
            "max_links_per_site": UNBOUNDED_LINKS,
            "budget_s": time_limit_s,
        }
    )
    job_timeout_s = max(settings.engine.job_timeout_s, time_limit_s / JOB_SHARE)
    engine = settings.engine.model_copy(update={"job_timeout_s": job_timeout_s})
    return settings.model_copy(update={"links": links, "engine": engine})


class Progress:
    """One line on a terminal's stderr, rewritten every ``every_s``: checks done, links fetched, time spent.
    Silent when stderr is not a terminal (a pipe or a log file gets no carriage-return noise)."""

    def __init__(self, total_checks: int, time_limit_s: float, *, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.enabled = self.out.isatty()
        self.total = total_checks
        self.done = 0
        self.time_limit_s = time_limit_s
        self.started = time.monotonic()

    def line(self, fetches: int) -> str:
        elapsed_s = time.monotonic() - self.started
        return (
            f"govmon check --full: {self.done}/{self.total} checks done, {fetches:,} links fetched, "
            f"{elapsed_s:.0f} s of {self.time_limit_s:.0f} s"
        )

    async def show(self, fetches: Callable[[], int], every_s: float = 1.0) -> None:
        """Until cancelled: the line, rewritten in place; a final newline when cancelled."""
        if not self.enabled:
            return
        try:
            while True:
                print("\r" + self.line(fetches()), end="", file=self.out, flush=True)
                await asyncio.sleep(every_s)
        finally:
            print("\r" + self.line(fetches()), file=self.out, flush=True)
