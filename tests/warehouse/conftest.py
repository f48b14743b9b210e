"""Warehouse fixtures: a fresh database on the session's real PostgreSQL, the demo site's ground truth
as the records two daily scrapes would produce, and one warehouse built from them by dbt the way the DAG
does (load a day, build), shared by every test that only reads it (dbt's start is slow)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest

from scraper.demo_site.people import people_as_of
from scraper.models import Profile, ProfileRecord
from scraper.orchestration.names import path_safe
from tests.devtools.airbyte_load import load_records
from tests.devtools.records import synthetic_records
from tests.devtools.warehouse import Warehouse, warehouse_on

# Two consecutive days: the demo's job changer works elsewhere on the second (odd ordinal) one.
DAY_1 = dt.date(2026, 11, 24)
DAY_2 = DAY_1 + dt.timedelta(days=1)
# Profiles whose scrape did not succeed on DAY_2: their records carry status and empty fields.
NOT_OK_ON_DAY_2 = {"bilal-sato-01": "private", "chioma-nowak-02": "rate_limited"}


def scraped_at(day: dt.date) -> str:
    return f"{day.isoformat()}T06:00:00Z"


def run_id(day: dt.date) -> str:
    return f"scheduled__{day.isoformat()}T06:00:00+00:00"


def ground_truth(day: dt.date) -> list[dict[str, Any]]:
    """The records a correct scrape of every demo person on `day` yields (profiles.jsonl lines)."""
    records = []
    for profile_id, person in people_as_of(day).items():
        status = NOT_OK_ON_DAY_2.get(profile_id, "ok") if day == DAY_2 else "ok"
        profile = person.profile if status == "ok" else Profile()
        url = f"https://www.linkedin.com/in/{profile_id}/"
        records.append(
            ProfileRecord(profile_id, url, status, scraped_at(day), run_id(day), profile).to_dict()
        )
    return records


def file_key(day: dt.date) -> str:
    return f"linkedin/profiles/{path_safe(run_id(day))}/shard-0/profiles.jsonl"


def load_day(conn: Any, day: dt.date, sync_id: int, records: list[dict[str, Any]] | None = None) -> None:
    """One daily sync: `day`'s records (the ground truth unless given) land in linkedin.profiles."""
    load_records(
        conn, ground_truth(day) if records is None else records, file_key=file_key(day), sync_id=sync_id
    )


@pytest.fixture
def warehouse(postgres_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A psycopg2 connection to a new, empty database (named after the test)."""
    name = re.sub(r"[^a-z0-9_]+", "_", request.node.name.lower())[:50]
    conn = psycopg2.connect(postgres_server.create_database(f"wh_{name}"))
    yield conn
    conn.close()


@pytest.fixture
def dbt(postgres_server: Any, warehouse: Any) -> Warehouse:
    """dbt pointed at the `warehouse` fixture's database."""
    return warehouse_on(postgres_server, warehouse.info.dbname)


@pytest.fixture(scope="session")
def two_days(postgres_server: Any) -> Iterator[Any]:
    """The demo's two days, each landed and then built by dbt as the DAG's daily run does. Read only."""
    conn = psycopg2.connect(postgres_server.create_database("wh_two_days"))
    dbt: Warehouse = warehouse_on(postgres_server, "wh_two_days")
    for sync_id, day in enumerate((DAY_1, DAY_2), start=1):
        load_day(conn, day, sync_id)
        dbt.build()
    yield conn
    conn.close()


def rows(conn: Any, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with conn.cursor() as cur:
        cur.execute(sql, params)
        result = cur.fetchall()
    conn.rollback()  # reads only: leave no transaction open
    return result


RUN_DAY = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)


def land_run(conn: Any, day: int, headline_lost: bool = False) -> str:
    """One scheduled run of 30 ok records landed `day` days after RUN_DAY; `headline_lost`: every
    other record without its headline (a layout change). Returns its run id."""
    at = RUN_DAY + dt.timedelta(days=day)
    run_id = f"scheduled__{at.isoformat()}"
    records: list[ProfileRecord] = synthetic_records(30, run_id, at.isoformat().replace("+00:00", "Z"))
    rows = []
    for i, record in enumerate(records):
        if headline_lost and i % 2:
            record.profile = dataclasses.replace(record.profile, headline=None)
        rows.append(record.to_dict())
    load_records(
        conn, rows, file_key=f"linkedin/profiles/day={day}/profiles.jsonl", sync_id=day, extracted_at=at
    )
    return run_id
