"""A local stand-in for Airflow 3's REST API (/api/v2) on 127.0.0.1, for the smoke check's tests.

Every request it receives and every response it sends is checked against the OpenAPI spec that ships
inside the installed apache-airflow-core (airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml);
anything the spec does not allow is recorded in `violations`, which the tests assert to be empty.
The token endpoint belongs to the auth manager, not to that spec: the chart deploys the FAB auth manager,
whose spec (not installed here) defines POST /auth/token with {username, password} -> 201 {access_token};
that operation is added below as read from the FAB provider's generated spec and checked the same way.

A triggered run is played from a `Script`: the run is queued, then running, then ends in the script's
state with the script's task instances, logs and XCom values. `on_trigger` lets a test act as the
pipeline (write the bucket, the warehouse, the Airbyte job) when the run is triggered.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import threading
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import unquote

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

NOW = "2026-11-30T10:00:00Z"

_TOKEN_OPERATION = {
    "post": {
        "operationId": "create_token",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                    }
                }
            },
        },
        "responses": {
            "201": {
                "description": "token",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["access_token"],
                            "properties": {"access_token": {"type": "string"}},
                        }
                    }
                },
            },
            "401": {"description": "Unauthorized", "content": {"application/json": {"schema": {}}}},
        },
    }
}


@functools.cache
def spec_text() -> str:
    return (
        resources.files("airflow.api_fastapi.core_api.openapi") / "v2-rest-api-generated.yaml"
    ).read_text()


@functools.cache
def _spec_document() -> dict[str, Any]:
    return yaml.load(spec_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass
class Task:
    task_id: str
    state: str | None = "success"
    map_index: int = -1
    try_number: int = 1
    log: list[str] = field(default_factory=lambda: ["task started", "task done"])


@dataclass
class Script:
    """How a triggered run goes."""

    state: str = "success"
    tasks: list[Task] = field(default_factory=list)
    xcom: dict[str, Any] = field(default_factory=dict)  # task_id -> return value


def _instant(timestamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


@dataclass
class FakeAirflow:
    username: str = "admin"
    password: str = "admin"
    dag_id: str = "linkedin_profiles"
    on_trigger: Callable[[str, dict[str, Any]], Script] = lambda run_id, conf: Script()
    polls_before_end: int = 2
    is_paused: bool = True
    # When set, unpausing creates the scheduled run the DAG is due for (run_after = this), as Airflow's
    # scheduler does at once for a DAG without catchup; it then runs for hours (a whole day's scrape).
    next_dagrun_run_after: str | None = None
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    scripts: dict[str, Script] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    calls: list[tuple[str, str]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._polls: dict[str, int] = {}
        self._active: str | None = None  # max_active_runs=1: the one run that is not queued
        self._lock = threading.Lock()

    @classmethod
    def spec(cls, url: str) -> OpenAPI:
        spec = copy.deepcopy(_spec_document())
        spec["paths"]["/auth/token"] = _TOKEN_OPERATION
        spec["servers"] = [{"url": url}]
        # The generated document is large; checking the document itself is Airflow's job. Every
        # request and response exchanged here is validated against it.
        return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FakeAirflow:
        self.openapi = self.spec(self.url)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    # ------------------------------------------------------------------ WSGI

    @Request.application
    def app(self, request: Request) -> Response:
        with self._lock:
            self.calls.append((request.method, request.path))
        openapi_request = WerkzeugOpenAPIRequest(request)
        try:
            with warnings.catch_warnings():
                # openapi-core does not implement the spec's oauth2 scheme and warns on every request;
                # the stand-in checks the bearer token itself.
                warnings.simplefilter("ignore", UserWarning)
                self.openapi.validate_request(openapi_request)
        except Exception as exc:  # noqa: BLE001 - any validation failure is a finding for the test
            self.violations.append(f"request {request.method} {request.path}: {exc!r} {exc.__cause__!r}")
            return self._json(422, {"detail": "request violates the OpenAPI spec"})
        if request.path != "/auth/token":
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.tokens:
                return self._json(401, {"detail": "Not authenticated"})
        status, body = self._route(request)
        response = self._json(status, body)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                self.openapi.validate_response(openapi_request, WerkzeugOpenAPIResponse(response))
        except Exception as exc:  # noqa: BLE001
            self.violations.append(f"response {request.method} {request.path} {status}: {exc!r}")
        return response

    @staticmethod
    def _json(status: int, body: Any) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def _route(self, request: Request) -> tuple[int, Any]:
        body = request.get_json(silent=True) or {}
        if request.path == "/auth/token":
            if body.get("username") != self.username or body.get("password") != self.password:
                return 401, {"detail": "Invalid credentials"}
            token = uuid.uuid4().hex
            self.tokens.add(token)
            return 201, {"access_token": token}
        parts = [unquote(p) for p in request.path.removeprefix("/api/v2/").split("/")]
        if parts[:2] != ["dags", self.dag_id]:
            return 404, {"detail": "DAG not found"}
        rest = parts[2:]
        if not rest and request.method == "GET":
            return 200, self._dag()
        if not rest and request.method == "PATCH":
            self.is_paused = bool(body["is_paused"])
            due = self.next_dagrun_run_after
            if not self.is_paused and due and f"scheduled__{due}" not in self.runs:
                run_id = f"scheduled__{due}"
                self.scripts[run_id] = Script(state="running")
                self.runs[run_id] = self._run(run_id, "queued", {}, run_after=due, run_type="scheduled")
                self._polls[run_id] = 0
            return 200, self._dag()
        if rest == ["dagRuns"] and request.method == "POST":
            run_id = body["dag_run_id"]
            if run_id in self.runs:
                return 409, {"detail": f"run {run_id} exists"}
            self.scripts[run_id] = self.on_trigger(run_id, body.get("conf") or {})
            self.runs[run_id] = self._run(
                run_id, "queued", body.get("conf") or {}, run_after=body.get("run_after") or NOW
            )
            self._polls[run_id] = 0
            return 200, self.runs[run_id]
        run_id = rest[1] if len(rest) > 1 else ""
        if run_id not in self.runs:
            return 404, {"detail": "run not found"}
        script, run = self.scripts[run_id], self.runs[run_id]
        if len(rest) == 2:
            self._polls[run_id] += 1
            if not self.is_paused and self._active is None:
                # Airflow's scheduler starts queued runs in run_after order (DagRun.
                # get_queued_dag_runs_to_set_running), one at a time here.
                queued = [r for r in self.runs.values() if r["state"] == "queued"]
                self._active = min(queued, key=lambda r: _instant(r["run_after"]))["dag_run_id"]
            if self.is_paused or run_id != self._active:
                run["state"] = "queued"
            elif self._polls[run_id] > self.polls_before_end:
                run["state"] = script.state
            else:
                run["state"] = "running"
            return 200, run
        if rest[2:] == ["taskInstances"]:
            tis = [self._ti(run_id, t) for t in script.tasks]
            return 200, {"task_instances": tis, "total_entries": len(tis)}
        if len(rest) == 6 and rest[2] == "taskInstances" and rest[4] == "logs":
            map_index = int(request.args.get("map_index", -1))
            task = next((t for t in script.tasks if t.task_id == rest[3] and t.map_index == map_index), None)
            if task is None:
                return 404, {"detail": "no such task instance"}
            return 200, {
                "content": [{"event": line, "timestamp": NOW} for line in task.log],
                "continuation_token": None,
            }
        if len(rest) == 6 and rest[2] == "taskInstances" and rest[4] == "xcomEntries":
            task_id = rest[3]
            if task_id not in script.xcom:
                return 404, {"detail": f"XCom entry with key: `{rest[5]}` not found"}
            return 200, {
                "key": rest[5],
                "timestamp": NOW,
                "logical_date": None,
                "map_index": -1,
                "task_id": task_id,
                "dag_id": self.dag_id,
                "run_id": run_id,
                "dag_display_name": self.dag_id,
                "task_display_name": task_id,
                "run_after": NOW,
                "value": script.xcom[task_id],
            }
        return 404, {"detail": "not implemented by the stand-in"}

    # ------------------------------------------------------------------ documents

    def _dag(self) -> dict[str, Any]:
        return {
            "dag_id": self.dag_id,
            "dag_display_name": self.dag_id,
            "is_paused": self.is_paused,
            "is_stale": False,
            "last_parsed_time": NOW,
            "last_parse_duration": 0.5,
            "last_expired": None,
            "bundle_name": "dags-folder",
            "bundle_version": None,
            "relative_fileloc": "linkedin_profiles.py",
            "fileloc": "/opt/airflow/dags/linkedin_profiles.py",
            "description": None,
            "timetable_summary": "@daily",
            "timetable_description": "At 00:00",
            "timetable_partitioned": False,
            "timetable_periodic": True,
            "tags": [],
            "max_active_tasks": 16,
            "max_active_runs": 1,
            "max_consecutive_failed_dag_runs": 0,
            "has_task_concurrency_limits": False,
            "has_import_errors": False,
            "next_dagrun_logical_date": None,
            "next_dagrun_data_interval_start": None,
            "next_dagrun_data_interval_end": None,
            "next_dagrun_run_after": self.next_dagrun_run_after,
            "allowed_run_types": None,
            "owners": ["data-engineering"],
            "is_backfillable": True,
            "file_token": "token",
        }

    def _run(
        self, run_id: str, state: str, conf: dict[str, Any], run_after: str = NOW, run_type: str = "manual"
    ) -> dict[str, Any]:
        return {
            "dag_run_id": run_id,
            "dag_id": self.dag_id,
            "logical_date": None,
            "queued_at": NOW,
            "start_date": None,
            "end_date": None,
            "duration": None,
            "data_interval_start": None,
            "data_interval_end": None,
            "run_after": run_after,
            "last_scheduling_decision": None,
            "run_type": run_type,
            "state": state,
            "triggered_by": "rest_api",
            "triggering_user_name": self.username,
            "conf": conf,
            "note": None,
            "dag_versions": [],
            "bundle_version": None,
            "dag_display_name": self.dag_id,
            "partition_key": None,
            "partition_date": None,
        }

    def _ti(self, run_id: str, task: Task) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run_id}/{task.task_id}/{task.map_index}")),
            "task_id": task.task_id,
            "dag_id": self.dag_id,
            "dag_run_id": run_id,
            "map_index": task.map_index,
            "logical_date": None,
            "run_after": NOW,
            "start_date": NOW,
            "end_date": NOW if task.state in ("success", "failed", "upstream_failed") else None,
            "duration": 1.0,
            "state": task.state,
            "try_number": task.try_number,
            "max_tries": 2,
            "task_display_name": task.task_id,
            "dag_display_name": self.dag_id,
            "hostname": "airflow-worker-0",
            "unixname": "airflow",
            "pool": "default_pool",
            "pool_slots": 1,
            "queue": "default",
            "priority_weight": 1,
            "operator": "PipelinePodOperator",
            "operator_name": "PipelinePodOperator",
            "queued_when": NOW,
            "scheduled_when": NOW,
            "pid": 100,
            "executor": None,
            "executor_config": "{}",
            "note": None,
            "rendered_map_index": None if task.map_index < 0 else str(task.map_index),
            "trigger": None,
            "triggerer_job": None,
            "dag_version": None,
        }
