"""Issue 22's re-parse end to end: real Chromium scrapes the demo site on two days with the page
archive on, both runs land in a real PostgreSQL and dbt builds the warehouse; then the archived pages
are re-parsed by a parser of another version (one that reads every text field in capitals), the
re-parse lands too, and every model reads the newer parse."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scraper import reparse
from scraper.demo_site import DemoSite
from scraper.demo_site.people import JOB_CHANGER, people_as_of
from scraper.models import Profile
from scraper.parse import PARSER_VERSION
from scraper.rundir import PROFILES_FILE
from scraper.upload import run_base
from tests.browser.conftest import run_scrape
from tests.devtools.airbyte_load import load_records
from tests.warehouse.conftest import rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEWER = PARSER_VERSION + 1
IDS = [JOB_CHANGER, "bilal-sato-01", "chioma-nowak-02"]
DAY_1 = dt.date(2026, 11, 24)  # the job changer moves between these two days (people_as_of)


def _capitals(profile: Profile) -> Profile:
    up = lambda text: text.upper() if text else text  # noqa: E731
    return replace(
        profile,
        name=up(profile.name),
        headline=up(profile.headline),
        current_company=up(profile.current_company),
        experiences=[replace(e, company=up(e.company), title=up(e.title)) for e in profile.experiences],
        educations=[replace(e, school=up(e.school)) for e in profile.educations],
        skills=[up(s) for s in profile.skills],
    )


def _newer_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    read_page = reparse.read_page

    def read_in_capitals(*args: Any) -> Any:
        verdict, profile = read_page(*args)
        return verdict, None if profile is None else _capitals(profile)

    monkeypatch.setattr(reparse, "read_page", read_in_capitals)
    monkeypatch.setattr(reparse, "PARSER_VERSION", NEWER)


def _land(conn: Any, run: Path, sync_id: int, reparsed_by: int | None = None) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in (run / "shard-0" / PROFILES_FILE).read_text().splitlines()]
    key = f"{run_base('linkedin/profiles', 'd', records[0]['run_id'], reparsed_by)}/shard=0/{PROFILES_FILE}"
    load_records(conn, records, file_key=key, sync_id=sync_id)
    return records


def test_every_model_reads_the_newer_parse(
    warehouse: Any, dbt: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = []
    with DemoSite() as site:
        for day in (DAY_1, DAY_1 + dt.timedelta(days=1)):
            site.state.people = people_as_of(day)
            run = tmp_path / f"run-{day}"
            result = run_scrape(site, run / "shard-0", IDS, "--run-id", f"run-{day}")
            assert result.returncode == 0, result.stderr
            runs.append(run)
    for sync_id, run in enumerate(runs, 1):
        _land(warehouse, run, sync_id)
        dbt.build()
    assert rows(warehouse, "SELECT DISTINCT parser_version FROM linkedin.stg_profiles") == [(PARSER_VERSION,)]

    _newer_parser(monkeypatch)
    for sync_id, run in enumerate(runs, 3):
        result = reparse.reparse_run(run, tmp_path / f"reparsed-{run.name}")
        assert result.reparsed == result.records == len(IDS)
        records = _land(warehouse, tmp_path / f"reparsed-{run.name}", sync_id, reparsed_by=NEWER)
        assert {r["parser_version"] for r in records} == {NEWER}
    dbt.build()

    people = people_as_of(DAY_1)
    changer = people[JOB_CHANGER].profile
    moved = people_as_of(DAY_1 + dt.timedelta(days=1))[JOB_CHANGER].profile
    assert rows(warehouse, "SELECT DISTINCT parser_version FROM linkedin.stg_profiles") == [(NEWER,)]
    assert rows(warehouse, "SELECT count(*) FROM linkedin.stg_profiles") == [(2 * len(IDS),)]
    assert sorted(rows(warehouse, "SELECT name, headline FROM linkedin.profile_latest")) == sorted(
        (p.profile.name.upper(), p.profile.headline.upper()) for pid, p in people.items() if pid in IDS
    )
    assert rows(
        warehouse,
        "SELECT old_value, new_value FROM linkedin.profile_change "
        "WHERE profile_id = %s AND attribute = 'current_company'",
        [JOB_CHANGER],
    ) == [(changer.current_company, moved.current_company.upper())]  # the closed version as it was read
    lists = {
        "experience": ("company", [e.company for e in moved.experiences]),
        "education": ("school", [e.school for e in moved.educations]),
        "skill": ("skill", moved.skills),
    }
    for model, (column, values) in lists.items():
        got = rows(
            warehouse,
            f"SELECT {column} FROM linkedin.{model} WHERE profile_id = %s "  # noqa: S608 - fixed names
            "AND scraped_at = (SELECT max(scraped_at) FROM linkedin.stg_profiles WHERE profile_id = %s) "
            "ORDER BY position",
            [JOB_CHANGER, JOB_CHANGER],
        )
        assert [v for (v,) in got] == [v.upper() if v else v for v in values], model
    current = rows(
        warehouse,
        "SELECT current_company FROM linkedin.profile_history WHERE profile_id = %s AND valid_to IS NULL",
        [JOB_CHANGER],
    )
    assert current == [(moved.current_company.upper(),)]
