"""Settings: every knob, its default and where the default comes from.

The names fixed by CONTRACT.md (``availability``, ``inspection``, ``freshness``, ``media``,
``control_urls``, ``resolve``, ``platform_domains``, ``allow_private_networks``) keep their spelling;
the rest are ours. Unknown keys are errors (``extra="forbid"``), so a typo never silently falls back
to a default. Loading from files, with file/line in every message, lives in ``monitor.inventory``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AvailabilitySettings(_Strict):
    """站点无法访问 (国办秘函〔2019〕19号): ≥ 20 probes a day over a rolling 7 days, a probe fails at 15 s,
    veto at ≥ 5 % failures. 24 a day × 7 days = 168 expected samples; ``min_probes`` 140 = 20 × 7 is the
    indicator's floor, below which there is no verdict."""

    probes_per_day: int = Field(24, ge=1, le=86400 * 10)
    timeout_s: float = Field(15.0, gt=0)
    window_days: float = Field(7, gt=0)
    fail_ratio: float = Field(0.05, gt=0, le=1)
    min_probes: int = Field(140, ge=1)
    warn_ratio: float = Field(0.03, gt=0, le=1)
    max_loop_lag_s: float = Field(
        0.5, gt=0, description="a probe taken while the event loop lagged more than this is discarded"
    )
    control_cache_s: float = Field(
        30.0, ge=0, description="how long one round of control probes vouches for govmon's own network"
    )

    @model_validator(mode="after")
    def _warn_below_fail(self) -> AvailabilitySettings:
        if self.warn_ratio > self.fail_ratio:
            raise ValueError("warn_ratio must not exceed fail_ratio")
        return self


class InspectionSettings(_Strict):
    """Sampling windows the province publishes; both ends included. A quarter with none: the whole quarter."""

    windows: dict[str, tuple[dt.date, dt.date]] = Field(default_factory=dict)


class FreshnessOverride(_Strict):
    homepage_days: int | None = Field(None, ge=1)
    news_days: int | None = Field(None, ge=1)
    notice_days: int | None = Field(None, ge=1)
    planning_days: int | None = Field(None, ge=1)


class FreshnessOverrides(_Strict):
    regions: dict[str, FreshnessOverride] = Field(default_factory=dict)
    targets: dict[str, FreshnessOverride] = Field(default_factory=dict)


class FreshnessSettings(_Strict):
    """Update windows in calendar days (indicators.md: news 14, notice/policy 6 months = 183, planning 1 year)."""

    homepage_days: int = Field(14, ge=1)
    news_days: int = Field(14, ge=1)
    notice_days: int = Field(183, ge=1)
    planning_days: int = Field(365, ge=1)
    overrides: FreshnessOverrides = Field(default_factory=FreshnessOverrides)


class MediaSettings(_Strict):
    """New media (国办发〔2018〕123号): veto after 14 silent days, deduction after 7."""

    stale_days: int = Field(14, ge=1)
    week_days: int = Field(7, ge=1)


class RateSettings(_Strict):
    requests: int = Field(4, ge=1)
    period_s: float = Field(1.0, gt=0)


class FetchSettings(_Strict):
    """The HTTP client. Caps protect the worker from hostile pages; none of them is an inspection rule."""

    user_agent: str = "govmon/0.1 (+https://github.com/govmon/govmon; government website inspection monitor)"
    connect_timeout_s: float = Field(10.0, gt=0)
    read_timeout_s: float = Field(20.0, gt=0)
    total_timeout_s: float = Field(30.0, gt=0)
    max_redirects: int = Field(10, ge=0)
    max_body_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    max_decompressed_bytes: int = Field(20 * 1024 * 1024, ge=1024)
    concurrency: int = Field(64, ge=1)
    per_host_concurrency: int = Field(4, ge=1)
    per_host_rate: RateSettings = Field(default_factory=RateSettings)
    retries: int = Field(2, ge=0, description="crawl retries of transient failures; probes never retry")


class EngineSettings(_Strict):
    """The Redis queue: how many jobs a worker holds, when they are reclaimed and dead-lettered."""

    slots: int = Field(32, ge=1, description="jobs one worker runs at once")
    visibility_timeout_s: float = Field(
        300.0, gt=0, description="a job whose worker stopped beating this long ago is reclaimed by another"
    )
    max_deliveries: int = Field(5, ge=1, description="deliveries before a job goes to the dead-letter stream")
    backlog_factor: float = Field(3.0, gt=0, description="stream backlog bound, in multiples of free slots")
    job_timeout_s: float = Field(
        150.0, gt=0, description="above a crawl's worst case: (retries + 1) × total timeout"
    )
    shutdown_grace_s: float = Field(10.0, ge=0)
    lease_ttl_s: float = Field(5.0, gt=0, description="the scheduler lease; a standby takes over after it")
    tick_s: float = Field(0.5, gt=0, description="how often the scheduler moves due entries to the stream")
    evaluate_interval_s: float = Field(300.0, gt=0, description="rules re-run even when nothing is observed")
    evaluate_delay_s: float = Field(
        2.0,
        ge=0,
        description="after a new observation, rules run this much later, folding a burst into one run",
    )


class CrawlSettings(_Strict):
    """How often pages are read for content (freshness, links); availability has its own cadence."""

    homepage_interval_s: float = Field(6 * 3600.0, gt=0, description="homepage read for content")


class Settings(_Strict):
    """The whole configuration; a file holding only an inventory is complete, every setting defaulted."""

    redis_url: str | None = None
    data_dir: Path | None = None
    allow_private_networks: bool = False
    platform_domains: tuple[str, ...] = ()
    control_urls: tuple[str, ...] = ()
    resolve: dict[str, str] = Field(default_factory=dict)
    inventory: tuple[str, ...] = Field(default=(), description="further inventory files (YAML or CSV)")
    availability: AvailabilitySettings = Field(default_factory=AvailabilitySettings)
    inspection: InspectionSettings = Field(default_factory=InspectionSettings)
    freshness: FreshnessSettings = Field(default_factory=FreshnessSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)

    def effective_redis_url(self) -> str | None:
        """``GOVMON_REDIS_URL`` wins over the file; None means: use the embedded redis-server."""
        return os.environ.get("GOVMON_REDIS_URL") or self.redis_url

    def effective_data_dir(self) -> Path:
        env = os.environ.get("GOVMON_DATA_DIR")
        if env:
            return Path(env).expanduser()
        if self.data_dir:
            return self.data_dir.expanduser()
        return Path("~/.local/share/govmon").expanduser()

    def private_networks_allowed(self) -> bool:
        return self.allow_private_networks or os.environ.get("GOVMON_ALLOW_PRIVATE_NETWORKS") == "1"
