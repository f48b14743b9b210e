"""The string rules every layout shares: dates, counts, company lines, titles."""

from __future__ import annotations

import pytest

from scraper.parse.text import parse_count, parse_date_range, split_company_line, strip_title_suffix


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jun 2021 - Present · 4 yrs 6 mos", ("2021-06", None, True)),
        ("2014 - Jun 2019", ("2014", "2019-06", False)),
        ("May 2016 · 1 mo", ("2016-05", "2016-05", False)),
        ("2019 - 2021", ("2019", "2021", False)),
        ("September 2020 – Present", ("2020-09", None, True)),
        ("Sep. 2012 - Jul. 2016", ("2012-09", "2016-07", False)),
        ("Stockholm Metropolitan Area", None),
        ("Issued Aug 2022", None),
        ("Foo 2020 - Bar 2021", None),
    ],
)
def test_date_ranges(line: str, expected: tuple | None) -> None:
    assert parse_date_range(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500+", (500, True)),
        ("1,398,255", (1398255, False)),
        ("12K", (12000, False)),
        ("1.2M", (1200000, False)),
        ("many", None),
    ],
)
def test_counts(text: str, expected: tuple | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Google · Full-time", ("Google", "Full-time")),
        ("QWEB, Queen's University Web Development", ("QWEB, Queen's University Web Development", None)),
        ("Full-time", (None, "Full-time")),
        ("Acme · Research · Contract", ("Acme · Research", "Contract")),
    ],
)
def test_company_line(line: str, expected: tuple) -> None:
    assert split_company_line(line) == expected


def test_title_prefix_and_section_are_stripped() -> None:
    assert strip_title_suffix("(1) Nikhil Kamath | LinkedIn") == "Nikhil Kamath"
    assert strip_title_suffix("Experience | Austin O'Boyle | LinkedIn") == "Austin O'Boyle"
