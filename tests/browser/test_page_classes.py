"""Each class of page LinkedIn can show instead of a profile, served by the demo site and met by a real
headless Chromium scrape: what status it gives, and whether the run goes on or stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.demo_site import DemoSettings, DemoSite
from tests.browser.conftest import expected_record, run_scrape
from tests.browser.test_scrape_demo_site import COVERAGE_IDS
from tests.conftest import without_sections

OK_A, OK_B, OK_C = COVERAGE_IDS[:3]


def test_non_profile_pages_get_their_status_and_a_sign_in_page_stops_the_run(tmp_path: Path) -> None:
    ids = [OK_A, "profile-not-found", "private-profile", "unrecognised-page", OK_B, "guest-home", OK_C]
    with DemoSite() as site:
        result = run_scrape(site, tmp_path / "out", ids)
        requests = list(site.state.requests)
    assert result.returncode == 3, result.stderr
    records = {r["profile_id"]: r for r in result.records}
    assert [records[i]["status"] for i in ids] == [
        "ok",
        "not_found",
        "private",
        "error",
        "ok",
        "auth_required",
        "auth_required",
    ]
    for pid in (OK_A, OK_B):
        expected = expected_record(site, pid)
        assert without_sections({k: records[pid][k] for k in expected}) == without_sections(expected)
    # Never parsed into a record: no name from "Profile Not Found" or the guest home page.
    assert all(records[i]["name"] is None for i in ids[1:4] + ids[5:])
    unrecognised = records["unrecognised-page"]["errors"][0]
    assert "Tidewater Bank: Overview | LinkedIn" in unrecognised and "/in/unrecognised-page/" in unrecognised
    assert result.summary["stopped_by"]["kind"] == "sign_in_page"
    assert f"/in/{OK_C}/" not in requests  # stopped: the profile after the sign-in page is never visited


@pytest.mark.parametrize(
    ("page_id", "status", "kind"),
    [("interstitial-page", "rate_limited", "interstitial"), ("sign-in-page", "auth_required", "login")],
)
def test_an_interstitial_or_a_sign_in_form_stops_the_run(
    tmp_path: Path, page_id: str, status: str, kind: str
) -> None:
    with DemoSite() as site:
        result = run_scrape(site, tmp_path / "out", [page_id, OK_A])
        requests = list(site.state.requests)
    assert result.returncode == 3, result.stderr
    assert [r["status"] for r in result.records] == [status, status]
    assert result.summary["stopped_by"]["kind"] == kind
    assert f"/in/{OK_A}/" not in requests


def test_several_unrecognised_pages_in_a_row_stop_the_run(tmp_path: Path) -> None:
    odd = ["odd-one", "odd-two", "odd-three"]
    settings = DemoSettings(faults={pid: "unrecognised" for pid in odd})
    with DemoSite(settings=settings) as site:
        result = run_scrape(site, tmp_path / "out", [*odd, OK_A])
        requests = list(site.state.requests)
    assert result.returncode == 3, result.stderr
    assert [r["status"] for r in result.records] == ["error"] * 4
    assert result.summary["stopped_by"]["kind"] == "unrecognised_pages"
    assert f"/in/{OK_A}/" not in requests


def test_one_unrecognised_page_between_profiles_does_not_stop_the_run(tmp_path: Path) -> None:
    odd = ["odd-one", "odd-two", "odd-three"]
    settings = DemoSettings(faults={pid: "unrecognised" for pid in odd})
    with DemoSite(settings=settings) as site:
        result = run_scrape(site, tmp_path / "out", [odd[0], odd[1], OK_A, odd[2]])
    # The run goes to the end; each error costs that profile only (the rotation retries it another day).
    assert result.returncode == 0, result.stderr
    assert [r["status"] for r in result.records] == ["error", "error", "ok", "error"]
    assert result.summary["stopped_by"] is None and result.summary["outcome"] == "complete"


def test_an_expired_cookie_stops_the_run_before_any_profile(tmp_path: Path) -> None:
    with DemoSite() as site:
        site.settings.li_at = "the-current-cookie"
        result = run_scrape(
            site,
            tmp_path / "out",
            [OK_A, OK_B],
            LINKEDIN_EMAIL="",
            LINKEDIN_PASSWORD="",
            LINKEDIN_LI_AT="an-expired-cookie",
        )
        requests = list(site.state.requests)
    assert result.returncode == 3, result.stderr
    assert [r["status"] for r in result.records] == ["auth_required", "auth_required"]
    assert not [p for p in requests if p.startswith("/in/")], requests
    assert "an-expired-cookie" not in result.stderr + result.stdout


def test_a_session_that_expires_mid_run_stops_at_the_guest_home_page(tmp_path: Path) -> None:
    with DemoSite() as site:
        site.settings.barrier_after, site.settings.barrier_kind = 1, "guest_home"
        result = run_scrape(site, tmp_path / "out", [OK_A, OK_B, OK_C])
    assert result.returncode == 3, result.stderr
    assert [r["status"] for r in result.records] == ["ok", "auth_required", "auth_required"]
    assert result.records[1]["name"] is None
