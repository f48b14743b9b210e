"""`scraper reparse` of a run directory: what is read again, what is copied, and what a page class
change does to a record's status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.cli import main
from scraper.models import ProfileRecord, record_problems
from scraper.parse import PARSER_VERSION, parse
from scraper.rundir import (
    PROFILES_FILE,
    REPARSED_BY,
    PageArchive,
    RecordWriter,
    read_run_dir,
    summarise,
    write_summary,
)
from scraper.snapshot import PageSnapshot
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"
PROFILE_PAGE = FIXTURES / "2024" / "ui-text-in-top-card-and-group.html"
AUTHWALL = FIXTURES / "pages" / "authwall.html"
RUN = "scheduled__2026-11-25T06-00-00"


def _run_dir(root: Path) -> Path:
    """One shard: a profile, a page an older parser took for a profile that is a sign-in wall, a
    record no page decided, and one whose page is gone from the archive."""
    shard = root / "shard-0"
    archive = PageArchive(shard)
    wall_url = json.loads(AUTHWALL.with_suffix(".json").read_text())["url"]
    pages = {
        "ada": archive.write(
            "ada", "main", PageSnapshot("https://x/in/ada/", "", "", PROFILE_PAGE.read_text(), 200)
        ),
        "wall": archive.write("wall", "main", PageSnapshot(wall_url, "", "", AUTHWALL.read_text(), 200)),
        "gone": archive.name("gone", "main"),
    }
    old = {"scraped_at": "2026-11-25T06:01:00Z", "run_id": RUN, "account": "acct-1", "parser_version": 0}
    records = [
        ProfileRecord("ada", "https://x/in/ada/", "ok", pages=[pages["ada"]], **old),
        ProfileRecord("wall", "https://x/in/wall/", "ok", pages=[pages["wall"]], **old),
        ProfileRecord("never-loaded", "https://x/in/never-loaded/", "error", **old),
        ProfileRecord("gone", "https://x/in/gone/", "ok", pages=[pages["gone"]], **old),
    ]
    records[2].profile.errors.append("attempt 1: timed out")
    writer = RecordWriter(shard)
    writer.write(*records)
    writer.close()
    ids = [r.profile_id for r in records]
    write_summary(shard, summarise(shard, RUN, ids, started_at="2026-11-25T06:00:00Z", account="acct-1"))
    return root


def test_reparse_reads_the_pages_again_and_copies_what_no_page_decided(tmp_path: Path) -> None:
    src = _run_dir(tmp_path / "run")
    assert main(["--log-format", "text", "reparse", "--src", str(src), "--out", str(tmp_path / "new")]) == 0
    before = {
        json.loads(line)["profile_id"]: json.loads(line) for line in (src / "shard-0" / PROFILES_FILE).open()
    }
    after = {
        json.loads(line)["profile_id"]: json.loads(line)
        for line in (tmp_path / "new" / "shard-0" / PROFILES_FILE).open()
    }
    assert list(after) == list(before)
    for pid, record in after.items():
        assert record_problems(record) == []
        assert record["parser_version"] == PARSER_VERSION
        kept = ("scraped_at", "run_id", "account", "attempted", "url", "pages")
        assert {k: record[k] for k in kept} == {k: before[pid][k] for k in kept}
    assert after["ada"]["name"] == parse(PROFILE_PAGE.read_text()).name is not None
    assert after["wall"]["status"] == "auth_required" and after["wall"]["name"] is None
    wall_url = json.loads(AUTHWALL.with_suffix(".json").read_text())["url"]
    assert after["wall"]["errors"] == [f"authwall barrier at {wall_url}"]
    # a details page this parser wants but the scrape never opened is named, not guessed
    assert after["ada"]["errors"] == [
        "experiences details: unrecognised (not archived): 'untitled' at https://x/in/ada/details/experience/"
    ]
    for pid in ("never-loaded", "gone"):  # copied as they were
        assert {**after[pid], "parser_version": 0} == before[pid]
    run = read_run_dir(tmp_path / "new")
    assert run.run_id == RUN and run.date == "2026-11-25" and run.reparsed_by == PARSER_VERSION
    assert run.shards[0].summary[REPARSED_BY] == PARSER_VERSION
    assert run.shards[0].summary["counts"] == {"auth_required": 1, "error": 1, "ok": 2}


def test_reparse_into_a_directory_that_holds_something_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _run_dir(tmp_path / "run")
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "x").write_text("")
    assert main(["reparse", "--src", str(src), "--out", str(tmp_path / "new")]) == 2
    assert (
        capsys.readouterr().err.strip()
        == f"scraper reparse: {tmp_path / 'new'} is not empty: re-parse into a new directory"
    )
