"""The few calls of Airflow 3's REST API (/api/v2) that the smoke check needs, with a JWT from
POST /auth/token (FAB auth manager, as the chart deploys it: same body for the simple auth manager)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests


class AirflowAPIError(Exception):
    """An Airflow API call failed; the message names the call and the answer."""


@dataclass(frozen=True)
class TaskInstance:
    task_id: str
    map_index: int
    state: str | None
    try_number: int

    @property
    def label(self) -> str:
        return self.task_id if self.map_index < 0 else f"{self.task_id}[{self.map_index}]"


class AirflowAPI:
    def __init__(self, base_url: str, username: str, password: str, timeout_s: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._username, self._password = username, password
        self.timeout_s = timeout_s
        self.session = requests.Session()
        self._token: str | None = None

    def __repr__(self) -> str:
        return f"AirflowAPI({self.base_url!r})"

    def _login(self) -> str:
        url = f"{self.base_url}/auth/token"
        response = self.session.post(
            url, json={"username": self._username, "password": self._password}, timeout=self.timeout_s
        )
        if response.status_code in (400, 401, 403):
            raise AirflowAPIError(
                f"Airflow refused the login of user {self._username!r} at {url} (HTTP {response.status_code}): "
                "check createUserJob.defaultUser in the Airflow release's values"
            )
        if response.status_code not in (200, 201):
            raise AirflowAPIError(f"POST {url} answered HTTP {response.status_code}")
        return str(response.json()["access_token"])

    def call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        if self._token is None:
            self._token = self._login()
        url = f"{self.base_url}/api/v2/{path.lstrip('/')}"
        response = self.session.request(
            method,
            url,
            json=json,
            params=params,
            headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
            timeout=self.timeout_s,
        )
        if response.status_code >= 400:
            raise AirflowAPIError(
                f"{method} {url} answered HTTP {response.status_code}: {response.text[:300]}"
            )
        return response.json() if response.content else None

    # ------------------------------------------------------------------ the calls

    def unpause(self, dag_id: str) -> None:
        """New DAGs start paused; a run of a paused DAG would wait forever in `queued`."""
        self.call("PATCH", f"dags/{dag_id}", json={"is_paused": False})

    def next_scheduled_run_after(self, dag_id: str) -> dt.datetime | None:
        """When the DAG's next scheduled run becomes due (Airflow keeps it while the DAG is paused too)."""
        due = self.call("GET", f"dags/{dag_id}")["next_dagrun_run_after"]
        return dt.datetime.fromisoformat(due.replace("Z", "+00:00")) if due else None

    def trigger(
        self, dag_id: str, run_id: str, conf: dict[str, Any], run_after: dt.datetime | None = None
    ) -> dict[str, Any]:
        body = {"dag_run_id": run_id, "logical_date": None, "conf": conf}
        if run_after is not None:
            body["run_after"] = run_after.isoformat()
        return self.call("POST", f"dags/{dag_id}/dagRuns", json=body)

    def run_state(self, dag_id: str, run_id: str) -> str:
        return str(self.call("GET", f"dags/{dag_id}/dagRuns/{quote(run_id, safe='')}")["state"])

    def wait(
        self, dag_id: str, run_id: str, timeout_s: float, poll_s: float = 10.0, on_poll: Any = None
    ) -> str:
        """The run's final state (success/failed), or its state when `timeout_s` ran out."""
        deadline = time.monotonic() + timeout_s
        while True:
            state = self.run_state(dag_id, run_id)
            if on_poll:
                on_poll(state)
            if state in ("success", "failed") or time.monotonic() >= deadline:
                return state
            time.sleep(poll_s)

    def task_instances(self, dag_id: str, run_id: str) -> list[TaskInstance]:
        data = self.call(
            "GET", f"dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances", params={"limit": 100}
        )
        return sorted(
            (
                TaskInstance(t["task_id"], int(t["map_index"]), t.get("state"), int(t["try_number"]))
                for t in data["task_instances"]
            ),
            key=lambda t: (t.task_id, t.map_index),
        )

    def log_tail(self, dag_id: str, run_id: str, ti: TaskInstance, lines: int = 20) -> list[str]:
        data = self.call(
            "GET",
            f"dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances/{ti.task_id}/logs/{max(ti.try_number, 1)}",
            params={"map_index": ti.map_index, "full_content": "true"},
        )
        text: list[str] = []
        for item in data.get("content") or []:
            text.append(item if isinstance(item, str) else str(item.get("event", "")))
        flat = [line for chunk in text for line in chunk.splitlines() if line.strip()]
        return flat[-lines:]

    def xcom(self, dag_id: str, run_id: str, task_id: str) -> Any:
        """The task's return value, or None when it has none."""
        try:
            entry = self.call(
                "GET",
                f"dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances/{task_id}/xcomEntries/return_value",
                params={"deserialize": "true", "stringify": "false"},
            )
        except AirflowAPIError as exc:
            if "HTTP 404" in str(exc):
                return None
            raise
        return entry.get("value")
