"""2026-layout reading rules that a whole saved page would only show by accident; each fixture page under
tests/fixtures/2026 covers the rest."""

from __future__ import annotations

from scraper.parse import parse

_KEY = "com.linkedin.sdui.profile.card.refACoAAX1234567890abcdefghijklmnopqrs"
_TOP = "<div><h2>Kim Lee</h2></div><p>Engineer</p><div><p>Seoul, South Korea</p></div><p>5 connections</p>"


def _page(*cards: str) -> str:
    body = "".join(cards)
    return f"<html><head><title>Kim Lee | LinkedIn</title></head><body><main>{body}</main></body></html>"


def _card(kind: str, inner: str) -> str:
    return f'<section componentkey="{_KEY}{kind}">{inner}</section>'


def test_a_reposted_companys_followers_are_not_the_persons() -> None:
    activity = (
        "<h2>Activity</h2><div><span aria-hidden='true'>Kim reposted this</span>"
        "<p><span aria-hidden='true'>Swiss Re Institute · 2,606,334 followers</span></p></div>"
    )
    assert parse(_page(_card("Topcard", _TOP), _card("Activity", activity))).followers is None


def test_the_activity_header_count_is_read_when_the_top_card_has_none() -> None:
    activity = (
        "<h2>Activity</h2><p><span aria-hidden='true'>3,402 followers</span></p><div><p>A post</p></div>"
    )
    assert parse(_page(_card("Topcard", _TOP), _card("Activity", activity))).followers == 3402


def test_a_promotional_button_is_neither_the_company_nor_the_headline() -> None:
    top = (
        '<div><h2>Kim Lee</h2></div><div role="button" tabindex="0"><svg></svg><p>Verify in 2 minutes</p></div>'
        "<p>Engineer</p><div><p>Seoul, South Korea</p></div>"
    )
    profile = parse(_page(_card("Topcard", top)))
    assert (profile.headline, profile.current_company) == ("Engineer", None)


def test_a_line_repeated_at_once_in_an_entry_is_read_once() -> None:
    entry = (
        '<div componentkey="entity-collection-item-1"><p>Dev</p><p>Dev</p><p>Acme · Full-time</p>'
        "<p>Jun 2020 - Present · 3 mos</p><p>Jun 2020 - Present · 3 mos</p><p>Seoul</p><p>Seoul</p></div>"
    )
    profile = parse(_page(_card("Topcard", _TOP), _card("Experience", f"<h2>Experience</h2>{entry}")))
    role = profile.experiences[0]
    assert (len(profile.experiences), role.title, role.company, role.location) == (1, "Dev", "Acme", "Seoul")


def test_skills_without_separators_are_one_per_entry_not_one_per_line() -> None:
    skills = (
        "<h2>Skills</h2><div>"
        "<div><div><p><span>Python</span></p></div><div><p>Senior Data Scientist at Swiss Re</p></div></div>"
        "<div><div><p><span>SQL</span></p></div><div><p>2 endorsements</p></div></div>"
        "<div><div><p><span>Spark</span></p></div></div></div>"
        '<div><a href="https://www.linkedin.com/in/kim/details/skills/"><span>Mostrar todas</span></a></div>'
    )
    assert parse(_page(_card("Topcard", _TOP), _card("Skills", skills))).skills == ["Python", "SQL", "Spark"]


def test_a_localized_top_skills_line_is_not_about_text() -> None:
    about = "<h2>Acerca de</h2><p>Datos limpios.</p><p>Aptitudes principales</p><p>SQL • dbt • Airflow</p>"
    assert parse(_page(_card("Topcard", _TOP), _card("About", about))).about == "Datos limpios."
