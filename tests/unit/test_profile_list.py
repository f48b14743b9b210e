"""Profile lists: URLs, vanity ids, CSV columns, comments, duplicates, shards."""

from __future__ import annotations

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
    ],
)
def test_profile_id_of(value: str, expected: str | None) -> None:
    assert profile_id_of(value) == expected


def test_plain_list_with_comments_invalid_lines_and_duplicates() -> None:
    refs, problems = parse_profile_list(
        "# team A\nalice-smith\n\nhttps://www.linkedin.com/in/alice-smith/\nnope nope\nBob-Jones\nbob-jones\n"
    )
    assert [r.profile_id for r in refs] == ["alice-smith", "Bob-Jones"]
    assert [(p.line, p.text) for p in problems] == [(5, "nope nope")]


@pytest.mark.parametrize("column", ["url", "profile_url", "Person ID"])
def test_csv_with_a_known_column(column: str) -> None:
    refs, problems = parse_profile_list(
        f'name,{column}\nAlice,https://www.linkedin.com/in/alice/\nBob,\n"Smith, C",carol-s\n'
    )
    assert [r.profile_id for r in refs] == ["alice", "carol-s"]
    assert [p.line for p in problems] == [3]


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
