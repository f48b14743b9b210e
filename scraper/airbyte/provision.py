"""Find-or-create the S3 source, the Postgres destination and the connection, by name, and update
them in place when the wanted configuration drifted. Safe to run before every sync."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from scraper.airbyte.client import AirbyteClient
from scraper.airbyte.config import (
    POSTGRES_DESTINATION_DEFINITION_ID,
    PRIMARY_KEY,
    S3_SOURCE_DEFINITION_ID,
    STREAM,
    S3SourceSettings,
    s3_source_configuration,
)
from scraper.errors import AirbyteError

log = logging.getLogger(__name__)

WORKSPACE_NAME = "linkedin-pipeline"
SOURCE_NAME = "linkedin-profiles-s3"
DESTINATION_NAME = "linkedin-warehouse-postgres"
CONNECTION_NAME = "linkedin-profiles-to-warehouse"
# Values Airbyte masks in responses: they cannot be compared, only re-sent.
SECRET_FIELDS = frozenset({"password", "aws_secret_access_key", "aws_access_key_id"})
# Airbyte adds the columns a source's schema gains without a manual step (the public API's
# NonBreakingSchemaUpdatesBehaviorEnum; `ignore` is its default).
SCHEMA_UPDATES = "propagate_columns"
DEDUP = "incremental_deduped_history"
APPEND = "incremental_append"


# libpq's sslmode values that Airbyte's Postgres destination takes under the same name with no more
# settings (its verify-ca and verify-full modes also want the CA certificate itself).
SSL_MODES = ("disable", "allow", "prefer", "require")


# The schema Airbyte writes the stream into and the warehouse dbt project (dags/dbt/linkedin_warehouse) reads from.
WAREHOUSE_SCHEMA = "linkedin"


@dataclass(frozen=True)
class WarehouseSettings:
    host: str
    database: str
    username: str
    password: str
    schema: str = WAREHOUSE_SCHEMA
    port: int = 5432
    # libpq's sslmode, as the Airflow connection gives it: Airbyte's destination takes the same names.
    ssl_mode: str = "disable"

    def __repr__(self) -> str:
        return f"WarehouseSettings(host={self.host!r}, database={self.database!r}, schema={self.schema!r})"


def postgres_destination_configuration(w: WarehouseSettings) -> dict[str, Any]:
    return {
        "destinationType": "postgres",
        "host": w.host,
        "port": w.port,
        "database": w.database,
        "schema": w.schema,
        "username": w.username,
        "password": w.password,
        "ssl_mode": {"mode": w.ssl_mode},
        "tunnel_method": {"tunnel_method": "NO_TUNNEL"},
    }


def drifted(wanted: Any, current: Any) -> bool:
    """True when `current` differs from `wanted` in anything Airbyte shows unmasked."""
    if isinstance(wanted, dict):
        if not isinstance(current, dict):
            return True
        return any(
            key not in SECRET_FIELDS and drifted(value, current.get(key)) for key, value in wanted.items()
        )
    if isinstance(wanted, list):
        return (
            not isinstance(current, list)
            or len(wanted) != len(current)
            or any(drifted(w, c) for w, c in zip(wanted, current, strict=True))
        )
    return wanted != current


@dataclass
class ProvisionReport:
    connection_id: str
    created: list[str]
    updated: list[str]


class Provisioner:
    def __init__(self, client: AirbyteClient) -> None:
        self.client = client
        self.created: list[str] = []
        self.updated: list[str] = []

    def ensure_workspace(self) -> str:
        """The workspace named WORKSPACE_NAME; else the first one (an install set up by hand keeps
        its objects); on a fresh Airbyte without any, WORKSPACE_NAME is created."""
        workspaces = self.client.list_all("workspaces", {})
        named = [w for w in workspaces if w.get("name") == WORKSPACE_NAME]
        if named or workspaces:
            return (named or workspaces)[0]["workspaceId"]
        created = self.client.request("POST", "workspaces", json={"name": WORKSPACE_NAME})
        log.info("created workspace %s (%s): Airbyte had none", WORKSPACE_NAME, created["workspaceId"])
        self.created.append(f"workspace {WORKSPACE_NAME}")
        return created["workspaceId"]

    def _ensure_actor(
        self, kind: str, workspace: str, name: str, definition_id: str, configuration: dict[str, Any]
    ) -> str:
        """kind is 'source' or 'destination'."""
        plural = f"{kind}s"
        existing = [a for a in self.client.list_all(plural, {"workspaceIds": workspace}) if a["name"] == name]
        if len(existing) > 1:
            log.warning("%d %ss are named %s; using the first", len(existing), kind, name)
        if not existing:
            created = self.client.request(
                "POST",
                plural,
                json={
                    "name": name,
                    "workspaceId": workspace,
                    "definitionId": definition_id,
                    "configuration": configuration,
                },
            )
            actor_id = created[f"{kind}Id"]
            log.info("created %s %s (%s)", kind, name, actor_id)
            self.created.append(f"{kind} {name}")
            return actor_id
        current = existing[0]
        actor_id = current[f"{kind}Id"]
        if drifted(configuration, current.get("configuration")):
            self.client.request(
                "PATCH", f"{plural}/{actor_id}", json={"name": name, "configuration": configuration}
            )
            log.info("updated %s %s (%s): its configuration had drifted", kind, name, actor_id)
            self.updated.append(f"{kind} {name}")
        return actor_id

    def _sync_mode(self, source_id: str, destination_id: str) -> str:
        # Airbyte answers only when its discover pod has read the bucket; on a fresh cluster it first
        # pulls the source-s3 image, which takes minutes.
        streams = self.client.request(
            "GET",
            "streams",
            params={"sourceId": source_id, "destinationId": destination_id},
            slow="Airbyte discovers the S3 source's streams (a cold cluster first pulls the source-s3 image)",
        )
        modes = next((s.get("syncModes") or [] for s in streams or [] if s.get("streamName") == STREAM), [])
        if not modes:
            raise AirbyteError(
                f"the S3 source offers no stream {STREAM!r}: check the bucket, endpoint and glob"
            )
        return DEDUP if DEDUP in modes else APPEND

    def _wanted_streams(self, mode: str) -> dict[str, Any]:
        stream: dict[str, Any] = {
            "name": STREAM,
            "syncMode": mode,
            "cursorField": ["_ab_source_file_last_modified"],
        }
        if mode == DEDUP:
            stream["primaryKey"] = [[column] for column in PRIMARY_KEY]
        return {"streams": [stream]}

    def _ensure_connection(self, workspace: str, source_id: str, destination_id: str) -> str:
        existing = [
            c
            for c in self.client.list_all("connections", {"workspaceIds": workspace})
            if c["name"] == CONNECTION_NAME
        ]
        mode = self._sync_mode(source_id, destination_id)
        wanted = {
            "configurations": self._wanted_streams(mode),
            "schedule": {"scheduleType": "manual"},
            # A record that gains fields (a new schema version) gets its new columns at the next sync.
            "nonBreakingSchemaUpdatesBehavior": SCHEMA_UPDATES,
        }
        if not existing:
            created = self.client.request(
                "POST",
                "connections",
                json={
                    "name": CONNECTION_NAME,
                    "sourceId": source_id,
                    "destinationId": destination_id,
                    "namespaceDefinition": "destination",
                    **wanted,
                },
            )
            log.info(
                "created connection %s (%s) with sync mode %s", CONNECTION_NAME, created["connectionId"], mode
            )
            self.created.append(f"connection {CONNECTION_NAME}")
            return created["connectionId"]
        current = existing[0]
        connection_id = current["connectionId"]
        if current["sourceId"] != source_id or current["destinationId"] != destination_id:
            raise AirbyteError(
                f"connection {CONNECTION_NAME} ({connection_id}) links other source/destination ids; "
                "delete it in the Airbyte UI and run again"
            )
        if drifted(wanted, {key: current.get(key) for key in wanted}):
            self.client.request("PATCH", f"connections/{connection_id}", json=wanted)
            log.info(
                "updated connection %s (%s): its configuration had drifted", CONNECTION_NAME, connection_id
            )
            self.updated.append(f"connection {CONNECTION_NAME}")
        return connection_id

    def ensure(self, s3: S3SourceSettings, warehouse: WarehouseSettings) -> ProvisionReport:
        workspace = self.ensure_workspace()
        source_id = self._ensure_actor(
            "source", workspace, SOURCE_NAME, S3_SOURCE_DEFINITION_ID, s3_source_configuration(s3)
        )
        destination_id = self._ensure_actor(
            "destination",
            workspace,
            DESTINATION_NAME,
            POSTGRES_DESTINATION_DEFINITION_ID,
            postgres_destination_configuration(warehouse),
        )
        connection_id = self._ensure_connection(workspace, source_id, destination_id)
        return ProvisionReport(connection_id, self.created, self.updated)
