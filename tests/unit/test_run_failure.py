"""A failure nobody planned for (a bug) still leaves a summary that says the run failed, and why."""

from __future__ import annotations

import json
from pathlib import Path

from scraper.pacing import Pacer
from scraper.profile_list import ProfileRef
from scraper.run import ScrapeRun, ScrapeSettings
from scraper.session import Credentials


def test_an_unexpected_error_is_recorded_as_a_failed_run(tmp_path: Path) -> None:
    def broken_browser():  # noqa: ANN202 - stands in for Browser
        raise KeyError("no such setting")

    settings = ScrapeSettings(
        "http://127.0.0.1:9", tmp_path / "out", "r", tmp_path / "state", pacer=Pacer(0, 0)
    )
    run = ScrapeRun(settings, Credentials(email="e", password="p"), browser_factory=broken_browser)
    assert run.run([ProfileRef("a"), ProfileRef("b")]) == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["outcome"] == "failed" and summary["exit_code"] == 1
    assert summary["failure"] == "KeyError: 'no such setting'"
    assert summary["final"] == 0 and summary["requested"] == 2
