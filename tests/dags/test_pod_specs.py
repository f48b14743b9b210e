"""Every pod the DAG launches, as the provider builds it: valid Kubernetes, locked down, wired to the
right namespace, ServiceAccount, image, Secrets and volumes, and never carrying a secret value."""

from __future__ import annotations

import json
from typing import Any

import kubernetes_validate
import pytest

from scraper.orchestration.names import (
    DATA_PVC,
    LINKEDIN_SECRET,
    PIPELINE_CONFIGMAP,
    PROFILES_CONFIGMAP,
    S3_SECRET,
)
from scraper.orchestration.plan import shard_arguments
from tests.conftest import K8S_VERSION, SCRAPER_IMAGE, UPLOADER_IMAGE
from tests.dags.conftest import RUN_ID, built_pod, dag_pods


@pytest.fixture(scope="module")
def pods(dag: Any) -> dict[str, dict[str, Any]]:
    return dag_pods(dag, shards=2, shard=1)


@pytest.mark.parametrize("task_id", ["scrape", "upload"])
def test_pod_is_valid_kubernetes(pods: dict[str, dict[str, Any]], task_id: str) -> None:
    kubernetes_validate.validate(pods[task_id], K8S_VERSION, strict=True)


@pytest.mark.parametrize(
    ("task_id", "image", "app", "secret"),
    [
        ("scrape", SCRAPER_IMAGE, "scraper", LINKEDIN_SECRET),
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


def test_scraper_pod_has_shm_profiles_and_run_scoped_output(pods: dict[str, dict[str, Any]]) -> None:
    spec = pods["scrape"]["spec"]
    base = next(c for c in spec["containers"] if c["name"] == "base")
    shm = next(v for v in spec["volumes"] if v["name"] == "dshm")
    assert shm["emptyDir"]["medium"] == "Memory"
    assert any(v.get("configMap", {}).get("name") == PROFILES_CONFIGMAP for v in spec["volumes"])
    assert {"/dev/shm", "/config"} <= {m["mountPath"] for m in base["volumeMounts"]}
    assert base["command"] == ["scraper"]
    assert base["args"][:3] == ["scrape", "--profiles", "/config/profiles.txt"]
    assert f"/data/runs/{RUN_ID}/shard-1" in base["args"] and "--shard" in base["args"]


def test_upload_pod_reads_the_same_run_dir(pods: dict[str, dict[str, Any]]) -> None:
    base = next(c for c in pods["upload"]["spec"]["containers"] if c["name"] == "base")
    assert base["args"] == ["upload", "--src", f"/data/runs/{RUN_ID}"]


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


def test_profiles_given_in_the_run_travel_as_ids(dag: Any) -> None:
    args = shard_arguments({"profiles": ["alice-smith", "https://www.linkedin.com/in/bob/"]}, RUN_ID)[0]
    base = next(
        c
        for c in built_pod(dag, "scrape", arguments=args, map_index=0)["spec"]["containers"]
        if c["name"] == "base"
    )
    assert base["args"][:5] == [
        "scrape",
        "--profile",
        "alice-smith",
        "--profile",
        "https://www.linkedin.com/in/bob/",
    ]
