"""Every demo person's pages, parsed as the scraper would read them (lazy sections loaded, details
pages merged), give exactly the record the demo site promises. Fast: no browser, no server."""

from __future__ import annotations

from collections import Counter

import pytest

from scraper.demo_site import all_people, render
from scraper.demo_site.people import Person
from scraper.models import SECTIONS
from scraper.parse import parse


@pytest.mark.parametrize("person", list(all_people().values()), ids=lambda p: f"{p.layout}-{p.profile_id}")
def test_pages_parse_to_the_ground_truth(person: Person) -> None:
    html = render.profile_page(person, notifications=2)
    if person.lazy:  # what the page's script fetches once scrolled
        assert render.lazy_fragment(person) not in html
        html = html.replace("Loading…", render.lazy_fragment(person))
    profile = parse(html)
    for section in SECTIONS:
        if profile.truncated[section]:
            setattr(profile, section, getattr(parse(render.details_page(person, section)), section))
    assert profile.to_dict() == person.profile.to_dict()


def test_the_cast_covers_every_layout_mostly_2025() -> None:
    people = all_people().values()
    layouts = Counter(p.layout for p in people)
    assert len(people) >= 25 and set(layouts) == {"2022", "2024", "2025", "sdui"}
    assert layouts["2025"] > len(people) / 2
    assert any(p.lazy for p in people)
    assert all(any(p.profile.truncated[s] for p in people) for s in SECTIONS)
