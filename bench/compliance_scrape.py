"""Scrape time and series count of the compliance metrics at a nation's scale, on a real Redis.

``python -m bench.compliance_scrape [--sites 15000] [--accounts 150000] [--days 7] [--probes-per-day 24]``

Fills an embedded redis-server (unix socket, as govmon's) the way a week of ``govmon run`` would leave it:
per site ``--days`` × ``--probes-per-day`` availability samples (2 % failed, some discarded) and a columns
observation (``--columns`` columns, three latest items each), and findings in realistic shares (5 % of sites
vetoed, 10 % with an at_risk veto, 30 % with 3 broken links, 20 % with 2 stale columns; 8 % of accounts silent
past 14 days, 6 % at risk). Then times ``/metrics`` of an api process as Prometheus scrapes it: the first
scrape after a start (every availability history and columns payload read) and the next ones (only new
samples; columns payloads re-read every ``reread_s``), each including the text exposition. Reports series per
1,000 sites, Redis memory per site, and the times; ``--write docs/deploy.md`` replaces its section there.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import resource
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from bench import report
from monitor.api.compliance import Compliance, ComplianceCollector
from monitor.clock import SystemClock
from monitor.engine.kv.connect import EmbeddedRedis, client
from monitor.engine.kv.keys import Keys
from monitor.inventory import Loaded
from monitor.metrics import Metrics
from monitor.model import Account, Severity, Site, Status, Target
from monitor.rules.base import make_finding
from monitor.runtime import Runtime
from monitor.settings import Settings

SECTION = "compliance-scrape"
REGIONS = [f"地区{i:02d}" for i in range(40)]
PLATFORMS = ("wechat", "weibo", "douyin", "toutiao", "app")
CATEGORIES = ("news", "notice", "planning", "topic", "interaction", "service", "other")
BATCH = 2000


def inventory(sites: int, accounts: int) -> tuple[tuple[Site, ...], tuple[Account, ...]]:
    return (
        tuple(
            Site(
                id=f"43{i:08d}", name=f"网站{i}", url=f"https://s{i}.example.gov.cn/", region=REGIONS[i % 40]
            )
            for i in range(sites)
        ),
        tuple(
            Account(
                id=f"acct-{i}", name=f"账号{i}", platform=PLATFORMS[i % 5], region=REGIONS[i % 40], feed="x"
            )
            for i in range(accounts)
        ),
    )


def probe_document(site: Site, at: float, rng: random.Random) -> str:
    discarded = rng.random() < 0.005
    ok = rng.random() >= 0.02
    return json.dumps(
        {
            "check": "availability",
            "target_id": site.id,
            "job_id": f"availability:{site.id}:{at:.3f}",
            "observed_at": at,
            "outcome": "discarded" if discarded else "ok",
            "reason": None if ok else "timeout",
            "payload": {
                "ok": ok,
                "latency_s": 0.231,
                "status": 200 if ok else None,
                "reason": None,
                "url": site.url,
            },
        },
        separators=(",", ":"),
    )


def columns_document(site: Site, now: float, columns: int, rng: random.Random) -> str:
    today = dt.date.fromtimestamp(now)
    entries = []
    for c in range(columns):
        newest = today - dt.timedelta(days=rng.randint(0, 200))
        items = [
            {
                "title": f"关于做好第{k}项工作的通知",
                "url": f"{site.url}col{c}/art{k}.html",
                "date": newest.isoformat(),
            }
            for k in range(3)
        ]
        entries.append({
            "name": f"栏目{c}", "url": f"{site.url}col{c}/", "category": CATEGORIES[c % 7], "first_level": c < 8,
            "source": "nav", "newest": newest.isoformat(), "count": 20, "undated": 0, "script_filled": False,
            "error": None, "latest": items,
        })  # fmt: skip
    payload = {
        "url": site.url,
        "final_url": site.url,
        "as_of": today.isoformat(),
        "homepage": {"url": site.url, "newest": (today - dt.timedelta(days=rng.randint(0, 20))).isoformat(),
                     "navigation_only": False, "latest": entries[0]["latest"], "second_level": []},
        "columns": entries,
    }  # fmt: skip
    return json.dumps(
        {"check": "columns", "target_id": site.id, "job_id": f"columns:{site.id}:{now}", "observed_at": now,
         "outcome": "ok", "reason": None, "payload": payload},
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip


def findings_for(target: Target, now: float, rng: random.Random) -> list[Any]:
    found = []
    due = dt.datetime.fromtimestamp(now + 4 * 86400, tz=dt.UTC)
    draw = rng.random()
    if isinstance(target, Site):
        if draw < 0.05:
            found.append(make_finding(target, "site.unreachable", Severity.VETO, Status.VIOLATION, "…", now))
        elif draw < 0.15:
            found.append(
                make_finding(target, "homepage.stale", Severity.VETO, Status.AT_RISK, "…", now, due=due)
            )
        if rng.random() < 0.3:
            found += [
                make_finding(
                    target,
                    "links.broken",
                    Severity.DEDUCTION,
                    Status.VIOLATION,
                    "…",
                    now,
                    evidence={"url": f"{target.url}x{k}"},
                )
                for k in range(3)
            ]
        if rng.random() < 0.2:
            found += [
                make_finding(
                    target,
                    "column.stale",
                    Severity.DEDUCTION,
                    Status.VIOLATION,
                    "…",
                    now,
                    evidence={"url": f"{target.url}col{k}/"},
                )
                for k in range(2)
            ]
    elif draw < 0.08:
        evidence = {"newest": "2026-01-01T09:00:00+08:00", "idle_days": 20}
        found.append(
            make_finding(target, "media.stale", Severity.VETO, Status.VIOLATION, "…", now, evidence=evidence)
        )
    elif draw < 0.14:
        evidence = {"newest": "2026-01-10T09:00:00+08:00", "idle_days": 11}
        found.append(
            make_finding(
                target, "media.stale", Severity.VETO, Status.AT_RISK, "…", now, evidence=evidence, due=due
            )
        )
    return found


async def fill(runtime: Runtime, args: argparse.Namespace) -> float:
    rng = random.Random(1)
    now = time.time()
    redis, keys = runtime.redis, runtime.keys
    interval_s = 86400 / args.probes_per_day
    sites = runtime.loaded.sites
    started = time.monotonic()
    for start in range(0, len(sites), BATCH // 10):
        async with redis.pipeline(transaction=False) as pipe:
            for site in sites[start : start + BATCH // 10]:
                at = now - args.days * 86400 + rng.random() * interval_s
                members = {}
                while at < now:
                    members[probe_document(site, at, rng)] = at
                    at += interval_s
                pipe.zadd(keys.history("availability", site.id), members)
                document = columns_document(site, now - rng.random() * 3600, args.columns, rng)
                pipe.set(keys.latest("columns", site.id), document)
                pipe.zadd(keys.history("columns", site.id), {document: now})
            await pipe.execute()
    targets: list[Target] = [*sites, *runtime.loaded.accounts]
    for start in range(0, len(targets), BATCH):
        async with redis.pipeline(transaction=False) as pipe:
            for target in targets[start : start + BATCH]:
                found = findings_for(target, now, rng)
                if found:
                    body = json.dumps([f.to_json() for f in found], ensure_ascii=False)
                    pipe.hset(keys.findings, target.id, body)
            await pipe.execute()
    print(f"filled in {time.monotonic() - started:.0f} s")
    return now


async def scrape(registry: Any, compliance: Compliance, runtime: Runtime) -> tuple[float, bytes]:
    started = time.monotonic()
    await compliance.refresh(runtime)
    body = generate_latest(registry)
    return time.monotonic() - started, body


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        server = EmbeddedRedis(Path(directory)).start()
        try:
            redis = client(server.url)
            sites, accounts = inventory(args.sites, args.accounts)
            metrics = Metrics()
            runtime = Runtime(
                Loaded(Settings(), sites, accounts, (), ()),
                redis, Keys(prefix=f"bench{uuid.uuid4().hex[:6]}"), metrics, SystemClock(), server.url,
            )  # fmt: skip
            before = int((await redis.info("memory"))["used_memory"])
            await fill(runtime, args)
            used = int((await redis.info("memory"))["used_memory"]) - before
            compliance = Compliance()
            metrics.registry.register(ComplianceCollector(compliance))
            load = os.getloadavg()[0]  # other processes sharing the cores inflate the times below
            cold_s, body = await scrape(metrics.registry, compliance, runtime)
            warm = []
            for _ in range(3):
                took, body = await scrape(metrics.registry, compliance, runtime)
                warm.append(took)
            await redis.aclose()
        finally:
            server.stop()
    families = Counter()
    for family in text_string_to_metric_families(body.decode()):
        if family.name.startswith("govmon_") and family.type == "gauge":
            families[family.name] += len(family.samples)
    compliance_series = sum(n for name, n in families.items() if name in COMPLIANCE_FAMILIES)
    per_1000 = compliance_series / args.sites * 1000
    rows = [
        (name, n, f"{n / args.sites * 1000:.0f}")
        for name, n in sorted(families.items())
        if name in COMPLIANCE_FAMILIES
    ]
    lines = [
        f"{args.sites:,} sites ({args.days} days × {args.probes_per_day} probes, {args.columns} columns each) and "
        f"{args.accounts:,} accounts, findings in the shares the bench's docstring states; {report.machine()}, "
        f"govmon {report.revision()}, {report.today()}, load average {load:.1f} when the scrapes began "
        "(`python -m bench.compliance_scrape`).",
        "",
        report.table(("series", "count", "per 1,000 sites"), rows),
        "",
        f"- Compliance series in all: {compliance_series:,}, i.e. **{per_1000:,.0f} per 1,000 sites** (with their "
        f"{args.accounts / args.sites:.0f} accounts each); the exposition is {len(body) / 1e6:.1f} MB.",
        f"- First scrape after the api starts (every availability history and columns payload read): "
        f"**{cold_s:.1f} s**.",
        f"- Following scrapes (new samples only; columns payloads re-read every {compliance.reread_s:.0f} s): "
        f"**{min(warm):.2f}–{max(warm):.2f} s**.",
        f"- Redis memory for this state: {used / 1e6:,.0f} MB, {used / args.sites / 1e3:,.1f} kB per site "
        f"(availability history, columns observation, findings).",
        f"- Peak memory of this process (the api's caches, the inventory, the fill): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:,.0f} MB.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        report.replace_section(Path(args.write), SECTION, text)


COMPLIANCE_FAMILIES = {
    "govmon_finding_open",
    "govmon_finding_due_timestamp_seconds",
    "govmon_homepage_age_days",
    "govmon_column_age_days",
    "govmon_availability_failure_ratio",
    "govmon_availability_samples",
    "govmon_links_broken",
    "govmon_account_silent_days",
    "govmon_region_targets",
    "govmon_region_targets_vetoed",
    "govmon_region_targets_at_risk",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=15000)
    parser.add_argument("--accounts", type=int, default=150000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--probes-per-day", type=int, default=24)
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--write", metavar="FILE", help="replace this benchmark's section in FILE")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
