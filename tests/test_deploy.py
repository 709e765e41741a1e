"""deploy/: every setting and command the compose file and Kubernetes example pass is one the app reads."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from assistant import api, pages
from assistant.cli import make_parser
from assistant.pipeline import BACKENDS
from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
# The environment variables the program reads: the names in settings.py and cli.py.
READ = set(re.findall(r"\"(MINZHENG_[A-Z_]+)\"", (REPO / "assistant" / "settings.py").read_text(encoding="utf-8")
                      + (REPO / "assistant" / "cli.py").read_text(encoding="utf-8")))


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def _kubernetes() -> list[dict[str, Any]]:
    return [doc for path in sorted((DEPLOY / "kubernetes").glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _containers(docs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(workload, container) for every container of every Deployment, StatefulSet and Job."""
    return [(doc, container) for doc in docs if doc["kind"] in ("Deployment", "StatefulSet", "Job")
            for container in doc["spec"]["template"]["spec"]["containers"]]


def _app_runs() -> list[tuple[str, dict[str, str], list[str]]]:
    """(where, environment, command) of every place the files run the assistant."""
    runs = []
    for name, service in _compose()["services"].items():
        if service.get("command", [])[:3] == ["python", "-m", "assistant"]:
            env = {k: str(v) for k, v in service.get("environment", {}).items()}
            runs.append((f"compose {name}", env, service["command"][3:]))
    docs = _kubernetes()
    maps = {doc["metadata"]["name"]: doc["data"] for doc in docs if doc["kind"] == "ConfigMap"}
    for workload, container in _containers(docs):
        if container.get("command", [])[:3] == ["python", "-m", "assistant"]:
            env = {k: str(v) for source in container.get("envFrom", []) for k, v in maps[source["configMapRef"]["name"]].items()}
            env.update({e["name"]: str(e["value"]) for e in container.get("env", [])})
            runs.append((f"kubernetes {workload['metadata']['name']}", env, container["command"][3:]))
    return runs


def test_the_files_run_the_build_and_several_api_replicas():
    runs = _app_runs()
    assert {command[0] for _, _, command in runs} == {"build", "serve"}
    assert len(runs) == 4  # compose and Kubernetes each: a build job and the API
    assert _compose()["services"]["api"]["deploy"]["replicas"] > 1
    assert next(d for d in _kubernetes() if d["kind"] == "Deployment")["spec"]["replicas"] > 1


@pytest.mark.parametrize("run", _app_runs(), ids=lambda run: run[0])
def test_every_setting_passed_is_read_by_the_app_and_parses(run, monkeypatch):
    where, env, command = run
    assert set(env) - READ == set(), f"{where} passes settings the app never reads"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    values = {str(v) for v in asdict(settings).values()}
    assert {v for v in env.values()} <= values, f"{where}: a value did not reach the settings"
    assert settings.backend in BACKENDS and settings.backend != "files"
    assert settings.qdrant_url and settings.qdrant_path is None
    make_parser().parse_args(command)  # raises UsageError on an option the CLI does not take


def test_the_qdrant_cluster_has_three_peers_and_replicates_every_shard():
    services = _compose()["services"]
    peers = [name for name, s in services.items() if s.get("image", "").startswith("qdrant/qdrant")]
    assert len(peers) == 3
    assert all(services[p]["environment"]["QDRANT__CLUSTER__ENABLED"] == "true" for p in peers)
    joined = [p for p in peers if "--bootstrap" in services[p]["command"]]
    assert len(joined) == 2
    build = services["build"]["environment"]
    replication, shards = int(build["MINZHENG_QDRANT_REPLICATION"]), int(build["MINZHENG_QDRANT_SHARDS"])
    assert 2 <= replication <= len(peers) and shards >= len(peers)
    statefulset = next(d for d in _kubernetes() if d["kind"] == "StatefulSet")
    assert statefulset["spec"]["replicas"] == 3


def test_the_app_reaches_qdrant_and_the_proxy_reaches_the_app():
    compose = _compose()
    for where, env, _ in _app_runs():
        host = urlparse(env["MINZHENG_QDRANT_URL"])
        names = set(compose["services"]) if where.startswith("compose") else {
            d["metadata"]["name"] for d in _kubernetes() if d["kind"] == "Service"}
        assert host.hostname in names and host.port == 6333, where
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"server (\w+):(\d+)", nginx)
    assert upstream is not None
    api = compose["services"][upstream.group(1)]
    assert api["command"][api["command"].index("--port") + 1] == upstream.group(2)
    assert compose["services"]["proxy"]["ports"] == ["127.0.0.1:8080:80"]


def test_the_kubernetes_objects_point_at_each_other_and_at_real_routes():
    docs = _kubernetes()
    routes = {route.path for route in api.router.routes + pages.router.routes}  # type: ignore[attr-defined]
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service"}
    for workload, container in _containers(docs):
        labels = workload["spec"]["template"].get("metadata", {}).get("labels", {})
        ports = {p["name"] for p in container.get("ports", [])}
        for probe in ("readinessProbe", "livenessProbe"):
            if probe in container and workload["kind"] == "Deployment":
                assert container[probe]["httpGet"]["path"] in routes
        for service in services.values():
            if service["spec"]["selector"].items() <= labels.items():
                assert {p.get("targetPort", p["name"]) for p in service["spec"]["ports"]} <= ports | {
                    p["port"] for p in service["spec"]["ports"]}
    ingress = next(d for d in docs if d["kind"] == "Ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] in services
