"""The pipeline run daily for weeks: rotation under the accounts' budgets, a barrier, people deleted,
added and removed, the freshness table, and how the work grows with history.

Every day is the DAG's path with the product's own code (tests/devtools/daily_pipeline.py): the plan on
a real PostgreSQL, one scrape process per account against the demo site (plain HTTP instead of
Chromium, the test's clock), the real upload to the loopback S3 server, Airbyte's load stood in for.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from scraper.demo_site import DemoSettings, DemoSite
from scraper.demo_site.people import all_people
from scraper.demo_site.server import redesigned as redesigned_person
from scraper.freshness import TABLE
from tests.conftest import REPO
from tests.devtools.daily_pipeline import DailyPipeline
from tests.integration.conftest import S3_ENV
from tests.integration.s3_server import S3Server

pytestmark = [pytest.mark.slow]

FIRST_DAY = dt.date(2026, 3, 2)
EMAILS = {"alpha": "alpha@example.com", "beta": "beta@example.com"}
PASSWORD = "demo-password"  # noqa: S105 - the demo site's own accounts


@pytest.fixture
def warehouse(postgres_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    conn = psycopg2.connect(postgres_server.create_database(f"daily_{request.node.name[:40].lower()}"))
    yield conn
    conn.close()


def _site(count: int) -> DemoSite:
    settings = DemoSettings(email=EMAILS["alpha"], other_accounts={EMAILS["beta"]: PASSWORD})
    site = DemoSite(settings=settings)
    site.state.people = dict(all_people(count))
    return site


def _pipeline(
    site: DemoSite, tmp_path: Path, warehouse: Any, s3: S3Server, bucket: str, caps: dict[str, int]
) -> DailyPipeline:
    return DailyPipeline(
        site_url=site.url,
        data_dir=tmp_path / "data",
        warehouse=warehouse,
        bucket=bucket,
        s3_endpoint=s3.endpoint,
        s3_env=S3_ENV,
        accounts=[
            {"name": name, "secret": f"linkedin-{name}", "daily_cap": cap, "min_delay_s": 0, "max_delay_s": 0}
            for name, cap in caps.items()
        ],
        credentials={name: {"LINKEDIN_EMAIL": EMAILS[name], "LINKEDIN_PASSWORD": PASSWORD} for name in caps},
    )


def _landed(conn: Any) -> list[tuple[str, dt.datetime, str, str]]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT profile_id, scraped_at::timestamptz, status, account FROM linkedin.profiles WHERE attempted"
        )
        rows = cur.fetchall()
    conn.rollback()
    return rows


def _freshness(conn: Any) -> dict[str, dict[str, Any]]:
    with conn.cursor() as cur:
        cur.execute(f"SELECT * FROM {TABLE}")
        names = [c.name for c in cur.description]
        rows = {row[0]: dict(zip(names, row, strict=True)) for row in cur.fetchall()}
    conn.rollback()
    return rows


def test_a_list_longer_than_the_cap_lands_the_cap_the_first_day(
    tmp_path: Path, warehouse: Any, s3: S3Server, bucket: str
) -> None:
    """100 profiles, cap 80, one day: 80 rows reach the warehouse (before rotation: none did, the cap
    failed the scrape and nothing after it ran)."""
    with _site(100) as site:
        pipeline = _pipeline(site, tmp_path, warehouse, s3, bucket, {"alpha": 80})
        day = pipeline.run_day(FIRST_DAY, list(all_people(100)))
    assert not day.failed, [p.stderr[-500:] for p in day.pods]
    assert day.landed == 80
    rows = _landed(warehouse)
    assert len(rows) == 80 and {status for _, _, status, _ in rows} == {"ok"}
    assert {pid for pid, _, _, _ in rows} == set(list(all_people(100))[:80])  # never scraped: list order


def test_a_layout_change_for_half_of_the_profiles_fires_the_alarm_that_day(
    tmp_path: Path, warehouse: Any, s3: S3Server, bucket: str
) -> None:
    """Two normal days, then the site rolls a top-card redesign out to most of its 2026 pages (about
    half of all profiles): the parser reads no headline or location there. That day's records land,
    and the run fails naming the dropped fields with example profiles; the normal days did not."""
    people = list(all_people(120))
    with _site(120) as site:
        pipeline = _pipeline(site, tmp_path, warehouse, s3, bucket, {"alpha": 40})
        normal = [pipeline.run_day(FIRST_DAY + dt.timedelta(days=n), people) for n in range(2)]
        site.state.settings.top_card_redesign_share = 0.85
        changed = pipeline.run_day(FIRST_DAY + dt.timedelta(days=2), people)
    assert [d.alarm for d in normal] == [None, None]
    assert all(p.exit_code == 0 for p in changed.pods) and changed.landed == 40  # landed anyway
    assert changed.failed and changed.alarm is not None
    rows = {line.split()[0]: line for line in changed.alarm.splitlines() if line.startswith("field:")}
    assert set(rows) == {"field:headline", "field:location"}, changed.alarm
    redesigned = {
        pid for pid, p in site.state.people.items() if redesigned_person(p, 0.85).variant.linked_top_lines
    }
    # Three example profiles, each with its archived main page to look at.
    examples = re.findall(r"([a-z]+-[a-z]+-\d+): pages/\1/main\.html\.gz", rows["field:headline"])
    assert len(examples) == 3 and set(examples) <= redesigned, rows["field:headline"]


def test_thirty_days_of_rotation_with_two_accounts(
    tmp_path: Path, warehouse: Any, s3: S3Server, bucket: str
) -> None:
    caps = {"alpha": 40, "beta": 40}
    people = dict(all_people(320))
    listed = list(people)[:300]
    deleted = listed[10:13]  # gone from the site on day 10, still on the list
    added = list(people)[300:320]  # added to the list on day 15
    removed = listed[20:22]  # taken off the list on day 20
    listed_since = dict.fromkeys(listed, FIRST_DAY)
    with _site(320) as site:
        pipeline = _pipeline(site, tmp_path, warehouse, s3, bucket, caps)
        for number in range(1, 31):
            date = FIRST_DAY + dt.timedelta(days=number - 1)
            site.state.settings.account_barrier_after = {EMAILS["beta"]: 5} if number == 5 else {}
            if number == 10:
                site.state.people = {pid: p for pid, p in site.state.people.items() if pid not in deleted}
            if number == 15:
                listed += added
                listed_since.update(dict.fromkeys(added, date))
            if number == 20:
                listed = [pid for pid in listed if pid not in removed]
            views_before = len(site.state.views)
            # Day 12: alpha's scheduled scrape is paced, and a second scrape of alpha starts meanwhile.
            pace = 0.3 if number == 12 else 0
            pipeline.accounts[0].update(min_delay_s=pace, max_delay_s=pace)
            day = pipeline.run_day(date, listed, manual_overlap="alpha" if number == 12 else None)
            # The layout drift alarm never fires on a normal day (a barrier, people gone or added).
            assert day.alarm is None, (number, day.alarm)

            # No day fails but the barrier day, and that one names the barrier.
            if number == 5:
                assert day.failed and any("beta" in s and "checkpoint barrier" in s for s in day.stopped), (
                    day.stopped
                )
            else:
                by_hand = [
                    p for p in day.pods if p.arguments[p.arguments.index("--out") + 1].count("by-hand")
                ]
                scheduled = [p for p in day.pods if p not in by_hand]
                assert all(p.exit_code == 0 for p in scheduled), [p.stderr[-800:] for p in scheduled]
                assert not day.stopped
                # A second scrape of an account while its scheduled one runs is refused at once.
                for pod in by_hand:
                    assert pod.exit_code == 2 and "account alpha is in use" in pod.stderr, pod.stderr[-500:]

            # Every profile the site served today landed today (before a barrier too).
            served = {(v.profile_id) for v in site.state.views[views_before:]}
            landed_today = {pid for pid, at, _, _ in _landed(warehouse) if at.date() == date}
            barred = {
                v.profile_id
                for v in site.state.views[views_before:]
                if number == 5 and v.account == EMAILS["beta"]
            }
            assert served - barred <= landed_today and landed_today <= served

            # No account exceeds its cap on any day, as the site counted its views.
            views = Counter(v.account for v in site.state.views[views_before:])
            assert all(views[EMAILS[name]] <= cap for name, cap in caps.items()), views

            # From day 10, every listed live profile (but those added in the last 2 days) has a landed
            # ok scrape younger than its interval + 1 day.
            if number >= 10:
                fresh = _freshness(warehouse)
                for pid in listed:
                    if pid in deleted or (date - listed_since[pid]).days < 2:
                        continue
                    last_ok = fresh[pid]["last_ok_at"]
                    assert last_ok is not None and (date - last_ok.date()).days <= 7 + 1, (
                        number,
                        pid,
                        last_ok,
                    )

        # Deleted profiles are retired after 3 not_found attempts, and never fetched again.
        fresh = _freshness(warehouse)
        attempts = Counter(pid for pid, _, status, _ in _landed(warehouse) if status == "not_found")
        for pid in deleted:
            assert fresh[pid]["retired"] and fresh[pid]["next_due"] is None, fresh[pid]
            assert attempts[pid] == 3
        # Removed profiles stop being scraped; their history stays.
        last_view = {v.profile_id: v.at.date() for v in site.state.views}
        for pid in removed:
            assert not fresh[pid]["in_list"] and fresh[pid]["next_due"] is None
            assert last_view[pid] < FIRST_DAY + dt.timedelta(days=19) and fresh[pid]["last_ok_at"] is not None

        # No two sessions of one account browse at the same time (the site's own log).
        spans: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
        for v in site.state.views:
            spans[(v.account, v.session)].append(v.at)
        by_account: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
        for (account, _), times in spans.items():
            by_account[account].append((min(times), max(times)))
        for account, intervals in by_account.items():
            intervals.sort()
            assert all(a[1] < b[0] for a, b in itertools.pairwise(intervals)), account

    # The freshness table matches the landed rows.
    expected: dict[str, dict[str, Any]] = {}
    for pid, at, status, account in sorted(_landed(warehouse), key=lambda r: r[1]):
        if status not in ("ok", "not_found", "private", "error"):
            continue
        row = expected.setdefault(pid, {"last_ok_at": None})
        row.update(last_attempt_at=at, last_status=status, last_account=account)
        if status == "ok":
            row["last_ok_at"] = at
    fresh = _freshness(warehouse)
    for pid, want in expected.items():
        assert {k: fresh[pid][k] for k in want} == want, pid
    assert {pid for pid, row in fresh.items() if row["last_attempt_at"]} == set(expected)

    # The docs' freshness queries (docs/warehouse.md) give what the table holds.
    queries = dict(_freshness_queries())
    with warehouse.cursor() as cur:
        cur.execute("SELECT now()")
        (now,) = cur.fetchone()
        results = {}
        for title, sql in queries.items():
            cur.execute(sql)
            results[title] = [row[0] for row in cur.fetchall()]
    warehouse.rollback()
    live = [r for r in fresh.values() if r["in_list"] and not r["retired"]]
    overdue = [r for r in live if r["last_ok_at"] is None or r["last_ok_at"] < now - dt.timedelta(days=8)]
    assert sorted(results["Who is overdue"]) == sorted(r["profile_id"] for r in overdue)
    assert results["Who was never scraped"] == []
    assert sorted(results["Who is gone"]) == sorted(deleted)


def _freshness_queries() -> list[tuple[str, str]]:
    """(heading, SQL) of each query block in docs/warehouse.md's freshness section."""
    text = (REPO / "docs" / "warehouse.md").read_text()
    section = text.split("## Freshness: `linkedin.profile_freshness`", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"### (.+?)\n.*?```sql\n(.+?)```", section, flags=re.S)
    assert [title for title, _ in found] == ["Who is overdue", "Who was never scraped", "Who is gone"]
    return found
