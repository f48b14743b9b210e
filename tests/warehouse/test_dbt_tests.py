"""The project's dbt tests catch what a broken sync or parse lands: a duplicate row, a null key and a
stale source each fail under their own test's name (the name the DAG's failed task logs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.devtools.airbyte_load import load_records
from tests.devtools.warehouse import Warehouse
from tests.warehouse.conftest import DAY_1, file_key, ground_truth

pytestmark = pytest.mark.slow


def failed_tests(result: Any) -> set[str]:
    """`test.linkedin_warehouse.<name>.<hash>` -> <name>, for each node that did not pass."""
    return {unique_id.split(".")[2] for unique_id in result.failed()}


def test_a_duplicate_row_and_a_null_key_fail_their_tests(warehouse: Any, dbt: Warehouse) -> None:
    load_records(warehouse, ground_truth(DAY_1), file_key=file_key(DAY_1))
    assert failed_tests(dbt.build()) == set()
    with warehouse.cursor() as cur:
        # What a broken model or sync would leave: a profile twice in profile_latest, a record without id.
        cur.execute("INSERT INTO linkedin.profile_latest SELECT * FROM linkedin.profile_latest LIMIT 1")
        cur.execute(
            "UPDATE linkedin.profiles SET profile_id = NULL WHERE ctid = (SELECT min(ctid) FROM linkedin.profiles)"
        )
    warehouse.commit()
    result = dbt.dbt("test")
    assert result.returncode != 0
    assert failed_tests(result) == {
        "unique_profile_latest_profile_id",
        "source_not_null_linkedin_profiles_profile_id",
    }
    assert "Failure in test unique_profile_latest_profile_id" in result.output


def test_a_stale_source_fails_its_freshness_check(warehouse: Any, dbt: Warehouse) -> None:
    landed = dt.datetime.now(dt.UTC) - dt.timedelta(hours=51)
    load_records(warehouse, ground_truth(DAY_1), file_key=file_key(DAY_1), extracted_at=landed)
    result = dbt.dbt("source", "freshness")
    assert result.returncode != 0
    assert [(r["unique_id"], r["status"]) for r in result.results] == [
        ("source.linkedin_warehouse.linkedin.profiles", "error")
    ]
    with warehouse.cursor() as cur:  # a sync lands a day later: fresh again
        cur.execute("UPDATE linkedin.profiles SET _airbyte_extracted_at = now() - interval '1 hour'")
    warehouse.commit()
    assert dbt.dbt("source", "freshness").returncode == 0
