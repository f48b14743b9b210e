"""Every demo person's pages, classified and parsed as the scraper reads them (lazy sections loaded,
details pages filled and merged), give exactly the record the demo site promises; each page class the
site serves is classified as that class. Fast: no browser, no server."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from scraper.demo_site import all_people, render
from scraper.demo_site.people import MAIN_PAGE_LIMITS, Person
from scraper.demo_site.server import BUILTIN_FAULT_IDS, DemoSite
from scraper.models import DETAILS_PATHS, SECTIONS
from scraper.parse import parse
from scraper.parse.classify import read_page

_DETAILS_LIST_RE = re.compile(r'(<div id="details-list"[^>]*>)(</div>)')


def _details_html(person: Person, section: str) -> str:
    html = render.details_page(person, section)
    if person.layout != "sdui":
        return html
    assert _DETAILS_LIST_RE.search(html), "a 2026 details page is an empty shell until loaded"
    content = render.sdui_details_content(person, section)  # what its script fetches after load
    return _DETAILS_LIST_RE.sub(lambda m: m[1] + content + m[2], html)


@pytest.mark.parametrize("person", list(all_people().values()), ids=lambda p: f"{p.layout}-{p.profile_id}")
def test_pages_parse_to_the_ground_truth(person: Person) -> None:
    html = render.profile_page(person, notifications=2)
    if person.lazy:  # what the page's script fetches once scrolled
        assert render.lazy_fragment(person) not in html
        html = html.replace("Loading…", render.lazy_fragment(person))
    url = f"http://127.0.0.1/in/{person.profile_id}/"
    verdict, profile = read_page(html, url)
    assert verdict.kind == "profile" and profile is not None
    assert profile.to_dict() == parse(html).to_dict()
    for section in SECTIONS:
        if profile.truncated[section]:
            details_url = f"{url}details/{DETAILS_PATHS[section]}/"
            details_verdict, details = read_page(_details_html(person, section), details_url)
            assert details_verdict.kind == "details" and details is not None
            setattr(profile, section, getattr(details, section))
    assert profile.to_dict() == person.profile.to_dict()


def test_the_cast_covers_every_layout_mostly_2026() -> None:
    people = all_people().values()
    layouts = Counter(p.layout for p in people)
    assert len(people) >= 25 and set(layouts) == {"2022", "2024", "2025", "sdui"}
    assert layouts["sdui"] > len(people) / 2
    assert any(p.lazy for p in people if p.layout == "sdui")
    assert all(any(p.profile.truncated[s] for p in people if p.layout == "sdui") for s in MAIN_PAGE_LIMITS)
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
