"""Compliance metrics: which sites in which region are about to be 通报'd, read from Redis at scrape time.

Served only by processes running the API role (like the queue gauges in ``monitor.api``), so one scrape
gives the whole fleet's state whichever worker observed it, and summing over instances never counts twice.
``refresh`` (awaited by the ``/metrics`` view) builds a ``Snapshot``; ``ComplianceCollector.collect`` yields
it as metric families, so a series disappears the moment its finding closes (no gauge to clear).

Cardinality stays bounded: per site a handful of series (homepage age, worst column per category,
availability, broken links), per open finding one series, per account only when it has something to say
(an open silence finding). Labels hold ids, regions and codes, never URLs or messages.

What each scrape costs (measured in ``bench/compliance_scrape.py``, docs/deploy.md): findings are read
whole; availability samples incrementally (only those stored since the previous scrape); a site's columns
payload at most every ``reread_s`` (ages are in days, a few minutes' lag is invisible).
"""

from __future__ import annotations

import asyncio
import bisect
import dataclasses
import datetime as dt
import time
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import structlog
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from monitor.api import payloads
from monitor.checks.availability import NAME as PROBE_CHECK
from monitor.checks.columns import NAME as COLUMNS_CHECK
from monitor.deadlines import day_of, start_of, upcoming_windows
from monitor.engine import samples as packed_samples
from monitor.model import Account, Finding, Outcome, Severity, Site, State, Status, Target
from monitor.runtime import Runtime

log = structlog.get_logger(__name__)

DAY_S = 86400.0
OPEN_STATES = (None, State.OPEN, State.ACKNOWLEDGED)
MEDIA_SILENCE_CODES = ("media.stale", "media.stale_week", "media.never_published")
BROKEN_LINK_CODES = ("links.broken", "links.broken_homepage")
PIPELINE_BATCH = 1000
TAIL_BYTES = 16 * packed_samples.RECORD_BYTES
"""The packed samples read at a scrape after the first: 16 probes, far more than come between scrapes."""

Labels = tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Family:
    name: str
    help: str
    labels: Labels
    samples: Sequence[tuple[Labels, float]]


@dataclasses.dataclass(frozen=True)
class Snapshot:
    families: tuple[Family, ...]
    took_s: float

    def series(self) -> int:
        return sum(len(f.samples) for f in self.families)


class _Samples:
    """One site's judged availability samples in the window: times and failure flags, oldest first."""

    __slots__ = ("cursor", "failed", "times")

    def __init__(self) -> None:
        self.times = array("d")
        self.failed = bytearray()
        self.cursor: float | None = None

    def add(self, at: float, failed: bool) -> None:
        if self.times and at < self.times[-1]:
            index = bisect.bisect_right(self.times, at)
            self.times.insert(index, at)
            self.failed.insert(index, failed)
        else:
            self.times.append(at)
            self.failed.append(failed)

    def trim(self, cutoff: float) -> None:
        first_kept = bisect.bisect_right(self.times, cutoff)
        if first_kept:
            del self.times[:first_kept]
            del self.failed[:first_kept]


@dataclasses.dataclass(frozen=True)
class _ColumnsRead:
    read_at: float
    homepage: dt.date | None
    worst: dict[str, dt.date]


class Compliance:
    """The caches behind the compliance metrics of one API process, and the snapshot of the last scrape."""

    def __init__(self, reread_s: float = 600.0) -> None:
        self.reread_s = reread_s
        self.snapshot: Snapshot | None = None
        self._samples: dict[str, _Samples] = defaultdict(_Samples)
        self._columns: dict[str, _ColumnsRead] = {}
        self._reading: asyncio.Future[Snapshot] | None = None

    async def refresh(self, runtime: Runtime) -> Snapshot:
        """The state now. Overlapping scrapes share one reading, and a scrape that times out (Prometheus
        hangs up, the view is cancelled) does not cancel it: the first reading after a start, which reads
        every site's history, completes in the background and the next scrape gets it."""
        if self._reading is None or self._reading.done():
            self._reading = asyncio.ensure_future(self._read(runtime))
            self._reading.add_done_callback(_log_failure)
        return await asyncio.shield(self._reading)

    async def _read(self, runtime: Runtime) -> Snapshot:
        started = time.monotonic()
        now = runtime.clock.now()
        sites = [t for t in runtime.targets.values() if isinstance(t, Site)]
        findings = [f for f in await runtime.findings().query() if f.state in OPEN_STATES]
        await self._read_samples(runtime, sites, now)
        await self._read_columns(runtime, sites, now)
        families = (
            *await fleet_families(runtime),
            *finding_families(findings, runtime.targets, now),
            *self._site_families(sites, findings, now),
            *region_families(runtime.targets.values(), findings),
        )
        self.snapshot = Snapshot(families=tuple(families), took_s=time.monotonic() - started)
        log.debug(
            "compliance.refreshed", series=self.snapshot.series(), took_s=round(self.snapshot.took_s, 3)
        )
        return self.snapshot

    async def _read_samples(self, runtime: Runtime, sites: Sequence[Site], now: float) -> None:
        """New availability samples since each site's cursor; the window's older ones are dropped."""
        window_s = runtime.settings.availability.window_days * DAY_S
        cutoff = now - window_s
        for batch in _batches(sites):
            async with runtime.redis.pipeline(transaction=False) as pipe:
                for site in batch:
                    cursor = self._samples[site.id].cursor
                    low = f"({cursor!r}" if cursor is not None and cursor > cutoff else repr(cutoff)
                    pipe.zrangebyscore(runtime.keys.history(PROBE_CHECK, site.id), low, "+inf")
                    if cursor is not None and cursor > cutoff:  # packed samples: the newest few
                        pipe.getrange(runtime.keys.samples(site.id), -TAIL_BYTES, -1)
                    else:
                        pipe.get(runtime.keys.samples(site.id))
                replies: list[Any] = await pipe.execute()
            await self._whole_where_tail_is_short(runtime, batch, replies)
            for n, site in enumerate(batch):
                members, packed = replies[2 * n], replies[2 * n + 1]
                samples = self._samples[site.id]
                cursor = samples.cursor
                read = [payloads.probe_sample(member) for member in members]
                read += [
                    (o.observed_at, None if o.outcome is not Outcome.OK else not o.payload["ok"])
                    for o in packed_samples.unpack(packed or "", site.id)
                    if (
                        o.observed_at > cursor
                        if cursor is not None and cursor > cutoff
                        else o.observed_at >= cutoff
                    )
                ]
                for observed_at, failed in sorted(read, key=lambda sample: sample[0]):
                    samples.cursor = max(samples.cursor or 0.0, observed_at)
                    if failed is not None:
                        samples.add(observed_at, failed)
                samples.trim(cutoff)
                await asyncio.sleep(0)  # in `govmon run` probes share this loop: parse in small slices

    async def _whole_where_tail_is_short(
        self, runtime: Runtime, batch: Sequence[Site], replies: list[Any]
    ) -> None:
        """Where the tail read of a site's packed samples starts after its cursor (more samples came since
        the last scrape than the tail holds), read the whole string instead, in ``replies``' place."""
        short = [
            n
            for n, site in enumerate(batch)
            if isinstance(tail := replies[2 * n + 1], str)
            and len(tail) == TAIL_BYTES
            and self._samples[site.id].cursor is not None
            and packed_samples.record_time(tail[: packed_samples.RECORD_BYTES])
            > (self._samples[site.id].cursor or 0)
        ]
        if not short:
            return
        async with runtime.redis.pipeline(transaction=False) as pipe:
            for n in short:
                pipe.get(runtime.keys.samples(batch[n].id))
            for n, whole in zip(short, await pipe.execute(), strict=True):
                replies[2 * n + 1] = whole

    async def _read_columns(self, runtime: Runtime, sites: Sequence[Site], now: float) -> None:
        """Re-read the columns payload of each site not read within ``reread_s`` (spread by a hash of the
        id, so that after the first scrape each one re-reads only a slice of the sites); a site not crawled
        yet is looked for at every scrape."""
        due = [s for s in sites if self._columns_due(s.id, now)]
        for batch in _batches(due):
            async with runtime.redis.pipeline(transaction=False) as pipe:
                for site in batch:
                    pipe.get(runtime.keys.latest(COLUMNS_CHECK, site.id))
                replies: list[Any] = await pipe.execute()
            for site, document in zip(batch, replies, strict=True):
                if document is None:
                    continue  # not crawled yet: looked for again at the next scrape
                homepage, worst = payloads.columns_ages(document)
                self._columns[site.id] = _ColumnsRead(read_at=now, homepage=homepage, worst=worst)
                await asyncio.sleep(0)

    def _columns_due(self, target_id: str, now: float) -> bool:
        read = self._columns.get(target_id)
        if read is None:
            return True
        spread_s = (zlib.crc32(target_id.encode()) % 1000) / 1000 * self.reread_s * 0.5
        return now - read.read_at >= self.reread_s - spread_s

    def _site_families(self, sites: Sequence[Site], findings: Sequence[Finding], now: float) -> list[Family]:
        today = day_of(now)
        homepage: list[tuple[Labels, float]] = []
        columns: list[tuple[Labels, float]] = []
        ratio: list[tuple[Labels, float]] = []
        counts: list[tuple[Labels, float]] = []
        broken_by_site = Counter(
            f.target for f in findings if f.code in BROKEN_LINK_CODES and f.status is Status.VIOLATION
        )
        broken: list[tuple[Labels, float]] = []
        for site in sites:
            labels = (site.id, site.region)
            read = self._columns.get(site.id)
            if read and read.homepage:
                homepage.append((labels, float((today - read.homepage).days)))
            for category, newest in sorted(read.worst.items()) if read else ():
                columns.append(((*labels, category), float((today - newest).days)))
            samples = self._samples.get(site.id)
            if samples is not None and samples.times:
                counts.append((labels, float(len(samples.times))))
                ratio.append((labels, sum(samples.failed) / len(samples.times)))
            broken.append((labels, float(broken_by_site.get(site.id, 0))))
        target = ("target", "region")
        return [
            Family(
                "govmon_homepage_age_days",
                "Days since the newest dated item on a site's homepage, at its last columns crawl",
                target,
                homepage,
            ),
            Family(
                "govmon_column_age_days",
                "Days since the newest item of a site's most idle dated column, per column category",
                (*target, "category"),
                columns,
            ),
            Family(
                "govmon_availability_failure_ratio",
                "Failed share of the judged availability probes in the rolling window (veto at 0.05)",
                target,
                ratio,
            ),
            Family(
                "govmon_availability_samples",
                "Judged availability probes in the rolling window (a verdict needs availability.min_probes)",
                target,
                counts,
            ),
            Family(
                "govmon_links_broken",
                "Broken links of a site (homepage and other pages) in its open findings",
                target,
                broken,
            ),
        ]


async def fleet_families(runtime: Runtime) -> list[Family]:
    """The fleet as Redis sees it, whichever processes Prometheus can reach: live workers (unexpired
    heartbeats) and their slots, and whether some scheduler holds the lease."""
    capacity = await runtime.queue().capacity()
    lease_held = await runtime.redis.exists(runtime.keys.lease("scheduler"))
    window = upcoming_windows(day_of(runtime.clock.now()), runtime.settings.inspection)[0]
    end_s = start_of(window.last_day + dt.timedelta(days=1)).timestamp()
    return [
        Family(
            "govmon_sampling_window_end_timestamp_seconds",
            "End of the sampling window an inspector picks from next (inspection.windows; the quarter when none)",
            ("quarter",),
            [((window.quarter,), end_s)],
        ),
        Family("govmon_workers_alive", "Workers with an unexpired heartbeat", (), [((), capacity.workers)]),
        Family("govmon_worker_slots", "Job slots of the live workers", (), [((), capacity.slots)]),
        Family(
            "govmon_scheduler_lease_held",
            "1 while some scheduler holds the leader lease (fleet-wide, read from Redis)",
            (),
            [((), float(lease_held))],
        ),
    ]


def finding_families(findings: Sequence[Finding], targets: Mapping[str, Target], now: float) -> list[Family]:
    """Open findings (one series per label set; the value counts per-link and per-column findings that
    share it), the due moments of at_risk ones, and how long accounts with a silence finding are silent."""
    opened = Counter(
        (f.target, f.region, f.target_kind, f.code, f.severity.value, f.status.value) for f in findings
    )
    due: dict[Labels, float] = {}
    for f in findings:
        if f.status is Status.AT_RISK and f.due is not None:
            key = (f.target, f.region, f.code)
            due[key] = min(due.get(key, float("inf")), f.due.timestamp())
    today = day_of(now)
    silent: dict[Labels, float] = {}
    for f in findings:
        if f.code in MEDIA_SILENCE_CODES and (since := payloads.media_silent_since(f.evidence)):
            account = targets.get(f.target)
            platform = account.platform if isinstance(account, Account) else "other"
            key = (f.target, f.region, platform)
            silent[key] = max(silent.get(key, 0.0), float((today - since).days))
    return [
        Family(
            "govmon_finding_open",
            "Open findings by target and code (only what is open has a series)",
            ("target", "region", "kind", "code", "severity", "status"),
            sorted((labels, float(n)) for labels, n in opened.items()),
        ),
        Family(
            "govmon_finding_due_timestamp_seconds",
            "When an at_risk finding becomes a violation unless fixed (the earliest, per target and code)",
            ("target", "region", "code"),
            sorted(due.items()),
        ),
        Family(
            "govmon_account_silent_days",
            "Days since an account's newest post, for accounts with an open silence finding",
            ("target", "region", "platform"),
            sorted(silent.items()),
        ),
    ]


def region_families(targets: Iterable[Target], findings: Sequence[Finding]) -> list[Family]:
    """The 通报 table's columns per region: targets running, targets with a veto violation (突出问题), and
    targets not (yet) vetoed with a veto finding at risk."""
    vetoed = {f.target for f in findings if f.severity is Severity.VETO and f.status is Status.VIOLATION}
    at_risk = {f.target for f in findings if f.severity is Severity.VETO and f.status is Status.AT_RISK}
    at_risk -= vetoed
    running: Counter[Labels] = Counter()
    bad: Counter[Labels] = Counter()
    risky: Counter[Labels] = Counter()
    for t in targets:
        key = (t.region, t.kind)
        running[key] += 1
        bad[key] += t.id in vetoed
        risky[key] += t.id in at_risk
    labels = ("region", "kind")
    return [
        Family("govmon_region_targets", "Targets in the inventory (实际运行数)", labels, _items(running)),
        Family(
            "govmon_region_targets_vetoed",
            "Targets with an open veto violation (发现存在突出问题)",
            labels,
            _items(bad, running),
        ),
        Family(
            "govmon_region_targets_at_risk",
            "Targets without a veto violation but with a veto finding at risk",
            labels,
            _items(risky, running),
        ),
    ]


def _log_failure(reading: asyncio.Future[Snapshot]) -> None:
    if not reading.cancelled() and (error := reading.exception()) is not None:
        log.warning("compliance.read_failed", error=str(error))


def _items(counts: Counter[Labels], keys: Iterable[Labels] | None = None) -> list[tuple[Labels, float]]:
    return [(key, float(counts.get(key, 0))) for key in sorted(keys if keys is not None else counts)]


def _batches(items: Sequence[Site]) -> Iterator[Sequence[Site]]:
    for start in range(0, len(items), PIPELINE_BATCH):
        yield items[start : start + PIPELINE_BATCH]


class ComplianceCollector(Collector):
    """Yields the last snapshot; ``/metrics`` refreshes it just before the registry is collected."""

    def __init__(self, compliance: Compliance) -> None:
        self.compliance = compliance

    def collect(self) -> Iterator[GaugeMetricFamily]:
        snapshot = self.compliance.snapshot
        if snapshot is None:
            return
        for family in snapshot.families:
            metric = GaugeMetricFamily(family.name, family.help, labels=family.labels)
            for labels, value in family.samples:
                metric.add_metric(labels, value)
            yield metric
        yield GaugeMetricFamily(
            "govmon_compliance_refresh_seconds",
            "Time the last scrape took to read the compliance state from Redis",
            value=snapshot.took_s,
        )
