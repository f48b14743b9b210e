"""`scraper parse` prints one JSON object per file, naming it; an unreadable file is exit 2, the rest still
parsed; bytes are decoded by the page's declared (or detected) charset, and damage is recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import OWN_FIXTURES, run_cli

# A 2026 page with non-ASCII text, its charset declaration taken out: what a bare saved page looks like.
_PAGE = OWN_FIXTURES / "2026" / "main-hidden-copies.html"


def _undeclared() -> str:
    return _PAGE.read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")


def test_parse_prints_one_object_per_file() -> None:
    pages = [
        OWN_FIXTURES / "2026" / "main-localized-no-badges.html",
        OWN_FIXTURES / "2022" / "odd-dates.html",
    ]
    result = run_cli("parse", *map(str, pages))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Iñaki Etxeberria Goikoetxea", "Li Wei 李伟"]


def test_unreadable_file_is_exit_2_and_others_still_parsed(tmp_path: Path) -> None:
    missing = tmp_path / "missing.html"
    page = OWN_FIXTURES / "2025" / "missing-sections.html"
    result = run_cli("parse", str(missing), str(page))
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 1
    assert f"cannot read {missing}" in result.stderr
    assert len([line for line in result.stderr.splitlines() if "cannot read" in line]) == 1


def test_output_names_the_file_each_line_belongs_to() -> None:
    pages = [_PAGE, OWN_FIXTURES / "2022" / "odd-dates.html"]
    result = run_cli("parse", *map(str, pages))
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [str(p) for p in pages]


def test_invalid_utf8_bytes_are_replaced_and_recorded_not_turned_into_mojibake(tmp_path: Path) -> None:
    html = _undeclared().encode("utf-8")
    damaged = tmp_path / "damaged.html"
    # Three stray bytes (a truncated save, a bad proxy) inside the headline; the page declares nothing.
    damaged.write_bytes(
        html.replace(b"Principal Engineer, Payments", b"Principal \xff\xfe Engineer, \xc3 Payments", 1)
    )
    result = run_cli("parse", str(damaged))
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["name"] == "Mei-Ling Chen-Ramírez"  # the page's real UTF-8 is still read as UTF-8
    assert record["headline"].startswith("Principal \ufffd\ufffd Engineer, \ufffd Payments")
    assert len(record["errors"]) == 1 and "3 bytes not valid utf-8" in record["errors"][0]


def test_the_declared_charset_is_honoured(tmp_path: Path) -> None:
    html = _undeclared()
    page = tmp_path / "latin.html"
    page.write_bytes(
        html.replace(
            "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        )
        .replace("Ramírez", "Ramírez-Öberg")
        .encode("cp1252", errors="replace")
    )
    record = json.loads(run_cli("parse", str(page)).stdout)
    assert record["name"] == "Mei-Ling Chen-Ramírez-Öberg"
    assert record["errors"] == []


# A Latin-1 page declared as such, the ways browsers find it (HTML Standard, "determining the character
# encoding"); each of these used to come out as UTF-8 with U+FFFD or as a detected DOS code page.
_LATIN1_DECLARATIONS = {
    "a label only browsers know": '<meta charset="iso88591">',
    "a windows-1252 label only browsers know": '<meta http-equiv="Content-Type" content="text/html; charset=x-cp1252">',
    "after a commented-out meta": '<!-- saved with <meta charset="utf-8"> --><meta charset="ISO-8859-1">',
    "after a non-pragma content": '<meta name="description" content="charset=utf-8"><meta charset=latin1>',
    "after another tag's attribute": '<link title="<meta charset=utf-8>"><meta charset="l1">',
    "after an unknown label": '<meta charset="no-such-charset"><meta charset="iso-8859-1">',
}


@pytest.mark.parametrize("declaration", _LATIN1_DECLARATIONS.values(), ids=_LATIN1_DECLARATIONS.keys())
def test_a_latin1_page_is_read_as_declared(tmp_path: Path, declaration: str) -> None:
    page = tmp_path / "latin1.html"
    html = (
        _undeclared().replace("Mei-Ling Chen-Ramírez", "José Núñez").replace("<head>", f"<head>{declaration}")
    )
    page.write_bytes(html.encode("latin-1", errors="replace"))
    record = json.loads(run_cli("parse", str(page)).stdout)
    assert record["name"] == "José Núñez"
    unknown = ["document: declared charset 'no-such-charset' is unknown"] if "no-such" in declaration else []
    assert record["errors"] == unknown


def test_an_xml_declaration_counts_when_no_meta_does(tmp_path: Path) -> None:
    page = tmp_path / "latin1.xhtml"
    html = _undeclared().replace("Mei-Ling Chen-Ramírez", "José Núñez")
    page.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + html.encode("latin-1", errors="replace")
    )
    record = json.loads(run_cli("parse", str(page)).stdout)
    assert (record["name"], record["errors"]) == ("José Núñez", [])


def test_a_page_without_a_declaration_in_another_charset_is_detected_and_said_so(tmp_path: Path) -> None:
    html = _undeclared()
    page = tmp_path / "detected.html"
    page.write_bytes(html.replace("Ramírez", "Möller-Straße").encode("cp1252", errors="replace"))
    record = json.loads(run_cli("parse", str(page)).stdout)
    assert record["name"] == "Mei-Ling Chen-Möller-Straße"
    assert any("(detected)" in e for e in record["errors"]), record["errors"]


def test_pages_that_are_not_profiles_are_classified_not_read_as_people() -> None:
    # LinkedIn's guest home page used to come out as a person named "Welcome to your professional
    # community" with no error; a saved page goes through the same classification as a scrape.
    pages = {
        "guest-home": ("auth_required", "not a profile: auth_required (sign_in_page)"),
        "profile-not-found": ("not_found", "not a profile: not_found"),
        "company-page": ("unrecognised", "not a profile: unrecognised"),
    }
    paths = [OWN_FIXTURES / "pages" / f"{name}.html" for name in pages] + [_PAGE]
    result = run_cli("parse", *map(str, paths))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    for record, (page_class, said) in zip(records, pages.values(), strict=False):
        assert (record["page_class"], record["name"], record["headline"]) == (page_class, None, None)
        assert record["errors"][0].startswith(said), record["errors"]
    assert (records[-1]["page_class"], records[-1]["name"]) == ("profile", "Mei-Ling Chen-Ramírez")
