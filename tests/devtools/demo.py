"""`make demo`: the pipeline end to end on one machine, no cluster.

The demo site on 127.0.0.1; 10 of its profiles scraped by real headless Chromium as the site looks on
one day, and its job changer scraped again as the site looks the next day; both runs loaded into a
throwaway local PostgreSQL in the table shape Airbyte's Postgres destination writes (this load stands
in for Airbyte's sync), each followed by a build of the warehouse's dbt project (warehouse/) as the DAG
runs it; two of docs/warehouse.md's example queries printed. Needs Chromium and a PostgreSQL server on the
machine (`make system-deps`) and dbt's venv (.venv-dbt, which `make demo` installs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from scraper.demo_site import DemoSite
from scraper.demo_site.people import JOB_CHANGER, people_as_of
from scraper.logs import configure
from scraper.pacing import Pacer
from scraper.profile_list import ProfileRef
from scraper.run import ScrapeRun, ScrapeSettings
from scraper.rundir import PROFILES_FILE
from scraper.session import Credentials
from tests.devtools.airbyte_load import load_records
from tests.devtools.postgres import PostgresUnavailable, start_postgres
from tests.devtools.warehouse import example_queries, warehouse_on


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows)


def _clip(text: str | None, width: int) -> str:
    text = text or "-"
    return text if len(text) <= width else text[: width - 1] + "…"


def _scrape(site: DemoSite, refs: list[ProfileRef], out: Path, run_id: str) -> tuple[list[dict], int]:
    settings = ScrapeSettings(
        base_url=site.url, out_dir=out, run_id=run_id, state_dir=out / "state", pacer=Pacer(0, 0)
    )
    creds = Credentials(email=site.settings.email, password=site.settings.password)
    code = ScrapeRun(settings, creds).run(refs)
    lines = (out / PROFILES_FILE).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines], code


def _query_table(conn: Any, sql: str) -> str:
    with conn.cursor() as cur:
        cur.execute(sql)
        header = tuple(d.name for d in cur.description)
        result = cur.fetchall()
    conn.rollback()
    if not result:
        return "(no rows)"
    return _table([header] + [tuple(_clip(None if v is None else str(v), 40) for v in row) for row in result])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--out-root", type=Path, default=Path("out/demo"))
    args = parser.parse_args(argv)
    configure("WARNING")
    # Two consecutive days, the second one odd: the job changer has moved on it (people_as_of).
    today = dt.datetime.now(dt.UTC).date()
    day_2 = today if today.toordinal() % 2 else today - dt.timedelta(days=1)
    day_1 = day_2 - dt.timedelta(days=1)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        print(f"make demo needs a local PostgreSQL server: {exc}")
        return 1
    try:
        return _demo(server, args, day_1, day_2, stamp)
    finally:
        server.stop()


def _demo(server: Any, args: argparse.Namespace, day_1: dt.date, day_2: dt.date, stamp: str) -> int:
    import psycopg2

    ids = list(people_as_of(day_1))[: args.count]
    if JOB_CHANGER not in ids:
        ids[-1] = JOB_CHANGER
    runs = [
        (day_1, f"demo-{stamp}-day1", [ProfileRef(pid) for pid in ids]),
        (day_2, f"demo-{stamp}-day2", [ProfileRef(JOB_CHANGER)]),
    ]
    conn = psycopg2.connect(server.create_database("warehouse"))
    dbt = warehouse_on(server, "warehouse")
    worst = 0
    with DemoSite() as site:
        for sync_id, (day, run_id, refs) in enumerate(runs, start=1):
            site.state.people = people_as_of(day)  # the site as it looks on that day
            print(
                f"\nrun {run_id}: the demo site as of {day} on {site.url}; scraping {len(refs)} "
                "profile(s) with headless Chromium…",
                flush=True,
            )
            started = time.monotonic()
            out = args.out_root / run_id
            records, code = _scrape(site, refs, out, run_id)
            worst = max(worst, code)
            rows = [("name", "company", "headline", "roles", "status")] + [
                (
                    _clip(r["name"], 22),
                    _clip(r["current_company"], 22),
                    _clip(r["headline"], 44),
                    str(len(r["experiences"])),
                    r["status"],
                )
                for r in records
            ]
            print(_table(rows))
            print(
                f"{len(records)} profiles in {time.monotonic() - started:.1f}s, exit code {code}; "
                f"records: {out / PROFILES_FILE}"
            )
            loaded = load_records(
                conn, records, file_key=f"linkedin/profiles/{run_id}/{PROFILES_FILE}", sync_id=sync_id
            )
            print(
                f"loaded {loaded} records into linkedin.profiles (PostgreSQL {server.version} on "
                f"127.0.0.1:{server.port}); this load stands in for Airbyte's S3 -> Postgres sync, "
                "in the table shape Airbyte's Postgres destination writes"
            )
            try:
                built = dbt.build()
            except RuntimeError as exc:
                print(f"the warehouse's dbt build failed: {exc}")
                return 1
            print(
                f"dbt build of warehouse/: {len(built.results)} models, snapshot and tests passed "
                f"(models {built.seconds():.1f}s): linkedin.profile_latest, experience, education, skill, "
                "profile_history, profile_change (docs/warehouse.md)"
            )
    for title, sql in example_queries()[:2]:
        print(f"\n-- {title}\n{sql}\n")
        print(_query_table(conn, sql))
    conn.close()
    print("\nthe local PostgreSQL is stopped and deleted now; `make dev` runs the real thing on kind.")
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
