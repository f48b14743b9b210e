"""Provisioning Airbyte from Airflow: the task before `sync`, which is the Airbyte provider's own
AirbyteTriggerSyncOperator (deferrable) reading the same connection `airbyte_default`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from airflow.sdk import BaseHook, BaseOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from scraper.airbyte.client import AirbyteClient, AirbyteWritesForbidden
from scraper.airbyte.config import S3SourceSettings
from scraper.airbyte.provision import SSL_MODES, Provisioner, WarehouseSettings
from scraper.orchestration.names import AIRBYTE_CONN_ID, S3_CONN_ID, SYNC_TIMEOUT, WAREHOUSE_CONN_ID


def airbyte_client(conn_id: str = AIRBYTE_CONN_ID) -> AirbyteClient:
    conn = BaseHook.get_connection(conn_id)
    return AirbyteClient.from_connection(conn.host or "", conn.login or "", conn.password or "", conn.schema)


def _extra(conn: Any) -> dict[str, Any]:
    extra = conn.extra_dejson if hasattr(conn, "extra_dejson") else json.loads(conn.extra or "{}")
    return dict(extra or {})


def wanted_settings(
    s3_conn_id: str = S3_CONN_ID, warehouse_conn_id: str = WAREHOUSE_CONN_ID
) -> tuple[S3SourceSettings, WarehouseSettings]:
    """What Airbyte should read from and write to, from the Airflow connections `pipeline_s3`
    (aws: keys, extra.bucket/endpoint_url/region_name) and `warehouse_default` (postgres).

    The destination schema is not read from `warehouse_default`: an extra for it would be one more
    field every user of that connection must tolerate (the warehouse's dbt tasks map it to a dbt
    profile). The schema is the one the models are written for (WarehouseSettings).
    The one extra read from it is libpq's own `sslmode`, which the destination then uses too."""
    s3 = BaseHook.get_connection(s3_conn_id)
    extra = _extra(s3)
    if not extra.get("bucket"):
        raise AirflowException(
            f"connection {s3_conn_id} needs extra.bucket (the bucket the uploader writes to)"
        )
    source = S3SourceSettings(
        bucket=extra["bucket"],
        region=extra.get("region_name", "us-east-1"),
        endpoint=extra.get("endpoint_url") or None,
        access_key_id=s3.login or None,
        secret_access_key=s3.password or None,
        role_arn=extra.get("role_arn"),
    )
    wh = BaseHook.get_connection(warehouse_conn_id)
    if not (wh.host and wh.login and wh.password and wh.schema):
        raise AirflowException(
            f"connection {warehouse_conn_id} needs host, login, password and schema (database)"
        )
    ssl_mode = _extra(wh).get("sslmode") or "disable"
    if ssl_mode not in SSL_MODES:
        raise AirflowException(
            f"connection {warehouse_conn_id}: sslmode {ssl_mode!r} cannot be handed to Airbyte's Postgres "
            f"destination; use one of {', '.join(SSL_MODES)} (verify-ca and verify-full need a CA "
            "certificate, which provisioning does not pass)"
        )
    warehouse = WarehouseSettings(
        host=wh.host,
        database=wh.schema,
        username=wh.login,
        password=wh.password,
        port=int(wh.port or 5432),
        ssl_mode=ssl_mode,
    )
    return source, warehouse


class EnsureAirbyteConnectionOperator(BaseOperator):
    """Find-or-create source, destination and connection; returns the connection id (not a secret)."""

    def execute(self, context: Any) -> str:
        source, warehouse = wanted_settings()
        try:
            report = Provisioner(airbyte_client()).ensure(source, warehouse)
        except AirbyteWritesForbidden as exc:
            # Task retries would meet the same 403: fail now, with the sentence that names the cause.
            raise AirflowFailException(str(exc)) from None
        self.log.info(
            "Airbyte connection %s ready (created: %s; updated: %s)",
            report.connection_id,
            report.created or "nothing",
            report.updated or "nothing",
        )
        return report.connection_id


def sync_tasks() -> tuple[EnsureAirbyteConnectionOperator, Any]:
    """The two tasks that land what was uploaded, as both DAGs wire them: provision the connection,
    then the provider's deferrable sync of it."""
    from airflow.providers.airbyte.operators.airbyte import AirbyteTriggerSyncOperator

    ensure = EnsureAirbyteConnectionOperator(
        # Beyond the client's wait for a cold cluster's first discover (SLOW_TIMEOUT_S, 15 min).
        task_id="ensure_airbyte_connection",
        execution_timeout=dt.timedelta(minutes=25),
    )
    # The provider cancels the Airbyte job when execution_timeout passes, but only if its own wait
    # limit (`timeout`) has not ended the wait first: that one is set beyond execution_timeout.
    sync = AirbyteTriggerSyncOperator(
        task_id="sync",
        airbyte_conn_id=AIRBYTE_CONN_ID,
        connection_id="{{ ti.xcom_pull(task_ids='ensure_airbyte_connection') }}",
        deferrable=True,
        execution_timeout=SYNC_TIMEOUT,
        timeout=SYNC_TIMEOUT.total_seconds() + 600,
    )
    ensure >> sync
    return ensure, sync
