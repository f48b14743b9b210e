"""The string rules every layout shares: dates, counts, company lines, titles."""

from __future__ import annotations

import pytest

from scraper.parse.text import (
    connections_in,
    followers_in,
    is_badge,
    is_count_line,
    is_interface_text,
    parse_count,
    parse_date_range,
    split_company_line,
    strip_title_suffix,
)


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


@pytest.mark.parametrize(
    "line",
    [
        "He/Him",
        "(He/Him)",
        "she/her/hers",
        "They/Them",
        "(she/they)",
        "· 1st",
        "2nd",
        "3rd+",
        "· 3rd+",
        "2nd degree connection",
        "Top Voice",
        "Verified",
    ],
)
def test_badges_are_recognised(line: str) -> None:
    assert is_badge(line)


@pytest.mark.parametrize("line", ["Hello/World", "Head of Data", "He/Him at Acme", "1st Lieutenant"])
def test_values_are_not_badges(line: str) -> None:
    assert not is_badge(line)


@pytest.mark.parametrize(
    "line",
    [
        "Show all 6 experiences",
        "Show all",
        "…see more",
        "... see more",
        "…more",
        "Show less",
        "Connect",
        "Message",
        "Follow",
        "Following",
        "More",
        "Contact info",
        "·",
        "Endorse",
    ],
)
def test_interface_labels_are_recognised(line: str) -> None:
    assert is_interface_text(line)


@pytest.mark.parametrize(
    "line", ["Connected Data Ltd", "Message Queue Engineer", "More Than Code AB", "Showrunner"]
)
def test_values_are_not_interface_labels(line: str) -> None:
    assert not is_interface_text(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("500+ connections", (500, True)),
        ("500+connections", (500, True)),
        ("312 connections", (312, False)),
        ("1,204 connections · Contact info", (1204, False)),
        ("Erik, Jonathan and 12 other mutual connections", None),
        ("3 mutual connections", None),
        ("Connections", None),
    ],
)
def test_connection_counts_are_read_wherever_they_sit(line: str, expected: tuple | None) -> None:
    assert connections_in(line) == expected


def test_followers_are_read_but_not_mutual_ones() -> None:
    assert followers_in("2,606,334 followers") == 2606334
    assert followers_in("12K followers") == 12000
    assert followers_in("Ann and 3 other mutual followers") is None


@pytest.mark.parametrize(
    "line",
    ["500+ connections", "1,024 followers", "121,337 followers · 500+ connections", "connections", "500+"],
)
def test_count_lines_are_recognised(line: str) -> None:
    assert is_count_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "LinkedIn Top Voice | 120K+ followers | Data careers",
        "Helping 40K followers learn SQL · Author",
        "Erik and 3 other mutual connections",
        "Building connections between farmers and buyers",
    ],
)
def test_a_headline_that_mentions_followers_is_not_a_count_line(line: str) -> None:
    assert not is_count_line(line)
