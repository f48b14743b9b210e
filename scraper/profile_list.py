"""The profile list (DESIGN.md §3): URLs or vanity ids, one per line, or a CSV with a URL column."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from scraper.errors import BadInput

log = logging.getLogger(__name__)

CSV_COLUMNS = ("url", "profile_url", "Person ID")
_VANITY_RE = re.compile(r"^\w[\w\-]{1,99}$")  # LinkedIn vanity ids may hold any letters


@dataclass(frozen=True, slots=True)
class ProfileRef:
    profile_id: str

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/in/{quote(self.profile_id)}/"


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}: {self.text!r}"


def profile_id_of(value: str) -> str | None:
    """A vanity id from 'alice-smith', '/in/alice-smith/', or 'https://www.linkedin.com/in/alice-smith?x'."""
    text = value.strip()
    if "/" in text or text.startswith("http"):
        if "://" not in text:  # "linkedin.com/in/x" or "/in/x"
            text = f"https://{text}" if not text.startswith("/") else f"https://host{text}"
        path = urlparse(text).path
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2 or parts[0] != "in":
            return None
        text = unquote(parts[1])
    return text if _VANITY_RE.match(text) else None


def _rows(text: str) -> list[tuple[int, str]]:
    """(line number, value) pairs: plain lines, or the URL column of a CSV."""
    lines = text.splitlines()
    header = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    columns = [c.strip() for c in next(csv.reader([header]))] if "," in header else []
    column = next((c for c in CSV_COLUMNS if c in columns), None)
    if column is None and "," in header:
        raise BadInput(f"CSV profile list needs one of the columns {', '.join(CSV_COLUMNS)}; found {columns}")
    if column is None:
        return [
            (i, ln.strip()) for i, ln in enumerate(lines, 1) if ln.strip() and not ln.lstrip().startswith("#")
        ]
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [f.strip() for f in reader.fieldnames or []]
    return [(reader.line_num, (row.get(column) or "").strip()) for row in reader]


def parse_profile_list(text: str) -> tuple[list[ProfileRef], list[LineProblem]]:
    """Valid, de-duplicated refs in file order, and a problem per invalid line."""
    refs: list[ProfileRef] = []
    problems: list[LineProblem] = []
    seen: set[str] = set()
    for number, value in _rows(text):
        profile_id = profile_id_of(value)
        if profile_id is None:
            problems.append(LineProblem(number, value, "not a LinkedIn profile URL or vanity id"))
        elif profile_id.lower() not in seen:
            seen.add(profile_id.lower())
            refs.append(ProfileRef(profile_id))
    return refs, problems


def load_profiles(path: Path | None, ids: list[str]) -> list[ProfileRef]:
    """The run's profiles from `--profiles FILE` and/or `--profile ID`; BadInput when nothing usable."""
    text = "\n".join(ids)
    source = "--profile"
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8-sig") + "\n" + text
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read profile list {path}: {exc}") from exc
        source = str(path)
    refs, problems = parse_profile_list(text)
    for problem in problems:
        log.warning("skipping invalid profile list entry in %s, %s", source, problem)
    if not refs:
        raise BadInput(
            f"no valid profiles in {source}" + (f" ({len(problems)} invalid lines)" if problems else "")
        )
    return refs


def shard(refs: list[ProfileRef], spec: str | None) -> list[ProfileRef]:
    """`--shard I/N`: every N-th profile starting at I (0-based)."""
    if not spec:
        return refs
    m = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not m or not 0 <= int(m[1]) < int(m[2]):
        raise BadInput(f"--shard must be I/N with 0 <= I < N, got {spec!r}")
    index, count = int(m[1]), int(m[2])
    return refs[index::count]
