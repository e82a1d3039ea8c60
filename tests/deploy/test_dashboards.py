"""The four Grafana dashboards an ops team imports: committed as the generator writes them, each query on the
provisioned datasource, the template variables Grafana offers, and only metric names govmon serves."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.deploy.dashboards import DASHBOARDS, DEPLOY, committed, generator, panel_queries, rule_exprs

PROVISIONED = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/govmon.yml").read_text())


@pytest.mark.parametrize("name", DASHBOARDS)
def test_committed_dashboard_is_what_the_generator_writes(name):
    written = (DEPLOY / "grafana" / "dashboards" / f"{name}.json").read_text(encoding="utf-8")
    assert written == generator().dashboard_json(name), "run: python deploy/grafana/generate.py"


def test_every_panel_queries_the_provisioned_datasource():
    uid = PROVISIONED["datasources"][0]["uid"]
    for name in DASHBOARDS:
        for panel in committed(name)["panels"]:
            assert panel["datasource"]["uid"] == uid, (name, panel["title"])
            assert panel["targets"], (name, panel["title"])
            assert {t["datasource"]["uid"] for t in panel["targets"]} == {uid}


def test_target_dashboard_offers_region_and_target_and_panels_do_not_overlap():
    variables = [v["name"] for v in committed("target")["templating"]["list"]]
    assert variables == ["region", "target"]
    for name in DASHBOARDS:
        cells = set()
        for panel in committed(name)["panels"]:
            pos = panel["gridPos"]
            assert pos["x"] + pos["w"] <= 24
            mine = {
                (x, y)
                for x in range(pos["x"], pos["x"] + pos["w"])
                for y in range(pos["y"], pos["y"] + pos["h"])
            }
            assert not cells & mine, (name, panel["title"])
            cells |= mine


def test_queries_name_only_series_govmon_or_prometheus_serve():
    served = (DEPLOY.parent / "monitor").rglob("*.py")
    source = "\n".join(path.read_text(encoding="utf-8") for path in served)
    rules = [("rules", name, expr) for name, expr in rule_exprs(DEPLOY / "prometheus" / "govmon.rules.yml")]
    exprs = [*panel_queries(), *rules]
    for dashboard, title, expr in exprs:
        for metric in set(re.findall(r"\bgovmon_[a-z_]+", expr)):
            base = re.sub(r"_(total|bucket|sum|count)$", "", metric)
            assert f'"{base}"' in source, f"{dashboard} / {title}: {metric} is served by no module"
