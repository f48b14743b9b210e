"""Every pod the DAG launches, as the provider builds it: valid Kubernetes, locked down, wired to the
right namespace, ServiceAccount, image, Secrets and volumes, and never carrying a secret value."""

from __future__ import annotations

import json
from typing import Any

import kubernetes_validate
import pytest

from scraper.orchestration.names import (
    DATA_PVC,
    PIPELINE_CONFIGMAP,
    PROFILES_CONFIGMAP,
    S3_SECRET,
    linkedin_secret,
)
from scraper.orchestration.pods import account_pod
from tests.conftest import K8S_VERSION, SCRAPER_IMAGE, UPLOADER_IMAGE
from tests.dags.conftest import RUN_ID, built_pod, dag_pods, plan_work


@pytest.fixture(scope="module")
def pods(dag: Any) -> dict[str, dict[str, Any]]:
    built = dag_pods(dag)
    return {"scrape": built["scrape:default"], "upload": built["upload"]}


@pytest.mark.parametrize("task_id", ["scrape", "upload"])
def test_pod_is_valid_kubernetes(pods: dict[str, dict[str, Any]], task_id: str) -> None:
    kubernetes_validate.validate(pods[task_id], K8S_VERSION, strict=True)


@pytest.mark.parametrize(
    ("task_id", "image", "app", "secret"),
    [
        ("scrape", SCRAPER_IMAGE, "scraper", linkedin_secret("default")),
        ("upload", UPLOADER_IMAGE, "uploader", S3_SECRET),
    ],
)
def test_pod_wiring(pods: dict[str, dict[str, Any]], task_id: str, image: str, app: str, secret: str) -> None:
    pod = pods[task_id]
    spec = pod["spec"]
    base = next(c for c in spec["containers"] if c["name"] == "base")
    assert pod["metadata"]["namespace"] == "pipeline"
    assert spec["serviceAccountName"] == "scraper"
    assert base["image"] == image
    assert pod["metadata"]["labels"]["app.kubernetes.io/name"] == app
    assert pod["metadata"]["labels"]["pipeline/run-id"] == "scheduled__2026-11-25T06-00-00-00-00"
    env_from = [e.get("secretRef", {}).get("name") for e in base["envFrom"]]
    assert secret in env_from
    assert PIPELINE_CONFIGMAP in [e.get("configMapRef", {}).get("name") for e in base["envFrom"]]
    claims = [
        v["persistentVolumeClaim"]["claimName"] for v in spec["volumes"] if "persistentVolumeClaim" in v
    ]
    assert claims == [DATA_PVC]
    mounts = {m["mountPath"] for m in base["volumeMounts"]}
    assert {"/data", "/tmp"} <= mounts
    assert base["terminationMessagePolicy"] == "FallbackToLogsOnError"


def test_scraper_pod_has_shm_and_only_its_planned_profiles(pods: dict[str, dict[str, Any]]) -> None:
    spec = pods["scrape"]["spec"]
    base = next(c for c in spec["containers"] if c["name"] == "base")
    shm = next(v for v in spec["volumes"] if v["name"] == "dshm")
    assert shm["emptyDir"]["medium"] == "Memory"
    assert "/dev/shm" in {m["mountPath"] for m in base["volumeMounts"]}
    # The list is not mounted: a pod gets its planned profiles, never the whole list.
    assert not any(v.get("configMap", {}).get("name") == PROFILES_CONFIGMAP for v in spec["volumes"])
    assert base["command"] == ["scraper"]
    assert base["args"] == [
        "scrape",
        "--profile",
        "alice-smith-00",
        "--profile",
        "bilal-sato-01",
        "--out",
        f"/data/runs/{RUN_ID}/shard-0",
        "--resume",
        "--account",
        "default",
    ]
    env = {e["name"]: e["value"] for e in base["env"]}
    assert env["SCRAPER_ACCOUNT"] == "default" and env["SCRAPER_DAILY_CAP"] == "80"
    assert env["RUN_ID"] == RUN_ID and env["SCRAPER_STATE_DIR"] == "/data/state"


def test_upload_pod_reads_the_same_run_dir_and_ships_a_stopped_run(pods: dict[str, dict[str, Any]]) -> None:
    base = next(c for c in pods["upload"]["spec"]["containers"] if c["name"] == "base")
    assert base["args"] == ["upload", "--src", f"/data/runs/{RUN_ID}", "--allow-partial"]


@pytest.mark.parametrize("task_id", ["scrape", "upload"])
def test_every_container_is_locked_down(pods: dict[str, dict[str, Any]], task_id: str) -> None:
    spec = pods[task_id]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    for container in spec["containers"]:  # the base container and Airflow's XCom sidecar
        ctx = container["securityContext"]
        assert ctx["readOnlyRootFilesystem"] is True, container["name"]
        assert ctx["allowPrivilegeEscalation"] is False, container["name"]
        assert ctx["capabilities"]["drop"] == ["ALL"], container["name"]
    base = next(c for c in spec["containers"] if c["name"] == "base")
    assert set(base["resources"]["requests"]) == {"cpu", "memory"} == set(base["resources"]["limits"])


@pytest.mark.parametrize("task_id", ["scrape", "upload"])
def test_no_secret_value_in_the_pod_spec(pods: dict[str, dict[str, Any]], task_id: str) -> None:
    text = json.dumps(pods[task_id]).lower()
    for marker in ("password", "li_at", "secret_access_key", "aws_secret"):
        assert marker not in text, marker
    base = next(c for c in pods[task_id]["spec"]["containers"] if c["name"] == "base")
    assert all(
        "valueFrom" not in e and not e["name"].startswith(("LINKEDIN_", "AWS_")) for e in base.get("env", [])
    )


def test_each_account_runs_with_its_own_secret_cap_and_pacing(dag: Any) -> None:
    rotation = (
        '{"accounts": [{"name": "a", "daily_cap": 10, "min_delay_s": 1, "max_delay_s": 2},'
        ' {"name": "b", "secret": "their-own", "daily_cap": 20, "min_delay_s": 3, "max_delay_s": 4}]}'
    )
    pods = dag_pods(dag, rotation)
    for account, secret, cap in (("a", linkedin_secret("a"), "10"), ("b", "their-own", "20")):
        base = next(c for c in pods[f"scrape:{account}"]["spec"]["containers"] if c["name"] == "base")
        assert secret in [e.get("secretRef", {}).get("name") for e in base["envFrom"]]
        env = {e["name"]: e["value"] for e in base["env"]}
        assert env["SCRAPER_ACCOUNT"] == account and env["SCRAPER_DAILY_CAP"] == cap
    assert (
        pods["scrape:a"]["spec"]["containers"][0]["args"][-1]
        != pods["scrape:b"]["spec"]["containers"][0]["args"][-1]
    )


def test_profiles_given_in_the_run_travel_as_ids(dag: Any) -> None:
    work = plan_work(profiles=["alice-smith", "bob"])[0]
    base = next(
        c
        for c in built_pod(dag, "scrape", mapped=account_pod(work), map_index=0)["spec"]["containers"]
        if c["name"] == "base"
    )
    assert base["args"][:5] == ["scrape", "--profile", "alice-smith", "--profile", "bob"]
