"""The warehouse table `linkedin.profile_freshness`: one row per tracked profile, the rotation's memory
and the analysts' answer to "how fresh is each person's row" (docs/warehouse.md).

This module is its one owner: the table's shape, reading it, folding newly landed records into it
(what reached the warehouse is the truth: a scrape that never landed leaves its profile due), and
recording today's profile list. The rules themselves are `scraper.rotation`'s.

Every function takes an open DB-API connection to PostgreSQL (the postgres provider's hook's in Airflow,
psycopg 3 or psycopg2 as installed; a plain psycopg2 one in tests) and commits what it wrote.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from typing import Any

from scraper.airbyte.landed import LANDED_TABLE, landed_columns
from scraper.airbyte.provision import WAREHOUSE_SCHEMA
from scraper.models import DEFAULT_ACCOUNT, SETTLED_STATUSES
from scraper.rotation import Attempt, ProfileState, RotationSettings, next_due, observe, relisted

log = logging.getLogger(__name__)

TABLE = f"{WAREHOUSE_SCHEMA}.profile_freshness"
# How far the fold has read Airbyte's table: the newest `_airbyte_extracted_at` it folded.
WATERMARK_TABLE = f"{WAREHOUSE_SCHEMA}.profile_freshness_watermark"

_STATE_COLUMNS = tuple(f.name for f in fields(ProfileState))
_DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {WAREHOUSE_SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        profile_id text PRIMARY KEY,
        in_list boolean NOT NULL,
        listed_on date,
        last_attempt_at timestamptz,
        last_ok_at timestamptz,
        last_status text,
        last_account text,
        consecutive_failures integer NOT NULL,
        retired boolean NOT NULL,
        next_due date,
        updated_at timestamptz NOT NULL
    )""",
    f"CREATE TABLE IF NOT EXISTS {WATERMARK_TABLE} (extracted_at timestamptz NOT NULL)",
)


@dataclass(frozen=True)
class FoldResult:
    records: int  # settled attempts read from Airbyte's table
    profiles: int  # rows of the freshness table they changed


def ensure_table(conn: Any) -> None:
    with conn.cursor() as cur:
        for statement in _DDL:
            cur.execute(statement)
    conn.commit()


def load_states(conn: Any, profile_ids: Iterable[str] | None = None) -> dict[str, ProfileState]:
    """Every tracked profile's state, or only those of `profile_ids`."""
    ensure_table(conn)
    with conn.cursor() as cur:
        if profile_ids is None:
            cur.execute(f"SELECT {', '.join(_STATE_COLUMNS)} FROM {TABLE}")
        else:
            cur.execute(
                f"SELECT {', '.join(_STATE_COLUMNS)} FROM {TABLE} WHERE profile_id = ANY(%s)",
                (list(profile_ids),),
            )
        return {row[0]: ProfileState(*row) for row in cur.fetchall()}


_WRITE_COLUMNS = (*_STATE_COLUMNS, "next_due", "updated_at")
_ROWS_PER_STATEMENT = 1000  # one statement per 1,000 rows, not one round trip per row


def _write(conn: Any, states: Iterable[ProfileState], settings: RotationSettings, now: dt.datetime) -> int:
    rows = [(*astuple(s), next_due(s, settings), now) for s in states]
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _WRITE_COLUMNS[1:])
    one_row = "(" + ", ".join(["%s"] * len(_WRITE_COLUMNS)) + ")"
    with conn.cursor() as cur:
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            cur.execute(
                f"INSERT INTO {TABLE} ({', '.join(_WRITE_COLUMNS)}) VALUES {', '.join([one_row] * len(chunk))} "
                f"ON CONFLICT (profile_id) DO UPDATE SET {updates}",
                [value for row in chunk for value in row],
            )
    return len(rows)


def apply_list(
    conn: Any, profile_ids: list[str], settings: RotationSettings, now: dt.datetime
) -> list[ProfileState]:
    """Record today's profile list (new profiles start due; a profile added back is no longer retired;
    a profile left out stops being scraped) and return every tracked profile's state."""
    states = load_states(conn)
    listed = set(profile_ids)
    today = now.date()
    changed = []
    for profile_id in dict.fromkeys([*profile_ids, *states]):  # list order first, then the rest
        before = states.get(profile_id) or ProfileState(profile_id, in_list=False)
        after = relisted(before, profile_id in listed, today)
        if after != before or profile_id not in states:
            changed.append(after)
        states[profile_id] = after
    _write(conn, changed, settings, now)
    conn.commit()
    return list(states.values())


def fold_landed(conn: Any, settings: RotationSettings, now: dt.datetime) -> FoldResult:
    """Fold the records Airbyte landed since the last fold into the table. Cost grows with what landed
    since then, not with history: only rows extracted after the watermark are read."""
    ensure_table(conn)
    with conn.cursor() as cur:
        columns = landed_columns(cur)
        if not columns:  # nothing has landed yet: a first run on an empty warehouse
            return FoldResult(0, 0)
        cur.execute(f"SELECT max(extracted_at) FROM {WATERMARK_TABLE}")
        watermark = cur.fetchone()[0]
        # Records of schema 1 carry no account (nor a column for it): they were all the one account there was.
        account = "account" if "account" in columns else "NULL"
        cur.execute(
            f"""SELECT profile_id, scraped_at::timestamptz, status, coalesce({account}, %s),
                       _airbyte_extracted_at
                FROM {LANDED_TABLE}
                WHERE status = ANY(%s) AND attempted AND profile_id IS NOT NULL AND scraped_at IS NOT NULL
                  AND _airbyte_extracted_at >= coalesce(%s, '-infinity'::timestamptz)
                ORDER BY scraped_at::timestamptz""",
            (DEFAULT_ACCOUNT, sorted(SETTLED_STATUSES), watermark),
        )
        rows = cur.fetchall()
    if not rows:
        return FoldResult(0, 0)
    states = load_states(conn, {row[0] for row in rows})
    changed: dict[str, ProfileState] = {}
    for profile_id, scraped_at, status, by, _ in rows:
        before = changed.get(profile_id) or states.get(profile_id) or ProfileState(profile_id, in_list=False)
        after = observe(before, Attempt(profile_id, scraped_at, status, by), settings)
        if after != before:
            changed[profile_id] = after
    _write(conn, changed.values(), settings, now)
    with conn.cursor() as cur:
        cur.execute(f"DELETE FROM {WATERMARK_TABLE}")
        cur.execute(f"INSERT INTO {WATERMARK_TABLE} VALUES (%s)", (max(row[4] for row in rows),))
    conn.commit()
    return FoldResult(len(rows), len(changed))


def used_today(states: Iterable[ProfileState], today: dt.date) -> Counter[str]:
    """Landed attempts per account today: what the plan takes off each account's cap. (The scrape's
    own count on the shared volume is the one that binds; this one misses what has not landed.)"""
    return Counter(
        s.last_account or DEFAULT_ACCOUNT
        for s in states
        if s.last_attempt_at is not None and s.last_attempt_at.astimezone(dt.UTC).date() == today
    )
