"""A scrape that cannot keep its promises refuses before it starts (the CLI against the demo site):
an unusable daily-cap state stops it before any request, with one line naming the file and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.demo_site import DemoSite, all_people
from tests.browser.conftest import run_scrape
from tests.conftest import assert_one_line_error

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
    state.mkdir()
    cap_file = state / "daily-cap.json"
    cap_file.write_text(content % {"today": dt.datetime.now(dt.UTC).date().isoformat()})
    before = cap_file.read_bytes()
    result = run_scrape(site, out, IDS)
    assert_one_line_error(result, 2, f"daily cap state {cap_file}", reason, logs_allowed=True)
    assert site.state.requests == []  # not even the login page
    assert cap_file.read_bytes() == before  # nothing reset the count
    assert not (out / "profiles.jsonl").exists()


def test_a_cap_state_path_that_is_a_directory_stops_the_scrape(site: DemoSite, tmp_path: Path) -> None:
    out, state = tmp_path / "out", tmp_path / "state"
    (state / "daily-cap.json").mkdir(parents=True)
    result = run_scrape(site, out, IDS)
    assert_one_line_error(result, 2, f"daily cap state {state / 'daily-cap.json'}", logs_allowed=True)
    assert site.state.requests == []


def test_a_valid_cap_state_of_another_day_lets_the_scrape_run(site: DemoSite, tmp_path: Path) -> None:
    out, state = tmp_path / "out", tmp_path / "state"
    state.mkdir()
    (state / "daily-cap.json").write_text(json.dumps({"2000-01-01": 80}))
    result = run_scrape(site, out, IDS[:1])
    assert result.returncode == 0, result.stderr
    assert list(json.loads((state / "daily-cap.json").read_text()).values()) == [1]
