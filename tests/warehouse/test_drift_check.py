"""The layout drift alarm against a real PostgreSQL: what it reads of Airbyte's table, what it keeps in
linkedin.run_quality, and that a cleared `quality` task alarms again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scraper import drift
from tests.warehouse.conftest import RUN_DAY, land_run


def test_a_drop_alarms_once_measured_and_again_when_the_task_is_cleared(warehouse: Any) -> None:
    for day in range(2):
        run = land_run(warehouse, day)
        assert [
            (v.run_id, v.drops) for v in drift.check(warehouse, RUN_DAY + dt.timedelta(days=day, hours=1))
        ] == [(run, [])]
    changed = land_run(warehouse, 2, headline_lost=True)
    now = RUN_DAY + dt.timedelta(days=2, hours=1)
    [verdict] = drift.check(warehouse, now, changed)
    assert [(d.figure, d.usual, d.today) for d in verdict.drops] == [("field:headline", 1.0, 0.5)]
    # The task cleared and run again: nothing new landed, the kept verdict alarms again.
    [again] = drift.check(warehouse, now + dt.timedelta(minutes=5), changed)
    assert again.drops == verdict.drops
    # The alarmed run is not part of the next day's usual rate.
    land_run(warehouse, 3, headline_lost=True)
    [next_day] = drift.check(warehouse, now + dt.timedelta(days=1))
    assert [d.usual for d in next_day.drops] == [1.0]
    with warehouse.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {drift.TABLE}")
        assert cur.fetchone()[0] == 4
    warehouse.rollback()
