"""A real Prometheus (Debian's package) scraping ``govmon run`` on the simulated government web, with the alert
rules loaded (``for:`` shortened in a test copy): every PromQL expression of the dashboards and rules
evaluates, the dashboards' queries return data, and ``GovmonVetoViolation`` names exactly the simulator's
unreachable sites and no target without a veto violation."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest
import yaml

from monitor.engine.kv.connect import free_port
from monitor.sim import SimWeb
from tests.deploy.dashboards import DEPLOY, panel_queries, rule_exprs, with_variables
from tests.deploy.prometheus_server import PROMETHEUS, Prometheus, shortened_rules, write_config

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(180),
    pytest.mark.skipif(PROMETHEUS is None, reason="prometheus is not installed (apt-get install prometheus)"),
]

UNREACHABLE_HEALTHS = {"down", "error", "slow", "flaky"}
NOTICE_SERIES = ("govmon_notices_total",)  # a series per channel once a notice is sent; none configured here
# Availability scaled from days to seconds (a probe every 0.5 s, a verdict from 20 samples, the indicator's
# 5 % line); content checks soon after start, so ages, links and silent accounts have data too.
SCALED = {
    "availability": {
        "probes_per_day": 172800,
        "timeout_s": 1.0,
        "window_days": 1,
        "min_probes": 20,
        "control_cache_s": 5,
    },
    "engine": {"evaluate_interval_s": 1, "tick_s": 0.1, "shutdown_grace_s": 3, "slots": 32},
    "crawl": {"homepage_interval_s": 3600, "columns_interval_s": 8},
    "links": {"interval_s": 3600},
    "services": {"interval_s": 3600},
    "interaction": {"interval_s": 3600},
    "media": {"poll_interval_s": 8},
}


async def veto_findings(api: str) -> dict[str, set[str]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{api}/api/findings", params={"severity": "veto", "status": "violation"}) as r,
    ):
        findings = await r.json()
    by_code: dict[str, set[str]] = {}
    for f in findings:
        by_code.setdefault(f["code"], set()).add(f["target"])
    return by_code


async def veto_alerts(prom: Prometheus) -> dict[str, set[str]]:
    by_code: dict[str, set[str]] = {}
    for alert in await prom.alerts():
        if alert["labels"]["alertname"] == "GovmonVetoViolation":
            by_code.setdefault(alert["labels"]["code"], set()).add(alert["labels"]["target"])
    return by_code


async def test_prometheus_scrapes_govmon_and_the_veto_alert_names_the_unreachable_sites(tmp_path: Path):
    async with SimWeb(
        seed=7, scenario="demo", probe_timeout_s=1.0, slow_latency_s=2.0, media_cases=True
    ) as sim:
        truth = sim.truth()["sites"]
        injected = {sid for sid, t in truth.items() if t["health"] in UNREACHABLE_HEALTHS}
        assert len(injected) == 4
        config = tmp_path / "govmon.yaml"
        config.write_text(yaml.safe_dump({**sim.inventory(), **SCALED}, allow_unicode=True), encoding="utf-8")
        port = free_port()
        api = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("GOVMON_")}
        env["GOVMON_DATA_DIR"] = str(tmp_path / "data")
        log_path = tmp_path / "govmon.log"
        with log_path.open("wb") as log:
            daemon = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "monitor", "run", "-c", str(config), "--listen", f"127.0.0.1:{port}",
                env=env, stdout=log, stderr=log,
            )  # fmt: skip
        rules = shortened_rules(DEPLOY / "prometheus" / "govmon.rules.yml", tmp_path / "govmon.rules.yml", 2)
        prom_config = write_config(tmp_path, [f"127.0.0.1:{port}"], [rules])
        try:
            async with Prometheus(prom_config, tmp_path / "prometheus") as prom:
                alerted: dict[str, set[str]] = {}
                deadline = time.monotonic() + 120  # ~15 s on an idle machine; CI machines are shared
                while time.monotonic() < deadline:
                    alerted = await veto_alerts(prom)
                    if alerted.get("site.unreachable", set()) >= injected:
                        break
                    await asyncio.sleep(1)
                vetoes = await veto_findings(api)
                assert alerted.get("site.unreachable") == injected, (alerted, log_path.read_text()[-3000:])
                for code, targets in alerted.items():
                    assert targets <= vetoes.get(code, set()), f"{code}: alert for {targets - vetoes[code]}"

                await wait_for_content(prom)
                for _rule, expr in rule_exprs(DEPLOY / "prometheus" / "govmon.rules.yml"):
                    await prom.query(expr)  # raises on an evaluation error
                empty = []
                queries = panel_queries()
                for dashboard, title, expr in queries:
                    if not await prom.query(with_variables(expr)):
                        empty.append(f"{dashboard} / {title}: {expr}")
                # Only the notices panel may be empty: the simulator's inventory has no owners to notify.
                unexplained = [q for q in empty if not any(s in q for s in NOTICE_SERIES)]
                assert not unexplained, "\n".join(empty)
        finally:
            daemon.send_signal(signal.SIGTERM)
            await asyncio.wait_for(daemon.wait(), 30)


async def wait_for_content(prom: Prometheus) -> None:
    """Until the columns crawl, the media poll and an at_risk due date show (they follow the probes)."""
    deadline = time.monotonic() + 40
    wanted = ("govmon_column_age_days", "govmon_account_silent_days", "govmon_homepage_age_days")
    while time.monotonic() < deadline:
        present = [bool(await prom.query(name)) for name in wanted]
        if all(present):
            return
        await asyncio.sleep(1)
