"""What the smoke check needs to know about the stack, read from the files that own each name and from
the cluster itself: nothing here spells a namespace, service, Secret, port or bucket again.

- namespaces: charts/pipeline/values.yaml (airflow.namespace, airbyte.namespace) and names.py;
- the Airflow release: skaffold.yaml (the release deployed with helm-values/airflow/kind.yaml);
- the connections Airflow's tasks use (Airbyte API and client pair, S3 endpoint/keys/bucket, warehouse):
  the Secret named in that values file's extraSecrets, as AIRFLOW_CONN_<id> JSON, ids from names.py;
- the Airflow API login: the release's computed values (the user the chart's create-user job made);
- the demo profiles: helm-values/pipeline/kind.yaml (scraper.profiles).
Secret values are held in memory only: never printed, logged or put on a command line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from scraper.orchestration import names

REPO = Path(__file__).resolve().parents[3]
AIRFLOW_VALUES = Path("helm-values/airflow/kind.yaml")
PIPELINE_VALUES = Path("helm-values/pipeline/kind.yaml")


class StackError(Exception):
    """The stack's settings cannot be read; the message says where to look."""


def _yaml(path: Path) -> Any:
    return yaml.safe_load((REPO / path).read_text())


@dataclass(frozen=True)
class Service:
    """A Service inside the cluster, as a connection names it (host <svc>.<ns>.svc...)."""

    namespace: str
    name: str
    port: int


def service_of(host: str, port: int | None = None) -> Service:
    """`http://airbyte-server.airbyte.svc.cluster.local:8001/x` or `pipeline-warehouse.pipeline.svc...`."""
    parsed = urlparse(host if "://" in host else f"tcp://{host}")
    parts = (parsed.hostname or "").split(".")
    if len(parts) < 2 or not (parsed.port or port):
        raise StackError(f"{host!r} does not name an in-cluster Service as <service>.<namespace>[:port]")
    return Service(parts[1], parts[0], int(parsed.port or port))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Connection:
    """One Airflow connection in its JSON form. repr never shows the password."""

    conn_id: str
    host: str = ""
    login: str = ""
    password: str = field(default="", repr=False)
    schema: str = ""
    port: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env_value(cls, conn_id: str, value: str) -> Connection:
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            raise StackError(f"AIRFLOW_CONN_{conn_id.upper()} is not the JSON form of a connection") from exc
        extra = data.get("extra") or {}
        return cls(
            conn_id,
            str(data.get("host") or ""),
            str(data.get("login") or ""),
            str(data.get("password") or ""),
            str(data.get("schema") or ""),
            int(data["port"]) if data.get("port") else None,
            extra if isinstance(extra, dict) else json.loads(extra),
        )


@dataclass(frozen=True)
class Layout:
    """Names from the repository's own files (no cluster needed)."""

    pipeline_namespace: str
    airflow_namespace: str
    airbyte_namespace: str
    airflow_release: str
    connections_secret: str
    demo_profiles: tuple[str, ...]

    @classmethod
    def from_repo(cls) -> Layout:
        chart = _yaml(Path("charts/pipeline/values.yaml"))
        airflow_values = _yaml(AIRFLOW_VALUES)
        secrets = [
            name
            for name, spec in (airflow_values.get("extraSecrets") or {}).items()
            if "AIRFLOW_CONN_" in str(spec.get("stringData", ""))
        ]
        if len(secrets) != 1:
            raise StackError(f"{AIRFLOW_VALUES} should define exactly one Secret with AIRFLOW_CONN_* entries")
        releases = _yaml(Path("skaffold.yaml"))["deploy"]["helm"]["releases"]
        airflow = [r for r in releases if str(AIRFLOW_VALUES) in (r.get("valuesFiles") or [])]
        if len(airflow) != 1:
            raise StackError(f"skaffold.yaml has no single release deployed with {AIRFLOW_VALUES}")
        return cls(
            pipeline_namespace=names.PIPELINE_NAMESPACE,
            airflow_namespace=chart["airflow"]["namespace"],
            airbyte_namespace=chart["airbyte"]["namespace"],
            airflow_release=airflow[0]["name"],
            connections_secret=secrets[0],
            demo_profiles=tuple(_yaml(PIPELINE_VALUES)["scraper"]["profiles"]),
        )


@dataclass(frozen=True)
class StackSettings:
    """The connections the stack's tasks use, and the Airflow API login."""

    airbyte: Connection
    s3: Connection
    warehouse: Connection
    airflow_user: str
    airflow_password: str = field(repr=False)

    @property
    def bucket(self) -> str:
        return str(self.s3.extra.get("bucket") or "")

    @classmethod
    def from_sources(cls, conn_env: dict[str, str], release_values: dict[str, Any]) -> StackSettings:
        """From the connections Secret's data and the Airflow release's computed values."""

        def conn(conn_id: str) -> Connection:
            key = f"AIRFLOW_CONN_{conn_id.upper()}"
            if key not in conn_env:
                raise StackError(f"the connections Secret has no {key}")
            return Connection.from_env_value(conn_id, conn_env[key])

        # The chart's create-user job: webserver.defaultUser when set, else createUserJob.defaultUser.
        user = (release_values.get("webserver") or {}).get("defaultUser") or (
            (release_values.get("createUserJob") or {}).get("defaultUser") or {}
        )
        if not user.get("username") or not user.get("password"):
            raise StackError("the Airflow release's values name no default user for the API login")
        return cls(
            conn(names.AIRBYTE_CONN_ID),
            conn(names.S3_CONN_ID),
            conn(names.WAREHOUSE_CONN_ID),
            str(user["username"]),
            str(user["password"]),
        )
