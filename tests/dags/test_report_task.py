"""The `report` task: after the data landed, the run fails naming each account whose scrape did not
finish (a barrier, a browser, or nothing written at all), and succeeds when every scrape finished."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowFailException

from scraper.orchestration.report import report_run
from tests.dags.conftest import plan_work

TWO_ACCOUNTS = '{"accounts": [{"name": "main"}, {"name": "second"}]}'


def _ti(plan: list[dict[str, Any]], upload: dict[str, Any]) -> Any:
    xcom = {"plan": plan, "upload": upload}
    return SimpleNamespace(xcom_pull=lambda task_ids: xcom[task_ids])


def test_a_day_where_every_scrape_finished_reports_what_landed() -> None:
    upload = {"records": 4, "unfinished": [], "shards": [0, 1]}
    assert report_run(_ti(plan_work(TWO_ACCOUNTS), upload)) == "4 profiles landed; every scrape finished"


def test_a_barrier_fails_the_run_naming_the_account_after_the_data_landed() -> None:
    stop = {"reason": "barrier", "kind": "checkpoint", "url": "https://www.linkedin.com/in/x/"}
    upload = {
        "records": 3,
        "unfinished": [{"shard": 1, "account": "second", "outcome": "stopped", "stopped_by": stop}],
        "shards": [0, 1],
    }
    with pytest.raises(AirflowFailException) as failed:
        report_run(_ti(plan_work(TWO_ACCOUNTS), upload))
    assert str(failed.value).startswith(
        "3 profiles landed, but account second (shard 1) stopped at a checkpoint"
    )
    assert "renew the session" in str(failed.value)


def test_a_scrape_that_wrote_nothing_fails_the_run_too() -> None:
    """A pod refused before it wrote a line (its account in use, say) leaves nothing to upload."""
    upload = {"records": 2, "unfinished": [], "shards": [0]}
    with pytest.raises(AirflowFailException, match=r"account second \(shard 1\) wrote nothing"):
        report_run(_ti(plan_work(TWO_ACCOUNTS), upload))
