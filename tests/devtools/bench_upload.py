"""Upload part of `make bench`: `scraper upload` vs a bare boto3 `upload_file` of the same JSONL."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PROFILES = 50_000
REPEATS = 3


def _cpu_seconds(server_pid: int) -> tuple[float, float]:
    """CPU-seconds used so far by this process (with its finished children) and by the S3 server."""
    mine = os.times()
    try:
        with open(f"/proc/{server_pid}/stat") as fh:
            fields = fh.read().rpartition(")")[2].split()
        server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    except OSError:  # no /proc (macOS): the server's share is not shown
        server = float("nan")
    return mine.user + mine.system + mine.children_user + mine.children_system, server


class _Side:
    """Wall time and CPU-seconds of the runs of one side, measured alike for both."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.walls: list[float] = []
        self.cpus: list[tuple[float, float]] = []

    def time(self, fn: Callable[[], object]) -> object:
        cpu_before = _cpu_seconds(self.server_pid)
        started = time.perf_counter()
        result = fn()
        self.walls.append(time.perf_counter() - started)
        cpu_after = _cpu_seconds(self.server_pid)
        self.cpus.append((cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]))
        return result

    @property
    def best(self) -> float:
        return min(self.walls)

    def cpu(self) -> str:
        ours, server = (statistics.median(c[i] for c in self.cpus) for i in (0, 1))
        return f"CPU-s: client {ours:.2f} + S3 server {server:.2f}"


def bench_upload() -> bool:
    import boto3
    from botocore.exceptions import EndpointConnectionError

    from scraper.rundir import PROFILES_FILE, UPLOAD_CACHE_FILE, check_jsonl
    from scraper.upload import upload_run
    from tests.devtools.bench import _best_of
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
            path = src / PROFILES_FILE
            size_mib = path.stat().st_size / 2**20
            # Both sides make their own client; loading boto3's service models once is left out of both.
            boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
            bare, first, second = _Side(server.pid), _Side(server.pid), _Side(server.pid)
            for rep in range(REPEATS):  # best of a few, alternating sides: a shared machine is noisy
                bare.time(
                    lambda rep=rep: boto3.client(
                        "s3", endpoint_url=endpoint, region_name="us-east-1"
                    ).upload_file(str(path), "bare", f"profiles-{rep}.jsonl")
                )  # boto3's defaults: that is "bare"
                (src / UPLOAD_CACHE_FILE).unlink(missing_ok=True)  # a first upload reads the run
                first.time(lambda rep=rep: upload_run(src, "ours", f"linkedin/profiles-{rep}", endpoint))
                again = second.time(
                    lambda rep=rep: upload_run(src, "ours", f"linkedin/profiles-{rep}", endpoint)
                )
            # Not part of either upload figure: the line check that the scrape runs once as it ends.
            scrape_check = _best_of(lambda: check_jsonl(path, "bench-run"), REPEATS)
    finally:
        server.terminate()
        server.wait()
    ratio, fraction = first.best / bare.best, second.best / first.best
    print(f"\nupload: {PROFILES:,} profiles, {size_mib:.0f} MiB JSONL, to an S3 server on 127.0.0.1")
    print(f"  bare boto3 upload_file: {bare.best:6.2f} s  (best of {REPEATS}; median {bare.cpu()})")
    print(
        f"  scraper upload:         {first.best:6.2f} s  ratio {ratio:.2f} (target <= 1.2) "
        f"{'ok' if ratio <= 1.2 else 'OVER TARGET'}  (median {first.cpu()})"
    )
    print(
        f"  re-upload:              {second.best:6.3f} s  = {fraction:.1%} of the first (target <= 5%) "
        f"{'ok' if fraction <= 0.05 else 'OVER TARGET'}; {again.uploaded} objects sent"  # type: ignore[attr-defined]
    )
    print(
        f"  (the scrape's own check of every line as it ends, which the upload relies on: "
        f"{scrape_check:.2f} s for this file, once per run)"
    )
    return ratio <= 1.2 and fraction <= 0.05
