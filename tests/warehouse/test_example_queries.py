"""Every example query of docs/warehouse.md runs against the warehouse dbt built from the demo's ground
truth (two days, each landed and built as the DAG does) and answers what its title asks."""

from __future__ import annotations

from typing import Any

import pytest

from scraper.demo_site.people import JOB_CHANGER, people_as_of
from tests.devtools.warehouse import example_queries
from tests.warehouse.conftest import DAY_1, DAY_2, NOT_OK_ON_DAY_2, rows

QUERIES = dict(example_queries())


def test_the_page_has_six_example_queries() -> None:
    assert len(QUERIES) == 6
    assert all(sql.upper().startswith("SELECT") for sql in QUERIES.values())


@pytest.mark.parametrize("title", list(QUERIES))
def test_each_example_query_runs_and_returns_rows(two_days: Any, title: str) -> None:
    assert rows(two_days, QUERIES[title]), title


def test_the_job_change_query_names_the_job_changer(two_days: Any) -> None:
    person = people_as_of(DAY_2)[JOB_CHANGER].profile
    assert rows(two_days, QUERIES["Who changed jobs in the last week"]) == [
        (person.name, people_as_of(DAY_1)[JOB_CHANGER].profile.current_company, person.current_company, DAY_2)
    ]


def test_the_company_headcount_counts_everyone_with_a_current_role_who_is_still_visible(
    two_days: Any,
) -> None:
    """Where the top card hides the company badge, the current role's company counts (it did not before)."""
    counted = dict(rows(two_days, QUERIES["How many people work at each company now"]))
    want: dict[str, int] = {}
    for profile_id in people_as_of(DAY_2):
        if NOT_OK_ON_DAY_2.get(profile_id) == "private":
            continue
        day = DAY_1 if profile_id in NOT_OK_ON_DAY_2 else DAY_2
        profile = people_as_of(day)[profile_id].profile
        role = next((e for e in profile.experiences if e.is_current), None)
        company = profile.current_company or (role.company if role else None)
        if company:
            want[company] = want.get(company, 0) + 1
    assert counted == want
    named_by_top_card = sum(
        1
        for pid, p in people_as_of(DAY_2).items()
        if p.profile.current_company and pid not in NOT_OK_ON_DAY_2
    )
    assert sum(counted.values()) > named_by_top_card + 1


def test_who_started_a_job_this_quarter_reads_typed_dates(two_days: Any) -> None:
    started = rows(two_days, QUERIES["Who started a job this quarter"])
    assert people_as_of(DAY_2)[JOB_CHANGER].profile.name in [name for name, *_ in started]
    assert all(start.month in (10, 11, 12) and start.year == DAY_2.year for *_, start in started)
