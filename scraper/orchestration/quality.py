"""The `quality` task (the layout drift alarm) and how its failure reaches a person.

It runs after the sync, beside the models, so what the run collected has landed whatever it says;
then it fails the DAG run with the table of what dropped (scraper.drift). A person hears of it through
Airflow's notifier mechanism: the task's `on_failure_callback` is `ConfiguredNotifier`, which sends
through the notifier class named by the Airflow Variable ALARM_NOTIFIER_VAR, set from the Airflow
chart's values (docs/operations.md, "When the layout drift alarm fires"); unset, nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
from typing import Any

from airflow.sdk import BaseNotifier
from airflow.sdk.exceptions import AirflowFailException

from scraper import drift
from scraper.orchestration.names import ALARM_NOTIFIER_VAR, WAREHOUSE_CONN_ID

log = logging.getLogger(__name__)


def alarm_message(verdicts: list[drift.Verdict]) -> str | None:
    """The failure message for the runs that alarmed, None when none did."""
    alarmed = [v for v in verdicts if v.drops]
    if not alarmed:
        return None
    return "\n\n".join(
        f"Layout drift in run {v.run_id} ({v.ok} ok of {v.attempted} attempted): the data has landed; "
        "fix the parser, then re-parse the archived pages.\n" + drift.table(v.drops)
        for v in alarmed
    )


def check_layout_drift(**_: Any) -> list[dict[str, Any]]:
    """The `quality` task: measure what this sync landed and fail the run when a figure dropped."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    with PostgresHook(postgres_conn_id=WAREHOUSE_CONN_ID).get_conn() as conn:
        verdicts = drift.check(conn, dt.datetime.now(dt.UTC))
    message = alarm_message(verdicts)
    if message:
        raise AirflowFailException(message)
    log.info("quality: %d run(s) measured, no figure dropped", len(verdicts))
    return [{"run_id": v.run_id, "attempted": v.attempted, "ok": v.ok} for v in verdicts]


class ConfiguredNotifier(BaseNotifier):
    """Sends through the notifier the deployment configured, if any.

    The Variable holds JSON: {"class": "<module>.<BaseNotifier subclass>", "kwargs": {...}}, e.g. the
    SMTP provider's `airflow.providers.smtp.notifications.smtp.SmtpNotifier` with its `to`, `from_email`
    and `smtp_conn_id`. Read when a failure happens, not when the DAG file is parsed, so the DAG
    processor never reads Variables and a changed setting needs no new DAG version.
    """

    def notify(self, context: Any) -> None:
        from airflow.sdk import Variable

        raw = Variable.get(ALARM_NOTIFIER_VAR, default=None)
        if not raw:
            return
        try:
            configured = configured_notifier(raw)
        except ValueError as exc:  # a setting's mistake: one line in the task's log, not a traceback
            log.error("%s", exc)
            return
        configured(context)


def configured_notifier(raw: str) -> BaseNotifier:
    """The notifier a Variable's JSON names; ValueError with one sentence when it names none."""
    try:
        spec = json.loads(raw)
        module_name, _, class_name = spec["class"].rpartition(".")
        cls = getattr(importlib.import_module(module_name), class_name)
    except (ValueError, KeyError, TypeError, AttributeError, ImportError) as exc:
        raise ValueError(
            f"Variable {ALARM_NOTIFIER_VAR} must be JSON naming an importable notifier class "
            f'({{"class": "module.Class", "kwargs": {{...}}}}): {type(exc).__name__}: {exc}'
        ) from None
    if not (isinstance(cls, type) and issubclass(cls, BaseNotifier)):
        raise ValueError(f"Variable {ALARM_NOTIFIER_VAR} names {spec['class']}, which is no BaseNotifier")
    return cls(**(spec.get("kwargs") or {}))
