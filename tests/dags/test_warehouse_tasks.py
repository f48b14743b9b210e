"""The DAG's warehouse tasks: astronomer-cosmos' DbtTaskGroup, as wired, rendered from the project's
manifest, and its real operators run against a real PostgreSQL through the `warehouse_default` connection."""

from __future__ import annotations

import copy
from typing import Any

import psycopg2
import pytest

from tests.dags.conftest import point_warehouse_default, task_context
from tests.devtools.warehouse import warehouse_on
from tests.warehouse.conftest import DAY_1, load_day, rows

MODELS = ("stg_profiles", "profile_latest", "experience", "education", "skill", "profile_change")


def test_each_model_snapshot_and_source_is_a_task_after_sync(dag: Any) -> None:
    warehouse = {t for t in dag.task_dict if t.startswith("warehouse.")}
    for model in MODELS:
        assert {f"warehouse.{model}.run", f"warehouse.{model}.test"} <= warehouse
    assert {"warehouse.profile_history.snapshot", "warehouse.linkedin_profiles.source"} <= warehouse
    after_sync = dag.task_dict["sync"].downstream_task_ids
    assert {t for t in after_sync if t.startswith("warehouse.")} == {"warehouse.linkedin_profiles.source"}
    # Each model is built from what the one before it built in the same run.
    assert dag.task_dict["warehouse.stg_profiles.run"].upstream_task_ids == {
        "warehouse.linkedin_profiles.test"
    }
    assert "warehouse.profile_history.test" in dag.task_dict["warehouse.profile_change.run"].upstream_task_ids
    # A test reading two models waits for both.
    relationships = dag.task_dict[
        "warehouse.relationships_experience_profile_id__profile_id__ref_profile_latest__test"
    ]
    assert {"warehouse.experience.test", "warehouse.profile_latest.test"} <= relationships.upstream_task_ids


@pytest.fixture
def warehouse_conn(postgres_server: Any, monkeypatch: pytest.MonkeyPatch, airflow_env: None) -> Any:
    """A database holding one landed day, and `warehouse_default` pointing at it (no password needed:
    the throwaway server trusts loopback; the mapping requires one, so a dummy is set)."""
    database = "dag_warehouse_tasks"
    conn = psycopg2.connect(postgres_server.create_database(database))
    point_warehouse_default(monkeypatch, postgres_server, database)
    load_day(conn, DAY_1, 1)
    yield conn
    conn.close()


def run_task(dag: Any, task_id: str) -> None:
    task = copy.deepcopy(dag.task_dict[task_id])
    context = task_context(task)
    task.render_template_fields(context)
    task.execute(context)


def test_the_cosmos_tasks_build_through_warehouse_default_and_a_failing_test_names_itself(
    dag: Any, warehouse_conn: Any, postgres_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from airflow.sdk.exceptions import AirflowException

    run_task(dag, "warehouse.stg_profiles.run")
    assert rows(warehouse_conn, "SELECT count(*) FROM linkedin.stg_profiles")[0][0] > 0
    assert (
        warehouse_on(postgres_server, "dag_warehouse_tasks")
        .dbt("run", "--select", "profile_latest")
        .returncode
        == 0
    )
    with warehouse_conn.cursor() as cur:  # a duplicate key, as a broken model would leave it
        cur.execute("INSERT INTO linkedin.profile_latest SELECT * FROM linkedin.profile_latest LIMIT 1")
    warehouse_conn.commit()
    caplog.clear()
    with pytest.raises(AirflowException, match="dbt command failed"):
        run_task(dag, "warehouse.profile_latest.test")
    # The task's log (what the Airflow UI shows for the failed task) names the failing test.
    errors = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    assert "Failure in test unique_profile_latest_profile_id" in errors
