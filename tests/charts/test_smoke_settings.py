"""`make smoke` reads every name from the stack's own files: those names must be what the rendered charts
create (the pipeline chart, and the upstream Airflow 1.21.0 and Airbyte 2.2.0 charts with our values)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.charts.conftest import HELM_VALUES, K8S_VERSION, helm_binary, render_chart, values_file
from tests.conftest import REPO, SHARED_REFERENCE, require_shared
from tests.devtools.smoke.__main__ import AIRFLOW_API_SELECTOR
from tests.devtools.smoke.stack import Layout, Service, StackSettings, service_of


def _render_upstream(chart: str, release: str, namespace: str, values: Path) -> list[dict[str, Any]]:
    tgz = require_shared(SHARED_REFERENCE / "charts" / chart)
    done = subprocess.run(
        [
            helm_binary(),
            "template",
            release,
            str(tgz),
            "-n",
            namespace,
            "-f",
            str(values),
            "--kube-version",
            K8S_VERSION,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HELM_CACHE_HOME": "/tmp/helm-cache"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def _services(objects: list[dict[str, Any]], namespace: str) -> dict[str, set[int]]:
    return {
        o["metadata"]["name"]: {int(p["port"]) for p in o["spec"]["ports"]}
        for o in objects
        if o["kind"] == "Service" and o["metadata"].get("namespace", namespace) == namespace
    }


def _kind_settings(layout: Layout) -> StackSettings:
    """The settings as the smoke check builds them on kind: the connections Secret's data from our
    Airflow values, the API login from the Airflow chart's default values."""
    airflow_values = yaml.safe_load((HELM_VALUES / "airflow" / "kind.yaml").read_text())
    conn_env = yaml.safe_load(airflow_values["extraSecrets"][layout.connections_secret]["stringData"])
    tgz = require_shared(SHARED_REFERENCE / "charts" / "airflow-1.21.0.tgz")
    with tarfile.open(tgz) as tf:
        handle = tf.extractfile("airflow/values.yaml")
        assert handle is not None
        chart_values = yaml.safe_load(handle.read())
    return StackSettings.from_sources(conn_env, {**chart_values, **airflow_values})


def test_the_layout_comes_from_the_repository_files() -> None:
    layout = Layout.from_repo()
    assert (layout.pipeline_namespace, layout.airflow_namespace, layout.airbyte_namespace) == (
        "pipeline",
        "airflow",
        "airbyte",
    )
    assert layout.airflow_release == "airflow" and layout.connections_secret == "airflow-connections"
    assert len(layout.demo_profiles) >= 4


def test_every_service_the_smoke_check_forwards_exists_in_the_rendered_charts() -> None:
    layout = Layout.from_repo()
    settings = _kind_settings(layout)
    pipeline = _services(render_chart([values_file("kind")]), layout.pipeline_namespace)
    s3 = service_of(settings.s3.extra["endpoint_url"])
    warehouse = service_of(settings.warehouse.host, settings.warehouse.port)
    assert s3.namespace == warehouse.namespace == layout.pipeline_namespace
    assert s3.port in pipeline[s3.name] and warehouse.port in pipeline[warehouse.name]
    assert settings.bucket == yaml.safe_load(values_file("kind").read_text())["s3"]["bucket"]

    airbyte = service_of(settings.airbyte.host)
    rendered = _render_upstream(
        "airbyte-2.2.0.tgz", "airbyte", layout.airbyte_namespace, HELM_VALUES / "airbyte" / "kind.yaml"
    )
    assert airbyte.namespace == layout.airbyte_namespace
    assert airbyte.port in _services(rendered, layout.airbyte_namespace)[airbyte.name]


def test_the_airflow_api_service_and_login_are_the_charts() -> None:
    layout = Layout.from_repo()
    rendered = _render_upstream(
        "airflow-1.21.0.tgz",
        layout.airflow_release,
        layout.airflow_namespace,
        HELM_VALUES / "airflow" / "kind.yaml",
    )
    key, _, value = AIRFLOW_API_SELECTOR.partition("=")
    api = [o for o in rendered if o["kind"] == "Service" and o["metadata"]["labels"].get(key) == value]
    assert [(o["metadata"]["name"], o["spec"]["ports"][0]["port"]) for o in api] == [
        ("airflow-api-server", 8080)
    ]
    # The auth manager the chart configures is FAB's (POST /auth/token with a user of its own), and the
    # create-user job makes the very user the smoke check logs in as.
    config = next(
        o for o in rendered if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "airflow-config"
    )
    assert (
        "auth_manager = airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"
        in config["data"]["airflow.cfg"]
    )
    settings = _kind_settings(layout)
    job = next(o for o in rendered if o["kind"] == "Job" and o["metadata"]["name"].endswith("create-user"))
    args = job["spec"]["template"]["spec"]["containers"][0]["args"]
    assert (
        args[args.index("-u") + 1] == settings.airflow_user
        and args[args.index("-p") + 1] == settings.airflow_password
    )


def test_service_of_reads_cluster_hosts_and_refuses_others() -> None:
    assert service_of("http://svc-a.ns-b.svc.cluster.local:8001/api/") == Service("ns-b", "svc-a", 8001)
    assert service_of("db.ns.svc.cluster.local", 5432) == Service("ns", "db", 5432)
    with pytest.raises(Exception, match="does not name an in-cluster Service"):
        service_of("localhost")


def test_without_a_cluster_make_smoke_stops_with_one_line_and_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.devtools.smoke", "--kube-context", "kind-no-such-cluster"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "KUBECONFIG": str(REPO / "no-such-kubeconfig")},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr.startswith("smoke: cannot read the stack: ")
        and len(done.stderr.strip().splitlines()) == 1
    )
    assert "Traceback" not in done.stderr
