"""Integration fixtures: a real S3 server on loopback and run directories on disk."""

from __future__ import annotations

import re
from collections.abc import Iterator

import boto3
import pytest

from tests.integration.s3_server import S3Server

ACCESS_KEY, SECRET_KEY = "AKIAPIPELINETEST", "pipeline-test-secret-key-0123456789"


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
    for key, value in {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "2",
    }.items():
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
