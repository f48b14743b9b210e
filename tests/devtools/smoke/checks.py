"""The smoke run and its checks, against whatever endpoints it is handed (the port-forwarded stack, or
stand-ins in the tests), and the diagnosis printed when a check fails."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scraper.airbyte.client import WRITES_FORBIDDEN_ISSUE, AirbyteClient
from scraper.airbyte.config import STREAM
from scraper.airbyte.provision import CONNECTION_NAME
from scraper.errors import AirbyteError
from tests.devtools.smoke.airflow_api import AirflowAPI, AirflowAPIError, TaskInstance

DAG_ID = "linkedin_profiles"
UPLOAD_TASK, ENSURE_TASK, SYNC_TASK = "upload", "ensure_airbyte_connection", "sync"
SUCCEEDED = "succeeded"  # Airbyte's JobStatusEnum
# kind runs on this machine, so its clock and ours agree; the slack covers rounding of startTime.
CLOCK_SLACK = dt.timedelta(minutes=2)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# How a refused write shows in the ensure task's log: the client's AirbyteWritesForbidden sentence
# ("answered POST <url> with 403 ...") or a plain "POST <url> answered HTTP 403".
_WRITE_REFUSED = re.compile(r"\b(?:answered )?(POST|PATCH|PUT|DELETE) (\S+) (?:answered HTTP 403|with 403)\b")
_PULL_REASONS = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"}
_CONNECTOR_IMAGE = re.compile(r"/(source|destination)-[\w.-]+")


def run_conf(profiles: list[str]) -> dict[str, Any]:
    """The DAG params of a smoke run (dags/linkedin_profiles.py: profiles, spread over the accounts)."""
    return {"profiles": profiles}


@dataclass
class Result:
    check: str
    ok: bool
    detail: str


@dataclass
class Report:
    run_id: str
    results: list[Result] = field(default_factory=list)
    diagnosis: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)

    def add(self, check: str, ok: bool, detail: str) -> bool:
        self.results.append(Result(check, ok, detail))
        return ok

    def render(self) -> str:
        width = max(len(r.check) for r in self.results) if self.results else 5
        lines = [f"{'CHECK':<{width}}  RESULT  DETAIL"]
        lines += [f"{r.check:<{width}}  {'PASS' if r.ok else 'FAIL':<6}  {r.detail}" for r in self.results]
        if self.diagnosis:
            lines += ["", "Diagnosis:", *self.diagnosis]
        lines += ["", f"smoke {'PASSED' if self.passed else 'FAILED'} (run {self.run_id})"]
        return "\n".join(lines)


# ---------------------------------------------------------------- the warehouse, through psql


class Warehouse:
    """Queries through a psql command line (inside the warehouse pod on the cluster, a local psql in
    tests): the run id goes in as a psql variable, quoted by psql itself."""

    def __init__(self, psql_argv: list[str], schema: str) -> None:
        self.psql_argv, self.table = psql_argv, f"{schema}.{STREAM}"

    def profile_ids(self, run_id: str) -> list[str]:
        sql = f"SELECT profile_id FROM {self.table} WHERE run_id = :'run_id' ORDER BY profile_id;\n"
        done = subprocess.run(
            [*self.psql_argv, "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-v", f"run_id={run_id}", "-f", "-"],
            input=sql,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError((done.stderr.strip().splitlines() or ["psql failed"])[-1])
        return [line for line in done.stdout.splitlines() if line]


# ---------------------------------------------------------------- pods


def pod_problems(pods: list[dict[str, Any]], events: list[dict[str, Any]]) -> list[str]:
    """Pods not Ready (finished pods aside), with their waiting reasons, image-pull errors and events."""
    lines = []
    for pod in pods:
        status, meta = pod.get("status") or {}, pod["metadata"]
        phase = status.get("phase")
        if phase == "Succeeded":
            continue
        ready = any(
            c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []
        )
        if ready and phase == "Running":
            continue
        name = f"{meta.get('namespace', '')}/{meta['name']}"
        lines.append(f"  pod {name} not Ready (phase {phase})")
        for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
            waiting = (cs.get("state") or {}).get("waiting") or {}
            terminated = (cs.get("state") or {}).get("terminated") or {}
            if waiting.get("reason") in _PULL_REASONS:
                lines.append(
                    f"    image pull error: {cs.get('image')} ({waiting['reason']}): {waiting.get('message', '')}".rstrip(
                        ": "
                    )
                )
            elif waiting.get("reason"):
                lines.append(
                    f"    container {cs['name']}: {waiting['reason']} {waiting.get('message', '')}".rstrip()
                )
            elif terminated.get("reason"):
                lines.append(
                    f"    container {cs['name']}: {terminated['reason']} (exit {terminated.get('exitCode')})"
                )
        own = [
            e
            for e in events
            if (e.get("involvedObject") or {}).get("name") == meta["name"]
            and (e.get("involvedObject") or {}).get("kind", "Pod") == "Pod"
        ]
        for event in own[-5:]:
            lines.append(
                f"    event {event.get('type', '')} {event.get('reason', '')}: {event.get('message', '')}"
            )
    return lines


def connector_pull_errors(pods: list[dict[str, Any]]) -> list[str]:
    """Images of Airbyte connectors (…/source-…, …/destination-…) a pod is waiting to pull."""
    images = []
    for pod in pods:
        for cs in (pod.get("status") or {}).get("initContainerStatuses", []) + (pod.get("status") or {}).get(
            "containerStatuses", []
        ):
            waiting = (cs.get("state") or {}).get("waiting") or {}
            if waiting.get("reason") in _PULL_REASONS and _CONNECTOR_IMAGE.search(cs.get("image", "")):
                images.append(cs["image"])
    return sorted(set(images))


# ---------------------------------------------------------------- the smoke run


@dataclass
class Endpoints:
    """Everything the checks talk to. `cluster_state` returns (pods, events) of the stack's namespaces
    and the Airbyte namespace's pods, or raises when the cluster cannot be read."""

    airflow: AirflowAPI
    s3: Any  # a boto3 S3 client
    bucket: str
    airbyte: Callable[[], AirbyteClient]
    warehouse: Warehouse
    cluster_state: Callable[[], tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]]


@dataclass
class SmokeRun:
    endpoints: Endpoints
    run_id: str
    profiles: list[str]
    timeout_s: float = 1800
    poll_s: float = 10
    progress: Callable[[str], None] = lambda _msg: None
    triggered_at: dt.datetime = field(init=False, default_factory=lambda: dt.datetime.now(dt.UTC))

    def execute(self) -> Report:
        report = Report(self.run_id)
        api = self.endpoints.airflow
        self.triggered_at = dt.datetime.now(dt.UTC)
        try:
            # Our run first, whatever the schedule does: it is queued before the DAG is unpaused (which
            # makes the scheduler create the day's run at once), and dated just ahead of that scheduled run,
            # since the scheduler starts queued runs in run_after order and the DAG runs one at a time.
            due = api.next_scheduled_run_after(DAG_ID)
            ahead = due - dt.timedelta(seconds=1) if due and due <= self.triggered_at else None
            api.trigger(DAG_ID, self.run_id, run_conf(self.profiles), run_after=ahead)
            api.unpause(DAG_ID)
        except (AirflowAPIError, OSError) as exc:
            report.add("trigger", False, str(exc))
            self._diagnose_cluster(report)
            return report
        self.progress(f"triggered {DAG_ID} run {self.run_id}; following it")
        try:
            state = api.wait(
                DAG_ID, self.run_id, self.timeout_s, self.poll_s, lambda s: self.progress(f"run {s}")
            )
            tis = api.task_instances(DAG_ID, self.run_id)
        except (AirflowAPIError, OSError) as exc:
            report.add("airflow run", False, f"lost the run: {exc}")
            self._diagnose_cluster(report)
            return report
        self._check_tasks(report, state, tis)
        records = self._check_bucket(report)
        job_ok = self._check_airbyte(report)
        self._check_warehouse(report, records)
        if not report.passed:
            airbyte_task_failed = any(
                t.task_id in (ENSURE_TASK, SYNC_TASK) and t.state == "failed" for t in tis
            )
            # An Airbyte step is diagnosed only when Airbyte was reached: a run that failed before its
            # Airbyte tasks has no Airbyte problem to explain.
            self._diagnose_cluster(report, airbyte_failed=job_ok is False or airbyte_task_failed)
        return report

    # ------------------------------------------------------------ checks

    def _check_tasks(self, report: Report, state: str, tis: list[TaskInstance]) -> None:
        bad = [t for t in tis if t.state != "success"]
        if state == "success" and tis and not bad:
            report.add("airflow run", True, f"{DAG_ID} {state}: {len(tis)} tasks succeeded")
            return
        if state not in ("success", "failed"):
            summary = f"still {state} after {self.timeout_s:.0f} s"
        else:
            summary = state
        report.add(
            "airflow run",
            False,
            f"{DAG_ID} {summary}: " + ", ".join(f"{t.label} {t.state or 'no state'}" for t in bad),
        )
        for ti in bad:
            if ti.state not in ("failed", "up_for_retry"):
                continue
            report.diagnosis.append(
                f"task {ti.label} {ti.state} (try {ti.try_number}); last lines of its log:"
            )
            try:
                tail = self.endpoints.airflow.log_tail(DAG_ID, self.run_id, ti)
            except AirflowAPIError as exc:
                tail = [f"(log not readable: {exc})"]
            report.diagnosis += [f"    {line}" for line in tail] or ["    (empty log)"]

    def _xcom(self, task_id: str) -> Any:
        try:
            return self.endpoints.airflow.xcom(DAG_ID, self.run_id, task_id)
        except (AirflowAPIError, OSError) as exc:
            return f"not readable: {exc}"

    def _check_bucket(self, report: Report) -> list[dict[str, Any]] | None:
        """The manifest of the run and every object it lists; returns the run's records."""
        result = self._xcom(UPLOAD_TASK)
        if not isinstance(result, dict) or not str(result.get("manifest", "")).startswith("s3://"):
            report.add("bucket", False, f"task {UPLOAD_TASK} left no manifest location (XCom {result!r})")
            return None
        bucket, _, key = result["manifest"][len("s3://") :].partition("/")
        if bucket != self.endpoints.bucket:
            report.add(
                "bucket",
                False,
                f"the run wrote to bucket {bucket!r}, the stack's is {self.endpoints.bucket!r}",
            )
            return None
        s3 = self.endpoints.s3
        try:
            manifest = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except Exception as exc:  # noqa: BLE001 - any failure to read it is the finding
            report.add("bucket", False, f"manifest s3://{bucket}/{key} not readable: {exc}")
            return None
        if manifest.get("run_id") != self.run_id:
            report.add("bucket", False, f"manifest s3://{bucket}/{key} is of run {manifest.get('run_id')!r}")
            return None
        missing, records = [], []
        for entry in manifest.get("files") or []:
            try:
                body = s3.get_object(Bucket=bucket, Key=entry["key"])["Body"].read()
            except Exception:  # noqa: BLE001
                missing.append(entry["key"])
                continue
            if entry["key"].endswith(".jsonl"):
                records += [json.loads(line) for line in body.splitlines() if line.strip()]
        if missing or not manifest.get("files"):
            report.add(
                "bucket",
                False,
                f"objects listed in the manifest are missing: {', '.join(missing) or 'none listed'}",
            )
            return None
        report.add(
            "bucket",
            True,
            f"s3://{bucket}/{key} and its {len(manifest['files'])} objects; {len(records)} records",
        )
        return records

    def _sync_job_id(self) -> int | str:
        """The Airbyte job of this run, or why there is none. The provider's deferrable sync operator
        returns no job id once it resumes from the trigger, so the job is found through the connection
        the ensure task returned: its newest sync job started after this run was triggered."""
        job_id = self._xcom(SYNC_TASK)
        if isinstance(job_id, int) and not isinstance(job_id, bool):
            return job_id
        connection_id = self._xcom(ENSURE_TASK)
        if not isinstance(connection_id, str) or not _UUID.fullmatch(connection_id):
            return f"task {ENSURE_TASK} reported no Airbyte connection ({connection_id!r})"
        page = self.endpoints.airbyte().request(
            "GET",
            "jobs",
            params={
                "connectionId": connection_id,
                "jobType": "sync",
                "limit": 10,
                "orderBy": "createdAt|DESC",
            },
        )
        since = self.triggered_at - CLOCK_SLACK
        jobs = [
            int(j["jobId"])
            for j in (page or {}).get("data") or []
            if dt.datetime.fromisoformat(str(j["startTime"]).replace("Z", "+00:00")) >= since
        ]
        if not jobs:
            return f"no sync job of Airbyte connection {connection_id} started after the run was triggered"
        return max(jobs)

    def _check_airbyte(self, report: Report) -> bool | None:
        """True/False: the run's job succeeded or not; None: the run started no job."""
        try:
            job_id = self._sync_job_id()
            if isinstance(job_id, str):
                report.add("airbyte job", False, job_id)
                return None
            job = self.endpoints.airbyte().request("GET", f"jobs/{job_id}")
        except (AirbyteError, OSError) as exc:
            report.add("airbyte job", False, f"job status not readable: {exc}")
            return False
        ok = job.get("status") == SUCCEEDED
        rows = f", {job['rowsSynced']} rows" if job.get("rowsSynced") is not None else ""
        report.add("airbyte job", ok, f"job {job_id} {job.get('status')}{rows}")
        return ok

    def _check_warehouse(self, report: Report, records: list[dict[str, Any]] | None) -> None:
        wh = self.endpoints.warehouse
        try:
            rows = wh.profile_ids(self.run_id)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            report.add("warehouse", False, f"{wh.table} not readable: {exc}")
            return
        if records is None:
            report.add(
                "warehouse", False, f"{len(rows)} rows of the run in {wh.table}; nothing to compare with"
            )
            return
        expected = sorted(str(r["profile_id"]) for r in records)
        if rows == expected:
            report.add("warehouse", True, f"{len(rows)} rows in {wh.table}, one per scraped profile")
            return
        doubled = sorted({p for p in rows if rows.count(p) > 1})
        absent = sorted(set(expected) - set(rows))
        extra = sorted(set(rows) - set(expected))
        parts = [f"{len(rows)} rows in {wh.table} for {len(expected)} scraped profiles"]
        parts += [f"missing {', '.join(absent)}"] if absent else []
        parts += [f"more than once {', '.join(doubled)}"] if doubled else []
        parts += [f"not scraped {', '.join(extra)}"] if extra else []
        report.add("warehouse", False, "; ".join(parts))

    # ------------------------------------------------------------ diagnosis

    def _diagnose_cluster(self, report: Report, airbyte_failed: bool = False) -> None:
        try:
            pods, events, airbyte_pods = self.endpoints.cluster_state()
        except Exception as exc:  # noqa: BLE001 - the diagnosis must not hide the report
            report.diagnosis.append(f"cluster state not readable: {exc}")
            pods, events, airbyte_pods = [], [], []
        problems = pod_problems(pods, events)
        report.diagnosis += (["pods not Ready:", *problems]) if problems else ["all pods Ready"]
        if airbyte_failed:
            report.diagnosis += self._airbyte_step(connector_pull_errors(airbyte_pods))

    def _airbyte_step(self, pull_errors: list[str]) -> list[str]:
        """Which Airbyte step failed: token, workspace, writes, connector images; or the job itself."""
        try:
            workspaces = self.endpoints.airbyte().request("GET", "workspaces")
        except AirbyteError as exc:
            if "refused the client credentials" in str(exc):
                return [
                    f"Airbyte step failed: token refused (HTTP {exc.http_status}) for the client pair of the "
                    "Airflow connection airbyte_default: it must equal the pair in Airbyte's auth Secret"
                ]
            return [f"Airbyte step failed: the API answered: {exc}"]
        except OSError as exc:
            return [f"Airbyte step failed: the API is not reachable: {exc}"]
        findings = []
        if not (workspaces or {}).get("data"):
            findings.append(
                "Airbyte step failed: no workspace (the token works; provisioning creates one unless "
                "writes are refused, and Airbyte's bootloader makes the default one on first start)"
            )
        logs = "\n".join(self._task_logs((ENSURE_TASK, SYNC_TASK)))
        if match := _WRITE_REFUSED.search(logs):
            findings.append(
                f"Airbyte step failed: writes refused under a valid token ({match[1]} {match[2]} answered 403 "
                f"while reads work; {WRITES_FORBIDDEN_ISSUE}): this Airbyte lets the API application read "
                "but not create workspaces, sources, destinations, connections or jobs"
            )
        if pull_errors:
            findings.append(f"Airbyte step failed: connector image not pulled: {', '.join(pull_errors)}")
        return findings or [
            "Airbyte step: token, workspace and writes work; the sync job itself failed: "
            f"its attempts' logs are in the Airbyte UI (make ui, Connections > {CONNECTION_NAME})"
        ]

    def _task_logs(self, task_ids: tuple[str, ...]) -> list[str]:
        api, lines = self.endpoints.airflow, []
        try:
            for ti in api.task_instances(DAG_ID, self.run_id):
                if ti.task_id in task_ids and ti.state in ("failed", "up_for_retry"):
                    lines += api.log_tail(DAG_ID, self.run_id, ti, lines=200)
        except (AirflowAPIError, OSError):
            return lines
        return lines
