"""The deployment files an ops engineer applies, checked without Docker or a cluster: the Compose file against
the Compose specification's JSON schema, the Kubernetes manifests with an offline validator, and every image,
port, path and command cross-checked with the code (each ``govmon …`` command parses with the CLI's parser,
health checks poll the port the command listens on, Prometheus scrapes those ports).

``compose-spec.json`` is vendored from https://github.com/compose-spec/compose-spec (``schema/compose-spec.json``
at commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6, Apache License 2.0).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from monitor.cli import build_parser
from monitor.inventory import load_config
from tests.deploy.dashboards import DEPLOY

HERE = Path(__file__).resolve().parent
ROLE_PORTS = {"api": 9731, "worker": 9741, "scheduler": 9751}
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
PROMETHEUS = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
KUSTOMIZATION = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text(encoding="utf-8"))


def k8s_documents() -> list[dict[str, Any]]:
    return [
        doc
        for name in KUSTOMIZATION["resources"]
        for doc in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text(encoding="utf-8"))
        if doc
    ]


def govmon_services() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in COMPOSE["services"].items() if s.get("image", "").startswith("govmon")}


def listen_port(argv: list[str]) -> tuple[str, int]:
    """The role and port of a ``govmon`` command, as the CLI parses it."""
    args = build_parser().parse_args(argv)
    assert args.listen is not None, f"{argv}: a container must serve health with --listen"
    assert args.listen[0] == "0.0.0.0", f"{argv}: bind all interfaces inside a container"
    return args.command, args.listen[1]


def test_compose_file_is_valid_against_the_compose_specification():
    schema = json.loads((HERE / "compose-spec.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(COMPOSE)


def test_compose_runs_every_role_and_the_monitoring_stack():
    services = COMPOSE["services"]
    roles = [build_parser().parse_args(s["command"]).command for s in govmon_services().values()]
    assert sorted(roles) == ["api", "scheduler", "scheduler", "worker"]
    assert {"redis", "prometheus", "alertmanager", "grafana"} <= set(services)
    redis = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis
    assert any(v.endswith(":/data") for v in services["redis"]["volumes"])


def test_compose_health_checks_and_scrapes_use_the_port_each_command_listens_on():
    scraped = {
        job["job_name"]: {
            int(t.rsplit(":", 1)[1]) for sc in job.get("static_configs", ()) for t in sc["targets"]
        }
        | {sd["port"] for sd in job.get("dns_sd_configs", ())}
        for job in PROMETHEUS["scrape_configs"]
    }
    for name, service in govmon_services().items():
        role, port = listen_port(service["command"])
        assert port == ROLE_PORTS[role], name
        assert f"127.0.0.1:{port}/healthz" in " ".join(service["healthcheck"]["test"]), name
        assert service["environment"]["GOVMON_HEALTH_PORT"] == str(port), name
        assert scraped[f"govmon-{role}"] == {port}, name
    scheduler_targets = {t for job in PROMETHEUS["scrape_configs"] if job["job_name"] == "govmon-scheduler"
                         for sc in job["static_configs"] for t in sc["targets"]}  # fmt: skip
    assert {t.split(":")[0] for t in scheduler_targets} == {
        n for n in COMPOSE["services"] if "scheduler" in n
    }


def test_compose_mounts_exist_and_match_what_prometheus_and_grafana_read():
    for name, service in COMPOSE["services"].items():
        for volume in service.get("volumes", ()):
            source = volume.split(":")[0]
            source = re.sub(r"\$\{[A-Z_]+:-([^}]+)\}", r"\1", source)
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"{name}: {source} does not exist"
    prometheus = COMPOSE["services"]["prometheus"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus["command"]
    assert "./prometheus:/etc/prometheus:ro" in prometheus["volumes"]
    assert all((DEPLOY / "prometheus" / f).exists() for f in PROMETHEUS["rule_files"])
    provider = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/govmon.yml").read_text())[
        "providers"
    ][0]
    assert (
        f"./grafana/dashboards:{provider['options']['path']}:ro" in COMPOSE["services"]["grafana"]["volumes"]
    )
    datasource = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/govmon.yml").read_text())
    assert datasource["datasources"][0]["url"] == "http://prometheus:9090"


def test_the_configuration_compose_mounts_by_default_loads():
    loaded = load_config(DEPLOY.parent / "config" / "govmon.example.yaml")
    assert not loaded.fatal and loaded.sites


def test_dockerfile_serves_health_on_the_port_its_command_listens_on():
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))  # type: ignore[union-attr]
    _role, port = listen_port(cmd)
    assert f"ENV GOVMON_HEALTH_PORT={port}" in dockerfile
    exposed = {int(p) for p in re.search(r"^EXPOSE (.*)$", dockerfile, re.M).group(1).split()}  # type: ignore[union-attr]
    assert set(ROLE_PORTS.values()) <= exposed
    assert "GOVMON_HEALTH_PORT" in re.search(r"^HEALTHCHECK .*$", dockerfile, re.M).group(0)  # type: ignore[union-attr]
    for source in re.findall(r"^COPY (\S+)", dockerfile, re.M):
        assert (DEPLOY.parent / source).exists(), source


@pytest.mark.parametrize("doc", k8s_documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_kubernetes_manifest_is_valid(doc):
    kubernetes_validate.validate(doc, "1.30.0", strict=True)


def test_every_govmon_role_has_probes_on_the_port_it_listens_on():
    deployments = {d["metadata"]["name"]: d for d in k8s_documents() if d["kind"] == "Deployment"}
    assert set(deployments) == {"govmon-api", "govmon-worker", "govmon-scheduler"}
    images = {i["name"] for i in KUSTOMIZATION["images"]}
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]
        (container,) = pod["spec"]["containers"]
        assert container["image"] in images
        role, port = listen_port(container["args"])
        assert name == f"govmon-{role}" and port == ROLE_PORTS[role]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        for probe in ("readinessProbe", "livenessProbe"):
            http = container[probe]["httpGet"]
            assert http["path"] == "/healthz" and ports[http["port"]] == port, (name, probe)
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        env = {e["name"]: e for e in container["env"]}
        assert env["GOVMON_HEALTH_PORT"]["value"] == str(port)
        assert env["GOVMON_REDIS_URL"]["valueFrom"]["secretKeyRef"]["name"] == "govmon"
    assert deployments["govmon-scheduler"]["spec"]["replicas"] == 2
    (hpa,) = [d for d in k8s_documents() if d["kind"] == "HorizontalPodAutoscaler"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "govmon-worker"


def test_kubernetes_configuration_loads_and_every_referenced_file_exists():
    for entry in KUSTOMIZATION["configMapGenerator"]:
        for name in entry["files"]:
            loaded = load_config(DEPLOY / "k8s" / name)
            assert not loaded.problems, loaded.problems
    for name in KUSTOMIZATION["resources"]:
        assert (DEPLOY / "k8s" / name).exists(), name


@pytest.mark.parametrize("unit", sorted((DEPLOY / "systemd").glob("*.service")), ids=lambda p: p.name)
def test_systemd_units_start_a_command_the_cli_parses_and_serve_health(unit):
    (exec_start,) = re.findall(r"^ExecStart=(\S+) (.*)$", unit.read_text(encoding="utf-8"), re.M)
    assert exec_start[0] == "/usr/local/bin/govmon"
    argv = exec_start[1].replace("%i", "1").split()
    args = build_parser().parse_args(argv)
    assert args.listen is not None and args.listen[0] == "127.0.0.1", (
        f"{unit.name}: serves /healthz on loopback"
    )
    if args.command in ROLE_PORTS:  # worker@1 listens on 9741, worker@2 on 9742, …
        assert args.listen[1] == ROLE_PORTS[args.command], unit.name
