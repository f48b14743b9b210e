"""linkedin_reparse: read the archived pages of the runs uploaded in a date range again with the
current parser, in pods mapped over the range's runs, then the same upload, Airbyte sync and dbt
warehouse as the daily DAG; the warehouse keeps the newest parser's record of each scrape
(docs/operations.md, "Re-parse after a parser fix"). Manual trigger only.

Wiring only: the task implementations live in `scraper.orchestration`.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import DAG, Param, task

from scraper.orchestration.airbyte_tasks import sync_tasks
from scraper.orchestration.dbt import warehouse_task_group
from scraper.orchestration.names import (
    UPLOADER_IMAGE_VAR,
    label_safe,
    path_safe,
)
from scraper.orchestration.pods import (
    PipelinePodOperator,
    reparse_pod_kwargs,
    reparse_pods,
    reparsed_uploads,
    upload_pod_kwargs,
)

IMAGE = f"{{{{ var.value.{UPLOADER_IMAGE_VAR} }}}}"

with DAG(
    dag_id="linkedin_reparse",
    description="Archived LinkedIn pages -> records of the current parser -> S3 -> Postgres warehouse",
    schedule=None,
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    max_active_runs=1,
    user_defined_filters={"label_safe": label_safe, "path_safe": path_safe},
    default_args={"owner": "data-engineering", "retries": 1, "retry_delay": dt.timedelta(minutes=2)},
    params={
        "since": Param(type="string", format="date", description="First upload date (dt) to re-parse"),
        "until": Param(type="string", format="date", description="Last upload date (dt) to re-parse"),
        "pods": Param(2, type="integer", minimum=1, maximum=32, description="Re-parse pods, one core each"),
    },
    tags=["linkedin", "reparse", "airbyte"],
) as dag:
    shares = task(reparse_pods, task_id="plan", retries=0)()

    reparse = PipelinePodOperator.partial(
        task_id="reparse", execution_timeout=dt.timedelta(hours=6), **reparse_pod_kwargs(IMAGE)
    ).expand_kwargs(shares)

    uploads = task(reparsed_uploads, task_id="runs")(reparse.output)

    upload = PipelinePodOperator.partial(
        task_id="upload",
        execution_timeout=dt.timedelta(minutes=30),
        **{k: v for k, v in upload_pod_kwargs(IMAGE).items() if k != "arguments"},
    ).expand_kwargs(uploads)

    ensure, sync = sync_tasks()

    warehouse = warehouse_task_group(default_args={"execution_timeout": dt.timedelta(minutes=30)})

    upload >> ensure
    sync >> warehouse
