"""What the Airflow UI needs to show task logs, in the Airflow chart rendered with our values: a running
task's log fetched from its worker by an address that resolves, a finished one from the S3 store of the
same environment (tests/integration/test_remote_task_logs.py reads one back through Airflow itself)."""

from __future__ import annotations

import importlib
import ipaddress
from urllib.parse import urlsplit

import pytest
import yaml

from tests.charts.conftest import render_release, rendered_airflow_config, values_file


@pytest.mark.parametrize("env", ["kind", "staging"])
def test_workers_announce_an_address_the_api_server_can_reach_without_dns(env: str) -> None:
    """Workers and the triggerer run as Deployments when persistence is off: their pod names resolve in no
    DNS, so the default hostname (socket.getfqdn) leaves "Could not read served logs" for running tasks."""
    module, _, name = rendered_airflow_config(env)["core"].get("hostname_callable", "").rpartition(".")
    assert module, "no [core] hostname_callable: the pod name is announced"
    announced = getattr(importlib.import_module(module), name)()
    ipaddress.ip_address(announced)  # raises for a name


@pytest.mark.parametrize("env", ["kind", "staging"])
def test_task_logs_go_to_the_environments_own_bucket(env: str) -> None:
    config = rendered_airflow_config(env)
    assert config.getboolean("logging", "remote_logging"), f"{env}: task logs live only in the pods"
    remote = urlsplit(config["logging"]["remote_base_log_folder"])
    pipeline_values = yaml.safe_load(values_file(env).read_text())
    assert (remote.scheme, remote.netloc) == ("s3", pipeline_values["s3"]["bucket"])
    assert not remote.path.strip("/").startswith("linkedin/"), "inside the prefix Airbyte's source reads"


@pytest.mark.parametrize("env", ["kind", "staging"])
def test_flower_runs_the_image_every_other_airflow_component_runs(env: str) -> None:
    images = {
        obj["metadata"]["name"]: {c["image"] for c in obj["spec"]["template"]["spec"]["containers"]}
        for obj in render_release("airflow", env)
        if obj["kind"] in ("Deployment", "StatefulSet") and "airflow-" in obj["metadata"]["name"]
    }
    airflow_images = images["airflow-scheduler"] & images["airflow-api-server"]
    if env == "kind":
        assert images["airflow-flower"] <= airflow_images, images["airflow-flower"]
    else:
        assert "airflow-flower" not in images  # off on staging; its values still name our image
        values = yaml.safe_load(values_file(env, "airflow").read_text())["images"]
        assert values["flower"]["repository"] == values["airflow"]["repository"]
