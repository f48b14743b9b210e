"""`scraper airbyte ensure --config FILE`: the same provisioning as the DAG, from a shell.

The file (YAML or JSON) holds no secrets; those come from the environment:
AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, WAREHOUSE_PASSWORD.

    airbyte:   {api_url: http://localhost:8000/api/public/v1/}
    s3:        {bucket: linkedin-profiles, endpoint: http://seaweedfs.pipeline.svc:8333, region: us-east-1}
    warehouse: {host: warehouse.pipeline.svc, database: warehouse, username: pipeline, schema: linkedin,
                sslmode: disable}   # libpq's name; disable, allow, prefer or require
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from scraper import settings
from scraper.airbyte.client import AirbyteClient, token_url_for
from scraper.airbyte.config import S3SourceSettings
from scraper.airbyte.provision import SSL_MODES, WAREHOUSE_SCHEMA, WarehouseSettings
from scraper.errors import BadInput


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    try:
        import yaml
    except ImportError:  # the uploader image has no PyYAML: JSON still works there
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise BadInput(
                f"{path} is not JSON, and reading YAML needs PyYAML, which is not installed: "
                "write the config as JSON or install PyYAML"
            ) from None
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            problem = " ".join(str(exc).split())
            raise BadInput(f"{path} is not valid YAML/JSON: {problem}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path} must hold a mapping with airbyte, s3 and warehouse sections")
    return data


def _need(section: dict[str, Any], key: str, where: str) -> Any:
    if not section.get(key):
        raise BadInput(f"{where}.{key} is missing from the config file")
    return section[key]


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise BadInput(f"environment variable {name} is not set")
    return value


def _ssl_mode(raw: str, setting: str) -> str:
    if raw not in SSL_MODES:
        raise BadInput(
            f"{setting} {raw!r} is not one Airbyte's Postgres destination takes without a CA certificate: "
            f"use one of {', '.join(SSL_MODES)}"
        )
    return raw


def from_file(path: Path) -> tuple[AirbyteClient, S3SourceSettings, WarehouseSettings]:
    data = _load(path)
    airbyte, s3, wh = data.get("airbyte") or {}, data.get("s3") or {}, data.get("warehouse") or {}
    for name, section in (("airbyte", airbyte), ("s3", s3), ("warehouse", wh)):
        if not isinstance(section, dict):
            raise BadInput(f"{path}: {name} must be a mapping, got {type(section).__name__}")
    api_url = settings.url(_need(airbyte, "api_url", "airbyte"), f"{path}: airbyte.api_url")
    client = AirbyteClient(
        api_url,
        _secret("AIRBYTE_CLIENT_ID"),
        _secret("AIRBYTE_CLIENT_SECRET"),
        token_url_for(api_url, airbyte.get("token_url")),  # as airbyte_default's schema is read
    )
    source = S3SourceSettings(
        bucket=settings.bucket(str(_need(s3, "bucket", "s3")), f"{path}: s3.bucket"),
        region=settings.region(str(s3.get("region", "us-east-1")), f"{path}: s3.region"),
        endpoint=settings.url(str(s3["endpoint"]), f"{path}: s3.endpoint") if s3.get("endpoint") else None,
        access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"),
        secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
        role_arn=s3.get("role_arn"),
    )
    warehouse = WarehouseSettings(
        host=_need(wh, "host", "warehouse"),
        database=_need(wh, "database", "warehouse"),
        username=_need(wh, "username", "warehouse"),
        password=_secret("WAREHOUSE_PASSWORD"),
        schema=wh.get("schema", WAREHOUSE_SCHEMA),
        port=settings.port(str(wh.get("port", 5432)), f"{path}: warehouse.port"),
        ssl_mode=_ssl_mode(str(wh.get("sslmode", "disable")), f"{path}: warehouse.sslmode"),
    )
    return client, source, warehouse
