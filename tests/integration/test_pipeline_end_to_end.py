"""The pipeline without a cluster: two scraper shards with real Chromium against the demo site, the
upload to an S3 server on 127.0.0.1, and Airbyte's own S3 connector reading back every profile exactly
as the demo site knows it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.airbyte.config import S3SourceSettings, s3_source_configuration
from scraper.demo_site import DemoSite, all_people
from tests.browser.conftest import CHROMEDRIVER, CHROMIUM, run_scrape
from tests.conftest import REPO, without_sections
from tests.integration.conftest import ACCESS_KEY, SECRET_KEY, read_stream
from tests.integration.s3_server import S3Server

pytestmark = [pytest.mark.browser, pytest.mark.contract, pytest.mark.slow]
RUN = "manual__2026-11-25T08:00:00+00:00"


def test_scrape_upload_and_airbyte_read_agree_with_the_ground_truth(
    s3: S3Server, bucket: str, tmp_path: Path
) -> None:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("chromium and chromedriver are needed (make test installs them)")
    ids = list(all_people())[:5]
    run_dir = tmp_path / "runs" / RUN
    with DemoSite() as site:
        for index in range(2):  # what the DAG's mapped scrape task runs, one pod per shard
            # The last --run-id wins over the helper's own.
            result = run_scrape(
                site, run_dir / f"shard-{index}", ids, "--shard", f"{index}/2", "--resume", "--run-id", RUN
            )
            assert result.returncode == 0, result.stderr[-2000:]
        expected = {pid: site.person(pid).profile.to_dict() for pid in ids}

    upload = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "upload",
            "--src",
            str(run_dir),
            "--bucket",
            bucket,
            "--endpoint-url",
            s3.endpoint,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert upload.returncode == 0, upload.stderr[-2000:]
    assert upload.stdout.splitlines()[-1].endswith(f"/run={RUN}/manifest.json")

    config = s3_source_configuration(
        S3SourceSettings(
            bucket=bucket, endpoint=s3.endpoint, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY
        )
    )
    records = read_stream(config, tmp_path)
    assert sorted(r["profile_id"] for r in records) == sorted(ids)
    for record in records:
        want = expected[record["profile_id"]]
        got = {k: record.get(k) for k in want}
        assert without_sections(got) == without_sections(want), record["profile_id"]
        assert record["status"] == "ok" and record["run_id"] == RUN
