"""``govmon check``: every check once on the inventory (or the named targets), then the rules.

``check`` records what it observes like a worker would, so its probe adds to the samples a daemon keeps,
and judges availability from all stored samples (too few: no verdict, as the rules say).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from monitor.checks import CHECKS, Check, CheckContext
from monitor.commands.full import Progress, full_settings
from monitor.coverage import Outcomes, not_judged_because
from monitor.engine.evaluate import Evaluator
from monitor.model import Finding, Job, Target
from monitor.runtime import check_context, open_runtime
from monitor.score import Score, ScoringSettings, score_findings
from monitor.settings import Settings

if TYPE_CHECKING:
    from monitor.inventory import Loaded

RECORDS_AT_ONCE = 32
"""Observations ``check`` records at once. Its jobs all run at once (the fetcher's limits pace them, and
``--full`` gives each crawl the whole time limit), so when many fail together (an offline run: every DNS
lookup fails in the same instant) their records came together too, more than redis-py's pool of 100
connections, and ``check`` crashed with "Too many connections"."""

SEVERITY_ORDER = {"veto": 0, "deduction": 1, "warning": 2}
STATUS_MARK = {"violation": "✗", "at_risk": "!", "unverified": "?"}
LEGEND = (
    "✗ violation: true now · ! at risk: a violation on its due day unless fixed · "
    "? unverified: govmon could not judge (never counted in reports)"
)


def scan_every_read(settings: Settings) -> Settings:
    """A one-shot check judges the content as it is now: it scans at its homepage read even when a daemon
    scanned the site less than ``content.interval_s`` ago."""
    return settings.model_copy(update={"content": settings.content.model_copy(update={"interval_s": 0.0})})


async def check_once(
    loaded: Loaded,
    only: set[str] | None,
    as_of: float | None,
    *,
    full_s: float | None = None,
    outcomes: Outcomes | None = None,
) -> list[Finding]:
    """Run every applicable check once on the chosen targets, record, evaluate at ``as_of`` (or now).

    ``full_s``: walk whole sites within that many seconds (``govmon check --full``), with progress on a
    terminal. ``outcomes``, when given, is filled with whether each check judged each target
    (``monitor.coverage``)."""
    if full_s is not None:
        loaded = dataclasses.replace(loaded, settings=full_settings(loaded.settings, full_s))
    loaded = dataclasses.replace(loaded, settings=scan_every_read(loaded.settings))
    async with open_runtime(loaded) as runtime:
        targets: list[Target] = [t for t in runtime.targets.values() if only is None or t.id in only]
        store = runtime.store()
        jobs = [(t, c) for t in targets for c in CHECKS.values() if c.applies_to(t, runtime.settings)]
        progress = Progress(len(jobs), full_s or 0.0)
        progress.enabled = progress.enabled and full_s is not None

        recording = asyncio.Semaphore(RECORDS_AT_ONCE)

        async def observe(target: Target, check: Check[Any], ctx: CheckContext) -> None:
            job = Job(check.name, target.id, runtime.clock.now())
            observation = await check.run(target, job.job_id, ctx)
            async with recording:
                await store.record(observation)
            if outcomes is not None:
                outcomes.setdefault(target.id, {})[check.name] = not_judged_because(observation)
            progress.done += 1

        async with check_context(runtime) as ctx:
            shown = asyncio.create_task(progress.show(lambda: ctx.links.fetches if ctx.links else 0))
            try:
                async with asyncio.TaskGroup() as group:
                    for target, check in jobs:
                        group.create_task(observe(target, check, ctx))
            finally:
                shown.cancel()
                await asyncio.gather(shown, return_exceptions=True)
        # --as-of judges another moment: the current findings show it, the findings' history does not
        evaluator = Evaluator(store, runtime.findings(), runtime.settings, lifecycle=as_of is None)
        now = as_of if as_of is not None else runtime.clock.now()
        findings: list[Finding] = []
        for target in targets:
            findings.extend(await evaluator.evaluate(target, now))
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.region, f.target, f.code))


def print_findings(
    findings: list[Finding], *, as_json: bool, out: Any = None, lifecycle: bool = False
) -> None:
    """A JSON array, or one line per finding: verdict, where, what, its due date; with ``lifecycle`` (``govmon
    findings list``) each line starts with the finding's id and state and ends with the day it was first seen."""
    out = out or sys.stdout
    if as_json:
        print(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=1), file=out)
        return
    if not findings:
        print("no findings", file=out)
        return
    for f in findings:
        due = f" (due {f.due.date().isoformat()})" if f.due else ""
        line = (
            f"{STATUS_MARK[f.status]} [{f.severity}/{f.status}] {f.region} {f.name} ({f.target}) "
            f"{f.code}: {f.message}{due}"
        )
        if lifecycle:
            since = f" since {f.first_seen.date().isoformat()}" if f.first_seen else ""
            line = f"{f.id} {(f.state or 'new'):<12} {line}{since}"
        print(line, file=out)
    print(LEGEND, file=out)


def scores(
    findings: list[Finding],
    targets: Mapping[str, str],
    scoring: ScoringSettings,
    not_judged: Collection[str] = (),
) -> dict[str, Score]:
    """The deduction score of every checked target (``targets``: id → name), from these findings. A target
    no check could judge gets none unless a violation counts against it (a veto from stored samples): 100
    合格 would claim what govmon never saw."""
    by_target: dict[str, list[Finding]] = {target: [] for target in targets}
    for finding in findings:
        by_target.setdefault(finding.target, []).append(finding)
    scored = {target: score_findings(found, scoring) for target, found in by_target.items()}
    return {
        target: result
        for target, result in scored.items()
        if target not in not_judged or result.vetoes or result.deductions
    }


def print_scores(
    scored: Mapping[str, Score], names: Mapping[str, str], out: Any = None, unscored: int = 0
) -> None:
    """One line per target that lost points or is 不合格 (score, verdict, the deductions that made it), then
    how many scored full marks, and how many got no score because nothing could be judged."""
    out = out or sys.stdout
    full = 0
    for target, result in sorted(scored.items(), key=lambda item: (item[1].passed, item[1].score, item[0])):
        if result.passed and not result.deductions:
            full += 1
            continue
        print(f"得分 {names.get(target, target)} ({target}): {result.text()}", file=out)
    if full:
        print(f"得分 {full} 个目标 100 分（合格）", file=out)
    if unscored:
        print(f"得分 {unscored} 个目标未计分：没有一项检查能判定（见下）", file=out)


def findings_with_scores(
    findings: list[Finding], scored: Mapping[str, Score], unscored: Collection[str] = ()
) -> dict[str, Any]:
    """``--json --scores``: one object instead of the findings array; ``not_scored``: the targets no check
    could judge (and with no violation counting against them)."""
    return {
        "findings": [f.to_json() for f in findings],
        "scores": {target: result.to_json() for target, result in sorted(scored.items())},
        "not_scored": sorted(unscored),
    }
