"""Upload part of `make bench`: `scraper upload` vs a bare boto3 `upload_file` of the same JSONL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROFILES = 50_000


def bench_upload() -> bool:
    import boto3
    from botocore.exceptions import EndpointConnectionError

    from scraper.upload import upload_run
    from tests.devtools.records import write_run_dir

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench-secret")
    # The S3 server runs in its own process, as a real one would: in this process it would compete
    # with the uploader for the GIL and hide the overlap of checking and sending.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        for _ in range(100):
            try:
                client.create_bucket(Bucket="bare")
                break
            except EndpointConnectionError:
                time.sleep(0.1)
        client.create_bucket(Bucket="ours")
        with tempfile.TemporaryDirectory() as tmp:
            src = write_run_dir(Path(tmp) / "run", "bench-run", shards=1, per_shard=PROFILES, flat=True)
            path = src / "profiles.jsonl"
            size_mib = path.stat().st_size / 2**20
            started = time.perf_counter()  # like `scraper upload`, the bare side makes its client, too
            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").upload_file(
                str(path), "bare", "profiles.jsonl"
            )  # boto3's defaults: that is "bare"
            bare = time.perf_counter() - started
            started = time.perf_counter()
            upload_run(src, "ours", "linkedin/profiles", endpoint)
            first = time.perf_counter() - started
            started = time.perf_counter()
            again = upload_run(src, "ours", "linkedin/profiles", endpoint)
            second = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    ratio, fraction = first / bare, second / first
    print(f"\nupload: {PROFILES:,} profiles, {size_mib:.0f} MiB JSONL, to an S3 server on 127.0.0.1")
    print(f"  bare boto3 upload_file: {bare:6.2f} s")
    print(
        f"  scraper upload:         {first:6.2f} s  ratio {ratio:.2f} (target <= 1.2) "
        f"{'ok' if ratio <= 1.2 else 'OVER TARGET'}"
    )
    print(
        f"  re-upload:              {second:6.3f} s  = {fraction:.1%} of the first (target <= 5%) "
        f"{'ok' if fraction <= 0.05 else 'OVER TARGET'}; {again.uploaded} objects sent"
    )
    return ratio <= 1.2 and fraction <= 0.05
