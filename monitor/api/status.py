"""What the status pages show, as plain records: built from the inventory, ``FindingStore.query()`` and the
observation store, never from templates poking at Redis.

``build_overview`` and ``split_findings`` are pure (inventory + findings + moments in, records out), so
the counting is tested without a server; ``load_overview`` and ``load_target`` do the reading.

A finding is *open* while the lifecycle says ``open`` or ``acknowledged`` (someone knows, it is not fixed),
or when it has no lifecycle yet (``state`` None: straight from the rules, before the lifecycle records it).
Dismissed and resolved findings appear only on the target's own page, with who and why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from monitor.api.words import finding_class
from monitor.checks import CHECKS
from monitor.model import Finding, Observation, Severity, Site, State, Status, Target
from monitor.runtime import Runtime

OPEN_STATES = (None, State.OPEN, State.ACKNOWLEDGED)


@dataclasses.dataclass(frozen=True, slots=True)
class TargetStatus:
    """One target as the overview lists it: its open findings (worst first) and when govmon last looked."""

    target: Target
    findings: tuple[Finding, ...]
    last_checked_s: float | None = None

    @property
    def counts(self) -> Counter[str]:
        return Counter(finding_class(f) for f in self.findings)

    @property
    def nearest_due(self) -> dt.datetime | None:
        dues = [f.due for f in self.findings if f.due is not None]
        return min(dues) if dues else None


@dataclasses.dataclass(frozen=True, slots=True)
class RegionRow:
    """One row of the overview's table, laid out like the 通报's (市州/部门, then 合计)."""

    region: str
    sites: int = 0
    accounts: int = 0
    vetoed_targets: int = 0
    veto: int = 0
    at_risk: int = 0
    other: int = 0

    @property
    def targets(self) -> int:
        return self.sites + self.accounts

    @property
    def vetoed_share(self) -> str:
        """占检查数比例 as the 通报 prints it: two decimals, ``0`` when none."""
        if not self.vetoed_targets or not self.targets:
            return "0"
        return f"{100 * self.vetoed_targets / self.targets:.2f}%"


@dataclasses.dataclass(frozen=True, slots=True)
class Overview:
    rows: tuple[RegionRow, ...]
    total: RegionRow
    listed: tuple[tuple[str, tuple[TargetStatus, ...]], ...]
    """Per region (in the table's order), the targets with open findings, worst first."""
    clean: Mapping[str, tuple[Target, ...]]
    """Per region, the targets without open findings (listed by name when a region is chosen)."""


@dataclasses.dataclass(frozen=True, slots=True)
class CheckRun:
    """When one check last ran on a target, and how it went (None: not run within the retention)."""

    check: str
    interval_s: float
    observation: Observation | None


def is_open(finding: Finding) -> bool:
    return finding.state in OPEN_STATES


def finding_order(finding: Finding) -> tuple[int, float, str, str]:
    """Worst first: veto violations, then what falls due soonest, then the rest; stable by code and subject."""
    rank = {"veto": 0, "at_risk": 1, "other": 2}[finding_class(finding)]
    if finding.severity is not Severity.VETO and finding.status is Status.UNVERIFIED:
        rank = 3
    due_s = finding.due.timestamp() if finding.due else float("inf")
    return rank, due_s, finding.code, str(finding.evidence.get("url", ""))


def target_order(status: TargetStatus) -> tuple[int, int, float, str]:
    counts = status.counts
    due = status.nearest_due
    return -counts["veto"], -counts["at_risk"], due.timestamp() if due else float("inf"), status.target.name


def region_order(targets: Iterable[Target], configured: Sequence[str]) -> list[str]:
    """The configured ``regions`` first (the report's row order), then the others as they first appear."""
    order = list(dict.fromkeys(configured))
    seen = set(order)
    for target in targets:
        if target.region not in seen:
            seen.add(target.region)
            order.append(target.region)
    return order


def split_findings(findings: Iterable[Finding]) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(open, closed): each worst first."""
    ordered = sorted(findings, key=finding_order)
    return tuple(f for f in ordered if is_open(f)), tuple(f for f in ordered if not is_open(f))


def build_overview(
    targets: Sequence[Target],
    findings: Iterable[Finding],
    last_checked_s: Mapping[str, float],
    configured_regions: Sequence[str] = (),
    only_region: str | None = None,
) -> Overview:
    """The table counts every target of the inventory; findings of targets no longer in it are ignored."""
    by_target: dict[str, list[Finding]] = {}
    known = {t.id for t in targets}
    for finding in findings:
        if finding.target in known and is_open(finding):
            by_target.setdefault(finding.target, []).append(finding)
    regions = region_order(targets, configured_regions)
    rows: dict[str, RegionRow] = {region: RegionRow(region) for region in regions}
    listed: dict[str, list[TargetStatus]] = {region: [] for region in regions}
    clean: dict[str, list[Target]] = {region: [] for region in regions}
    for target in targets:
        row = rows[target.region]
        own = sorted(by_target.get(target.id, ()), key=finding_order)
        counts = Counter(finding_class(f) for f in own)
        rows[target.region] = dataclasses.replace(
            row,
            sites=row.sites + isinstance(target, Site),
            accounts=row.accounts + (not isinstance(target, Site)),
            vetoed_targets=row.vetoed_targets + bool(counts["veto"]),
            veto=row.veto + counts["veto"],
            at_risk=row.at_risk + counts["at_risk"],
            other=row.other + counts["other"],
        )
        if own:
            listed[target.region].append(TargetStatus(target, tuple(own), last_checked_s.get(target.id)))
        else:
            clean[target.region].append(target)
    table = [rows[region] for region in regions if rows[region].targets]
    total = RegionRow(
        "合计",
        sites=sum(r.sites for r in table),
        accounts=sum(r.accounts for r in table),
        vetoed_targets=sum(r.vetoed_targets for r in table),
        veto=sum(r.veto for r in table),
        at_risk=sum(r.at_risk for r in table),
        other=sum(r.other for r in table),
    )
    shown = [r.region for r in table if only_region is None or r.region == only_region]
    return Overview(
        rows=tuple(table),
        total=total,
        listed=tuple(
            (region, tuple(sorted(listed[region], key=target_order))) for region in shown if listed[region]
        ),
        clean={region: tuple(sorted(clean[region], key=lambda t: t.name)) for region in shown},
    )


async def load_overview(runtime: Runtime, only_region: str | None = None) -> Overview:
    targets = list(runtime.targets.values())
    findings = [f for f in await runtime.findings().query() if is_open(f)]
    listed_ids = {f.target for f in findings if only_region is None or f.region == only_region}
    pairs = [
        (name, target.id)
        for target in targets
        if target.id in listed_ids
        for name, check in CHECKS.items()
        if check.applies_to(target, runtime.settings)
    ]
    last: dict[str, float] = {}
    for (_, target_id), observed_s in zip(pairs, await runtime.store().last_observed_at(pairs), strict=True):
        if observed_s is not None:
            last[target_id] = max(observed_s, last.get(target_id, observed_s))
    return build_overview(targets, findings, last, runtime.settings.regions, only_region)


async def load_target(runtime: Runtime, target: Target) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """The target's findings, (open, closed): closed are those a person dismissed and those resolved within
    the lifecycle's retention (the current and previous quarter), shown with their history."""
    store = runtime.findings()
    found = await store.query(target=target.id)
    for state in (State.DISMISSED, State.RESOLVED):
        found += await store.query(target=target.id, state=state.value)
    return split_findings(found)


async def load_check_runs(runtime: Runtime, target: Target) -> tuple[CheckRun, ...]:
    """The newest observation of every check that applies to the target (the store keeps one per check)."""
    store = runtime.store()
    runs = [
        CheckRun(name, check.interval_s(target, runtime.settings), await store.latest(name, target.id))
        for name, check in CHECKS.items()
        if check.applies_to(target, runtime.settings)
    ]
    return tuple(runs)
