"""The Prometheus and Alertmanager files an ops engineer loads pass the tools' own checks, and every alert rule
behaves as its unit test says (``promtool test rules``). CI installs Debian's ``prometheus`` package."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROMTOOL = shutil.which("promtool")
AMTOOL = shutil.which("amtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed (apt-get install prometheus; .ci/run does)"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=DEPLOY)


@needs_promtool
def test_every_rule_file_passes_promtool_check_rules():
    rule_files = sorted(DEPLOY.glob("prometheus/*.rules.yml"))
    assert rule_files
    done = run(str(PROMTOOL), "check", "rules", *map(str, rule_files))
    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_prometheus_config_loads_with_its_rules():
    done = run(str(PROMTOOL), "check", "config", "prometheus/prometheus.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 rule files found" in done.stdout


@needs_promtool
def test_every_alert_rule_has_a_passing_unit_test():
    tests = sorted(DEPLOY.glob("prometheus/tests/*.yml"))
    done = run(str(PROMTOOL), "test", "rules", *map(str, tests))
    assert done.returncode == 0, done.stdout + done.stderr
    rules = {
        rule["alert"]
        for path in DEPLOY.glob("prometheus/*.rules.yml")
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    tested = {
        case["alertname"]
        for path in tests
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", ())
    }
    assert rules == tested, f"rules without a unit test: {sorted(rules - tested)}"


@pytest.mark.skipif(
    AMTOOL is None, reason="amtool is not installed (apt-get install prometheus-alertmanager)"
)
def test_alertmanager_config_passes_amtool():
    done = run(str(AMTOOL), "check-config", "alertmanager/alertmanager.yml")
    assert done.returncode == 0, done.stdout + done.stderr
