"""Profile lists: URLs, vanity ids, CSV columns, comments, duplicates, shards; only LinkedIn hosts (and
the configured site's) count, and LinkedIn's own Connections.csv export works as it comes."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from scraper.errors import BadInput
from scraper.profile_list import ProfileRef, load_profiles, parse_profile_list, profile_id_of, shard


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("alice-smith", "alice-smith"),
        ("https://www.linkedin.com/in/alice-smith/", "alice-smith"),
        ("https://de.linkedin.com/in/alice-smith?trk=x", "alice-smith"),
        ("linkedin.com/in/j%C3%BCrgen-m", "jürgen-m"),
        ("https://www.linkedin.com/in/a%20b/", None),
        ("/in/bob_1/", "bob_1"),
        ("https://www.linkedin.com/company/acme/", None),
        ("not a url!!", None),
        ("a", None),
        # /in/<x> on another site is somebody else's page, not a LinkedIn id
        ("https://evil.example.com/in/x-y/", None),
        ("facebook.com/in/someone", None),
        ("https://linkedin.com.evil.example/in/alice/", None),
        ("https://notlinkedin.com/in/alice/", None),
        ("http://[::1/in/alice/", None),
        ("https://LinkedIn.com/in/alice/", "alice"),
    ],
)
def test_profile_id_of(value: str, expected: str | None) -> None:
    assert profile_id_of(value) == expected


def test_the_configured_sites_host_is_accepted_besides_linkedin() -> None:
    demo = frozenset({"127.0.0.1"})
    assert profile_id_of("http://127.0.0.1:8080/in/ada-l/", demo) == "ada-l"
    assert profile_id_of("http://127.0.0.1:8080/in/ada-l/") is None
    assert profile_id_of("https://www.linkedin.com/in/ada-l/", demo) == "ada-l"
    assert profile_id_of("http://127.0.0.2/in/ada-l/", demo) is None


def test_load_profiles_takes_the_base_urls_host(tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("http://127.0.0.1:8080/in/ada-l/\nhttps://evil.example.com/in/eve/\n")
    refs = load_profiles(path, [], base_url="http://127.0.0.1:8080")
    assert [r.profile_id for r in refs] == ["ada-l"]
    with pytest.raises(BadInput, match="no valid profiles"):
        load_profiles(path, [], base_url="https://www.linkedin.com")


# The shape of LinkedIn's data export (Settings > Data privacy > Get a copy of your data > Connections):
# a `Notes:` preamble whose quoted text holds commas, a blank line, then a header with a `URL` column.
# Connections who hide their profile from exports have an empty URL.
CONNECTIONS_CSV = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing. '
    "You will only see email addresses for connections who have allowed their connections to see or "
    "download their email address using this setting https://www.linkedin.com/psettings/privacy/email. "
    'You can learn more here https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace-1815,,Analytical Engines,Analyst,10 Dec 2024\n"
    'Grace,Hopper,https://www.linkedin.com/in/grace-hopper,,"Navy, US",Rear Admiral,09 Dec 2024\n'
    "Hidden,Person,,,,,08 Dec 2024\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace-1815,,Analytical Engines,Analyst,01 Jan 2020\n"
)


def test_linkedins_connections_export_works_as_it_comes(tmp_path: Path) -> None:
    parsed = parse_profile_list(CONNECTIONS_CSV)
    assert [r.profile_id for r in parsed.refs] == ["ada-lovelace-1815", "grace-hopper"]
    assert [(p.line, p.reason) for p in parsed.problems] == [(7, "empty")]
    assert parsed.duplicates == 1
    path = tmp_path / "Connections.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CONNECTIONS_CSV.replace("\n", "\r\n").encode())  # as downloaded
    assert [r.profile_id for r in load_profiles(path, [])] == ["ada-lovelace-1815", "grace-hopper"]


def test_dropped_duplicates_are_counted_in_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "list.txt"
    path.write_text("alice\nbob\nhttps://www.linkedin.com/in/Alice/\nbob\ncarol\n")
    with caplog.at_level(logging.INFO, logger="scraper.profile_list"):
        refs = load_profiles(path, [])
    assert [r.profile_id for r in refs] == ["alice", "bob", "carol"]
    assert any("dropped 2 duplicate entries" in m and str(path) in m for m in caplog.messages), (
        caplog.messages
    )


def test_plain_list_with_comments_invalid_lines_and_duplicates() -> None:
    parsed = parse_profile_list(
        "# team A\nalice-smith\n\nhttps://www.linkedin.com/in/alice-smith/\nnope nope\nBob-Jones\nbob-jones\n"
    )
    assert [r.profile_id for r in parsed.refs] == ["alice-smith", "Bob-Jones"]
    assert [(p.line, p.text) for p in parsed.problems] == [(5, "nope nope")]
    assert parsed.duplicates == 2


@pytest.mark.parametrize("column", ["url", "profile_url", "Person ID"])
def test_csv_with_a_known_column(column: str) -> None:
    parsed = parse_profile_list(
        f'name,{column}\nAlice,https://www.linkedin.com/in/alice/\nBob,\n"Smith, C",carol-s\n'
    )
    assert [r.profile_id for r in parsed.refs] == ["alice", "carol-s"]
    assert [p.line for p in parsed.problems] == [3]


def test_csv_without_a_url_column_is_bad_input() -> None:
    with pytest.raises(BadInput, match="needs one of the columns"):
        parse_profile_list("name,email\nAlice,a@example.com\n")


def test_unreadable_and_empty_lists_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read profile list"):
        load_profiles(tmp_path / "missing.txt", [])
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n")
    with pytest.raises(BadInput, match="no valid profiles"):
        load_profiles(empty, [])


def test_shards_split_the_list_without_overlap() -> None:
    refs = [ProfileRef(f"p{i}") for i in range(10)]
    parts = [shard(refs, f"{i}/3") for i in range(3)]
    assert sorted(r.profile_id for part in parts for r in part) == sorted(r.profile_id for r in refs)
    assert [r.profile_id for r in parts[1]] == ["p1", "p4", "p7"]
    with pytest.raises(BadInput, match="--shard"):
        shard(refs, "3/3")


_COMPOSED = "jos\u00e9-n\u00fa\u00f1ez"  # é, ú, ñ as one code point each (NFC)
_DECOMPOSED = "jose\u0301-nu\u0301n\u0303ez"  # the same letters as base letter + combining mark (NFD)


@pytest.mark.parametrize(
    "value",
    [_DECOMPOSED, f"https://www.linkedin.com/in/{_DECOMPOSED}/", "/in/jose%CC%81-nu%CC%81n%CC%83ez/"],
    ids=["id", "url", "percent-encoded url"],
)
def test_a_decomposed_id_is_accepted_as_the_composed_one(value: str) -> None:
    assert profile_id_of(value) == _COMPOSED


def test_an_id_in_both_forms_is_one_profile(tmp_path: Path) -> None:
    listed = tmp_path / "profiles.txt"
    listed.write_text(f"{_DECOMPOSED}\nhttps://www.linkedin.com/in/{_COMPOSED}/\n", encoding="utf-8")
    assert load_profiles(listed, [_DECOMPOSED.upper()]) == [ProfileRef(_COMPOSED)]
    assert ProfileRef(_DECOMPOSED) == ProfileRef(_COMPOSED)
