"""Airflow tasks around Airbyte: provision the connection from code, then run a sync without holding a
worker slot while it runs (the wait happens in the triggerer)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from airflow.sdk import BaseHook, BaseOperator
from airflow.sdk.exceptions import AirflowException
from airflow.triggers.base import BaseTrigger, TriggerEvent

from scraper.airbyte.client import AirbyteClient
from scraper.airbyte.config import S3SourceSettings
from scraper.airbyte.provision import Provisioner, WarehouseSettings
from scraper.airbyte.sync import FAILED, SUCCEEDED, job_status, start_or_join_sync
from scraper.orchestration.names import AIRBYTE_CONN_ID, S3_CONN_ID, WAREHOUSE_CONN_ID


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
    (aws: keys, extra.bucket/endpoint_url/region_name) and `warehouse_default` (postgres)."""
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
    warehouse = WarehouseSettings(
        host=wh.host,
        database=wh.schema,
        username=wh.login,
        password=wh.password,
        schema=_extra(wh).get("target_schema", "linkedin"),
        port=int(wh.port or 5432),
    )
    return source, warehouse


class EnsureAirbyteConnectionOperator(BaseOperator):
    """Find-or-create source, destination and connection; returns the connection id (not a secret)."""

    def execute(self, context: Any) -> str:
        source, warehouse = wanted_settings()
        report = Provisioner(airbyte_client()).ensure(source, warehouse)
        self.log.info(
            "Airbyte connection %s ready (created: %s; updated: %s)",
            report.connection_id,
            report.created or "nothing",
            report.updated or "nothing",
        )
        return report.connection_id


class AirbyteJobTrigger(BaseTrigger):
    """Polls one Airbyte job from the triggerer until it ends. Holds only ids: credentials are read
    from the connection inside the triggerer, never stored with the trigger."""

    def __init__(self, job_id: int, conn_id: str = AIRBYTE_CONN_ID, poll_interval: float = 15.0) -> None:
        super().__init__()
        self.job_id, self.conn_id, self.poll_interval = job_id, conn_id, poll_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {"job_id": self.job_id, "conn_id": self.conn_id, "poll_interval": self.poll_interval},
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        client = await asyncio.to_thread(airbyte_client, self.conn_id)
        while True:
            job = await asyncio.to_thread(job_status, client, self.job_id)
            if not job.running:
                yield TriggerEvent({"job_id": job.job_id, "status": job.status})
                return
            self.log.info("Airbyte job %s is %s", job.job_id, job.status)
            await asyncio.sleep(self.poll_interval)


class AirbyteSyncOperator(BaseOperator):
    """Start (or join) a sync of `connection_id` and wait for it in the triggerer."""

    template_fields: Sequence[str] = ("connection_id",)

    def __init__(self, *, connection_id: str, poll_interval: float = 15.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.connection_id = connection_id
        self.poll_interval = poll_interval

    def execute(self, context: Any) -> int:
        job = start_or_join_sync(airbyte_client(), self.connection_id)
        if not job.running:
            return self._finish(job.job_id, job.status)
        self.defer(
            trigger=AirbyteJobTrigger(job.job_id, poll_interval=self.poll_interval),
            method_name="execute_complete",
        )
        raise AssertionError("defer() does not return")

    def execute_complete(self, context: Any, event: dict[str, Any]) -> int:
        return self._finish(int(event["job_id"]), event["status"])

    def _finish(self, job_id: int, status: str) -> int:
        if status == SUCCEEDED:
            self.log.info("Airbyte job %s succeeded", job_id)
            return job_id
        reason = "failed" if status in FAILED else f"ended in an unexpected state {status!r}"
        raise AirflowException(
            f"Airbyte job {job_id} {reason} (status {status}): see the job's logs in the Airbyte UI (make ui)"
        )
