"""`scraper upload`: move one run directory from the shared volume into S3, safely repeatable.

Layout (DESIGN.md §6):
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/shard=<i>/profiles.jsonl  (+ summary.json)
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/manifest.json            written last: a manifest = a complete upload

Every object carries its sha256 in metadata, and one that already matches is not sent again, so a
retried task completes a half-finished upload and a repeated one sends nothing. Nothing becomes
visible until every line of every shard has been checked: large files stream as multipart uploads
while they are checked, and are completed only when the whole run is known to be valid.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from scraper.errors import BadInput, UploadError
from scraper.jsonl_check import check_file
from scraper.output import PROFILES_FILE, SUMMARY_FILE

log = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
CACHE_FILE = ".upload-cache.json"
SHA_METADATA = "sha256"
JSONL_TYPE = "application/x-ndjson"
_SHARD_DIR_RE = re.compile(r"^shard-(\d+)$")
_RUN_ID_RE = re.compile(r"[\w.\-:+]+")
PART_SIZE = 16 * 1024 * 1024
# Files at least this large stream as multipart uploads while they are checked.
MULTIPART_THRESHOLD = 32 * 1024 * 1024
TRANSFER = TransferConfig(
    multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=PART_SIZE, max_concurrency=4
)


class BadCredentials(UploadError):
    """Wrong keys or a missing bucket: a configuration problem, exit 2 like other bad input."""

    exit_code = 2


@dataclass
class Shard:
    index: int
    directory: Path
    records: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str = ""

    @property
    def profiles(self) -> Path:
        return self.directory / PROFILES_FILE


@dataclass
class RunDir:
    src: Path
    run_id: str
    date: str
    shards: list[Shard]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(PART_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{path} is missing: that scrape did not finish") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(summary, dict) or not isinstance(summary.get("run_id"), str):
        raise BadInput(f"{path} has no run_id")
    return summary


def read_run_dir(src: Path) -> RunDir:
    """The run's shards, id and date, from the directory layout and the scrape summaries."""
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
    shards, run_ids, dates = [], set(), set()
    for index, directory in dirs:
        shard = Shard(index, directory)
        if not shard.profiles.exists():
            raise BadInput(f"{shard.profiles} is missing")
        summary = _read_summary(directory / SUMMARY_FILE)
        run_ids.add(summary["run_id"])
        dates.add(str(summary.get("started_at") or "1970-01-01")[:10])
        shards.append(shard)
    if len(run_ids) > 1:
        raise BadInput(f"{src} mixes runs {sorted(run_ids)}: upload one run at a time")
    run_id = run_ids.pop()
    if not _RUN_ID_RE.fullmatch(run_id):
        raise BadInput(f"run id {run_id!r} cannot be used in an object key")
    return RunDir(src, run_id, min(dates), shards)


class _CheckCache:
    """Shards already checked, keyed by path, size and mtime: a retried upload of an unchanged run
    does not read the data again (`.upload-cache.json` in the run dir, local only)."""

    def __init__(self, src: Path) -> None:
        self.path = src / CACHE_FILE
        try:
            self.entries: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            self.entries = {}

    @staticmethod
    def _stamp(path: Path) -> list[int]:
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]

    def get(self, path: Path) -> dict[str, Any] | None:
        entry = self.entries.get(str(path))
        return entry["result"] if entry and entry.get("stamp") == self._stamp(path) else None

    def put(self, path: Path, result: dict[str, Any]) -> None:
        self.entries[str(path)] = {"stamp": self._stamp(path), "result": result}

    def save(self) -> None:
        try:
            self.path.write_text(json.dumps(self.entries), encoding="utf-8")
        except OSError:
            log.warning("cannot write %s; the next upload reads the run again", self.path)


def s3_client(endpoint_url: str | None) -> Any:
    """boto3 S3 client: path-style for custom endpoints (SeaweedFS, MinIO); default chain otherwise (IRSA)."""
    config = Config(
        retries={
            "mode": os.environ.get("AWS_RETRY_MODE", "standard"),
            "max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS") or 5),
        },
        s3={"addressing_style": "path"} if endpoint_url else {},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=16,
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url or None, config=config, region_name=region
    )


def _explain(exc: Exception, bucket: str, endpoint: str | None) -> UploadError:
    where = endpoint or "AWS S3"
    if isinstance(exc, NoCredentialsError):
        return BadCredentials(
            f"no S3 credentials for {where}: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
            "(Secret s3-credentials) or use a role (IRSA)"
        )
    if isinstance(exc, EndpointConnectionError):
        return UploadError(f"cannot reach the S3 endpoint {where}: {exc}")
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchBucket", "404"):
            return BadCredentials(
                f"bucket {bucket!r} does not exist at {where} (pass --create-bucket to create it)"
            )
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "AccessDenied", "InvalidToken"):
            return BadCredentials(f"S3 at {where} rejected the credentials for bucket {bucket!r} ({code})")
        return UploadError(f"S3 at {where} answered {code} for bucket {bucket!r}: {exc}")
    return UploadError(f"S3 at {where} failed: {exc}")


@dataclass
class UploadResult:
    uris: list[str]
    uploaded: int
    skipped: int
    manifest: dict[str, Any]


@dataclass
class _OpenMultipart:
    key: str
    upload_id: str
    parts: list[Future]


class Uploader:
    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.client = client or s3_client(endpoint_url)
        self.uploaded = self.skipped = 0

    def _uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def check_bucket(self, create: bool) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if create and exc.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket"):
                log.info("creating bucket %s", self.bucket)
                self.client.create_bucket(Bucket=self.bucket)
                return
            raise

    def _remote_sha(self, key: str) -> str | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return head.get("Metadata", {}).get(SHA_METADATA)

    def _put(self, path: Path, key: str, sha: str, content_type: str) -> None:
        self.client.upload_file(
            str(path),
            self.bucket,
            key,
            Config=TRANSFER,
            ExtraArgs={"Metadata": {SHA_METADATA: sha}, "ContentType": content_type},
        )
        self.uploaded += 1
        log.info("uploaded %s (%d bytes)", self._uri(key), path.stat().st_size)

    def put_if_changed(self, path: Path, key: str, content_type: str) -> str:
        sha = _sha256(path)
        if self._remote_sha(key) == sha:
            self.skipped += 1
            log.info("unchanged, not uploaded: %s", self._uri(key))
        else:
            self._put(path, key, sha, content_type)
        return sha

    def _stream(self, shard: Shard, key: str, pool: ThreadPoolExecutor) -> _OpenMultipart:
        """Send the parts of a large file; the upload is completed later, or aborted."""
        upload_id = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ContentType=JSONL_TYPE, Metadata={SHA_METADATA: shard.sha256}
        )["UploadId"]
        open_upload = _OpenMultipart(key, upload_id, [])
        try:
            with open(shard.profiles, "rb") as fh:
                number = 1
                while chunk := fh.read(PART_SIZE):
                    open_upload.parts.append(
                        pool.submit(
                            self.client.upload_part,
                            Bucket=self.bucket,
                            Key=key,
                            UploadId=upload_id,
                            PartNumber=number,
                            Body=chunk,
                        )
                    )
                    number += 1
        except BaseException:
            self._abort(open_upload)
            raise
        return open_upload

    def _abort(self, open_upload: _OpenMultipart) -> None:
        for part in open_upload.parts:
            part.cancel()
        for part in open_upload.parts:  # parts still in flight would re-create the upload's storage
            if not part.cancelled():
                part.exception()
        try:
            self.client.abort_multipart_upload(
                Bucket=self.bucket, Key=open_upload.key, UploadId=open_upload.upload_id
            )
        except (ClientError, BotoCoreError):
            log.warning(
                "could not abort multipart upload of %s; the bucket's lifecycle rule cleans it up",
                self._uri(open_upload.key),
            )

    def _complete(self, open_upload: _OpenMultipart) -> None:
        parts = [{"ETag": f.result()["ETag"], "PartNumber": i} for i, f in enumerate(open_upload.parts, 1)]
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=open_upload.key,
            UploadId=open_upload.upload_id,
            MultipartUpload={"Parts": parts},
        )
        self.uploaded += 1
        log.info("uploaded %s (%d parts)", self._uri(open_upload.key), len(parts))

    def upload(self, run: RunDir) -> UploadResult:
        base = f"{self.prefix}/dt={run.date}/run={run.run_id}"
        cache = _CheckCache(run.src)
        keys = {s.index: f"{base}/shard={s.index}/{PROFILES_FILE}" for s in run.shards}
        pending: list[Shard] = []  # checked, to be sent once every shard is known to be valid
        streaming: list[_OpenMultipart] = []
        checks: list[tuple[Shard, Future]] = []  # large files, checked in a second process while sent
        with (
            ThreadPoolExecutor(max_workers=4, thread_name_prefix="s3-part") as pool,
            ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as checker,
        ):
            cached_by_shard = {s.index: cache.get(s.profiles) for s in run.shards}
            # Large unchecked files start their check first: it then overlaps hashing and sending.
            early = {
                s.index: checker.submit(check_file, str(s.profiles), run.run_id)
                for s in run.shards
                if cached_by_shard[s.index] is None and s.profiles.stat().st_size >= MULTIPART_THRESHOLD
            }
            try:
                for shard in run.shards:
                    key = keys[shard.index]
                    cached = cached_by_shard[shard.index]
                    shard.sha256 = cached["sha256"] if cached else _sha256(shard.profiles)
                    unchanged = self._remote_sha(key) == shard.sha256
                    if unchanged:  # identical bytes were checked and uploaded before
                        self.skipped += 1
                        log.info("unchanged, not uploaded: %s", self._uri(key))
                    if cached is not None:
                        shard.records, shard.counts = cached["records"], cached["counts"]
                        if not unchanged:
                            pending.append(shard)
                    elif shard.index in early:
                        checks.append((shard, early[shard.index]))
                        if not unchanged:
                            streaming.append(self._stream(shard, key, pool))
                    else:
                        checks.append((shard, _done(check_file(str(shard.profiles), run.run_id))))
                        if not unchanged:
                            pending.append(shard)
                for shard, future in checks:  # nothing is completed or sent until every shard passed
                    try:
                        result = future.result()
                    except BrokenProcessPool:  # no second process here (a frozen or embedded Python)
                        log.warning(
                            "checker process unavailable; checking %s in this process", shard.profiles
                        )
                        result = check_file(str(shard.profiles), run.run_id)
                    shard.records, shard.counts = result["records"], result["counts"]
                    cache.put(shard.profiles, {"sha256": shard.sha256, **result})
            except BaseException:
                for future in early.values():
                    future.cancel()
                for open_upload in streaming:
                    self._abort(open_upload)
                raise
            cache.save()
            for open_upload in streaming:
                self._complete(open_upload)
        for shard in pending:
            self._put(shard.profiles, keys[shard.index], shard.sha256, JSONL_TYPE)
        files = []
        for shard in run.shards:
            summary_key = f"{base}/shard={shard.index}/{SUMMARY_FILE}"
            summary_sha = self.put_if_changed(shard.directory / SUMMARY_FILE, summary_key, "application/json")
            files.append(
                {
                    "shard": shard.index,
                    "key": keys[shard.index],
                    "sha256": shard.sha256,
                    "bytes": shard.profiles.stat().st_size,
                    "records": shard.records,
                    "counts": shard.counts,
                }
            )
            files.append(
                {
                    "shard": shard.index,
                    "key": summary_key,
                    "sha256": summary_sha,
                    "bytes": (shard.directory / SUMMARY_FILE).stat().st_size,
                }
            )
        manifest = {
            "schema_version": 1,
            "run_id": run.run_id,
            "dt": run.date,
            "bucket": self.bucket,
            "prefix": self.prefix,
            "records": sum(s.records for s in run.shards),
            "files": files,
        }
        manifest_path = run.src / MANIFEST_FILE
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        manifest_key = f"{base}/{MANIFEST_FILE}"
        self.put_if_changed(manifest_path, manifest_key, "application/json")
        uris = [self._uri(f["key"]) for f in files] + [self._uri(manifest_key)]
        return UploadResult(uris, self.uploaded, self.skipped, manifest)


def _done(value: Any) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def upload_run(
    src: Path,
    bucket: str,
    prefix: str,
    endpoint_url: str | None,
    create_bucket: bool = False,
    client: Any = None,
) -> UploadResult:
    run = read_run_dir(src)
    uploader = Uploader(bucket, prefix, endpoint_url, client)
    try:
        uploader.check_bucket(create_bucket)
        result = uploader.upload(run)
    except (ClientError, BotoCoreError) as exc:
        raise _explain(exc, bucket, endpoint_url) from exc
    log.info(
        "run %s: %d objects uploaded, %d already there",
        run.run_id,
        result.uploaded,
        result.skipped,
        extra={"fields": {"run_id": run.run_id, "records": result.manifest["records"]}},
    )
    return result
