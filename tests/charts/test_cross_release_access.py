"""Who may reach what across the three kind renders: the pipeline chart's RoleBinding and NetworkPolicies
matched against the pods the real Airflow and Airbyte charts render (their ServiceAccounts, labels and
namespaces), not against names written down a second time."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

from scraper.orchestration.names import PIPELINE_CONFIGMAP, PIPELINE_NAMESPACE
from tests.charts.conftest import pod_templates, render_release


def _workloads(release: str) -> dict[str, dict[str, Any]]:
    """Workload name -> pod template, for the long-running workloads and jobs of a kind render."""
    return {where.split("/", 1)[1]: t for where, _, t in pod_templates(render_release(release, "kind"))}


def _one(release: str, kind: str, name: str) -> dict[str, Any]:
    (obj,) = [
        o for o in render_release(release, "kind") if o["kind"] == kind and o["metadata"]["name"] == name
    ]
    return obj


def _admits(policy: dict[str, Any], namespace: str, labels: dict[str, str], port: int) -> bool:
    """Whether an ingress NetworkPolicy lets a pod (namespace, labels) in on `port`."""
    for rule in policy["spec"]["ingress"]:
        ports = {p["port"] for p in rule.get("ports", [])}
        if ports and port not in ports:
            continue
        for peer in rule["from"]:
            if "namespaceSelector" in peer:
                wanted = peer["namespaceSelector"].get("matchLabels", {})
                if not wanted.items() <= {"kubernetes.io/metadata.name": namespace}.items():
                    continue
            elif namespace != policy["metadata"]["namespace"]:
                continue
            if peer.get("podSelector", {}).get("matchLabels", {}).items() <= labels.items():
                return True
    return False


def test_the_pod_launcher_role_binds_the_accounts_airflows_worker_and_triggerer_run_as() -> None:
    airflow = _workloads("airflow")
    accounts = {
        airflow[name]["spec"]["serviceAccountName"] for name in ("airflow-worker", "airflow-triggerer")
    }
    binding = _one("pipeline", "RoleBinding", "pipeline-pod-launcher")
    assert binding["metadata"]["namespace"] == PIPELINE_NAMESPACE
    assert {(s["name"], s["namespace"]) for s in binding["subjects"]} == {(a, "airflow") for a in accounts}


def test_the_warehouse_admits_airflows_workers_and_no_other_airflow_pod() -> None:
    policy = _one("pipeline", "NetworkPolicy", "pipeline-warehouse")
    port = _one("pipeline", "Service", "pipeline-warehouse")["spec"]["ports"][0]["port"]
    admitted = {
        name
        for name, template in _workloads("airflow").items()
        if _admits(policy, "airflow", template["metadata"].get("labels") or {}, port)
    }
    assert admitted == {"airflow-worker"}  # the warehouse.* dbt tasks run there


def test_airbytes_job_pods_reach_s3_and_the_warehouse() -> None:
    """The workload launcher starts source and destination pods in its own namespace (the chart gives it
    JOB_KUBE_NAMESPACE from the pod's namespace); both policies must let that namespace in."""
    launcher = _workloads("airbyte")["airbyte-workload-launcher"]
    (container,) = launcher["spec"]["containers"]
    job_namespace = next(e for e in container["env"] if e["name"] == "JOB_KUBE_NAMESPACE")
    assert job_namespace["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace"
    s3_port = urlparse(_one("pipeline", "ConfigMap", PIPELINE_CONFIGMAP)["data"]["S3_ENDPOINT_URL"]).port
    warehouse_port = _one("pipeline", "Service", "pipeline-warehouse")["spec"]["ports"][0]["port"]
    job_pod_labels = {"airbyte": "job-pod"}  # any labels: the launcher's are not part of any rule
    assert _admits(
        _one("pipeline", "NetworkPolicy", "pipeline-seaweedfs"), "airbyte", job_pod_labels, s3_port
    )
    assert _admits(
        _one("pipeline", "NetworkPolicy", "pipeline-warehouse"), "airbyte", job_pod_labels, warehouse_port
    )


def test_every_airflow_and_airbyte_namespace_is_free_of_policies_that_could_cut_a_hop() -> None:
    """The hops Airflow -> the Kubernetes API and the Airbyte jobs' own traffic need no rule only because
    neither upstream chart renders a NetworkPolicy with these values (Airbyte's API: the test above)."""
    for release in ("airflow", "airbyte"):
        assert [o for o in render_release(release, "kind") if o["kind"] == "NetworkPolicy"] == [], release


def _airbyte_server_policy() -> dict[str, Any]:
    """The pipeline release's policy on Airbyte's API server, checked to select the rendered server pods."""
    policy = _one("pipeline", "NetworkPolicy", "airbyte-api-callers")
    server = _workloads("airbyte")["airbyte-server"]
    assert policy["metadata"]["namespace"] == "airbyte"
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= server["metadata"]["labels"].items()
    return policy


def test_only_airflows_workers_and_triggerer_and_airbytes_own_pods_reach_airbytes_api_on_kind() -> None:
    """Airbyte's auth is off on kind (airbytehq/airbyte#76439 refuses writes under application tokens), so
    the network decides who may call its API: provisioning runs in the worker, the deferred sync polls
    from the triggerer, and Airbyte's own services and job pods talk to the server."""
    policy = _airbyte_server_policy()
    port = _one("airbyte", "Service", "airbyte-airbyte-server-svc")["spec"]["ports"][0]["port"]
    admitted = {
        name
        for name, template in _workloads("airflow").items()
        if _admits(policy, "airflow", template["metadata"].get("labels") or {}, port)
    }
    assert admitted == {"airflow-worker", "airflow-triggerer"}
    assert all(
        _admits(policy, "airbyte", template["metadata"].get("labels") or {}, port)
        for template in _workloads("airbyte").values()
    )
    assert not _admits(policy, "pipeline", {"app.kubernetes.io/name": "scraper"}, port)


def test_airbyte_auth_is_off_on_kind_only_and_kinds_connection_sends_no_client_pair() -> None:
    env = {
        env: next(
            o["data"]
            for o in render_release("airbyte", env)
            if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "airbyte-airbyte-env"
        )["API_AUTHORIZATION_ENABLED"]
        for env in ("kind", "staging")
    }
    assert env == {"kind": "false", "staging": "true"}
    (secret,) = [
        o
        for o in render_release("airflow", "kind")
        if o["kind"] == "Secret" and o["metadata"]["name"] == "airflow-connections"
    ]
    airbyte = json.loads(secret["stringData"]["AIRFLOW_CONN_AIRBYTE_DEFAULT"])
    assert not airbyte.get("login") and not airbyte.get("password")  # no application token to refuse


def test_the_s3_store_admits_the_airflow_pods_that_write_and_read_task_logs() -> None:
    """Workers and the triggerer upload each attempt's log to SeaweedFS, the API server reads it back for
    the UI ([logging] remote_base_log_folder on kind); no other Airflow pod needs S3."""
    policy = _one("pipeline", "NetworkPolicy", "pipeline-seaweedfs")
    port = urlparse(_one("pipeline", "ConfigMap", PIPELINE_CONFIGMAP)["data"]["S3_ENDPOINT_URL"]).port
    admitted = {
        name
        for name, template in _workloads("airflow").items()
        if _admits(policy, "airflow", template["metadata"].get("labels") or {}, port)
    }
    assert admitted == {"airflow-worker", "airflow-triggerer", "airflow-api-server"}
