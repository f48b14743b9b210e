"""The run directory: newest line per profile, what `--resume` retries, compaction and summaries."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from scraper.errors import BadInput
from scraper.models import ProfileRecord
from scraper.rundir import (
    PROFILES_FILE,
    RecordWriter,
    check_jsonl,
    compact,
    existing_run_id,
    latest,
    shard_path,
    summarise,
    write_summary,
)


def _write(out: Path, *lines: tuple[str, str] | tuple[str, str, bool]) -> None:
    writer = RecordWriter(out)
    writer.write(
        *(
            ProfileRecord(pid, f"u/{pid}", status, "t", "run-1", attempted=(rest or (True,))[0])
            for pid, status, *rest in lines
        )
    )  # type: ignore[arg-type]
    writer.close()


def test_only_final_statuses_count_as_done_and_the_newest_line_wins(tmp_path: Path) -> None:
    _write(
        tmp_path,
        ("a", "ok"),
        ("b", "auth_required"),  # the barrier
        ("c", "auth_required", False),  # a placeholder
        ("d", "error"),
        ("e", "not_found"),
        ("f", "private"),
        ("d", "ok"),  # retried by a resumed run
    )
    seen = latest(tmp_path)
    assert seen.final == {"a", "d", "e", "f"}
    assert seen.status["d"] == "ok" and seen.lines == 7
    assert seen.counts == {"auth_required": 2, "not_found": 1, "ok": 2, "private": 1}


def test_compaction_keeps_each_profiles_newest_line_in_order(tmp_path: Path) -> None:
    _write(tmp_path, ("a", "error"), ("b", "ok"), ("a", "ok"), ("c", "rate_limited", False))
    path = tmp_path / PROFILES_FILE
    assert compact(path, path) == 1
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["profile_id"], r["status"]) for r in lines] == [
        ("b", "ok"),
        ("a", "ok"),
        ("c", "rate_limited"),
    ]
    assert lines[2]["attempted"] is False


def test_the_check_counts_newest_lines_and_names_the_duplicates(tmp_path: Path) -> None:
    _write(tmp_path, ("a", "error"), ("a", "ok"), ("b", "ok"))
    check = check_jsonl(tmp_path / PROFILES_FILE, "run-1")
    assert (check.lines, check.profiles, check.duplicates, check.counts) == (3, 2, 1, {"ok": 2})
    with pytest.raises(BadInput, match="line 1: run_id 'run-1' differs"):
        check_jsonl(tmp_path / PROFILES_FILE, "run-2")


@pytest.mark.parametrize(
    ("lines", "kwargs", "outcome"),
    [
        ([("a", "ok"), ("b", "not_found")], {}, "complete"),
        ([("a", "ok"), ("b", "error")], {}, "complete"),  # an error settles b for today
        ([("a", "ok"), ("b", "error", False)], {}, "partial"),  # a placeholder settles nothing
        (
            [("a", "ok"), ("b", "deferred", False)],
            {"stopped_by": {"reason": "daily_cap", "cap": 1, "account": "main"}},
            "deferred",
        ),
        ([("a", "ok")], {}, "partial"),  # b has no line at all
        ([("a", "ok"), ("b", "auth_required", False)], {"stopped_by": {"reason": "barrier"}}, "stopped"),
        ([("a", "ok")], {"failure": "KeyError: 'x'"}, "failed"),
        ([], {"running": True}, "running"),
    ],
)
def test_the_summary_says_how_the_run_ended(tmp_path: Path, lines: list, kwargs: dict, outcome: str) -> None:
    _write(tmp_path, *lines)
    summary = summarise(tmp_path, "run-1", ["a", "b"], **kwargs)
    assert summary["outcome"] == outcome
    assert summary["requested"] == 2 and summary["final"] == sum(
        s in ("ok", "not_found") for _, s, *_ in lines
    )


def test_an_ended_runs_summary_records_the_sha256_of_its_checked_file(tmp_path: Path) -> None:
    _write(tmp_path, ("a", "ok"), ("b", "private"))
    assert summarise(tmp_path, "run-1", ["a", "b"], running=True)["sha256"] is None
    summary = summarise(tmp_path, "run-1", ["a", "b"])
    assert summary["sha256"] == hashlib.sha256((tmp_path / PROFILES_FILE).read_bytes()).hexdigest()
    assert summary["outcome"] == "complete"


def test_a_line_that_fails_the_check_as_the_run_ends_fails_the_run(tmp_path: Path) -> None:
    _write(tmp_path, ("a", "ok"), ("b", "ok"))
    with open(tmp_path / PROFILES_FILE, "a") as fh:
        fh.write('{"schema_version": 1, "profile_id": "c", "status": "ok"}\n')
    summary = summarise(tmp_path, "run-1", ["a", "b"])
    assert (summary["outcome"], summary["sha256"]) == ("failed", None)
    assert f"{tmp_path / PROFILES_FILE} line 3: " in summary["failure"]


def test_resume_finds_the_run_id_from_the_summary_or_the_lines(tmp_path: Path) -> None:
    assert existing_run_id(tmp_path) is None
    _write(tmp_path, ("a", "ok"))
    assert existing_run_id(tmp_path) == "run-1"
    write_summary(tmp_path, summarise(tmp_path, "run-1", ["a"]))
    assert existing_run_id(tmp_path) == "run-1"


def test_a_shard_directory_is_named_in_one_place() -> None:
    assert shard_path("/data/runs/r", 3) == "/data/runs/r/shard-3"
