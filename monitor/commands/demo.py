"""``govmon demo``: the simulated government web plus the daemon, for a first look without internet.

Starts the simulator on loopback, writes its inventory as an ordinary configuration file (so the user can
also ``govmon check -c`` it), and runs every role against it with the availability window scaled down from
days to seconds, printing findings as they open and close. Uses its own embedded Redis under
``<data dir>/demo`` and starts from a clean slate each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO, cast

import yaml

from monitor import logs
from monitor.app import ROLES, install_signal_handlers, run_roles
from monitor.commands.demo_console import (
    LEGEND,
    Console,
    accounts_line,
    announce_stop,
    explain_for_newcomers,
    injected,
    site_row,
    stop_when_gone,
    time_banner,
)
from monitor.commands.demo_webhook import DemoWebhook
from monitor.inventory import load_config
from monitor.model import Finding
from monitor.runtime import open_runtime
from monitor.settings import Settings
from monitor.sim import SimWeb

PROBE_TIMEOUT_S = 2.0
DEMO_SETTINGS: dict[str, Any] = {
    # Scaled down so findings appear within a minute: a probe every 2 s (43,200 a day), a verdict from
    # 15 samples (the window is one day, so its one day needs those 15), the same 5 % / 3 % lines as the
    # indicator.
    "availability": {
        "probes_per_day": 43200,
        "timeout_s": PROBE_TIMEOUT_S,
        "window_days": 1,
        "min_probes": 15,
        "min_probes_per_day": 15,
        "fail_ratio": 0.05,
        "warn_ratio": 0.03,
        "control_cache_s": 5,
    },
    "engine": {
        "evaluate_interval_s": 5,
        "visibility_timeout_s": 30,
        "job_timeout_s": 60,
        "slots": 32,
        "tick_s": 0.25,
        # Ctrl-C stops within 3 s: a job still running after 0.5 s is handed back (the demo starts clean anyway)
        "shutdown_grace_s": 0.5,
    },
    # Content checks every two minutes instead of every few hours, so that stale and empty columns, broken
    # links, missing services and silent accounts show up during a first look too.
    "crawl": {"homepage_interval_s": 60, "columns_interval_s": 120},
    "links": {"interval_s": 120},
    "services": {"interval_s": 120},
    "interaction": {"interval_s": 120},
    "media": {"poll_interval_s": 120},
}


def demo_config(
    sim: SimWeb, data_dir: Path, webhook: DemoWebhook | None = None, public_url: str = ""
) -> dict[str, Any]:
    config = dict(sim.inventory())
    config.update(DEMO_SETTINGS)
    config["data_dir"] = str(data_dir)
    config.pop("redis_url", None)
    if webhook is not None:  # every owner hears through the demo's webhook, printed on the console
        rows: list[Any] = [*(config.get("sites") or ()), *(config.get("accounts") or ())]  # type: ignore[misc]
        for row in rows:
            row["owners"] = [webhook.owner_url(row["id"])]
        config["notify"] = {"public_url": public_url}
    return config


def finding_line(f: Finding, verb: str) -> str:
    due = f" due {f.due:%Y-%m-%d %H:%M}" if f.due else ""
    return (
        f"{time.strftime('%H:%M:%S')} {verb:8} [{f.severity}/{f.status}] {f.name} ({f.target}) {f.code}: "
        f"{f.message}{due}"
    )


async def print_findings_as_they_change(runtime: Any, stop: asyncio.Event, every_s: float = 2.0) -> None:
    shown: dict[str, Finding] = {}
    while not stop.is_set():
        current = {f.key: f for f in await runtime.findings().query()}
        for key, finding in current.items():
            before = shown.get(key)
            if before is None or before.status != finding.status:  # not every new sample, only news
                print(finding_line(finding, "opened" if before is None else "changed"), flush=True)
        for key in shown.keys() - current.keys():
            print(finding_line(shown[key], "resolved"), flush=True)
        shown = current
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)


async def run_demo(*, seed: int, listen: tuple[str, int], duration_s: float | None) -> None:
    console = Console(sys.stdout)  # every print of the demo (and its webhook's) goes through it
    with contextlib.redirect_stdout(cast(TextIO, console)):
        await _run_demo(console, seed=seed, listen=listen, duration_s=duration_s)


async def _run_demo(
    console: Console, *, seed: int, listen: tuple[str, int], duration_s: float | None
) -> None:
    data_dir = Settings().effective_data_dir() / "demo"
    data_dir.mkdir(parents=True, exist_ok=True)
    # The demo's Redis is flushed at start, so it must be its own: never GOVMON_REDIS_URL's, nor the embedded
    # one a daemon of GOVMON_DATA_DIR uses (the environment wins over the configuration file).
    os.environ.pop("GOVMON_REDIS_URL", None)
    os.environ["GOVMON_DATA_DIR"] = str(data_dir)
    logs.configure(
        level=os.environ.get("GOVMON_LOG_LEVEL") or "WARNING",
        json=False,
        before_render=[explain_for_newcomers(DEMO_SETTINGS["engine"]["job_timeout_s"])],
    )
    async with (
        SimWeb(seed=seed, scenario="demo", probe_timeout_s=PROBE_TIMEOUT_S, media_cases=True) as sim,
        DemoWebhook(sys.stdout) as webhook,
    ):
        path = data_dir / "govmon-demo.yaml"
        config = demo_config(sim, data_dir, webhook, f"http://{listen[0]}:{listen[1]}")
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
        loaded = load_config(path)
        for problem in loaded.problems:
            print(f"govmon demo: {problem}")
        if loaded.fatal:
            raise SystemExit(
                "govmon demo: the simulator's configuration did not load (a bug: please report it)"
            )
        print(
            f"govmon demo: {len(loaded.sites)} simulated sites, {len(loaded.accounts)} accounts on loopback"
        )
        for site in sim.sites:
            label = injected(
                site,
                probe_timeout_s=PROBE_TIMEOUT_S,
                slow_latency_s=sim.slow_latency_s,
                flaky_ratio=sim.flaky_ratio,
            )
            print(site_row(site, label))
        print(accounts_line(sim.accounts))
        for line in time_banner(DEMO_SETTINGS["availability"], DEMO_SETTINGS["links"]["interval_s"]):
            print(line)
        for line in LEGEND:
            print(line)
        print(f"govmon demo: configuration written to {path}")
        print(
            f"govmon demo: every owner's notices go to a webhook at http://{webhook.host}:{webhook.port}/owner/ID "
            "and are printed here as 'notice → owner/ID'"
        )
        print(
            f"govmon demo: metrics at http://{listen[0]}:{listen[1]}/metrics, findings at "
            f"http://{listen[0]}:{listen[1]}/api/findings; Ctrl-C stops"
        )
        stop = asyncio.Event()
        install_signal_handlers(stop)
        async with open_runtime(loaded) as runtime:
            await runtime.redis.flushdb()  # the demo's own Redis: start clean every time
            async with asyncio.TaskGroup() as group:
                group.create_task(run_roles(runtime, ROLES, stop, listen))
                group.create_task(print_findings_as_they_change(runtime, stop))
                group.create_task(announce_stop(stop, sys.stdout))
                group.create_task(stop_when_gone(console, stop))
                if duration_s is not None:
                    group.create_task(_stop_after(stop, duration_s))
    print("govmon demo: stopped")


async def _stop_after(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    stop.set()
