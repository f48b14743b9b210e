"""The daily pipeline without a cluster, one simulated day at a time, for tests that run it for weeks.

Each day does what the DAG `linkedin_profiles` does, with the product's own code at every step:

    plan      scraper.orchestration.plan.make_plan / pod_work on the warehouse (a real PostgreSQL)
    scrape    one process per account with work, run concurrently as the pods are, each given exactly
              the arguments and environment `pods.account_pod` builds (credentials from the account's
              "Secret"), the real `scraper` CLI against the demo site; only the browser is swapped for
              tests.devtools.http_browser (no JavaScript) and the clock is the test's
    upload    the real `scraper upload` with the upload pod's arguments, to the loopback S3 server
    sync      a stand-in for Airbyte: every profiles.jsonl the run put in S3, loaded in the shape
              Airbyte's Postgres destination writes (tests/devtools/airbyte_load.py)
    freshness scraper.freshness.fold_landed
    quality   scraper.drift.check, the `quality` task's message (scraper.orchestration.quality)
    report    scraper.orchestration.report.report_run on the plan's and the upload's XComs

The clock: each day runs under time_machine at 06:00 UTC of that day (ticking), in this process and
in every scrape process (`python -m tests.devtools.daily_pipeline ISO_TIME ARGS...`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import time_machine

from scraper.rundir import DATA_ROOT

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Pod:
    account: str
    arguments: list[str]
    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    exit_code: int | None = None
    stderr: str = ""


@dataclass
class Day:
    date: dt.date
    run_id: str
    plan: Any = None  # scraper.rotation.Plan
    pods: list[Pod] = field(default_factory=list)
    upload: dict[str, Any] | None = None
    landed: int = 0
    stopped: list[str] = field(default_factory=list)  # what the report task names
    alarm: str | None = None  # what the quality task fails with (the layout drift alarm), if it does

    @property
    def failed(self) -> bool:
        """Whether the DAG run of this day fails: a pod that did not end with 0, a stopped shard, or the
        layout drift alarm."""
        return bool(self.stopped or self.alarm) or any(p.exit_code not in (0, None) for p in self.pods)


@dataclass
class DailyPipeline:
    site_url: str
    data_dir: Path  # stands in for the shared volume mounted at /data
    warehouse: Any  # an open psycopg2 connection
    bucket: str
    s3_endpoint: str
    s3_env: Mapping[str, str]
    accounts: list[dict[str, Any]]  # rotation.json's accounts
    credentials: dict[str, dict[str, str]]  # account -> its Secret's keys
    refresh_days: int = 7
    days: list[Day] = field(default_factory=list)

    def rotation_json(self) -> str:
        return json.dumps(
            {"base_url": self.site_url, "refresh_days": self.refresh_days, "accounts": self.accounts}
        )

    def _local(self, value: str) -> str:
        return value.replace(str(DATA_ROOT), str(self.data_dir))

    def run_day(self, date: dt.date, profile_list: list[str], manual_overlap: str | None = None) -> Day:
        """The scheduled run of `date`. `manual_overlap`: an account for which a second scrape is
        started while its scheduled one runs (what a person running `scraper scrape` by hand would do)."""
        from airflow.sdk.exceptions import AirflowFailException

        from scraper import drift, freshness
        from scraper.orchestration.plan import PROFILE_LIST_KEY, ROTATION_KEY, make_plan, pod_work
        from scraper.orchestration.pods import account_pod
        from scraper.orchestration.quality import alarm_message
        from scraper.orchestration.report import report_run

        start = dt.datetime.combine(date, dt.time(6, 0), dt.UTC)
        day = Day(date, f"scheduled__{start.isoformat()}")
        with time_machine.travel(start, tick=True):
            config_map = {PROFILE_LIST_KEY: "\n".join(profile_list), ROTATION_KEY: self.rotation_json()}
            config, day.plan = make_plan(self.warehouse, config_map, [], dt.datetime.now(dt.UTC))
            works = pod_work(config, day.plan, day.run_id)
            for work in works:
                kwargs = account_pod(work)
                env = {e.name: self._local(e.value) for e in kwargs["env_vars"]}
                env |= {"LINKEDIN_BASE_URL": self.site_url, **self.credentials[work["account"]]}
                day.pods.append(Pod(work["account"], [self._local(a) for a in kwargs["arguments"]], env))
            for pod in day.pods:
                pod.process = self._start(pod)
            if manual_overlap:
                day.pods.append(self._overlapping_run(day, manual_overlap))
            for pod in day.pods:
                if pod.process is not None:
                    _, pod.stderr = pod.process.communicate(timeout=600)
                    pod.exit_code = pod.process.returncode
            if day.pods:
                day.upload = self._upload(day.run_id)
                day.landed = self._sync(day.upload["manifest"])
                xcom = {"plan": works, "upload": day.upload}
                try:
                    report_run(SimpleNamespace(xcom_pull=lambda task_ids: xcom[task_ids]))
                except AirflowFailException as failed:
                    day.stopped = [str(failed)]
            freshness.fold_landed(self.warehouse, config.settings, dt.datetime.now(dt.UTC))
            day.alarm = alarm_message(drift.check(self.warehouse, dt.datetime.now(dt.UTC), day.run_id))
        self.days.append(day)
        return day

    def _start(self, pod: Pod) -> subprocess.Popen[str]:
        env = {"PATH": os.environ["PATH"], "SCRAPER_LOG_FORMAT": "text", **pod.env}
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.devtools.daily_pipeline",
                dt.datetime.now(dt.UTC).isoformat(),
                *pod.arguments,
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def _overlapping_run(self, day: Day, account: str) -> Pod:
        """A second scrape of `account` into a directory of its own, once the scheduled one holds the
        account's lease (the scheduled one must be paced to still be running then)."""
        from scraper.pacing import lease_path

        scheduled = next(p for p in day.pods if p.account == account)
        lease = lease_path(Path(scheduled.env["SCRAPER_STATE_DIR"]), account)
        # The lease keeps its last holder's line after a release (yesterday's run of the account): wait
        # for the scheduled pod's own pid in it, else the second scrape may take the lease first.
        assert scheduled.process is not None
        holder = f'"pid": {scheduled.process.pid},'
        deadline = time.monotonic() + 60
        while not (lease.exists() and holder in lease.read_text()) and time.monotonic() < deadline:
            time.sleep(0.02)
        arguments = list(scheduled.arguments)
        arguments[arguments.index("--out") + 1] = str(self.data_dir / "by-hand" / day.date.isoformat())
        pod = Pod(account, arguments, dict(scheduled.env))
        pod.process = self._start(pod)
        return pod

    def _upload(self, run_id: str) -> dict[str, Any]:
        from scraper.orchestration.names import path_safe
        from scraper.orchestration.pods import RUN_DIR, upload_pod_kwargs

        arguments = [
            str(self.data_dir / "runs" / path_safe(run_id)) if a == RUN_DIR else a
            for a in upload_pod_kwargs("uploader")["arguments"]
        ]
        xcom = self.data_dir / "xcom.json"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "scraper",
                *arguments,
                "--bucket",
                self.bucket,
                "--endpoint-url",
                self.s3_endpoint,
            ],
            cwd=REPO,
            env={"PATH": os.environ["PATH"], "XCOM_RETURN_PATH": str(xcom), **self.s3_env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(xcom.read_text())

    def _sync(self, manifest_uri: str) -> int:
        """Airbyte's part, stood in for: every record file of the manifest into `linkedin.profiles`."""
        import boto3

        from tests.devtools.airbyte_load import load_records

        s3 = boto3.client("s3", endpoint_url=self.s3_endpoint, **_boto_keys(self.s3_env))
        key = manifest_uri.removeprefix(f"s3://{self.bucket}/")
        manifest = json.loads(s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        landed = 0
        for item in manifest["files"]:
            if not item["key"].endswith(".jsonl"):
                continue
            body = s3.get_object(Bucket=self.bucket, Key=item["key"])["Body"].read().decode()
            records = [json.loads(line) for line in body.splitlines() if line]
            landed += load_records(self.warehouse, records, file_key=item["key"], dedup=False)
        return landed


def _boto_keys(env: Mapping[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
        "region_name": env.get("AWS_REGION", "us-east-1"),
    }


def _pod_main(argv: list[str]) -> int:
    """One scrape pod of a simulated day: the real CLI, with the test's clock and browser."""
    import scraper.browser
    from scraper.cli import main
    from tests.devtools.http_browser import HttpBrowser

    scraper.browser.Browser = HttpBrowser  # type: ignore[misc] - the CLI imports it when it scrapes
    with time_machine.travel(dt.datetime.fromisoformat(argv[0]), tick=True):
        return main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(_pod_main(sys.argv[1:]))
