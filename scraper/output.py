"""Durable run output: `profiles.jsonl` appended and fsynced per profile, `summary.json` at the end."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from scraper.models import ProfileRecord

log = logging.getLogger(__name__)

PROFILES_FILE = "profiles.jsonl"
SUMMARY_FILE = "summary.json"


class RecordWriter:
    """Appends one JSON line per record and makes it durable before returning."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / PROFILES_FILE
        self._repair_torn_tail()
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def _repair_torn_tail(self) -> None:
        """A kill mid-write can leave half a line; drop it so that the file stays valid JSONL."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        data = self.path.read_bytes()
        if data.endswith(b"\n"):
            return
        keep = data.rfind(b"\n") + 1
        log.warning("dropping a torn last line (%d bytes) from %s", len(data) - keep, self.path)
        with open(self.path, "r+b") as fh:
            fh.truncate(keep)

    def write(self, record: ProfileRecord) -> None:
        self._fh.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()


def done_profile_ids(out_dir: Path) -> set[str]:
    """Profiles already written by an earlier (possibly killed) run, for `--resume`."""
    path = out_dir / PROFILES_FILE
    if not path.exists():
        return set()
    done = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                done.add(json.loads(line)["profile_id"])
            except (json.JSONDecodeError, KeyError, TypeError):
                continue  # a torn last line: that profile is scraped again
    return done


def write_summary(out_dir: Path, summary: dict[str, Any]) -> Path:
    path = out_dir / SUMMARY_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
