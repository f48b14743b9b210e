"""Parser tests are data: every page with an expected JSON beside it must parse to exactly that.

Shared real pages: ../shared/fixtures/linkedin-html/<name>.html + <name>.expected.json.
Our own pages:     tests/fixtures/<layout>/<case>.html + <case>.json.
Adding a case needs only the two files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.models import PROFILE_FIELDS
from scraper.parse import parse
from tests.conftest import OWN_FIXTURES, SHARED_FIXTURES


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


@pytest.mark.parametrize(("html_path", "expected_path"), _cases())
def test_page_parses_to_expected_record(html_path: Path, expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    got = parse(html_path.read_bytes(), url=str(html_path)).to_dict()
    assert {k: got[k] for k in expected} == expected


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
