"""`make smoke` names the DAG, its tasks and its params; they must be the DAG's own."""

from __future__ import annotations

from typing import Any

from tests.devtools.smoke import checks


def test_the_dag_and_tasks_the_smoke_check_reads_exist(dag: Any) -> None:
    assert dag.dag_id == checks.DAG_ID
    assert {checks.UPLOAD_TASK, checks.ENSURE_TASK, checks.SYNC_TASK} <= set(dag.task_ids)


def test_the_conf_the_smoke_check_sends_is_valid_for_the_dags_params(dag: Any) -> None:
    conf = checks.run_conf(["alice-smith-00", "bilal-sato-01"])
    assert set(conf) == set(dag.params)
    for key, value in conf.items():
        assert dag.params.get_param(key).resolve(value=value) == value  # raises when the schema refuses it
