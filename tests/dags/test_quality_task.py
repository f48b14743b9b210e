"""The DAG's `quality` task (the layout drift alarm) run against a real PostgreSQL through
`warehouse_default`, and its failure sent by the real SMTP provider's notifier through Airflow's own
task-callback runner, to a loopback SMTP server."""

from __future__ import annotations

import copy
import datetime as dt
import email
import json
from typing import Any

import psycopg2
import pytest
import structlog

from scraper.orchestration.names import ALARM_NOTIFIER_VAR
from tests.dags.conftest import point_warehouse_default, task_context
from tests.devtools.smtp_sink import SmtpSink
from tests.warehouse.conftest import RUN_DAY, land_run

SMTP_NOTIFIER = "airflow.providers.smtp.notifications.smtp.SmtpNotifier"


@pytest.fixture
def drifted_warehouse(postgres_server: Any, monkeypatch: pytest.MonkeyPatch, airflow_env: None) -> Any:
    """Two normal runs measured, then a run that lost half its headlines landed; `warehouse_default`
    points at it."""
    from scraper import drift

    database = "dag_quality_task"
    conn = psycopg2.connect(postgres_server.create_database(database))
    point_warehouse_default(monkeypatch, postgres_server, database)
    for day in range(2):
        land_run(conn, day)
        drift.check(conn, RUN_DAY + dt.timedelta(days=day, hours=1))
    land_run(conn, 2, headline_lost=True)
    yield conn
    conn.close()


def _fail_and_call_back(dag: Any) -> Any:
    """Run the task's callable (as the decorated operator calls it); on its failure, the task runner's
    own step that runs on_failure_callback."""
    from airflow.sdk.exceptions import AirflowFailException
    from airflow.sdk.execution_time.task_runner import _run_task_state_change_callbacks

    task = copy.deepcopy(dag.task_dict["quality"])
    context = task_context(task)
    with pytest.raises(AirflowFailException) as failed:
        task.python_callable(**context)
    context["exception"] = failed.value  # as the task runner sets it before the failure callbacks
    _run_task_state_change_callbacks(task, "on_failure_callback", context, structlog.get_logger())
    return failed.value


def test_the_alarm_fails_the_task_and_the_configured_notifier_mails_its_table(
    dag: Any, drifted_warehouse: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpSink() as sink:
        monkeypatch.setenv(
            "AIRFLOW_CONN_SMTP_DEFAULT",
            json.dumps(
                {
                    "conn_type": "smtp",
                    "host": "127.0.0.1",
                    "port": sink.port,
                    "extra": {"disable_ssl": True, "disable_tls": True, "retry_limit": 0},
                }
            ),
        )
        monkeypatch.setenv(
            f"AIRFLOW_VAR_{ALARM_NOTIFIER_VAR.upper()}",
            json.dumps(
                {
                    "class": SMTP_NOTIFIER,
                    "kwargs": {
                        "to": "data-team@example.com",
                        "from_email": "airflow@example.com",
                        "subject": "{{ dag.dag_id }}: {{ task.task_id }} failed",
                        "html_content": "<pre>{{ exception }}</pre>",
                    },
                }
            ),
        )
        failure = _fail_and_call_back(dag)
    assert "field:headline  100%   50%" in str(failure)
    [raw] = sink.messages
    message = email.message_from_bytes(raw)
    assert (
        message["Subject"] == "linkedin_profiles: quality failed" and message["To"] == "data-team@example.com"
    )
    body = next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    assert "field:headline  100%   50%" in body.decode()


def test_without_a_configured_notifier_the_alarm_only_fails_the_task(
    dag: Any, drifted_warehouse: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(f"AIRFLOW_VAR_{ALARM_NOTIFIER_VAR.upper()}", raising=False)
    with SmtpSink() as sink:
        assert "field:headline" in str(_fail_and_call_back(dag))
    assert sink.messages == []


def test_a_notifier_setting_that_names_no_notifier_is_one_line_in_the_log(
    dag: Any, drifted_warehouse: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(f"AIRFLOW_VAR_{ALARM_NOTIFIER_VAR.upper()}", '{"class": "smtplib.SMTP"}')
    _fail_and_call_back(dag)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == [f"Variable {ALARM_NOTIFIER_VAR} names smtplib.SMTP, which is no BaseNotifier"]
