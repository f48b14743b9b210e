"""The DAG imports cleanly and wires the tasks the pipeline needs, with the right params and policies."""

from __future__ import annotations

import ast
import datetime as dt
from typing import Any

from tests.conftest import REPO


def test_dagbag_imports_with_zero_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dags) == ["linkedin_profiles", "linkedin_reparse"]


def test_task_graph(dag: Any) -> None:
    # The warehouse's dbt tasks (a Cosmos task group after sync): tests/dags/test_warehouse_tasks.py.
    downstream = {
        t.task_id: sorted(t.downstream_task_ids) for t in dag.tasks if not t.task_id.startswith("warehouse.")
    }
    assert downstream == {
        "plan": ["scrape", "upload"],
        "scrape": ["upload"],
        "upload": ["ensure_airbyte_connection"],
        "ensure_airbyte_connection": ["sync"],
        "sync": ["freshness", "quality", "warehouse.linkedin_profiles.source"],
        "freshness": ["report"],
        "quality": [],  # a leaf: its failure fails the run, after the data landed
        "report": [],
    }
    assert type(dag.task_dict["scrape"]).__name__ == "MappedOperator"  # one pod per account
    # The report waits for the warehouse's last tasks too.
    leaves = {
        t.task_id
        for t in dag.tasks
        if t.task_id.startswith("warehouse.") and not t.downstream_task_ids - {"report"}
    }
    assert leaves and leaves | {"freshness"} == dag.task_dict["report"].upstream_task_ids


def test_what_was_collected_lands_whatever_the_scrapes_ended_with(dag: Any) -> None:
    """The upload runs once every scrape has ended, failed ones too, and is skipped with the plan."""
    assert dag.task_dict["upload"].trigger_rule == "all_done_min_one_success"
    assert {"plan", "scrape"} == dag.task_dict["upload"].upstream_task_ids
    for task_id in ("ensure_airbyte_connection", "sync", "freshness", "quality", "report"):
        assert dag.task_dict[task_id].trigger_rule == "all_success", task_id


def test_the_dag_serializes_for_the_scheduler(dag: Any) -> None:
    from airflow.serialization.serialized_objects import DagSerialization

    restored = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    assert set(restored.task_dict) == set(dag.task_dict)


def test_schedule_and_run_policies(dag: Any) -> None:
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.schedule == "@daily"
    for task in dag.tasks:
        if task.task_id in ("plan", "report", "quality"):  # a retry would read the same state
            assert task.retries == 0, task.task_id
            continue
        assert task.execution_timeout is not None, task.task_id
        assert task.retries == 2 and task.retry_exponential_backoff, task.task_id


def test_params(dag: Any) -> None:
    assert dict(dag.params) == {"profiles": []}


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


def test_start_date_is_in_the_past(dag: Any) -> None:
    assert dag.start_date < dt.datetime.now(dt.UTC)
