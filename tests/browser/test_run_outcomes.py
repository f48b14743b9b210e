"""A run never misreports its outcome (real Chromium against the demo site): `--resume` retries every
profile without a final status, stops are recorded and exit non-zero, a browser that cannot start
stops the run at once with one line, and `upload` refuses what did not finish."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from scraper.demo_site import DemoSite, all_people
from scraper.rundir import RecordWriter, latest, summarise, write_summary
from tests.browser.conftest import (
    RunResult,
    run_scrape,
    scrape_cmd,
    scrape_env,
    start_scrape,
    wait_until,
    written_lines,
)
from tests.conftest import REPO, loopback_http_server, run_cli

IDS = list(all_people())[:4]


def _no_traceback(result: RunResult) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_resume_after_a_barrier_retries_the_barrier_and_the_placeholders(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with DemoSite() as site:
        site.settings.barrier_after = 1
        first = run_scrape(site, out, IDS)
        assert first.returncode == 3, first.stderr
        assert [r["status"] for r in first.records] == ["ok"] + ["auth_required"] * 3
        assert first.summary["outcome"] == "stopped" and first.summary["final"] == 1
        site.settings.barrier_after = None
        # No --run-id: the resumed run continues the run found in the directory.
        cmd = scrape_cmd(site, out, IDS, "--resume")
        cmd.remove("--run-id"), cmd.remove("test-run")
        second = subprocess.run(
            cmd, capture_output=True, text=True, cwd=REPO, env=scrape_env(site), timeout=180, check=False
        )
        requested = [p for p in site.state.requests if p.startswith("/in/") and "/details/" not in p]
    assert second.returncode == 0, second.stderr
    resumed = RunResult(second.returncode, second.stdout, second.stderr, out)
    # Each profile once, its newest line only; everything the barrier kept from us was fetched.
    assert [r["profile_id"] for r in resumed.records] == IDS
    assert {r["status"] for r in resumed.records} == {"ok"} and {r["run_id"] for r in resumed.records} == {
        "test-run"
    }
    # The barrier met the second profile; the last two were never opened until the resumed run.
    assert [requested.count(f"/in/{i}/") for i in IDS] == [1, 2, 1, 1]
    summary = resumed.summary
    assert (summary["run_id"], summary["outcome"], summary["exit_code"]) == ("test-run", "complete", 0)
    assert summary["skipped_by_resume"] == 1 and summary["written_this_run"] == 3


def test_resume_after_a_wrong_password_scrapes_everything(site: DemoSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    refused = run_scrape(site, out, IDS[:2], LINKEDIN_PASSWORD="not-the-password")
    assert refused.returncode == 3
    assert [r["attempted"] for r in refused.records] == [False, False]
    assert refused.summary["stopped_by"]["reason"] == "login_failed"
    resumed = run_scrape(site, out, IDS[:2], "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert [r["status"] for r in resumed.records] == ["ok", "ok"]


def test_resume_refuses_another_run_id(site: DemoSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_scrape(site, out, IDS[:1]).returncode == 0
    other = run_scrape(site, out, IDS[:1], "--resume", "--run-id", "another-run")
    assert other.returncode == 2
    assert "holds run 'test-run', not 'another-run'" in other.stderr
    _no_traceback(other)


def test_sigint_stops_like_sigterm_and_upload_refuses_the_run(site: DemoSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = start_scrape(site, out, IDS, SCRAPER_MIN_DELAY_S="5", SCRAPER_MAX_DELAY_S="5")
    wait_until(lambda: written_lines(out) >= 1)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    result = RunResult(proc.returncode, "", stderr, out)
    assert result.returncode == 1
    assert "SIGINT received; stopping the run, 3 profiles left for --resume" in stderr
    _no_traceback(result)
    summary = result.summary
    assert summary["stopped_by"] == {"reason": "sigint"}
    assert (summary["outcome"], summary["exit_code"], summary["records"]) == ("stopped", 1, 1)
    upload = run_cli("upload", "--src", str(out), "--bucket", "pipeline-runs")
    assert upload.returncode == 2
    assert "did not finish (out was stopped (sigint))" in upload.stderr and "--allow-partial" in upload.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CHROMEDRIVER": "/bin/false"}, "chromedriver /bin/false"),
        ({"CHROMIUM_BINARY": "/bin/true"}, "Chromium /bin/true"),
        ({"CHROMEDRIVER": "/nonexistent/chromedriver"}, "chromedriver /nonexistent/chromedriver not found"),
    ],
)
def test_a_browser_that_cannot_start_stops_the_run_at_once(
    site: DemoSite, tmp_path: Path, env: dict[str, str], named: str
) -> None:
    started = time.monotonic()
    result = run_scrape(site, tmp_path / "out", IDS[:3], **env)
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.startswith("scraper") or '"level": "error"' in line
    ]
    assert any(named in line for line in lines), result.stderr
    _no_traceback(result)
    assert result.summary["stopped_by"]["reason"] == "browser_unavailable"
    assert [(r["status"], r["attempted"]) for r in result.records] == [("error", False)] * 3
    assert "\n" not in "".join(e for r in result.records for e in r["errors"])
    assert latest(result.out).final == set()  # --resume retries all of them


def test_an_unreachable_site_is_one_line_and_a_recorded_failure(tmp_path: Path) -> None:
    with DemoSite() as site:
        pass  # its port is closed now
    result = run_scrape(site, tmp_path / "out", IDS[:2])
    assert result.returncode == 1
    _no_traceback(result)
    assert result.summary["stopped_by"]["reason"] == "site_unreachable"
    assert "ERR_CONNECTION_REFUSED" in result.summary["stopped_by"]["message"]
    assert result.summary["outcome"] == "stopped"


@pytest.fixture
def not_linkedin(tmp_path: Path) -> Iterator[str]:
    """A loopback web server that is not LinkedIn: its own home page, 404 for everything else."""
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "index.html").write_text("<title>Some other app</title><p>hello</p>")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "www"))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    with loopback_http_server(handler) as url:
        yield url


@pytest.mark.parametrize("login", ["cookie", "password"])
def test_a_base_url_that_is_not_linkedin_stops_the_run_at_once(
    site: DemoSite, not_linkedin: str, tmp_path: Path, login: str
) -> None:
    # Before, the cookie passed the session check on the 404 feed and every profile was a final
    # `not_found` (exit 0); with a password, the missing form was a traceback after 15 s.
    env = {"LINKEDIN_LI_AT": "some-cookie"} if login == "cookie" else {}
    started = time.monotonic()
    result = run_scrape(site, tmp_path / "out", IDS[:2], "--base-url", not_linkedin, **env)
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stderr
    _no_traceback(result)
    stopped = result.summary["stopped_by"]
    assert stopped["reason"] == "site_unreachable" and "HTTP 404" in stopped["message"], stopped
    assert [(r["status"], r["attempted"]) for r in result.records] == [("error", False)] * 2


def test_a_cookie_on_a_port_the_browser_refuses_is_one_line(site: DemoSite, tmp_path: Path) -> None:
    # Chromium will not open port 9 at all (an "unsafe port"), so no cookie can be set there.
    result = run_scrape(
        site, tmp_path / "out", IDS[:1], "--base-url", "http://127.0.0.1:9", LINKEDIN_LI_AT="c"
    )
    assert result.returncode == 1, result.stderr
    _no_traceback(result)
    assert result.summary["stopped_by"]["reason"] == "site_unreachable"
    # Chromium shows its own error page for the refused port: a load that failed, named as such.
    assert "the browser shows its error page" in result.summary["stopped_by"]["message"]


def test_a_crashed_run_says_so_in_its_summary(site: DemoSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = start_scrape(site, out, IDS, SCRAPER_MIN_DELAY_S="5", SCRAPER_MAX_DELAY_S="5")
    wait_until(lambda: written_lines(out) >= 1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert RunResult(1, "", "", out).summary["outcome"] == "running"


def test_an_empty_run_dir_helper_is_consistent(tmp_path: Path) -> None:
    # The summary of a run that wrote nothing for a requested profile is partial, not complete.
    RecordWriter(tmp_path).close()
    write_summary(tmp_path, summarise(tmp_path, "r", ["a"]))
    assert RunResult(0, "", "", tmp_path).summary["outcome"] == "partial"
