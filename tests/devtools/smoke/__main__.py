"""`make smoke` on the running kind stack: read the stack's settings, forward its Services to
127.0.0.1, run the checks, print the table; exit 0 when every check passed, 1 when one failed, 2 when
the stack cannot be reached or read."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from typing import Any

import boto3
from botocore.config import Config

from scraper.airbyte.client import AirbyteClient
from scraper.errors import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK
from tests.devtools.smoke.airflow_api import AirflowAPI
from tests.devtools.smoke.checks import Endpoints, SmokeRun, Warehouse
from tests.devtools.smoke.cluster import ClusterError, Kubectl
from tests.devtools.smoke.stack import Layout, StackError, StackSettings, service_of

# The chart's label of the Airflow API server Service (apache-airflow chart 1.21.0).
AIRFLOW_API_SELECTOR = "component=api-server"


def _local(url: str, port: int) -> str:
    """The cluster URL with its host:port replaced by the forwarded 127.0.0.1 port."""
    scheme, _, rest = url.partition("://")
    path = rest.partition("/")[2]
    return f"{scheme}://127.0.0.1:{port}/{path}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.devtools.smoke", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--kube-context", required=True)
    parser.add_argument("--profiles", type=int, default=4, help="how many of the demo profiles (default 4)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the run")
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(f"smoke: {message}", file=sys.stderr, flush=True)

    try:
        layout = Layout.from_repo()
        kube = Kubectl(args.kube_context)
        conn_env = kube.secret_data(layout.airflow_namespace, layout.connections_secret)
        release_values = kube.json_of_release(layout.airflow_release, layout.airflow_namespace)
        settings = StackSettings.from_sources(conn_env, release_values)
        airflow_svc = kube.service_by_label(layout.airflow_namespace, AIRFLOW_API_SELECTOR)
        s3_svc = service_of(str(settings.s3.extra.get("endpoint_url", "")))
        airbyte_svc = service_of(settings.airbyte.host)
        warehouse_svc = service_of(settings.warehouse.host, settings.warehouse.port or 5432)
    except (StackError, ClusterError, KeyError) as exc:
        print(f"smoke: cannot read the stack: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT

    run_id = f"smoke__{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
    try:
        with contextlib.ExitStack() as forwards:
            airflow_port = forwards.enter_context(kube.port_forward(airflow_svc))
            s3_port = forwards.enter_context(kube.port_forward(s3_svc))
            airbyte_port = forwards.enter_context(kube.port_forward(airbyte_svc))
            api_url = _local(settings.airbyte.host, airbyte_port)
            token_path = settings.airbyte.schema

            def airbyte() -> AirbyteClient:
                return AirbyteClient.from_connection(
                    api_url, settings.airbyte.login, settings.airbyte.password, token_path, max_attempts=2
                )

            def cluster_state() -> tuple[list[Any], list[Any], list[Any]]:
                pods, events = [], []
                for ns in (layout.pipeline_namespace, layout.airflow_namespace, layout.airbyte_namespace):
                    pods += kube.pods(ns)
                    events += kube.events(ns)
                return pods, events, kube.pods(layout.airbyte_namespace)

            endpoints = Endpoints(
                airflow=AirflowAPI(
                    f"http://127.0.0.1:{airflow_port}", settings.airflow_user, settings.airflow_password
                ),
                s3=boto3.client(
                    "s3",
                    endpoint_url=f"http://127.0.0.1:{s3_port}",
                    region_name=settings.s3.extra.get("region_name", "us-east-1"),
                    aws_access_key_id=settings.s3.login,
                    aws_secret_access_key=settings.s3.password,
                    config=Config(s3={"addressing_style": "path"}),
                ),
                bucket=settings.bucket,
                airbyte=airbyte,
                warehouse=Warehouse(
                    kube.psql_argv(warehouse_svc, settings.warehouse.login, settings.warehouse.schema),
                    str(settings.warehouse.extra.get("target_schema", "linkedin")),
                ),
                cluster_state=cluster_state,
            )
            report = SmokeRun(
                endpoints,
                run_id,
                list(layout.demo_profiles[: args.profiles]),
                timeout_s=args.timeout,
                progress=say,
            ).execute()
    except ClusterError as exc:
        print(f"smoke: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(report.render())
    return EXIT_OK if report.passed else EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
