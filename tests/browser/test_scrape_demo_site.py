"""`scraper scrape` with real headless Chromium against the demo site."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from pathlib import Path

import pytest

from scraper.browser import process_tree
from scraper.demo_site import DemoSite, all_people
from scraper.demo_site.people import DETAILS_BATCH, LAYOUTS
from scraper.models import SCHEMA_VERSION, record_problems
from tests.browser.conftest import expected_record, run_scrape, start_scrape, wait_until, written_lines
from tests.conftest import NOT_YET_PARSED

PROFILE_FIELDS_AND_META = ("dom_generation", "errors")


def _pick(predicate, n: int = 1) -> list[str]:  # noqa: ANN001 - test helper
    return [pid for pid, p in all_people().items() if predicate(p)][:n]


# One of each thing the scraper must get right: mostly the 2026 layout LinkedIn serves today (lazy cards,
# details lists loaded after the load event, localized titles, `id`-keyed cards), and every older layout.
COVERAGE_IDS = list(
    dict.fromkeys(
        _pick(lambda p: p.layout == "sdui" and p.lazy and p.profile.truncated["experiences"])
        # a details list longer than the batch it shows until scrolled to its end
        + _pick(lambda p: p.layout == "sdui" and len(p.profile.skills) > DETAILS_BATCH)
        + _pick(lambda p: p.layout == "sdui" and p.profile.truncated["educations"])
        + _pick(lambda p: p.layout == "sdui" and p.variant.titles["about"] != "About")
        + _pick(lambda p: p.layout == "sdui" and p.variant.id_attribute and not p.lazy)
        + _pick(lambda p: p.layout == "sdui" and not any(p.profile.truncated.values()))
        + _pick(lambda p: p.layout == "sdui" and p.profile.truncated["experiences"] and not p.lazy)
        + _pick(lambda p: p.layout == "2022")
        + _pick(lambda p: p.layout == "2024" and p.profile.truncated["educations"])
        + _pick(lambda p: p.layout == "2025" and p.profile.truncated["experiences"])
        + _pick(lambda p: p.layout == "2025" and p.lazy)
    )
)


def test_full_run_equals_ground_truth(site: DemoSite, tmp_path: Path) -> None:
    assert len(COVERAGE_IDS) >= 8 and sum(site.person(i).layout == "sdui" for i in COVERAGE_IDS) >= 5
    result = run_scrape(site, tmp_path / "out", COVERAGE_IDS)
    assert result.returncode == 0, result.stderr
    records = result.records
    assert [r["profile_id"] for r in records] == COVERAGE_IDS
    for record in records:
        expected = expected_record(site, record["profile_id"])
        assert record["status"] == "ok"
        got = {k: record[k] for k in expected}
        assert got == expected, record["profile_id"]
        assert record["run_id"] == "test-run" and record["schema_version"] == SCHEMA_VERSION
        assert record_problems(record) == []
    summary = result.summary
    assert summary["counts"] == {"ok": len(COVERAGE_IDS)}
    assert summary["exit_code"] == 0 and summary["seconds_per_profile"]["p95"] is not None
    assert summary["sha256"] == hashlib.sha256((tmp_path / "out" / "profiles.jsonl").read_bytes()).hexdigest()
    details_fetched = sum(sum(site.person(i).profile.truncated.values()) for i in COVERAGE_IDS)
    assert summary["pages_fetched"] == 1 + len(COVERAGE_IDS) + details_fetched  # + the login form
    progress = [line for line in result.stderr.splitlines() if '"msg": "profile ' in line]
    assert f"profile 1/{len(COVERAGE_IDS)} ok {COVERAGE_IDS[0]}" in progress[0]


# One person of each layout with more items of each of issue 25's sections than the main page shows.
MORE_SECTIONS_IDS = [
    _pick(
        lambda p, layout=layout: p.layout == layout and all(p.profile.truncated[s] for s in NOT_YET_PARSED)
    )[0]
    for layout in LAYOUTS
]


def test_a_scrape_in_each_layout_equals_the_ground_truth_of_the_five_sections(
    site: DemoSite, tmp_path: Path
) -> None:
    result = run_scrape(site, tmp_path / "out", MORE_SECTIONS_IDS)
    assert result.returncode == 0, result.stderr
    for record in result.records:
        expected = expected_record(site, record["profile_id"])
        for section in NOT_YET_PARSED:
            assert record[section] == expected[section], (record["profile_id"], section)
            assert record["truncated"][section] and record["section_totals"][section] == len(
                expected[section]
            )
        assert record["errors"] == []
    pages = sum(1 + sum(site.person(i).profile.truncated.values()) for i in MORE_SECTIONS_IDS)
    assert result.summary["pages_fetched"] == 1 + pages  # + the login form


def test_details_pages_are_opened_only_for_truncated_sections(site: DemoSite, tmp_path: Path) -> None:
    complete = _pick(lambda p: not any(p.profile.truncated.values()))[0]
    result = run_scrape(site, tmp_path / "out", [complete])
    assert result.returncode == 0, result.stderr
    assert not [p for p in site.state.requests if "/details/" in p]


def test_cookie_login(tmp_path: Path) -> None:
    token = "AQEDAT-demo-cookie-value-123456"
    with DemoSite() as site:
        site.settings.li_at = token
        pid = COVERAGE_IDS[0]
        result = run_scrape(
            site, tmp_path / "out", [pid], LINKEDIN_EMAIL="", LINKEDIN_PASSWORD="", LINKEDIN_LI_AT=token
        )
    assert result.returncode == 0, result.stderr
    assert result.records[0]["status"] == "ok"
    assert "logged in with the li_at cookie" in result.stderr
    assert token not in result.stderr + result.stdout + (tmp_path / "out" / "profiles.jsonl").read_text()


def test_password_login_through_the_welcome_back_chooser(tmp_path: Path) -> None:
    with DemoSite() as site:
        site.settings.welcome_back = True
        result = run_scrape(site, tmp_path / "out", [COVERAGE_IDS[0]])
    assert result.returncode == 0, result.stderr
    assert "logged in with email and password" in result.stderr
    assert site.settings.password not in result.stderr + result.stdout


def test_wrong_password_marks_everything_auth_required(site: DemoSite, tmp_path: Path) -> None:
    ids = COVERAGE_IDS[:3]
    result = run_scrape(site, tmp_path / "out", ids, LINKEDIN_PASSWORD="not-the-password")
    assert result.returncode == 3
    assert [r["status"] for r in result.records] == ["auth_required"] * 3
    assert "wrong email or password" in result.stderr


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("checkpoint", "auth_required"),
        ("rate_limit", "rate_limited"),
        ("http_999", "rate_limited"),
        ("authwall", "auth_required"),
    ],
)
def test_barrier_mid_run_keeps_earlier_profiles_and_marks_the_rest(
    tmp_path: Path, kind: str, status: str
) -> None:
    ids = COVERAGE_IDS[:5]
    with DemoSite() as site:
        site.settings.barrier_after, site.settings.barrier_kind = 2, kind
        result = run_scrape(site, tmp_path / "out", ids)
    assert result.returncode == 3, result.stderr
    assert [r["status"] for r in result.records] == ["ok", "ok", status, status, status]
    # The third profile's page was the barrier; the last two were never opened, and say so.
    assert [r["attempted"] for r in result.records] == [True, True, True, False, False]
    assert result.records[2]["errors"][0].startswith(f"{kind} barrier at ")
    assert result.records[3]["errors"][0].startswith(f"not attempted: {kind} barrier at ")
    assert result.summary["stopped_by"]["kind"] == kind
    # Never tries to solve it: nothing was requested after the barrier page.
    assert site.state.requests[-1].startswith(("/checkpoint/", "/authwall", "/in/"))


def test_resume_after_a_killed_run_finishes_without_duplicates(site: DemoSite, tmp_path: Path) -> None:
    ids = COVERAGE_IDS[:6]
    out = tmp_path / "out"
    proc = start_scrape(site, out, ids, SCRAPER_MIN_DELAY_S="0.6", SCRAPER_MAX_DELAY_S="0.6")
    wait_until(lambda: written_lines(out) >= 2)
    os.killpg(proc.pid, signal.SIGKILL)  # the pod dies: no summary, Chromium with it
    proc.wait()
    first = len((out / "profiles.jsonl").read_text().splitlines())
    assert 2 <= first < len(ids)
    result = run_scrape(site, out, ids, "--resume")
    assert result.returncode == 0, result.stderr
    assert sorted(r["profile_id"] for r in result.records) == sorted(ids)
    assert result.summary["skipped_by_resume"] == first


def test_without_resume_an_existing_output_is_refused(site: DemoSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "profiles.jsonl").write_text('{"profile_id": "x"}\n')
    result = run_scrape(site, out, [COVERAGE_IDS[0]])
    assert result.returncode == 2
    assert "pass --resume" in result.stderr
    assert (out / "profiles.jsonl").read_text() == '{"profile_id": "x"}\n'


def _chromium_pids(root: int) -> list[int]:
    return [pid for pid, name in process_tree(root) if name.startswith("chrom") and "driver" not in name]


def test_killing_chromium_mid_run_still_completes_the_run(tmp_path: Path) -> None:
    ids = COVERAGE_IDS[:4]
    with DemoSite() as site:
        site.settings.faults[ids[1]] = "slow"
        site.settings.slow_seconds = 4
        out = tmp_path / "out"
        proc = start_scrape(site, out, ids)
        wait_until(lambda: f"/in/{ids[1]}/" in site.state.requests)
        time.sleep(0.3)
        victims = _chromium_pids(proc.pid)
        assert victims, "no Chromium process found under the scraper"
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        site.settings.faults.pop(ids[1])
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    records = [r for r in (out / "profiles.jsonl").read_text().splitlines()]
    assert len(records) == 4
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts"] == {"ok": 4}
    assert summary["browser_restarts"] >= 1


def test_a_never_loading_page_is_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    ids = COVERAGE_IDS[:3]
    with DemoSite() as site:
        site.settings.faults[ids[1]] = "never_loads"
        result = run_scrape(site, tmp_path / "out", ids, SCRAPER_PAGE_TIMEOUT_S="2")
    assert result.returncode == 0, result.stderr  # one profile that never loads costs that profile only
    assert result.summary["outcome"] == "complete"
    assert [r["status"] for r in result.records] == ["ok", "error", "ok"]
    assert "timed out" in result.records[1]["errors"][0]
    assert len(result.records[1]["errors"]) == 3  # bounded retries


def test_server_errors_are_retried_and_missing_or_private_profiles_are_marked(
    site: DemoSite, tmp_path: Path
) -> None:
    ids = [COVERAGE_IDS[0], "flaky-500", "no-such-person-here", "private-profile"]
    result = run_scrape(site, tmp_path / "out", ids)
    assert result.returncode == 0, result.stderr
    assert [r["status"] for r in result.records] == ["ok", "ok", "not_found", "private"]
    assert site.state.error_counts["flaky-500"] == 3


def test_sigterm_writes_the_summary_and_keeps_what_was_collected(site: DemoSite, tmp_path: Path) -> None:
    ids = COVERAGE_IDS[:5]
    out = tmp_path / "out"
    proc = start_scrape(site, out, ids, SCRAPER_MIN_DELAY_S="5", SCRAPER_MAX_DELAY_S="5")
    wait_until(lambda: written_lines(out) >= 1)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stopped_by"] == {"reason": "sigterm"}
    assert summary["records"] == 1
    assert not _chromium_pids(proc.pid)


def test_bad_list_lines_are_reported_and_skipped(site: DemoSite, tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(
        f"# team\n{COVERAGE_IDS[0]}\nhttps://example.com/not/a/profile\n"
        f"https://www.linkedin.com/in/{COVERAGE_IDS[0]}/\n"
    )
    result = run_scrape(site, tmp_path / "out", [], "--profiles", str(listing))
    assert result.returncode == 0, result.stderr
    assert "line 3: not a LinkedIn profile URL or vanity id" in result.stderr
    assert [r["profile_id"] for r in result.records] == [COVERAGE_IDS[0]]  # the duplicate was dropped


@pytest.mark.parametrize("content", ["", "# only a comment\n", "not a url!!\n"])
def test_an_empty_or_invalid_list_exits_2_and_writes_nothing(
    site: DemoSite, tmp_path: Path, content: str
) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(content)
    result = run_scrape(site, tmp_path / "out", [], "--profiles", str(listing))
    assert result.returncode == 2
    assert "no valid profiles" in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_credentials_exit_2_with_the_secret_name(site: DemoSite, tmp_path: Path) -> None:
    result = run_scrape(site, tmp_path / "out", [COVERAGE_IDS[0]], LINKEDIN_EMAIL="", LINKEDIN_PASSWORD="")
    assert result.returncode == 2
    assert "linkedin-credentials" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_empty_shard_writes_empty_output_and_succeeds(site: DemoSite, tmp_path: Path) -> None:
    result = run_scrape(site, tmp_path / "out", COVERAGE_IDS[:2], "--shard", "2/3")
    assert result.returncode == 0, result.stderr
    assert result.records == [] and result.summary["requested"] == 0
    assert not site.state.requests  # no browser, no login
