"""The DAG's `models` task — the common-sql provider's operator, as wired — run against a real
PostgreSQL holding Airbyte's table, twice."""

from __future__ import annotations

import copy
import json
from typing import Any

import psycopg2
import pytest

from tests.dags.conftest import task_context
from tests.devtools.airbyte_load import load_records
from tests.warehouse.conftest import DAY_1, DAY_2, file_key, ground_truth, rows


@pytest.fixture
def warehouse_dsn(postgres_server: Any, monkeypatch: pytest.MonkeyPatch, airflow_env: None) -> str:
    database = "dag_models_task"
    dsn = postgres_server.create_database(database)
    monkeypatch.setenv(
        "AIRFLOW_CONN_WAREHOUSE_DEFAULT",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": postgres_server.host,
                "port": postgres_server.port,
                "login": postgres_server.user,
                "schema": database,
            }
        ),
    )
    return dsn


def run_task(dag: Any) -> None:
    task = copy.deepcopy(dag.task_dict["models"])
    context = task_context(task)
    task.render_template_fields(context)
    assert all(statement.lstrip().startswith("--") for statement in task.sql)  # the files' text
    task.execute(context)


def test_models_task_follows_sync_and_builds_the_tables_idempotently(dag: Any, warehouse_dsn: str) -> None:
    assert dag.task_dict["models"].upstream_task_ids == {"sync"}
    conn = psycopg2.connect(warehouse_dsn)
    try:
        for sync_id, day in enumerate((DAY_1, DAY_2), start=1):
            load_records(conn, ground_truth(day), file_key=file_key(day), sync_id=sync_id)
        run_task(dag)
        tables = ("profile_latest", "experience", "education", "skill", "profile_change")
        first = {t: rows(conn, f"SELECT * FROM linkedin.{t} ORDER BY 1, 2, 3") for t in tables}
        assert len(first["profile_latest"]) == len({r["profile_id"] for r in ground_truth(DAY_1)})
        assert [r[:2] for r in first["profile_change"]] == [("alice-smith-00", "current_company")]
        run_task(dag)
        assert {t: rows(conn, f"SELECT * FROM linkedin.{t} ORDER BY 1, 2, 3") for t in tables} == first
    finally:
        conn.close()
