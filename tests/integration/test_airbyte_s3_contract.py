"""Contract: what `scraper upload` writes is read back by Airbyte's own source-s3 connector (4.14.2,
in its own virtualenv), configured by the same function the provisioning code uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.airbyte.config import STREAM, S3SourceSettings, s3_source_configuration
from scraper.upload import upload_run
from tests.devtools.records import write_run_dir
from tests.integration.conftest import ACCESS_KEY, SECRET_KEY, source_s3
from tests.integration.s3_server import S3Server

pytestmark = [pytest.mark.contract, pytest.mark.slow]
RUN = "manual__2026-11-25T07-00-00"


def test_source_s3_reads_every_uploaded_profile_with_all_fields(
    s3: S3Server, bucket: str, tmp_path: Path
) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=5)
    upload_run(src, bucket, "linkedin/profiles", s3.endpoint)
    config = s3_source_configuration(
        S3SourceSettings(
            bucket=bucket, endpoint=s3.endpoint, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY
        )
    )
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config))

    check = source_s3("check", "--config", str(config_path), tmp=tmp_path)
    status = next(m["connectionStatus"] for m in check if m.get("type") == "CONNECTION_STATUS")
    assert status["status"] == "SUCCEEDED", status

    catalog = next(
        m["catalog"]
        for m in source_s3("discover", "--config", str(config_path), tmp=tmp_path)
        if m.get("type") == "CATALOG"
    )
    stream = next(s for s in catalog["streams"] if s["name"] == STREAM)
    uploaded = [
        json.loads(line)
        for shard in sorted(src.glob("shard-*"))
        for line in (shard / "profiles.jsonl").read_text().splitlines()
    ]
    assert set(uploaded[0]) <= set(stream["json_schema"]["properties"])  # every column, even all-null ones
    assert "array" in str(stream["json_schema"]["properties"]["experiences"]["type"])

    configured = {
        "streams": [{"stream": stream, "sync_mode": "full_refresh", "destination_sync_mode": "append"}]
    }
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(configured))
    read = source_s3("read", "--config", str(config_path), "--catalog", str(catalog_path), tmp=tmp_path)
    records = [m["record"]["data"] for m in read if m.get("type") == "RECORD"]
    assert len(records) == len(uploaded) == 10
    by_id = {r["profile_id"]: r for r in records}
    for original in uploaded:
        got = by_id[original["profile_id"]]
        # The Airbyte protocol serializer omits null values; destinations read a missing key as NULL.
        assert set(original) - set(got) == {k for k, v in original.items() if v is None}
        assert {k: got.get(k) for k in original} == original  # nested experiences/educations included
        assert got["_ab_source_file_url"].endswith("/profiles.jsonl")
