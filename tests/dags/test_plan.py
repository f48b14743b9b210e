"""The plan task as Airflow runs it: the profile list and the accounts read through the Kubernetes
provider's real hook and client, from a loopback stand-in for the API server that serves ConfigMap
pipeline-profiles as the pipeline chart renders it; the history read from and written to a real
PostgreSQL through the postgres provider's hook on `warehouse_default`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import psycopg2
import pytest
import yaml
from airflow.sdk.exceptions import AirflowException, AirflowSkipException

from scraper.orchestration.names import PIPELINE_NAMESPACE, PROFILES_CONFIGMAP
from scraper.orchestration.plan import plan_profiles
from tests.conftest import loopback_http_server
from tests.dags.conftest import RUN_ID

CONFIG_MAP_PATH = f"/api/v1/namespaces/{PIPELINE_NAMESPACE}/configmaps/{PROFILES_CONFIGMAP}"
# What the chart renders for `scraper.profiles: []` (charts/pipeline/templates/configmaps.yaml).
EMPTY_LIST = "# One LinkedIn profile URL or vanity id per line.\n"


class _ApiServer:
    def __init__(self) -> None:
        self.profiles_txt = EMPTY_LIST
        self.rotation_json = '{"accounts": [{"name": "main", "daily_cap": 3}]}'
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append(self.path)
                found = self.path.split("?")[0] == CONFIG_MAP_PATH
                body = {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": PROFILES_CONFIGMAP, "namespace": PIPELINE_NAMESPACE},
                    "data": {"profiles.txt": server.profiles_txt, "rotation.json": server.rotation_json},
                }
                payload = json.dumps(body if found else {"kind": "Status", "code": 404}).encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: Any) -> None:
                pass

        self.handler = Handler


@pytest.fixture
def warehouse_dsn(postgres_server: Any, airflow_env: None, monkeypatch: pytest.MonkeyPatch) -> str:
    dsn = postgres_server.create_database("plan_task")
    monkeypatch.setenv("AIRFLOW_CONN_WAREHOUSE_DEFAULT", dsn)
    return dsn


@pytest.fixture
def api_server(warehouse_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_ApiServer]:
    server = _ApiServer()
    with loopback_http_server(server.handler) as url:
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(
            yaml.safe_dump(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "clusters": [{"name": "c", "cluster": {"server": url}}],
                    "users": [{"name": "u", "user": {"token": "t"}}],
                    "contexts": [{"name": "ctx", "context": {"cluster": "c", "user": "u"}}],
                    "current-context": "ctx",
                }
            )
        )
        # The hook's documented configuration: connection kubernetes_default with a kubeconfig path.
        monkeypatch.setenv(
            "AIRFLOW_CONN_KUBERNETES_DEFAULT",
            json.dumps({"conn_type": "kubernetes", "extra": {"kube_config_path": str(kubeconfig)}}),
        )
        yield server


def test_an_empty_default_list_skips_the_run_with_a_sentence(api_server: _ApiServer) -> None:
    with pytest.raises(AirflowSkipException, match=r"^nothing to do: .*ConfigMap pipeline/pipeline-profiles"):
        plan_profiles({"profiles": []}, RUN_ID)
    assert [p.split("?")[0] for p in api_server.requests] == [CONFIG_MAP_PATH]


def test_the_plan_takes_what_the_budget_allows_and_says_so(
    api_server: _ApiServer, warehouse_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    api_server.profiles_txt = EMPTY_LIST + "".join(f"person-{i}\n" for i in range(5))
    caplog.set_level("INFO")
    (work,) = plan_profiles({}, RUN_ID)
    assert work["account"] == "main" and work["profiles"] == ["person-0", "person-1", "person-2"]
    assert work["out"] == f"/data/runs/{RUN_ID}/shard-0" and work["secret"] == "linkedin-credentials-main"
    assert "5 listed, 0 retired, 5 due today, 3 planned" in caplog.text
    assert "budget left 3, 2 due but deferred to a later day" in caplog.text
    # The list is recorded in the warehouse: the freshness table tracks every listed profile.
    with psycopg2.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM linkedin.profile_freshness WHERE in_list AND next_due IS NOT NULL")
        assert cur.fetchone() == (5,)


def test_profiles_in_the_params_replace_the_list_within_the_budget(api_server: _ApiServer) -> None:
    (work,) = plan_profiles({"profiles": ["bilal-sato-01", "ann-01", "bob-02", "cy-03"]}, RUN_ID)
    assert work["profiles"] == ["bilal-sato-01", "ann-01", "bob-02"]


def test_a_broken_rotation_config_is_one_sentence(api_server: _ApiServer) -> None:
    api_server.profiles_txt = EMPTY_LIST + "alice-smith-00\n"
    api_server.rotation_json = '{"accounts": [{"name": "Main Account"}]}'
    with pytest.raises(AirflowException, match=r"^ConfigMap pipeline-profiles key rotation.json: .*accounts"):
        plan_profiles({}, RUN_ID)


def test_a_skipped_plan_skips_every_task_after_it(dag: Any) -> None:
    """Airflow skips a task whose upstream was skipped when its trigger rule is all_success, and also
    under all_done_min_one_success, which counts a skipped upstream as not done (airflow-core's
    TriggerRuleDep: `if skipped > 0: new_state = SKIPPED`); the upload has the plan upstream."""
    downstream = dag.task_dict["plan"].get_flat_relatives(upstream=False)
    assert {"scrape", "upload", "sync", "freshness", "report"} <= {t.task_id for t in downstream}
    rules = {t.task_id: t.trigger_rule for t in downstream if t.trigger_rule != "all_success"}
    assert rules == {"upload": "all_done_min_one_success"}
    assert "plan" in dag.task_dict["upload"].upstream_task_ids
