"""Integration fixtures: a real S3 server on loopback and run directories on disk."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import REPO
from tests.integration.s3_server import S3Server

ACCESS_KEY, SECRET_KEY = "AKIAPIPELINETEST", "pipeline-test-secret-key-0123456789"
# The test credentials and settings `s3` puts into the environment (and a CLI subprocess is given).
S3_ENV = {
    "AWS_ACCESS_KEY_ID": ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    "AWS_REGION": "us-east-1",
    "AWS_MAX_ATTEMPTS": "2",
}


@pytest.fixture(scope="session")
def _s3_server() -> Iterator[S3Server]:
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3(_s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """The shared server, counts reset, healthy, with test credentials in the environment."""
    state = _s3_server.state
    state.down, state.fail_after_puts, state.access_key = False, None, None
    _s3_server.reset_counts()
    for key, value in S3_ENV.items():
        monkeypatch.setenv(key, value)
    yield _s3_server


def bucket_client(server: S3Server):  # noqa: ANN201 - boto3 client type
    return boto3.client(
        "s3",
        endpoint_url=server.moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


@pytest.fixture
def bucket(s3: S3Server, request: pytest.FixtureRequest) -> str:
    name = ("pipeline-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()))[:50].strip("-")
    client = bucket_client(s3)
    client.create_bucket(Bucket=name)
    return name


SOURCE_S3 = Path(os.environ.get("AIRBYTE_SOURCE_S3", REPO / ".venv-airbyte" / "bin" / "source-s3"))


def source_s3(*args: str, tmp: Path) -> list[dict[str, Any]]:
    """Run Airbyte's own source-s3 connector (its own virtualenv); its protocol messages."""
    if not SOURCE_S3.exists():
        pytest.skip(f"{SOURCE_S3} missing: `make test` installs airbyte-source-s3==4.14.2 into .venv-airbyte")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [str(SOURCE_S3), *args], capture_output=True, text=True, cwd=tmp, env=env, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    messages = []
    for line in result.stdout.splitlines():
        try:
            messages.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return messages


def read_stream(config: dict[str, Any], tmp: Path) -> list[dict[str, Any]]:
    """discover + read of the connector's one stream: the records' data."""
    config_path = tmp / "source-config.json"
    config_path.write_text(json.dumps(config))
    catalog = next(
        m["catalog"]
        for m in source_s3("discover", "--config", str(config_path), tmp=tmp)
        if m.get("type") == "CATALOG"
    )
    configured = {
        "streams": [
            {"stream": s, "sync_mode": "full_refresh", "destination_sync_mode": "append"}
            for s in catalog["streams"]
        ]
    }
    catalog_path = tmp / "configured-catalog.json"
    catalog_path.write_text(json.dumps(configured))
    read = source_s3("read", "--config", str(config_path), "--catalog", str(catalog_path), tmp=tmp)
    return [m["record"]["data"] for m in read if m.get("type") == "RECORD"]
