"""The plan task with an empty profile list: a clean "nothing to do" that skips the whole run.

The default list is read through the Kubernetes provider's real hook and client, from a loopback
stand-in for the API server that serves ConfigMap pipeline-profiles as the pipeline chart renders it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml
from airflow.sdk.exceptions import AirflowSkipException

from scraper.orchestration.names import PIPELINE_NAMESPACE, PROFILES_CONFIGMAP
from scraper.orchestration.plan import PROFILE_LIST, shard_arguments
from tests.conftest import loopback_http_server
from tests.dags.conftest import RUN_ID

CONFIG_MAP_PATH = f"/api/v1/namespaces/{PIPELINE_NAMESPACE}/configmaps/{PROFILES_CONFIGMAP}"
# What the chart renders for `scraper.profiles: []` (charts/pipeline/templates/configmaps.yaml).
EMPTY_LIST = "# One LinkedIn profile URL or vanity id per line.\n"


class _ApiServer:
    def __init__(self) -> None:
        self.profiles_txt = EMPTY_LIST
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
                    "data": {"profiles.txt": server.profiles_txt},
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
def api_server(airflow_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_ApiServer]:
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
        shard_arguments({"profiles": [], "shards": 2}, RUN_ID)
    assert [p.split("?")[0] for p in api_server.requests] == [CONFIG_MAP_PATH]


def test_a_default_list_with_profiles_is_handed_to_the_pods(api_server: _ApiServer) -> None:
    api_server.profiles_txt = EMPTY_LIST + "alice-smith-00\n"
    args = shard_arguments({"shards": 2}, RUN_ID)
    assert len(args) == 2 and all(a[1:3] == ["--profiles", PROFILE_LIST] for a in args)


def test_profiles_in_the_params_need_no_lookup(api_server: _ApiServer) -> None:
    (args,) = shard_arguments({"profiles": ["bilal-sato-01"]}, RUN_ID)
    assert args[1:3] == ["--profile", "bilal-sato-01"]
    assert api_server.requests == []


def test_a_skipped_plan_skips_every_task_after_it(dag: Any) -> None:
    """Airflow skips a task whose upstream was skipped when its trigger rule is all_success."""
    downstream = dag.task_dict["plan"].get_flat_relatives(upstream=False)
    assert {"scrape", "upload", "sync"} <= {t.task_id for t in downstream}
    assert {t.task_id: t.trigger_rule for t in downstream if t.trigger_rule != "all_success"} == {}
