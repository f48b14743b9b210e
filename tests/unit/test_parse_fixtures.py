"""Parser tests are data: every page with an expected JSON beside it must classify and parse to exactly
that.

Shared real pages: ../shared/fixtures/linkedin-html/<name>.html + <name>.expected.json.
Our own pages:     tests/fixtures/<layout>/<case>.html + <case>.json.
Real pages' values for the sections the shared expected files predate (certifications, languages,
projects, volunteering, honors), written by hand from what each page shows: tests/fixtures/shared/<name>.json.
Adding a case needs only the two files. An own JSON names the page's class (`page_class`: profile,
details, not_found, private, auth_required, rate_limited, unrecognised) and may give what the browser
would report with it (`url`, `http_status`); its other keys are the expected profile fields, which only
profile and details pages have. Only the fields (and the `section_totals`/`truncated` sections) an
expected file names are compared: a file written before a section joined the record says nothing of it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.models import PROFILE_FIELDS, SECTIONS
from scraper.parse import parse
from scraper.parse.classify import RECORD_STATUS, classify, read_page
from scraper.parse.text import BARE_COUNT_RE, is_badge, is_interface_text
from tests.conftest import OWN_FIXTURES, SHARED_FIXTURES

_INPUT_KEYS = ("page_class", "url", "http_status")


def _cases() -> list:
    cases = [
        pytest.param(html, html.with_suffix(".json"), id=f"own/{html.parent.name}/{html.stem}")
        for html in sorted(OWN_FIXTURES.glob("*/*.html"))
    ]
    shared = sorted(SHARED_FIXTURES.glob("*.html"))
    if shared:
        cases += [
            pytest.param(html, html.with_name(html.stem + ".expected.json"), id=f"shared/{html.stem}")
            for html in shared
        ]
    else:
        cases.append(
            pytest.param(
                None,
                None,
                id="shared",
                marks=pytest.mark.skip(
                    reason=f"{SHARED_FIXTURES} not present: real saved pages not available"
                ),
            )
        )
    return cases


def _as_expected(got: dict, expected: dict) -> dict:
    """`got` cut to the keys `expected` names, one level down for the per-section dicts."""
    return {
        k: {s: got[k][s] for s in expected[k]} if isinstance(expected[k], dict) else got[k] for k in expected
    }


def _expected(html_path: Path, expected_path: Path) -> dict:
    """The expected JSON; for a real saved page, with the repo's values for the newer sections."""
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    if expected_path.parent == SHARED_FIXTURES:
        more_path = OWN_FIXTURES / "shared" / f"{html_path.stem}.json"
        assert more_path.exists(), f"write {more_path} by hand from what the page shows"
        more = json.loads(more_path.read_text(encoding="utf-8"))
        for key, value in more.items():
            expected[key] = expected.get(key, {}) | value if isinstance(value, dict) else value
    return expected


def _expected_class(html_path: Path, expected: dict) -> str:
    if "page_class" in expected:
        return expected["page_class"]
    return "details" if "details" in html_path.stem else "profile"  # the shared real pages


@pytest.mark.parametrize(("html_path", "expected_path"), _cases())
def test_page_classifies_and_parses_to_expected_record(html_path: Path, expected_path: Path) -> None:
    expected = _expected(html_path, expected_path)
    html = html_path.read_bytes()
    url, status = expected.get("url", ""), expected.get("http_status", 0)
    page_class = _expected_class(html_path, expected)
    verdict, profile = read_page(html, url, status=status)
    assert verdict.kind == page_class, verdict.describe()
    assert classify(html, url, status=status) == verdict
    fields = {k: v for k, v in expected.items() if k not in _INPUT_KEYS}
    got = parse(html, url=str(html_path)).to_dict()  # parse() reads any page; the run reads only profiles
    assert _as_expected(got, fields) == fields
    if page_class in ("profile", "details"):
        assert profile is not None and _as_expected(profile.to_dict(), fields) == fields
    else:
        assert profile is None, "a page that is not a profile is never parsed into a record"


def test_every_page_class_has_a_fixture() -> None:
    classes = {
        json.loads(p.read_text(encoding="utf-8")).get("page_class") for p in OWN_FIXTURES.glob("*/*.json")
    }
    assert set(RECORD_STATUS) <= classes


def test_shared_expected_keys_are_the_profile_fields() -> None:
    """In the record's order; a list section may be missing (the files predate it), nothing else."""
    expected_files = sorted(SHARED_FIXTURES.glob("*.expected.json"))
    if not expected_files:
        pytest.skip(f"{SHARED_FIXTURES} not present")
    for path in expected_files:
        keys = tuple(json.loads(path.read_text()))
        assert keys == tuple(f for f in PROFILE_FIELDS if f in keys), path.name
        assert set(PROFILE_FIELDS) - set(keys) <= set(SECTIONS), path.name


def test_every_own_fixture_has_its_expected_json() -> None:
    pages = sorted(OWN_FIXTURES.glob("*/*.html"))
    assert pages, "no own fixtures found"
    missing = [p.name for p in pages if not p.with_suffix(".json").exists()]
    assert not missing


def _values(profile: dict) -> list[str]:
    scalars = [profile[k] for k in ("name", "headline", "location", "current_company", "about")]
    text_keys = ("title", "company", "employment_type", "location", "school", "degree")
    text_keys += ("name", "issuer", "proficiency", "role", "organization", "cause", "description")
    lists = ("experiences", "educations", "certifications", "languages", "projects", "volunteering", "honors")
    entries = [item.get(k) for key in lists for item in profile[key] for k in text_keys]
    return [v for v in scalars + entries + profile["skills"] if isinstance(v, str)]


@pytest.mark.parametrize(("html_path", "expected_path"), _cases())
def test_no_field_holds_interface_text_or_a_badge(html_path: Path, expected_path: Path) -> None:
    """Whatever a page is, no value read from it is a button label, a badge or a counter."""
    got = parse(html_path.read_bytes()).to_dict()
    leaked = [v for v in _values(got) if is_interface_text(v) or is_badge(v) or BARE_COUNT_RE.match(v)]
    assert not leaked
