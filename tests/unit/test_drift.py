"""The layout drift alarm's comparison (scraper.drift): what fires it and what must not."""

from __future__ import annotations

from typing import Any

from scraper import drift
from scraper.drift import figures_of


def _records(count: int, run: str = "r", **overrides: Any) -> list[dict[str, Any]]:
    full = {
        "status": "ok",
        "dom_generation": "sdui",
        "name": "Ada Lovelace",
        "headline": "Engineer",
        "location": "Oslo",
        "skills": ["Python"],
    }
    return [{"run_id": run, "profile_id": f"p-{run}-{i}", **full, **overrides} for i in range(count)]


def _baseline(runs: int = 3, count: int = 40) -> list[drift.RunFigures]:
    return [figures_of(f"b{n}", _records(count, f"b{n}")) for n in range(runs)]


def _dropped(today: list[dict[str, Any]], baseline: list[drift.RunFigures] | None = None) -> set[str]:
    return {d.figure for d in drift.compare(figures_of("t", today), baseline or _baseline())}


def test_half_the_headlines_gone_fires_naming_the_field() -> None:
    today = _records(20) + _records(20, headline=None, location="")
    assert _dropped(today) == {"field:headline", "field:location"}


def test_a_run_too_small_never_fires() -> None:
    assert _dropped(_records(3, headline=None)) == set()


def test_too_little_history_never_fires() -> None:
    assert _dropped(_records(40, headline=None), _baseline(runs=1)) == set()


def test_a_drop_must_be_large_both_absolutely_and_relatively() -> None:
    # 100% -> 80%: 20 points but only 20% of the usual rate.
    assert _dropped(_records(32) + _records(8, skills=[])) == set()
    # A rare field, 10% -> 0%: all of it relatively, but 10 points only.
    baseline = [
        figures_of(f"b{n}", _records(36, f"b{n}", about=None) + _records(4, f"b{n}", about="Hi"))
        for n in range(3)
    ]
    assert _dropped(_records(40, about=None), baseline) == set()


def test_pages_that_become_unrecognised_fire_on_the_error_share() -> None:
    today = _records(25) + _records(15, status="error")
    assert _dropped(today) == {"status:ok", "status:error"}


def test_the_table_names_example_profiles_and_their_archived_pages() -> None:
    pages = ["pages/p-t-0/main.html.gz", "pages/p-t-0/experience.html.gz"]
    today = [
        {**r, "pages": pages if r["profile_id"] == "p-t-0" else []} for r in _records(40, "t", headline=None)
    ]
    [drop] = [d for d in drift.compare(figures_of("t", today), _baseline()) if d.figure == "field:headline"]
    table = drift.table([drop])
    assert table.splitlines()[0].split()[:3] == ["field", "usual", "today"]
    row = table.splitlines()[1]
    assert row.split()[:3] == ["field:headline", "100%", "0%"]
    assert f"p-t-0: {', '.join(pages)}" in row and "p-t-1: (no archived pages)" in row and "p-t-3" not in row


def test_a_day_of_other_people_is_not_a_drift() -> None:
    """78% -> 58% of a section, 40 people a day: 20 points, 26% of usual, but within the noise of
    which people the day's batch happened to hold (seen in the 30-day test before the noise bound)."""
    baseline = [
        figures_of(f"b{n}", _records(31, f"b{n}") + _records(9, f"b{n}", skills=[])) for n in range(7)
    ]
    assert _dropped(_records(23) + _records(17, skills=[]), baseline) == set()
    assert _dropped(_records(12) + _records(28, skills=[]), baseline) == {"field:skills"}
