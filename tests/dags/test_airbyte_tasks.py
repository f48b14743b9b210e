"""The Airflow side of Airbyte against the spec-checking stand-in API: our provisioning task, and the
Airbyte provider's own AirbyteTriggerSyncOperator and AirbyteSyncTrigger (the `sync` task), run for
real, with connections given the way the chart gives them (env JSON)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.airbyte_api import CLIENT_ID, CLIENT_SECRET, PREFIX, FakeAirbyte, running_fake_airbyte

# The connection pair that works with the provider's SDK (airbyte-api-python-sdk#121): host without a
# trailing slash, token URL relative to it ("v1" replaces the host's last segment when joined).
TOKEN_PATH = "v1/applications/token"


def airbyte_connection(host: str, token_path: str | None = TOKEN_PATH) -> str:
    conn = {"conn_type": "airbyte", "host": host, "login": CLIENT_ID, "password": CLIENT_SECRET}
    if token_path is not None:
        conn["schema"] = token_path
    return json.dumps(conn)


@pytest.fixture(autouse=True)
def _fresh_sdk_sessions() -> Iterator[None]:
    """The SDK caches tokens per process and client pair: each test starts with none, like a new
    worker or triggerer process would."""
    from airbyte_api._hooks.clientcredentials import ClientCredentialsHook

    ClientCredentialsHook._sessions.clear()
    yield
    ClientCredentialsHook._sessions.clear()


@pytest.fixture
def airbyte(airflow_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAirbyte]:
    with running_fake_airbyte() as server:
        monkeypatch.setenv("AIRFLOW_CONN_AIRBYTE_DEFAULT", airbyte_connection(f"{server.url}{PREFIX}"))
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


def _ensure(dag: Any) -> str:
    return dag.task_dict["ensure_airbyte_connection"].execute({})


def _sync_operator(dag: Any, connection_id: str, execution_timeout: dt.timedelta | None = None) -> Any:
    """The DAG's own `sync` task, with its connection id rendered as the XCom pull would."""
    task = dag.task_dict["sync"]
    return type(task)(
        task_id="sync_test",
        airbyte_conn_id=task.airbyte_conn_id,
        connection_id=connection_id,
        deferrable=task.deferrable,
        execution_timeout=execution_timeout or task.execution_timeout,
        timeout=task.timeout,
    )


def _defer(operator: Any) -> Any:
    """Run execute(): it must submit the job and defer to the provider's trigger."""
    from airflow.providers.airbyte.triggers.airbyte import AirbyteSyncTrigger
    from airflow.sdk.exceptions import TaskDeferred

    with pytest.raises(TaskDeferred) as deferred:
        operator.execute({})
    trigger = deferred.value.trigger
    assert isinstance(trigger, AirbyteSyncTrigger)
    assert CLIENT_SECRET not in json.dumps(trigger.serialize()[1])  # stored in the DB: ids only
    # The provider polls every 60 s; the test polls quickly, which changes nothing else.
    trigger.poll_interval = 0.05
    return trigger


def _wait(trigger: Any) -> dict[str, Any]:
    async def first_event() -> Any:
        async for event in trigger.run():
            return event
        return None

    return asyncio.run(first_event()).payload


def test_the_dag_syncs_with_the_providers_deferrable_operator(dag: Any) -> None:
    from airflow.providers.airbyte.operators.airbyte import AirbyteTriggerSyncOperator

    sync = dag.task_dict["sync"]
    assert isinstance(sync, AirbyteTriggerSyncOperator)
    assert sync.deferrable is True and sync.airbyte_conn_id == "airbyte_default"
    assert sync.connection_id == "{{ ti.xcom_pull(task_ids='ensure_airbyte_connection') }}"
    # The provider cancels the job at execution_timeout only while its own wait limit has not ended
    # the wait first (that path fails the task and leaves the job running).
    assert sync.timeout > sync.execution_timeout.total_seconds()


def test_ensure_task_returns_the_connection_id_and_is_idempotent(dag: Any, airbyte: FakeAirbyte) -> None:
    first, second = _ensure(dag), _ensure(dag)
    assert first == second and first in airbyte.connections
    assert len(airbyte.writes()) == 3


def test_writes_refused_by_airbyte_fail_the_task_without_retries(dag: Any, airbyte: FakeAirbyte) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    airbyte.forbid_writes = True
    with pytest.raises(AirflowFailException, match=r"403 .*airbytehq/airbyte/issues/76439"):
        _ensure(dag)


def test_missing_warehouse_connection_is_a_clear_error(
    dag: Any, airbyte: FakeAirbyte, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.sdk.exceptions import AirflowException

    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE_DEFAULT", json.dumps({"conn_type": "postgres", "host": "x"}))
    with pytest.raises(AirflowException, match="warehouse_default needs host, login, password and schema"):
        _ensure(dag)


def _warehouse_with_sslmode(monkeypatch: pytest.MonkeyPatch, sslmode: str) -> None:
    connection = json.loads(os.environ["AIRFLOW_CONN_WAREHOUSE_DEFAULT"])
    monkeypatch.setenv(
        "AIRFLOW_CONN_WAREHOUSE_DEFAULT", json.dumps({**connection, "extra": {"sslmode": sslmode}})
    )


def test_the_warehouse_connections_sslmode_is_the_destinations(
    dag: Any, airbyte: FakeAirbyte, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A managed Postgres that enforces TLS: the libpq option the models task uses reaches Airbyte too."""
    _warehouse_with_sslmode(monkeypatch, "require")
    _ensure(dag)
    (destination,) = airbyte.destinations.values()
    assert destination["configuration"]["ssl_mode"] == {"mode": "require"}


def test_an_sslmode_airbyte_cannot_take_without_a_certificate_is_a_clear_error(
    dag: Any, airbyte: FakeAirbyte, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.sdk.exceptions import AirflowException

    _warehouse_with_sslmode(monkeypatch, "verify-full")
    with pytest.raises(AirflowException, match=r"sslmode 'verify-full' cannot be handed to Airbyte"):
        _ensure(dag)
    assert airbyte.destinations == {}


def test_sync_succeeds_through_the_providers_trigger(dag: Any, airbyte: FakeAirbyte) -> None:
    operator = _sync_operator(dag, _ensure(dag))
    airbyte.calls.clear()
    airbyte.job_script = ["pending", "running", "running", "succeeded"]
    trigger = _defer(operator)
    event = _wait(trigger)
    assert event["status"] == "success" and event["job_id"] == trigger.job_id
    assert operator.execute_complete({}, event) is None
    assert airbyte.jobs[trigger.job_id]["status"] == "succeeded"
    assert airbyte.token_requests() == [f"{PREFIX}/applications/token"]  # one token serves every call


@pytest.mark.parametrize(
    ("ends", "status", "says"),
    [("failed", "error", "has failed"), ("cancelled", "cancelled", "has been cancelled")],
    ids=["failed", "cancelled in Airbyte"],
)
def test_a_job_that_does_not_succeed_fails_the_task(
    dag: Any, airbyte: FakeAirbyte, ends: str, status: str, says: str
) -> None:
    operator = _sync_operator(dag, _ensure(dag))
    airbyte.job_script = ["pending", "running", ends]
    trigger = _defer(operator)
    event = _wait(trigger)
    assert event["status"] == status
    with pytest.raises(RuntimeError, match=rf"Job run {trigger.job_id} {says}"):
        operator.execute_complete({}, event)


def test_a_job_still_running_at_the_task_timeout_is_cancelled(dag: Any, airbyte: FakeAirbyte) -> None:
    operator = _sync_operator(dag, _ensure(dag), execution_timeout=dt.timedelta(seconds=1))
    airbyte.job_script = ["running"]  # never ends by itself
    trigger = _defer(operator)
    event = _wait(trigger)
    assert event["status"] == "timeout"
    with pytest.raises(RuntimeError, match="reached execution timeout"):
        operator.execute_complete({}, event)
    assert ("DELETE", f"{PREFIX}/jobs/{trigger.job_id}") in airbyte.calls
    assert airbyte.jobs[trigger.job_id]["status"] == "cancelled"


def test_a_killed_task_cancels_its_job(dag: Any, airbyte: FakeAirbyte) -> None:
    operator = _sync_operator(dag, _ensure(dag))
    airbyte.job_script = ["running"]
    trigger = _defer(operator)
    operator.on_kill()
    assert airbyte.jobs[trigger.job_id]["status"] == "cancelled"


def test_tokens_are_renewed_before_they_expire_during_a_long_wait(dag: Any, airbyte: FakeAirbyte) -> None:
    """The stand-in rejects a token once its `expires_in` has passed; the SDK renews a token 60 s
    before that, so with 61 s tokens every poll after the first second needs a new one."""
    connection_id = _ensure(dag)
    airbyte.token_ttl = 61
    airbyte.job_script = ["pending"] + ["running"] * 30 + ["succeeded"]
    operator = _sync_operator(dag, connection_id)
    trigger = _defer(operator)
    trigger.poll_interval = 0.1
    tokens_before = len(airbyte.token_requests())
    assert _wait(trigger)["status"] == "success"
    assert len(airbyte.token_requests()) - tokens_before >= 2


def test_a_token_airbyte_no_longer_accepts_fails_the_wait_and_the_retry_starts_afresh(
    dag: Any, airbyte: FakeAirbyte
) -> None:
    """E.g. Airbyte's signing key rotated: the SDK drops the rejected token but does not repeat the
    call, so the trigger reports the 401 and the task fails; its retry gets a new token."""
    connection_id = _ensure(dag)
    airbyte.job_script = ["pending", "running"]
    trigger = _defer(_sync_operator(dag, connection_id))
    airbyte.expire_tokens()
    event = _wait(trigger)
    assert event["status"] == "error" and "401" in event["message"]
    airbyte.job_script = ["pending", "succeeded"]
    retry = _defer(_sync_operator(dag, connection_id))
    assert _wait(retry)["status"] == "success"


@pytest.mark.parametrize(
    ("host_suffix", "token_path", "requested"),
    [
        ("", TOKEN_PATH, f"{PREFIX}/applications/token"),
        ("/", TOKEN_PATH, f"{PREFIX}/applications/token"),  # the SDK drops the host's trailing slash
        ("", None, f"{PREFIX}/applications/token"),  # the hook's default when schema is empty
        ("/", "/api/public/v1/applications/token", f"{PREFIX}/applications/token"),
        ("", "/applications/token", "/applications/token"),  # the SDK's own default: 404
        ("", "applications/token", "/api/public/applications/token"),  # relative without v1: 404
    ],
)
def test_the_sdk_joins_host_and_token_url_as_documented(
    dag: Any,
    airbyte: FakeAirbyte,
    monkeypatch: pytest.MonkeyPatch,
    host_suffix: str,
    token_path: str | None,
    requested: str,
) -> None:
    """What the provider's SDK requests for each connection shape; only the real path answers."""
    from airflow.providers.airbyte.hooks.airbyte import AirbyteHook
    from airflow.sdk.exceptions import AirflowException

    from scraper.airbyte.client import token_url_for

    connection_id = _ensure(dag)
    host = f"{airbyte.url}{PREFIX}{host_suffix}"
    monkeypatch.setenv("AIRFLOW_CONN_AIRBYTE_DEFAULT", airbyte_connection(host, token_path))
    airbyte.calls.clear()
    hook = AirbyteHook()
    works = requested == f"{PREFIX}/applications/token"
    if works:
        assert hook.submit_sync_connection(connection_id).status == "pending"
    else:
        with pytest.raises(AirflowException, match="404 from token endpoint"):
            hook.submit_sync_connection(connection_id)
    assert airbyte.token_requests() == [requested]
    # Provisioning reads the same connection the same way, so a wrong pair fails there already.
    assert token_url_for(host, token_path) == f"{airbyte.url}{requested}"


def test_the_ensure_task_outlasts_the_clients_wait_for_a_first_discover(dag: Any) -> None:
    from scraper.airbyte.client import SLOW_TIMEOUT_S

    timeout = dag.get_task("ensure_airbyte_connection").execution_timeout
    assert timeout.total_seconds() >= SLOW_TIMEOUT_S + 5 * 60  # plus the other calls and their retries
