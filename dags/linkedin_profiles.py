"""linkedin_profiles: plan today's profiles per account, scrape them in isolated pods (one per account),
upload what was collected to S3, sync it with Airbyte into the warehouse, build the warehouse's dbt
models (one task per model and test) and the freshness table, then report how the day went; beside
them, the layout drift alarm (`quality`) compares the run's fill rates with the recent runs'
(docs/operations.md, "Day to day").

Wiring only: the task implementations live in `scraper.orchestration`.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import DAG, Param, TriggerRule, task

from scraper.orchestration.airbyte_tasks import sync_tasks
from scraper.orchestration.dbt import warehouse_task_group
from scraper.orchestration.names import (
    SCRAPER_IMAGE_VAR,
    UPLOADER_IMAGE_VAR,
    label_safe,
    path_safe,
)
from scraper.orchestration.plan import plan_profiles
from scraper.orchestration.pods import (
    PipelinePodOperator,
    account_pod,
    scrape_pod_kwargs,
    upload_pod_kwargs,
)
from scraper.orchestration.quality import ConfiguredNotifier, check_layout_drift
from scraper.orchestration.report import report_run, update_freshness

with DAG(
    dag_id="linkedin_profiles",
    description="LinkedIn profile pages -> JSONL on S3 -> Postgres warehouse (via Airbyte)",
    schedule="@daily",
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    catchup=False,
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
            description="Scrape exactly these profile URLs or ids (within today's budget) instead of "
            "the due profiles of the list in ConfigMap pipeline-profiles",
        ),
    },
    tags=["linkedin", "scraping", "airbyte"],
) as dag:
    plan = task(plan_profiles, task_id="plan", retries=0)()

    # One pod per account with work today: an account never browses from two places at once.
    scrape = PipelinePodOperator.partial(
        task_id="scrape",
        execution_timeout=dt.timedelta(hours=4),
        **scrape_pod_kwargs(f"{{{{ var.value.{SCRAPER_IMAGE_VAR} }}}}"),
    ).expand_kwargs(plan.map(account_pod))

    # What was collected lands even when a scrape stopped at a barrier: the upload waits for every
    # scrape to end, whatever its state, and is skipped only with the plan.
    upload = PipelinePodOperator(
        task_id="upload",
        trigger_rule=TriggerRule.ALL_DONE_MIN_ONE_SUCCESS,
        execution_timeout=dt.timedelta(minutes=30),
        **upload_pod_kwargs(f"{{{{ var.value.{UPLOADER_IMAGE_VAR} }}}}"),
    )

    ensure, sync = sync_tasks()

    warehouse = warehouse_task_group(default_args={"execution_timeout": dt.timedelta(minutes=30)})

    freshness = task(update_freshness, task_id="freshness", execution_timeout=dt.timedelta(minutes=10))()

    # The layout drift alarm: after the data landed, beside the models; its failure fails the run.
    quality = task(
        check_layout_drift,
        task_id="quality",
        retries=0,
        execution_timeout=dt.timedelta(minutes=10),
        on_failure_callback=ConfiguredNotifier(),
    )()

    report = task(report_run, task_id="report", retries=0)()

    plan >> upload
    scrape >> upload >> ensure
    sync >> [warehouse, freshness] >> report
    sync >> quality
