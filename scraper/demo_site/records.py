"""Synthetic run directories (what `scraper scrape` leaves on the volume), for tests and benchmarks."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from scraper.demo_site.people import all_people
from scraper.models import ProfileRecord
from scraper.output import PROFILES_FILE, SUMMARY_FILE


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
    """A run dir like the DAG's: `shard-<i>/profiles.jsonl` + `summary.json` (or one flat shard)."""
    records = synthetic_records(shards * per_shard, run_id)
    for index in range(shards):
        directory = root if flat else root / f"shard-{index}"
        directory.mkdir(parents=True, exist_ok=True)
        chunk = records[index::shards]
        with open(directory / PROFILES_FILE, "w", encoding="utf-8") as fh:
            for record in chunk:
                fh.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        summary = {
            "run_id": run_id,
            "started_at": "2026-11-25T06:00:00Z",
            "records": len(chunk),
            "counts": {"ok": len(chunk)},
            "exit_code": 0,
        }
        (directory / SUMMARY_FILE).write_text(json.dumps(summary), encoding="utf-8")
    return root
