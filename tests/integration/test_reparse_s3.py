"""`scraper reparse --since` against a real S3 HTTP server on 127.0.0.1: the uploaded runs of a date
range are read back with their archived pages, re-parsed, and uploaded beside the originals."""

from __future__ import annotations

import json
from pathlib import Path

from scraper.parse import PARSER_VERSION
from scraper.upload import upload_run
from tests.conftest import run_cli
from tests.integration.conftest import S3_ENV, bucket_client
from tests.integration.s3_server import S3Server
from tests.unit.test_reparse import RUN, _run_dir

PREFIX = "linkedin/profiles"


def test_uploaded_runs_of_a_date_range_are_reparsed_and_land_beside_them(
    s3: S3Server, bucket: str, tmp_path: Path
) -> None:
    upload_run(_run_dir(tmp_path / "run"), bucket, PREFIX, s3.endpoint)
    client = bucket_client(s3)
    page = f"{PREFIX}/pages/dt=2026-11-25/run={RUN}/shard=0/gone/main.html.gz"
    assert "Contents" not in client.list_objects_v2(Bucket=bucket, Prefix=page)  # never archived
    env = {**S3_ENV, "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3.endpoint}
    out = tmp_path / "reparsed"
    done = run_cli("reparse", "--since", "2026-11-24", "--until", "2026-11-26", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(out / RUN)]
    records = [
        json.loads(line) for line in (out / RUN / "shard-0" / "profiles.jsonl").read_text().splitlines()
    ]
    assert {r["profile_id"]: r["status"] for r in records} == {
        "ada": "ok",
        "wall": "auth_required",
        "never-loaded": "error",
        "gone": "ok",
    }
    # the wall is no longer a settled profile: the re-parse is a partial run, shipped as the DAG does
    done = run_cli("upload", "--src", str(out / RUN), "--allow-partial", env=env)
    assert done.returncode == 0, done.stderr
    base = f"{PREFIX}/dt=2026-11-25/run={RUN}"
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix=base)["Contents"]}
    assert f"{base}/parser={PARSER_VERSION}/shard=0/profiles.jsonl" in keys
    assert f"{base}/parser={PARSER_VERSION}/manifest.json" in keys
    assert f"{base}/shard=0/profiles.jsonl" in keys  # the original stays
    # a second re-parse of the range finds the run once (a re-parse's manifest is not a run)
    again = run_cli("reparse", "--since", "2026-11-25", "--out", str(tmp_path / "again"), env=env)
    assert again.returncode == 0 and again.stdout.split() == [str(tmp_path / "again" / RUN)]
