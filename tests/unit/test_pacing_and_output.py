"""Pacing bounds, the daily cap file, durable output and barrier recognition."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from scraper.barriers import detect_barrier, profile_status
from scraper.models import ProfileRecord
from scraper.pacing import DailyCap, Pacer
from scraper.rundir import RecordWriter, latest


def test_pacer_delays_stay_within_bounds() -> None:
    slept: list[float] = []
    pacer = Pacer(2.0, 5.0, rng=random.Random(1), sleep=slept.append)
    for _ in range(200):
        pacer.wait()
    assert min(slept) >= 2.0 and max(slept) <= 5.0 and len(set(slept)) > 100
    with pytest.raises(ValueError, match="min <= max"):
        Pacer(5.0, 2.0)


def test_daily_cap_is_shared_by_instances_and_resets_each_day(tmp_path: Path) -> None:
    day = [dt.date(2026, 1, 1)]
    a, b = DailyCap(tmp_path, 3, today=lambda: day[0]), DailyCap(tmp_path, 3, today=lambda: day[0])
    assert [a.try_take(), b.try_take(), a.try_take(), b.try_take()] == [True, True, True, False]
    day[0] = dt.date(2026, 1, 2)
    assert a.try_take() and a.used() == 1


def test_writer_repairs_a_torn_last_line_and_resume_sees_complete_lines(tmp_path: Path) -> None:
    path = tmp_path / "profiles.jsonl"
    path.write_text('{"profile_id": "a", "status": "ok", "run_id": "r"}\n{"profile_id": "b", "sta')
    assert latest(tmp_path).final == {"a"}
    writer = RecordWriter(tmp_path)
    writer.write(ProfileRecord("c", "http://x/in/c/", "ok", "2026-01-01T00:00:00Z", "r"))
    writer.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["profile_id"] for line in lines] == ["a", "c"]


@pytest.mark.parametrize(
    ("url", "title", "text", "status", "kind"),
    [
        ("https://www.linkedin.com/checkpoint/challenge/abc", "", "", 200, "checkpoint"),
        ("https://www.linkedin.com/authwall?trk=x", "", "", 200, "authwall"),
        ("https://www.linkedin.com/login?session_redirect=x", "", "", 200, "login"),
        ("https://www.linkedin.com/uas/login", "", "", 200, "uas"),
        ("https://www.linkedin.com/in/a/", "", "", 999, "http_999"),
        ("https://www.linkedin.com/in/a/", "Request denied", "", 0, "http_999"),
        ("https://www.linkedin.com/in/a/", "", "Too many requests, slow down", 200, "rate_limit"),
        ("https://www.linkedin.com/in/a/", "Alice | LinkedIn", "Experience Education", 200, None),
    ],
)
def test_barriers(url: str, title: str, text: str, status: int, kind: str | None) -> None:
    assert detect_barrier(url, title, text, status) == kind


def test_profile_status_reads_not_found_and_private_pages() -> None:
    assert profile_status("Page not found | LinkedIn", "") == "not_found"
    assert profile_status("LinkedIn", "This profile is not available") == "private"
    assert profile_status("Alice | LinkedIn", "About Experience") is None
