"""A failure nobody planned for (a bug) still leaves a summary that says the run failed, and why."""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path

import pytest

import scraper.run as run_module
from scraper.models import ProfileRecord
from scraper.pacing import Pacer
from scraper.profile_list import ProfileRef
from scraper.run import ScrapeRun, ScrapeSettings
from scraper.rundir import RecordWriter
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


def test_a_signal_while_a_line_is_written_still_counts_that_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Ctrl-C landing just after a profile's line reached the file (before it was counted) used to
    # say the run wrote nothing and had every profile left.
    class InterruptedWriter(RecordWriter):
        signalled = False

        def write(self, *records: ProfileRecord) -> None:
            super().write(*records)
            if not InterruptedWriter.signalled:
                InterruptedWriter.signalled = True
                os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(run_module, "RecordWriter", InterruptedWriter)
    settings = ScrapeSettings(
        "http://127.0.0.1:9", tmp_path / "out", "r", tmp_path / "state", pacer=Pacer(0, 0)
    )
    run = ScrapeRun(settings, Credentials(email="e", password="p"))
    monkeypatch.setattr(run, "_scrape_one", lambda ref: run._record(ref, "ok"))
    with caplog.at_level(logging.INFO, logger="scraper.run"):
        assert run.run([ProfileRef("a"), ProfileRef("b"), ProfileRef("c")]) == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["stopped_by"] == {"reason": "sigint"}
    assert (summary["written_this_run"], summary["records"], summary["final"]) == (1, 1, 1)
    assert any("SIGINT received; stopping the run, 2 profiles left" in m for m in caplog.messages)
