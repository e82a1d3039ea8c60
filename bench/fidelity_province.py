"""False vetoes on a simulated province (issue 14): ``govmon check`` against the simulator's truth.

Builds a seeded province (``--sites`` of the usual mix) plus one site per shape an inspector reads as fine
but a keyword reader may veto (``FIDELITY``: channels under other names or behind a login, services under
other names or only an image, message lists with statuses only, fresh news shown undated beside old dated
blocks, rows dated with the day of the event they announce, column landing pages), runs ``govmon check --json`` once and
compares the veto violations it reports with the ones the truth holds, computed with indicators.md's
arithmetic independently of govmon's rules. Prints the false vetoes (reported, not in the truth) and the
misses (in the truth, not reported), each with its site and shapes.

Usage: ``python bench/fidelity_province.py [--sites 50] [--seed 14]``; exit 1 when any false veto or miss.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from monitor.sim import SimWeb
from monitor.sim.records import WORKING_CHANNELS, SiteSpec
from monitor.sim.scenarios import mix

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
FIDELITY = (
    SiteSpec(channel="named"),
    SiteSpec(channel="named", kind="department"),
    SiteSpec(channel="login"),
    SiteSpec(service="renamed"),
    SiteSpec(service="image", kind="department"),
    SiteSpec(service="renamed", channel="named"),
    SiteSpec(messages="statuses"),
    SiteSpec(messages="statuses", kind="portal"),
    SiteSpec(homepage_mixed="undated_news", column_age_days={"tzgg": 40, "zcwj": 60, "ztzl": 90}),
    SiteSpec(
        homepage_mixed="slider_only", column_age_days={"tzgg": 25, "zcwj": 33, "ztzl": 40}, kind="department"
    ),
    SiteSpec(future_event=True),
    SiteSpec(future_event=True, future_event_column="zwyw", kind="portal"),
    SiteSpec(landing=("zcwj", "tzgg", "ghjh", "rsxx"), empty=("zcjd",)),
    # 4 stale notice/news columns and 政策解读, 统计公报, 审计公告 idle past 6 months: not 5 in columns.stale
    SiteSpec(
        kind="portal",
        stale=("gzdt", "zwyw", "tzgg", "zcwj"),
        column_age_days={"zcjd": 250, "tjgb": 300, "sjgg": 280},
    ),
)
"""The shapes of ``monitor.sim.fidelity``, each on a healthy site: every veto reported on them is false."""
MORE = (
    SiteSpec(interaction=False),
    SiteSpec(service="none"),
    SiteSpec(channel="xinfang_only"),
    SiteSpec(messages="unanswered"),
    SiteSpec(homepage_stale=True),
    SiteSpec(stale=("gzdt", "zwyw", "tpxw", "tzgg", "zcwj")),
    SiteSpec(empty=("tzgg", "zcwj", "gfxwj", "zcjd", "ghjh")),
    SiteSpec(future_item=True),
    SiteSpec(  # ten columns idle over a year that columns.stale does not hold: columns.long_stale
        kind="portal",
        stale=("gfxwj", "zcjd", "rsxx", "ghjh", "tjgb", "sgs", "jcygk", "sjgg", "rsrm", "zkly"),
        column_age_days={"gfxwj": 400},
    ),
)
"""Injected vetoes, each once, so that a fix that silences a rule shows as a miss."""
FAST = {
    "links": {"crawl_pages": 0, "crawl_depth": 0},
    "fetch": {"per_host_rate": {"requests": 200}, "per_host_concurrency": 16},
}
Key = tuple[str, str]


def column_vetoes(sid: str, site: dict[str, Any]) -> set[Key]:
    """The 栏目不更新 vetoes as the simulator's truth counts them (``monitor.sim.columnkinds``: the six-month
    rule without 政策解读/统计公报 …, long_stale at a year, one column under one indicator)."""
    return {(sid, code) for code, count in site["column_counts"].items() if count["status"] == "violation"}


def site_vetoes(sid: str, site: dict[str, Any], today: dt.date) -> set[Key]:
    """The veto violations the truth holds for a site govmon can read."""
    found = column_vetoes(sid, site)
    if site["homepage_navigation_only"]:
        ages = [c["age_days"] for c in site["columns"] if c["first_level"] and c["age_days"] is not None]
        age = min(ages) if ages else None
    else:
        newest = site["homepage_newest"]
        age = (today - dt.date.fromisoformat(newest)).days if newest else None
    if age is None or age > 14:
        found.add((sid, "homepage.stale"))
    if site["future_item"]:
        found.add((sid, "content.future_date"))
    if not site["interaction"] or site["channel"] not in WORKING_CHANNELS:
        found.add((sid, "interaction.missing"))
    elif site["unanswered_messages"] and site["messages"] != "statuses":
        found.add((sid, "interaction.unanswered"))
    if site["service"] == "none":
        found.add((sid, "service.missing"))
    return found


def account_vetoes(aid: str, account: dict[str, Any]) -> set[Key]:
    code = {"silent": "media.stale", "empty": "media.never_published"}.get(account["archetype"])
    return {(aid, code)} if code else set()


async def govmon_check(sim: SimWeb, directory: Path) -> list[dict[str, Any]]:
    config = directory / "govmon.yaml"
    config.write_text(yaml.safe_dump({**sim.inventory(), **FAST}, allow_unicode=True), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
    env["GOVMON_DATA_DIR"] = str(directory / "data")
    as_of = sim.now + dt.timedelta(minutes=5)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor", "check", "-c", str(config), "--json",
        "--as-of", as_of.isoformat(timespec="seconds"),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 600)
    if process.returncode not in (0, 1, 3):
        raise SystemExit(err.decode()[-3000:])
    return list(json.loads(out))


async def run(seed: int, sites: int) -> int:
    specs = (*mix(seed, sites - len(FIDELITY) - len(MORE)), *FIDELITY, *MORE)
    now = dt.datetime.now(SHANGHAI).replace(microsecond=0)
    async with SimWeb(seed=seed, now=now, sites=list(specs)) as sim:
        truth = sim.truth()
        with tempfile.TemporaryDirectory() as directory:
            findings = await govmon_check(sim, Path(directory))
    readable = {sid: s for sid, s in truth["sites"].items() if s["health"] in ("healthy", "gbk")}
    shapes = {sim_site.id: sim_site.spec for sim_site in sim.sites}
    want: set[Key] = set()
    for sid, site in readable.items():
        want |= site_vetoes(sid, site, now.date())
    for aid, account in truth["accounts"].items():
        want |= account_vetoes(aid, account)
    judged = set(readable) | set(truth["accounts"])
    got = {
        (f["target"], f["code"])
        for f in findings
        if f["severity"] == "veto" and f["status"] == "violation" and f["target"] in judged
    }
    false, missed = sorted(got - want), sorted(want - got)
    on_shapes = [k for k in false if shapes.get(k[0]) in FIDELITY]
    print(f"sites {len(truth['sites'])} (readable {len(readable)}), accounts {len(truth['accounts'])}")
    print(f"veto violations reported {len(got)}, in the truth {len(want)}")
    print(f"false vetoes {len(false)} (on the fidelity shapes {len(on_shapes)}), missed {len(missed)}")
    for target, code in false:
        print(f"  false  {target} {code}  {_shape(shapes.get(target))}")
    for target, code in missed:
        print(f"  missed {target} {code}  {_shape(shapes.get(target))}")
    return 1 if false or missed else 0


def _shape(spec: SiteSpec | None) -> str:
    if spec is None:
        return "account"
    default = SiteSpec()
    return (
        ", ".join(
            f"{name}={getattr(spec, name)!r}"
            for name in (
                "health",
                "channel",
                "service",
                "messages",
                "interaction",
                "homepage_stale",
                "homepage_mixed",
                "future_event",
                "landing",
                "stale",
                "empty",
            )
            if getattr(spec, name) != getattr(default, name)
        )
        or "plain"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(run(args.seed, args.sites)))


if __name__ == "__main__":
    main()
