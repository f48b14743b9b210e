"""Real Airflow (the version the image runs) importing the DAG and building the exact pod specs.

Needs only AIRFLOW_HOME (no database): the DagBag parses files, and `build_pod_request_obj` builds
pods without a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.conftest import REPO

SCRAPER_IMAGE = "registry.example.test/linkedin/scraper:1a2b3c"
UPLOADER_IMAGE = "registry.example.test/linkedin/uploader:1a2b3c"
RUN_ID = "scheduled__2026-11-25T06:00:00+00:00"


@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("airflow-home")
    saved = dict(os.environ)
    os.environ.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="True",
        AIRFLOW_VAR_SCRAPER_IMAGE=SCRAPER_IMAGE,
        AIRFLOW_VAR_UPLOADER_IMAGE=UPLOADER_IMAGE,
    )
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def dagbag(airflow_env: None) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"), include_examples=False)


@pytest.fixture(scope="session")
def dag(dagbag: Any) -> Any:
    return dagbag.dags["linkedin_profiles"]


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
    if arguments is not None:
        task = task.unmap({"arguments": arguments})
    context = task_context(task, map_index=map_index)
    task.render_template_fields(context)
    pod = task.build_pod_request_obj(context, dry_run=True)
    return ApiClient().sanitize_for_serialization(pod)


def repo_path(*parts: str) -> Path:
    return REPO.joinpath(*parts)
