"""The tasks after the sync: fold what landed into the freshness table, then say how the day went.

A scrape stopped by a barrier (or a browser or site that failed) still has what it collected uploaded,
synced and modelled the same day; `report` then fails the DAG run naming the barrier, so a person
renews the session. Nothing waits on a manual clear: tomorrow's plan takes the profiles left over.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from airflow.sdk.exceptions import AirflowFailException

from scraper import freshness
from scraper.orchestration.names import WAREHOUSE_CONN_ID
from scraper.orchestration.plan import ROTATION_KEY, parse_rotation, read_config_map
from scraper.rundir import shard_index

log = logging.getLogger(__name__)


def update_freshness(**_: Any) -> dict[str, int]:
    """The `freshness` task: fold the records this sync landed into `linkedin.profile_freshness`."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    settings = parse_rotation(read_config_map().get(ROTATION_KEY)).settings
    with PostgresHook(postgres_conn_id=WAREHOUSE_CONN_ID).get_conn() as conn:
        result = freshness.fold_landed(conn, settings, dt.datetime.now(dt.UTC))
    log.info("freshness: %d landed attempts folded, %d profiles updated", result.records, result.profiles)
    return {"records": result.records, "profiles": result.profiles}


def why_stopped(shard: dict[str, Any]) -> str:
    """One shard that did not finish, in a sentence an operator acts on."""
    stop = shard.get("stopped_by") or {}
    who = f"account {shard.get('account') or '?'} (shard {shard.get('shard')})"
    if stop.get("reason") == "barrier":
        return (
            f"{who} stopped at a {stop.get('kind')} barrier at {stop.get('url')}: renew the session in "
            "the account's Secret (or wait out the rate limit)"
        )
    if stop.get("reason") == "login_failed":
        return f"{who} could not log in ({stop.get('message')}): check the account's Secret"
    if stop:
        return f"{who} stopped: {stop.get('reason')}" + (
            f" ({stop['message']})" if stop.get("message") else ""
        )
    return f"{who} ended {shard.get('outcome')}"


def report_run(ti: Any = None, **_: Any) -> str:
    """The `report` task: fail the run when a scrape did not finish, after its records have landed."""
    uploaded = ti.xcom_pull(task_ids="upload") or {}
    stopped = [why_stopped(shard) for shard in uploaded.get("unfinished") or []]
    stopped += [
        f"account {work['account']} (shard {shard_index(work['out'])}) wrote nothing: its scrape task's log says why"
        for work in ti.xcom_pull(task_ids="plan") or []
        if shard_index(work["out"]) not in (uploaded.get("shards") or [])
    ]
    if stopped:
        raise AirflowFailException(
            f"{uploaded.get('records', 0)} profiles landed, but "
            + "; ".join(stopped)
            + ". Tomorrow's plan takes the profiles left over."
        )
    message = f"{uploaded.get('records', 0)} profiles landed; every scrape finished"
    log.info(message)
    return message
