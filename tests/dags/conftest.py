"""Helpers of the DAG tests: a task's template context and the exact pod the provider builds for it
(without a cluster). The Airflow session itself (`airflow_env`, `dagbag`, `dag`) is in tests/conftest.py,
shared with the chart tests that run the DAG's tasks."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tests.conftest import REPO

RUN_ID = "scheduled__2026-11-25T06:00:00+00:00"


def task_context(task: Any, params: dict[str, Any] | None = None, map_index: int = -1) -> dict[str, Any]:
    from airflow.sdk.execution_time.context import VariableAccessor

    ti = SimpleNamespace(
        dag_id="linkedin_profiles",
        task_id=task.task_id,
        run_id=RUN_ID,
        map_index=map_index,
        try_number=1,
        xcom_pull=lambda **_: None,
    )
    return {
        "run_id": RUN_ID,
        "ds": "2026-11-25",
        "ti": ti,
        "task_instance": ti,
        "params": params or {},
        "var": {"value": VariableAccessor(deserialize_json=False)},
        "dag": task.dag,
        "task": task,
    }


def built_pod(
    dag: Any, task_id: str, arguments: list[str] | None = None, map_index: int = -1
) -> dict[str, Any]:
    """The pod the provider would create for this task, as the dict the API server receives."""
    from kubernetes.client import ApiClient

    task = dag.task_dict[task_id]
    # A copy either way: rendering templates changes the operator, and the DAG is shared by the session.
    task = task.unmap({"arguments": arguments}) if arguments is not None else copy.deepcopy(task)
    context = task_context(task, map_index=map_index)
    task.render_template_fields(context)
    pod = task.build_pod_request_obj(context, dry_run=True)
    return ApiClient().sanitize_for_serialization(pod)


def dag_pods(dag: Any, shards: int, shard: int) -> dict[str, dict[str, Any]]:
    """The pods of one run's scrape shard `shard` (of `shards`) and of its upload, as built by the provider."""
    from scraper.orchestration.plan import shard_arguments

    args = shard_arguments({"shards": shards}, RUN_ID)
    return {
        "scrape": built_pod(dag, "scrape", arguments=args[shard], map_index=shard),
        "upload": built_pod(dag, "upload"),
    }


def repo_path(*parts: str) -> Path:
    return REPO.joinpath(*parts)
