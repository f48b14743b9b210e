"""Synthetic run directories (what `scraper scrape` leaves on the volume), for tests and benchmarks."""

from __future__ import annotations

import itertools
from pathlib import Path

from scraper.demo_site.people import all_people
from scraper.models import ProfileRecord
from scraper.rundir import RecordWriter, shard_path, summarise, write_summary


def synthetic_records(
    count: int, run_id: str, scraped_at: str = "2026-11-25T06:00:00Z"
) -> list[ProfileRecord]:
    """`count` valid records cycling through the demo people, each with a unique profile id."""
    people = itertools.cycle(all_people().values())
    return [
        ProfileRecord(
            f"{person.profile_id}-{i}",
            f"https://www.linkedin.com/in/{person.profile_id}-{i}/",
            "ok",
            scraped_at,
            run_id,
            person.profile,
        )
        for i, person in zip(range(count), people, strict=False)
    ]


def write_run_dir(root: Path, run_id: str, shards: int, per_shard: int, flat: bool = False) -> Path:
    """A finished run dir like the DAG's: `shard-<i>/profiles.jsonl` + `summary.json` (or one flat
    shard), written by the scraper's own writer and summary."""
    records = synthetic_records(shards * per_shard, run_id)
    for index in range(shards):
        directory = root if flat else Path(shard_path(root, index))
        chunk = records[index::shards]
        writer = RecordWriter(directory)
        writer.write(*chunk)
        writer.close()
        ids = [r.profile_id for r in chunk]
        write_summary(
            directory, summarise(directory, run_id, ids, started_at="2026-11-25T06:00:00Z", exit_code=0)
        )
    return root
