"""`make bench` rotation figures, on a throwaway real PostgreSQL:

- plan: the plan task's work for a 10,000-profile list whose every profile has history (record the
  list, read every state, pick and spread today's profiles) vs reading the freshness table alone
  (target <= 3)
- fold: folding one more day of landed attempts (10,000 / 7 rows) into the freshness table on top of
  365 days of history vs on top of 1 day (target <= 2: the cost follows what landed, not history)
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import psycopg2

from scraper import freshness
from scraper.orchestration.plan import PROFILE_LIST_KEY, ROTATION_KEY, make_plan
from scraper.rotation import RotationSettings
from tests.devtools.airbyte_load import index_ddl, table_ddl
from tests.devtools.bench import _best_of, _verdict
from tests.devtools.postgres import start_postgres

LISTED = 10_000
SETTINGS = RotationSettings()
PER_DAY = LISTED // SETTINGS.refresh_days
FIRST = dt.datetime(2025, 1, 1, 6, tzinfo=dt.UTC)


def _land_days(conn: Any, first_day: int, days: int) -> None:
    """`days` days of landed ok attempts, PER_DAY profiles a day in rotation, as Airbyte writes them."""
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO linkedin.profiles
                 (_airbyte_raw_id, _airbyte_extracted_at, _airbyte_meta, profile_id, scraped_at, status,
                  attempted, account, run_id, url)
               SELECT gen_random_uuid()::text, %(first)s + (d || ' days')::interval + interval '1 hour', '{}',
                      'person-' || ((d * %(per_day)s + n) %% %(listed)s),
                      to_char(%(first)s + (d || ' days')::interval + (n || ' seconds')::interval,
                              'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                      'ok', true, 'main', 'run-' || d, 'https://www.linkedin.com/in/x/'
               FROM generate_series(%(from)s, %(to)s) AS d, generate_series(0, %(per_day)s - 1) AS n""",
            {
                "first": FIRST,
                "per_day": PER_DAY,
                "listed": LISTED,
                "from": first_day,
                "to": first_day + days - 1,
            },
        )
    conn.commit()


def _warehouse(server: Any, name: str, history_days: int) -> Any:
    conn = psycopg2.connect(server.create_database(name))
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA linkedin")
        cur.execute(table_ddl())
        for ddl in index_ddl():
            cur.execute(ddl)
    conn.commit()
    _land_days(conn, 0, history_days)
    with conn.cursor() as cur:  # what autovacuum does to a table that grew
        cur.execute("ANALYZE linkedin.profiles")
    conn.commit()
    freshness.apply_list(conn, [f"person-{i}" for i in range(LISTED)], SETTINGS, FIRST)
    freshness.fold_landed(conn, SETTINGS, FIRST + dt.timedelta(days=history_days))
    return conn


def _fold_next_days(conn: Any, after: int, repeats: int) -> float:
    """Best time to fold one more landed day, over `repeats` successive days."""
    best = float("inf")
    for day in range(after, after + repeats):
        _land_days(conn, day, 1)
        start = time.perf_counter()
        result = freshness.fold_landed(conn, SETTINGS, FIRST + dt.timedelta(days=day + 1))
        best = min(best, time.perf_counter() - start)
        assert result.profiles == PER_DAY, (
            result
        )  # the watermark re-reads the last day, which changes nothing
    return best


def bench_rotation(repeats: int = 5) -> bool:
    print(
        f"\nrotation: {LISTED:,} listed profiles, {PER_DAY:,} landed a day, real PostgreSQL, best of {repeats}"
    )
    server = start_postgres()
    try:
        short = _warehouse(server, "bench_rotation_1_day", 1)
        long = _warehouse(server, "bench_rotation_365_days", 365)
        rows = long.cursor()
        rows.execute("SELECT count(*) FROM linkedin.profiles")
        print(f"  history: {rows.fetchone()[0]:,} landed rows after 365 days")

        config_map = {
            PROFILE_LIST_KEY: "\n".join(f"person-{i}" for i in range(LISTED)),
            ROTATION_KEY: json.dumps({"accounts": [{"name": "main", "daily_cap": 1000}]}),
        }
        now = FIRST + dt.timedelta(days=366)
        read = _best_of(lambda: freshness.load_states(long), repeats)
        plan_s = _best_of(lambda: make_plan(long, config_map, [], now), repeats)
        ratio = plan_s / read
        print(f"  read the freshness table: {read * 1e3:7.1f} ms")
        print(
            f"  plan the day:             {plan_s * 1e3:7.1f} ms  ratio {ratio:.2f} (target <= 3) {_verdict(ratio, 3)}"
        )

        fold_short = _fold_next_days(short, 1, repeats)
        fold_long = _fold_next_days(long, 365, repeats)
        growth = fold_long / fold_short
        print(f"  fold one day on 1 day of history:    {fold_short * 1e3:7.1f} ms")
        print(
            f"  fold one day on 365 days of history: {fold_long * 1e3:7.1f} ms  ratio {growth:.2f} "
            f"(target <= 2) {_verdict(growth, 2)}"
        )
        short.close()
        long.close()
    finally:
        server.stop()
    return ratio <= 3 and growth <= 2
