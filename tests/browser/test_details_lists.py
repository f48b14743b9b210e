"""A 2026 `/details/<section>/` list loads its next items only while it is scrolled to its end (as
LinkedIn's /details/skills/ does, which otherwise stops near ten): the browser scrolls it until the
section's total is reached or nothing more loads, within its bounds. Real Chromium, demo site."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from scraper.browser import Browser, BrowserConfig, PageSnapshot
from scraper.demo_site import DemoSite, all_people
from scraper.demo_site.people import DETAILS_BATCH, Person
from scraper.details import missing_items
from scraper.models import DETAILS_PATHS
from scraper.parse import parse
from scraper.session import Credentials, login
from tests.browser.conftest import wait_until
from tests.conftest import NOT_YET_PARSED

SCROLLED_SECTIONS = ("skills", *NOT_YET_PARSED)
_SKILL = re.compile(r'componentkey="com\.linkedin\.sdui\.profile\.skill\(')
_ENTRY = re.compile(r'componentkey="entity-collection-item-')


def _long_list(section: str) -> Person:
    """The 2026 person with the longest list of `section`: at least one batch more than the first."""
    person = max(
        (p for p in all_people().values() if p.layout == "sdui"),
        key=lambda p: len(getattr(p.profile, section)),
    )
    assert len(getattr(person.profile, section)) > DETAILS_BATCH
    return person


def _items(page: PageSnapshot, section: str) -> int:
    """Entries on the page, counted by their component keys (skills come twice, one copy hidden)."""
    if section == "skills":
        return len(_SKILL.findall(page.html)) // 2
    return len(_ENTRY.findall(page.html))


def _url(site: DemoSite, person: Person, section: str) -> str:
    return f"{site.url}/in/{person.profile_id}/details/{DETAILS_PATHS[section]}/"


@pytest.fixture
def browser(site: DemoSite) -> Iterator[Browser]:
    chromium = Browser(BrowserConfig(list_patience_s=1.0))
    try:
        login(chromium, site.url, Credentials(email=site.settings.email, password=site.settings.password))
        yield chromium
    finally:
        chromium.quit()


def _batch_requests(site: DemoSite, person: Person, section: str) -> int:
    path = f"/in/{person.profile_id}/details/{DETAILS_PATHS[section]}/"
    return sum(1 for p in site.state.requests if p == path) - 1  # the page itself, then each batch


@pytest.mark.parametrize("section", SCROLLED_SECTIONS)
def test_the_demo_list_loads_its_next_batch_only_once_scrolled_to_its_end(
    site: DemoSite, browser: Browser, section: str
) -> None:
    """How LinkedIn's 2026 details lists behave, and the demo site's do, in every section."""
    person = _long_list(section)
    browser.open(_url(site, person, section), scroll=False)
    snapshot = "return document.documentElement.outerHTML;"

    def shown() -> int:
        return _items(PageSnapshot("", "", "", browser.driver.execute_script(snapshot)), section)

    wait_until(lambda: shown() > 0, timeout=10)
    time.sleep(1.0)  # a list that paged by itself would have grown by now
    assert shown() == DETAILS_BATCH and _batch_requests(site, person, section) == 1
    browser.driver.execute_script("window.scrollTo(0, document.documentElement.scrollHeight);")
    wait_until(lambda: shown() > DETAILS_BATCH, timeout=10)
    assert shown() == min(2 * DETAILS_BATCH, len(getattr(person.profile, section)))


@pytest.mark.parametrize("section", SCROLLED_SECTIONS)
def test_a_list_is_scrolled_until_the_sections_total(site: DemoSite, browser: Browser, section: str) -> None:
    person = _long_list(section)
    total = len(getattr(person.profile, section))
    page = browser.open(_url(site, person, section), more=lambda page: _items(page, section) < total)
    assert _items(page, section) == total


def test_the_runs_own_test_of_a_skills_list_reads_every_skill(site: DemoSite, browser: Browser) -> None:
    """What the scrape passes for a truncated section: the parser's count against "Show all N"."""
    person = _long_list("skills")
    total = person.profile.section_totals["skills"]
    assert total == len(person.profile.skills)
    page = browser.open(_url(site, person, "skills"), more=missing_items("skills", total))
    assert parse(page.html, url=page.url).skills == person.profile.skills


def test_a_list_without_a_total_is_scrolled_until_nothing_more_loads(
    site: DemoSite, browser: Browser
) -> None:
    """ "Show all" without a number: the list ends when a scroll brings nothing within the patience."""
    section = "volunteering"
    person = _long_list(section)
    total = len(person.profile.volunteering)
    started = time.monotonic()
    page = browser.open(_url(site, person, section), more=lambda page: True)
    assert _items(page, section) == total
    assert _batch_requests(site, person, section) == -(-total // DETAILS_BATCH) + 1  # the empty answer
    assert time.monotonic() - started < 30


def test_scrolling_stops_at_its_bound(site: DemoSite) -> None:
    section = "volunteering"
    person = _long_list(section)
    total = len(person.profile.volunteering)
    assert total > 2 * DETAILS_BATCH
    chromium = Browser(BrowserConfig(list_patience_s=1.0, list_max_scrolls=1))
    try:
        login(chromium, site.url, Credentials(email=site.settings.email, password=site.settings.password))
        page = chromium.open(_url(site, person, section), more=lambda page: True)
    finally:
        chromium.quit()
    assert DETAILS_BATCH < _items(page, section) < total  # one scroll's worth beyond the first batch
