"""Names shared by the DAG, the chart and the values files (docs/architecture.md, "Names shared by the parts"). Tests check they agree."""

from __future__ import annotations

import datetime as dt
import re

PIPELINE_NAMESPACE = "pipeline"
SCRAPER_SERVICE_ACCOUNT = "scraper"
DATA_PVC = "pipeline-data"
PROFILES_CONFIGMAP = "pipeline-profiles"
PIPELINE_CONFIGMAP = "pipeline-config"
LINKEDIN_SECRET = "linkedin-credentials"  # each account's Secret is linkedin-credentials-<account>
S3_SECRET = "s3-credentials"
AIRBYTE_CONN_ID = "airbyte_default"
WAREHOUSE_CONN_ID = "warehouse_default"
S3_CONN_ID = "pipeline_s3"
SCRAPER_IMAGE_VAR = "scraper_image"
UPLOADER_IMAGE_VAR = "uploader_image"
# JSON naming the notifier the layout drift alarm sends through (unset: none); AIRFLOW_VAR_PIPELINE_ALARM_NOTIFIER.
ALARM_NOTIFIER_VAR = "pipeline_alarm_notifier"
RUN_LABEL = "pipeline/run-id"
XCOM_RETURN = "/airflow/xcom/return.json"
# How long the Airbyte sync may run before the task fails and the Airbyte job is cancelled.
SYNC_TIMEOUT = dt.timedelta(hours=2)

_LABEL_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


def linkedin_secret(account: str) -> str:
    """The Secret of an account that names none of its own (the chart's `pipeline.accountSecret`)."""
    return f"{LINKEDIN_SECRET}-{account}"


def label_safe(value: str) -> str:
    """A Kubernetes label value (<= 63 chars, alphanumeric at both ends) from any run id."""
    cleaned = _LABEL_BAD.sub("-", str(value))[:63].strip("-_.")
    return cleaned or "none"


def path_safe(value: str) -> str:
    """A directory name from a run id ('scheduled__2026-11-25T06:00:00+00:00' keeps its shape)."""
    return re.sub(r"[^\w.:+-]+", "_", str(value))
