"""The dbt models against a real PostgreSQL: Airbyte's table in the destination's shape, loaded with the
demo site's ground truth for two daily runs (each followed by a dbt build, as the DAG runs them), every
table checked row by row against what the records say."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scraper.demo_site.people import JOB_CHANGER, people_as_of
from tests.warehouse.conftest import DAY_1, DAY_2, NOT_OK_ON_DAY_2, load_day, rows, run_id

LATEST_COLUMNS = (
    "profile_id, url, name, headline, location, current_company, current_company_source, current_title, "
    "connections, connections_capped, followers, about, experience_count, education_count, skill_count, "
    "scraped_at, run_id, first_scraped_at, ok_scrapes, latest_status, latest_status_at"
)


def ts(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 6, tzinfo=dt.UTC)


def ok_scrapes() -> list[tuple[dt.date, str, Any]]:
    """(day, profile_id, profile) of every ok scrape in the two runs."""
    out = []
    for day in (DAY_1, DAY_2):
        for profile_id, person in people_as_of(day).items():
            if day == DAY_2 and profile_id in NOT_OK_ON_DAY_2:
                continue
            out.append((day, profile_id, person.profile))
    return out


def current_role(profile: Any) -> Any:
    return next((e for e in profile.experiences if e.is_current), None)


def company_and_source(profile: Any) -> tuple[str | None, str | None]:
    if profile.current_company is not None:
        return profile.current_company, "top_card"
    role = current_role(profile)
    if role is not None and role.company is not None:
        return role.company, "current_role"
    return None, None


def partial_date(text: str | None) -> tuple[dt.date | None, str | None]:
    if text is None:
        return None, None
    if len(text) == 7:
        return dt.date(int(text[:4]), int(text[5:]), 1), "month"
    return dt.date(int(text), 1, 1), "year"


def test_profile_latest_is_the_newest_ok_scrape_and_the_newest_answer(two_days: Any) -> None:
    scrapes: dict[str, list[tuple[dt.date, Any]]] = {}
    for day, profile_id, profile in ok_scrapes():
        scrapes.setdefault(profile_id, []).append((day, profile))
    want = []
    for profile_id, seen in sorted(scrapes.items()):
        day, profile = max(seen, key=lambda s: s[0])
        role = current_role(profile)
        # A private profile answered on DAY_2; a rate-limited scrape is no answer about the profile.
        status = NOT_OK_ON_DAY_2.get(profile_id) if NOT_OK_ON_DAY_2.get(profile_id) == "private" else "ok"
        want.append(
            (
                profile_id,
                f"https://www.linkedin.com/in/{profile_id}/",
                profile.name,
                profile.headline,
                profile.location,
                *company_and_source(profile),
                role.title if role else None,
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
                status,
                ts(DAY_2) if status == "private" or day == DAY_2 else ts(day),
            )
        )
    assert rows(two_days, f"SELECT {LATEST_COLUMNS} FROM linkedin.profile_latest ORDER BY profile_id") == want
    assert len(want) == len(people_as_of(DAY_1))


def test_a_profile_now_private_keeps_its_last_ok_data_and_says_so(two_days: Any) -> None:
    latest = rows(
        two_days,
        "SELECT profile_id, scraped_at, ok_scrapes, latest_status, latest_status_at FROM linkedin.profile_latest "
        "WHERE profile_id = ANY(%s) ORDER BY profile_id",
        [list(NOT_OK_ON_DAY_2)],
    )
    assert latest == [
        ("bilal-sato-01", ts(DAY_1), 1, "private", ts(DAY_2)),
        ("chioma-nowak-02", ts(DAY_1), 1, "ok", ts(DAY_1)),  # rate_limited: no answer
    ]


def test_current_company_falls_back_to_the_first_current_role(two_days: Any) -> None:
    hidden = {
        pid: current_role(p.profile).company
        for pid, p in people_as_of(DAY_2).items()
        if p.profile.current_company is None
        and current_role(p.profile) is not None
        and pid not in NOT_OK_ON_DAY_2
    }
    assert len(hidden) >= 3  # the demo hides the top card's company badge for some people
    got = rows(
        two_days,
        "SELECT profile_id, current_company, current_company_source FROM linkedin.profile_latest "
        "WHERE profile_id = ANY(%s) ORDER BY profile_id",
        [list(hidden)],
    )
    assert got == [(pid, hidden[pid], "current_role") for pid in sorted(hidden)]


def test_experience_education_skill_have_one_row_per_list_item_with_typed_dates(two_days: Any) -> None:
    experience, education, skill = [], [], []
    for day, profile_id, profile in ok_scrapes():
        for n, e in enumerate(profile.experiences, start=1):
            experience.append(
                (profile_id, ts(day), n, e.title, e.company, e.employment_type)
                + partial_date(e.start)
                + partial_date(e.end)
                + (e.is_current, e.location)
            )
        for n, e in enumerate(profile.educations, start=1):
            education.append(
                (profile_id, ts(day), n, e.school, e.degree) + partial_date(e.start) + partial_date(e.end)
            )
        for n, s in enumerate(profile.skills, start=1):
            skill.append((profile_id, ts(day), n, s))
    columns = "start_date, start_date_precision, end_date, end_date_precision"
    assert rows(
        two_days,
        f"SELECT profile_id, scraped_at, position, title, company, employment_type, {columns}, is_current, "
        "location FROM linkedin.experience ORDER BY 1, 2, 3",
    ) == sorted(experience)
    assert rows(
        two_days,
        f"SELECT profile_id, scraped_at, position, school, degree, {columns} FROM linkedin.education ORDER BY 1, 2, 3",
    ) == sorted(education)
    assert rows(
        two_days, "SELECT profile_id, scraped_at, position, skill FROM linkedin.skill ORDER BY 1, 2, 3"
    ) == sorted(skill)
    precisions = {e[7] for e in experience} | {e[6] for e in education}
    assert {"month", "year"} <= precisions  # the demo has both
    assert any(e[10] for e in experience) and any(e[8] is None for e in experience)  # current: no end


def test_the_five_sections_have_one_row_per_item_with_typed_dates(two_days: Any) -> None:
    expected: dict[str, list[tuple[Any, ...]]] = {t: [] for t in SECTION_QUERIES}
    for day, profile_id, profile in ok_scrapes():
        key = (profile_id, ts(day))
        for n, c in enumerate(profile.certifications, start=1):
            expected["certification"].append(
                (*key, n, c.name, c.issuer)
                + partial_date(c.issued)
                + partial_date(c.expires)
                + (c.credential_id,)
            )
        for n, lang in enumerate(profile.languages, start=1):
            expected["language"].append((*key, n, lang.name, lang.proficiency))
        for n, p in enumerate(profile.projects, start=1):
            expected["project"].append(
                (*key, n, p.title) + partial_date(p.start) + partial_date(p.end) + (p.description,)
            )
        for n, v in enumerate(profile.volunteering, start=1):
            expected["volunteering"].append(
                (*key, n, v.role, v.organization, v.cause) + partial_date(v.start) + partial_date(v.end)
            )
        for n, h in enumerate(profile.honors, start=1):
            expected["honor"].append((*key, n, h.title, h.issuer) + partial_date(h.date))
    for table, columns in SECTION_QUERIES.items():
        assert expected[table], f"the demo shows no {table}"
        got = rows(
            two_days,
            f"SELECT profile_id, scraped_at, position, {columns} FROM linkedin.{table} ORDER BY 1, 2, 3",
        )
        assert got == sorted(expected[table]), table


SECTION_QUERIES = {
    "certification": "name, issuer, issued_date, issued_date_precision, expires_date, expires_date_precision, "
    "credential_id",
    "language": "name, proficiency",
    "project": "title, start_date, start_date_precision, end_date, end_date_precision, description",
    "volunteering": "role, organization, cause, start_date, start_date_precision, end_date, end_date_precision",
    "honor": "title, issuer, awarded_date, awarded_date_precision",
}


def test_profile_change_sees_the_one_job_change(two_days: Any) -> None:
    before = people_as_of(DAY_1)[JOB_CHANGER].profile.current_company
    after = people_as_of(DAY_2)[JOB_CHANGER].profile.current_company
    assert rows(two_days, "SELECT * FROM linkedin.profile_change") == [
        (JOB_CHANGER, "current_company", before, after, ts(DAY_1), ts(DAY_2))
    ]


def test_profile_history_holds_each_version_with_its_validity(two_days: Any) -> None:
    before = people_as_of(DAY_1)[JOB_CHANGER].profile.current_company
    after = people_as_of(DAY_2)[JOB_CHANGER].profile.current_company
    assert rows(
        two_days,
        "SELECT current_company, valid_from, valid_to FROM linkedin.profile_history WHERE profile_id = %s "
        "ORDER BY valid_from",
        [JOB_CHANGER],
    ) == [(before, ts(DAY_1), ts(DAY_2)), (after, ts(DAY_2), None)]
    assert rows(two_days, "SELECT count(*) FROM linkedin.profile_history WHERE valid_to IS NULL")[0][
        0
    ] == len(people_as_of(DAY_1))


def test_the_models_accept_scraped_at_typed_as_a_timestamp(warehouse: Any, dbt: Any) -> None:
    """If the stream schema declares scraped_at as date-time, Airbyte types the column timestamptz."""
    load_day(warehouse, DAY_1, 1)
    with warehouse.cursor() as cur:
        cur.execute(
            "ALTER TABLE linkedin.profiles ALTER COLUMN scraped_at TYPE timestamptz USING scraped_at::timestamptz"
        )
    warehouse.commit()
    assert dbt.dbt("run", "--select", "stg_profiles", "profile_latest").returncode == 0
    assert rows(warehouse, "SELECT DISTINCT scraped_at FROM linkedin.profile_latest") == [(ts(DAY_1),)]
