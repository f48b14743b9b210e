"""`scraper upload` against a real S3 HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scraper import upload
from scraper.errors import BadInput, UploadError
from scraper.rundir import PageArchive, file_sha256, latest, summarise, write_summary
from scraper.snapshot import PageSnapshot
from scraper.upload import unfinished, upload_run
from tests.conftest import REPO, run_cli
from tests.devtools.records import write_run_dir
from tests.integration.conftest import S3_ENV, bucket_client
from tests.integration.s3_server import S3Server

PREFIX = "linkedin/profiles"
RUN = "scheduled__2026-11-25T06-00-00"


def _keys(server: S3Server, bucket: str) -> dict[str, bytes]:
    client = bucket_client(server)
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing}


def test_upload_writes_shards_then_the_manifest(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=3, per_shard=4)
    result = upload_run(src, bucket, PREFIX, s3.endpoint)
    base = f"{PREFIX}/dt=2026-11-25/run={RUN}"
    objects = _keys(s3, bucket)
    assert sorted(objects) == sorted(
        [f"{base}/shard={i}/{n}" for i in range(3) for n in ("profiles.jsonl", "summary.json")]
        + [f"{base}/manifest.json"]
    )
    for i in range(3):
        assert (
            objects[f"{base}/shard={i}/profiles.jsonl"]
            == (src / f"shard-{i}" / "profiles.jsonl").read_bytes()
        )
    manifest = json.loads(objects[f"{base}/manifest.json"])
    assert manifest == json.loads((src / "manifest.json").read_text()) == result.manifest
    assert manifest["records"] == 12 and manifest["run_id"] == RUN
    jsonl = [f for f in manifest["files"] if f["key"].endswith(".jsonl")]
    assert [f["records"] for f in jsonl] == [4, 4, 4]
    assert all(f["sha256"] == hashlib.sha256(objects[f["key"]]).hexdigest() for f in manifest["files"])
    puts = [path for method, path, _ in s3.state.requests if method == "PUT"]
    assert puts[-1].endswith("manifest.json")  # written last: a manifest means a complete upload
    assert result.uris[-1] == f"s3://{bucket}/{base}/manifest.json"


def test_a_second_upload_of_the_same_run_makes_no_put(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=3)
    upload_run(src, bucket, PREFIX, s3.endpoint)
    s3.reset_counts()
    again = upload_run(src, bucket, PREFIX, s3.endpoint)
    assert s3.state.count("PUT") == 0 and s3.state.count("POST") == 0
    assert again.uploaded == 0 and again.skipped == 5


def test_a_flat_scrape_output_is_shard_0(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / "flat", RUN, shards=1, per_shard=2, flat=True)
    upload_run(src, bucket, PREFIX, s3.endpoint)
    assert f"{PREFIX}/dt=2026-11-25/run={RUN}/shard=0/profiles.jsonl" in _keys(s3, bucket)


def test_server_dying_mid_upload_then_a_retry_leaves_one_complete_copy(
    s3: S3Server, bucket: str, tmp_path: Path
) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=3, per_shard=3)
    s3.state.fail_after_puts = 2
    with pytest.raises(UploadError, match="cannot reach|failed|Connection"):
        upload_run(src, bucket, PREFIX, s3.endpoint)
    partial = _keys(s3, bucket)
    assert len(partial) == 2 and not any(k.endswith("manifest.json") for k in partial)
    s3.state.down, s3.state.fail_after_puts = False, None
    s3.reset_counts()
    upload_run(src, bucket, PREFIX, s3.endpoint)
    assert s3.state.count("PUT") == 7 - 2  # the two objects already there were not sent again
    objects = _keys(s3, bucket)
    assert len(objects) == 7
    manifest = json.loads(objects[f"{PREFIX}/dt=2026-11-25/run={RUN}/manifest.json"])
    assert all(hashlib.sha256(objects[f["key"]]).hexdigest() == f["sha256"] for f in manifest["files"])


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    import scraper.upload as upload

    monkeypatch.setattr(upload, "MULTIPART_THRESHOLD", 64 * 1024)
    monkeypatch.setattr(upload, "PART_SIZE", 5 * 1024 * 1024)  # S3's smallest part


@pytest.mark.usefixtures("small_parts")
def test_large_files_stream_multipart_and_stay_idempotent(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=4000)
    data = (src / "shard-0" / "profiles.jsonl").read_bytes()
    assert len(data) > 5 * 1024 * 1024
    upload_run(src, bucket, PREFIX, s3.endpoint)
    assert any(
        path.endswith("?uploads") or "uploads=" in path for m, path, _ in s3.state.requests if m == "POST"
    )
    assert _keys(s3, bucket)[f"{PREFIX}/dt=2026-11-25/run={RUN}/shard=0/profiles.jsonl"] == data
    s3.reset_counts()
    (src / ".upload-cache.json").unlink()  # even without the local cache, nothing is sent again
    upload_run(src, bucket, PREFIX, s3.endpoint)
    assert s3.state.count("PUT") == 0 and s3.state.count("POST") == 0


def test_a_file_changed_since_its_scrape_checked_it_is_checked_again_and_sent_as_it_is(
    s3: S3Server, bucket: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The counts a summary records hold only for the file its scrape checked."""
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=3)
    data = src / "shard-1" / "profiles.jsonl"
    added = {**json.loads(data.read_text().splitlines()[0]), "profile_id": "added-later", "status": "private"}
    with open(data, "a") as fh:
        fh.write(json.dumps(added) + "\n")
    with caplog.at_level(logging.INFO, logger="scraper.upload"):
        result = upload_run(src, bucket, PREFIX, s3.endpoint)
    assert any("changed since the scrape checked it" in r.getMessage() for r in caplog.records)
    key = f"{PREFIX}/dt=2026-11-25/run={RUN}/shard=1/profiles.jsonl"
    assert _keys(s3, bucket)[key] == data.read_bytes()
    (entry,) = [f for f in result.manifest["files"] if f["key"] == key]
    assert (entry["records"], entry["counts"]) == (4, {"ok": 3, "private": 1})
    assert entry["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert result.manifest["records"] == 7


@pytest.mark.parametrize(
    "forged",
    [
        {"sha256": "not-a-digest"},
        {"records": 999},  # more profiles than its counts
        {"counts": {"ok": -1, "private": 4}},
        {"counts": {"done": 3}},  # not a status
        {"lines": 2},  # fewer lines than profiles
        {"run_id": "another-run"},
    ],
)
def test_a_summary_whose_figures_do_not_add_up_is_not_believed(
    s3: S3Server, bucket: str, tmp_path: Path, forged: dict
) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=3, flat=True)
    summary = json.loads((src / "summary.json").read_text())
    (src / "summary.json").write_text(json.dumps({**summary, **forged, "run_id": RUN}))
    result = upload_run(src, bucket, PREFIX, s3.endpoint)
    assert (result.manifest["records"], result.manifest["files"][0]["counts"]) == (3, {"ok": 3})


def test_a_file_written_to_during_the_upload_is_not_sent_with_the_scrapes_figures(
    s3: S3Server, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer appends a bad line right after the upload read the file for its sha256."""
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=3, flat=True)

    def sha256_then_someone_appends(path: Path) -> str:
        digest = file_sha256(path)
        if path.name == "profiles.jsonl":
            with open(path, "a") as fh:
                fh.write('{"schema_version": 1, "truncated\n')
        return digest

    monkeypatch.setattr(upload, "file_sha256", sha256_then_someone_appends)
    with pytest.raises(BadInput, match="line 4: not JSON"):
        upload_run(src, bucket, PREFIX, s3.endpoint)
    assert not _keys(s3, bucket)
    monkeypatch.setattr(upload, "file_sha256", file_sha256)
    with pytest.raises(BadInput, match="line 4: not JSON"):  # nothing remembered it as checked
        upload_run(src, bucket, PREFIX, s3.endpoint)


def test_uploads_sharing_a_client_each_hold_back_only_their_own_objects(
    s3: S3Server, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write_run_dir(tmp_path / "good" / RUN, RUN, shards=1, per_shard=3, flat=True)
    bad = write_run_dir(tmp_path / "bad" / RUN, RUN, shards=1, per_shard=3, flat=True)
    with open(bad / "profiles.jsonl", "a") as fh:
        fh.write("garbage\n")
    good_sending, bad_refused = threading.Event(), threading.Event()

    def slow_for_the_good_run(path: Path) -> str:  # the good run's gate stays shut meanwhile
        if path == good / "profiles.jsonl":
            good_sending.set()
            bad_refused.wait(5)
        return file_sha256(path)

    monkeypatch.setattr(upload, "file_sha256", slow_for_the_good_run)
    client = upload.s3_client(s3.endpoint)
    with ThreadPoolExecutor(1) as pool:
        good_upload = pool.submit(upload_run, good, bucket, "good", s3.endpoint, client=client)
        assert good_sending.wait(10)
        time.sleep(0.5)  # the good run's HEAD requests, then its gate is in place
        with pytest.raises(BadInput, match="line 4: not JSON"):
            upload_run(bad, bucket, "bad", s3.endpoint, client=client)
        bad_refused.set()
        assert good_upload.result(timeout=60).manifest["records"] == 3
    assert not [key for key in _keys(s3, bucket) if key.startswith("bad/")]


@pytest.mark.usefixtures("small_parts")
def test_a_bad_line_late_in_a_streamed_file_leaves_nothing_behind(
    s3: S3Server, bucket: str, tmp_path: Path
) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=4000)
    with open(src / "shard-1" / "profiles.jsonl", "a") as fh:
        fh.write('{"schema_version": 1, "truncated\n')
    with pytest.raises(BadInput, match="shard-1/profiles.jsonl line 4001: not JSON"):
        upload_run(src, bucket, PREFIX, s3.endpoint)
    client = bucket_client(s3)
    assert not _keys(s3, bucket)
    assert not client.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_wrong_credentials_are_a_clear_error(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=1)
    s3.state.access_key = "AKIATHEONLYVALIDKEY"
    with pytest.raises(UploadError, match="rejected the credentials") as info:
        upload_run(src, bucket, PREFIX, s3.endpoint)
    assert info.value.exit_code == 2
    assert "pipeline-test-secret-key" not in str(info.value)


def test_missing_bucket_is_a_clear_error_unless_asked_to_create(s3: S3Server, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=1)
    with pytest.raises(UploadError, match="does not exist .* --create-bucket"):
        upload_run(src, "no-such-bucket-here", PREFIX, s3.endpoint)
    upload_run(src, "created-by-upload", PREFIX, s3.endpoint, create_bucket=True)
    assert _keys(s3, "created-by-upload")


def test_checksum_calculation_when_required_for_non_aws_stores(
    s3: S3Server, bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=2)
    upload_run(src, bucket, PREFIX, s3.endpoint)
    put_headers = [h for method, _, h in s3.state.requests if method == "PUT"]
    assert put_headers and not any(k.lower().startswith("x-amz-checksum-") for h in put_headers for k in h)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda p: p.write_text(p.read_text() + "{not json\n"), "line 4: not JSON"),
        (
            lambda p: p.write_text(p.read_text().replace('"schema_version": 2', '"schema_version": 9', 1)),
            "line 1: unknown schema_version 9",
        ),
        (lambda p: (p.parent / "summary.json").unlink(), "summary.json is missing"),
        (
            lambda p: p.write_text(p.read_text().replace(RUN, "another-run", 1)),
            "line 1: run_id 'another-run'",
        ),
    ],
)
def test_an_invalid_run_dir_uploads_nothing(
    s3: S3Server, bucket: str, tmp_path: Path, mangle, message
) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=3)
    mangle(src / "shard-1" / "profiles.jsonl")
    with pytest.raises(BadInput, match=message):
        upload_run(src, bucket, PREFIX, s3.endpoint)
    assert s3.state.count("PUT") == 0 and not _keys(s3, bucket)


def test_cli_prints_uris_and_exits_2_on_corrupt_jsonl(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=2)
    args = ("upload", "--src", str(src), "--bucket", bucket, "--endpoint-url", s3.endpoint)
    ok = run_cli(*args, env=S3_ENV)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[-1] == f"s3://{bucket}/{PREFIX}/dt=2026-11-25/run={RUN}/manifest.json"
    with open(src / "shard-0" / "profiles.jsonl", "a") as fh:
        fh.write("garbage\n")
    bad = run_cli(*args, env=S3_ENV)
    assert bad.returncode == 2
    assert "line 3: not JSON" in bad.stderr


def _end_shard_as(directory: Path, **how: object) -> None:
    """Rewrite a shard's summary as the scraper writes it for a run that ended that way."""
    ids = list(latest(directory).status)
    summary = summarise(directory, RUN, [*ids, "never-reached"], started_at="2026-11-25T06:00:00Z", **how)  # type: ignore[arg-type]
    write_summary(directory, summary)


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ({"stopped_by": {"reason": "barrier", "kind": "checkpoint"}}, "shard-1 was stopped (barrier)"),
        ({}, "shard-1 is partial (3 of 4 profiles were settled)"),
        ({"running": True}, "shard-1 crashed or is still running"),
        ({"failure": "KeyError: 'x'"}, "shard-1 failed (KeyError: 'x')"),
    ],
)
def test_an_unfinished_run_is_refused_unless_asked(
    s3: S3Server, bucket: str, tmp_path: Path, how: dict, said: str
) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=3)
    _end_shard_as(src / "shard-1", **how)
    with pytest.raises(BadInput, match=re.escape(said) + ".*--allow-partial") as info:
        upload_run(src, bucket, PREFIX, s3.endpoint)
    assert info.value.exit_code == 2
    assert not s3.state.requests  # refused before S3 was asked anything
    result = upload_run(src, bucket, PREFIX, s3.endpoint, allow_partial=True)
    assert result.manifest["partial"] is True
    outcomes = [f["outcome"] for f in result.manifest["files"] if f["key"].endswith(".jsonl")]
    assert outcomes[0] == "complete" and outcomes[1] != "complete"


def test_a_shard_that_wrote_nothing_is_passed_over_only_when_partial_is_allowed(
    s3: S3Server, bucket: str, tmp_path: Path
) -> None:
    """A scrape refused before it wrote anything leaves its directory with only its lock file."""
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=3)
    (src / "shard-2").mkdir()
    (src / "shard-2" / ".lock").write_text("{}")
    with pytest.raises(BadInput, match="shard-2"):
        upload_run(src, bucket, PREFIX, s3.endpoint)
    result = upload_run(src, bucket, PREFIX, s3.endpoint, allow_partial=True)
    assert {item["shard"] for item in result.manifest["files"] if "shard" in item} == {0, 1}
    assert result.manifest["records"] == 6


def test_a_run_the_daily_cap_deferred_is_finished(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=3)
    _end_shard_as(src / "shard-1", stopped_by={"reason": "daily_cap", "cap": 3, "account": "main"})
    result = upload_run(src, bucket, PREFIX, s3.endpoint)
    assert result.manifest["partial"] is False
    assert unfinished(result.manifest) == []


def test_the_manifest_says_which_shard_stopped_and_why(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=3)
    stop = {"reason": "barrier", "kind": "checkpoint", "url": "http://x/in/y/"}
    _end_shard_as(src / "shard-1", stopped_by=stop, account="second")
    result = upload_run(src, bucket, PREFIX, s3.endpoint, allow_partial=True)
    assert unfinished(result.manifest) == [
        {"shard": 1, "account": "second", "outcome": "stopped", "stopped_by": stop}
    ]


def test_a_complete_run_says_so_in_the_manifest(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=2)
    assert upload_run(src, bucket, PREFIX, s3.endpoint).manifest["partial"] is False


def test_only_the_newest_line_of_a_profile_is_shipped(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    """A resumed run that crashed before compacting its file, shipped as partial."""
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=3, flat=True)
    first = json.loads((src / "profiles.jsonl").read_text().splitlines()[0])
    with open(src / "profiles.jsonl", "a") as fh:
        fh.write(json.dumps({**first, "status": "private", "scraped_at": "2026-11-25T07:00:00Z"}) + "\n")
    _end_shard_as(src, running=True)
    result = upload_run(src, bucket, PREFIX, s3.endpoint, allow_partial=True)
    shipped = _keys(s3, bucket)[f"{PREFIX}/dt=2026-11-25/run={RUN}/shard=0/profiles.jsonl"].decode()
    lines = [json.loads(line) for line in shipped.splitlines()]
    assert [r["profile_id"] for r in lines].count(first["profile_id"]) == 1 and len(lines) == 3
    assert lines[-1]["status"] == "private"
    assert result.manifest["records"] == 3
    assert result.manifest["files"][0]["counts"] == {"ok": 2, "private": 1}


@pytest.mark.usefixtures("small_parts")
def test_superseded_lines_of_a_large_file_are_left_out_and_counted_in_the_log(
    s3: S3Server, bucket: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A resumed run's file big enough for a multipart upload: only each profile's newest line goes."""
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=4000, flat=True)
    first = json.loads((src / "profiles.jsonl").read_text().splitlines()[0])
    with open(src / "profiles.jsonl", "a") as fh:
        fh.write(json.dumps({**first, "status": "private", "scraped_at": "2026-11-25T07:00:00Z"}) + "\n")
    _end_shard_as(src, running=True)
    with caplog.at_level(logging.INFO, logger="scraper.upload"):
        result = upload_run(src, bucket, PREFIX, s3.endpoint, allow_partial=True)
    shipped = _keys(s3, bucket)[f"{PREFIX}/dt=2026-11-25/run={RUN}/shard=0/profiles.jsonl"].decode()
    ids = [json.loads(line)["profile_id"] for line in shipped.splitlines()]
    assert ids.count(first["profile_id"]) == 1 and len(ids) == 4000
    assert result.manifest["records"] == 4000
    assert any("1 superseded lines left out of the upload" in r.getMessage() for r in caplog.records)
    assert not bucket_client(s3).list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_cli_refuses_an_unfinished_run_in_one_sentence(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=2, flat=True)
    _end_shard_as(src, stopped_by={"reason": "sigterm"})
    args = ("upload", "--src", str(src), "--bucket", bucket, "--endpoint-url", s3.endpoint)
    refused = run_cli(*args, env=S3_ENV)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"scraper upload: run {RUN} did not finish ({RUN} was stopped (sigterm))" in refused.stderr
    shipped = run_cli(*args, "--allow-partial", env=S3_ENV)
    assert shipped.returncode == 0, shipped.stderr


def test_each_failed_s3_attempt_logs_a_line_while_botocore_retries(
    s3: S3Server,
    bucket: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=1, per_shard=1)
    s3.state.down = True
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    with caplog.at_level(logging.WARNING, logger="scraper.upload"), pytest.raises(UploadError):
        upload_run(src, bucket, PREFIX, s3.endpoint)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("S3 HeadBucket attempt")]
    assert [line.split(" failed ")[0] for line in lines] == [
        f"S3 HeadBucket attempt {i} of 3" for i in (1, 2, 3)
    ]
    assert [line.rsplit("; ", 1)[1] for line in lines] == ["retrying", "retrying", "giving up"]


def _archive_pages(src: Path, shard: int, profile_ids: list[str]) -> dict[str, bytes]:
    """Archive a main page for each profile of the shard, as a scrape would; name -> gzip'd bytes."""
    archive = PageArchive(src / f"shard-{shard}")
    names = [
        archive.write(pid, "main", PageSnapshot(f"https://x/in/{pid}/", pid, pid, f"<html>{pid}</html>", 200))
        for pid in profile_ids
    ]
    return {name: (archive.out_dir / name).read_bytes() for name in names}


def test_archived_pages_go_under_the_archive_prefix_once(s3: S3Server, bucket: str, tmp_path: Path) -> None:
    src = write_run_dir(tmp_path / RUN, RUN, shards=2, per_shard=2)
    pages = {i: _archive_pages(src, i, list(latest(src / f"shard-{i}").status)) for i in range(2)}
    result = upload_run(src, bucket, PREFIX, s3.endpoint)
    objects = _keys(s3, bucket)
    archive = f"{PREFIX}/pages/dt=2026-11-25/run={RUN}"
    for i, named in pages.items():
        for name, data in named.items():
            assert objects[f"{archive}/shard={i}/{name.removeprefix('pages/')}"] == data
    assert result.manifest["pages"] == {
        "prefix": archive,
        "count": 4,
        "bytes": sum(len(d) for named in pages.values() for d in named.values()),
    }
    puts = [path for method, path, _ in s3.state.requests if method == "PUT"]
    assert puts[-1].endswith("manifest.json")  # the pages, too, before the manifest
    s3.reset_counts()
    again = upload_run(src, bucket, PREFIX, s3.endpoint)
    assert s3.state.count("PUT") == 0 and again.skipped == len(objects)


def test_the_bucket_job_sets_a_lifecycle_rule_for_the_pages_only(s3: S3Server, tmp_path: Path) -> None:
    client = bucket_client(s3)
    uploader = upload.Uploader("pipeline-lifecycle", PREFIX, s3.endpoint)
    uploader.check_bucket(create=True, archive_expiry_days=365)
    other = {"ID": "theirs", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}
    rules = client.get_bucket_lifecycle_configuration(Bucket="pipeline-lifecycle")["Rules"]
    assert [(r["ID"], r["Filter"], r["Expiration"]) for r in rules] == [
        ("expire-archived-pages", {"Prefix": f"{PREFIX}/pages/"}, {"Days": 365})
    ]
    client.put_bucket_lifecycle_configuration(
        Bucket="pipeline-lifecycle", LifecycleConfiguration={"Rules": [*rules, other]}
    )
    uploader.check_bucket(create=True, archive_expiry_days=30)  # an upgrade with another value
    rules = client.get_bucket_lifecycle_configuration(Bucket="pipeline-lifecycle")["Rules"]
    assert sorted((r["ID"], r["Expiration"]["Days"]) for r in rules) == [
        ("expire-archived-pages", 30),
        ("theirs", 1),
    ]
    uploader.check_bucket(create=True, archive_expiry_days=0)  # kept until deleted: our rule goes
    rules = client.get_bucket_lifecycle_configuration(Bucket="pipeline-lifecycle")["Rules"]
    assert [r["ID"] for r in rules] == ["theirs"]


def test_the_charts_bucket_job_sets_the_archive_expiry_of_its_values(s3: S3Server, tmp_path: Path) -> None:
    """The rendered post-install hook's own script, run here against the loopback S3 server."""
    from tests.charts.conftest import render_chart, values_file

    objects = render_chart([values_file("kind", "pipeline")], values={"s3": {"archiveExpiryDays": 90}})
    job = next(o for o in objects if o["kind"] == "Job" and o["metadata"]["name"].endswith("create-bucket"))
    (container,) = job["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e["value"] for e in container["env"]}
    env.update(S3_ENV, S3_BUCKET="pipeline-chart-job", S3_ENDPOINT_URL=s3.endpoint, WAIT_SECONDS="0")
    env["PATH"] = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        ["sh", "-c", container["args"][0]], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    rules = bucket_client(s3).get_bucket_lifecycle_configuration(Bucket="pipeline-chart-job")["Rules"]
    assert [(r["Filter"], r["Expiration"]) for r in rules] == [({"Prefix": f"{PREFIX}/pages/"}, {"Days": 90})]
