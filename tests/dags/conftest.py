"""Helpers of the DAG tests: a task's template context and the exact pod the provider builds for it
(without a cluster). The Airflow session itself (`airflow_env`, `dagbag`, `dag`) is in tests/conftest.py,
shared with the chart tests that run the DAG's tasks."""

from __future__ import annotations

import copy
import json
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
    dag: Any, task_id: str, mapped: dict[str, Any] | None = None, map_index: int = -1
) -> dict[str, Any]:
    """The pod the provider would create for this task, as the dict the API server receives
    (`mapped`: the expanded keyword arguments of one mapped instance)."""
    from kubernetes.client import ApiClient

    task = dag.task_dict[task_id]
    # A copy either way: rendering templates changes the operator, and the DAG is shared by the session.
    task = task.unmap(mapped) if mapped is not None else copy.deepcopy(task)
    context = task_context(task, map_index=map_index)
    task.render_template_fields(context)
    pod = task.build_pod_request_obj(context, dry_run=True)
    return ApiClient().sanitize_for_serialization(pod)


def plan_work(rotation_json: str | None = None, profiles: list[str] | None = None) -> list[dict[str, Any]]:
    """What the plan task returns for a run in which each account of `rotation_json` (the chart's
    rendering, or the defaults) gets `profiles`."""
    from scraper.orchestration.plan import parse_rotation, pod_work
    from scraper.rotation import Plan

    config = parse_rotation(rotation_json)
    ids = profiles or ["alice-smith-00", "bilal-sato-01"]
    assignments = {account.name: list(ids) for account in config.accounts}
    return pod_work(config, Plan(assignments, len(ids), 0, len(ids), len(ids), 0), RUN_ID)


def dag_pods(dag: Any, rotation_json: str | None = None) -> dict[str, dict[str, Any]]:
    """The pods of one run, as built by the provider: `scrape:<account>` for each account's scrape
    (through the DAG's own mapping of the plan's output) and `upload`."""
    from scraper.orchestration.pods import account_pod

    pods = {
        f"scrape:{work['account']}": built_pod(dag, "scrape", mapped=account_pod(work), map_index=index)
        for index, work in enumerate(plan_work(rotation_json))
    }
    pods["upload"] = built_pod(dag, "upload")
    return pods


def repo_path(*parts: str) -> Path:
    return REPO.joinpath(*parts)


def point_warehouse_default(monkeypatch: Any, postgres_server: Any, database: str) -> None:
    """`warehouse_default` at `database` of the throwaway server (which trusts loopback; the mapping
    requires a password, so a dummy is set)."""
    monkeypatch.setenv(
        "AIRFLOW_CONN_WAREHOUSE_DEFAULT",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": postgres_server.host,
                "port": postgres_server.port,
                "login": postgres_server.user,
                "password": "unused-by-trust-auth",
                "schema": database,
            }
        ),
    )
