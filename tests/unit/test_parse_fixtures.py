"""Parser tests are data: every page with an expected JSON beside it must classify and parse to exactly
that.

Shared real pages: ../shared/fixtures/linkedin-html/<name>.html + <name>.expected.json.
Our own pages:     tests/fixtures/<layout>/<case>.html + <case>.json.
Adding a case needs only the two files. An own JSON names the page's class (`page_class`: profile,
details, not_found, private, auth_required, rate_limited, unrecognised) and may give what the browser
would report with it (`url`, `http_status`); its other keys are the expected profile fields, which only
profile and details pages have.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.models import PROFILE_FIELDS
from scraper.parse import parse
from scraper.parse.classify import RECORD_STATUS, classify, read_page
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


def _expected_class(html_path: Path, expected: dict) -> str:
    if "page_class" in expected:
        return expected["page_class"]
    return "details" if "details" in html_path.stem else "profile"  # the shared real pages


@pytest.mark.parametrize(("html_path", "expected_path"), _cases())
def test_page_classifies_and_parses_to_expected_record(html_path: Path, expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    html = html_path.read_bytes()
    url, status = expected.get("url", ""), expected.get("http_status", 0)
    page_class = _expected_class(html_path, expected)
    verdict, profile = read_page(html, url, status=status)
    assert verdict.kind == page_class, verdict.describe()
    assert classify(html, url, status=status) == verdict
    fields = {k: v for k, v in expected.items() if k not in _INPUT_KEYS}
    got = parse(html, url=str(html_path)).to_dict()  # parse() reads any page; the run reads only profiles
    assert {k: got[k] for k in fields} == fields
    if page_class in ("profile", "details"):
        assert profile is not None and {k: profile.to_dict()[k] for k in fields} == fields
    else:
        assert profile is None, "a page that is not a profile is never parsed into a record"


def test_every_page_class_has_a_fixture() -> None:
    classes = {
        json.loads(p.read_text(encoding="utf-8")).get("page_class") for p in OWN_FIXTURES.glob("*/*.json")
    }
    assert set(RECORD_STATUS) <= classes


def test_shared_expected_keys_are_exactly_the_profile_fields() -> None:
    expected_files = sorted(SHARED_FIXTURES.glob("*.expected.json"))
    if not expected_files:
        pytest.skip(f"{SHARED_FIXTURES} not present")
    for path in expected_files:
        assert tuple(json.loads(path.read_text())) == PROFILE_FIELDS, path.name


def test_every_own_fixture_has_its_expected_json() -> None:
    pages = sorted(OWN_FIXTURES.glob("*/*.html"))
    assert pages, "no own fixtures found"
    missing = [p.name for p in pages if not p.with_suffix(".json").exists()]
    assert not missing
