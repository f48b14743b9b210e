"""A scrape never loses or double-counts quietly (the CLI, real Chromium, the demo site): an unusable
daily-cap state stops it before any request; a run directory in use is refused at once; a full disk
stops it with one line naming the file, keeping every line already written for `--resume`."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest

from scraper.demo_site import DemoSite, all_people
from scraper.pacing import DailyCap
from tests.browser.conftest import RunResult, run_scrape, start_scrape, wait_until, written_lines
from tests.conftest import assert_one_line_error, fill_up, run_cli

IDS = list(all_people())[:2]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not JSON"),
        ('["not", "a", "count"]', "expected an object"),
        ('{"%(today)s": "many"}', "is not a whole number"),
    ],
)
def test_a_corrupt_cap_state_stops_the_scrape_before_any_request(
    site: DemoSite, tmp_path: Path, content: str, reason: str
) -> None:
    import datetime as dt

    out, state = tmp_path / "out", tmp_path / "state"
    cap_file = DailyCap(state, 80).path  # the default account's
    cap_file.write_text(content % {"today": dt.datetime.now(dt.UTC).date().isoformat()})
    before = cap_file.read_bytes()
    result = run_scrape(site, out, IDS)
    assert_one_line_error(result, 2, f"daily cap state {cap_file}", reason, logs_allowed=True)
    assert site.state.requests == []  # not even the login page
    assert cap_file.read_bytes() == before  # nothing reset the count
    assert not (out / "profiles.jsonl").exists()


def test_a_cap_state_path_that_is_a_directory_stops_the_scrape(site: DemoSite, tmp_path: Path) -> None:
    out, state = tmp_path / "out", tmp_path / "state"
    cap_file = DailyCap(state, 80).path
    cap_file.mkdir(parents=True)
    result = run_scrape(site, out, IDS)
    assert_one_line_error(result, 2, f"daily cap state {cap_file}", logs_allowed=True)
    assert site.state.requests == []


# ---------------------------------------------------------------- one writer per run directory


def test_a_second_scrape_or_upload_of_a_directory_in_use_is_refused(site: DemoSite, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    out = run_dir / "shard-0"  # a shard of a run, as the DAG's pods write it
    first = start_scrape(site, out, IDS, SCRAPER_MIN_DELAY_S="5", SCRAPER_MAX_DELAY_S="5")
    try:
        wait_until(lambda: written_lines(out) >= 1)
        second = run_scrape(site, out, IDS, "--resume", timeout=30)
        holder = f"in use by scrape pid {first.pid} on {os.uname().nodename}"
        assert_one_line_error(second, 2, f"{out} is {holder}", logs_allowed=True)
        upload = run_cli(
            "upload",
            "--src",
            str(run_dir),
            "--bucket",
            "runs",
            "--endpoint-url",
            "http://127.0.0.1:9",
            timeout=30,
        )
        assert_one_line_error(upload, 2, f"{out} is {holder}")
        assert written_lines(out) == 1  # neither wrote a line
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # a killed holder: its lock goes with it
        first.wait()
    resumed = run_scrape(site, out, IDS, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert [r["profile_id"] for r in resumed.records] == IDS


# ---------------------------------------------------------------- disk full


def test_disk_full_mid_run_stops_it_and_resume_loses_nothing(
    site: DemoSite, small_tmpfs: Path, tmp_path: Path
) -> None:
    out = small_tmpfs / "out"
    ids = list(all_people())[:3]
    proc = start_scrape(site, out, ids, SCRAPER_MIN_DELAY_S="3", SCRAPER_MAX_DELAY_S="3")
    wait_until(lambda: written_lines(out) >= 1)
    filler = fill_up(small_tmpfs)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stdout + stderr
    errors = [json.loads(line)["msg"] for line in stderr.splitlines() if '"level": "error"' in line]
    # The first write that fails names its file: the records' or, with the page archive on, a page's.
    failed = re.search(rf"cannot write ({re.escape(str(out))}/\S+): No space left on device", errors[0])
    assert failed and failed[1].endswith(("profiles.jsonl", ".html.gz")), errors[0]
    # The summary could not be written either (the disk is full): the log says so.
    assert "summary.json: No space left on device: the summary could not be written" in errors[1]
    kept = (out / "profiles.jsonl").read_text()
    assert kept.endswith("\n") and 1 <= len(kept.splitlines()) < len(ids)  # whole lines only
    filler.unlink()
    resumed = run_scrape(site, out, ids, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert [r["profile_id"] for r in resumed.records] == ids
    # What was written before the disk filled up is kept as it was, not scraped again.
    assert resumed.records[: len(kept.splitlines())] == [json.loads(line) for line in kept.splitlines()]


def _records_on_a_full_disk(small_tmpfs: Path, tmp_path: Path) -> Path:
    """An --out whose profiles.jsonl lives on a full filesystem, its summary beside it on one with room."""
    out = tmp_path / "out"
    out.mkdir()
    (small_tmpfs / "profiles.jsonl").touch()
    (out / "profiles.jsonl").symlink_to(small_tmpfs / "profiles.jsonl")
    fill_up(small_tmpfs)
    return out


def _failed_for_the_full_disk(result: RunResult) -> dict:
    """The run exited 1 without a traceback, its summary `failed` naming the records' file; the summary."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    summary = result.summary
    assert summary["outcome"] == "failed" and summary["exit_code"] == 1
    assert summary["failure"] == f"cannot write {result.out / 'profiles.jsonl'}: No space left on device"
    return summary


def test_a_full_disk_under_the_records_says_failed_in_the_summary(
    site: DemoSite, small_tmpfs: Path, tmp_path: Path
) -> None:
    out = _records_on_a_full_disk(small_tmpfs, tmp_path)
    summary = _failed_for_the_full_disk(run_scrape(site, out, IDS))
    assert summary["stopped_by"]["reason"] == "write_failed"
    assert (small_tmpfs / "profiles.jsonl").read_bytes() == b""  # no torn line left behind


def test_placeholders_that_do_not_fit_fail_the_stopped_run(
    site: DemoSite, small_tmpfs: Path, tmp_path: Path
) -> None:
    out = _records_on_a_full_disk(small_tmpfs, tmp_path)
    site.settings.barrier_after = 0  # a checkpoint at the first profile: the rest get placeholders
    summary = _failed_for_the_full_disk(run_scrape(site, out, IDS))
    assert summary["stopped_by"]["kind"] == "checkpoint"
