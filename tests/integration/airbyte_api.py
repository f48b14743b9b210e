"""A local stand-in for Airbyte's public API on 127.0.0.1.

It implements the endpoints the project's provisioning and the Airflow provider's operator, hook and
trigger use, and checks every request it receives, and every response it sends, against Airbyte's
OpenAPI spec (../shared/reference/airbyte-api/api.yaml): a request the spec does not allow is
recorded in `violations`, which the tests assert to be empty. Failures outside the spec (401 for an
expired token, 503) are injected on purpose and not checked.

Like Airbyte, it serves the API (the token endpoint included) under /api/public/v1 only: a token
request on any other path (the SDK's URL-joining trap) gets 404. Tokens expire `token_ttl` seconds
after they are issued. `forbid_writes` answers every POST/PATCH under a valid token with 403, as
some Airbyte OSS 2.x installs do (airbytehq/airbyte#76439).
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.conftest import SHARED_REFERENCE, require_shared

PREFIX = "/api/public/v1"
MASK = "**********"
SECRET_KEYS = {"password", "aws_secret_access_key", "aws_access_key_id"}
CLIENT_ID, CLIENT_SECRET = "pipeline-client", "pipeline-client-secret-123"


def _mask(config: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (MASK if k in SECRET_KEYS else _mask(v) if isinstance(v, dict) else v) for k, v in config.items()
    }


@dataclass
class FakeAirbyte:
    spec_path: Path
    workspace_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    sync_modes: list[str] = field(
        default_factory=lambda: ["full_refresh_append", "incremental_append", "incremental_deduped_history"]
    )
    token_ttl: float = 180
    # Statuses a new job reports on successive reads; the last one stays.
    job_script: list[str] = field(default_factory=lambda: ["pending", "running", "succeeded"])
    fail_next: list[int] = field(default_factory=list)  # status codes to answer the next API calls with
    # airbytehq/airbyte#76439: POST/PATCH refused with 403 under an application token that reads work.
    forbid_writes: bool = False
    # Airbyte's global.auth.enabled (API_AUTHORIZATION_ENABLED): off, requests need no token.
    auth: bool = True
    discover_s: float = 0.0  # how long GET /streams takes (Airbyte runs a discover pod meanwhile)
    discovers_at_once: int = 0  # the most discovers that ran at the same time
    workspaces: list[dict] = field(default_factory=list)
    sources: dict[str, dict] = field(default_factory=dict)
    destinations: dict[str, dict] = field(default_factory=dict)
    connections: dict[str, dict] = field(default_factory=dict)
    jobs: dict[int, dict] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (epoch seconds)
    calls: list[tuple[str, str]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.workspaces:
            self.workspaces.append(self._workspace(self.workspace_id, "Default Workspace"))
        self._spec = yaml.safe_load(self.spec_path.read_text())
        self._job_ids = itertools.count(1001)
        self._job_steps: dict[int, list[str]] = {}
        self._lock = threading.Lock()
        self._discovering = 0
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        spec = copy.deepcopy(self._spec)
        spec["servers"] = [{"url": f"{self.url}{PREFIX}"}]
        # The published spec has a dangling $ref in an endpoint we never call (dataplanes), so the
        # whole-document check is skipped; every request and response we exchange is still validated.
        self.openapi = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}{PREFIX}/"

    def start(self) -> FakeAirbyte:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def token_requests(self) -> list[str]:
        return [p for m, p in self.calls if m == "POST" and p.endswith("/applications/token")]

    @staticmethod
    def _workspace(workspace_id: str, name: str) -> dict[str, Any]:
        return {"workspaceId": workspace_id, "name": name, "dataResidency": "auto", "notifications": {}}

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.calls if m in ("POST", "PATCH", "PUT", "DELETE") and "token" not in p]

    # ------------------------------------------------------------------ WSGI

    @Request.application
    def app(self, request: Request) -> Response:
        with self._lock:
            self.calls.append((request.method, request.path))
            injected = self.fail_next.pop(0) if self.fail_next and "token" not in request.path else None
        if injected:
            return Response(
                json.dumps({"message": "injected"}), status=injected, content_type="application/json"
            )
        if not request.path.startswith(PREFIX + "/"):
            return Response(json.dumps({"message": "Not Found"}), status=404, content_type="application/json")
        openapi_request = WerkzeugOpenAPIRequest(request)
        try:
            if request.mimetype == "application/x-www-form-urlencoded":
                self._validate_form(request)
            else:
                self.openapi.validate_request(openapi_request)
        except Exception as exc:  # noqa: BLE001 - any validation failure is a finding for the test
            self.violations.append(
                f"request {request.method} {request.path}: {exc!r} {getattr(exc, '__cause__', '')}"
            )
            return Response(
                json.dumps({"message": "request violates the OpenAPI spec"}),
                status=400,
                content_type="application/json",
            )
        path = request.path.removeprefix(PREFIX)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if path != "/applications/token" and (self.auth or token):
            if self.tokens.get(token, 0.0) <= time.time():
                return Response(
                    json.dumps({"message": "Unauthorized"}), status=401, content_type="application/json"
                )
            if self.forbid_writes and request.method in ("POST", "PATCH"):
                return Response(
                    json.dumps({"message": "Forbidden"}), status=403, content_type="application/json"
                )
        status, body = self._route(request.method, path, request)
        response = Response(json.dumps(body), status=status, content_type="application/json")
        try:
            self.openapi.validate_response(openapi_request, WerkzeugOpenAPIResponse(response))
        except Exception as exc:  # noqa: BLE001
            self.violations.append(f"response {request.method} {request.path} {status}: {exc!r}")
        return response

    def _validate_form(self, request: Request) -> None:
        """The token request as the provider's SDK sends it (form-encoded), checked against the spec's
        schema directly: the spec requires `grant_type` but declares the property as `grant-type`, and
        openapi-core's form deserializer keeps only declared properties, so it would report every
        form request as missing `grant_type`."""
        operation = self._spec["paths"].get(request.path.removeprefix(PREFIX), {}).get(request.method.lower())
        content = ((operation or {}).get("requestBody") or {}).get("content") or {}
        if "application/x-www-form-urlencoded" not in content:
            raise ValueError(f"{request.method} {request.path} takes no form body")
        schema = content["application/x-www-form-urlencoded"]["schema"]
        if "$ref" in schema:
            schema = self._spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        jsonschema.validate(request.form.to_dict(), schema)

    def _route(self, method: str, path: str, request: Request) -> tuple[int, Any]:
        body = request.get_json(silent=True) or {}
        parts = [p for p in path.split("/") if p]
        if parts == ["applications", "token"]:
            form = body or request.form
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return 403, {}
            token = uuid.uuid4().hex
            self.tokens[token] = time.time() + self.token_ttl
            # Airbyte states whole seconds; the SDK counts them from its own clock.
            return 200, {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_ttl)}
        if parts == ["workspaces"] and method == "GET":
            return 200, {"data": list(self.workspaces)}
        if parts == ["workspaces"] and method == "POST":
            workspace = self._workspace(str(uuid.uuid4()), body["name"])
            self.workspaces.append(workspace)
            return 200, workspace
        for kind, store in (("sources", self.sources), ("destinations", self.destinations)):
            singular = kind[:-1]
            if parts == [kind] and method == "GET":
                return 200, {"data": [self._actor_view(singular, a) for a in store.values()]}
            if parts == [kind] and method == "POST":
                actor_id = str(uuid.uuid4())
                store[actor_id] = {
                    f"{singular}Id": actor_id,
                    "name": body["name"],
                    "workspaceId": body["workspaceId"],
                    "definitionId": body["definitionId"],
                    "configuration": body["configuration"],
                    f"{singular}Type": body["configuration"].get(f"{singular}Type", "unknown"),
                    "createdAt": 1764057600,
                }
                return 200, self._actor_view(singular, store[actor_id])
            if len(parts) == 2 and parts[0] == kind and method == "PATCH":
                actor = store[parts[1]]
                actor.update({k: v for k, v in body.items() if k in ("name", "configuration")})
                return 200, self._actor_view(singular, actor)
        if parts == ["streams"]:
            with self._lock:
                self._discovering += 1
                self.discovers_at_once = max(self.discovers_at_once, self._discovering)
            time.sleep(self.discover_s)
            with self._lock:
                self._discovering -= 1
            return 200, [{"streamName": "profiles", "syncModes": self.sync_modes}]
        if parts == ["connections"] and method == "GET":
            return 200, {"data": list(self.connections.values())}
        if parts == ["connections"] and method == "POST":
            connection_id = str(uuid.uuid4())
            self.connections[connection_id] = {
                "connectionId": connection_id,
                "name": body["name"],
                "sourceId": body["sourceId"],
                "destinationId": body["destinationId"],
                "workspaceId": self.workspace_id,
                "status": "active",
                "schedule": body["schedule"],
                "configurations": body["configurations"],
                "createdAt": 1764057600,
                "tags": [],
                "namespaceDefinition": body.get("namespaceDefinition", "destination"),
                # The API's default when a request names none (NonBreakingSchemaUpdatesBehaviorEnum).
                "nonBreakingSchemaUpdatesBehavior": body.get("nonBreakingSchemaUpdatesBehavior", "ignore"),
            }
            return 200, self.connections[connection_id]
        if len(parts) == 2 and parts[0] == "connections" and method == "PATCH":
            connection = self.connections[parts[1]]
            patchable = ("configurations", "schedule", "name", "nonBreakingSchemaUpdatesBehavior")
            connection.update({k: v for k, v in body.items() if k in patchable})
            return 200, connection
        if parts == ["jobs"] and method == "GET":
            jobs = [j for j in self.jobs.values() if j["connectionId"] == request.args.get("connectionId")]
            return 200, {"data": sorted(jobs, key=lambda j: -j["jobId"])}
        if parts == ["jobs"] and method == "POST":
            job_id = next(self._job_ids)
            steps = list(self.job_script)
            self._job_steps[job_id] = steps
            self.jobs[job_id] = {
                "jobId": job_id,
                "status": steps.pop(0),
                "jobType": "sync",
                "startTime": "2026-11-25T07:00:00Z",
                "connectionId": body["connectionId"],
            }
            return 200, self.jobs[job_id]
        if len(parts) == 2 and parts[0] == "jobs" and method == "GET":
            job = self.jobs[int(parts[1])]
            steps = self._job_steps.get(job["jobId"]) or []
            if steps:
                job["status"] = steps.pop(0)
            return 200, job
        if len(parts) == 2 and parts[0] == "jobs" and method == "DELETE":
            job = self.jobs[int(parts[1])]
            self._job_steps[job["jobId"]] = []
            job["status"] = "cancelled"
            return 200, job
        return 404, {}

    @staticmethod
    def _actor_view(singular: str, actor: dict[str, Any]) -> dict[str, Any]:
        view = dict(actor)
        view["configuration"] = _mask(actor["configuration"])  # like Airbyte: secrets never come back
        return view


@contextmanager
def running_fake_airbyte() -> Iterator[FakeAirbyte]:
    """The stand-in on Airbyte's published spec (skips when the spec is absent), stopped afterwards; a
    block that ends normally must have exchanged nothing outside the spec."""
    server = FakeAirbyte(require_shared(SHARED_REFERENCE / "airbyte-api" / "api.yaml")).start()
    try:
        yield server
    finally:
        server.stop()
    assert server.violations == [], "requests or responses outside Airbyte's OpenAPI spec"
