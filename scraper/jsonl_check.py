"""Checking a run's JSONL line by line, in chunks as they are read (a line may span two chunks).

Kept apart from the uploader, with only light imports, so that the check of a large file can run in a
second process while the parts of that same file are being sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from scraper.errors import BadInput
from scraper.models import SCHEMA_VERSION, STATUSES

_REQUIRED = ("profile_id", "url", "status", "scraped_at", "run_id")
CHUNK = 16 * 1024 * 1024


class LineChecker:
    """Checks JSONL lines as bytes arrive in chunks (a line may span two chunks)."""

    def __init__(self, path: Path, run_id: str) -> None:
        self.path, self.run_id = path, run_id
        self.number = 0
        self.counts: dict[str, int] = {}
        self._rest = b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        data = self._rest + chunk
        lines = data.split(b"\n")
        self._rest = b"" if final else lines.pop()
        for line in lines:
            if line or not final:
                self._check(line)

    def _check(self, line: bytes) -> None:
        self.number += 1
        where = f"{self.path} line {self.number}"
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise BadInput(f"{where}: not JSON ({exc})") from None
        if not isinstance(record, dict):
            raise BadInput(f"{where}: not a JSON object")
        if record.get("schema_version") != SCHEMA_VERSION:
            raise BadInput(
                f"{where}: unknown schema_version {record.get('schema_version')!r} "
                f"(expected {SCHEMA_VERSION})"
            )
        if missing := [k for k in _REQUIRED if not isinstance(record.get(k), str)]:
            raise BadInput(f"{where}: missing {', '.join(missing)}")
        if record["status"] not in STATUSES:
            raise BadInput(f"{where}: unknown status {record['status']!r}")
        if record["run_id"] != self.run_id:
            raise BadInput(f"{where}: run_id {record['run_id']!r} differs from the summary's {self.run_id!r}")
        self.counts[record["status"]] = self.counts.get(record["status"], 0) + 1


def check_file(path: str, run_id: str) -> dict[str, Any]:
    """Every line of `path` valid and of run `run_id`: its record count and counts per status."""
    checker = LineChecker(Path(path), run_id)
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            checker.feed(chunk)
    checker.feed(b"", final=True)
    return {"records": checker.number, "counts": checker.counts}
