"""`scraper upload`: move one run directory from the shared volume into S3, safely repeatable.

Layout (docs/cli.md, "Run directory and object layout"):
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/shard=<i>/profiles.jsonl  (+ summary.json)
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/manifest.json            written last: a manifest = a complete upload
  <prefix>/pages/dt=<YYYY-MM-DD>/run=<run_id>/shard=<i>/<profile>/<page>.html.gz   the page archive
  <prefix>/dt=<YYYY-MM-DD>/run=<run_id>/parser=<version>/...     a re-parse of the run (its records only)
(the archive has a key prefix of its own so that one lifecycle rule, `archive_rule`, expires the
pages, which are private data, and nothing else).

Three steps: check every shard, send what S3 does not already hold with boto3's managed transfer
(multipart and concurrency are its job), then the manifest. Every line is checked once: the scrape
checks its file as it ends and records the file's sha256 in its summary, so the upload compares
digests (on a thread while the parts go out); a file without that record (a crashed scrape) or changed
since is checked line by line. No object becomes visible before the whole run is known to be valid.
Every object carries its sha256 in metadata, so a retried upload completes a half-finished one and a
repeated one sends nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
    FINISHED_OUTCOMES,
    MANIFEST_FILE,
    PAGES_DIR,
    PROFILES_FILE,
    SUMMARY_FILE,
    PageArchive,
    RunDir,
    Shard,
    ShardCheck,
    check_jsonl,
    compact,
    file_sha256,
    read_run_dir,
    recorded_check,
    shard_path,
    write_json_atomically,
)

log = logging.getLogger(__name__)

SHA_METADATA = "sha256"
JSONL_TYPE = "application/x-ndjson"
JSON_TYPE = "application/json"
GZIP_TYPE = "application/gzip"
ARCHIVE_RULE_ID = "expire-archived-pages"
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


def explain(exc: Exception, bucket: str, endpoint: str | None) -> UploadError:
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


def _stamp(path: Path) -> list[int]:
    """Size and mtime: taken before a file is read, so that a change while it is read shows."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


class _CheckCache:
    """Shards already checked, keyed by path, size and mtime: a retried upload of an unchanged run
    does not read the data again (kept in the run directory, local only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.entries: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            self.entries = {}

    def get(self, path: Path, run_id: str, stamp: list[int]) -> ShardCheck | None:
        entry = self.entries.get(str(path))
        if entry and entry.get("stamp") == stamp and entry.get("run_id") == run_id:
            return ShardCheck(**entry["result"])
        return None

    def put(self, path: Path, run_id: str, check: ShardCheck, stamp: list[int]) -> None:
        """Remember `check`, found for the file as it was at `stamp`, if the file is still so."""
        if _stamp(path) == stamp:
            self.entries[str(path)] = {"stamp": stamp, "run_id": run_id, "result": check.to_dict()}

    def save(self) -> None:
        try:
            self.path.write_text(json.dumps(self.entries), encoding="utf-8")
        except OSError:
            log.warning("cannot write %s; the next upload reads the run again", self.path)


@dataclass
class _CheckedShard:
    shard: Shard
    check: ShardCheck
    data: Path  # what is sent: the shard's file, or a copy holding only each profile's newest line
    stamp: list[int]  # of `data`, taken before it was checked
    confirmed: bool = True  # False: `check` is the scrape's, the file's sha256 is compared while it is sent


def _check_shard(
    shard: Shard, run_id: str, cache: _CheckCache, scratch: Path, trust_summary: bool = True
) -> _CheckedShard:
    """The shard's figures: remembered from an earlier upload; or the scrape's own check, recorded in
    its summary; or, when there is neither (a scrape that crashed) or the file changed, every line
    checked now."""
    stamp = _stamp(shard.profiles)
    if (check := cache.get(shard.profiles, run_id, stamp)) is not None:
        confirmed = True
    elif trust_summary and (check := recorded_check(shard.summary, run_id)) and not check.duplicates:
        confirmed = False
    else:
        check = check_jsonl(shard.profiles, run_id)
        cache.put(shard.profiles, run_id, check, stamp)
        confirmed = True
    if not check.duplicates:
        return _CheckedShard(shard, check, shard.profiles, stamp, confirmed)
    # A resumed run that did not get to compact its file: ship each profile's newest line only.
    data = scratch / f"{shard.index}-{PROFILES_FILE}"
    compact(shard.profiles, data)
    log.info("%s: %d superseded lines left out of the upload", shard.profiles, check.duplicates)
    return _CheckedShard(shard, check_jsonl(data, run_id), data, _stamp(data))


def _remember_confirmed(
    cache: _CheckCache, checked: list[_CheckedShard], run_id: str, changed: list[Path] | None = None
) -> None:
    """Cache the scrape's figures of the files whose sha256 turned out to match them."""
    for item in checked:
        if not item.confirmed and item.data not in (changed or []):
            cache.put(item.data, run_id, item.check, item.stamp)


class FileChanged(Exception):
    """Files that are no longer the ones that were checked: a sha256 other than their summary's, or a
    size or mtime that moved after they were read."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__(", ".join(map(str, paths)))
        self.paths = paths


class _Confirmation:
    """Compares the sha256 of every file whose figures are its scrape's with the recorded one, on a
    thread while the parts go out (hashlib lets go of the GIL). `wait` returns once that is done and
    no file has changed since it was checked, or raises FileChanged: S3 completes no object before
    it returns, and an object's bytes have all been read by then, so a changed file leaves nothing."""

    def __init__(self, checked: list[_CheckedShard]) -> None:
        self._stamps = {item.data: item.stamp for item in checked}
        claims = {item.data: item.check.sha256 for item in checked if not item.confirmed}
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sha256")
        self._changed = self._pool.submit(lambda: [p for p, sha in claims.items() if file_sha256(p) != sha])

    def wait(self) -> None:
        changed = set(self._changed.result())
        changed.update(path for path, stamp in self._stamps.items() if _stamp(path) != stamp)
        if changed:
            raise FileChanged(sorted(changed))

    def __enter__(self) -> _Confirmation:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown()


# ---------------------------------------------------------------- steps 2 and 3: send, manifest


@dataclass(frozen=True)
class _Object:
    """One file to put at one key, with its sha256."""

    path: Path
    key: str
    sha256: str
    content_type: str


@dataclass
class UploadResult:
    uris: list[str]
    uploaded: int
    skipped: int
    manifest: dict[str, Any]


# The calls that make an object visible: a PUT, and the completion of a multipart upload.
_MAKES_VISIBLE = tuple(
    f"before-parameter-build.s3.{operation}" for operation in ("PutObject", "CompleteMultipartUpload")
)


class Uploader:
    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or s3_client(endpoint_url)

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{key}"

    def check_bucket(self, create: bool, archive_expiry_days: int | None = None) -> None:
        """Raise unless the bucket exists (`create`: make it). With `archive_expiry_days`, the
        bucket's lifecycle rule for the page archive under this prefix is set to expire pages that
        many days after their upload (the bucket's other rules are kept; 0 removes ours)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if not (create and exc.response.get("Error", {}).get("Code") in _MISSING):
                raise
            log.info("creating bucket %s", self.bucket)
            self.client.create_bucket(Bucket=self.bucket)
        if archive_expiry_days is not None:
            self._set_archive_rule(archive_expiry_days)

    def archive_prefix(self) -> str:
        return f"{self.prefix}/{PAGES_DIR}/" if self.prefix else f"{PAGES_DIR}/"

    def _set_archive_rule(self, days: int) -> None:
        try:
            rules = self.client.get_bucket_lifecycle_configuration(Bucket=self.bucket)["Rules"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NoSuchLifecycleConfiguration":
                raise
            rules = []
        rules = [rule for rule in rules if rule.get("ID") != ARCHIVE_RULE_ID]
        if days:
            rules.append(archive_rule(self.archive_prefix(), days))
        if rules:
            self.client.put_bucket_lifecycle_configuration(
                Bucket=self.bucket, LifecycleConfiguration={"Rules": rules}
            )
        else:
            self.client.delete_bucket_lifecycle(Bucket=self.bucket)
        log.info(
            "archived pages under s3://%s/%s %s",
            self.bucket,
            self.archive_prefix(),
            f"expire {days} days after upload" if days else "are kept until deleted",
        )

    def _remote_sha(self, key: str) -> str | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return head.get("Metadata", {}).get(SHA_METADATA)

    def missing(self, objects: list[_Object]) -> list[_Object]:
        """The objects S3 does not hold with these bytes (one concurrent round of HEAD requests)."""
        with ThreadPoolExecutor(MAX_CONCURRENCY, thread_name_prefix="head") as pool:
            held = dict(zip(objects, pool.map(self._remote_sha, [obj.key for obj in objects]), strict=True))
        for obj in objects:
            if held[obj] == obj.sha256:
                log.info("unchanged, not uploaded: %s", self.uri(obj.key))
        return [obj for obj in objects if held[obj] != obj.sha256]

    def send(self, objects: list[_Object], before_visible: Callable[[], None] = lambda: None) -> None:
        """Put `objects`, concurrently. None becomes visible before `before_visible` has returned; if
        it raises, every transfer fails with its exception and the parts already sent are aborted."""
        if not objects:
            return
        keys = {obj.key for obj in objects}

        def gate(params: dict[str, Any], **_: Any) -> None:  # only this call's objects: a client
            if params.get("Bucket") == self.bucket and params.get("Key") in keys:  # may be shared
                before_visible()

        events = self.client.meta.events
        for event in _MAKES_VISIBLE:
            events.register(event, gate)
        try:
            self._transfer(objects)
        finally:
            for event in _MAKES_VISIBLE:
                events.unregister(event, gate)

    def _transfer(self, objects: list[_Object]) -> None:
        with create_transfer_manager(self.client, transfer_config()) as manager:
            futures = [
                manager.upload(
                    str(obj.path),
                    self.bucket,
                    obj.key,
                    extra_args={"Metadata": {SHA_METADATA: obj.sha256}, "ContentType": obj.content_type},
                )
                for obj in objects
            ]
            for obj, future in zip(objects, futures, strict=True):
                future.result()
                log.info("uploaded %s (%d bytes)", self.uri(obj.key), obj.path.stat().st_size)


def archive_rule(prefix: str, days: int) -> dict[str, Any]:
    """The lifecycle rule that expires the page archive (and only it: its own key prefix)."""
    return {
        "ID": ARCHIVE_RULE_ID,
        "Filter": {"Prefix": prefix},
        "Status": "Enabled",
        "Expiration": {"Days": days},
    }


def run_base(prefix: str, date: str, run_id: str, reparsed_by: int | None = None) -> str:
    """Where a run's records, summaries and manifest go; a re-parse's beside its run's, one level down
    (the original records stay as they were: the warehouse keeps the newest parser's)."""
    base = f"{prefix}/dt={date}/run={run_id}"
    return base if reparsed_by is None else f"{base}/parser={reparsed_by}"


def pages_base(prefix: str, date: str, run_id: str) -> str:
    """Where a run's archived pages go."""
    return f"{prefix}/{PAGES_DIR}/dt={date}/run={run_id}"


def page_key(prefix: str, date: str, run_id: str, shard: int, name: str) -> str:
    """The key of an archived page a record of that run and shard names (`pages`: `pages/<rest>`)."""
    return f"{pages_base(prefix, date, run_id)}/shard={shard}/{name.removeprefix(PAGES_DIR + '/')}"


def _shard_objects(base: str, item: _CheckedShard) -> tuple[_Object, _Object]:
    """The shard's data and summary, each at its key under `base`."""
    shard = item.shard
    where = f"{base}/shard={shard.index}"
    return (
        _Object(item.data, f"{where}/{PROFILES_FILE}", item.check.sha256, JSONL_TYPE),
        _Object(shard.summary_file, f"{where}/{SUMMARY_FILE}", file_sha256(shard.summary_file), JSON_TYPE),
    )


def _page_objects(run: RunDir, prefix: str, shard: Shard) -> list[_Object]:
    """The shard's archived pages (no line to check: each is sent as it is, with its sha256)."""
    return [
        _Object(path, page_key(prefix, run.date, run.run_id, shard.index, name), file_sha256(path), GZIP_TYPE)
        for path in PageArchive(shard.directory).files()
        if (name := path.relative_to(shard.directory).as_posix())
    ]


def _manifest(
    run: RunDir,
    uploader: Uploader,
    checked: list[_CheckedShard],
    objects: list[tuple[_Object, _Object]],
    pages: list[_Object],
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
                "account": shard.summary.get("account"),
                "stopped_by": shard.summary.get("stopped_by"),
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
        # True when some shard did not finish and the upload was asked to ship it anyway (its file
        # entry's `outcome` and `stopped_by` say why).
        "partial": any(item.shard.summary.get("outcome") not in FINISHED_OUTCOMES for item in checked),
        "files": files,
        "pages": {
            "prefix": page_key(uploader.prefix, run.date, run.run_id, 0, f"{PAGES_DIR}/").rsplit(
                "/shard=", 1
            )[0],
            "count": len(pages),
            "bytes": sum(page.path.stat().st_size for page in pages),
        },
    }


def unfinished(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The shards of an uploaded run that did not finish, with why: what the DAG's report names."""
    return [
        {key: item.get(key) for key in ("shard", "account", "outcome", "stopped_by")}
        for item in manifest["files"]
        if "outcome" in item and item["outcome"] not in FINISHED_OUTCOMES
    ]


def _why_unfinished(shard: Shard) -> str:
    summary = shard.summary
    name = shard.directory.name
    outcome = summary.get("outcome")
    if outcome == "running":
        return f"{name} crashed or is still running"
    if outcome == "stopped":
        return f"{name} was stopped ({(summary.get('stopped_by') or {}).get('reason', 'unknown reason')})"
    if outcome == "partial":
        return f"{name} is partial ({summary.get('settled')} of {summary.get('requested')} profiles were settled)"
    if outcome == "failed":
        return f"{name} failed ({summary.get('failure')})"
    return f"{name} has no outcome in its summary"


def _send_run(run: RunDir, uploader: Uploader, checked: list[_CheckedShard]) -> UploadResult:
    """The shards' objects, then the manifest: a manifest in S3 means the run is there whole."""
    base = run_base(uploader.prefix, run.date, run.run_id, run.reparsed_by)
    shard_objects = [_shard_objects(base, item) for item in checked]
    pages = [page for item in checked for page in _page_objects(run, uploader.prefix, item.shard)]
    objects = [obj for pair in shard_objects for obj in pair] + pages
    manifest = _manifest(run, uploader, checked, shard_objects, pages)
    if not manifest["records"]:
        log.warning("run %s holds no records: uploading its empty shards and manifest", run.run_id)
    write_json_atomically(run.manifest_file, manifest)
    manifest_object = _Object(
        run.manifest_file, f"{base}/{MANIFEST_FILE}", file_sha256(run.manifest_file), JSON_TYPE
    )
    missing = uploader.missing([*objects, manifest_object])
    with _Confirmation(checked) as confirmation:
        uploader.send([obj for obj in missing if obj != manifest_object], confirmation.wait)
        confirmation.wait()  # for the objects S3 already held, too
    if manifest_object in missing:
        uploader.send([manifest_object])
    objects.append(manifest_object)
    uris = [uploader.uri(obj.key) for obj in objects]
    return UploadResult(uris, len(missing), len(objects) - len(missing), manifest)


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
    run = read_run_dir(src, skip_unstarted=allow_partial)
    settings.run_id(run.run_id, f"{run.src}: the run id")
    unfinished = [s for s in run.shards if s.summary.get("outcome") not in FINISHED_OUTCOMES]
    if unfinished and not allow_partial:
        raise BadInput(
            f"run {run.run_id} did not finish ({'; '.join(_why_unfinished(s) for s in unfinished)}): "
            "resume the scrape with --resume, or pass --allow-partial to upload it as a partial run"
        )
    if unfinished:
        log.warning("uploading run %s as partial: %d shards did not finish", run.run_id, len(unfinished))
    cache = _CheckCache(run.upload_cache_file)
    with _scratch() as scratch:
        checked = [_check_shard(shard, run.run_id, cache, scratch) for shard in run.shards]
        uploader = Uploader(bucket, prefix, endpoint_url, client)
        try:
            uploader.check_bucket(create_bucket)
            try:
                result = _send_run(run, uploader, checked)
            except FileChanged as exc:
                log.warning("%s changed since the scrape checked it: checking every line", exc)
                _remember_confirmed(cache, checked, run.run_id, changed=exc.paths)
                checked = [
                    _check_shard(shard, run.run_id, cache, scratch, trust_summary=False)
                    for shard in run.shards
                ]
                result = _send_run(run, uploader, checked)
        except (ClientError, BotoCoreError) as exc:
            raise explain(exc, bucket, endpoint_url) from exc
    _remember_confirmed(cache, checked, run.run_id)
    cache.save()
    log.info(
        "run %s: %d objects uploaded, %d already there",
        run.run_id,
        result.uploaded,
        result.skipped,
        extra={"fields": {"run_id": run.run_id, "records": result.manifest["records"]}},
    )
    return result


# ---------------------------------------------------------------- reading a run back (re-parse)

_MANIFEST_KEY_RE = re.compile(r"/dt=(\d{4}-\d{2}-\d{2})/run=([^/]+)/" + re.escape(MANIFEST_FILE) + "$")


def uploaded_runs(uploader: Uploader, since: dt.date, until: dt.date) -> list[str]:
    """The manifest keys of the runs (not of their re-parses) uploaded under the prefix with a `dt`
    from `since` to `until`, in date and run order."""
    keys = []
    paginator = uploader.client.get_paginator("list_objects_v2")
    day = since
    while day <= until:
        for page in paginator.paginate(
            Bucket=uploader.bucket, Prefix=f"{uploader.prefix}/dt={day.isoformat()}/"
        ):
            keys += [o["Key"] for o in page.get("Contents", []) if _MANIFEST_KEY_RE.search(o["Key"])]
        day += dt.timedelta(days=1)
    return sorted(keys)


def download_run(uploader: Uploader, manifest_key: str, dst: Path) -> Path:
    """The uploaded run of `manifest_key` as a run directory in `dst`, archived pages included (the
    ones its records name): what `scraper reparse --src` reads."""
    manifest = json.loads(uploader.client.get_object(Bucket=uploader.bucket, Key=manifest_key)["Body"].read())
    run_id, date = manifest["run_id"], manifest["dt"]
    for item in manifest["files"]:
        shard_dir = Path(shard_path(dst, item["shard"]))
        shard_dir.mkdir(parents=True, exist_ok=True)
        target = shard_dir / item["key"].rsplit("/", 1)[1]
        uploader.client.download_file(uploader.bucket, item["key"], str(target))
        if target.name != PROFILES_FILE:
            continue
        with open(target, "rb") as fh:
            names = {name for line in fh for name in json.loads(line)["pages"]}
        fetch = functools.partial(_download_page, uploader, date, run_id, item["shard"], shard_dir)
        with ThreadPoolExecutor(MAX_CONCURRENCY, thread_name_prefix="pages") as pool:
            list(pool.map(fetch, sorted(names)))
    return dst


def _download_page(
    uploader: Uploader, date: str, run_id: str, shard: int, shard_dir: Path, name: str
) -> None:
    """One archived page; one that is gone (expired) is left out: its record is copied, not re-parsed."""
    (shard_dir / name).parent.mkdir(parents=True, exist_ok=True)
    key = page_key(uploader.prefix, date, run_id, shard, name)
    try:
        uploader.client.download_file(uploader.bucket, key, str(shard_dir / name))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in _MISSING:
            raise
        log.warning("archived page %s is gone (expired?)", uploader.uri(key))
