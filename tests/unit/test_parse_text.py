"""The string rules every layout shares: dates, counts, company lines, titles."""

from __future__ import annotations

import pytest

from scraper.parse.text import (
    connections_in,
    counts_in,
    followers_in,
    is_badge,
    is_count_line,
    is_duration,
    is_interface_text,
    is_place,
    parse_count,
    parse_date_range,
    split_company_line,
    strip_name_badge,
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
        "(Ella)",
        "Ella",
        "Er/Ihm",
        "(il/lui)",
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


@pytest.mark.parametrize(
    "line", ["Hello/World", "Head of Data", "He/Him at Acme", "1st Lieutenant", "Ella Fitzgerald", "Sie"]
)
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
        "Mostrar las 6 experiencias",
        "Exibir todas as 12 experiências",
        "Afficher les 3 formations",
        "Mostra tutte le 40 competenze",
        "Alle 6 Berufserfahrungen anzeigen",
        "Alle 9 ervaringen weergeven",
    ],
)
def test_interface_labels_are_recognised(line: str) -> None:
    assert is_interface_text(line)


@pytest.mark.parametrize(
    "line",
    [
        "Connected Data Ltd",
        "Message Queue Engineer",
        "More Than Code AB",
        "Showrunner",
        "Alle Hens Media GmbH",
    ],
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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ene. 2020 - actualidad · 5 años 11 meses", ("2020-01", None, True)),
        ("sept. 2017 - dic. 2019 · 2 años 4 meses", ("2017-09", "2019-12", False)),
        ("jan. de 2021 - o momento · 4 anos", ("2021-01", None, True)),
        ("set. de 2015 - out. de 2018", ("2015-09", "2018-10", False)),
        ("févr. 2019 - aujourd’hui", ("2019-02", None, True)),
        ("déc. 2012 - août 2014 · 1 an 9 mois", ("2012-12", "2014-08", False)),
        ("März 2018 – Heute · 7 Jahre 9 Monate", ("2018-03", None, True)),
        ("Okt. 2010 – Dez. 2012", ("2010-10", "2012-12", False)),
        ("gen 2016 - presente", ("2016-01", None, True)),
        ("mrt. 2014 - heden · 11 jaar 9 maanden", ("2014-03", None, True)),
        ("Bilbao 2019", None),
    ],
)
def test_localized_date_ranges(line: str, expected: tuple | None) -> None:
    assert parse_date_range(line) == expected


@pytest.mark.parametrize(
    "line", ["5 años 11 meses", "1 año", "3 Jahre 2 Monate", "1 an 9 mois", "4 anos 1 mês", "7 mesi"]
)
def test_localized_durations(line: str) -> None:
    assert is_duration(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Más de 500 contactos", (500, True)),
        ("500+ contactos", (500, True)),
        ("Mehr als 500 Kontakte", (500, True)),
        ("312 relations", (312, False)),
        ("500+ conexões", (500, True)),
        ("Ana, Luis y 3 contactos en común", None),
    ],
)
def test_localized_connection_counts(line: str, expected: tuple | None) -> None:
    assert connections_in(line) == expected
    assert is_count_line(line) == (expected is not None)


def test_localized_follower_counts() -> None:
    assert followers_in("1.234 seguidores") == 1234
    assert followers_in("1 234 abonnés") == 1234
    assert followers_in("2.345 Follower") == 2345
    assert counts_in(["Más de 500", "contactos", "8.910 seguidores"]) == ((500, True), 8910)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace (She/Her)", "Ada Lovelace"),
        ("Ada Lovelace she/they", "Ada Lovelace"),
        ("Ada Lovelace · 2nd", "Ada Lovelace"),
        ("María López (Ella)", "María López"),
        ("Jonas Weber Er/Ihm", "Jonas Weber"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("Jean-Luc O'Neil", "Jean-Luc O'Neil"),
    ],
)
def test_an_inline_badge_is_not_part_of_the_name(name: str, expected: str) -> None:
    assert strip_name_badge(name) == expected


@pytest.mark.parametrize("line", ["· 2º", "2º", "3°", "· 2e", "1er", "· 2."])
def test_localized_degree_badges(line: str) -> None:
    assert is_badge(line)


@pytest.mark.parametrize(
    "line",
    [
        "Valencia, España",
        "Galway, Ireland · Hybrid",
        "Greater Delhi Area",
        "Comunidad de Madrid, España · En remoto",
        "Frankfurt am Main, Hessen, Deutschland",
        "Washington, D.C.",
        "Newcastle upon Tyne, England, United Kingdom",
        "Région métropolitaine de Paris",
        "Área metropolitana de Madrid · En remoto",
    ],
)
def test_places(line: str) -> None:
    assert is_place(line)


@pytest.mark.parametrize(
    "line",
    [
        "Limpieza de encuestas del INE con R.",
        "Machine Learning Engineer working on Merchant Fraud Modeling",
        "Built the billing data model.",
        "Stack: Python, dbt, Airflow",
        "https://example.org/portfolio",
        "Led a team of eight engineers across three countries and two time zones for the platform",
    ],
)
def test_descriptions_are_not_places(line: str) -> None:
    assert not is_place(line)
