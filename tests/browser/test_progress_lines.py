"""What a person watching a real scrape reads on stderr: the target, pacing and cap first, then a line
before each pause with the position and an ETA (real Chromium, the demo site)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scraper.demo_site import DemoSite, all_people
from tests.browser.conftest import run_scrape


def test_start_line_and_a_line_before_each_pause(site: DemoSite, tmp_path: Path) -> None:
    ids = list(all_people())[:3]
    result = run_scrape(site, tmp_path / "out", ids, SCRAPER_MIN_DELAY_S="1", SCRAPER_MAX_DELAY_S="1")
    assert result.returncode == 0, result.stderr
    messages = [json.loads(line)["msg"] for line in result.stderr.splitlines() if line.startswith("{")]
    start = next(m for m in messages if m.startswith("scraping "))
    assert f"scraping {len(ids)} profiles from {site.url} into" in start
    assert start.endswith("1-1 s between profiles, daily cap 80")
    waits = [m for m in messages if "before the next" in m]
    assert len(waits) == len(ids) - 1  # none after the last profile
    for position, line in enumerate(waits, 1):
        assert re.fullmatch(
            rf"profile {position}/{len(ids)} done; waiting 1s before the next; about \d+s left, done near \d\d:\d\d UTC",
            line,
        ), line
