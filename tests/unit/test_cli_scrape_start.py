"""The start of a scrape says what it is about to do: target site, pacing and daily cap, from the
checked settings (and nothing starts before the checks passed)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

import scraper.run
from scraper.cli import main


class _NoBrowserRun:
    """Stands in for the scrape loop: records what the CLI handed over, starts nothing."""

    seen: list[Any] = []

    def __init__(self, settings: Any, creds: Any, browser_factory: Any = None) -> None:
        self.settings = settings
        self.summary: dict[str, Any] = {}

    def run(self, refs: list[Any]) -> int:
        self.seen.append((self.settings, refs))
        return 0


def test_start_of_run_logs_site_pacing_and_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(scraper.run, "ScrapeRun", _NoBrowserRun)
    monkeypatch.setenv("LINKEDIN_LI_AT", "cookie-value-for-tests")
    monkeypatch.setenv("SCRAPER_MIN_DELAY_S", "3")
    monkeypatch.setenv("SCRAPER_MAX_DELAY_S", "7.5")
    monkeypatch.setenv("SCRAPER_DAILY_CAP", "12")
    monkeypatch.setenv("LINKEDIN_BASE_URL", "http://127.0.0.1:8080/")
    _NoBrowserRun.seen = []
    with caplog.at_level(logging.INFO, logger="scraper.cli"):
        code = main(
            ["scrape", "--profile", "http://127.0.0.1:8080/in/ada-l/", "--profile", "bob",
             "--out", str(tmp_path / "out"), "--state-dir", str(tmp_path / "state"), "--run-id", "r1"]
        )  # fmt: skip
    assert code == 0
    assert "scraping 2 profiles from http://127.0.0.1:8080 into" in caplog.text
    assert "3-7.5 s between profiles, daily cap 12" in caplog.text
    settings, refs = _NoBrowserRun.seen[0]
    assert settings.base_url == "http://127.0.0.1:8080" and settings.daily_cap == 12
    assert (settings.pacer.min_delay_s, settings.pacer.max_delay_s) == (3.0, 7.5)
    assert [r.profile_id for r in refs] == ["ada-l", "bob"]


def test_a_run_id_left_open_stays_open(tmp_path: Path) -> None:
    """Without --run-id or RUN_ID the id is chosen later (a resumed run's own, or a new one)."""
    from scraper.cli import build_parser, check_scrape_args

    args = build_parser().parse_args(["scrape", "--profile", "ada-l", "--out", str(tmp_path / "out")])
    args.run_id = None
    check_scrape_args(args, env={})
    assert args.run_id is None
    args.run_id = "scheduled__2026-11-25T06:00:00+00:00"
    check_scrape_args(args, env={})
    assert args.run_id == "scheduled__2026-11-25T06:00:00+00:00"


def test_a_decomposed_profile_id_is_scraped_under_its_composed_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scraper.run, "ScrapeRun", _NoBrowserRun)
    monkeypatch.setenv("LINKEDIN_LI_AT", "cookie-value-for-tests")
    _NoBrowserRun.seen = []
    decomposed = "jose\u0301-garci\u0301a"  # prints as "josé-garcía"
    code = main(["scrape", "--profile", decomposed, "--out", str(tmp_path / "out"), "--run-id", "r1",
                 "--state-dir", str(tmp_path / "state")])  # fmt: skip
    assert code == 0
    assert [r.profile_id for r in _NoBrowserRun.seen[0][1]] == ["jos\u00e9-garc\u00eda"]
