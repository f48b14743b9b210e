"""The DAG imports cleanly and wires the tasks the pipeline needs, with the right params and policies."""

from __future__ import annotations

import ast
import datetime as dt
from typing import Any

from scraper.orchestration.plan import shard_arguments
from tests.conftest import REPO


def test_dagbag_imports_with_zero_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert list(dagbag.dags) == ["linkedin_profiles"]


def test_task_graph(dag: Any) -> None:
    # The warehouse's dbt tasks (a Cosmos task group after sync): tests/dags/test_warehouse_tasks.py.
    downstream = {
        t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks if not t.task_id.startswith("warehouse.")
    }
    assert downstream == {
        "plan": ["scrape"],
        "scrape": ["upload"],
        "upload": ["ensure_airbyte_connection"],
        "ensure_airbyte_connection": ["sync"],
        "sync": ["warehouse.linkedin_profiles.source"],
    }
    assert type(dag.task_dict["scrape"]).__name__ == "MappedOperator"  # one pod per shard


def test_schedule_and_run_policies(dag: Any) -> None:
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.schedule == "@daily"
    for task in dag.tasks:
        if task.task_id == "plan":
            continue
        assert task.execution_timeout is not None, task.task_id
        assert task.retries == 2 and task.retry_exponential_backoff, task.task_id


def test_params(dag: Any) -> None:
    params = dag.params
    assert params["profiles"] == [] and params["shards"] == 1 and params["max_profiles"] is None
    assert set(params.keys()) == {"profiles", "max_profiles", "shards"}


def test_dag_file_only_wires_tasks() -> None:
    """No Variable.get, connection lookup or network call at parse time: only imports and operators."""
    source = (REPO / "dags" / "linkedin_profiles.py").read_text()
    tree = ast.parse(source)
    names = {
        n.attr if isinstance(n, ast.Attribute) else n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute | ast.Name)
    }
    assert not names & {"Variable", "get_connection", "requests", "urlopen", "BaseHook", "boto3"}
    assert len([n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]) == 0


def test_plan_splits_shards_and_prefers_run_profiles() -> None:
    args = shard_arguments({"shards": 3, "profiles": ["alice", "bob"], "max_profiles": 5}, "manual__x")
    assert len(args) == 3
    assert args[1] == [
        "scrape",
        "--profile",
        "alice",
        "--profile",
        "bob",
        "--out",
        "/data/runs/manual__x/shard-1",
        "--resume",
        "--shard",
        "1/3",
        "--max-profiles",
        "5",
    ]
    default = shard_arguments({"shards": 1}, "scheduled__2026-11-25T06:00:00+00:00")
    assert default == [
        [
            "scrape",
            "--profiles",
            "/config/profiles.txt",
            "--out",
            "/data/runs/scheduled__2026-11-25T06:00:00+00:00/shard-0",
            "--resume",
        ]
    ]


def test_start_date_is_in_the_past(dag: Any) -> None:
    assert dag.start_date < dt.datetime.now(dt.UTC)
