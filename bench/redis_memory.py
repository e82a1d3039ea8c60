"""Redis memory per target, by key family: what a province and the country cost in Redis.

``python -m bench.redis_memory [--sites 200] [--write docs/benchmarks.md]`` (repository root).

An embedded redis-server (default settings: listpack limits 128 entries / 64 bytes) is filled the way
8 days of ``govmon run`` fill it for ``--sites`` sites and ``--accounts`` accounts: every check of the
registry in the schedule, and every check's observations at its default interval recorded through the
store the daemon builds (``Runtime.store()``: the worker's script, with the history bounds of
``monitor.engine.retention``), availability hourly, with the payloads a simulated county site gave
(``COUNTY_PAYLOADS``).
``MEMORY USAGE`` of every key, summed by family and divided by the sites (accounts for media).
The budget line adds what an availability target costs: its schedule entry, its samples and its newest
observation (the national goal: at most 2 kB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.report import replace_section
from monitor.checks import CHECKS
from monitor.clock import SystemClock
from monitor.engine.kv.connect import EmbeddedRedis, client, free_port
from monitor.engine.kv.keys import Keys
from monitor.engine.retention import history_bounds
from monitor.engine.schedule import Schedule
from monitor.engine.store import Store
from monitor.metrics import Metrics
from monitor.model import Account, Observation, Outcome, Site
from monitor.observations import MediaRead, MediaReading, RecentPost
from monitor.settings import Settings

PROBES_PER_DAY = 24
DAYS = 8
COUNTY_PAYLOADS: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "county_payloads.json").read_text(encoding="utf-8")
)
"""The newest observation of each other check of one simulated county site, as the checks recorded it in a
soak (``bench.soak``, seed 1): homepage 0.7 kB, columns 45 kB as JSON (23 columns with their newest items),
links 0.4 kB, services 1.6 kB, interaction 6.8 kB. Real text, so that the store's compression of long
observations (``Observation.to_stored``) is measured as it works on real ones, not on filler."""
MEDIA_PAYLOAD_BYTES = 1800
"""A feed reading (newest entries, dates): ``obs:media`` measured 2,153 B a key in ``bench.national``'s run."""
BUDGET_BYTES = 2048
"""An availability target (schedule entry + packed samples + newest probe): issue 13's national goal."""
FAMILY_BUDGETS: dict[str, tuple[int, int]] = {
    "hist:links": (32_768, 0),
    "hist:columns": (40_960, 0),
    "hist:services": (10_240, 0),
    "hist:interaction": (8_192, 0),
    "hist:homepage": (4_096, 0),
    "hist:media": (0, 4_096),
    "obs:columns": (8_192, 0),
    "obs:media": (0, 4_096),
    "done": (4_096, 3_072),
    "schedule": (1_024, 512),
    "checked": (1_024, 1_024),
}
"""Bytes per site and per account each family may hold at default cadences (docs/sizing.md states them):
the histories what their rules look back over at their interval, each newest observation 2 kB (8 kB for
columns: a county site's 23 columns with their newest items, compressed; 4 kB for media), a day's ``done``
markers. A family not named here: 2 kB a site (0 for accounts)."""
DEFAULT_BUDGET = (2_048, 0)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.redis_memory", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--write", type=Path, help="replace the redis-memory section of this markdown file")
    return parser.parse_args()


def family(key: str, prefix: str) -> str:
    parts = key.removeprefix(prefix + ":").split(":")
    if parts[0] in ("obs", "hist", "samples"):
        return f"{parts[0]}:{parts[1]}"
    return parts[0]


def daemon_store(redis: Any, keys: Keys, settings: Settings) -> Store:
    """The store ``Runtime.store()`` builds: 8-day TTLs, each history bounded to what its rules read."""
    intervals = {name: check.interval(settings) for name, check in CHECKS.items()}
    retention_s = (settings.availability.window_days + 1) * 86400
    return Store(redis, keys, retention_s=retention_s, bounds=history_bounds(settings, intervals))


async def fill(redis_url: str, sites: int, accounts: int, prefix: str) -> dict[str, tuple[int, int]]:
    redis = client(redis_url)
    keys = Keys(prefix=prefix)
    settings = Settings()
    now = SystemClock().now()
    store = daemon_store(redis, keys, settings)
    site_targets = [Site(f"43{n:08d}", f"县{n}", f"https://www{n}.x.gov.cn/", "某县") for n in range(sites)]
    account_targets = [
        Account(f"acct{n:06d}", f"发布{n}", "wechat", "某县", feed=f"https://rsshub.example.net/wechat/{n}")
        for n in range(accounts)
    ]
    targets = [*site_targets, *account_targets]
    schedule = Schedule(redis, keys, Metrics(), SystemClock())
    entries = [
        (check.name, t.id, check.interval_s(t, settings))
        for t in targets
        for check in CHECKS.values()
        if check.applies_to(t)
    ]
    entries += [("evaluate", t.id, settings.engine.evaluate_interval_s) for t in targets]
    await schedule.sync(entries)
    for site in site_targets:
        for n in range(PROBES_PER_DAY * DAYS):
            at = now - (PROBES_PER_DAY * DAYS - n) * 3600.0
            payload = {"ok": True, "latency_s": 0.2134, "status": 200, "reason": None, "url": site.url}
            job_id = f"availability:{site.id}:{at:.3f}"
            await store.record(Observation("availability", site.id, job_id, at, Outcome.OK, None, payload))
        for check, payload in COUNTY_PAYLOADS.items():
            interval_s = CHECKS[check].interval(settings)
            await record_runs(store, check, site.id, {**payload, "url": site.url}, interval_s, now)
    for account in account_targets:
        interval_s = CHECKS["media"].interval(settings)
        payload = media_payload(str(account.feed), MEDIA_PAYLOAD_BYTES)
        await record_runs(store, "media", account.id, payload, interval_s, now)
    usage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    async for key in redis.scan_iter(match=f"{prefix}:*", count=1000):
        name = key.decode() if isinstance(key, bytes) else key
        used: Any = await redis.memory_usage(name, samples=0)
        usage[family(name, prefix)][0] += int(used or 0)
        usage[family(name, prefix)][1] += 1
    await redis.aclose()
    return {name: (total, count) for name, (total, count) in usage.items()}


def media_payload(url: str, size: int) -> dict[str, Any]:
    """A poll that read the feed (the media rule's reading), padded to ``size`` bytes of JSON."""
    newest = "2026-12-01T09:30:00+08:00"
    posts = tuple(RecentPost("某县发布｜工作动态", f"https://mp.example.net/{k}", newest) for k in range(5))
    reading = MediaReading("rss", "某县发布", 12, 0, 0, (), newest, posts, True, newest)
    payload = MediaRead(url, url, 200, "feed", reading).to_payload()
    payload["filler"] = "x" * max(0, size - len(json.dumps(payload, ensure_ascii=False).encode()))
    return payload


async def record_runs(
    store: Store, check: str, target_id: str, payload: dict[str, Any], interval_s: float, now: float
) -> None:
    """Eight days of a check's runs on one target at its interval, the newest now."""
    runs = int(DAYS * 86400 // interval_s)
    for n in range(runs):
        at = now - (runs - 1 - n) * interval_s
        await store.record(
            Observation(check, target_id, f"{check}:{target_id}:{at:.3f}", at, Outcome.OK, None, payload)
        )


def jobs_per_day(target: Site | Account) -> float:
    """Jobs a target causes a day at the default intervals (each leaves a done marker for 24 h)."""
    settings = Settings()
    return sum(86400 / c.interval_s(target, settings) for c in CHECKS.values() if c.applies_to(target))


SITE = Site("x", "x", "https://x.gov.cn/", "x")
ACCOUNT = Account("y", "y", "wechat", "x", feed="https://rsshub.example.net/y")
ACCOUNT_FAMILIES = ("obs:media", "hist:media")


def per_owner(usage: dict[str, tuple[int, int]], sites: int, accounts: int) -> dict[str, tuple[float, float]]:
    """Bytes of each family per site and per account (``done``: the markers of a day's jobs; ``schedule``:
    its entries, one per check and target plus the target's rule evaluation)."""
    settings = Settings()
    site_entries = 1 + sum(1 for c in CHECKS.values() if c.applies_to(SITE, settings))
    account_entries = 1 + sum(1 for c in CHECKS.values() if c.applies_to(ACCOUNT, settings))
    owned: dict[str, tuple[float, float]] = {}
    for name, (total, count) in usage.items():
        if name == "done":  # this fill writes 8 days of jobs at once; a done marker lives 24 h (DONE_TTL_S)
            each = total / count
            owned[name] = (each * jobs_per_day(SITE), each * jobs_per_day(ACCOUNT))
        elif name == "schedule":
            each = total / (sites * site_entries + accounts * account_entries)
            owned[name] = (each * site_entries, each * account_entries)
        elif name in ACCOUNT_FAMILIES:
            owned[name] = (0.0, total / max(accounts, 1))
        elif name == "checked":
            owned[name] = (total / (sites + accounts), total / (sites + accounts))
        else:
            owned[name] = (total / max(sites, 1), 0.0)
    return owned


def render(usage: dict[str, tuple[int, int]], sites: int, accounts: int) -> str:
    owned = per_owner(usage, sites, accounts)
    settings = Settings()
    site_entries = 1 + sum(1 for c in CHECKS.values() if c.applies_to(SITE, settings))
    lines = [
        f"`python -m bench.redis_memory --sites {sites} --accounts {accounts}` — embedded redis-server (default "
        f"listpack limits); 8 days of every check at its default interval through the daemon's store "
        f"(history bounds of `monitor/engine/retention.py`): {PROBES_PER_DAY * DAYS} availability probes a site, "
        f"media hourly; Python {platform.python_version()}.",
        "",
        "| key family | keys | bytes per key | bytes per site | bytes per account | budget site / account | |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, (total, count) in sorted(usage.items(), key=lambda item: -sum(owned[item[0]])):
        site_b, account_b = owned[name]
        site_budget, account_budget = FAMILY_BUDGETS.get(name, DEFAULT_BUDGET)
        within = site_b <= site_budget and account_b <= account_budget
        lines.append(
            f"| `{name}` | {count:,} | {total / count:,.0f} | {site_b:,.0f} | {account_b:,.0f} "
            f"| {site_budget:,} / {account_budget:,} | {'within' if within else '**over**'} |"
        )
    site_all = sum(site_b for site_b, _ in owned.values())
    account_all = sum(account_b for _, account_b in owned.values())
    lines.append(
        f"| **all** | {sum(c for _, c in usage.values()):,} | | **{site_all:,.0f}** | **{account_all:,.0f}** | | |"
    )
    entry = owned.get("schedule", (0.0, 0.0))[0] / site_entries
    samples = owned.get("samples:availability", (0.0, 0.0))[0]
    newest = owned.get("obs:availability", (0.0, 0.0))[0]
    budget = entry + samples + newest
    verdict = "within" if budget <= BUDGET_BYTES else "over"
    lines += [
        "",
        f"An availability target: schedule entry {entry:,.0f} B + samples {samples:,.0f} B + newest observation "
        f"{newest:,.0f} B = **{budget:,.0f} B**, {verdict} the {BUDGET_BYTES:,} B budget.",
    ]
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    directory = Path(tempfile.mkdtemp(prefix="govmon-redis-memory-"))
    server = EmbeddedRedis(directory / "redis", port=free_port()).start()
    try:
        usage = asyncio.run(fill(server.url, args.sites, args.accounts, "mem"))
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    text = render(usage, args.sites, args.accounts)
    print(text)
    if args.write:
        replace_section(args.write, "redis-memory", text)


if __name__ == "__main__":
    main()
