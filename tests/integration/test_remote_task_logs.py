"""Task logs outlive their pods: the kind values' [logging] section, as the chart renders it into
airflow.cfg, run by Airflow's own remote logging (the amazon provider's S3 task handler) against a real S3
server on loopback, with the connection the values name (kind's endpoint swapped for the loopback one)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.charts.conftest import render_release, rendered_airflow_config
from tests.conftest import REPO
from tests.integration.conftest import bucket_client
from tests.integration.s3_server import S3Server

# How the KubernetesPodOperator puts a pod's output into its task log: one event per container line.
POD_OUTPUT = [
    "[base] scrape: 2 profiles on shard 0 of 2",
    "[base] alice-smith-00 ok (3 experiences, 2 educations, 14 skills)",
    "[base] run manual__2026-12-07 shard 0 done: 2 ok",
]


def rendered_connection(conn_id: str) -> dict[str, Any]:
    """The kind connection `conn_id` as the chart renders it into the Secret airflow-connections."""
    (secret,) = [
        o
        for o in render_release("airflow", "kind")
        if o["kind"] == "Secret" and o["metadata"]["name"] == "airflow-connections"
    ]
    data = secret.get("stringData") or {
        k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()
    }
    return json.loads(data[f"AIRFLOW_CONN_{conn_id.upper()}"])


@pytest.mark.slow
def test_a_finished_tasks_log_is_read_back_from_the_s3_store_with_the_pods_output(
    s3: S3Server, tmp_path: Path
) -> None:
    logging_section = dict(rendered_airflow_config("kind")["logging"])
    assert logging_section.get("remote_logging") == "True", "kind keeps task logs only in the pods"
    remote = urlsplit(logging_section["remote_base_log_folder"])
    connection = rendered_connection(logging_section["remote_log_conn_id"])
    connection["extra"]["endpoint_url"] = s3.moto_endpoint
    bucket_client(s3).create_bucket(Bucket=remote.netloc)

    home = tmp_path / "airflow"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "AWS_"))}
    env |= {f"AIRFLOW__LOGGING__{key.upper()}": value for key, value in logging_section.items()}
    env |= {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),  # the chart's is a path in the image
        f"AIRFLOW_CONN_{logging_section['remote_log_conn_id'].upper()}": json.dumps(connection),
    }
    # The metadata database holds the log filename template the reader renders paths with.
    migrate = [str(Path(sys.executable).parent / "airflow"), "db", "migrate"]
    subprocess.run(migrate, env=env, cwd=REPO, capture_output=True, check=True, timeout=300)

    lines = [
        {"timestamp": f"2026-12-07T00:00:0{i}Z", "level": "info", "event": event, "logger": "pod_manager"}
        for i, event in enumerate(POD_OUTPUT)
    ]
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.task_log_roundtrip", json.dumps(lines)],
        env=env, cwd=REPO, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    read = json.loads(result.stdout.strip().splitlines()[-1])

    key = f"{remote.path.strip('/')}/{read['path']}"
    objects = bucket_client(s3).list_objects_v2(Bucket=remote.netloc)["Contents"]
    assert [o["Key"] for o in objects] == [key]
    events = [e.get("event") for e in read["events"]]
    sources = events[events.index("::group::Log message source details") + 1 : events.index("::endgroup::")]
    assert sources == [f"s3://{remote.netloc}/{key}"], "the log was not read from S3 alone"
    assert [e for e in events if e in POD_OUTPUT] == POD_OUTPUT
