"""The run directory: the contract between the scrape pods and the upload pod.

    /data/runs/<run>/shard-<i>/profiles.jsonl   one line per profile attempt, appended and fsynced
    /data/runs/<run>/shard-<i>/summary.json     what the scrape of that shard ended with
    /data/runs/<run>/shard-<i>/pages/<profile>/<page>.html.gz   every page read for a record (the
                                                archive, `PageArchive`), named by the record's `pages`
    /data/runs/<run>/manifest.json              written by the upload
    /data/runs/<run>[/shard-<i>]/.lock          held by the one scrape or upload using the directory
    /data/state/accounts/<account>/             outlives runs: its daily count and lease (pacing)

A plain `scraper scrape --out DIR` writes `DIR/profiles.jsonl` directly: a one-shard run.
This module is the only one that spells these paths, writes and reads the JSONL, and validates a line
(the object keys in S3 are the upload's: scraper/upload.py).
A profile may have several lines (a resumed run appends); the newest line is the one that counts.
One process writes a directory at a time: `locked` (a kernel lock, released when its holder dies).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any
from urllib.parse import quote

import msgspec

from scraper.errors import BadInput, DirectoryInUse, WriteFailed
from scraper.locks import held
from scraper.models import (
    FINAL_STATUSES,
    SCHEMA_VERSION,
    SETTLED_STATUSES,
    ProfileRecord,
    Status,
    decode_record_line,
)
from scraper.snapshot import PageSnapshot

log = logging.getLogger(__name__)

DATA_ROOT = PurePosixPath("/data")  # where the pods mount the shared volume
RUNS_ROOT = DATA_ROOT / "runs"
STATE_DIR = DATA_ROOT / "state"
PROFILES_FILE = "profiles.jsonl"
SUMMARY_FILE = "summary.json"
MANIFEST_FILE = "manifest.json"
UPLOAD_CACHE_FILE = ".upload-cache.json"
LOCK_FILE = ".lock"
PAGES_DIR = "pages"
REPARSED_BY = "reparsed_by"  # in the summaries of a re-parse's run directory: the parser version
PAGE_SUFFIX = ".html.gz"
_SHARD_DIR = "shard-{index}"
_SHARD_DIR_RE = re.compile(r"^shard-(\d+)$")
READ_BUFFER = 1024 * 1024
HASH_CHUNK = 16 * 1024 * 1024  # few, large reads: a hashing thread seldom needs the GIL


def run_path(run_dir_name: str) -> PurePosixPath:
    """Where a run's shards live on the shared volume."""
    return RUNS_ROOT / run_dir_name


def shard_path(run_dir: str | PurePosixPath, index: int) -> str:
    """One shard's output directory inside a run directory (what `scrape --out` gets)."""
    return str(PurePosixPath(run_dir) / _SHARD_DIR.format(index=index))


# ---------------------------------------------------------------- one writer per directory


def locked(directory: Path, command: str) -> AbstractContextManager[None]:
    """Hold `directory` for `command` (scrape or upload), or raise DirectoryInUse at once
    (`scraper.locks`: the lock goes with its holder's process)."""
    return held(directory / LOCK_FILE, command, lambda holder: DirectoryInUse(directory, holder))


@contextmanager
def locked_run(src: Path, command: str) -> Iterator[None]:
    """Hold a run directory and each of its shard directories (where scrapes hold their lock)."""
    with ExitStack() as stack:
        stack.enter_context(locked(src, command))
        if src.is_dir():
            for shard_dir in sorted(p for p in src.iterdir() if p.is_dir() and _SHARD_DIR_RE.match(p.name)):
                stack.enter_context(locked(shard_dir, command))
        yield


# ---------------------------------------------------------------- writing


class RecordWriter:
    """Appends one JSON line per record and makes it durable before returning.

    A write that fails (disk full, I/O error, read-only volume) raises WriteFailed naming the file,
    and what of it reached the file is cut off again: the file keeps ending with whole lines, the
    ones written before, which `--resume` keeps."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / PROFILES_FILE
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            self._repair_torn_tail()
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WriteFailed(self.path, exc) from None

    def _repair_torn_tail(self) -> None:
        """A kill mid-write can leave half a line; drop it so that the file stays valid JSONL."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with open(self.path, "rb") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) == b"\n":
                return
        data = self.path.read_bytes()
        keep = data.rfind(b"\n") + 1
        log.warning("dropping a torn last line (%d bytes) from %s", len(data) - keep, self.path)
        with open(self.path, "r+b") as fh:
            fh.truncate(keep)

    def write(self, *records: ProfileRecord) -> None:
        """Append `records`; they are on disk when this returns."""
        data = memoryview(
            "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        )
        size = os.fstat(self._fd).st_size
        try:
            while data:
                data = data[os.write(self._fd, data) :]
            os.fsync(self._fd)
        except OSError as exc:
            self._cut_back(size)
            raise WriteFailed(self.path, exc) from None

    def _cut_back(self, size: int) -> None:
        try:
            os.ftruncate(self._fd, size)
        except OSError as exc:  # the next RecordWriter drops the torn line
            log.warning("could not cut the failed write off %s: %s", self.path, exc.strerror)

    def close(self) -> None:
        try:
            os.close(self._fd)
        except OSError as exc:  # every line was fsynced: nothing is lost
            log.warning("closing %s: %s", self.path, exc.strerror)


def write_json_atomically(path: Path, data: dict[str, Any]) -> Path:
    """Replace `path` with `data` in one step; WriteFailed (the old file untouched) if it cannot."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise WriteFailed(path, exc) from None
    return path


def _remove_quietly(path: Path) -> None:
    """Remove what a failed write left (it may be what fills the disk)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove %s: %s", path, exc.strerror)


def write_summary(out_dir: Path, summary: dict[str, Any]) -> Path:
    return write_json_atomically(out_dir / SUMMARY_FILE, summary)


# ---------------------------------------------------------------- the page archive


# An archived page is gzip'd HTML whose first line is an HTML comment holding the browser's report
# (URL, title, status, visible text): one object per page that still opens as a page, and re-parsing
# needs nothing else. `>` is escaped in the JSON, so the comment cannot end early.
_PAGE_HEAD = "<!-- scraper-page "
_PAGE_HEAD_END = " -->\n"
PAGE_COMPRESSION = 6  # gzip's default: a tenth of the HTML at a fraction of the parse's time


def _page_bytes(page: PageSnapshot) -> bytes:
    head = json.dumps(
        {"url": page.url, "title": page.title, "status": page.status, "text": page.text}, ensure_ascii=False
    ).replace(">", "\\u003e")
    data = (_PAGE_HEAD + head + _PAGE_HEAD_END + page.html).encode("utf-8")
    return gzip.compress(data, compresslevel=PAGE_COMPRESSION, mtime=0)


def read_archived_page(data: bytes, where: str) -> PageSnapshot:
    """One archived page from its gzip'd bytes; BadInput naming `where` when it is not one."""
    try:
        text = gzip.decompress(data).decode("utf-8")
        head, _, html = text.partition(_PAGE_HEAD_END)
        if not head.startswith(_PAGE_HEAD):
            raise ValueError("no scraper-page head line")
        meta = json.loads(head[len(_PAGE_HEAD) :])
        return PageSnapshot(
            str(meta["url"]), str(meta["title"]), str(meta["text"]), html, int(meta["status"])
        )
    except (OSError, EOFError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(f"{where} is not an archived page: {exc}") from None


def _file_name(name: str) -> str:
    """`name` as one path segment and S3 key segment (ids may hold any letter, never a slash)."""
    quoted = quote(name, safe="")
    return "%2E" + quoted[1:] if quoted.startswith(".") else quoted


class PageArchive:
    """Where a shard keeps the pages it read: `pages/<profile>/<page>.html.gz`, named relative to the
    shard directory (what a record's `pages` lists; the upload puts them under the same names)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir

    @staticmethod
    def name(profile_id: str, page: str) -> str:
        return f"{PAGES_DIR}/{_file_name(profile_id)}/{_file_name(page)}{PAGE_SUFFIX}"

    def write(self, profile_id: str, page: str, snapshot: PageSnapshot) -> str:
        """Keep one page (replacing an earlier attempt's); its name. WriteFailed when it cannot."""
        name = self.name(profile_id, page)
        path = self.out_dir / name
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(_page_bytes(snapshot))
            os.replace(tmp, path)
        except OSError as exc:
            _remove_quietly(tmp)
            raise WriteFailed(path, exc) from None
        return name

    def read(self, name: str) -> PageSnapshot:
        path = self.out_dir / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"archived page {path} cannot be read: {exc.strerror or exc}") from None
        return read_archived_page(data, str(path))

    def files(self) -> list[Path]:
        """Every archived page of the shard, in name order."""
        root = self.out_dir / PAGES_DIR
        return sorted(root.glob(f"*/*{PAGE_SUFFIX}")) if root.is_dir() else []


# ---------------------------------------------------------------- reading for resume and summaries


@dataclass(slots=True)
class _LineKey:
    """The part of a line that resume and the summary need: decoding only this is fast."""

    profile_id: str
    status: str
    run_id: str
    attempted: bool = True


_KEY_DECODER = msgspec.json.Decoder(_LineKey)


def _status_counts(status: dict[str, str]) -> dict[str, int]:
    """Profiles per status (profile id -> status of its newest line), by status name: the `counts`
    of a summary and of the manifest."""
    return dict(sorted(Counter(status.values()).items()))


@dataclass
class Latest:
    """The newest line of each profile in one `profiles.jsonl`."""

    status: dict[str, str] = field(default_factory=dict)  # profile id -> status of its newest line
    lines: int = 0
    run_id: str | None = None  # of the newest line
    placeholders: set[str] = field(default_factory=set)  # newest line is `attempted: false`

    @property
    def counts(self) -> dict[str, int]:
        return _status_counts(self.status)

    @property
    def final(self) -> set[str]:
        """Profiles with an answer about them (ok, not_found, private)."""
        return {pid for pid, status in self.status.items() if status in FINAL_STATUSES}

    @property
    def settled(self) -> set[str]:
        """Profiles this run is done with (an answer, or an `error` left to a later day); everything
        else, placeholders included, is retried by `--resume`."""
        return {
            pid
            for pid, status in self.status.items()
            if status in SETTLED_STATUSES and pid not in self.placeholders
        }


def latest(out_dir: Path) -> Latest:
    """Newest line per profile; lines that are not records (a torn tail) are passed over."""
    result = Latest()
    path = out_dir / PROFILES_FILE
    if not path.exists():
        return result
    with open(path, "rb") as fh:
        for line in fh:
            try:
                key = _KEY_DECODER.decode(line)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue
            result.lines += 1
            result.status.pop(key.profile_id, None)  # keeps dict order = order of newest lines
            result.status[key.profile_id] = key.status
            result.run_id = key.run_id
            if key.attempted:
                result.placeholders.discard(key.profile_id)
            else:
                result.placeholders.add(key.profile_id)
    return result


# How a scrape may end (docs/cli.md, "Outcomes"). A finished run needs nothing more today: "complete"
# settled every requested profile; "deferred" settled what today's budget allowed and left the rest,
# marked `deferred`, to a later day.
FINISHED_OUTCOMES = ("complete", "deferred")
DEFERRING_STOPS = ("daily_cap",)


def outcome(stopped_by: dict[str, Any] | None, failure: str | None, unsettled: int) -> str:
    """How a scrape ended. ("running" is written when a run starts: left as it is, the run crashed.)"""
    if failure:
        return "failed"
    if stopped_by:
        return "deferred" if stopped_by.get("reason") in DEFERRING_STOPS else "stopped"
    return "partial" if unsettled else "complete"


def summarise(
    out_dir: Path,
    run_id: str,
    requested: list[str],
    *,
    stopped_by: dict[str, Any] | None = None,
    failure: str | None = None,
    running: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A shard's `summary.json`: counts of each profile's newest line, how the run ended, and, once
    the run has ended, the sha256 of `profiles.jsonl` after every line passed the check (so the upload
    needs only to compare digests: see `recorded_check`)."""
    sha256 = None
    if not running:
        sha256, problem = _checked_digest(out_dir / PROFILES_FILE, run_id)
        failure = failure or problem
    seen = latest(out_dir)
    final, settled = seen.final, seen.settled
    return {
        "run_id": run_id,
        **extra,
        "requested": len(requested),
        "final": sum(1 for pid in requested if pid in final),
        "settled": (done := sum(1 for pid in requested if pid in settled)),
        "records": len(seen.status),
        "lines": seen.lines,
        "counts": seen.counts,
        "sha256": sha256,
        "stopped_by": stopped_by,
        "failure": failure,
        "outcome": "running" if running else outcome(stopped_by, failure, len(requested) - done),
    }


def read_summary(directory: Path) -> dict[str, Any] | None:
    try:
        summary = json.loads((directory / SUMMARY_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{directory / SUMMARY_FILE} is not valid JSON: {exc}") from None
    if not isinstance(summary, dict) or not isinstance(summary.get("run_id"), str):
        raise BadInput(f"{directory / SUMMARY_FILE} has no run_id")
    return summary


def existing_run_id(out_dir: Path) -> str | None:
    """The run a directory already belongs to (its summary's, else its newest line's), for `--resume`."""
    summary = read_summary(out_dir)
    return summary["run_id"] if summary else latest(out_dir).run_id


def compact(path: Path, dst: Path) -> int:
    """Write to `dst` only the newest line of each profile of `path` (in file order); the number
    of older lines left out. `dst` may be `path` itself: it is replaced atomically. WriteFailed
    (nothing replaced) when `dst` cannot be written."""
    newest: dict[str, int] = {}
    lines = 0
    with open(path, "rb") as fh:
        for lines, line in enumerate(fh, 1):  # noqa: B007 - the count is used after the loop
            newest[_KEY_DECODER.decode(line).profile_id] = lines
    keep = set(newest.values())
    tmp = dst.with_name(dst.name + ".tmp")
    try:
        copied = 0
        with open(path, "rb") as src, open(tmp, "wb") as out:
            for copied, line in enumerate(src, 1):  # noqa: B007 - the count is checked after the loop
                if copied in keep:
                    out.write(line)
            out.flush()
            os.fsync(out.fileno())
        if copied != lines:  # a writer that took no lock appended meanwhile: its lines would be lost
            _remove_quietly(tmp)
            raise DirectoryInUse(path.parent, "a process that took no lock (it appended while compacting)")
        os.replace(tmp, dst)
    except OSError as exc:
        _remove_quietly(tmp)
        raise WriteFailed(dst, exc) from None
    return lines - len(keep)


# ---------------------------------------------------------------- the one validator of a line


@dataclass
class ShardCheck:
    """What one pass over a valid `profiles.jsonl` found."""

    sha256: str
    lines: int
    counts: dict[str, int]  # by status of each profile's newest line
    profiles: int
    duplicates: int  # lines superseded by a newer line of the same profile

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "lines": self.lines,
            "counts": self.counts,
            "profiles": self.profiles,
            "duplicates": self.duplicates,
        }


def _line_problem(line: bytes, exc: Exception) -> str:
    if not isinstance(exc, msgspec.ValidationError):  # (a ValidationError is a DecodeError, too)
        return f"not JSON ({exc})"
    try:
        loose = msgspec.json.decode(line)
    except msgspec.DecodeError as not_json:  # the strict decode stopped at a field before the break
        return f"not JSON ({not_json})"
    if not isinstance(loose, dict):
        return "not a JSON object"
    if loose.get("schema_version") != SCHEMA_VERSION:
        return f"unknown schema_version {loose.get('schema_version')!r} (expected {SCHEMA_VERSION})"
    return str(exc)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_jsonl(path: Path, run_id: str) -> ShardCheck:
    """Every line of `path` a valid record of run `run_id`, read once: its sha256 and counts.

    Raises BadInput naming the file, the line and the first problem.
    """
    status: dict[str, str] = {}
    number = 0
    # hashlib lets go of the GIL: the digest is computed on the other core while lines are decoded.
    with (
        ThreadPoolExecutor(1, thread_name_prefix="sha256") as pool,
        open(path, "rb", buffering=READ_BUFFER) as fh,
    ):
        sha256 = pool.submit(file_sha256, path)
        for number, line in enumerate(fh, 1):  # noqa: B007 - the count is used after the loop
            try:
                record = decode_record_line(line)
            except msgspec.DecodeError as exc:
                raise BadInput(f"{path} line {number}: {_line_problem(line, exc)}") from None
            if record.run_id != run_id:
                raise BadInput(
                    f"{path} line {number}: run_id {record.run_id!r} differs from the summary's {run_id!r}"
                )
            status[record.profile_id] = record.status  # a later line of a profile replaces its status
        digest = sha256.result()
    return ShardCheck(digest, number, _status_counts(status), len(status), number - len(status))


def _checked_digest(path: Path, run_id: str) -> tuple[str | None, str | None]:
    """The file's sha256 once every line has passed the check, or why a line did not."""
    if not path.exists():
        return None, None
    try:
        return check_jsonl(path, run_id).sha256, None
    except BadInput as exc:
        log.error("%s", exc)
        return None, str(exc)


_Count = Annotated[int, msgspec.Meta(ge=0)]


class _CheckedSummary(msgspec.Struct):
    """The part of a summary that says what the scrape's own check of its file found."""

    run_id: str
    sha256: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")]
    lines: _Count
    records: _Count
    counts: dict[Status, _Count]


def recorded_check(summary: dict[str, Any], run_id: str) -> ShardCheck | None:
    """What the scrape's own check of its file found as it ended, from the shard's summary (None
    when the summary records none: a scrape that crashed). It holds for the file only while the
    file's sha256 is still `sha256`."""
    try:
        recorded = msgspec.convert(summary, _CheckedSummary)
    except msgspec.ValidationError:
        return None
    if recorded.run_id != run_id or not recorded.lines >= recorded.records == sum(recorded.counts.values()):
        return None
    duplicates = recorded.lines - recorded.records
    return ShardCheck(recorded.sha256, recorded.lines, recorded.counts, recorded.records, duplicates)


# ---------------------------------------------------------------- a whole run, for the upload


@dataclass
class Shard:
    index: int
    directory: Path
    summary: dict[str, Any]

    @property
    def profiles(self) -> Path:
        return self.directory / PROFILES_FILE

    @property
    def summary_file(self) -> Path:
        return self.directory / SUMMARY_FILE


@dataclass
class RunDir:
    src: Path
    run_id: str
    date: str
    shards: list[Shard]
    reparsed_by: int | None = None  # the parser version of a re-parse (scraper/reparse.py)

    @property
    def manifest_file(self) -> Path:
        return self.src / MANIFEST_FILE

    @property
    def upload_cache_file(self) -> Path:
        return self.src / UPLOAD_CACHE_FILE


def shard_index(path: str | PurePosixPath) -> int | None:
    """The index of a shard directory (`shard_path`'s inverse), None for any other directory."""
    m = _SHARD_DIR_RE.match(PurePosixPath(path).name)
    return int(m[1]) if m else None


def read_run_dir(src: Path, skip_unstarted: bool = False) -> RunDir:
    """The run's shards, id and date, from the directory layout and the scrape summaries.

    A shard directory holding neither records nor a summary is a scrape refused before it wrote
    anything (its account or directory in use, an unusable cap state): `skip_unstarted` passes over it
    (it has nothing to ship; the DAG's report names it), else it is refused like an unfinished one."""
    if not src.is_dir():
        raise BadInput(f"run directory {src} does not exist")
    if (src / PROFILES_FILE).exists():  # the output of a plain `scraper scrape`: one shard
        dirs = [(0, src)]
    else:
        dirs = sorted(
            (int(m[1]), p) for p in src.iterdir() if p.is_dir() and (m := _SHARD_DIR_RE.match(p.name))
        )
    if not dirs:
        raise BadInput(f"{src} holds neither {PROFILES_FILE} nor shard-<i>/ directories")
    shards = []
    for index, directory in dirs:
        unstarted = not (directory / PROFILES_FILE).exists() and not (directory / SUMMARY_FILE).exists()
        if unstarted and skip_unstarted:
            log.warning(
                "%s holds no records and no summary: that scrape wrote nothing; passed over", directory
            )
            continue
        if not (directory / PROFILES_FILE).exists():
            raise BadInput(f"{directory / PROFILES_FILE} is missing")
        summary = read_summary(directory)
        if summary is None:
            raise BadInput(f"{directory / SUMMARY_FILE} is missing: that scrape did not finish")
        shards.append(Shard(index, directory, summary))
    if not shards:
        raise BadInput(f"{src}: no shard wrote anything, so there is nothing to upload")
    run_ids = {s.summary["run_id"] for s in shards}
    if len(run_ids) > 1:
        raise BadInput(f"{src} mixes runs {sorted(run_ids)}: upload one run at a time")
    dates = {str(s.summary.get("started_at") or "1970-01-01")[:10] for s in shards}
    reparsed = {s.summary.get(REPARSED_BY) for s in shards}
    if len(reparsed) > 1 or not all(v is None or isinstance(v, int) for v in reparsed):
        raise BadInput(
            f"{src} mixes shards of a scrape and of re-parses ({REPARSED_BY} {sorted(map(str, reparsed))})"
        )
    return RunDir(src, run_ids.pop(), min(dates), shards, reparsed.pop())
