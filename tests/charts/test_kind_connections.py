"""The Airflow connections as the Airflow chart renders them on kind, used by the real provider hooks
the DAG's tasks use: every field the cluster gives them (extras included) reaches the client library."""

from __future__ import annotations

import copy
import json
import os
from typing import Any
from urllib.parse import urlparse

import pytest

from scraper.orchestration.names import AIRBYTE_CONN_ID, S3_CONN_ID, WAREHOUSE_CONN_ID
from tests.charts.conftest import render_release
from tests.integration.airbyte_api import running_fake_airbyte


def rendered_connections(env: str) -> dict[str, dict[str, Any]]:
    """conn_id -> the JSON form of each AIRFLOW_CONN_* in the Secret the Airflow release renders."""
    (secret,) = [
        o
        for o in render_release("airflow", env)
        if o["kind"] == "Secret" and o["metadata"]["name"] == "airflow-connections"
    ]
    return {
        key.removeprefix("AIRFLOW_CONN_").lower(): json.loads(value)
        for key, value in secret["stringData"].items()
    }


def test_the_warehouse_tasks_open_the_kind_warehouse_connection(
    postgres_server: Any,
    dag: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cosmos maps the connection to a dbt profile (extras such as sslmode included) and dbt hands them
    to libpq, which refuses an option it does not know: the cluster's connection must open, not only
    parse. `dbt debug` with the profile the warehouse tasks write checks exactly that."""
    import subprocess

    database = "kind_warehouse_connection"
    postgres_server.create_database(database)
    cluster = rendered_connections("kind")[WAREHOUSE_CONN_ID]
    # Only where the database lives differs here; every other field is the cluster's own.
    local = {
        **cluster,
        "host": postgres_server.host,
        "port": postgres_server.port,
        "login": postgres_server.user,
        "schema": database,
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{WAREHOUSE_CONN_ID.upper()}", json.dumps(local))
    task = dag.task_dict["warehouse.stg_profiles.run"]
    profile = copy.deepcopy(task.profile_config)
    with profile.ensure_profile() as (profiles_yml, env):
        done = subprocess.run(
            [
                task.dbt_executable_path,
                "--no-use-colors",
                "debug",
                "--connection",
                "--profiles-dir",
                str(profiles_yml.parent),
            ],
            env={**os.environ, **env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
            cwd=task.project_dir,
            capture_output=True,
            text=True,
        )
        written = profiles_yml.read_text()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Connection test: [OK connection ok]" in done.stdout
    assert cluster["password"] not in written  # the password reaches dbt as an environment variable only


def test_the_kind_airbyte_connection_provisions_and_syncs_through_both_clients(
    dag: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kind connection (host with the API path, no client pair: Airbyte's auth is off there) is not
    the one the DAG tests use: our provisioning client and the provider's hook must both reach the API
    paths Airbyte serves, checked by the stand-in against the OpenAPI spec, and send no token that
    airbytehq/airbyte#76439 could refuse writes under."""
    from airflow.providers.airbyte.hooks.airbyte import AirbyteHook

    with running_fake_airbyte() as server:
        # Airbyte as kind runs it: auth off; and with airbytehq/airbyte#76439, which refuses writes under
        # application tokens: the kind connection must never present one.
        server.auth, server.forbid_writes = False, True
        connections = rendered_connections("kind")
        cluster = connections[AIRBYTE_CONN_ID]
        # Everything is the cluster's connection but the server's address.
        local = {**cluster, "host": server.url + urlparse(cluster["host"]).path}
        for conn_id, conn in {**connections, AIRBYTE_CONN_ID: local}.items():
            monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
        assert {S3_CONN_ID, WAREHOUSE_CONN_ID} <= set(connections)
        connection_id = dag.task_dict["ensure_airbyte_connection"].execute({})
        hook = AirbyteHook(airbyte_conn_id=dag.task_dict["sync"].airbyte_conn_id)
        job = hook.submit_sync_connection(connection_id)
        assert hook.get_job_details(job.job_id).connection_id == connection_id
    assert server.token_requests() == []
