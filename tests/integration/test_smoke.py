"""`make smoke`'s checks and diagnosis against stand-ins on 127.0.0.1: the Airflow REST stand-in
(validated against Airflow 3's own OpenAPI spec), moto's S3 server written by the real uploader, the
Airbyte API stand-in (validated against Airbyte's spec), a real PostgreSQL queried with psql, and
Kubernetes pod/event documents as `kubectl get -o json` returns them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from scraper.airbyte.client import AirbyteClient, AirbyteWritesForbidden
from scraper.models import ProfileRecord
from scraper.rundir import RecordWriter, shard_path, summarise, write_summary
from scraper.upload import upload_run
from tests.devtools.airbyte_load import load_records, table_ddl
from tests.devtools.smoke.airflow_api import AirflowAPI, AirflowAPIError
from tests.devtools.smoke.checks import Endpoints, SmokeRun, Warehouse
from tests.integration.airbyte_api import CLIENT_ID, CLIENT_SECRET, FakeAirbyte, running_fake_airbyte
from tests.integration.airflow_rest import FakeAirflow, Script, Task
from tests.integration.conftest import SECRET_KEY, bucket_client
from tests.integration.s3_server import S3Server

PROFILES = ["alice-smith-00", "bilal-sato-01", "chioma-nowak-02", "dmitri-rossi-03"]
AIRFLOW_PASSWORD = "airflow-admin-password-xyz"
SECRETS = (AIRFLOW_PASSWORD, CLIENT_SECRET, SECRET_KEY)
CONNECTION_ID = "8a4a4c2e-0b8e-4a55-9d35-3c3f5a0f2b61"
ORDER = ["plan", "scrape", "upload", "ensure_airbyte_connection", "sync", "models"]


# ---------------------------------------------------------------- the stack, as stand-ins


class Pipeline:
    """Plays the pipeline when the stand-in Airflow triggers a run: writes the run to the bucket with
    the real uploader, makes the Airbyte job, loads the warehouse; `faults` bends one step."""

    def __init__(
        self, tmp: Path, s3: S3Server, bucket: str, airbyte: FakeAirbyte, psql: list[str], dsn: str
    ) -> None:
        self.tmp, self.s3, self.bucket, self.airbyte, self.psql, self.dsn = (
            tmp,
            s3,
            bucket,
            airbyte,
            psql,
            dsn,
        )
        self.faults: set[str] = set()
        self.failed_task: Task | None = None
        self.pods: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def __call__(self, run_id: str, conf: dict[str, Any]) -> Script:
        assert conf == {"profiles": PROFILES}
        tasks = [Task("plan"), Task("scrape", map_index=0), Task("scrape", map_index=1), Task("upload")]
        tasks += [Task("ensure_airbyte_connection"), Task("sync"), Task("models")]
        if self.failed_task is not None:
            failed = self.failed_task
            rank = ORDER.index(failed.task_id)
            tasks = [
                failed if (t.task_id, t.map_index) == (failed.task_id, failed.map_index) else t for t in tasks
            ]
            for task in tasks:
                if ORDER.index(task.task_id) > rank:
                    task.state = "upstream_failed"
        xcom: dict[str, Any] = {}
        records = self._scrape(run_id)
        if "no upload" not in self.faults and all(
            t.state == "success" for t in tasks if t.task_id == "upload"
        ):
            result = upload_run(
                self.tmp / run_id, self.bucket, "linkedin/profiles", None, client=bucket_client(self.s3)
            )
            xcom["upload"] = {"run_id": run_id, "records": len(records), "manifest": result.uris[-1]}
            if "object lost" in self.faults:
                bucket_client(self.s3).delete_object(
                    Bucket=self.bucket, Key=result.manifest["files"][0]["key"]
                )
        connection_id = CONNECTION_ID
        if all(t.state == "success" for t in tasks if t.task_id == "ensure_airbyte_connection"):
            xcom["ensure_airbyte_connection"] = connection_id
        started = dt.datetime.now(dt.UTC) - (
            dt.timedelta(days=1) if "old job only" in self.faults else dt.timedelta(0)
        )
        self.airbyte.jobs[1001] = {
            "jobId": 1001,
            "status": "failed" if "job failed" in self.faults else "succeeded",
            "jobType": "sync",
            "startTime": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "connectionId": connection_id,
        }
        if "no job" in self.faults:
            self.airbyte.jobs.clear()
        # The provider's deferrable sync operator leaves no job id in XCom: the check finds the job
        # through the connection.
        rows = [r for r in records if not ("row lost" in self.faults and r["profile_id"] == PROFILES[2])]
        if "row twice" in self.faults:
            rows.append(rows[0])
        if "job failed" not in self.faults:
            self._load(rows, f"linkedin/profiles/run={run_id}/profiles.jsonl")
        state = "failed" if self.failed_task or "job failed" in self.faults else "success"
        if "job failed" in self.faults:
            tasks[-2:] = [
                Task("sync", "failed", log=["Airbyte job 1001 failed (status failed)"]),
                Task("models", "upstream_failed"),
            ]
        return Script(state, tasks, xcom)

    def _scrape(self, run_id: str) -> list[dict[str, Any]]:
        """Two finished shards, written by the scraper's own run-directory code."""
        records = []
        for shard in (0, 1):
            directory = Path(shard_path(self.tmp / run_id, shard))
            ids = PROFILES[shard::2]
            mine = [
                ProfileRecord(p, f"http://demo-site/in/{p}/", "ok", "2026-11-30T10:02:00Z", run_id)
                for p in ids
            ]
            writer = RecordWriter(directory)
            writer.write(*mine)
            writer.close()
            write_summary(
                directory, summarise(directory, run_id, ids, started_at="2026-11-30T10:01:00Z", exit_code=0)
            )
            records += [r.to_dict() for r in mine]
        return records

    def _load(self, rows: list[dict[str, Any]], file_key: str) -> None:
        """As Airbyte's Postgres destination writes them; a doubled row needs the append mode."""
        conn = psycopg2.connect(self.dsn)
        try:
            load_records(conn, rows, file_key=file_key, dedup="row twice" not in self.faults)
        finally:
            conn.close()

    def cluster_state(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        return self.pods, self.events, [p for p in self.pods if p["metadata"]["namespace"] == "airbyte"]


@pytest.fixture
def airbyte() -> Iterator[FakeAirbyte]:
    with running_fake_airbyte() as server:
        yield server


@pytest.fixture
def warehouse(postgres_server: Any, request: pytest.FixtureRequest) -> tuple[list[str], str]:
    """A new database holding the (empty) table Airbyte's Postgres destination creates; how psql
    reaches it, and its DSN."""
    database = "smoke_" + re.sub(r"[^a-z0-9_]+", "_", request.node.name.lower())[:40]
    dsn = postgres_server.create_database(database)
    postgres_server.psql(f"CREATE SCHEMA linkedin; {table_ddl('linkedin')};", database=database)
    psql = [str(postgres_server.bindir / "psql"), "-h", postgres_server.host, "-p", str(postgres_server.port)]
    return [*psql, "-U", postgres_server.user, "-d", database], dsn


@pytest.fixture
def stack(
    tmp_path: Path, s3: S3Server, bucket: str, airbyte: FakeAirbyte, warehouse: tuple[list[str], str]
) -> Iterator[tuple[Pipeline, FakeAirflow]]:
    pipeline = Pipeline(tmp_path, s3, bucket, airbyte, *warehouse)
    airflow = FakeAirflow(password=AIRFLOW_PASSWORD, on_trigger=pipeline, polls_before_end=2).start()
    yield pipeline, airflow
    airflow.stop()
    assert airflow.violations == [] and airbyte.violations == []


def smoke(
    pipeline: Pipeline,
    airflow: FakeAirflow,
    *,
    client_secret: str = CLIENT_SECRET,
    airflow_password: str = AIRFLOW_PASSWORD,
    timeout_s: float = 30,
    bucket: str | None = None,
) -> tuple[str, bool]:
    endpoints = Endpoints(
        airflow=AirflowAPI(airflow.url, "admin", airflow_password),
        s3=bucket_client(pipeline.s3),
        bucket=bucket or pipeline.bucket,
        airbyte=lambda: AirbyteClient(pipeline.airbyte.api_url, CLIENT_ID, client_secret, max_attempts=1),
        warehouse=Warehouse(pipeline.psql, "linkedin"),
        cluster_state=pipeline.cluster_state,
    )
    report = SmokeRun(
        endpoints, "smoke__20261130T100000Z", PROFILES, timeout_s=timeout_s, poll_s=0.01
    ).execute()
    text = report.render()
    for secret in SECRETS:
        assert secret not in text
    return text, report.passed


def rows_of(text: str) -> dict[str, tuple[str, str]]:
    """The PASS/FAIL table: check -> (result, detail)."""
    table = text.split("\n\n")[0].splitlines()[1:]
    return {m[1]: (m[2], m[3]) for line in table if (m := re.match(r"^(.+?)\s{2,}(PASS|FAIL)\s+(.*)$", line))}


def pod(name: str, namespace: str, image: str, reason: str, message: str = "") -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": namespace},
        "status": {
            "phase": "Pending",
            "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [
                {
                    "name": "main",
                    "image": image,
                    "ready": False,
                    "state": {"waiting": {"reason": reason, "message": message}},
                }
            ],
        },
    }


def event(pod_name: str, reason: str, message: str) -> dict[str, Any]:
    return {
        "involvedObject": {"kind": "Pod", "name": pod_name},
        "type": "Warning",
        "reason": reason,
        "message": message,
    }


# ---------------------------------------------------------------- the pass path


def test_a_healthy_stack_passes_every_check(stack: tuple[Pipeline, FakeAirflow]) -> None:
    pipeline, airflow = stack
    text, passed = smoke(pipeline, airflow)
    assert passed, text
    rows = rows_of(text)
    assert rows["airflow run"] == ("PASS", "linkedin_profiles success: 7 tasks succeeded")
    assert rows["bucket"][0] == "PASS" and rows["bucket"][1].endswith(
        "/manifest.json and its 4 objects; 4 records"
    )
    assert rows["airbyte job"] == ("PASS", "job 1001 succeeded")
    assert rows["warehouse"] == ("PASS", "4 rows in linkedin.profiles, one per scraped profile")
    assert "smoke PASSED" in text and "Diagnosis" not in text
    assert airflow.is_paused is False  # a paused DAG's run would never start
    assert ("POST", "/api/v2/dags/linkedin_profiles/dagRuns") in airflow.calls


def test_the_smoke_run_goes_before_the_scheduled_run_that_unpausing_starts(
    stack: tuple[Pipeline, FakeAirflow],
) -> None:
    """The DAG is due for the day's run: unpausing makes the scheduler create it at once, and it takes
    hours. The smoke run must be the one the scheduler starts (max_active_runs=1)."""
    pipeline, airflow = stack
    airflow.next_dagrun_run_after = "2026-11-30T00:00:00Z"
    text, passed = smoke(pipeline, airflow, timeout_s=3)
    assert passed, text
    assert airflow.runs["scheduled__2026-11-30T00:00:00Z"]["state"] == "queued"


# ---------------------------------------------------------------- failures and their diagnosis


def test_a_failed_scrape_shard_shows_its_log_tail_and_the_pods_not_ready(
    stack: tuple[Pipeline, FakeAirflow],
) -> None:
    pipeline, airflow = stack
    pipeline.failed_task = Task(
        "scrape",
        "failed",
        map_index=1,
        log=[f"line {i}" for i in range(40)] + ["Pod scrape-1 returned a failure"],
    )
    pipeline.faults = {"no upload", "no job"}
    pipeline.pods = [
        pod(
            "scrape-abc",
            "pipeline",
            "linkedin-pipeline/scraper:dev",
            "ImagePullBackOff",
            "Back-off pulling image",
        )
    ]
    pipeline.events = [
        event("scrape-abc", "Failed", 'Failed to pull image "linkedin-pipeline/scraper:dev": not found')
    ]
    text, passed = smoke(pipeline, airflow)
    assert not passed
    rows = rows_of(text)
    assert rows["airflow run"][0] == "FAIL" and "scrape[1] failed" in rows["airflow run"][1]
    assert "upload upstream_failed" in rows["airflow run"][1]
    assert rows["bucket"] == ("FAIL", "task upload left no manifest location (XCom None)")
    assert rows["airbyte job"] == (
        "FAIL",
        "task ensure_airbyte_connection reported no Airbyte connection (None)",
    )
    assert "task scrape[1] failed (try 1); last lines of its log:" in text
    assert (
        "    Pod scrape-1 returned a failure" in text
        and "    line 21" in text
        and "    line 20\n" not in text
    )
    assert "  pod pipeline/scrape-abc not Ready (phase Pending)" in text
    assert (
        "    image pull error: linkedin-pipeline/scraper:dev (ImagePullBackOff): Back-off pulling image"
        in text
    )
    assert 'event Warning Failed: Failed to pull image "linkedin-pipeline/scraper:dev": not found' in text
    assert "Airbyte step" not in text  # the run never reached Airbyte
    assert "smoke FAILED" in text


def test_airbyte_token_refused(stack: tuple[Pipeline, FakeAirflow]) -> None:
    pipeline, airflow = stack
    pipeline.failed_task = Task(
        "ensure_airbyte_connection", "failed", log=["Airbyte refused the client credentials"]
    )
    pipeline.faults = {"no job"}
    text, passed = smoke(pipeline, airflow, client_secret="not-the-secret")
    assert not passed
    assert "Airbyte step failed: token refused (HTTP 403)" in text
    assert "not-the-secret" not in text


def test_airbyte_writes_refused_under_a_valid_token(
    stack: tuple[Pipeline, FakeAirflow], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ensure task's log holds what the project's client raises when Airbyte refuses a POST under a
    token it accepts for reads (produced here by the real client against the stand-in)."""
    pipeline, airflow = stack
    original = FakeAirbyte._route

    def refuse_writes(self: FakeAirbyte, method: str, path: str, request: Any) -> tuple[int, Any]:
        if method == "POST" and not path.endswith("/token"):
            return 403, {"message": "Forbidden"}
        return original(self, method, path, request)

    monkeypatch.setattr(FakeAirbyte, "_route", refuse_writes)
    client = AirbyteClient(pipeline.airbyte.api_url, CLIENT_ID, CLIENT_SECRET, max_attempts=1)
    client.request("GET", "workspaces")
    with pytest.raises(AirbyteWritesForbidden) as refused:
        client.request(
            "POST", "jobs", json={"connectionId": "8a4a4c2e-0b8e-4a55-9d35-3c3f5a0f2b61", "jobType": "sync"}
        )
    pipeline.failed_task = Task(
        "ensure_airbyte_connection",
        "failed",
        log=[f"scraper.airbyte.client.AirbyteWritesForbidden: {refused.value}"],
    )
    pipeline.faults = {"no job"}
    text, passed = smoke(pipeline, airflow)
    assert not passed
    assert (
        f"Airbyte step failed: writes refused under a valid token (POST {pipeline.airbyte.api_url}jobs answered 403"
        in text
    )
    assert "https://github.com/airbytehq/airbyte/issues/76439" in text
    assert "no workspace" not in text and "token refused" not in text


def test_airbyte_without_a_workspace(
    stack: tuple[Pipeline, FakeAirflow], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline, airflow = stack
    original = FakeAirbyte._route

    def no_workspace(self: FakeAirbyte, method: str, path: str, request: Any) -> tuple[int, Any]:
        return (200, {"data": []}) if path == "/workspaces" else original(self, method, path, request)

    monkeypatch.setattr(FakeAirbyte, "_route", no_workspace)
    pipeline.failed_task = Task("ensure_airbyte_connection", "failed", log=["no Airbyte workspace"])
    pipeline.faults = {"no job"}
    text, passed = smoke(pipeline, airflow)
    assert not passed
    assert "Airbyte step failed: no workspace" in text


def test_airbyte_connector_image_not_pulled(stack: tuple[Pipeline, FakeAirflow]) -> None:
    pipeline, airflow = stack
    pipeline.faults = {"job failed"}
    image = "airbyte/destination-postgres:2.4.7"
    pipeline.pods = [
        pod("replication-job-1001-attempt-0", "airbyte", image, "ErrImagePull", "rpc error: not found")
    ]
    text, passed = smoke(pipeline, airflow)
    assert not passed
    rows = rows_of(text)
    assert rows["airbyte job"] == ("FAIL", "job 1001 failed")
    assert rows["warehouse"] == (
        "FAIL",
        "0 rows in linkedin.profiles for 4 scraped profiles; missing " + ", ".join(sorted(PROFILES)),
    )
    assert (
        "task sync failed (try 1); last lines of its log:\n    Airbyte job 1001 failed (status failed)"
        in text
    )
    assert f"Airbyte step failed: connector image not pulled: {image}" in text


def test_a_failed_sync_with_healthy_airbyte_points_at_the_job_logs(
    stack: tuple[Pipeline, FakeAirflow],
) -> None:
    pipeline, airflow = stack
    pipeline.faults = {"job failed"}
    text, _ = smoke(pipeline, airflow)
    assert "Airbyte step: token, workspace and writes work; the sync job itself failed" in text
    assert "all pods Ready" in text


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        ("row lost", "3 rows in linkedin.profiles for 4 scraped profiles; missing chioma-nowak-02"),
        ("row twice", "5 rows in linkedin.profiles for 4 scraped profiles; more than once alice-smith-00"),
    ],
)
def test_the_warehouse_must_hold_exactly_one_row_per_scraped_profile(
    stack: tuple[Pipeline, FakeAirflow], fault: str, detail: str
) -> None:
    pipeline, airflow = stack
    pipeline.faults = {fault}
    text, passed = smoke(pipeline, airflow)
    assert not passed
    assert rows_of(text)["warehouse"] == ("FAIL", detail)
    assert rows_of(text)["airflow run"][0] == "PASS"


def test_an_object_missing_from_the_bucket_fails_the_bucket_check(
    stack: tuple[Pipeline, FakeAirflow],
) -> None:
    pipeline, airflow = stack
    pipeline.faults = {"object lost"}
    text, passed = smoke(pipeline, airflow)
    assert not passed
    status, detail = rows_of(text)["bucket"]
    assert status == "FAIL" and detail.startswith(
        "objects listed in the manifest are missing: linkedin/profiles/"
    )


def test_a_refused_airflow_login_fails_at_the_trigger(stack: tuple[Pipeline, FakeAirflow]) -> None:
    pipeline, airflow = stack
    text, passed = smoke(pipeline, airflow, airflow_password="wrong-password")
    assert not passed
    assert "Airflow refused the login of user 'admin'" in rows_of(text)["trigger"][1]
    assert "wrong-password" not in text


def test_a_run_that_does_not_end_in_time_fails_with_its_state(stack: tuple[Pipeline, FakeAirflow]) -> None:
    pipeline, airflow = stack
    airflow.polls_before_end = 10**6
    text, passed = smoke(pipeline, airflow, timeout_s=0.2)
    assert not passed
    assert rows_of(text)["airflow run"][1].startswith("linkedin_profiles still running after 0 s")


def test_a_run_written_to_another_bucket_fails_the_bucket_check(stack: tuple[Pipeline, FakeAirflow]) -> None:
    pipeline, airflow = stack
    text, passed = smoke(pipeline, airflow, bucket="linkedin-profiles")
    assert not passed
    assert rows_of(text)["bucket"] == (
        "FAIL",
        f"the run wrote to bucket {pipeline.bucket!r}, the stack's is 'linkedin-profiles'",
    )


def test_a_sync_job_of_an_earlier_run_is_not_taken_for_this_one(stack: tuple[Pipeline, FakeAirflow]) -> None:
    pipeline, airflow = stack
    pipeline.faults = {"old job only"}
    text, passed = smoke(pipeline, airflow)
    assert not passed
    assert rows_of(text)["airbyte job"] == (
        "FAIL",
        f"no sync job of Airbyte connection {CONNECTION_ID} started after the run was triggered",
    )


def test_the_airflow_stand_in_refuses_what_airflow_3s_spec_refuses() -> None:
    """The stand-in's spec check can fail: a trigger without `logical_date` (required in Airflow 3's
    TriggerDAGRunPostBody) and a PATCH without `is_paused` are recorded as violations."""
    airflow = FakeAirflow().start()
    try:
        api = AirflowAPI(airflow.url, "admin", "admin")
        with pytest.raises(AirflowAPIError, match="HTTP 422"):
            api.call("POST", "dags/linkedin_profiles/dagRuns", json={"dag_run_id": "x", "conf": {}})
        with pytest.raises(AirflowAPIError, match="HTTP 422"):
            api.call("PATCH", "dags/linkedin_profiles", json={"paused": False})
        assert len(airflow.violations) == 2
        assert all(
            v.startswith(("request POST /api/v2/dags", "request PATCH /api/v2/dags"))
            for v in airflow.violations
        )
    finally:
        airflow.stop()
