"""A bad profile costs one profile, never the day; a site that dies stops the run after a few profiles;
the daily cap counts only pages requested and defers the rest as our own budget's status. Real
Chromium against the demo site's fault pages, through the real CLI."""

from __future__ import annotations

from pathlib import Path

from scraper.demo_site import DemoSite
from scraper.pacing import DailyCap
from scraper.run import FAILURES_BEFORE_UNREACHABLE
from tests.browser.conftest import run_scrape, start_scrape, wait_until, written_lines

OK = ["alice-smith-00", "bilal-sato-01", "chioma-nowak-02", "dmitri-rossi-03", "elif-sahin-04"]


def _views(site: DemoSite, profile_id: str) -> int:
    return site.state.requests.count(f"/in/{profile_id}/")


def _used(out: Path) -> int:
    return DailyCap(out.parent / "state", 1000).used()


def test_a_profile_that_never_loads_costs_that_profile_only(site: DemoSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ids = [OK[0], "never-loads", "unrecognised-page", OK[1]]
    result = run_scrape(site, out, ids, SCRAPER_PAGE_TIMEOUT_S="2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["status"] for r in result.records] == ["ok", "error", "error", "ok"]
    assert result.summary["outcome"] == "complete" and result.summary["settled"] == 4
    # The same day's retry (Airflow's, or by hand) does not try them again.
    views = _views(site, "never-loads")
    again = run_scrape(site, out, ids, "--resume")
    assert again.returncode == 0, again.stderr[-2000:]
    assert _views(site, "never-loads") == views and _views(site, "unrecognised-page") == 1


def test_a_site_that_dies_mid_run_stops_it_after_a_few_profiles(site: DemoSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ids = OK + [f"{p}-x" for p in OK]  # ten profiles
    proc = start_scrape(
        site, out, ids, SCRAPER_MIN_DELAY_S="1", SCRAPER_MAX_DELAY_S="1", SCRAPER_PAGE_TIMEOUT_S="2"
    )
    wait_until(lambda: written_lines(out) >= 2)
    site.state.settings.down = True
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 1, stderr[-2000:]
    summary = (out / "summary.json").read_text()
    assert '"reason": "site_unreachable"' in summary and "profiles in a row could not be loaded" in summary
    records = [line for line in (out / "profiles.jsonl").read_text().splitlines()]
    attempted = [r for r in records if '"attempted": true' in r]
    # The profiles before the site died, then FAILURES_BEFORE_UNREACHABLE failures; the rest untouched.
    errors = [r for r in attempted if '"status": "error"' in r]
    assert len(errors) == FAILURES_BEFORE_UNREACHABLE
    assert len(records) == len(ids) and _used(out) == len(attempted) < len(ids)


def test_the_cap_counts_only_profiles_whose_page_was_requested(site: DemoSite, tmp_path: Path) -> None:
    for run in ("a", "b"):  # a browser that cannot start, twice
        broken = run_scrape(site, tmp_path / run, OK[:2], CHROMEDRIVER="/bin/false")
        assert broken.returncode == 1 and broken.summary["stopped_by"]["reason"] == "browser_unavailable"
    assert _used(tmp_path / "a") == 0
    good = run_scrape(site, tmp_path / "c", OK[:2])
    assert good.returncode == 0 and _used(tmp_path / "c") == 2


def test_profiles_left_by_the_daily_cap_are_deferred_not_rate_limited(site: DemoSite, tmp_path: Path) -> None:
    first = run_scrape(site, tmp_path / "a", OK[:3], SCRAPER_DAILY_CAP="2")
    assert first.returncode == 0, first.stderr[-2000:]
    assert [r["status"] for r in first.records] == ["ok", "ok", "deferred"]
    assert first.records[2]["attempted"] is False and "daily cap of 2" in first.records[2]["errors"][0]
    assert first.summary["outcome"] == "deferred" and first.summary["counts"] == {"deferred": 1, "ok": 2}
    # Another run of the account the same day: nothing left, nothing requested, a normal end.
    second = run_scrape(site, tmp_path / "b", OK[2:3], SCRAPER_DAILY_CAP="2")
    assert second.returncode == 0 and [r["status"] for r in second.records] == ["deferred"]
    assert _views(site, OK[2]) == 0
