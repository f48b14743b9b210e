"""`scraper upload`: move one run directory from the shared volume into S3, safely repeatable.

Layout (docs/cli.md, "Run directory and object layout"):
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/shard=<i>/profiles.jsonl  (+ summary.json)
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/manifest.json            written last: a manifest = a complete upload

Three steps: check every line of every shard (one streaming pass per file, which also gives its
sha256), then send what S3 does not already hold with boto3's managed transfer (multipart and
concurrency are its job), then the manifest. Nothing is sent before the whole run is known to be
valid. Every object carries its sha256 in metadata, so a retried upload completes a half-finished one
and a repeated one sends nothing.
"""

from __future__ import annotations

import functools
import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError

from scraper import settings
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
    file_sha256,
    read_run_dir,
    write_json_atomically,
)

log = logging.getLogger(__name__)

SHA_METADATA = "sha256"
JSONL_TYPE = "application/x-ndjson"
JSON_TYPE = "application/json"
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


def _log_retry(
    total: int, attempts: int, caught_exception: Exception | None = None, response: Any = None, **kw: Any
) -> None:
    """A line for every failed S3 attempt, so that a slow or frozen S3 is not silence; `total` is how
    many attempts botocore makes, so the last line says that nothing follows."""
    if caught_exception is not None:
        reason = type(caught_exception).__name__
    else:
        status = (response or (None, {}))[1].get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status < 500 and status != 429:
            return
        reason = f"HTTP {status}"
    operation = kw.get("operation")
    log.warning(
        "S3 %s attempt %d of %d failed (%s); %s",
        getattr(operation, "name", "request"),
        attempts,
        total,
        reason,
        "retrying" if attempts < total else "giving up",
        extra={"fields": {"attempt": attempts, "reason": reason}},
    )


def s3_client(endpoint_url: str | None) -> Any:
    """boto3 S3 client: path-style for custom endpoints (SeaweedFS, MinIO); default chain otherwise (IRSA).
    Retries are botocore's own (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS)."""
    retries = settings.aws_retries()
    config = Config(
        retries=dict(retries),  # a copy: botocore rewrites the dict it is given
        s3={"addressing_style": "path"} if endpoint_url else {},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=MAX_CONCURRENCY + 2,
    )
    region = settings.aws_region() or "us-east-1"
    # boto3's default session: the service models it loads are reused by every client of the process.
    client = boto3.client("s3", endpoint_url=endpoint_url or None, config=config, region_name=region)
    client.meta.events.register(
        "needs-retry.s3", functools.partial(_log_retry, retries["total_max_attempts"])
    )
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
            data = scratch / f"{shard.index}-{PROFILES_FILE}"
            compact(shard.profiles, data)
            log.info("%s: %d superseded lines left out of the upload", shard.profiles, check.duplicates)
            check = check_jsonl(data, run.run_id)
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


def _shard_objects(base: str, item: _CheckedShard) -> tuple[_Object, _Object]:
    """The shard's data and summary, each at its key under `base`."""
    shard = item.shard
    where = f"{base}/shard={shard.index}"
    return (
        _Object(item.data, f"{where}/{PROFILES_FILE}", item.check.sha256, JSONL_TYPE),
        _Object(shard.summary_file, f"{where}/{SUMMARY_FILE}", file_sha256(shard.summary_file), JSON_TYPE),
    )


def _manifest(
    run: RunDir, uploader: Uploader, checked: list[_CheckedShard], objects: list[tuple[_Object, _Object]]
) -> dict[str, Any]:
    files: list[dict[str, Any]] = []
    for item, (data, summary) in zip(checked, objects, strict=True):
        shard = item.shard
        files.append(
            {
                "shard": shard.index,
                "key": data.key,
                "sha256": data.sha256,
                "bytes": data.path.stat().st_size,
                "records": item.check.profiles,
                "counts": item.check.counts,
                "outcome": shard.summary.get("outcome"),
            }
        )
        files.append(
            {
                "shard": shard.index,
                "key": summary.key,
                "sha256": summary.sha256,
                "bytes": summary.path.stat().st_size,
            }
        )
    return {
        "schema_version": 1,
        "run_id": run.run_id,
        "dt": run.date,
        "bucket": uploader.bucket,
        "prefix": uploader.prefix,
        "records": sum(item.check.profiles for item in checked),
        # True when some shard did not finish and the upload was asked to ship it anyway.
        "partial": any(item.shard.summary.get("outcome") != "complete" for item in checked),
        "files": files,
    }


def _why_unfinished(shard: Shard) -> str:
    summary = shard.summary
    name = shard.directory.name
    outcome = summary.get("outcome")
    if outcome == "running":
        return f"{name} crashed or is still running"
    if outcome == "stopped":
        return f"{name} was stopped ({(summary.get('stopped_by') or {}).get('reason', 'unknown reason')})"
    if outcome == "partial":
        return f"{name} is partial ({summary.get('final')} of {summary.get('requested')} profiles have a final status)"
    if outcome == "failed":
        return f"{name} failed ({summary.get('failure')})"
    return f"{name} has no outcome in its summary"


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
    allow_partial: bool = False,
) -> UploadResult:
    run = read_run_dir(src)
    settings.run_id(run.run_id, f"{run.src}: the run id")
    unfinished = [s for s in run.shards if s.summary.get("outcome") != "complete"]
    if unfinished and not allow_partial:
        raise BadInput(
            f"run {run.run_id} did not finish ({'; '.join(_why_unfinished(s) for s in unfinished)}): "
            "resume the scrape with --resume, or pass --allow-partial to upload it as a partial run"
        )
    if unfinished:
        log.warning("uploading run %s as partial: %d shards did not finish", run.run_id, len(unfinished))
    with _scratch() as scratch:
        checked = _check_run(run, scratch)
        uploader = Uploader(bucket, prefix, endpoint_url, client)
        base = f"{uploader.prefix}/dt={run.date}/run={run.run_id}"
        shard_objects = [_shard_objects(base, item) for item in checked]
        objects = [obj for pair in shard_objects for obj in pair]
        manifest = _manifest(run, uploader, checked, shard_objects)
        if not manifest["records"]:
            log.warning("run %s holds no records: uploading its empty shards and manifest", run.run_id)
        write_json_atomically(run.manifest_file, manifest)
        manifest_key = f"{base}/{MANIFEST_FILE}"
        try:
            uploader.check_bucket(create_bucket)
            uploader.send(objects)
            uploader.send(
                [_Object(run.manifest_file, manifest_key, file_sha256(run.manifest_file), JSON_TYPE)]
            )
        except (ClientError, BotoCoreError) as exc:
            raise _explain(exc, bucket, endpoint_url) from exc
    log.info(
        "run %s: %d objects uploaded, %d already there",
        run.run_id,
        uploader.uploaded,
        uploader.skipped,
        extra={"fields": {"run_id": run.run_id, "records": manifest["records"]}},
    )
    uris = [uploader.uri(obj.key) for obj in objects] + [uploader.uri(manifest_key)]
    return UploadResult(uris, uploader.uploaded, uploader.skipped, manifest)
