"""The Airflow side of Airbyte: provisioning task, deferrable sync and its trigger, against the
spec-checking stand-in API, with connections given the way the chart gives them (env JSON)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import SHARED_REFERENCE, require_shared
from tests.integration.airbyte_api import CLIENT_ID, CLIENT_SECRET, FakeAirbyte


@pytest.fixture
def airbyte(airflow_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAirbyte]:
    server = FakeAirbyte(require_shared(SHARED_REFERENCE / "airbyte-api" / "api.yaml")).start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_AIRBYTE_DEFAULT",
        json.dumps(
            {
                "conn_type": "airbyte",
                "host": server.api_url,
                "login": CLIENT_ID,
                "password": CLIENT_SECRET,
                "schema": "/api/public/v1/applications/token",
            }
        ),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_PIPELINE_S3",
        json.dumps(
            {
                "conn_type": "aws",
                "login": "kind-access-key",
                "password": "kind-secret-key-123",
                "extra": {
                    "bucket": "linkedin-profiles",
                    "endpoint_url": "http://seaweedfs.pipeline.svc:8333",
                },
            }
        ),
    )
    monkeypatch.setenv(
        "AIRFLOW_CONN_WAREHOUSE_DEFAULT",
        json.dumps(
            {
                "conn_type": "postgres",
                "host": "warehouse.pipeline.svc",
                "login": "pipeline",
                "password": "warehouse-password-123",
                "schema": "warehouse",
                "port": 5432,
            }
        ),
    )
    yield server
    server.stop()
    assert server.violations == []


def _ensure(dag: Any) -> str:
    return dag.task_dict["ensure_airbyte_connection"].execute({})


def test_ensure_task_returns_the_connection_id_and_is_idempotent(dag: Any, airbyte: FakeAirbyte) -> None:
    first, second = _ensure(dag), _ensure(dag)
    assert first == second and first in airbyte.connections
    assert len(airbyte.writes()) == 3


def test_sync_defers_to_the_triggerer_and_succeeds(dag: Any, airbyte: FakeAirbyte) -> None:
    from airflow.sdk.exceptions import TaskDeferred

    from scraper.orchestration.airbyte_tasks import AirbyteJobTrigger, AirbyteSyncOperator

    connection_id = _ensure(dag)
    airbyte.job_script = ["pending", "queued", "running", "succeeded"]
    operator = AirbyteSyncOperator(task_id="sync_test", connection_id=connection_id, poll_interval=0.01)
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    trigger = deferred.value.trigger
    assert isinstance(trigger, AirbyteJobTrigger)
    assert CLIENT_SECRET not in json.dumps(trigger.serialize()[1])  # stored in the DB: ids only

    async def first_event() -> Any:
        async for event in trigger.run():
            return event
        return None

    event = asyncio.run(first_event())
    assert event.payload["status"] == "succeeded"
    assert operator.execute_complete({}, event.payload) == event.payload["job_id"]


@pytest.mark.parametrize("status", ["failed", "cancelled"])
def test_failed_or_cancelled_job_fails_with_id_and_status(
    dag: Any, airbyte: FakeAirbyte, status: str
) -> None:
    from airflow.sdk.exceptions import AirflowException

    from scraper.orchestration.airbyte_tasks import AirbyteSyncOperator

    operator = AirbyteSyncOperator(task_id="sync_test", connection_id=_ensure(dag))
    with pytest.raises(AirflowException, match=rf"Airbyte job 1234 failed \(status {status}\)"):
        operator.execute_complete({}, {"job_id": 1234, "status": status})


def test_missing_warehouse_connection_is_a_clear_error(
    dag: Any, airbyte: FakeAirbyte, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE_DEFAULT", json.dumps({"conn_type": "postgres", "host": "x"}))
    from airflow.sdk.exceptions import AirflowException

    with pytest.raises(AirflowException, match="warehouse_default needs host, login, password and schema"):
        _ensure(dag)
