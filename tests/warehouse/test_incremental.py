"""Three daily runs, each landed and then built incrementally, as the DAG does, across the record's
schema change: day 1 in the old shape (Airbyte's table has no parser_version, pages or account column
yet), day 2 in schema_version 2 (the columns appear; a `deferred` placeholder; day 1's file synced again
in append mode), day 3 with a re-parse of a day-2 scrape. Then a full refresh must give the same tables,
and the rules of docs/warehouse.md must hold on the way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg2
import pytest

from scraper.demo_site.people import JOB_CHANGER, people_as_of
from tests.devtools.airbyte_load import load_records, stream_columns
from tests.devtools.warehouse import Warehouse, warehouse_on
from tests.warehouse.conftest import DAY_1, DAY_2, file_key, ground_truth, rows

pytestmark = pytest.mark.slow

DAY_3 = DAY_2 + dt.timedelta(days=1)
FIVE_SECTIONS = ("certifications", "languages", "projects", "volunteering", "honors")
SCHEMA_V2 = {"parser_version": "bigint", "pages": "jsonb", "account": "varchar"} | dict.fromkeys(
    FIVE_SECTIONS, "jsonb"
)
DEFERRED = "dmitri-rossi-03"  # our daily budget kept us from it on day 2
MISSING_ONCE = "donal-quispe-29"  # no headline on day 2 only
GONE = "aoife-okafor-26"  # no location on days 2 and 3
REPARSED = "bjorn-bakr-27"  # day 2 re-parsed on day 3 (parser_version 2: one role fewer, new headline)
SECTION_TABLES = ("certification", "language", "project", "volunteering", "honor")
TABLES = (
    "stg_profiles",
    "profile_latest",
    "experience",
    "education",
    "skill",
    "profile_change",
    *SECTION_TABLES,
)


def ts(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 6, tzinfo=dt.UTC)


def v1_columns() -> dict[str, str]:
    return {k: v for k, v in stream_columns().items() if k not in SCHEMA_V2}


def v2(records: list[dict[str, Any]], parser_version: int = 1) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "schema_version": 2,
            "parser_version": parser_version,
            "account": "acct-a",
            "pages": [f"p/{r['profile_id']}"],
        }
        for r in records
    ]


def day_2_records() -> list[dict[str, Any]]:
    records = []
    for r in ground_truth(DAY_2):
        if r["profile_id"] == DEFERRED:
            r = {
                **r,
                "status": "deferred",
                "attempted": False,
                "name": None,
                "headline": None,
                "location": None,
                "current_company": None,
                "experiences": [],
                "educations": [],
                "skills": [],
            }
        elif r["profile_id"] == MISSING_ONCE:
            r = {**r, "headline": None}
        elif r["profile_id"] == GONE:
            r = {**r, "location": None}
        records.append(r)
    return v2(records)


def day_3_records() -> list[dict[str, Any]]:
    records = [{**r, "location": None} if r["profile_id"] == GONE else r for r in ground_truth(DAY_3)]
    return v2(records)


def reparsed() -> dict[str, Any]:
    (old,) = [r for r in day_2_records() if r["profile_id"] == REPARSED]
    return {
        **old,
        "parser_version": 2,
        "headline": "Re-parsed headline",
        "experiences": old["experiences"][:-1],
    }


def tables(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    out = {t: rows(conn, f"SELECT * FROM linkedin.{t} ORDER BY 1, 2, 3, 4") for t in TABLES}
    out["profile_history"] = rows(
        conn,
        "SELECT profile_id, current_company, current_title, headline, location, valid_from, valid_to "
        "FROM linkedin.profile_history ORDER BY 1, 6",
    )
    return out


@pytest.fixture(scope="module")
def three_days(postgres_server: Any) -> Any:
    conn = psycopg2.connect(postgres_server.create_database("wh_three_days"))
    dbt: Warehouse = warehouse_on(postgres_server, "wh_three_days")
    load_records(conn, ground_truth(DAY_1), file_key=file_key(DAY_1), sync_id=1, columns=v1_columns())
    assert "parser_version" not in {
        c
        for (c,) in rows(
            conn, "SELECT column_name FROM information_schema.columns WHERE table_name = 'profiles'"
        )
    }
    dbt.build()
    v2_columns = {**v1_columns(), **SCHEMA_V2}
    load_records(conn, day_2_records(), file_key=file_key(DAY_2), sync_id=2, columns=v2_columns)
    load_records(
        conn, ground_truth(DAY_1), file_key=file_key(DAY_1), sync_id=2, dedup=False, columns=v2_columns
    )
    dbt.build()
    load_records(conn, day_3_records(), file_key=file_key(DAY_3), sync_id=3, columns=v2_columns)
    # The re-parse lands, then a late copy of the older parse (an append-mode re-sync) after it.
    load_records(conn, [reparsed()], file_key=file_key(DAY_3), sync_id=3, dedup=False, columns=v2_columns)
    (late,) = [r for r in day_2_records() if r["profile_id"] == REPARSED]
    load_records(conn, [late], file_key=file_key(DAY_2), sync_id=4, dedup=False, columns=v2_columns)
    dbt.build()
    incremental = tables(conn)
    dbt.build("--full-refresh")
    yield conn, incremental
    conn.close()


def test_a_full_refresh_gives_the_same_tables(three_days: Any) -> None:
    conn, incremental = three_days
    assert all(incremental[t] for t in TABLES)
    assert tables(conn) == incremental


def test_the_newest_parser_version_of_a_scrape_wins(three_days: Any) -> None:
    conn, _ = three_days
    assert rows(
        conn,
        "SELECT parser_version, headline FROM linkedin.stg_profiles WHERE profile_id = %s AND scraped_at = %s",
        [REPARSED, ts(DAY_2)],
    ) == [(2, "Re-parsed headline")]
    roles = rows(
        conn,
        "SELECT count(*) FROM linkedin.experience WHERE profile_id = %s AND scraped_at = %s",
        [REPARSED, ts(DAY_2)],
    )[0][0]
    assert roles == len(reparsed()["experiences"])  # the first parse's extra role is gone


def test_a_value_missing_in_one_scrape_and_back_in_the_next_is_no_change(three_days: Any) -> None:
    conn, _ = three_days
    assert rows(conn, "SELECT * FROM linkedin.profile_change WHERE profile_id = %s", [MISSING_ONCE]) == []


def test_a_value_missing_in_two_consecutive_scrapes_is_gone_at_the_second(three_days: Any) -> None:
    conn, _ = three_days
    location = people_as_of(DAY_1)[GONE].profile.location
    assert rows(conn, "SELECT * FROM linkedin.profile_change WHERE profile_id = %s", [GONE]) == [
        (GONE, "location", location, None, ts(DAY_2), ts(DAY_3))
    ]


def test_the_job_changer_moving_back_is_a_second_change(three_days: Any) -> None:
    conn, _ = three_days
    changes = rows(
        conn,
        "SELECT old_value, new_value, scraped_at FROM linkedin.profile_change "
        "WHERE profile_id = %s ORDER BY scraped_at",
        [JOB_CHANGER],
    )
    assert changes == [
        ("Nordlys Energi", "Quanta Labs", ts(DAY_2)),
        ("Quanta Labs", "Nordlys Energi", ts(DAY_3)),
    ]


def test_a_deferred_placeholder_is_no_answer_and_no_scrape(three_days: Any) -> None:
    conn, _ = three_days
    assert rows(
        conn,
        "SELECT status, attempted, account FROM linkedin.stg_profiles WHERE profile_id = %s "
        "AND scraped_at = %s",
        [DEFERRED, ts(DAY_2)],
    ) == [("deferred", False, "acct-a")]
    assert rows(
        conn,
        "SELECT ok_scrapes, latest_status, latest_status_at FROM linkedin.profile_latest "
        "WHERE profile_id = %s",
        [DEFERRED],
    ) == [(2, "ok", ts(DAY_3))]
    assert rows(
        conn, "SELECT DISTINCT parser_version FROM linkedin.stg_profiles WHERE scraped_at = %s", [ts(DAY_1)]
    ) == [(0,)]  # rows from before the column existed


def test_records_of_both_schemas_model_side_by_side(postgres_server: Any) -> None:
    """A warehouse whose first records are of the old shape (Airbyte's table has no section columns at
    all): the section tables build, empty; the next day's records of the new shape fill them, and the old
    scrapes still model everywhere else."""
    conn = psycopg2.connect(postgres_server.create_database("wh_both_schemas"))
    dbt: Warehouse = warehouse_on(postgres_server, "wh_both_schemas")
    select = ("--indirect-selection", "cautious", "--select", "+profile_latest", "+experience")
    select += tuple(f"+{t}" for t in SECTION_TABLES)
    day_1 = [r for r in ground_truth(DAY_1) if r["profile_id"] in SOME]
    load_records(conn, day_1, file_key=file_key(DAY_1), sync_id=1, columns=v1_columns())
    dbt.build(*select)
    assert all(rows(conn, f"SELECT count(*) FROM linkedin.{t}") == [(0,)] for t in SECTION_TABLES)
    day_2 = v2([r for r in ground_truth(DAY_2) if r["profile_id"] in SOME])
    load_records(conn, day_2, file_key=file_key(DAY_2), sync_id=2, columns={**v1_columns(), **SCHEMA_V2})
    dbt.build(*select)
    for table in SECTION_TABLES:
        days = {d for (d,) in rows(conn, f"SELECT DISTINCT scraped_at FROM linkedin.{table}")}
        assert days == {ts(DAY_2)}, table
    assert {d for (d,) in rows(conn, "SELECT DISTINCT scraped_at FROM linkedin.experience")} == {
        ts(DAY_1),
        ts(DAY_2),
    }
    conn.close()


# Demo people whose pages show every one of the five sections.
SOME = [
    pid
    for pid, person in people_as_of(DAY_2).items()
    if all(getattr(person.profile, section) for section in FIVE_SECTIONS)
][:3]
