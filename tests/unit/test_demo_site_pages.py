"""Every demo person's pages, classified and parsed as the scraper reads them (lazy sections loaded,
details pages filled and merged), give exactly the record the demo site promises; the pages show every
value of that record; each page class the site serves is classified as that class. Fast: no browser."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup, Tag

from scraper.demo_site import all_people, render
from scraper.demo_site.item_text import DEMO_NOW, month
from scraper.demo_site.people import DETAILS_BATCH, ENGLISH_TITLES, LAYOUTS, Person
from scraper.demo_site.server import BUILTIN_FAULT_IDS, DemoSite
from scraper.models import DETAILS_PATHS, SECTIONS
from scraper.parse import parse
from scraper.parse.classify import read_page
from tests.conftest import NOT_YET_PARSED, without_sections

_DETAILS_LIST_RE = re.compile(r'(<div id="details-list"[^>]*>)(</div>)')


PEOPLE = list(all_people().values())


def _batches(person: Person, section: str) -> Iterator[str]:
    """A 2026 details list as its script loads it: the first batch, then one more per scroll to its end."""
    start = 0
    while batch := render.sdui_details_content(person, section, start):
        yield batch
        start += DETAILS_BATCH


def _details_html(person: Person, section: str) -> str:
    html = render.details_page(person, section)
    if person.layout != "sdui":
        return html
    assert _DETAILS_LIST_RE.search(html), "a 2026 details page is an empty shell until loaded"
    content = "".join(_batches(person, section))
    return _DETAILS_LIST_RE.sub(lambda m: m[1] + content + m[2], html)


def _main_html(person: Person) -> str:
    html = render.profile_page(person, notifications=2)
    if person.lazy:  # what the page's script fetches once scrolled
        assert render.lazy_fragment(person) not in html
        html = html.replace("Loading…", render.lazy_fragment(person))
    return html


def _scraped(person: Person, sections: tuple[str, ...]) -> dict:
    """The record as the scraper reads it: the main page, and the details page of each truncated one
    of `sections`."""
    html = _main_html(person)
    url = f"http://127.0.0.1/in/{person.profile_id}/"
    verdict, profile = read_page(html, url)
    assert verdict.kind == "profile" and profile is not None
    assert profile.to_dict() == parse(html).to_dict()
    for section in sections:
        if profile.truncated[section]:  # type: ignore[literal-required]
            details_url = f"{url}details/{DETAILS_PATHS[section]}/"
            details_verdict, details = read_page(_details_html(person, section), details_url)
            assert details_verdict.kind == "details" and details is not None
            setattr(profile, section, getattr(details, section))
    return profile.to_dict()


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: f"{p.layout}-{p.profile_id}")
def test_pages_parse_to_the_ground_truth(person: Person) -> None:
    parsed = tuple(s for s in SECTIONS if s not in NOT_YET_PARSED)
    got = _scraped(person, parsed)
    assert without_sections(got) == without_sections(person.profile.to_dict())


def test_pages_parse_to_the_ground_truth_in_all_sections() -> None:
    """Issue 25's sections too, as the parser reads them in every layout."""
    assert [_scraped(p, SECTIONS) for p in PEOPLE] == [p.profile.to_dict() for p in PEOPLE]


# ---------------------------------------------------------------- issue 25's sections on the pages


def _visible(html: str) -> BeautifulSoup:
    """The page as a reader sees it: 2022-2025 show the `aria-hidden` copy of each string (its
    `visually-hidden` twin is for screen readers), 2026 its visible leaves."""
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup.select('.visually-hidden, [style*="display:none"], script, style'):
        hidden.decompose()
    return soup


def _lines(tag: Tag) -> list[str]:
    return [t.strip() for t in tag.stripped_strings]


def _card(html: str, title: str) -> Tag | None:
    """The card whose `<h2>` reads `title`: its `<section>`, or its keyed `<div>` (2026)."""
    h2 = next((h for h in _visible(html).find_all("h2") if h.get_text(" ", strip=True) == title), None)
    if h2 is None:
        return None
    return h2.find_parent(lambda t: t.name == "section" or str(t.get("id", "")).startswith("com.linkedin"))


def _values(item: object) -> list[str]:
    """The ground-truth values of one item in the words a page uses for them, the title first."""
    data = {f: v for f, v in dataclasses.asdict(item).items() if v is not None}  # type: ignore[call-overload]
    if data.get("end") is not None and data.get("end") == data.get("start"):
        del data["end"]  # a single month is shown once
    return [month(v) if f in ("issued", "expires", "start", "end", "date") else v for f, v in data.items()]


def _shows_items(lines: list[str], items: list) -> bool:
    """Each item's title is a line of its own, in order, and its other values are in the lines from
    there to the next item's title."""
    at = 0
    values = [_values(item) for item in items]
    for n, (title, *rest) in enumerate(values):
        if title not in lines[at:]:
            return False
        at = lines.index(title, at)
        following = values[n + 1][0] if n + 1 < len(values) else None
        end = lines.index(following, at + 1) if following in lines[at + 1 :] else len(lines)
        if not all(any(v in line for line in lines[at:end]) for v in rest):
            return False
        at += 1
    return True


@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: f"{p.layout}-{p.profile_id}")
def test_the_pages_show_the_ground_truth_of_the_five_sections(person: Person) -> None:
    """Main page: the first items of each section and, when it hides some, "Show all N" with N the
    total and a link to the section's details page; the details page (every batch of a 2026 list
    loaded): every item. Values in the page's words ("Aug 2022"), each within its own item."""
    titles = person.variant.titles if person.layout == "sdui" else ENGLISH_TITLES
    main = _main_html(person)
    for section in NOT_YET_PARSED:
        items = getattr(person.profile, section)
        element = _card(main, render.heading(section, titles))
        if not items:
            assert element is None, section
            continue
        assert element is not None, section
        card = _lines(element)
        shown = person.shown(section)
        assert 0 < shown <= len(items) and _shows_items(card, items[:shown]), section
        show_all = [line for line in card if line.startswith("Show all")]
        link = f'href="/in/{person.profile_id}/details/{DETAILS_PATHS[section]}/"'
        if person.profile.truncated[section]:  # type: ignore[literal-required]
            assert shown < len(items) and person.profile.section_totals[section] == len(items)  # type: ignore[literal-required]
            assert show_all == [f"Show all {len(items)} {render._NOUNS[section]}"] and link in main, section
        else:
            assert shown == len(items) and show_all == [] and link not in main, section
        details = _lines(_visible(_details_html(person, section)))
        assert _shows_items(details, items), section


def test_the_cast_shows_the_variety_of_the_five_sections() -> None:
    profiles = [p.profile for p in PEOPLE]
    certs = [c for p in profiles for c in p.certifications]
    assert any(c.expires and c.expires < DEMO_NOW for c in certs), "an expired certification"
    assert any(c.expires and c.expires >= DEMO_NOW for c in certs), "one that expires later"
    assert any(c.issued and not c.expires for c in certs) and any(not c.issued for c in certs)
    assert any(c.credential_id for c in certs) and any(not c.credential_id for c in certs)
    languages = [x for p in profiles for x in p.languages]
    assert any(x.proficiency is None for x in languages) and any(x.proficiency for x in languages)
    projects = [x for p in profiles for x in p.projects]
    assert any(x.description and len(x.description) > 300 for x in projects), "a long description"
    assert any(x.start and x.end is None for x in projects), "an ongoing project"
    assert any(x.start and x.start == x.end for x in projects), "a one-month project"
    volunteering = [x for p in profiles for x in p.volunteering]
    honors = [x for p in profiles for x in p.honors]
    for undated in (projects, volunteering):
        assert any(x.start is None for x in undated)
    assert any(x.cause is None for x in volunteering) and any(x.cause for x in volunteering)
    assert any(x.date is None for x in honors) and any(x.issuer is None for x in honors)
    for layout in LAYOUTS:  # more items than the main page shows, in every layout
        cast = [p.profile for p in PEOPLE if p.layout == layout]
        assert all(any(p.truncated[s] for p in cast) for s in NOT_YET_PARSED), layout  # type: ignore[literal-required]


def test_a_2026_details_list_comes_in_batches_and_the_page_itself_holds_none() -> None:
    """What the page's script asks for: `?content=1&start=N` gives DETAILS_BATCH items from N, nothing
    past the end; the page as served is an empty shell."""
    import http.client

    person, section = next(
        (p, s)
        for p in PEOPLE
        for s in ("skills", *NOT_YET_PARSED)
        if p.layout == "sdui" and len(getattr(p.profile, s)) > DETAILS_BATCH
    )
    token = "demo-cookie-for-batches"
    path = f"/in/{person.profile_id}/details/{DETAILS_PATHS[section]}/"
    with DemoSite() as site:
        site.settings.li_at = token
        host, port = site.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)

        def get(query: str) -> str:
            conn.request("GET", path + query, headers={"Cookie": f"li_at={token}"})
            return conn.getresponse().read().decode("utf-8")

        shell = get("")
        batches = [get(f"?content=1&start={start}") for start in range(0, 100, DETAILS_BATCH)]
        conn.close()
    assert "entity-collection-item" not in shell and "profile.skill(" not in shell
    filled = [b for b in batches if b]
    assert len(filled) == -(-len(getattr(person.profile, section)) // DETAILS_BATCH) > 1
    assert batches[len(filled) :] == [""] * (len(batches) - len(filled))


def test_the_cast_covers_every_layout_mostly_2026() -> None:
    people = all_people().values()
    layouts = Counter(p.layout for p in people)
    assert len(people) >= 25 and set(layouts) == {"2022", "2024", "2025", "sdui"}
    assert layouts["sdui"] > len(people) / 2
    assert any(p.lazy for p in people if p.layout == "sdui")
    assert all(any(p.profile.truncated[s] for p in people if p.layout == "sdui") for s in SECTIONS)
    sdui = [p.variant for p in people if p.layout == "sdui"]
    assert any(v.pronouns for v in sdui) and any(v.promo for v in sdui) and any(v.school_badge for v in sdui)
    assert any(v.id_attribute for v in sdui) and any(v.titles["about"] != "About" for v in sdui)


@pytest.mark.parametrize(
    ("profile_id", "kind"),
    [
        ("guest-home", "auth_required"),
        ("profile-not-found", "not_found"),
        ("interstitial-page", "rate_limited"),
        ("unrecognised-page", "unrecognised"),
        ("private-profile", "private"),
        ("denied-999", "rate_limited"),
        ("too-many-requests", "rate_limited"),
        ("no-such-person", "not_found"),
    ],
)
def test_each_page_class_the_site_serves_is_classified_as_that(profile_id: str, kind: str) -> None:
    """The site's own HTTP answers (status, body), read through the classifier, without a browser."""
    import http.client

    assert profile_id in BUILTIN_FAULT_IDS or kind == "not_found"
    token = "demo-cookie-for-classification"
    with DemoSite() as site:
        site.settings.li_at = token
        host, port = site.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", f"/in/{profile_id}/", headers={"Cookie": f"li_at={token}"})
        response = conn.getresponse()
        html = response.read().decode("utf-8")
        conn.close()
    verdict, profile = read_page(html, f"{site.url}/in/{profile_id}/", status=response.status)
    assert (verdict.kind, profile) == (kind, None), verdict.describe()


def test_with_daily_job_changes_two_consecutive_days_show_the_job_changer_at_two_companies() -> None:
    """What the cluster's demo site (--daily-job-change) gives two daily runs: one change of company,
    read from the page itself, and the site's ground truth agreeing with the page."""
    import datetime as dt
    import http.client
    import json

    from scraper.demo_site.people import JOB_CHANGER
    from scraper.demo_site.server import DemoSettings

    token = "demo-cookie-for-job-changes"
    seen = []
    with DemoSite(settings=DemoSettings(li_at=token, daily_job_change=True)) as site:
        host, port = site.url.removeprefix("http://").split(":")
        for day in (dt.date(2026, 11, 30), dt.date(2026, 12, 1)):
            site.state.today = lambda day=day: day
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            conn.request("GET", f"/in/{JOB_CHANGER}/", headers={"Cookie": f"li_at={token}"})
            page = parse(conn.getresponse().read().decode("utf-8"))
            conn.request("GET", f"/__demo/expected/{JOB_CHANGER}.json")
            expected = json.loads(conn.getresponse().read())
            conn.close()
            assert page.current_company == expected["current_company"]
            seen.append(page.current_company)
    assert seen[0] != seen[1] and None not in seen
