"""Warehouse part of `make bench`: the dbt models' run time (models and snapshot, as dbt times them in
run_results.json) for one more day of 1,000 profiles on top of 90 days of history, against the same on
top of 1 day, on a real throwaway PostgreSQL (target <= 2: each run processes what landed since the last).
The models of dags/sql before the dbt project rebuilt everything from all history every run, so their
cost grew with the history (about 57 µs per landed row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

PROFILES = 1_000
HISTORY_DAYS = (1, 90)
REPEATS = 3  # one more day, then another, ...: the fastest counts (the machine is shared)
TARGET = 2.0
FIRST_DAY = dt.date(2026, 1, 1)


def _scraped_at(day: dt.date) -> str:
    return f"{day.isoformat()}T06:00:00Z"


def _land_history(conn: Any, days: int, now: dt.datetime) -> None:
    """`days` daily scrapes of the same PROFILES profiles: the first loaded as Airbyte would, the rest
    copied from it in SQL (a day later each, landed a day later each)."""
    from tests.devtools.airbyte_load import load_records
    from tests.devtools.records import synthetic_records

    first_landed = now - dt.timedelta(days=days + 1)
    records = [r.to_dict() for r in synthetic_records(PROFILES, "bench-day-0", _scraped_at(FIRST_DAY))]
    load_records(
        conn,
        records,
        file_key="linkedin/profiles/bench/day-0/profiles.jsonl",
        dedup=False,
        extracted_at=first_landed,
    )
    with conn.cursor() as cur:
        cur.execute(
            "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM "
            "information_schema.columns WHERE table_schema = 'linkedin' AND table_name = 'profiles' "
            "AND column_name NOT IN ('_airbyte_raw_id', '_airbyte_extracted_at', 'scraped_at', 'run_id')"
        )
        (rest,) = cur.fetchone()
        cur.execute(
            f"INSERT INTO linkedin.profiles (_airbyte_raw_id, _airbyte_extracted_at, scraped_at, run_id, {rest}) "
            f"SELECT gen_random_uuid()::text, _airbyte_extracted_at + n * interval '1 day', "
            f"to_char((scraped_at::timestamptz + n * interval '1 day') AT TIME ZONE 'UTC', "
            f"'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 'bench-day-' || n, {rest} "
            "FROM linkedin.profiles CROSS JOIN generate_series(1, %s) AS n",
            [days - 1],
        )
    conn.commit()


def _one_more_day(server: Any, days: int) -> tuple[float, float]:
    """(models' seconds, dbt's wall seconds) of the build after one more day lands on `days` of history,
    the fastest of REPEATS such days."""
    import time

    import psycopg2

    from tests.devtools.airbyte_load import load_records
    from tests.devtools.records import synthetic_records
    from tests.devtools.warehouse import warehouse_on

    database = f"bench_{days}_days"
    conn = psycopg2.connect(server.create_database(database))
    dbt = warehouse_on(server, database)
    now = dt.datetime.now(dt.UTC)
    _land_history(conn, days, now)
    select = ("--resource-type", "model", "--resource-type", "snapshot")
    dbt.build(*select)
    conn.autocommit = True
    with conn.cursor() as cur:  # the steady state of a daily warehouse: autovacuum has been by
        cur.execute("VACUUM ANALYZE")
    conn.autocommit = False
    day = FIRST_DAY + dt.timedelta(days=days)
    records = [r.to_dict() for r in synthetic_records(PROFILES, f"bench-day-{days}", _scraped_at(day))]
    load_records(
        conn,
        records,
        file_key=f"linkedin/profiles/bench/day-{days}/profiles.jsonl",
        dedup=False,
        extracted_at=now,
    )
    conn.close()
    started = time.perf_counter()
    built = dbt.build(*select)
    return built.seconds(), time.perf_counter() - started


def bench_warehouse() -> bool:
    from tests.devtools.postgres import PostgresUnavailable, start_postgres

    print(f"\nwarehouse: dbt models for one more day of {PROFILES:,} profiles on top of N days of history")
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        print(f"  skipped: {exc}")
        return False
    try:
        timed = {days: _one_more_day(server, days) for days in HISTORY_DAYS}
    finally:
        server.stop()
    for days, (models, wall) in timed.items():
        print(
            f"  on {days:3} day(s) ({days * PROFILES:7,} rows): models {models:6.2f} s  (dbt build wall {wall:5.1f} s)"
        )
    ratio = timed[HISTORY_DAYS[1]][0] / timed[HISTORY_DAYS[0]][0]
    verdict = "ok" if ratio <= TARGET else "OVER TARGET"
    print(
        f"  ratio {HISTORY_DAYS[1]} days / {HISTORY_DAYS[0]} day: {ratio:.2f} (target <= {TARGET:g}) {verdict}"
    )
    return ratio <= TARGET


if __name__ == "__main__":
    raise SystemExit(0 if bench_warehouse() else 1)
