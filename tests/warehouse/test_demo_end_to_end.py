"""`make demo` end to end: real headless Chromium scrapes the demo site on two days, the runs land in a
real PostgreSQL in Airbyte's table shape, the models run, and the job change shows in the output."""

from __future__ import annotations

import shutil

import pytest

from scraper.demo_site.people import JOB_CHANGER, all_people
from tests.devtools.demo import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium not installed (make system-deps)")
def test_demo_prints_the_job_change_and_headcounts(
    postgres_server: object, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--count", "3", "--out-root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "this load stands in for Airbyte's S3 -> Postgres sync" in out
    name = all_people()[JOB_CHANGER].profile.name
    changes = out.split("-- Who changed jobs in the last week", 1)[1].split("\n-- ", 1)[0]
    result = changes.split(";", 1)[1].strip().splitlines()
    assert result[0].split() == ["name", "previous_company", "company", "seen_on"]
    assert len(result) == 2 and result[1].startswith(name)
    assert "Nordlys Energi" in result[1] and "Quanta Labs" in result[1]
    assert "-- How many people work at each company now" in out
    assert "the local PostgreSQL is stopped" in out
