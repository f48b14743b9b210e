"""The warehouse models against a real PostgreSQL: Airbyte's table in the destination's shape, loaded
with the demo site's ground truth for two daily runs, the models run twice, every table checked row by
row against what the records say."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from scraper.demo_site.people import JOB_CHANGER, people_as_of
from tests.devtools.airbyte_load import load_records
from tests.devtools.warehouse import run_models
from tests.warehouse.conftest import DAY_1, DAY_2, NOT_OK_ON_DAY_2, file_key, ground_truth, rows, run_id

MODEL_TABLES = ("profile_latest", "experience", "education", "skill", "profile_change")


def ts(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 6, tzinfo=dt.UTC)


def load_two_days(conn: Any, dedup: bool = True) -> None:
    for sync_id, day in enumerate((DAY_1, DAY_2), start=1):
        load_records(conn, ground_truth(day), file_key=file_key(day), sync_id=sync_id, dedup=dedup)


def snapshot(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {t: rows(conn, f"SELECT * FROM linkedin.{t} ORDER BY 1, 2, 3") for t in MODEL_TABLES}


def ok_scrapes() -> list[tuple[dt.date, str, Any]]:
    """(day, profile_id, profile) of every ok scrape in the two runs."""
    out = []
    for day in (DAY_1, DAY_2):
        for profile_id, person in people_as_of(day).items():
            if day == DAY_2 and profile_id in NOT_OK_ON_DAY_2:
                continue
            out.append((day, profile_id, person.profile))
    return out


def current_title(profile: Any) -> str | None:
    return next((e.title for e in profile.experiences if e.is_current), None)


@pytest.fixture
def modelled(warehouse: Any) -> Any:
    load_two_days(warehouse)
    run_models(warehouse)
    return warehouse


def test_the_models_are_idempotent(modelled: Any) -> None:
    first = snapshot(modelled)
    assert all(first.values())
    run_models(modelled)
    assert snapshot(modelled) == first


def test_profile_latest_is_the_newest_ok_scrape_of_each_profile(modelled: Any) -> None:
    scrapes: dict[str, list[tuple[dt.date, Any]]] = {}
    for day, profile_id, profile in ok_scrapes():
        scrapes.setdefault(profile_id, []).append((day, profile))
    want = []
    for profile_id, seen in sorted(scrapes.items()):
        day, profile = max(seen, key=lambda s: s[0])
        want.append(
            (
                profile_id,
                f"https://www.linkedin.com/in/{profile_id}/",
                profile.name,
                profile.headline,
                profile.location,
                profile.current_company,
                current_title(profile),
                profile.connections,
                profile.connections_capped,
                profile.followers,
                profile.about,
                len(profile.experiences),
                len(profile.educations),
                len(profile.skills),
                ts(day),
                run_id(day),
                ts(min(d for d, _ in seen)),
                len(seen),
            )
        )
    assert rows(modelled, "SELECT * FROM linkedin.profile_latest ORDER BY profile_id") == want
    assert len(want) == len(people_as_of(DAY_1))
    # The private DAY_2 scrape does not replace the ok one of DAY_1.
    private = rows(
        modelled,
        "SELECT scraped_at, ok_scrapes FROM linkedin.profile_latest WHERE profile_id = %s",
        ["bilal-sato-01"],
    )
    assert private == [(ts(DAY_1), 1)]


def test_experience_education_skill_have_one_row_per_list_item(modelled: Any) -> None:
    experience, education, skill = [], [], []
    for day, profile_id, profile in ok_scrapes():
        for n, e in enumerate(profile.experiences, start=1):
            experience.append(
                (
                    profile_id,
                    ts(day),
                    n,
                    e.title,
                    e.company,
                    e.employment_type,
                    e.start,
                    e.end,
                    e.is_current,
                    e.location,
                )
            )
        for n, e in enumerate(profile.educations, start=1):
            education.append((profile_id, ts(day), n, e.school, e.degree, e.start, e.end))
        for n, s in enumerate(profile.skills, start=1):
            skill.append((profile_id, ts(day), n, s))
    assert rows(modelled, "SELECT * FROM linkedin.experience ORDER BY 1, 2, 3") == sorted(experience)
    assert rows(modelled, "SELECT * FROM linkedin.education ORDER BY 1, 2, 3") == sorted(education)
    assert rows(modelled, "SELECT * FROM linkedin.skill ORDER BY 1, 2, 3") == sorted(skill)
    assert any(e[8] for e in experience) and any(not e[8] for e in experience)
    assert any(e[7] is None for e in experience)  # a current role has no end


def test_profile_change_sees_the_one_job_change(modelled: Any) -> None:
    before = people_as_of(DAY_1)[JOB_CHANGER].profile.current_company
    after = people_as_of(DAY_2)[JOB_CHANGER].profile.current_company
    assert rows(modelled, "SELECT * FROM linkedin.profile_change") == [
        (JOB_CHANGER, "current_company", before, after, ts(DAY_1), ts(DAY_2))
    ]


def test_a_third_scrape_back_at_the_old_company_is_a_second_change(modelled: Any) -> None:
    day_3 = DAY_2 + dt.timedelta(days=1)
    load_records(modelled, ground_truth(day_3), file_key=file_key(day_3), sync_id=3)
    run_models(modelled)
    changes = rows(
        modelled, "SELECT old_value, new_value, scraped_at FROM linkedin.profile_change ORDER BY scraped_at"
    )
    assert [c[:2] for c in changes] == [("Nordlys Energi", "Quanta Labs"), ("Quanta Labs", "Nordlys Energi")]
    assert changes[-1][2] == ts(day_3)


def test_a_file_synced_twice_in_append_mode_changes_nothing(warehouse: Any, modelled: Any) -> None:
    once = snapshot(modelled)
    load_records(modelled, ground_truth(DAY_2), file_key=file_key(DAY_2), sync_id=3, dedup=False)
    assert rows(modelled, "SELECT count(*) FROM linkedin.profiles")[0][0] == 3 * len(ground_truth(DAY_2))
    run_models(modelled)
    assert snapshot(modelled) == once


def test_the_models_accept_scraped_at_typed_as_a_timestamp(warehouse: Any) -> None:
    """If the stream schema declares scraped_at as date-time, Airbyte types the column timestamptz."""
    load_two_days(warehouse)
    with warehouse.cursor() as cur:
        cur.execute(
            "ALTER TABLE linkedin.profiles ALTER COLUMN scraped_at TYPE timestamptz USING scraped_at::timestamptz"
        )
    warehouse.commit()
    run_models(warehouse)
    assert len(rows(warehouse, "SELECT * FROM linkedin.profile_change")) == 1
