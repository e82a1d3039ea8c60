"""Helpers shared by the deployment tests: the dashboard generator (deploy/ is not a package) and the
PromQL expressions of the committed dashboards and rules."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARDS = ("overview", "target", "media", "operations")


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "govmon_grafana_generate", DEPLOY / "grafana" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def committed(name: str) -> dict[str, Any]:
    return json.loads((DEPLOY / "grafana" / "dashboards" / f"{name}.json").read_text(encoding="utf-8"))


def panel_queries() -> list[tuple[str, str, str]]:
    """(dashboard, panel title, expr) for every query of the four committed dashboards."""
    return [
        (name, panel["title"], target["expr"])
        for name in DASHBOARDS
        for panel in committed(name)["panels"]
        for target in panel.get("targets", ())
    ]


def with_variables(expr: str) -> str:
    """An expression as Grafana sends it with every template variable set to All (``.*``)."""
    return expr.replace("$region", ".*").replace("$target", ".*")


def rule_exprs(rules_path: Path) -> list[tuple[str, str]]:
    document = yaml.safe_load(rules_path.read_text(encoding="utf-8"))
    return [
        (rule.get("alert") or rule["record"], rule["expr"]) for g in document["groups"] for rule in g["rules"]
    ]
