"""The profile list (docs/cli.md, "Profile list"): URLs or vanity ids, one per line, or a CSV with a URL column
(LinkedIn's own `Connections.csv` export as it comes, `Notes:` preamble and all).

A URL counts only on a LinkedIn host or the host of the configured base URL: `/in/<x>` on any other
site is somebody else's page, not a LinkedIn id."""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from scraper.errors import BadInput
from scraper.settings import url_host

log = logging.getLogger(__name__)

# Matched case-insensitively; "URL" is the column of LinkedIn's Connections.csv export.
CSV_COLUMNS = ("url", "profile_url", "Person ID")
LINKEDIN_DOMAIN = "linkedin.com"
# The export opens with a few lines of notes before its header; a header further down is not looked for.
_PREAMBLE_LINES = 10
_VANITY_RE = re.compile(r"^\w[\w\-]{1,99}$")  # LinkedIn vanity ids may hold any letters


def normal_id(profile_id: str) -> str:
    """A profile id in the one form ids are compared in: NFC. "José" typed or pasted as "e" plus a
    combining accent prints the same and is the same person's page; it must be the same id."""
    return unicodedata.normalize("NFC", profile_id)


@dataclass(frozen=True, slots=True)
class ProfileRef:
    profile_id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "profile_id", normal_id(self.profile_id))

    def url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/in/{quote(self.profile_id)}/"


@dataclass(frozen=True, slots=True)
class LineProblem:
    line: int
    text: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}: {self.text!r}"


def _host_allowed(host: str, extra_hosts: frozenset[str]) -> bool:
    host = host.lower().rstrip(".")
    return host == LINKEDIN_DOMAIN or host.endswith("." + LINKEDIN_DOMAIN) or host in extra_hosts


def profile_id_of(value: str, extra_hosts: frozenset[str] = frozenset()) -> str | None:
    """A vanity id from 'alice-smith', '/in/alice-smith/', or 'https://www.linkedin.com/in/alice-smith?x'.

    URLs must be on linkedin.com (any subdomain) or one of `extra_hosts` (the demo site, say)."""
    text = value.strip()
    if "/" in text or text.startswith("http"):
        if "://" not in text:  # "linkedin.com/in/x" or "/in/x"
            text = f"https://{text}" if not text.startswith("/") else f"https://{LINKEDIN_DOMAIN}{text}"
        try:
            parts = urlparse(text)
            host = parts.hostname or ""
        except ValueError:
            return None
        if not _host_allowed(host, extra_hosts):
            return None
        path_parts = [p for p in parts.path.split("/") if p]
        if len(path_parts) < 2 or path_parts[0] != "in":
            return None
        text = unquote(path_parts[1])
    text = normal_id(text)  # a decomposed accent is no word character: compose it first
    return text if _VANITY_RE.match(text) else None


def is_entry(line: str) -> bool:
    """Whether a line of a plain list names a profile: blank lines and `#` comments do not."""
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _csv_header(lines: list[str]) -> tuple[int, str] | None:
    """(index, column) of the first line among the first few that names a known URL column."""
    wanted = {c.lower(): c for c in CSV_COLUMNS}
    for index, line in enumerate(lines[:_PREAMBLE_LINES]):
        if "," not in line:
            continue
        columns = [c.strip().lower() for c in next(csv.reader([line]), [])]
        for column in columns:
            if column in wanted:
                return index, column
    return None


def _rows(text: str) -> list[tuple[int, str]]:
    """(line number, value) pairs: plain lines, or the URL column of a CSV."""
    lines = text.splitlines()
    found = _csv_header(lines)
    if found is None:
        header = next((ln for ln in lines if is_entry(ln)), "")
        if "," in header:
            columns = [c.strip() for c in next(csv.reader([header]))]
            raise BadInput(
                f"CSV profile list needs one of the columns {', '.join(CSV_COLUMNS)}; found {columns}"
            )
        return [(i, ln.strip()) for i, ln in enumerate(lines, 1) if is_entry(ln)]
    start, column = found
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
    return [(start + reader.line_num, (row.get(column) or "").strip()) for row in reader]


@dataclass(frozen=True, slots=True)
class ProfileList:
    refs: list[ProfileRef]
    problems: list[LineProblem]
    duplicates: int = 0


def parse_profile_list(text: str, extra_hosts: frozenset[str] = frozenset()) -> ProfileList:
    """Valid, de-duplicated refs in file order, a problem per invalid line, and how many were dropped
    as duplicates (vanity ids are case-insensitive)."""
    refs: list[ProfileRef] = []
    problems: list[LineProblem] = []
    seen: set[str] = set()
    duplicates = 0
    for number, value in _rows(text):
        profile_id = profile_id_of(value, extra_hosts)
        if profile_id is None:
            reason = "empty" if not value else "not a LinkedIn profile URL or vanity id"
            problems.append(LineProblem(number, value, reason))
        elif profile_id.lower() in seen:
            duplicates += 1
        else:
            seen.add(profile_id.lower())
            refs.append(ProfileRef(profile_id))
    return ProfileList(refs, problems, duplicates)


def load_profiles(path: Path | None, ids: list[str], base_url: str | None = None) -> list[ProfileRef]:
    """The run's profiles from `--profiles FILE` and/or `--profile ID`; BadInput when nothing usable.

    URLs on the host of `base_url` are accepted besides LinkedIn's own."""
    text = "\n".join(ids)
    source = "--profile"
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8-sig") + "\n" + text
        except (OSError, UnicodeDecodeError) as exc:
            raise BadInput(f"cannot read profile list {path}: {exc}") from exc
        source = str(path)
    extra_hosts = frozenset({url_host(base_url)} if base_url else set()) - {""}
    parsed = parse_profile_list(text, extra_hosts)
    refs, problems = parsed.refs, parsed.problems
    for problem in problems:
        log.warning("skipping invalid profile list entry in %s, %s", source, problem)
    if parsed.duplicates:
        log.info(
            "dropped %d duplicate entries from %s (the first of each is kept)", parsed.duplicates, source
        )
    if not refs:
        raise BadInput(
            f"no valid profiles in {source}" + (f" ({len(problems)} invalid lines)" if problems else "")
        )
    return refs


def parse_shard(spec: str) -> tuple[int, int]:
    """`--shard I/N` as (I, N), 0 <= I < N."""
    m = re.fullmatch(r"(\d+)/(\d+)", spec.strip())
    if not m or not 0 <= int(m[1]) < int(m[2]):
        raise BadInput(f"--shard must be I/N with 0 <= I < N, got {spec!r}")
    return int(m[1]), int(m[2])


def shard(refs: list[ProfileRef], spec: str | None) -> list[ProfileRef]:
    """`--shard I/N`: every N-th profile starting at I (0-based)."""
    if not spec:
        return refs
    index, count = parse_shard(spec)
    return refs[index::count]
