"""What every check is and what it is given: the ``Check`` record and the ``CheckContext``.

A check is blackbox_exporter's prober in Python: one small module per kind, one async function from a
target and a context to an ``Observation``, listed as a ``Check`` record in ``monitor.checks.CHECKS``. It
fetches and extracts; it never judges (rules do) and never notifies. A target's trouble becomes a failed
observation, never an exception.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import structlog

from monitor.checks.state import MemoryState, State
from monitor.clock import Clock
from monitor.model import Account, FetchResult, Observation, Site, Target
from monitor.settings import Settings

if TYPE_CHECKING:
    from monitor.checks.controls import ControlProbe
    from monitor.checks.homepage_reads import HomepageReads
    from monitor.checks.links.checker import LinkChecker
    from monitor.engine.loopwatch import LoopWatch
    from monitor.fetch import Fetcher
    from monitor.metrics import Metrics


T = TypeVar("T", Site, Account)


class Evidence(Protocol):
    """Where a check keeps page snapshots a finding points at (``monitor.engine.evidence.EvidenceStore`` in
    workers); the check masks what it passes."""

    async def put(
        self, masked_text: str, *, url: str, status: int | None, observed_at: float, content_type: str = ...
    ) -> str:
        """Store the page; its digest (``evidence.snapshot``)."""
        ...

    async def touch(self, digest: str, seen_at: float) -> bool:
        """A stored snapshot seen again (the same page): kept longer; False when it is gone."""
        ...


@dataclasses.dataclass(frozen=True, slots=True)
class CheckContext:
    """Everything a check may use; built once per worker process by the composition root
    (``monitor.runtime.check_context``)."""

    fetcher: Fetcher
    settings: Settings
    clock: Clock
    metrics: Metrics
    loop_watch: LoopWatch
    controls: ControlProbe
    log: structlog.typing.FilteringBoundLogger
    state: State = dataclasses.field(default_factory=MemoryState)
    """What checks keep between runs (media validators, link verdicts): shared through Redis in workers,
    in this process where the context is built without it."""
    links: LinkChecker | None = None
    """The process's link checker (one in-flight table and verdict cache per worker); None: the links check
    builds one for its run."""
    evidence: Evidence | None = None
    """Where page snapshots go (None: none are kept, the findings carry no snapshot)."""
    homepages: HomepageReads | None = None
    """The process's shared homepage reads (None: each check reads the homepage itself)."""

    async def homepage(self, site: Site) -> FetchResult:
        """The site's homepage for a check that starts from it: one read shared by the checks that ask within
        ``crawl.homepage_reuse_s`` (``monitor.checks.homepage_reads``). A failed read is returned like any
        fetch result: the check makes its failed observation from it."""
        if self.homepages is None:
            return await self.fetcher.get(site.url, purpose="homepage")
        return await self.homepages.read(site)


@dataclasses.dataclass(frozen=True, slots=True)
class Check(Generic[T]):
    """One kind of check, as blackbox_exporter keeps a prober: a name, the targets it observes, how often,
    and the function that observes one. ``name`` is its key in ``CHECKS`` and in job ids; ``run`` must not
    raise for the target's trouble (a failed observation says it)."""

    name: str
    target_kind: type[T]
    interval: Callable[[Settings], float]
    """Seconds between two runs on one target (the scheduler's interval)."""
    run: Callable[[T, str, CheckContext], Awaitable[Observation]]
    """(target, job id, context) → the observation."""
    reads_homepage: bool = False
    """It starts from the site's homepage (``ctx.homepage``): the schedule makes such checks of one site
    fall due together, so one read serves them."""

    enabled: Callable[[Target, Settings], bool] | None = None
    """Whether it runs on a target under the settings (None: wherever ``target_kind`` fits). A check a
    province must switch on (IPv6 支持) is neither scheduled nor run nor expected where it is off."""

    def applies_to(self, target: Target, settings: Settings | None = None) -> bool:
        """It runs on ``target`` (``settings``: the configuration in force; None: the defaults)."""
        if not isinstance(target, self.target_kind):
            return False
        return self.enabled is None or self.enabled(target, settings or _defaults())

    def interval_s(self, target: Target, settings: Settings) -> float:
        """The interval on ``target`` (the same for every target of its kind today)."""
        return self.interval(settings)


@functools.cache
def _defaults() -> Settings:
    return Settings()


JOB_SHARE = 0.8
"""The share of ``engine.job_timeout_s`` a crawling check may spend: a job past the timeout is killed and
observes nothing, so a crawl must stop early enough to record what it read."""


def crawl_budget_s(settings: Settings, own_budget_s: float | None = None) -> float:
    """Seconds a crawling check (columns, links, services, interaction) may spend on one site: its own
    budget, never more than ``JOB_SHARE`` of the job timeout."""
    share_s = JOB_SHARE * settings.engine.job_timeout_s
    return share_s if own_budget_s is None else min(own_budget_s, share_s)
