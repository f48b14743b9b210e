"""`scraper upload`: move one run directory from the shared volume into S3, safely repeatable.

Layout (DESIGN.md §6):
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/shard=<i>/profiles.jsonl  (+ summary.json)
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/manifest.json            written last: a manifest = a complete upload

Three steps: check every line of every shard (one streaming pass per file, which also gives its
sha256), then send what S3 does not already hold with boto3's managed transfer (multipart and
concurrency are its job), then the manifest. Nothing is sent before the whole run is known to be
valid. Every object carries its sha256 in metadata, so a retried upload completes a half-finished one
and a repeated one sends nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from scraper.errors import BadCredentials, BadInput, MissingBucket, UploadError
from scraper.rundir import (
    MANIFEST_FILE,
    PROFILES_FILE,
    SUMMARY_FILE,
    RunDir,
    Shard,
    ShardCheck,
    check_jsonl,
    compact,
    read_run_dir,
    write_json_atomically,
)

log = logging.getLogger(__name__)

SHA_METADATA = "sha256"
JSONL_TYPE = "application/x-ndjson"
JSON_TYPE = "application/json"
_RUN_ID_RE = re.compile(r"[\w.\-:+]+")
PART_SIZE = 8 * 1024 * 1024
MULTIPART_THRESHOLD = 16 * 1024 * 1024
MAX_CONCURRENCY = 10
_MISSING = ("404", "NoSuchKey", "NotFound", "NoSuchBucket")


def transfer_config() -> TransferConfig:
    return TransferConfig(
        multipart_threshold=MULTIPART_THRESHOLD,
        multipart_chunksize=PART_SIZE,
        max_concurrency=MAX_CONCURRENCY,
        preferred_transfer_client="classic",
    )


@cache
def _session() -> boto3.session.Session:
    """One botocore session per process: its loaded service models are reused by every client."""
    return boto3.session.Session()


def _log_retry(
    attempts: int, caught_exception: Exception | None = None, response: Any = None, **kw: Any
) -> None:
    """A line for every failed S3 attempt, so that a slow or frozen S3 is not silence."""
    if caught_exception is not None:
        reason = type(caught_exception).__name__
    else:
        status = (response or (None, {}))[1].get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status < 500 and status != 429:
            return
        reason = f"HTTP {status}"
    operation = kw.get("operation")
    log.warning(
        "S3 %s attempt %d failed (%s); botocore retries it",
        getattr(operation, "name", "request"),
        attempts,
        reason,
        extra={"fields": {"attempt": attempts, "reason": reason}},
    )


def s3_client(endpoint_url: str | None) -> Any:
    """boto3 S3 client: path-style for custom endpoints (SeaweedFS, MinIO); default chain otherwise (IRSA).
    Retries are botocore's own (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS)."""
    config = Config(
        retries={
            "mode": os.environ.get("AWS_RETRY_MODE", "standard"),
            "max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS") or 5),
        },
        s3={"addressing_style": "path"} if endpoint_url else {},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=MAX_CONCURRENCY + 2,
    )
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    client = _session().client("s3", endpoint_url=endpoint_url or None, config=config, region_name=region)
    client.meta.events.register("needs-retry.s3", _log_retry)
    return client


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
            return MissingBucket(
                f"bucket {bucket!r} does not exist at {where} (pass --create-bucket to create it)"
            )
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "AccessDenied", "InvalidToken"):
            return BadCredentials(f"S3 at {where} rejected the credentials for bucket {bucket!r} ({code})")
        return UploadError(f"S3 at {where} answered {code} for bucket {bucket!r}: {exc}")
    return UploadError(f"S3 at {where} failed: {exc}")


# ---------------------------------------------------------------- step 1: check


class _CheckCache:
    """Shards already checked, keyed by path, size and mtime: a retried upload of an unchanged run
    does not read the data again (kept in the run directory, local only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.entries: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            self.entries = {}

    @staticmethod
    def _stamp(path: Path) -> list[int]:
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]

    def check(self, path: Path, run_id: str) -> ShardCheck:
        entry = self.entries.get(str(path))
        if entry and entry.get("stamp") == self._stamp(path) and entry.get("run_id") == run_id:
            return ShardCheck(**entry["result"])
        result = check_jsonl(path, run_id)
        self.entries[str(path)] = {"stamp": self._stamp(path), "run_id": run_id, "result": result.to_dict()}
        return result

    def save(self) -> None:
        try:
            self.path.write_text(json.dumps(self.entries), encoding="utf-8")
        except OSError:
            log.warning("cannot write %s; the next upload reads the run again", self.path)


@dataclass
class _Object:
    """One file to put at one key, with its sha256."""

    path: Path
    key: str
    sha256: str
    content_type: str


@dataclass
class _CheckedShard:
    shard: Shard
    check: ShardCheck
    data: Path  # what is sent: the shard's file, or a copy holding only each profile's newest line


def _check_run(run: RunDir, scratch: Path) -> list[_CheckedShard]:
    cache = _CheckCache(run.upload_cache_file)
    checked = []
    for shard in run.shards:
        check = cache.check(shard.profiles, run.run_id)
        data = shard.profiles
        if check.duplicates:  # a resumed run that did not get to compact its file: ship newest lines only
            data = scratch / f"shard-{shard.index}-{PROFILES_FILE}"
            compact(shard.profiles, data)
            check = check_jsonl(data, run.run_id)
            log.info("%s: %d superseded lines left out of the upload", shard.profiles, check.duplicates)
        checked.append(_CheckedShard(shard, check, data))
    cache.save()
    return checked


# ---------------------------------------------------------------- steps 2 and 3: send, manifest


@dataclass
class UploadResult:
    uris: list[str]
    uploaded: int
    skipped: int
    manifest: dict[str, Any]


class Uploader:
    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.client = client or s3_client(endpoint_url)
        self.uploaded = self.skipped = 0

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def check_bucket(self, create: bool) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if create and exc.response.get("Error", {}).get("Code") in _MISSING:
                log.info("creating bucket %s", self.bucket)
                self.client.create_bucket(Bucket=self.bucket)
                return
            raise

    def _remote_sha(self, key: str) -> str | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return head.get("Metadata", {}).get(SHA_METADATA)

    def send(self, objects: list[_Object]) -> None:
        """Put every object whose bytes S3 does not already hold, concurrently."""
        changed = []
        for obj in objects:
            if self._remote_sha(obj.key) == obj.sha256:
                self.skipped += 1
                log.info("unchanged, not uploaded: %s", self.uri(obj.key))
            else:
                changed.append(obj)
        if not changed:
            return
        with create_transfer_manager(self.client, transfer_config()) as manager:
            futures = [
                manager.upload(
                    str(obj.path),
                    self.bucket,
                    obj.key,
                    extra_args={"Metadata": {SHA_METADATA: obj.sha256}, "ContentType": obj.content_type},
                )
                for obj in changed
            ]
            for obj, future in zip(changed, futures, strict=True):
                future.result()
                self.uploaded += 1
                log.info("uploaded %s (%d bytes)", self.uri(obj.key), obj.path.stat().st_size)


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(
    run: RunDir, uploader: Uploader, checked: list[_CheckedShard], keys: dict[str, str]
) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for item in checked:
        shard = item.shard
        files.append(
            {
                "shard": shard.index,
                "key": keys[f"{shard.index}/{PROFILES_FILE}"],
                "sha256": item.check.sha256,
                "bytes": item.data.stat().st_size,
                "records": item.check.profiles,
                "counts": item.check.counts,
                "outcome": shard.summary.get("outcome"),
            }
        )
        files.append(
            {
                "shard": shard.index,
                "key": keys[f"{shard.index}/{SUMMARY_FILE}"],
                "sha256": _file_sha(shard.summary_file),
                "bytes": shard.summary_file.stat().st_size,
            }
        )
    return {
        "schema_version": 1,
        "run_id": run.run_id,
        "dt": run.date,
        "bucket": uploader.bucket,
        "prefix": uploader.prefix,
        "records": sum(item.check.profiles for item in checked),
        "files": files,
    }


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="upload-") as tmp:
        yield Path(tmp)


def upload_run(
    src: Path,
    bucket: str,
    prefix: str,
    endpoint_url: str | None,
    create_bucket: bool = False,
    client: Any = None,
) -> UploadResult:
    run = read_run_dir(src)
    if not _RUN_ID_RE.fullmatch(run.run_id):
        raise BadInput(f"run id {run.run_id!r} cannot be used in an object key")
    with _scratch() as scratch:
        checked = _check_run(run, scratch)
        uploader = Uploader(bucket, prefix, endpoint_url, client)
        base = f"{uploader.prefix}/dt={run.date}/run={run.run_id}"
        keys = {
            f"{item.shard.index}/{name}": f"{base}/shard={item.shard.index}/{name}"
            for item in checked
            for name in (PROFILES_FILE, SUMMARY_FILE)
        }
        objects = []
        for item in checked:
            index = item.shard.index
            objects.append(
                _Object(item.data, keys[f"{index}/{PROFILES_FILE}"], item.check.sha256, JSONL_TYPE)
            )
            summary = item.shard.summary_file
            objects.append(_Object(summary, keys[f"{index}/{SUMMARY_FILE}"], _file_sha(summary), JSON_TYPE))
        manifest = _manifest(run, uploader, checked, keys)
        write_json_atomically(run.manifest_file, manifest)
        manifest_key = f"{base}/{MANIFEST_FILE}"
        try:
            uploader.check_bucket(create_bucket)
            uploader.send(objects)
            uploader.send([_Object(run.manifest_file, manifest_key, _file_sha(run.manifest_file), JSON_TYPE)])
        except (ClientError, BotoCoreError) as exc:
            raise _explain(exc, bucket, endpoint_url) from exc
    log.info(
        "run %s: %d objects uploaded, %d already there",
        run.run_id,
        uploader.uploaded,
        uploader.skipped,
        extra={"fields": {"run_id": run.run_id, "records": manifest["records"]}},
    )
    uris = [uploader.uri(o.key) for o in objects] + [uploader.uri(manifest_key)]
    return UploadResult(uris, uploader.uploaded, uploader.skipped, manifest)
