"""Chart tests render with the real helm binary (installed by `make test` into .tools/bin): our chart, and
the upstream Airflow 1.21.0 and Airbyte 2.2.0 charts as packaged releases from ../shared/reference/charts
(the versions skaffold.yaml installs). Every render goes through `render_chart`."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import K8S_VERSION, REPO, SHARED_REFERENCE, require_shared

CHART = REPO / "charts" / "pipeline"
HELM_VALUES = REPO / "helm-values"
SCENARIOS = Path(__file__).parent / "scenarios"
UPSTREAM_CHARTS = SHARED_REFERENCE / "charts"
# Release name -> chart; each release lives in the namespace of its own name (skaffold.yaml, Makefile).
RELEASES = ("pipeline", "airbyte", "airflow")
_UPSTREAM = {"airflow": "airflow-1.21.0.tgz", "airbyte": "airbyte-2.2.0.tgz"}


def helm_binary() -> str:
    local = REPO / ".tools" / "bin" / "helm"
    found = str(local) if local.exists() else shutil.which("helm")
    if not found:
        pytest.skip("helm not installed: `make test` puts it into .tools/bin")
    return found


class RenderError(Exception):
    pass


def chart_path(release: str) -> Path:
    if release == "pipeline":
        return CHART
    return require_shared(UPSTREAM_CHARTS / _UPSTREAM[release])


def render_chart(
    values_files: list[Path] | None = None,
    values: dict[str, Any] | None = None,
    release: str = "pipeline",
) -> list[dict[str, Any]]:
    """`helm template` of a release in its namespace -> the rendered objects as dicts, hooks included
    (RenderError carries helm's message)."""
    cmd = [
        helm_binary(),
        "template",
        release,
        str(chart_path(release)),
        "--namespace",
        release,
        "--kube-version",
        K8S_VERSION,
    ]
    for path in values_files or []:
        cmd += ["-f", str(path)]
    if values:
        cmd += ["-f", "-"]
    result = subprocess.run(
        cmd,
        input=yaml.safe_dump(values) if values else None,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HELM_CACHE_HOME": "/tmp/helm-cache"},
    )
    if result.returncode != 0:
        raise RenderError(result.stderr)
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def values_file(env: str, release: str = "pipeline") -> Path:
    return HELM_VALUES / release / f"{env}.yaml"


_renders: dict[tuple[str, str], list[dict[str, Any]]] = {}


def merged_values(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of values files (and what `helm get values --all` returns): maps merge key by key,
    everything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        both_maps = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merged_values(out[key], value) if both_maps else value
    return out


def render_release(release: str, env: str) -> list[dict[str, Any]]:
    """A release rendered with helm-values/<release>/<env>.yaml, once per test session."""
    if (release, env) not in _renders:
        _renders[release, env] = render_chart([values_file(env, release)], release=release)
    return _renders[release, env]


@pytest.fixture(scope="session", params=["kind", "staging"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render_release("pipeline", request.param)


LONG_RUNNING = ("Deployment", "StatefulSet", "DaemonSet")


def pod_templates(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(kind/name, the workload object, its pod template with metadata and spec) of every workload."""
    out = []
    for obj in objects:
        kind, where = obj["kind"], f"{obj['kind']}/{obj['metadata']['name']}"
        if kind in (*LONG_RUNNING, "Job"):
            out.append((where, obj, obj["spec"]["template"]))
        elif kind == "CronJob":
            out.append((where, obj, obj["spec"]["jobTemplate"]["spec"]["template"]))
        elif kind == "Pod":
            out.append((where, obj, obj))
    return out


def pod_specs(objects: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(kind/name, pod spec) of every workload in a render."""
    return [(where, template["spec"]) for where, _, template in pod_templates(objects)]


def rendered_airflow_config(env: str) -> configparser.ConfigParser:
    """The airflow.cfg the Airflow chart renders with helm-values/airflow/<env>.yaml."""
    (config_map,) = [
        o
        for o in render_release("airflow", env)
        if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "airflow-config"
    ]
    config = configparser.ConfigParser(interpolation=None)
    config.read_string(config_map["data"]["airflow.cfg"])
    return config
