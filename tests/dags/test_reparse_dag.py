"""The linkedin_reparse DAG: manual, its params, its pods as the provider builds them, and the same
upload, sync and warehouse path as the daily DAG."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest
from airflow.sdk.exceptions import AirflowFailException

from scraper.orchestration.names import PIPELINE_CONFIGMAP, S3_SECRET, path_safe
from scraper.orchestration.pods import reparse_pods, reparsed_uploads
from tests.conftest import K8S_VERSION, UPLOADER_IMAGE
from tests.dags.conftest import RUN_ID, built_pod


@pytest.fixture(scope="module")
def reparse_dag(dagbag: Any) -> Any:
    return dagbag.dags["linkedin_reparse"]


def test_it_is_triggered_by_hand_with_a_date_range_and_a_pod_count(reparse_dag: Any) -> None:
    assert reparse_dag.schedule is None and reparse_dag.max_active_runs == 1
    assert set(reparse_dag.params) == {"since", "until", "pods"}


def test_task_graph_reuses_the_daily_path(reparse_dag: Any) -> None:
    downstream = {
        t.task_id: sorted(t.downstream_task_ids)
        for t in reparse_dag.tasks
        if not t.task_id.startswith("warehouse.")
    }
    assert downstream == {
        "plan": ["reparse"],
        "reparse": ["runs"],
        "runs": ["upload"],
        "upload": ["ensure_airbyte_connection"],
        "ensure_airbyte_connection": ["sync"],
        "sync": ["warehouse.linkedin_profiles.source"],
    }
    for task_id in ("reparse", "upload"):
        assert type(reparse_dag.task_dict[task_id]).__name__ == "MappedOperator"


def test_the_pods_split_the_range_and_each_run_is_uploaded(reparse_dag: Any) -> None:
    shares = reparse_pods({"since": "2026-11-01", "until": "2026-11-30", "pods": 3}, run_id=RUN_ID)
    assert [s["arguments"][5:7] for s in shares] == [
        ["--shard", "0/3"],
        ["--shard", "1/3"],
        ["--shard", "2/3"],
    ]
    pod = built_pod(reparse_dag, "reparse", mapped=shares[1], map_index=1)
    kubernetes_validate.validate(pod, K8S_VERSION, strict=True)
    (container,) = [c for c in pod["spec"]["containers"] if c["name"] == "base"]
    assert container["image"] == UPLOADER_IMAGE
    assert container["args"] == [
        "reparse", "--since", "2026-11-01", "--until", "2026-11-30", "--shard", "1/3",
        "--out", f"/data/runs/reparse-{path_safe(RUN_ID)}/pod-1",
    ]  # fmt: skip
    assert {"configMapRef": {"name": PIPELINE_CONFIGMAP}} in container["envFrom"]
    assert {"secretRef": {"name": S3_SECRET, "optional": True}} in container["envFrom"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    uploads = reparsed_uploads([{"runs": ["/data/runs/r/pod-0/run-a"]}, None, {"runs": []}])
    assert uploads == [{"arguments": ["upload", "--src", "/data/runs/r/pod-0/run-a", "--allow-partial"]}]
    upload = built_pod(reparse_dag, "upload", mapped=uploads[0], map_index=0)
    kubernetes_validate.validate(upload, K8S_VERSION, strict=True)


@pytest.mark.parametrize(
    "params",
    [
        {"since": "2026-11-30", "until": "2026-11-01", "pods": 2},
        {"since": "yesterday", "pods": 1},
        {"since": "2026-11-01", "pods": 0},
    ],
)
def test_bad_params_fail_the_plan_with_a_sentence(params: dict[str, Any]) -> None:
    with pytest.raises(AirflowFailException, match="since"):
        reparse_pods(params)
