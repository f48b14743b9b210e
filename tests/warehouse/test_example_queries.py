"""Every example query of docs/warehouse.md runs against the models built from the demo's ground truth
and answers what its title asks."""

from __future__ import annotations

from typing import Any

import pytest

from scraper.demo_site.people import JOB_CHANGER, people_as_of
from tests.devtools.airbyte_load import load_records
from tests.devtools.warehouse import example_queries, run_models
from tests.warehouse.conftest import DAY_1, DAY_2, file_key, ground_truth, rows

QUERIES = example_queries()


@pytest.fixture(scope="module")
def demo_warehouse(postgres_server: Any) -> Any:
    import psycopg2

    conn = psycopg2.connect(postgres_server.create_database("wh_example_queries"))
    for sync_id, day in enumerate((DAY_1, DAY_2), start=1):
        load_records(conn, ground_truth(day), file_key=file_key(day), sync_id=sync_id)
    run_models(conn)
    yield conn
    conn.close()


def test_the_page_has_five_example_queries() -> None:
    assert len(QUERIES) == 5
    assert all(sql.upper().startswith("SELECT") for _, sql in QUERIES)


@pytest.mark.parametrize(("title", "sql"), QUERIES, ids=[t for t, _ in QUERIES])
def test_each_example_query_runs_and_returns_rows(demo_warehouse: Any, title: str, sql: str) -> None:
    assert rows(demo_warehouse, sql), title


def test_the_job_change_query_names_the_job_changer(demo_warehouse: Any) -> None:
    person = people_as_of(DAY_2)[JOB_CHANGER].profile
    _, sql = QUERIES[0]
    assert rows(demo_warehouse, sql) == [
        (person.name, people_as_of(DAY_1)[JOB_CHANGER].profile.current_company, person.current_company, DAY_2)
    ]


def test_the_company_headcount_query_counts_current_companies(demo_warehouse: Any) -> None:
    _, sql = QUERIES[1]
    counted = dict(rows(demo_warehouse, sql))
    latest = rows(demo_warehouse, "SELECT current_company FROM linkedin.profile_latest")
    companies = [c for (c,) in latest if c is not None]
    assert counted == {c: companies.count(c) for c in set(companies)}
