"""linkedin_profiles: scrape profile pages in isolated pods, upload the run to S3, sync it with Airbyte
into the warehouse, then rebuild the warehouse models analysts query.

Wiring only: the task implementations live in `scraper.orchestration`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from airflow.providers.airbyte.operators.airbyte import AirbyteTriggerSyncOperator
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator
from airflow.sdk import DAG, Param, task

from scraper.orchestration.airbyte_tasks import EnsureAirbyteConnectionOperator
from scraper.orchestration.names import (
    AIRBYTE_CONN_ID,
    SCRAPER_IMAGE_VAR,
    SYNC_TIMEOUT,
    UPLOADER_IMAGE_VAR,
    WAREHOUSE_CONN_ID,
    label_safe,
    path_safe,
)
from scraper.orchestration.plan import shard_arguments
from scraper.orchestration.pods import PipelinePodOperator, scrape_pod_kwargs, upload_pod_kwargs

# The warehouse models (docs/warehouse.md): every file, in name order, in one transaction.
MODELS_DIR = Path(__file__).parent / "sql"

with DAG(
    dag_id="linkedin_profiles",
    description="LinkedIn profile pages -> JSONL on S3 -> Postgres warehouse (via Airbyte)",
    schedule="@daily",
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    template_searchpath=[str(MODELS_DIR)],
    max_active_runs=1,
    dagrun_timeout=dt.timedelta(hours=6),
    user_defined_filters={"label_safe": label_safe, "path_safe": path_safe},
    default_args={
        "owner": "data-engineering",
        "retries": 2,
        "retry_delay": dt.timedelta(minutes=2),
        "retry_exponential_backoff": True,
        "max_retry_delay": dt.timedelta(minutes=20),
    },
    params={
        "profiles": Param(
            [],
            type="array",
            items={"type": "string"},
            description="Profile URLs or ids for this run; empty = the list in ConfigMap pipeline-profiles",
        ),
        "max_profiles": Param(
            None, type=["null", "integer"], minimum=1, description="Scrape at most this many"
        ),
        "shards": Param(
            1, type="integer", minimum=1, maximum=20, description="Scraper pods working in parallel"
        ),
    },
    tags=["linkedin", "scraping", "airbyte"],
) as dag:
    plan = task(shard_arguments, task_id="plan")()

    scrape = PipelinePodOperator.partial(
        task_id="scrape",
        execution_timeout=dt.timedelta(hours=4),
        **scrape_pod_kwargs(f"{{{{ var.value.{SCRAPER_IMAGE_VAR} }}}}"),
    ).expand(arguments=plan)

    upload = PipelinePodOperator(
        task_id="upload",
        execution_timeout=dt.timedelta(minutes=30),
        **upload_pod_kwargs(f"{{{{ var.value.{UPLOADER_IMAGE_VAR} }}}}"),
    )

    ensure = EnsureAirbyteConnectionOperator(
        # Beyond the client's wait for a cold cluster's first discover (SLOW_TIMEOUT_S, 15 min).
        task_id="ensure_airbyte_connection",
        execution_timeout=dt.timedelta(minutes=25),
    )

    # The provider cancels the Airbyte job when execution_timeout passes, but only if its own wait
    # limit (`timeout`) has not ended the wait first: that one is set beyond execution_timeout.
    sync = AirbyteTriggerSyncOperator(
        task_id="sync",
        airbyte_conn_id=AIRBYTE_CONN_ID,
        connection_id="{{ ti.xcom_pull(task_ids='ensure_airbyte_connection') }}",
        deferrable=True,
        execution_timeout=SYNC_TIMEOUT,
        timeout=SYNC_TIMEOUT.total_seconds() + 600,
    )

    models = SQLExecuteQueryOperator(
        task_id="models",
        conn_id=WAREHOUSE_CONN_ID,
        sql=sorted(path.name for path in MODELS_DIR.glob("*.sql")),
        split_statements=True,
        autocommit=False,
        do_xcom_push=False,
        execution_timeout=dt.timedelta(minutes=30),
    )

    scrape >> upload >> ensure >> sync >> models
