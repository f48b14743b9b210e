"""`scraper reparse`: a run's records read again from its archived pages with the current parser.

Each record keeps what the scrape decided outside the pages (`scraped_at`, `run_id`, `account`,
`attempted`, `url`) and takes from its pages, read again through the same walk as a scrape
(`scraper.profile_pages`), everything the pages decide: the fields, and the status when the page class
changed (an `unrecognised` page now read as a profile is `ok`, a page now seen as a sign-in wall is
`auth_required`). A record whose pages did not decide it (`pages` empty: a page that never loaded, a
placeholder, the archive switched off) is copied as it is. Every record written carries the current
`parser_version`. The output is a run directory of the same run and shards, marked `reparsed_by` in
its summaries, which `scraper upload` ships beside the original (docs/cli.md, "Re-parse").
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from scraper.errors import BadInput, BarrierHit, one_line
from scraper.models import Profile, ProfileRecord
from scraper.parse import PARSER_VERSION
from scraper.parse.classify import PageClass, read_page
from scraper.profile_pages import not_a_profile, read_profile
from scraper.rundir import (
    LOCK_FILE,
    REPARSED_BY,
    PageArchive,
    RecordWriter,
    check_jsonl,
    read_run_dir,
    shard_path,
    summarise,
    write_summary,
)

log = logging.getLogger(__name__)
_PROFILE_FIELDS = tuple(Profile().to_dict())
# What a summary keeps from the scrape it re-parses (the rest is counted again from the new file).
_KEPT_SUMMARY = ("base_url", "account", "started_at", "finished_at", "stopped_by", "failure")


@dataclass
class ReparseResult:
    run_id: str
    records: int = 0
    reparsed: int = 0  # read again from their pages; the rest were copied
    changed_status: Counter[tuple[str, str]] = field(default_factory=Counter)  # (old, new) -> records


def _archived_opener(archive: PageArchive, profile_id: str, names: set[str]) -> Any:
    """Opens a profile's pages from the archive, as `scraper.run` opens them from the browser."""

    def open_page(
        url: str, page: str, section: str | None, total: int | None
    ) -> tuple[PageClass, Profile | None]:
        name = archive.name(profile_id, page)
        if name not in names:  # this parser wants a page the scrape did not open
            return PageClass("unrecognised", "not archived", url), None
        snapshot = archive.read(name)
        verdict, profile = read_page(
            snapshot.html, snapshot.url, snapshot.title, snapshot.status, snapshot.text
        )
        verdict.raise_if_stop()
        return verdict, profile

    return open_page


def reparse_line(line: dict[str, Any], archive: PageArchive) -> tuple[ProfileRecord, bool]:
    """One record of a run, read again from its archived pages (True), or copied (False: no pages
    decided it, or they are gone from the archive)."""
    profile = msgspec.convert({k: line[k] for k in _PROFILE_FIELDS}, Profile)
    status, pages = line["status"], list(line["pages"])
    reparsed = bool(pages) and all((archive.out_dir / name).is_file() for name in pages)
    if reparsed:
        try:
            verdict, read = read_profile(
                line["url"], _archived_opener(archive, line["profile_id"], set(pages))
            )
        except BarrierHit as stop:  # as the scrape records the profile whose page was the barrier
            status, profile = stop.status, Profile(errors=[one_line(stop)])
        else:
            status = "ok" if read is not None else verdict.status
            profile = read if read is not None else Profile(errors=not_a_profile(verdict))
    record = ProfileRecord(
        line["profile_id"],
        line["url"],
        status,
        line["scraped_at"],
        line["run_id"],
        profile,
        attempted=line["attempted"],
        account=line["account"],
        parser_version=PARSER_VERSION,
        pages=pages,
    )
    return record, reparsed


def _newest_lines(path: Path) -> list[dict[str, Any]]:
    newest: dict[str, dict[str, Any]] = {}
    with open(path, "rb") as fh:
        for raw in fh:
            line = json.loads(raw)
            newest.pop(line["profile_id"], None)
            newest[line["profile_id"]] = line
    return list(newest.values())


def reparse_run(src: Path, dst: Path) -> ReparseResult:
    """Re-parse the run directory `src` into `dst` (a new run directory: same run, same shards)."""
    run = read_run_dir(src)
    if dst.exists() and any(p.name != LOCK_FILE for p in dst.iterdir()):
        raise BadInput(f"{dst} is not empty: re-parse into a new directory")
    result = ReparseResult(run.run_id)
    for shard in run.shards:
        check_jsonl(shard.profiles, run.run_id)  # every line a valid record before anything is written
        out = Path(shard_path(dst, shard.index))
        archive = PageArchive(shard.directory)
        records = []
        for line in _newest_lines(shard.profiles):
            record, reparsed = reparse_line(line, archive)
            records.append(record)
            result.reparsed += reparsed
            if record.status != line["status"]:
                result.changed_status[line["status"], record.status] += 1
        writer = RecordWriter(out)
        try:
            writer.write(*records)
        finally:
            writer.close()
        result.records += len(records)
        kept = {key: shard.summary.get(key) for key in _KEPT_SUMMARY}
        summary = summarise(out, run.run_id, [r.profile_id for r in records], **kept)
        write_summary(
            out, {**summary, REPARSED_BY: PARSER_VERSION, "exit_code": shard.summary.get("exit_code")}
        )
    log.info(
        "run %s: %d records, %d read again from their pages with parser version %d, %d copied",
        run.run_id,
        result.records,
        result.reparsed,
        PARSER_VERSION,
        result.records - result.reparsed,
        extra={"fields": {"changed_status": {f"{a}->{b}": n for (a, b), n in result.changed_status.items()}}},
    )
    return result
