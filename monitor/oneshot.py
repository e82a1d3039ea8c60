"""One-shot commands: ``govmon check`` (every check once, then the rules) and ``govmon inspect``.

``check`` records what it observes like a worker would, so its probe adds to the samples a daemon keeps,
and judges availability from all stored samples (too few: no verdict, as the rules say).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.app import check_context, open_runtime
from monitor.checks import CHECKS, Check, CheckContext
from monitor.checks.columns import inspect_columns
from monitor.clock import parse_moment
from monitor.evaluate import Evaluator
from monitor.inspect import describe, read_saved
from monitor.model import Finding, Job, Target

if TYPE_CHECKING:
    from monitor.inventory import Loaded

SEVERITY_ORDER = {"veto": 0, "deduction": 1, "warning": 2}
STATUS_MARK = {"violation": "✗", "at_risk": "!", "unverified": "?"}


async def check_once(loaded: Loaded, only: set[str] | None, as_of: float | None) -> list[Finding]:
    """Run every applicable check once on the chosen targets, record, evaluate at ``as_of`` (or now)."""
    async with open_runtime(loaded) as runtime:
        targets: list[Target] = [t for t in runtime.targets.values() if only is None or t.id in only]
        store = runtime.store()

        async def observe(target: Target, check: Check, ctx: CheckContext) -> None:
            job = Job(check.name, target.id, runtime.clock.now())
            await store.record(await check.run(target, job.job_id, ctx))

        async with check_context(runtime) as ctx, asyncio.TaskGroup() as group:
            for target in targets:
                for check in CHECKS.values():
                    if check.applies_to(target):
                        group.create_task(observe(target, check, ctx))
        evaluator = Evaluator(store, runtime.findings(), runtime.settings)
        now = as_of if as_of is not None else runtime.clock.now()
        findings: list[Finding] = []
        for target in targets:
            findings.extend(await evaluator.evaluate(target, now))
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.region, f.target, f.code))


def print_findings(findings: list[Finding], *, as_json: bool, out: Any = None) -> None:
    out = out or sys.stdout
    if as_json:
        print(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=1), file=out)
        return
    if not findings:
        print("no findings", file=out)
        return
    for f in findings:
        due = f" (due {f.due.date().isoformat()})" if f.due else ""
        print(
            f"{STATUS_MARK[f.status]} [{f.severity}/{f.status}] {f.region} {f.name} ({f.target}) "
            f"{f.code}: {f.message}{due}",
            file=out,
        )


async def inspect_location(location: str, loaded: Loaded | None, as_of: str | None) -> dict[str, Any]:
    """Fetch a URL (with the configuration's resolve map and network policy) or read a saved file."""
    from monitor.fetch import Fetcher
    from monitor.settings import Settings

    settings = loaded.settings if loaded else Settings()
    if as_of:
        parse_moment(as_of)  # validated now; dated extractors use it as they land
    path = Path(location)
    columns: list[dict[str, Any]] = []
    if "://" not in location and await asyncio.to_thread(path.exists):
        result = await asyncio.to_thread(read_saved, path)
    else:
        async with Fetcher(
            settings.fetch, allow_private=settings.private_networks_allowed(), resolve=settings.resolve
        ) as fetcher:
            result = await fetcher.get(location, purpose="inspect")
            day = parse_moment(as_of).date() if as_of else None
            columns = await inspect_columns(fetcher, result, settings, day)
    report = describe(result, settings.platform_domains, parse_moment(as_of).date() if as_of else None)
    if columns:
        report["columns"] = columns
    return report


def render_inspect(report: dict[str, Any]) -> str:
    lines = [
        f"url:      {report['url']}",
        f"final:    {report['final_url']}",
        f"status:   {report['status']}  {report['failure'] or ''} {report['detail'] or ''}".rstrip(),
        f"encoding: {report['encoding']}",
        f"title:    {report['title']}",
        f"kind:     {report['kind']}",
        f"newest:   {report['newest']}",
        f"links:    {len(report['links'])}",
    ]
    lines += [f"  [{link['kind']}] {link['text'][:30]}  {link['url']}" for link in report["links"][:40]]
    if report["columns"]:
        lines.append(f"columns:  {len(report['columns'])}")
        lines += [
            f"  {c['name']:<10} {c['category']:<11} {'一级' if c['first_level'] else '子栏目'}  "
            f"newest {c['newest'] or '-'}  items {c['count']}  {c['url']}"
            for c in report["columns"]
        ]
    if report["kind"] in ("list", "home") and report["items"]:
        lines.append(f"items:    {len(report['items'])}")
        lines += [
            f"  {item['date'] or '(undated)'}  {item['title'][:40]}  {item['url']}"
            for item in report["items"][:40]
        ]
    if report["kind"] == "feed":
        lines.append(f"entries:  {len(report['items'])} ({report.get('feed_format')})")
        lines += [f"  {item['date'] or '(undated)'}  {item['title'][:40]}" for item in report["items"][:40]]
    return "\n".join(lines)
